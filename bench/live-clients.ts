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
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';

export interface ClientSpec {
  url: string;
  mode: 'service' | 'bare';
  boardId: string;
  /**
   * `raw`: the socket.io protocol spoken directly over `ws` (what the bench needs of it: connect
   * to /live, events, acks, pings), about half the CPU per message of socket.io-client, which
   * `socket.io` uses. The load generator shares the server's two cores, so its CPU is taken
   * from the server under test; service and bare always use the same kind.
   */
  client: 'raw' | 'socket.io';
}

/** What the bench uses of a client socket (socket.io-client's Socket has it too). */
interface BenchSocket {
  readonly connected: boolean;
  on(event: string, listener: (data: any) => void): unknown;
  once(event: string, listener: (data: any) => void): unknown;
  emitWithAck(event: string, data: unknown): Promise<any>;
  close(): unknown;
}

/**
 * A socket.io client of namespace /live over one WebSocket (engine.io protocol 4): on the
 * engine's open packet it connects the namespace (`40/live,`), answers pings (`2` → `3`), and
 * decodes `42/live,[event, data]` events and `43/live,<id>[data]` acks. Nothing else is needed
 * here: no reconnection, no binary, no other namespace.
 */
class RawSocket implements BenchSocket {
  connected = false;
  private readonly ws: WebSocket;
  private readonly listeners = new Map<string, ((data: any) => void)[]>();
  private readonly acks = new Map<number, (data: any) => void>();
  private nextAck = 0;
  private static readonly NSP = '/live,';

  constructor(url: string) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
    });
    this.ws.on('message', (data) => this.frame(String(data)));
    this.ws.on('error', (error) => this.fire('connect_error', error));
    this.ws.on('close', () => {
      if (!this.connected) return;
      this.connected = false;
      this.fire('disconnect', undefined);
    });
  }

  on(event: string, listener: (data: any) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  once(event: string, listener: (data: any) => void): this {
    const wrapped = (data: any): void => {
      this.listeners.set(
        event,
        (this.listeners.get(event) ?? []).filter((l) => l !== wrapped),
      );
      listener(data);
    };
    return this.on(event, wrapped);
  }

  emitWithAck(event: string, data: unknown): Promise<any> {
    const id = this.nextAck++;
    return new Promise((done) => {
      this.acks.set(id, done);
      this.ws.send(`42${RawSocket.NSP}${id}${JSON.stringify([event, data])}`);
    });
  }

  close(): void {
    this.connected = false;
    this.ws.close();
  }

  private fire(event: string, data: unknown): void {
    for (const l of this.listeners.get(event) ?? []) l(data);
  }

  private frame(text: string): void {
    if (text[0] === '0') return void this.ws.send(`40${RawSocket.NSP}`); // engine open
    if (text[0] === '2') return void this.ws.send('3'); // ping
    if (text[0] !== '4') return;
    const kind = text[1];
    const at = text.startsWith(RawSocket.NSP, 2) ? 2 + RawSocket.NSP.length : 2;
    if (kind === '0') {
      this.connected = true;
      return this.fire('connect', undefined);
    }
    if (kind === '4') return this.fire('connect_error', new Error(text.slice(at)));
    let end = at;
    while (text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end += 1;
    const payload = JSON.parse(text.slice(end)) as unknown[];
    if (kind === '2') this.fire(String(payload[0]), payload[1]);
    else if (kind === '3') {
      const id = Number(text.slice(at, end));
      const ack = this.acks.get(id);
      this.acks.delete(id);
      ack?.(payload[0]);
    }
  }
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
const sockets: BenchSocket[] = [];
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
function track(socket: BenchSocket, sample: boolean): void {
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
  const socket: BenchSocket =
    spec.client === 'raw'
      ? new RawSocket(spec.url)
      : io(`${spec.url}/live`, { transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error('no subscribe ack in 30 s')), 30_000);
    socket.once('connect_error', fail);
    socket.once('connect', () => {
      track(socket, sample);
      const request = { boardId: spec.boardId, view: { type: 'top', limit: 10 } };
      socket
        .emitWithAck('board.subscribe', request)
        .finally(() => clearTimeout(timer))
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
