/**
 * The pager-vs-writers property (issue 4): while writers add activities (ties, past and present
 * times), a pager walks page after page of a merged feed. It never sees an activity twice, sees
 * the order strictly newest first, and misses none of the activities that existed when it began.
 */
import fc from 'fast-check';
import { Clock } from '../../src/common/clock';
import { CursorCodec } from '../../src/common/cursor-codec';
import { AppConfig } from '../../src/config/app-config';
import { ActivitiesService } from '../../src/feeds/activities.service';
import type { Activity } from '../../src/feeds/activity.types';
import { FanoutQueueRepository } from '../../src/feeds/fanout-queue.repository';
import type { FeedSource } from '../../src/feeds/feed-pager';
import { FeedsRepository } from '../../src/feeds/feeds.repository';
import { Keys } from '../../src/redis/keys';
import { connectRedis, RedisClient } from '../../src/redis/redis-connections';
import { clusterNodes, deleteByPrefix, testPrefix } from '../support/test-redis';

const NOW = Date.UTC(2026, 10, 25, 12);
class FixedClock extends Clock {
  now(): Date {
    return new Date(NOW);
  }
}

describe.each(['standalone', 'cluster'] as const)('feed paging under writers (%s)', (topology) => {
  let client: RedisClient;
  let prefix: string;
  let service: ActivitiesService;
  let repo: FeedsRepository;

  beforeAll(async () => {
    prefix = testPrefix(`feeds_paging_${topology}`);
    const config = AppConfig.fromEnv({
      RANKFEED_PREFIX: prefix,
      REDIS_URL: process.env.TEST_REDIS_URL,
    });
    const redis = {
      ...config.redis,
      url: topology === 'standalone' ? (process.env.TEST_REDIS_URL ?? '') : '',
      clusterNodes: topology === 'cluster' ? clusterNodes() : null,
      commandTimeoutMs: 10_000,
    };
    client = await connectRedis(redis, 'command');
    const keys = new Keys(prefix);
    repo = new FeedsRepository(client, keys, config);
    const queue = new FanoutQueueRepository(client, keys);
    service = new ActivitiesService(
      repo,
      queue,
      new FixedClock(),
      new CursorCodec('x'.repeat(32)),
      config,
    );
  });
  afterAll(async () => {
    await deleteByPrefix(client, prefix);
    await client.quit();
  });

  let run = 0;
  const order = (a: Activity, b: Activity): number =>
    a.time === b.time ? (a.id < b.id ? 1 : -1) : a.time < b.time ? 1 : -1;

  it('never duplicates and never skips an activity older than the first page', async () => {
    const offset = fc.integer({ min: -30, max: 5 }); // ms around NOW: many equal times
    const author = fc.constantFrom('me', 'c1', 'c2');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(author, offset), { minLength: 0, maxLength: 40 }),
        fc.array(fc.tuple(author, offset), { minLength: 0, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        async (initial, concurrent, limit) => {
          const p = `r${run++}`;
          const [me, c1, c2] = [`${p}me`, `${p}c1`, `${p}c2`];
          const actor = (a: string) => ({ me, c1, c2 })[a as 'me' | 'c1' | 'c2'];
          const write = (a: string, o: number) =>
            service.create(actor(a), { verb: 'v', timeMs: NOW + o }).then((r) => r.activity);
          const before: Activity[] = [];
          for (const [a, o] of initial) before.push(await write(a, o));
          // The home feed of `me`: its own feed merged with the streams of c1 and c2.
          const sources: FeedSource[] = [
            (w) => repo.feedWindow(me, w),
            (w) => repo.streamWindow(c1, w),
            (w) => repo.streamWindow(c2, w),
          ];
          const seen: Activity[] = [];
          const pager = async () => {
            let cursor: string | undefined;
            do {
              const page = await service.page(sources, { limit: String(limit), cursor });
              seen.push(...page.activities);
              cursor = page.nextCursor ?? undefined;
            } while (cursor);
          };
          const writers = Promise.all(
            [0, 1].map(async (w) => {
              for (const [a, o] of concurrent.filter((_, i) => i % 2 === w)) await write(a, o);
            }),
          );
          await Promise.all([pager(), writers]);

          const seenIds = seen.map((a) => a.id);
          expect(new Set(seenIds).size).toBe(seenIds.length);
          expect([...seen].sort(order).map((a) => a.id)).toEqual(seenIds);
          const missing = before.filter((a) => !seenIds.includes(a.id));
          expect(missing).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
