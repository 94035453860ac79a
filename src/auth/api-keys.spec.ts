import { findApiKey, parseApiKeys } from './api-keys';

const scopesOf = (spec: string): string[][] =>
  parseApiKeys(spec, 'RANKFEED_API_KEYS').map((k) => [...k.scopes].sort());

/** The error `fn` throws, so its message can be checked for what it must and must not say. */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('parseApiKeys', () => {
  it('parses comma-separated <secret>=<scope>+<scope> entries in order', () => {
    const spec = 'writer-secret-1=scores.write+read,reader-secret-1=read,admin-secret-1=admin';
    expect(scopesOf(spec)).toEqual([['read', 'scores.write'], ['read'], ['admin']]);
  });

  it('accepts every scope of API §6', () => {
    const spec = 'all-the-scopes=scores.write+boards.admin+players.write+sessions+read+admin';
    expect(scopesOf(spec)).toEqual([
      ['admin', 'boards.admin', 'players.write', 'read', 'scores.write', 'sessions'],
    ]);
  });

  it('accepts one entry a line, blank lines, comments and surrounding spaces (key files)', () => {
    const file =
      '# service keys\n\n  game-server-01=scores.write  \n#old=read\ndashboard-01=read\n';
    expect(scopesOf(file)).toEqual([['scores.write'], ['read']]);
  });

  it('keeps an equals sign inside a secret: the last one separates the scopes', () => {
    const [key] = parseApiKeys('base64==secret==read', 'RANKFEED_API_KEYS');
    expect(findApiKey([key], 'base64==secret=')).toBe(key);
  });

  it('yields no keys for an empty spec', () => {
    expect(parseApiKeys('', 'RANKFEED_API_KEYS')).toEqual([]);
    expect(parseApiKeys(' , ,\n', 'RANKFEED_API_KEYS')).toEqual([]);
  });

  it('rejects an unknown scope, naming the entry and the scope but not the secret', () => {
    const error = errorOf(() =>
      parseApiKeys('first-secret=read,second-secret=read+root', 'RANKFEED_API_KEYS'),
    );
    expect(error.message).toMatch(
      /^RANKFEED_API_KEYS: entry 2 has unknown scope\(s\) root; known: /,
    );
    expect(error.message).not.toContain('second-secret');
    expect(error.message).not.toContain('first-secret');
  });

  it('rejects a secret shorter than 8 characters, naming the entry but not the secret', () => {
    const error = errorOf(() =>
      parseApiKeys('long-enough=read,short7=read', 'RANKFEED_API_KEYS_FILE'),
    );
    expect(error.message).toMatch(/^RANKFEED_API_KEYS_FILE: entry 2 must be <secret>=<scope>/);
    expect(error.message).toMatch(/8\+ characters/);
    expect(error.message).not.toContain('short7');
    expect(error.message).not.toContain('long-enough');
  });

  it('rejects an entry without scopes or without a secret', () => {
    expect(() => parseApiKeys('no-scopes-here', 'RANKFEED_API_KEYS')).toThrow(/entry 1 must be/);
    expect(() => parseApiKeys('=read', 'RANKFEED_API_KEYS')).toThrow(/entry 1 must be/);
    expect(() => parseApiKeys('empty-scope-list=', 'RANKFEED_API_KEYS')).toThrow(
      /entry 1 has unknown scope/,
    );
    expect(() => parseApiKeys('double-plus-1=read++admin', 'RANKFEED_API_KEYS')).toThrow(
      /entry 1 has unknown scope/,
    );
  });

  it('treats scopes as case-sensitive', () => {
    expect(() => parseApiKeys('upper-case-1=READ', 'RANKFEED_API_KEYS')).toThrow(
      /unknown scope\(s\) READ/,
    );
  });
});

describe('findApiKey', () => {
  const keys = parseApiKeys(
    'writer-secret-1=scores.write,reader-secret-1=read',
    'RANKFEED_API_KEYS',
  );

  it('finds the entry whose secret was presented', () => {
    expect(findApiKey(keys, 'writer-secret-1')).toBe(keys[0]);
    expect(findApiKey(keys, 'reader-secret-1')).toBe(keys[1]);
  });

  it('finds nothing for a wrong secret of the same length, another length, or empty', () => {
    expect(findApiKey(keys, 'writer-secret-2')).toBeNull();
    expect(findApiKey(keys, 'writer-secret-1 ')).toBeNull();
    expect(findApiKey(keys, 'writer')).toBeNull();
    expect(findApiKey(keys, '')).toBeNull();
    expect(findApiKey([], 'writer-secret-1')).toBeNull();
  });

  it('keeps no secret in the parsed entries, only a digest', () => {
    expect(JSON.stringify(keys)).not.toContain('writer-secret-1');
    expect(keys[0].digest).toHaveLength(32);
  });
});
