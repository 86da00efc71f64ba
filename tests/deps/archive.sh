#!/bin/sh
# Fetch the real Debian packages the archive tests use (apt-get download) into the
# git-ignored tests/cache/archive/. Idempotent and instant when already done; when the
# archive mirror is unreachable it warns and exits 0, and the tests that need them skip.
set -u
cd "$(dirname "$0")/../.." || exit 4
dir=tests/cache/archive
mkdir -p "$dir" || exit 4
need=""
for p in coreutils libcommons-cli-java; do
	ls "$dir/${p}_"*.deb >/dev/null 2>&1 || need="$need $p"
done
[ -z "$need" ] && exit 0
# apt's sandbox user cannot write into a root-owned worktree; download as root there
( cd "$dir" && apt-get download -o APT::Sandbox::User=root $need ) >/dev/null 2>&1 || {
	apt-get update -qq >/dev/null 2>&1
	( cd "$dir" && apt-get download -o APT::Sandbox::User=root $need ) >/dev/null 2>&1 || {
		echo "tests/deps/archive.sh: warning: apt-get download$need failed; archive tests will skip" >&2
		exit 0
	}
}
exit 0
