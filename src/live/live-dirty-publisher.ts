import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ScoreEvents, ScoresApplied } from '../leaderboards/score-events';
import { LiveRepository } from './live.repository';
import { liveMetrics } from './live.metrics';
import type { DirtyMessage } from './live.types';

/**
 * Turns applied submissions into dirty messages on each board's own channel, so an instance hears
 * only the boards it has live subscribers of. Submissions of one board finishing in the same turn
 * of the event loop (a batch, concurrent requests) travel as one PUBLISH, sent on the next turn
 * (the publishes of several boards go out in one auto-pipelined write). The submission is answered
 * without waiting for it: the score is already applied, and what reaches live subscribers is read
 * from Redis at the next tick whatever the message says. A lost message (failed publish, crash
 * before the flush, pub/sub loss) is repaired by the ticker's periodic sweep, which re-checks
 * every watched view against the board's version; only the `rank.changed` events it carried are
 * lost, as with any pub/sub loss.
 */
@Injectable()
export class LiveDirtyPublisher implements OnModuleInit {
  private readonly logger = new Logger('LiveDirtyPublisher');
  private pending = new Map<string, DirtyMessage['events']>();
  private scheduled = false;

  constructor(
    private readonly events: ScoreEvents,
    private readonly repo: LiveRepository,
  ) {}

  onModuleInit(): void {
    this.events.listen((e) => this.add(e));
  }

  private add(e: ScoresApplied): void {
    const periods = e.periods.map((p) => ({
      period: p.period,
      cycle: p.cycle,
      rank: p.rank,
      previousRank: p.previousRank,
      score: p.score,
    }));
    const event = { boardId: e.boardId, playerId: e.playerId, periods };
    const board = this.pending.get(e.boardId);
    if (board) board.push(event);
    else this.pending.set(e.boardId, [event]);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    for (const [boardId, events] of pending) {
      liveMetrics.dirtyPublished.inc();
      this.repo
        .publishDirty(boardId, JSON.stringify({ events } satisfies DirtyMessage))
        .catch((error) =>
          this.logger.warn(`dirty publish failed (the sweep repairs it): ${String(error)}`),
        );
    }
  }
}
