/**
 * Tables of hostile-input.test.ts: bad ids and the routes that take ids, the seeded data, and
 * the paged lists whose cursors are tampered with.
 */
import type { Keys } from '../../src/redis/keys';
import { FORBIDDEN_IDS } from '../support/api-errors';
import type { Http, HttpResponse } from '../support/app';

/** Ids of API §0's list that no other test sends. */
export const NEW_BAD_IDS: Array<[string, string]> = [
  ['a question mark', 'a?b'],
  ['an opening bracket', 'a[b'],
  ['a newline', 'a\nb'],
  ['a NUL byte', 'a\u0000b'],
];

export const ALL_BAD_IDS = [...FORBIDDEN_IDS, ...NEW_BAD_IDS];

/** Percent-encodes what a URL path cannot carry; `:` and `*` travel as they are. */
export const inPath = (id: string): string => encodeURIComponent(id).replace(/%3A/g, ':');

export interface IdRoute {
  route: string;
  /** The field VALIDATION_FAILED names. */
  field: string;
  /** Whether validation.test.ts sends FORBIDDEN_IDS here already. */
  covered: boolean;
  send(http: Http, id: string): Promise<HttpResponse>;
}

const ndjson = { 'content-type': 'application/x-ndjson' };

/** How a route is called with an id (already encoded for a path). */
type Send = (http: Http, id: string) => Promise<HttpResponse>;

function pathRoutes(field: string, covered: boolean, rows: Array<[string, Send]>): IdRoute[] {
  return rows.map(([route, send]) => ({
    route: `${route} (${field})`,
    field,
    covered,
    send: (http, id) => send(http, inPath(id)),
  }));
}

