import { AppPair, startPair, TestApp } from '../support/app';

/**
 * Hot paths reuse a board's configuration for up to a second; what must be fresh (existence,
 * content version) comes from Redis with the read itself. Two instances share one namespace.
 */
describe('board configuration cache across instances', () => {
  let pair: AppPair;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    pair = await startPair('cfgcache');
    ({ a, b } = pair);
  });
  afterAll(async () => {
    await pair.close();
  });

  it('answers BOARD_NOT_FOUND on an instance that cached a board another instance deleted', async () => {
    await a.http.put('/v1/boards/gone', {});
    await a.http.post('/v1/boards/gone/scores', { playerId: 'p1', score: 5 });
    expect((await b.http.get('/v1/boards/gone/top')).status).toBe(200); // b caches the config
    expect((await a.http.delete('/v1/boards/gone')).status).toBe(204);
    for (const path of ['/top', '/players/p1', '/players/p1/around', '/ranks?playerIds=p1']) {
      const res = await b.http.get(`/v1/boards/gone${path}`);
      expect([path, res.status, res.body.error.code]).toEqual([path, 404, 'BOARD_NOT_FOUND']);
    }
    const submit = await b.http.post('/v1/boards/gone/scores', { playerId: 'p1', score: 6 });
    expect(submit.body.error.code).toBe('BOARD_NOT_FOUND');
  });

  it('changes the ETag on an instance with a cached config when another instance writes', async () => {
    await a.http.put('/v1/boards/fresh', {});
    await a.http.post('/v1/boards/fresh/scores', { playerId: 'p1', score: 5 });
    const first = await b.http.get('/v1/boards/fresh/top');
    await a.http.post('/v1/boards/fresh/scores', { playerId: 'p2', score: 9 });
    const second = await b.http.get('/v1/boards/fresh/top', {
      'if-none-match': first.headers.get('etag') ?? '',
    });
    expect(second.status).toBe(200);
    expect(second.body.entries.map((e: { playerId: string }) => e.playerId)).toEqual(['p2', 'p1']);
    expect(second.headers.get('etag')).not.toBe(first.headers.get('etag'));
  });
});
