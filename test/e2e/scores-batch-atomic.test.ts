import type { Cluster } from 'ioredis';
import { startApp, TestApp } from '../support/app';
import { connectCluster, deleteByPrefix } from '../support/test-redis';
import { readAll } from './feeds-support';
import { createBoard, OrError, standings, submit, SubmitBody, top } from './scores-support';

const MAX = 2 ** 53;
type Entry = Record<string, unknown>;

const batchOf = (t: TestApp) => (boardId: string, entries: Entry[]) =>
  t.http.post<OrError<{ results: SubmitBody[] }>>(`/v1/boards/${boardId}/scores/batch`, {
    entries,
  });

/** Board activities as `actor verb score` lines, sorted (one submission's share a time). */
const activityLines = async (t: TestApp, boardId: string): Promise<string[]> =>
  (await readAll(t, `/v1/boards/${boardId}/activities`))
    .map((a) => `${a.actor} ${a.verb} ${String(a.data?.score)}`)
    .sort();

/** API §2: a batch is decided and applied by one script, all or nothing. */
describe('batch score submission, all or nothing', () => {
  let t: TestApp;
  let batch: ReturnType<typeof batchOf>;

  beforeAll(async () => {
    t = await startApp({ name: 'batch_atomic' });
    batch = batchOf(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 400 for entry 3 of 5 overflowing an integer sum, and applies none of the others', async () => {
    t.clock.set('2026-11-25T12:00:00Z');
    await createBoard(t, 'ints', { update: 'sum', integer: true, periods: ['all', 'daily'] });
    await submit(t, 'ints', { playerId: 'big', score: MAX - 10 });
    const before = await top(t, 'ints');
    const activities = await activityLines(t, 'ints');
    const entries = [
      { playerId: 'a', score: 10, idempotencyKey: 'e1' },
      { playerId: 'b', score: 20, idempotencyKey: 'e2' },
      { playerId: 'big', score: 11 },
      { playerId: 'c', score: 1 },
      { playerId: 'd', score: 2 },
    ];
    const res = await batch('ints', entries);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'entries[2].score' }],
    });
    expect(await standings(t, 'ints')).toEqual([['big', MAX - 10, 1]]);
    expect(await standings(t, 'ints', '&period=daily')).toEqual([['big', MAX - 10, 1]]);
    expect((await t.http.get('/v1/boards/ints/players/a')).status).toBe(404);
    const etag = before.etag ?? '';
    expect(
      (await t.http.get('/v1/boards/ints/top?limit=100', { 'if-none-match': etag })).status,
    ).toBe(304);
    expect(await activityLines(t, 'ints')).toEqual(activities);
    // No idempotency record was kept either: the same keys, without the bad entry, apply now.
    const retry = await batch('ints', entries.slice(0, 2));
    expect(retry.body.results.map((r) => [r.playerId, r.replayed, r.periods.all.score])).toEqual([
      ['a', false, 10],
      ['b', false, 20],
    ]);
  });

  it('answers 400 when the overflow comes from an earlier entry of the same batch', async () => {
    await createBoard(t, 'ints-self', { update: 'sum', integer: true });
    await submit(t, 'ints-self', { playerId: 'x', score: 5 });
    const res = await batch('ints-self', [
      { playerId: 'y', score: 3 },
      { playerId: 'x', score: MAX - 5 },
      { playerId: 'x', score: 1 },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ field: 'entries[2].score' }),
    ]);
    expect(await standings(t, 'ints-self')).toEqual([['x', 5, 1]]);
  });

  it.each([
    ['sum', 'shared'],
    ['best', 'shared'],
    ['latest', 'shared'],
    ['sum', 'first'],
    ['best', 'first'],
    ['latest', 'first'],
  ])(
    'gives a player repeated in one batch (%s, %s ties) what separate submissions give',
    async (update, ties) => {
      t.clock.set('2026-11-26T00:00:10Z');
      const config = {
        update,
        ties,
        periods: ['all', 'daily'],
        activities: ['personal_best', 'top10', 'leader'],
      };
      const [one, many] = [`one-${update}-${ties}`, `many-${update}-${ties}`];
      await createBoard(t, one, config);
      await createBoard(t, many, config);
      // p1 three times in today's cycle and once, late, in yesterday's; p2 twice with equal scores.
      const entries: Entry[] = [
        { playerId: 'p1', score: 10 },
        { playerId: 'p2', score: 15 },
        { playerId: 'p1', score: 7, at: '2026-11-25T23:59:55Z', metadata: { late: true } },
        { playerId: 'p1', score: 12 },
        { playerId: 'p2', score: 15, metadata: { again: 1 } },
        { playerId: 'p1', score: 0 },
        { playerId: 'p3', score: 15 },
      ];
      const singles: SubmitBody[] = [];
      for (const e of entries) singles.push(await submit(t, one, e));
      const res = await batch(many, entries);
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual(singles);
      for (const q of ['', '&period=daily', '&period=daily&cycle=2026-11-25']) {
        expect((await top(t, many, q)).entries).toEqual((await top(t, one, q)).entries);
      }
      expect(await activityLines(t, many)).toEqual(await activityLines(t, one));
    },
  );

  it('applies a retried batch once, repeated keys inside it included', async () => {
    await createBoard(t, 'retry', { update: 'sum' });
    const entries = [
      { playerId: 'a', score: 5, idempotencyKey: 'r1' },
      { playerId: 'b', score: 7, idempotencyKey: 'r2' },
      { playerId: 'a', score: 5, idempotencyKey: 'r1' },
      { playerId: 'a', score: 1, idempotencyKey: 'r3' },
    ];
    const first = await batch('retry', entries);
    expect(first.body.results.map((r) => r.replayed)).toEqual([false, false, true, false]);
    expect(first.body.results[2].periods).toEqual(first.body.results[0].periods);
    const again = await batch('retry', entries);
    expect(again.body.results).toEqual(first.body.results.map((r) => ({ ...r, replayed: true })));
    expect(await standings(t, 'retry')).toEqual([
      ['b', 7, 1],
      ['a', 6, 2],
    ]);
  });

  it('applies one of several identical batches sent at once, and the others replay it', async () => {
    await createBoard(t, 'retry-race', { update: 'sum' });
    const entries = Array.from({ length: 50 }, (_, i) => ({
      playerId: `p${i % 10}`,
      score: 1,
      idempotencyKey: `race-${i}`,
    }));
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => batch('retry-race', entries)),
    );
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const applied = replies.filter((r) => r.body.results.every((x) => !x.replayed));
    const replayed = replies.filter((r) => r.body.results.every((x) => x.replayed));
    expect([applied.length, replayed.length]).toEqual([1, 4]);
    const scores = (await top(t, 'retry-race')).entries.map((e) => e.score);
    expect(scores).toEqual(Array.from({ length: 10 }, () => 5));
  });

  it('never half-applies a batch racing a single submission that takes one of its keys', async () => {
    await createBoard(t, 'key-race', { update: 'sum' });
    const rounds = Array.from({ length: 20 }, (_, i) => i);
    const outcomes = await Promise.all(
      rounds.map(async (i) => {
        const [many, one] = await Promise.all([
          batch('key-race', [
            { playerId: `a${i}`, score: 1, idempotencyKey: `ka${i}` },
            { playerId: `b${i}`, score: 1, idempotencyKey: `kb${i}` },
          ]),
          t.http.post(
            '/v1/boards/key-race/scores',
            { playerId: `b${i}`, score: 100 },
            { 'idempotency-key': `kb${i}` },
          ),
        ]);
        return [many.status, one.status];
      }),
    );
    const { entries } = await top(t, 'key-race');
    const score = new Map(entries.map((e) => [e.playerId, e.score]));
    for (const i of rounds) {
      // Either the batch won (a = 1, b = 1; the single is refused) or the single did (b = 100;
      // the whole batch is refused, a absent): never a = 1 with b = 100.
      const batchWon = outcomes[i][0] === 200;
      expect(outcomes[i]).toEqual(batchWon ? [200, 422] : [422, 200]);
      expect([score.get(`a${i}`), score.get(`b${i}`)]).toEqual(
        batchWon ? [1, 1] : [undefined, 100],
      );
    }
  });
});

