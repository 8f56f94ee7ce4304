// The gateway's HTTP API, called on the page's own origin (Vite's proxy in dev,
// the Ingress in the cluster), so there is no CORS anywhere.
import { ApiError } from "./api-error";
import type { DrawResult, HistoryPage, Inventory } from "./types";

/** Every call gives up after this long: a hung gateway must not leave the page busy forever. */
export const API_TIMEOUT_MS = 10_000;
/** History page size: small, so that "Load more" shows up after a couple of draws. */
export const HISTORY_PAGE_SIZE = 10;

/**
 * The user id as the API receives it: a JSON number when the field holds a safe
 * integer, otherwise the raw text, so the gateway (not the page) decides what is
 * valid and the page shows its message.
 */
export function toUserId(raw: string): number | string {
  const text = raw.trim();
  return /^\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

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

const userPath = (userId: number | string) => encodeURIComponent(String(userId));

export function draw(userId: number | string, count: number): Promise<DrawResult> {
  return call<DrawResult>("/draw", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user_id: userId, count }),
  });
}

export function getHistories(userId: number | string, cursor?: string): Promise<HistoryPage> {
  const query = new URLSearchParams({ limit: String(HISTORY_PAGE_SIZE) });
  if (cursor) query.set("cursor", cursor);
  return call<HistoryPage>(`/histories/${userPath(userId)}?${query}`);
}

export function getInventory(userId: number | string): Promise<Inventory> {
  return call<Inventory>(`/inventories/${userPath(userId)}`);
}
