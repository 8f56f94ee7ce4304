#!/usr/bin/env bash
# Makes sure a MariaDB server answers on 127.0.0.1:3306 with a user that may
# create databases (the tests create and drop their own). Installs it from
# Debian if absent, starts it if stopped. With --print-env, prints the
# environment to use: root without password when that works over TCP (as on
# this project's machines), otherwise a local CI-only user it creates.
set -euo pipefail
ci_server="mysql://gacha_ci:gacha_ci@127.0.0.1:3306"

root_tcp() { mariadb -uroot -h127.0.0.1 -P3306 --connect-timeout=2 -e 'SELECT 1' >/dev/null 2>&1; }

if [[ "${1:-}" == "--print-env" ]]; then
  if root_tcp; then
    echo "export TEST_DATABASE_URL=mysql://root@127.0.0.1:3306/test"
  else
    echo "export TEST_DATABASE_URL=$ci_server/test GACHA_DATABASE_URL=$ci_server/gacha ITEM_DATABASE_URL=$ci_server/item AUTH_DATABASE_URL=$ci_server/auth"
  fi
  exit 0
fi

if ! command -v mariadbd >/dev/null 2>&1; then
  echo "installing mariadb-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq mariadb-server >/dev/null
fi
ping_any() { mariadb-admin -uroot -h127.0.0.1 ping >/dev/null 2>&1 || mariadb-admin -uroot ping >/dev/null 2>&1; }
if ! ping_any; then
  echo "starting mariadbd"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  # --user: mariadbd refuses to run as root, and a fresh Debian install's my.cnf
  # does not name the mysql user (it relies on systemd, which these machines lack).
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 60); do ping_any && break; sleep 0.5; done
fi
ping_any || { echo "MariaDB did not start" >&2; exit 1; }
if ! root_tcp; then
  # A stock Debian install lets root in through the unix socket only.
  mariadb -uroot -e "CREATE USER IF NOT EXISTS 'gacha_ci'@'127.0.0.1' IDENTIFIED BY 'gacha_ci';
    GRANT ALL PRIVILEGES ON *.* TO 'gacha_ci'@'127.0.0.1' WITH GRANT OPTION;"
fi
echo "MariaDB is up: $(mariadb -uroot -h127.0.0.1 -N -e 'SELECT VERSION()' 2>/dev/null || mariadb -uroot -N -e 'SELECT VERSION()')"
