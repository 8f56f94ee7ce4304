// `npm run dev` on a laptop in a café: the gateway, gacha, item and Vite answer on 127.0.0.1 and
// not on the laptop's network address; DEV_HOST=0.0.0.0 opens them on purpose. The whole of
// `npm run dev` runs as a child process (its own process group, stopped with SIGTERM).
import { spawn } from "node:child_process";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, freePort, TEST_SERVER_URL, type TestDatabase } from "@gacha/testing";

const root = path.resolve(__dirname, "../..");

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** This machine's first non-loopback IPv4 address: what a neighbour on the network would dial. */
const lanAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

let gachaDb: TestDatabase;
let itemDb: TestDatabase;
beforeAll(async () => {
  // empty databases of this suite's own; npm run dev migrates them
  gachaDb = await createTestDatabase("devbind_gacha");
  itemDb = await createTestDatabase("devbind_item");
});
afterAll(async () => {
  await gachaDb?.drop();
  await itemDb?.drop();
});

const cases = [
  { name: "by default", devHost: undefined, fromNetwork: false },
  { name: "with DEV_HOST=0.0.0.0", devHost: "0.0.0.0", fromNetwork: true },
];

describe.each(cases)("npm run dev $name", ({ devHost, fromNetwork }) => {
  (lanAddress ? it : it.skip)(
    lanAddress
      ? `when it runs, then the gateway, gacha, item and Vite answer on 127.0.0.1 and ${fromNetwork ? "also" : "not"} on the network address`
      : "skipped: this machine has no non-loopback IPv4 address to dial from",
    async () => {
      const ports = {
        PORT: await freePort(),
        GACHA_GRPC_PORT: await freePort(),
        ITEM_GRPC_PORT: await freePort(),
        WEB_PORT: await freePort(),
      };
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const name of ["HOST", "GRPC_HOST", "WEB_HOST", "DEV_HOST", "GACHA_SERVICE_ADDR", "ITEM_SERVICE_ADDR"])
        delete env[name];
      Object.assign(env, {
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
        METRICS_PORT: "0",
        LOG_FORMAT: "json",
        GACHA_DATABASE_URL: gachaDb.url,
        ITEM_DATABASE_URL: itemDb.url,
        ...(devHost ? { DEV_HOST: devHost } : {}),
      });
      expect(new URL(gachaDb.url).host).toBe(new URL(TEST_SERVER_URL).host);
      let output = "";
      const dev = spawn(process.execPath, ["scripts/dev.js"], { cwd: root, env, detached: true });
      dev.stdout.on("data", (d: Buffer) => (output += d.toString()));
      dev.stderr.on("data", (d: Buffer) => (output += d.toString()));
      try {
        const until = Date.now() + 60_000;
        let up = false;
        while (!up && Date.now() < until && dev.exitCode === null) {
          const all = await Promise.all(Object.values(ports).map((p) => answers("127.0.0.1", p)));
          up = all.every(Boolean);
          if (!up) await new Promise((r) => setTimeout(r, 500));
        }
        expect({ up, output: up ? "" : output.slice(-3000) }).toEqual({ up: true, output: "" });
        const fromLan = await Promise.all(Object.values(ports).map((p) => answers(lanAddress!, p)));
        expect(Object.fromEntries(Object.keys(ports).map((k, i) => [k, fromLan[i]]))).toEqual(
          Object.fromEntries(Object.keys(ports).map((k) => [k, fromNetwork])),
        );
      } finally {
        process.kill(-dev.pid!, "SIGTERM");
        await new Promise((resolve) => {
          const timer = setTimeout(() => {
            process.kill(-dev.pid!, "SIGKILL");
            resolve(undefined);
          }, 15_000);
          dev.once("exit", () => {
            clearTimeout(timer);
            resolve(undefined);
          });
        });
      }
    },
    120_000,
  );
});
