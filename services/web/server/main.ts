// Entry point of the prod image (node server/main.ts: Node 24 strips the types).
//   PORT (default 5173: the web container's port in both targets, dev (Vite) and prod), HOST (default 0.0.0.0), WEB_ROOT (default dist next to this folder)
import path from "node:path";
import { createStaticServer } from "./static-server.ts";

const port = Number(process.env.PORT ?? 5173);
const host = process.env.HOST ?? "0.0.0.0";
const root = process.env.WEB_ROOT ?? path.join(import.meta.dirname, "..", "dist");
const shutdownMs = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000);

const server = createStaticServer(root);
server.listen(port, host, () => console.log(JSON.stringify({ msg: "web listening", host, port, root })));

// SIGTERM: stop accepting, let in-flight responses finish, then exit (bounded).
process.once("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), shutdownMs).unref();
});
