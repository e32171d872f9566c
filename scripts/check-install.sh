#!/usr/bin/env bash
# Checks that `go install github.com/pitchkafka/pitchkafka@VERSION` works
# for this commit, as it will for a user once the commit is tagged: the
# module is served from a file proxy (the module zip of `git archive HEAD`),
# and go install builds it in module mode, outside this checkout, where a
# replace directive in go.mod would be refused.
set -euo pipefail
cd "$(dirname "$0")/.."

mod=github.com/pitchkafka/pitchkafka
version=v0.0.0-$(git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S HEAD)-$(git rev-parse --short=12 HEAD)
work=$(mktemp -d)
cache=$(go env GOMODCACHE)
trap 'chmod -R u+w "$work"; rm -rf "$work" "$cache/cache/download/$mod" "$cache/$mod@$version"' EXIT
proxy=$work/proxy/$mod/@v
mkdir -p "$proxy" "$work/src"

git archive HEAD | tar -x -C "$work/src"
cp go.mod "$proxy/$version.mod"
printf '{"Version":"%s","Time":"%s"}\n' "$version" "$(git log -1 --format=%cI HEAD)" >"$proxy/$version.info"
(cd "$work/src" && python3 - "$mod@$version" "$proxy/$version.zip" <<'PY'
import os, sys, zipfile
prefix, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk("."):
        # a folder with a go.mod of its own is another module, as in a real module zip
        dirs[:] = [d for d in dirs if not os.path.exists(os.path.join(root, d, "go.mod"))]
        for f in files:
            path = os.path.normpath(os.path.join(root, f))
            z.write(path, prefix + "/" + path)
PY
)
echo "$version" >"$work/proxy/$mod/@v/list"

real_proxy=$(go env GOPROXY)
GOFLAGS= GOPROXY="file://$work/proxy,$real_proxy" GONOSUMDB=$mod GONOSUMCHECK=1 GOFLAGS=-mod=mod \
  GOBIN="$work/bin" go install "$mod@$version"
"$work/bin/pitchkafka" version
echo "go install $mod@$version: ok"
