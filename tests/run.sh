#!/bin/sh
# Runs the whole suite against $O (default build): unit programs, end-to-end scripts and
# fuzz-corpus replay. Prints each failure, then "N passed, N failed, N skipped" last.
# Usage: tests/run.sh [PATTERN]   (PATTERN selects e2e scripts / unit programs by name)
set -u
cd "$(dirname "$0")/.." || exit 5
: "${O:=build}"
export O
pat=${1:-}
passed=0 failed=0 skipped=0
failures=""
log=$(mktemp -d "${TMPDIR:-/tmp}/rp-run.XXXXXX")
trap 'rm -rf "$log"' EXIT
E2E_TIMEOUT=${E2E_TIMEOUT:-900}

tally() { # name, logfile, exit code
	line=$(grep -E '^# [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$2" | tail -n 1)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		failures="$failures $1(no-summary,exit=$3)"
		echo "FAIL $1: no summary line (exit $3)"
		tail -n 30 "$2" | sed 's/^/    /'
		return
	fi
	set -- "$1" "$2" "$3" $(echo "$line" | tr -dc '0-9 ' )
	p=$4 f=$5 s=$6
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" -gt 0 ] || [ "$3" -ne 0 ]; then
		[ "$f" -gt 0 ] || { failed=$((failed + 1)); }
		failures="$failures $1"
		echo "FAIL $1"
		grep -E '^(not ok|#  )' "$2" | head -n 80 | sed 's/^/    /'
	else
		echo "ok   $1 ($p passed, $s skipped)"
	fi
}

for u in "$O"/tests/unit/u_*; do
	[ -x "$u" ] || continue
	n=$(basename "$u")
	case "$n" in *"$pat"*) ;; *) continue ;; esac
	"$u" >"$log/$n" 2>&1
	tally "unit/$n" "$log/$n" $?
done

for t in tests/e2e/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	case "$n" in *"$pat"*) ;; *) continue ;; esac
	timeout -k 10 "$E2E_TIMEOUT" sh "$t" >"$log/$n" 2>&1
	tally "e2e/$n" "$log/$n" $?
done

for r in "$O"/tests/fuzz/replay_*; do
	[ -x "$r" ] || continue
	n=${r##*/replay_}
	case "fuzz-$n" in *"$pat"*) ;; *) continue ;; esac
	if [ -d "tests/fuzz/corpus/$n" ]; then
		if timeout 300 "$r" "tests/fuzz/corpus/$n" >"$log/fz-$n" 2>&1; then
			passed=$((passed + 1)); echo "ok   fuzz-replay/$n ($(tail -n 1 "$log/fz-$n"))"
		else
			failed=$((failed + 1)); failures="$failures fuzz-replay/$n"
			echo "FAIL fuzz-replay/$n"; tail -n 30 "$log/fz-$n" | sed 's/^/    /'
		fi
	else
		failed=$((failed + 1)); failures="$failures fuzz-replay/$n(no-corpus)"
		echo "FAIL fuzz-replay/$n: no corpus at tests/fuzz/corpus/$n"
	fi
done

[ -z "$failures" ] || echo "failed:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
