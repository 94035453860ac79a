import { Cluster, Redis, RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/app-config';
import { defineScripts, SCRIPT_NAMES } from './scripts';

export type RedisClient = Redis | Cluster;

/**
 * Request paths fail fast (DESIGN §3, §8): a bounded command timeout, one retry, no offline queue
 * once connected, and no re-sending of unanswered commands after a reconnect (a timed-out write
 * is reported as `outcome: unknown`, and only idempotent scripts write).
 */
function nodeOptions(cfg: RedisConfig, role: string): RedisOptions {
  return {
    connectionName: `rankfeed:${role}`,
    lazyConnect: true,
    connectTimeout: 2000,
    commandTimeout: role === 'subscriber' ? undefined : cfg.commandTimeoutMs,
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    enableAutoPipelining: role !== 'subscriber',
    autoPipeliningIgnoredCommands: SCRIPT_NAMES,
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
  };
}

/** Connects (bounded by the connect timeout), registers the scripts, then turns the queue off. */
export async function connectRedis(
  cfg: RedisConfig,
  role: 'command' | 'subscriber',
): Promise<RedisClient> {
  const client: RedisClient = cfg.clusterNodes
    ? new Cluster(cfg.clusterNodes, {
        lazyConnect: true,
        enableOfflineQueue: true,
        enableAutoPipelining: role !== 'subscriber',
        // ioredis (5.11) routes an auto-pipelined custom script by its first argument (numKeys),
        // not its first key: mixed with other commands it fails "All keys in the pipeline should
        // belong to the same slots allocation group". Sent directly, scripts are routed by KEYS and
        // never run inside a pipeline (DESIGN §8).
        autoPipeliningIgnoredCommands: SCRIPT_NAMES,
        scaleReads: 'master',
        slotsRefreshTimeout: 2000,
        clusterRetryStrategy: (times: number) => Math.min(100 * times, 1000),
        redisOptions: nodeOptions(cfg, role),
      })
    : new Redis(cfg.url, nodeOptions(cfg, role));
  client.on('error', () => {
    // Connection errors surface on commands as 503s and on /health/ready; ioredis reconnects.
  });
  if (role === 'command') defineScripts(client);
  await client.connect();
  client.options.enableOfflineQueue = false;
  return client;
}

/** Errors meaning "the store did not answer", as opposed to a bug or a bad reply. */
export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError' || err.name === 'ClusterAllFailedError') return true;
  const code = (err as { code?: string }).code;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTCONN'].includes(code)) {
    return true;
  }
  return /^(Connection is closed|Stream isn't writeable|Command timed out|Failed to refresh slots|None of startup nodes|LOADING|BUSY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|OOM|NOREPLICAS)/.test(
    err.message,
  );
}

/** True when the command was certainly never sent (so a write did not apply). */
export function wasNeverSent(err: unknown): boolean {
  return err instanceof Error && /^(Stream isn't writeable|Connection is closed)/.test(err.message);
}
