import fc from 'fast-check';
import type {
  BoardConfig,
  CycleTarget,
  StoredBoard,
} from '../../src/leaderboards/leaderboard.types';
import type {
  SubmitEntry,
  SubmitManyReply,
  SubmitReply,
} from '../../src/leaderboards/leaderboards.repository';
import {
  ALL_TIME,
  boardConfig,
  createBoard,
  openRepository,
  RepositoryFixture,
  TOPOLOGIES,
} from '../support/repository-fixture';

const MAX = 2 ** 53;
/** Near ±2^53 (integer sums overflow; listed twice, so drawn more often), small, and zero. */
const BIG = [MAX, MAX - 1, -MAX, 1 - MAX];
const SCORES = [...BIG, ...BIG, 2 ** 52, -(2 ** 52), 7, 1, 0, -1, -7];
/** Ids whose byte order differs from a human collation: equal scores order by member bytes. */
const PLAYERS = ['a', 'B', 'a-c', 'ab'];
const day = (cycle: string, startsAtMs: number): CycleTarget => ({
  period: 'daily',
  cycle,
  startsAtMs,
  ttlMs: 0,
});
/** Where an entry lands: all-time only, or all-time plus one of two days (an `at` each side of midnight). */
const TARGETS: CycleTarget[][] = [
  [ALL_TIME],
  [ALL_TIME, day('2026-11-24', Date.UTC(2026, 10, 24))],
  [ALL_TIME, day('2026-11-25', Date.UTC(2026, 10, 25))],
];

const body = (e: Entry): string => `${e.player}|${e.score}|${e.targets}`;
const keyOf = (e: Entry): string => (e.key === 'same' ? body(e) : String(e.key));

interface Entry {
  player: string;
  score: number;
  targets: number;
  key: string | null;
}

const entry = fc.record({
  player: fc.constantFrom(...PLAYERS),
  score: fc.constantFrom(...SCORES),
  targets: fc.integer({ min: 0, max: TARGETS.length - 1 }),
  // 'same': a key of its own body (a repeat replays); 'k1': one key for any body (reuse, 422).
  key: fc.option(fc.constantFrom('same', 'same', 'same', 'k1'), { freq: 2 }),
});

const board = fc.record({
  order: fc.constantFrom<BoardConfig['order']>('desc', 'asc'),
  update: fc.constantFrom<BoardConfig['update']>('sum', 'sum', 'sum', 'best', 'latest'),
  ties: fc.constantFrom<BoardConfig['ties']>('shared', 'first'),
  integer: fc.constantFrom(true, true, false),
  capacity: fc.option(fc.constantFrom(1, 1, 2, 3), { freq: 3 }),
});

/**
 * The batch script against its definition: a batch answers exactly what the same submissions
 * sent one by one answer, and leaves the same board; where one of them would be refused, the
 * batch is refused at that entry and leaves the board as it was. Capacity trims, first-ties
 * arrival stamps, repeated players, keys repeated inside the batch and sums near ±2^53 interact.
 */
