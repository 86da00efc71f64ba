#!/bin/sh
# Tar headers that GNU tar and libarchive name differently (security review finding 4): a
# pax global header ('g') carrying path, linkpath or size, which GNU tar and Python apply
# to the members after it and libarchive ignores, and two long-name sources that disagree
# (a GNU long name 'L' and a pax path, two 'L's, 'K' and a pax linkpath), where libarchive
# takes the first header and GNU tar the pax record. GNU tar is asked what it sees, so each
# fixture is shown to disagree; diff, normalize and normalize --check refuse it (exit 3).
. "$(dirname "$0")/lib.sh"

python3 - <<'PY' || exit 1
import tarfile
def pax(recs):
    out = b""
    for k, v in recs:
        rec = b" %s=%s\n" % (k.encode(), v.encode())
        n = len(rec) + 1
        while n != len(str(n)) + len(rec):
            n += 1
        out += str(n).encode() + rec
    return out
def pad(b):
    return b + b"\0" * (-len(b) % 512)
def special(typ, body, name="././@LongLink"):
    ti = tarfile.TarInfo(name)
    ti.type = typ
    ti.size = len(body)
    return ti.tobuf(format=tarfile.GNU_FORMAT) + pad(body)
def member(name, data, typ=tarfile.REGTYPE, link=""):
    ti = tarfile.TarInfo(name)
    ti.type = typ
    ti.linkname = link
    ti.mtime = 1700000000
    ti.size = len(data)
    return ti.tobuf(format=tarfile.USTAR_FORMAT) + pad(data)
END = b"\0" * 1024
GOOD, EVIL = b"good tool\n", b"evil tool\n"
tool = member("bin/tool", GOOD)
w = lambda n, *parts: open(n, "wb").write(b"".join(parts) + END)
w("good.tar", tool, member("doc/readme", EVIL))
w("g-path.tar", tool, special(b"g", pax([("path", "bin/tool")]), "pax_global_header"),
  member("doc/readme", EVIL))
w("g-size.tar", tool, special(b"g", pax([("size", "0")]), "pax_global_header"),
  member("doc/readme", EVIL))
w("g-comment.tar", tool, special(b"g", pax([("comment", "c0ffee")]), "pax_global_header"),
  member("doc/readme", EVIL))
w("l-x.tar", tool, special(b"L", b"doc/readme\0"), special(b"x", pax([("path", "bin/tool")]), "x"),
  member("doc/readme", EVIL))
w("x-l.tar", tool, special(b"x", pax([("path", "bin/tool")]), "x"), special(b"L", b"doc/readme\0"),
  member("doc/readme", EVIL))
w("l-x-same.tar", tool, special(b"L", b"doc/readme\0"), special(b"x", pax([("path", "doc/readme")]), "x"),
  member("doc/readme", EVIL))
w("l-l.tar", tool, special(b"L", b"doc/readme\0"), special(b"L", b"bin/tool\0"),
  member("doc/readme", EVIL))
w("good-link.tar", tool, member("doc/link", b"", tarfile.SYMTYPE, "readme"))
w("k-x.tar", tool, special(b"K", b"readme\0"), special(b"x", pax([("linkpath", "/etc/shadow")]), "x"),
  member("doc/link", b"", tarfile.SYMTYPE, "readme"))
PY

refused() { # FILE PATTERN [GOOD]: diff, normalize, --check exit 3 with one line
	test_expect_code 3 reprove diff "${3:-good.tar}" "$1" >out 2>err &&
	test ! -s out && test "$(wc -l <err)" -eq 1 && test_one_error_line err &&
	grep -F "'$1'" err && grep -e "$2" err &&
	test_expect_code 3 reprove normalize -q "$1" -o norm.tar 2>err &&
	test ! -e norm.tar && grep -e "$2" err &&
	test_expect_code 3 reprove normalize -q --check "$1" >out 2>err &&
	test ! -s out && grep -e "$2" err
}

if test_have tar && tar --version 2>/dev/null | grep -q "GNU tar"; then
	test_expect_success 'GNU tar puts the evil bytes on bin/tool in each fixture' '
		for f in g-path l-x; do
			tar -tf $f.tar >names && printf "bin/tool\nbin/tool\n" >expect &&
			test_cmp expect names &&
			mkdir -p x-$f && tar -C x-$f -xf $f.tar && grep "evil" x-$f/bin/tool || return 1
		done &&
		tar -tvf k-x.tar | grep -F "doc/link -> /etc/shadow"
	'
else
	test_skip 'GNU tar puts the evil bytes on bin/tool in each fixture' 'no GNU tar'
fi

test_expect_success 'pax global header setting path: exit 3, naming the offset' '
	refused g-path.tar "pax global header at offset 1024 sets .path., which tar implementations apply differently"
'
test_expect_success 'pax global header setting size: exit 3' '
	refused g-size.tar "pax global header at offset 1024 sets .size."
'
test_expect_success 'GNU long name, then a pax path naming another file: exit 3' '
	refused l-x.tar "member 2: conflicting names: .doc/readme. (GNU long name) and .bin/tool. (pax path)"
'
test_expect_success 'pax path, then a GNU long name naming another file: exit 3' '
	refused x-l.tar "member 2: conflicting names: .bin/tool. (pax path) and .doc/readme. (GNU long name)"
'
test_expect_success 'two GNU long names: exit 3' '
	refused l-l.tar "member 2: conflicting names: .doc/readme. (GNU long name) and .bin/tool."
'
test_expect_success 'GNU long link, then a pax linkpath elsewhere: exit 3' '
	refused k-x.tar "member 2: conflicting link targets: .readme. (GNU long link) and ./etc/shadow. (pax linkpath)" good-link.tar
'
test_expect_success 'compressed and nested, the same headers are refused' '
	gzip -n -c g-path.tar >g-path.tar.gz &&
	test_expect_code 3 reprove diff good.tar g-path.tar.gz >out 2>err &&
	grep "g-path.tar.gz.: pax global header at offset 1024 sets .path." err &&
	mkdir -p nest && cp l-x.tar nest/inner.tar && tar -cf outer.tar -C nest inner.tar &&
	test_expect_code 3 reprove normalize -q --check outer.tar >out 2>err && test ! -s out &&
	grep "outer.tar!/inner.tar.: member 2: conflicting names" err &&
	mkdir -p nest-good && cp good.tar nest-good/inner.tar &&
	tar -cf outer-good.tar -C nest-good inner.tar &&
	test_expect_code 3 reprove diff outer-good.tar outer.tar >out 2>err && test ! -s out &&
	grep "outer.tar!/inner.tar.: member 2: conflicting names" err
'
test_expect_success 'harmless forms still compare: a global comment, agreeing long names' '
	reprove diff good.tar g-comment.tar >out && grep "equal after normalization" out &&
	reprove diff good.tar l-x-same.tar >out && grep "equal after normalization" out
'

test_done
