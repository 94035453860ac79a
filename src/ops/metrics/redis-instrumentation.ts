import type { Command } from 'ioredis';
import type { RedisClient } from '../../redis/redis-connections';
import { redisCommandDuration } from './app-metrics';

const INSTRUMENTED = Symbol('rankfeed:instrumented');
const COMMAND_NAME = /^[a-z][a-z0-9_.|-]{0,31}$/i;

type Send = (command: Command, stream?: unknown, node?: unknown) => unknown;

/**
 * Times every command of one client into rankfeed_redis_command_duration_seconds by wrapping its
 * `sendCommand`, which standalone clients, Cluster clients and (auto-)pipelines all go through.
 * Why here rather than per repository method: one wrapper covers every repository, the cost is an
 * hrtime pair and a promise callback per command, and the label is the real command. Scripts
 * (EVALSHA) are labelled by their script name (`rfSubmitScore`), looked up by SHA. A command that
 * passes through twice (offline queue, cluster redirection) is timed once, from the first pass.
 * ioredis' diagnostics_channel tracing was not used: it is process-wide (every client, the
 * subscriber and tests' own clients) and stringifies arguments for each command.
 */
export function instrumentRedis(client: RedisClient): void {
  const target = client as RedisClient & { [INSTRUMENTED]?: true };
  if (target[INSTRUMENTED]) return;
  target[INSTRUMENTED] = true;
  const scripts = new Map<string, string>();
  for (const [name, script] of Object.entries(
    client.scriptsSet as Record<string, { sha: string }>,
  )) {
    scripts.set(script.sha, name);
  }
  const seen = new WeakSet<Command>();
  // One labelled child per command name: observing on it skips prom-client's label hashing,
  // which dominated the cost of timing a dozen commands per request.
  const children = new Map<string, ReturnType<typeof redisCommandDuration.labels>>();
  const childFor = (command: Command) => {
    const name = label(command, scripts);
    let child = children.get(name);
    if (!child) {
      child = redisCommandDuration.labels(name);
      children.set(name, child);
    }
    return child;
  };
  const send = (client.sendCommand as Send).bind(client);
  const wrapped: Send = (command, stream, node) => {
    if (!seen.has(command)) {
      seen.add(command);
      const child = childFor(command);
      const start = performance.now();
      const end = () => child.observe((performance.now() - start) / 1000);
      command.promise.then(end, end);
    }
    return send(command, stream, node);
  };
  (client as { sendCommand: Send }).sendCommand = wrapped;
}

const names = new Map<string, string>();

function label(command: Command, scripts: Map<string, string>): string {
  if (command.name === 'evalsha') return scripts.get(String(command.args[0])) ?? 'evalsha';
  let name = names.get(command.name);
  if (name === undefined) {
    name = COMMAND_NAME.test(command.name) ? command.name.toLowerCase() : 'other';
    if (names.size < 500) names.set(command.name, name);
  }
  return name;
}
