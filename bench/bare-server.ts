/**
 * The baseline (DESIGN §7): bare Fastify + ioredis issuing the same Redis commands the service's
 * hot paths stand for, with no framework, validation pipe, guard, logger or Lua around them.
 *   POST /v1/boards/bench/scores  ZADD GT + ZREVRANK (pipelined: one round trip; BARE_SUBMIT=awaits
 *                                 sends them as two sequential awaits instead)
 *   GET  /v1/boards/bench/top     ZREVRANGE key 0 9 WITHSCORES
 *   GET  /v1/players/:id/feed     ZREVRANGE of the service's own home feed key (limit rows, ≤ 100)
 *                                 WITHSCORES, then one HMGET per author (pipelined): the same data
 *                                 the service's feed page reads, without cursor, celebrities or checks
 * Env: PORT, REDIS_URL, BARE_KEY (the sorted set), BARE_SUBMIT (pipeline | awaits), BARE_PREFIX
 * (the service's RANKFEED_PREFIX, for the feed route).
 */
import Fastify from 'fastify';
import Redis from 'ioredis';

const port = Number(process.env.PORT ?? 0);
const key = process.env.BARE_KEY ?? 'bench_bare:z';
const sequential = process.env.BARE_SUBMIT === 'awaits';
const prefix = process.env.BARE_PREFIX ?? 'rankfeed';
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  maxRetriesPerRequest: 1,
  commandTimeout: 1000,
});

interface ScoreBody {
  playerId: string;
  score: number;
}

async function submit(playerId: string, score: number): Promise<number | null> {
  if (sequential) {
    await redis.zadd(key, 'GT', score, playerId);
    return redis.zrevrank(key, playerId);
  }
  const replies = await redis
    .pipeline()
    .zadd(key, 'GT', score, playerId)
    .zrevrank(key, playerId)
    .exec();
  const [err, rank] = replies?.[1] ?? [new Error('no reply'), null];
  if (err) throw err;
  return rank as number | null;
}

const app = Fastify({ logger: false });

app.get('/health', async () => ({ status: 'ok' }));

app.post<{ Body: ScoreBody }>('/v1/boards/bench/scores', async (req, reply) => {
  const { playerId, score } = req.body ?? ({} as ScoreBody);
  if (typeof playerId !== 'string' || !Number.isInteger(score)) {
    return reply.code(400).send({ error: { code: 'VALIDATION_FAILED', message: 'bad body' } });
  }
  const rank = await submit(playerId, score);
  return {
    playerId,
    replayed: false,
    periods: { all: { cycle: 'all', score, rank: rank === null ? null : rank + 1 } },
  };
});

app.get('/v1/boards/bench/top', async () => {
  const flat = await redis.zrevrange(key, 0, 9, 'WITHSCORES');
  const entries = [];
  for (let i = 0; i < flat.length; i += 2) {
    entries.push({ rank: i / 2 + 1, playerId: flat[i], score: Number(flat[i + 1]) });
  }
  return { boardId: 'bench', period: 'all', cycle: 'all', entries };
});

app.get<{ Params: { id: string }; Querystring: { limit?: string } }>(
  '/v1/players/:id/feed',
  async (req) => {
    const limit = Math.min(100, Math.max(1, Number(req.query.limit ?? 20) || 20));
    const flat = await redis.zrevrange(
      `${prefix}:{p:${req.params.id}}:feed`,
      0,
      limit - 1,
      'WITHSCORES',
    );
    const rows: { id: string; actor: string }[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const colon = flat[i].indexOf(':');
      rows.push({ id: flat[i].slice(0, colon), actor: flat[i].slice(colon + 1) });
    }
    const byActor = new Map<string, number[]>();
    rows.forEach((r, i) => byActor.set(r.actor, [...(byActor.get(r.actor) ?? []), i]));
    const hmgets = redis.pipeline();
    for (const [actor, at] of byActor) {
      hmgets.hmget(`${prefix}:{p:${actor}}:acts`, ...at.map((i) => rows[i].id));
    }
    const bodies: (string | null)[] = rows.map(() => null);
    const replies = (await hmgets.exec()) ?? [];
    [...byActor.values()].forEach((at, g) =>
      (replies[g][1] as (string | null)[]).forEach((b, k) => (bodies[at[k]] = b)),
    );
    const items = bodies.filter((b): b is string => b !== null).map((b) => JSON.parse(b) as object);
    return { items, nextCursor: null };
  },
);

const stop = (): void => {
  void app.close().finally(() => {
    redis.disconnect();
    process.exit(0);
  });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

app.listen({ port, host: '127.0.0.1' }).then(
  (address) => process.stdout.write(`listening ${address}\n`),
  (err: unknown) => {
    process.stderr.write(`bare server failed: ${String(err)}\n`);
    process.exit(1);
  },
);
