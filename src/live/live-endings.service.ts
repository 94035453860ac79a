import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { Principal } from '../auth/principal';
import { SessionsService } from '../auth/sessions.service';
import { BoardsService } from '../leaderboards/boards.service';
import { LiveHub, socketData } from './live-hub';
import { LiveRepository } from './live.repository';
import { liveMetrics } from './live.metrics';
import type { EndReason, LiveControl, SessionEnded, SubscriptionEnded } from './live.types';

export const boardDeleted = (boardId: string): EndReason => ({
  code: 'BOARD_NOT_FOUND',
  message: `board ${boardId} was deleted`,
});
const madePrivate: EndReason = {
  code: 'UNAUTHENTICATED',
  message: 'this board is not public any more: connect with auth.token',
};
const sessionOver: EndReason = {
  code: 'UNAUTHENTICATED',
  message: 'the session of this connection has ended: connect again with a new token',
};
/** When Redis did not answer the expiry check: look again this much later. */
const EXPIRY_RETRY_MS = 5000;
/** Longest a timer may wait (setTimeout's limit is 2^31 - 1 ms); a longer lifetime is re-checked. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ends, on every instance, what a change made elsewhere invalidated: a deleted board's
 * subscriptions, anonymous subscriptions to a board made private, and sockets opened with a
 * session token that has ended. The change is published once on the live control channel (the
 * REST call answers after that); every instance (LiveSubscriber) applies it to its own sockets.
 * Each ended subscription is told `subscription.ended` {subscription, reason} once, with the code
 * a new subscribe would answer; a socket whose session ended is told `session.ended` {reason} and
 * disconnected. Pub/sub is at-most-once: the ticker also ends the views of a board it finds gone.
 * A session that simply expires publishes nothing: each player socket has a timer at its
 * session's expiry, which looks again (a refresh moves it) and ends the socket if it is over.
 */
@Injectable()
export class LiveEndings implements OnModuleInit {
  private readonly logger = new Logger('LiveEndings');

  constructor(
    private readonly boards: BoardsService,
    private readonly sessions: SessionsService,
    private readonly repo: LiveRepository,
    private readonly hub: LiveHub,
  ) {}

  onModuleInit(): void {
    this.boards.onChange((c) => this.publish({ kind: 'board', ...c }));
    this.sessions.onEnded((sessionIds) => this.publish({ kind: 'sessions', sessionIds }));
  }

  /** A control message, from this instance or another. */
  handle(msg: LiveControl): void {
    if (msg.kind === 'sessions') this.endSessions(new Set(msg.sessionIds));
    else if (msg.change === 'deleted') this.endBoard(msg.boardId, boardDeleted(msg.boardId));
    else this.endBoard(msg.boardId, madePrivate, (p) => p.kind === 'anonymous');
  }

  /**
   * Ends every local subscription (views and ranks) to the board held by the sockets `whose`
   * selects. A deletion is rare: walking the instance's sockets once is cheaper than an index.
   */
  endBoard(boardId: string, reason: EndReason, whose: (p: Principal) => boolean = () => true) {
    let ended = 0;
    let bytes = 0;
    for (const socket of this.hub.namespace?.sockets.values() ?? []) {
      const data = socketData(socket);
      if (!data?.subs || !whose(data.principal)) continue;
      for (const [subscription, sub] of [...data.subs]) {
        if ((sub.kind === 'board' ? sub.spec.boardId : sub.boardId) !== boardId) continue;
        // Leave first: nothing for this subscription is sent after the event.
        this.hub.leave(socket, subscription);
        const msg: SubscriptionEnded = { subscription, reason };
        socket.emit('subscription.ended', msg);
        ended += 1;
        bytes += JSON.stringify(msg).length;
      }
    }
    if (ended === 0) return;
    liveMetrics.messages.inc({ event: 'subscription.ended' }, ended);
    liveMetrics.bytes.inc(bytes);
  }

  /**
   * Ends a player socket when its session expires: one timer per socket, set to the lifetime the
   * session has left (one PTTL). When it fires it looks again, since a refresh may have moved the
   * expiry, and ends the socket only if the session is over.
   */
  watchExpiry(socket: Socket): void {
    const principal = socketData(socket)?.principal;
    if (principal?.kind !== 'player') return;
    let timer: NodeJS.Timeout | null = null;
    const check = async (): Promise<void> => {
      if (!socket.connected) return;
      let left: number;
      try {
        left = await this.sessions.remainingMs(principal.sessionId);
      } catch {
        return schedule(EXPIRY_RETRY_MS);
      }
      if (left > 0) return schedule(left);
      this.endSockets([socket]);
    };
    const schedule = (ms: number): void => {
      if (!socket.connected) return;
      timer = setTimeout(() => void check(), Math.min(ms, MAX_TIMER_MS));
      timer.unref();
    };
    socket.once('disconnect', () => {
      if (timer) clearTimeout(timer);
    });
    void check();
  }

  private endSessions(sessionIds: Set<string>): void {
    const ended = [...(this.hub.namespace?.sockets.values() ?? [])].filter((socket) => {
      const principal = socketData(socket)?.principal;
      return principal?.kind === 'player' && sessionIds.has(principal.sessionId);
    });
    this.endSockets(ended);
  }

  /** `session.ended`, then a server-side disconnect, for each socket. */
  private endSockets(sockets: Socket[]): void {
    if (sockets.length === 0) return;
    const msg: SessionEnded = { reason: sessionOver };
    for (const socket of sockets) {
      socket.emit('session.ended', msg);
      socket.disconnect(true);
    }
    liveMetrics.messages.inc({ event: 'session.ended' }, sockets.length);
    liveMetrics.bytes.inc(JSON.stringify(msg).length * sockets.length);
    this.logger.log(`disconnected ${sockets.length} socket(s) whose session ended`);
  }

  private async publish(msg: LiveControl): Promise<void> {
    try {
      await this.repo.publishControl(JSON.stringify(msg));
    } catch (error) {
      // At least this instance's sockets; the ticker's sweep still ends a deleted board's views.
      this.logger.warn(`live control publish failed (${msg.kind}): ${String(error)}`);
      this.handle(msg);
    }
  }
}
