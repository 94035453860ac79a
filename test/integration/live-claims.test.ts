/**
 * The claim of a live view across instances (claim-view.lua, store-view.lua through
 * LiveRepository): after an instance recomputes a view, other instances' ticks leave it to that
 * instance for the cool-down, so a busy view is recomputed once per tick however many instances
 * tick it; a subscriber's read may claim through it; the claimant's own tick may too. Cool-downs
 * here are 0 or a minute, so nothing depends on timing.
 */
import { LiveRepository } from '../../src/live/live.repository';
import type { ViewState } from '../../src/live/live.types';
import {
  createBoard,
  openRepository,
  RepositoryFixture,
  TOPOLOGIES,
} from '../support/repository-fixture';

const MINUTE = 60_000;
const VIEW = 'top:10';

describe.each(TOPOLOGIES)('live view claims across instances (%s)', (topology) => {
  let f: RepositoryFixture;
  let live: LiveRepository;
  let n = 0;

  beforeAll(async () => {
    f = await openRepository(topology, 'live_claims');
    live = new LiveRepository(f.client, f.keys);
  });
  afterAll(async () => {
    await f.close();
  });

  /** A board whose content version moves with `bump`. */
  async function board(): Promise<{ id: string; bump: () => Promise<unknown> }> {
    n += 1;
    const id = `claims${n}`;
    await createBoard(f.repo, id);
    return { id, bump: () => f.client.hincrby(f.keys.boardConfig(id), 'ver', 1) };
  }

  const claim = (boardId: string, owner: string, throughCoolDown = false) =>
    live.claim(boardId, VIEW, 'all', owner, { force: false, withEntries: false, throughCoolDown });

  /** Claims as `owner` and stores the next state, leaving a cool-down of `coolDownMs`. */
  async function recompute(boardId: string, owner: string, coolDownMs: number, through = false) {
    const c = await claim(boardId, owner, through);
    expect(c.status).toBe('CLAIMED');
    const next: ViewState = {
      epoch: c.state?.epoch ?? 'e1',
      cycle: 'all',
      seq: (c.state?.seq ?? 0) + 1,
      entries: [],
    };
    const stored = await live.store({
      boardId,
      viewKey: VIEW,
      expected: c.state,
      next,
      ver: c.ver,
      update: JSON.stringify({ subscription: VIEW, seq: next.seq }),
      owner,
      claimedAt: c.at,
      coolDownMs,
    });
    expect(stored).toBe(true);
  }

  it("leaves a changed view to its last claimant: other instances' ticks are LOCKED", async () => {
    const b = await board();
    await recompute(b.id, 'A', MINUTE);
    await b.bump();
    const other = await claim(b.id, 'B');
    expect(other.status).toBe('LOCKED');
    expect(other.state?.seq).toBe(1);
    // The claimant's own tick goes through its cool-down.
    await recompute(b.id, 'A', MINUTE);
    await b.bump();
    expect((await claim(b.id, 'B')).status).toBe('LOCKED');
  });

  it("lets a subscriber's read claim through another instance's cool-down, and then holds it", async () => {
    const b = await board();
    await recompute(b.id, 'A', MINUTE);
    await b.bump();
    await recompute(b.id, 'B', MINUTE, true);
    await b.bump();
    expect((await claim(b.id, 'A')).status).toBe('LOCKED');
    expect((await claim(b.id, 'B')).status).toBe('CLAIMED');
  });

  it('hands the view to any instance once the cool-down is over', async () => {
    const b = await board();
    await recompute(b.id, 'A', 0);
    await b.bump();
    await recompute(b.id, 'B', MINUTE);
  });

  it('still answers FRESH, not LOCKED, while nothing changed', async () => {
    const b = await board();
    await recompute(b.id, 'A', MINUTE);
    const other = await claim(b.id, 'B');
    expect(other.status).toBe('FRESH');
  });

  it('keeps a recompute in progress exclusive, subscriber or not', async () => {
    const b = await board();
    expect((await claim(b.id, 'A')).status).toBe('CLAIMED');
    expect((await claim(b.id, 'B')).status).toBe('LOCKED');
    expect((await claim(b.id, 'B', true)).status).toBe('LOCKED');
  });
});
