// A minimal Chrome DevTools Protocol client over the platform's WebSocket (Node 22+,
// or Node 20/21 with --experimental-websocket): what VS Code and Chrome DevTools do
// when they attach to `node --inspect`. Used by the cluster tier's debug test.

export interface InspectorTarget {
  id: string;
  url: string;
  webSocketDebuggerUrl: string;
}

/** GET /json/list of the inspector at `hostPort` (bounded); the targets, or undefined when nothing answers. */
export async function inspectorTargets(hostPort: string): Promise<InspectorTarget[] | undefined> {
  try {
    const res = await fetch(`http://${hostPort}/json/list`, { signal: AbortSignal.timeout(1_000) });
    return res.ok ? ((await res.json()) as InspectorTarget[]) : undefined;
  } catch {
    return undefined;
  }
}

interface Message {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string };
}

export class CdpSession {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private events: Message[] = [];
  private waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (ev) => this.onMessage(JSON.parse(String(ev.data)) as Message));
    ws.addEventListener("close", () => {
      for (const p of this.pending.values()) p.reject(new Error("inspector WebSocket closed"));
      this.pending.clear();
    });
  }

  static async connect(url: string, timeoutMs = 5_000): Promise<CdpSession> {
    if (typeof WebSocket === "undefined")
      throw new Error("no global WebSocket: run on Node 22+, or Node 20/21 with NODE_OPTIONS=--experimental-websocket");
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => (ws.close(), reject(new Error(`connecting to ${url} timed out after ${timeoutMs} ms`))),
        timeoutMs,
      );
      ws.addEventListener("open", () => (clearTimeout(timer), resolve()));
      ws.addEventListener("error", () => (clearTimeout(timer), reject(new Error(`could not connect to ${url}`))));
    });
    return new CdpSession(ws);
  }

  private onMessage(m: Message): void {
    if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error.message));
      else p?.resolve(m.result);
      return;
    }
    const w = this.waiters.findIndex((x) => x.match(m));
    if (w >= 0) this.waiters.splice(w, 1)[0]!.resolve(m);
    else this.events.push(m);
  }

  /** Sends a command; rejects on a protocol error or after `timeoutMs`. */
  send<T = unknown>(method: string, params: object = {}, timeoutMs = 5_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => (this.pending.delete(id), reject(new Error(`${method} got no answer within ${timeoutMs} ms`))),
        timeoutMs,
      );
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v as T)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** The first event (already received or still to come) named `method` that satisfies `match`. */
  event<P>(method: string, match: (params: P) => boolean = () => true, timeoutMs = 10_000): Promise<P> {
    const is = (m: Message) => m.method === method && match(m.params as P);
    const seen = this.events.findIndex(is);
    if (seen >= 0) return Promise.resolve(this.events.splice(seen, 1)[0]!.params as P);
    return new Promise<P>((resolve, reject) => {
      const waiter = { match: is, resolve: (m: Message) => (clearTimeout(timer), resolve(m.params as P)) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ${method} event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** 0-based line and column of the one match of `re` in `source` (CDP locations are 0-based). */
export function locate(source: string, re: RegExp): { line: number; column: number } {
  const m = re.exec(source);
  if (!m || re.exec(source.slice(m.index + 1)))
    throw new Error(`expected exactly one ${re} in the served module:\n${source.slice(0, 2000)}`);
  const before = source.slice(0, m.index).split("\n");
  return { line: before.length - 1, column: before[before.length - 1]!.length };
}
