#!/bin/bash
# Benchmarks for the archive commands, in one run, as ratios (DESIGN "Performance targets"):
#   reprove normalize vs strip-nondeterminism -T on the same jars, and on a tree of archives
#     (jar, zip, gzip, ar), target >= 20x. Both tools get all files in one process. The work
#     differs: strip-nondeterminism rewrites headers and copies compressed data as it is;
#     reprove decodes and checks every member and recompresses it deterministically
#     (DESIGN), so a "decode only" line (normalize --check) shows that part of its time.
#   reprove diff vs diffoscope on .deb pairs made from Debian's coreutils, target >= 50x,
#     counting the changed members each tool names in a section of its own:
#     stale   three files changed, md5sums left stale (the issue's case: diffoscope trusts
#             md5sums and compares no member content);
#     three   the same three files, md5sums updated as a real rebuild writes them;
#     buildid every ELF file with another build-id (a rebuild in another build path), md5sums
#             updated. Decoding both data.tar.xz (xz -dc) is shown as the floor.
# The corpus is generated under tests/bench/corpus/archive (git-ignored). diffoscope and
# strip-nondeterminism are installed here with apt-get when missing (not in tests/deps).
# Env: DIFFOSCOPE_BUILDID=0 skips the buildid pair (diffoscope takes minutes on it).
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
	# the .deb pairs: coreutils, and copies with members changed (see the header)
	w=$C/debw && mkdir -p "$w/x" "$w/root" "$w/ctl"
	cp tests/cache/archive/coreutils_*.deb "$C/a.deb"
	(cd "$w/x" && ar x "$C/a.deb") && tar -C "$w/root" -xJf "$w/x/data.tar.xz" &&
		tar -C "$w/ctl" -xJf "$w/x/control.tar.xz"
	printf '\001' >>"$w/root/bin/ls"
	sed 's/coreutils/COREUTILS/' "$w/root/usr/share/doc/coreutils/copyright" >"$w/c" &&
		cat "$w/c" >"$w/root/usr/share/doc/coreutils/copyright"
	printf 'x' >>"$w/root/usr/bin/sort"
	printf '%s\n' bin/ls usr/share/doc/coreutils/copyright usr/bin/sort >"$C/three.changed"
	cp "$C/three.changed" "$C/stale.changed"
	mkdeb() { # OUT [md5sums]: pack $w/root (and $w/ctl when md5sums are to be updated)
		(cd "$w/root" && tar -cf - .) | xz -1 >"$w/x/data.tar.xz"
		if [ "${2:-}" = md5sums ]; then
			(cd "$w/root" && find . -type f | sed 's|^\./||' | LC_ALL=C sort |
				xargs md5sum) >"$w/ctl/md5sums"
			(cd "$w/ctl" && tar -cf - .) | xz -1 >"$w/x/control.tar.xz"
		fi
		rm -f "$1" && (cd "$w/x" && ar rc "$1" debian-binary control.tar.xz data.tar.xz)
	}
	mkdeb "$C/stale.deb"
	mkdeb "$C/three.deb" md5sums
	rm -rf "$w/root" && mkdir "$w/root" && ar p "$C/a.deb" data.tar.xz | tar -C "$w/root" -xJf -
	/usr/bin/python3 tests/bench/elf-buildid.py "$w/root" >"$C/buildid.changed"
	mkdeb "$C/buildid.deb" md5sums
	rm -rf "$w"
	touch "$C/.done"
fi
njars=$(ls "$C/jars" | wc -l)
ntree=$(find "$C/tree" -type f | wc -l)
echo "bench-archive: $njars jars ($(du -sh "$C/jars" | cut -f1)), tree of $ntree archives ($(du -sh "$C/tree" | cut -f1))"

# ---- normalize: jars ----------------------------------------------------------------
run_norm() { # DIR -> seconds for reprove --in-place on a copy, used as strip-nondeterminism is
	local src=$1 work=$C/out.rp t0 t1
	rm -rf "$work" && cp -r "$src" "$work" && sync
	warm "$work"
	t0=$(now)
	find "$work" -type f -print0 | xargs -0 "$RP" normalize -q --in-place --epoch $T 2>/dev/null
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
run_snd() { # DIR -> seconds for strip-nondeterminism on a copy (it rewrites in place)
	local src=$1 work=$C/out.snd t0 t1
	rm -rf "$work" && cp -r "$src" "$work" && sync
	warm "$work"
	t0=$(now)
	find "$work" -type f -print0 | xargs -0 strip-nondeterminism -T $T >/dev/null 2>&1
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

run_check() { # DIR -> seconds for normalize --check (decode, verify, digest; nothing written)
	local t0 t1
	warm "$1"
	t0=$(now)
	find "$1" -type f -print0 | xargs -0 "$RP" normalize -q --check --epoch $T >/dev/null 2>&1
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
med3() { # FUNCTION ARG: median seconds of three runs
	{ "$1" "$2"; echo; "$1" "$2"; echo; "$1" "$2"; echo; } | sort -n | sed -n 2p
}
for set in jars tree; do
	rp=$(med3 run_norm "$C/$set")
	snd=$(med3 run_snd "$C/$set")
	chk=$(med3 run_check "$C/$set")
	printf 'normalize %-5s reprove %ss  strip-nondeterminism %ss  ratio %sx (target >= 20x);' \
		"$set:" "$rp" "$snd" "$(ratio "$rp" "$snd")"
	echo "  decode only (--check) ${chk}s = $(ratio "$chk" "$snd")x"
done

# ---- diff: .deb pairs ---------------------------------------------------------------
# named TOOL OUTPUT LIST: how many paths of LIST the report names in a section of its own
named() {
	local n=0 p
	while read -r p; do
		case $1 in
		rp) grep -qF "content differs: data.tar.xz!/./$p" "$2" && n=$((n + 1)) ;;
		dos) grep -qxF "│ │ ├── ./$p" "$2" && n=$((n + 1)) ;;
		esac
	done <"$3"
	echo $n
}
ar p "$C/a.deb" data.tar.xz >"$C/a.data.tar.xz"
warm "$C/a.data.tar.xz"
t0=$(now)
xz -dc "$C/a.data.tar.xz" >/dev/null
t1=$(now)
floor=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
echo "diff floor: xz -dc of a.deb's data.tar.xz ${floor}s (reprove decodes both sides at once)"
for pair in stale three buildid; do
	if [ "$pair" = buildid ] && [ "${DIFFOSCOPE_BUILDID:-1}" = 0 ]; then
		echo "diff buildid: skipped (DIFFOSCOPE_BUILDID=0)"
		continue
	fi
	b=$C/$pair.deb
	want=$(wc -l <"$C/$pair.changed")
	warm "$C/a.deb" "$b"
	t0=$(now)
	"$RP" diff "$C/a.deb" "$b" >"$C/rp.$pair" 2>&1
	rc=$?
	t1=$(now)
	rp_d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	warm "$C/a.deb" "$b"
	t0=$(now)
	timeout 1200 diffoscope --no-progress --text "$C/dos.$pair" "$C/a.deb" "$b" >/dev/null 2>&1
	t1=$(now)
	dos_d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	echo "diff $pair: reprove ${rp_d}s (exit $rc, $(named rp "$C/rp.$pair" "$C/$pair.changed")/$want" \
		"changed members named)  diffoscope ${dos_d}s ($(named dos "$C/dos.$pair" "$C/$pair.changed")/$want)" \
		" ratio $(ratio "$rp_d" "$dos_d")x (target >= 50x)"
done
