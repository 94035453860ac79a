import { Injectable, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Clock } from '../common/clock';
import {
  DEFAULT_BOARD_ACTIVITIES,
  BoardActivityKind,
  StoredBoard,
} from '../leaderboards/leaderboard.types';
import { ScoreEvents, ScoresApplied } from '../leaderboards/score-events';
import { ActivitiesService } from './activities.service';

const VERBS: Record<BoardActivityKind, string> = {
  personal_best: 'personal_best',
  top10: 'entered_top10',
  leader: 'new_leader',
};

type Outcome = ScoresApplied['periods'][number];

/**
 * Board activities (API §5): an applied submission that sets a new personal best, enters the top
 * 10 or takes the lead becomes an activity of the player, listed in the board's stream too. Judged
 * on the board's `all` period (or its first period when it has no `all`), for the kinds the
 * board's `activities` setting enables. The foreignId is derived from the outcome, so a repeated
 * event never creates a duplicate.
 */
@Injectable()
export class BoardActivities implements OnModuleInit {
  constructor(
    private readonly events: ScoreEvents,
    private readonly activities: ActivitiesService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.events.listen((e) => this.onApplied(e));
  }

  async onApplied(e: ScoresApplied): Promise<void> {
    const board = e.board;
    if (!board) return;
    const enabled = board.activities ?? DEFAULT_BOARD_ACTIVITIES;
    const period = board.periods.includes('all') ? 'all' : board.periods[0];
    const o = e.periods.find((p) => p.period === period);
    if (!o || o.score === null) return;
    const kinds = enabled.filter((k) => happened(k, o, board));
    const timeMs = this.clock.now().getTime();
    for (const kind of kinds) {
      await this.activities.create(e.playerId, {
        verb: VERBS[kind],
        object: board.boardId,
        timeMs,
        foreignId: foreignId(kind, board.boardId, e.playerId, o),
        boardId: board.boardId,
        data: {
          boardId: board.boardId,
          period: o.period,
          cycle: o.cycle,
          score: o.score,
          rank: o.rank,
          previousScore: o.previousScore,
          previousRank: o.previousRank,
        },
      });
    }
  }
}

function happened(kind: BoardActivityKind, o: Outcome, board: StoredBoard): boolean {
  if (kind === 'personal_best') {
    if (o.previousScore === null) return true;
    return board.order === 'desc' ? o.score! > o.previousScore : o.score! < o.previousScore;
  }
  if (o.rank === null) return false;
  if (kind === 'top10') return o.rank <= 10 && (o.previousRank === null || o.previousRank > 10);
  return o.rank === 1 && o.previousRank !== 1;
}

function foreignId(kind: BoardActivityKind, boardId: string, playerId: string, o: Outcome): string {
  const key = [kind, boardId, playerId, o.period, o.cycle, o.score, o.rank].join('|');
  return `b.${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`;
}
