import { UseFilters, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { DomainError } from '../common/domain-error';
import { ApiValidationPipe } from '../common/validation';
import { AppConfig } from '../config/app-config';
import { rateLimitMetrics } from '../rate-limit/rate-limit.metrics';
import { LiveAuthService } from './live-auth.service';
import { LiveEndings } from './live-endings.service';
import { FeedSubscribeDto, LiveFeeds } from './live-feeds';
import { ackError, LiveExceptionFilter } from './live-exception.filter';
import { LiveHub, SocketData } from './live-hub';
import { BoardSubscribeDto, RankSubscribeDto, UnsubscribeDto } from './live.dto';
import { liveMetrics } from './live.metrics';
import { LiveService } from './live.service';
import { TokenBucket } from './token-bucket';

/**
 * `/live` (API §7). Authentication happens once, in the handshake middleware; each event is
 * rate-limited per socket, validated (errors answer through the ack) and handed to LiveService.
 */
@WebSocketGateway({ namespace: '/live' })
@UsePipes(ApiValidationPipe)
@UseFilters(LiveExceptionFilter)
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  constructor(
    private readonly auth: LiveAuthService,
    private readonly hub: LiveHub,
    private readonly live: LiveService,
    private readonly feeds: LiveFeeds,
    private readonly endings: LiveEndings,
    private readonly config: AppConfig,
  ) {}

  afterInit(ns: Namespace): void {
    this.hub.attach(ns);
    ns.use((socket, next) => {
      const token = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
      this.auth.authenticate(token).then(
        (principal) => {
          const data: SocketData = { principal, subs: new Map(), slowSince: null, skipped: false };
          socket.data = data;
          next();
        },
        (error: unknown) => {
          const e =
            error instanceof DomainError
              ? error
              : new DomainError('UNAUTHENTICATED', 'authentication failed');
          next(Object.assign(new Error(e.message), { data: { code: e.code } }));
        },
      );
    });
  }

  /** Inbound events per socket: a burst of LIVE_EVENTS_BURST, then LIVE_EVENTS_RATE per second. */
  handleConnection(socket: Socket): void {
    liveMetrics.sockets.inc();
    this.endings.watchExpiry(socket);
    if (!this.config.rateLimit.enabled) return;
    const { eventsBurst, eventsRate } = this.config.live;
    const bucket = new TokenBucket(eventsBurst, eventsRate, Date.now());
    socket.use((packet, next) => {
      if (bucket.take(Date.now())) return next();
      rateLimitMetrics.refusals.inc({ limiter: 'live_events' });
      const ack = packet[packet.length - 1];
      if (typeof ack === 'function') {
        const message = `at most ${eventsRate} events per second per connection`;
        (ack as (r: unknown) => void)(ackError(new DomainError('RATE_LIMITED', message)));
      }
    });
  }

  handleDisconnect(socket: Socket): void {
    liveMetrics.sockets.dec();
    if (socket.data && (socket.data as Partial<SocketData>).subs) this.hub.leaveAll(socket);
  }

  @SubscribeMessage('board.subscribe')
  boardSubscribe(@ConnectedSocket() socket: Socket, @MessageBody() dto: BoardSubscribeDto) {
    return this.live.subscribeBoard(socket, dto);
  }

  @SubscribeMessage('rank.subscribe')
  rankSubscribe(@ConnectedSocket() socket: Socket, @MessageBody() dto: RankSubscribeDto) {
    return this.live.subscribeRank(socket, dto);
  }

  @SubscribeMessage('feed.subscribe')
  feedSubscribe(@ConnectedSocket() socket: Socket, @MessageBody() dto: FeedSubscribeDto) {
    return this.feeds.subscribe(socket, dto);
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() dto: UnsubscribeDto) {
    if (this.feeds.owns(dto.subscription)) return this.feeds.unsubscribe(socket, dto.subscription);
    return this.live.unsubscribe(socket, dto.subscription);
  }
}
