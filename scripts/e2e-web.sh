#!/usr/bin/env bash
# The web page end to end: real Chromium (Debian's `chromium` package, driven by
# playwright-core; no browser download) against a running `npm run dev`
# (Vite on WEB_BASE_URL, default http://127.0.0.1:5173, in front of the real
# services). Saves docs/images/web.png. scripts/e2e-local.sh runs it.
# When it cannot run here (Node without Vitest 5 support, or no Chromium: apt-get
# install chromium; CHROMIUM_PATH for another binary) it fails if the web tier was
# asked for (GACHA_WEB_TIER=1, or CI=true), and otherwise says what did not run and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/tier.sh
source scripts/lib/tier.sh
export WEB_BASE_URL="${WEB_BASE_URL:-http://127.0.0.1:5173}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

if ! why="$(node -e '
  const ok = require("semver").satisfies(process.version, require("vitest/package.json").engines.node);
  if (!ok) { console.log(`Vitest does not support Node ${process.version} (need Node 24, as CI uses)`); process.exit(1); }
')"; then
  tier_unavailable "the web e2e test" "${GACHA_WEB_TIER:-0}" "$why"
fi
if [[ ! -x "$CHROMIUM_PATH" ]]; then
  tier_unavailable "the web e2e test" "${GACHA_WEB_TIER:-0}" \
    "no Chromium at $CHROMIUM_PATH (apt-get install chromium, or set CHROMIUM_PATH)"
fi
for _ in $(seq 1 60); do curl -fsS -m 2 -o /dev/null "$WEB_BASE_URL/" 2>/dev/null && break; sleep 0.5; done
if ! curl -fsS -m 5 -o /dev/null "$WEB_BASE_URL/"; then
  echo "nothing serves the page at $WEB_BASE_URL after 30 s: start \`npm run dev\` first" >&2
  exit 1
fi
npm run --silent test:e2e -w services/web -- "$@"
