/**
 * Anonymous access (API §0, §1 `public`): with keys configured, a public board can be read without
 * credentials; a non-public one cannot, and nothing can ever be written anonymously.
 */
import { expectApiError } from '../support/api-errors';
import { Http, startApp, TestApp } from '../support/app';

const ADMIN = 'admin-secret-1';
const READER = 'reader-secret-1';
const API_KEYS = `writer-secret-1=scores.write+read,${READER}=read,${ADMIN}=admin,boards-secret-1=boards.admin`;

describe('public boards', () => {
  let t: TestApp;
  let admin: Http;
  let anonymous: Http;

  beforeAll(async () => {
    t = await startApp({ name: 'auth_public', env: { RANKFEED_API_KEYS: API_KEYS } });
    admin = t.http.withHeaders({ 'x-api-key': ADMIN });
    anonymous = t.http;
    expect(
      (await admin.put('/v1/boards/lobby', { public: true, periods: ['all', 'daily'] })).status,
    ).toBe(201);
    expect((await admin.put('/v1/boards/secret', {})).status).toBe(201);
    for (const boardId of ['lobby', 'secret']) {
      for (const [playerId, score] of [
        ['p1', 30],
        ['p2', 20],
        ['p3', 10],
      ] as const) {
        const res = await admin.post(`/v1/boards/${boardId}/scores`, { playerId, score });
        expect(res.status).toBe(200);
      }
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const leak = () => [ADMIN, READER, t.prefix];

  it('serves the top of a public board without credentials', async () => {
    const res = await anonymous.get('/v1/boards/lobby/top');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ boardId: 'lobby', period: 'all', total: 3, nextCursor: null });
    expect(res.body.entries).toEqual([
      { rank: 1, playerId: 'p1', score: 30 },
      { rank: 2, playerId: 'p2', score: 20 },
      { rank: 3, playerId: 'p3', score: 10 },
    ]);
  });

  it("serves a player's rank and the window around them without credentials", async () => {
    const player = await anonymous.get('/v1/boards/lobby/players/p2');
    expect(player.status).toBe(200);
    expect(player.body).toMatchObject({ rank: 2, score: 20, total: 3 });
    const around = await anonymous.get('/v1/boards/lobby/players/p2/around?radius=1');
    expect(around.status).toBe(200);
    expect(around.body.entries.map((e: { playerId: string }) => e.playerId)).toEqual([
      'p1',
      'p2',
      'p3',
    ]);
    const daily = await anonymous.get('/v1/boards/lobby/top?period=daily&limit=1');
    expect(daily.body.entries).toEqual([{ rank: 1, playerId: 'p1', score: 30 }]);
  });

  it('serves the board itself, its ranks and its cycles without credentials', async () => {
    const board = await anonymous.get('/v1/boards/lobby');
    expect(board.status).toBe(200);
    expect(board.body).toMatchObject({ boardId: 'lobby', public: true });
    const ranks = await anonymous.get('/v1/boards/lobby/ranks?playerIds=p3,p1');
    expect(ranks.status).toBe(200);
    expect(ranks.body.entries.map((e: { rank: number }) => e.rank)).toEqual([1, 3]);
    expect((await anonymous.get('/v1/boards/lobby/cycles')).status).toBe(200);
  });

  it.each([
    '/v1/boards/secret',
    '/v1/boards/secret/top',
    '/v1/boards/secret/players/p1',
    '/v1/boards/secret/players/p1/around',
    '/v1/boards/secret/ranks?playerIds=p1',
    '/v1/boards/secret/cycles',
  ])('answers 401 to an anonymous read of a non-public board: GET %s', async (path) => {
    expectApiError(await anonymous.get(path), 401, 'UNAUTHENTICATED', leak());
    expect((await t.http.withHeaders({ 'x-api-key': READER }).get(path)).status).toBe(200);
  });

  it('keeps the board list and profiles to key holders', async () => {
    for (const path of ['/v1/boards', '/v1/players/p1']) {
      expectApiError(await anonymous.get(path), 401, 'UNAUTHENTICATED', leak());
    }
  });

  it.each([
    ['POST', '/v1/boards/lobby/scores', { playerId: 'p3', score: 99 }],
    ['POST', '/v1/boards/lobby/scores/batch', { entries: [{ playerId: 'p3', score: 99 }] }],
    ['PUT', '/v1/boards/lobby', { public: true, title: 'Taken over' }],
    ['DELETE', '/v1/boards/lobby/players/p1', undefined],
    ['DELETE', '/v1/boards/lobby', undefined],
    ['PUT', '/v1/players/p1', { displayName: 'Mallory' }],
    ['DELETE', '/v1/players/p1', undefined],
    ['PUT', '/v1/boards/fresh', { public: true }],
  ])('never lets an anonymous caller write: %s %s', async (method, path, body) => {
    expectApiError(await anonymous.request(method, path, body), 401, 'UNAUTHENTICATED', leak());
    const top = await anonymous.get('/v1/boards/lobby/top');
    expect(top.body.entries).toEqual([
      { rank: 1, playerId: 'p1', score: 30 },
      { rank: 2, playerId: 'p2', score: 20 },
      { rank: 3, playerId: 'p3', score: 10 },
    ]);
    expect((await anonymous.get('/v1/boards/lobby')).body.title).toBe('lobby');
    expectApiError(await admin.get('/v1/boards/fresh'), 404, 'BOARD_NOT_FOUND');
  });

  it('refuses a wrong key on a public board instead of treating the caller as anonymous', async () => {
    const wrong = t.http.withHeaders({ 'x-api-key': 'admin-secret-2' });
    expectApiError(await wrong.get('/v1/boards/lobby/top'), 401, 'UNAUTHENTICATED', leak());
  });

  it('closes a board to anonymous readers once it is no longer public, and reopens it', async () => {
    expect(
      (await admin.put('/v1/boards/lobby', { public: false, periods: ['all', 'daily'] })).status,
    ).toBe(200);
    expectApiError(await anonymous.get('/v1/boards/lobby/top'), 401, 'UNAUTHENTICATED', leak());
    expectApiError(await anonymous.get('/v1/boards/lobby'), 401, 'UNAUTHENTICATED', leak());
    expect(
      (await admin.put('/v1/boards/lobby', { public: true, periods: ['all', 'daily'] })).status,
    ).toBe(200);
    expect((await anonymous.get('/v1/boards/lobby/top')).status).toBe(200);
  });
});
