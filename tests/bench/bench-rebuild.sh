#!/bin/bash
# Benchmark: reprove rebuild's own overhead on a trivial recipe (total wall clock minus the
# build commands' wall clock, per build; target <= 50 ms), and the same tiny project through
# reprotest (Debian package, installed here if missing) for comparison.
set -u
cd "$(dirname "$0")/../.." || exit 5
: "${O:=build}"
RP=$PWD/$O/reprove
N=${BENCH_REBUILD_N:-5}
corpus=$PWD/tests/bench/corpus/rebuild
proj=$corpus/proj

if [ ! -x "$RP" ]; then
	echo "bench-rebuild: build $RP first (make)" >&2
	exit 4
fi
if [ ! -d "$proj/.git" ]; then
	rm -rf "$proj" && mkdir -p "$proj" && cd "$proj" || exit 4
	git init -q && git config user.email bench@example.com && git config user.name bench
	printf 'all:\n\tmkdir -p dist\n\techo hello > dist/out.txt\n' >Makefile
	echo '{"build": ["make", "-s"], "artifacts": ["dist/out.txt"], "timeout": 60}' >reprove.json
	git add -A && git -c commit.gpgsign=false commit -qm bench
	cd - >/dev/null || exit 4
fi
if ! command -v reprotest >/dev/null 2>&1; then
	echo "bench-rebuild: installing reprotest (apt-get)"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends reprotest; } >/dev/null 2>&1 ||
		echo "bench-rebuild: reprotest could not be installed; reprove only" >&2
fi

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# One reprove configuration: prints "total_per_build overhead_per_build" medians in ms.
run_reprove() {
	local t=() o=() i json
	json=$(mktemp)
	for ((i = 0; i < N; i++)); do
		(cd "$proj" && "$RP" rebuild -q "$@" --json "$json" >/dev/null) || {
			echo "bench-rebuild: reprove rebuild failed" >&2
			rm -f "$json"
			return 1
		}
		python3 - "$json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
n = len(r["runs"])
print("%.3f %.3f" % (1000 * r["seconds"] / n, 1000 * r["overhead_seconds"] / n))
PY
	done >"$json.all"
	printf '%s %s\n' "$(cut -d' ' -f1 "$json.all" | median)" "$(cut -d' ' -f2 "$json.all" | median)"
	rm -f "$json" "$json.all"
}

read -r none_total none_over < <(run_reprove --vary none) || exit 1
read -r all_total all_over < <(run_reprove) || exit 1
printf 'rebuild (trivial recipe, median of %d):\n' "$N"
printf '  reprove --vary none (2 builds):      %7.1f ms/build total, overhead %6.1f ms/build\n' \
	"$none_total" "$none_over"
printf '  reprove all variations (3 builds):   %7.1f ms/build total, overhead %6.1f ms/build\n' \
	"$all_total" "$all_over"
verdict=PASS
awk -v a="$none_over" -v b="$all_over" 'BEGIN { exit !(a <= 50 && b <= 50) }' || verdict=FAIL
printf '  overhead target <= 50 ms/build:      %s\n' "$verdict"

if command -v reprotest >/dev/null 2>&1; then
	# reprotest's variations that need extra set-up here (sudo users, disorderfs, faketime,
	# a UTS namespace helper, setarch) are turned off; it still runs its two builds.
	times=()
	for ((i = 0; i < N; i++)); do
		s=$(now)
		(cd "$proj" && reprotest --no-diffoscope \
			--vary=-user_group,-fileordering,-domain_host,-time,-kernel \
			-c 'make -s' . 'dist/out.txt' >/dev/null 2>&1) || {
			echo "bench-rebuild: reprotest failed" >&2
			break
		}
		e=$(now)
		times+=("$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", (e - s) * 1000 / 2 }')")
	done
	if [ "${#times[@]}" -eq "$N" ]; then
		rt=$(printf '%s\n' "${times[@]}" | median)
		printf '  reprotest (2 builds):                %7.1f ms/build total\n' "$rt"
		awk -v r="$rt" -v p="$all_total" \
			'BEGIN { printf "  ratio reprotest / reprove per build: %.1fx\n", r / p }'
	fi
fi
