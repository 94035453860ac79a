export interface Post {
  id: string;
  playerId: string;
  text: string;
  /** ISO-8601 UTC with milliseconds. */
  time: string;
}
