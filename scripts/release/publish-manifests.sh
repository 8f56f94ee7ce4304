#!/usr/bin/env bash
# Commits a hydrated render (skaffold render -p prod, .github/workflows/release.yml)
# as the single file prod.yaml on the deploy branch that Argo CD syncs
# (k8s/argocd/application.yaml), and pushes it to origin.
#
#   scripts/release/publish-manifests.sh <rendered.yaml> <branch> <release name>
#
# A branch of its own, not a folder on main: a release commit never lands on
# main (no bot commits in the history developers work on, no CI run it would
# trigger), the branch's log is the deploy history (one commit per release,
# revert = roll back), and Argo CD reads one small file.
#
# Refuses a render with an image that is not pinned by digest (a tag can be
# moved; a digest cannot). Runs in a clone of the repository; the caller sets
# the commit identity (GIT_AUTHOR_* / GIT_COMMITTER_*).
set -euo pipefail

rendered="${1:?usage: publish-manifests.sh <rendered.yaml> <branch> <release name>}"
branch="${2:?branch}"
release="${3:?release name}"

images="$(grep -E '^\s*(- )?image:' "$rendered" | sed -E 's/^\s*(- )?image:\s*//; s/^"//; s/"$//' | sort -u)"
if [ -z "$images" ]; then
  echo "publish-manifests: ${rendered} has no image" >&2
  exit 1
fi
unpinned="$(grep -Ev '@sha256:[0-9a-f]{64}$' <<<"$images" || true)"
if [ -n "$unpinned" ]; then
  echo "publish-manifests: not pinned by digest, refusing to publish:" >&2
  echo "$unpinned" >&2
  exit 1
fi

work="$(mktemp -d)"
cleanup() {
  git worktree remove --force "$work" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if git ls-remote --exit-code --heads origin "$branch" >/dev/null; then
  git fetch --no-tags --depth=1 origin "refs/heads/${branch}"
  git worktree add --detach "$work" FETCH_HEAD
else
  # the first release: an orphan branch, none of main's files
  git worktree add --detach "$work"
  git -C "$work" checkout --quiet --orphan "publish-$$"
  git -C "$work" rm -rfq .
fi

cp "$rendered" "$work/prod.yaml"
cat >"$work/README.md" <<EOF
# ${branch}

Written by .github/workflows/release.yml, one commit per release: \`prod.yaml\` is
k8s/overlays/prod rendered by \`skaffold render\` with every image pinned by digest.
Argo CD syncs it (k8s/argocd/application.yaml on the main branch). Do not edit by hand:
roll back by reverting a commit here, or re-run the release of an earlier tag.

Release: ${release}
EOF
git -C "$work" add prod.yaml README.md
if git -C "$work" diff --cached --quiet; then
  echo "publish-manifests: ${branch} already has this render; nothing to push"
  exit 0
fi
git -C "$work" commit --quiet -m "Release ${release}: hydrated prod manifests" \
  -m "$(printf 'Images:\n%s' "$images")"
git -C "$work" push --quiet origin "HEAD:refs/heads/${branch}"
echo "publish-manifests: pushed ${release} to ${branch} ($(git -C "$work" rev-parse --short HEAD))"
