import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { createKeyRing } from "../src/signing-keys";
import { issueAccessToken } from "../src/tokens";
import { newPrivateKeyPem } from "./support";

const settings = { issuer: "gacha-auth", audience: "gacha-api", ttlSeconds: 900 };

describe("access tokens", () => {
  it("when a token is issued, then it carries sub, iss, aud, iat, exp (15 min), jti and the key's kid, signed ES256", async () => {
    const keys = await createKeyRing(await newPrivateKeyPem("ES256"));
    const now = new Date("2026-12-03T12:00:00Z");
    const issued = await issueAccessToken(42n, keys.current, settings, now);
    expect(issued).toMatchObject({ token_type: "Bearer", expires_in: 900 });

    const header = decodeProtectedHeader(issued.access_token);
    expect(header).toEqual({ alg: "ES256", kid: keys.current.kid, typ: "JWT" });
    const { payload } = await jwtVerify(issued.access_token, createLocalJWKSet(keys.jwks), {
      issuer: "gacha-auth",
      audience: "gacha-api",
      algorithms: ["ES256"],
      currentDate: new Date("2026-12-03T12:01:00Z"),
    });
    const iat = now.getTime() / 1000;
    expect(payload).toEqual({
      sub: "42",
      iss: "gacha-auth",
      aud: "gacha-api",
      iat,
      exp: iat + 900,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it("when two tokens are issued, then their jti differ", async () => {
    const keys = await createKeyRing(await newPrivateKeyPem());
    const [a, b] = await Promise.all([1, 2].map(() => issueAccessToken(1n, keys.current, settings)));
    const jti = (t: string) => JSON.parse(Buffer.from(t.split(".")[1]!, "base64url").toString()).jti;
    expect(jti(a!.access_token)).not.toEqual(jti(b!.access_token));
  });

  it("when the key is Ed25519, then tokens are EdDSA", async () => {
    const keys = await createKeyRing(await newPrivateKeyPem("EdDSA"));
    const issued = await issueAccessToken(7n, keys.current, settings);
    expect(decodeProtectedHeader(issued.access_token).alg).toBe("EdDSA");
    await expect(jwtVerify(issued.access_token, createLocalJWKSet(keys.jwks))).resolves.toBeTruthy();
  });

  it("when the key is RSA or not a key, then the ring refuses it with a clear message", async () => {
    await expect(createKeyRing(await newPrivateKeyPem("RS256"))).rejects.toThrow(/EC P-256 \(ES256\) or Ed25519/);
    await expect(createKeyRing("not a pem")).rejects.toThrow(/not a PEM private key/);
  });

  it("when keys rotate, then the JWKS has both public keys (no private parts) and the old tokens still verify", async () => {
    const oldPem = await newPrivateKeyPem();
    const before = await createKeyRing(oldPem);
    const oldToken = (await issueAccessToken(5n, before.current, settings)).access_token;

    const after = await createKeyRing(await newPrivateKeyPem(), oldPem);
    expect(after.jwks.keys.map((k) => k.kid)).toEqual([after.current.kid, before.current.kid]);
    expect(after.current.kid).not.toEqual(before.current.kid);
    for (const key of after.jwks.keys) expect(key).not.toHaveProperty("d");

    const jwks = createLocalJWKSet(after.jwks);
    await expect(jwtVerify(oldToken, jwks)).resolves.toBeTruthy();
    const newToken = (await issueAccessToken(5n, after.current, settings)).access_token;
    await expect(jwtVerify(newToken, jwks)).resolves.toBeTruthy();
    // without the previous key in the set, the old token's kid is unknown
    await expect(jwtVerify(oldToken, createLocalJWKSet({ keys: [after.jwks.keys[0]!] }))).rejects.toThrow(
      /no applicable key/i,
    );
  });
});
