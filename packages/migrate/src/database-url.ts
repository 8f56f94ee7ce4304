import type { ConnectionConfig } from "mariadb";

/** Connection settings for the mariadb driver from a mysql:// URL. */
export function parseDatabaseUrl(url: string): ConnectionConfig & { database: string } {
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
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username) || "root",
    password: decodeURIComponent(u.password) || undefined,
    database,
  };
}
