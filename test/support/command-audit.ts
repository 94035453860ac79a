import { Redis } from 'ioredis';

/**
 * Most elements a range may cover (DESIGN §3): the largest page the API serves (limit ≤ 100, API
 * §0) plus the one more a paged read asks for to tell whether another page follows.
 */
export const MAX_RANGE = 101;
/**
 * Most elements one step of a batched walk may cover: a SCAN's COUNT, the members of one ZMSCORE
 * or MGET, a whole small key (a score batch has at most 1,000 entries, a follower walk takes 1,000
 * per SSCAN).
 */
export const MAX_BATCH = 1000;

/** One command the server executed; `source` is `lua` for a command run inside a script. */
export interface SeenCommand {
  source: string;
  args: string[];
}

/** How a command could do unbounded work: always, or if one of its keys holds too much. */
export type Unbounded = { reason: string } | { wholeKeys: string[] };

const int = (s: string | undefined): number | null =>
  s !== undefined && /^-?\d+$/.test(s) ? Number(s) : null;

/** The count of a `LIMIT offset count` clause (null without one; -1 is "all"). */
function limitCount(args: string[]): number | null {
  const at = args.findIndex((a) => a.toUpperCase() === 'LIMIT');
  return at < 0 ? null : int(args[at + 2]);
}

/** An index range `start stop` over `key`: its width, or the whole key when it runs to the end. */
function indexRange(key: string, start: string, stop: string): Unbounded | null {
  const a = int(start);
  const b = int(stop);
  if (a === null || b === null) return { reason: `range ${start} ${stop} is not numeric` };
  if ((a >= 0 && b >= 0) || (a < 0 && b < 0)) {
    return b - a + 1 > MAX_RANGE ? { reason: `${b - a + 1} elements` } : null;
  }
  return { wholeKeys: [key] };
}

/** A score or lex range over `key`: bounded only by a LIMIT, else by the key's size. */
function valueRange(key: string, args: string[]): Unbounded | null {
  const count = limitCount(args);
  if (count === null || count < 0) return { wholeKeys: [key] };
  return count > MAX_RANGE ? { reason: `LIMIT ${count}` } : null;
}

const WHOLE_KEY = new Set(['smembers', 'hgetall', 'hkeys', 'hvals', 'sort', 'sort_ro']);
const SET_ALGEBRA = new Set(['sinter', 'sunion', 'sdiff', 'sintercard']);
const MANY_ARGS = new Set(['zmscore', 'smismember', 'hmget', 'mget', 'exists']);

/**
 * Whether a read can make Redis walk a range of more than MAX_RANGE elements, or more than
 * MAX_BATCH of anything else (null: it cannot). Reads only: a write's work is bounded by its
 * request (a batch of at most 1,000 entries).
 */
export function unboundedRead(args: string[]): Unbounded | null {
  const [name, ...rest] = args;
  const cmd = name.toLowerCase();
  if (cmd === 'keys') return { reason: 'KEYS walks the whole keyspace' };
  if (['scan', 'sscan', 'hscan', 'zscan'].includes(cmd)) {
    const at = rest.findIndex((a) => a.toUpperCase() === 'COUNT');
    const count = at < 0 ? 10 : int(rest[at + 1]);
    return count === null || count > MAX_BATCH ? { reason: `COUNT ${rest[at + 1]}` } : null;
  }
  if (cmd === 'zrange' || cmd === 'zrangestore') {
    const [key, start, stop, ...opts] = cmd === 'zrange' ? rest : rest.slice(1);
    const byValue = opts.some((o) => ['BYSCORE', 'BYLEX'].includes(o.toUpperCase()));
    return byValue ? valueRange(key, opts) : indexRange(key, start, stop);
  }
  if (cmd === 'zrevrange' || cmd === 'lrange') return indexRange(rest[0], rest[1], rest[2]);
  if (/^z(rev)?rangeby(score|lex)$/.test(cmd)) return valueRange(rest[0], rest.slice(3));
  if (WHOLE_KEY.has(cmd)) return { wholeKeys: [rest[0]] };
  if (SET_ALGEBRA.has(cmd)) {
    const keys = cmd === 'sintercard' ? rest.slice(1, 1 + (int(rest[0]) ?? 0)) : rest;
    return { wholeKeys: keys };
  }
  if (/^z(union|inter|diff)(store)?$/.test(cmd)) {
    const first = cmd.endsWith('store') ? 1 : 0;
    const n = int(rest[first]) ?? 0;
    return { wholeKeys: rest.slice(first + 1, first + 1 + n) };
  }
  if (MANY_ARGS.has(cmd) && rest.length > MAX_BATCH + 1) {
    return { reason: `${rest.length} arguments` };
  }
  return null;
}

/** Elements a key holds now (0 when it is gone or is a string). */
async function sizeOf(redis: Redis, key: string): Promise<number> {
  const type = await redis.type(key);
  if (type === 'zset') return redis.zcard(key);
  if (type === 'set') return redis.scard(key);
  if (type === 'hash') return redis.hlen(key);
  if (type === 'list') return redis.llen(key);
  if (type === 'stream') return redis.xlen(key);
  return 0;
}

/**
 * Every command `url`'s server executes from now on, Lua-internal ones included (MONITOR), and
 * then which of them could walk too many elements (unboundedRead). A whole-key read counts only
 * if its key holds more than MAX_BATCH when `violations` runs (keys seeded up front and kept).
 */
export async function auditCommands(url: string): Promise<{
  seen: () => number;
  violations: (probe: Redis) => Promise<string[]>;
  stop: () => Promise<void>;
}> {
  const client = new Redis(url);
  const monitor = await client.monitor();
  const flagged: { command: SeenCommand; why: Unbounded }[] = [];
  let seen = 0;
  let stopped = false;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    seen += 1;
    const why = unboundedRead(args);
    if (why) flagged.push({ command: { source, args }, why });
  });
  const describe = (c: SeenCommand) => `${c.source}: ${c.args.join(' ').slice(0, 120)}`;
  return {
    seen: () => seen,
    async violations(probe) {
      const out: string[] = [];
      for (const { command, why } of flagged) {
        if ('reason' in why) out.push(`${describe(command)} (${why.reason})`);
        else {
          for (const key of why.wholeKeys) {
            const size = await sizeOf(probe, key);
            if (size > MAX_BATCH) out.push(`${describe(command)} (whole ${key}: ${size})`);
          }
        }
      }
      return out;
    },
    // Once only: ioredis' disconnect() of a closed stream leaves a 2 s timer behind.
    async stop() {
      if (stopped) return;
      stopped = true;
      monitor.disconnect();
      client.disconnect();
    },
  };
}
