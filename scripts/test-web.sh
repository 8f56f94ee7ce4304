#!/usr/bin/env bash
# The web page's tests (services/web): component tests (Vitest + Testing Library
# in jsdom, fetch faked) and the prod static server's tests.
# Vitest 5 and jsdom 31 need a newer Node than the services (CI runs Node 24):
# on a Node outside their engine ranges this fails when the web tier was asked for
# (GACHA_WEB_TIER=1, or CI=true), and otherwise prints what did not run and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/tier.sh
source scripts/lib/tier.sh

if ! why="$(node -e '
  const semver = require("semver");
  const bad = ["vitest", "jsdom"].filter((p) => !semver.satisfies(process.version, require(p + "/package.json").engines.node));
  if (bad.length) { console.log(`${bad.join(" and ")} do not support Node ${process.version} (need Node 24, as CI uses)`); process.exit(1); }
')"; then
  tier_unavailable "the web component tests" "${GACHA_WEB_TIER:-0}" "$why"
fi
npm run --silent test -w services/web -- "$@"
