import type { BoardUpdated, Entry, ViewState } from './live.types';

/**
 * The message taking a subscriber from `prev` to `next`: `changes` for the positions whose entry
 * differs (the client sets view[position] = entry, then truncates to size), or the whole `entries`
 * when the epoch changed or when that is smaller than the changes. null when nothing changed.
 */
export function diffView(
  subscription: string,
  prev: ViewState | null,
  next: Omit<ViewState, 'seq'>,
): BoardUpdated | null {
  const sameEpoch = prev !== null && prev.epoch === next.epoch;
  const seq = (prev?.seq ?? 0) + 1;
  const base = {
    subscription,
    epoch: next.epoch,
    seq,
    prevSeq: prev?.seq ?? 0,
    cycle: next.cycle,
    size: next.entries.length,
  };
  if (!sameEpoch) return { ...base, entries: next.entries };
  const changes: { position: number; entry: Entry }[] = [];
  next.entries.forEach((entry, position) => {
    const before = prev.entries[position];
    if (before === undefined || JSON.stringify(before) !== JSON.stringify(entry))
      changes.push({ position, entry });
  });
  if (changes.length === 0 && next.entries.length === prev.entries.length) return null;
  if (changes.length * 2 > next.entries.length) return { ...base, entries: next.entries };
  return { ...base, changes };
}

/** What a client does with a message (README): used by tests and by the unit spec. */
export function applyUpdate(
  view: Entry[],
  update: Pick<BoardUpdated, 'changes' | 'entries' | 'size'>,
): Entry[] {
  if (update.entries) return [...update.entries];
  const out = [...view];
  for (const c of update.changes ?? []) out[c.position] = c.entry;
  out.length = update.size;
  return out;
}
