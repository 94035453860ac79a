import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { DomainError, validationFailed } from '../common/domain-error';
import { submissions } from '../ops/metrics/app-metrics';
import { BoardsService } from './boards.service';
import { resolveAt, submissionTargets } from './cycle-policy';
import type { Period } from './cycles';
import type { CycleTarget, Metadata, PeriodOutcome, StoredBoard } from './leaderboard.types';
import { LeaderboardsRepository } from './leaderboards.repository';
import { ScoreEvents } from './score-events';

export interface ScoreInput {
  playerId: string;
  score: number;
  at?: string;
  metadata?: Metadata;
  idempotencyKey?: string;
}

export interface SubmitResponse {
  playerId: string;
  replayed: boolean;
  periods: Record<string, Omit<PeriodOutcome, 'period' | 'changed'>>;
}

const MAX_SAFE = 2 ** 53;
const METADATA_MAX_BYTES = 1024;

interface RawOutcome {
  period: string;
  cycle: string;
  score?: string;
  rank?: number;
  previousScore?: string;
  previousRank?: number;
  improved: boolean;
  changed?: boolean;
}

/** Score submission rules (API §2): validate everything, then one all-or-nothing script. */
@Injectable()
export class ScoresService {
  constructor(
    private readonly boards: BoardsService,
    private readonly repo: LeaderboardsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly events: ScoreEvents,
  ) {}

  async submit(boardId: string, input: ScoreInput): Promise<SubmitResponse> {
    const board = await this.boards
      .load(boardId, undefined, { cached: true })
      .catch((error: unknown) => {
        throw rejected(error, 1);
      });
    const now = this.clock.now();
    let metadata: string;
    let at: Date;
    try {
      metadata = this.validate(board, input, '');
      at = resolveAt(board, input.at, now);
    } catch (error) {
      throw rejected(error, 1);
    }
    const [response] = await this.applyAll(board, [input], [metadata], [at], now, () => '');
    return response;
  }

  /**
   * All or nothing (API §2): every entry is validated here (`at` included), then one script
   * checks idempotency keys, the board and integer sums for all of them before applying any,
   * in order. One bad entry fails the request and nothing is applied.
   */
  async submitBatch(boardId: string, entries: ScoreInput[]): Promise<SubmitResponse[]> {
    const board = await this.boards
      .load(boardId, undefined, { cached: true })
      .catch((error: unknown) => {
        throw rejected(error, entries.length);
      });
    const now = this.clock.now();
    let metas: string[];
    let ats: Date[];
    try {
      metas = entries.map((e, i) => this.validate(board, e, `entries[${i}].`));
      ats = entries.map((e, i) => resolveAt(board, e.at, now, `entries[${i}].at`));
    } catch (error) {
      throw rejected(error, entries.length);
    }
    return this.applyAll(board, entries, metas, ats, now, (i) => `entries[${i}].`);
  }

  /** Import: sets exact scores in one cycle regardless of the update policy, so it is idempotent. */
  async importEntry(board: StoredBoard, target: CycleTarget, input: ScoreInput): Promise<void> {
    const metadata = this.validate(board, input, '');
    const reply = await this.repo.submit({
      board,
      playerId: input.playerId,
      score: String(input.score),
      metadata,
      targets: [target],
      idempotency: null,
      mode: 'set',
    });
    if (reply.kind === 'error') throw this.scriptError(reply.code, board.boardId);
  }

  /** One script for all the submissions (all or nothing); `path` names an entry in errors. */
  private async applyAll(
    board: StoredBoard,
    inputs: ScoreInput[],
    metas: string[],
    ats: Date[],
    now: Date,
    path: (index: number) => string,
  ): Promise<SubmitResponse[]> {
    const ttlMs = this.config.idempotencyTtlSeconds * 1000;
    const reply = await this.repo.submitMany(
      board,
      'submit',
      inputs.map((input, i) => ({
        playerId: input.playerId,
        score: String(input.score),
        metadata: metas[i],
        targets: submissionTargets(board, ats[i], now),
        idempotency: input.idempotencyKey
          ? { key: input.idempotencyKey, fingerprint: fingerprint(input), ttlMs }
          : null,
      })),
    );
    if (reply.kind === 'error') {
      const error = this.scriptError(reply.code, board.boardId, path(reply.index));
      throw rejected(error, inputs.length);
    }
    // Started together, so the listeners hear the applied ones in order, in one turn.
    return Promise.all(reply.replies.map((r, i) => this.answer(board, inputs[i], r)));
  }

