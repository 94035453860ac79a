import type { Cluster } from 'ioredis';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { connectCluster, deleteByPrefix } from '../support/test-redis';
import { eventually, followAll, ids, newestFirst, post, readAll } from './feeds-support';

/**
 * The social and feed routes on the test Redis Cluster: follows, fan-out into feeds spread over
 * every slot, home feeds holding several authors (bodies read per author, each in its own slot),
 * read-time merge of a threshold author, delete and unfollow.
 */
describe('feeds on Redis Cluster', () => {
  let t: TestApp;
  let cluster: Cluster;
  let keys: Keys;

  beforeAll(async () => {
    t = await startApp({
      name: 'feeds_cluster',
      env: {
        REDIS_CLUSTER_NODES: process.env.TEST_REDIS_CLUSTER_NODES,
        FEED_FANOUT_THRESHOLD: '150',
        FEED_FANOUT_BATCH: '50',
        RATE_LIMIT_ENABLED: 'false',
      },
    });
    cluster = connectCluster();
    keys = new Keys(t.prefix);
  });

  afterAll(async () => {
    await t.close();
    // close() leaves keys alone when REDIS_CLUSTER_NODES is given: this file cleans its prefix.
    await deleteByPrefix(cluster, t.prefix);
    await cluster.quit();
  });

  const fannedOut = () => eventually(async () => (await cluster.xlen(keys.fanoutJobs())) === 0);

  it('fans out to followers in every slot and merges authors into one home feed', async () => {
    const followers = Array.from({ length: 120 }, (_, i) => `cf${i}`);
    const authors = ['ca', 'cb', 'cc'];
    for (const a of authors) await followAll(t, followers, a);
    // A threshold author: 151 followers, merged at read time instead of fanned out.
    await followAll(t, [...followers, ...Array.from({ length: 31 }, (_, i) => `cx${i}`)], 'celeb');

    const posted = [];
    for (let i = 0; i < 8; i++) {
      posted.push(await post(t, authors[i % 3], { verb: `v${i}` }));
      t.clock.advance(1);
    }
    posted.push(await post(t, 'celeb', { verb: 'loud' }));
    await fannedOut();

    const expected = ids(newestFirst(posted));
    for (const f of ['cf0', 'cf57', 'cf119']) {
      expect(ids(await readAll(t, `/v1/players/${f}/feed`, 3))).toEqual(expected);
    }
    const slots = await Promise.all(
      followers.map((f) => cluster.cluster('KEYSLOT', keys.homeFeed(f)) as Promise<number>),
    );
    expect(new Set(slots).size).toBeGreaterThan(100);
  });

  it('takes a deleted activity out of every feed and unfollowed authors out of one', async () => {
    const feed = async (f: string) => ids(await readAll(t, `/v1/players/${f}/feed`));
    const [victim] = (await readAll(t, '/v1/players/cf3/feed')).filter((a) => a.actor === 'ca');
    const path = `/v1/players/ca/activities/${victim.id}`;
    expect((await t.http.delete(path)).status).toBe(204);
    await fannedOut();
    for (const f of ['cf3', 'cf64', 'cf100']) expect(await feed(f)).not.toContain(victim.id);

    expect((await t.http.delete('/v1/players/cf4/following/cb')).status).toBe(204);
    await fannedOut();
    const left = await readAll(t, '/v1/players/cf4/feed');
    expect(left.length).toBeGreaterThan(0);
    expect(left.filter((a) => a.actor === 'cb')).toEqual([]);
  });
});
