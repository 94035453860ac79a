import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { validationError } from '../common/validation';
import { AppConfig } from '../config/app-config';
import type { Principal } from './principal';
import type { NewSession } from './session.types';
import { SessionsRepository } from './sessions.repository';

/** Session tokens carry this prefix, so a /live handshake token is told apart from an API key. */
const TOKEN_PREFIX = 'rfs_';
const TOKEN_PATTERN = /^rfs_[A-Za-z0-9_-]{43}$/;

export const isSessionToken = (token: string): boolean => token.startsWith(TOKEN_PREFIX);

/** The session id: a digest of the token, so neither Redis nor the logs ever hold a token. */
const sessionIdOf = (token: string): string =>
  createHash('sha256').update(token).digest('base64url').slice(0, 22);

type PlayerPrincipal = Extract<Principal, { kind: 'player' }>;

/** Told the ids of sessions that were ended (the live path disconnects their sockets). */
export type SessionsEndedListener = (sessionIds: string[]) => Promise<void> | void;

/**
 * Player sessions (API §6): random 256-bit bearer tokens bound to a player, with a lifetime
 * (SESSION_TTL_SECONDS, at most SESSION_MAX_TTL_SECONDS); refresh restarts it, delete ends it,
 * erasing the player ends all of them. A player keeps at most SESSIONS_PER_PLAYER live sessions:
 * a new one ends the one closest to expiry.
 */
@Injectable()
export class SessionsService {
  private readonly listeners: SessionsEndedListener[] = [];

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async create(playerId: string, ttlSeconds?: number): Promise<NewSession> {
    const { ttlSeconds: defaultTtl, maxTtlSeconds, perPlayer } = this.config.sessions;
    const ttl = ttlSeconds ?? Math.min(defaultTtl, maxTtlSeconds);
    if (ttl > maxTtlSeconds) {
      throw validationError([
        { field: 'ttlSeconds', reason: `ttlSeconds must not be greater than ${maxTtlSeconds}` },
      ]);
    }
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = this.clock.now();
    const evicted = await this.sessions.create(
      sessionIdOf(token),
      { playerId, ttlSeconds: ttl, createdAt: now.toISOString() },
      now.getTime(),
      perPlayer,
    );
    await this.ended(evicted);
    return { token, playerId, expiresAt: new Date(now.getTime() + ttl * 1000).toISOString() };
  }

  /** The player a token belongs to, or null when it is malformed, unknown or expired. */
  async resolve(token: string): Promise<PlayerPrincipal | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const sessionId = sessionIdOf(token);
    const session = await this.sessions.get(sessionId);
    return session ? { kind: 'player', playerId: session.playerId, sessionId } : null;
  }

  /** Milliseconds a session has left (0 once ended or expired): live sockets watch their own. */
  remainingMs(sessionId: string): Promise<number> {
    return this.sessions.remainingMs(sessionId);
  }

  /** Restarts the session's lifetime from now. */
  async refresh(principal: Principal): Promise<{ expiresAt: string }> {
    const me = this.player(principal);
    const session = await this.sessions.get(me.sessionId);
    const now = this.clock.now().getTime();
    const ttlMs = (session?.ttlSeconds ?? 0) * 1000;
    if (!session || !(await this.sessions.extend(me.sessionId, me.playerId, ttlMs, now))) {
      throw new DomainError('UNAUTHENTICATED', 'the session has ended');
    }
    return { expiresAt: new Date(now + ttlMs).toISOString() };
  }

  async end(principal: Principal): Promise<void> {
    const me = this.player(principal);
    await this.sessions.delete(me.sessionId, me.playerId);
    await this.ended([me.sessionId]);
  }

  /** Ends every session of a player (log out everywhere; part of erase-everywhere). */
  async endAll(playerId: string): Promise<void> {
    await this.ended(await this.sessions.deleteAll(playerId));
  }

  /**
   * In-process hook, so the live path can drop sockets without this module depending on it: told
   * after sessions end by delete, log-out-everywhere, erase or the per-player cap (not by expiry),
   * before the answer. Listeners handle their own failures (the sessions have ended).
   */
  onEnded(listener: SessionsEndedListener): void {
    this.listeners.push(listener);
  }

  private async ended(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await Promise.allSettled(this.listeners.map(async (listener) => listener(sessionIds)));
  }

  private player(principal: Principal): PlayerPrincipal {
    if (principal.kind === 'player') return principal;
    if (principal.kind === 'apiKey') {
      throw new DomainError('FORBIDDEN', 'this route is for player session tokens, not API keys');
    }
    throw new DomainError(
      'UNAUTHENTICATED',
      'this route needs Authorization: Bearer <session token>',
    );
  }
}
