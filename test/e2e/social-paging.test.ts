import { SocialEvents } from '../../src/social/social-events';
import { SocialGraphService } from '../../src/social/social-graph.service';
import { startApp, TestApp } from '../support/app';

const FOLLOWERS = 2500;
const fanId = (i: number) => `fan${String(i).padStart(4, '0')}`;

/** Every page of a list, following nextCursor; returns pages' player ids and the totals seen. */
async function walk(t: TestApp, path: string, limit: number) {
  const pages: string[][] = [];
  const totals = new Set<number>();
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await t.http.get(`${path}?limit=${limit}${q}`);
    expect(res.status).toBe(200);
    pages.push(res.body.players.map((p: { playerId: string }) => p.playerId));
    totals.add(res.body.total);
    cursor = res.body.nextCursor;
  } while (cursor !== null);
  return { pages, totals: [...totals] };
}

describe('followers and following paging', () => {
  let t: TestApp;
  const heard: string[] = [];

  beforeAll(async () => {
    // 2,500 follows from one address in seconds: a paging test, not a rate-limit one.
    t = await startApp({ name: 'social_paging', env: { RATE_LIMIT_ENABLED: 'false' } });
    t.app.get(SocialEvents).listen({
      followed: (a, b) => void heard.push(`+${a}>${b}`),
      unfollowed: (a, b) => void heard.push(`-${a}>${b}`),
    });
    for (let i = 0; i < FOLLOWERS; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, j) =>
          expect((await t.http.put(`/v1/players/${fanId(i + j)}/following/star`)).status).toBe(204),
        ),
      );
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('pages 2,500 followers with the total on every page, each exactly once, no page over limit', async () => {
    const { pages, totals } = await walk(t, '/v1/players/star/followers', 100);
    expect(totals).toEqual([FOLLOWERS]);
    for (const page of pages) {
      expect(page.length).toBeLessThanOrEqual(100);
      expect(new Set(page).size).toBe(page.length);
    }
    const all = pages.flat();
    expect(all.length).toBe(FOLLOWERS);
    expect(new Set(all)).toEqual(new Set(Array.from({ length: FOLLOWERS }, (_, i) => fanId(i))));
  });

  it('pages a small set (one SSCAN batch) in id order with exact page sizes', async () => {
    for (const id of ['e', 'c', 'a', 'd', 'b'])
      await t.http.put(`/v1/players/solo/following/${id}`);
    const { pages, totals } = await walk(t, '/v1/players/solo/following', 2);
    expect(totals).toEqual([5]);
    expect(pages).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('answers an empty list with total 0 and no cursor', async () => {
    const res = await t.http.get('/v1/players/nobody/followers');
    expect(res.body).toEqual({ total: 0, players: [], nextCursor: null });
  });

  it('rejects a cursor of another list and a tampered cursor with INVALID_CURSOR', async () => {
    const first = await t.http.get('/v1/players/star/followers?limit=10');
    const cursor = encodeURIComponent(first.body.nextCursor);
    const other = await t.http.get(`/v1/players/star/following?cursor=${cursor}`);
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('INVALID_CURSOR');
    const tampered = await t.http.get(`/v1/players/star/followers?cursor=x${cursor}`);
    expect(tampered.body.error.code).toBe('INVALID_CURSOR');
  });

  it('walks every follower in batches for fan-out and counts them', async () => {
    const graph = t.app.get(SocialGraphService);
    expect(await graph.followerCount('star')).toBe(FOLLOWERS);
    const seen = new Set<string>();
    for await (const batch of graph.followerIds('star')) {
      expect(batch.length).toBeLessThanOrEqual(1500);
      batch.forEach((id) => seen.add(id));
    }
    expect(seen.size).toBe(FOLLOWERS);
    const followings: string[] = [];
    for await (const batch of graph.followingIds('solo')) followings.push(...batch);
    expect(followings.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('tells registered listeners of every follow and unfollow, repeats included', async () => {
    heard.length = 0;
    await t.http.put('/v1/players/lis/following/ten');
    await t.http.put('/v1/players/lis/following/ten');
    await t.http.delete('/v1/players/lis/following/ten');
    expect(heard).toEqual(['+lis>ten', '+lis>ten', '-lis>ten']);
  });

  it('fails the follow when a listener fails, and the retry succeeds', async () => {
    let failNext = true;
    t.app.get(SocialEvents).listen({
      followed: () => {
        if (failNext) {
          failNext = false;
          throw new Error('backfill failed');
        }
      },
    });
    const failed = await t.http.put('/v1/players/ret/following/ry');
    expect(failed.status).toBe(500);
    const retried = await t.http.put('/v1/players/ret/following/ry');
    expect(retried.status).toBe(204);
    expect((await t.http.get('/v1/players/ry/followers')).body.players).toEqual([
      { playerId: 'ret' },
    ]);
  });
});
