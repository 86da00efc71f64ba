#!/bin/sh
# make fuzz: build every tests/fuzz/fuzz_*.c with clang -fsanitize=fuzzer,address,undefined and
# run each for FUZZTIME seconds on a copy of its corpus; new inputs that libFuzzer keeps are
# merged back into tests/fuzz/corpus/<target>/, crashes are left as crash-* files and fail.
# Usage: FUZZTIME=60 tests/fuzz/run-fuzz.sh [TARGET...]
# Single mallocs up to FUZZ_MALLOC_MB (8 GiB) are allowed: libarchive reserves buffers from
# header sizes (a cpio link of 2 GiB) and fails cleanly when it cannot; RSS stays capped.
set -eu
cd "$(dirname "$0")/../.."
FUZZTIME=${FUZZTIME:-60}
B=build/fuzz
command -v clang >/dev/null || { echo "fuzz: clang missing (apt-get install clang)" >&2; exit 4; }
PKGS="openssl libsodium libarchive jansson libcurl liburing zlib"
CF="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -DRP_VERSION=\"fuzz\" -Iverify/base -Iverify -Iattest \
 -Itests/fuzz $(pkg-config --cflags $PKGS)"
mkdir -p "$B/obj"
objs=""
for src in verify/base/*.c verify/*.c attest/*.c; do
	[ -f "$src" ] || continue
	o=$B/obj/$(echo "$src" | tr / _).o
	if [ ! -f "$o" ] || [ "$src" -nt "$o" ]; then clang $CF -c -o "$o" "$src"; fi
	objs="$objs $o"
done
targets=${*:-$(ls tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||')}
status=0
for t in $targets; do
	clang $CF -fsanitize=fuzzer -o "$B/fuzz_$t" "tests/fuzz/fuzz_$t.c" $objs \
		$(pkg-config --libs $PKGS) -lpthread -lm
	work=$B/corpus-$t
	rm -rf "$work" && mkdir -p "$work" "tests/fuzz/corpus/$t"
	cp tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
	echo "== fuzz_$t for ${FUZZTIME}s"
	if ! (cd "$B" && ./"fuzz_$t" -max_total_time="$FUZZTIME" -rss_limit_mb=2048 -malloc_limit_mb=${FUZZ_MALLOC_MB:-8192} \
		-timeout=10 -print_final_stats=1 "corpus-$t" 2>"fuzz_$t.log"); then
		status=1
		echo "fuzz_$t: CRASH (see $B/fuzz_$t.log and $B/crash-*)"
	fi
	grep -E '^(#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|stat::peak_rss_mb)|cov:' \
		"$B/fuzz_$t.log" | tail -n 3
	# keep the corpus small: merge only inputs that add coverage
	"$B/fuzz_$t" -merge=1 -rss_limit_mb=2048 -malloc_limit_mb=${FUZZ_MALLOC_MB:-8192} \
		-artifact_prefix="$B/" "tests/fuzz/corpus/$t" "$work" >/dev/null 2>&1 || true
done
exit $status
