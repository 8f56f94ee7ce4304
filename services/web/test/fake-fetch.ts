// The API boundary, faked: a fetch that answers like the gateway from canned
// handlers and records every request, so tests assert what the page sent.
import { vi } from "vitest";

export interface SentRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** The Authorization header sent, if any. */
  authorization: string | null;
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
      authorization: new Headers(init.headers).get("authorization"),
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

/** An access token as the auth service shapes it (the page reads only its payload's sub). */
export function tokenFor(userId: number): string {
  const part = (value: object) =>
    btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "ES256", typ: "JWT" })}.${part({ sub: String(userId), exp: 2_000_000_000 })}.c2ln`;
}

/** The auth service's two routes: any password signs in as userId; "taken" is a taken username. */
export function authRoutes(userId: number): Record<string, Handler> {
  return {
    "POST /auth/register": (req) =>
      (req.body as { username: string }).username === "taken"
        ? json({ error: { code: "ALREADY_EXISTS", message: "username is taken" } }, 409)
        : json({ user_id: userId }, 201),
    "POST /auth/login": (req) =>
      (req.body as { password: string }).password === "wrong password"
        ? json({ error: { code: "UNAUTHENTICATED", message: "wrong username or password" } }, 401)
        : json({ access_token: tokenFor(userId), token_type: "Bearer", expires_in: 900 }),
  };
}
