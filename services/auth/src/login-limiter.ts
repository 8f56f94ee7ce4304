import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export interface LoginLimits {
  maxFailuresPerUsername: number;
  maxFailuresPerClient: number;
  windowSeconds: number;
  lockoutSeconds: number;
}

export interface LoginLimiter {
  /** Seconds until this username or client may try again, or 0 when neither is locked out. */
  retryAfter(username: string, client: string): Promise<number>;
  recordFailure(username: string, client: string): Promise<void>;
  /** A successful sign-in clears the username's failures (not the client's). */
  recordSuccess(username: string): Promise<void>;
}

/**
 * Brute-force protection for POST /auth/login, counted per username (one
 * account guessed from many addresses) and per client address (many accounts
 * guessed from one): rate-limiter-flexible's "login endpoint" pattern, where
 * only failures consume points. Kept in this process's memory: with more than
 * one replica each counts alone, so the effective limit is limit × replicas
 * (docs/authentication.md); its Redis or MySQL stores would share the counts.
 */
export function createLoginLimiter(limits: LoginLimits): LoginLimiter {
  const common = { duration: limits.windowSeconds, blockDuration: limits.lockoutSeconds };
  const byUsername = new RateLimiterMemory({ ...common, keyPrefix: "user", points: limits.maxFailuresPerUsername });
  const byClient = new RateLimiterMemory({ ...common, keyPrefix: "client", points: limits.maxFailuresPerClient });

  const secondsLeft = (res: RateLimiterRes | null, points: number) =>
    res && res.consumedPoints >= points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  // consume() rejects with a RateLimiterRes once the key is over its points; that is the count, not an error.
  const consume = (limiter: RateLimiterMemory, key: string) =>
    limiter.consume(key).catch((res: unknown) => {
      if (!(res instanceof RateLimiterRes)) throw res;
    });

  return {
    async retryAfter(username, client) {
      const [u, c] = await Promise.all([byUsername.get(username), byClient.get(client)]);
      return Math.max(secondsLeft(u, limits.maxFailuresPerUsername), secondsLeft(c, limits.maxFailuresPerClient));
    },
    async recordFailure(username, client) {
      await Promise.all([consume(byUsername, username), consume(byClient, client)]);
    },
    async recordSuccess(username) {
      await byUsername.delete(username);
    },
  };
}
