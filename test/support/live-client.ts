/**
 * socket.io-client helpers for the /live tests: connecting, acks, bounded waiting, and a view
 * that applies `board.updated` messages exactly as README's client does (resuming on a gap).
 */
import { io, Socket } from 'socket.io-client';

export interface LiveEntry {
  rank: number;
  playerId: string;
  score: number;
  metadata?: Record<string, unknown>;
  profile?: Record<string, unknown>;
}

export interface BoardUpdated {
  subscription: string;
  epoch: string;
  seq: number;
  prevSeq: number;
  cycle: string;
  size: number;
  changes?: { position: number; entry: LiveEntry }[];
  entries?: LiveEntry[];
}

export interface ConnectOptions {
  token?: string;
  origin?: string;
}

function socketFor(baseUrl: string, opts: ConnectOptions): Socket {
  return io(`${baseUrl}/live`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: opts.token === undefined ? {} : { token: opts.token },
    extraHeaders: opts.origin === undefined ? undefined : { origin: opts.origin },
  });
}

/** A connected socket; rejects with the connect_error. */
export function connectLive(baseUrl: string, opts: ConnectOptions = {}): Promise<Socket> {
  const socket = socketFor(baseUrl, opts);
  return new Promise((done, fail) => {
    socket.once('connect', () => done(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      fail(error);
    });
  });
}

/** The connect_error a handshake ends with (fails the test if it connects). */
export async function connectError(
  baseUrl: string,
  opts: ConnectOptions = {},
): Promise<Error & { data?: { code?: string } }> {
  try {
    const socket = await connectLive(baseUrl, opts);
    socket.close();
  } catch (error) {
    return error as Error & { data?: { code?: string } };
  }
  throw new Error('expected the handshake to fail, but the socket connected');
}

export function emitAck<T = any>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return socket.timeout(10_000).emitWithAck(event, payload) as Promise<T>;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Polls `condition` every 20 ms; fails naming `what` after `withinMs` (a hang guard, not a timing assertion). */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  withinMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/**
 * One board subscription held like a real client: applies changes when `prevSeq` matches, takes
 * whole `entries` (ignoring stale ones), and on a gap re-subscribes with `since`.
 */
export class LiveView {
  entries: LiveEntry[] = [];
  epoch = '';
  seq = 0;
  cycle = '';
  subscription = '';
  readonly received: BoardUpdated[] = [];
  resumes = 0;
  /** Tests set this to lose the next N fresh messages, as a lossy network would. */
  dropNext = 0;
  private resuming: Promise<void> | null = null;

  constructor(
    readonly socket: Socket,
    private readonly request: Record<string, unknown>,
  ) {
    socket.on('board.updated', (u: BoardUpdated) => {
      if (u.subscription === this.subscription) this.onUpdate(u);
    });
  }

  /** Subscribes (the ack's snapshot or replay is applied); returns the raw ack. */
  async subscribe(since?: { epoch: string; seq: number }): Promise<any> {
    const ack = await emitAck(
      this.socket,
      'board.subscribe',
      since ? { ...this.request, since } : this.request,
    );
    if (ack.error) throw new Error(`board.subscribe failed: ${JSON.stringify(ack.error)}`);
    this.subscription = ack.subscription;
    this.applyAck(ack);
    return ack;
  }

  private applyAck(ack: any): void {
    if (ack.entries) {
      this.take(ack.epoch, ack.seq, ack.cycle, ack.entries);
    } else {
      for (const u of ack.updates as BoardUpdated[]) this.apply(u);
      this.epoch = ack.epoch;
      this.seq = Math.max(this.seq, ack.seq);
    }
  }

  private take(epoch: string, seq: number, cycle: string, entries: LiveEntry[]): void {
    this.epoch = epoch;
    this.seq = seq;
    this.cycle = cycle;
    this.entries = [...entries];
  }

  private onUpdate(u: BoardUpdated): void {
    this.received.push(u);
    if (this.resuming) return;
    if (u.epoch === this.epoch && u.seq <= this.seq) return;
    if (this.dropNext > 0) {
      this.dropNext -= 1;
      return;
    }
    if (u.entries || (u.epoch === this.epoch && u.prevSeq === this.seq)) {
      this.apply(u);
      return;
    }
    this.resumes += 1;
    this.resuming = this.subscribe({ epoch: this.epoch, seq: this.seq })
      .then(() => undefined)
      .finally(() => {
        this.resuming = null;
      });
  }

  private apply(u: BoardUpdated): void {
    if (u.entries) return this.take(u.epoch, u.seq, u.cycle, u.entries);
    const next = [...this.entries];
    for (const c of u.changes ?? []) next[c.position] = c.entry;
    next.length = u.size;
    this.take(u.epoch, u.seq, u.cycle, next);
  }
}
