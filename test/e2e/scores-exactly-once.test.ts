import type { HttpResponse } from '../support/app';
import { startApp, TestApp } from '../support/app';
import { createBoard, OrError, standings, submit, SubmitBody, top } from './scores-support';

/** API §2 / DESIGN §3: concurrent submissions and Idempotency-Key semantics. */
describe('exactly-once score submission', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'scores-once', env: { RATE_LIMIT_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await t.close();
  });

  const N = 200;
  const post = (
    boardId: string,
    body: unknown,
    key?: string,
  ): Promise<HttpResponse<OrError<SubmitBody>>> =>
    t.http.post<OrError<SubmitBody>>(
      `/v1/boards/${boardId}/scores`,
      body,
      key ? { 'idempotency-key': key } : {},
    );

  it('applies 200 concurrent sum submissions with distinct keys exactly once each', async () => {
    await createBoard(t, 'sum-many', { update: 'sum', integer: true });
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) => post('sum-many', { playerId: 'p', score: 1 }, `k-${i}`)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(N).fill(200));
    expect(responses.every((r) => r.body.replayed === false)).toBe(true);
    // Each submission saw a distinct running total: 1, 2, ..., 200 in some order.
    const seen = responses.map((r) => r.body.periods.all.score).sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(await standings(t, 'sum-many')).toEqual([['p', N, 1]]);
  });

  it('applies 200 concurrent submissions with one key and one body exactly once', async () => {
    await createBoard(t, 'sum-one-key', { update: 'sum', periods: ['all', 'daily'] });
    await submit(t, 'sum-one-key', { playerId: 'other', score: 3 });
    const body = { playerId: 'p', score: 5, metadata: { source: 'retry-storm' } };
    const responses = await Promise.all(
      Array.from({ length: N }, () => post('sum-one-key', body, 'one-key')),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(N).fill(200));
    expect(responses.filter((r) => r.body.replayed === false)).toHaveLength(1);
    expect(responses.filter((r) => r.body.replayed === true)).toHaveLength(N - 1);
    const periods = responses.map((r) => JSON.stringify(r.body.periods));
    expect(new Set(periods).size).toBe(1);
    expect(responses[0].body.periods.all).toEqual({
      cycle: 'all',
      score: 5,
      rank: 1,
      previousRank: null,
      previousScore: null,
      improved: true,
    });
    expect(await standings(t, 'sum-one-key')).toEqual([
      ['p', 5, 1],
      ['other', 3, 2],
    ]);
    expect(await standings(t, 'sum-one-key', '&period=daily')).toEqual([
      ['p', 5, 1],
      ['other', 3, 2],
    ]);
  });

  it('replays the first response for a retry with the same key and body, changing nothing', async () => {
    await createBoard(t, 'retry', { update: 'sum' });
    const first = await post('retry', { playerId: 'p', score: 10 }, 'retry-1');
    expect(first.status).toBe(200);
    expect(first.body.replayed).toBe(false);
    await submit(t, 'retry', { playerId: 'q', score: 20 });
    const before = await top(t, 'retry');

    const again = await post('retry', { playerId: 'p', score: 10 }, 'retry-1');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    const after = await top(t, 'retry');
    expect(after.entries).toEqual(before.entries);
    expect(after.etag).toBe(before.etag);
    expect(after.entries).toEqual([
      { rank: 1, playerId: 'q', score: 20 },
      { rank: 2, playerId: 'p', score: 10 },
    ]);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body, changing nothing', async () => {
    await createBoard(t, 'reuse', { update: 'sum' });
    expect((await post('reuse', { playerId: 'p', score: 10 }, 'reuse-1')).status).toBe(200);
    const before = await top(t, 'reuse');
    for (const other of [
      { playerId: 'p', score: 11 },
      { playerId: 'q', score: 10 },
      { playerId: 'p', score: 10, metadata: { x: 1 } },
    ]) {
      const res = await post('reuse', other, 'reuse-1');
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        error: expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' }),
      });
    }
    const after = await top(t, 'reuse');
    expect(after.entries).toEqual([{ rank: 1, playerId: 'p', score: 10 }]);
    expect(after.etag).toBe(before.etag);
  });

  it('scopes an Idempotency-Key to its board', async () => {
    await createBoard(t, 'scope-a', { update: 'sum' });
    await createBoard(t, 'scope-b', { update: 'sum' });
    const a = await post('scope-a', { playerId: 'p', score: 1 }, 'shared-key');
    const b = await post('scope-b', { playerId: 'p', score: 1 }, 'shared-key');
    expect([a.body.replayed, b.body.replayed]).toEqual([false, false]);
    expect(await standings(t, 'scope-b')).toEqual([['p', 1, 1]]);
  });

  it('rejects an Idempotency-Key longer than 64 characters', async () => {
    await createBoard(t, 'long-key', {});
    const res = await post('long-key', { playerId: 'p', score: 1 }, 'k'.repeat(65));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'Idempotency-Key' }],
    });
    expect((await top(t, 'long-key')).total).toBe(0);
  });
});
