import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { BoardReadsService } from '../leaderboards/board-reads.service';
import { Cycle, parseCycleId, Period, previousCycle } from '../leaderboards/cycles';
import type { StoredBoard } from '../leaderboards/leaderboard.types';
import { LiveHub } from './live-hub';
import { LiveRepository } from './live.repository';
import type { CycleEnded } from './live.types';

/** How many entries `cycle.ended` carries. */
export const CYCLE_ENDED_TOP = 10;
/** An end still not delivered this long after it was due is given up: news that old is not news. */
const GIVE_UP_MS = 60 * 60 * 1000;
/** Ends delivered to local rooms are remembered this long (process time), at most this many. */
const DELIVERED_TTL_MS = 60 * 60 * 1000;
const DELIVERED_MAX = 10_000;

interface PendingEnd {
  boardId: string;
  period: Period;
  cycle: string;
  /** When the cycle's grace window closes (injected clock, ms): its top is final. */
  dueMs: number;
  attempts: number;
}

const endKey = (boardId: string, period: string, cycle: string): string =>
  `${boardId}|${period}|${cycle}`;

/**
 * `cycle.ended`, sent to every local room watching a board period exactly once per instance, and
 * reliably: pub/sub is only the fast path. An instance with local views of a period whose cycle
 * ended waits for the grace window, then asks the cycle's end record (one script): either the
 * message is stored (deliver it), another instance holds the short claim (wait), or it takes the
 * claim, reads the final top, and stores + publishes the message in one step (store-cycle-end.lua).
 * Until delivered locally, the end is asked again on every sweep: a lost pub/sub message is read
 * from the record, and a claimant that died leaves a claim that expires, so another one takes
 * over. Local delivery is deduplicated (pub/sub, this instance's own store and the sweep race).
 */
@Injectable()
export class LiveCycleEnds {
  private readonly logger = new Logger('LiveCycleEnds');
  /** Identifies this instance's claims. */
  private readonly owner = randomBytes(8).toString('hex');
  private readonly pending = new Map<string, PendingEnd>();
  /** Ends emitted to this instance's rooms → when to forget them (Date.now() ms), oldest first. */
  private readonly delivered = new Map<string, number>();

  constructor(
    private readonly hub: LiveHub,
    private readonly repo: LiveRepository,
    private readonly reads: BoardReadsService,
    private readonly clock: Clock,
  ) {}

  /**
   * A local view of the period is now on `current` (it was on `old`, or null when first seen): the
   * cycle before it ends after its grace window. A view first seen on `current` schedules the end of
   * the previous cycle only while that is still to come, not one announced before it was watched.
   */
  schedule(board: StoredBoard, period: Period, old: string | null, current: string): void {
    if (period === 'all' || old === current) return;
    const ended = this.endedCycle(board, period, old, current);
    const nowMs = this.clock.now().getTime();
    if (!ended?.endsAt || ended.endsAt.getTime() > nowMs) return;
    // Late submissions (`at` within the board's grace window) may still land in the old cycle:
    // its top is final only once the window has passed.
    const dueMs = ended.endsAt.getTime() + board.graceSeconds * 1000;
    if (old === null && dueMs <= nowMs) return;
    const key = endKey(board.boardId, period, ended.id);
    if (this.pending.has(key) || this.delivered.has(key)) return;
    this.pending.set(key, { boardId: board.boardId, period, cycle: ended.id, dueMs, attempts: 0 });
  }

  /** Emits a `cycle.ended` to the local room, unless this instance already did. */
  deliver(msg: CycleEnded): void {
    const key = endKey(msg.boardId, msg.period, msg.cycle);
    this.pending.delete(key);
    if (this.delivered.has(key)) return;
    this.remember(key);
    this.hub.deliverCycleEnded(msg);
  }

  /**
   * Every tick: each end that became due is tried once; one not delivered yet (another instance
   * holds the claim, or Redis failed) is tried again on every sweep. Ends of boards or periods
   * with no local view left are dropped (nobody here to tell).
   */
  async sendDue(boards: ReadonlyMap<string, StoredBoard>, sweep: boolean): Promise<void> {
    if (sweep) this.forgetDelivered();
    if (this.pending.size === 0) return;
    const nowMs = this.clock.now().getTime();
    const due: Promise<void>[] = [];
    for (const [key, end] of this.pending) {
      if (end.dueMs > nowMs || (end.attempts > 0 && !sweep)) continue;
      const board = boards.get(end.boardId);
      if (!board || nowMs > end.dueMs + GIVE_UP_MS || !this.watched(end)) this.pending.delete(key);
      else due.push(this.send(key, end, board));
    }
    await Promise.all(due);
  }

  /** What is scheduled and not delivered yet (board, period, cycle, attempts so far). */
  pendingEnds(): Readonly<PendingEnd>[] {
    return [...this.pending.values()].map((e) => ({ ...e }));
  }

  private async send(key: string, end: PendingEnd, board: StoredBoard): Promise<void> {
    end.attempts += 1;
    try {
      const cycle = parseCycleId(end.period, end.cycle, board.timezone);
      if (!cycle) {
        this.pending.delete(key);
        return;
      }
      const record = await this.repo.claimCycleEnd(end.boardId, end.period, end.cycle, this.owner);
      // Another instance is building it: its publish (or, if lost, the stored record at a later
      // sweep) delivers it here; if it died, its claim expires and a later sweep takes over.
      if (record.status === 'BUSY') return;
      if (record.status === 'SENT') return this.deliverStored(key, record.message);
      const top = await this.reads.top(board, end.period, cycle, CYCLE_ENDED_TOP, undefined, true);
      const msg: CycleEnded = {
        boardId: end.boardId,
        period: end.period,
        cycle: end.cycle,
        top: top.entries,
      };
      this.deliverStored(
        key,
        await this.repo.storeCycleEnd(end.boardId, end.period, end.cycle, JSON.stringify(msg)),
      );
    } catch (error) {
      // A domain error (the board is gone) will not heal; anything else is retried next sweep.
      if (error instanceof DomainError) this.pending.delete(key);
      this.logger.warn(`cycle.ended ${key} failed: ${String(error)}`);
    }
  }

  /**
   * The stored message (ours or another instance's). null: an older version left a bare marker
   * and published the message itself; only its pub/sub message can still bring it here.
   */
  private deliverStored(key: string, message: string | null): void {
    if (message !== null) this.deliver(JSON.parse(message) as CycleEnded);
    else this.pending.delete(key);
  }

  private endedCycle(
    board: StoredBoard,
    period: Period,
    old: string | null,
    current: string,
  ): Cycle | null {
    if (old !== null) return parseCycleId(period, old, board.timezone);
    const now = parseCycleId(period, current, board.timezone);
    return now && previousCycle(now, board.timezone);
  }

  private watched(end: PendingEnd): boolean {
    return this.hub.viewsOf(end.boardId).some((v) => v.spec.period === end.period);
  }

  private remember(key: string): void {
    this.delivered.set(key, Date.now() + DELIVERED_TTL_MS);
    if (this.delivered.size > DELIVERED_MAX) {
      const oldest = this.delivered.keys().next();
      if (!oldest.done) this.delivered.delete(oldest.value);
    }
  }

  /** Entries expire in insertion order, so the walk stops at the first one still current. */
  private forgetDelivered(): void {
    const nowMs = Date.now();
    for (const [key, until] of this.delivered) {
      if (until > nowMs) return;
      this.delivered.delete(key);
    }
  }
}
