/** Formatting of a bench run: one row per scenario comparing the service with the baseline. */
import type { LoadResult } from './load';

export interface Measurement {
  load: LoadResult;
  /** CPU used by the server process during the measured window, per request (µs). */
  serverCpuUsPerReq: number;
  /** CPU used by redis-server during the measured window, per request (µs). */
  redisCpuUsPerReq: number;
  /** Highest resident memory sampled during the measured window (MiB). */
  peakRssMiB: number;
  /** Redis commands executed during the measured window, per request, by command name. */
  redisCallsPerReq: Record<string, number>;
  /**
   * Share of the machine's CPU (all cores) used during the window by processes other than the
   * server, Redis and the load generator: other work on the machine skews a run when it is high.
   */
  otherCpuPct: number;
  /** The measured window on the system's monotonic clock (µs), the clock of V8 CPU profiles. */
  windowUs: { start: number; end: number };
}

export interface ScenarioResult {
  scenario: string;
  target: number;
  service: Measurement;
  bare: Measurement;
}

const f0 = (n: number): string => Math.round(n).toLocaleString('en-US');
const f1 = (n: number): string => n.toFixed(1);
const f2 = (n: number): string => n.toFixed(2);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const ratioOf = (r: ScenarioResult): number => r.service.load.reqPerSec / r.bare.load.reqPerSec;
const failures = (m: Measurement): number => m.load.errors + m.load.non2xx + m.load.timeouts;

/** The main table: throughput ratio against the target, latency and memory of both servers. */
export function summaryTable(results: ScenarioResult[]): string {
  const header = [
    'scenario',
    'service req/s',
    'bare req/s',
    'ratio',
    'target',
    'result',
    'service p50/p99 ms',
    'bare p50/p99 ms',
    'service RSS MiB',
    'bare RSS MiB',
  ];
  const rows = results.map((r) => [
    r.scenario,
    f0(r.service.load.reqPerSec),
    f0(r.bare.load.reqPerSec),
    `${f2(ratioOf(r))}×`,
    `≥ ${f2(r.target)}×`,
    ratioOf(r) >= r.target ? 'PASS' : 'FAIL',
    `${r.service.load.p50} / ${r.service.load.p99}`,
    `${r.bare.load.p50} / ${r.bare.load.p99}`,
    f0(r.service.peakRssMiB),
    f0(r.bare.peakRssMiB),
  ]);
  return table(header, rows);
}

/** Where the time goes: CPU per request in each server process and in Redis, and failures. */
export function costTable(results: ScenarioResult[]): string {
  const header = [
    'scenario',
    'service CPU µs/req',
    'bare CPU µs/req',
    'service Redis µs/req',
    'bare Redis µs/req',
    'service requests (failed)',
    'bare requests (failed)',
    'other CPU % (service / bare run)',
  ];
  const rows = results.map((r) => [
    r.scenario,
    f1(r.service.serverCpuUsPerReq),
    f1(r.bare.serverCpuUsPerReq),
    f1(r.service.redisCpuUsPerReq),
    f1(r.bare.redisCpuUsPerReq),
    `${f0(r.service.load.requests)} (${failures(r.service)})`,
    `${f0(r.bare.load.requests)} (${failures(r.bare)})`,
    `${f0(r.service.otherCpuPct)} / ${f0(r.bare.otherCpuPct)}`,
  ]);
  return table(header, rows);
}

/** Redis commands per request of each server, e.g. `evalsha 1.00, hgetall 1.00`. */
export function commandLines(results: ScenarioResult[]): string {
  const fmt = (m: Measurement): string =>
    Object.entries(m.redisCallsPerReq)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([cmd, n]) => `${cmd} ${f2(n)}`)
      .join(', ');
  return results
    .map(
      (r) =>
        `${r.scenario} Redis commands/request (Lua-internal calls included): service ${fmt(r.service)}; bare ${fmt(r.bare)}`,
    )
    .join('\n');
}

export function verdicts(results: ScenarioResult[]): string {
  return results
    .map((r) => {
      const ok = ratioOf(r) >= r.target;
      return `${ok ? 'PASS' : 'FAIL'} ${r.scenario}: ${f2(ratioOf(r))}× of bare (target ≥ ${f2(r.target)}×)`;
    })
    .join('\n');
}
