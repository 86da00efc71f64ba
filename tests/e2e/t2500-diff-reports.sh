#!/bin/sh
# diff reports: --json schema fields, --html self-contained page written atomically,
# declared exceptions echoed, directories, nested archives in trees, hostile member names,
# and head+tail truncation of long reports.
. "$(dirname "$0")/lib.sh"

mkdir -p a/sub b/sub
printf 'one\ntwo\n' >a/sub/t.txt && printf 'one\nTWO\n' >b/sub/t.txt
printf 'same\n' >a/same && printf 'same\n' >b/same
printf 'gone\n' >a/gone
printf 'new\n' >b/new
(cd a && tar --mtime=@1 -czf ../a/inner.tgz sub) && (cd b && tar --mtime=@2 --owner=9 -czf ../b/inner.tgz sub)

test_expect_success 'directories: added, removed, content, nested archives followed' '
	test_expect_code 1 reprove diff a b >out &&
	grep "added:    new" out && grep "removed:  gone" out &&
	grep "content differs: sub/t.txt$" out &&
	grep "content differs: inner.tgz!/sub/t.txt$" out &&
	grep "a and b: different$" out
'

test_expect_success '--json: documented fields, counts, verdict' '
	test_expect_code 1 reprove diff --json a b >j &&
	python3 - <<-EOF
	import json
	d = json.load(open("j"))
	for k in ("schema", "verdict", "layer", "strict", "a", "b", "normalized", "exceptions",
	          "counts", "items", "items_omitted", "details_truncated", "unsafe_paths"):
	    assert k in d, k
	assert d["schema"] == "reprove-diff/1"
	assert d["verdict"] == "different" and d["layer"] == "members"
	assert d["counts"] == {"added": 1, "removed": 1, "content": 2, "type": 0, "metadata": 0}, d["counts"]
	c = [i for i in d["items"] if i["path"] == "sub/t.txt"][0]
	assert c["change"] == "content" and c["first_difference"] == 4 and c["text"] is True
	assert "-two" in c["unified_diff"] and "+TWO" in c["unified_diff"]
	assert len(c["a"]["sha256"]) == 64 and c["a"]["size"] == 8
	EOF
'

test_expect_success 'text diffs: minimal hunks that patch(1) applies, one per separate change' '
	seq 1 200 >t1 && sed -e "s/^17$/seventeen/" -e "/^90$/d" -e "s/^150$/150\\nextra/" t1 >t2 &&
	printf "only\nin b\n" >t3 && : >t0 &&
	for pair in "t1 t2" "t2 t1" "t0 t3" "t3 t0"; do
		set -- $pair &&
		test_expect_code 1 reprove diff --json "$1" "$2" >j &&
		python3 -c "import json; import sys; u = json.load(open(\"j\"))[\"items\"][0][\"unified_diff\"]; sys.stdout.write(\"--- a\n+++ b\n\" + u)" >p.diff &&
		cp "$1" x && patch -s -F0 x <p.diff && cmp x "$2" || return 1
	done &&
	test_expect_code 1 reprove diff t1 t2 >out &&
	test "$(grep -c "^    @@ " out)" -eq 3 && test "$(grep -c "^    [-+]" out)" -eq 4 &&
	grep "^    -17$" out && grep "^    +seventeen$" out && grep "^    +extra$" out
'

test_expect_success 'text diffs: more than 40 changed lines are cut with a count' '
	seq 1 300 >u1 && seq 1 300 | sed "s/5$/five/" >u2 &&
	test_expect_code 1 reprove diff u1 u2 >out &&
	test "$(grep -c "^    [-+][0-9]*[0-9f]" out)" -eq 40 && grep "more changed lines\]$" out
'

test_expect_success '--html writes a self-contained page, stdout keeps the text report' '
	test_expect_code 1 reprove diff --html report.html a b >out &&
	grep "a and b: different$" out &&
	grep "<!DOCTYPE html>" report.html && grep "different" report.html &&
	grep "sub/t.txt" report.html &&
	! grep -i "<script" report.html && ! grep -i "src=" report.html &&
	! grep -i "https\?://" report.html
'

test_expect_success '--html escapes hostile member names' '
	mkdir h1 h2 && printf x >h1/x && printf y >h2/x &&
	printf 1 >"h2/<img onerror=alert(1)>" &&
	test_expect_code 1 reprove diff --html h.html h1 h2 >out &&
	grep "&lt;img onerror=alert(1)&gt;" h.html && ! grep "<img" h.html
'

