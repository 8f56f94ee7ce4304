import { randomInt } from "node:crypto";

/** Returns a uniformly random integer in [0, maxExclusive). */
export type RandomInt = (maxExclusive: number) => number;

export interface Weighted {
  weight: number;
}

export interface Lottery<T> {
  readonly total: number;
  pick(): T;
}

// crypto.randomInt's range limit.
const MAX_TOTAL = 2 ** 48 - 1;

/**
 * Weighted lottery: prefix sums once, then a binary search per pick, O(log n).
 * Item i owns the units [ends[i-1], ends[i]) of [0, total).
 */
export function createLottery<T extends Weighted>(items: readonly T[], random: RandomInt = randomInt): Lottery<T> {
  if (items.length === 0) throw new Error("lottery needs at least one item");
  const ends: number[] = [];
  let total = 0;
  for (const item of items) {
    if (!Number.isSafeInteger(item.weight) || item.weight <= 0) throw new Error("weights must be positive integers");
    total += item.weight;
    ends.push(total);
  }
  if (total > MAX_TOTAL) throw new Error(`total weight must be at most ${MAX_TOTAL}`);
  return {
    total,
    pick() {
      const r = random(total);
      // Smallest i with r < ends[i].
      let lo = 0;
      let hi = ends.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (r < ends[mid]!) hi = mid;
        else lo = mid + 1;
      }
      return items[lo]!;
    },
  };
}
