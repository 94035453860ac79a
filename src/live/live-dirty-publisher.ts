import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ScoreEvents, ScoresApplied } from '../leaderboards/score-events';
import { LiveRepository } from './live.repository';
import { liveMetrics } from './live.metrics';
import type { DirtyMessage } from './live.types';

/**
 * Turns applied submissions into dirty messages. Submissions finishing in the same turn of the
 * event loop (a batch, concurrent requests) travel as one PUBLISH, sent on the next turn. The
 * submission is answered without waiting for it: the score is already applied, and what reaches
 * live subscribers is read from Redis at the next tick whatever the message says. A lost message
 * (failed publish, crash before the flush, pub/sub loss) is repaired by the ticker's periodic
 * sweep, which re-checks every watched view against the board's version; only the `rank.changed`
 * events it carried are lost, as with any pub/sub loss.
 */
@Injectable()
export class LiveDirtyPublisher implements OnModuleInit {
  private readonly logger = new Logger('LiveDirtyPublisher');
  private pending: DirtyMessage['events'] = [];
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
    this.pending.push({ boardId: e.boardId, playerId: e.playerId, periods });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const events = this.pending;
    this.pending = [];
    this.scheduled = false;
    liveMetrics.dirtyPublished.inc();
    try {
      await this.repo.publishDirty(JSON.stringify({ events } satisfies DirtyMessage));
    } catch (error) {
      this.logger.warn(`dirty publish failed (the sweep repairs it): ${String(error)}`);
    }
  }
}
