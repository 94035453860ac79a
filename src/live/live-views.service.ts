import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { BoardReadsService } from '../leaderboards/board-reads.service';
import { currentCycle } from '../leaderboards/cycle-policy';
import type { Cycle } from '../leaderboards/cycles';
import type { StoredBoard } from '../leaderboards/leaderboard.types';
import { LiveRepository } from './live.repository';
import { liveMetrics } from './live.metrics';
import type { BoardUpdated, Entry, ViewSpec, ViewState } from './live.types';
import { viewId, viewKeyPart } from './live.types';
import { diffView } from './view-diff';

export type ReadCause = 'tick' | 'subscribe' | 'resync';

export type RefreshResult =
  /**
   * The state subscribers should hold now (entries included when asked for or recomputed).
   * `deferred`: another instance holds the view (recomputing it, or cooling down after doing so),
   * so changes this instance heard of may not be in it yet: check again next tick.
   */
  | { kind: 'state'; state: ViewState; published: BoardUpdated | null; deferred?: boolean }
  /** Another instance holds the claim and no state exists yet, or it moved on meanwhile: retry. */
  | { kind: 'busy' }
  | { kind: 'gone' };

const newEpoch = (): string => randomBytes(6).toString('base64url');

/**
 * After an instance claims a view, other instances' ticks may not claim it for this share of
 * LIVE_TICK_MS (its own may: it keeps the view at its own cadence). Every instance with
 * subscribers of a board ticks it at its own phase; without the cool-down, N instances recomputed
 * and published a busy view N times per tick (measured: 2 instances, ~20 updates/s at a 100 ms
 * tick). Shorter than a tick, so when the claimant stops ticking the view another takes over
 * within one of its own ticks.
 */
const COOL_DOWN_SHARE = 0.75;

/**
 * Recomputes views: once per view and change, whatever the number of subscribers or instances.
 * A claim (one script) says whether the stored state is current for the board's version and cycle;
 * only the claimant reads the view, diffs it and stores + publishes the update atomically.
 */
@Injectable()
export class LiveViewsService {
  /** Identifies this instance's claims. */
  private readonly owner = randomBytes(8).toString('hex');

  private readonly coolDownMs: number;

  constructor(
    private readonly repo: LiveRepository,
    private readonly reads: BoardReadsService,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.coolDownMs = Math.floor(config.live.tickMs * COOL_DOWN_SHARE);
  }

  async refresh(
    board: StoredBoard,
    spec: ViewSpec,
    cause: ReadCause,
    opts: { force?: boolean; withEntries?: boolean } = {},
  ): Promise<RefreshResult> {
    const current = currentCycle(board, spec.period, this.clock.now());
    const cycle = current.id;
    const key = viewKeyPart(spec);
    const claim = await this.repo.claim(board.boardId, key, cycle, this.owner, {
      force: opts.force ?? false,
      withEntries: opts.withEntries ?? false,
      // A subscriber's ack and a resync want the current state now; only ticks wait.
      throughCoolDown: cause !== 'tick',
    });
    if (claim.status === 'GONE') return { kind: 'gone' };
    if (claim.status !== 'CLAIMED') {
      if (!claim.state) return { kind: 'busy' };
      const deferred = claim.status === 'LOCKED';
      return { kind: 'state', state: claim.state, published: null, deferred };
    }
    liveMetrics.viewReads.inc({ cause });
    const entries = await this.read(board, spec, current);
    const prev = claim.state;
    const epoch = prev && prev.cycle === cycle ? prev.epoch : newEpoch();
    const update = diffView(viewId(spec), prev, { epoch, cycle, entries });
    const next: ViewState = update
      ? { epoch, cycle, seq: update.seq, entries }
      : (prev as ViewState);
    const stored = await this.repo.store({
      boardId: board.boardId,
      viewKey: key,
      expected: prev,
      next,
      ver: claim.ver,
      update: update ? JSON.stringify(update) : null,
      owner: this.owner,
      claimedAt: claim.at,
      coolDownMs: this.coolDownMs,
    });
    if (!stored) return { kind: 'busy' };
    if (update) liveMetrics.updatesPublished.inc();
    return { kind: 'state', state: next, published: update };
  }

  /** The view as a REST read returns it (entries with metadata and profiles). */
  private async read(board: StoredBoard, spec: ViewSpec, cycle: Cycle): Promise<Entry[]> {
    if (spec.type === 'top')
      return (await this.reads.top(board, spec.period, cycle, spec.limit, undefined, false))
        .entries;
    try {
      return (await this.reads.around(board, spec.period, cycle, spec.playerId, spec.radius))
        .entries;
    } catch (error) {
      // A player not (yet) on the board: the window is empty until their first score.
      if (error instanceof DomainError && error.code === 'NOT_RANKED') return [];
      throw error;
    }
  }
}
