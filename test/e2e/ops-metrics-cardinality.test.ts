import { startApp, TestApp } from '../support/app';
import { MetricFamily, parsePrometheusText, sampleValue } from '../support/prometheus-text';

/** Labels never carry ids (STYLE: bounded cardinality), however many distinct ids are requested. */
describe('metric series under many distinct ids', () => {
  let t: TestApp;

  beforeAll(async () => {
    // 10,000+ anonymous reads from one address: above the default read window (600 a minute).
    t = await startApp({ name: 'ops_cardinality', env: { RATE_LIMIT_READ_MAX: '100000' } });
  });
  afterAll(async () => {
    await t.close();
  });

  const scrape = async (): Promise<Map<string, MetricFamily>> => {
    const res = await t.http.get('/metrics');
    expect(res.status).toBe(200);
    return parsePrometheusText(res.text);
  };

  /** Series of the request-driven families: the ones ids could inflate. */
  const requestSeries = (families: Map<string, MetricFamily>): string[] =>
    ['rankfeed_http_request_duration_seconds', 'rankfeed_redis_command_duration_seconds']
      .flatMap((name) => families.get(name)?.samples ?? [])
      .map((s) => `${s.name}${JSON.stringify(s.labels)}`)
      .sort();

  /** Route families a board id reaches, each answering 404 for a board that does not exist. */
  const FAMILIES: Array<[string, (n: number) => string]> = [
    ['/v1/boards/:boardId/top', (n) => `/v1/boards/board-${n}/top`],
    ['/v1/boards/:boardId/players/:playerId', (n) => `/v1/boards/board-${n}/players/player-${n}`],
    [
      '/v1/boards/:boardId/players/:playerId/around',
      (n) => `/v1/boards/board-${n}/players/player-${n}/around`,
    ],
    ['/v1/boards/:boardId/activities', (n) => `/v1/boards/board-${n}/activities`],
    ['/v1/boards/:boardId/cycles', (n) => `/v1/boards/board-${n}/cycles`],
  ];

  /** `count` requests, each for a board id never seen before, across FAMILIES, 50 at a time. */
  const hitDistinctIds = async (from: number, count: number): Promise<void> => {
    for (let i = from; i < from + count; i += 50) {
      const batch = Array.from({ length: Math.min(50, from + count - i) }, (_, j) => i + j);
      const statuses = await Promise.all(
        batch.map((n) => t.http.get(FAMILIES[n % FAMILIES.length][1](n)).then((r) => r.status)),
      );
      expect(statuses).toEqual(batch.map(() => 404));
    }
  };

  it('keeps the same series after 10,000 more distinct board ids across five route families', async () => {
    await hitDistinctIds(0, 100);
    await scrape(); // the scrape itself is a route too
    const before = requestSeries(await scrape());
    await hitDistinctIds(100, 10_000);
    const families = await scrape();
    expect(requestSeries(families)).toEqual(before);
    for (const [route] of FAMILIES) {
      const count = sampleValue(families, 'rankfeed_http_request_duration_seconds_count', {
        method: 'GET',
        route,
        status: '404',
      });
      expect({ route, count }).toEqual({ route, count: 10_100 / FAMILIES.length });
    }
  }, 120_000);

  it('files requests no route matched under one route label', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.http.get(`/nothing-here/${i}`).then((r) => r.status)),
    );
    expect(new Set(statuses)).toEqual(new Set([404]));
    const families = await scrape();
    const routes = new Set(
      families.get('rankfeed_http_request_duration_seconds')!.samples.map((s) => s.labels.route),
    );
    expect([...routes].filter((r) => r.includes('nothing-here'))).toEqual([]);
    expect(
      sampleValue(families, 'rankfeed_http_request_duration_seconds_count', {
        method: 'GET',
        route: 'unmatched',
        status: '404',
      }),
    ).toBe(50);
  });

  it('has no label value containing any requested id', async () => {
    const families = await scrape();
    const values = [...families.values()].flatMap((f) =>
      f.samples.flatMap((s) => Object.values(s.labels)),
    );
    expect(values.filter((v) => /board-\d|player-\d|nothing-here/.test(v))).toEqual([]);
  });
});
