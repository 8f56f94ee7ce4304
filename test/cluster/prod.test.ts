// `skaffold run -p prod` on a real cluster, as docs/kubernetes.md tells an
// operator: a Secret with each database URL and one with the auth service's signing
// key, created first, the databases external. Here the external database is this machine's MariaDB,
// reached from the pods through a TCP forward on the node's address (the
// cluster tier's stand-in for a managed database's host name). No MySQL in the
// namespace. Draws work through the gateway; the containers run read-only as
// non-root; the HPA, PDB, Ingress and NetworkPolicy objects are accepted.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { createConnection } from "mariadb";
import { signUpAndIn } from "./support/auth";
import { createNamespace, deleteNamespace, deploymentsAvailable, portForward } from "./support/cluster";
import { eventually, kubectl, kubectlJson, kubectlOk, skaffold } from "./support/run";

// where pods reach this machine: the node's address (scripts/cluster/up.sh), or GACHA_CLUSTER_HOST_IP
const NODE_IP = process.env.GACHA_CLUSTER_HOST_IP ?? "10.254.0.1";
const ADMIN_URL = new URL(process.env.TEST_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/test");

let ns: string;
let forward: net.Server;
const sockets = new Set<net.Socket>(); // the pods' pooled connections: closed with the forward
let dbPort = 0;
const suffix = randomBytes(3).toString("hex");
const DB_SERVICES = ["gacha", "item", "auth"] as const;
const dbs = Object.fromEntries(DB_SERVICES.map((s) => [s, `ct_${s}_${suffix}`])) as Record<
  (typeof DB_SERVICES)[number],
  string
>;
const users = dbs;
const passwords = Object.fromEntries(DB_SERVICES.map((s) => [s, randomBytes(12).toString("hex")])) as typeof dbs;

async function admin<T>(fn: (c: Awaited<ReturnType<typeof createConnection>>) => Promise<T>): Promise<T> {
  const c = await createConnection({
    host: ADMIN_URL.hostname,
    port: Number(ADMIN_URL.port || 3306),
    user: decodeURIComponent(ADMIN_URL.username),
    password: decodeURIComponent(ADMIN_URL.password),
    connectTimeout: 5_000,
  });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  // the operator's part: a database and a user per service, rights on its own database only
  await admin(async (c) => {
    for (const svc of DB_SERVICES) {
      await c.query(`CREATE DATABASE \`${dbs[svc]}\``);
      await c.query(`CREATE USER '${users[svc]}'@'%' IDENTIFIED BY '${passwords[svc]}'`);
      await c.query(`GRANT ALL ON \`${dbs[svc]}\`.* TO '${users[svc]}'@'%'`);
    }
  });
  // the "external" database host: a TCP forward from the node's address to the MariaDB
  forward = net.createServer((client) => {
    const upstream = net.connect(Number(ADMIN_URL.port || 3306), ADMIN_URL.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on("error", end);
    upstream.on("error", end);
  });
  await new Promise<void>((r) => forward.listen(0, NODE_IP, r));
  dbPort = (forward.address() as net.AddressInfo).port;

  ns = await createNamespace("prod");
  for (const svc of DB_SERVICES) {
    // README: kubectl create secret generic <svc>-database --from-literal=url='mysql://...'
    await kubectlOk([
      "-n",
      ns,
      "create",
      "secret",
      "generic",
      `${svc}-database`,
      `--from-literal=url=mysql://${users[svc]}:${passwords[svc]}@${NODE_IP}:${dbPort}/${dbs[svc]}`,
    ]);
  }
  // docs/authentication.md: a P-256 key (openssl genpkey ... ec_paramgen_curve:P-256), then
  // kubectl create secret generic auth-signing-key --from-file=current.pem=signing-key.pem
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "gacha-ct-key-"));
  try {
    const keyFile = path.join(keyDir, "signing-key.pem");
    fs.writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    await kubectlOk([
      "-n",
      ns,
      "create",
      "secret",
      "generic",
      "auth-signing-key",
      `--from-file=current.pem=${keyFile}`,
    ]);
  } finally {
    fs.rmSync(keyDir, { recursive: true, force: true });
  }
}, 120_000);

