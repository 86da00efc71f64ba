#!/bin/bash
# Benchmarks for the archive commands, in one run, as ratios (DESIGN "Performance targets"):
#   reprove normalize vs strip-nondeterminism -T on the same jars, and on a tree of archives
#     (jar, zip, gzip, ar), target >= 20x;
#   reprove diff vs diffoscope on the same .deb pair (coreutils with three files changed),
#     target >= 50x, with every changed member found by both.
# The corpus is generated under tests/bench/corpus/archive (git-ignored). diffoscope and
# strip-nondeterminism are installed here with apt-get when missing (not in tests/deps).
set -u
cd "$(dirname "$0")/../.." || exit 4
: "${O:=build}"
RP=$PWD/$O/reprove
C=$PWD/tests/bench/corpus/archive
T=1700000000
[ -x "$RP" ] || { echo "bench-archive: build $RP first" >&2; exit 4; }

need=""
command -v strip-nondeterminism >/dev/null || need="$need strip-nondeterminism"
command -v diffoscope >/dev/null || need="$need diffoscope-minimal"
if [ -n "$need" ]; then
	echo "bench-archive: installing$need"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need \
		>/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			$need >/dev/null 2>&1; } || { echo "bench-archive: cannot install$need" >&2; exit 4; }
fi
sh tests/deps/archive.sh

now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a <= 0) a = 0.001; printf "%.1f", b / a }'; }
warm() { find "$@" -type f -exec cat {} + >/dev/null 2>&1; }

# ---- corpus -------------------------------------------------------------------------
mkdir -p "$C"
if [ ! -f "$C/.done" ]; then
	rm -rf "${C:?}"/*
	mkdir -p "$C/jars" "$C/tree"
	# real jars: the distinct files behind /usr/share/java, plus commons-cli from the cache
	for j in /usr/share/java/*.jar; do
		r=$(readlink -f "$j") && [ -f "$r" ] && cp -n "$r" "$C/jars/" 2>/dev/null
	done
	dpkg-deb -x tests/cache/archive/libcommons-cli-java_*.deb "$C/pkg" &&
		cp "$C/pkg/usr/share/java/commons-cli.jar" "$C/jars/"
	# a tree of archives: per directory a jar, a zip, a gzip and an ar archive
	i=0
	for j in "$C"/jars/*.jar; do
		[ $i -lt 40 ] || break
		d=$C/tree/d$i && mkdir -p "$d/x"
		cp "$j" "$d/lib.jar"
		(cd "$d/x" && unzip -q "$j" >/dev/null 2>&1; true)
		(cd "$d/x" && zip -q -r ../bundle.zip . >/dev/null 2>&1; true)
		find "$d/x" -type f | head -n 20 | xargs cat 2>/dev/null | gzip -c >"$d/data.gz"
		(cd "$d/x" && find . -type f | head -n 10 | xargs ar rc ../objs.a 2>/dev/null; true)
		rm -rf "$d/x"
		i=$((i + 1))
	done
	# the .deb pair: coreutils, and a copy with three files changed, md5sums left stale
	w=$C/debw && mkdir -p "$w/x" "$w/root"
	cp tests/cache/archive/coreutils_*.deb "$C/a.deb"
	(cd "$w/x" && ar x "$C/a.deb") && tar -C "$w/root" -xJf "$w/x/data.tar.xz"
	printf '\001' >>"$w/root/bin/ls"
	sed 's/coreutils/COREUTILS/' "$w/root/usr/share/doc/coreutils/copyright" >"$w/c" &&
		cat "$w/c" >"$w/root/usr/share/doc/coreutils/copyright"
	printf 'x' >>"$w/root/usr/bin/sort"
	(cd "$w/root" && tar -cf - .) | xz -1 >"$w/x/data.tar.xz"
	(cd "$w/x" && ar rc "$C/b.deb" debian-binary control.tar.xz data.tar.xz)
	rm -rf "$w"
	touch "$C/.done"
fi
njars=$(ls "$C/jars" | wc -l)
ntree=$(find "$C/tree" -type f | wc -l)
echo "bench-archive: $njars jars ($(du -sh "$C/jars" | cut -f1)), tree of $ntree archives ($(du -sh "$C/tree" | cut -f1))"

# ---- normalize: jars ----------------------------------------------------------------
run_norm() { # DIR -> seconds for reprove --in-place on a copy, used as strip-nondeterminism is
	local src=$1 work=$C/out.rp t0 t1
	rm -rf "$work" && cp -r "$src" "$work"
	warm "$work"
	t0=$(now)
	find "$work" -type f -print0 | xargs -0 "$RP" normalize -q --in-place --epoch $T 2>/dev/null
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
run_snd() { # DIR -> seconds for strip-nondeterminism on a copy (it rewrites in place)
	local src=$1 work=$C/out.snd t0 t1
	rm -rf "$work" && cp -r "$src" "$work"
	warm "$work"
	t0=$(now)
	find "$work" -type f -print0 | xargs -0 strip-nondeterminism -T $T >/dev/null 2>&1
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

rp_j=$(run_norm "$C/jars")
snd_j=$(run_snd "$C/jars")
echo "normalize jars:  reprove ${rp_j}s  strip-nondeterminism ${snd_j}s  ratio $(ratio "$rp_j" "$snd_j")x (target >= 20x)"
rp_t=$(run_norm "$C/tree")
snd_t=$(run_snd "$C/tree")
echo "normalize tree:  reprove ${rp_t}s  strip-nondeterminism ${snd_t}s  ratio $(ratio "$rp_t" "$snd_t")x (target >= 20x)"

# ---- diff: .deb pair ----------------------------------------------------------------
warm "$C/a.deb" "$C/b.deb"
t0=$(now)
"$RP" diff "$C/a.deb" "$C/b.deb" >"$C/rp.diff" 2>&1
rc=$?
t1=$(now)
rp_d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
warm "$C/a.deb" "$C/b.deb"
t0=$(now)
timeout 1200 diffoscope --no-progress --text "$C/dos.diff" "$C/a.deb" "$C/b.deb" >/dev/null 2>&1
t1=$(now)
dos_d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
found_rp=0 found_dos=0
for p in bin/ls usr/share/doc/coreutils/copyright usr/bin/sort; do
	grep -q "content differs: data.tar.xz!/./$p$" "$C/rp.diff" && found_rp=$((found_rp + 1))
	grep -q "$p" "$C/dos.diff" && found_dos=$((found_dos + 1))
done
echo "diff .deb pair:  reprove ${rp_d}s (exit $rc, $found_rp/3 changed members named)  diffoscope ${dos_d}s ($found_dos/3 named)  ratio $(ratio "$rp_d" "$dos_d")x (target >= 50x)"
