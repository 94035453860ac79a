import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CursorCodec } from '../common/cursor-codec';
import { DomainError, validationFailed } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { parseLimit } from '../leaderboards/limits';
import { ACTIVITY_ID_PATTERN, newActivityId, publicActivity } from './activity-id';
import type { Activity, StoredActivity } from './activity.types';
import type { FeedSource } from './feed-pager';
import type { ActivityListQuery, CreateActivityDto } from './dto/activity.dto';
import { FanoutQueueRepository } from './fanout-queue.repository';
import { decodeFeedCursor, encodeFeedCursor } from './feed-cursor';
import { readPage } from './feed-pager';
import { FeedsRepository } from './feeds.repository';

/** Event times may run ahead of the server clock by at most this much. */
const MAX_FUTURE_MS = 5 * 60_000;
const DATA_MAX_BYTES = 4096;
export const DEFAULT_LIMIT = 10;

export interface ActivityList {
  activities: Activity[];
  nextCursor: string | null;
}

export interface NewActivity {
  verb: string;
  object?: string | null;
  target?: string | null;
  timeMs: number;
  foreignId?: string;
  data?: Record<string, unknown> | null;
  boardId?: string;
}

/** Activities (API §5): stored once, listed with exact cursors, fanned out asynchronously. */
@Injectable()
export class ActivitiesService {
  constructor(
    private readonly repo: FeedsRepository,
    private readonly queue: FanoutQueueRepository,
    private readonly clock: Clock,
    private readonly cursors: CursorCodec,
    private readonly config: AppConfig,
  ) {}

  async createFromDto(
    actor: string,
    dto: CreateActivityDto,
  ): Promise<{ created: boolean; activity: Activity }> {
    const now = this.clock.now().getTime();
    const timeMs = dto.time === undefined ? now : Date.parse(dto.time);
    if (timeMs > now + MAX_FUTURE_MS)
      throw validationFailed('time', 'must not be more than 5 minutes ahead');
    if (timeMs < now - this.config.feeds.activityTtlMs) {
      throw validationFailed(
        'time',
        'is older than the activity retention (FEED_ACTIVITY_TTL_DAYS)',
      );
    }
    if (dto.data !== undefined && Buffer.byteLength(JSON.stringify(dto.data)) > DATA_MAX_BYTES) {
      throw validationFailed('data', `must be at most ${DATA_MAX_BYTES} bytes as JSON`);
    }
    return this.create(actor, { ...dto, timeMs });
  }

  /**
   * Stores the activity and enqueues its fan-out. The same foreignId answers the stored activity
   * and enqueues again (idempotent), so a retry after a lost enqueue still reaches the followers.
   */
  async create(
    actor: string,
    input: NewActivity,
  ): Promise<{ created: boolean; activity: Activity }> {
    const id = newActivityId(input.timeMs);
    const stored: StoredActivity = {
      id,
      actor,
      verb: input.verb,
      object: input.object ?? null,
      target: input.target ?? null,
      time: new Date(input.timeMs).toISOString(),
      data: input.data ?? null,
      ...(input.foreignId === undefined ? {} : { foreignId: input.foreignId }),
      ...(input.boardId === undefined ? {} : { boardId: input.boardId }),
    };
    const now = this.clock.now().getTime();
    const reply = await this.repo.createActivity(stored, input.timeMs, now);
    const a = reply.activity;
    const t = Date.parse(a.time);
    if (a.boardId) await this.repo.addToBoard(a.boardId, { t, id: a.id, actor }, now);
    await this.queue.enqueue({ op: 'add', actor, id: a.id, t, enqueuedAt: Date.now() });
    const activity = publicActivity(a);
    if (reply.created) await this.repo.publish({ kind: 'activity', playerIds: [actor], activity });
    return { created: reply.created, activity };
  }

  /** Gone from the author's slot now, from followers' feeds by the fan-out worker. */
  async delete(actor: string, activityId: string): Promise<void> {
    if (!ACTIVITY_ID_PATTERN.test(activityId)) throw notFound(activityId);
    const reply = await this.repo.deleteActivity(actor, activityId, this.clock.now().getTime());
    if (reply === 'NOT_FOUND') throw notFound(activityId);
    // A repeated delete enqueues again: it repairs a delete whose enqueue was lost.
    const t = reply === 'GONE' ? 0 : Date.parse(reply.time);
    await this.queue.enqueue({ op: 'remove', actor, id: activityId, t, enqueuedAt: Date.now() });
    if (reply !== 'GONE' && reply.boardId)
      await this.repo.removeFromBoard(reply.boardId, activityId, actor);
    await this.repo.publish({ kind: 'removed', playerIds: [actor], activityId });
  }

  /** What the player did, newest first. */
  list(actor: string, q: ActivityListQuery): Promise<ActivityList> {
    return this.page([(w) => this.repo.streamWindow(actor, w)], q, `stream:${actor}`);
  }

  /** A board's activity, newest first. */
  listBoard(boardId: string, q: ActivityListQuery): Promise<ActivityList> {
    return this.page([(w) => this.repo.boardWindow(boardId, w)], q, `board:${boardId}`);
  }

  /**
   * A page over sources, with the window and cursor rules shared by every activity list. `list`
   * names the list (`feed:<playerId>`, …): its cursors are refused on any other list.
   */
  async page(sources: FeedSource[], q: ActivityListQuery, list = ''): Promise<ActivityList> {
    const limit = parseLimit(q.limit, DEFAULT_LIMIT, 100);
    const floor = this.clock.now().getTime() - this.config.feeds.activityTtlMs;
    let since = q.since === undefined ? null : Date.parse(q.since);
    let until = q.until === undefined ? null : Date.parse(q.until);
    let after = null;
    if (q.cursor !== undefined) {
      const c = decodeFeedCursor(this.cursors, list, q.cursor);
      ({ s: since, u: until } = c);
      after = { t: c.t, id: c.id };
    }
    const page = await readPage(
      sources,
      { since: Math.max(since ?? floor, floor), until, after, limit },
      (rows) => this.repo.bodies(rows),
    );
    return {
      activities: page.items.map(publicActivity),
      nextCursor: page.next && encodeFeedCursor(this.cursors, list, page.next, since, until),
    };
  }
}

function notFound(id: string): DomainError {
  return new DomainError('ACTIVITY_NOT_FOUND', `activity ${id} does not exist`);
}
