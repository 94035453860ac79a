import 'reflect-metadata';
import { ApiKeyStore } from './auth/api-key.store';
import { createApp } from './bootstrap';
import { AppConfig } from './config/app-config';
import { gracefulShutdown } from './ops/graceful-shutdown';
import { ensureRedis } from './redis/embedded-redis';

async function main(): Promise<void> {
  const config = AppConfig.fromEnv(process.env);
  // A cluster is never embedded; a standalone URL that does not answer may be (README).
  const redis = config.redis.clusterNodes
    ? { url: config.redis.url, stop: async () => undefined }
    : await ensureRedis({
        redisUrl: config.redis.url,
        mode: config.redis.embedded,
        dataDir: config.redis.dataDir,
        log: (msg: string) =>
          process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg })}\n`),
      });
  const app = await createApp(
    redis.url === config.redis.url ? config : config.withRedisUrl(redis.url),
  );
  // Graceful stop (README "Operations"): readiness 503 first, SHUTDOWN_DELAY_MS for load
  // balancers to notice, then stop accepting and finish in-flight requests, close Redis, then the
  // private redis-server (if we started one) so its AOF is flushed.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void gracefulShutdown(app, { delayMs: config.ops.shutdownDelayMs })
        .catch(() => undefined)
        .finally(() => redis.stop().finally(() => process.exit(0)));
    });
  }
  // Key rotation without a restart (README "API keys"): re-read RANKFEED_API_KEYS(_FILE).
  process.on('SIGHUP', () => app.get(ApiKeyStore).reload());
  await app.listen({ port: config.http.port, host: config.http.host });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `rankfeed failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
