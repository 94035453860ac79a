import type { Cluster, Redis } from 'ioredis';
import {
  DEAD_LETTERS_CAP,
  FANOUT_GROUP,
  FanoutQueueRepository,
} from '../../src/feeds/fanout-queue.repository';
import { FanoutWorker } from '../../src/feeds/fanout.worker';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { LoggedApp, startLoggedApp } from '../support/logged-app';
import { scrapedValue } from '../support/prometheus-text';
import { connectCluster, connectStandalone, deleteByPrefix } from '../support/test-redis';
import { eventually, newestFirst, post, seedFollowers } from './feeds-support';

const MAX_ATTEMPTS = 3;
const DEAD_LETTERS = 'rankfeed_feed_fanout_dead_letters_total';
const JOB_FIELDS = ['op', 'actor', 'id', 't', 'enqueuedAt'];

type Fields = Record<string, string>;
interface Entry {
  id: string;
  fields: Fields;
}

function toFields(flat: string[]): Fields {
  const f: Fields = {};
  for (let i = 0; i < flat.length; i += 2) f[flat[i]] = flat[i + 1];
  return f;
}

/**
 * Adds jobs to the stream and has `consumer` read them in the same step (so no worker reads them
 * first), as an instance that then died would; `deliveries` > 0 then sets their delivery count
 * (XCLAIM RETRYCOUNT), as if as many workers had died on them. `progress` saves a cursor for each.
 */
const STAGE = `
local ids = {}
for i = 4, #ARGV do
  ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', unpack(cjson.decode(ARGV[i])))
end
redis.call('XREADGROUP', 'GROUP', '${FANOUT_GROUP}', ARGV[1], 'STREAMS', KEYS[1], '>')
for _, id in ipairs(ids) do
  if tonumber(ARGV[2]) > 0 then
    redis.call('XCLAIM', KEYS[1], '${FANOUT_GROUP}', ARGV[1], 0, id, 'RETRYCOUNT', ARGV[2], 'JUSTID')
  end
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], id, ARGV[3]) end
end
return ids`;

interface StageOptions {
  deliveries?: number;
  progress?: string;
}

async function stageJobs(
  redis: Redis,
  keys: Keys,
  consumer: string,
  jobs: string[][],
  opts: StageOptions = {},
): Promise<string[]> {
  return (await redis.eval(
    STAGE,
    2,
    keys.fanoutJobs(),
    keys.fanoutProgress(),
    consumer,
    opts.deliveries ?? 0,
    opts.progress ?? '',
    ...jobs.map((j) => JSON.stringify(j)),
  )) as string[];
}

