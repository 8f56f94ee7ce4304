// @vitest-environment node
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaticServer, resolveInside } from "./static-server.ts";

let dir: string;
let server: http.Server;
let base: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "web-static-"));
  fs.mkdirSync(path.join(dir, "dist", "assets"), { recursive: true });
  fs.writeFileSync(path.join(dir, "dist", "index.html"), "<!doctype html><title>Gacha</title>");
  fs.writeFileSync(path.join(dir, "dist", "assets", "index-AbC123.js"), "console.log(1)");
  fs.writeFileSync(path.join(dir, "dist", "assets", "index-AbC123.css"), "body{}");
  fs.writeFileSync(path.join(dir, "secret.txt"), "outside the root");
  server = createStaticServer(path.join(dir, "dist"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

const get = (p: string, init: RequestInit = {}) => fetch(base + p, { ...init, signal: AbortSignal.timeout(5000) });

/** GET with the path sent exactly as given: fetch (WHATWG URL) would resolve `..` and `%2e%2e` before sending. */
const rawGet = (p: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(`${base}/`, { path: p, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${p} timed out`)));
    req.on("error", reject);
    req.end();
  });

describe("the prod static server", () => {
  it("when / is requested, then index.html is served as HTML and revalidated on every load", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toContain("<title>Gacha</title>");
  });

  it("when a hashed asset is requested, then it has its content type and is cached for a year as immutable", async () => {
    const js = await get("/assets/index-AbC123.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const css = await get("/assets/index-AbC123.css");
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  it("when a page path of the app is requested, then index.html is served (single-page app fallback)", async () => {
    const res = await get("/some/page?x=1");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<title>Gacha</title>");
  });

  it("when a missing file or asset is requested, then it is a 404, not the page", async () => {
    expect((await get("/missing.js")).status).toBe(404);
    expect((await get("/assets/gone")).status).toBe(404);
  });

  it("when a path tries to leave the root folder, then nothing outside it is served", async () => {
    // `..` stays inside the root (there is no secret.txt there: 404); a backslash is no plain path (400)
    const expected: Record<string, number> = {
      "/../secret.txt": 404,
      "/%2e%2e/secret.txt": 404,
      "/assets/..%2f..%2fsecret.txt": 404,
      "/..%5csecret.txt": 400,
    };
    const got: Record<string, { status: number; leaked: boolean }> = {};
    for (const p of Object.keys(expected)) {
      const res = await rawGet(p);
      got[p] = { status: res.status, leaked: res.body.includes("outside the root") };
    }
    expect(got).toEqual(
      Object.fromEntries(Object.entries(expected).map(([p, status]) => [p, { status, leaked: false }])),
    );
    expect(resolveInside("/srv/www", "/../secret.txt")).toBe("/srv/www/secret.txt");
    expect(resolveInside("/srv/www", "/%E0%A4%A")).toBeUndefined();
    expect(resolveInside("/srv/www", "/a%00b")).toBeUndefined();
  });

  it("when the method is not GET or HEAD, then it is a 405 with Allow", async () => {
    const res = await get("/", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });

  it("when HEAD is used, then the headers come without a body", async () => {
    const res = await get("/assets/index-AbC123.js", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String("console.log(1)".length));
    expect(await res.text()).toBe("");
  });
});
