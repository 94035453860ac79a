/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: any line that is
 * not valid HELP / TYPE / comment / sample throws, as do samples before their TYPE, a family
 * declared twice, a series repeated, and histograms whose buckets are not cumulative, lack +Inf,
 * or disagree with _count.
 */
import type { Http } from './app';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** Go's strconv.ParseFloat, as Prometheus uses: NaN and Inf in any case (prom-client writes `Nan`). */
function parseValue(text: string, line: number): number {
  if (/^[+]?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new Error(`line ${line}: bad value ${text}`);
  return Number(text);
}

/** `{a="x",b="y\"z"}` starting at `s[0] === '{'`: the labels and the rest of the line. */
function parseLabels(s: string, line: number): [Record<string, string>, string] {
  const labels: Record<string, string> = {};
  let i = 1;
  while (s[i] !== '}') {
    const eq = s.indexOf('=', i);
    const name = s.slice(i, eq);
    if (eq < 0 || !LABEL_NAME.test(name) || s[eq + 1] !== '"')
      throw new Error(`line ${line}: bad label at ${s.slice(i)}`);
    if (name in labels) throw new Error(`line ${line}: label ${name} repeated`);
    let value = '';
    let j = eq + 2;
    for (; j < s.length && s[j] !== '"'; j += 1) {
      if (s[j] !== '\\') {
        value += s[j];
        continue;
      }
      const next = s[(j += 1)];
      if (next === 'n') value += '\n';
      else if (next === '\\' || next === '"') value += next;
      else throw new Error(`line ${line}: bad escape \\${next}`);
    }
    if (j >= s.length) throw new Error(`line ${line}: unterminated label value`);
    labels[name] = value;
    i = j + 1;
    if (s[i] === ',') i += 1;
    else if (s[i] !== '}') throw new Error(`line ${line}: expected , or } after label ${name}`);
  }
  return [labels, s.slice(i + 1)];
}

function familyOf(sample: string, families: Map<string, MetricFamily>): MetricFamily | undefined {
  for (const [name, family] of families) {
    const suffixes = SUFFIXES[family.type] ?? [''];
    if (suffixes.some((suffix) => sample === name + suffix)) return family;
  }
  return undefined;
}

function checkHistogram(family: MetricFamily): void {
  const series = new Map<string, Sample[]>();
  for (const s of family.samples) {
    const rest = Object.entries(s.labels).filter(([name]) => name !== 'le');
    const key = JSON.stringify(rest.sort());
    series.set(key, [...(series.get(key) ?? []), s]);
  }
  for (const [key, samples] of series) {
    const buckets = samples.filter((s) => s.name.endsWith('_bucket'));
    const count = samples.find((s) => s.name.endsWith('_count'));
    const sum = samples.find((s) => s.name.endsWith('_sum'));
    if (buckets.length === 0 || !count || !sum)
      throw new Error(`${family.name}${key}: needs buckets, _sum and _count`);
    const les = buckets.map((b) => parseValue(b.labels.le ?? 'missing', 0));
    if (les[les.length - 1] !== Infinity)
      throw new Error(`${family.name}${key}: last bucket is not +Inf`);
    for (let i = 1; i < buckets.length; i += 1) {
      if (les[i] <= les[i - 1] || buckets[i].value < buckets[i - 1].value) {
        throw new Error(`${family.name}${key}: buckets not increasing and cumulative`);
      }
    }
    if (buckets[buckets.length - 1].value !== count.value)
      throw new Error(`${family.name}${key}: +Inf != _count`);
  }
}

export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const seen = new Set<string>();
  let current: MetricFamily | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`);
      const family = families.get(name) ?? { name, type: 'untyped', help: '', samples: [] };
      if (family.samples.length > 0)
        throw new Error(`line ${line}: ${kind} for ${name} after its samples`);
      if (kind === 'TYPE') {
        if (!TYPES.includes(rest)) throw new Error(`line ${line}: unknown type ${rest}`);
        if (families.has(name) && family.type !== 'untyped')
          throw new Error(`line ${line}: ${name} typed twice`);
        family.type = rest as MetricFamily['type'];
      } else family.help = rest;
      families.set(name, family);
      current = family;
      return;
    }
    if (raw.startsWith('#')) return;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(.*)$/.exec(raw);
    if (!m) throw new Error(`line ${line}: not a sample: ${raw}`);
    const [, name, afterName] = m;
    const [labels, rest] = afterName.startsWith('{')
      ? parseLabels(afterName, line)
      : [{}, afterName];
    const parts = rest.trim().split(' ');
    if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2)
      throw new Error(`line ${line}: bad sample ${raw}`);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1]))
      throw new Error(`line ${line}: bad timestamp`);
    const family = familyOf(name, families);
    if (!family || family !== current)
      throw new Error(`line ${line}: sample ${name} outside its family's block`);
    const id = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(id)) throw new Error(`line ${line}: series ${id} repeated`);
    seen.add(id);
    family.samples.push({ name, labels, value: parseValue(parts[0], line) });
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The one sample named `name` whose labels include `labels`; throws when none or several match. */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const matches = [...families.values()]
    .flatMap((f) => f.samples)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matches.length !== 1)
    throw new Error(`${matches.length} samples of ${name} ${JSON.stringify(labels)}`);
  return matches[0].value;
}

/**
 * Scrapes the app's `/metrics` and returns one sample's value; 0 when no such series exists yet
 * (a labelled counter appears with its first increment).
 */
export async function scrapedValue(
  http: Http,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const families = parsePrometheusText((await http.get('/metrics')).text);
  const exists = [...families.values()]
    .flatMap((f) => f.samples)
    .some((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return exists ? sampleValue(families, name, labels) : 0;
}