afterAll(async () => {
  if (ns) await deleteNamespace(ns);
  forward?.close();
  for (const s of sockets) s.destroy();
  await admin(async (c) => {
    for (const svc of DB_SERVICES) {
      await c.query(`DROP DATABASE IF EXISTS \`${dbs[svc]}\``);
      await c.query(`DROP USER IF EXISTS '${users[svc]}'@'%'`);
    }
  }).catch(() => undefined);
}, 120_000);

it("when `skaffold run -p prod` deploys with the operator's Secrets, then it exits 0 and gateway, gacha, item, auth and web are Available with no MySQL in the namespace", async () => {
  const r = await skaffold(["run", "-p", "prod", "-n", ns, "--status-check=true"], { timeoutMs: 20 * 60_000 });
  if (r.code !== 0) throw new Error(`skaffold run -p prod exited ${r.code}:\n${(r.stdout + r.stderr).slice(-6000)}`);
  // right after the deploy the HPAs raise gacha, gateway, item and auth from 1 to minReplicas (2): each is
  // Available again once its second pod is Ready
  await eventually(
    async () => {
      expect(await deploymentsAvailable(ns)).toEqual({
        auth: "True",
        gacha: "True",
        gateway: "True",
        item: "True",
        web: "True",
      });
    },
    180_000,
    2_000,
  );
  expect((await kubectlOk(["-n", ns, "get", "statefulsets,pvc", "-o", "name"])).trim()).toBe("");
});

it("then the migrations are applied in the external databases, and a user who signs up and in draws through the gateway, recorded there", async () => {
  for (const svc of DB_SERVICES) {
    const applied = await admin((c) =>
      c.query(`SELECT COUNT(*) AS n FROM \`${dbs[svc]}\`._prisma_migrations WHERE finished_at IS NOT NULL`),
    );
    expect({ svc, applied: Number(applied[0].n) > 0 }).toEqual({ svc, applied: true });
  }
  const pf = await portForward(ns, "svc/gateway", 8080);
  const auth = await portForward(ns, "svc/auth", 8081);
  try {
    const { userId, bearer } = await signUpAndIn(auth.url);
    const draw = (headers: Record<string, string>) =>
      fetch(`${pf.url}/draw`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ count: 3 }),
        signal: AbortSignal.timeout(15_000),
      });
    expect((await draw({})).status).toBe(401);
    const res = await draw({ authorization: bearer });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { draw_id: string; items: unknown[] };
    expect(body.items).toHaveLength(3);
    const rows = await admin((c) =>
      c.query(`SELECT COUNT(*) AS n FROM \`${dbs.gacha}\`.histories WHERE user_id = ?`, [userId]),
    );
    expect(Number(rows[0].n)).toBe(3);
  } finally {
    await Promise.all([pf.close(), auth.close()]);
  }
});

it("when a prod container is asked, then it runs as uid 65532 and cannot write to its root filesystem", async () => {
  for (const deploy of ["gateway", "gacha", "item", "auth"]) {
    // distroless: no shell, so ask the container's own node
    const r = await kubectl(
      [
        "-n",
        ns,
        "exec",
        `deploy/${deploy}`,
        "-c",
        deploy,
        "--",
        "/nodejs/bin/node",
        "-e",
        "let w; try { require('fs').writeFileSync('/probe', 'x'); w = 'writable'; } catch (e) { w = e.code; } console.log(process.getuid(), w)",
      ],
      { timeoutMs: 30_000 },
    );
    expect({ deploy, out: r.stdout.trim() }).toEqual({ deploy, out: "65532 EROFS" });
  }
});

it("then the HPAs, PodDisruptionBudgets, Ingress and NetworkPolicies were accepted by the API server", async () => {
  const names = async (kind: string) =>
    ((await kubectlJson(["-n", ns, "get", kind])).items as { metadata: { name: string } }[])
      .map((o) => o.metadata.name)
      .sort();
  expect(await names("hpa")).toEqual(["auth", "gacha", "gateway", "item"]);
  expect(await names("pdb")).toEqual(["auth", "gacha", "gateway", "item"]);
  expect((await names("ingress")).length).toBe(1);
  expect((await names("networkpolicy")).length).toBeGreaterThanOrEqual(4);
});
