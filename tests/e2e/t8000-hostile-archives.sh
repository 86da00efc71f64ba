#!/bin/sh
# Hostile archives through diff and normalize: members with absolute paths, '..' and links
# escaping the tree (compared as data with a warning, nothing ever written outside the
# scratch dir), 40 levels of nested archives, gzip and zip bombs (GiB of zeros in ~1 MB)
# with bounded memory and time, and truncated/corrupt formats t2400 does not cover.
# Every error is one 'reprove:' line with exit 3, nothing on stdout, no output file.
. "$(dirname "$0")/lib.sh"

python3 - <<'EOF' || exit 1
import io, tarfile, zipfile
def add(t, name, data=b"x", typ=tarfile.REGTYPE, link=""):
    ti = tarfile.TarInfo(name)
    ti.type = typ
    ti.linkname = link
    ti.mtime = 1700000000
    if typ == tarfile.REGTYPE:
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    else:
        t.addfile(ti)
for fmt, sfx in ((tarfile.USTAR_FORMAT, "ustar"), (tarfile.PAX_FORMAT, "pax")):
    with tarfile.open("evil-%s.tar" % sfx, "w", format=fmt) as t:
        add(t, "/tmp/rp-evil-abs", b"abs\n")
        add(t, "a/../../rp-evil-dotdot", b"dotdot\n")
        add(t, "link", typ=tarfile.SYMTYPE, link="../../../../etc")
        add(t, "link/rp-evil-through-link", b"through\n")
        add(t, "hard", typ=tarfile.LNKTYPE, link="../../etc/passwd")
        add(t, "ok", b"ok\n")
with zipfile.ZipFile("evil.zip", "w") as z:
    z.writestr("/tmp/rp-evil-abs", "abs\n")
    z.writestr("../rp-evil-dotdot", "dotdot\n")
    z.writestr("ok", "ok\n")
EOF

no_escape() { # nothing was created outside the scratch dir
	test ! -e /tmp/rp-evil-abs && test ! -e ../rp-evil-dotdot && test ! -e ../../rp-evil-dotdot &&
	test ! -e /etc/rp-evil-through-link
}

for f in evil-ustar.tar evil-pax.tar evil.zip; do
	test_expect_success "$f: unsafe members compared as data, warned about, never written" "
		timeout 60 reprove normalize -q --epoch 1700000000 $f -o norm-$f 2>err &&
		test -s norm-$f && no_escape &&
		timeout 60 reprove normalize -q --epoch 1700000000 --check norm-$f &&
		timeout 60 reprove diff $f norm-$f >out 2>err &&
		grep -E 'identical|equal after normalization' out && cat out err | grep 'unsafe paths' &&
		cat out err | grep -E 'absolute path|\\.\\.' && no_escape
	"
done

test_expect_success 'an escaping symlink in a diffed directory is recorded, not followed' '
	mkdir -p da db && echo same >da/f && echo same >db/f &&
	ln -s /etc/shadow da/s && ln -s /etc/shadow db/s &&
	timeout 60 reprove diff da db >out 2>err &&
	! grep -F "$(head -c 8 /etc/shadow 2>/dev/null || echo @@none@@)" out &&
	rm db/s && ln -s /etc/passwd db/s &&
	test_expect_code 1 timeout 60 reprove diff da db >out 2>err &&
	grep "link" out && grep "/etc/passwd" out
'

# 40 levels: zip in tar in zip ... (the default decoding depth is 8; deeper levels are
# compared as bytes, so a difference at level 40 is still found).
mknest() { # OUT CONTENT
	mkdir -p nest.$$ && (
		cd nest.$$ && printf '%s\n' "$2" >core && f=core && i=1 &&
		while [ $i -le 40 ]; do
			if [ $((i % 2)) = 0 ]; then
				rm -f l$i.zip && zip -q -X l$i.zip $f && f=l$i.zip
			else
				tar --mtime=@0 --owner=0 --group=0 -cf l$i.tar $f && f=l$i.tar
			fi
			i=$((i + 1))
		done &&
		mv $f ../"$1"
	) && rm -rf nest.$$
}

