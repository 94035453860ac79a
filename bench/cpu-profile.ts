/**
 * Reading V8 CPU profiles (`node --cpu-prof`) for the bench summaries (profile-summary.ts,
 * live-profile.ts): samples are attributed to packages / app files and to frames, between two
 * points of the monotonic clock both the profile and the bench results use.
 */
export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

function category(frame: ProfileNode['callFrame']): string {
  const { functionName: fn, url } = frame;
  if (fn === '(garbage collector)') return 'GC';
  if (url === '') return `native: ${fn || '(anonymous)'}`;
  // A build compared through LIVE_SERVICE_DIST lives under node_modules/.cache: still app code.
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/.][^/]*)\//.exec(url.replace(/^.*\/\.cache\//, ''));
  if (pkg) return pkg[1];
  const app = /\/dist\/(.+)$/.exec(url);
  if (app) return `app: ${app[1]}`;
  return url.startsWith('node:') ? `node: ${url.slice(5).replace(/^internal\//, '')}` : url;
}

function frameName(frame: ProfileNode['callFrame']): string {
  return `${frame.functionName || '(anonymous)'} (${category(frame)}:${frame.lineNumber + 1})`;
}

/** Self time by category and inclusive time of interesting frames (µs), between start and end. */
export function tally(profile: CpuProfile, start: number, end: number, interesting: RegExp) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i];
    const node = byId.get(id);
    if (t < start || t > end || !node || node.callFrame.functionName === '(idle)') return;
    const dt = profile.timeDeltas[i];
    busy += dt;
    const cat = category(node.callFrame);
    self.set(cat, (self.get(cat) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = frameName((byId.get(cur) as ProfileNode).callFrame);
      if (interesting.test(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
      }
    }
  });
  return { busy, self, inclusive };
}