/** The same on Redis Cluster: a batch's keys (cycles, idempotency records) share the board's slot. */
describe('batch score submission on Redis Cluster', () => {
  let t: TestApp;
  let cluster: Cluster;
  let batch: ReturnType<typeof batchOf>;

  beforeAll(async () => {
    t = await startApp({
      name: 'batch_atomic_cl',
      env: { REDIS_CLUSTER_NODES: process.env.TEST_REDIS_CLUSTER_NODES },
    });
    cluster = connectCluster();
    batch = batchOf(t);
  });
  afterAll(async () => {
    await t.close();
    // close() leaves keys alone when REDIS_CLUSTER_NODES is given: this file cleans its prefix.
    await deleteByPrefix(cluster, t.prefix);
    await cluster.quit();
  });

  it('applies a batch of many players with keys once, and refuses an overflowing one whole', async () => {
    await createBoard(t, 'cl', { update: 'sum', integer: true, periods: ['all', 'daily'] });
    const entries = Array.from({ length: 40 }, (_, i) => ({
      playerId: `player${i}`,
      score: i,
      idempotencyKey: `cl-${i}`,
    }));
    const first = await batch('cl', entries);
    expect(first.status).toBe(200);
    const again = await batch('cl', entries);
    expect(again.body.results).toEqual(first.body.results.map((r) => ({ ...r, replayed: true })));
    const refused = await batch('cl', [
      { playerId: 'player1', score: 1 },
      { playerId: 'player39', score: MAX },
    ]);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({ field: 'entries[1].score' }),
    ]);
    const { total, entries: best } = await top(t, 'cl', '&period=daily');
    expect([total, best[0], best[best.length - 1]]).toEqual([
      40,
      { rank: 1, playerId: 'player39', score: 39 },
      { rank: 40, playerId: 'player0', score: 0 },
    ]);
  });
});
