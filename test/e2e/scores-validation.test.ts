import { startApp, TestApp } from '../support/app';
import { createBoard, standings, submit, top } from './scores-support';

/** API §0-§2: board-specific score rules, and what may change once a board has scores. */
describe('score validation and board changes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ name: 'scores-validation' });
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (boardId: string, body: unknown) =>
    t.http.post(`/v1/boards/${boardId}/scores`, body);
  const expect400 = async (boardId: string, body: unknown, field: string) => {
    const res = await post(boardId, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field }] });
  };

  it('rejects fractions and magnitudes beyond 2^53 on an integer board', async () => {
    await createBoard(t, 'ints', { integer: true });
    await expect400('ints', { playerId: 'a', score: 1.5 }, 'score');
    await expect400('ints', { playerId: 'a', score: 2 ** 53 + 2 }, 'score');
    await expect400('ints', { playerId: 'a', score: -(2 ** 53) - 2 }, 'score');
    expect((await top(t, 'ints')).total).toBe(0);
    await submit(t, 'ints', { playerId: 'a', score: 2 ** 53 });
    await submit(t, 'ints', { playerId: 'b', score: -(2 ** 53) });
    expect(await standings(t, 'ints')).toEqual([
      ['a', 2 ** 53, 1],
      ['b', -(2 ** 53), 2],
    ]);
  });

  it('rejects scores that are not finite JSON numbers', async () => {
    await createBoard(t, 'finite', {});
    await expect400('finite', { playerId: 'a', score: '10' }, 'score');
    await expect400('finite', { playerId: 'a', score: null }, 'score');
    await expect400('finite', { playerId: 'a' }, 'score');
    await expect400('finite', '{"playerId":"a","score":1e400}', 'score');
    await expect400('finite', { playerId: 'a b', score: 1 }, 'playerId');
    expect((await top(t, 'finite')).total).toBe(0);
  });

  it('enforces minScore and maxScore inclusively', async () => {
    await createBoard(t, 'bounds', { minScore: 0, maxScore: 1000 });
    await expect400('bounds', { playerId: 'a', score: -1 }, 'score');
    await expect400('bounds', { playerId: 'a', score: 1000.5 }, 'score');
    await submit(t, 'bounds', { playerId: 'a', score: 0 });
    await submit(t, 'bounds', { playerId: 'b', score: 1000 });
    expect(await standings(t, 'bounds')).toEqual([
      ['b', 1000, 1],
      ['a', 0, 2],
    ]);
  });

  it('rejects a sum beyond 2^53 on an integer board and changes no period', async () => {
    t.clock.set('2026-11-25T12:00:00Z');
    await createBoard(t, 'big-sum', { update: 'sum', integer: true, periods: ['all', 'daily'] });
    await submit(t, 'big-sum', { playerId: 'a', score: 2 ** 53 - 10 });
    t.clock.set('2026-11-26T12:00:00Z');
    await submit(t, 'big-sum', { playerId: 'a', score: 5 });
    const before = await top(t, 'big-sum');
    // The daily total (5 + 10) is fine; the all-time total would pass 2^53.
    await expect400('big-sum', { playerId: 'a', score: 10 }, 'score');
    // 2^53 + 1 is not a double: it would round to 2^53, so it is rejected too.
    await expect400('big-sum', { playerId: 'a', score: 6 }, 'score');
    const after = await top(t, 'big-sum');
    expect(after.entries).toEqual([{ rank: 1, playerId: 'a', score: 2 ** 53 - 5 }]);
    expect(after.etag).toBe(before.etag);
    expect(await standings(t, 'big-sum', '&period=daily')).toEqual([['a', 5, 1]]);
    expect((await submit(t, 'big-sum', { playerId: 'a', score: 5 })).periods.all.score).toBe(
      2 ** 53,
    );
  });

  it('answers 409 CONFLICT when order, update or ties would change on a board with scores', async () => {
    const config = { order: 'asc', update: 'latest', ties: 'first' };
    await createBoard(t, 'frozen', config);
    await submit(t, 'frozen', { playerId: 'a', score: 10 });
    for (const [field, value] of [
      ['order', 'desc'],
      ['update', 'best'],
      ['ties', 'shared'],
    ]) {
      const res = await t.http.put('/v1/boards/frozen', { ...config, [field]: value });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'CONFLICT', details: [{ field }] });
    }
    const board = await t.http.get('/v1/boards/frozen');
    expect(board.body).toMatchObject({ ...config, title: 'frozen' });
    const retitled = await t.http.put('/v1/boards/frozen', {
      ...config,
      title: 'Sprint',
      capacity: 5,
    });
    expect(retitled.status).toBe(200);
    expect(retitled.body).toMatchObject({ ...config, title: 'Sprint', capacity: 5 });
    expect(await standings(t, 'frozen')).toEqual([['a', 10, 1]]);
  });

  it('allows changing order, update and ties before a board has scores', async () => {
    await createBoard(t, 'fluid', { order: 'asc', update: 'latest', ties: 'first' });
    const changed = await t.http.put('/v1/boards/fluid', {
      order: 'desc',
      update: 'sum',
      ties: 'shared',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ order: 'desc', update: 'sum', ties: 'shared' });
    await submit(t, 'fluid', { playerId: 'a', score: 10 });
    await submit(t, 'fluid', { playerId: 'a', score: 5 });
    await submit(t, 'fluid', { playerId: 'b', score: 14 });
    expect(await standings(t, 'fluid')).toEqual([
      ['a', 15, 1],
      ['b', 14, 2],
    ]);
  });

  it('answers 404 BOARD_NOT_FOUND for a submission to a board that does not exist', async () => {
    const res = await post('nowhere', { playerId: 'a', score: 1 });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('BOARD_NOT_FOUND');
  });
});
