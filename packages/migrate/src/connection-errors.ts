/**
 * What a failed connection attempt says about the database:
 * - "not-up-yet": nothing (or nothing ready) answers at host:port; waiting helps.
 * - "login-refused": a server answered and refused this user or database. With
 *   the official mysql/mariadb images that is a real misconfiguration: their
 *   entrypoint creates users and databases on a temporary server started with
 *   --skip-networking (docker-library/mysql docker-entrypoint.sh,
 *   docker_temp_server_start), so a remote client sees ECONNREFUSED during init,
 *   never "access denied". Databases provisioned another way can lag a few
 *   seconds behind the server, so the caller gives this a short grace only.
 * - "fatal": anything else (TLS, protocol, bad settings); waiting cannot help.
 */
export type ConnectionFailure = "not-up-yet" | "login-refused" | "fatal";

// Node socket/DNS error codes.
const NOT_UP_CODES = new Set([
  "ECONNREFUSED", // the pod runs but mysqld does not listen yet (or no endpoint behind a ClusterIP)
  "ENOTFOUND", // a headless Service (the dev MySQL) has no DNS record until its pod is ready
  "EAI_AGAIN", // DNS itself not answering yet
  "ECONNRESET", // closed during the handshake (server restarting, proxy without backend)
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH", // pod network not ready, or the pod IP just went away
  "ENETUNREACH",
]);

const NOT_UP_ERRNOS = new Set([
  45009, // mariadb driver: socket closed unexpectedly during the handshake
  45012, // mariadb driver: connect timeout
  45026, // mariadb driver: socket timeout
  1040, // ER_CON_COUNT_ERROR: too many connections
  1053, // ER_SERVER_SHUTDOWN: the server is stopping (restart in progress)
  1203, // ER_TOO_MANY_USER_CONNECTIONS
  3032, // ER_SERVER_OFFLINE_MODE: the server is in offline (maintenance) mode
]);

const LOGIN_REFUSED_ERRNOS = new Set([
  1044, // ER_DBACCESS_DENIED_ERROR: the user may not use this database
  1045, // ER_ACCESS_DENIED_ERROR: wrong user or password
  1049, // ER_BAD_DB_ERROR: unknown database
  1130, // ER_HOST_NOT_PRIVILEGED: no such user for this client's host
  1698, // ER_ACCESS_DENIED_NO_PASSWORD_ERROR (MariaDB: unknown user)
]);

export function classifyConnectionError(err: unknown): ConnectionFailure {
  const { code, errno } = (err ?? {}) as { code?: unknown; errno?: unknown };
  if (typeof code === "string" && NOT_UP_CODES.has(code)) return "not-up-yet";
  if (typeof errno === "number" && NOT_UP_ERRNOS.has(errno)) return "not-up-yet";
  if (typeof errno === "number" && LOGIN_REFUSED_ERRNOS.has(errno)) return "login-refused";
  return "fatal";
}

/** "CODE: message" without the driver's "(conn:-1, no: 45012, SQLState: 08S01)" prefix. */
export function describeConnectionError(err: unknown): string {
  const e = (err ?? {}) as { code?: unknown; sqlMessage?: unknown; message?: unknown };
  const text = String(e.sqlMessage ?? e.message ?? err);
  return typeof e.code === "string" && !text.includes(e.code) ? `${e.code}: ${text}` : text;
}
