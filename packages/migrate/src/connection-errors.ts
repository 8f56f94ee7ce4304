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
 * - "secure-login-required": a MySQL 8 server asked for a password exchange
 *   this connection cannot do (no TLS, no RSA key retrieval). The driver never
 *   learns whether the user and password are right, and no retry changes it:
 *   the URL has to.
 * - "fatal": anything else (TLS, protocol, bad settings); waiting cannot help.
 */
export type ConnectionFailure = "not-up-yet" | "login-refused" | "secure-login-required" | "fatal";

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

// The mariadb driver's own errors when the server's authentication method needs
// a secure channel the connection does not have (lib/misc/errors.js in mariadb).
// MySQL 8 asks caching_sha2_password's full exchange on a user's first login
// after a server start, for a wrong password, and for an unknown user (its
// decoy account picks caching_sha2_password, sha256_password or
// mysql_native_password at random: sql_authentication.cc, decoy_user). MariaDB
// answers 1045 instead.
const ADVICE_RSA_OR_TLS =
  "MySQL 8's caching_sha2_password / sha256_password need TLS or the server's RSA key for this login:" +
  " add ?sslaccept=strict (TLS; accept_invalid_certs for a self-signed server certificate)" +
  " or ?allowPublicKeyRetrieval=true to the database URL." +
  " MySQL 8 also asks for this when the user or password is wrong, so check them too";
const SECURE_LOGIN_ERRNOS = new Map<number, (driverMessage: string) => string>([
  // ER_CANNOT_RETRIEVE_RSA_KEY: the driver's text names its options, not URL parameters
  [45044, () => ADVICE_RSA_OR_TLS],
  // ER_CLEAR_PASSWORD_WITHOUT_SSL: "<plugin> authentication requires TLS or a local socket"
  [45064, (driverMessage) => `${driverMessage}: add ?sslaccept=strict to the database URL`],
]);

export function classifyConnectionError(err: unknown): ConnectionFailure {
  const { code, errno } = (err ?? {}) as { code?: unknown; errno?: unknown };
  if (typeof code === "string" && NOT_UP_CODES.has(code)) return "not-up-yet";
  if (typeof errno === "number" && NOT_UP_ERRNOS.has(errno)) return "not-up-yet";
  if (typeof errno === "number" && LOGIN_REFUSED_ERRNOS.has(errno)) return "login-refused";
  if (typeof errno === "number" && SECURE_LOGIN_ERRNOS.has(errno)) return "secure-login-required";
  return "fatal";
}

/**
 * "CODE: message" without the driver's "(conn:-1, no: 45012, SQLState: 08S01)"
 * prefix; for the secure-login errors, what to change in the URL instead of the
 * driver's advice, which names its own options rather than URL parameters.
 */
export function describeConnectionError(err: unknown): string {
  const e = (err ?? {}) as { code?: unknown; errno?: unknown; sqlMessage?: unknown; message?: unknown };
  const text = String(e.sqlMessage ?? e.message ?? err);
  const advice = typeof e.errno === "number" ? SECURE_LOGIN_ERRNOS.get(e.errno) : undefined;
  if (advice) return `${String(e.code)}: ${advice(text)}`;
  return typeof e.code === "string" && !text.includes(e.code) ? `${e.code}: ${text}` : text;
}
