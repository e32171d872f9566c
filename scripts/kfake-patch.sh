#!/usr/bin/env bash
# Rebuilds embedded/kfake: upstream kfake at VERSION (default: the one
# embedded/kfake/README.md names) with the fixes in
# embedded/kfake/pitchkafka.patch applied. Run it to move to a newer
# upstream or after changing the patch; drop a hunk once upstream carries it.
set -euo pipefail
cd "$(dirname "$0")/.."

mod=github.com/twmb/franz-go/pkg/kfake
dst=embedded/kfake
version=${1:-$(grep -o 'v0\.0\.0-[0-9]*-[0-9a-f]*' "$dst/README.md" | head -1)}
src=$(GOFLAGS=-mod=mod go mod download -json "$mod@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || { echo "could not download $mod@$version" >&2; exit 1; }

keep=$(mktemp -d)
cp "$dst/README.md" "$dst/pitchkafka.patch" "$keep/"
rm -rf "$dst"
mkdir -p "$dst"
# The library only: its tests need kfake's own test dependencies, and
# main.go is a command (//go:build none).
for f in "$src"/*.go "$src"/LICENSE; do
  case "$f" in *_test.go | */main.go) continue ;; esac
  cp "$f" "$dst/"
done
chmod -R u+w "$dst"
cp "$keep/README.md" "$keep/pitchkafka.patch" "$dst/"
rm -rf "$keep"
git apply --directory="$dst" "$dst/pitchkafka.patch"
if [ "$version" != "$(grep -o 'v0\.0\.0-[0-9]*-[0-9a-f]*' "$dst/README.md" | head -1)" ]; then
  echo "now update the upstream version in $dst/README.md to $version" >&2
fi
go mod tidy
echo "$dst: $mod@$version with $dst/pitchkafka.patch"
