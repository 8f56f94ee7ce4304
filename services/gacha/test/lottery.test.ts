import { createLottery, type Lottery, type RandomInt, type Weighted } from "../src/lottery";
import { loadPool, type PoolItem } from "../src/pool";
import { loadGachaConfig } from "../src/config";

const pool = loadPool(loadGachaConfig({}).GACHA_POOL_FILE);
type Picker = (items: PoolItem[], random: RandomInt) => Lottery<PoolItem>;

/** Items whose pick disagrees with the weight ranges at the first or last unit of a range. */
function boundaryMismatches(makePicker: Picker, items: PoolItem[]): string[] {
  const mismatches: string[] = [];
  let start = 0;
  for (const item of items) {
    for (const unit of [start, start + item.weight - 1]) {
      const picked = makePicker(items, () => unit).pick();
      if (picked !== item) mismatches.push(`unit ${unit}: expected ${item.itemId}, got ${picked.itemId}`);
    }
    start += item.weight;
  }
  return mismatches;
}

/** Chi-square statistic of observed pick counts against the weights. */
function chiSquare(lottery: Lottery<PoolItem>, items: PoolItem[], picks: number): number {
  const counts = new Map(items.map((i) => [i, 0]));
  for (let n = 0; n < picks; n++) {
    const item = lottery.pick();
    counts.set(item, counts.get(item)! + 1);
  }
  return items.reduce((sum, i) => {
    const expected = (picks * i.weight) / lottery.total;
    return sum + (counts.get(i)! - expected) ** 2 / expected;
  }, 0);
}

// Upper critical value of chi-square with df degrees of freedom at p = 0.001,
// by the Wilson–Hilferty approximation: (X/df)^(1/3) is close to normal with
// mean 1 - 2/(9df) and variance 2/(9df), so the quantile is
// df * (1 - 2/(9df) + z * sqrt(2/(9df)))^3 with z the standard normal
// quantile for 0.999 (3.0902). For df = 11 it gives 31.43 (table: 31.26).
const Z_0_999 = 3.090232306;
const criticalValue = (df: number) => df * (1 - 2 / (9 * df) + Z_0_999 * Math.sqrt(2 / (9 * df))) ** 3;

// The mutant an off-by-one in the binary search produces (`<=` for `<`).
const offByOne: Picker = (items, random) => {
  const ends = items.reduce<number[]>((acc, i) => [...acc, (acc.at(-1) ?? 0) + i.weight], []);
  const total = ends.at(-1)!;
  return {
    total,
    pick() {
      const r = random(total);
      let lo = 0;
      let hi = ends.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (r <= ends[mid]!) hi = mid;
        else lo = mid + 1;
      }
      return items[lo]!;
    },
  };
};

describe("lottery", () => {
  it("when the critical value is approximated, then it matches the chi-square table", () => {
    expect(criticalValue(11)).toBeCloseTo(31.26, 0);
    expect(criticalValue(3)).toBeCloseTo(16.27, 0);
  });

  it("when the random unit is the first or last of each weight range, then that range's item is picked", () => {
    expect(boundaryMismatches((items, random) => createLottery(items, random), pool)).toEqual([]);
  });

  it("when the search is off by one, then the boundary check catches it", () => {
    expect(boundaryMismatches(offByOne, pool).length).toBeGreaterThan(0);
  });

  it("when a picker is drawn from, then the RNG is asked for a unit in [0, total)", () => {
    const asked: number[] = [];
    const lottery = createLottery(pool, (max) => (asked.push(max), 0));
    lottery.pick();
    expect(asked).toEqual([1000]);
  });

  it("when 100,000 picks use crypto randomness, then chi-square is below the p = 0.001 critical value", () => {
    const stat = chiSquare(createLottery(pool), pool, 100_000);
    const critical = criticalValue(pool.length - 1);
    // Printed for the record: the observed statistic of this run.
    console.log(`chi-square = ${stat.toFixed(2)} (df ${pool.length - 1}, critical ${critical.toFixed(2)})`);
    expect(stat).toBeLessThan(critical);
  });

  it("when a picker ignores the weights, then the chi-square test rejects it", () => {
    const uniform: Lottery<PoolItem> = { total: 1000, pick: () => pool[Math.floor(Math.random() * pool.length)]! };
    expect(chiSquare(uniform, pool, 100_000)).toBeGreaterThan(criticalValue(pool.length - 1));
  });

  it("when weights are empty or not positive integers, then the lottery refuses them", () => {
    expect(() => createLottery([])).toThrow();
    expect(() => createLottery<Weighted>([{ weight: 0 }])).toThrow();
    expect(() => createLottery<Weighted>([{ weight: 1.5 }])).toThrow();
  });
});