test_expect_success '40 nested archives: identical, equal and different, in bounded time' '
	mknest n1.zip one && cp n1.zip n1copy.zip && mknest n2.zip two &&
	timeout 60 reprove diff n1.zip n1copy.zip >out && grep identical out &&
	test_expect_code 1 timeout 60 reprove diff n1.zip n2.zip >out 2>err &&
	grep "different" out && grep "content differs" out &&
	timeout 60 reprove normalize -q --epoch 0 n1.zip -o n1norm.zip &&
	timeout 60 reprove diff n1.zip n1norm.zip >out && grep -E "identical|equal after" out
'

# A tar of 40 nested tars, each named by depth, must not recurse without limit either.
test_expect_success '40 nested tar.gz: bounded, one verdict' '
	printf "x\n" >core && f=core && i=1 &&
	while [ $i -le 40 ]; do tar -czf t$i.tgz $f && f=t$i.tgz && i=$((i + 1)); done &&
	cp t40.tgz t40copy.tgz &&
	timeout 60 reprove diff t40.tgz t40copy.tgz >out && grep identical out
'

max_rss_ok() { # CMD... : runs CMD, exit status kept; fails if max RSS > 400 MiB
	/usr/bin/time -o rss.txt -f %M "$@"
	code=$?
	rss=$(tail -n 1 rss.txt)
	if [ "$rss" -gt 409600 ]; then
		echo "max RSS ${rss} KiB > 400 MiB: $*" >&2
		return 99
	fi
	return $code
}

printf 'small\n' >small
if [ -x /usr/bin/time ]; then
	# 1 GiB of zeros as a multi-member gzip made of 16 copies of a 64 MiB member: ~1 MB
	head -c 67108864 /dev/zero | gzip -9 -n >z64.gz
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do cat z64.gz; done >bomb.gz
	test_expect_success 'gzip bomb (1 GiB of zeros in ~1 MB): exit 3, bounded memory, no output' '
		test "$(wc -c <bomb.gz)" -lt 2000000 &&
		test_expect_code 3 max_rss_ok timeout 120 reprove diff bomb.gz small >out 2>err &&
		test_one_error_line err && test "$(wc -l <err)" -eq 1 && grep "bomb" err &&
		test ! -s out &&
		test_expect_code 3 max_rss_ok timeout 120 reprove normalize -q bomb.gz -o b.out 2>err &&
		test_one_error_line err && grep "bomb" err && test ! -e b.out &&
		test -z "$(ls -A | grep "b\\.out")"
	'
	# zip -9 of 1 GiB of zeros: a single deflate member at ~1030:1
	head -c 1073741824 /dev/zero | zip -q -9 zbomb.zip -
	test_expect_success 'zip bomb (1 GiB of zeros in ~1 MB): exit 3, bounded memory, no output' '
		test "$(wc -c <zbomb.zip)" -lt 2000000 &&
		test_expect_code 3 max_rss_ok timeout 120 reprove diff zbomb.zip small >out 2>err &&
		test_one_error_line err && test "$(wc -l <err)" -eq 1 && grep "bomb" err &&
		test ! -s out &&
		test_expect_code 3 max_rss_ok timeout 120 reprove normalize -q zbomb.zip -o zb.out 2>err &&
		test_one_error_line err && grep "bomb" err && test ! -e zb.out
	'
else
	test_skip 'gzip bomb' '/usr/bin/time missing'
	test_skip 'zip bomb' '/usr/bin/time missing'
fi

# Formats and damage t2400 does not cover
mkdir -p src && printf 'hello\n' >src/a && printf 'world\n' >src/b
(cd src && ar rc ../good.a a b)
(cd src && ls | cpio -o -H odc --quiet >../good-odc.cpio)
tar --format=pax -cf good-pax.tar src
(cd src && zip -q -X ../good.zip a b)
printf 'plain\n' >ok-file

check_bad() { # FILE: diff and normalize both exit 3, one line naming FILE, no output
	test_expect_code 3 timeout 60 reprove diff ok-file "$1" >out 2>err &&
	test_one_error_line err && test "$(wc -l <err)" -eq 1 && grep -F "$1" err &&
	test ! -s out &&
	test_expect_code 3 timeout 60 reprove normalize -q "$1" -o out.bin 2>err &&
	test_one_error_line err && test "$(wc -l <err)" -eq 1 && test ! -e out.bin &&
	test -z "$(ls -A | grep "^\\.out\\.bin")"
}

