import type { Keys } from '../redis/keys';
import type { ScriptArg } from '../redis/scripts';
import type { StoredBoard } from './leaderboard.types';
import type { SubmitEntry } from './leaderboards.repository';

/**
 * KEYS and ARGV of submit-score.lua (layout in its header): each distinct cycle and idempotency
 * record once, submissions referring to them by number, so a 1000-entry batch stays small.
 */
export function submitScriptArgs(
  keys: Keys,
  board: StoredBoard,
  mode: 'submit' | 'set',
  entries: SubmitEntry[],
): { keys: string[]; args: ScriptArg[] } {
  const id = board.boardId;
  const cycleNo = new Map<string, number>();
  const names = [keys.boardConfig(id)];
  const cycleArgs: ScriptArg[] = [];
  for (const t of entries.flatMap((e) => e.targets)) {
    const name = `${t.period}/${t.cycle}`;
    if (cycleNo.has(name)) continue;
    cycleNo.set(name, cycleNo.size + 1);
    names.push(
      keys.cycleScores(id, t.period, t.cycle),
      keys.cycleEntries(id, t.period, t.cycle),
      keys.cycleIndex(id, t.period),
    );
    cycleArgs.push(t.period, t.cycle, t.startsAtMs, t.ttlMs);
  }
  // KEYS index (1-based, as Lua sees it) of each idempotency record; 0 = none.
  const recordNo = new Map<string, number>();
  const entryArgs: ScriptArg[] = [];
  for (const e of entries) {
    const idem = e.idempotency;
    let record = 0;
    if (idem) {
      const key = keys.idempotency(id, idem.key);
      record = recordNo.get(key) ?? names.push(key);
      recordNo.set(key, record);
    }
    entryArgs.push(
      e.playerId,
      e.score,
      e.metadata,
      idem?.fingerprint ?? '',
      record,
      idem?.ttlMs ?? 0,
    );
    entryArgs.push(
      e.targets.length,
      ...e.targets.map((t) => cycleNo.get(`${t.period}/${t.cycle}`) ?? 0),
    );
  }
  return {
    keys: names,
    args: [mode, board.retain, cycleNo.size, ...cycleArgs, entries.length, ...entryArgs],
  };
}
