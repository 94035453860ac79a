import { startApp, TestApp } from '../support/app';
import { MetricFamily, parsePrometheusText, sampleValue } from '../support/prometheus-text';

/** GET /metrics after real traffic (API §8), parsed by a strict Prometheus text parser. */
describe('/metrics after traffic', () => {
  let t: TestApp;
  let families: Map<string, MetricFamily>;
  let text: string;

  const TOP = '/v1/boards/:boardId/top';
  const SCORES = '/v1/boards/:boardId/scores';

  beforeAll(async () => {
    t = await startApp({ name: 'ops_metrics' });
    expect((await t.http.put('/v1/boards/arena-7', { maxScore: 1000 })).status).toBe(201);
    const submit = (playerId: string, score: number, key: string) =>
      t.http.post('/v1/boards/arena-7/scores', { playerId, score }, { 'idempotency-key': key });
    expect((await submit('player-81', 500, 'k-1')).body.replayed).toBe(false);
    expect((await submit('player-82', 700, 'k-2')).body.replayed).toBe(false);
    expect((await submit('player-81', 500, 'k-1')).body.replayed).toBe(true);
    expect((await submit('player-83', 5000, 'k-3')).status).toBe(400); // above maxScore
    const full = await t.http.get('/v1/boards/arena-7/top');
    expect(full.status).toBe(200);
    const etag = full.headers.get('etag') as string;
    expect((await t.http.get('/v1/boards/arena-7/top', { 'if-none-match': etag })).status).toBe(
      304,
    );
    expect((await t.http.get('/v1/boards/missing-board-9/top')).status).toBe(404);
    const scrape = await t.http.get('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    text = scrape.text;
    families = parsePrometheusText(text);
  });

  afterAll(async () => {
    await t.close();
  });

  it('counts submissions as accepted, replayed and rejected', () => {
    expect(families.get('rankfeed_submissions_total')?.type).toBe('counter');
    expect(sampleValue(families, 'rankfeed_submissions_total', { outcome: 'accepted' })).toBe(2);
    expect(sampleValue(families, 'rankfeed_submissions_total', { outcome: 'replayed' })).toBe(1);
    expect(sampleValue(families, 'rankfeed_submissions_total', { outcome: 'rejected' })).toBe(1);
  });

  it('counts top reads answered 304 apart from full reads', () => {
    expect(sampleValue(families, 'rankfeed_leaderboard_reads_total', { result: 'full' })).toBe(1);
    expect(
      sampleValue(families, 'rankfeed_leaderboard_reads_total', { result: 'not_modified' }),
    ).toBe(1);
  });

  it('keeps HTTP durations per method, route template and status, with buckets', () => {
    const http = families.get('rankfeed_http_request_duration_seconds');
    expect(http?.type).toBe('histogram');
    const count = (route: string, method: string, status: string) =>
      sampleValue(families, 'rankfeed_http_request_duration_seconds_count', {
        route,
        method,
        status,
      });
    expect(count(TOP, 'GET', '200')).toBe(1);
    expect(count(TOP, 'GET', '304')).toBe(1);
    expect(count(TOP, 'GET', '404')).toBe(1);
    expect(count(SCORES, 'POST', '200')).toBe(3);
    expect(count(SCORES, 'POST', '400')).toBe(1);
    expect(count('/v1/boards/:boardId', 'PUT', '201')).toBe(1);
    const buckets = http!.samples.filter(
      (s) => s.name.endsWith('_bucket') && s.labels.route === TOP && s.labels.status === '200',
    );
    expect(buckets.map((b) => b.labels.le)).toEqual([
      '0.001',
      '0.0025',
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '+Inf',
    ]);
  });

  it('times Redis commands by command name, scripts by script name', () => {
    expect(families.get('rankfeed_redis_command_duration_seconds')?.type).toBe('histogram');
    // Two accepted and one replayed submission ran the script; the rejected one never reached it.
    const script = { command: 'rfSubmitScore' };
    expect(sampleValue(families, 'rankfeed_redis_command_duration_seconds_count', script)).toBe(3);
    expect(
      sampleValue(families, 'rankfeed_redis_command_duration_seconds_count', {
        command: 'hgetall',
      }),
    ).toBeGreaterThan(0);
    const commands = new Set(
      families.get('rankfeed_redis_command_duration_seconds')!.samples.map((s) => s.labels.command),
    );
    expect([...commands].every((c) => /^[a-z]+$|^rf[A-Z][A-Za-z]+$/.test(c))).toBe(true);
    expect(commands.has('evalsha')).toBe(false);
  });

  it('exposes event-loop lag and the sampled Redis INFO figures', () => {
    expect(families.get('rankfeed_nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect(sampleValue(families, 'rankfeed_redis_up')).toBe(1);
    expect(sampleValue(families, 'rankfeed_redis_used_memory_bytes')).toBeGreaterThan(0);
    expect(sampleValue(families, 'rankfeed_redis_connected_clients')).toBeGreaterThanOrEqual(2);
    expect(sampleValue(families, 'rankfeed_redis_evicted_keys')).toBe(0);
    for (const name of ['rankfeed_redis_keyspace_hits', 'rankfeed_redis_keyspace_misses']) {
      expect(sampleValue(families, name)).toBeGreaterThanOrEqual(0);
    }
  });

  it('puts no ids, keys or prefixes in any label', () => {
    const values = [...families.values()].flatMap((f) =>
      f.samples.flatMap((s) => Object.values(s.labels)),
    );
    expect(values.length).toBeGreaterThan(0);
    for (const id of ['arena-7', 'player-8', 'missing-board-9', 'k-1', t.prefix]) {
      expect(values.filter((v) => v.includes(id))).toEqual([]);
    }
    expect(text).not.toContain(t.prefix);
  });
});
