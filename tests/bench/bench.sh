#!/bin/bash
# make bench: hashing throughput of reprove against the peer tools, as ratios from one run,
# on corpora generated here (tests/bench/corpus/, git-ignored). The page cache on these
# machines is reclaimed within ~40 s, so every timed run is preceded by a re-read of its input
# (hyperfine --prepare). Then every tests/bench/bench-*.sh adds its own section.
# Env: RUNS (default 5), BENCH_ONLY=hash|<name> to run one section, COLD=0 to skip cold runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${O:=build}"
R=$PWD/$O/reprove
RUNS=${RUNS:-5}
C=tests/bench/corpus
command -v hyperfine >/dev/null || { echo "bench: hyperfine missing (make test-deps)" >&2; exit 4; }

# median seconds of CMD, re-warming with PREP before each run
median() { # prep cmd
	local j
	j=$(mktemp)
	hyperfine -N --style none -w 1 -r "$RUNS" --prepare "$1" --export-json "$j" "$2" >/dev/null 2>&1 ||
		hyperfine --style none -w 1 -r "$RUNS" --prepare "$1" --export-json "$j" "$2" >/dev/null 2>&1
	/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$j"
	rm -f "$j"
}
gbps() { /usr/bin/python3 -c "import sys; print('%.2f' % (int(sys.argv[1]) / float(sys.argv[2]) / 1e9))" "$1" "$2"; }
ratio() { /usr/bin/python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
bytes_of() { find "$@" -type f -printf '%s\n' | awk '{s+=$1} END {print s}'; }
verdict() { # value target
	/usr/bin/python3 -c "import sys; print('met' if float(sys.argv[1]) >= float(sys.argv[2]) else 'MISSED')" "$1" "$2"
}

section_hash() {
	/usr/bin/python3 tests/bench/gen-corpus.py "$C"
	echo "== hash (warm page cache; medians of $RUNS runs; GB = 1e9 bytes)"
	limit=$(openssl speed -evp sha256 -bytes 1048576 -seconds 3 2>/dev/null |
		awk '/^sha256/ {v=$2; sub("k","",v); print v*1000}')
	limit_gbps=$(/usr/bin/python3 -c "print('%.2f' % ($limit/1e9))")
	echo "single-core limit (openssl speed -evp sha256, 1 MiB blocks): $limit_gbps GB/s"
	printf '%-28s %9s %9s %9s %9s %9s %9s\n' corpus reprove 'x limit' 'x dgst' 'x sha256sum' 'x xargs-P2' pread
	for set in big medium small; do
		dir=$C/$set
		b=$(bytes_of "$dir")
		(cd "$C" && find "$set" -type f | LC_ALL=C sort >"$set.list")
		warm="find $PWD/$dir -type f -exec cat {} + >/dev/null"
		t_rp=$(cd "$C" && median "$warm" "$R hash $set")
		t_pr=$(cd "$C" && median "$warm" "$R hash --no-uring $set")
		t_dg=$(cd "$C" && median "$warm" "bash -c 'xargs -a $set.list openssl dgst -sha256 >/dev/null'")
		t_ss=$(cd "$C" && median "$warm" "bash -c 'xargs -a $set.list sha256sum >/dev/null'")
		t_xp=$(cd "$C" && median "$warm" "bash -c 'xargs -a $set.list -P2 -n64 sha256sum >/dev/null'")
		g=$(gbps "$b" "$t_rp")
		printf '%-28s %9s %9s %9s %9s %9s %9s\n' "$set ($(($b / 1000000)) MB)" "$g GB/s" \
			"$(ratio "$g" "$limit_gbps")" "$(ratio "$t_dg" "$t_rp")" "$(ratio "$t_ss" "$t_rp")" \
			"$(ratio "$t_xp" "$t_rp")" "$(gbps "$b" "$t_pr") GB/s"
		case $set in
		big) echo "  targets: >= 0.85x limit: $(verdict "$(ratio "$g" "$limit_gbps")" 0.85);" \
			"  >= 1.15x openssl dgst: $(verdict "$(ratio "$t_dg" "$t_rp")" 1.15)" ;;
		medium) echo "  target: >= 1.6x limit: $(verdict "$(ratio "$g" "$limit_gbps")" 1.6)" ;;
		small) echo "  targets: >= 1.25x limit: $(verdict "$(ratio "$g" "$limit_gbps")" 1.25);" \
			"  >= 6x sha256sum: $(verdict "$(ratio "$t_ss" "$t_rp")" 6)" ;;
		esac
	done
	if [ "${COLD:-1}" = 1 ] && [ -w /proc/sys/vm/drop_caches ]; then
		cold='sync; echo 3 > /proc/sys/vm/drop_caches'
		b=$(bytes_of "$C/small")
		t_rp=$(cd "$C" && median "$cold" "$R hash small")
		t_ss=$(cd "$C" && median "$cold" "bash -c 'xargs -a small.list sha256sum >/dev/null'")
		g=$(gbps "$b" "$t_rp")
		echo "cold cache, small: reprove $g GB/s, sha256sum $(gbps "$b" "$t_ss") GB/s, ratio $(ratio "$t_ss" "$t_rp")"
		echo "  targets: >= 0.7 GB/s: $(verdict "$g" 0.7);   >= 5x sha256sum: $(verdict "$(ratio "$t_ss" "$t_rp")" 5)"
	else
		echo "cold cache: skipped (COLD=0 or /proc/sys/vm/drop_caches not writable)"
	fi
}

only=${BENCH_ONLY:-}
if [ -z "$only" ] || [ "$only" = hash ]; then section_hash; fi
for s in tests/bench/bench-*.sh; do
	[ -f "$s" ] || continue
	n=${s##*/bench-}; n=${n%.sh}
	if [ -z "$only" ] || [ "$only" = "$n" ]; then echo; echo "== $n"; O=$O RUNS=$RUNS bash "$s"; fi
done
