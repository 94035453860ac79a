/**
 * A live-bench client process: holds many socket.io-client sockets (never in the server's process)
 * and measures what reaches them. argv[2] is a JSON ClientSpec. Commands arrive as JSON lines on
 * stdin; each answer is one JSON line on stdout (`{"reply": <cmd>, ...}`).
 *   {cmd: 'connect', n}    opens sockets up to n (each subscribes to the view / joins the room)
 *   {cmd: 'keep', n}       closes sockets beyond the first n
 *   {cmd: 'measure', ms}   counts deliveries and latencies for ms, then answers a LiveSample
 * Latency: every submission carries its send time in `metadata.t` (ms, performance clock of the
 * epoch); a socket records `receipt − t` the first time an entry appears in its top-10 view. The
 * bare baseline stamps `t` at emit time in the same field. Service latencies are also kept per
 * submission (`byT`), so the run can keep only the submissions that entered the view themselves:
 * under `update: latest` an entry also appears when the ones above it drop out, carrying the `t`
 * of a submission made up to seconds earlier, which is no submit→receipt time at all.
 */
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';

export interface ClientSpec {
  url: string;
  mode: 'service' | 'bare';
  boardId: string;
}

/** Latency histogram: 1 ms buckets up to 10 s (the last bucket holds everything above). */
export const HIST_BUCKETS = 10_001;

export interface LiveSample {
  reply: 'measure';
  deliveries: number;
  /** JSON bytes of the messages one socket of this process got, and how many they were. */
  bytes: number;
  sampledMessages: number;
  latencies: number[];
  /** Service mode: [t, latencies of the sockets that saw that submission appear] pairs. */
  byT: [number, number[]][];
  sockets: number;
  disconnects: number;
  cpuMs: number;
}

interface Entry {
  playerId: string;
  metadata?: { t?: number };
}
interface Update {
  entries?: Entry[];
  changes?: { position: number; entry: Entry }[];
  size?: number;
  t?: number;
}

const spec = JSON.parse(process.argv[2]) as ClientSpec;
const now = (): number => performance.timeOrigin + performance.now();
const sockets: Socket[] = [];
let measuring = false;
let deliveries = 0;
let bytes = 0;
let sampledMessages = 0;
let disconnects = 0;
let hist = new Array<number>(HIST_BUCKETS).fill(0);
let byT = new Map<number, number[]>();

const record = (ms: number): void => {
  hist[Math.min(HIST_BUCKETS - 1, Math.max(0, Math.round(ms)))] += 1;
};

/**
 * One socket's copy of the view. An entry is timed when it appears: its (player, t) was not in
 * the view before this message. (A message moving entries to other positions lists them again;
 * they are not new. An earlier version remembered timed entries in a set it cleared every 256
 * entries, after which a whole-view message timed entries already shown, with their old `t`.)
 */
function track(socket: Socket, sample: boolean): void {
  let view: Entry[] = [];
  let shown = new Set<string>();
  const keyOf = (e: Entry): string => `${e.playerId}@${e.metadata?.t ?? ''}`;
  socket.on('board.updated', (u: Update) => {
    const at = now();
    if (measuring) {
      deliveries += 1;
      if (sample) {
        bytes += JSON.stringify(u).length;
        sampledMessages += 1;
      }
    }
    if (spec.mode === 'bare') {
      if (measuring && u.t !== undefined) record(at - u.t);
      return;
    }
    if (u.entries) {
      view = [...u.entries];
    } else {
      for (const c of u.changes ?? []) view[c.position] = c.entry;
      view.length = u.size ?? view.length;
    }
    const before = shown;
    shown = new Set(view.map(keyOf));
    if (!measuring) return;
    for (const e of view) {
      const t = e.metadata?.t;
      if (t === undefined || before.has(keyOf(e))) continue;
      record(at - t);
      const list = byT.get(t);
      if (list) list.push(Math.round(at - t));
      else byT.set(t, [Math.round(at - t)]);
    }
  });
  socket.on('disconnect', () => {
    if (measuring) disconnects += 1;
  });
}

function open(sample: boolean): Promise<void> {
  const socket = io(`${spec.url}/live`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  return new Promise((done, fail) => {
    socket.once('connect_error', fail);
    socket.once('connect', () => {
      track(socket, sample);
      const request = { boardId: spec.boardId, view: { type: 'top', limit: 10 } };
      socket
        .timeout(30_000)
        .emitWithAck('board.subscribe', request)
        .then((ack: { error?: unknown }) => {
          if (ack?.error) return fail(new Error(JSON.stringify(ack.error)));
          sockets.push(socket);
          done();
        }, fail);
    });
  });
}

async function connect(n: number): Promise<void> {
  // 25 handshakes at a time: the server is not flooded, and 500 sockets open in ~1 s.
  while (sockets.length < n) {
    const batch = Math.min(25, n - sockets.length);
    await Promise.all(Array.from({ length: batch }, (_, i) => open(sockets.length + i === 0)));
  }
}

function keep(n: number): void {
  for (const s of sockets.splice(n)) s.close();
}

async function measure(ms: number): Promise<LiveSample> {
  deliveries = 0;
  bytes = 0;
  sampledMessages = 0;
  disconnects = 0;
  hist = new Array<number>(HIST_BUCKETS).fill(0);
  byT = new Map();
  const cpu = process.cpuUsage();
  measuring = true;
  await new Promise((r) => setTimeout(r, ms));
  measuring = false;
  const used = process.cpuUsage(cpu);
  return {
    reply: 'measure',
    deliveries,
    bytes,
    sampledMessages,
    latencies: hist,
    byT: [...byT],
    sockets: sockets.filter((s) => s.connected).length,
    disconnects,
    cpuMs: (used.user + used.system) / 1000,
  };
}

const reply = (msg: object): void => void process.stdout.write(`${JSON.stringify(msg)}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line) as { cmd: string; n?: number; ms?: number };
  const run = async (): Promise<object> => {
    if (cmd.cmd === 'connect') await connect(cmd.n ?? 0);
    else if (cmd.cmd === 'keep') keep(cmd.n ?? 0);
    else if (cmd.cmd === 'measure') return measure(cmd.ms ?? 1000);
    else if (cmd.cmd === 'exit') process.exit(0);
    return { reply: cmd.cmd, sockets: sockets.length };
  };
  run().then(reply, (err: unknown) => {
    process.stderr.write(`live client failed: ${String(err)}\n`);
    process.exit(1);
  });
});
