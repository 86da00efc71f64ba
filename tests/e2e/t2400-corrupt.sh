#!/bin/sh
# Truncated and corrupt archives of every format, and decompression bombs: exit 3 with one
# 'reprove:' line naming the file, nothing on stdout, and no output file left behind.
. "$(dirname "$0")/lib.sh"

mkdir -p t/d
i=0
while [ $i -lt 40 ]; do
	head -c 3000 /dev/urandom | od -A n -t x1 >t/d/f$i
	i=$((i + 1))
done
tar -cf good.tar t
gzip -n -c good.tar >good.tar.gz
xz -c good.tar >good.tar.xz
zstd -q -c good.tar >good.tar.zst
bzip2 -c good.tar >good.tar.bz2
(cd t && find . | cpio -o -H newc --quiet) >good.cpio 2>/dev/null || :
(cd t && zip -q -r ../good.zip .)
printf '2.0\n' >debian-binary
(cd t && tar -czf ../control.tar.gz ./d/f1) && (cd t && tar -cJf ../data.tar.xz .)
ar rc good.deb debian-binary control.tar.gz data.tar.xz
gzip -n -c t/d/f1 >good.gz

check_bad() { # FILE: diff and normalize both exit 3, one line, no stdout, no output file
	test_expect_code 3 reprove diff good.tar "$1" >out 2>err &&
	test_one_error_line err && test "$(wc -l <err)" -eq 1 && grep -F "$1" err &&
	test ! -s out &&
	test_expect_code 3 reprove normalize -q "$1" -o out.bin 2>err &&
	test_one_error_line err && test "$(wc -l <err)" -eq 1 &&
	test ! -e out.bin && test -z "$(ls -A | grep '^\.out\.bin')"
}

for f in good.tar good.tar.gz good.tar.xz good.tar.zst good.tar.bz2 good.cpio good.zip good.deb good.gz; do
	[ -s "$f" ] || { test_skip "truncated $f" "could not build $f"; continue; }
	size=$(wc -c <"$f")
	test_expect_success "truncated ${f#good.}: exit 3, one line, no output" "
		head -c $((size * 2 / 3)) $f >trunc-$f && check_bad trunc-$f
	"
done

test_expect_success 'corrupt tar header checksum: exit 3' '
	cp good.tar bad.tar &&
	printf "XXXXXXXX" | dd of=bad.tar bs=1 seek=148 conv=notrunc 2>/dev/null &&
	check_bad bad.tar
'

test_expect_success 'corrupt zip (central directory cut, local data garbled): exit 3' '
	size=$(wc -c <good.zip) &&
	head -c 200 good.zip >bad.zip && head -c 3000 /dev/zero >>bad.zip &&
	check_bad bad.zip
'

test_expect_success 'corrupt xz payload inside a .deb: exit 3 naming the member' '
	cp data.tar.xz d2.tar.xz && printf "garbagegarbage" | dd of=d2.tar.xz bs=1 seek=200 conv=notrunc 2>/dev/null &&
	cp d2.tar.xz data.tar.xz.bad && mkdir b && cp debian-binary control.tar.gz b/ &&
	cp d2.tar.xz b/data.tar.xz && (cd b && ar rc ../bad.deb debian-binary control.tar.gz data.tar.xz) &&
	check_bad bad.deb && grep "data.tar.xz" err
'

test_expect_success 'gzip bomb (ratio > 1000:1 past 256 MiB): exit 3, says so' '
	head -c 300000000 /dev/zero | zstd -q -19 >bomb.zst &&
	test "$(wc -c <bomb.zst)" -lt 100000 &&
	test_expect_code 3 reprove diff bomb.zst good.tar >out 2>err &&
	test_one_error_line err && grep "decompression bomb" err &&
	test_expect_code 3 reprove normalize -q bomb.zst -o b.out 2>err &&
	grep "expansion ratio" err && test ! -e b.out
'

test_expect_success 'tar bomb nested in a tar is caught too' '
	tar -cf nest.tar bomb.zst &&
	test_expect_code 3 reprove diff nest.tar good.tar 2>err && grep "bomb" err
'

test_expect_success 'gzip magic without a gzip stream: exit 3 at the top, bytes inside a tree' '
	printf "\037\213\010not really gzip" >fake.gz &&
	test_expect_code 3 reprove diff fake.gz good.gz 2>err &&
	test_one_error_line err && grep "not a valid gzip stream" err &&
	mkdir f1 f2 && cp fake.gz f1/ && printf "\037\213\010not really gzip!" >f2/fake.gz &&
	test_expect_code 1 reprove diff f1 f2 >out &&
	grep "content differs: fake.gz$" out && grep "not decoded" out &&
	tar -cf ft1.tar -C f1 fake.gz && tar -cf ft2.tar -C f2 fake.gz &&
	test_expect_code 1 reprove diff ft1.tar ft2.tar >out &&
	grep "content differs: fake.gz$" out
'

