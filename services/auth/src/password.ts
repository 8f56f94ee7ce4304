import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Password hashing with scrypt (node:crypto, memory-hard, RFC 7914): no native
 * add-on to build for every platform the images and laptops run on.
 *
 * Parameters: N = 2^15, r = 8, p = 1, a 16-byte random salt and a 32-byte
 * key. Each hash then needs 128 * N * r = 32 MiB of memory and takes about
 * 50-100 ms of one core, which is what makes guessing expensive; these are the
 * "interactive login" parameters of the scrypt paper and OWASP's minimum
 * (N=2^17 with r=8 p=1 is OWASP's first choice; 2^15 keeps a login well under
 * the gateway's 3 s deadline on a 2-core dev machine with 4 hashes at once,
 * libuv's default thread pool).
 *
 * Stored as a PHC string, `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64, no
 * padding), so raising the parameters later leaves every existing hash
 * verifiable: verification reads them from the string.
 */
export interface ScryptParams {
  /** log2(N), the CPU/memory cost. */
  ln: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, params: ScryptParams, keyBytes: number): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** params.ln,
    r: params.r,
    p: params.p,
    // Node refuses anything above maxmem (32 MiB by default, exactly what N=2^15 r=8 needs, plus overhead).
    maxmem: 256 * 2 ** params.ln * params.r,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const b64 = (buf: Buffer) => buf.toString("base64").replace(/=+$/, "");

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params, KEY_BYTES);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

/** True when password matches the stored PHC string; a string this module did not write is an error, not a mismatch. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = PHC.exec(stored);
  if (!m) throw new Error("stored password hash is not a $scrypt$ PHC string");
  const [, ln, r, p, salt, hash] = m as unknown as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, "base64");
  const actual = await derive(
    password,
    Buffer.from(salt, "base64"),
    { ln: Number(ln), r: Number(r), p: Number(p) },
    expected.length,
  );
  return timingSafeEqual(actual, expected);
}
