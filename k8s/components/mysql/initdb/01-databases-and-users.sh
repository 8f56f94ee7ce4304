#!/bin/bash
# Sourced by the mysql image's entrypoint on the FIRST start only (empty data
# directory), so docker_process_sql and mysql_note are available. Creates the
# three service databases (gacha, item, auth) and one user per service, with rights on its own
# database only. Passwords come from the Secret mysql-credentials (env).
#
# The users authenticate with mysql_native_password (enabled in the StatefulSet
# with --mysql-native-password=ON): MySQL 8.4's default caching_sha2_password
# needs TLS or RSA key retrieval on the first login, which the services' mariadb
# driver settings (host/port/user/password/database only) do not enable.
# No `set` here: this file is sourced, and the entrypoint already runs with -eo pipefail.

: "${GACHA_DB_PASSWORD:?GACHA_DB_PASSWORD is required}"
: "${ITEM_DB_PASSWORD:?ITEM_DB_PASSWORD is required}"
: "${AUTH_DB_PASSWORD:?AUTH_DB_PASSWORD is required}"

sql_string() { printf "%s" "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/''/g"; }

mysql_note "creating databases gacha, item, auth and their users"
docker_process_sql --database=mysql <<SQL
CREATE DATABASE IF NOT EXISTS \`gacha\` CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;
CREATE DATABASE IF NOT EXISTS \`item\` CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;
CREATE DATABASE IF NOT EXISTS \`auth\` CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;
CREATE USER IF NOT EXISTS 'gacha'@'%' IDENTIFIED WITH mysql_native_password BY '$(sql_string "$GACHA_DB_PASSWORD")';
CREATE USER IF NOT EXISTS 'item'@'%' IDENTIFIED WITH mysql_native_password BY '$(sql_string "$ITEM_DB_PASSWORD")';
CREATE USER IF NOT EXISTS 'auth'@'%' IDENTIFIED WITH mysql_native_password BY '$(sql_string "$AUTH_DB_PASSWORD")';
GRANT ALL PRIVILEGES ON \`gacha\`.* TO 'gacha'@'%';
GRANT ALL PRIVILEGES ON \`item\`.* TO 'item'@'%';
GRANT ALL PRIVILEGES ON \`auth\`.* TO 'auth'@'%';
FLUSH PRIVILEGES;
SQL