/** Every REST route that takes an id, with valid values for its other ids. */
export const ID_ROUTES: IdRoute[] = [
  ...pathRoutes('boardId', true, [
    ['PUT /v1/boards/:boardId', (h, b) => h.put(`/v1/boards/${b}`, {})],
    ['GET /v1/boards/:boardId', (h, b) => h.get(`/v1/boards/${b}`)],
    ['DELETE /v1/boards/:boardId', (h, b) => h.delete(`/v1/boards/${b}`)],
    ['GET top', (h, b) => h.get(`/v1/boards/${b}/top`)],
    ['GET cycles', (h, b) => h.get(`/v1/boards/${b}/cycles`)],
    ['POST scores', (h, b) => h.post(`/v1/boards/${b}/scores`, { playerId: 'p1', score: 1 })],
    [
      'POST scores/batch',
      (h, b) => h.post(`/v1/boards/${b}/scores/batch`, { entries: [{ playerId: 'p1', score: 1 }] }),
    ],
  ]),
  ...pathRoutes('boardId', false, [
    ['GET ranks', (h, b) => h.get(`/v1/boards/${b}/ranks?playerIds=p1`)],
    ['GET players/:playerId', (h, b) => h.get(`/v1/boards/${b}/players/p1`)],
    ['GET around', (h, b) => h.get(`/v1/boards/${b}/players/p1/around`)],
    ['GET friends', (h, b) => h.get(`/v1/boards/${b}/players/fan/friends`)],
    ['DELETE players/:playerId', (h, b) => h.delete(`/v1/boards/${b}/players/nobody`)],
    ['GET activities', (h, b) => h.get(`/v1/boards/${b}/activities`)],
    ['GET export', (h, b) => h.get(`/v1/boards/${b}/export`)],
    ['POST import', (h, b) => h.post(`/v1/boards/${b}/import`, '', ndjson)],
  ]),
  ...pathRoutes('playerId', true, [
    ['GET board players/:playerId', (h, p) => h.get(`/v1/boards/small/players/${p}`)],
    ['GET around', (h, p) => h.get(`/v1/boards/small/players/${p}/around`)],
    ['DELETE board players/:playerId', (h, p) => h.delete(`/v1/boards/small/players/${p}`)],
    ['PUT /v1/players/:playerId', (h, p) => h.put(`/v1/players/${p}`, { displayName: 'E' })],
    ['GET /v1/players/:playerId', (h, p) => h.get(`/v1/players/${p}`)],
  ]),
  ...pathRoutes('playerId', false, [
    ['GET friends', (h, p) => h.get(`/v1/boards/small/players/${p}/friends`)],
    ['DELETE /v1/players/:playerId', (h, p) => h.delete(`/v1/players/${p}`)],
    ['POST activities', (h, p) => h.post(`/v1/players/${p}/activities`, { verb: 'v' })],
    ['GET activities', (h, p) => h.get(`/v1/players/${p}/activities`)],
    ['GET feed', (h, p) => h.get(`/v1/players/${p}/feed`)],
    ['DELETE activities/:activityId', (h, p) => h.delete(`/v1/players/${p}/activities/a1`)],
  ]),
  ...pathRoutes('activityId', false, [
    ['DELETE activities/:activityId', (h, a) => h.delete(`/v1/players/ua/activities/${a}`)],
  ]),
  ...pathRoutes('id', false, [
    ['POST posts', (h, p) => h.post(`/v1/players/${p}/posts`, { text: 'hi' })],
    ['GET posts', (h, p) => h.get(`/v1/players/${p}/posts`)],
    ['PUT following/:targetId', (h, p) => h.put(`/v1/players/${p}/following/star`)],
    ['DELETE following/:targetId', (h, p) => h.delete(`/v1/players/${p}/following/star`)],
    ['GET following/:targetId', (h, p) => h.get(`/v1/players/${p}/following/star`)],
    ['GET following', (h, p) => h.get(`/v1/players/${p}/following`)],
    ['GET followers', (h, p) => h.get(`/v1/players/${p}/followers`)],
    ['GET mutual/:otherId', (h, p) => h.get(`/v1/players/${p}/mutual/fan`)],
    ['GET suggestions', (h, p) => h.get(`/v1/players/${p}/suggestions`)],
  ]),
  ...pathRoutes('targetId', false, [
    ['PUT following/:targetId', (h, p) => h.put(`/v1/players/fan/following/${p}`)],
    ['DELETE following/:targetId', (h, p) => h.delete(`/v1/players/fan/following/${p}`)],
    ['GET following/:targetId', (h, p) => h.get(`/v1/players/fan/following/${p}`)],
  ]),
  ...pathRoutes('otherId', false, [
    ['GET mutual/:otherId', (h, p) => h.get(`/v1/players/fan/mutual/${p}`)],
  ]),
  // Ids in bodies and queries.
  {
    route: 'POST activities (foreignId)',
    field: 'foreignId',
    covered: false,
    send: (h, id) => h.post('/v1/players/ua/activities', { verb: 'v', foreignId: id }),
  },
  {
    route: 'POST posts (post id)',
    field: 'id',
    covered: false,
    send: (h, id) => h.post('/v1/players/ua/posts', { text: 'hi', id }),
  },
  {
    route: 'POST scores (playerId in the body)',
    field: 'playerId',
    covered: true,
    send: (h, id) => h.post('/v1/boards/small/scores', { playerId: id, score: 1 }),
  },
  {
    route: 'POST scores/batch (playerId of an entry)',
    field: 'entries.0.playerId',
    covered: true,
    send: (h, id) =>
      h.post('/v1/boards/small/scores/batch', { entries: [{ playerId: id, score: 1 }] }),
  },
  {
    route: 'GET ranks (playerIds)',
    field: 'playerIds',
    covered: true,
    send: (h, id) => h.get(`/v1/boards/small/ranks?playerIds=p1,${encodeURIComponent(id)}`),
  },
];