describe.each(TOPOLOGIES)('LeaderboardsRepository batch submissions (%s)', (topology) => {
  let f: RepositoryFixture;
  let n = 0;

  beforeAll(async () => {
    f = await openRepository(topology, 'lb_batch');
  });
  afterAll(async () => {
    await f.close();
  });

  const toEntry = (e: Entry): SubmitEntry => ({
    playerId: e.player,
    score: String(e.score),
    metadata: `{"s":${e.score}}`,
    targets: TARGETS[e.targets],
    // The body (player, score, cycles) is the fingerprint: a key reused with another body is refused.
    idempotency: e.key ? { key: keyOf(e), fingerprint: body(e), ttlMs: 60_000 } : null,
  });

  async function one(b: StoredBoard, e: Entry): Promise<SubmitReply> {
    return f.repo.submit({ board: b, mode: 'submit', ...toEntry(e) });
  }

  /** Every key the board's submissions can write, with its content (members, seq, records). */
  async function snapshot(b: StoredBoard, keys: string[]): Promise<unknown> {
    const id = b.boardId;
    const cycles = [ALL_TIME, TARGETS[1][1], TARGETS[2][1]];
    return {
      scores: await Promise.all(
        cycles.map((t) =>
          f.client.zrange(f.keys.cycleScores(id, t.period, t.cycle), 0, -1, 'WITHSCORES'),
        ),
      ),
      entries: await Promise.all(
        cycles.map((t) => f.client.hgetall(f.keys.cycleEntries(id, t.period, t.cycle))),
      ),
      index: await f.client.zrange(f.keys.cycleIndex(id, 'daily'), 0, -1, 'WITHSCORES'),
      cfg: await f.client.hmget(f.keys.boardConfig(id), 'seq', 'ver', 'hasScores'),
      records: await Promise.all(keys.map((k) => f.client.get(f.keys.idempotency(id, k)))),
    };
  }

  /** Sends `before` one by one to two equal boards, then `batch` one by one to one, as a batch to the other. */
  async function check(
    config: Partial<BoardConfig>,
    before: Entry[],
    batch: Entry[],
  ): Promise<SubmitManyReply> {
    n += 1;
    const overrides = { ...config, periods: ['all' as const, 'daily' as const] };
    const single = await createBoard(f.repo, `single${n}`, overrides);
    const many = await createBoard(f.repo, `many${n}`, overrides);
    for (const e of before) {
      expect(await one(many, e)).toEqual(await one(single, e));
    }
    const expected: SubmitReply[] = [];
    for (const e of batch) {
      const r = await one(single, e);
      expected.push(r);
      if (r.kind === 'error') break;
    }
    const keys = [...before, ...batch].filter((e) => e.key).map(keyOf);
    const untouched = await snapshot(many, keys);
    const reply = await f.repo.submitMany(many, 'submit', batch.map(toEntry));
    const refused = expected.findIndex((r) => r.kind === 'error');
    if (refused >= 0) {
      const code = (expected[refused] as { code: string }).code;
      expect(reply).toEqual<SubmitManyReply>({
        kind: 'error',
        code: code as never,
        index: refused,
      });
      expect(await snapshot(many, keys)).toEqual(untouched);
    } else {
      expect(reply).toEqual({ kind: 'done', replies: expected });
      expect(await snapshot(many, keys)).toEqual(await snapshot(single, keys));
    }
    return reply;
  }

  it('answers and writes exactly what one-by-one submissions would, or refuses the whole batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        board,
        fc.array(entry, { maxLength: 6 }),
        fc.array(entry, { minLength: 1, maxLength: 10 }),
        async (b, before, batch) => {
          await check({ ...b, capacity: b.capacity ?? null }, before, batch);
        },
      ),
      { numRuns: topology === 'cluster' ? 80 : 400 },
    );
  });

  it('refuses a batch whose entry 3 overflows on an integer sum board, writing nothing', async () => {
    const cfg = { update: 'sum' as const, integer: true };
    const near: Entry = { player: 'a', score: MAX - 1, targets: 1, key: null };
    const reply = await check(
      cfg,
      [near],
      [
        { player: 'b', score: 5, targets: 1, key: 'same' },
        { player: 'c', score: 6, targets: 2, key: null },
        { player: 'a', score: 2, targets: 1, key: 'same' },
        { player: 'd', score: 7, targets: 0, key: null },
      ],
    );
    expect(reply).toEqual({ kind: 'error', code: 'VALIDATION_FAILED', index: 2 });
  });

  it('finds an overflow that only a capacity trim earlier in the batch makes impossible or possible', async () => {
    // Capacity 2, desc: 'a' (-2^53 + 1) is trimmed by 'c', so its next -2 starts from zero and
    // fits; without the trim it would overflow. Then 'a' sums past +2^53 from its fresh total.
    const cfg = { update: 'sum' as const, integer: true, capacity: 2 };
    const before: Entry[] = [
      { player: 'a', score: 1 - MAX, targets: 0, key: null },
      { player: 'b', score: 7, targets: 0, key: null },
    ];
    const fits = await check(cfg, before, [
      { player: 'c', score: 1, targets: 0, key: null },
      { player: 'a', score: -2, targets: 0, key: null },
      { player: 'a', score: MAX, targets: 0, key: null },
    ]);
    expect(fits.kind).toBe('done');
    const overflows = await check(cfg, before, [
      { player: 'c', score: 1, targets: 0, key: null },
      { player: 'a', score: MAX, targets: 0, key: null },
      { player: 'a', score: 7, targets: 0, key: null },
    ]);
    expect(overflows).toEqual({ kind: 'error', code: 'VALIDATION_FAILED', index: 2 });
  });

  it('trims by the scores the batch itself changed, and equal scores by member bytes', async () => {
    const cfg = { update: 'sum' as const, integer: true, capacity: 2 };
    // 'a' rises from 1 to 11 before 'c' arrives: 'c' (3) is trimmed, not 'a', so 'a' overflows.
    const rose = await check(
      cfg,
      [
        { player: 'a', score: 1, targets: 0, key: null },
        { player: 'b', score: 5, targets: 0, key: null },
      ],
      [
        { player: 'a', score: 10, targets: 0, key: null },
        { player: 'c', score: 3, targets: 0, key: null },
        { player: 'a', score: MAX - 1, targets: 0, key: null },
      ],
    );
    expect(rose).toEqual({ kind: 'error', code: 'VALIDATION_FAILED', index: 2 });
    // Capacity 1, equal scores: desc trims the smaller member ('a'), asc the larger ('b'); the
    // trimmed player's next sum starts from zero and fits.
    const desc = await check(
      { ...cfg, capacity: 1 },
      [],
      [
        { player: 'a', score: MAX, targets: 0, key: null },
        { player: 'b', score: MAX, targets: 0, key: null },
        { player: 'a', score: MAX, targets: 0, key: null },
      ],
    );
    expect(desc.kind).toBe('done');
    const asc = await check(
      { ...cfg, capacity: 1, order: 'asc' },
      [],
      [
        { player: 'a', score: -MAX, targets: 0, key: null },
        { player: 'b', score: -MAX, targets: 0, key: null },
        { player: 'b', score: -MAX, targets: 0, key: null },
      ],
    );
    expect(asc.kind).toBe('done');
  });

  it('applies 1,000 entries in one call and trims over 8,000 at once after capacity is lowered', async () => {
    const big = await createBoard(f.repo, `lowered${topology}`, { order: 'asc' });
    const entries = (from: number): SubmitEntry[] =>
      Array.from({ length: 1000 }, (_, i) => ({
        playerId: `p${from + i}`,
        score: String(from + i),
        metadata: `{"i":${from + i}}`,
        targets: [ALL_TIME],
        idempotency: null,
      }));
    for (let from = 0; from < 9000; from += 1000) {
      const reply = await f.repo.submitMany(big, 'submit', entries(from));
      expect(reply.kind === 'done' && reply.replies.length).toBe(1000);
    }
    // Lua cannot unpack more than ~8,000 values: the trim must not depend on it.
    expect(await f.repo.putBoard(boardConfig(big.boardId, { order: 'asc', capacity: 10 }))).toBe(
      'UPDATED',
    );
    const lowered = (await f.repo.getBoard(big.boardId))!;
    const reply = await f.repo.submit({ board: lowered, mode: 'submit', ...entries(9000)[0] });
    expect(reply.kind).toBe('applied');
    const zset = f.keys.cycleScores(big.boardId, 'all', 'all');
    expect(await f.client.zrange(zset, 0, -1)).toEqual(
      Array.from({ length: 10 }, (_, i) => `p${i}`),
    );
    // Metadata of the trimmed entries goes with them.
    expect(await f.client.hlen(f.keys.cycleEntries(big.boardId, 'all', 'all'))).toBe(10);
  });

  it('refuses a batch on a board deleted before it runs, writing nothing, yet replays applied keys', async () => {
    const gone = await createBoard(f.repo, `deleted${topology}`);
    const sub = (player: string, key: string | null): SubmitEntry => ({
      playerId: player,
      score: '10',
      metadata: '',
      targets: [ALL_TIME],
      idempotency: key ? { key, fingerprint: `fp-${player}`, ttlMs: 60_000 } : null,
    });
    const first = await f.repo.submitMany(gone, 'submit', [sub('early', 'k-early')]);
    expect(first.kind).toBe('done');
    // Deleted between the service's (cached) board read and the script: as DELETE does first.
    expect(await f.client.del(f.keys.boardConfig(gone.boardId))).toBe(1);

    const replayed = await f.repo.submitMany(gone, 'submit', [sub('early', 'k-early')]);
    expect(replayed).toEqual({
      kind: 'done',
      replies: [
        { kind: 'replayed', json: (first as { replies: { json: string }[] }).replies[0].json },
      ],
    });
    const refused = await f.repo.submitMany(gone, 'submit', [
      sub('early', 'k-early'),
      sub('late', 'k-late'),
      sub('later', null),
    ]);
    expect(refused).toEqual({ kind: 'error', code: 'BOARD_NOT_FOUND', index: 1 });
    const zset = f.keys.cycleScores(gone.boardId, 'all', 'all');
    expect(await f.client.zrange(zset, 0, -1)).toEqual(['early']);
    expect(await f.client.get(f.keys.idempotency(gone.boardId, 'k-late'))).toBeNull();
    expect(await f.client.exists(f.keys.boardConfig(gone.boardId))).toBe(0);
  });
});
