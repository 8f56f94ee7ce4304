#!/usr/bin/env bash
# This machine only (no registry is reachable): tags the container tier's MariaDB stand-in
# (test/container/mariadb, built on the offline Debian base of base-images.sh) as mysql:8.4 and
# compose.yaml's pinned mysql:8.4.<patch>,
# so compose.yaml's db and Testcontainers' MySqlContainer find "their" image locally. It is a
# stand-in: MariaDB 10.11 following the mysql image's entrypoint contract (MYSQL_ROOT_PASSWORD,
# MYSQL_ALLOW_EMPTY_PASSWORD, MYSQL_DATABASE, MYSQL_USER/MYSQL_PASSWORD, initdb.d), not MySQL 8.4.
# Never run it where the real image can be pulled: it would shadow it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=podman-env.sh
source scripts/containers/podman-env.sh
podman image exists localhost/gacha/debian:bookworm-minbase || bash scripts/containers/base-images.sh >/dev/null
podman build --pull=never --network host --layers -q -t localhost/gacha/mysql-stand-in:8.4 test/container/mariadb >/dev/null
podman tag localhost/gacha/mysql-stand-in:8.4 docker.io/library/mysql:8.4
# and as the patch release compose.yaml pins (read from it, so the two cannot drift)
pinned="$(awk '$1 == "image:" && $2 ~ /^mysql:/ { print $2; exit }' compose.yaml)"
[ "$pinned" = mysql:8.4 ] || podman tag localhost/gacha/mysql-stand-in:8.4 "docker.io/library/$pinned"
echo "mysql-stand-in: docker.io/library/mysql:8.4 is the MariaDB stand-in $(podman image inspect --format '{{.Id}}' docker.io/library/mysql:8.4 | cut -c1-12)"
