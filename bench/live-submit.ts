/**
 * The live bench's submitter, its own process: POSTs scores at a steady rate over keep-alive
 * connections, each stamped with its send time in `metadata.t` (see live-clients.ts). argv[2] is a
 * JSON SubmitSpec. stdin commands (JSON lines): {cmd: 'rate', perSec} (0 stops), {cmd: 'stats'}
 * → {reply: 'stats', sent, ok, failed, skipped, inFlight, cpuMs, responseMs, entered}; skipped counts sends dropped
 * because `maxInFlight` requests were already waiting (the service could not keep up);
 * responseMs is the histogram (1 ms buckets) of send → HTTP response of the ok submissions since
 * the previous `stats`, so the bench can tell time spent before the write from time after it;
 * entered lists the `t` of the ok submissions since the previous `stats` whose response ranked
 * them within `enteredRank` (they entered the watched top view themselves, high enough that the
 * few submissions before the next tick cannot push them out of it again).
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

export interface SubmitSpec {
  /** Service instances: submissions go to them in turn. */
  urls: string[];
  boardId: string;
  players: number;
  maxInFlight: number;
  enteredRank: number;
}

const spec = JSON.parse(process.argv[2]) as SubmitSpec;
const targets = spec.urls.map((url) => new URL(`${url}/v1/boards/${spec.boardId}/scores`));
const agent = new Agent({ keepAlive: true, maxSockets: spec.maxInFlight });
const stats = { sent: 0, ok: 0, failed: 0, skipped: 0 };
const RESPONSE_BUCKETS = 10_001;
let responseMs = new Array<number>(RESPONSE_BUCKETS).fill(0);
let entered: number[] = [];
let inFlight = 0;
let perSec = 0;
let credit = 0;
let last = performance.now();
const cpuStart = process.cpuUsage();

function submit(): void {
  if (inFlight >= spec.maxInFlight) {
    stats.skipped += 1;
    return;
  }
  inFlight += 1;
  stats.sent += 1;
  const sentAt = performance.now();
  const t = performance.timeOrigin + performance.now();
  const body = JSON.stringify({
    playerId: `p${Math.floor(Math.random() * spec.players)}`,
    score: Math.floor(Math.random() * 1_000_000),
    metadata: { t },
  });
  const req = request(
    targets[stats.sent % targets.length],
    {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        inFlight -= 1;
        if (res.statusCode !== 200) {
          stats.failed += 1;
          return;
        }
        stats.ok += 1;
        const rank = (JSON.parse(text) as { periods: { all: { rank: number | null } } }).periods.all
          .rank;
        if (rank !== null && rank <= spec.enteredRank) entered.push(t);
        responseMs[Math.min(RESPONSE_BUCKETS - 1, Math.round(performance.now() - sentAt))] += 1;
      });
    },
  );
  req.on('error', () => {
    inFlight -= 1;
    stats.failed += 1;
  });
  req.end(body);
}

// Every 5 ms, send what the rate allows since the last turn (no burst after a stall: ≤ 50 ms).
setInterval(() => {
  const at = performance.now();
  credit = Math.min(credit + ((at - last) * perSec) / 1000, perSec / 20);
  last = at;
  while (credit >= 1) {
    credit -= 1;
    submit();
  }
}, 5);

createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line) as { cmd: string; perSec?: number };
  if (cmd.cmd === 'rate') {
    perSec = cmd.perSec ?? 0;
    credit = 0;
  }
  if (cmd.cmd === 'exit') process.exit(0);
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const reply = { reply: cmd.cmd, ...stats, inFlight, cpuMs, responseMs, entered };
  if (cmd.cmd === 'stats') {
    responseMs = new Array<number>(RESPONSE_BUCKETS).fill(0);
    entered = [];
  }
  process.stdout.write(`${JSON.stringify(reply)}\n`);
});
