import { parseDatabaseUrl } from "../src/database-url";

describe("parseDatabaseUrl", () => {
  it("when given a full URL, then every part is decoded", () => {
    expect(parseDatabaseUrl("mysql://gacha:p%40ss@db.example:3307/gacha")).toEqual({
      host: "db.example",
      port: 3307,
      user: "gacha",
      password: "p@ss",
      database: "gacha",
    });
  });

  it("when parts are omitted, then the local defaults apply", () => {
    expect(parseDatabaseUrl("mysql://127.0.0.1/item")).toMatchObject({ port: 3306, user: "root", password: undefined });
  });

  it("when TLS is asked for, then the driver verifies the certificate unless told otherwise", () => {
    expect(parseDatabaseUrl("mysql://u:p@h/db?sslaccept=strict").ssl).toEqual({ rejectUnauthorized: true });
    expect(parseDatabaseUrl("mysql://u:p@h/db?ssl=true").ssl).toEqual({ rejectUnauthorized: true });
    expect(parseDatabaseUrl("mysql://u:p@h/db?sslaccept=accept_invalid_certs").ssl).toEqual({
      rejectUnauthorized: false,
    });
    expect(parseDatabaseUrl("mysql://u:p@h/db?allowPublicKeyRetrieval=true").allowPublicKeyRetrieval).toBe(true);
  });

  it("when a parameter is unknown or malformed, then it is refused by name, not ignored", () => {
    expect(() => parseDatabaseUrl("mysql://u:p@h/db?connection_limit=5")).toThrow(/connection_limit is not supported/);
    expect(() => parseDatabaseUrl("mysql://u:p@h/db?sslaccept=maybe")).toThrow(/sslaccept must be/);
  });

  it("when the URL is not a MySQL URL with a plain database name, then it is refused", () => {
    expect(() => parseDatabaseUrl("postgres://h/db")).toThrow(/must start with mysql:\/\//);
    expect(() => parseDatabaseUrl("mysql://h/")).toThrow(/must name a database/);
    expect(() => parseDatabaseUrl("mysql://h/db;drop")).toThrow(/must name a database/);
    expect(() => parseDatabaseUrl("not a url")).toThrow(/not a valid URL/);
  });
});
