#!/bin/sh
# The release build that `reprove gate` runs (three times, in clean sandboxes) for
# .github/workflows/release.yml, through the recipe .github/reprove.json: the reprove binary,
# built with source paths mapped away so the build directory does not leak into it.
set -eu
make -s -j2 CFLAGS="-O2 -g -ffile-prefix-map=$PWD=." build/reprove
mkdir -p dist
cp build/reprove "dist/reprove-$(uname -m)-linux"
