// Container tier, the web image (services/web/Dockerfile), both targets:
//  - prod: serves the built page read-only, as 65532, with no shell, npm or Vite inside;
//  - dev: Vite's dev server as uid 1000, which owns the folders skaffold syncs into.
// HMR after a synced edit is proven by the real `skaffold dev` in the cluster tier
// (test/cluster/skaffold-dev.test.ts).
import fs from "node:fs";
import path from "node:path";
import { podman, podmanRaw, publishedPort, Scope, waitFor, type BuildReport } from "./support/podman";
import { buildWebImage, webImage } from "./support/web";

const scope = new Scope();
const builds: BuildReport[] = [];
let prodMount = "";

const HARDENING = ["--cap-drop", "ALL", "--security-opt", "no-new-privileges"];

beforeAll(async () => {
  builds.push(await buildWebImage("dev"));
  builds.push(await buildWebImage("prod"));
  prodMount = await podman(["image", "mount", webImage("prod")]);
  const sizes = await Promise.all(
    builds.map(
      async (b) =>
        `${b.image} ${(b.ms / 1000).toFixed(1)}s ${await podman(["image", "inspect", "--format", "{{.Size}}", b.image]).then((s) => Math.round(Number(s) / 1e6))} MB`,
    ),
  );
  console.log(`container tier (web): ${sizes.join(", ")}`);
}, 900_000);

afterAll(async () => {
  await scope.cleanup();
  if (prodMount) await podmanRaw(["image", "unmount", webImage("prod")], { timeoutMs: 30_000 });
}, 120_000);

const get = (url: string) => fetch(url, { signal: AbortSignal.timeout(5_000) });

describe("prod web image", () => {
  it("when inspected, then it runs the static server with distroless node as 65532:65532", async () => {
    const [info] = JSON.parse(await podman(["image", "inspect", webImage("prod")])) as {
      Config: { User: string; Entrypoint: string[]; Cmd: string[] };
    }[];
    expect(info!.Config.User).toBe("65532:65532");
    expect(info!.Config.Entrypoint).toEqual(["/nodejs/bin/node"]);
    expect(info!.Config.Cmd).toEqual(["server/main.ts"]);
  });

  it("when its files are listed, then there is no shell, no npm, no node_modules, no Vite and no page source, only the built files", () => {
    const has = (p: string) => fs.existsSync(path.join(prodMount, p));
    expect({
      sh: has("bin/sh"),
      bash: has("bin/bash"),
      npm: has("nodejs/bin/npm") || has("usr/local/bin/npm"),
      nodeModules: has("app/node_modules"),
      src: has("app/src"),
    }).toEqual({
      sh: false,
      bash: false,
      npm: false,
      nodeModules: false,
      src: false,
    });
    expect(fs.readdirSync(path.join(prodMount, "app")).sort()).toEqual(["dist", "package.json", "server"]);
    expect(fs.readdirSync(path.join(prodMount, "app/server")).sort()).toEqual(["main.ts", "static-server.ts"]);
  });

  it("when run read-only as 65532 with no capabilities, then it serves the page and its hashed assets", async () => {
    const name = scope.name("web-prod");
    const r = await scope.run(name, [
      ...HARDENING,
      "--read-only",
      "--user",
      "65532:65532",
      "-p",
      "127.0.0.1::5173",
      webImage("prod"),
    ]);
    expect(r.code).toBe(0);
    const base = `http://127.0.0.1:${await publishedPort(name, 5173)}`;
    const index = await waitFor(
      "the prod web container to serve /",
      async () => {
        const res = await get(`${base}/`).catch(() => undefined);
        return res?.status === 200 ? res : undefined;
      },
      30_000,
    );
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await index.text();
    expect(html).toContain('<div id="root"></div>');
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await get(`${base}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");

    // the process is 65532 and cannot write its root filesystem
    const probe = await podmanRaw(
      [
        "exec",
        name,
        "/nodejs/bin/node",
        "-e",
        `try { require("fs").writeFileSync("/app/x", "x"); console.log(process.getuid(), "wrote") } catch (e) { console.log(process.getuid(), e.code) }`,
      ],
      { timeoutMs: 20_000 },
    );
    expect(probe.stdout.trim()).toBe("65532 EROFS");
  }, 120_000);
});

describe("dev web image", () => {
  it("when inspected, then it runs vite as 1000:1000 in /app/services/web, which uid 1000 owns, with tar for skaffold sync", async () => {
    const [info] = JSON.parse(await podman(["image", "inspect", webImage("dev")])) as {
      Config: { User: string; WorkingDir: string; Cmd: string[] };
    }[];
    expect({ user: info!.Config.User, workdir: info!.Config.WorkingDir, cmd: info!.Config.Cmd }).toEqual({
      user: "1000:1000",
      workdir: "/app/services/web",
      cmd: ["vite"],
    });
    const r = await podmanRaw(
      [
        "run",
        "--rm",
        "--entrypoint",
        "sh",
        webImage("dev"),
        "-c",
        "stat -c %u /app /app/services/web/src && command -v tar",
      ],
      { timeoutMs: 30_000 },
    );
    expect(r.stdout.trim().split("\n")).toEqual(["1000", "1000", expect.stringMatching(/\/tar$/)]);
  });
});
