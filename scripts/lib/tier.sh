# Sourced by the scripts that run one test tier (test-containers.sh, test-web.sh,
# e2e-web.sh). A tier whose tool is missing here must not pass as if it had run:
#   tier_unavailable <tier> <requested> <why>
# fails (exit 1) when the tier was asked for explicitly (<requested> is 1, from the
# tier's own variable) or the run is CI (CI=true, as GitHub Actions sets it);
# otherwise it prints one line saying what did not run, and why, and exits 0.
tier_unavailable() {
  local tier="$1" requested="$2" why="$3"
  if [ "$requested" = 1 ] || [ "${CI:-}" = true ]; then
    echo "FAILED: $tier was requested$([ "$requested" = 1 ] || echo " (CI=true)") but cannot run: $why" >&2
    exit 1
  fi
  echo "SKIPPED: $tier did not run: $why"
  exit 0
}
