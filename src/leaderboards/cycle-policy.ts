import { DomainError, validationFailed } from '../common/domain-error';
import { Cycle, cycleAt, cyclesBetween, parseCycleId, Period, retainedUntil } from './cycles';
import type { BoardConfig, CycleTarget } from './leaderboard.types';

/** Keys outlive their logical retention a little, so a read at the boundary never races expiry. */
const TTL_SLACK_MS = 60 * 60 * 1000;
/** How far in the future `at` may be (clock skew between a game server and us). */
const FUTURE_SKEW_MS = 5000;

export function currentCycle(board: BoardConfig, period: Period, now: Date): Cycle {
  return cycleAt(period, board.timezone, now);
}

/**
 * Where a submission earned at `at` lands in each period, and how long each cycle's keys live.
 * TTLs are relative to the injected clock, never absolute, so tests with a moved clock still work.
 */
export function submissionTargets(board: BoardConfig, at: Date, now: Date): CycleTarget[] {
  return board.periods.map((period) => {
    const cycle = cycleAt(period, board.timezone, at);
    const until = retainedUntil(cycle, board.timezone, board.retain);
    return {
      period,
      cycle: cycle.id,
      startsAtMs: cycle.startsAt?.getTime() ?? 0,
      ttlMs: until === null ? 0 : Math.max(1, until.getTime() - now.getTime()) + TTL_SLACK_MS,
    };
  });
}

/** Checks a late or early `at` against the board's grace window. */
export function resolveAt(
  board: BoardConfig,
  at: string | undefined,
  now: Date,
  field = 'at',
): Date {
  if (at === undefined) return now;
  const when = new Date(at);
  if (Number.isNaN(when.getTime())) throw validationFailed(field, 'is not a valid ISO-8601 time');
  if (when.getTime() > now.getTime() + FUTURE_SKEW_MS)
    throw validationFailed(field, 'is in the future');
  if (when.getTime() < now.getTime() - board.graceSeconds * 1000) {
    throw validationFailed(
      field,
      `is older than the board's grace window (${board.graceSeconds} s)`,
    );
  }
  return when;
}

/** The cycle a read asks for: current by default, else a retained past cycle id. */
export function resolveReadCycle(
  board: BoardConfig,
  period: Period,
  cycleId: string | undefined,
  now: Date,
): Cycle {
  if (!board.periods.includes(period)) {
    throw validationFailed('period', `is not a period of this board (${board.periods.join(', ')})`);
  }
  const current = currentCycle(board, period, now);
  if (cycleId === undefined || cycleId === current.id) return current;
  const cycle = parseCycleId(period, cycleId, board.timezone);
  if (!cycle) throw validationFailed('cycle', `is not a valid ${period} cycle id`);
  const startsAt = cycle.startsAt?.getTime() ?? 0;
  if (startsAt > now.getTime() || cyclesBetween(cycle, current, board.timezone) > board.retain) {
    throw new DomainError(
      'CYCLE_NOT_FOUND',
      `cycle ${cycleId} is not retained (retain: ${board.retain})`,
    );
  }
  return cycle;
}
