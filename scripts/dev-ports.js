// The ports `npm run dev` listens on, checked before anything starts: a port held by another
// process (a second `npm run dev`, a `skaffold dev` port-forward) is one sentence naming the
// port, the variable that moves it and how to find the holder, instead of four services failing.
"use strict";
const net = require("node:net");

/** [variable, default, what listens there]; the variables are the services' own. */
const DEV_PORTS = [
  ["PORT", 8080, "the gateway (HTTP)", "HOST"],
  ["GACHA_GRPC_PORT", 50051, "gacha (gRPC)", "GRPC_HOST"],
  ["ITEM_GRPC_PORT", 50052, "item (gRPC)", "GRPC_HOST"],
  ["AUTH_PORT", 8081, "the auth service (HTTP)", "HOST"],
  ["WEB_PORT", 5173, "the web page (Vite)", "WEB_HOST"],
];

const portOf = (env, name, fallback) => Number(env[name] ?? fallback);

/** Resolves to the listen error's code (e.g. "EADDRINUSE"), or undefined when host:port is free. */
function tryListen(host, port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (err) => resolve(err.code ?? String(err)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** One sentence per port that cannot be listened on, in DEV_PORTS order. */
async function busyDevPorts(env) {
  const problems = [];
  for (const [name, fallback, what, hostVar] of DEV_PORTS) {
    const port = portOf(env, name, fallback);
    const host = env[hostVar];
    const code = await tryListen(host, port);
    if (code === "EADDRINUSE") {
      problems.push(
        `npm run dev: port ${port} on ${host}, for ${what}, is already in use (another npm run dev or a ` +
          `skaffold dev port-forward?): stop that process (\`lsof -i :${port}\` names it) or set ${name} to a free port.`,
      );
    } else if (code) {
      problems.push(`npm run dev: cannot listen on ${host}:${port} for ${what} (${code}): set ${name} or ${hostVar}.`);
    }
  }
  return problems;
}

module.exports = { DEV_PORTS, busyDevPorts, portOf };
