// Who is signed in: the access token and what the page reads from it. Kept in
// React state only (never localStorage or a cookie), so it is gone on reload or
// sign-out and no other script on the origin can read it back from storage.

export interface Session {
  token: string;
  /** The token's `sub`: the user id the gateway acts for. */
  userId: number;
  username: string;
}

/**
 * Reads `sub` from the token's payload. The page does not verify the
 * signature (the gateway does, on every call); it only needs to know which
 * user's history and inventory to ask for.
 */
export function sessionFromToken(token: string, username: string): Session {
  const payload = token.split(".")[1];
  let sub: unknown;
  try {
    const base64 = payload!.replace(/-/g, "+").replace(/_/g, "/");
    sub = (JSON.parse(atob(base64)) as { sub?: unknown }).sub;
  } catch {
    throw new Error("The sign-in answer was not a token");
  }
  const userId = typeof sub === "string" && /^[1-9][0-9]*$/.test(sub) ? Number(sub) : NaN;
  if (!Number.isSafeInteger(userId)) throw new Error("The token does not name a user");
  return { token, userId, username };
}
