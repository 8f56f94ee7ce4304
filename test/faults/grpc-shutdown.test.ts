// SIGTERM to a real item or gacha process (what the kubelet sends a pod): its
// health turns NOT_SERVING at once, a call in flight finishes and the process
// exits 0; a call that outlives SHUTDOWN_TIMEOUT_MS is cut there and the process
// still exits. The call is held inside the service by a table lock this test
// takes in MariaDB, so it is provably in flight, for as long as the test wants.
// And the database pool is closed when the service closes (in process: the same
// app.close() that main.ts runs on SIGTERM).
import { makeGenericClientConstructor, type ClientReadableStream, type ServiceError } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";
import mariadb from "mariadb";
import { gachaV1, itemV1 } from "@gacha/proto";
import { callUnary, clientChannelOptions, insecure } from "@gacha/runtime";
import { startTcpForwarder, type TcpForwarder, type TestDatabase } from "@gacha/testing";
import {
  createDatabases,
  reportedPort,
  sleep,
  spawnService,
  startGacha,
  startItem,
  type ServiceProcess,
} from "./support";

jest.setTimeout(60_000);

const HealthClient = makeGenericClientConstructor(healthService, "grpc.health.v1.Health");
type Watch = (req: { service: string }) => ClientReadableStream<{ status: string }>;

interface Subject {
  name: "item" | "gacha";
  /** The table the held call reads. */
  table: string;
  env: (db: { gacha: TestDatabase; item: TestDatabase }, itemAddr: string) => Record<string, string>;
  /** One read call on the service, bounded by deadlineMs. */
  call: (port: number, deadlineMs: number) => { done: Promise<unknown>; close(): void };
}

const SUBJECTS: Subject[] = [
  {
    name: "item",
    table: "inventories",
    env: (db) => ({ ITEM_DATABASE_URL: db.item.url, ITEM_GRPC_PORT: "0" }),
    call: (port, deadlineMs) => {
      const client = new itemV1.ItemServiceClient(`127.0.0.1:${port}`, insecure(), clientChannelOptions);
      const done = callUnary(client.getInventory.bind(client), { userId: 1n }, { deadlineMs });
      return { done, close: () => client.close() };
    },
  },
  {
    name: "gacha",
    table: "histories",
    env: (db, itemAddr) => ({
      GACHA_DATABASE_URL: db.gacha.url,
      GACHA_GRPC_PORT: "0",
      ITEM_SERVICE_ADDR: itemAddr,
    }),
    call: (port, deadlineMs) => {
      const client = new gachaV1.GachaServiceClient(`127.0.0.1:${port}`, insecure(), clientChannelOptions);
      const done = callUnary(client.getHistories.bind(client), { userId: 1n, limit: 0, cursor: "" }, { deadlineMs });
      return { done, close: () => client.close() };
    },
  },
];

/** The settled state of a promise, read without waiting: "pending" while it runs. */
function track(p: Promise<unknown>) {
  const state: { at: number; outcome: "pending" | "ok" | ServiceError } = { at: Infinity, outcome: "pending" };
  p.then(
    () => Object.assign(state, { at: Date.now(), outcome: "ok" }),
    (err: ServiceError) => Object.assign(state, { at: Date.now(), outcome: err }),
  );
  return state;
}

