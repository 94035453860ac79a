import type { Redis } from 'ioredis';
import { AppConfig } from '../../src/config/app-config';
import { Keys } from '../../src/redis/keys';
import { startApp, TestApp } from '../support/app';
import { connectStandalone } from '../support/test-redis';

describe('posts: capped, deduplicated, newest first', () => {
  let t: TestApp;
  let redis: Redis;
  let keys: Keys;

  beforeAll(async () => {
    t = await startApp({ name: 'posts', env: { POSTS_CAP: '5' } });
    t.clock.set('2026-11-25T12:00:00.000Z');
    redis = connectStandalone();
    keys = new Keys(t.prefix);
  });
  afterAll(async () => {
    await redis.quit();
    await t.close();
  });

  it('creates a post with a time-sortable id and the clock time', async () => {
    const res = await t.http.post('/v1/players/ann/posts', { text: 'hello' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{9}-[0-9a-f]{8}$/),
      playerId: 'ann',
      text: 'hello',
      time: '2026-11-25T12:00:00.000Z',
    });
    t.clock.advance(1);
    const later = await t.http.post('/v1/players/ann/posts', { text: 'again' });
    expect(later.body.id > res.body.id).toBe(true);
    const list = await t.http.get('/v1/players/ann/posts');
    expect(list.body).toEqual({ posts: [later.body, res.body], nextCursor: null });
  });

  it('returns the stored post (200) for a retried client id and never duplicates it', async () => {
    const first = await t.http.post('/v1/players/bob/posts', { id: 'client-1', text: 'once' });
    expect(first.status).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http.post('/v1/players/bob/posts', { id: 'client-1', text: 'once' }),
      ),
    );
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body).toEqual(first.body);
    }
    const changed = await t.http.post('/v1/players/bob/posts', { id: 'client-1', text: 'other' });
    expect(changed.body.text).toBe('once');
    expect((await t.http.get('/v1/players/bob/posts')).body.posts).toEqual([first.body]);
    expect(await redis.llen(keys.posts('bob'))).toBe(1);
  });

  it('keeps only the newest POSTS_CAP posts, list and bodies trimmed together', async () => {
    for (let i = 1; i <= 8; i++) {
      t.clock.advance(1000);
      await t.http.post('/v1/players/cap/posts', { id: `p${i}`, text: `post ${i}` });
    }
    const res = await t.http.get('/v1/players/cap/posts?limit=100');
    expect(res.body.posts.map((p: { id: string }) => p.id)).toEqual(['p8', 'p7', 'p6', 'p5', 'p4']);
    expect(await redis.llen(keys.posts('cap'))).toBe(5);
    expect((await redis.hkeys(keys.postBodies('cap'))).sort()).toEqual([
      'p4',
      'p5',
      'p6',
      'p7',
      'p8',
    ]);
    // A trimmed id is no longer remembered: posting it again adds it as new.
    const again = await t.http.post('/v1/players/cap/posts', { id: 'p1', text: 'back' });
    expect(again.status).toBe(201);
  });

  it('keeps the cap under concurrent posts', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.http.post('/v1/players/busy/posts', { text: `n${i}` }),
      ),
    );
    expect(await redis.llen(keys.posts('busy'))).toBe(5);
    expect(await redis.hlen(keys.postBodies('busy'))).toBe(5);
    const ids = await redis.lrange(keys.posts('busy'), 0, -1);
    expect((await redis.hkeys(keys.postBodies('busy'))).sort()).toEqual([...ids].sort());
  });

  it('pages by the last post id, unaffected by posts added in between', async () => {
    for (const id of ['q1', 'q2', 'q3', 'q4']) {
      await t.http.post('/v1/players/pager/posts', { id, text: id });
    }
    const first = await t.http.get('/v1/players/pager/posts?limit=2');
    expect(first.body.posts.map((p: { id: string }) => p.id)).toEqual(['q4', 'q3']);
    await t.http.post('/v1/players/pager/posts', { id: 'q5', text: 'q5' });
    const cursor = encodeURIComponent(first.body.nextCursor);
    const second = await t.http.get(`/v1/players/pager/posts?limit=2&cursor=${cursor}`);
    expect(second.body.posts.map((p: { id: string }) => p.id)).toEqual(['q2', 'q1']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers 410 when the page the cursor stood on has been trimmed away', async () => {
    for (const id of ['r1', 'r2', 'r3', 'r4', 'r5']) {
      await t.http.post('/v1/players/trim/posts', { id, text: id });
    }
    const first = await t.http.get('/v1/players/trim/posts?limit=4');
    expect(first.body.posts.map((p: { id: string }) => p.id)).toEqual(['r5', 'r4', 'r3', 'r2']);
    for (const id of ['r6', 'r7', 'r8', 'r9', 'r10']) {
      await t.http.post('/v1/players/trim/posts', { id, text: id });
    }
    const cursor = encodeURIComponent(first.body.nextCursor);
    const res = await t.http.get(`/v1/players/trim/posts?cursor=${cursor}`);
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('CURSOR_EXPIRED');
  });

  it('rejects empty, oversized and non-string text and a bad id with 400', async () => {
    const cases = [{ text: '' }, { text: 'x'.repeat(501) }, { text: 5 }, { text: 'ok', id: 'a b' }];
    for (const body of cases) {
      const res = await t.http.post('/v1/players/val/posts', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await t.http.post('/v1/players/val/posts', { text: 'x'.repeat(500) })).status).toBe(
      201,
    );
    expect(await redis.llen(keys.posts('val'))).toBe(1);
  });

  it('answers an empty list for a player without posts', async () => {
    expect((await t.http.get('/v1/players/quiet/posts')).body).toEqual({
      posts: [],
      nextCursor: null,
    });
  });
  it('defaults POSTS_CAP to 100 and refuses to start on a bad value, naming it', () => {
    expect(AppConfig.fromEnv({}).posts.cap).toBe(100);
    expect(() => AppConfig.fromEnv({ POSTS_CAP: '0' })).toThrow(/POSTS_CAP="0"/);
    expect(() => AppConfig.fromEnv({ FOLLOWING_MAX: 'many' })).toThrow(/FOLLOWING_MAX="many"/);
  });
});
