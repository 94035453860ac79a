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
import { CpuProfile, tally } from './cpu-profile';
import type { StepResult } from './live-report';

const INTERESTING =
  /app: |socket\.io|engine\.io|ws:|ioredis|fastify|@nestjs|class-(validator|transformer)|prom-client|node: (net|stream|http)/;

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
    const { busy, self, inclusive } = tally(profile, start, end, INTERESTING);
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
