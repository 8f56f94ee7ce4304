import { createServer, connect, type Socket } from "node:net";

/**
 * A TCP listener on 127.0.0.1 that a test holds for its whole life and points
 * at whatever currently plays a dependency. Its port never changes hands, so a
 * dependency can stop and come back (on a new port 0) without the race of
 * freeing a port and binding it again later, which another process may win.
 */
export interface TcpForwarder {
  port: number;
  /** Forward new connections to 127.0.0.1:targetPort; undefined: accept and close them at once (the dependency is down). */
  forwardTo(targetPort: number | undefined): void;
  /** Destroys every forwarded connection now (both sides), as a network cut does. */
  cutConnections(): void;
  close(): Promise<void>;
}

/** replyDelayMs holds every chunk from the target that long (order kept): a slow dependency. */
export async function startTcpForwarder(
  targetPort: number | undefined,
  opts: { replyDelayMs?: number } = {},
): Promise<TcpForwarder> {
  let target = targetPort;
  const sockets = new Set<Socket>();
  const track = (sock: Socket) => {
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => undefined);
  };
  const server = createServer((client) => {
    track(client);
    if (target === undefined) return void client.destroy();
    const upstream = connect(target, "127.0.0.1");
    track(upstream);
    client.pipe(upstream);
    const delay = opts.replyDelayMs ?? 0;
    if (delay > 0) {
      // Same delay for every chunk: timers fire in insertion order, so bytes stay in order.
      upstream.on("data", (chunk) => setTimeout(() => client.destroyed || client.write(chunk), delay));
    } else {
      upstream.pipe(client);
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const cutConnections = () => {
    for (const sock of sockets) sock.destroy();
  };
  return {
    port: (server.address() as { port: number }).port,
    forwardTo: (port) => (target = port),
    cutConnections,
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      cutConnections();
      await closed;
    },
  };
}
