import { Injectable, Logger } from '@nestjs/common';
import type { BoardId, PeriodOutcome, PlayerId, StoredBoard } from './leaderboard.types';

/** An applied (not replayed) submission: what changed for the submitting player, per period. */
export interface ScoresApplied {
  boardId: BoardId;
  playerId: PlayerId;
  /** Only the periods whose score changed. */
  periods: Omit<PeriodOutcome, 'changed' | 'improved'>[];
  /** The board's configuration as the submission saw it (board activities read `activities`). */
  board?: StoredBoard;
}

export type ScoresAppliedListener = (event: ScoresApplied) => Promise<void> | void;

/**
 * In-process hook after a submission is applied, so other features (the live path) can react
 * without the leaderboards module depending on them. The submission is answered once listeners
 * are done (listeners that only queue work, like the live path's dirty message, return at once); a listener's
 * failure is logged and never fails the submission, which has already succeeded.
 */
@Injectable()
export class ScoreEvents {
  private readonly logger = new Logger('ScoreEvents');
  private readonly listeners: ScoresAppliedListener[] = [];

  listen(listener: ScoresAppliedListener): void {
    this.listeners.push(listener);
  }

  async applied(event: ScoresApplied): Promise<void> {
    const results = await Promise.allSettled(
      this.listeners.map(async (listener) => listener(event)),
    );
    for (const r of results) {
      if (r.status === 'rejected') this.logger.error(`score listener failed: ${String(r.reason)}`);
    }
  }
}
