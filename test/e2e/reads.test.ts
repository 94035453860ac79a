import { startApp, TestApp } from '../support/app';

interface Entry {
  rank: number;
  playerId: string;
  score: number;
}

const ranksOf = (entries: Entry[]) => entries.map((e) => [e.rank, e.playerId]);

/** API §3: a player's position, the window around them, several players at once, and ETags. */
describe('reading a board', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'e2e_reads' });
    // p01 scores 100 (rank 1) ... p10 scores 10 (rank 10).
    expect((await t.http.put('/v1/boards/ten', {})).status).toBe(201);
    const entries = Array.from({ length: 10 }, (_, i) => ({
      playerId: `p${String(i + 1).padStart(2, '0')}`,
      score: 100 - 10 * i,
    }));
    expect((await t.http.post('/v1/boards/ten/scores/batch', { entries })).status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
  });

  it('fills the window around the leader from below: radius 2 at rank 1 gives ranks 1..5', async () => {
    const res = await t.http.get('/v1/boards/ten/players/p01/around?radius=2');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      boardId: 'ten',
      period: 'all',
      cycle: 'all',
      total: 10,
      playerId: 'p01',
      radius: 2,
      entries: [
        { rank: 1, playerId: 'p01', score: 100 },
        { rank: 2, playerId: 'p02', score: 90 },
        { rank: 3, playerId: 'p03', score: 80 },
        { rank: 4, playerId: 'p04', score: 70 },
        { rank: 5, playerId: 'p05', score: 60 },
      ],
    });
  });

  it('fills the window around the last player from above and centres it in the middle', async () => {
    const last = await t.http.get('/v1/boards/ten/players/p10/around?radius=2');
    expect(ranksOf(last.body.entries)).toEqual([
      [6, 'p06'],
      [7, 'p07'],
      [8, 'p08'],
      [9, 'p09'],
      [10, 'p10'],
    ]);
    const second = await t.http.get('/v1/boards/ten/players/p02/around?radius=2');
    expect(ranksOf(second.body.entries).map(([rank]) => rank)).toEqual([1, 2, 3, 4, 5]);
    const middle = await t.http.get('/v1/boards/ten/players/p05/around?radius=1');
    expect(ranksOf(middle.body.entries)).toEqual([
      [4, 'p04'],
      [5, 'p05'],
      [6, 'p06'],
    ]);
    const wide = await t.http.get('/v1/boards/ten/players/p05/around?radius=20');
    expect(wide.body.entries).toHaveLength(10);
    const alone = await t.http.get('/v1/boards/ten/players/p05/around?radius=0');
    expect(alone.body.entries).toEqual([{ rank: 5, playerId: 'p05', score: 60 }]);
  });

  it('answers 404 NOT_RANKED for the window around, or the rank of, a player with no score', async () => {
    for (const path of ['/players/nobody/around?radius=2', '/players/nobody']) {
      const res = await t.http.get(`/v1/boards/ten${path}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_RANKED');
    }
  });

  it("reports a player's rank, score, total and percentile", async () => {
    const res = await t.http.get('/v1/boards/ten/players/p03');
    expect(res.body).toEqual({
      boardId: 'ten',
      period: 'all',
      cycle: 'all',
      rank: 3,
      playerId: 'p03',
      score: 80,
      total: 10,
      percentile: 80,
    });
    expect((await t.http.get('/v1/boards/ten/players/p10')).body.percentile).toBe(10);
  });

  it('returns the ranked players of a ranks request sorted by rank and lists the others as notRanked', async () => {
    const res = await t.http.get('/v1/boards/ten/ranks?playerIds=p07,p02,zzz,p07');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      boardId: 'ten',
      period: 'all',
      cycle: 'all',
      total: 10,
      entries: [
        { rank: 2, playerId: 'p02', score: 90 },
        { rank: 7, playerId: 'p07', score: 40 },
      ],
      notRanked: ['zzz'],
    });
  });

  it('rejects a ranks request for more than 100 players', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `x${i}`).join(',');
    const res = await t.http.get(`/v1/boards/ten/ranks?playerIds=${ids}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('sends a stable ETag for top, answers If-None-Match with an empty 304, and changes it on a write', async () => {
    expect((await t.http.put('/v1/boards/etag', {})).status).toBe(201);
    await t.http.post('/v1/boards/etag/scores', { playerId: 'a', score: 1 });
    const first = await t.http.get('/v1/boards/etag/top');
    const second = await t.http.get('/v1/boards/etag/top');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
    expect(second.headers.get('etag')).toBe(etag);
    expect(second.body).toEqual(first.body);

    const cached = await t.http.get('/v1/boards/etag/top', { 'if-none-match': etag as string });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    expect(cached.headers.get('etag')).toBe(etag);

    await t.http.post('/v1/boards/etag/scores', { playerId: 'b', score: 2 });
    const changed = await t.http.get('/v1/boards/etag/top', { 'if-none-match': etag as string });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.body.entries).toEqual([
      { rank: 1, playerId: 'b', score: 2 },
      { rank: 2, playerId: 'a', score: 1 },
    ]);
  });

  it('keeps the ETag when a submission changes nothing and changes it when a player is removed', async () => {
    expect((await t.http.put('/v1/boards/etag2', {})).status).toBe(201);
    await t.http.post('/v1/boards/etag2/scores', { playerId: 'a', score: 1 });
    await t.http.post('/v1/boards/etag2/scores', { playerId: 'b', score: 2 });
    const before = (await t.http.get('/v1/boards/etag2/top')).headers.get('etag') as string;
    await t.http.post('/v1/boards/etag2/scores', { playerId: 'b', score: 1 });
    expect((await t.http.get('/v1/boards/etag2/top')).headers.get('etag')).toBe(before);
    expect((await t.http.delete('/v1/boards/etag2/players/a')).status).toBe(204);
    const after = await t.http.get('/v1/boards/etag2/top', { 'if-none-match': before });
    expect(after.status).toBe(200);
    expect(after.body.entries).toEqual([{ rank: 1, playerId: 'b', score: 2 }]);
  });

  it('gives each period and cycle of a board its own ETag', async () => {
    t.clock.set('2026-06-01T12:00:00Z');
    expect((await t.http.put('/v1/boards/etag-days', { periods: ['all', 'daily'] })).status).toBe(
      201,
    );
    await t.http.post('/v1/boards/etag-days/scores', { playerId: 'a', score: 1 });
    const all = (await t.http.get('/v1/boards/etag-days/top')).headers.get('etag');
    const day1 = (await t.http.get('/v1/boards/etag-days/top?period=daily')).headers.get('etag');
    expect(day1).not.toBe(all);
    t.clock.set('2026-06-02T00:00:00Z');
    const day2 = await t.http.get('/v1/boards/etag-days/top?period=daily', {
      'if-none-match': day1 as string,
    });
    expect(day2.status).toBe(200);
    expect(day2.body).toMatchObject({ cycle: '2026-06-02', total: 0, entries: [] });
  });
});
