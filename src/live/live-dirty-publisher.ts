import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ScoreEvents, ScoresApplied } from '../leaderboards/score-events';
import { LiveRepository } from './live.repository';
import { liveMetrics } from './live.metrics';
import type { DirtyMessage } from './live.types';

/**
 * Turns applied submissions into dirty messages. Submissions finishing in the same turn of the
 * event loop (a batch, concurrent requests) travel as one PUBLISH, which each of them awaits. A
 * failed publish is logged, not thrown: the submission already succeeded, and the ticker's
 * periodic sweep repairs a lost message.
 */
@Injectable()
export class LiveDirtyPublisher implements OnModuleInit {
  private readonly logger = new Logger('LiveDirtyPublisher');
  private pending: DirtyMessage['events'] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly events: ScoreEvents,
    private readonly repo: LiveRepository,
  ) {}

  onModuleInit(): void {
    this.events.listen((e) => this.add(e));
  }

  private add(e: ScoresApplied): Promise<void> {
    const periods = e.periods.map((p) => ({
      period: p.period,
      cycle: p.cycle,
      rank: p.rank,
      previousRank: p.previousRank,
      score: p.score,
    }));
    this.pending.push({ boardId: e.boardId, playerId: e.playerId, periods });
    this.flushing ??= new Promise<void>((done) => setImmediate(done)).then(() => this.flush());
    return this.flushing;
  }

  private async flush(): Promise<void> {
    const events = this.pending;
    this.pending = [];
    this.flushing = null;
    liveMetrics.dirtyPublished.inc();
    try {
      await this.repo.publishDirty(JSON.stringify({ events } satisfies DirtyMessage));
    } catch (error) {
      this.logger.warn(`dirty publish failed (the sweep repairs it): ${String(error)}`);
    }
  }
}
