#!/usr/bin/env bash
# Runs the system as `npm run dev` does (a database if none answers, migrations, then the four services
# under nodemon + tsx, and Vite), runs the e2e suites against its gateway and
# its web page (scripts/e2e-web.sh), then stops it. Both sign up and sign in first.
# This is the quick start, checked: CI runs it after `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-8080}"
base="http://127.0.0.1:${port}"
log="$(mktemp -t gacha-dev.XXXXXX.log)"

if curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; then
  echo "something already listens on $base; stop it first" >&2
  exit 1
fi
# Its own process group, so the whole tree (concurrently, nodemon, tsx) stops together.
LOG_FORMAT=json setsid node scripts/dev.js >"$log" 2>&1 &
dev_pid=$!
stop() {
  kill -TERM -- "-$dev_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$dev_pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$dev_pid" 2>/dev/null || true
}
trap stop EXIT

started=$(date +%s%N)
for _ in $(seq 1 120); do
  if curl -fsS -o /dev/null "$base/readyz" 2>/dev/null; then break; fi
  if ! kill -0 "$dev_pid" 2>/dev/null; then echo "npm run dev exited:" >&2; tail -50 "$log" >&2; exit 1; fi
  sleep 0.5
done
if ! curl -fsS -o /dev/null "$base/readyz"; then
  echo "the system did not become ready in 60 s; its log:" >&2; tail -80 "$log" >&2; exit 1
fi
# the auth service (sign-up and sign-in, the gateway's JWKS) starts beside the gateway
auth_base="http://127.0.0.1:${AUTH_PORT:-8081}"
for _ in $(seq 1 60); do curl -fsS -o /dev/null "$auth_base/readyz" 2>/dev/null && break; sleep 0.5; done
echo "ready after $(( ($(date +%s%N) - started) / 1000000 )) ms"
status=0
E2E_BASE_URL="$base" E2E_AUTH_URL="$auth_base" npx jest --config jest.e2e.config.js --ci || status=$?
# the web page in real Chromium through Vite's dev server, which npm run dev also starts
if [[ $status -eq 0 ]]; then WEB_BASE_URL="http://127.0.0.1:5173" bash scripts/e2e-web.sh || status=$?; fi
if [[ $status -ne 0 ]]; then echo "--- dev log (tail)"; tail -80 "$log"; fi
exit $status
