import { z } from "zod";
import { loadConfig } from "@gacha/runtime";
import { databaseUrlEnv } from "../src/database-url-env";

const schema = z.object({ ITEM_DATABASE_URL: databaseUrlEnv("mysql://root@127.0.0.1:3306/item") });

describe("databaseUrlEnv", () => {
  it("when the variable is unset, then the fallback URL is used as is", () => {
    expect(loadConfig(schema, {})).toEqual({ ITEM_DATABASE_URL: "mysql://root@127.0.0.1:3306/item" });
  });

  it("when the URL carries a supported parameter, then it is accepted unchanged", () => {
    const url = "mysql://item:pw@db.example:3306/item?sslaccept=strict";
    expect(loadConfig(schema, { ITEM_DATABASE_URL: url }).ITEM_DATABASE_URL).toBe(url);
  });

  it("when the URL has a parameter the pool would refuse, then the config fails at start naming the variable and the parameter", () => {
    const load = () => loadConfig(schema, { ITEM_DATABASE_URL: "mysql://item:s3cret@db/item?connection_limit=5" });
    expect(load).toThrow(
      /ITEM_DATABASE_URL: must be a URL like mysql:\/\/.*: parameter connection_limit is not supported/,
    );
    expect(load).not.toThrow(/s3cret/);
  });

  it("when the URL is not a MySQL URL, then the reason is the pool's own", () => {
    expect(() => loadConfig(schema, { ITEM_DATABASE_URL: "postgres://u:s3cret@db/item" })).toThrow(
      /ITEM_DATABASE_URL: .*must start with mysql:\/\/ \(got postgres:\/\/\)/,
    );
    expect(() => loadConfig(schema, { ITEM_DATABASE_URL: "mysql://db/item;drop" })).toThrow(/must name a database/);
  });
});
