import type { Redis } from 'ioredis';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { connectStandalone } from '../support/test-redis';

const HOUR_MS = 3_600_000;

/** A current cycle as GET /v1/boards/:id shows it. */
const cur = (period: string, cycle: string, startsAt: string, endsAt: string, entries: number) => ({
  period,
  cycle,
  startsAt,
  endsAt,
  entries,
});

/** A retained cycle as GET /v1/boards/:id/cycles lists it. */
const kept = (
  cycle: string,
  startsAt: string,
  endsAt: string,
  current: boolean,
  retainedUntil: string,
) => ({
  cycle,
  startsAt,
  endsAt,
  current,
  retainedUntil,
});

describe('cycles and their history over HTTP', () => {
  let t: TestApp;
  let redis: Redis;
  let keys: Keys;

  beforeAll(async () => {
    t = await startApp({ name: 'e2e_cycles' });
    redis = connectStandalone();
    keys = new Keys(t.prefix);
  });
  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  async function createBoard(boardId: string, body: object): Promise<void> {
    expect((await t.http.put(`/v1/boards/${boardId}`, body)).status).toBe(201);
  }

  /** Submits at the clock's current time; returns the cycle id of each period. */
  async function submit(
    boardId: string,
    playerId: string,
    score: number,
    metadata?: object,
  ): Promise<Record<string, string>> {
    const res = await t.http.post(`/v1/boards/${boardId}/scores`, { playerId, score, metadata });
    expect(res.status).toBe(200);
    const periods = res.body.periods as Record<string, { cycle: string }>;
    return Object.fromEntries(Object.entries(periods).map(([period, p]) => [period, p.cycle]));
  }

  async function current(boardId: string) {
    const res = await t.http.get(`/v1/boards/${boardId}`);
    expect(res.status).toBe(200);
    return res.body.current;
  }

  it('ends the Europe/Berlin day of the 2026-10-25 DST change at 23:00Z, after 25 hours', async () => {
    t.clock.set('2026-10-25T22:30:00Z');
    await createBoard('berlin', {
      periods: ['daily', 'weekly', 'monthly'],
      timezone: 'Europe/Berlin',
    });
    expect(await submit('berlin', 'late', 10)).toEqual({
      daily: '2026-10-25',
      weekly: '2026-W43',
      monthly: '2026-10',
    });
    expect(await current('berlin')).toEqual([
      cur('daily', '2026-10-25', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 1),
      cur('weekly', '2026-W43', '2026-10-18T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 1),
      cur('monthly', '2026-10', '2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z', 1),
    ]);

    t.clock.set('2026-10-25T23:00:00Z');
    expect(await submit('berlin', 'next', 20)).toEqual({
      daily: '2026-10-26',
      weekly: '2026-W44',
      monthly: '2026-10',
    });
    expect(await current('berlin')).toEqual([
      cur('daily', '2026-10-26', '2026-10-25T23:00:00.000Z', '2026-10-26T23:00:00.000Z', 1),
      cur('weekly', '2026-W44', '2026-10-25T23:00:00.000Z', '2026-11-01T23:00:00.000Z', 1),
      cur('monthly', '2026-10', '2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z', 2),
    ]);
    const daily = await t.http.get('/v1/boards/berlin/cycles?period=daily');
    expect(daily.body).toEqual({
      boardId: 'berlin',
      period: 'daily',
      cycles: [
        kept(
          '2026-10-26',
          '2026-10-25T23:00:00.000Z',
          '2026-10-26T23:00:00.000Z',
          true,
          '2026-11-02T23:00:00.000Z',
        ),
        kept(
          '2026-10-25',
          '2026-10-24T22:00:00.000Z',
          '2026-10-25T23:00:00.000Z',
          false,
          '2026-11-01T23:00:00.000Z',
        ),
      ],
    });
  });

  it('ends the America/New_York day of the 2026-11-01 DST change at 05:00Z next day', async () => {
    t.clock.set('2026-11-01T03:59:59.999Z');
    await createBoard('nyc', {
      periods: ['daily', 'weekly', 'monthly'],
      timezone: 'America/New_York',
    });
    expect(await submit('nyc', 'a', 1)).toEqual({
      daily: '2026-10-31',
      weekly: '2026-W44',
      monthly: '2026-10',
    });
    t.clock.set('2026-11-01T04:00:00Z');
    expect(await submit('nyc', 'b', 2)).toEqual({
      daily: '2026-11-01',
      weekly: '2026-W44',
      monthly: '2026-11',
    });
    t.clock.set('2026-11-02T04:59:59.999Z');
    expect(await submit('nyc', 'c', 3)).toEqual({
      daily: '2026-11-01',
      weekly: '2026-W44',
      monthly: '2026-11',
    });
    expect((await current('nyc'))[0]).toEqual(
      cur('daily', '2026-11-01', '2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 2),
    );
    t.clock.set('2026-11-02T05:00:00Z');
    expect(await submit('nyc', 'd', 4)).toEqual({
      daily: '2026-11-02',
      weekly: '2026-W45',
      monthly: '2026-11',
    });
    expect(await current('nyc')).toEqual([
      cur('daily', '2026-11-02', '2026-11-02T05:00:00.000Z', '2026-11-03T05:00:00.000Z', 1),
      cur('weekly', '2026-W45', '2026-11-02T05:00:00.000Z', '2026-11-09T05:00:00.000Z', 1),
      cur('monthly', '2026-11', '2026-11-01T04:00:00.000Z', '2026-12-01T05:00:00.000Z', 3),
    ]);
    const old = await t.http.get('/v1/boards/nyc/top?period=weekly&cycle=2026-W44');
    expect(old.body.entries.map((e: { playerId: string }) => e.playerId)).toEqual(['c', 'b', 'a']);
  });

  it('keeps 2026-12-31 and 2027-01-01 in ISO week 2026-W53 while the month and year roll over', async () => {
    t.clock.set('2026-12-31T23:59:59.999Z');
    await createBoard('newyear', { periods: ['all', 'daily', 'weekly', 'monthly'] });
    expect(await submit('newyear', 'old', 5)).toEqual({
      all: 'all',
      daily: '2026-12-31',
      weekly: '2026-W53',
      monthly: '2026-12',
    });
    t.clock.set('2027-01-01T00:00:00Z');
    expect(await submit('newyear', 'new', 7)).toEqual({
      all: 'all',
      daily: '2027-01-01',
      weekly: '2026-W53',
      monthly: '2027-01',
    });
    expect(await current('newyear')).toEqual([
      { period: 'all', cycle: 'all', startsAt: null, endsAt: null, entries: 2 },
      cur('daily', '2027-01-01', '2027-01-01T00:00:00.000Z', '2027-01-02T00:00:00.000Z', 1),
      cur('weekly', '2026-W53', '2026-12-28T00:00:00.000Z', '2027-01-04T00:00:00.000Z', 2),
      cur('monthly', '2027-01', '2027-01-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z', 1),
    ]);
    const weekly = await t.http.get('/v1/boards/newyear/top?period=weekly');
    expect(weekly.body).toMatchObject({ cycle: '2026-W53', total: 2 });
    const december = await t.http.get('/v1/boards/newyear/top?period=monthly&cycle=2026-12');
    expect(december.body).toEqual({
      boardId: 'newyear',
      period: 'monthly',
      cycle: '2026-12',
      total: 1,
      entries: [{ rank: 1, playerId: 'old', score: 5 }],
      nextCursor: null,
    });
  });

  it('shows the new empty cycle once the clock moves and keeps the old one readable by id', async () => {
    t.clock.set('2026-03-10T12:00:00Z');
    await createBoard('rollover', { periods: ['all', 'daily'] });
    await submit('rollover', 'a', 30);
    await submit('rollover', 'b', 20);
    expect((await t.http.get('/v1/boards/rollover/top?period=daily')).body).toMatchObject({
      cycle: '2026-03-10',
      total: 2,
    });

    t.clock.set('2026-03-11T00:00:00Z');
    expect((await t.http.get('/v1/boards/rollover/top?period=daily')).body).toEqual({
      boardId: 'rollover',
      period: 'daily',
      cycle: '2026-03-11',
      total: 0,
      entries: [],
      nextCursor: null,
    });
    const old = await t.http.get('/v1/boards/rollover/top?period=daily&cycle=2026-03-10');
    expect(old.body).toEqual({
      boardId: 'rollover',
      period: 'daily',
      cycle: '2026-03-10',
      total: 2,
      entries: [
        { rank: 1, playerId: 'a', score: 30 },
        { rank: 2, playerId: 'b', score: 20 },
      ],
      nextCursor: null,
    });
    expect((await t.http.get('/v1/boards/rollover/top')).body).toMatchObject({
      cycle: 'all',
      total: 2,
    });

    await submit('rollover', 'c', 10);
    expect((await t.http.get('/v1/boards/rollover/cycles?period=daily')).body.cycles).toEqual([
      kept(
        '2026-03-11',
        '2026-03-11T00:00:00.000Z',
        '2026-03-12T00:00:00.000Z',
        true,
        '2026-03-19T00:00:00.000Z',
      ),
      kept(
        '2026-03-10',
        '2026-03-10T00:00:00.000Z',
        '2026-03-11T00:00:00.000Z',
        false,
        '2026-03-18T00:00:00.000Z',
      ),
    ]);
    const future = await t.http.get('/v1/boards/rollover/top?period=daily&cycle=2026-03-12');
    expect(future.status).toBe(404);
    expect(future.body.error.code).toBe('CYCLE_NOT_FOUND');
  });

  it('forgets a daily cycle more than retain days old and gives its keys a matching TTL', async () => {
    t.clock.set('2026-03-10T12:00:00Z');
    await createBoard('retained', { periods: ['all', 'daily'], retain: 2 });
    for (const day of ['10', '11', '12']) {
      t.clock.set(`2026-03-${day}T12:00:00Z`);
      await submit('retained', `p${day}`, Number(day), { day });
    }
    // Written at 2026-03-10T12:00Z, retained until 2026-03-13T00:00Z (60 h later), plus slack.
    for (const key of [
      keys.cycleScores('retained', 'daily', '2026-03-10'),
      keys.cycleEntries('retained', 'daily', '2026-03-10'),
    ]) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(60 * HOUR_MS);
      expect(ttl).toBeLessThanOrEqual(61 * HOUR_MS);
    }
    expect(await redis.pttl(keys.cycleScores('retained', 'all', 'all'))).toBe(-1);

    t.clock.set('2026-03-13T00:00:00Z');
    const gone = await t.http.get('/v1/boards/retained/top?period=daily&cycle=2026-03-10');
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('CYCLE_NOT_FOUND');
    const kept = await t.http.get('/v1/boards/retained/top?period=daily&cycle=2026-03-11');
    expect(kept.body).toMatchObject({
      cycle: '2026-03-11',
      total: 1,
      entries: [{ rank: 1, playerId: 'p11', score: 11 }],
    });
    await submit('retained', 'p13', 13);
    const listed = await t.http.get('/v1/boards/retained/cycles?period=daily');
    expect(listed.body.cycles.map((c: { cycle: string }) => c.cycle)).toEqual([
      '2026-03-13',
      '2026-03-12',
      '2026-03-11',
    ]);
    expect((await t.http.get('/v1/boards/retained/top')).body.total).toBe(4);
  });
  it('keeps the cycle index alive as long as the newest cycle it lists, even after a late submission', async () => {
    t.clock.set('2026-09-10T00:00:30Z');
    await createBoard('late', { periods: ['daily'], retain: 2 });
    await submit('late', 'now', 1);
    const res = await t.http.post('/v1/boards/late/scores', {
      playerId: 'then',
      score: 2,
      at: '2026-09-09T23:59:50Z',
    });
    expect(res.body.periods.daily.cycle).toBe('2026-09-09');
    // Index first: it was given the same expiry as the 2026-09-10 keys, so it cannot read lower.
    const indexTtl = await redis.pttl(keys.cycleIndex('late', 'daily'));
    expect(indexTtl).toBeGreaterThanOrEqual(
      await redis.pttl(keys.cycleScores('late', 'daily', '2026-09-10')),
    );
    const listed = await t.http.get('/v1/boards/late/cycles?period=daily');
    expect(listed.body.cycles.map((c: { cycle: string }) => c.cycle)).toEqual([
      '2026-09-10',
      '2026-09-09',
    ]);
  });
});