describe('fan-out retries and the dead-letter stream', () => {
  let t: LoggedApp;
  let redis: Redis;
  let keys: Keys;

  beforeAll(async () => {
    t = await startLoggedApp({
      name: 'feeds_dead',
      env: {
        FEED_FANOUT_WORKER: 'true',
        FEED_FANOUT_CLAIM_IDLE_MS: '100',
        FEED_FANOUT_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      },
    });
    redis = connectStandalone();
    keys = new Keys(t.prefix);
  });
  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  const deadLetters = async (): Promise<Entry[]> =>
    ((await redis.xrange(keys.fanoutDeadLetters(), '-', '+')) as [string, string[]][]).map(
      ([id, flat]) => ({ id, fields: toFields(flat) }),
    );
  const deadLetterOf = async (entryId: string): Promise<Fields | undefined> =>
    (await deadLetters()).find((d) => d.fields.entry === entryId)?.fields;
  const inJobStream = async (entryId: string): Promise<boolean> =>
    (await redis.xrange(keys.fanoutJobs(), entryId, entryId)).length > 0;
  const pendingIds = async (): Promise<string[]> =>
    ((await redis.xpending(keys.fanoutJobs(), FANOUT_GROUP, '-', '+', 1000)) as string[][]).map(
      (p) => p[0],
    );
  /** The delivery numbers of the worker's "failed (delivery k of n)" warnings for one entry. */
  const failedDeliveries = (entryId: string): number[] =>
    t.logs
      .map((l) =>
        new RegExp(`fan-out job ${entryId} failed \\(delivery (\\d+) of`).exec(l.msg ?? ''),
      )
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]));
  const jobOf = (fields: Fields): string[] => JOB_FIELDS.flatMap((k) => [k, fields[k]]);
  const stage = (consumer: string, jobs: string[][], opts: StageOptions = {}) =>
    stageJobs(redis, keys, consumer, jobs, opts);
  const deadCount = () => scrapedValue(t.http, DEAD_LETTERS, { op: 'add' });

  /** An activity of `poisoner` whose fan-out fails every time: a follower's feed is a string. */
  let poisonJob: Fields;

  it('dead-letters a job that fails every time after exactly FEED_FANOUT_MAX_ATTEMPTS deliveries, and runs the jobs behind it', async () => {
    const before = await deadCount();
    expect((await t.http.put('/v1/players/victim/following/poisoner')).status).toBe(204);
    expect((await t.http.put('/v1/players/reader/following/healthy')).status).toBe(204);
    await redis.set(keys.homeFeed('victim'), 'corrupted'); // ZADD on it: WRONGTYPE
    const poison = await post(t, 'poisoner', { verb: 'poisons' });
    const behind = [
      await post(t, 'healthy', { verb: 'one' }),
      await post(t, 'healthy', { verb: 'two' }),
    ];

    await eventually(async () => (await deadLetters()).length === 1);
    const [dead] = await deadLetters();
    poisonJob = dead.fields;
    expect(poisonJob).toMatchObject({
      op: 'add',
      actor: 'poisoner',
      id: poison.id,
      attempts: String(MAX_ATTEMPTS),
    });
    expect(poisonJob.reason).toMatch(/WRONGTYPE/);
    expect(Number(poisonJob.enqueuedAt)).toBeGreaterThan(0);
    // Run by this worker on deliveries 1 and 2 (left pending, claimed again), given up on the 3rd.
    expect(failedDeliveries(poisonJob.entry)).toEqual([1, 2]);
    const warning = t.logs.find((l) =>
      (l.msg ?? '').includes(`fan-out job ${poisonJob.entry} (add poisoner/${poison.id}) moved`),
    );
    expect(warning?.level).toBe(40);
    expect(await inJobStream(poisonJob.entry)).toBe(false);
    expect(await pendingIds()).not.toContain(poisonJob.entry);
    expect(await redis.hexists(keys.fanoutProgress(), poisonJob.entry)).toBe(0);
    expect(await deadCount()).toBe(before + 1);

    await eventually(async () => (await redis.zcard(keys.homeFeed('reader'))) === 2);
    const feed = await t.http.get('/v1/players/reader/feed');
    expect(feed.body.activities).toEqual(newestFirst(behind));
  });

  it('dead-letters a malformed job on its first delivery instead of dropping it', async () => {
    const malformed = () => scrapedValue(t.http, DEAD_LETTERS, { op: 'malformed' });
    const before = await malformed();
    const entryId = await redis.xadd(keys.fanoutJobs(), '*', 'op', 'explode', 'actor', 'someone');

    await eventually(async () => (await deadLetterOf(entryId!)) !== undefined);
    expect(await deadLetterOf(entryId!)).toEqual({
      op: 'explode',
      actor: 'someone',
      entry: entryId,
      attempts: '1',
      reason: 'malformed job: needs op (add or remove), actor and id',
    });
    expect(await inJobStream(entryId!)).toBe(false);
    expect(await pendingIds()).not.toContain(entryId);
    expect(await malformed()).toBe(before + 1);
  });

  it('runs the jobs claimed in one batch behind a failing job', async () => {
    const before = await deadCount();
    const h1 = await post(t, 'healthy', { verb: 'three' });
    const h2 = await post(t, 'healthy', { verb: 'four' });
    await eventually(async () => (await redis.zcard(keys.homeFeed('reader'))) === 4);
    const healthyJob = (a: { id: string; time: string }): string[] =>
      jobOf({
        op: 'add',
        actor: 'healthy',
        id: a.id,
        t: String(Date.parse(a.time)),
        enqueuedAt: '1',
      });
    // A dead instance held the poison job first and the healthy ones after it: claimed together.
    const [poisonId, ...healthyIds] = await stage('ghost', [
      jobOf(poisonJob),
      healthyJob(h1),
      healthyJob(h2),
    ]);

    await eventually(async () => (await deadLetterOf(poisonId)) !== undefined);
    for (const id of healthyIds) {
      expect(await inJobStream(id)).toBe(false); // completed: acked and deleted
      expect(await deadLetterOf(id)).toBeUndefined();
    }
    expect(await deadLetterOf(poisonId)).toMatchObject({ attempts: String(MAX_ATTEMPTS) });
    // The dead instance's delivery counts: this worker ran it on delivery 2 only.
    expect(failedDeliveries(poisonId)).toEqual([2]);
    expect(await deadCount()).toBe(before + 1);
  });

  it('dead-letters without running a job whose workers all died on it', async () => {
    const before = await deadCount();
    const a = await post(t, 'crashy', { verb: 'crashes' });
    await eventually(async () => (await redis.xlen(keys.fanoutJobs())) === 0);
    // Seeded directly (no backfill): the witness' feed shows whether the job ran.
    await redis.sadd(keys.followers('crashy'), 'witness');
    const [entryId] = await stage(
      'ghost',
      [
        jobOf({
          op: 'add',
          actor: 'crashy',
          id: a.id,
          t: String(Date.parse(a.time)),
          enqueuedAt: '1',
        }),
      ],
      { deliveries: MAX_ATTEMPTS, progress: '0' },
    );

    await eventually(async () => (await deadLetterOf(entryId)) !== undefined);
    const dead = await deadLetterOf(entryId);
    expect(dead).toMatchObject({ op: 'add', actor: 'crashy', attempts: String(MAX_ATTEMPTS) });
    expect(dead?.reason).toMatch(/worker died/);
    expect(failedDeliveries(entryId)).toEqual([]);
    expect(await redis.exists(keys.homeFeed('witness'))).toBe(0);
    expect(await redis.hexists(keys.fanoutProgress(), entryId)).toBe(0);
    expect(await inJobStream(entryId)).toBe(false);
    expect(await deadCount()).toBe(before + 1);
  });

  it('removes consumers idle with nothing pending, never itself', async () => {
    const worker = t.app.get(FanoutWorker);
    await redis.xgroup('CREATECONSUMER', keys.fanoutJobs(), FANOUT_GROUP, 'stale-1');
    await redis.xgroup('CREATECONSUMER', keys.fanoutJobs(), FANOUT_GROUP, 'stale-2');
    const names = async (): Promise<string[]> =>
      ((await redis.xinfo('CONSUMERS', keys.fanoutJobs(), FANOUT_GROUP)) as string[][]).map(
        (c) => toFields(c.map(String)).name,
      );
    expect(await names()).toEqual(expect.arrayContaining(['stale-1', 'stale-2']));

    // Removed once idle for 10 claim-idle periods (1 s here); 'ghost' too, its jobs all claimed.
    await eventually(async () => {
      const now = await names();
      return !now.includes('stale-1') && !now.includes('stale-2') && !now.includes('ghost');
    });
    expect(await names()).toContain(worker.consumer);
  });
});

