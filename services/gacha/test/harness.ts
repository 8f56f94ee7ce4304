import { gachaV1, itemV1 } from "@gacha/proto";
import { callUnary, clientChannelOptions, createLogger, insecure } from "@gacha/runtime";
import { createItemApp, type ItemApp } from "../../item/src/app";
import { loadItemConfig } from "../../item/src/config";
import { createGachaApp, type GachaApp } from "../src/app";
import { loadGachaConfig } from "../src/config";

export const logger = createLogger("gacha-test", { level: process.env.TEST_LOG_LEVEL ?? "silent" });

export async function startItem(
  databaseUrl: string,
  port = 0,
): Promise<{ app: ItemApp; client: itemV1.ItemServiceClient }> {
  const config = loadItemConfig({
    ITEM_DATABASE_URL: databaseUrl,
    GRPC_HOST: "127.0.0.1",
    ITEM_GRPC_PORT: String(port),
  });
  const app = await createItemApp(config, logger);
  return { app, client: new itemV1.ItemServiceClient(`127.0.0.1:${app.port}`, insecure(), clientChannelOptions) };
}

export async function startGacha(
  databaseUrl: string,
  itemAddr: string,
  env: Record<string, string> = {},
): Promise<{ app: GachaApp; client: gachaV1.GachaServiceClient }> {
  const config = loadGachaConfig({
    GACHA_DATABASE_URL: databaseUrl,
    GRPC_HOST: "127.0.0.1",
    GACHA_GRPC_PORT: "0",
    ITEM_SERVICE_ADDR: itemAddr,
    // The loop stays out of the way unless a test asks for it; tests call drainOnce().
    RELAY_INTERVAL_MS: "600000",
    ...env,
  });
  const app = await createGachaApp(config, logger);
  return { app, client: new gachaV1.GachaServiceClient(`127.0.0.1:${app.port}`, insecure(), clientChannelOptions) };
}

export const drawOf = (client: gachaV1.GachaServiceClient, req: Partial<gachaV1.DrawRequest> & { userId: bigint }) =>
  callUnary(client.draw.bind(client), { count: 0, idempotencyKey: "", ...req }, { deadlineMs: 10_000 });

export const historiesOf = (
  client: gachaV1.GachaServiceClient,
  req: Partial<gachaV1.GetHistoriesRequest> & { userId: bigint },
) => callUnary(client.getHistories.bind(client), { limit: 0, cursor: "", ...req }, { deadlineMs: 10_000 });

export const inventorySum = async (client: itemV1.ItemServiceClient, userId: bigint) => {
  const res = await callUnary(client.getInventory.bind(client), { userId }, { deadlineMs: 10_000 });
  return res.items.reduce((sum, e) => sum + Number(e.count), 0);
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
