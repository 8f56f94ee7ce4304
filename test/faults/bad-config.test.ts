// README, Configuration: a service started with a bad environment variable
// exits non-zero with one line naming that variable, before it listens or
// connects to anything. Each service runs as the process it is in a pod.
import { spawnService } from "./support";

jest.setTimeout(60_000);

const CASES: { service: string; name: string; value: string; secret?: string }[] = [
  { service: "item", name: "ITEM_GRPC_PORT", value: "70000" },
  { service: "item", name: "ITEM_DATABASE_URL", value: "postgres://item:s3cret-pw@db:5432/item", secret: "s3cret-pw" },
  { service: "gacha", name: "RELAY_INTERVAL_MS", value: "soon" },
  { service: "gacha", name: "GACHA_DB_POOL_SIZE", value: "0" },
  { service: "gateway", name: "GRPC_DEADLINE_MS", value: "-5" },
  { service: "gateway", name: "GACHA_SERVICE_ADDR", value: "no port here" },
  { service: "gateway", name: "AUTH_JWKS_URL", value: "ftp://auth/keys" },
  { service: "auth", name: "AUTH_PORT", value: "70000" },
  { service: "auth", name: "AUTH_DATABASE_URL", value: "postgres://auth:s3cret-pw@db:5432/auth", secret: "s3cret-pw" },
];

it.each(CASES)(
  "when $service starts with $name=$value, then it exits 1 with one line naming $name, and no stack trace",
  async ({ service, name, value, secret }) => {
    const p = spawnService(`services/${service}/src/main.ts`, {
      // everything else valid (defaults), nothing reachable needed: it must stop before connecting
      LOG_FORMAT: "json",
      [name]: value,
    });
    const code = await Promise.race([p.exited, new Promise((resolve) => setTimeout(resolve, 30_000, "running"))]);
    if (code === "running") p.child.kill("SIGKILL");
    const lines = p.output().trim().split("\n");
    expect(code).toBe(1);
    expect(lines.filter((l) => l.includes(name))).toEqual([expect.stringMatching(new RegExp(`^\\s*${name}: \\S`))]);
    expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
    expect(p.output()).not.toMatch(/listening/);
    if (secret) expect(p.output()).not.toContain(secret);
  },
);
