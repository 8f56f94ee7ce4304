// A rolling restart of the gateway under load: SIGTERM to the real gateway
// process while keep-alive clients have requests in flight. Those requests
// finish with `Connection: close`, nothing is cut, readiness says 503, an idle
// connection is closed after the drain's 1 s grace (closing it at the signal races
// a client sending on it), and the process exits right after the last connection
// ends instead of at SHUTDOWN_TIMEOUT_MS. Every draw answered 200 is in the database.
import { Agent, request as httpRequest } from "node:http";
import type { Socket } from "node:net";
import type { TestDatabase } from "@gacha/testing";
import type { GachaApp } from "../../services/gacha/src/app";
import type { ItemApp } from "../../services/item/src/app";
import {
  createDatabases,
  reportedPort,
  sleep,
  spawnGateway,
  startAuth,
  startGacha,
  startItem,
  startTcpProxy,
  type Auth,
  type ServiceProcess,
  type TcpProxy,
} from "./support";

jest.setTimeout(60_000);

// Both upstreams answer the gateway this late (a delaying proxy in front of
// each), so every request spends that long inside the gateway: the requests of
// a wave sent HOLD_MS / 2 before SIGTERM are provably in flight when it comes,
// with HOLD_MS / 2 left for the process to handle the signal.
const HOLD_MS = 500;
const SIGNAL_WAVE = 3; // waves 1 and 2 reuse the connections wave 0 opened
const SHUTDOWN_TIMEOUT_MS = 4_000;
const DRAIN_IDLE_GRACE_MS = 1_000; // packages/runtime/src/http/listen.ts

type Kind = "draw" | "inventory" | "readyz";
interface Outcome {
  client: number;
  kind: Kind;
  wave: number;
  startedAt: number;
  endedAt: number;
  reusedSocket: boolean;
  status?: number;
  connection?: string;
  body?: string;
  error?: string;
}

/** One request on the client's own keep-alive connection; never rejects, bounded by a 10 s timeout. */
function send(port: number, agent: Agent, client: number, kind: Kind, wave: number): Promise<Outcome> {
  const user = 700 + client;
  const startedAt = Date.now();
  const base = { client, kind, wave, startedAt };
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        agent,
        timeout: 10_000,
        method: kind === "draw" ? "POST" : "GET",
        path: kind === "draw" ? "/draw" : kind === "inventory" ? `/inventories/${user}` : "/readyz",
        headers: {
          ...(kind === "readyz" ? {} : { authorization: auth.bearer(user) }),
          ...(kind === "draw" ? { "content-type": "application/json", "idempotency-key": `gw-${client}-${wave}` } : {}),
        },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("error", (err) =>
          resolve({ ...base, endedAt: Date.now(), reusedSocket: req.reusedSocket, error: String(err) }),
        );
        res.on("end", () =>
          resolve({
            ...base,
            endedAt: Date.now(),
            reusedSocket: req.reusedSocket,
            status: res.statusCode,
            connection: res.headers.connection,
            body,
          }),
        );
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "TIMEOUT" })));
    req.on("error", (err: NodeJS.ErrnoException) =>
      resolve({ ...base, endedAt: Date.now(), reusedSocket: req.reusedSocket, error: err.code ?? err.message }),
    );
    req.end(kind === "draw" ? JSON.stringify({ user_id: user, count: 2 }) : undefined);
  });
}

