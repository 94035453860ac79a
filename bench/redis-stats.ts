/** What a bench run reads from Redis: CPU time, command counts, and its own keys to delete. */
import Redis from 'ioredis';
import { machineBusyMs, procStats } from './processes';

async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (k: string): number => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

/** Calls per command name so far (INFO commandstats), e.g. { evalsha: 120, hgetall: 240 }. */
async function commandCalls(redis: Redis): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await redis.info('commandstats')).matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) {
    out[m[1]] = Number(m[2]);
  }
  return out;
}

export interface Snapshot {
  cpuMs: number;
  redisMs: number;
  calls: Record<string, number>;
  machineMs: number;
}

/** CPU time used so far by a server process, by Redis and by the machine; Redis command counts. */
export async function snapshot(pid: number, redis: Redis): Promise<Snapshot> {
  const [cpuMs, machineMs] = [procStats(pid).cpuMs, machineBusyMs()];
  const [redisMs, calls] = await Promise.all([redisCpuMs(redis), commandCalls(redis)]);
  return { cpuMs, redisMs, calls, machineMs };
}

/** SCAN + UNLINK of every key under `prefix:` (never a flush: the Redis may not be ours). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}
