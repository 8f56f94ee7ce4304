import { randomBytes } from "node:crypto";
import { SqlError } from "mariadb";
import { TEST_SERVER_URL } from "@gacha/testing";
import { classifyConnectionError, describeConnectionError } from "../src/connection-errors";
import { progressLog } from "../src/progress-log";
import { DatabaseWaitError, waitForDatabase } from "../src/wait-for-database";
import { startMysql8AuthServer, type Mysql8AuthServer } from "./mysql8-auth-server";

/** An error as the mariadb driver builds it (its errors.js createError / createFatalError). */
const driverError = (errno: number, message: string, sqlState = "08S01") =>
  new SqlError(message, undefined, true, { threadId: 7 }, sqlState, errno);

// The driver's own texts (mariadb lib/cmd/handshake/auth/*.js).
const RSA_KEY_MESSAGE =
  "RSA public key is not available client side. Either set option `cachingRsaPublicKey` to indicate" +
  " public key path, or allow public key retrieval with option `allowPublicKeyRetrieval`";

describe("classifyConnectionError", () => {
  it("when nothing answers yet (DNS, refused, reset, timeouts, server starting or full), then it is worth waiting for", () => {
    for (const err of [
      { code: "ENOTFOUND" },
      { code: "EAI_AGAIN" },
      { code: "ECONNREFUSED" },
      { code: "ECONNRESET" },
      { code: "ETIMEDOUT" },
      { code: "EHOSTUNREACH" },
      { code: "ER_CONNECTION_TIMEOUT", errno: 45012 },
      { code: "ER_SOCKET_UNEXPECTED_CLOSE", errno: 45009 },
      { code: "ER_CON_COUNT_ERROR", errno: 1040 },
      { code: "ER_SERVER_SHUTDOWN", errno: 1053 },
    ])
      expect({ err, kind: classifyConnectionError(err) }).toEqual({ err, kind: "not-up-yet" });
  });

  it("when the server answers and refuses the user or database, then it is a refused login", () => {
    for (const errno of [1044, 1045, 1049, 1130, 1698])
      expect(classifyConnectionError({ errno })).toBe("login-refused");
  });

  it("when the driver's own errors say the server is starting or gone, then it is worth waiting for", () => {
    for (const err of [
      driverError(45012, "socket timeout"),
      driverError(45009, "socket has unexpectedly been closed"),
      driverError(1053, "Server shutdown in progress"),
    ])
      expect({ errno: err.errno, kind: classifyConnectionError(err) }).toEqual({
        errno: err.errno,
        kind: "not-up-yet",
      });
  });

  it("when the server's access-denied error arrives through the driver, then it is a refused login", () => {
    const err = driverError(1045, "Access denied for user 'x'@'localhost' (using password: YES)", "28000");
    expect(err.code).toBe("ER_ACCESS_DENIED_ERROR");
    expect(classifyConnectionError(err)).toBe("login-refused");
  });

  it("when MySQL 8 asks for the full password exchange over plain TCP (driver error 45044), then the message says to add TLS or allowPublicKeyRetrieval", () => {
    const err = driverError(45044, RSA_KEY_MESSAGE);
    expect(err.code).toBe("ER_CANNOT_RETRIEVE_RSA_KEY");
    expect(classifyConnectionError(err)).toBe("secure-login-required");
    const text = describeConnectionError(err);
    expect(text).toMatch(/^ER_CANNOT_RETRIEVE_RSA_KEY: /);
    expect(text).toContain("?sslaccept=strict");
    expect(text).toContain("?allowPublicKeyRetrieval=true");
    expect(text).toContain("user or password is wrong");
  });

  it("when a clear-text login is refused without TLS (driver error 45064), then the message says to add TLS", () => {
    const err = driverError(45064, "mysql_clear_password authentication requires TLS or a local socket");
    expect(err.code).toBe("ER_CLEAR_PASSWORD_WITHOUT_SSL");
    expect(classifyConnectionError(err)).toBe("secure-login-required");
    expect(describeConnectionError(err)).toBe(
      "ER_CLEAR_PASSWORD_WITHOUT_SSL: mysql_clear_password authentication requires TLS or a local socket:" +
        " add ?sslaccept=strict to the database URL",
    );
  });

  it("when the failure is anything else (TLS, protocol), then waiting cannot help", () => {
    expect(classifyConnectionError({ code: "ERR_TLS_CERT_ALTNAME_INVALID" })).toBe("fatal");
    expect(classifyConnectionError({ errno: 1043 })).toBe("fatal");
    expect(classifyConnectionError(new Error("boom"))).toBe("fatal");
  });
});

