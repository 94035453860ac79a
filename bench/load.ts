/**
 * The load generator, run as its own process so it never shares an event loop with a server.
 * argv[2] is a JSON LoadSpec. Prints `measuring` when the warmup ends, then one line of JSON
 * (LoadResult) when the measured run ends.
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  scenario: 'submit' | 'top';
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Player ids are p0..p<players-1>. */
  players: number;
  maxScore: number;
}

export interface LoadResult {
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  timeouts: number;
  /** CPU the load generator itself used during the measured run (ms). */
  cpuMs: number;
}

function requestsFor(spec: LoadSpec): autocannon.Options['requests'] {
  if (spec.scenario === 'top') return [{ method: 'GET', path: '/v1/boards/bench/top?limit=10' }];
  return [
    {
      method: 'POST',
      path: '/v1/boards/bench/scores',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({
        ...req,
        body: JSON.stringify({
          playerId: `p${Math.floor(Math.random() * spec.players)}`,
          score: Math.floor(Math.random() * spec.maxScore),
        }),
      }),
    },
  ];
}

async function run(spec: LoadSpec, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: seconds,
    requests: requestsFor(spec),
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
  if (spec.warmupSeconds > 0) await run(spec, spec.warmupSeconds);
  process.stdout.write('measuring\n');
  const cpuBefore = process.cpuUsage();
  const r = await run(spec, spec.durationSeconds);
  const cpu = process.cpuUsage(cpuBefore);
  const result: LoadResult = {
    requests: r.requests.total,
    reqPerSec: r.requests.total / (r.duration || spec.durationSeconds),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
    timeouts: r.timeouts,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`load failed: ${String(err)}\n`);
  process.exit(1);
});
