import { CursorCodec } from '../../src/common/cursor-codec';
import { AppConfig } from '../../src/config/app-config';
import { ProfilesRepository } from '../../src/players/profiles.repository';
import { PostsRepository } from '../../src/posts/posts.repository';
import { SocialDiscoveryService } from '../../src/social/social-discovery.service';
import { SocialEvents } from '../../src/social/social-events';
import { SocialGraphRepository } from '../../src/social/social-graph.repository';
import { SocialGraphService } from '../../src/social/social-graph.service';
import { openRepository, RepositoryFixture, TOPOLOGIES } from '../support/repository-fixture';
import { connectCluster } from '../support/test-redis';

/** The cluster's own slot of a key (CLUSTER KEYSLOT): the same whatever the topology under test. */
async function slotOf(key: string): Promise<number> {
  const cluster = connectCluster();
  try {
    return Number(await cluster.cluster('KEYSLOT', key));
  } finally {
    await cluster.quit();
  }
}

describe.each(TOPOLOGIES)('social graph and posts scripts (%s)', (topology) => {
  let f: RepositoryFixture;
  let repo: SocialGraphRepository;
  let graph: SocialGraphService;
  let discovery: SocialDiscoveryService;
  let posts: PostsRepository;

  beforeAll(async () => {
    f = await openRepository(topology, 'social');
    repo = new SocialGraphRepository(f.client, f.keys);
    const cursors = new CursorCodec('integration-test-secret');
    graph = new SocialGraphService(
      repo,
      new SocialEvents(),
      new ProfilesRepository(f.client, f.keys),
      cursors,
      AppConfig.fromEnv({ FOLLOWING_MAX: '50' }),
    );
    discovery = new SocialDiscoveryService(graph, repo, cursors);
    posts = new PostsRepository(f.client, f.keys);
  });
  afterAll(async () => {
    await f.close();
  });

  it('puts the two players of a follow in different hash slots', async () => {
    const alice = await slotOf(f.keys.following('alice'));
    expect(await slotOf(f.keys.followers('bob'))).not.toBe(alice);
    expect(await slotOf(f.keys.followers('alice'))).toBe(alice);
    expect(await slotOf(f.keys.posts('alice'))).toBe(alice);
  });

  it('follows across slots, idempotently, and unfollows both sides', async () => {
    expect(await repo.follow('alice', 'bob', 50)).toBe('added');
    expect(await repo.follow('alice', 'bob', 50)).toBe('exists');
    expect(await f.client.smembers(f.keys.following('alice'))).toEqual(['bob']);
    expect(await f.client.smembers(f.keys.followers('bob'))).toEqual(['alice']);
    expect(await repo.unfollow('alice', 'bob')).toBe(true);
    expect(await repo.unfollow('alice', 'bob')).toBe(false);
    expect(await f.client.exists(f.keys.following('alice'), f.keys.followers('alice'))).toBe(0);
    expect(await f.client.scard(f.keys.followers('bob'))).toBe(0);
  });

  it('repairs a half-done follow on retry and refuses a follow past the cap', async () => {
    await f.client.sadd(f.keys.following('carol'), 'dave');
    expect(await repo.follow('carol', 'dave', 50)).toBe('exists');
    expect(await f.client.sismember(f.keys.followers('dave'), 'carol')).toBe(1);
    for (let i = 0; i < 49; i++) await repo.follow('carol', `x${i}`, 50);
    expect(await repo.follow('carol', 'over', 50)).toBe('full');
    expect(await f.client.scard(f.keys.following('carol'))).toBe(50);
    expect(await f.client.exists(f.keys.followers('over'))).toBe(0);
  });

  it('computes mutual followings without a cross-slot command', async () => {
    for (const x of ['k1', 'k2', 'k3']) await graph.follow('erin', x);
    for (const x of ['k2', 'k3', 'k4']) await graph.follow('finn', x);
    expect(await discovery.mutual('erin', 'finn', 10)).toEqual({
      players: [{ playerId: 'k2' }, { playerId: 'k3' }],
      nextCursor: null,
    });
  });

  it('erases a player from both sides of every edge across slots', async () => {
    for (const x of ['g1', 'g2']) await graph.follow('gone', x);
    for (const x of ['h1', 'h2', 'h3']) await graph.follow(x, 'gone');
    await graph.erasePlayer('gone');
    expect(await f.client.exists(f.keys.following('gone'), f.keys.followers('gone'))).toBe(0);
    for (const x of ['g1', 'g2']) expect(await f.client.scard(f.keys.followers(x))).toBe(0);
    for (const x of ['h1', 'h2', 'h3']) expect(await f.client.scard(f.keys.following(x))).toBe(0);
  });

  it('adds, deduplicates, trims and pages posts with one script per call', async () => {
    const post = (id: string) => ({
      id,
      playerId: 'poster',
      text: id,
      time: '2026-01-01T00:00:00.000Z',
    });
    expect(await posts.add(post('a'), 3)).toEqual({ created: true, post: post('a') });
    expect(await posts.add({ ...post('a'), text: 'changed' }, 3)).toEqual({
      created: false,
      post: post('a'),
    });
    for (const id of ['b', 'c', 'd']) await posts.add(post(id), 3);
    expect(await posts.page('poster', null, 10)).toEqual([post('d'), post('c'), post('b')]);
    expect(await posts.page('poster', 'c', 10)).toEqual([post('b')]);
    expect(await posts.page('poster', 'a', 10)).toBe('GONE');
    expect((await f.client.hkeys(f.keys.postBodies('poster'))).sort()).toEqual(['b', 'c', 'd']);
    await posts.delete('poster');
    expect(await f.client.exists(f.keys.posts('poster'), f.keys.postBodies('poster'))).toBe(0);
  });
});