# gzip trailers (CRC-32, ISIZE) are verified: libarchive's gzip reader skips them.
# corrupt_gz IN OUT OFFSET_FROM_END: flip one bit at that many bytes before the end
corrupt_gz() {
	python3 -c "import sys; d=bytearray(open(sys.argv[1],\"rb\").read()); d[-int(sys.argv[3])]^=1; open(sys.argv[2],\"wb\").write(d)" "$@"
}

test_expect_success 'gzip CRC-32 mismatch (gzip -t rejects it): exit 3 naming member and check' '
	corrupt_gz good.tar.gz crc.tar.gz 8 && test_must_fail gzip -t crc.tar.gz 2>/dev/null &&
	check_bad crc.tar.gz &&
	grep "gzip member 1: CRC-32 mismatch (stream corrupt)" err &&
	test_expect_code 3 reprove diff good.tar.gz crc.tar.gz >out 2>err &&
	grep "^reprove: diff: .crc.tar.gz.: gzip member 1: CRC-32 mismatch" err
'

test_expect_success 'gzip ISIZE mismatch: exit 3' '
	corrupt_gz good.tar.gz isize.tar.gz 2 && test_must_fail gzip -t isize.tar.gz 2>/dev/null &&
	check_bad isize.tar.gz && grep "gzip member 1: ISIZE mismatch" err
'

test_expect_success 'deflate data corrupted but still decodable: the CRC catches it' '
	# stored deflate blocks over one big member: the flipped bit changes one content
	# byte, so the tar still parses and only the CRC can tell
	mkdir -p one && seq 1 40000 >one/big && tar -cf one.tar one &&
	python3 -c "import gzip, sys; open(sys.argv[2], \"wb\").write(gzip.compress(open(sys.argv[1], \"rb\").read(), compresslevel=0, mtime=0))" one.tar stored.tar.gz &&
	size=$(wc -c <stored.tar.gz) && corrupt_gz stored.tar.gz mid.tar.gz $((size / 2)) &&
	gzip -dc mid.tar.gz 2>/dev/null | tar -tf - >/dev/null &&
	test_must_fail gzip -t mid.tar.gz 2>/dev/null && check_bad mid.tar.gz &&
	grep "gzip member 1: CRC-32 mismatch" err
'

test_expect_success 'second member of a multi-member gzip checked too' '
	gzip -n -c t/d/f2 >m2.gz && cat good.gz m2.gz >multi.gz && gzip -t multi.gz &&
	reprove diff multi.gz multi.gz >/dev/null &&
	cp multi.gz multi-crc.gz && corrupt_gz multi.gz multi-crc.gz 8 &&
	test_expect_code 3 reprove diff multi.gz multi-crc.gz 2>err &&
	test_one_error_line err && grep "gzip member 2: CRC-32 mismatch" err
'

test_expect_success 'corrupt gzip trailer nested in a tar and in a .deb: exit 3 naming the member' '
	mkdir -p nest-ok nest-bad && cp good.tar.gz nest-ok/x.tar.gz && cp crc.tar.gz nest-bad/x.tar.gz &&
	tar -cf nest-ok.tar -C nest-ok x.tar.gz && tar -cf nest-bad.tar -C nest-bad x.tar.gz &&
	test_expect_code 3 reprove diff nest-ok.tar nest-bad.tar >out 2>err &&
	test_one_error_line err && grep "nest-bad.tar!/x.tar.gz.: gzip member 1: CRC-32 mismatch" err &&
	corrupt_gz control.tar.gz c-bad.tar.gz 8 && mkdir -p gd && cp debian-binary data.tar.xz gd/ &&
	cp c-bad.tar.gz gd/control.tar.gz &&
	(cd gd && ar rc ../gz-bad.deb debian-binary control.tar.gz data.tar.xz) &&
	check_bad gz-bad.deb && grep "control.tar.gz.: gzip member 1: CRC-32 mismatch" err
'

test_expect_success 'libarchive messages in house style: lowercase, no full stop' '
	test_expect_code 3 reprove diff good.tar trunc-good.tar 2>err &&
	grep ": truncated tar archive$" err &&
	test_expect_code 3 reprove diff good.tar bad.tar 2>err &&
	grep "^reprove: diff: .bad.tar.: [a-z]" err && ! grep "\.$" err
'

test_expect_success 'an existing output file survives a failed normalize' '
	printf "keep me\n" >keep && cp trunc-good.tar.gz tg.tar.gz &&
	test_expect_code 3 reprove normalize -q tg.tar.gz -o keep 2>err &&
	test "$(cat keep)" = "keep me"
'

test_expect_success 'normalize refuses an archive with data after its end (exit 3, no output)' '
	mkdir tl && echo a >tl/a && tar -C tl -czf tl.tgz a && cp tl.tgz tl2.tgz &&
	printf junk >>tl2.tgz &&
	test_expect_code 3 reprove normalize -q --epoch 0 tl2.tgz -o tl-out.tgz 2>err &&
	test_one_error_line err && grep -q "data after the end of the archive" err &&
	! test -e tl-out.tgz &&
	test_expect_code 3 reprove normalize -q --epoch 0 --check tl2.tgz 2>err &&
	reprove normalize -q --epoch 0 tl.tgz -o tl-out.tgz && test -s tl-out.tgz
'

test_done
