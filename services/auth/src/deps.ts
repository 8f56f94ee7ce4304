import type { Drain, Logger } from "@gacha/runtime";
import type { LoginLimiter } from "./login-limiter";
import type { KeyRing } from "./signing-keys";
import type { TokenSettings } from "./tokens";
import type { UserRepository } from "./users";

/** What createServer needs; app.ts builds it from the configuration, tests may too. */
export interface AuthDeps {
  users: UserRepository;
  keys: KeyRing;
  tokens: TokenSettings;
  limiter: LoginLimiter;
  /** A hash of a random password with the current parameters: verified against for unknown usernames. */
  decoyHash: string;
  /** Readiness: resolves when the database answers. */
  checkDatabase(): Promise<void>;
  logger: Logger;
  drain?: Drain;
}
