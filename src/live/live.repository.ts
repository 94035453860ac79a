import { Inject, Injectable } from '@nestjs/common';
import { Keys } from '../redis/keys';
import type { RedisClient } from '../redis/redis-connections';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import type { Entry, ViewState } from './live.types';

export type ClaimStatus = 'FRESH' | 'CLAIMED' | 'LOCKED' | 'GONE';

export interface Claim {
  status: ClaimStatus;
  /** The board's content version when claimed. */
  ver: string;
  /** Redis server time of the claim (ms): the cool-down after the store counts from it. */
  at: number;
  /** The stored state (entries empty unless asked for or claimed); null when there is none. */
  state: ViewState | null;
}

export interface StoreCommand {
  boardId: string;
  viewKey: string;
  expected: ViewState | null;
  next: ViewState;
  ver: string;
  /** Wire JSON of the update to log and publish; null when only the version moves. */
  update: string | null;
  owner: string;
  /** Claim.at of the claim this store ends. */
  claimedAt: number;
  /** How long after the claim no instance may claim the view again (ms). */
  coolDownMs: number;
}

/** How many updates a view keeps for `since` replays. */
export const LOG_CAP = 64;
/** A view's state outlives its last subscriber by this much (then a new epoch starts). */
const STATE_TTL_MS = 10 * 60 * 1000;
/** A claim a crashed instance never released expires after this. */
const LOCK_TTL_MS = 2000;
/** A `cycle.ended` claim a crashed instance never turned into a message expires after this. */
export const CYCLE_END_CLAIM_TTL_MS = 5000;
/** A stored `cycle.ended` message outlives every instance's retries (they give up after an hour). */
export const CYCLE_ENDED_TTL_S = 7 * 86400;

/**
 * A finished cycle's `cycle.ended` record: CLAIMED, the caller builds the message; BUSY, another
 * instance does; SENT, `message` is the stored JSON (null: a bare marker left by an older version).
 */
export type CycleEndRecord =
  { status: 'CLAIMED' | 'BUSY' } | { status: 'SENT'; message: string | null };

/** The only live-path code talking to Redis: view states, claims, replay logs, pub/sub. */
@Injectable()
export class LiveRepository {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Is the view's state current for `cycle` and the board's version? If not, try to lock it. */
  async claim(
    boardId: string,
    viewKey: string,
    cycle: string,
    owner: string,
    opts: { force: boolean; withEntries: boolean; throughCoolDown: boolean },
  ): Promise<Claim> {
    const [status, ver, epoch, stateCycle, seq, entries, at] = await this.redis.rfClaimView(
      4,
      this.keys.boardConfig(boardId),
      this.keys.liveViewState(boardId, viewKey),
      this.keys.liveViewLock(boardId, viewKey),
      this.keys.liveViewLog(boardId, viewKey),
      cycle,
      owner,
      LOCK_TTL_MS,
      STATE_TTL_MS,
      opts.force ? '1' : '0',
      opts.withEntries ? '1' : '0',
      opts.throughCoolDown ? '1' : '0',
    );
    const state: ViewState | null =
      epoch === ''
        ? null
        : {
            epoch,
            cycle: stateCycle,
            seq: Number(seq),
            entries: entries === '' ? [] : (JSON.parse(entries) as Entry[]),
          };
    return { status: status as ClaimStatus, ver, at: Number(at), state };
  }

  /** Compare-and-set of the view's state; appends and publishes the update in the same step. */
  async store(cmd: StoreCommand): Promise<boolean> {
    const reply = await this.redis.rfStoreView(
      3,
      this.keys.liveViewState(cmd.boardId, cmd.viewKey),
      this.keys.liveViewLog(cmd.boardId, cmd.viewKey),
      this.keys.liveViewLock(cmd.boardId, cmd.viewKey),
      cmd.expected?.epoch ?? '',
      cmd.expected ? String(cmd.expected.seq) : '',
      cmd.next.epoch,
      cmd.next.cycle,
      cmd.next.seq,
      cmd.ver,
      JSON.stringify(cmd.next.entries),
      cmd.update ?? '',
      LOG_CAP,
      STATE_TTL_MS,
      this.keys.liveViewsChannel(cmd.boardId),
      cmd.owner,
      cmd.claimedAt,
      cmd.coolDownMs,
    );
    return reply === 'OK';
  }

  /** The view's logged updates (wire JSON), oldest first. */
  async log(boardId: string, viewKey: string): Promise<string[]> {
    return this.redis.lrange(this.keys.liveViewLog(boardId, viewKey), 0, -1);
  }

  /** The cycle's `cycle.ended` message if stored, else a claim to build it (one claimant). */
  async claimCycleEnd(
    boardId: string,
    period: string,
    cycle: string,
    owner: string,
  ): Promise<CycleEndRecord> {
    const [status, message] = await this.redis.rfClaimCycleEnd(
      1,
      this.keys.liveCycleEnded(boardId, period, cycle),
      `claim:${owner}`,
      CYCLE_END_CLAIM_TTL_MS,
    );
    if (status === 'SENT') return { status, message: message === '' ? null : message };
    return { status: status as 'CLAIMED' | 'BUSY' };
  }

  /**
   * Stores and publishes the message (one step) unless one is stored already; returns the stored
   * message, this one or the earlier one (null: a bare marker left by an older version).
   */
  async storeCycleEnd(
    boardId: string,
    period: string,
    cycle: string,
    message: string,
  ): Promise<string | null> {
    const [, stored] = await this.redis.rfStoreCycleEnd(
      1,
      this.keys.liveCycleEnded(boardId, period, cycle),
      message,
      CYCLE_ENDED_TTL_S,
      this.keys.liveCyclesChannel(),
    );
    return stored === '' ? null : stored;
  }

  async publishDirty(boardId: string, message: string): Promise<void> {
    await this.redis.publish(this.keys.liveDirtyChannel(boardId), message);
  }

  async publishControl(message: string): Promise<void> {
    await this.redis.publish(this.keys.liveControlChannel(), message);
  }
}
