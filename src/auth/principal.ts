export const SCOPES = [
  'scores.write',
  'boards.admin',
  'players.write',
  'sessions',
  'read',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: an API key with scopes, anyone (open mode: no keys configured), or nobody. */
export type Principal =
  { kind: 'apiKey'; scopes: ReadonlySet<Scope> } | { kind: 'open' } | { kind: 'anonymous' };

export function hasScope(p: Principal, scope: Scope): boolean {
  if (p.kind === 'open') return true;
  if (p.kind === 'anonymous') return false;
  return p.scopes.has('admin') || p.scopes.has(scope);
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
