import mariadb, { type ConnectionConfig, type Pool } from "mariadb";

export type DatabaseConnection = Pick<
  ConnectionConfig,
  "host" | "port" | "user" | "password" | "ssl" | "allowPublicKeyRetrieval"
> & { database: string };

// URL parameters understood, named as in Prisma's MySQL connection URLs where
// Prisma has one. Anything else is refused rather than silently ignored.
const PARAMS: Record<string, (value: string, into: DatabaseConnection) => void> = {
  // TLS to an external database: strict verifies the server certificate.
  sslaccept: (v, into) => {
    if (v !== "strict" && v !== "accept_invalid_certs")
      throw new Error("sslaccept must be strict or accept_invalid_certs");
    into.ssl = { rejectUnauthorized: v === "strict" };
  },
  ssl: (v, into) => {
    if (v !== "true" && v !== "false") throw new Error("ssl must be true or false");
    if (v === "true") into.ssl = into.ssl ?? { rejectUnauthorized: true };
  },
  // MySQL 8's caching_sha2_password over plain TCP needs the server's RSA key.
  allowPublicKeyRetrieval: (v, into) => {
    if (v !== "true" && v !== "false") throw new Error("allowPublicKeyRetrieval must be true or false");
    into.allowPublicKeyRetrieval = v === "true";
  },
};

/** Connection settings for the mariadb driver from a mysql:// URL. */
export function parseDatabaseUrl(url: string): DatabaseConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error("database URL is not a valid URL (expected mysql://user:password@host:3306/database)");
  }
  if (u.protocol !== "mysql:" && u.protocol !== "mariadb:") {
    throw new Error(`database URL must start with mysql:// (got ${u.protocol}//)`);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_]{1,64}$/.test(database)) {
    throw new Error("database URL must name a database of letters, digits and underscores");
  }
  const config: DatabaseConnection = {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username) || "root",
    password: decodeURIComponent(u.password) || undefined,
    database,
  };
  for (const [name, value] of u.searchParams) {
    const apply = PARAMS[name];
    if (!apply) {
      throw new Error(`database URL parameter ${name} is not supported (supported: ${Object.keys(PARAMS).join(", ")})`);
    }
    apply(value, config);
  }
  return config;
}

/**
 * Driver pool settings every service uses with Prisma's MariaDB adapter: an
 * explicit pool size, and connect/acquire timeouts below the gateway's 3 s
 * deadline, so an unreachable database fails a call with UNAVAILABLE (HTTP 503)
 * rather than a deadline (504). The acquire timeout is also how long a call may
 * queue for a connection under load: 1 s gave 503s to a burst of 200 draws on
 * a pool of 10 (2-core machine), 2 s gives none.
 */
export function databasePoolConfig(url: string, connectionLimit: number) {
  return {
    ...parseDatabaseUrl(url),
    connectionLimit,
    // Open connections as calls need them and return them after a minute idle, instead of the
    // driver's default of holding connectionLimit open from the start. A database's connection
    // budget (max_connections, 151 by default in MySQL and MariaDB) is shared by every replica the
    // HPAs may run, and in a rollout also by the old pods still serving their preStop sleep: with
    // 10 held per pod, restarting gacha, item and the gateway together filled it, and new pods got
    // no connection ("Too many connections", test/cluster/rollouts.test.ts; docs/kubernetes.md).
    minimumIdle: 1,
    idleTimeout: 60,
    connectTimeout: 2_000,
    acquireTimeout: 2_000,
    // Prisma reads and writes DATETIME as UTC; NOW(3) and the CURRENT_TIMESTAMP
    // defaults must agree with it whatever the server's time zone is.
    initSql: "SET time_zone = '+00:00'",
    // Prisma's adapter defaults this to 0, which costs a PREPARE and a CLOSE
    // round trip around every statement (docs/benchmarks.md); its SQL shapes
    // are few, so a bounded per-connection cache holds them all.
    prepareCacheLength: 256,
  };
}

/**
 * The pool to hand to PrismaMariaDb (with `disposeExternalPool: true`),
 * created with this package's mariadb (>= 3.5) rather than the 3.4.5 that
 * @prisma/adapter-mariadb pins: 3.4.5 leaves a rejected promise unhandled
 * when a new connection fails during its init query (the database drops
 * mid-handshake), and exitOnFatal turns that into a crash of the service.
 */
export function createDatabasePool(url: string, connectionLimit: number): Pool {
  return mariadb.createPool(databasePoolConfig(url, connectionLimit));
}
