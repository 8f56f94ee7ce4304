import { backoffMs } from "../src/backoff";

const mid = () => 0.5; // no jitter
describe("backoff", () => {
  it("when attempts grow, then the delay doubles from 500 ms up to the 60 s cap", () => {
    expect([1, 2, 3, 4, 7, 8, 9, 50, 1000].map((n) => backoffMs(n, mid))).toEqual([
      500, 1000, 2000, 4000, 32_000, 60_000, 60_000, 60_000, 60_000,
    ]);
  });

  it("when jitter is at its extremes, then the delay stays within ±20%", () => {
    expect(backoffMs(1, () => 0)).toBe(400);
    expect(backoffMs(1, () => 0.999999)).toBe(600);
    expect(backoffMs(20, () => 0)).toBe(48_000);
    expect(backoffMs(20, () => 0.999999)).toBe(72_000);
  });

  it("when real randomness is used, then delays vary but stay in range", () => {
    const delays = Array.from({ length: 200 }, () => backoffMs(3));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1600);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2400);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });
});
