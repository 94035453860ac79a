import { startApp, TestApp } from '../support/app';
import { createBoard, OrError, standings, SubmitBody, top } from './scores-support';

/** API §2: `POST …/scores/batch`, all-or-nothing validation, results in order. */
describe('batch score submission', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'scores-batch' });
  });
  afterAll(async () => {
    await t.close();
  });

  const batch = (boardId: string, entries: Record<string, unknown>[]) =>
    t.http.post<OrError<{ results: SubmitBody[] }>>(`/v1/boards/${boardId}/scores/batch`, {
      entries,
    });

  it('applies entries in order and returns one result per entry, in order', async () => {
    await createBoard(t, 'ordered', { update: 'best' });
    const res = await batch('ordered', [
      { playerId: 'a', score: 10 },
      { playerId: 'b', score: 20 },
      { playerId: 'a', score: 5 },
      { playerId: 'c', score: 20 },
      { playerId: 'a', score: 30, metadata: { via: 'batch' } },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => [r.playerId, r.replayed, r.periods.all])).toEqual([
      [
        'a',
        false,
        {
          cycle: 'all',
          score: 10,
          rank: 1,
          previousRank: null,
          previousScore: null,
          improved: true,
        },
      ],
      [
        'b',
        false,
        {
          cycle: 'all',
          score: 20,
          rank: 1,
          previousRank: null,
          previousScore: null,
          improved: true,
        },
      ],
      [
        'a',
        false,
        { cycle: 'all', score: 10, rank: 2, previousRank: 2, previousScore: 10, improved: false },
      ],
      [
        'c',
        false,
        {
          cycle: 'all',
          score: 20,
          rank: 1,
          previousRank: null,
          previousScore: null,
          improved: true,
        },
      ],
      [
        'a',
        false,
        { cycle: 'all', score: 30, rank: 1, previousRank: 3, previousScore: 10, improved: true },
      ],
    ]);
    const { entries } = await top(t, 'ordered');
    expect(entries[0]).toEqual({ rank: 1, playerId: 'a', score: 30, metadata: { via: 'batch' } });
    // Shared ties: b and c share rank 2 (their order inside the tie is unspecified).
    expect(entries.slice(1).sort((x, y) => x.playerId.localeCompare(y.playerId))).toEqual([
      { rank: 2, playerId: 'b', score: 20 },
      { rank: 2, playerId: 'c', score: 20 },
    ]);
  });

  it('applies nothing when one entry has a malformed score', async () => {
    await createBoard(t, 'malformed', {});
    const res = await batch('malformed', [
      { playerId: 'a', score: 10 },
      { playerId: 'b', score: '20' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await top(t, 'malformed')).total).toBe(0);
  });

  it("applies nothing when one entry breaks the board's score rules", async () => {
    await createBoard(t, 'bounded', { minScore: 0, maxScore: 100 });
    const res = await batch('bounded', [
      { playerId: 'a', score: 10 },
      { playerId: 'b', score: 20 },
      { playerId: 'c', score: 101 },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'entries[2].score' }],
    });
    expect((await top(t, 'bounded')).total).toBe(0);
  });

  it('applies nothing when one entry is older than the grace window', async () => {
    t.clock.set('2026-11-26T00:00:10Z');
    await createBoard(t, 'stale', { periods: ['all', 'daily'] });
    const res = await batch('stale', [
      { playerId: 'a', score: 10 },
      { playerId: 'b', score: 20, at: '2026-11-25T23:59:50Z' },
      { playerId: 'c', score: 30, at: '2026-11-25T12:00:00Z' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'entries[2].at' }],
    });
    expect((await top(t, 'stale')).total).toBe(0);
    expect((await top(t, 'stale', '&period=daily&cycle=2026-11-25')).total).toBe(0);
  });

  it('rejects an empty batch and one over 1000 entries', async () => {
    await createBoard(t, 'sizes', {});
    expect((await batch('sizes', [])).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => ({ playerId: `p${i}`, score: i }));
    const res = await batch('sizes', many);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect((await top(t, 'sizes')).total).toBe(0);
  });

  it('replays entries whose idempotencyKey was already used, applying only the new ones', async () => {
    await createBoard(t, 'batch-keys', { update: 'sum' });
    const first = await batch('batch-keys', [
      { playerId: 'a', score: 10, idempotencyKey: 'k1' },
      { playerId: 'b', score: 20, idempotencyKey: 'k2' },
    ]);
    expect(first.body.results.map((r) => r.replayed)).toEqual([false, false]);

    const second = await batch('batch-keys', [
      { playerId: 'a', score: 10, idempotencyKey: 'k1' },
      { playerId: 'c', score: 5, idempotencyKey: 'k3' },
      { playerId: 'b', score: 20, idempotencyKey: 'k2' },
      { playerId: 'c', score: 5, idempotencyKey: 'k3' },
      { playerId: 'a', score: 1 },
    ]);
    expect(second.status).toBe(200);
    const r = second.body.results;
    expect(r.map((x) => [x.playerId, x.replayed])).toEqual([
      ['a', true],
      ['c', false],
      ['b', true],
      ['c', true],
      ['a', false],
    ]);
    expect(r[0].periods).toEqual(first.body.results[0].periods);
    expect(r[2].periods).toEqual(first.body.results[1].periods);
    expect(r[3].periods).toEqual(r[1].periods);
    expect(r[4].periods.all).toMatchObject({ score: 11, previousScore: 10 });
    expect(await standings(t, 'batch-keys')).toEqual([
      ['b', 20, 1],
      ['a', 11, 2],
      ['c', 5, 3],
    ]);
  });

  it('shares idempotency keys between single and batch submissions of a board', async () => {
    await createBoard(t, 'mixed-keys', { update: 'sum' });
    const single = await t.http.post(
      '/v1/boards/mixed-keys/scores',
      { playerId: 'a', score: 4 },
      { 'idempotency-key': 'm1' },
    );
    const res = await batch('mixed-keys', [{ playerId: 'a', score: 4, idempotencyKey: 'm1' }]);
    expect(res.body.results).toEqual([{ ...single.body, replayed: true }]);
    expect(await standings(t, 'mixed-keys')).toEqual([['a', 4, 1]]);
  });

  it('answers 422 and applies nothing when a batch entry reuses a key with another body', async () => {
    await createBoard(t, 'batch-reuse', { update: 'sum' });
    await batch('batch-reuse', [{ playerId: 'a', score: 10, idempotencyKey: 'r1' }]);
    const res = await batch('batch-reuse', [
      { playerId: 'b', score: 7, idempotencyKey: 'r2' },
      { playerId: 'a', score: 99, idempotencyKey: 'r1' },
    ]);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await standings(t, 'batch-reuse')).toEqual([['a', 10, 1]]);

    const twice = await batch('batch-reuse', [
      { playerId: 'c', score: 1, idempotencyKey: 'r3' },
      { playerId: 'c', score: 2, idempotencyKey: 'r3' },
    ]);
    expect(twice.status).toBe(422);
    expect(twice.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await standings(t, 'batch-reuse')).toEqual([['a', 10, 1]]);
  });
});
