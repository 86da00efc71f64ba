#!/bin/sh
# make demo: the main job on the embedded example release (testdata/example-release):
# publish SHA256SUMS with reprove, check it with coreutils and with reprove, then show that a
# tampered file is caught.
set -eu
cd "$(dirname "$0")/.."
: "${O:=build}"
R=$PWD/$O/reprove
work=$(mktemp -d "${TMPDIR:-/tmp}/reprove-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
step() { printf '\n==> %s\n' "$*"; }

cp -R testdata/example-release "$work/release"
cd "$work/release"
step "reprove hash . > SHA256SUMS      (io_uring-fed SHA-256, sha256sum's format)"
"$R" hash -v . >../SHA256SUMS
cat ../SHA256SUMS
step "sha256sum -c --strict accepts it"
sha256sum -c --strict ../SHA256SUMS
step "reprove check agrees"
"$R" check --strict ../SHA256SUMS
step "someone changes one byte of hello.txt..."
printf 'hello, reproducible worle\n' >hello.txt
set +e
"$R" check ../SHA256SUMS
rc=$?
set -e
if [ $rc -ne 1 ]; then
	echo "demo: expected exit 1 for the tampered file, got $rc" >&2
	exit 1
fi
step "tampering detected: reprove check exited 1 (a verdict, not an error)"