async function eventually(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A session holding `LOCK TABLES <table> WRITE` in the service's database: every read of it waits. */
async function lockTable(db: TestDatabase, table: string) {
  const conn = await mariadb.createConnection(db.url.replace(/^mysql:/, "mariadb:"));
  await conn.query(`LOCK TABLES \`${table}\` WRITE`);
  return {
    /** True once a statement of the service waits on the lock: the call is inside the service. */
    waiting: async () => {
      const rows = await db.query<{ n: bigint }>(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE LIKE 'Waiting for table%'",
        [db.name],
      );
      return Number(rows[0]!.n) > 0;
    },
    release: async () => {
      if (conn.isValid()) await conn.end();
    },
  };
}

describe.each(SUBJECTS)("$name on SIGTERM", (subject) => {
  let dbs: { gacha: TestDatabase; item: TestDatabase };
  let itemAddress: TcpForwarder; // gacha's item: nothing behind it, the held call needs none
  const processes: ServiceProcess[] = [];
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    const { gachaDb, itemDb } = await createDatabases(`f_stop_${subject.name}`);
    dbs = { gacha: gachaDb, item: itemDb };
    itemAddress = await startTcpForwarder(undefined);
  });
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    await Promise.all(processes.map((p) => p.exited));
    for (const c of cleanups) await c();
    await itemAddress?.close();
    await Promise.all([dbs?.gacha.drop(), dbs?.item.drop()]);
  });

  const start = async (shutdownTimeoutMs: number) => {
    const p = spawnService(`services/${subject.name}/src/main.ts`, {
      ...subject.env(dbs, `127.0.0.1:${itemAddress.port}`),
      GRPC_HOST: "127.0.0.1",
      METRICS_PORT: "0",
      RELAY_INTERVAL_MS: "600000",
      SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
    });
    processes.push(p);
    const port = await reportedPort(p, "gRPC server listening");
    await reportedPort(p, "metrics at /metrics"); // main has installed its signal handlers after this line
    return { p, port };
  };

  /** A health Watch stream on the whole server (service ""): every status it reports, with when. */
  const watchHealth = (port: number) => {
    const client = new HealthClient(`127.0.0.1:${port}`, insecure());
    cleanups.push(() => client.close());
    const seen: { status: string; at: number }[] = [];
    const stream = (client as unknown as { Watch: Watch }).Watch.call(client, { service: "" });
    stream.on("data", (m: { status: string }) => seen.push({ status: m.status, at: Date.now() }));
    stream.on("error", () => undefined); // the server going away ends it
    // A watch is a call in flight too: the graceful shutdown would wait for it until forced.
    const stop = () => stream.cancel();
    cleanups.push(stop);
    return { seen, stop };
  };

  /** A call into the service that waits on a table lock the test holds: provably in flight. */
  const holdCall = async (port: number) => {
    const lock = await lockTable(subject.name === "item" ? dbs.item : dbs.gacha, subject.table);
    cleanups.push(lock.release);
    const call = subject.call(port, 30_000);
    cleanups.push(call.close);
    const outcome = track(call.done);
    await eventually("the call to wait on the table lock", lock.waiting);
    return { lock, outcome };
  };

  it("when a call is in flight, then health turns NOT_SERVING at once, the call finishes, and the process exits 0 after it", async () => {
    const { p, port } = await start(20_000);
    const { seen: health, stop: stopWatching } = watchHealth(port);
    await eventually("SERVING on the health stream", () => health.some((h) => h.status === "SERVING"));

    const { lock, outcome } = await holdCall(port);

    const signalAt = Date.now();
    p.child.kill("SIGTERM");
    await eventually("NOT_SERVING on the health stream", () => health.some((h) => h.status === "NOT_SERVING"));
    const notServingAt = health.find((h) => h.status === "NOT_SERVING")!.at;
    // Generous for 2 loaded cores; the point is "before the call ends", checked next.
    expect(notServingAt - signalAt).toBeLessThan(2_000);
    expect(outcome.outcome).toBe("pending");
    stopWatching();

    // The process waits for the call: it ends only after the call, which ends only after the release.
    const releasedAt = Date.now();
    await lock.release();
    expect(await p.exited).toBe(0);
    expect(outcome.outcome).toBe("ok");
    expect(outcome.at).toBeGreaterThanOrEqual(releasedAt);
    expect(p.exitedAt()).toBeGreaterThanOrEqual(outcome.at);
    // Right after the call, gracefully: not at SHUTDOWN_TIMEOUT_MS, not forced.
    expect(p.exitedAt() - outcome.at).toBeLessThan(5_000);
    expect(p.output()).not.toMatch(/forcing/);
    expect(p.output()).toMatch(/"msg":"stopped"/);
  });

  it("when a call outlives SHUTDOWN_TIMEOUT_MS, then it is cut at that time and the process still exits", async () => {
    const TIMEOUT_MS = 1_500;
    const { p, port } = await start(TIMEOUT_MS);
    const { lock, outcome } = await holdCall(port);

    const signalAt = Date.now();
    p.child.kill("SIGTERM");
    // onShutdown's own last resort is TIMEOUT_MS + 1 s; a few seconds more for a loaded machine.
    const exitCode = await Promise.race([p.exited, sleep(TIMEOUT_MS + 6_000).then(() => "still running")]);
    // 1 today: the pool's close waits on the cut call's connection, so onShutdown's last resort
    // ends the process; 0 would do too. Not null: nothing had to kill it.
    expect([0, 1]).toContain(exitCode);
    await eventually("the cut call to settle", () => outcome.outcome !== "pending", 5_000);

    expect(outcome.outcome).not.toBe("ok");
    const cutAfterMs = outcome.at - signalAt;
    expect(cutAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    // Cut by the server's forced shutdown, not by the process's end: that comes no earlier than
    // onShutdown's last resort, 1 s after SHUTDOWN_TIMEOUT_MS (counted from the signal's handling).
    expect(cutAfterMs).toBeLessThan(TIMEOUT_MS + 1_000);
    expect(p.output()).toMatch(/graceful gRPC shutdown timed out; forcing/);
    await lock.release();
  });
});

describe.each(["item", "gacha"] as const)("%s's close() (the SIGTERM path's last step)", (name) => {
  it("when it has closed, then none of its database connections is left open on the server", async () => {
    const { gachaDb, itemDb } = await createDatabases(`f_pool_${name}`);
    const db = name === "item" ? itemDb : gachaDb;
    try {
      const sessions = async () =>
        (
          await db.query<{ id: bigint }>("SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ?", [db.name])
        ).map((r) => String(r.id));
      // The test's own assertion pool is on this database too: its sessions, once it has opened them.
      let ours: string[] = [];
      await eventually("the assertion pool to settle", async () => {
        const now = await sessions();
        const settled = now.length > 0 && now.join() === ours.join();
        ours = now;
        return settled;
      });
      const theService = async () => (await sessions()).filter((id) => !ours.includes(id));

      const app = name === "item" ? await startItem(itemDb.url) : await startGacha(gachaDb.url, "127.0.0.1:1");
      // One call, so the pool surely holds a connection to close.
      if (name === "item") {
        const c = new itemV1.ItemServiceClient(`127.0.0.1:${app.port}`, insecure());
        await callUnary(c.getInventory.bind(c), { userId: 1n }, { deadlineMs: 5_000 });
        c.close();
      } else {
        const c = new gachaV1.GachaServiceClient(`127.0.0.1:${app.port}`, insecure());
        await callUnary(c.getHistories.bind(c), { userId: 1n, limit: 0, cursor: "" }, { deadlineMs: 5_000 });
        c.close();
      }
      expect((await theService()).length).toBeGreaterThan(0);
      await app.close();
      // The server drops a session right after the client's quit: allow it a moment.
      await eventually("the service's sessions to end", async () => (await theService()).length === 0, 3_000);
    } finally {
      await Promise.all([gachaDb.drop(), itemDb.drop()]);
    }
  });
});
