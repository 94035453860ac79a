import { Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { Clock } from '../common/clock';
import { DomainError, validationFailed } from '../common/domain-error';
import { BoardReadsService } from '../leaderboards/board-reads.service';
import { BoardsService } from '../leaderboards/boards.service';
import { currentCycle } from '../leaderboards/cycle-policy';
import type { Period } from '../leaderboards/cycles';
import type { StoredBoard } from '../leaderboards/leaderboard.types';
import { LiveHub, socketData } from './live-hub';
import { LiveRepository } from './live.repository';
import type { BoardSubscribeDto, RankSubscribeDto } from './live.dto';
import {
  BoardUpdated,
  rankSubscriptionId,
  ViewSpec,
  viewId,
  viewKeyPart,
  ViewState,
} from './live.types';
import { LiveTicker } from './live-ticker.service';
import { LiveViewsService } from './live-views.service';

/** Subscriptions one socket may hold (board views and ranks together). */
export const MAX_SUBSCRIPTIONS = 50;
/** A subscribe waits at most this long for another instance computing the view's first state. */
const BUSY_RETRIES = 40;
const BUSY_WAIT_MS = 25;

export type BoardSubscribeAck =
  | {
      subscription: string;
      epoch: string;
      seq: number;
      cycle: string;
      size: number;
      entries: BoardUpdated['entries'];
    }
  | { subscription: string; epoch: string; seq: number; cycle: string; updates: BoardUpdated[] };

/** The rules of live subscriptions (API §7). */
@Injectable()
export class LiveService {
  /** Concurrent subscribes to one view on this instance share one refresh. */
  private readonly inflight = new Map<string, Promise<ViewState>>();

  constructor(
    private readonly boards: BoardsService,
    private readonly reads: BoardReadsService,
    private readonly hub: LiveHub,
    private readonly views: LiveViewsService,
    private readonly ticker: LiveTicker,
    private readonly repo: LiveRepository,
    private readonly clock: Clock,
  ) {}

  async subscribeBoard(socket: Socket, dto: BoardSubscribeDto): Promise<BoardSubscribeAck> {
    const period = dto.period ?? 'all';
    const spec = this.viewSpec(dto, period);
    const id = viewId(spec);
    const board = await this.loadBoard(socket, dto.boardId, period, id);
    this.ticker.rememberBoard(board);
    try {
      // Join the room (and hear the board's channel) first: an update published from now on
      // reaches the socket, and one published before the state below was read is older than it
      // (the client ignores it, or resumes).
      const view = await this.hub.joinView(socket, spec);
      const state = await this.currentState(board, spec);
      this.ticker.noteCycle(view, state.cycle);
      this.hub.noteAcked(view, state);
      if (dto.since?.epoch === state.epoch) {
        const replay = await this.replay(board.boardId, spec, state, dto.since.seq);
        if (replay) return { subscription: id, ...replay };
      }
      const { epoch, seq, cycle, entries } = state;
      return { subscription: id, epoch, seq, cycle, size: entries.length, entries };
    } catch (error) {
      this.hub.leave(socket, id);
      throw error;
    }
  }

  async subscribeRank(socket: Socket, dto: RankSubscribeDto) {
    const period = dto.period ?? 'all';
    const id = rankSubscriptionId(dto.boardId, period, dto.playerId);
    const board = await this.loadBoard(socket, dto.boardId, period, id);
    const cycle = currentCycle(board, period, this.clock.now());
    let mine;
    try {
      // Join (and hear the board's submissions) before the rank is read, as for views.
      await this.hub.joinRank(socket, id, {
        kind: 'rank',
        boardId: dto.boardId,
        period,
        playerId: dto.playerId,
      });
      mine = (await this.reads.ranks(board, period, cycle, [dto.playerId])).entries[0];
    } catch (error) {
      this.hub.leave(socket, id);
      throw error;
    }
    return {
      subscription: id,
      boardId: dto.boardId,
      period,
      cycle: cycle.id,
      playerId: dto.playerId,
      rank: mine?.rank ?? null,
      score: mine?.score ?? null,
    };
  }

  unsubscribe(socket: Socket, subscription: string) {
    return { subscription, unsubscribed: this.hub.leave(socket, subscription) };
  }

  private viewSpec(dto: BoardSubscribeDto, period: Period): ViewSpec {
    const v = dto.view;
    if (v.type === 'top')
      return { boardId: dto.boardId, period, type: 'top', limit: v.limit ?? 10 };
    if (!v.playerId) throw validationFailed('view.playerId', 'is required for an around view');
    return {
      boardId: dto.boardId,
      period,
      type: 'around',
      playerId: v.playerId,
      radius: v.radius ?? 5,
    };
  }

  /** The board, if this socket may read it; checks the period and the subscription quota. */
  private async loadBoard(
    socket: Socket,
    boardId: string,
    period: Period,
    id: string,
  ): Promise<StoredBoard> {
    const data = socketData(socket);
    const principal = data.principal;
    const board = await this.boards.load(boardId, principal).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'UNAUTHENTICATED') {
        throw new DomainError(
          'UNAUTHENTICATED',
          'this board is not public: connect with auth.token',
        );
      }
      throw error;
    });
    if (!board.periods.includes(period)) {
      throw validationFailed(
        'period',
        `is not a period of this board (${board.periods.join(', ')})`,
      );
    }
    if (!data.subs.has(id) && data.subs.size >= MAX_SUBSCRIPTIONS) {
      throw new DomainError(
        'RATE_LIMITED',
        `at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`,
      );
    }
    return board;
  }

  private currentState(board: StoredBoard, spec: ViewSpec): Promise<ViewState> {
    const id = viewId(spec);
    let pending = this.inflight.get(id);
    if (!pending) {
      pending = this.computeState(board, spec).finally(() => this.inflight.delete(id));
      this.inflight.set(id, pending);
    }
    return pending;
  }

  private async computeState(board: StoredBoard, spec: ViewSpec): Promise<ViewState> {
    for (let attempt = 0; attempt < BUSY_RETRIES; attempt++) {
      const r = await this.views.refresh(board, spec, 'subscribe', { withEntries: true });
      if (r.kind === 'gone')
        throw new DomainError('BOARD_NOT_FOUND', `board ${board.boardId} does not exist`);
      if (r.kind === 'state') return r.state;
      await new Promise((done) => setTimeout(done, BUSY_WAIT_MS));
    }
    throw new DomainError('STORE_UNAVAILABLE', 'The view is being recomputed; retry shortly.');
  }

  /** The updates after `seq` from the view's log, if the log still holds all of them in order. */
  private async replay(boardId: string, spec: ViewSpec, state: ViewState, seq: number) {
    if (seq > state.seq) return null;
    if (seq === state.seq) return { epoch: state.epoch, seq, cycle: state.cycle, updates: [] };
    const log = (await this.repo.log(boardId, viewKeyPart(spec))).map(
      (t) => JSON.parse(t) as BoardUpdated,
    );
    const updates = log.filter((u) => u.epoch === state.epoch && u.seq > seq);
    const chained =
      updates.length > 0 &&
      updates.every((u, i) => u.prevSeq === (i === 0 ? seq : updates[i - 1].seq));
    if (!chained) return null;
    const last = updates[updates.length - 1];
    return { epoch: state.epoch, seq: last.seq, cycle: last.cycle, updates };
  }
}
