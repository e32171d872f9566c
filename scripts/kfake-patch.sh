#!/usr/bin/env bash
# Rebuilds third_party/kfake: the pinned upstream kfake (the version go.mod
# requires) with the fixes in third_party/kfake.patch applied, which go.mod's
# replace directive then builds instead. Run it after changing either; drop
# the copy, the patch and the replace once upstream carries the fixes.
set -euo pipefail
cd "$(dirname "$0")/.."

mod=github.com/twmb/franz-go/pkg/kfake
version=$(go mod edit -json | jq -r --arg m "$mod" '.Require[] | select(.Path == $m) | .Version')
src=$(GOFLAGS=-mod=mod go mod download -json "$mod@$version" | jq -r .Dir)
dst=third_party/kfake

rm -rf "$dst"
mkdir -p "$dst"
# The library only: its tests need kfake's own test dependencies.
for f in "$src"/*.go "$src"/go.mod "$src"/go.sum "$src"/LICENSE; do
  case "$f" in *_test.go) continue ;; esac
  cp "$f" "$dst/"
done
chmod -R u+w "$dst"
git apply --directory="$dst" third_party/kfake.patch
echo "$dst: $mod@$version with third_party/kfake.patch"