/** promise's value, or fallback after ms (the timer cleared either way: no handle left behind). */
async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => (timer = setTimeout(resolve, ms, fallback)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

let gachaDb: TestDatabase;
let itemDb: TestDatabase;
let item: ItemApp;
let gacha: GachaApp;
const proxies: TcpProxy[] = [];
const agents: Agent[] = [];
let gateway: ServiceProcess | undefined;
let auth: Auth;

afterAll(async () => {
  if (gateway && gateway.child.exitCode === null) gateway.child.kill("SIGKILL");
  await gateway?.exited;
  for (const agent of agents) agent.destroy();
  for (const proxy of proxies) await proxy.close();
  await gacha?.close();
  await item?.close();
  await Promise.all([gachaDb?.drop(), itemDb?.drop(), auth?.close()]);
});

it("when the gateway gets SIGTERM under keep-alive load, then no request is cut, responses close their connections, /readyz is 503, an idle connection ends after the drain's grace, and it exits right after the last connection", async () => {
  [{ gachaDb, itemDb }, auth] = await Promise.all([createDatabases("f_gwterm"), startAuth()]);
  await auth.signInAll([700, 701, 702, 703, 704, 705]); // the load clients' users (700 + client)
  item = await startItem(itemDb.url);
  gacha = await startGacha(gachaDb.url, `127.0.0.1:${item.port}`);
  const slowGacha = await startTcpProxy(gacha.port, { replyDelayMs: HOLD_MS });
  const slowItem = await startTcpProxy(item.port, { replyDelayMs: HOLD_MS });
  proxies.push(slowGacha, slowItem);
  gateway = spawnGateway({
    gacha: `127.0.0.1:${slowGacha.port}`,
    item: `127.0.0.1:${slowItem.port}`,
    grpcDeadlineMs: 5_000,
    shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
    authUrl: auth.service.url,
  });
  const gw = gateway;
  const port = await reportedPort(gw, "gateway listening");

  // Six load clients (draws and inventory reads) and one readiness prober, each on one kept-alive connection.
  const kinds: Kind[] = ["draw", "inventory", "draw", "inventory", "draw", "inventory", "readyz"];
  const clientAgents = kinds.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const idleAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(...clientAgents, idleAgent);

  // One more connection that goes idle before the signal and stays so. Its
  // readiness checks also warm the gateway's gRPC channels: the first connect
  // through the slow proxies outlasts the health check's 1 s deadline.
  let idle = await send(port, idleAgent, 99, "readyz", -1);
  for (let i = 0; i < 20 && idle.status === 503; i++) idle = await send(port, idleAgent, 99, "readyz", -1);
  expect(idle.status).toBe(200);
  const idleAnsweredAt = idle.endedAt;
  const idleSocket = Object.values(idleAgent.freeSockets).flat()[0] as Socket;
  expect(idleSocket).toBeDefined();
  let idleClosedAt = Infinity;
  idleSocket.once("close", () => (idleClosedAt = Date.now()));

  // Steady load in waves: every client sends its next request as soon as all of the wave are answered.
  const outcomes: Outcome[] = [];
  const done = new Set<number>();
  let signalAt = Infinity;
  const loadUntil = Date.now() + 8 * HOLD_MS + 2 * SHUTDOWN_TIMEOUT_MS;
  for (let wave = 0; wave < 40 && Date.now() < loadUntil && done.size < kinds.length; wave++) {
    const sent = kinds.flatMap((kind, c) => (done.has(c) ? [] : [send(port, clientAgents[c]!, c, kind, wave)]));
    if (wave === SIGNAL_WAVE) {
      await sleep(HOLD_MS / 2);
      signalAt = Date.now();
      gw.child.kill("SIGTERM");
    }
    for (const outcome of await Promise.all(sent)) {
      outcomes.push(outcome);
      // A client whose request found no listener (or failed) stops: the gateway is gone.
      if (outcome.error) done.add(outcome.client);
    }
  }
  const code = await within(gw.exited, SHUTDOWN_TIMEOUT_MS + 2_000, "still running");

  const responses = outcomes.filter((o) => o.status !== undefined);
  const lastResponseAt = Math.max(...responses.map((o) => o.endedAt));
  const shutdownLog = /"time":"([^"]+)"[^\n]*"msg":"shutting down"/.exec(gw.output());
  const summary = {
    requests: outcomes.length,
    responses: responses.length,
    inFlightAtSignal: outcomes.filter((o) => o.startedAt < signalAt && o.endedAt > signalAt).length,
    refusedNewConnections: outcomes.filter((o) => o.error === "ECONNREFUSED").length,
    cut: outcomes
      .filter((o) => o.error && o.error !== "ECONNREFUSED")
      .map((o) => `${o.kind} wave ${o.wave}: ${o.error}`),
    signalHandledAfterMs: shutdownLog ? Date.parse(shutdownLog[1]!) - signalAt : "not logged",
    idleClosedAfterSignalMs: idleClosedAt - signalAt,
    idleClosedAfterLastUseMs: idleClosedAt - idleAnsweredAt,
    exitAfterLastConnectionMs: gw.exitedAt() - Math.max(lastResponseAt, idleClosedAt),
    exitCode: code,
  };
  console.log(`gateway shutdown under keep-alive load: ${JSON.stringify(summary)}`);

  // Nothing cut: every request got a whole HTTP response, except those that
  // found the listener closed on a new connection after the signal.
  expect(summary.cut).toEqual([]);
  for (const o of outcomes.filter((x) => x.error === "ECONNREFUSED")) {
    expect(o.reusedSocket).toBe(false);
    expect(o.startedAt).toBeGreaterThan(signalAt);
  }
  // Keep-alive was real: after the first wave every request reused its connection.
  const beforeSignal = responses.filter((o) => o.endedAt < signalAt);
  expect(beforeSignal.filter((o) => o.wave > 0).every((o) => o.reusedSocket)).toBe(true);
  expect(beforeSignal.map((o) => o.connection)).toEqual(beforeSignal.map(() => "keep-alive"));
  expect(beforeSignal.filter((o) => o.kind === "readyz").map((o) => o.status)).toEqual([200, 200, 200]);

  // The whole signal wave was in flight at SIGTERM and finished, every response since says close.
  const afterSignal = responses.filter((o) => o.endedAt > signalAt);
  expect(summary.inFlightAtSignal).toBe(kinds.length);
  expect(afterSignal.map((o) => o.connection)).toEqual(afterSignal.map(() => "close"));
  expect(afterSignal.filter((o) => o.kind !== "readyz").map((o) => o.status)).toEqual(
    afterSignal.filter((o) => o.kind !== "readyz").map(() => 200),
  );
  // Readiness answered 503 after the signal, while the process still ran.
  const readyAfter = afterSignal.filter((o) => o.kind === "readyz");
  expect(readyAfter.length).toBeGreaterThan(0);
  for (const o of readyAfter) {
    expect(o.status).toBe(503);
    expect(JSON.parse(o.body ?? "")).toEqual({
      error: { code: "UNAVAILABLE", message: expect.stringMatching(/shutting down/) },
    });
    expect(o.endedAt).toBeLessThanOrEqual(gw.exitedAt());
  }
  // The idle connection was not closed at the signal (a client sending on it at that instant would
  // lose the request) but after the drain's grace, before its keep-alive timeout would have.
  expect(summary.idleClosedAfterSignalMs).toBeGreaterThanOrEqual(DRAIN_IDLE_GRACE_MS - 50);
  expect(summary.idleClosedAfterSignalMs).toBeLessThan(DRAIN_IDLE_GRACE_MS + 1_500);

  // Exit 0 as soon as the last connection is gone, not at SHUTDOWN_TIMEOUT_MS.
  expect(code).toBe(0);
  expect(gw.exitedAt() - Math.max(lastResponseAt, idleClosedAt)).toBeLessThan(1_500);
  expect(gw.output()).toMatch(/"msg":"stopped"/);

  // Every draw answered 200 is committed, whole.
  const draws = responses
    .filter((o) => o.kind === "draw" && o.status === 200)
    .map((o) => JSON.parse(o.body!) as { draw_id: string; items: unknown[] });
  expect(draws.length).toBeGreaterThanOrEqual(3 * (SIGNAL_WAVE + 1));
  const rows = await gachaDb.query<{ draw_id: string; n: bigint }>(
    `SELECT draw_id, COUNT(*) AS n FROM histories WHERE draw_id IN (${draws.map(() => "?").join(",")}) GROUP BY draw_id`,
    draws.map((d) => d.draw_id),
  );
  expect(Object.fromEntries(rows.map((r) => [r.draw_id, Number(r.n)]))).toEqual(
    Object.fromEntries(draws.map((d) => [d.draw_id, d.items.length])),
  );
});
