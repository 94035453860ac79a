import type { Cluster } from 'ioredis';
import { HttpResponse, startApp, TestApp } from '../support/app';
import { scanAll } from '../support/repository-fixture';
import { connectCluster, deleteByPrefix } from '../support/test-redis';

/** The booted app against the test Redis Cluster (REDIS_CLUSTER_NODES). */
describe('the service on Redis Cluster', () => {
  let t: TestApp;
  let cluster: Cluster;
  let firstReplies: HttpResponse[] = [];

  beforeAll(async () => {
    t = await startApp({
      name: 'cluster_app',
      env: { REDIS_CLUSTER_NODES: process.env.TEST_REDIS_CLUSTER_NODES },
    });
    cluster = connectCluster();
  });

  afterAll(async () => {
    await t.close();
    // close() leaves keys alone when REDIS_CLUSTER_NODES is given: this file cleans its prefix.
    await deleteByPrefix(cluster, t.prefix);
    await cluster.quit();
  });

  it('is ready once both cluster connections are up', async () => {
    const res = await t.http.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready' });
  });

  it('submits scores for players in many slots and reads the board in rank order', async () => {
    expect((await t.http.put('/v1/boards/cluster', { periods: ['all', 'daily'] })).status).toBe(
      201,
    );
    const submissions = Array.from({ length: 30 }, (_, i) =>
      t.http.post(
        '/v1/boards/cluster/scores',
        { playerId: `player${i}`, score: i * 10 },
        { 'idempotency-key': `cluster-${i}` },
      ),
    );
    firstReplies = await Promise.all(submissions);
    expect(firstReplies.map((r) => r.status)).toEqual(firstReplies.map(() => 200));
    const top = await t.http.get('/v1/boards/cluster/top?limit=3');
    expect(top.status).toBe(200);
    expect(top.body).toMatchObject({ boardId: 'cluster', period: 'all', cycle: 'all', total: 30 });
    expect(top.body.entries).toEqual([
      { rank: 1, playerId: 'player29', score: 290 },
      { rank: 2, playerId: 'player28', score: 280 },
      { rank: 3, playerId: 'player27', score: 270 },
    ]);
    const daily = await t.http.get('/v1/boards/cluster/top?limit=1&period=daily');
    expect(daily.body.entries).toEqual([{ rank: 1, playerId: 'player29', score: 290 }]);
  });

  it('replays a repeated submission instead of applying it twice', async () => {
    const again = await t.http.post(
      '/v1/boards/cluster/scores',
      { playerId: 'player3', score: 30 },
      { 'idempotency-key': 'cluster-3' },
    );
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...firstReplies[3].body, replayed: true });
    expect(again.body.periods.all.score).toBe(30);
    const player = await t.http.get('/v1/boards/cluster/players/player3');
    expect(player.body).toMatchObject({ rank: 27, score: 30 });
  });

  it('reads a player, the players around them and ranks of several players', async () => {
    const player = await t.http.get('/v1/boards/cluster/players/player10');
    expect(player.body).toMatchObject({ rank: 20, score: 100, total: 30 });
    const around = await t.http.get('/v1/boards/cluster/players/player10/around?radius=1');
    expect(around.status).toBe(200);
    expect(around.body.entries.map((e: { playerId: string }) => e.playerId)).toEqual([
      'player11',
      'player10',
      'player9',
    ]);
    const ranks = await t.http.get('/v1/boards/cluster/ranks?playerIds=player0,player29');
    expect(ranks.status).toBe(200);
    expect(ranks.body.entries.map((e: { rank: number }) => e.rank)).toEqual([1, 30]);
  });

  it('deletes the board and every key of it across the cluster', async () => {
    expect((await t.http.delete('/v1/boards/cluster')).status).toBe(204);
    expect((await t.http.get('/v1/boards/cluster/top')).status).toBe(404);
    expect(await scanAll(cluster, `${t.prefix}:{b:cluster}:*`)).toEqual([]);
  });
});
