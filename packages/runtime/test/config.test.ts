import { z } from "zod";
import { databaseUrlEnv } from "@gacha/database";
import { commonConfig, ConfigError, env, loadConfig } from "../src/config";

const schema = z.object({
  ...commonConfig,
  GACHA_GRPC_PORT: env.port(50051),
  GACHA_DATABASE_URL: databaseUrlEnv("mysql://root@127.0.0.1:3306/gacha"),
  GRPC_REFLECTION: env.boolean(false),
  ITEM_SERVICE_ADDR: env.address("localhost:50052"),
});

describe("loadConfig", () => {
  it("when nothing is set, then every default applies", () => {
    const config = loadConfig(schema, {});
    expect(config).toEqual({
      LOG_LEVEL: "info",
      LOG_FORMAT: undefined,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      GACHA_GRPC_PORT: 50051,
      GACHA_DATABASE_URL: "mysql://root@127.0.0.1:3306/gacha",
      GRPC_REFLECTION: false,
      ITEM_SERVICE_ADDR: "localhost:50052",
    });
  });

  it("when values are set, then they are parsed into their types", () => {
    const config = loadConfig(schema, { GACHA_GRPC_PORT: "0", GRPC_REFLECTION: "true", LOG_LEVEL: "debug" });
    expect(config.GACHA_GRPC_PORT).toBe(0);
    expect(config.GRPC_REFLECTION).toBe(true);
    expect(config.LOG_LEVEL).toBe("debug");
  });

  it("when a variable is invalid, then the error names it and its value", () => {
    expect(() => loadConfig(schema, { GACHA_GRPC_PORT: "http" })).toThrow(ConfigError);
    expect(() => loadConfig(schema, { GACHA_GRPC_PORT: "http" })).toThrow(/GACHA_GRPC_PORT: .*"http"/);
    expect(() => loadConfig(schema, { GRPC_REFLECTION: "yes" })).toThrow(/GRPC_REFLECTION: must be true or false/);
    expect(() => loadConfig(schema, { ITEM_SERVICE_ADDR: "item" })).toThrow(/ITEM_SERVICE_ADDR: must be host:port/);
  });

  it("when several variables are invalid, then all of them are reported at once", () => {
    const run = () => loadConfig(schema, { GACHA_GRPC_PORT: "70000", LOG_LEVEL: "loud" });
    expect(run).toThrow(/GACHA_GRPC_PORT/);
    expect(run).toThrow(/LOG_LEVEL/);
  });

  it("when a database URL is invalid, then its value is not echoed (it may hold a password)", () => {
    const run = () => loadConfig(schema, { GACHA_DATABASE_URL: "postgres://u:s3cret@db/gacha" });
    expect(run).toThrow(/GACHA_DATABASE_URL: must be a URL like mysql:/);
    expect(run).not.toThrow(/s3cret/);
  });
});
