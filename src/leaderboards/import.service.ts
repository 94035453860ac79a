import { Injectable } from '@nestjs/common';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { ID_PATTERN } from '../common/validation';
import { BoardsService } from './boards.service';
import { resolveReadCycle, submissionTargets } from './cycle-policy';
import type { ReadTarget } from './board-reads.service';
import type { Metadata } from './leaderboard.types';
import { ScoresService } from './scores.service';

const CHUNK = 200;
const MAX_LINE_BYTES = 4096;

interface ImportLine {
  playerId: string;
  score: number;
  metadata?: Metadata;
}

/**
 * NDJSON import in export's format ({rank?, playerId, score, metadata?} per line). Each line sets
 * the exact score in one cycle, so importing the same file twice leaves the same board. Lines are
 * applied in chunks as they stream in; a bad line stops the import with its line number (lines
 * before it are applied; fix and re-run, it is idempotent).
 */
@Injectable()
export class ImportService {
  constructor(
    private readonly boards: BoardsService,
    private readonly scores: ScoresService,
    private readonly clock: Clock,
  ) {}

  async import(
    boardId: string,
    q: ReadTarget,
    body: Readable | undefined,
  ): Promise<{ imported: number }> {
    const board = await this.boards.load(boardId);
    if (!body || typeof body.on !== 'function') {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'send the entries as application/x-ndjson');
    }
    const period = q.period ?? 'all';
    const now = this.clock.now();
    const cycle = resolveReadCycle(board, period, q.cycle, now);
    const [target] = submissionTargets({ ...board, periods: [period] }, cycle.startsAt ?? now, now);
    let imported = 0;
    let lineNo = 0;
    let pending: Promise<void>[] = [];
    for await (const raw of createInterface({ input: body, crlfDelay: Infinity })) {
      lineNo += 1;
      if (raw.trim() === '') continue;
      let line: ImportLine;
      try {
        line = parseLine(raw, lineNo);
      } catch (err) {
        // Lines in flight are settled first: an earlier line's failure wins, none goes unhandled.
        await settle(pending);
        throw err;
      }
      const at = lineNo;
      pending.push(
        this.scores
          .importEntry(board, { ...target, cycle: cycle.id }, line)
          .catch((err: unknown) => {
            throw onLine(err, at);
          }),
      );
      if (pending.length >= CHUNK) {
        await settle(pending);
        imported += pending.length;
        pending = [];
      }
    }
    await settle(pending);
    return { imported: imported + pending.length };
  }
}

/** Waits for every promise; then throws the first failure in line order, if any. */
async function settle(pending: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(pending)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** A board rule a line broke (e.g. maxScore) names the line, like a parse error does. */
function onLine(err: unknown, lineNo: number): unknown {
  if (!(err instanceof DomainError) || err.code !== 'VALIDATION_FAILED') return err;
  return new DomainError('VALIDATION_FAILED', `line ${lineNo}: ${err.message}`, [
    { field: `line ${lineNo}`, reason: err.message },
  ]);
}

function parseLine(raw: string, lineNo: number): ImportLine {
  const fail = (reason: string) =>
    new DomainError('VALIDATION_FAILED', `line ${lineNo}: ${reason}`, [
      { field: `line ${lineNo}`, reason },
    ]);
  if (Buffer.byteLength(raw) > MAX_LINE_BYTES) throw fail(`longer than ${MAX_LINE_BYTES} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw fail('is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw fail('must be a JSON object');
  const o = v as Record<string, unknown>;
  const extra = Object.keys(o).filter(
    (k) => !['rank', 'playerId', 'score', 'metadata', 'profile'].includes(k),
  );
  if (extra.length > 0) throw fail(`unknown field ${extra[0]}`);
  if (typeof o.playerId !== 'string' || !ID_PATTERN.test(o.playerId))
    throw fail('playerId must match ^[A-Za-z0-9_.-]{1,64}$');
  if (typeof o.score !== 'number' || !Number.isFinite(o.score))
    throw fail('score must be a finite number');
  if (
    o.metadata !== undefined &&
    (typeof o.metadata !== 'object' || o.metadata === null || Array.isArray(o.metadata))
  ) {
    throw fail('metadata must be an object');
  }
  return { playerId: o.playerId, score: o.score, metadata: o.metadata as Metadata | undefined };
}
