import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AppConfig } from '../config/app-config';
import { HealthRegistry } from '../ops/health/health-registry';
import { DeliveredJob, FanoutQueueRepository } from './fanout-queue.repository';
import { FanoutProcessor } from './fanout-processor';
import { feedMetrics } from './feeds.metrics';

/** Idle polling interval; jobs enqueued by this instance wake the worker at once. */
const POLL_MS = 100;
const READ_COUNT = 10;
const ERROR_PAUSE_MS = 500;
/** Readiness fails when the loop has not turned for this long (it turns at least every poll). */
const STALL_MS = 15_000;

/**
 * The fan-out worker: runs in every instance (consumer name = instance id). Each turn it first
 * claims jobs a dead consumer left pending (XAUTOCLAIM, idle ≥ FEED_FANOUT_CLAIM_IDLE_MS), then
 * reads new ones (XREADGROUP), and when there are none waits POLL_MS or until this instance
 * enqueues a job. A job resumes from its saved followers cursor. On
 * shutdown it stops between batches: the job stays pending, with its progress, for another
 * instance to claim.
 */
@Injectable()
export class FanoutWorker implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('FanoutWorker');
  readonly consumer = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private lastTurn = Date.now();
  private lastSample = 0;
  private lastClaim = 0;

  constructor(
    private readonly queue: FanoutQueueRepository,
    private readonly processor: FanoutProcessor,
    private readonly config: AppConfig,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    if (!this.config.feeds.worker) return; // API-only instance (FEED_FANOUT_WORKER=false)
    this.health.addCheck('feeds', () =>
      this.loop && Date.now() - this.lastTurn < STALL_MS
        ? null
        : 'feed fan-out worker is not running',
    );
    this.health.onShutdown('feeds', () => this.stop());
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Stops taking jobs; the current job finishes its batch and stays pending if unfinished. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.queue.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.lastTurn = Date.now();
      try {
        await this.sample();
        // Stale jobs can only appear after claimIdleMs: look for them a few times per period,
        // not on every idle turn.
        const claimDue = Date.now() - this.lastClaim >= this.config.feeds.claimIdleMs / 4;
        if (claimDue) this.lastClaim = Date.now();
        const claimed = claimDue
          ? await this.queue.claimStale(this.consumer, this.config.feeds.claimIdleMs, READ_COUNT)
          : [];
        const jobs =
          claimed.length > 0 ? claimed : await this.queue.read(this.consumer, READ_COUNT);
        for (const job of jobs) {
          if (this.stopping) break;
          await this.handle(job);
        }
        if (jobs.length === 0 && !this.stopping) await this.queue.idle(POLL_MS);
      } catch (error) {
        if (this.stopping) break;
        this.logger.warn(`fan-out turn failed: ${String(error)}`);
        await new Promise((done) => setTimeout(done, ERROR_PAUSE_MS));
      }
    }
  }

  private async handle({ entryId, job }: DeliveredJob): Promise<void> {
    if (!job) {
      await this.queue.complete(entryId); // malformed: nothing to do, never retried
      return;
    }
    const start = (await this.queue.progress(entryId)) ?? '0';
    const outcome = await this.processor.run(job, start, async (cursor) => {
      this.lastTurn = Date.now();
      await this.queue.saveProgress(entryId, cursor);
      if (this.stopping) return false;
      await this.queue.heartbeat(this.consumer, entryId);
      return true;
    });
    if (outcome === 'done') {
      await this.queue.complete(entryId);
      feedMetrics.lag.observe({ op: job.op }, Math.max(0, Date.now() - job.enqueuedAt) / 1000);
    }
  }

  /** Backlog gauge, at most once a second. */
  private async sample(): Promise<void> {
    if (Date.now() - this.lastSample < 1000) return;
    this.lastSample = Date.now();
    feedMetrics.backlog.set(await this.queue.backlog());
  }
}
