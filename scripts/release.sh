#!/usr/bin/env bash
# Builds the release binary: one static Linux amd64 executable, with
# librdkafka's musl build linked in (confluent-kafka-go's -tags musl), so it
# runs on any Linux machine with nothing installed, no Go and no libc.
# Stamped with its version: VERSION, else `git describe`, else the commit.
#   bash scripts/release.sh            # dist/pitchkafka-linux-amd64
#   VERSION=v1.2.0 bash scripts/release.sh
# Needs musl-gcc (Debian: apt-get install musl-tools).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v musl-gcc >/dev/null || { echo "musl-gcc not found: apt-get install musl-tools" >&2; exit 1; }
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
out=${OUT:-dist/pitchkafka-linux-amd64}
mkdir -p "$(dirname "$out")"

CC=musl-gcc CGO_ENABLED=1 GOOS=linux GOARCH=amd64 go build -trimpath -buildvcs=false -tags musl \
  -ldflags "-s -w -X main.release=$version -linkmode external -extldflags -static" -o "$out" .
echo "$out: pitchkafka $version, $(du -h "$out" | cut -f1)" >&2
