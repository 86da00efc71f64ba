#!/bin/sh
# Installs @sigstore/verify (and @sigstore/bundle it brings) into the git-ignored
# tests/node_modules/ for the Sigstore bundle interop test (t5100). Idempotent: does nothing
# when the pinned version is already there. Skipped quietly when npm is missing.
set -eu
cd "$(dirname "$0")/.."
VERSION=4.1.3
if [ -f node_modules/@sigstore/verify/package.json ] &&
   grep -q "\"version\": \"$VERSION\"" node_modules/@sigstore/verify/package.json; then
	exit 0
fi
# Node may come from Debian or be preinstalled from elsewhere (whose nodejs conflicts with
# Debian's npm), so install Debian's only when there is no npm at all.
if ! command -v npm >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null ||
		{ echo "attest.sh: cannot install npm" >&2; exit 4; }
fi
npm install --silent --no-audit --no-fund --no-save --prefix . "@sigstore/verify@$VERSION" >/dev/null 2>&1 || {
	echo "attest.sh: npm install @sigstore/verify failed" >&2
	exit 4
}
