#!/usr/bin/env bash
# The web page's tests (services/web): component tests (Vitest + Testing Library
# in jsdom, fetch faked) and the prod static server's tests.
# Vitest 5 and jsdom 31 need a newer Node than the services (CI runs Node 24):
# on a Node outside their engine ranges this prints why and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! node -e '
  const semver = require("semver");
  const bad = ["vitest", "jsdom"].filter((p) => !semver.satisfies(process.version, require(p + "/package.json").engines.node));
  if (bad.length) { console.log(`web component tests skipped: ${bad.join(" and ")} do not support Node ${process.version} (need Node 24, as CI uses)`); process.exit(1); }
'; then
  exit 0
fi
npm run --silent test -w services/web -- "$@"
