import { startApp, TestApp } from '../support/app';
import { createBoard, standings, submit, top } from './scores-support';

/** API §2: one submission updates every period atomically; `at` and the grace window. */
describe('score submissions across periods', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'scores-periods' });
  });
  afterAll(async () => {
    await t.close();
  });

  const PERIODS = ['all', 'daily', 'weekly', 'monthly'];

  it('updates every period of a multi-period board in one submission', async () => {
    t.clock.set('2026-11-25T12:00:00Z');
    await createBoard(t, 'multi', { periods: PERIODS });
    await submit(t, 'multi', { playerId: 'b', score: 70 });
    const res = await submit(t, 'multi', { playerId: 'a', score: 100 });
    const fresh = { score: 100, rank: 1, previousRank: null, previousScore: null, improved: true };
    expect(res).toEqual({
      playerId: 'a',
      replayed: false,
      periods: {
        all: { cycle: 'all', ...fresh },
        daily: { cycle: '2026-11-25', ...fresh },
        weekly: { cycle: '2026-W48', ...fresh },
        monthly: { cycle: '2026-11', ...fresh },
      },
    });
    for (const period of PERIODS) {
      expect(await standings(t, 'multi', `&period=${period}`)).toEqual([
        ['a', 100, 1],
        ['b', 70, 2],
      ]);
    }
  });

  it('starts a new daily cycle the next day while all, weekly and monthly keep the best', async () => {
    t.clock.set('2026-11-26T12:00:00Z');
    const res = await submit(t, 'multi', { playerId: 'a', score: 50, metadata: { day: 2 } });
    const kept = { score: 100, rank: 1, previousRank: 1, previousScore: 100, improved: false };
    expect(res.periods).toEqual({
      all: { cycle: 'all', ...kept },
      daily: {
        cycle: '2026-11-26',
        score: 50,
        rank: 1,
        previousRank: null,
        previousScore: null,
        improved: true,
      },
      weekly: { cycle: '2026-W48', ...kept },
      monthly: { cycle: '2026-11', ...kept },
    });
    expect(await standings(t, 'multi', '&period=daily')).toEqual([['a', 50, 1]]);
    // Metadata goes only where the score was kept: the new daily entry, not the all-time best.
    expect((await top(t, 'multi', '&period=daily')).entries[0].metadata).toEqual({ day: 2 });
    expect((await top(t, 'multi', '&period=weekly')).entries[0].metadata).toBeUndefined();
    expect((await t.http.get('/v1/boards/multi/players/a')).body.metadata).toBeUndefined();
    expect(await standings(t, 'multi', '&period=daily&cycle=2026-11-25')).toEqual([
      ['a', 100, 1],
      ['b', 70, 2],
    ]);
    const board = await t.http.get('/v1/boards/multi');
    expect(board.body.current).toEqual([
      { period: 'all', cycle: 'all', startsAt: null, endsAt: null, entries: 2 },
      {
        period: 'daily',
        cycle: '2026-11-26',
        startsAt: '2026-11-26T00:00:00.000Z',
        endsAt: '2026-11-27T00:00:00.000Z',
        entries: 1,
      },
      {
        period: 'weekly',
        cycle: '2026-W48',
        startsAt: '2026-11-23T00:00:00.000Z',
        endsAt: '2026-11-30T00:00:00.000Z',
        entries: 2,
      },
      {
        period: 'monthly',
        cycle: '2026-11',
        startsAt: '2026-11-01T00:00:00.000Z',
        endsAt: '2026-12-01T00:00:00.000Z',
        entries: 2,
      },
    ]);
  });

  it("names cycles in the board's time zone", async () => {
    t.clock.set('2026-12-01T03:00:00Z');
    await createBoard(t, 'multi-ny', { periods: PERIODS, timezone: 'America/New_York' });
    const res = await submit(t, 'multi-ny', { playerId: 'a', score: 1 });
    expect(Object.fromEntries(Object.entries(res.periods).map(([p, r]) => [p, r.cycle]))).toEqual({
      all: 'all',
      daily: '2026-11-30',
      weekly: '2026-W49',
      monthly: '2026-11',
    });
  });

  it('puts a late submission within the grace window into the previous daily cycle', async () => {
    t.clock.set('2026-11-26T00:00:10Z');
    await createBoard(t, 'late', { periods: ['all', 'daily'] });
    const res = await submit(t, 'late', { playerId: 'a', score: 42, at: '2026-11-25T23:59:30Z' });
    expect(res.periods.daily).toEqual({
      cycle: '2026-11-25',
      score: 42,
      rank: 1,
      previousRank: null,
      previousScore: null,
      improved: true,
    });
    expect(res.periods.all).toMatchObject({ cycle: 'all', score: 42, rank: 1 });
    expect((await top(t, 'late', '&period=daily')).total).toBe(0);
    expect(await standings(t, 'late', '&period=daily&cycle=2026-11-25')).toEqual([['a', 42, 1]]);

    const offset = await submit(t, 'late', {
      playerId: 'b',
      score: 7,
      at: '2026-11-26T01:59:50+02:00',
    });
    expect(offset.periods.daily.cycle).toBe('2026-11-25');
    const now = await submit(t, 'late', { playerId: 'c', score: 9 });
    expect(now.periods.daily.cycle).toBe('2026-11-26');
  });

  it('rejects a submission older than the grace window and changes nothing', async () => {
    t.clock.set('2026-11-26T00:00:10Z');
    await createBoard(t, 'too-late', { periods: ['all', 'daily'] });
    const res = await t.http.post('/v1/boards/too-late/scores', {
      playerId: 'a',
      score: 42,
      at: '2026-11-25T23:59:09Z',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'at' }] });
    expect((await top(t, 'too-late')).total).toBe(0);
    expect((await top(t, 'too-late', '&period=daily&cycle=2026-11-25')).total).toBe(0);
  });

  it("accepts a late submission within a board's own graceSeconds", async () => {
    t.clock.set('2026-11-26T00:20:00Z');
    await createBoard(t, 'long-grace', { periods: ['daily'], graceSeconds: 3600 });
    const res = await submit(t, 'long-grace', {
      playerId: 'a',
      score: 5,
      at: '2026-11-25T23:30:00Z',
    });
    expect(res.periods).toEqual({
      daily: {
        cycle: '2026-11-25',
        score: 5,
        rank: 1,
        previousRank: null,
        previousScore: null,
        improved: true,
      },
    });
  });

  it('rejects a submission earned in the far future', async () => {
    t.clock.set('2026-11-26T00:00:10Z');
    await createBoard(t, 'future', { periods: ['all', 'daily'] });
    const res = await t.http.post('/v1/boards/future/scores', {
      playerId: 'a',
      score: 1,
      at: '2026-11-27T00:00:00Z',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'at' }] });
    const garbage = await t.http.post('/v1/boards/future/scores', {
      playerId: 'a',
      score: 1,
      at: 'yesterday',
    });
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.code).toBe('VALIDATION_FAILED');
    expect((await top(t, 'future')).total).toBe(0);
  });
});
