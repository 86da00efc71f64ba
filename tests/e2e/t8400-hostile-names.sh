#!/bin/sh
# Names carrying terminal control sequences (file names, archive members, SHA256SUMS
# entries, URLs, trusted comments) are never written raw to the terminal by reprove's own
# messages and reports: errors and text reports show '?', JSON escapes them (\u001b), HTML
# escapes markup. (`hash` output is sha256sum's format byte for byte, so it keeps names
# as coreutils does; `check` reports go through the same escaping as errors.)
. "$(dirname "$0")/lib.sh"

ESC=$(printf '\033')
BEL=$(printf '\007')
N="x${ESC}]0;pwned${BEL}y${ESC}[2J"

no_ctl() { # FILE...: no ESC, BEL or other C0 control except tab/newline
	! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$@"
}

test_expect_success 'error messages about a hostile file name are escaped' '
	test_must_fail reprove hash "$N" >out 2>err && test_one_error_line err &&
	no_ctl err && grep "x?\]0;pwned?y" err
'
test_expect_success 'check: a hostile name listed in SHA256SUMS is escaped in every line' '
	printf "%064d  %s\n" 0 "$N" >SUMS &&
	test_expect_code 1 reprove check SUMS >out 2>err && no_ctl out err &&
	printf a >"$N" && test_expect_code 1 reprove check SUMS >out 2>err && no_ctl out err &&
	grep FAILED out
'
test_expect_success 'verify: the asset name in the report and the error is escaped' '
	test_expect_code 1 reprove verify "$N" -p $TESTDATA/keys/minisign-plain.pub \
		--sig $TESTDATA/forgeries/asset.txt.minisig >out 2>err &&
	no_ctl out err && grep "signature" err
'
test_expect_success 'a trusted comment with control characters is escaped when shown' '
	cp $TESTDATA/forgeries/asset.txt t.txt &&
	reprove keygen -o k --no-passphrase >/dev/null 2>&1 &&
	reprove sign -k k.key -t "evil${ESC}[2Jcomment" t.txt &&
	reprove verify t.txt -p k.pub --sig t.txt.minisig >out 2>err && no_ctl out err &&
	grep "^verified" out
'

python3 - <<'EOF' || exit 1
import io, tarfile
names = ["e\x1b[31mred", "nl\nname", "bell\x07", "cr\rname", "<script>alert(1)</script>&'\""]
for out, extra in (("n1.tar", b""), ("n2.tar", b"2")):
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        for n in names:
            d = n.encode() + extra
            ti = tarfile.TarInfo(n)
            ti.size = len(d)
            t.addfile(ti, io.BytesIO(d))
        ti = tarfile.TarInfo("link\x1b[0m")
        ti.type = tarfile.SYMTYPE
        ti.linkname = "../\x1b]0;x\x07" + out
        t.addfile(ti)
EOF

test_expect_success 'diff: member names and link targets are escaped in the text report' '
	test_expect_code 1 reprove diff n1.tar n2.tar >out 2>err && no_ctl out err &&
	grep "e?\[31mred" out && grep "content differs" out
'
test_expect_success 'diff --json escapes control characters as JSON and stays valid' '
	test_expect_code 1 reprove diff --json n1.tar n2.tar >out.json 2>err &&
	no_ctl out.json err && grep -i "u001b" out.json &&
	python3 -c "import json,sys; json.load(open(\"out.json\"))"
'
test_expect_success 'diff --html escapes markup and control characters' '
	test_expect_code 1 reprove diff --html out.html n1.tar n2.tar >out 2>err &&
	no_ctl out.html && ! grep "<script>" out.html && grep "&lt;script&gt;" out.html
'
test_expect_success 'normalize --check lists hostile member names escaped' '
	{ reprove normalize --check --epoch 0 n1.tar >out 2>err; code=$?; } &&
	test $code -le 1 && no_ctl out err
'
test_expect_success 'fetch: a URL with control characters is escaped in the error' '
	test_must_fail reprove fetch "https://example.invalid/${ESC}[2J" -o f.out >out 2>err &&
	no_ctl out err && test ! -e f.out
'

test_done
