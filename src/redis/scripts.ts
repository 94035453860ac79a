import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster, Redis, Result } from 'ioredis';

/** Every Lua script, by command name → file in ./lua (STYLE: verb-noun.lua). */
const SCRIPTS = {
  rfSubmitScore: 'submit-score.lua',
  rfReadRange: 'read-range.lua',
  rfReadRanks: 'read-ranks.lua',
  rfPutBoard: 'put-board.lua',
  rfRemovePlayer: 'remove-player.lua',
  rfClaimView: 'claim-view.lua',
  rfStoreView: 'store-view.lua',
  rfClaimCycleEnd: 'claim-cycle-end.lua',
  rfStoreCycleEnd: 'store-cycle-end.lua',
  rfAddFollowing: 'add-following.lua',
  rfAddPost: 'add-post.lua',
  rfReadPosts: 'read-posts.lua',
  rfCreateActivity: 'create-activity.lua',
  rfDeleteActivity: 'delete-activity.lua',
  rfReadWindow: 'read-window.lua',
  rfPushFeed: 'push-feed.lua',
  rfTakeToken: 'take-token.lua',
  rfSlideWindow: 'slide-window.lua',
  rfAddSession: 'add-session.lua',
  rfDeadLetterJob: 'dead-letter-job.lua',
  rfDropConsumer: 'drop-consumer.lua',
} as const;

export type ScriptName = keyof typeof SCRIPTS;
/** Command names of the scripts, kept out of ioredis auto-pipelines (see redis-connections.ts). */
export const SCRIPT_NAMES = Object.keys(SCRIPTS) as ScriptName[];
export type ScriptArg = string | number;
export type ScriptReply = string | number | null | ScriptReply[];

declare module 'ioredis' {
  interface RedisCommander<Context> {
    rfSubmitScore(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<string | string[], Context>;
    rfReadRange(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<ScriptReply, Context>;
    rfReadRanks(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<ScriptReply[], Context>;
    rfPutBoard(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<string, Context>;
    rfRemovePlayer(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<number, Context>;
    rfClaimView(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<string[], Context>;
    rfStoreView(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<string, Context>;
    rfClaimCycleEnd(
      numKeys: number,
      ...keysAndArgs: ScriptArg[]
    ): Result<[string, string], Context>;
    rfStoreCycleEnd(
      numKeys: number,
      ...keysAndArgs: ScriptArg[]
    ): Result<[string, string], Context>;
    rfAddFollowing(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<number, Context>;
    rfAddPost(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<string, Context>;
    rfReadPosts(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<string[], Context>;
    rfCreateActivity(
      numKeys: number,
      ...keysAndArgs: ScriptArg[]
    ): Result<[string, string], Context>;
    rfDeleteActivity(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<string, Context>;
    rfReadWindow(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<string[], Context>;
    rfPushFeed(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<number, Context>;
    rfTakeToken(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<number[], Context>;
    rfSlideWindow(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<number[], Context>;
    rfAddSession(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<string[], Context>;
    rfDeadLetterJob(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<string | null, Context>;
    rfDropConsumer(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<number, Context>;
  }
}

/**
 * Registers every script once per connection. ioredis sends EVALSHA and falls back to EVAL on
 * NOSCRIPT (after a Redis restart or SCRIPT FLUSH); scripts are never run inside MULTI (DESIGN §8).
 */
export function defineScripts(client: Redis | Cluster): void {
  for (const [name, file] of Object.entries(SCRIPTS)) {
    const lua = readFileSync(join(__dirname, 'lua', file), 'utf8');
    client.defineCommand(name, { lua });
  }
}
