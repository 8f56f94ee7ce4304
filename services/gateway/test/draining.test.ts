import {
  closeConnectionsWhenDraining,
  createDrain,
  closeHttpServer,
  DRAIN_IDLE_GRACE_MS,
  drainHttpServer,
  listen,
} from "@gacha/runtime";
import { Agent, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import express from "express";
import request from "supertest";
import { createClients, type Clients } from "../src/clients";
import { createServer } from "../src/server";
import { startAuthService, tokenForUserId, type AuthService } from "../../auth/test/support";
import type { TokenVerifier } from "../src/auth/token-verifier";
import { expectErrorBody, logger, verifierFor } from "./stack";

// Upstreams that accept TCP and never answer: a gRPC call through them waits for its deadline.
let silent: TcpServer;
const held = new Set<Socket>();
/** Bytes the silent upstreams received so far: a call through them sends some. */
let upstreamBytes = 0;
const upstreamListeners = new Set<() => void>();
/** Resolves on the next bytes any silent upstream receives (a call has reached it). */
const nextUpstreamBytes = () => new Promise<void>((resolve) => upstreamListeners.add(resolve));
let clients: Clients;
// The real auth service: the in-flight request below is signed in as user 1.
let auth: AuthService;
let verifier: TokenVerifier;
let bearer: string;
beforeAll(async () => {
  auth = await startAuthService();
  verifier = verifierFor(auth.url);
  bearer = `Bearer ${await tokenForUserId(auth, 1)}`;
  silent = createTcpServer((s) => {
    held.add(s);
    s.on("error", () => undefined);
    s.on("data", (d: Buffer) => {
      upstreamBytes += d.length;
      for (const l of upstreamListeners) l();
      upstreamListeners.clear();
    });
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const addr = `127.0.0.1:${(silent.address() as { port: number }).port}`;
  clients = createClients({ GACHA_SERVICE_ADDR: addr, ITEM_SERVICE_ADDR: addr });
});
afterAll(async () => {
  clients?.close();
  for (const s of held) s.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await auth?.close();
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  reusedSocket: boolean;
  socket: Socket;
  at: number;
}

function get(port: number, path: string, agent: Agent, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, agent, headers, timeout: 5_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          reusedSocket: req.reusedSocket,
          socket: req.socket as Socket,
          at: Date.now(),
        }),
      );
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

const closedAt = (socket: Socket) =>
  new Promise<number>((resolve) =>
    socket.destroyed ? resolve(Date.now()) : socket.once("close", () => resolve(Date.now())),
  );

describe("a draining gateway", () => {
  it("when draining, then GET /readyz is 503 with an UNAVAILABLE error body, without asking the upstreams", async () => {
    const drain = createDrain();
    const app = createServer({ gacha: clients.gacha, item: clients.item, deadlineMs: 2_000, verifier, logger, drain });
    drain.begin();
    const bytesBefore = upstreamBytes;
    const res = await request(app).get("/readyz").expect(503);
    // Not one byte to the upstreams: no health check was even started.
    expect(upstreamBytes - bytesBefore).toBe(0);
    expectErrorBody(res.body, "UNAVAILABLE");
    expect(res.body.error.message).toMatch(/shutting down/);
    expect(res.headers["connection"]).toBe("close");
  });

  it("when draining, then every response carries Connection: close, and none does before", async () => {
    const drain = createDrain();
    const app = createServer({ gacha: clients.gacha, item: clients.item, deadlineMs: 2_000, verifier, logger, drain });
    const before = await request(app).get("/healthz").set("Connection", "keep-alive").expect(200);
    expect(before.headers["connection"]).toBe("keep-alive");
    drain.begin();
    const responses = await Promise.all([
      request(app).get("/healthz").set("Connection", "keep-alive").expect(200),
      request(app).get("/nope").set("Connection", "keep-alive").expect(404),
      request(app).put("/draw").set("Connection", "keep-alive").expect(405),
      request(app)
        .post("/draw")
        .set("Connection", "keep-alive")
        .set("Authorization", bearer)
        .send({ user_id: "x" })
        .expect(400),
    ]);
    expect(responses.map((r) => r.headers["connection"])).toEqual(["close", "close", "close", "close"]);
  });

  it("when the drain begins while a request is in flight, then it finishes with Connection: close, an idle connection is left open for the drain's grace (not closed at once, not kept to its keep-alive timeout), and the server closes right after the last connection", async () => {
    const drain = createDrain();
    // The in-flight request waits on the silent item until this deadline (504).
    const app = createServer({ gacha: clients.gacha, item: clients.item, deadlineMs: 1_500, verifier, logger, drain });
    const server: Server = await listen(app, "127.0.0.1", 0);
    const port = (server.address() as { port: number }).port;
    const idleAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    const busyAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const idle = await get(port, "/healthz", idleAgent);
      expect(idle.headers["connection"]).toBe("keep-alive");
      const idleClosed = closedAt(idle.socket);
      expect((await get(port, "/healthz", busyAgent)).headers["connection"]).toBe("keep-alive");
      // On the same kept-alive connection: the silent item holds it until the deadline (504).
      const reachedUpstream = nextUpstreamBytes();
      const inFlight = get(port, "/inventories/1", busyAgent, { authorization: bearer });
      await reachedUpstream; // the request is inside the gateway, waiting on item

      const drainAt = Date.now();
      const closed = drainHttpServer(server, drain, 5_000).then(() => Date.now());
      // Not closed by the drain: a client sending on it at this instant would lose its request.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(idle.socket.destroyed).toBe(false);
      const res = await inFlight;
      expect(res.reusedSocket).toBe(true);
      expect(res.status).toBe(504);
      expect(res.headers["connection"]).toBe("close");
      // The idle one ends after the drain's grace (1 s), well before Node's 5 s keep-alive timeout.
      const idleEnd = await idleClosed;
      expect(idleEnd - drainAt).toBeGreaterThanOrEqual(DRAIN_IDLE_GRACE_MS - 50);
      expect(idleEnd - drainAt).toBeLessThan(DRAIN_IDLE_GRACE_MS + 1_500);
      // The server closes with the last connection, not at the 5 s drain timeout.
      expect((await closed) - Math.max(idleEnd, res.at)).toBeLessThan(1_000);
    } finally {
      idleAgent.destroy();
      busyAgent.destroy();
      if (server.listening) await closeHttpServer(server, 100);
    }
  });

  it("when the drain's idle grace is 0 (the dev overlay's SHUTDOWN_IDLE_GRACE_MS), then an idle connection ends at once and the server closes with it", async () => {
    const drain = createDrain();
    const app = createServer({ gacha: clients.gacha, item: clients.item, deadlineMs: 1_500, verifier, logger, drain });
    const server: Server = await listen(app, "127.0.0.1", 0);
    const port = (server.address() as { port: number }).port;
    const idleAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const idle = await get(port, "/healthz", idleAgent);
      expect(idle.headers["connection"]).toBe("keep-alive");
      const idleClosed = closedAt(idle.socket);
      const drainAt = Date.now();
      const closed = await drainHttpServer(server, drain, 5_000, 0).then(() => Date.now());
      // a nodemon restart in dev waits for this: well under the 1 s grace of prod
      expect((await idleClosed) - drainAt).toBeLessThan(300);
      expect(closed - drainAt).toBeLessThan(300);
    } finally {
      idleAgent.destroy();
      if (server.listening) await closeHttpServer(server, 100);
    }
  });

  it("when the drain begins during a response whose headers are already out, then its connection ends once it finishes", async () => {
    const drain = createDrain();
    let finish: () => void = () => undefined;
    let started: () => void = () => undefined;
    const streaming = new Promise<void>((resolve) => (started = resolve));
    const app = express();
    app.use(closeConnectionsWhenDraining(drain));
    app.get("/stream", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first ");
      finish = () => res.end("last");
      started();
    });
    const server = await listen(app, "127.0.0.1", 0);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const reply = get((server.address() as { port: number }).port, "/stream", agent);
      await streaming;
      drain.begin();
      finish();
      const res = await reply;
      expect(res.body).toBe("first last");
      expect(res.headers["connection"]).toBe("keep-alive");
      // With the response, not at Node's 5 s keep-alive timeout.
      expect((await closedAt(res.socket)) - res.at).toBeLessThan(2_000);
    } finally {
      agent.destroy();
      await closeHttpServer(server, 100);
    }
  });
});
