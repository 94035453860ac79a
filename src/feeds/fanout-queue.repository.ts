import { Inject, Injectable } from '@nestjs/common';
import { Keys } from '../redis/keys';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import type { FanoutJob } from './activity.types';

export const FANOUT_GROUP = 'fanout';
/** Approximate cap (XADD MAXLEN ~) of the dead-letter stream: the oldest dead letters go first. */
export const DEAD_LETTERS_CAP = 10_000;
/** Longest reason kept in a dead letter (an error message can quote a whole script). */
const REASON_MAX_CHARS = 500;

/**
 * A job as delivered: its stream entry id, the job (null when malformed) and how many times the
 * group has delivered it (1 on the first read; XAUTOCLAIM adds one, heartbeats do not).
 */
export interface DeliveredJob {
  entryId: string;
  job: FanoutJob | null;
  deliveries: number;
}

/** A consumer of the group as XINFO CONSUMERS reports it. */
export interface QueueConsumer {
  name: string;
  pending: number;
  /** Milliseconds since it last read or claimed. */
  idleMs: number;
}

type StreamEntry = [string, string[]];

/**
 * The durable fan-out queue: a Redis Stream with one consumer group. A job stays pending until
 * XACK; a consumer that dies leaves it pending, and another claims it (XAUTOCLAIM) once idle.
 * Progress (the SSCAN cursor of the author's followers) is saved per batch, in the same slot.
 * Reads do not block (no connection is held by a blocking XREADGROUP): the worker polls, and is
 * woken at once by jobs its own instance enqueues. The stream and its group appear with the
 * first job, so an instance that never fans out leaves no key behind. A job given up on moves to
 * the dead-letter stream (same slot), which appears with the first one.
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

  /**
   * Jobs pending for at least `minIdleMs` (their consumer died, is stuck, or failed them), now
   * ours, with their delivery counts (this claim included).
   */
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
    const claimed = reply[1].filter((e): e is StreamEntry => e !== null).map(toJob);
    // XAUTOCLAIM does not say how often an entry was delivered; XPENDING does (one per entry).
    const pending = await Promise.all(
      claimed.map(
        (d) =>
          this.redis.xpending(
            this.keys.fanoutJobs(),
            FANOUT_GROUP,
            d.entryId,
            d.entryId,
            1,
          ) as Promise<[string, string, number, number][]>,
      ),
    );
    return claimed.map((d, i) => ({ ...d, deliveries: Number(pending[i][0]?.[3] ?? 1) }));
  }

  /** Resets the job's idle time, so no other consumer claims a job still being worked on. */
  async heartbeat(consumer: string, entryId: string): Promise<void> {
    await this.redis.xclaim(this.keys.fanoutJobs(), FANOUT_GROUP, consumer, 0, entryId, 'JUSTID');
  }

  /**
   * Sets the job's delivery count (and resets its idle time): a delivery that ended in a pause
   * for shutdown is given back, as it was no failed attempt.
   */
  async setDeliveries(consumer: string, entryId: string, deliveries: number): Promise<void> {
    await this.redis.xclaim(
      this.keys.fanoutJobs(),
      FANOUT_GROUP,
      consumer,
      0,
      entryId,
      'RETRYCOUNT',
      deliveries,
      'JUSTID',
    );
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

  /**
   * Gives up on a job still pending on `consumer`: its fields, `entry`, `attempts` and `reason`
   * go to the dead-letter stream, and it is acknowledged, deleted and its progress forgotten, in
   * one script. Returns the dead letter's id, or null when the job was no longer ours.
   */
  async deadLetter(
    consumer: string,
    entryId: string,
    attempts: number,
    reason: string,
  ): Promise<string | null> {
    return this.redis.rfDeadLetterJob(
      3,
      this.keys.fanoutJobs(),
      this.keys.fanoutProgress(),
      this.keys.fanoutDeadLetters(),
      FANOUT_GROUP,
      consumer,
      entryId,
      DEAD_LETTERS_CAP,
      attempts,
      reason.slice(0, REASON_MAX_CHARS),
    );
  }

  /** The group's consumers (none before the first job). */
  async consumers(): Promise<QueueConsumer[]> {
    let reply: (string | number)[][];
    try {
      reply = (await this.redis.xinfo('CONSUMERS', this.keys.fanoutJobs(), FANOUT_GROUP)) as (
        string | number
      )[][];
    } catch (error) {
      if (/NOGROUP|no such key/i.test(String(error))) return [];
      throw error;
    }
    return reply.map((flat) => {
      const f: Record<string, string | number> = {};
      for (let i = 0; i < flat.length; i += 2) f[String(flat[i])] = flat[i + 1];
      return { name: String(f.name), pending: Number(f.pending), idleMs: Number(f.idle) };
    });
  }

  /** Removes a consumer from the group unless it has pending jobs (checked atomically). */
  async dropConsumer(consumer: string): Promise<boolean> {
    return (
      (await this.redis.rfDropConsumer(1, this.keys.fanoutJobs(), FANOUT_GROUP, consumer)) === 1
    );
  }

  /** Jobs not finished yet (delivered or not). */
  async backlog(): Promise<number> {
    return this.redis.xlen(this.keys.fanoutJobs());
  }
}

function toJob([entryId, fields]: StreamEntry): DeliveredJob {
  const f: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  if ((f.op !== 'add' && f.op !== 'remove') || !f.actor || !f.id)
    return { entryId, job: null, deliveries: 1 };
  return {
    entryId,
    job: { op: f.op, actor: f.actor, id: f.id, t: Number(f.t), enqueuedAt: Number(f.enqueuedAt) },
    deliveries: 1,
  };
}
