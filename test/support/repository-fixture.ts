/**
 * LeaderboardsRepository over the app's own connection code (connectRedis: options, scripts), on
 * the standalone test Redis or the test Redis Cluster, under a private key prefix.
 */
import { Cluster, Redis } from 'ioredis';
import type { RedisConfig } from '../../src/config/app-config';
import type {
  BoardConfig,
  CycleTarget,
  RankedEntry,
  StoredBoard,
} from '../../src/leaderboards/leaderboard.types';
import {
  LeaderboardsRepository,
  SubmitReply,
} from '../../src/leaderboards/leaderboards.repository';
import { Keys } from '../../src/redis/keys';
import { connectRedis, RedisClient } from '../../src/redis/redis-connections';
import { clusterNodes, deleteByPrefix, testPrefix } from './test-redis';

export type Topology = 'standalone' | 'cluster';
export const TOPOLOGIES: Topology[] = ['standalone', 'cluster'];

export interface RepositoryFixture {
  client: RedisClient;
  keys: Keys;
  repo: LeaderboardsRepository;
  prefix: string;
  /** Deletes every key under the prefix, then disconnects. */
  close(): Promise<void>;
}

export async function openRepository(topology: Topology, name: string): Promise<RepositoryFixture> {
  const prefix = testPrefix(`${name}_${topology}`);
  const config: RedisConfig = {
    url: topology === 'standalone' ? standaloneUrl() : '',
    clusterNodes: topology === 'cluster' ? clusterNodes() : null,
    // Generous: hundreds of concurrent scripts must not time out on a busy CI machine.
    commandTimeoutMs: 10_000,
    prefix,
    embedded: 'never',
    dataDir: '',
  };
  const client = await connectRedis(config, 'command');
  const keys = new Keys(prefix);
  return {
    client,
    keys,
    repo: new LeaderboardsRepository(client, keys),
    prefix,
    async close() {
      await deleteByPrefix(client, prefix);
      await client.quit();
    },
  };
}

function standaloneUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (url) return url;
  throw new Error(process.env.TEST_REDIS_ERROR ?? 'TEST_REDIS_URL is not set: run through jest');
}

/** A board with API §1 defaults, overridable field by field. */
export function boardConfig(boardId: string, overrides: Partial<BoardConfig> = {}): BoardConfig {
  return {
    boardId,
    title: boardId,
    order: 'desc',
    update: 'best',
    periods: ['all'],
    timezone: 'UTC',
    retain: 7,
    ties: 'shared',
    minScore: null,
    maxScore: null,
    integer: false,
    public: false,
    capacity: null,
    graceSeconds: 60,
    createdAt: '2026-11-25T12:00:00.000Z',
    activities: ['top10', 'leader'],
    ...overrides,
  };
}

/** Creates the board and returns it as stored. */
export async function createBoard(
  repo: LeaderboardsRepository,
  boardId: string,
  overrides: Partial<BoardConfig> = {},
): Promise<StoredBoard> {
  expect(await repo.putBoard(boardConfig(boardId, overrides))).toBe('CREATED');
  const board = await repo.getBoard(boardId);
  if (!board) throw new Error(`board ${boardId} was not stored`);
  return board;
}

export const ALL_TIME: CycleTarget = { period: 'all', cycle: 'all', startsAtMs: 0, ttlMs: 0 };

export interface SubmitOptions {
  key?: string;
  fingerprint?: string;
  metadata?: string;
  targets?: CycleTarget[];
  mode?: 'submit' | 'set';
}

export function submit(
  repo: LeaderboardsRepository,
  board: StoredBoard,
  playerId: string,
  score: number | string,
  opts: SubmitOptions = {},
): Promise<SubmitReply> {
  return repo.submit({
    board,
    playerId,
    score: String(score),
    metadata: opts.metadata ?? '',
    targets: opts.targets ?? [ALL_TIME],
    idempotency: opts.key
      ? { key: opts.key, fingerprint: opts.fingerprint ?? `fp-${score}`, ttlMs: 60_000 }
      : null,
    mode: opts.mode ?? 'submit',
  });
}

/** One period's outcome as the script reports it (scores as Redis' decimal strings). */
export interface RawOutcome {
  period: string;
  cycle: string;
  score?: string;
  rank?: number;
  previousScore?: string;
  previousRank?: number;
  improved: boolean;
  changed: boolean;
}

/** The outcomes of an applied or replayed submission, in target order. */
export function outcomes(reply: SubmitReply): RawOutcome[] {
  if (reply.kind === 'error') throw new Error(`submission failed with ${reply.code}`);
  return (JSON.parse(reply.json) as { periods: RawOutcome[] }).periods;
}

/** The 'all' outcome of a submission that was applied (not replayed). */
export async function applied(reply: Promise<SubmitReply>): Promise<RawOutcome> {
  const r = await reply;
  expect(r.kind).toBe('applied');
  return outcomes(r)[0];
}

/** Every key matching a pattern, on every master of a cluster. */
export async function scanAll(client: RedisClient, pattern: string): Promise<string[]> {
  const nodes: Redis[] = client instanceof Cluster ? client.nodes('master') : [client];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
  }
  return found.sort();
}

/** The first `limit` entries of a cycle, in rank order, without metadata. */
export async function topEntries(
  repo: LeaderboardsRepository,
  board: StoredBoard,
  limit = 100,
  cycle: { period: 'all' | 'daily'; id: string } = { period: 'all', id: 'all' },
): Promise<RankedEntry[]> {
  const page = await repo.range(board, cycle.period, cycle.id, limit, { mode: 'top' }, false);
  if (page === 'NOT_RANKED') throw new Error('a top read never answers NOT_RANKED');
  return page.entries;
}
