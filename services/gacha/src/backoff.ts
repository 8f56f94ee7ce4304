export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 60_000;
const JITTER = 0.2;

/**
 * Delay before retry number `attempts` (1 = after the first failure):
 * 500 ms doubling up to 60 s, then ±20% jitter so rows that failed together
 * (an item outage) do not all come back in the same instant.
 */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const base = Math.min(BACKOFF_BASE_MS * 2 ** exponent, BACKOFF_CAP_MS);
  return Math.round(base * (1 + JITTER * (2 * random() - 1)));
}
