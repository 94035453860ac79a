import 'reflect-metadata';
import { createApp } from './bootstrap';
import { AppConfig } from './config/app-config';
import { ensureRedis } from './redis/embedded-redis';

async function main(): Promise<void> {
  const config = AppConfig.fromEnv(process.env);
  const redis = await ensureRedis({
    redisUrl: config.redis.url,
    mode: config.redis.clusterNodes ? 'never' : config.redis.embedded,
    dataDir: config.redis.dataDir,
    log: (msg) => process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg })}\n`),
  });
  const app = await createApp(redis.url === config.redis.url ? config : config.withRedisUrl(redis.url));
  // Nest closes the app on SIGTERM/SIGINT (shutdown hooks); the private Redis stops after it.
  process.once('beforeExit', () => void redis.stop());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void app.close().finally(() => redis.stop().finally(() => process.exit(0)));
    });
  }
  await app.listen({ port: config.http.port, host: config.http.host });
}

main().catch((err: unknown) => {
  process.stderr.write(`rankfeed failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
