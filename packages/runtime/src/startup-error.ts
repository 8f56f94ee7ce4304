/**
 * The one line a service prints when it cannot start. A port already in use is an expected
 * failure (a second `npm run dev`, a port-forward): it names the port, the variable that moves
 * it and how to find the holder. Node's listen and @grpc/grpc-js's bind both report it as
 * "EADDRINUSE ... <host>:<port>", the latter inside a longer message.
 */
export function startupErrorMessage(service: string, err: unknown, ports: Record<string, number> = {}): string {
  const text = err instanceof Error ? err.message : String(err);
  const inUse = /EADDRINUSE[^\n]*?(\S+):(\d+)\]?$/m.exec(text);
  if (!inUse) return `${service}: ${text}`;
  const [, host, portText] = inUse;
  const port = Number(portText);
  const variable = Object.keys(ports).find((name) => ports[name] === port);
  const fix = variable ? `or set ${variable} to a free port` : "or choose another port";
  return (
    `${service}: port ${port} on ${host} is already in use: stop the process that holds it ` +
    `(\`lsof -i :${port}\` names it) ${fix}.`
  );
}
