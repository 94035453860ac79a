import { Cluster, Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';
import type { RedisClient } from '../../src/redis/redis-connections';
import { REDIS_SUBSCRIBER } from '../../src/redis/redis.tokens';
import { AppPair, startApp, startPair, TestApp } from '../support/app';
import { connectLive, emitAck, LiveView, waitFor } from '../support/live-client';
import { freePort } from '../support/redis-process';
import { connectCluster, deleteByPrefix } from '../support/test-redis';
import { followAll, post } from './feeds-support';

/**
 * The live path on Redis Cluster, two instances sharing one namespace: view updates are published
 * from inside store-view.lua on whichever node holds the board's slot and must reach the
 * subscriber of every instance, wherever that subscriber is connected.
 */
describe('live on Redis Cluster with two instances', () => {
  let pair: AppPair;
  let a: TestApp;
  let b: TestApp;
  let cluster: Cluster;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const env = { REDIS_CLUSTER_NODES: process.env.TEST_REDIS_CLUSTER_NODES, LIVE_TICK_MS: '20' };
    pair = await startPair('live_cluster', env);
    ({ a, b } = pair);
    cluster = connectCluster();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await pair.close();
    // close() leaves keys alone on a Cluster: this file cleans its prefix.
    await deleteByPrefix(cluster, a.prefix);
    await cluster.quit();
  });

  async function socketOn(t: TestApp): Promise<Socket> {
    const s = await connectLive(t.baseUrl);
    sockets.push(s);
    return s;
  }

  async function viewOn(t: TestApp, request: Record<string, unknown>): Promise<LiveView> {
    const view = new LiveView(await socketOn(t), request);
    await view.subscribe();
    return view;
  }

  const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);

  /**
   * The instance's pub/sub connection: on Cluster a plain connection to one node (PUBLISH reaches
   * every node), whose node and local port tell which client to kill there.
   */
  function subscriberConnection(t: TestApp): { host: string; port: number; localPort: number } {
    const sub = t.app.get<RedisClient>(REDIS_SUBSCRIBER);
    if (!(sub instanceof Redis)) throw new Error('expected a node connection for pub/sub');
    const { host, port } = sub.options;
    const localPort = sub.stream.localPort;
    if (!host || !port || !localPort) throw new Error('the subscriber is not connected');
    return { host, port, localPort };
  }

  /** CLIENT KILL TYPE pubsub on its node, for this instance's connection only (shared cluster). */
  async function killSubscriber(t: TestApp): Promise<void> {
    const { host, port, localPort } = subscriberConnection(t);
    const node = new Redis(port, host);
    try {
      const killed = await node.client('KILL', 'TYPE', 'pubsub', 'ADDR', `127.0.0.1:${localPort}`);
      expect(killed).toBe(1);
    } finally {
      node.disconnect();
    }
  }

  it('shows a client on B a submission made through A, with the entries a REST read returns', async () => {
    expect((await a.http.put('/v1/boards/cshared', { periods: ['all', 'daily'] })).status).toBe(
      201,
    );
    await a.http.put('/v1/players/star', { displayName: 'Star', country: 'DE' });
    const topB = await viewOn(b, { boardId: 'cshared', view: { type: 'top', limit: 5 } });
    const topA = await viewOn(a, { boardId: 'cshared', view: { type: 'top', limit: 5 } });
    const aroundB = await viewOn(b, {
      boardId: 'cshared',
      period: 'daily',
      view: { type: 'around', playerId: 'rookie', radius: 1 },
    });
    await a.http.post('/v1/boards/cshared/scores', {
      playerId: 'star',
      score: 900,
      metadata: { level: 7 },
    });
    for (let i = 0; i < 4; i++)
      await a.http.post('/v1/boards/cshared/scores', { playerId: `p${i}`, score: 100 + i });
    await a.http.post('/v1/boards/cshared/scores', { playerId: 'rookie', score: 101.5 });
    const top = (await b.http.get('/v1/boards/cshared/top?limit=5')).body.entries;
    expect(top[0]).toEqual({
      rank: 1,
      playerId: 'star',
      score: 900,
      metadata: { level: 7 },
      profile: expect.objectContaining({ displayName: 'Star' }),
    });
    expect(top).toHaveLength(5);
    const around = (
      await b.http.get('/v1/boards/cshared/players/rookie/around?period=daily&radius=1')
    ).body.entries;
    expect(around.map((e: { playerId: string }) => e.playerId)).toEqual(['p2', 'rookie', 'p1']);
    await waitFor('B top = REST top', () => same(topB.entries, top));
    await waitFor('A top = REST top', () => same(topA.entries, top));
    await waitFor('B around = REST around', () => same(aroundB.entries, around));
    expect(topB.epoch).toBe(topA.epoch);
    expect(topB.seq).toBe(topA.seq);
  });

  it('delivers rank.changed on B for a submission through A', async () => {
    await a.http.put('/v1/boards/cranked', {});
    const s = await socketOn(b);
    const events: unknown[] = [];
    s.on('rank.changed', (e) => events.push(e));
    expect(await emitAck(s, 'rank.subscribe', { boardId: 'cranked', playerId: 'solo' })).toEqual(
      expect.objectContaining({ subscription: 'rank:cranked:all:solo', rank: null }),
    );
    await a.http.post('/v1/boards/cranked/scores', { playerId: 'solo', score: 3 });
    await a.http.post('/v1/boards/cranked/scores', { playerId: 'other', score: 9 });
    await a.http.post('/v1/boards/cranked/scores', { playerId: 'solo', score: 12 });
    await waitFor('two rank.changed on B', () => events.length === 2);
    expect(events).toEqual([
      {
        boardId: 'cranked',
        period: 'all',
        cycle: 'all',
        playerId: 'solo',
        rank: 1,
        previousRank: null,
        score: 3,
      },
      {
        boardId: 'cranked',
        period: 'all',
        cycle: 'all',
        playerId: 'solo',
        rank: 1,
        previousRank: 2,
        score: 12,
      },
    ]);
  });

  it('pushes feed.activity and feed.removed on B for an activity posted and deleted through A', async () => {
    const s = await socketOn(b);
    const seen: { event: string; payload: unknown }[] = [];
    s.on('feed.activity', (payload) => seen.push({ event: 'feed.activity', payload }));
    s.on('feed.removed', (payload) => seen.push({ event: 'feed.removed', payload }));
    expect(await emitAck(s, 'feed.subscribe', { playerId: 'cfan' })).toEqual({
      subscription: 'feed:cfan',
      playerId: 'cfan',
    });
    await followAll(a, ['cfan'], 'cidol');
    await post(a, 'cstranger', { verb: 'unrelated' });
    const activity = await post(a, 'cidol', { verb: 'scored' });
    await waitFor('feed.activity on B', () => seen.length >= 1);
    expect((await a.http.delete(`/v1/players/cidol/activities/${activity.id}`)).status).toBe(204);
    await waitFor('feed.removed on B', () => seen.length >= 2);
    expect(seen).toEqual([
      { event: 'feed.activity', payload: { activity } },
      { event: 'feed.removed', payload: { activityId: activity.id } },
    ]);
  });

  const isSnapshot = (u: { entries?: unknown; prevSeq: number; seq: number }): boolean =>
    u.entries !== undefined && u.prevSeq === u.seq;

  it('resubscribes after CLIENT KILL TYPE pubsub, sends snapshots and keeps converging', async () => {
    await a.http.put('/v1/boards/ckilled', {});
    for (let i = 1; i <= 6; i++)
      await a.http.post('/v1/boards/ckilled/scores', { playerId: `k${i}`, score: i });
    const onB = await viewOn(b, { boardId: 'ckilled', view: { type: 'top', limit: 5 } });
    const ranks: unknown[] = [];
    const rankSocket = await socketOn(b);
    rankSocket.on('rank.changed', (e) => ranks.push(e));
    await emitAck(rankSocket, 'rank.subscribe', { boardId: 'ckilled', playerId: 'after' });
    const before = subscriberConnection(b);
    await killSubscriber(b);
    // Most likely written while B is still reconnecting; the snapshot after it covers it either way.
    await a.http.post('/v1/boards/ckilled/scores', { playerId: 'during', score: 500 });
    await waitFor('a snapshot on B after the resubscribe', () => onB.received.some(isSnapshot));
    await waitFor('B ready again', async () => (await b.http.get('/health/ready')).status === 200);
    expect(subscriberConnection(b).localPort).not.toBe(before.localPort);
    await a.http.post('/v1/boards/ckilled/scores', { playerId: 'after', score: 1000 });
    const rest = (await b.http.get('/v1/boards/ckilled/top?limit=5')).body.entries;
    expect(rest.slice(0, 2)).toEqual([
      { rank: 1, playerId: 'after', score: 1000 },
      { rank: 2, playerId: 'during', score: 500 },
    ]);
    await waitFor('B converges after the outage', () => same(onB.entries, rest));
    await waitFor('rank.changed on B after the outage', () => ranks.length === 1);
    expect(ranks[0]).toMatchObject({ playerId: 'after', rank: 1, score: 1000 });
  });

  it('ends on B the subscriptions of a board deleted through A', async () => {
    await a.http.put('/v1/boards/cdoomed', {});
    const s = await socketOn(b);
    const ended: unknown[] = [];
    s.on('subscription.ended', (e) => ended.push(e));
    const view = await emitAck(s, 'board.subscribe', {
      boardId: 'cdoomed',
      view: { type: 'top', limit: 3 },
    });
    const rank = await emitAck(s, 'rank.subscribe', { boardId: 'cdoomed', playerId: 'z' });
    expect((await a.http.delete('/v1/boards/cdoomed')).status).toBe(204);
    await waitFor('subscription.ended on B', () => ended.length === 2);
    const reason = { code: 'BOARD_NOT_FOUND', message: 'board cdoomed was deleted' };
    expect(ended).toEqual(
      expect.arrayContaining([
        { subscription: view.subscription, reason },
        { subscription: rank.subscription, reason },
      ]),
    );
  });

  it('subscribes through the next seed node when the first seed does not answer', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const c = await startApp({
      name: 'live_cluster',
      prefix: a.prefix,
      env: {
        REDIS_CLUSTER_NODES: `${dead},${process.env.TEST_REDIS_CLUSTER_NODES}`,
        LIVE_TICK_MS: '20',
      },
    });
    try {
      expect((await c.http.get('/health/ready')).status).toBe(200);
      expect(`127.0.0.1:${subscriberConnection(c).port}`).not.toBe(dead);
      await a.http.put('/v1/boards/cseed', {});
      const onC = await viewOn(c, { boardId: 'cseed', view: { type: 'top', limit: 3 } });
      await a.http.post('/v1/boards/cseed/scores', { playerId: 'x', score: 1 });
      const rest = (await c.http.get('/v1/boards/cseed/top?limit=3')).body.entries;
      expect(rest).toEqual([{ rank: 1, playerId: 'x', score: 1 }]);
      await waitFor('C shows the REST top', () => same(onC.entries, rest));
      expect(onC.received.length).toBeGreaterThan(0);
    } finally {
      await c.close();
    }
  });
});
