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
  if (role === 'subscriber' && cfg.clusterNodes) {
    return connectClusterSubscriber(cfg, cfg.clusterNodes);
  }
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

/**
 * Pub/sub on Redis Cluster: one plain connection to one node. A classic PUBLISH (also from inside
 * a script) is propagated to every node of the cluster, so one node hears every channel. ioredis'
 * Cluster would subscribe through an internal connection that it replaces silently when it drops:
 * the Cluster object emits no 'close'/'ready' for it and keeps its status 'ready', so the live
 * path could neither resync its views (pub/sub lost what was published meanwhile) nor report
 * not-ready. A node connection's own events and status say exactly that. Each reconnect attempt
 * goes to the next seed node, so a node that is gone for good is left behind.
 */
async function connectClusterSubscriber(
  cfg: RedisConfig,
  nodes: { host: string; port: number }[],
): Promise<Redis> {
  let current = 0;
  const options = nodeOptions(cfg, 'subscriber');
  const client = new Redis({
    ...options,
    ...nodes[0],
    retryStrategy: (times: number) => {
      current = (current + 1) % nodes.length;
      // ioredis connects with `client.options` each time (its connector holds that very object).
      Object.assign(client.options, nodes[current]);
      return options.retryStrategy?.(times) ?? null;
    },
  });
  client.on('error', () => {
    // As for the other connections: readiness reports it, and the client reconnects.
  });
  // A refused first seed rejects connect(); the retries then try the others, bounded here.
  const withinMs = nodes.length * ((options.connectTimeout ?? 2000) + 1000);
  const ready = new Promise<void>((done, fail) => {
    const timer = setTimeout(() => {
      client.disconnect();
      fail(new Error(`no Redis Cluster node answered for pub/sub within ${withinMs} ms`));
    }, withinMs);
    client.once('ready', () => {
      clearTimeout(timer);
      done();
    });
  });
  client.connect().catch(() => undefined);
  await ready;
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
