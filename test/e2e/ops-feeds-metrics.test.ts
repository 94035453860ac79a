import type { Redis } from 'ioredis';
import { feedMember } from '../../src/feeds/activity-id';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { parsePrometheusText, scrapedValue } from '../support/prometheus-text';
import { PrivateRedis, startPrivateRedis } from '../support/redis-harness';
import { adminConnection } from '../support/store-outage';
import { eventually, followAll, post, readAll } from './feeds-support';

const BACKLOG = 'rankfeed_feed_fanout_backlog';
const LAG = 'rankfeed_feed_fanout_lag_seconds';
const WRITES = 'rankfeed_feed_fanout_writes_total';
const LAG_BUCKETS = [
  '0.01',
  '0.025',
  '0.05',
  '0.1',
  '0.25',
  '0.5',
  '1',
  '2.5',
  '5',
  '10',
  '30',
  '60',
];
const FOLLOWERS = 25;
const JOBS = 3;

/**
 * The fan-out metrics (README, Operations) scraped from /metrics, on a private redis-server so that
 * CLIENT PAUSE holds no other test file's commands. Both instances run in this jest process and so
 * share prom-client's default registry: either one's /metrics shows the same figures.
 */
describe('fan-out metrics', () => {
  let redis: PrivateRedis;
  let admin: Redis;
  let api: TestApp;
  let worker: TestApp | null = null;
  // Batches of 10 followers: a job of 25 followers writes in three batches. Jobs left pending by a
  // read that timed out during the pause are claimed again after 200 ms, not 30 s.
  const env = (): Record<string, string> => ({
    REDIS_URL: redis.url,
    RATE_LIMIT_ENABLED: 'false',
    FEED_FANOUT_BATCH: '10',
    FEED_FANOUT_CLAIM_IDLE_MS: '200',
    REDIS_INFO_INTERVAL_MS: '100', // also the backlog gauge's sampling interval
  });
  const followersOf = (author: string): string[] =>
    Array.from({ length: FOLLOWERS }, (_, i) => `${author}-f${i}`);
  const scraped = (name: string, labels: Record<string, string> = {}): Promise<number> =>
    scrapedValue(api.http, name, labels);

  beforeAll(async () => {
    redis = await startPrivateRedis();
    admin = adminConnection(redis.url);
    await admin.connect();
    // Serves the API and enqueues fan-out jobs, but runs no worker.
    api = await startApp({
      name: 'ops_feeds_metrics',
      env: { ...env(), FEED_FANOUT_WORKER: 'false' },
    });
  });
  afterAll(async () => {
    await worker?.app.close();
    await api.close();
    admin.disconnect();
    await redis.stop();
  });

  it('reports the jobs waiting for a worker as the backlog, and 0 once they are done', async () => {
    await followAll(api, followersOf('queued'), 'queued');
    const lagBefore = await scraped(`${LAG}_count`, { op: 'add' });
    const writesBefore = await scraped(WRITES, { op: 'add' });
    for (let i = 0; i < JOBS; i += 1) await post(api, 'queued', { verb: `queued-${i}` });
    expect(await readAll(api, '/v1/players/queued-f0/feed')).toEqual([]);
    // Every instance samples the backlog, the API-only one too: no worker runs yet.
    await eventually(async () => (await scrapedValue(api.http, BACKLOG)) === JOBS);

    // Writes wait on the server while the worker instance starts: its sampler reads the backlog
    // (XLEN is a read), while its first claim or read of a job (writes) is held.
    expect(await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE')).toBe('OK');
    try {
      worker = await startApp({ name: 'ops_feeds_metrics', prefix: api.prefix, env: env() });
      await eventually(async () => (await scrapedValue(worker!.http, BACKLOG)) === JOBS);
      expect(await scraped(`${LAG}_count`, { op: 'add' })).toBe(lagBefore);
    } finally {
      expect(await admin.call('CLIENT', 'UNPAUSE')).toBe('OK');
    }

    // The gauge changes only when it is sampled again, after the last job was removed.
    await eventually(async () => (await scrapedValue(worker!.http, BACKLOG)) === 0);
    expect(await scraped(`${LAG}_count`, { op: 'add' })).toBe(lagBefore + JOBS);
    expect(await scraped(WRITES, { op: 'add' })).toBe(writesBefore + JOBS * FOLLOWERS);
    expect(await readAll(api, '/v1/players/queued-f24/feed')).toHaveLength(JOBS);
  });

  it('times one completed job and counts one write per follower for an activity', async () => {
    await followAll(api, followersOf('author'), 'author');
    const lagBefore = await scraped(`${LAG}_count`, { op: 'add' });
    const writesBefore = await scraped(WRITES, { op: 'add' });
    const a = await post(api, 'author', { verb: 'posted' });
    await eventually(async () => (await scraped(`${LAG}_count`, { op: 'add' })) > lagBefore);

    const families = parsePrometheusText((await api.http.get('/metrics')).text);
    expect(families.get(LAG)?.type).toBe('histogram');
    const add = families.get(LAG)!.samples.filter((s) => s.labels.op === 'add');
    const count = add.find((s) => s.name === `${LAG}_count`)!.value;
    expect(count).toBe(lagBefore + 1);
    const buckets = add.filter((s) => s.name === `${LAG}_bucket`);
    expect(buckets.map((b) => b.labels.le)).toEqual([...LAG_BUCKETS, '+Inf']);
    expect(buckets[buckets.length - 1].value).toBe(count);
    expect(add.find((s) => s.name === `${LAG}_sum`)!.value).toBeGreaterThanOrEqual(0);
    expect(families.get(WRITES)?.type).toBe('counter');
    expect(await scraped(WRITES, { op: 'add' })).toBe(writesBefore + FOLLOWERS);
    expect(await readAll(api, '/v1/players/author-f24/feed')).toEqual([a]);
  });

  it('counts removals by unfollow and by a deleted activity under op="remove"', async () => {
    const [a] = await readAll(api, '/v1/players/author/activities');
    const lagBefore = await scraped(`${LAG}_count`, { op: 'remove' });
    const removedBefore = await scraped(WRITES, { op: 'remove' });

    // Unfollow takes the author's one activity out of one feed, in the request: no job.
    expect((await api.http.delete('/v1/players/author-f0/following/author')).status).toBe(204);
    expect(await scraped(WRITES, { op: 'remove' })).toBe(removedBefore + 1);
    expect(await scraped(`${LAG}_count`, { op: 'remove' })).toBe(lagBefore);

    // Deleting the activity is a job that removes it from the remaining followers' feeds. Only
    // entries actually removed count: one follower's entry is already gone (as after a cap).
    const gone = await admin.zrem(
      new Keys(api.prefix).homeFeed('author-f1'),
      feedMember(a.id, 'author'),
    );
    expect(gone).toBe(1);
    expect((await api.http.delete(`/v1/players/author/activities/${a.id}`)).status).toBe(204);
    await eventually(async () => (await scraped(`${LAG}_count`, { op: 'remove' })) > lagBefore);
    expect(await scraped(`${LAG}_count`, { op: 'remove' })).toBe(lagBefore + 1);
    expect(await scraped(WRITES, { op: 'remove' })).toBe(removedBefore + 1 + (FOLLOWERS - 2));
    expect(await readAll(api, '/v1/players/author-f24/feed')).toEqual([]);
  });
});
