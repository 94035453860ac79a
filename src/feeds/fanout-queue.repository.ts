import { Inject, Injectable } from '@nestjs/common';
import { Keys } from '../redis/keys';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import type { FanoutJob } from './activity.types';

export const FANOUT_GROUP = 'fanout';

/** A job as delivered: its stream entry id and, when resumed, the saved followers cursor. */
export interface DeliveredJob {
  entryId: string;
  job: FanoutJob | null;
}

type StreamEntry = [string, string[]];

/**
 * The durable fan-out queue: a Redis Stream with one consumer group. A job stays pending until
 * XACK; a consumer that dies leaves it pending, and another claims it (XAUTOCLAIM) once idle.
 * Progress (the SSCAN cursor of the author's followers) is saved per batch, in the same slot.
 * Reads do not block (no connection is held by a blocking XREADGROUP): the worker polls, and is
 * woken at once by jobs its own instance enqueues. The stream and its group appear with the
 * first job, so an instance that never fans out leaves no key behind.
 */
@Injectable()
export class FanoutQueueRepository {
  private wakeUp: (() => void) | null = null;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Creates the group once the stream exists, delivering every entry already in it. */
  private async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.keys.fanoutJobs(), FANOUT_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
  }

  async enqueue(job: FanoutJob): Promise<string> {
    const fields = Object.entries(job).flatMap(([k, v]) => [k, String(v)]);
    const id = (await this.redis.xadd(this.keys.fanoutJobs(), '*', ...fields)) as string;
    this.wake();
    return id;
  }

  /** Resolves after `ms`, or as soon as this instance enqueues a job or `wake` is called. */
  idle(ms: number): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(() => this.wake(), ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        done();
      };
    });
  }

  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  /** New jobs for this consumer (none when no job was ever enqueued). */
  async read(consumer: string, count: number): Promise<DeliveredJob[]> {
    const read = () =>
      this.redis.xreadgroup(
        'GROUP',
        FANOUT_GROUP,
        consumer,
        'COUNT',
        count,
        'STREAMS',
        this.keys.fanoutJobs(),
        '>',
      ) as Promise<[string, StreamEntry[]][] | null>;
    let reply;
    try {
      reply = await read();
    } catch (error) {
      if (!String(error).includes('NOGROUP')) throw error;
      if ((await this.redis.exists(this.keys.fanoutJobs())) === 0) return [];
      await this.ensureGroup();
      reply = await read();
    }
    return (reply?.[0]?.[1] ?? []).map(toJob);
  }

  /** Jobs pending on other consumers for at least `minIdleMs` (dead or stuck), now ours. */
  async claimStale(consumer: string, minIdleMs: number, count: number): Promise<DeliveredJob[]> {
    let reply: [string, (StreamEntry | null)[]];
    try {
      reply = (await this.redis.xautoclaim(
        this.keys.fanoutJobs(),
        FANOUT_GROUP,
        consumer,
        minIdleMs,
        '0-0',
        'COUNT',
        count,
      )) as [string, (StreamEntry | null)[]];
    } catch (error) {
      if (String(error).includes('NOGROUP')) return []; // no job yet
      throw error;
    }
    return reply[1].filter((e): e is StreamEntry => e !== null).map(toJob);
  }

  /** Resets the job's idle time, so no other consumer claims a job still being worked on. */
  async heartbeat(consumer: string, entryId: string): Promise<void> {
    await this.redis.xclaim(this.keys.fanoutJobs(), FANOUT_GROUP, consumer, 0, entryId, 'JUSTID');
  }

  async progress(entryId: string): Promise<string | null> {
    return this.redis.hget(this.keys.fanoutProgress(), entryId);
  }

  async saveProgress(entryId: string, cursor: string): Promise<void> {
    await this.redis.hset(this.keys.fanoutProgress(), entryId, cursor);
  }

  /** Done: acknowledged, removed from the stream (XLEN = backlog) and its progress forgotten. */
  async complete(entryId: string): Promise<void> {
    await this.redis
      .multi()
      .xack(this.keys.fanoutJobs(), FANOUT_GROUP, entryId)
      .xdel(this.keys.fanoutJobs(), entryId)
      .hdel(this.keys.fanoutProgress(), entryId)
      .exec();
  }

  /** Jobs not finished yet (delivered or not). */
  async backlog(): Promise<number> {
    return this.redis.xlen(this.keys.fanoutJobs());
  }
}

function toJob([entryId, fields]: StreamEntry): DeliveredJob {
  const f: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  if ((f.op !== 'add' && f.op !== 'remove') || !f.actor || !f.id) return { entryId, job: null };
  return {
    entryId,
    job: { op: f.op, actor: f.actor, id: f.id, t: Number(f.t), enqueuedAt: Number(f.enqueuedAt) },
  };
}
