import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ApiKeyStore } from '../auth/api-key.store';
import { Authenticator } from '../auth/authenticator';
import { hasScope, Principal } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { LiveHub, socketData } from './live-hub';

/**
 * Who opens a /live socket (handshake `auth.token`, API §7): an API key with the `read` scope, a
 * player session token, open mode (no keys configured), or nobody (anonymous: public boards only).
 * A token nobody recognises is UNAUTHENTICATED; a key without `read` is FORBIDDEN. When the keys
 * are reloaded (SIGHUP), sockets opened with a key that was revoked are disconnected.
 */
@Injectable()
export class LiveAuthService implements OnModuleInit {
  private readonly logger = new Logger('LiveAuth');

  constructor(
    private readonly authenticator: Authenticator,
    private readonly keys: ApiKeyStore,
    private readonly hub: LiveHub,
  ) {}

  onModuleInit(): void {
    this.keys.onReload(() => this.dropRevoked());
  }

  async authenticate(token: unknown): Promise<Principal> {
    const principal = await this.authenticator.fromToken(token);
    if (principal.kind === 'apiKey' && !hasScope(principal, 'read')) {
      throw new DomainError('FORBIDDEN', "this key lacks the 'read' scope");
    }
    return principal;
  }

  private dropRevoked(): void {
    let dropped = 0;
    for (const socket of this.hub.namespace?.sockets.values() ?? []) {
      const { principal } = socketData(socket);
      if (principal?.kind === 'apiKey' && !this.keys.has(principal.id)) {
        socket.disconnect(true);
        dropped += 1;
      }
    }
    if (dropped > 0) this.logger.log(`disconnected ${dropped} socket(s) of revoked API keys`);
  }
}