test_expect_success 'control characters in names never reach the terminal raw' '
	mkdir c1 c2 && printf x >c1/f && printf x >c2/f &&
	printf 1 >"c2/$(printf "evil\033[31mname")" &&
	test_expect_code 1 reprove diff c1 c2 >out &&
	! grep "$(printf "\033")" out && grep "evil?\[31mname" out
'

test_expect_success 'exceptions: matched members ignored, each echoed with its reason' '
	printf "# reasons are required\nsub/t.txt   text differs on purpose\ninner.tgz!/* rebuilt upstream\nnew  added by packaging\ngone removed by packaging\n" >exc &&
	reprove diff --exceptions exc a b >out &&
	grep "equal after normalization$" out &&
	grep "sub/t.txt: text differs on purpose (1 matched)" out &&
	grep "rebuilt upstream (1 matched)" out &&
	reprove diff --json --exceptions exc a b >j &&
	grep "\"reason\": \"text differs on purpose\"" j
'

test_expect_success 'exception without a reason is malformed input (exit 3)' '
	printf "sub/t.txt\n" >bad &&
	test_expect_code 3 reprove diff --exceptions bad a b >out 2>err &&
	test_one_error_line err && grep "line 1" err && grep "no reason" err
'

test_expect_success 'long reports are cut head+tail with the cut marked' '
	mkdir m1 m2 && i=0 &&
	while [ $i -lt 300 ]; do printf "a$i\n" >m1/f$i; printf "b$i\n" >m2/f$i; i=$((i + 1)); done &&
	test_expect_code 1 reprove diff --max-report 4096 m1 m2 >out &&
	grep "report truncated: .* bytes omitted" out &&
	test "$(wc -c <out)" -lt 5000 &&
	tail -n 1 out | grep "m1 and m2: different$" &&
	test_expect_code 1 reprove diff --max-items 10 m1 m2 >out &&
	grep "\[... 290 members omitted ...\]" out && grep "^changes: 300 content" out
'

# Members compared as bytes (nesting deeper than 8 levels, an archive magic that does not
# decode) are listed as notes in every report format, so a reader can tell.
nest() { # DIR CONTENT: a file nested in 9 levels of tar, DIR/l9.tar
	mkdir -p "$1" && printf "$2" >"$1/f" && (
		cd "$1" && tar -cf l1.tar f && i=2 &&
		while [ $i -le 9 ]; do tar -cf l$i.tar l$((i - 1)).tar || exit 1; i=$((i + 1)); done
	)
}
test_expect_success 'notes: depth limit and "not decoded" members are reported (text)' '
	nest n1 one && nest n2 two &&
	mkdir n1/t n2/t && cp n1/l9.tar n1/t/deep.tar && cp n2/l9.tar n2/t/deep.tar &&
	printf "\037\213\010not really gzip" >n1/t/fake.gz && cp n1/t/fake.gz n2/t/ &&
	test_expect_code 1 reprove diff n1/t n2/t >out &&
	grep "^notes (members compared as bytes):$" out &&
	grep "^  note (both): deep.tar!/l8.tar!/l7.tar!/l6.tar!/l5.tar!/l4.tar!/l3.tar!/l2.tar!/l1.tar: not decoded as tar (depth limit 8): compared as bytes$" out &&
	grep "^  note (a): fake.gz: not decoded: .*not a valid gzip stream" out &&
	grep "^  note (b): fake.gz: not decoded: .*not a valid gzip stream" out &&
	reprove diff a a/../a >out && ! grep "note" out
'

test_expect_success 'notes: --json "notes" field, --html section, absent when none' '
	test_expect_code 1 reprove diff --json --html n.html n1/t n2/t >j &&
	python3 - <<-EOF &&
	import json
	d = json.load(open("j"))
	n = d["notes"]
	assert d["notes_omitted"] == 0
	deep = [x for x in n if x["path"].startswith("deep.tar!/")]
	assert len(deep) == 1 and deep[0]["side"] == "both", n
	assert "depth limit 8" in deep[0]["note"]
	assert sorted(x["side"] for x in n if x["path"] == "fake.gz") == ["a", "b"], n
	EOF
	grep "Notes: members compared as bytes" n.html && grep "depth limit 8" n.html &&
	test_expect_code 1 reprove diff --json a b >j &&
	python3 -c "import json; d = json.load(open(\"j\")); assert \"notes\" not in d"
'

test_expect_success 'notes are bounded by --max-items and by the report size' '
	mkdir nm1 nm2 && i=0 &&
	while [ $i -lt 30 ]; do
		printf "\037\213\010not gzip $i" >nm1/f$i.gz && printf "\037\213\010not gzip! $i" >nm2/f$i.gz &&
		i=$((i + 1))
	done &&
	test_expect_code 1 reprove diff --max-items 4 nm1 nm2 >out &&
	test "$(grep -c "^  note (" out)" -eq 4 && grep "^  \[... 56 notes omitted ...\]$" out &&
	test_expect_code 1 reprove diff --max-report 3000 nm1 nm2 >out &&
	grep "report truncated" out && test "$(wc -c <out)" -lt 3500
'

test_expect_success 'a directory against a file is a usage error' '
	test_expect_code 2 reprove diff a a/same 2>err && test_one_error_line err
'

test_expect_success '-q prints only the verdict' '
	test_expect_code 1 reprove diff -q a b >out && test "$(cat out)" = different
'

test_done
