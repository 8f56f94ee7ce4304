/**
 * A logger for retry loops that stays readable over minutes: it logs the first
 * message at once, then only when its key (the kind of failure) changes or
 * `everyMs` has passed since the last line.
 */
export function progressLog(log: (message: string) => void, everyMs: number, now: () => number = Date.now) {
  let lastKey: string | undefined;
  let lastAt = -Infinity;
  return (key: string, message: string): void => {
    const t = now();
    if (key === lastKey && t - lastAt < everyMs) return;
    lastKey = key;
    lastAt = t;
    log(message);
  };
}
