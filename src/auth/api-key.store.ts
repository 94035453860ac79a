import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ApiKeyEntry, findApiKey, loadApiKeys } from './api-keys';

/**
 * The configured API keys (API §6), from RANKFEED_API_KEYS and RANKFEED_API_KEYS_FILE. On SIGHUP
 * (wired in main.ts) the keys are read again without a restart: a revoked key stops working at once, a new one works.
 * A reload that fails (unreadable file, bad entry) or would leave no keys at all keeps the keys in
 * force — a typo must not open the service to everyone.
 */
@Injectable()
export class ApiKeyStore implements OnModuleInit {
  private readonly logger = new Logger('Auth');
  private keys: ApiKeyEntry[] = [];
  private readonly listeners: Array<(keys: readonly ApiKeyEntry[]) => void> = [];

  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    this.keys = loadApiKeys(this.config.auth.apiKeys, this.config.auth.apiKeysFile);
    if (this.keys.length === 0) {
      if (this.config.production) {
        throw new Error(
          'No API keys configured (RANKFEED_API_KEYS / RANKFEED_API_KEYS_FILE) and NODE_ENV=production: refusing to run open.',
        );
      }
      this.logger.warn(
        'NO API KEYS CONFIGURED: the service is OPEN, every request is allowed. Set RANKFEED_API_KEYS.',
      );
    }
  }

  /** No keys configured: every request is allowed (development only). */
  get open(): boolean {
    return this.keys.length === 0;
  }

  find(presented: string): ApiKeyEntry | null {
    return findApiKey(this.keys, presented);
  }

  has(id: string): boolean {
    return this.keys.some((k) => k.id === id);
  }

  /** Called after every successful reload (e.g. to drop live sockets of revoked keys). */
  onReload(listener: (keys: readonly ApiKeyEntry[]) => void): void {
    this.listeners.push(listener);
  }

  /** Re-reads the keys; returns whether the new set is in force. */
  reload(): boolean {
    let next: ApiKeyEntry[];
    try {
      next = loadApiKeys(this.config.auth.apiKeys, this.config.auth.apiKeysFile);
    } catch (error) {
      this.logger.error(
        `API keys NOT reloaded, the previous ${this.keys.length} stay in force: ${(error as Error).message}`,
      );
      return false;
    }
    if (next.length === 0 && this.keys.length > 0) {
      this.logger.error('API keys NOT reloaded: the new set is empty and would open the service');
      return false;
    }
    this.keys = next;
    this.logger.log(`API keys reloaded: ${next.length} in force`);
    for (const listener of this.listeners) listener(next);
    return true;
  }
}
