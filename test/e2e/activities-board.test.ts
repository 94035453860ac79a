import { startApp, TestApp } from '../support/app';
import { followAll, readAll } from './feeds-support';

describe('board activities', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'activities_board' });
    t.clock.set('2026-11-25T12:00:00.000Z');
  });
  afterAll(async () => {
    await t.close();
  });

  const submit = (board: string, playerId: string, score: number) =>
    t.http.post(`/v1/boards/${board}/scores`, { playerId, score });
  const verbs = async (path: string) =>
    (await readAll(t, path)).map((a) => [a.actor, a.verb, a.data?.score]);

  it('records a personal best, a top-10 entry and a new leader in the board and player streams', async () => {
    const arena = await t.http.put('/v1/boards/arena', {
      activities: ['personal_best', 'top10', 'leader'],
    });
    expect(arena.status).toBe(201);
    await submit('arena', 'ann', 100);
    t.clock.advance(1);
    await submit('arena', 'bob', 50);
    t.clock.advance(1);
    await submit('arena', 'bob', 40); // not an improvement: no activity
    t.clock.advance(1);
    await submit('arena', 'bob', 150);
    // Newest first; one submission's activities share a time, so compare each time's set.
    const list = await readAll(t, '/v1/boards/arena/activities');
    const byTime = new Map<string, string[]>();
    for (const a of list)
      byTime.set(a.time, [
        ...(byTime.get(a.time) ?? []),
        `${a.actor} ${a.verb} ${String(a.data?.score)}`,
      ]);
    expect([...byTime.values()].map((v) => v.sort())).toEqual([
      ['bob new_leader 150', 'bob personal_best 150'],
      ['bob entered_top10 50', 'bob personal_best 50'],
      ['ann entered_top10 100', 'ann new_leader 100', 'ann personal_best 100'],
    ]);
    const bob = await readAll(t, '/v1/players/bob/activities');
    expect(bob.map((a) => a.verb).sort()).toEqual(
      ['entered_top10', 'new_leader', 'personal_best', 'personal_best'].sort(),
    );
    expect(bob.find((a) => a.verb === 'new_leader')).toMatchObject({
      actor: 'bob',
      object: 'arena',
      target: null,
      data: { boardId: 'arena', period: 'all', cycle: 'all', score: 150, rank: 1, previousRank: 2 },
    });
  });

  it('generates only the kinds the board enables, and none with []', async () => {
    // Without a setting a board emits the rare events only; personal bests are opt-in.
    expect((await t.http.put('/v1/boards/default', {})).body.activities).toEqual([
      'top10',
      'leader',
    ]);
    await t.http.put('/v1/boards/quiet', { activities: [] });
    await t.http.put('/v1/boards/pb', { activities: ['personal_best'] });
    await submit('quiet', 'cat', 10);
    await submit('pb', 'cat', 10);
    expect(await readAll(t, '/v1/boards/quiet/activities')).toEqual([]);
    expect(await verbs('/v1/boards/pb/activities')).toEqual([['cat', 'personal_best', 10]]);
    expect((await t.http.get('/v1/boards/pb')).body.activities).toEqual(['personal_best']);
    expect((await t.http.put('/v1/boards/pb', { activities: ['bogus'] })).status).toBe(400);
  });

  it("reaches followers' home feeds like any other activity", async () => {
    await t.http.put('/v1/boards/solo', { activities: ['personal_best'] });
    await followAll(t, ['watcher'], 'dan');
    await submit('solo', 'dan', 7);
    let feed: unknown[] = [];
    for (let i = 0; i < 200 && feed.length === 0; i++) {
      feed = await readAll(t, '/v1/players/watcher/feed');
      if (feed.length === 0) await new Promise((done) => setTimeout(done, 25));
    }
    expect(feed).toEqual(await readAll(t, '/v1/players/dan/activities'));
  });

  it('answers 404 for the activities of a board that does not exist', async () => {
    expect((await t.http.get('/v1/boards/nope/activities')).status).toBe(404);
  });
});
