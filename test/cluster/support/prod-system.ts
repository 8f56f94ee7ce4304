// The prod overlay as docs/kubernetes.md tells an operator to deploy it: a
// database and a user per service on an external server, a Secret with each
// database URL and one with the auth service's signing key, then
// `skaffold run -p prod`. Here the external server is this machine's MariaDB
// (TEST_DATABASE_URL), reached from the pods through a TCP forward on the node's
// address: the cluster tier's stand-in for a managed database's host name.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createConnection, type Connection } from "mariadb";
import { createNamespace, deleteNamespace } from "./cluster";
import { kubectlOk, skaffold } from "./run";

// where pods reach this machine: the node's address (scripts/cluster/up.sh), or GACHA_CLUSTER_HOST_IP
const NODE_IP = process.env.GACHA_CLUSTER_HOST_IP ?? "10.254.0.1";
const ADMIN_URL = new URL(process.env.TEST_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/test");

export const DB_SERVICES = ["gacha", "item", "auth"] as const;
export type DbService = (typeof DB_SERVICES)[number];

export interface ProdSystem {
  ns: string;
  /** the database of each service on the external server */
  dbs: Record<DbService, string>;
  /** where the pods reach that server (the node's forward to it) */
  dbAddress: { host: string; port: number };
  /** runs fn on an admin connection to the external server */
  admin<T>(fn: (c: Connection) => Promise<T>): Promise<T>;
  /** `skaffold run -p prod` into the namespace; throws with its output unless it exits 0 */
  deploy(): Promise<void>;
  remove(): Promise<void>;
}

async function admin<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
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

/** `kubectl create secret generic <name> <from>` in the namespace, as the docs tell the operator. */
const createSecret = (ns: string, name: string, from: string) =>
  kubectlOk(["-n", ns, "create", "secret", "generic", name, from]);

/** The operator's part: databases, users, the forward and a namespace with the four Secrets. */
export async function prepareProd(prefix: string): Promise<ProdSystem> {
  const suffix = randomBytes(3).toString("hex");
  const dbs = Object.fromEntries(DB_SERVICES.map((s) => [s, `ct_${s}_${suffix}`])) as Record<DbService, string>;
  const users = dbs;
  const passwords = Object.fromEntries(DB_SERVICES.map((s) => [s, randomBytes(12).toString("hex")])) as typeof dbs;
  await admin(async (c) => {
    for (const svc of DB_SERVICES) {
      await c.query(`CREATE DATABASE \`${dbs[svc]}\``);
      await c.query(`CREATE USER '${users[svc]}'@'%' IDENTIFIED BY '${passwords[svc]}'`);
      await c.query(`GRANT ALL ON \`${dbs[svc]}\`.* TO '${users[svc]}'@'%'`);
    }
  });
  const sockets = new Set<net.Socket>(); // the pods' pooled connections: closed with the forward
  const forward = net.createServer((client) => {
    const upstream = net.connect(Number(ADMIN_URL.port || 3306), ADMIN_URL.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on("error", end);
    upstream.on("error", end);
  });
  // MySQL's port: the prod NetworkPolicies let the services reach their database on 3306 only,
  // and the cluster enforces them (kube-router), as a user's CNI would.
  const dbPort = Number(process.env.GACHA_CLUSTER_DB_PORT ?? 3306);
  await new Promise<void>((resolve, reject) => {
    forward.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new Error(
              `the external database's forward cannot listen on ${NODE_IP}:${dbPort} (in use): another prod test still running, or your own MySQL there; set GACHA_CLUSTER_DB_PORT`,
            )
          : err,
      ),
    );
    forward.listen(dbPort, NODE_IP, () => resolve());
  });

  const ns = await createNamespace(prefix);
  for (const svc of DB_SERVICES) {
    // README: kubectl create secret generic <svc>-database --from-literal=url='mysql://...'
    await createSecret(
      ns,
      `${svc}-database`,
      `--from-literal=url=mysql://${users[svc]}:${passwords[svc]}@${NODE_IP}:${dbPort}/${dbs[svc]}`,
    );
  }
  // docs/authentication.md: a P-256 key (openssl genpkey ... ec_paramgen_curve:P-256), then
  // kubectl create secret generic auth-signing-key --from-file=current.pem=signing-key.pem
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "gacha-ct-key-"));
  try {
    const keyFile = path.join(keyDir, "signing-key.pem");
    fs.writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    await createSecret(ns, "auth-signing-key", `--from-file=current.pem=${keyFile}`);
  } finally {
    fs.rmSync(keyDir, { recursive: true, force: true });
  }

  return {
    ns,
    dbs,
    dbAddress: { host: NODE_IP, port: dbPort },
    admin,
    async deploy() {
      const r = await skaffold(["run", "-p", "prod", "-n", ns, "--status-check=true"], { timeoutMs: 20 * 60_000 });
      if (r.code !== 0)
        throw new Error(`skaffold run -p prod exited ${r.code}:\n${(r.stdout + r.stderr).slice(-6000)}`);
    },
    async remove() {
      await deleteNamespace(ns);
      forward.close();
      for (const s of sockets) s.destroy();
      await admin(async (c) => {
        for (const svc of DB_SERVICES) {
          await c.query(`DROP DATABASE IF EXISTS \`${dbs[svc]}\``);
          await c.query(`DROP USER IF EXISTS '${users[svc]}'@'%'`);
        }
      }).catch(() => undefined);
    },
  };
}
