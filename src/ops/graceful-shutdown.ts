import type { INestApplication } from '@nestjs/common';
import { HealthRegistry } from './health/health-registry';

export interface ShutdownOptions {
  /** How long to keep serving while not-ready, so load balancers stop routing here first. */
  delayMs: number;
}

/**
 * The SIGTERM path, in order: readiness answers 503 and shutdown hooks run (live clients are told
 * to reconnect elsewhere); after `delayMs` the app closes: Fastify stops accepting and waits for
 * in-flight requests (new ones get 503), then Nest's shutdown hooks close Redis last.
 */
export async function gracefulShutdown(
  app: INestApplication,
  opts: ShutdownOptions,
): Promise<void> {
  await app.get(HealthRegistry).beginShutdown();
  if (opts.delayMs > 0) await new Promise((done) => setTimeout(done, opts.delayMs));
  await app.close();
}
