import type { Socket } from 'socket.io-client';
import { startApp, TestApp } from '../support/app';
import { connectLive, LiveView, waitFor } from '../support/live-client';
import { scrapedValue } from '../support/prometheus-text';

const READS = 'rankfeed_live_view_reads_total';

/**
 * A tick re-reads only the views a submission's rank move can reach (README, Live rankings): a
 * move from rank p to rank r touches ranks p..r, an entry added or trimmed everything below it.
 * Counted with the view-read metric on one instance without periodic sweeps, so every read is a
 * tick's; every view keeps equal to its REST read.
 */
describe('live views re-read only when a rank move reaches them', () => {
  let t: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startApp({
      name: 'live_moves',
      env: { LIVE_TICK_MS: '20', LIVE_SWEEP_MS: '600000' },
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  /** The board the current test works on. */
  let board = '';
  const tickReads = (): Promise<number> => scrapedValue(t.http, READS, { cause: 'tick' });
  const submit = async (playerId: string, score: number): Promise<void> => {
    expect((await t.http.post(`/v1/boards/${board}/scores`, { playerId, score })).status).toBe(200);
  };

  async function view(request: Record<string, unknown>): Promise<LiveView> {
    const s = await connectLive(t.baseUrl);
    sockets.push(s);
    const v = new LiveView(s, { boardId: board, ...request });
    await v.subscribe();
    return v;
  }

  /** Waits until each view shows what REST returns for it. */
  async function converged(views: [LiveView, string][]): Promise<void> {
    for (const [v, path] of views) {
      const rest = (await t.http.get(`/v1/boards/${board}/${path}`)).body.entries;
      await waitFor(path, () => JSON.stringify(v.entries) === JSON.stringify(rest));
    }
  }

  it('reads a view on the ticks whose moves overlap its window, never on the others', async () => {
    board = 'moves';
    expect((await t.http.put(`/v1/boards/${board}`, { activities: [] })).status).toBe(201);
    // p1..p40 ranked 1..40 (scores 1000 down to 961).
    const entries = Array.from({ length: 40 }, (_, i) => ({
      playerId: `p${i + 1}`,
      score: 1000 - i,
    }));
    expect((await t.http.post(`/v1/boards/${board}/scores/batch`, { entries })).status).toBe(200);
    const topView = await view({ view: { type: 'top', limit: 5 } }); // ranks 1..5
    const middle = await view({ view: { type: 'around', playerId: 'p30', radius: 2 } }); // 28..32
    const bottom = await view({ view: { type: 'around', playerId: 'p40', radius: 2 } }); // 36.., open
    const all: [LiveView, string][] = [
      [topView, 'top?limit=5'],
      [middle, 'players/p30/around?radius=2'],
      [bottom, 'players/p40/around?radius=2'],
    ];
    const before = await tickReads();

    await submit('p20', 986); // 20 → 15: reaches no view
    await submit('p31', 972); // 31 → 29: the middle window only
    await waitFor('the middle view to show p31 at 29', () =>
      middle.entries.some((e) => e.playerId === 'p31' && e.rank === 29),
    );
    await converged(all);
    expect((await tickReads()) - before).toBe(1);

    await submit('new-top', 998); // a new entry at rank 3 shifts every view
    await converged(all);
    await waitFor('all three read', async () => (await tickReads()) - before === 4);

    await submit('new-last', 1); // added below everyone: only the open-ended bottom view
    await waitFor('the bottom view to show the new last entry', () =>
      bottom.entries.some((e) => e.playerId === 'new-last'),
    );
    await converged(all);
    expect((await tickReads()) - before).toBe(5);
  });

  it('keeps every view equal to REST through random moves up, down, in and out (no sweeps)', async () => {
    board = 'random';
    const created = await t.http.put(`/v1/boards/${board}`, { update: 'latest', activities: [] });
    expect(created.status).toBe(201);
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const specs: [Record<string, unknown>, string][] = [
      [{ type: 'top', limit: 3 }, 'top?limit=3'],
      [{ type: 'top', limit: 10 }, 'top?limit=10'],
      [{ type: 'around', playerId: 'p5', radius: 1 }, 'players/p5/around?radius=1'],
      [{ type: 'around', playerId: 'p15', radius: 3 }, 'players/p15/around?radius=3'],
      [{ type: 'around', playerId: 'p29', radius: 2 }, 'players/p29/around?radius=2'],
      [{ type: 'around', playerId: 'ghost', radius: 2 }, 'players/ghost/around?radius=2'],
    ];
    const all: [LiveView, string][] = [];
    for (const [v, path] of specs) all.push([await view({ view: v }), path]);

    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 10; i++) {
        const player = round === 4 && i === 0 ? 'ghost' : `p${1 + random(48)}`;
        await submit(player, random(2000));
      }
      for (const [v, path] of all) {
        const rest = await t.http.get(`/v1/boards/${board}/${path}`);
        const expected = rest.status === 200 ? rest.body.entries : [];
        await waitFor(`${path} after round ${round}`, () => {
          return JSON.stringify(v.entries) === JSON.stringify(expected);
        });
      }
    }
  });
});
