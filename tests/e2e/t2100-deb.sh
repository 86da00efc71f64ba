#!/bin/sh
# normalize/diff on a real .deb (coreutils, apt-get download'ed into tests/cache/archive):
# repacked with other owners, mtimes and member order it is equal after normalization;
# with three files changed and its md5sums left stale it is different, naming all three.
. "$(dirname "$0")/lib.sh"

cache=$RP_ROOT/tests/cache/archive
ls "$cache"/coreutils_*.deb >/dev/null 2>&1 || sh "$RP_ROOT/tests/deps/archive.sh"
deb=$(ls "$cache"/coreutils_*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ] || ! test_have ar || ! test_have dpkg-deb; then
	test_skip 'coreutils .deb tests' 'no cached coreutils .deb (offline?) or no ar/dpkg-deb'
	test_done
fi
cp "$deb" orig.deb

# repack: data.tar.xz rebuilt with other owners, mtimes, reversed member order, gzip
# instead of xz would also do, but xz keeps dpkg happy on every version
test_expect_success 'setup: repack the data tarball' '
	mkdir x root && (cd x && ar x ../orig.deb) &&
	tar -C root -xJf x/data.tar.xz &&
	(cd root && find . | LC_ALL=C sort -r >../list) &&
	(cd root && tar --owner=4242 --group=4343 --mtime=@1234567890 --no-recursion \
		-cf - -T ../list) | xz -1 >data.tar.xz &&
	cp x/debian-binary x/control.tar.* . &&
	ar rc repacked.deb debian-binary control.tar.xz data.tar.xz &&
	test_must_fail cmp -s orig.deb repacked.deb
'

test_expect_success 'repacked .deb is equal after normalization (exit 0)' '
	reprove diff orig.deb repacked.deb >out &&
	grep "orig.deb and repacked.deb: equal after normalization$" out &&
	grep "mtime:" out && grep "owner" out && grep "member order" out
'

test_expect_success '--strict makes it exit 1' '
	test_expect_code 1 reprove diff --strict orig.deb repacked.deb >out &&
	grep "equal after normalization$" out
'

test_expect_success 'normalizing both gives identical bytes' '
	reprove normalize -q orig.deb -o n1.deb &&
	reprove normalize -q repacked.deb -o n2.deb &&
	cmp n1.deb n2.deb &&
	reprove diff n1.deb n2.deb >out && grep ": identical$" out
'

test_expect_success 'normalized .deb passes dpkg-deb -I and -c with the same members' '
	dpkg-deb -I n1.deb >info && grep "^ Package: coreutils" info &&
	dpkg-deb -c n1.deb | awk "{print \$NF}" | LC_ALL=C sort >names.n &&
	dpkg-deb -c orig.deb | awk "{print \$NF}" | LC_ALL=C sort >names.o &&
	test_cmp names.o names.n &&
	dpkg-deb -c n1.deb | grep -v " 0/0 " >bad; test ! -s bad
'

test_expect_success 'normalized .deb extracts to the same files' '
	mkdir e1 e2 && dpkg-deb -x orig.deb e1 && dpkg-deb -x n1.deb e2 &&
	diff -r e1 e2
'

test_expect_success 'normalize --check: 1 on the original, 0 on the normalized' '
	test_expect_code 1 reprove normalize -q --check orig.deb >out &&
	grep "not canonical" out && grep "mtime" out &&
	reprove normalize -q --check n1.deb >out && grep "already canonical" out
'

test_expect_success 'setup: change three files, leave md5sums stale' '
	cp -a root root3 &&
	printf "\001" >>root3/bin/ls &&
	sed "s/coreutils/COREUTILS/" root3/usr/share/doc/coreutils/copyright >c &&
	cat c >root3/usr/share/doc/coreutils/copyright &&
	printf "tampered\n" >>root3/usr/share/doc/coreutils/NEWS.gz &&
	(cd root3 && tar -cf - .) | xz -1 >data.tar.xz &&
	ar rc changed.deb debian-binary control.tar.xz data.tar.xz &&
	(cd x && tar -xJf control.tar.xz ./md5sums) &&
	grep -q "bin/ls" x/md5sums
'

test_expect_success 'changed .deb is different (exit 1) and names all three paths' '
	test_expect_code 1 reprove diff orig.deb changed.deb >out &&
	grep ": different$" out &&
	grep "content differs: data.tar.xz!/./bin/ls$" out &&
	grep "content differs: data.tar.xz!/./usr/share/doc/coreutils/copyright$" out &&
	grep "content differs: data.tar.xz!/./usr/share/doc/coreutils/NEWS.gz$" out &&
	grep "^changes: 3 content, 0 added, 0 removed" out &&
	! grep "md5sums" out
'

test_expect_success 'the text member gets a unified diff hunk' '
	grep "^    -.*coreutils" out && grep "^    +.*COREUTILS" out
'

test_expect_success '--json lists the same three paths' '
	test_expect_code 1 reprove diff --json orig.deb changed.deb >j &&
	python3 -c "
import json,sys
d=json.load(open(\"j\"))
assert d[\"schema\"]==\"reprove-diff/1\" and d[\"verdict\"]==\"different\", d[\"verdict\"]
p=sorted(i[\"path\"] for i in d[\"items\"] if i[\"change\"]==\"content\")
assert p==[\"data.tar.xz!/./bin/ls\",\"data.tar.xz!/./usr/share/doc/coreutils/NEWS.gz\",\"data.tar.xz!/./usr/share/doc/coreutils/copyright\"], p
assert d[\"counts\"][\"content\"]==3
"
'

test_expect_success 'truncated .deb: exit 3, one error line, no output file' '
	head -c 1000000 orig.deb >trunc.deb &&
	test_expect_code 3 reprove diff orig.deb trunc.deb >out 2>err &&
	test_one_error_line err && test "$(wc -l <err)" -eq 1 && grep "trunc.deb" err &&
	test ! -s out &&
	test_expect_code 3 reprove normalize -q trunc.deb -o t.out 2>err &&
	test_one_error_line err && test ! -e t.out && ! ls .t.out* 2>/dev/null
'

test_done
