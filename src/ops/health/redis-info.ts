/** `INFO` text → field map (`used_memory` → `"1048576"`); sections and comments dropped. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n').join('\n').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** The INFO figures operators watch, summed over every master of a cluster. */
export interface RedisStats {
  connectedClients: number;
  usedMemory: number;
  usedMemoryHuman: string;
  maxMemory: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  /** hits / (hits + misses), 4 decimals; 0 before the first lookup. */
  hitRate: number;
  evictedKeys: number;
}

const num = (fields: Map<string, string>, name: string): number =>
  Number(fields.get(name) ?? 0) || 0;

/** Redis' own `used_memory_human` style: 1024-based, two decimals, B/K/M/G/T suffix. */
export function humanBytes(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes}B` : `${value.toFixed(2)}${units[unit]}`;
}

export function statsFromInfo(infos: string[]): RedisStats {
  const all = infos.map(parseInfo);
  const sum = (name: string): number => all.reduce((total, f) => total + num(f, name), 0);
  const usedMemory = sum('used_memory');
  const keyspaceHits = sum('keyspace_hits');
  const keyspaceMisses = sum('keyspace_misses');
  const lookups = keyspaceHits + keyspaceMisses;
  return {
    connectedClients: sum('connected_clients'),
    usedMemory,
    usedMemoryHuman: humanBytes(usedMemory),
    // A master without a limit makes the whole store unlimited: a sum of the others' limits would
    // understate it (and used/max would alarm early).
    maxMemory: all.some((f) => num(f, 'maxmemory') === 0) ? 0 : sum('maxmemory'),
    keyspaceHits,
    keyspaceMisses,
    hitRate: lookups === 0 ? 0 : Math.round((keyspaceHits / lookups) * 10000) / 10000,
    evictedKeys: sum('evicted_keys'),
  };
}
