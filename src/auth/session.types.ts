/** What a session key holds. The token itself is never stored, only its digest (the key's id). */
export interface StoredSession {
  playerId: string;
  ttlSeconds: number;
  createdAt: string;
}

/** A minted session, answered once: the token cannot be read back later. */
export interface NewSession {
  token: string;
  playerId: string;
  expiresAt: string;
}
