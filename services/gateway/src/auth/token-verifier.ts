import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
} from "jose";
import { USER_ID } from "@gacha/runtime";

/** Asymmetric algorithms a verifier may be configured with; symmetric ones (HS*) and `none` never. */
export const TOKEN_ALGORITHMS = ["ES256", "ES384", "EdDSA", "RS256", "PS256"] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

export interface TokenVerifierOptions {
  jwksUrl: URL;
  issuer: string;
  audience: string;
  /** The one algorithm accepted; a token whose header names another is refused before any key is looked up. */
  algorithm: TokenAlgorithm;
  /** Deadline of one JWKS fetch. */
  timeoutMs: number;
  /** Tolerated clock difference for exp, nbf and iat (at most 30 s). */
  clockToleranceSeconds: number;
  /**
   * After a fetch, an unknown kid does not fetch again for this long (a forged kid
   * must not turn every request into a JWKS fetch): such a token is a 401 then. After a
   * failed fetch, the cached keys are used alone for this long, so an outage does not
   * put a fetch (and its deadline) in front of every request. Default 30 s.
   */
  refetchCooldownMs?: number;
}

/** The token is missing, malformed, expired, or not signed by a known key: 401. */
export class InvalidToken extends Error {
  override name = "InvalidToken";
}

/** The keys cannot be fetched and the cached ones do not include the token's kid: 503, the client may retry. */
export class KeysUnavailable extends Error {
  override name = "KeysUnavailable";
}

export interface TokenVerifier {
  /** The user id (the token's `sub`), or throws InvalidToken / KeysUnavailable. */
  verify(token: string): Promise<bigint>;
}

// Errors that say the token is bad, as opposed to the key source being unreachable.
const TOKEN_ERRORS = [
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JWTInvalid,
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
];
const isTokenError = (err: unknown) => TOKEN_ERRORS.some((E) => err instanceof E);

/**
 * Verifies access tokens against a JWKS URL: the auth service's, or an
 * external OpenID Connect issuer's. jose's remote JWK set caches the keys
 * (refetched after 10 minutes, or at once for an unknown kid, at most once
 * per cooldown) and fetches with a deadline. When a fetch fails, the keys fetched
 * before still verify the tokens they signed; only a token whose kid is not
 * among them gets KeysUnavailable (503), since it may be signed by a key we
 * cannot fetch right now.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const cooldownMs = options.refetchCooldownMs ?? 30_000;
  const remote = createRemoteJWKSet(options.jwksUrl, {
    timeoutDuration: options.timeoutMs,
    cooldownDuration: cooldownMs,
  });
  let fetchFailedAt = -Infinity;

  const cachedKey = (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    const cached = remote.jwks();
    if (!cached) throw new KeysUnavailable("the token signing keys cannot be fetched");
    return createLocalJWKSet(cached)(header, token).catch((err: unknown) => {
      if (err instanceof errors.JWKSNoMatchingKey)
        throw new KeysUnavailable("the token's key is not among the cached keys and the keys cannot be fetched");
      throw err;
    });
  };
  const getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (Date.now() - fetchFailedAt < cooldownMs) return cachedKey(header, token);
    try {
      return await remote(header, token);
    } catch (err) {
      if (isTokenError(err)) throw err;
      fetchFailedAt = Date.now();
      return cachedKey(header, token);
    }
  };

  return {
    async verify(token) {
      let sub: string | undefined;
      try {
        const { payload } = await jwtVerify(token, getKey, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: [options.algorithm],
          clockTolerance: options.clockToleranceSeconds,
          requiredClaims: ["exp", "sub"],
        });
        sub = payload.sub;
      } catch (err) {
        if (err instanceof KeysUnavailable) throw err;
        throw new InvalidToken(err instanceof Error ? err.message : "invalid token", { cause: err });
      }
      return userIdOf(sub);
    },
  };
}

/** `sub` is the API's user_id: a canonical decimal in the user id range. */
function userIdOf(sub: string | undefined): bigint {
  if (!sub || !/^[1-9][0-9]{0,15}$/.test(sub) || BigInt(sub) > BigInt(USER_ID.maxInJson)) {
    throw new InvalidToken("the token's subject is not a user id");
  }
  return BigInt(sub);
}
