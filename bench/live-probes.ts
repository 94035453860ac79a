/**
 * What the live bench reads from the processes it runs, besides CPU and memory: the service's
 * /metrics over a step's window, the run-queue time of a process's main thread, and the monotonic
 * clock that CPU profiles use (bench/live-profile.ts matches samples to steps with it).
 */
import { readFileSync } from 'node:fs';
import type { ServiceWindow, StepResult } from './live-report';

export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** ms the process's main thread has spent runnable but waiting for a CPU (Linux schedstat). */
export function runQueueMs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return NaN;
  }
}

/**
 * The service's live counters, event-loop delay (prom-client resets that histogram per scrape),
 * GC time (all kinds summed) and heap in use.
 */
export async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(rankfeed_(?:live|nodejs_(?:eventloop|gc|heap_size))\w*)(?:\{[^}]*\})? (\S+)$/.exec(
      line,
    );
    if (m) out.set(m[1], (out.get(m[1]) ?? 0) + Number(m[2]));
  }
  return out;
}

export function serviceWindow(
  a: Map<string, number>,
  b: Map<string, number>,
  ms: number,
): ServiceWindow {
  const d = (name: string): number => (b.get(name) ?? 0) - (a.get(name) ?? 0);
  const ticks = d('rankfeed_live_tick_duration_seconds_count');
  const lag = (q: string): number =>
    1000 * (b.get(`rankfeed_nodejs_eventloop_lag_${q}_seconds`) ?? NaN);
  return {
    ticksPerSec: (ticks * 1000) / ms,
    tickMeanMs: ticks ? (1000 * d('rankfeed_live_tick_duration_seconds_sum')) / ticks : NaN,
    fanoutMeanMs:
      (1000 * d('rankfeed_live_fanout_duration_seconds_sum')) /
      d('rankfeed_live_fanout_duration_seconds_count'),
    updatesPerSec: (d('rankfeed_live_updates_published_total') * 1000) / ms,
    dirtyPerSec: (d('rankfeed_live_dirty_published_total') * 1000) / ms,
    loopDelayP50Ms: lag('p50'),
    loopDelayP99Ms: lag('p99'),
    loopDelayMaxMs: lag('max'),
    gcMsPerSec: (1000 * d('rankfeed_nodejs_gc_duration_seconds_sum') * 1000) / ms,
    heapUsedMiB: (b.get('rankfeed_nodejs_heap_size_used_bytes') ?? NaN) / 2 ** 20,
  };
}

export const windowFields = (w: ServiceWindow): Partial<StepResult> => ({
  service: w,
  fanoutMs: w.fanoutMeanMs,
});
