import { InProcessWindows } from './in-process-windows';

describe('InProcessWindows (the read limiter while Redis is down)', () => {
  const limit = { max: 3, windowMs: 1000 };

  it('admits max hits per subject, then refuses with the time until one more fits', () => {
    const w = new InProcessWindows(10);
    const hits = [0, 1, 2, 3].map(() => w.hit('a', limit, 10_000));
    expect(hits.map((h) => [h.allowed, h.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    // The 3 hits of [10000, 11000) weigh 3 * (1 - f) in the next window: room at f = 1/3.
    expect(hits[3].retryAfterMs).toBe(1334);
    expect(hits[3].resetMs).toBe(2000);
    expect(w.hit('b', limit, 10_000).allowed).toBe(true);
  });

  it('counts the previous window by its overlap with the sliding one', () => {
    const w = new InProcessWindows(10);
    for (let i = 0; i < 3; i++) w.hit('a', limit, 10_500);
    // At 11 500 the previous window still weighs 3 * 0.5 = 1.5: one hit fits, the next does not.
    expect(w.hit('a', limit, 11_500).allowed).toBe(true);
    const refused = w.hit('a', limit, 11_500);
    expect(refused.allowed).toBe(false);
    // 3 * (1 - f) + 1 <= 2 from f = 2/3 of the window on.
    expect(refused.retryAfterMs).toBe(167);
    expect(w.hit('a', limit, 11_667).allowed).toBe(true);
    // Two windows later nothing is left.
    expect(w.hit('a', limit, 13_000).remaining).toBe(2);
  });

  it('forgets the least recently seen subject beyond its capacity', () => {
    const w = new InProcessWindows(2);
    for (let i = 0; i < 3; i++) w.hit('a', limit, 0);
    w.hit('b', limit, 0);
    w.hit('a', limit, 0); // refused, but seen: b is now the oldest
    w.hit('c', limit, 0);
    expect(w.size).toBe(2);
    expect(w.hit('a', limit, 0).allowed).toBe(false);
    expect(w.hit('b', limit, 0).remaining).toBe(2);
  });
});
