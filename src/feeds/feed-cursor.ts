import type { CursorCodec } from '../common/cursor-codec';
import { DomainError } from '../common/domain-error';
import type { FeedPosition } from './activity.types';
import { ACTIVITY_ID_PATTERN } from './activity-id';

/**
 * What a feed cursor carries: the list it pages (`l`, e.g. `feed:<playerId>`), so a cursor of
 * another list is refused, and the exact position and the window it was issued for.
 */
interface FeedCursor {
  l: string;
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
    typeof c.l === 'string' &&
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
  list: string,
  at: FeedPosition,
  since: number | null,
  until: number | null,
): string {
  return codec.encode({ l: list, t: at.t, id: at.id, s: since, u: until });
}

export function decodeFeedCursor(codec: CursorCodec, list: string, cursor: string): FeedCursor {
  const c = codec.decode(cursor, isFeedCursor);
  if (c.l !== list) throw new DomainError('INVALID_CURSOR', 'cursor belongs to another list');
  return c;
}
