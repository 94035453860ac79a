/**
 * A diagnostic baseline (not the DESIGN §7 one): bench/bare-server.ts's routes and Redis commands
 * inside NestJS, adding the service's layers one at a time to price each of them.
 *   BENCH_BASELINE=nest-layers NEST_LAYERS=pipe,pino,shape npm run bench
 * NEST_LAYERS, comma-separated: pipe = global ValidationPipe (whitelist, forbidNonWhitelisted,
 * transform) over param/body/query DTOs; pino = Fastify's pino logger at level warn (what the service uses);
 * shape = the service's Redis round trips (board config HGETALL first; SADD beside the submit;
 * ten profile HGETALLs after the top-10, auto-pipelined). Nothing set = plain Nest + Fastify.
 */
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Param, Post, Query } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { APP_PIPE, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsNumber, IsOptional, Matches } from 'class-validator';
import Redis from 'ioredis';

const layers = new Set((process.env.NEST_LAYERS ?? '').split(','));
const key = process.env.BARE_KEY ?? 'bench_bare:z';
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  enableAutoPipelining: layers.has('shape'),
  maxRetriesPerRequest: 1,
});
const ID = /^[A-Za-z0-9_.-]{1,64}$/;

class BoardParams {
  @Matches(ID)
  boardId!: string;
}

class ScoreDto {
  @Matches(ID)
  playerId!: string;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  score!: number;
}

class TopQuery {
  @IsOptional()
  @Matches(/^\d{1,3}$/)
  limit?: string;
}

@Controller('v1/boards/:boardId')
class BenchController {
  @Post('scores')
  @HttpCode(200)
  async submit(@Param() p: BoardParams, @Body() b: ScoreDto) {
    if (layers.has('shape')) await redis.hgetall(`${key}:cfg`);
    const [replies] = await Promise.all([
      redis.pipeline().zadd(key, 'GT', b.score, b.playerId).zrevrank(key, b.playerId).exec(),
      layers.has('shape') ? redis.sadd(`${key}:boards:${b.playerId}`, p.boardId) : null,
    ]);
    const rank = replies?.[1]?.[1] as number;
    const all = { cycle: 'all', score: b.score, rank: rank + 1 };
    return { playerId: b.playerId, replayed: false, periods: { all } };
  }

  @Get('top')
  async top(@Param() p: BoardParams, @Query() q: TopQuery) {
    if (layers.has('shape')) await redis.hgetall(`${key}:cfg`);
    const flat = await redis.zrevrange(key, 0, Number(q.limit ?? 10) - 1, 'WITHSCORES');
    const entries = [];
    for (let i = 0; i < flat.length; i += 2) {
      entries.push({ rank: i / 2 + 1, playerId: flat[i], score: Number(flat[i + 1]) });
    }
    if (layers.has('shape')) {
      await Promise.all(entries.map((e) => redis.hgetall(`${key}:profile:${e.playerId}`)));
    }
    return { boardId: p.boardId, period: 'all', cycle: 'all', entries };
  }
}

const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

@Module({
  controllers: [BenchController],
  providers: layers.has('pipe') ? [{ provide: APP_PIPE, useValue: pipe }] : [],
})
class BenchModule {}

async function main(): Promise<void> {
  const adapter = new FastifyAdapter(
    layers.has('pino') ? { logger: { level: 'warn' }, disableRequestLogging: true } : {},
  );
  const app = await NestFactory.create<NestFastifyApplication>(BenchModule, adapter, {
    logger: false,
  });
  app
    .getHttpAdapter()
    .getInstance()
    .get('/health', async () => ({ status: 'ok' }));
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
}

process.once('SIGTERM', () => process.exit(0));
main().catch((err: unknown) => {
  process.stderr.write(`nest-layers failed: ${String(err)}\n`);
  process.exit(1);
});
