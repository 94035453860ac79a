import fc from 'fast-check';
import type { Entry, ViewState } from './live.types';
import { applyUpdate, diffView } from './view-diff';

const entry = (playerId: string, score: number, rank: number): Entry => ({ rank, playerId, score });
const state = (entries: Entry[], seq = 4, epoch = 'e1'): ViewState => ({
  epoch,
  cycle: 'all',
  seq,
  entries,
});

describe('diffView', () => {
  it('sends only the positions that differ, with the new size', () => {
    const prev = state([entry('a', 9, 1), entry('b', 8, 2), entry('c', 7, 3), entry('d', 6, 4)]);
    const next = [entry('a', 9, 1), entry('b', 8, 2), entry('d', 7.5, 3), entry('c', 7, 4)];
    expect(diffView('s', prev, { epoch: 'e1', cycle: 'all', entries: next })).toEqual({
      subscription: 's',
      epoch: 'e1',
      seq: 5,
      prevSeq: 4,
      cycle: 'all',
      size: 4,
      changes: [
        { position: 2, entry: entry('d', 7.5, 3) },
        { position: 3, entry: entry('c', 7, 4) },
      ],
    });
  });

  it('returns null when nothing changed', () => {
    const prev = state([entry('a', 1, 1)]);
    expect(
      diffView('s', prev, { epoch: 'e1', cycle: 'all', entries: [entry('a', 1, 1)] }),
    ).toBeNull();
  });

  it('sends the whole view on a new epoch or when that is smaller than the changes', () => {
    const prev = state([entry('a', 2, 1), entry('b', 1, 2)]);
    const swapped = [entry('b', 3, 1), entry('a', 2, 2)];
    expect(diffView('s', prev, { epoch: 'e1', cycle: 'all', entries: swapped })?.entries).toEqual(
      swapped,
    );
    expect(diffView('s', prev, { epoch: 'e2', cycle: 'x', entries: [] })).toMatchObject({
      epoch: 'e2',
      entries: [],
      size: 0,
    });
    expect(diffView('s', null, { epoch: 'e3', cycle: 'all', entries: swapped })).toMatchObject({
      seq: 1,
      prevSeq: 0,
      entries: swapped,
    });
  });

  it('always lets a client applying the message reach the new view', () => {
    const list = fc.array(
      fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.integer({ min: 0, max: 5 })),
      { maxLength: 8 },
    );
    const toEntries = (xs: [string, number][]): Entry[] =>
      xs.map(([p, s], i) => entry(p, s, i + 1));
    fc.assert(
      fc.property(list, list, (before, after) => {
        const prev = state(toEntries(before));
        const next = toEntries(after);
        const update = diffView('s', prev, { epoch: 'e1', cycle: 'all', entries: next });
        const applied = update ? applyUpdate(prev.entries, update) : prev.entries;
        expect(applied).toEqual(next);
      }),
    );
  });
});
