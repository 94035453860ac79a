import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AppConfig } from '../config/app-config';
import { HealthRegistry } from '../ops/health/health-registry';
import type { FanoutJob } from './activity.types';
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
 * A consumer with nothing pending that has not read or claimed for this many claim-idle periods
 * is removed from the group (a live worker reads every POLL_MS; one removed anyway is recreated
 * by its next read, losing nothing, since only consumers without pending jobs are removed).
 */
const CONSUMER_EXPIRY_CLAIM_PERIODS = 10;

/**
 * The fan-out worker: runs in every instance (consumer name = instance id). Each turn it first
 * claims jobs a dead consumer left pending (XAUTOCLAIM, idle ≥ FEED_FANOUT_CLAIM_IDLE_MS), then
 * reads new ones (XREADGROUP), and when there are none waits POLL_MS or until this instance
 * enqueues a job. A job resumes from its saved followers cursor. On
 * shutdown it stops between batches: the job stays pending, with its progress, for another
 * instance to claim. A job that throws stays pending and is retried when claimed again; after
 * FEED_FANOUT_MAX_ATTEMPTS deliveries (a pause for shutdown does not count) it moves to the
 * dead-letter stream. Claiming also removes the group's long-idle consumers with nothing pending.
 */
@Injectable()
export class FanoutWorker implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('FanoutWorker');
  readonly consumer = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private lastTurn = Date.now();
  private sampler: NodeJS.Timeout | null = null;
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
    if (this.sampler) clearInterval(this.sampler);
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
        // Stale jobs can only appear after claimIdleMs: look for them a few times per period,
        // not on every idle turn.
        const claimDue = Date.now() - this.lastClaim >= this.config.feeds.claimIdleMs / 4;
        if (claimDue) this.lastClaim = Date.now();
        const claimed = claimDue ? await this.claim() : [];
        const jobs =
          claimed.length > 0 ? claimed : await this.queue.read(this.consumer, READ_COUNT);
        for (const job of jobs) {
          if (this.stopping) break;
          await this.attempt(job);
        }
        if (jobs.length === 0 && !this.stopping) await this.queue.idle(POLL_MS);
      } catch (error) {
        if (this.stopping) break;
        this.logger.warn(`fan-out turn failed: ${String(error)}`);
        await new Promise((done) => setTimeout(done, ERROR_PAUSE_MS));
      }
    }
  }

  /**
   * Stale jobs, now ours; those already delivered FEED_FANOUT_MAX_ATTEMPTS times are not run
   * again: each of those deliveries ended without completing or failing, i.e. its worker died.
   */
  private async claim(): Promise<DeliveredJob[]> {
    const { claimIdleMs, maxAttempts } = this.config.feeds;
    const claimed = await this.queue.claimStale(this.consumer, claimIdleMs, READ_COUNT);
    const runnable: DeliveredJob[] = [];
    for (const d of claimed) {
      if (d.job && d.deliveries > maxAttempts) {
        const attempts = d.deliveries - 1;
        const reason = `not completed in ${attempts} deliveries (worker died)`;
        await this.deadLetter(d.entryId, jobLabel(d.job), attempts, reason);
      } else runnable.push(d);
    }
    await this.dropIdleConsumers(claimIdleMs * CONSUMER_EXPIRY_CLAIM_PERIODS);
    return runnable;
  }

  /**
   * Runs one job. A failure does not stop the jobs behind it: the job stays pending and is claimed
   * again once idle for FEED_FANOUT_CLAIM_IDLE_MS, or is dead-lettered on its last delivery.
   */
  private async attempt(d: DeliveredJob): Promise<void> {
    try {
      await this.handle(d);
    } catch (error) {
      const { maxAttempts } = this.config.feeds;
      if (d.job && d.deliveries >= maxAttempts) {
        await this.deadLetter(d.entryId, jobLabel(d.job), d.deliveries, String(error));
        return;
      }
      this.logger.warn(
        `fan-out job ${d.entryId} failed (delivery ${d.deliveries} of ${maxAttempts}), ` +
          `retried once idle for FEED_FANOUT_CLAIM_IDLE_MS: ${String(error)}`,
      );
    }
  }

  /** Moves the job to the dead-letter stream; if that fails, it stays pending (claimed again). */
  private async deadLetter(
    entryId: string,
    job: { op: string; what: string },
    attempts: number,
    reason: string,
  ): Promise<void> {
    let dead: string | null;
    try {
      dead = await this.queue.deadLetter(this.consumer, entryId, attempts, reason);
    } catch (error) {
      this.logger.warn(`fan-out job ${entryId} could not be dead-lettered: ${String(error)}`);
      return;
    }
    if (dead === null) return; // completed or claimed by another consumer meanwhile
    feedMetrics.deadLetters.inc({ op: job.op });
    this.logger.warn(
      `fan-out job ${entryId} (${job.what}) moved to the dead-letter ` +
        `stream as ${dead} after ${attempts} deliveries: ${reason}`,
    );
  }

  /** Removes consumers of dead instances: never this one, never one with pending jobs. */
  private async dropIdleConsumers(minIdleMs: number): Promise<void> {
    try {
      for (const c of await this.queue.consumers()) {
        if (c.name === this.consumer || c.pending > 0 || c.idleMs < minIdleMs) continue;
        if (await this.queue.dropConsumer(c.name))
          this.logger.debug(`removed idle fan-out consumer ${c.name} (idle ${c.idleMs} ms)`);
      }
    } catch (error) {
      // Not worth failing the turn: the claimed jobs would stay pending and lose a delivery.
      this.logger.warn(`fan-out consumer cleanup failed: ${String(error)}`);
    }
  }

  private async handle({ entryId, job, deliveries }: DeliveredJob): Promise<void> {
    if (!job) {
      // Nothing could run it, ever: kept for an operator to look at instead of vanishing.
      const reason = 'malformed job: needs op (add or remove), actor and id';
      await this.deadLetter(entryId, { op: 'malformed', what: 'malformed' }, deliveries, reason);
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
    } else {
      // Paused for shutdown: not a failed attempt, so the next claim does not count against it.
      await this.queue.setDeliveries(this.consumer, entryId, deliveries - 1);
    }
  }

  /**
   * The backlog gauge, sampled at start and then every REDIS_INFO_INTERVAL_MS (with the INFO
   * gauges) on every instance, API-only ones too, and apart from the worker's loop: it keeps
   * moving when no worker runs or one is stuck in a job, exactly when it matters. A failed
   * sample leaves the last value.
   */
  async onApplicationBootstrap(): Promise<void> {
    let busy = false;
    const sample = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        feedMetrics.backlog.set(await this.queue.backlog());
      } catch {
        // Redis not answering: readiness says so; the gauge keeps its last value.
      } finally {
        busy = false;
      }
    };
    await sample();
    this.sampler = setInterval(() => void sample(), this.config.ops.redisInfoIntervalMs);
    this.sampler.unref();
  }
}

/** A job as the dead-letter metric (`op` label) and log line name it. */
function jobLabel(job: FanoutJob): { op: string; what: string } {
  return { op: job.op, what: `${job.op} ${job.actor}/${job.id}` };
}
