import { HttpResponse, startApp, TestApp } from '../support/app';

interface Entry {
  rank: number;
  playerId: string;
  score: number;
  metadata?: Record<string, unknown>;
}

const NDJSON = { 'content-type': 'application/x-ndjson' };

/** API §3: NDJSON export in rank order, and an idempotent import of the same format. */
describe('export and import of a board', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'e2e_export' });
  });
  afterAll(async () => {
    await t.close();
  });

  async function createBoard(boardId: string, body: object = {}): Promise<void> {
    expect((await t.http.put(`/v1/boards/${boardId}`, body)).status).toBe(201);
  }

  async function exportText(boardId: string, query = ''): Promise<string> {
    const res = await t.http.get(`/v1/boards/${boardId}/export${query}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    return res.text;
  }

  const parse = (text: string): Entry[] =>
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Entry);

  async function importText(boardId: string, text: string, query = '') {
    return t.http.post(`/v1/boards/${boardId}/import${query}`, text, NDJSON);
  }

  /** Every page of `top`, concatenated. */
  async function everything(boardId: string, query = ''): Promise<Entry[]> {
    const out: Entry[] = [];
    let cursor: string | null = null;
    do {
      const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res: HttpResponse = await t.http.get(
        `/v1/boards/${boardId}/top?limit=100${query}${after}`,
      );
      expect(res.status).toBe(200);
      out.push(...res.body.entries);
      cursor = res.body.nextCursor;
    } while (cursor);
    return out;
  }

  /** 1,234 players, three to a score (shared ranks), each with metadata. */
  async function seed(boardId: string): Promise<void> {
    const entries = Array.from({ length: 1234 }, (_, i) => ({
      playerId: `u${String(i).padStart(4, '0')}`,
      score: Math.floor(i / 3) * 1.5,
      metadata: { level: i % 7, name: `user ${i}` },
    }));
    for (let i = 0; i < entries.length; i += 500) {
      const res = await t.http.post(`/v1/boards/${boardId}/scores/batch`, {
        entries: entries.slice(i, i + 500),
      });
      expect(res.status).toBe(200);
    }
  }

  it('exports every entry of a 1,234-entry board as NDJSON lines in rank order with metadata', async () => {
    await createBoard('big');
    await seed('big');
    const text = await exportText('big');
    expect(text.endsWith('\n')).toBe(true);
    const lines = parse(text);
    expect(lines).toHaveLength(1234);
    expect(lines).toEqual(await everything('big'));
    expect(lines[0]).toEqual({
      rank: 1,
      playerId: 'u1233',
      score: 616.5,
      metadata: { level: 1, name: 'user 1233' },
    });
    expect(lines[1]).toEqual({
      rank: 2,
      playerId: 'u1232',
      score: 615,
      metadata: { level: 0, name: 'user 1232' },
    });
    expect(lines[1233]).toMatchObject({ rank: 1232, playerId: 'u0000', score: 0 });
    expect(new Set(lines.map((l) => l.playerId)).size).toBe(1234);
  });

  it('imports an export into a new board with an identical top, and importing it again changes nothing', async () => {
    const text = await exportText('big');
    await createBoard('copy');
    const first = await importText('copy', text);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ imported: 1234 });
    expect(await exportText('copy')).toBe(text);

    const again = await importText('copy', text);
    expect(again.body).toEqual({ imported: 1234 });
    expect(await exportText('copy')).toBe(text);
    const top = await t.http.get('/v1/boards/copy/top?limit=100');
    // Cursors name their board, so only they differ.
    const { nextCursor: copyCursor, ...copyTop } = top.body;
    const { nextCursor: bigCursor, ...bigTop } = (await t.http.get('/v1/boards/big/top?limit=100'))
      .body;
    expect(copyTop).toEqual({ ...bigTop, boardId: 'copy' });
    expect([copyCursor, bigCursor]).toEqual([expect.any(String), expect.any(String)]);
  });

  it('keeps arrival order of equal scores when a ties-first board is copied', async () => {
    await createBoard('first-src', { ties: 'first' });
    const entries = ['m', 'c', 'x', 'a', 'q'].map((playerId, i) => ({
      playerId,
      score: i === 4 ? 9 : 5,
    }));
    expect((await t.http.post('/v1/boards/first-src/scores/batch', { entries })).status).toBe(200);
    const text = await exportText('first-src');
    expect(parse(text).map((e) => [e.rank, e.playerId])).toEqual([
      [1, 'q'],
      [2, 'm'],
      [3, 'c'],
      [4, 'x'],
      [5, 'a'],
    ]);
    await createBoard('first-copy', { ties: 'first' });
    await importText('first-copy', text);
    await importText('first-copy', text);
    expect(await exportText('first-copy')).toBe(text);
  });

  it('sets exact scores on a sum board, so importing twice does not add them up twice', async () => {
    await createBoard('sum-src', { update: 'sum' });
    for (const [playerId, score] of [
      ['a', 10],
      ['b', 4],
      ['a', 5],
      ['c', 1],
      ['b', 4],
    ] as const) {
      expect((await t.http.post('/v1/boards/sum-src/scores', { playerId, score })).status).toBe(
        200,
      );
    }
    const text = await exportText('sum-src');
    expect(parse(text)).toEqual([
      { rank: 1, playerId: 'a', score: 15 },
      { rank: 2, playerId: 'b', score: 8 },
      { rank: 3, playerId: 'c', score: 1 },
    ]);
    await createBoard('sum-copy', { update: 'sum' });
    expect((await importText('sum-copy', text)).body).toEqual({ imported: 3 });
    expect((await importText('sum-copy', text)).body).toEqual({ imported: 3 });
    expect(await exportText('sum-copy')).toBe(text);
    const res = await t.http.post('/v1/boards/sum-copy/scores', { playerId: 'c', score: 2 });
    expect(res.body.periods.all).toMatchObject({ score: 3, previousScore: 1 });
  });

  it('exports and imports a retained past cycle chosen by period and cycle', async () => {
    t.clock.set('2026-07-01T12:00:00Z');
    await createBoard('days', { periods: ['daily'] });
    await t.http.post('/v1/boards/days/scores', { playerId: 'old', score: 3 });
    t.clock.set('2026-07-02T12:00:00Z');
    await t.http.post('/v1/boards/days/scores', { playerId: 'new', score: 4 });
    const text = await exportText('days', '?period=daily&cycle=2026-07-01');
    expect(parse(text)).toEqual([{ rank: 1, playerId: 'old', score: 3 }]);
    expect(parse(await exportText('days', '?period=daily'))).toEqual([
      { rank: 1, playerId: 'new', score: 4 },
    ]);

    await createBoard('days-copy', { periods: ['daily'] });
    expect((await importText('days-copy', text, '?period=daily&cycle=2026-07-01')).status).toBe(
      200,
    );
    expect(await exportText('days-copy', '?period=daily&cycle=2026-07-01')).toBe(text);
    expect(parse(await exportText('days-copy', '?period=daily'))).toEqual([]);
  });

  it('rejects a malformed line with 400 naming its line number', async () => {
    await createBoard('bad', { maxScore: 100 });
    const good = '{"playerId":"a","score":1}\n{"playerId":"b","score":2}\n';
    const cases: [string, string][] = [
      [`${good}not json\n`, 'line 3'],
      [`${good}\n{"playerId":"c"}\n`, 'line 4'],
      [`{"playerId":"bad id","score":1}\n`, 'line 1'],
      [`${good}{"playerId":"c","score":1,"extra":true}\n`, 'line 3'],
      [`${good}{"playerId":"c","score":101}\n`, 'line 3'],
      [`{"playerId":"c","score":101}\nnot json\n`, 'line 1'],
    ];
    for (const [body, line] of cases) {
      const res = await importText('bad', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.message).toContain(line);
      expect(res.body.error.details[0].field).toBe(line);
    }
  });

  it('answers 415 for an import that is not NDJSON and 404 for a board that does not exist', async () => {
    await createBoard('json');
    const json = await t.http.post('/v1/boards/json/import', { playerId: 'a', score: 1 });
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const missing = await importText('nope', '{"playerId":"a","score":1}\n');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('BOARD_NOT_FOUND');
    expect((await t.http.get('/v1/boards/nope/export')).body.error.code).toBe('BOARD_NOT_FOUND');
  });
});
