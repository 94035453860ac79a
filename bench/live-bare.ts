/**
 * The live bench's baseline: a bare socket.io server (same engine options as the service's /live:
 * websocket only, no per-message deflate) whose clients join one room on `board.subscribe`, and
 * which emits one message of a given size to that room every `intervalMs`, stamped with its emit
 * time in `t`. Env PORT. stdin commands (JSON lines): {cmd: 'emit', intervalMs, size} (size 0
 * stops) → {reply: 'emit', clients, emits, emitMs}; emitMs is the total time the emits since the
 * previous command held the event loop (the same measure as the service's
 * rankfeed_live_fanout_duration_seconds).
 */
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Server } from 'socket.io';

const http = createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404).end();
});
const io = new Server(http, {
  transports: ['websocket'],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  maxHttpBufferSize: 4096,
});
const live = io.of('/live');
live.on('connection', (socket) => {
  socket.on('board.subscribe', (_req: unknown, ack: (r: unknown) => void) => {
    void socket.join('v');
    ack({ subscription: 'bare' });
  });
});

let timer: NodeJS.Timeout | null = null;
let emits = 0;
let emitMs = 0;
createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line) as { cmd: string; intervalMs?: number; size?: number };
  if (cmd.cmd === 'emit') {
    if (timer) clearInterval(timer);
    timer = null;
    const size = cmd.size ?? 0;
    if (size > 0) {
      const pad = 'x'.repeat(Math.max(0, size - 60));
      let seq = 0;
      timer = setInterval(() => {
        seq += 1;
        const t0 = performance.now();
        live.to('v').emit('board.updated', {
          subscription: 'bare',
          seq,
          t: performance.timeOrigin + t0,
          pad,
        });
        emits += 1;
        emitMs += performance.now() - t0;
      }, cmd.intervalMs ?? 100);
    }
  }
  if (cmd.cmd === 'exit') process.exit(0);
  const reply = { reply: cmd.cmd, clients: live.sockets.size, emits, emitMs };
  emits = 0;
  emitMs = 0;
  process.stdout.write(`${JSON.stringify(reply)}\n`);
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
