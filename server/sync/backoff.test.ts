import { describe, expect, it } from 'vitest';
import { retryCeilingMs, retryDelayMs } from './backoff';

const policy = { baseMs: 1_000, capMs: 60_000 };

describe('retry backoff', () => {
  it('doubles the ceiling with each attempt until the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryCeilingMs(attempt, policy))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(retryCeilingMs(500, policy)).toBe(60_000);
  });

  it('draws the delay uniformly under the ceiling (full jitter)', () => {
    expect(retryDelayMs(3, policy, () => 0)).toBe(0);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(2_000);
    expect(retryDelayMs(3, policy, () => 0.999_999)).toBe(3_999);
  });

  it('varies between calls and stays within [0, ceiling]', () => {
    for (const attempt of [1, 2, 5, 10]) {
      const samples = Array.from({ length: 200 }, () => retryDelayMs(attempt, policy));
      const ceiling = retryCeilingMs(attempt, policy);
      expect(samples.every((delay) => delay >= 0 && delay < ceiling)).toBe(true);
      expect(new Set(samples).size).toBeGreaterThan(50);
    }
  });

  it('grows on average as attempts fail', () => {
    const mean = (attempt: number) =>
      Array.from({ length: 2_000 }, () => retryDelayMs(attempt, policy)).reduce((a, b) => a + b, 0) / 2_000;
    expect(mean(4)).toBeGreaterThan(mean(2) * 2);
    expect(mean(2)).toBeGreaterThan(mean(1) * 1.3);
  });
});
