import { FanoutProcessor } from '../../src/feeds/fanout-processor';
import { startApp, TestApp } from '../support/app';
import { waitUntilReady } from '../support/store-outage';
import { eventually, followAll, post, readAll } from './feeds-support';

/** How long the worker's loop may stand still before readiness fails (STALL_MS, fanout.worker.ts). */
const STALL_MS = 15_000;

/** /health/ready and the fan-out worker's check (README, Operations › Endpoints). */
describe('readiness of the fan-out worker', () => {
  let worker: TestApp;
  let apiOnly: TestApp;

  beforeAll(async () => {
    worker = await startApp({ name: 'ops_feeds_ready' });
    apiOnly = await startApp({
      name: 'ops_feeds_ready_api',
      env: { FEED_FANOUT_WORKER: 'false' },
    });
  });
  afterAll(async () => {
    await worker.close();
    await apiOnly.close();
  });

  it('keeps an API-only instance ready: it has no worker loop to report', async () => {
    // Its job waits for a worker elsewhere; that is no reason to take this instance out of service.
    await followAll(apiOnly, ['reader'], 'writer');
    await post(apiOnly, 'writer', { verb: 'queued' });
    expect(await readAll(apiOnly, '/v1/players/reader/feed')).toEqual([]);
    expect(await apiOnly.http.get('/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ready' },
    });
  });

  it(
    'answers 503 with a reason while the worker loop is stuck in a job, and ready once it moves',
    async () => {
      expect((await worker.http.get('/health/ready')).status).toBe(200);
      // Holds the worker inside its next job, as a hung await would; the job then runs for real.
      const run = FanoutProcessor.prototype.run;
      let release = (): void => undefined;
      const held = new Promise<void>((done) => (release = done));
      const spy = jest.spyOn(FanoutProcessor.prototype, 'run').mockImplementation(async function (
        this: FanoutProcessor,
        ...args
      ) {
        await held;
        return run.apply(this, args);
      });
      try {
        await followAll(worker, ['fan'], 'idol');
        const a = await post(worker, 'idol', { verb: 'stuck' });
        await eventually(async () => spy.mock.calls.length === 1);
        // Polled until the loop has stood still for STALL_MS; Redis answers throughout.
        await eventually(
          async () => (await worker.http.get('/health/ready')).status === 503,
          (STALL_MS + 10_000) / 25,
        );
        const ready = await worker.http.get('/health/ready');
        expect(ready.headers.get('retry-after')).toBe('1');
        expect(ready.body).toEqual({
          status: 'unavailable',
          reason: 'feed fan-out worker is not running',
        });
        expect((await worker.http.get('/health/live')).status).toBe(200);
        expect((await worker.http.get('/health/redis')).status).toBe(200);

        release();
        await waitUntilReady(worker);
        await eventually(async () => (await readAll(worker, '/v1/players/fan/feed')).length > 0);
        expect(await readAll(worker, '/v1/players/fan/feed')).toEqual([a]);
      } finally {
        release();
        spy.mockRestore();
      }
    },
    STALL_MS + 30_000,
  );
});