/** Live events that take ids: [event, field, payload]. */
export const LIVE_ID_EVENTS: Array<[string, string, (id: string) => unknown]> = [
  ['board.subscribe', 'boardId', (id) => ({ boardId: id, view: { type: 'top' } })],
  [
    'board.subscribe',
    'view.playerId',
    (id) => ({ boardId: 'small', view: { type: 'around', playerId: id } }),
  ],
  ['rank.subscribe', 'boardId', (id) => ({ boardId: id, playerId: 'p1' })],
  ['rank.subscribe', 'playerId', (id) => ({ boardId: 'small', playerId: id })],
  ['feed.subscribe', 'playerId', (id) => ({ playerId: id })],
];

/**
 * Players p1..p5 on both boards, 100,000 more on `big` (a range over all of it would walk
 * 100,005 elements, which the command audit reports); `fan` follows p1..p5 and `star`, fan2 the same, fan3 p1..p3.
 * `addToBig` writes members straight into big's sorted set (ties `shared`: member = player id).
 */
export async function seed(
  http: Http,
  addToBig: (scoresAndMembers: Array<string | number>) => Promise<unknown>,
): Promise<void> {
  const ok = async (res: Promise<HttpResponse>, what: string) => {
    const r = await res;
    if (r.status >= 300) throw new Error(`seeding ${what}: ${r.status} ${r.text}`);
  };
  await ok(http.put('/v1/boards/small', {}), 'small');
  await ok(http.put('/v1/boards/ints', { integer: true }), 'ints');
  await ok(http.put('/v1/boards/big', {}), 'big');
  for (let i = 1; i <= 5; i += 1) {
    await ok(http.post('/v1/boards/small/scores', { playerId: `p${i}`, score: i }), 'score');
    await ok(http.post('/v1/boards/big/scores', { playerId: `p${i}`, score: i }), 'score');
  }
  for (let chunk = 0; chunk < 20; chunk += 1) {
    const args: Array<string | number> = [];
    for (let i = 0; i < 5000; i += 1) {
      const n = 100 + chunk * 5000 + i;
      args.push((n * 7919) % 100_003, `p${n}`);
    }
    await addToBig(args);
  }
  for (const player of ['ua', 'ub']) {
    for (let i = 0; i < 3; i += 1) {
      await ok(http.post(`/v1/players/${player}/activities`, { verb: 'played' }), 'activity');
      await ok(http.post(`/v1/players/${player}/posts`, { text: `post ${i}` }), 'post');
    }
  }
  const follows: Array<[string, string[]]> = [
    ['fan', ['p1', 'p2', 'p3', 'p4', 'p5', 'star']],
    ['fan2', ['p1', 'p2', 'p3', 'p4', 'p5', 'star']],
    ['fan3', ['p1', 'p2', 'p3', 'star', 'star2']],
  ];
  for (const [follower, targets] of follows) {
    for (const target of targets) {
      await ok(http.put(`/v1/players/${follower}/following/${target}`), 'follow');
    }
  }
}

/** A paged list: where its first page is, and another list of the same kind. */
export interface PagedList {
  name: string;
  path: string;
  other: string;
  /** The page size parameter, when it is not `limit`. */
  size?: string;
}

