/** Small HTTP helpers shared by the scores-*.test.ts files (API §1-§3). */
import type { TestApp } from '../support/app';

export interface PeriodResult {
  cycle: string;
  score: number | null;
  rank: number | null;
  previousRank: number | null;
  previousScore: number | null;
  improved: boolean;
}

export interface SubmitBody {
  playerId: string;
  replayed: boolean;
  periods: Record<string, PeriodResult>;
}

/** A body that is either the success shape or an API §0 error. */
export type OrError<T> = T & {
  error: { code: string; message: string; details?: { field?: string }[] };
};

export interface TopEntry {
  rank: number;
  playerId: string;
  score: number;
  metadata?: Record<string, unknown>;
}

/** Creates a board and fails the test unless it was created (201). */
export async function createBoard(
  t: TestApp,
  boardId: string,
  config: Record<string, unknown> = {},
): Promise<void> {
  const res = await t.http.put(`/v1/boards/${boardId}`, config);
  if (res.status !== 201) throw new Error(`PUT board ${boardId}: ${res.status} ${res.text}`);
}

/** Submits one score and fails the test unless it was accepted (200). */
export async function submit(
  t: TestApp,
  boardId: string,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<SubmitBody> {
  const res = await t.http.post<SubmitBody>(`/v1/boards/${boardId}/scores`, body, headers);
  if (res.status !== 200) throw new Error(`POST score to ${boardId}: ${res.status} ${res.text}`);
  return res.body;
}

/** The whole current cycle (≤ 100 entries) in rank order, and its total. */
export async function top(
  t: TestApp,
  boardId: string,
  query = '',
): Promise<{ total: number; entries: TopEntry[]; etag: string | null }> {
  const res = await t.http.get(`/v1/boards/${boardId}/top?limit=100${query}`);
  if (res.status !== 200) throw new Error(`GET top of ${boardId}: ${res.status} ${res.text}`);
  return { total: res.body.total, entries: res.body.entries, etag: res.headers.get('etag') };
}

/** [playerId, score, rank] triples of the current cycle, best first. */
export async function standings(
  t: TestApp,
  boardId: string,
  query = '',
): Promise<[string, number, number][]> {
  const { entries } = await top(t, boardId, query);
  return entries.map((e) => [e.playerId, e.score, e.rank]);
}

/**
 * Every read endpoint (top, players/:id, around, ranks) agrees on each player's rank and score.
 * Returns the ranks seen by `top`, best first.
 */
export async function ranksFromEveryEndpoint(
  t: TestApp,
  boardId: string,
): Promise<[string, number][]> {
  const { entries } = await top(t, boardId);
  const ids = entries.map((e) => e.playerId);
  const fromTop = entries.map((e): [string, number] => [e.playerId, e.rank]);
  const ranks = await t.http.get(`/v1/boards/${boardId}/ranks?playerIds=${ids.join(',')}`);
  const fromRanks = (ranks.body.entries as TopEntry[]).map((e): [string, number] => [
    e.playerId,
    e.rank,
  ]);
  const fromPlayer: [string, number][] = [];
  const fromAround: [string, number][] = [];
  for (const id of ids) {
    const p = await t.http.get(`/v1/boards/${boardId}/players/${id}`);
    fromPlayer.push([id, p.body.rank]);
    const a = await t.http.get(`/v1/boards/${boardId}/players/${id}/around?radius=0`);
    const self = (a.body.entries as TopEntry[]).find((e) => e.playerId === id);
    fromAround.push([id, self?.rank ?? -1]);
  }
  if (
    JSON.stringify([fromRanks, fromPlayer, fromAround]) !==
    JSON.stringify([fromTop, fromTop, fromTop])
  ) {
    throw new Error(
      `ranks disagree: top ${JSON.stringify(fromTop)} ranks ${JSON.stringify(fromRanks)} ` +
        `players ${JSON.stringify(fromPlayer)} around ${JSON.stringify(fromAround)}`,
    );
  }
  return fromTop;
}
