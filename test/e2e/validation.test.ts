/**
 * API §0 input validation: ids and scores are rejected with 400 VALIDATION_FAILED before any Redis
 * call. The app runs on a private redis-server, so its INFO commandstats count only this app.
 */
import type { Redis } from 'ioredis';
import {
  FORBIDDEN_IDS,
  countingCommands,
  startCountingApp,
  expectValidationFailed,
} from '../support/api-errors';
import { HttpResponse, TestApp } from '../support/app';

const BAD_IDS: Array<[string, string]> = [...FORBIDDEN_IDS, ['a whole hash tag', '{b:valid}']];

/** Percent-encodes what a URL path cannot carry; `:` and `*` travel as they are. */
const inPath = (id: string): string => encodeURIComponent(id).replace(/%3A/g, ':');

describe('input validation (API §0)', () => {
  let app: Awaited<ReturnType<typeof startCountingApp>>;
  let probe: Redis;
  let t: TestApp;

  beforeAll(async () => {
    app = await startCountingApp('validation');
    ({ t, probe } = app);
    expect((await t.http.put('/v1/boards/valid', {})).status).toBe(201);
    expect((await t.http.put('/v1/boards/whole', { integer: true })).status).toBe(201);
    const seeded = await t.http.post('/v1/boards/valid/scores', { playerId: 'p1', score: 10 });
    expect(seeded.status).toBe(200);
  });
  afterAll(async () => {
    await app.close();
  });

  /** 400 VALIDATION_FAILED naming `field`, and not one Redis command on the way. */
  async function rejectedBeforeRedis(field: string, send: () => Promise<HttpResponse>) {
    const { res, calls } = await countingCommands(probe, send);
    expectValidationFailed(res, field, [t.prefix]);
    expect(calls).toBe(0);
    return res;
  }

  async function topTotal(boardId: string): Promise<number> {
    const res = await t.http.get(`/v1/boards/${boardId}/top`);
    expect(res.status).toBe(200);
    return res.body.total;
  }

  it('counts the Redis commands of a valid request, so a zero count means something', async () => {
    const { res, calls } = await countingCommands(probe, () =>
      t.http.post('/v1/boards/valid/scores', { playerId: 'p2', score: 5 }),
    );
    expect(res.status).toBe(200);
    expect(calls).toBeGreaterThan(0);
  });

  describe.each(BAD_IDS)('an id with %s', (_label, id) => {
    it('is rejected as a boardId in the path of every board route', async () => {
      const board = inPath(id);
      await rejectedBeforeRedis('boardId', () => t.http.put(`/v1/boards/${board}`, {}));
      await rejectedBeforeRedis('boardId', () => t.http.get(`/v1/boards/${board}`));
      await rejectedBeforeRedis('boardId', () => t.http.delete(`/v1/boards/${board}`));
      await rejectedBeforeRedis('boardId', () => t.http.get(`/v1/boards/${board}/top`));
      await rejectedBeforeRedis('boardId', () => t.http.get(`/v1/boards/${board}/cycles`));
      await rejectedBeforeRedis('boardId', () =>
        t.http.post(`/v1/boards/${board}/scores`, { playerId: 'p1', score: 1 }),
      );
      await rejectedBeforeRedis('boardId', () =>
        t.http.post(`/v1/boards/${board}/scores/batch`, {
          entries: [{ playerId: 'p1', score: 1 }],
        }),
      );
    });

    it('is rejected as a playerId in the path', async () => {
      const player = inPath(id);
      await rejectedBeforeRedis('playerId', () => t.http.get(`/v1/boards/valid/players/${player}`));
      await rejectedBeforeRedis('playerId', () =>
        t.http.get(`/v1/boards/valid/players/${player}/around`),
      );
      await rejectedBeforeRedis('playerId', () =>
        t.http.delete(`/v1/boards/valid/players/${player}`),
      );
      await rejectedBeforeRedis('playerId', () =>
        t.http.put(`/v1/players/${player}`, { displayName: 'Eve' }),
      );
      await rejectedBeforeRedis('playerId', () => t.http.get(`/v1/players/${player}`));
    });

    it('is rejected as a playerId in a score body, a batch entry and a ranks query', async () => {
      await rejectedBeforeRedis('playerId', () =>
        t.http.post('/v1/boards/valid/scores', { playerId: id, score: 1 }),
      );
      await rejectedBeforeRedis('entries.1.playerId', () =>
        t.http.post('/v1/boards/valid/scores/batch', {
          entries: [
            { playerId: 'ok', score: 1 },
            { playerId: id, score: 2 },
          ],
        }),
      );
      await rejectedBeforeRedis('playerIds', () =>
        t.http.get(`/v1/boards/valid/ranks?playerIds=p1,${encodeURIComponent(id)}`),
      );
    });
  });

  it('rejects an empty playerId in a body and an empty ranks list', async () => {
    await rejectedBeforeRedis('playerId', () =>
      t.http.post('/v1/boards/valid/scores', { playerId: '', score: 1 }),
    );
    await rejectedBeforeRedis('playerIds', () => t.http.get('/v1/boards/valid/ranks?playerIds='));
    await rejectedBeforeRedis('playerIds', () =>
      t.http.get('/v1/boards/valid/ranks?playerIds=a,,b'),
    );
  });

  it('rejects an empty id in the path: an encoded space or no segment at all', async () => {
    await rejectedBeforeRedis('boardId', () => t.http.get('/v1/boards/%20/top'));
    await rejectedBeforeRedis('playerId', () => t.http.get('/v1/boards/valid/players//around'));
  });

  it('accepts an id of exactly 64 allowed characters', async () => {
    const id = `A-z_0.9${'x'.repeat(57)}`;
    expect(id).toHaveLength(64);
    const res = await t.http.post('/v1/boards/valid/scores', { playerId: id, score: 3 });
    expect(res.status).toBe(200);
    expect(res.body.playerId).toBe(id);
  });

  describe('scores', () => {
    const raw = (body: string) => () => t.http.post('/v1/boards/valid/scores', body);

    it('rejects NaN sent as a string', async () => {
      await rejectedBeforeRedis('score', () =>
        t.http.post('/v1/boards/valid/scores', { playerId: 'p1', score: 'NaN' }),
      );
    });

    it('rejects a bare NaN as invalid JSON', async () => {
      await rejectedBeforeRedis('body', raw('{"playerId":"p1","score":NaN}'));
    });

    it('rejects a number sent as a string', async () => {
      await rejectedBeforeRedis('score', () =>
        t.http.post('/v1/boards/valid/scores', { playerId: 'p1', score: '5' }),
      );
    });

    it('rejects 1e999 and -1e999, which JSON.parse turns into infinities', async () => {
      await rejectedBeforeRedis('score', raw('{"playerId":"p1","score":1e999}'));
      await rejectedBeforeRedis('score', raw('{"playerId":"p1","score":-1e999}'));
      await rejectedBeforeRedis('entries.0.score', () =>
        t.http.post(
          '/v1/boards/valid/scores/batch',
          '{"entries":[{"playerId":"p1","score":1e999}]}',
        ),
      );
    });

    it('rejects a missing score, null, a boolean and an object', async () => {
      for (const score of [undefined, null, true, { value: 1 }]) {
        await rejectedBeforeRedis('score', () =>
          t.http.post('/v1/boards/valid/scores', { playerId: 'p1', score }),
        );
      }
    });

    it('leaves the board untouched after every rejected score', async () => {
      const res = await t.http.get('/v1/boards/valid/players/p1');
      expect(res.status).toBe(200);
      expect(res.body.score).toBe(10);
    });

    it('rejects magnitudes beyond 2^53 on an integer board and stores nothing', async () => {
      const res = await t.http.post(
        '/v1/boards/whole/scores',
        '{"playerId":"p1","score":9007199254740994}',
      );
      expectValidationFailed(res, 'score', [t.prefix]);
      const fraction = await t.http.post('/v1/boards/whole/scores', { playerId: 'p1', score: 1.5 });
      expectValidationFailed(fraction, 'score', [t.prefix]);
      expect(await topTotal('whole')).toBe(0);
    });
  });

  describe('bodies', () => {
    it('rejects fields the DTO does not declare (forbidNonWhitelisted)', async () => {
      await rejectedBeforeRedis('rank', () =>
        t.http.post('/v1/boards/valid/scores', { playerId: 'p1', score: 1, rank: 1 }),
      );
      await rejectedBeforeRedis('colour', () => t.http.put('/v1/boards/valid', { colour: 'red' }));
      await rejectedBeforeRedis('entries.0.rank', () =>
        t.http.post('/v1/boards/valid/scores/batch', {
          entries: [{ playerId: 'p1', score: 1, rank: 1 }],
        }),
      );
    });

    it('rejects an array body, even one holding a valid submission', async () => {
      await rejectedBeforeRedis('body', () =>
        t.http.post('/v1/boards/valid/scores', [{ playerId: 'p1', score: 1 }]),
      );
      await rejectedBeforeRedis('body', () => t.http.put('/v1/boards/valid', []));
    });

    it('rejects JSON scalars as bodies', async () => {
      for (const body of ['42', '"text"', 'null', 'true']) {
        await rejectedBeforeRedis('body', () => t.http.post('/v1/boards/valid/scores', body));
      }
    });

    it('rejects an empty body, with or without a JSON content type', async () => {
      await rejectedBeforeRedis('body', () => t.http.post('/v1/boards/valid/scores', ''));
      await rejectedBeforeRedis('body', () => t.http.post('/v1/boards/valid/scores', '   '));
      await rejectedBeforeRedis('body', () => t.http.request('POST', '/v1/boards/valid/scores'));
    });

    it('rejects invalid JSON', async () => {
      for (const body of ['{"playerId":', "{'playerId':'p1','score':1}", '{"score":1,}']) {
        await rejectedBeforeRedis('body', () => t.http.post('/v1/boards/valid/scores', body));
      }
    });

    it('rejects an at that is not ISO-8601', async () => {
      await rejectedBeforeRedis('at', () =>
        t.http.post('/v1/boards/valid/scores', { playerId: 'p1', score: 1, at: 'yesterday' }),
      );
    });

    it('rejects a batch with no entries or more than 1000', async () => {
      await rejectedBeforeRedis('entries', () =>
        t.http.post('/v1/boards/valid/scores/batch', { entries: [] }),
      );
      const entries = Array.from({ length: 1001 }, (_, i) => ({ playerId: `b${i}`, score: i }));
      await rejectedBeforeRedis('entries', () =>
        t.http.post('/v1/boards/valid/scores/batch', { entries }),
      );
    });
  });

  describe('Idempotency-Key', () => {
    const submit = (key: string) => () =>
      t.http.post(
        '/v1/boards/valid/scores',
        { playerId: 'p1', score: 1 },
        { 'idempotency-key': key },
      );

    it('rejects a key of 65 characters', async () => {
      await rejectedBeforeRedis('Idempotency-Key', submit('k'.repeat(65)));
    });

    it('rejects a key with a space', async () => {
      await rejectedBeforeRedis('Idempotency-Key', submit('two words'));
    });

    it('accepts a key of exactly 64 printable characters', async () => {
      const res = await submit(`{}:*${'k'.repeat(60)}`)();
      expect(res.status).toBe(200);
      expect(res.body.replayed).toBe(false);
    });
  });
});
