// The gateway's HTTP API and the auth service's sign-up/sign-in, called on the
// page's own origin (Vite's proxy in dev, the Ingress in the cluster), so there
// is no CORS anywhere. Every gateway call carries the access token.
import { ApiError } from "./api-error";
import { sessionFromToken, type Session } from "./session";
import type { DrawResult, HistoryPage, Inventory } from "./types";

/** Every call gives up after this long: a hung gateway must not leave the page busy forever. */
export const API_TIMEOUT_MS = 10_000;
/** History page size: small, so that "Load more" shows up after a couple of draws. */
export const HISTORY_PAGE_SIZE = 10;

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, signal: AbortSignal.timeout(API_TIMEOUT_MS) });
  } catch (err) {
    if (err instanceof DOMException && err.name === "TimeoutError")
      throw new ApiError(`The server did not answer within ${API_TIMEOUT_MS / 1000} s`);
    throw new ApiError("Cannot reach the server");
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(error?.message ?? `Request failed with HTTP ${res.status}`, res.status, error?.code);
  }
  if (body === undefined) throw new ApiError(`The server sent an unreadable answer (HTTP ${res.status})`, res.status);
  return body as T;
}

const bearer = (session: Session) => ({ authorization: `Bearer ${session.token}` });
const postJson = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** Creates the account; the caller signs in next. */
export async function register(username: string, password: string): Promise<void> {
  await call<{ user_id: number }>("/auth/register", postJson({ username, password }));
}

/** Signs in: the session (token and the user id it names) lives in memory only. */
export async function login(username: string, password: string): Promise<Session> {
  const res = await call<{ access_token: string }>("/auth/login", postJson({ username, password }));
  return sessionFromToken(res.access_token, username);
}

/** Draws for the signed-in user: no user_id is sent, the gateway takes it from the token. */
export function draw(session: Session, count: number): Promise<DrawResult> {
  return call<DrawResult>("/draw", postJson({ count }, bearer(session)));
}

export function getHistories(session: Session, cursor?: string): Promise<HistoryPage> {
  const query = new URLSearchParams({ limit: String(HISTORY_PAGE_SIZE) });
  if (cursor) query.set("cursor", cursor);
  return call<HistoryPage>(`/histories/${session.userId}?${query}`, { headers: bearer(session) });
}

export function getInventory(session: Session): Promise<Inventory> {
  return call<Inventory>(`/inventories/${session.userId}`, { headers: bearer(session) });
}
