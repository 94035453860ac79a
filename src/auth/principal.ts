export const SCOPES = [
  'scores.write',
  'boards.admin',
  'players.write',
  'sessions',
  'read',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Who is calling:
 * - `apiKey`: a server, with the scopes of its key; `id` is a short digest that names the key in
 *   logs and rate-limit buckets (never the secret);
 * - `player`: a player session token (API §6): reads, and acts only as `playerId`;
 * - `open`: anyone, when no keys are configured;
 * - `anonymous`: nobody (public boards only).
 */
export type Principal =
  | { kind: 'apiKey'; id: string; scopes: ReadonlySet<Scope> }
  | { kind: 'player'; playerId: string; sessionId: string }
  | { kind: 'open' }
  | { kind: 'anonymous' };

/**
 * Whether the principal holds `scope` outright. A player token holds only `read`; what it may do
 * as itself (follow, post) is granted per route by `PlayerMayAct` (auth.decorators.ts).
 */
export function hasScope(p: Principal, scope: Scope): boolean {
  switch (p.kind) {
    case 'open':
      return true;
    case 'anonymous':
      return false;
    case 'player':
      return scope === 'read';
    case 'apiKey':
      return p.scopes.has('admin') || p.scopes.has(scope);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
