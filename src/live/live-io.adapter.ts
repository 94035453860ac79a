import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { LiveConnectionLimits } from '../rate-limit/live-connection-limits';

/** Largest inbound socket.io message; a bigger one closes the connection (ws close 1009). */
export const LIVE_MAX_MESSAGE_BYTES = 4 * 1024;

/**
 * socket.io on the application's HTTP server, set up as DESIGN §4 and §8 require: websocket
 * transport only (no sticky sessions, no long-polling), no per-message compression (it made a
 * 1,000-socket broadcast 100x slower), small inbound messages, and the Origin checked in
 * `allowRequest` — socket.io's `cors` option does not stop a WebSocket from a foreign page.
 * Clients without an Origin header (servers, native apps) are allowed: only browsers send one,
 * and for them it cannot be forged. Connections per client address are limited there too
 * (LiveConnectionLimits); a refused handshake is an HTTP 400 the client sees as `connect_error`.
 */
export class LiveIoAdapter extends IoAdapter {
  constructor(
    private readonly appContext: INestApplicationContext,
    private readonly allowedOrigins: string[] | null,
  ) {
    super(appContext);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const allowed = this.allowedOrigins
      ? new Set(this.allowedOrigins.map((o) => o.trim()).filter((o) => o !== ''))
      : null;
    const limits = this.appContext.get(AppConfig).rateLimit.enabled
      ? this.appContext.get(LiveConnectionLimits)
      : null;
    return super.createIOServer(port, {
      ...options,
      transports: ['websocket'],
      perMessageDeflate: false,
      httpCompression: false,
      maxHttpBufferSize: LIVE_MAX_MESSAGE_BYTES,
      serveClient: false,
      pingInterval: 25_000,
      pingTimeout: 20_000,
      connectTimeout: 10_000,
      allowRequest: (
        req: IncomingMessage,
        done: (err: string | null | undefined, ok: boolean) => void,
      ) => {
        const origin = req.headers.origin;
        if (allowed !== null && origin !== undefined && !allowed.has(origin)) {
          return done(null, false);
        }
        if (!limits) return done(null, true);
        limits.admit(req).then(
          (refusal) => done(refusal, refusal === null),
          () => done('connection limits unavailable', false),
        );
      },
    } as ServerOptions) as Server;
  }
}
