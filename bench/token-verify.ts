// CPU per token verification in the gateway's verifier (ES256, keys cached after the first
// fetch), measured as this process's CPU time over many verifications: unlike draws/s,
// it does not move with the load of a shared machine.
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import { createKeyRing } from "../services/auth/src/signing-keys";
import { issueAccessToken } from "../services/auth/src/tokens";
import { createTokenVerifier } from "../services/gateway/src/auth/token-verifier";

const N = Number(process.env.BENCH_VERIFICATIONS ?? 5_000);

async function main(): Promise<void> {
  const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" });
  const keys = await createKeyRing(String(pem));
  const server = createServer((_req, res) => res.end(JSON.stringify(keys.jwks)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const settings = { issuer: "gacha-auth", audience: "gacha-api", ttlSeconds: 900 };
    const tokens = await Promise.all(
      Array.from({ length: 100 }, (_, i) => issueAccessToken(BigInt(i + 1), keys.current, settings)),
    );
    const verifier = createTokenVerifier({
      jwksUrl: new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`),
      issuer: settings.issuer,
      audience: settings.audience,
      algorithm: "ES256",
      timeoutMs: 2_000,
      clockToleranceSeconds: 30,
    });
    for (const t of tokens) await verifier.verify(t.access_token); // first fetch + JIT warm-up
    const cpu = process.cpuUsage();
    const wall = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await verifier.verify(tokens[i % tokens.length]!.access_token);
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const wallMs = Number(process.hrtime.bigint() - wall) / 1e6;
    console.log(
      `${N} ES256 verifications: ${((cpuMs / N) * 1000).toFixed(0)} µs CPU each (wall ${((wallMs / N) * 1000).toFixed(0)} µs)`,
    );
  } finally {
    server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
