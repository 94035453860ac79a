import type { Redis } from 'ioredis';
import { HttpResponse, startApp, TestApp } from '../support/app';
import { connectStandalone } from '../support/test-redis';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** API §1 (listing, deleting boards), §3 (removing a player) and §4 (profiles, erase). */
describe('players, profiles and erasure', () => {
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await startApp({ name: 'e2e_players' });
    redis = connectStandalone();
  });
  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  async function createBoard(boardId: string, body: object = {}): Promise<void> {
    expect((await t.http.put(`/v1/boards/${boardId}`, body)).status).toBe(201);
  }

  async function submit(boardId: string, playerId: string, score: number): Promise<void> {
    expect((await t.http.post(`/v1/boards/${boardId}/scores`, { playerId, score })).status).toBe(
      200,
    );
  }

  async function errorCode(path: string): Promise<[number, string]> {
    const res = await t.http.get(path);
    return [res.status, res.body?.error?.code];
  }

  /** Every key of the app's namespace containing `fragment`, found with SCAN. */
  async function keysContaining(fragment: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${t.prefix}:*`, 'COUNT', 1000);
      found.push(...batch.filter((k) => k.includes(fragment)));
      cursor = next;
    } while (cursor !== '0');
    return found;
  }

  it('creates a profile with 201, replaces it with 200 and returns it', async () => {
    t.clock.set('2026-08-01T10:00:00.000Z');
    const created = await t.http.put('/v1/players/ann', {
      displayName: 'Ann',
      avatarUrl: 'https://img.example/ann.png',
      country: 'DE',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      playerId: 'ann',
      displayName: 'Ann',
      avatarUrl: 'https://img.example/ann.png',
      country: 'DE',
      updatedAt: '2026-08-01T10:00:00.000Z',
    });
    const replaced = await t.http.put('/v1/players/ann', { displayName: 'Ann B.' });
    expect(replaced.status).toBe(200);
    const read = await t.http.get('/v1/players/ann');
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      playerId: 'ann',
      displayName: 'Ann B.',
      updatedAt: '2026-08-01T10:00:00.000Z',
    });
    expect(await errorCode('/v1/players/nobody')).toEqual([404, 'PLAYER_NOT_FOUND']);
  });

  it('rejects a country that is not an ISO 3166 alpha-2 code and a profile without displayName', async () => {
    for (const body of [
      { displayName: 'X', country: 'Germany' },
      { displayName: 'X', country: 'de' },
      { displayName: 'X', country: 'ZZ' },
      { country: 'DE' },
    ]) {
      const res = await t.http.put('/v1/players/bad', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await errorCode('/v1/players/bad')).toEqual([404, 'PLAYER_NOT_FOUND']);
  });

  it('joins the profile into top, around, players and ranks entries', async () => {
    await createBoard('profiled');
    await t.http.put('/v1/players/bob', { displayName: 'Bob', country: 'FR' });
    await submit('profiled', 'bob', 20);
    await submit('profiled', 'cat', 10);
    const bob = { displayName: 'Bob', country: 'FR', updatedAt: expect.stringMatching(ISO_MS) };
    const expected = [
      { rank: 1, playerId: 'bob', score: 20, profile: bob },
      { rank: 2, playerId: 'cat', score: 10 },
    ];
    expect((await t.http.get('/v1/boards/profiled/top')).body.entries).toEqual(expected);
    expect(
      (await t.http.get('/v1/boards/profiled/players/cat/around?radius=1')).body.entries,
    ).toEqual(expected);
    expect((await t.http.get('/v1/boards/profiled/ranks?playerIds=cat,bob')).body.entries).toEqual(
      expected,
    );
    expect((await t.http.get('/v1/boards/profiled/players/bob')).body).toMatchObject({
      rank: 1,
      profile: bob,
    });
    expect((await t.http.get('/v1/boards/profiled/players/cat')).body).not.toHaveProperty(
      'profile',
    );
  });

  it('erases a player from every cycle of every board and their profile', async () => {
    t.clock.set('2026-08-01T12:00:00Z');
    await createBoard('erase-a', { periods: ['all', 'daily', 'weekly'] });
    await createBoard('erase-b', { periods: ['all', 'monthly'] });
    await t.http.put('/v1/players/eve', { displayName: 'Eve' });
    for (const board of ['erase-a', 'erase-b']) {
      await submit(board, 'eve', 50);
      await submit(board, 'stay', 40);
    }
    t.clock.set('2026-08-02T12:00:00Z');
    await submit('erase-a', 'eve', 60);

    expect((await t.http.delete('/v1/players/eve')).status).toBe(204);
    expect(await errorCode('/v1/players/eve')).toEqual([404, 'PLAYER_NOT_FOUND']);
    const reads = [
      '/v1/boards/erase-a/players/eve',
      '/v1/boards/erase-a/players/eve?period=daily',
      '/v1/boards/erase-a/players/eve?period=daily&cycle=2026-08-01',
      '/v1/boards/erase-a/players/eve?period=weekly',
      '/v1/boards/erase-b/players/eve',
      '/v1/boards/erase-b/players/eve/around?period=monthly',
    ];
    for (const path of reads)
      expect([path, ...(await errorCode(path))]).toEqual([path, 404, 'NOT_RANKED']);
    expect(
      (await t.http.get('/v1/boards/erase-a/top?period=daily&cycle=2026-08-01')).body,
    ).toMatchObject({
      total: 1,
      entries: [{ rank: 1, playerId: 'stay', score: 40 }],
    });
    expect((await t.http.get('/v1/boards/erase-b/top?period=monthly')).body.total).toBe(1);
    expect(await keysContaining('{p:eve}')).toEqual([]);
    // Erasing again (a retry) succeeds and changes nothing.
    expect((await t.http.delete('/v1/players/eve')).status).toBe(204);
  });

  it('removes a player from every cycle of one board only', async () => {
    t.clock.set('2026-08-01T12:00:00Z');
    await createBoard('only-a', { periods: ['all', 'daily'] });
    await createBoard('only-b');
    await t.http.put('/v1/players/max', { displayName: 'Max' });
    await submit('only-a', 'max', 5);
    await submit('only-b', 'max', 5);
    t.clock.set('2026-08-02T12:00:00Z');
    await submit('only-a', 'max', 6);

    expect((await t.http.delete('/v1/boards/only-a/players/max')).status).toBe(204);
    for (const query of ['', '?period=daily', '?period=daily&cycle=2026-08-01']) {
      expect(await errorCode(`/v1/boards/only-a/players/max${query}`)).toEqual([404, 'NOT_RANKED']);
    }
    expect((await t.http.get('/v1/boards/only-b/players/max')).body).toMatchObject({
      rank: 1,
      score: 5,
    });
    expect((await t.http.get('/v1/players/max')).body.displayName).toBe('Max');
    expect(await errorCode('/v1/boards/missing/players/max')).toEqual([404, 'BOARD_NOT_FOUND']);
  });

  it('deletes every key of a board, after which its reads answer BOARD_NOT_FOUND', async () => {
    t.clock.set('2026-08-01T12:00:00Z');
    await createBoard('doomed', { periods: ['all', 'daily', 'weekly', 'monthly'], ties: 'first' });
    await createBoard('doomed2');
    await submit('doomed2', 'a', 1);
    const scored = await t.http.post(
      '/v1/boards/doomed/scores',
      { playerId: 'a', score: 1, metadata: { x: 1 } },
      { 'idempotency-key': 'k1' },
    );
    expect(scored.status).toBe(200);
    t.clock.set('2026-08-02T12:00:00Z');
    await submit('doomed', 'b', 2);
    expect((await keysContaining('{b:doomed}')).length).toBeGreaterThan(5);

    expect((await t.http.delete('/v1/boards/doomed')).status).toBe(204);
    expect(await keysContaining('{b:doomed}')).toEqual([]);
    for (const path of ['', '/top', '/players/a', '/cycles?period=daily', '/export']) {
      expect(await errorCode(`/v1/boards/doomed${path}`)).toEqual([404, 'BOARD_NOT_FOUND']);
    }
    const late = await t.http.post('/v1/boards/doomed/scores', { playerId: 'a', score: 3 });
    expect([late.status, late.body.error.code]).toEqual([404, 'BOARD_NOT_FOUND']);
    expect((await t.http.delete('/v1/boards/doomed')).status).toBe(404);
    expect((await t.http.get('/v1/boards/doomed2/top')).body.total).toBe(1);
  });

  it('lists boards in id order, a page at a time with a cursor', async () => {
    const lister = await startApp({ name: 'e2e_players_list' });
    try {
      for (const id of ['b-3', 'b-1', 'b-5', 'b-2', 'b-4']) {
        expect((await lister.http.put(`/v1/boards/${id}`, { title: `Board ${id}` })).status).toBe(
          201,
        );
      }
      await lister.http.delete('/v1/boards/b-4');
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const res: HttpResponse = await lister.http.get(`/v1/boards?limit=2${after}`);
        expect(res.status).toBe(200);
        expect(res.body.boards.length).toBeLessThanOrEqual(2);
        seen.push(
          ...res.body.boards.map(
            (b: { boardId: string; title: string }) => `${b.boardId}:${b.title}`,
          ),
        );
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor);
      expect(seen).toEqual(['b-1:Board b-1', 'b-2:Board b-2', 'b-3:Board b-3', 'b-5:Board b-5']);
      expect(pages).toBe(2);
      const bad = await lister.http.get('/v1/boards?cursor=not-a-cursor');
      expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_CURSOR']);
    } finally {
      await lister.close();
    }
  });
});
