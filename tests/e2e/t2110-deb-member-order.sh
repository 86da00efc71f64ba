#!/bin/sh
# A .deb's member order is part of the package (security review finding 12): dpkg-deb
# refuses data.tar before control.tar, so such a .deb must not be "equal after
# normalization" to the valid one. diff reports "member order" as a difference (at the top
# level and nested), normalize refuses to write the order that would hide it (exit 3).
. "$(dirname "$0")/lib.sh"

if ! test_have ar || ! test_have dpkg-deb; then
	test_skip '.deb member order' 'no ar or dpkg-deb'
	test_done
fi

test_expect_success 'setup: a .deb, and its members stored data before control' '
	mkdir -p root/DEBIAN root/usr/bin && echo tool >root/usr/bin/tool &&
	printf "Package: t\nVersion: 1\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n" \
		>root/DEBIAN/control &&
	dpkg-deb --root-owner-group -Zgzip -b root good.deb >/dev/null &&
	mkdir x && (cd x && ar x ../good.deb) &&
	(cd x && ar rcD ../bad.deb debian-binary data.tar.gz control.tar.gz) &&
	touch -d @1700000000 x/* && (cd x && ar rcU ../bad2.deb debian-binary data.tar.gz control.tar.gz) &&
	test_must_fail dpkg-deb -c bad.deb 2>err && grep "data.tar.gz" err
'
test_expect_success 'diff: data.tar before control.tar is different: member order' '
	test_expect_code 1 reprove diff good.deb bad.deb >out 2>err &&
	grep "^good.deb and bad.deb: different$" out &&
	grep "metadata differs: (the file itself): member order as required -> debian-binary data.tar.gz control.tar.gz" out &&
	! grep "^  member order" out &&
	test_expect_code 1 reprove diff --json good.deb bad.deb >out.json &&
	grep "\"what\": \"member order as required -> debian-binary data.tar.gz control.tar.gz" out.json
'
test_expect_success 'two .debs with the same wrong order still compare equal after normalization' '
	reprove diff bad.deb bad2.deb >out && grep "equal after normalization" out
'
test_expect_success 'nested: a misordered .deb inside a tarball is different' '
	mkdir -p na nb && cp good.deb na/p.deb && cp bad.deb nb/p.deb &&
	tar --mtime=@0 -cf na.tar -C na p.deb && tar --mtime=@0 -cf nb.tar -C nb p.deb &&
	test_expect_code 1 reprove diff na.tar nb.tar >out &&
	grep "metadata differs: p.deb: member order" out
'
test_expect_success 'normalize and normalize --check refuse to hide the order (exit 3)' '
	test_expect_code 3 reprove normalize -q bad.deb -o norm.deb 2>err &&
	test ! -e norm.deb && test "$(wc -l <err)" -eq 1 &&
	grep "bad.deb.: .deb members stored as .debian-binary data.tar.gz control.tar.gz., an order dpkg-deb refuses" err &&
	test_expect_code 3 reprove normalize -q --check bad.deb >out 2>err && test ! -s out &&
	grep "an order dpkg-deb refuses" err &&
	reprove normalize -q good.deb -o norm.deb && dpkg-deb -c norm.deb >/dev/null
'

test_done
