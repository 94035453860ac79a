/**
 * Where the service's CPU goes during each measured service step of a live bench run.
 *   SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:live
 *   node -r ts-node/register/transpile-only bench/live-profile.ts /tmp/prof/<file>.cpuprofile \
 *     bench/results/live-<run>.json
 * Prints, per step, self time by package / app file and the heaviest inclusive frames in % of one
 * core and in CPU µs per accepted submission (samples are matched to the step's window through
 * the monotonic clock both the profile and the bench use).
 */
import { readFileSync } from 'node:fs';
import type { StepResult } from './live-report';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

function category(frame: ProfileNode['callFrame']): string {
  const { functionName: fn, url } = frame;
  if (fn === '(garbage collector)') return 'GC';
  if (url === '') return `native: ${fn || '(anonymous)'}`;
  // A build compared through LIVE_SERVICE_DIST lives under node_modules/.cache: still app code.
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/.][^/]*)\//.exec(url.replace(/^.*\/\.cache\//, ''));
  if (pkg) return pkg[1];
  const app = /\/dist\/(.+)$/.exec(url);
  if (app) return `app: ${app[1]}`;
  return url.startsWith('node:') ? `node: ${url.slice(5).replace(/^internal\//, '')}` : url;
}

function frameName(frame: ProfileNode['callFrame']): string {
  return `${frame.functionName || '(anonymous)'} (${category(frame)}:${frame.lineNumber + 1})`;
}

const INTERESTING =
  /app: |socket\.io|engine\.io|ws:|ioredis|fastify|@nestjs|class-(validator|transformer)|prom-client|node: (net|stream|http)/;

/** Self time by category and inclusive time of interesting frames (µs), between start and end. */
function tally(profile: CpuProfile, start: number, end: number) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i];
    const node = byId.get(id);
    if (t < start || t > end || !node || node.callFrame.functionName === '(idle)') return;
    const dt = profile.timeDeltas[i];
    busy += dt;
    const cat = category(node.callFrame);
    self.set(cat, (self.get(cat) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = frameName((byId.get(cur) as ProfileNode).callFrame);
      if (INTERESTING.test(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
      }
    }
  });
  return { busy, self, inclusive };
}

function top(map: Map<string, number>, n: number, windowUs: number, submits: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([k, v]) =>
        `${((100 * v) / windowUs).toFixed(1).padStart(6)} %  ${(v / submits).toFixed(0).padStart(5)} µs/submit  ${k}`,
    );
}

function main(): void {
  const [profilePath, resultsPath] = process.argv.slice(2);
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const { steps } = JSON.parse(readFileSync(resultsPath, 'utf8')) as { steps: StepResult[] };
  for (const s of steps.filter((x) => x.server === 'service')) {
    const { start, end } = s.windowUs;
    const windowUs = end - start;
    const submits = Math.max(1, ((s.submitsPerSec ?? 0) * windowUs) / 1e6);
    const { busy, self, inclusive } = tally(profile, start, end);
    console.log(
      `\n== service, ${s.subscribers} subscribers: ${((100 * busy) / windowUs).toFixed(0)} % of a core sampled, ` +
        `${(busy / submits).toFixed(0)} µs per accepted submission (${s.submitsPerSec?.toFixed(0)}/s)`,
    );
    console.log('-- self time by package / file');
    console.log(top(self, 25, windowUs, submits).join('\n'));
    console.log('-- inclusive time of library and app frames (synchronous part only)');
    console.log(top(inclusive, Number(process.env.TOP ?? 45), windowUs, submits).join('\n'));
  }
}

main();
