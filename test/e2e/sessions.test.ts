/**
 * Player sessions (API §6): minting needs the `sessions` scope; a token reads, follows as itself,
 * posts its own activities and posts, reads its own feed — and can never submit scores, change
 * boards or act as another player (403). Refresh, delete, log-out-everywhere, erase-everywhere and
 * the per-player cap all end sessions at once, on every instance (they live in Redis).
 */
import type { Socket } from 'socket.io-client';
import { expectApiError, expectValidationFailed } from '../support/api-errors';
import { Http, startApp, TestApp } from '../support/app';
import { connectError, connectLive, emitAck } from '../support/live-client';
import { scanAll } from '../support/repository-fixture';
import { connectStandalone } from '../support/test-redis';

const ADMIN = 'sessions-admin-1';
const MINTER = 'sessions-minter-1';
const READER = 'sessions-reader-1';
const KEYS = `${ADMIN}=admin,${MINTER}=sessions,${READER}=read`;

describe('player sessions', () => {
  let t: TestApp;
  let other: TestApp; // a second instance on the same Redis and namespace
  const sockets: Socket[] = [];
  const as = (key: string): Http => t.http.withHeaders({ 'x-api-key': key });
  const bearer = (token: string, on: TestApp = t): Http =>
    on.http.withHeaders({ authorization: `Bearer ${token}` });

  async function mint(playerId: string, body: Record<string, unknown> = {}): Promise<string> {
    const res = await as(MINTER).post('/v1/sessions', { playerId, ...body });
    expect(res.status).toBe(201);
    return res.body.token as string;
  }

  beforeAll(async () => {
    const env = { RANKFEED_API_KEYS: KEYS, SESSIONS_PER_PLAYER: '3', LIVE_TICK_MS: '20' };
    t = await startApp({ name: 'sessions', env });
    other = await startApp({ name: 'sessions', env, prefix: t.prefix });
    expect((await as(ADMIN).put('/v1/boards/private', {})).status).toBe(201);
    expect(
      (await as(ADMIN).post('/v1/boards/private/scores', { playerId: 'alice', score: 10 })).status,
    ).toBe(200);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await other.app.close();
    await t.close();
  });

  describe('minting', () => {
    it('answers 201 with a token, the player and the expiry (default SESSION_TTL_SECONDS)', async () => {
      const before = t.clock.now().getTime();
      const res = await as(MINTER).post('/v1/sessions', { playerId: 'alice' });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'playerId', 'token']);
      expect(res.body.playerId).toBe('alice');
      expect(res.body.token).toMatch(/^rfs_[A-Za-z0-9_-]{43}$/);
      const expires = Date.parse(res.body.expiresAt);
      expect(res.body.expiresAt).toBe(new Date(expires).toISOString());
      expect(expires).toBeGreaterThanOrEqual(before + 86_400_000 - 1000);
      expect(expires).toBeLessThanOrEqual(before + 86_400_000 + 1000);
    });

    it('honours ttlSeconds within the bounds and refuses it outside', async () => {
      const res = await as(MINTER).post('/v1/sessions', { playerId: 'alice', ttlSeconds: 120 });
      expect(res.status).toBe(201);
      expect(Date.parse(res.body.expiresAt) - t.clock.now().getTime()).toBeLessThanOrEqual(120_000);
      expect(Date.parse(res.body.expiresAt) - t.clock.now().getTime()).toBeGreaterThan(110_000);
      for (const ttlSeconds of [59, 30 * 86400 + 1, 1.5, '600', -1]) {
        const bad = await as(MINTER).post('/v1/sessions', { playerId: 'alice', ttlSeconds });
        expectValidationFailed(bad, 'ttlSeconds');
      }
    });

    it('validates the player id and refuses extra fields', async () => {
      expectValidationFailed(
        await as(MINTER).post('/v1/sessions', { playerId: 'a:b' }),
        'playerId',
      );
      expectValidationFailed(await as(MINTER).post('/v1/sessions', {}), 'playerId');
      const extra = await as(MINTER).post('/v1/sessions', { playerId: 'alice', scope: 'admin' });
      expectApiError(extra, 400, 'VALIDATION_FAILED');
    });

    it('needs the sessions scope: none → 401, read key → 403, player token → 403', async () => {
      expectApiError(
        await t.http.post('/v1/sessions', { playerId: 'alice' }),
        401,
        'UNAUTHENTICATED',
      );
      expectApiError(
        await as(READER).post('/v1/sessions', { playerId: 'alice' }),
        403,
        'FORBIDDEN',
      );
      const token = await mint('alice');
      const res = await bearer(token).post('/v1/sessions', { playerId: 'alice' });
      expectApiError(res, 403, 'FORBIDDEN', [token]);
    });

    it('keeps no token in Redis, only its digest', async () => {
      const token = await mint('carol');
      const redis = connectStandalone();
      try {
        const keys = await scanAll(redis, `${t.prefix}:*`);
        expect(keys.some((k) => k.includes(':{s:'))).toBe(true);
        for (const key of keys) {
          expect(key).not.toContain(token.slice(4));
          if ((await redis.type(key)) === 'string') {
            expect(await redis.get(key)).not.toContain(token.slice(4));
          }
        }
      } finally {
        await redis.quit();
      }
    });
  });

  it('counts session keys as the `sessions` family in GET /v1/admin/memory', async () => {
    await mint('mona');
    const res = await as(ADMIN).get('/v1/admin/memory');
    const sessions = (res.body.families as Array<{ family: string; keys: number }>).find(
      (f) => f.family === 'sessions',
    );
    // Every minted session key plus one index per player (mona's at least).
    expect(sessions?.keys).toBeGreaterThanOrEqual(2);
  });

  describe('what a player token may do', () => {
    let token: string;
    beforeAll(async () => {
      token = await mint('alice');
    });

    it('reads boards (private ones too), profiles and lists', async () => {
      const me = bearer(token);
      const top = await me.get('/v1/boards/private/top');
      expect(top.status).toBe(200);
      expect(top.body.entries).toEqual([expect.objectContaining({ playerId: 'alice', rank: 1 })]);
      expect((await me.get('/v1/boards/private/players/alice')).status).toBe(200);
      expect((await me.get('/v1/boards')).status).toBe(200);
      expect((await me.get('/v1/players/bob/followers')).status).toBe(200);
      expect((await me.get('/v1/players/bob/activities')).status).toBe(200);
      expect((await me.get('/v1/players/bob/posts')).status).toBe(200);
    });

    it('is served by another instance too (sessions live in Redis)', async () => {
      expect((await bearer(token, other).get('/v1/boards/private/top')).status).toBe(200);
    });

    it('follows and unfollows as itself, and never as another player', async () => {
      const me = bearer(token);
      expect((await me.put('/v1/players/alice/following/bob')).status).toBe(204);
      const check = await me.get('/v1/players/alice/following/bob');
      expect(check.body).toEqual({ following: true, followedBy: false });
      expectApiError(await me.put('/v1/players/bob/following/alice'), 403, 'FORBIDDEN');
      expectApiError(await me.delete('/v1/players/bob/following/carol'), 403, 'FORBIDDEN');
      expect((await me.get('/v1/players/bob/following/alice')).body).toEqual({
        following: false,
        followedBy: true,
      });
      expect((await me.delete('/v1/players/alice/following/bob')).status).toBe(204);
    });

    it('posts its own activities and posts, deletes its own activity, and not for others', async () => {
      const me = bearer(token);
      const created = await me.post('/v1/players/alice/activities', { verb: 'won' });
      expect(created.status).toBe(201);
      expect(created.body.actor).toBe('alice');
      const post = await me.post('/v1/players/alice/posts', { text: 'gg' });
      expect(post.status).toBe(201);
      expectApiError(
        await me.post('/v1/players/bob/activities', { verb: 'lost' }),
        403,
        'FORBIDDEN',
      );
      expectApiError(await me.post('/v1/players/bob/posts', { text: 'spoof' }), 403, 'FORBIDDEN');
      expectApiError(
        await me.delete(`/v1/players/bob/activities/${created.body.id as string}`),
        403,
        'FORBIDDEN',
      );
      expect((await me.get('/v1/players/bob/posts')).body.posts).toEqual([]);
      expect(
        (await me.delete(`/v1/players/alice/activities/${created.body.id as string}`)).status,
      ).toBe(204);
    });

    it('reads its own home feed only', async () => {
      const me = bearer(token);
      expect((await me.get('/v1/players/alice/feed')).status).toBe(200);
      expectApiError(await me.get('/v1/players/bob/feed'), 403, 'FORBIDDEN');
    });

    it.each([
      ['submit a score', 'POST', '/v1/boards/private/scores', { playerId: 'alice', score: 99 }],
      [
        'submit a batch',
        'POST',
        '/v1/boards/private/scores/batch',
        { entries: [{ playerId: 'alice', score: 99 }] },
      ],
      ['remove an entry', 'DELETE', '/v1/boards/private/players/alice', undefined],
      ['create a board', 'PUT', '/v1/boards/mine', {}],
      ['delete a board', 'DELETE', '/v1/boards/private', undefined],
      ['write its profile', 'PUT', '/v1/players/alice', { displayName: 'Alice' }],
      ['erase a player', 'DELETE', '/v1/players/alice', undefined],
      ['list keys', 'GET', '/v1/admin/keys', undefined],
      ['end sessions of a player', 'DELETE', '/v1/players/alice/sessions', undefined],
    ])('cannot %s (403)', async (_what, method, path, body) => {
      const res = await bearer(token).request(method, path, body);
      expectApiError(res, 403, 'FORBIDDEN', [token]);
    });

    it('left the board as it was', async () => {
      const res = await as(READER).get('/v1/boards/private/players/alice');
      expect(res.body).toMatchObject({ rank: 1, score: 10, total: 1 });
    });
  });

  describe('bad bearer credentials → 401', () => {
    it.each([
      ['an unknown token of the right shape', `Bearer rfs_${'A'.repeat(43)}`],
      ['a token of the wrong shape', 'Bearer rfs_short'],
      ['an API key as a bearer token', `Bearer ${READER}`],
      ['another scheme', 'Basic YWxpY2U6cHc='],
      ['a bare token without the scheme', `rfs_${'A'.repeat(43)}`],
      ['an over-long token', `Bearer rfs_${'A'.repeat(2000)}`],
    ])('%s', async (_what, authorization) => {
      const res = await t.http.get('/v1/boards/private/top', { authorization });
      expectApiError(res, 401, 'UNAUTHENTICATED');
    });
  });

  describe('lifetime', () => {
    it('refresh restarts the lifetime; it needs a session token', async () => {
      const res = await as(MINTER).post('/v1/sessions', { playerId: 'dave', ttlSeconds: 600 });
      const token = res.body.token as string;
      const refreshed = await bearer(token).post('/v1/sessions/refresh');
      expect(refreshed.status).toBe(200);
      expect(Object.keys(refreshed.body)).toEqual(['expiresAt']);
      expect(Date.parse(refreshed.body.expiresAt)).toBeGreaterThanOrEqual(
        Date.parse(res.body.expiresAt),
      );
      expect(Date.parse(refreshed.body.expiresAt) - t.clock.now().getTime()).toBeGreaterThan(
        590_000,
      );
      expectApiError(await as(READER).post('/v1/sessions/refresh'), 403, 'FORBIDDEN');
      expectApiError(await t.http.post('/v1/sessions/refresh'), 401, 'UNAUTHENTICATED');
    });

    it('the session key expires in Redis with the session', async () => {
      const token = await mint('erin', { ttlSeconds: 300 });
      const redis = connectStandalone();
      try {
        const ttls = await Promise.all(
          (await scanAll(redis, `${t.prefix}:{s:*`)).map(async (k) => [
            await redis.get(k),
            await redis.pttl(k),
          ]),
        );
        const erin = ttls.filter(([json]) => String(json).includes('"erin"'));
        expect(erin).toHaveLength(1);
        expect(Number(erin[0][1])).toBeGreaterThan(290_000);
        expect(Number(erin[0][1])).toBeLessThanOrEqual(300_000);
        expect((await bearer(token).get('/v1/boards/private/top')).status).toBe(200);
      } finally {
        await redis.quit();
      }
    });

    it('DELETE /v1/sessions/current ends the session everywhere; refresh then fails', async () => {
      const token = await mint('frank');
      const keep = await mint('frank');
      expect((await bearer(token).delete('/v1/sessions/current')).status).toBe(204);
      expectApiError(await bearer(token).get('/v1/boards/private/top'), 401, 'UNAUTHENTICATED');
      expectApiError(
        await bearer(token, other).get('/v1/boards/private/top'),
        401,
        'UNAUTHENTICATED',
      );
      expectApiError(await bearer(token).post('/v1/sessions/refresh'), 401, 'UNAUTHENTICATED');
      expect((await bearer(keep).get('/v1/boards/private/top')).status).toBe(200);
    });

    it('DELETE /v1/players/{id}/sessions logs the player out everywhere, others stay', async () => {
      const a = await mint('gina');
      const b = await mint('gina');
      const stranger = await mint('hank');
      expectApiError(await as(READER).delete('/v1/players/gina/sessions'), 403, 'FORBIDDEN');
      expect((await as(MINTER).delete('/v1/players/gina/sessions')).status).toBe(204);
      for (const token of [a, b]) {
        expectApiError(await bearer(token).get('/v1/boards/private/top'), 401, 'UNAUTHENTICATED');
      }
      expect((await bearer(stranger).get('/v1/boards/private/top')).status).toBe(200);
    });

    it('erasing a player ends all of their sessions', async () => {
      const a = await mint('ivan');
      const b = await mint('ivan');
      expect((await as(ADMIN).delete('/v1/players/ivan')).status).toBe(204);
      for (const token of [a, b]) {
        expectApiError(await bearer(token).get('/v1/boards/private/top'), 401, 'UNAUTHENTICATED');
      }
    });

    it('keeps at most SESSIONS_PER_PLAYER sessions: a new one ends the oldest', async () => {
      const tokens: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        tokens.push(await mint('jill'));
        t.clock.advance(1000);
      }
      expectApiError(await bearer(tokens[0]).get('/v1/boards/private/top'), 401, 'UNAUTHENTICATED');
      for (const token of tokens.slice(1)) {
        expect((await bearer(token).get('/v1/boards/private/top')).status).toBe(200);
      }
    });
  });

  describe('on /live', () => {
    it('a player token subscribes to boards and to its own feed, not to another feed', async () => {
      const token = await mint('kim');
      const s = await connectLive(t.baseUrl, { token });
      sockets.push(s);
      const board = await emitAck(s, 'board.subscribe', {
        boardId: 'private',
        view: { type: 'top', limit: 5 },
      });
      expect(board.entries).toEqual([expect.objectContaining({ playerId: 'alice' })]);
      expect(await emitAck(s, 'feed.subscribe', { playerId: 'kim' })).toEqual({
        subscription: 'feed:kim',
        playerId: 'kim',
      });
      const denied = await emitAck(s, 'feed.subscribe', { playerId: 'alice' });
      expect(denied.error.code).toBe('FORBIDDEN');
    });

    it('an ended or unknown session token is refused with connect_error UNAUTHENTICATED', async () => {
      const token = await mint('lena');
      expect((await bearer(token).delete('/v1/sessions/current')).status).toBe(204);
      expect((await connectError(t.baseUrl, { token })).data).toEqual({ code: 'UNAUTHENTICATED' });
      const unknown = await connectError(t.baseUrl, { token: `rfs_${'B'.repeat(43)}` });
      expect(unknown.data).toEqual({ code: 'UNAUTHENTICATED' });
    });
  });
});
