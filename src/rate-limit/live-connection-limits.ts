import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '../config/app-config';
import { clientIpResolver, ipSubject } from './client-ip';
import { rateLimitMetrics } from './rate-limit.metrics';
import { RateLimitService } from './rate-limit.service';

/**
 * Admission of /live handshakes, asked by socket.io's `allowRequest` before the WebSocket upgrade:
 * open sockets per client address on this instance (LIVE_CONNECTIONS_PER_IP), then connection
 * attempts per address in a sliding window shared by all instances (LIVE_CONNECT_MAX per
 * LIVE_CONNECT_WINDOW_MS). An admitted socket counts until its TCP connection closes: with the
 * websocket transport only, that is exactly the life of the socket.io connection.
 */
@Injectable()
export class LiveConnectionLimits {
  private readonly open = new Map<string, number>();
  private readonly clientIp: (req: IncomingMessage) => string;

  constructor(
    private readonly limits: RateLimitService,
    private readonly config: AppConfig,
  ) {
    this.clientIp = clientIpResolver(config.http.trustProxy);
  }

  /** Null when admitted (and counted), else the reason for the refusal. */
  async admit(req: IncomingMessage): Promise<string | null> {
    const subject = ipSubject(this.clientIp(req));
    if (this.full(subject)) return this.refused('too many open connections from this address');
    const attempt = await this.limits.chargeConnect(subject);
    if (!attempt.allowed) return 'too many connection attempts from this address';
    // Other handshakes from the address may have been admitted while Redis answered.
    if (this.full(subject)) return this.refused('too many open connections from this address');
    if (req.socket.destroyed) return 'connection closed';
    this.open.set(subject, (this.open.get(subject) ?? 0) + 1);
    req.socket.once('close', () => {
      const left = (this.open.get(subject) ?? 1) - 1;
      if (left > 0) this.open.set(subject, left);
      else this.open.delete(subject);
    });
    return null;
  }

  private full(subject: string): boolean {
    return (this.open.get(subject) ?? 0) >= this.config.live.connectionsPerIp;
  }

  private refused(reason: string): string {
    rateLimitMetrics.refusals.inc({ limiter: 'live_connect' });
    return reason;
  }
}