describe("progressLog", () => {
  it("when the same failure repeats, then it logs at once, then only every interval or when the failure changes", () => {
    let t = 0;
    const lines: string[] = [];
    const progress = progressLog(
      (m) => lines.push(m),
      10_000,
      () => t,
    );
    for (t = 0; t <= 25_000; t += 1_000) progress("ECONNREFUSED", `refused at ${t}`);
    progress("ENOTFOUND", "not found");
    expect(lines).toEqual(["refused at 0", "refused at 10000", "refused at 20000", "not found"]);
  });
});

describe("waitForDatabase", () => {
  it("when the server is up, then it returns after one attempt without logging", async () => {
    const lines: string[] = [];
    const result = await waitForDatabase({
      url: TEST_SERVER_URL,
      waitSeconds: 5,
      serverOnly: true,
      log: (m) => lines.push(m),
    });
    expect(result.attempts).toBe(1);
    expect(lines).toEqual([]);
  });

  it("when the server refuses the login, then it retries only for the login grace, not the whole wait, and names the user", async () => {
    const user = `nobody_${randomBytes(4).toString("hex")}`;
    const u = new URL(TEST_SERVER_URL);
    u.username = user;
    u.password = "wrong";
    // MySQL 8 (ci.yml, the dev container) answers an unknown user with a random
    // authentication method; two of them need TLS or the server's RSA key before
    // the server can say "access denied" (see the MySQL 8 exchange below).
    // MariaDB ignores the parameter.
    u.searchParams.set("allowPublicKeyRetrieval", "true");
    await expectRefusedLogin(u.toString(), user);
  }, 20_000);
});

describe("waitForDatabase against MySQL 8's caching_sha2_password full exchange (scripted server, no TLS)", () => {
  let mysql8: Mysql8AuthServer;
  beforeAll(async () => {
    mysql8 = await startMysql8AuthServer();
  });
  afterAll(() => mysql8.close());

  it("when the URL has neither TLS nor allowPublicKeyRetrieval, then it fails at once saying which URL parameter to add", async () => {
    const started = Date.now();
    const wait = waitForDatabase({ url: mysql8.url("app", "secret"), waitSeconds: 60, serverOnly: true });
    await expect(wait).rejects.toThrow(DatabaseWaitError);
    await expect(wait).rejects.toThrow(
      /is up but cannot check user app's password over this connection: ER_CANNOT_RETRIEVE_RSA_KEY: .*\?sslaccept=strict.*\?allowPublicKeyRetrieval=true/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("when the URL allows public key retrieval, then the wrong login is reported as refused, as on MariaDB", async () => {
    await expectRefusedLogin(mysql8.url("nobody", "wrong", "?allowPublicKeyRetrieval=true"), "nobody");
  }, 20_000);
});

async function expectRefusedLogin(url: string, user: string) {
  const started = Date.now();
  const wait = waitForDatabase({ url, waitSeconds: 60, serverOnly: true, loginGraceSeconds: 1 });
  await expect(wait).rejects.toThrow(DatabaseWaitError);
  await expect(wait).rejects.toThrow(new RegExp(`is up but refuses user ${user}.*check the user, password`));
  expect(Date.now() - started).toBeLessThan(10_000);
}
