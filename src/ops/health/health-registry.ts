import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';

/** A readiness check: `null` when fine, else a short reason (no key names, no secrets). */
export type ReadinessCheck = () => Promise<string | null> | string | null;
/** Work to do once the instance stops being ready (e.g. tell live clients to reconnect elsewhere). */
export type ShutdownHook = () => Promise<void> | void;

export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * What /health/ready answers. Features register their own checks (the live path: its pub/sub
 * subscriber; the fan-out worker: its loop is alive) with `addCheck`, and work for the start of a
 * graceful shutdown with `onShutdown`. Checks run concurrently; the first failing one, in
 * registration order, gives the reason.
 */
@Injectable()
export class HealthRegistry implements OnModuleDestroy {
  private readonly logger = new Logger('Health');
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly hooks = new Map<string, ShutdownHook>();
  private stopping: Promise<void> | null = null;

  addCheck(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  onShutdown(name: string, hook: ShutdownHook): void {
    this.hooks.set(name, hook);
  }

  get shuttingDown(): boolean {
    return this.stopping !== null;
  }

  async readiness(): Promise<Readiness> {
    if (this.stopping) return { ready: false, reason: 'shutting down' };
    const entries = [...this.checks.entries()];
    const results = await Promise.all(
      entries.map(async ([name, check]) => {
        try {
          return await check();
        } catch {
          return `${name} check failed`;
        }
      }),
    );
    const reason = results.find((r): r is string => r !== null);
    return reason === undefined ? { ready: true } : { ready: false, reason };
  }

  /**
   * Readiness answers 503 from now on; shutdown hooks run once (failures are logged, not thrown).
   * Idempotent: the SIGTERM handler calls it first, and Nest's close calls it again.
   */
  beginShutdown(): Promise<void> {
    this.stopping ??= (async () => {
      const hooks = [...this.hooks.entries()];
      const results = await Promise.allSettled(hooks.map(([, hook]) => hook()));
      results.forEach((r, i) => {
        if (r.status === 'rejected')
          this.logger.error(`shutdown hook ${hooks[i][0]} failed: ${String(r.reason)}`);
      });
    })();
    return this.stopping;
  }

  /** First of Nest's close hooks: an app closed without the SIGTERM path is not-ready too. */
  async onModuleDestroy(): Promise<void> {
    await this.beginShutdown();
  }
}
