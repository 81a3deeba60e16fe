#!/bin/sh
# Builds the plugins from source into plugins/dist (Go's own WASI target; no module outside the
# standard library). Go caches the work, so a second run takes a second or two.
set -eu
cd "$(dirname "$0")"
mkdir -p dist
for plugin in example hostile; do
  GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -ldflags='-s -w' -o "dist/$plugin.wasm" "./$plugin"
done
