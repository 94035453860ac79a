import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Scope, SCOPES } from './principal';

export interface ApiKeyEntry {
  /** Names the key in logs and rate-limit buckets: a prefix of its digest, never the secret. */
  id: string;
  digest: Buffer;
  scopes: ReadonlySet<Scope>;
}

const digest = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/** Parses `<secret>=<scope>+<scope>,…` (API §6). Throws naming the bad entry, never the secret. */
export function parseApiKeys(spec: string, source: string): ApiKeyEntry[] {
  return spec
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'))
    .map((entry, i) => {
      const eq = entry.lastIndexOf('=');
      const secret = entry.slice(0, eq);
      const scopes = entry.slice(eq + 1).split('+');
      if (eq <= 0 || secret.length < 8) {
        throw new Error(
          `${source}: entry ${i + 1} must be <secret>=<scope>[+<scope>] with a secret of 8+ characters`,
        );
      }
      const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
      if (bad.length > 0) {
        throw new Error(
          `${source}: entry ${i + 1} has unknown scope(s) ${bad.join(', ')}; known: ${SCOPES.join(', ')}`,
        );
      }
      const d = digest(secret);
      return { id: d.toString('hex').slice(0, 12), digest: d, scopes: new Set(scopes as Scope[]) };
    });
}

export function loadApiKeys(inline: string | null, file: string | null): ApiKeyEntry[] {
  const keys = inline ? parseApiKeys(inline, 'RANKFEED_API_KEYS') : [];
  if (file) keys.push(...parseApiKeys(readFileSync(file, 'utf8'), 'RANKFEED_API_KEYS_FILE'));
  return keys;
}

/** Compares digests in constant time against every key, without an early exit. */
export function findApiKey(keys: ApiKeyEntry[], presented: string): ApiKeyEntry | null {
  const d = digest(presented);
  let found: ApiKeyEntry | null = null;
  for (const k of keys) if (timingSafeEqual(k.digest, d) && !found) found = k;
  return found;
}
