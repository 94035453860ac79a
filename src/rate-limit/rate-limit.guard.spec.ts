import { rateLimitHeaders } from './rate-limit.guard';

describe('rateLimitHeaders', () => {
  it('reports limit, remaining and whole seconds until the limit is restored', () => {
    expect(
      rateLimitHeaders({ allowed: true, limit: 100, remaining: 99, retryAfterMs: 0, resetMs: 1 }),
    ).toEqual({ 'RateLimit-Limit': '100', 'RateLimit-Remaining': '99', 'RateLimit-Reset': '1' });
  });

  it('adds Retry-After, at least one second, to a refusal', () => {
    const refused = { allowed: false, limit: 5, remaining: 0, resetMs: 4001 };
    expect(rateLimitHeaders({ ...refused, retryAfterMs: 10 })).toEqual({
      'RateLimit-Limit': '5',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '5',
      'Retry-After': '1',
    });
    expect(rateLimitHeaders({ ...refused, retryAfterMs: 2500 })['Retry-After']).toBe('3');
  });
});
