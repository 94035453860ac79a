import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
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

/**
 * Ends, on every instance, what a change made elsewhere invalidated: a deleted board's
 * subscriptions, anonymous subscriptions to a board made private, and sockets opened with a
 * session token that has ended. The change is published once on the live control channel (the
 * REST call answers after that); every instance (LiveSubscriber) applies it to its own sockets.
 * Each ended subscription is told `subscription.ended` {subscription, reason} once, with the code
 * a new subscribe would answer; a socket whose session ended is told `session.ended` {reason} and
 * disconnected. Pub/sub is at-most-once: the ticker also ends the views of a board it finds gone.
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

  private endSessions(sessionIds: Set<string>): void {
    let dropped = 0;
    const msg: SessionEnded = { reason: sessionOver };
    for (const socket of this.hub.namespace?.sockets.values() ?? []) {
      const principal = socketData(socket)?.principal;
      if (principal?.kind !== 'player' || !sessionIds.has(principal.sessionId)) continue;
      socket.emit('session.ended', msg);
      socket.disconnect(true);
      dropped += 1;
    }
    if (dropped === 0) return;
    liveMetrics.messages.inc({ event: 'session.ended' }, dropped);
    liveMetrics.bytes.inc(JSON.stringify(msg).length * dropped);
    this.logger.log(`disconnected ${dropped} socket(s) whose session ended`);
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
