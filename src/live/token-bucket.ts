/** An in-process token bucket: `burst` tokens, refilled at `ratePerSec`. Time in ms. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly burst: number,
    private readonly ratePerSec: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.last = nowMs;
  }

  take(nowMs: number): boolean {
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((nowMs - this.last) * this.ratePerSec) / 1000,
    );
    this.last = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
