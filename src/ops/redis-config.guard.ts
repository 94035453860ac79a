import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisServerRepository } from './redis-server.repository';

export interface RedisConfigFindings {
  /** Evicting policies seen on any node (anything but `noeviction`). */
  evictingPolicies: string[];
  warnings: string[];
  /** False when CONFIG GET is not allowed (managed Redis): nothing could be checked. */
  checked: boolean;
}

/** What the settings mean for rankfeed; pure, so the rules are testable on their own. */
export function assessRedisConfig(nodes: Array<Map<string, string>>): RedisConfigFindings {
  const evicting = new Set<string>();
  const warnings = new Set<string>();
  for (const cfg of nodes) {
    const policy = cfg.get('maxmemory-policy');
    if (policy !== undefined && policy !== 'noeviction') evicting.add(policy);
    if (cfg.get('appendonly') === 'no') {
      warnings.add(
        'appendonly is no: a Redis restart loses every write since the last RDB snapshot (use appendonly yes, appendfsync everysec)',
      );
    }
    const fsync = cfg.get('appendfsync');
    if (cfg.get('appendonly') === 'yes' && fsync === 'no') {
      warnings.add('appendfsync is no: the OS decides when the AOF reaches disk (use everysec)');
    }
  }
  for (const policy of evicting) {
    warnings.add(
      `REDIS MAY EVICT KEYS: maxmemory-policy is ${policy}. At maxmemory Redis will silently drop scores, idempotency records and boards. Set maxmemory-policy noeviction.`,
    );
  }
  return { evictingPolicies: [...evicting], warnings: [...warnings], checked: true };
}

/**
 * Reads maxmemory-policy and persistence at start. An evicting policy is a loud warning, and under
 * NODE_ENV=production a refusal to start unless RANKFEED_ALLOW_EVICTION=true. When CONFIG is
 * disabled the service starts with a warning: it cannot tell.
 */
@Injectable()
export class RedisConfigGuard implements OnModuleInit {
  private readonly logger = new Logger('RedisConfig');
  findings: RedisConfigFindings = { evictingPolicies: [], warnings: [], checked: false };

  constructor(
    private readonly redis: RedisServerRepository,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    let nodes: Array<Map<string, string>>;
    try {
      nodes = await this.redis.config(['maxmemory-policy', 'appendonly', 'appendfsync']);
    } catch {
      this.logger.warn(
        'Could not read the Redis configuration (CONFIG GET refused or disabled): make sure maxmemory-policy is noeviction and AOF is on (appendfsync everysec).',
      );
      return;
    }
    this.findings = assessRedisConfig(nodes);
    for (const warning of this.findings.warnings) this.logger.warn(warning);
    const { production, ops } = this.config;
    if (this.findings.evictingPolicies.length > 0 && production && !ops.allowEviction) {
      throw new Error(
        `Redis maxmemory-policy is ${this.findings.evictingPolicies.join(', ')} and NODE_ENV=production: refusing to start. Set maxmemory-policy noeviction, or RANKFEED_ALLOW_EVICTION=true to accept losing data.`,
      );
    }
  }
}
