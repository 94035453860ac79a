import type { Cluster } from 'ioredis';
import { startApp, TestApp } from '../support/app';
import { connectCluster, deleteByPrefix } from '../support/test-redis';

const BOARDS = 60;

/** Admin endpoints on Redis Cluster: the cursor walks every master in turn. */
describe('admin inspection on Redis Cluster', () => {
  let t: TestApp;
  let cluster: Cluster;

  beforeAll(async () => {
    t = await startApp({
      name: 'ops_admin_cluster',
      // No rate limits: their bucket keys would be listed too.
      env: {
        REDIS_CLUSTER_NODES: process.env.TEST_REDIS_CLUSTER_NODES,
        RATE_LIMIT_ENABLED: 'false',
      },
    });
    cluster = connectCluster();
    // Board ids spread over many slots, hence over all three masters.
    for (let i = 0; i < BOARDS; i += 1)
      expect((await t.http.put(`/v1/boards/spread-${i}`, {})).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    await deleteByPrefix(cluster, t.prefix);
    await cluster.quit();
  });

  it('lists the keys of every master exactly once across pages', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: {
        status: number;
        body: { keys: Array<{ key: string; type: string }>; nextCursor: string | null };
      } = await t.http.get(
        `/v1/admin/keys?count=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.keys.map((k) => k.key));
      cursor = res.body.nextCursor;
    } while (cursor);
    const configs = Array.from({ length: BOARDS }, (_, i) => `${t.prefix}:{b:spread-${i}}:cfg`);
    expect(seen.sort()).toEqual([...configs, `${t.prefix}:boards`].sort());
    const masters = await Promise.all(
      cluster
        .nodes('master')
        .map(
          async (node) => (await node.scan('0', 'MATCH', `${t.prefix}:*`, 'COUNT', 1000))[1].length,
        ),
    );
    expect(masters.filter((n) => n > 0).length).toBe(3);
  });

  it('counts key families over every master', async () => {
    const res = await t.http.get('/v1/admin/memory');
    expect(res.status).toBe(200);
    const families = Object.fromEntries(
      res.body.families.map((f: { family: string; keys: number; bytes: number }) => [
        f.family,
        f.keys,
      ]),
    );
    expect(families).toMatchObject({ boardConfig: BOARDS, boardIndex: 1, cycleScores: 0 });
    expect(
      res.body.families.find((f: { family: string }) => f.family === 'boardConfig').bytes,
    ).toBeGreaterThan(0);
  });
});
