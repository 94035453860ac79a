import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { feedMember, publicActivity } from './activity-id';
import type { FanoutJob, FeedRow } from './activity.types';
import { FeedsRepository } from './feeds.repository';
import { feedMetrics } from './feeds.metrics';

/** Called after each batch with the next SSCAN cursor; false = stop (shutting down). */
export type BatchDone = (cursor: string) => Promise<boolean>;

export type JobOutcome = 'done' | 'paused';

/**
 * Runs one fan-out job from a followers cursor: batches of followers (SSCAN), each batch written
 * with one push-feed script per follower feed, then published for the live path. Adds check
 * after each batch that the activity still exists: a delete that raced the batch is undone here,
 * so a late fan-out never resurrects it (the delete removed the body before its own job ran).
 */
@Injectable()
export class FanoutProcessor {
  constructor(
    private readonly repo: FeedsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async run(job: FanoutJob, cursor: string, batchDone: BatchDone): Promise<JobOutcome> {
    return job.op === 'add'
      ? this.add(job, cursor, batchDone)
      : this.remove(job, cursor, batchDone);
  }

  private async add(job: FanoutJob, start: string, batchDone: BatchDone): Promise<JobOutcome> {
    const stored = await this.repo.getActivity(job.actor, job.id);
    if (!stored) return 'done';
    const followers = await this.repo.followerCount(job.actor);
    if (followers > this.config.feeds.fanoutThreshold) {
      // Merged into followers' feeds at read time instead (HomeFeedService); live subscribers
      // among the followers are found by each instance (LiveFeeds).
      await this.repo.markCelebrity(job.actor, followers);
      await this.repo.publish({
        kind: 'activity',
        followersOf: job.actor,
        activity: publicActivity(stored),
      });
      return 'done';
    }
    if (start === '0') await this.repo.unmarkCelebrity(job.actor);
    const row: FeedRow = { t: job.t, id: job.id, actor: job.actor };
    const activity = publicActivity(stored);
    let cursor = start;
    do {
      const [next, ids] = await this.repo.scanFollowers(
        job.actor,
        cursor,
        this.config.feeds.fanoutBatch,
      );
      if (ids.length > 0) {
        await this.repo.addToFeeds(ids, row, this.clock.now().getTime());
        if (!(await this.repo.activityExists(job.actor, job.id))) {
          await this.repo.removeFromFeeds(ids, [feedMember(job.id, job.actor)]);
          return 'done';
        }
        feedMetrics.writes.inc({ op: 'add' }, ids.length);
        await this.repo.publish({ kind: 'activity', playerIds: ids, activity });
      }
      cursor = next;
      if (cursor !== '0' && !(await batchDone(cursor))) return 'paused';
    } while (cursor !== '0');
    return 'done';
  }

  private async remove(job: FanoutJob, start: string, batchDone: BatchDone): Promise<JobOutcome> {
    const member = feedMember(job.id, job.actor);
    let cursor = start;
    do {
      const [next, ids] = await this.repo.scanFollowers(
        job.actor,
        cursor,
        this.config.feeds.fanoutBatch,
      );
      if (ids.length > 0) {
        const removed = await this.repo.removeFromFeeds(ids, [member]);
        feedMetrics.writes.inc({ op: 'remove' }, removed);
        await this.repo.publish({ kind: 'removed', playerIds: ids, activityId: job.id });
      }
      cursor = next;
      if (cursor !== '0' && !(await batchDone(cursor))) return 'paused';
    } while (cursor !== '0');
    return 'done';
  }
}
