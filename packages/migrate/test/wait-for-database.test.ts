import { randomBytes } from "node:crypto";
import { TEST_SERVER_URL } from "@gacha/testing";
import { classifyConnectionError } from "../src/connection-errors";
import { progressLog } from "../src/progress-log";
import { DatabaseWaitError, waitForDatabase } from "../src/wait-for-database";

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
    const started = Date.now();
    const wait = waitForDatabase({ url: u.toString(), waitSeconds: 60, serverOnly: true, loginGraceSeconds: 1 });
    await expect(wait).rejects.toThrow(DatabaseWaitError);
    await expect(wait).rejects.toThrow(new RegExp(`is up but refuses user ${user}.*check the user, password`));
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 20_000);
});
