import { startApp, TestApp } from '../support/app';

interface Entry {
  rank: number;
  playerId: string;
  score: number;
}

/** Deterministic pseudo-random numbers in [0, 1), so a failing run can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe('keyset paging of a board', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'e2e_paging' });
  });
  afterAll(async () => {
    await t.close();
  });

  async function batch(boardId: string, entries: { playerId: string; score: number }[]) {
    const res = await t.http.post(`/v1/boards/${boardId}/scores/batch`, { entries });
    expect(res.status).toBe(200);
  }

  async function page(boardId: string, query: string, cursor: string | null) {
    const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await t.http.get(`/v1/boards/${boardId}/top?${query}${after}`);
    expect(res.status).toBe(200);
    return res.body as { total: number; entries: Entry[]; nextCursor: string | null };
  }

  /** Every page of a quiet board, concatenated. */
  async function allPages(boardId: string, query: string): Promise<Entry[]> {
    const out: Entry[] = [];
    let cursor: string | null = null;
    do {
      const body = await page(boardId, query, cursor);
      out.push(...body.entries);
      cursor = body.nextCursor;
    } while (cursor);
    return out;
  }

  it('returns every untouched player exactly once while other clients improve and add players', async () => {
    const rand = mulberry32(20261125);
    expect((await t.http.put('/v1/boards/live', { update: 'best', order: 'desc' })).status).toBe(
      201,
    );
    const scores = new Map<string, number>();
    for (let i = 0; i < 300; i += 1)
      scores.set(`p${String(i).padStart(3, '0')}`, Math.floor(rand() * 10_000));
    await batch(
      'live',
      [...scores].map(([playerId, score]) => ({ playerId, score })),
    );
    const initial = (await allPages('live', 'limit=100')).map((e) => e.playerId);
    expect(initial).toHaveLength(300);

    const changed = new Set<string>();
    let done = false;
    let writes = 0;
    let signal: () => void = () => undefined;
    let wrote = new Promise<void>((resolve) => (signal = resolve));
    const writer = async (id: number) => {
      for (let n = 0; !done; n += 1) {
        let playerId: string;
        let score: number;
        if (rand() < 0.5) {
          playerId = [...scores.keys()][Math.floor(rand() * 300)];
          score = (scores.get(playerId) ?? 0) + 1 + Math.floor(rand() * 500);
        } else {
          playerId = `n${id}_${n}`;
          score = Math.floor(rand() * 10_000);
        }
        // Marked before sending: the write may land at any moment from here on.
        changed.add(playerId);
        scores.set(playerId, score);
        const res = await t.http.post('/v1/boards/live/scores', { playerId, score });
        expect(res.status).toBe(200);
        writes += 1;
        const wake = signal;
        wrote = new Promise<void>((resolve) => (signal = resolve));
        wake();
      }
    };
    const writing = Promise.all([writer(1), writer(2), writer(3)]);
    // Awaited below; this only keeps an early writer failure from counting as unhandled.
    writing.catch(() => undefined);

    const pages: Entry[][] = [];
    let cursor: string | null = null;
    try {
      do {
        const body = await page('live', 'limit=7', cursor);
        pages.push(body.entries);
        cursor = body.nextCursor;
        // At least one write completes between any two pages.
        const seen = writes;
        while (writes === seen) await Promise.race([wrote, writing]);
      } while (cursor);
    } finally {
      done = true;
      await writing;
    }

    for (const entries of pages) {
      expect(entries.length).toBeLessThanOrEqual(7);
      const sorted = [...entries].sort((a, b) => b.score - a.score);
      expect(entries).toEqual(sorted);
    }
    const ids = pages.flat().map((e) => e.playerId);
    expect(new Set(ids).size).toBe(ids.length);
    const untouched = (id: string) => !changed.has(id);
    expect(ids.filter(untouched)).toEqual(initial.filter(untouched));
    expect(changed.size).toBeGreaterThan(0);
    expect(initial.filter(untouched).length).toBeGreaterThan(0);
  });

  it.each(['shared', 'first'])(
    'pages a block of equal scores (ties %s) without duplicates or gaps when the cursor player leaves or moves up',
    async (ties) => {
      const boardId = `ties-${ties}`;
      expect((await t.http.put(`/v1/boards/${boardId}`, { ties })).status).toBe(201);
      const entries = Array.from({ length: 30 }, (_, i) => ({
        playerId: `t${String(i).padStart(2, '0')}`,
        score: i < 5 ? 100 : i < 25 ? 50 : 10,
      }));
      await batch(boardId, entries);
      const expected = (await allPages(boardId, 'limit=100')).map((e) => e.playerId);
      expect(expected).toHaveLength(30);

      const seen: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; ; i += 1) {
        const body = await page(boardId, 'limit=4', cursor);
        seen.push(...body.entries.map((e) => e.playerId));
        cursor = body.nextCursor;
        if (!cursor) break;
        const last = body.entries[body.entries.length - 1].playerId;
        if (i % 2 === 0) {
          expect((await t.http.delete(`/v1/boards/${boardId}/players/${last}`)).status).toBe(204);
        } else {
          const res = await t.http.post(`/v1/boards/${boardId}/scores`, {
            playerId: last,
            score: 1000 + i,
          });
          expect(res.body.periods.all).toMatchObject({ score: 1000 + i, improved: true });
        }
      }
      expect(seen).toEqual(expected);
    },
  );

  it('computes exact ranks on every page of equal-score blocks under both tie policies', async () => {
    const ids = 'abcdefghijkl'.split('');
    const scores = [9, 9, 9, 7, 7, 5, 5, 5, 5, 3, 3, 1];
    for (const ties of ['shared', 'first']) {
      expect((await t.http.put(`/v1/boards/rank-${ties}`, { ties })).status).toBe(201);
      await batch(
        `rank-${ties}`,
        ids.map((playerId, i) => ({ playerId, score: scores[i] })),
      );
    }
    const shared = await allPages('rank-shared', 'limit=5');
    expect(shared.map((e) => [e.playerId, e.rank])).toEqual(
      Object.entries({ c: 1, b: 1, a: 1, e: 4, d: 4, i: 6, h: 6, g: 6, f: 6, k: 10, j: 10, l: 12 }),
    );
    const first = await allPages('rank-first', 'limit=5');
    expect(first.map((e) => [e.playerId, e.rank])).toEqual(ids.map((id, i) => [id, i + 1]));
  });

  it('expires a daily cursor when the day rolls over and keeps paging the old day by id', async () => {
    t.clock.set('2026-05-04T23:00:00Z');
    expect((await t.http.put('/v1/boards/dayly', { periods: ['all', 'daily'] })).status).toBe(201);
    await batch(
      'dayly',
      [5, 4, 3, 2, 1].map((score) => ({ playerId: `d${score}`, score })),
    );
    const first = await page('dayly', 'period=daily&limit=2', null);
    expect(first.entries.map((e) => [e.rank, e.playerId])).toEqual([
      [1, 'd5'],
      [2, 'd4'],
    ]);
    const cursor = first.nextCursor as string;

    t.clock.set('2026-05-05T00:00:00Z');
    const expired = await t.http.get(
      `/v1/boards/dayly/top?period=daily&limit=2&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(expired.status).toBe(410);
    expect(expired.body.error.code).toBe('CURSOR_EXPIRED');
    const elsewhere = await t.http.get(
      `/v1/boards/dayly/top?period=all&limit=2&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.code).toBe('INVALID_CURSOR');

    const second = await page('dayly', 'period=daily&cycle=2026-05-04&limit=2', cursor);
    expect(second.entries).toEqual([
      { rank: 3, playerId: 'd3', score: 3 },
      { rank: 4, playerId: 'd2', score: 2 },
    ]);
    const third = await page('dayly', 'period=daily&cycle=2026-05-04&limit=2', second.nextCursor);
    expect(third).toMatchObject({
      total: 5,
      entries: [{ rank: 5, playerId: 'd1', score: 1 }],
      nextCursor: null,
    });
    expect((await page('dayly', 'period=all&limit=2', null)).total).toBe(5);
  });
});
