import { expectApiError } from '../support/api-errors';
import { startApp, TestApp } from '../support/app';
import { ids, newestFirst, post, readAll } from './feeds-support';

describe('activities over REST', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'activities_basics' });
    t.clock.set('2026-11-25T12:00:00.000Z');
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 201 with the stored activity, null for absent fields', async () => {
    const res = await t.http.post('/v1/players/ann/activities', {
      verb: 'completed',
      object: 'level-3',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^1795608000000-[0-9A-Za-z]{10}$/),
      actor: 'ann',
      verb: 'completed',
      object: 'level-3',
      target: null,
      time: '2026-11-25T12:00:00.000Z',
      data: null,
    });
  });

  it('returns the existing activity with 200 for a repeated foreignId, never a duplicate', async () => {
    const body = { verb: 'won', foreignId: 'match-17', data: { score: 3 } };
    const first = await t.http.post('/v1/players/bea/activities', body);
    const again = await t.http.post('/v1/players/bea/activities', { ...body, data: { score: 4 } });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    expect(ids(await readAll(t, '/v1/players/bea/activities'))).toEqual([first.body.id]);
  });

  it('creates one activity when the same foreignId is posted concurrently', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http.post('/v1/players/cy/activities', { verb: 'x', foreignId: 'f1' }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await readAll(t, '/v1/players/cy/activities')).toHaveLength(1);
  });

  it('lists newest first with since inclusive, until exclusive and exact cursors', async () => {
    const times = [0, 1, 1, 1, 2, 3, 4].map((m) =>
      new Date(Date.UTC(2026, 10, 25, 11, m)).toISOString(),
    );
    const made = [];
    for (const time of times) made.push(await post(t, 'dee', { verb: 'v', time }));
    const expected = newestFirst(made);
    expect(ids(await readAll(t, '/v1/players/dee/activities', 2))).toEqual(ids(expected));
    const window = await readAll(
      t,
      '/v1/players/dee/activities?since=2026-11-25T11:01:00.000Z&until=2026-11-25T11:03:00.000Z',
      1,
    );
    expect(window.map((a) => a.time)).toEqual([
      '2026-11-25T11:02:00.000Z',
      '2026-11-25T11:01:00.000Z',
      '2026-11-25T11:01:00.000Z',
      '2026-11-25T11:01:00.000Z',
    ]);
  });

  it('rejects bad input with 400 before storing anything', async () => {
    expectApiError(await t.http.post('/v1/players/eve/activities', {}), 400, 'VALIDATION_FAILED');
    expectApiError(
      await t.http.post('/v1/players/eve/activities', {
        verb: 'v',
        time: '2026-11-26T12:00:00.000Z',
      }),
      400,
      'VALIDATION_FAILED',
    );
    expectApiError(
      await t.http.post('/v1/players/eve/activities', { verb: 'v', foreignId: 'no spaces' }),
      400,
      'VALIDATION_FAILED',
    );
    expectApiError(
      await t.http.get('/v1/players/eve/activities?cursor=abc.def'),
      400,
      'INVALID_CURSOR',
    );
    expect(await readAll(t, '/v1/players/eve/activities')).toEqual([]);
  });

  it('deletes with 204, again with 204, and answers 404 for an unknown activity', async () => {
    const a = await post(t, 'fay', { verb: 'v' });
    expect((await t.http.delete(`/v1/players/fay/activities/${a.id}`)).status).toBe(204);
    expect((await t.http.delete(`/v1/players/fay/activities/${a.id}`)).status).toBe(204);
    expect(await readAll(t, '/v1/players/fay/activities')).toEqual([]);
    expect(await readAll(t, '/v1/players/fay/feed')).toEqual([]);
    expectApiError(
      await t.http.delete('/v1/players/fay/activities/1795608000000-AAAAAAAAAA'),
      404,
      'ACTIVITY_NOT_FOUND',
    );
  });

  it("includes the player's own activities in their home feed", async () => {
    const a = await post(t, 'gus', { verb: 'v1' });
    const b = await post(t, 'gus', { verb: 'v2', time: '2026-11-25T11:59:00.000Z' });
    expect(ids(await readAll(t, '/v1/players/gus/feed'))).toEqual([a.id, b.id]);
  });
});
