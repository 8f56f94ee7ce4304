import { unary, type GrpcServiceBinding, type Logger } from "@gacha/runtime";
import { gachaV1 } from "@gacha/proto";
import { draw, type DrawDeps } from "./draw";
import { getHistories } from "./get-histories";
import type { HistoryRepository } from "./history-repository";

/** gacha.v1.GachaService: thin handlers over the use-cases; errors go through unary()'s one policy. */
export function gachaServiceBinding(
  deps: DrawDeps & { histories: HistoryRepository },
  logger: Logger,
): GrpcServiceBinding {
  const implementation: gachaV1.GachaServiceServer = {
    // The call is the parent of the inline GrantItem calls: its deadline and cancellation propagate.
    draw: unary(logger, (req: gachaV1.DrawRequest, call) => draw(deps, req, call)),
    getHistories: unary(logger, (req: gachaV1.GetHistoriesRequest) => getHistories(deps.histories, req)),
  };
  return { name: "gacha.v1.GachaService", definition: gachaV1.GachaServiceService, implementation };
}
