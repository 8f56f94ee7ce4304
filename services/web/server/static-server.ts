// The prod image's web server: the files `vite build` wrote, read-only, with
// correct content types, no way out of the root folder, index.html for any
// other page path (single-page app) and long caching only for hashed assets.
// Only node:http and node:fs, so the distroless Node image needs nothing else.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

/** Vite names what it emits under assets/ by content hash: such a URL never changes content. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** Everything else (index.html above all) is revalidated, so a deploy is seen at once. */
const REVALIDATE = "no-cache";

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "content-security-policy": "default-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'",
};

/** The file a URL path names inside `root`, or undefined if it would leave `root` or is not a plain path. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const file = path.resolve(root, "." + path.posix.normalize("/" + decoded));
  return file === root || file.startsWith(root + path.sep) ? file : undefined;
}

function regularFile(file: string): fs.Stats | undefined {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? stat : undefined;
  } catch {
    return undefined;
  }
}

function send(req: http.IncomingMessage, res: http.ServerResponse, file: string, stat: fs.Stats, cache: string): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "content-type": TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream",
    "content-length": stat.size,
    "cache-control": cache,
    "last-modified": stat.mtime.toUTCString(),
  });
  if (req.method === "HEAD") return void res.end();
  fs.createReadStream(file)
    .on("error", () => res.destroy())
    .pipe(res);
}

function fail(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8", ...headers });
  res.end(text + "\n");
}

export function createStaticServer(rootDir: string): http.Server {
  const root = path.resolve(rootDir);
  const index = path.join(root, "index.html");
  return http.createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD")
      return fail(res, 405, "method not allowed", { allow: "GET, HEAD" });
    const urlPath = (req.url ?? "/").split("?")[0]!;
    const file = resolveInside(root, urlPath);
    if (file === undefined) return fail(res, 400, "bad path");
    const stat = regularFile(file);
    if (stat) return send(req, res, file, stat, urlPath.startsWith("/assets/") ? IMMUTABLE : REVALIDATE);
    // A missing file with an extension (or under assets/) is a real 404; any other path is a page of the app.
    if (path.extname(file) !== "" || urlPath.startsWith("/assets/")) return fail(res, 404, "not found");
    const indexStat = regularFile(index);
    if (!indexStat) return fail(res, 404, "not found");
    send(req, res, index, indexStat, REVALIDATE);
  });
}
