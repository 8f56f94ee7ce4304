#!/bin/bash
# Entrypoint of the MariaDB stand-in (see Containerfile). Mimics the official
# mysql image: first start on an empty datadir -> install, run the init scripts
# against a socket-only server, set the root password; then serve on :3306.
set -eo pipefail
DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock

mysql_note() { echo "[Note] [Entrypoint]: $*"; }

# The init script is written for MySQL 8.4. Two constructs MariaDB 10.11 lacks
# are translated here (and only here): the 0900 collation and
# `IDENTIFIED WITH mysql_native_password BY` (MariaDB's native plugin is the default).
docker_process_sql() {
  sed -e 's/utf8mb4_0900_ai_ci/utf8mb4_unicode_ci/g' \
      -e 's/IDENTIFIED WITH mysql_native_password BY/IDENTIFIED BY/g' \
    | mariadb --no-defaults --protocol=socket --socket="$SOCKET" -uroot "$@"
}

# MySQL-only server options from the StatefulSet's args are dropped.
args=()
for a in "$@"; do
  case "$a" in
    --mysql-native-password=*) mysql_note "ignoring MySQL-only option $a" ;;
    *) args+=("$a") ;;
  esac
done

if [ ! -d "$DATADIR/mysql" ]; then
  # As the mysql image: a root password, or MYSQL_ALLOW_EMPTY_PASSWORD (compose.yaml's db).
  if [ -z "${MYSQL_ROOT_PASSWORD:-}" ] && [ -z "${MYSQL_ALLOW_EMPTY_PASSWORD:-}" ]; then
    echo "[ERROR] [Entrypoint]: set MYSQL_ROOT_PASSWORD or MYSQL_ALLOW_EMPTY_PASSWORD" >&2
    exit 1
  fi
  mysql_note "initialising $DATADIR"
  mariadb-install-db --no-defaults --datadir="$DATADIR" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve >/dev/null
  mariadbd --no-defaults --datadir="$DATADIR" --socket="$SOCKET" --skip-networking --skip-log-bin &
  pid=$!
  for _ in $(seq 1 150); do
    mariadb-admin --no-defaults --socket="$SOCKET" -uroot ping --silent 2>/dev/null && break
    sleep 0.1
  done
  # MYSQL_DATABASE, MYSQL_USER and MYSQL_PASSWORD as the mysql image does (Testcontainers sets them)
  sql_quote() { printf "%s" "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/''/g"; }
  if [ -n "${MYSQL_DATABASE:-}" ]; then
    docker_process_sql <<<"CREATE DATABASE IF NOT EXISTS \`${MYSQL_DATABASE}\`;"
  fi
  if [ -n "${MYSQL_USER:-}" ] && [ -n "${MYSQL_PASSWORD:-}" ]; then
    docker_process_sql <<<"CREATE USER '$(sql_quote "$MYSQL_USER")'@'%' IDENTIFIED BY '$(sql_quote "$MYSQL_PASSWORD")';"
    if [ -n "${MYSQL_DATABASE:-}" ]; then
      docker_process_sql <<<"GRANT ALL ON \`${MYSQL_DATABASE}\`.* TO '$(sql_quote "$MYSQL_USER")'@'%';"
    fi
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) mysql_note "sourcing $f"; . "$f" ;;
      *.sql) mysql_note "running $f"; docker_process_sql <"$f" ;;
    esac
  done
  root_pw=$(sql_quote "${MYSQL_ROOT_PASSWORD:-}")
  docker_process_sql --database=mysql <<SQL
CREATE USER 'root'@'%' IDENTIFIED BY '${root_pw}';
GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;
ALTER USER 'root'@'localhost' IDENTIFIED BY '${root_pw}';
-- as in the mysql image: root@localhost and root@'%' only (mariadb-install-db also makes
-- password-less root@127.0.0.1, ::1 and @<hostname>, which would win over root@'%' for TCP from 127.0.0.1)
DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'$(hostname)';
SQL
  kill "$pid"; wait "$pid" || true
  mysql_note "init done"
fi
# Stand-in only, for the cluster tier's cold-first-deploy test: accept connections this many
# seconds late, as a real MySQL does while it initialises a large data directory.
if [ -n "${MYSQL_STANDIN_START_DELAY_SECONDS:-}" ]; then
  mysql_note "stand-in: accepting connections in ${MYSQL_STANDIN_START_DELAY_SECONDS}s"
  sleep "$MYSQL_STANDIN_START_DELAY_SECONDS"
fi
exec mariadbd --no-defaults --datadir="$DATADIR" --socket="$SOCKET" --port=3306 --bind-address=0.0.0.0 \
  --skip-log-bin "${args[@]}"