describe('the dead-letter stream and consumer removal, without a worker', () => {
  let t: TestApp;
  let redis: Redis;
  let keys: Keys;

  beforeAll(async () => {
    // No worker: nothing claims the staged job, so its consumer keeps it pending.
    t = await startApp({ name: 'feeds_dead_consumers', env: { FEED_FANOUT_WORKER: 'false' } });
    redis = connectStandalone();
    keys = new Keys(t.prefix);
  });
  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  it('never removes a consumer that holds pending jobs', async () => {
    const queue = t.app.get(FanoutQueueRepository);
    const entryId = await queue.enqueue({ op: 'add', actor: 'a', id: 'x', t: 1, enqueuedAt: 1 });
    await redis.xgroup('CREATE', keys.fanoutJobs(), FANOUT_GROUP, '0');
    await redis.xreadgroup('GROUP', FANOUT_GROUP, 'holder', 'STREAMS', keys.fanoutJobs(), '>');
    await redis.xgroup('CREATECONSUMER', keys.fanoutJobs(), FANOUT_GROUP, 'empty');

    expect(await queue.dropConsumer('holder')).toBe(false);
    expect(await queue.dropConsumer('empty')).toBe(true);
    expect((await queue.consumers()).map((c) => [c.name, c.pending])).toEqual([['holder', 1]]);
    const pending = (await redis.xpending(keys.fanoutJobs(), FANOUT_GROUP, '-', '+', 10)) as [
      string,
      string,
    ][];
    expect(pending.map(([id, consumer]) => [id, consumer])).toEqual([[entryId, 'holder']]);
    await queue.complete(entryId);
  });

  it('keeps about the newest 10,000 dead letters', async () => {
    const queue = t.app.get(FanoutQueueRepository);
    const total = 10_500;
    const job = ['op', 'add', 'actor', 'a', 'id', 'x', 't', '1', 'enqueuedAt', '1'];
    const ids = await stageJobs(
      redis,
      keys,
      'ghost',
      Array.from({ length: total }, () => job),
    );
    for (let i = 0; i < total; i += 500) {
      const moved = await Promise.all(
        ids.slice(i, i + 500).map((id) => queue.deadLetter('ghost', id, 1, 'test')),
      );
      expect(moved.every((d) => d !== null)).toBe(true);
    }
    const length = await redis.xlen(keys.fanoutDeadLetters());
    expect(length).toBeGreaterThanOrEqual(DEAD_LETTERS_CAP);
    expect(length).toBeLessThan(total); // trimmed by whole stream nodes (MAXLEN ~)
    const [[, oldest]] = (await redis.xrange(keys.fanoutDeadLetters(), '-', '+', 'COUNT', 1)) as [
      string,
      string[],
    ][];
    expect(ids.indexOf(toFields(oldest).entry)).toBe(total - length);
    expect(await redis.xlen(keys.fanoutJobs())).toBe(0);
  });
});

