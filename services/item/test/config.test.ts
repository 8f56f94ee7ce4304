import { ConfigError } from "@gacha/runtime";
import { loadItemConfig } from "../src/config";

describe("loadItemConfig", () => {
  it("when nothing is set, then the documented defaults apply", () => {
    expect(loadItemConfig({})).toMatchObject({
      ITEM_DATABASE_URL: "mysql://root@127.0.0.1:3306/item",
      ITEM_DB_POOL_SIZE: 10,
      GRPC_HOST: "0.0.0.0",
      ITEM_GRPC_PORT: 50052,
      GRPC_REFLECTION: false,
      SHUTDOWN_TIMEOUT_MS: 10_000,
    });
  });

  it("when a variable is invalid, then the error names it without echoing the URL", () => {
    const load = () => loadItemConfig({ ITEM_GRPC_PORT: "99999", ITEM_DATABASE_URL: "postgres://u:secret@h/db" });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/ITEM_GRPC_PORT/);
    expect(load).toThrow(/ITEM_DATABASE_URL/);
    expect(load).not.toThrow(/secret/);
  });
});
