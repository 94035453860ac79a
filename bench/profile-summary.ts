/**
 * Where the service's CPU time goes during each measured window of a bench run.
 *   SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench
 *   node -r ts-node/register/transpile-only bench/profile-summary.ts /tmp/prof/<file>.cpuprofile \
 *     bench/results/<run>.json
 * Prints self time by package / app file and the heaviest inclusive frames, in CPU µs per request
 * (samples are matched to windows through the monotonic clock both the profile and the bench use).
 */
import { readFileSync } from 'node:fs';
import type { ScenarioResult } from './report';

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
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const app = /\/dist\/(.+)$/.exec(url);
  if (app) return `app: ${app[1]}`;
  return url.startsWith('node:') ? `node: ${url.slice(5).replace(/^internal\//, '')}` : url;
}

function frameName(frame: ProfileNode['callFrame']): string {
  const where = category(frame);
  return `${frame.functionName || '(anonymous)'} (${where}:${frame.lineNumber + 1})`;
}

/** Self and inclusive time (µs) of samples taken between start and end. */
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
      const frame = (byId.get(cur) as ProfileNode).callFrame;
      const name = frameName(frame);
      const interesting = /@nestjs|pino|fastify|middie|class-(validator|transformer)|app: /.test(
        name,
      );
      if (interesting && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
      }
    }
  });
  return { busy, self, inclusive };
}

function top(map: Map<string, number>, n: number, requests: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${(v / requests).toFixed(1).padStart(8)} µs/req  ${k}`);
}

function main(): void {
  const [profilePath, resultsPath] = process.argv.slice(2);
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const { results } = JSON.parse(readFileSync(resultsPath, 'utf8')) as {
    results: ScenarioResult[];
  };
  for (const r of results) {
    const m = r.service;
    const { busy, self, inclusive } = tally(profile, m.windowUs.start, m.windowUs.end);
    const requests = m.load.requests;
    console.log(
      `\n== ${r.scenario}: ${(busy / requests).toFixed(0)} µs CPU/req sampled (${requests} req)`,
    );
    console.log('-- self time by package / file');
    console.log(top(self, 25, requests).join('\n'));
    console.log('-- inclusive time of framework and app frames (synchronous part only)');
    console.log(top(inclusive, 30, requests).join('\n'));
  }
}

main();