describe('fan-out paused by a shutdown', () => {
  const FOLLOWERS = 3000;
  // One attempt: a pause for shutdown must not use it up.
  const env = {
    FEED_FANOUT_BATCH: '3',
    FEED_FANOUT_CLAIM_IDLE_MS: '100',
    FEED_FANOUT_MAX_ATTEMPTS: '1',
  };
  let redis: Redis;
  let first: TestApp;
  let second: TestApp | null = null;

  beforeAll(async () => {
    redis = connectStandalone();
    first = await startApp({ name: 'feeds_dead_pause', env });
  });
  afterAll(async () => {
    await second?.app.close();
    await deleteByPrefix(redis, first.prefix);
    await redis.quit();
  });

  it('does not count a delivery that ended in a pause for shutdown', async () => {
    const keys = new Keys(first.prefix);
    const followers = Array.from({ length: FOLLOWERS }, (_, i) => `p${i}`);
    await seedFollowers(redis, keys, 'host', followers);

    const a = await post(first, 'host', { verb: 'announced' });
    await eventually(async () => (await redis.hlen(keys.fanoutProgress())) > 0, 4000);
    await first.app.close();
    const pending = (await redis.xpending(keys.fanoutJobs(), FANOUT_GROUP, '-', '+', 10)) as [
      string,
      string,
      number,
      number,
    ][];
    expect(pending.map((p) => p[3])).toEqual([0]); // the paused delivery was given back

    second = await startApp({ name: 'feeds_dead_pause', prefix: first.prefix, env });
    await eventually(async () => (await redis.xlen(keys.fanoutJobs())) === 0, 4000);
    expect(await redis.exists(keys.fanoutDeadLetters())).toBe(0);
    const p = redis.pipeline();
    for (const f of followers) p.zscore(keys.homeFeed(f), `${a.id}:host`);
    expect(((await p.exec()) ?? []).filter(([, v]) => v !== null)).toHaveLength(FOLLOWERS);
  });
});

describe('fan-out dead letters on Redis Cluster', () => {
  let t: TestApp;
  let cluster: Cluster;

  beforeAll(async () => {
    t = await startApp({
      name: 'feeds_dead_cluster',
      env: {
        REDIS_CLUSTER_NODES: process.env.TEST_REDIS_CLUSTER_NODES,
        FEED_FANOUT_CLAIM_IDLE_MS: '100',
        FEED_FANOUT_MAX_ATTEMPTS: '2',
      },
    });
    cluster = connectCluster();
  });
  afterAll(async () => {
    await t.close();
    await deleteByPrefix(cluster, t.prefix);
    await cluster.quit();
  });

  it('moves a failing job to the dead-letter stream and removes idle consumers', async () => {
    const keys = new Keys(t.prefix);
    expect((await t.http.put('/v1/players/victim/following/poisoner')).status).toBe(204);
    await cluster.set(keys.homeFeed('victim'), 'corrupted');
    const poison = await post(t, 'poisoner', { verb: 'poisons' });
    await eventually(async () => (await cluster.xlen(keys.fanoutDeadLetters())) === 1);
    const [[, flat]] = (await cluster.xrange(keys.fanoutDeadLetters(), '-', '+')) as [
      string,
      string[],
    ][];
    expect(toFields(flat)).toMatchObject({ id: poison.id, attempts: '2' });
    expect(await cluster.xlen(keys.fanoutJobs())).toBe(0);

    await cluster.xgroup('CREATECONSUMER', keys.fanoutJobs(), FANOUT_GROUP, 'stale');
    const names = async (): Promise<string[]> =>
      ((await cluster.xinfo('CONSUMERS', keys.fanoutJobs(), FANOUT_GROUP)) as string[][]).map(
        (c) => toFields(c.map(String)).name,
      );
    expect(await names()).toContain('stale');
    await eventually(async () => !(await names()).includes('stale'));
    expect(await names()).toEqual([t.app.get(FanoutWorker).consumer]);
  });
});
