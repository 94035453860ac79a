import type { Period } from './cycles';
import {
  DEFAULT_BOARD_ACTIVITIES,
  BoardActivityKind,
  BoardConfig,
  StoredBoard,
} from './leaderboard.types';

/** Board configuration ↔ the flat string fields of its Redis hash. */
export function boardToFields(b: BoardConfig): string[] {
  const fields: Record<string, string> = {
    title: b.title,
    order: b.order,
    update: b.update,
    periods: b.periods.join(','),
    timezone: b.timezone,
    retain: String(b.retain),
    ties: b.ties,
    integer: b.integer ? '1' : '0',
    public: b.public ? '1' : '0',
    graceSeconds: String(b.graceSeconds),
    createdAt: b.createdAt,
    activities: (b.activities ?? DEFAULT_BOARD_ACTIVITIES).join(','),
  };
  if (b.minScore !== null) fields.minScore = String(b.minScore);
  if (b.maxScore !== null) fields.maxScore = String(b.maxScore);
  if (b.capacity !== null) fields.capacity = String(b.capacity);
  return Object.entries(fields).flat();
}

export function boardFromFields(boardId: string, h: Record<string, string>): StoredBoard | null {
  if (!h.order) return null;
  const num = (v: string | undefined): number | null => (v === undefined ? null : Number(v));
  return {
    boardId,
    title: h.title,
    order: h.order as StoredBoard['order'],
    update: h.update as StoredBoard['update'],
    periods: h.periods.split(',') as Period[],
    timezone: h.timezone,
    retain: Number(h.retain),
    ties: h.ties as StoredBoard['ties'],
    minScore: num(h.minScore),
    maxScore: num(h.maxScore),
    integer: h.integer === '1',
    public: h.public === '1',
    capacity: num(h.capacity),
    graceSeconds: Number(h.graceSeconds),
    createdAt: h.createdAt,
    // Boards stored before the field existed generate every kind.
    activities:
      h.activities === undefined
        ? [...DEFAULT_BOARD_ACTIVITIES]
        : (h.activities.split(',').filter((k) => k !== '') as BoardActivityKind[]),
    version: Number(h.ver ?? 0),
    hasScores: h.hasScores === '1',
  };
}
