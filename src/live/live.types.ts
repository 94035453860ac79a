import type { EntryView } from '../leaderboards/board-reads.service';
import type { Period } from '../leaderboards/cycles';

/** A view of one board period: the top N, or a window of `radius` entries around a player. */
export type ViewSpec =
  | { boardId: string; period: Period; type: 'top'; limit: number }
  | { boardId: string; period: Period; type: 'around'; playerId: string; radius: number };

/**
 * The subscription id of a view, deterministic so that every subscriber of one view shares one
 * socket.io room and one computed payload: `board:<boardId>:<period>:top:<limit>` or
 * `board:<boardId>:<period>:around:<playerId>:<radius>`. Ids are allow-listed (no ':').
 */
export function viewId(v: ViewSpec): string {
  const tail = v.type === 'top' ? `top:${v.limit}` : `around:${v.playerId}:${v.radius}`;
  return `board:${v.boardId}:${v.period}:${tail}`;
}

/** The part of a view id below its board, used in the board's keys. */
export function viewKeyPart(v: ViewSpec): string {
  return viewId(v).slice(`board:${v.boardId}:`.length);
}

export function rankSubscriptionId(boardId: string, period: Period, playerId: string): string {
  return `rank:${boardId}:${period}:${playerId}`;
}

export type Entry = EntryView;

/** What a view's subscribers hold: `(epoch, seq)` names exactly this list of entries. */
export interface ViewState {
  epoch: string;
  cycle: string;
  seq: number;
  entries: Entry[];
}

/** `board.updated` (API §7): `changes` against the previous message, or the whole view. */
export interface BoardUpdated {
  subscription: string;
  epoch: string;
  seq: number;
  prevSeq: number;
  cycle: string;
  size: number;
  changes?: { position: number; entry: Entry }[];
  entries?: Entry[];
}

/** `cycle.ended` (API §7): the finished cycle's final top. */
export interface CycleEnded {
  boardId: string;
  period: Period;
  cycle: string;
  top: Entry[];
}

/** `rank.changed` (API §7): the subscribed player's own score changed. */
export interface RankChanged {
  boardId: string;
  period: Period;
  cycle: string;
  playerId: string;
  rank: number | null;
  previousRank: number | null;
  score: number | null;
}

/** The dirty message a submission publishes (a batch of submissions travels as one message). */
export interface DirtyMessage {
  events: {
    boardId: string;
    playerId: string;
    periods: Omit<RankChanged, 'boardId' | 'playerId'>[];
  }[];
}

/** Why a subscription or a socket was ended: the code a new subscribe or handshake would get. */
export interface EndReason {
  code: 'BOARD_NOT_FOUND' | 'UNAUTHENTICATED';
  message: string;
}

/** `subscription.ended` (an addition to API §7): the subscription is over, nothing more comes. */
export interface SubscriptionEnded {
  subscription: string;
  reason: EndReason;
}

/** `session.ended`: the socket's session token ended; the server disconnects it right after. */
export interface SessionEnded {
  reason: EndReason;
}

/** What the live control channel carries: subscriptions or sockets every instance must end. */
export type LiveControl =
  | { kind: 'board'; boardId: string; change: 'deleted' | 'private' }
  | { kind: 'sessions'; sessionIds: string[] };

/** socket.io room names. */
export const rooms = {
  view: (subscription: string): string => `v|${subscription}`,
  rank: (subscription: string): string => `r|${subscription}`,
  cycles: (boardId: string, period: string): string => `c|${boardId}|${period}`,
  /** Sockets whose send buffer is too full: broadcasts skip them ("latest wins"). */
  slow: 'slow',
};
