import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { SigningKey } from "./signing-keys";

export interface TokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface IssuedToken {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
}

/**
 * An access token for one user: sub is the user id (the API's user_id, as a
 * string, as RFC 7519 wants), jti a fresh UUID so each token can be told apart
 * in logs, kid in the header so verifiers pick the right key during a rotation.
 */
export async function issueAccessToken(
  userId: bigint,
  key: SigningKey,
  settings: TokenSettings,
  now: Date = new Date(),
): Promise<IssuedToken> {
  const iat = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
    .setSubject(userId.toString())
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + settings.ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { access_token: token, token_type: "Bearer", expires_in: settings.ttlSeconds };
}
