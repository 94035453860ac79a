import { Keys } from '../redis/keys';
import { humanBytes, parseInfo, statsFromInfo } from './health/redis-info';
import { assessRedisConfig } from './redis-config.guard';

describe('INFO parsing', () => {
  const info = (fields: Record<string, number>) =>
    `# Memory\r\n${Object.entries(fields)
      .map(([k, v]) => `${k}:${v}`)
      .join('\r\n')}\r\n`;

  it('reads fields and ignores section headers', () => {
    expect(
      parseInfo('# Clients\r\nconnected_clients:3\r\n\r\n# Memory\r\nused_memory:10\r\n'),
    ).toEqual(
      new Map([
        ['connected_clients', '3'],
        ['used_memory', '10'],
      ]),
    );
  });

  it('sums figures over masters and derives the hit rate', () => {
    const a = info({
      used_memory: 1024,
      connected_clients: 2,
      keyspace_hits: 3,
      keyspace_misses: 1,
    });
    const b = info({
      used_memory: 2048,
      connected_clients: 1,
      keyspace_hits: 3,
      keyspace_misses: 1,
    });
    expect(statsFromInfo([a, b])).toEqual({
      connectedClients: 3,
      usedMemory: 3072,
      usedMemoryHuman: '3.00K',
      maxMemory: 0,
      keyspaceHits: 6,
      keyspaceMisses: 2,
      hitRate: 0.75,
      evictedKeys: 0,
    });
  });

  it('sums maxmemory over masters only when every master has a limit', () => {
    const limited = info({ maxmemory: 1000 });
    expect(statsFromInfo([limited, info({ maxmemory: 3000 })]).maxMemory).toBe(4000);
    expect(statsFromInfo([limited, info({ maxmemory: 0 })]).maxMemory).toBe(0);
  });

  it('reports a hit rate of 0 before any lookup', () => {
    expect(statsFromInfo([info({ keyspace_hits: 0, keyspace_misses: 0 })]).hitRate).toBe(0);
  });

  it('prints sizes the way Redis does', () => {
    expect([512, 1536, 5 * 1024 * 1024, 3 * 1024 ** 3].map(humanBytes)).toEqual([
      '512B',
      '1.50K',
      '5.00M',
      '3.00G',
    ]);
  });
});

describe('Redis configuration rules', () => {
  const node = (entries: Record<string, string>) => new Map(Object.entries(entries));

  it('accepts noeviction with AOF everysec', () => {
    const f = assessRedisConfig([
      node({ 'maxmemory-policy': 'noeviction', appendonly: 'yes', appendfsync: 'everysec' }),
    ]);
    expect(f).toEqual({ evictingPolicies: [], warnings: [], checked: true });
  });

  it('flags every evicting policy once, across nodes', () => {
    const f = assessRedisConfig([
      node({ 'maxmemory-policy': 'allkeys-lru', appendonly: 'yes' }),
      node({ 'maxmemory-policy': 'allkeys-lru', appendonly: 'yes' }),
      node({ 'maxmemory-policy': 'volatile-lru', appendonly: 'yes' }),
    ]);
    expect(f.evictingPolicies).toEqual(['allkeys-lru', 'volatile-lru']);
    expect(f.warnings).toHaveLength(2);
  });

  it('warns about AOF off and about appendfsync no', () => {
    expect(assessRedisConfig([node({ appendonly: 'no' })]).warnings[0]).toMatch(
      /^appendonly is no/,
    );
    expect(assessRedisConfig([node({ appendonly: 'yes', appendfsync: 'no' })]).warnings[0]).toMatch(
      /^appendfsync is no/,
    );
  });
});

describe('key families', () => {
  const keys = new Keys('rf');

  it('classifies every key the service spells', () => {
    expect(keys.family(keys.boardConfig('b1'))).toBe('boardConfig');
    expect(keys.family(keys.cycleScores('b1', 'daily', '2026-11-25'))).toBe('cycleScores');
    expect(keys.family(keys.cycleEntries('b1', 'all', 'all'))).toBe('cycleEntries');
    expect(keys.family(keys.cycleIndex('b1', 'weekly'))).toBe('cycleIndex');
    expect(keys.family(keys.idempotency('b1', 'any key'))).toBe('idempotency');
    expect(keys.family(keys.boardIndex())).toBe('boardIndex');
    expect(keys.family(keys.playerBoards('p1'))).toBe('playerBoards');
    expect(keys.family(keys.playerProfile('p1'))).toBe('profiles');
  });

  it('calls unknown keys of the namespace other, and keys of another namespace not ours', () => {
    expect(keys.family('rf:something')).toBe('other');
    expect(keys.family('rfx:{b:b1}:cfg')).toBeNull();
  });
});
