import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { CursorCodec } from '../../common/cursor-codec';
import { DomainError } from '../../common/domain-error';
import { KEY_FAMILIES, KeyFamily, Keys } from '../../redis/keys';
import { AdminRepository, KeyDescription } from './admin.repository';

export interface KeysPage {
  keys: Array<{ key: string } & KeyDescription>;
  nextCursor: string | null;
}

export interface MemoryReport {
  families: Array<{ family: KeyFamily; keys: number; bytes: number }>;
  /** False when ADMIN_MEMORY_SCAN_LIMIT stopped the scan: counts are then lower bounds. */
  complete: boolean;
  scannedKeys: number;
}

/** Position in a multi-node scan: node index, that node's SCAN cursor, and the pattern it is for. */
interface ScanPosition {
  n: number;
  c: string;
  m: string;
}

const isPosition = (v: unknown): v is ScanPosition => {
  const p = v as ScanPosition;
  return (
    typeof p === 'object' &&
    p !== null &&
    Number.isInteger(p.n) &&
    p.n >= 0 &&
    typeof p.c === 'string' &&
    /^\d{1,20}$/.test(p.c) &&
    typeof p.m === 'string'
  );
};

/** SCAN steps per request: with a sparse MATCH a step may find nothing, so a call is bounded. */
const MAX_STEPS_PER_CALL = 10;
const MEMORY_SCAN_COUNT = 1000;

/** Admin inspection of the service's own namespace (API §8): never KEYS, always bounded. */
@Injectable()
export class AdminService {
  constructor(
    private readonly repo: AdminRepository,
    private readonly keys: Keys,
    private readonly cursors: CursorCodec,
    private readonly config: AppConfig,
  ) {}

  /** Up to about `count` keys (SCAN may return a few more), with type, TTL and size. */
  async listKeys(match: string, count: number, cursor: string | undefined): Promise<KeysPage> {
    let pos: ScanPosition = cursor
      ? this.cursors.decode(cursor, isPosition)
      : { n: 0, c: '0', m: match };
    if (pos.m !== match)
      throw new DomainError('INVALID_CURSOR', 'cursor was issued for another match');
    const pattern = `${this.keys.prefix}:${match}`;
    const nodes = this.repo.nodeCount();
    const found: Array<{ node: number; keys: string[] }> = [];
    let total = 0;
    for (let step = 0; step < MAX_STEPS_PER_CALL && pos.n < nodes && total < count; step += 1) {
      const [next, keys] = await this.repo.scan(pos.n, pos.c, pattern, count);
      if (keys.length > 0) found.push({ node: pos.n, keys });
      total += keys.length;
      pos = next === '0' ? { n: pos.n + 1, c: '0', m: match } : { n: pos.n, c: next, m: match };
    }
    const described = await Promise.all(
      found.map(async ({ node, keys }) => {
        const info = await this.repo.describe(node, keys);
        return keys.map((key, i) => ({ key, ...info[i] }));
      }),
    );
    return { keys: described.flat(), nextCursor: pos.n < nodes ? this.cursors.encode(pos) : null };
  }

  /**
   * Counts every key of the namespace by family (up to ADMIN_MEMORY_SCAN_LIMIT keys), measures
   * MEMORY USAGE of a uniform sample of at most ADMIN_MEMORY_SAMPLES keys per family and node,
   * and extrapolates: bytes = mean sampled size × count.
   */
  async memory(): Promise<MemoryReport> {
    const { memoryScanLimit, memorySamples } = this.config.ops;
    const counts = new Map<KeyFamily, number>();
    const bytes = new Map<KeyFamily, number>();
    let scanned = 0;
    let complete = true;
    for (let node = 0; node < this.repo.nodeCount(); node += 1) {
      const samples = new Map<KeyFamily, string[]>();
      const seen = new Map<KeyFamily, number>();
      let cursor = '0';
      do {
        if (scanned >= memoryScanLimit) {
          complete = false;
          break;
        }
        const [next, keys] = await this.repo.scan(
          node,
          cursor,
          this.keys.namespacePattern(),
          MEMORY_SCAN_COUNT,
        );
        cursor = next;
        scanned += keys.length;
        for (const key of keys) {
          const family = this.keys.family(key) ?? 'other';
          const n = (seen.get(family) ?? 0) + 1;
          seen.set(family, n);
          reservoirAdd(samples, family, key, n, memorySamples);
        }
      } while (cursor !== '0');
      for (const [family, sample] of samples) {
        const sizes = (await this.repo.memoryUsage(node, sample)).filter(
          (b): b is number => b !== null,
        );
        const mean = sizes.length === 0 ? 0 : sizes.reduce((a, b) => a + b, 0) / sizes.length;
        const n = seen.get(family) ?? 0;
        counts.set(family, (counts.get(family) ?? 0) + n);
        bytes.set(family, (bytes.get(family) ?? 0) + Math.round(mean * n));
      }
    }
    const families = KEY_FAMILIES.filter((f) => f !== 'other' || counts.has('other')).map(
      (family) => ({
        family,
        keys: counts.get(family) ?? 0,
        bytes: bytes.get(family) ?? 0,
      }),
    );
    return { families, complete, scannedKeys: scanned };
  }
}

/** Reservoir sampling (algorithm R): every key seen so far is in the sample with equal chance. */
function reservoirAdd(
  samples: Map<KeyFamily, string[]>,
  family: KeyFamily,
  key: string,
  seen: number,
  size: number,
): void {
  const sample = samples.get(family) ?? [];
  samples.set(family, sample);
  if (sample.length < size) {
    sample.push(key);
    return;
  }
  const slot = Math.floor(Math.random() * seen);
  if (slot < size) sample[slot] = key;
}
