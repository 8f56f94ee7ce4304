import { z } from "zod";
import { parseBody } from "@gacha/runtime";

export const USERNAME_MESSAGE = "username must be 3 to 32 characters of a-z, 0-9, _, . and -";
export const PASSWORD_MESSAGE = "password must be 12 to 128 characters";

const username = z.string({ error: USERNAME_MESSAGE }).regex(/^[a-z0-9_.-]{3,32}$/, { error: USERNAME_MESSAGE });
// Characters, not UTF-16 units: an emoji counts once.
const password = z
  .string({ error: PASSWORD_MESSAGE })
  .refine((p) => [...p].length >= 12 && [...p].length <= 128, { error: PASSWORD_MESSAGE });
const credentials = z.strictObject({ username, password });

export interface Credentials {
  username: string;
  password: string;
}

/** Validates a register or login body (already JSON-parsed). */
export function parseCredentials(body: unknown): Credentials {
  return parseBody(credentials, body);
}
