import { clientChannelOptions, insecure } from "@gacha/runtime";
import { gachaV1, itemV1 } from "@gacha/proto";
import type { GatewayConfig } from "./config";

export interface Clients {
  gacha: gachaV1.GachaServiceClient;
  item: itemV1.ItemServiceClient;
  close(): void;
}

/** One long-lived channel per upstream; grpc-js connects lazily and reconnects on its own. */
export function createClients(config: Pick<GatewayConfig, "GACHA_SERVICE_ADDR" | "ITEM_SERVICE_ADDR">): Clients {
  const gacha = new gachaV1.GachaServiceClient(config.GACHA_SERVICE_ADDR, insecure(), clientChannelOptions);
  const item = new itemV1.ItemServiceClient(config.ITEM_SERVICE_ADDR, insecure(), clientChannelOptions);
  return {
    gacha,
    item,
    close() {
      gacha.close();
      item.close();
    },
  };
}
