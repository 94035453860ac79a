import type { CursorCodec } from '../common/cursor-codec';
import type { FeedPosition } from './activity.types';
import { ACTIVITY_ID_PATTERN } from './activity-id';

/** What a feed cursor carries: the exact position and the window it was issued for. */
interface FeedCursor {
  t: number;
  id: string;
  s: number | null;
  u: number | null;
}

function isFeedCursor(v: unknown): v is FeedCursor {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  const optNum = (x: unknown) => x === null || (typeof x === 'number' && Number.isSafeInteger(x));
  return (
    typeof c.t === 'number' &&
    Number.isSafeInteger(c.t) &&
    typeof c.id === 'string' &&
    ACTIVITY_ID_PATTERN.test(c.id) &&
    optNum(c.s) &&
    optNum(c.u)
  );
}

export function encodeFeedCursor(
  codec: CursorCodec,
  at: FeedPosition,
  since: number | null,
  until: number | null,
): string {
  return codec.encode({ t: at.t, id: at.id, s: since, u: until });
}

export function decodeFeedCursor(codec: CursorCodec, cursor: string): FeedCursor {
  return codec.decode(cursor, isFeedCursor);
}
