// The gateway's SHUTDOWN_TIMEOUT_MS: a request still in flight when it runs out
// (its upstream never answers, and the upstream deadline is far away) is cut
// there, and the process exits instead of waiting for it.
import { request as httpRequest } from "node:http";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { reportedPort, sleep, spawnGateway, startAuth, type Auth, type ServiceProcess } from "./support";

jest.setTimeout(60_000);

const SHUTDOWN_TIMEOUT_MS = 1_500;

let silent: Server | undefined;
const held = new Set<Socket>();
let gateway: ServiceProcess | undefined;
let auth: Auth | undefined;

afterAll(async () => {
  if (gateway && gateway.child.exitCode === null) gateway.child.kill("SIGKILL");
  await gateway?.exited;
  for (const s of held) s.destroy();
  await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
  await auth?.close();
});

it("when a request outlives SHUTDOWN_TIMEOUT_MS after SIGTERM, then it is cut at that time and the process exits", async () => {
  // An upstream that accepts connections and never answers; its first connection is the request's call.
  let connected: () => void = () => undefined;
  const callArrived = new Promise<void>((resolve) => (connected = resolve));
  silent = createTcpServer((s) => {
    held.add(s);
    s.on("error", () => undefined);
    connected();
  });
  await new Promise<void>((resolve) => silent!.listen(0, "127.0.0.1", resolve));
  const upstream = `127.0.0.1:${(silent.address() as { port: number }).port}`;
  auth = await startAuth();
  const bearer = await auth.bearerFor(1);

  gateway = spawnGateway({
    gacha: upstream,
    item: upstream,
    grpcDeadlineMs: 60_000,
    shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
    authUrl: auth.service.url,
  });
  const gw = gateway;
  const port = await reportedPort(gw, "gateway listening");

  const outcome = new Promise<{ at: number; result: string }>((resolve) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path: "/inventories/1", headers: { authorization: bearer }, timeout: 30_000 },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ at: Date.now(), result: `HTTP ${res.statusCode}` }));
        res.on("error", (err) => resolve({ at: Date.now(), result: String(err) }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("client timeout")));
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ at: Date.now(), result: err.code ?? err.message }));
    req.end();
  });
  await callArrived; // the request is inside the gateway, waiting on the upstream

  const signalAt = Date.now();
  gw.child.kill("SIGTERM");
  const cut = await outcome;
  const exitCode = await Promise.race([gw.exited, sleep(SHUTDOWN_TIMEOUT_MS + 6_000).then(() => "still running")]);

  // Cut, not answered: the connection closed without a response.
  expect(cut.result).toMatch(/ECONNRESET|socket hang up/);
  const cutAfterMs = cut.at - signalAt;
  expect(cutAfterMs).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS - 100);
  // By the HTTP server's own timeout, not by the process's end: onShutdown's last resort
  // comes 1 s after SHUTDOWN_TIMEOUT_MS.
  expect(cutAfterMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 1_000);
  expect(exitCode).toBe(0);
  expect(gw.output()).toMatch(/"msg":"stopped"/);
});