test_expect_success 'truncated ar (cut inside a header): not equal to the whole one' '
	head -c 80 good.a >trunc.a &&
	test_expect_code 1 timeout 60 reprove diff good.a trunc.a >out 2>err &&
	grep "different" out &&
	cp trunc.a trunc2.a && printf zzz >>trunc2.a &&
	test_expect_code 1 timeout 60 reprove diff trunc.a trunc2.a >out 2>err &&
	grep "data after the end" out
'
test_expect_success 'truncated odc cpio: exit 3' '
	head -c 100 good-odc.cpio >trunc-odc.cpio && check_bad trunc-odc.cpio
'
test_expect_success 'pax header with an absurd record length: no crash' '
	python3 -c "
import sys
d = bytearray(open(\"good-pax.tar\", \"rb\").read())
hdr = bytearray(512)
hdr[0:9] = b\"PaxHeader\"
hdr[100:108] = b\"0000644\\0\"
hdr[124:136] = b\"00000000100\\0\"
hdr[156:157] = b\"x\"
hdr[257:263] = b\"ustar\\0\"
hdr[263:265] = b\"00\"
hdr[148:156] = b\"        \"
s = sum(hdr)
hdr[148:156] = (\"%06o\\0 \" % s).encode()
body = bytearray(512)
body[0:64] = b\"99999999999999999999 path=\" + b\"A\" * 38
open(\"bad-pax.tar\", \"wb\").write(bytes(hdr) + bytes(body) + bytes(d))
" &&
	{ timeout 60 reprove diff bad-pax.tar bad-pax.tar >out 2>err; code=$?; } &&
	case $code in 0) grep identical out ;; 3) test_one_error_line err ;; *) false ;; esac
'
# Header data libarchive skips with a warning (another tar may honour it): exit 3, naming
# the member and what was wrong. Charset-conversion warnings stay harmless (below).
python3 - <<'EOF' || exit 1
import io, tarfile
def tar(path, fmt, members, pax=None):
    with tarfile.open(path, "w", format=fmt) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 1700000000
            if pax and name == "a":
                ti.pax_headers = dict(pax)
            t.addfile(ti, io.BytesIO(data))
members = [("a", b"hello\n"), ("b", b"world\n")]
tar("plain.tar", tarfile.USTAR_FORMAT, members)
tar("pax-ok.tar", tarfile.PAX_FORMAT, members, {"path": "a", "comment": "x" * 40})
d = open("pax-ok.tar", "rb").read()
# the first member's pax record announces "path=evil" with a length past the header's end
i = d.index(b" comment=")
j = d.index(b"\n", i) + 1
rec = b"900 path=evil\n"
bad = d[:i - 2] + rec + b"\n" * (j - (i - 2) - len(rec)) + d[j:]
open("pax-badlen.tar", "wb").write(bad)
# a path that is not UTF-8 without hdrcharset=BINARY: a conversion warning, name kept
i = d.index(b"9 path=a\n")
open("pax-latin.tar", "wb").write(d[:i] + b"9 path=\xe9\n" + d[i + 9:])
# a record without "=": "Invalid pax extended attributes"
k = d.index(b"comment=")
open("pax-noeq.tar", "wb").write(d[:k] + b"comment_" + d[k + 8:])
# a base-256 negative size in the ustar header of member b (checksum recomputed)
u = bytearray(open("plain.tar", "rb").read())
h = 1024
u[h + 124:h + 136] = b"\xff" * 12
u[h + 148:h + 156] = b"        "
u[h + 148:h + 156] = ("%06o\0 " % sum(u[h:h + 512])).encode()
open("negsize.tar", "wb").write(bytes(u))
EOF

test_expect_success 'pax record with a bad length (libarchive ignores the record): exit 3' '
	test_expect_code 0 reprove diff plain.tar pax-ok.tar >out &&
	grep "equal after normalization" out &&
	check_bad pax-badlen.tar &&
	grep "pax-badlen.tar.: member 1 (.a.): malformed header: ignoring malformed pax extended attribute$" err &&
	test_expect_code 3 reprove diff plain.tar pax-badlen.tar >out 2>err && test ! -s out
'
test_expect_success 'charset-conversion warnings stay harmless: the stored bytes are the name' '
	test_expect_code 1 reprove diff plain.tar pax-latin.tar >out 2>err && test ! -s err &&
	grep "^  added:    $(printf "\351") (file, 6 bytes)$" out && grep "^  removed:  a " out
'
test_expect_success 'a nested tar with a malformed pax record is compared as bytes, with a note' '
	mkdir -p nn1 nn2 && cp pax-ok.tar nn1/x.tar && cp pax-badlen.tar nn2/x.tar &&
	tar -cf nn1.tar -C nn1 x.tar && tar -cf nn2.tar -C nn2 x.tar &&
	test_expect_code 1 reprove diff nn1.tar nn2.tar >out &&
	grep "^  content differs: x.tar$" out &&
	grep "^  note (b): x.tar: not decoded as tar: .*malformed header" out
'
test_expect_success 'pax record without "=": exit 3' '
	check_bad pax-noeq.tar && grep "malformed header: invalid pax extended attributes$" err
'
test_expect_success 'negative member size: exit 3 (libarchive 3.6 fails it; later ones warn)' '
	check_bad negsize.tar && grep "negsize.tar.*: tar entry has negative size?\{0,1\}$" err
'

# Real-world tarballs whose headers libarchive warns about (or used to) still compare.
test_expect_success 'git archive (pax global header with the commit), GNU long names, non-ASCII names in the C locale' '
	mkdir -p rw/long && (cd rw && git init -q && printf "x\n" >"caf$(printf "\303\251").txt" &&
		printf "y\n" >"long/$(printf "%0150d" 0)" && printf "z\n" >"j$(printf "\303\274")rgen" &&
		git add . && git -c user.name=t -c user.email=t@t commit -q -m c &&
		git archive --format=tar HEAD >../ga.tar && git archive --format=tar.gz HEAD >../ga.tgz) &&
	LC_ALL=C reprove diff ga.tar ga.tgz >out && grep "equal after normalization" out &&
	tar -C rw --exclude=.git --format=gnu -cf gnu.tar . && tar -C rw --exclude=.git --format=pax -cf pax.tar . &&
	LC_ALL=C reprove diff gnu.tar pax.tar >out && grep "equal after normalization" out &&
	LC_ALL=C reprove normalize -q --check pax.tar >/dev/null; test $? -le 1 &&
	(cd rw && zip -q -r ../u.zip . -x ".git/*") && LC_ALL=C reprove diff u.zip pax.tar >out;
	test $? -eq 1 && grep "caf.*txt" out && ! grep "unsafe paths" out
'
test_expect_success 'zip names that differ only in non-ASCII letters are told apart' '
	python3 -c "
import zipfile
for n, (x, y) in ((\"u1.zip\", (\"x\", \"y\")), (\"u2.zip\", (\"y\", \"x\"))):
    with zipfile.ZipFile(n, \"w\") as z:
        z.writestr(\"caf\u00e9.txt\", x)
        z.writestr(\"caf\u00e8.txt\", y)
" && test_expect_code 1 reprove diff u1.zip u2.zip >out &&
	grep "content differs: caf.\{1,2\}.txt" out && ! grep "(the file itself)" out
'

test_expect_success 'zip member with a corrupted CRC: exit 3' '
	python3 -c "
d = bytearray(open(\"good.zip\", \"rb\").read())
i = d.find(b\"PK\\x03\\x04\")
d[i + 14] ^= 0xff
j = d.find(b\"PK\\x01\\x02\")
d[j + 16] ^= 0xff
open(\"badcrc.zip\", \"wb\").write(bytes(d))
" && check_bad badcrc.zip && grep -i "crc" err
'
test_expect_success 'standalone xz truncated: exit 3' '
	head -c 100000 /dev/urandom | xz -c >r.xz && head -c 3000 r.xz >trunc.xz &&
	check_bad trunc.xz
'
for magic in 'PK\003\004' '!<arch>\n' '070701' '\037\213' '\375\067zXZ\000' '(\265/\375' 'BZh9'; do
	printf "$magic" >magic-only
	test_expect_success "a file holding only the magic $(printf '%s' "$magic" | od -An -c | tr -d ' \n'): no crash" '
		{ timeout 60 reprove diff magic-only magic-only >out 2>err; code=$?; } &&
		case $code in 0) grep identical out ;; 3) test_one_error_line err ;; *) false ;; esac
	'
done

test_done