  /** The response of one submission, after telling the listeners what an applied one changed. */
  private async answer(
    board: StoredBoard,
    input: ScoreInput,
    reply: { kind: 'applied' | 'replayed'; json: string },
  ): Promise<SubmitResponse> {
    submissions.inc({ outcome: reply.kind === 'replayed' ? 'replayed' : 'accepted' }); // ops metric
    const raw = JSON.parse(reply.json) as { periods: RawOutcome[] | Record<string, never> };
    // Lua's cjson encodes an empty table as {}: no periods.
    const outcomes = Array.isArray(raw.periods) ? raw.periods : [];
    const periods: SubmitResponse['periods'] = {};
    for (const p of outcomes) {
      periods[p.period] = {
        cycle: p.cycle,
        score: p.score === undefined ? null : Number(p.score),
        rank: p.rank ?? null,
        previousRank: p.previousRank ?? null,
        previousScore: p.previousScore === undefined ? null : Number(p.previousScore),
        improved: p.improved,
      };
    }
    // Live path hook (issue 3): an applied submission marks the board dirty for live views and
    // carries the submitter's own rank changes (rank.changed); replays change nothing.
    if (reply.kind === 'applied') {
      const changed = outcomes.filter((p) => p.changed);
      await this.events.applied({
        boardId: board.boardId,
        playerId: input.playerId,
        periods: changed.map((p) => ({ period: p.period as Period, ...periods[p.period] })),
        board,
      });
    }
    return { playerId: input.playerId, replayed: reply.kind === 'replayed', periods };
  }

  /** Board-specific rules; returns the metadata as stored JSON ('' for none). */
  private validate(board: StoredBoard, input: ScoreInput, path: string): string {
    const { score } = input;
    if (board.integer && (!Number.isInteger(score) || Math.abs(score) > MAX_SAFE)) {
      throw validationFailed(`${path}score`, 'must be an integer within ±2^53 on this board');
    }
    if (board.minScore !== null && score < board.minScore) {
      throw validationFailed(`${path}score`, `must be at least ${board.minScore}`);
    }
    if (board.maxScore !== null && score > board.maxScore) {
      throw validationFailed(`${path}score`, `must be at most ${board.maxScore}`);
    }
    if (input.metadata === undefined) return '';
    const m = input.metadata;
    for (const [k, v] of Object.entries(m)) {
      const ok =
        v === null ||
        ['string', 'boolean'].includes(typeof v) ||
        (typeof v === 'number' && Number.isFinite(v));
      if (!ok)
        throw validationFailed(`${path}metadata.${k}`, 'must be a string, number, boolean or null');
    }
    const json = JSON.stringify(m);
    if (Buffer.byteLength(json) > METADATA_MAX_BYTES) {
      throw validationFailed(
        `${path}metadata`,
        `must be at most ${METADATA_MAX_BYTES} bytes as JSON`,
      );
    }
    return json;
  }

  private scriptError(code: string, id: string, path = ''): DomainError {
    if (code === 'BOARD_NOT_FOUND')
      return new DomainError('BOARD_NOT_FOUND', `board ${id} does not exist`);
    if (code === 'IDEMPOTENCY_KEY_REUSED') {
      return new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used with a different body',
      );
    }
    return validationFailed(
      `${path}score`,
      'would take the total beyond ±2^53 on this integer board',
    );
  }
}

/**
 * Ops metric (rankfeed_submissions_total): a rule, the board or the idempotency check refused
 * `n` submissions (a failed batch counts each entry). Store failures are not rejections.
 */
function rejected(error: unknown, n: number): unknown {
  if (error instanceof DomainError && error.code !== 'STORE_UNAVAILABLE') {
    submissions.inc({ outcome: 'rejected' }, n);
  }
  return error;
}

/** What makes two submissions "the same request" for an Idempotency-Key. */
function fingerprint(input: ScoreInput): string {
  const canonical = JSON.stringify([
    input.playerId,
    input.score,
    input.at ?? null,
    input.metadata ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url');
}
