// A new user of the auth service at `authUrl` (a port-forward), signed up and signed in, as the
// page and the e2e suite do: what a draw through the gateway needs since every API route takes a token.
import { randomBytes } from "node:crypto";

export interface SignedIn {
  userId: number;
  /** The Authorization header's value. */
  bearer: string;
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
}

export async function signUpAndIn(authUrl: string): Promise<SignedIn> {
  const credentials = { username: `ct_${randomBytes(6).toString("hex")}`, password: randomBytes(12).toString("hex") };
  const registered = await post(`${authUrl}/auth/register`, credentials);
  if (registered.status !== 201)
    throw new Error(`sign-up at ${authUrl}: HTTP ${registered.status} ${await registered.text()}`);
  const login = await post(`${authUrl}/auth/login`, credentials);
  if (login.status !== 200) throw new Error(`sign-in at ${authUrl}: HTTP ${login.status} ${await login.text()}`);
  const { user_id: userId } = (await registered.json()) as { user_id: number };
  const { access_token: token } = (await login.json()) as { access_token: string };
  return { userId, bearer: `Bearer ${token}` };
}
