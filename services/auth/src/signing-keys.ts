import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { calculateJwkThumbprint, exportJWK, type JWK } from "jose";

/** The asymmetric algorithms the service signs with, named by the key's type: P-256 → ES256, Ed25519 → EdDSA. */
export type SigningAlg = "ES256" | "EdDSA";

export interface SigningKey {
  alg: SigningAlg;
  /** RFC 7638 thumbprint of the public key: stable for a key, different for the next one. */
  kid: string;
  privateKey: KeyObject;
}

export interface KeyRing {
  /** Signs every new token. */
  current: SigningKey;
  /** The public keys of the JWKS: the current key and, during a rotation, the previous one. */
  jwks: { keys: JWK[] };
}

function algOf(key: KeyObject): SigningAlg {
  if (key.asymmetricKeyType === "ed25519") return "EdDSA";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return "ES256";
  const curve = key.asymmetricKeyDetails?.namedCurve;
  throw new Error(
    `signing key must be an EC P-256 (ES256) or Ed25519 (EdDSA) key, got ${key.asymmetricKeyType}${curve ? ` ${curve}` : ""}`,
  );
}

async function publicJwk(publicKey: KeyObject, alg: SigningAlg): Promise<JWK> {
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg, use: "sig" };
}

/** A PEM private key (PKCS#8 or SEC1), as the Secret holds it. */
export async function parseSigningKey(pem: string, what: string): Promise<SigningKey> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error(`${what} is not a PEM private key`);
  }
  const alg = algOf(privateKey);
  const { kid } = await publicJwk(createPublicKey(privateKey), alg);
  return { alg, kid: kid!, privateKey };
}

/**
 * The key ring from PEM text: the current private key, and the previous key
 * (its private or public PEM) while tokens it signed may still be alive.
 * Rotation: make the current key the previous one, put a new current key in
 * the Secret, restart; after the token lifetime drop the previous key.
 */
export async function createKeyRing(currentPem: string, previousPem?: string): Promise<KeyRing> {
  const current = await parseSigningKey(currentPem, "the signing key");
  const keys = [await publicJwk(createPublicKey(current.privateKey), current.alg)];
  if (previousPem) {
    let previous: KeyObject;
    try {
      previous = createPublicKey(previousPem);
    } catch {
      throw new Error("the previous signing key is not a PEM key");
    }
    const jwk = await publicJwk(previous, algOf(previous));
    if (jwk.kid !== current.kid) keys.push(jwk);
  }
  return { current, jwks: { keys } };
}

/** Reads the key files named by the configuration (a mounted Secret in Kubernetes). */
export async function loadKeyRing(currentFile: string, previousFile?: string): Promise<KeyRing> {
  const read = async (file: string, what: string) => {
    try {
      return await readFile(file, "utf8");
    } catch (err) {
      throw new Error(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
        cause: err,
      });
    }
  };
  const current = await read(currentFile, "AUTH_SIGNING_KEY_FILE");
  const previous = previousFile ? await read(previousFile, "AUTH_PREVIOUS_SIGNING_KEY_FILE") : undefined;
  return createKeyRing(current, previous);
}
