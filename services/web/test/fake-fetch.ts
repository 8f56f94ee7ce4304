// The API boundary, faked: a fetch that answers like the gateway from canned
// handlers and records every request, so tests assert what the page sent.
import { vi } from "vitest";

export interface SentRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  signal: AbortSignal | null | undefined;
}

type Handler = (req: SentRequest) => { status?: number; body: unknown } | Promise<never>;

export function json(body: unknown, status = 200) {
  return { status, body };
}

/** Installs the fake as the global fetch; `routes` maps "METHOD /path-prefix" to a handler. */
export function fakeFetch(routes: Record<string, Handler>) {
  const sent: SentRequest[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), "http://page.test");
    const req: SentRequest = {
      method: init.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
      signal: init.signal,
    };
    sent.push(req);
    const key = Object.keys(routes).find((k) => {
      const [method, prefix] = k.split(" ");
      return method === req.method && req.path.startsWith(prefix!);
    });
    const answer = key ? await routes[key]!(req) : json({ error: { code: "NOT_FOUND", message: "no route" } }, 404);
    return new Response(JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { "content-type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetch);
  return { sent, fetch };
}
