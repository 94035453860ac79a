/**
 * The baseline (DESIGN §7): bare Fastify + ioredis issuing the same Redis commands the service's
 * hot paths stand for, with no framework, validation pipe, guard, logger or Lua around them.
 *   POST /v1/boards/bench/scores  ZADD GT + ZREVRANK (pipelined: one round trip; BARE_SUBMIT=awaits
 *                                 sends them as two sequential awaits instead)
 *   GET  /v1/boards/bench/top     ZREVRANGE key 0 9 WITHSCORES
 * Env: PORT, REDIS_URL, BARE_KEY (the sorted set), BARE_SUBMIT (pipeline | awaits).
 */
import Fastify from 'fastify';
import Redis from 'ioredis';

const port = Number(process.env.PORT ?? 0);
const key = process.env.BARE_KEY ?? 'bench_bare:z';
const sequential = process.env.BARE_SUBMIT === 'awaits';
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
