import type { gachaV1, itemV1 } from "@gacha/proto";
import { type Logger, type Drain } from "@gacha/runtime";
import type { TokenVerifier } from "./auth/token-verifier";

/** What createServer needs: clients come from createClients (or a test). */
export interface GatewayDeps {
  gacha: gachaV1.GachaServiceClient;
  item: itemV1.ItemServiceClient;
  /** Deadline of every upstream call (GRPC_DEADLINE_MS). */
  deadlineMs: number;
  /** Verifies the Bearer token of every API request (health and metrics stay open). */
  verifier: TokenVerifier;
  logger: Logger;
  /** Begun on SIGTERM (main.ts): readiness 503, every response closes its connection. Default: never begins. */
  drain?: Drain;
}
