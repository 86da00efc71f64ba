# End-to-end test library: sourced by every tests/e2e/tNNNN-*.sh.
# Each script runs in its own scratch directory ($TEST_DIR) and ends with test_done, which
# prints "# N passed, N failed, N skipped" for tests/run.sh to sum.
#
#   test_expect_success 'title' 'commands'   commands (an && chain) must exit 0
#   test_expect_failure ...                   (not provided: write test_must_fail instead)
#   test_must_fail CMD...                      CMD must exit non-zero and not die by a signal
#   test_expect_code N CMD...                  CMD must exit exactly N
#   test_cmp EXPECTED ACTUAL                   files must be equal (diff -u shown otherwise)
#   test_have CMD                              true if CMD is on PATH (for prerequisites)
#   test_skip 'title' 'why'                    record a skipped test
#   reprove ...                                the binary under test ($EXEC_PREFIX prepended)

set -u
RP_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${O:=build}"
case "$O" in /*) RP_BUILD=$O ;; *) RP_BUILD=$RP_ROOT/$O ;; esac
RP_BIN=$RP_BUILD/reprove
EXEC_PREFIX=${EXEC_PREFIX:-}
TESTDATA=$RP_ROOT/testdata
VECTORS=$TESTDATA/vectors
export RP_ROOT RP_BIN TESTDATA
# A sanitizer build must not be slowed down by leak reports from the peer tools we drive.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LC_ALL=C.UTF-8 TZ=UTC

test_name=$(basename "$0" .sh)
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rp-$test_name.XXXXXX")
cd "$TEST_DIR" || exit 1
rp_passed=0
rp_failed=0
rp_skipped=0
rp_n=0

rp_cleanup() {
	if [ "${RP_KEEP:-}" = 1 ] || [ "$rp_failed" -gt 0 -a "${RP_KEEP_FAILED:-}" = 1 ]; then
		echo "# kept $TEST_DIR"
	else
		cd / && rm -rf "$TEST_DIR"
	fi
}
trap rp_cleanup EXIT

# `reprove` is a real executable on PATH (not a function), so timeout, xargs and
# subshells run the binary under test too.
mkdir -p "$TEST_DIR/.bin"
cat >"$TEST_DIR/.bin/reprove" <<RP_EOF
#!/bin/sh
exec $EXEC_PREFIX "$RP_BIN" "\$@"
RP_EOF
chmod +x "$TEST_DIR/.bin/reprove"
PATH=$TEST_DIR/.bin:$PATH
export PATH

say() { printf '%s\n' "$*"; }

test_expect_success() {
	rp_n=$((rp_n + 1))
	title=$1
	body=$2
	out=$TEST_DIR/.out.$rp_n
	if ( cd "$TEST_DIR" && eval "$body" ) >"$out" 2>&1; then
		rp_passed=$((rp_passed + 1))
		say "ok $rp_n - $title"
	else
		rp_failed=$((rp_failed + 1))
		say "not ok $rp_n - $title"
		sed 's/^/#   /' "$out" | tail -n 40
		printf '#   body:%s\n' "$(printf '%s' "$body" | sed 's/^/#     /')"
	fi
}

test_skip() {
	rp_n=$((rp_n + 1))
	rp_skipped=$((rp_skipped + 1))
	say "ok $rp_n - $1 # skip $2"
}

test_must_fail() {
	"$@"
	code=$?
	if [ $code -eq 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	elif [ $code -gt 128 ]; then
		echo "test_must_fail: command died by signal $((code - 128)): $*" >&2
		return 1
	elif [ $code -eq 126 ] || [ $code -eq 127 ]; then
		echo "test_must_fail: command not found: $*" >&2
		return 1
	fi
	return 0
}

test_expect_code() {
	want=$1
	shift
	"$@"
	code=$?
	if [ $code -ne "$want" ]; then
		echo "test_expect_code: exit $code, want $want: $*" >&2
		return 1
	fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2"
}

test_have() {
	command -v "$1" >/dev/null 2>&1
}

# One line on stderr, starting "reprove: ": the error contract.
test_one_error_line() {
	[ "$(wc -l <"$1")" -ge 1 ] && head -n 1 "$1" | grep -q '^reprove: ' || {
		echo "expected a 'reprove: ' error line in $1, got:" >&2
		cat "$1" >&2
		return 1
	}
}

test_done() {
	say "# $rp_passed passed, $rp_failed failed, $rp_skipped skipped"
	[ "$rp_failed" -eq 0 ]
	exit $?
}
