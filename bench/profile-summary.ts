/**
 * Where the service's CPU time goes during each measured window of a bench run.
 *   SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench
 *   node -r ts-node/register/transpile-only bench/profile-summary.ts /tmp/prof/<file>.cpuprofile \
 *     bench/results/<run>.json
 * Prints self time by package / app file and the heaviest inclusive frames, in CPU µs per request
 * (samples are matched to windows through the monotonic clock both the profile and the bench use).
 */
import { readFileSync } from 'node:fs';
import { CpuProfile, tally } from './cpu-profile';
import type { ScenarioResult } from './report';

const INTERESTING = /@nestjs|pino|fastify|middie|class-(validator|transformer)|app: /;

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
    const { busy, self, inclusive } = tally(profile, m.windowUs.start, m.windowUs.end, INTERESTING);
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
