import { unary, type GrpcServiceBinding, type Logger } from "@gacha/runtime";
import { itemV1 } from "@gacha/proto";
import { getInventory } from "./get-inventory";
import { grantItem } from "./grant-item";
import type { InventoryRepository } from "./inventory-repository";

/** item.v1.ItemService: thin handlers over the use-cases; errors go through unary()'s one policy. */
export function itemServiceBinding(repo: InventoryRepository, logger: Logger): GrpcServiceBinding {
  const implementation: itemV1.ItemServiceServer = {
    grantItem: unary(logger, (req: itemV1.GrantItemRequest) => grantItem(repo, req)),
    getInventory: unary(logger, (req: itemV1.GetInventoryRequest) => getInventory(repo, req)),
  };
  return { name: "item.v1.ItemService", definition: itemV1.ItemServiceService, implementation };
}
