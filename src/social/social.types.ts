import type { Profile } from '../players/player.types';

export type PlayerId = string;

/** Which of a player's two sets: whom they follow, or who follows them. */
export type FollowSide = 'following' | 'followers';

export interface PlayerRef {
  playerId: PlayerId;
  profile?: Profile;
}

export interface PlayerPage {
  total: number;
  players: PlayerRef[];
  nextCursor: string | null;
}

export interface Suggestion {
  playerId: PlayerId;
  overlap: number;
}
