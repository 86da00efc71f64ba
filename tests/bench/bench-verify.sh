#!/bin/bash
# Benchmark: `reprove verify` of a large asset against signed provenance and a signed
# SHA256SUMS, versus `reprove hash` of the same file (DESIGN target: <= 1.1x, since verify
# must add no second pass over the data). The corpus (BENCH_VERIFY_MB, default 1024 MiB) is
# generated under tests/bench/corpus/ (git-ignored) and re-warmed before every timed run.
set -eu
cd "$(dirname "$0")/../.."
: "${O:=build}"
R=$PWD/$O/reprove
MB=${BENCH_VERIFY_MB:-1024}
RUNS=${BENCH_RUNS:-3}
C=tests/bench/corpus/verify
mkdir -p "$C"
if [ ! -f "$C/asset.bin" ] || [ "$(stat -c %s "$C/asset.bin")" != $((MB * 1048576)) ]; then
	head -c $((MB * 1048576)) /dev/urandom >"$C/asset.bin.tmp" && mv "$C/asset.bin.tmp" "$C/asset.bin"
fi
cd "$C"
[ -f k.key ] || "$R" keygen -o k --no-passphrase 2>/dev/null
"$R" attest -k k.key --subject asset.bin -o prov.intoto.jsonl
"$R" hash asset.bin >SHA256SUMS
"$R" sign -k k.key SHA256SUMS

warm() { cat asset.bin >/dev/null; }
# best of RUNS wall-clock seconds for a command
best() {
	local b=999999 s e
	for _ in $(seq "$RUNS"); do
		warm
		s=$(date +%s.%N)
		"$@" >/dev/null
		e=$(date +%s.%N)
		b=$(awk -v s="$s" -v e="$e" -v b="$b" 'BEGIN { t = e - s; print (t < b ? t : b) }')
	done
	echo "$b"
}
th=$(best "$R" hash asset.bin)
tp=$(best "$R" verify asset.bin -p k.pub --provenance prov.intoto.jsonl)
ts=$(best "$R" verify asset.bin -p k.pub --sums SHA256SUMS --sums-sig SHA256SUMS.minisig)
printf 'verify: %d MiB asset, best of %d warm runs\n' "$MB" "$RUNS"
printf '  reprove hash                     %6.3f s\n' "$th"
printf '  reprove verify --provenance      %6.3f s  ratio %.3f (target <= 1.10)\n' "$tp" "$(awk -v a="$tp" -v b="$th" 'BEGIN { print a / b }')"
printf '  reprove verify --sums --sums-sig %6.3f s  ratio %.3f (target <= 1.10)\n' "$ts" "$(awk -v a="$ts" -v b="$th" 'BEGIN { print a / b }')"