/** The first page of one entry, or the page after `cursor`. */
export function page(list: PagedList, path: string, cursor?: string): string {
  const size = `${path.includes('?') ? '&' : '?'}${list.size ?? 'limit'}=1`;
  return `${path}${size}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
}

export const PAGED_LISTS: PagedList[] = [
  { name: 'top', path: '/v1/boards/big/top', other: '/v1/boards/small/top' },
  { name: 'boards', path: '/v1/boards', other: '/v1/players/fan/following' },
  { name: 'activities', path: '/v1/players/ua/activities', other: '/v1/players/ub/activities' },
  { name: 'feed', path: '/v1/players/ua/feed', other: '/v1/players/ua/activities' },
  {
    name: 'board activities',
    path: '/v1/boards/big/activities',
    other: '/v1/boards/small/activities',
  },
  { name: 'followers', path: '/v1/players/star/followers', other: '/v1/players/p1/followers' },
  { name: 'following', path: '/v1/players/fan/following', other: '/v1/players/fan2/following' },
  { name: 'mutual', path: '/v1/players/fan/mutual/fan2', other: '/v1/players/fan/mutual/fan3' },
  { name: 'posts', path: '/v1/players/ua/posts', other: '/v1/players/ub/posts' },
  {
    name: 'friends',
    path: '/v1/boards/small/players/fan/friends',
    other: '/v1/boards/big/players/fan/friends',
  },
  {
    name: 'admin keys',
    path: '/v1/admin/keys?match=*',
    other: '/v1/admin/keys?match=*p*',
    size: 'count',
  },
];

/** Lists whose `limit` no other test checks, for limit=1000000 and friends. */
export const LIMITED_LISTS = [
  '/v1/players/ua/activities',
  '/v1/players/ua/feed',
  '/v1/boards/small/activities',
  '/v1/players/star/followers',
  '/v1/players/fan/following',
  '/v1/players/fan/mutual/fan2',
  '/v1/players/fan/suggestions',
  '/v1/players/ua/posts',
  '/v1/boards/small/players/fan/friends',
];

/** [what, the key, how it is broken, the request]: WRONGTYPE inside a Lua script or a command. */
export const BROKEN_KEYS: Array<
  [string, (keys: Keys) => string, 'string' | 'hash', (http: Http) => Promise<HttpResponse>]
> = [
  [
    'a score when the cycle is not a sorted set',
    (k) => k.cycleScores('wt', 'all', 'all'),
    'string',
    (h) => h.post('/v1/boards/wt/scores', { playerId: 'p1', score: 1 }),
  ],
  [
    'a top page of that cycle',
    (k) => k.cycleScores('wt', 'all', 'all'),
    'string',
    (h) => h.get('/v1/boards/wt/top'),
  ],
  [
    'an activity when the activities are not a hash',
    (k) => k.activities('wp1'),
    'string',
    (h) => h.post('/v1/players/wp1/activities', { verb: 'v' }),
  ],
  [
    'an activity list when the stream is not a sorted set',
    (k) => k.activityStream('wp2'),
    'string',
    (h) => h.get('/v1/players/wp2/activities'),
  ],
  [
    'a post when the posts are not a list',
    (k) => k.posts('wp3'),
    'string',
    (h) => h.post('/v1/players/wp3/posts', { text: 'hi' }),
  ],
  [
    'a follow when the following set is not a set',
    (k) => k.following('wp4'),
    'string',
    (h) => h.put('/v1/players/wp4/following/star'),
  ],
  [
    'a profile that is not a string',
    (k) => k.playerProfile('wp5'),
    'hash',
    (h) => h.get('/v1/players/wp5'),
  ],
];

/** Routes of every family redis-failure.test.ts leaves out: [method, path, body]. */
export const OUTAGE_ROUTES: Array<[string, string, unknown]> = [
  ['POST', '/v1/players/ua/activities', { verb: 'v' }],
  ['GET', '/v1/players/ua/activities', undefined],
  ['GET', '/v1/players/ua/feed', undefined],
  ['GET', '/v1/boards/small/activities', undefined],
  ['DELETE', '/v1/players/ua/activities/1700000000000-abcdefghij', undefined],
  ['POST', '/v1/players/ua/posts', { text: 'hi' }],
  ['GET', '/v1/players/ua/posts', undefined],
  ['PUT', '/v1/players/ua', { displayName: 'Ua' }],
  ['GET', '/v1/players/ua', undefined],
  ['PUT', '/v1/players/fan/following/star', {}],
  ['GET', '/v1/players/star/followers', undefined],
  ['GET', '/v1/players/fan/mutual/fan2', undefined],
  ['GET', '/v1/players/fan/suggestions', undefined],
  ['GET', '/v1/boards/small/players/fan/friends', undefined],
];
