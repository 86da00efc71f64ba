#!/bin/sh
# reprove check: sha256sum -c semantics, both ways of interop, tampering, malformed input.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	mkdir d && cd d &&
	printf one >one && printf two >two && printf three >"sp ace" &&
	printf four >"$(printf "n\nl")" && printf five >"b\\s" && mkdir sub && printf six >sub/six &&
	find . -type f -printf "%P\0" | LC_ALL=C sort -z | xargs -0 sha256sum -- >../gnu.sums &&
	find . -type f -printf "%P\0" | LC_ALL=C sort -z | xargs -0 sha256sum --tag -- >../bsd.sums
'
test_expect_success 'check accepts sha256sum output (GNU)' '
	(cd d && reprove check ../gnu.sums >../out) &&
	test "$(grep -c ": OK$" out)" = 6 && grep -q "^\\\\n\\\\nl: OK$" out
'
test_expect_success 'check accepts sha256sum --tag output (BSD)' '
	(cd d && reprove check ../bsd.sums >../out) && test "$(grep -c ": OK$" out)" = 6
'
test_expect_success 'output lines match sha256sum -c for plain names' '
	(cd d && sha256sum -c ../gnu.sums >../g.out; reprove check ../gnu.sums >../r.out) &&
	test_cmp g.out r.out
'
test_expect_success 'CRLF lines, upper-case hex and binary marker are accepted' '
	sed "s/\$/\r/" gnu.sums >crlf.sums && (cd d && reprove check ../crlf.sums >/dev/null) &&
	h=$(sha256sum d/one | cut -c1-64 | tr a-f A-F) && echo "$h *one" >up.sums &&
	(cd d && reprove check ../up.sums | grep -q "^one: OK")
'
test_expect_success 'stdin as SUMSFILE' '
	(cd d && reprove check - <../gnu.sums >/dev/null)
'
test_expect_success 'tampered file: FAILED, warning, exit 1' '
	cp -r d t && printf TWO >t/two &&
	(cd t && test_expect_code 1 reprove check ../gnu.sums >../out 2>../err) &&
	grep -q "^two: FAILED$" out && grep -q "1 computed checksum did NOT match" err &&
	! grep -q "^two: OK" out
'
test_expect_success 'tampered digest in the sums file: exit 1' '
	awk "/  one\$/ { c = substr(\$0, 1, 1); \$0 = (c == \"0\" ? \"1\" : \"0\") substr(\$0, 2) } 1" \
		gnu.sums >bad.sums && ! cmp -s bad.sums gnu.sums &&
	(cd d && test_expect_code 1 reprove check ../bad.sums >../out 2>/dev/null) &&
	grep -q "FAILED" out
'
test_expect_success '--quiet hides OK lines, --status prints nothing' '
	(cd t && test_expect_code 1 reprove check --quiet ../gnu.sums >../q 2>/dev/null) &&
	! grep -q ": OK" q && grep -q FAILED q &&
	(cd t && test_expect_code 1 reprove check --status ../gnu.sums >../s 2>../se) &&
	! test -s s && ! test -s se &&
	(cd d && reprove check --status ../gnu.sums >../s2) && ! test -s s2
'
test_expect_success 'missing file: FAILED open or read, exit 1; --ignore-missing skips it' '
	cp gnu.sums m.sums && echo "$(sha256sum d/one | cut -c1-64)  gone" >>m.sums &&
	(cd d && test_expect_code 1 reprove check ../m.sums >../out 2>../err) &&
	grep -q "^gone: FAILED open or read$" out && grep -q "^reprove: check: cannot read .gone." err &&
	(cd d && reprove check --ignore-missing ../m.sums >../out) && ! grep -q gone out
'
test_expect_success '--ignore-missing with nothing present: no file was verified, exit 1' '
	echo "$(sha256sum d/one | cut -c1-64)  gone" >g.sums &&
	(cd d && test_expect_code 1 reprove check --ignore-missing ../g.sums 2>../err) &&
	grep -q "no file was verified" err
'
test_expect_success 'listed directory is a read failure, exit 1' '
	echo "$(sha256sum d/one | cut -c1-64)  sub" >dir.sums &&
	(cd d && test_expect_code 1 reprove check dir.sums ../dir.sums >../out 2>/dev/null; \
	        test_expect_code 1 reprove check ../dir.sums >../out 2>/dev/null) &&
	grep -q "^sub: FAILED open or read" out
'
test_expect_success 'malformed lines are skipped with a warning; --strict makes them exit 3' '
	cp gnu.sums mal.sums && echo "not a checksum line" >>mal.sums &&
	(cd d && reprove check ../mal.sums >/dev/null 2>../err) &&
	grep -q "1 line is improperly formatted" err &&
	(cd d && test_expect_code 3 reprove check --strict ../mal.sums >/dev/null 2>../err) &&
	test_one_error_line err && grep -q "improperly formatted" err &&
	(cd d && reprove check -w ../mal.sums >/dev/null 2>../err) && grep -q "line 7" err
'
test_expect_success 'no properly formatted line: exit 3' '
	printf "garbage\nmore garbage\n" >junk.sums &&
	test_expect_code 3 reprove check junk.sums 2>err && test_one_error_line err &&
	grep -q "no properly formatted" err
'
test_expect_success 'a 10 MB line is malformed input, one line, exit 3, no hang' '
	head -c 10000000 /dev/zero | tr "\0" a >long.sums &&
	test_expect_code 3 timeout 20 reprove check long.sums 2>err &&
	test "$(wc -l <err)" = 1 && grep -q "line 1: line longer than" err
'
test_expect_success 'missing SUMSFILE: exit 4; directory as SUMSFILE: exit 4' '
	test_expect_code 4 reprove check nope.sums 2>err && test_one_error_line err &&
	test_expect_code 4 reprove check d 2>err && grep -q "is a directory" err
'
test_expect_success 'reprove hash output round-trips through reprove check and sha256sum -c' '
	(cd d && reprove hash . >../rp.sums && reprove check --strict ../rp.sums >/dev/null &&
	 sha256sum -c --strict ../rp.sums >/dev/null)
'
test_expect_success 'names with terminal escapes are printed with ? in results' '
	mkdir e && printf x >"e/$(printf "evil\033]0;x\007")" && (cd e && reprove hash . >../e.sums) &&
	(cd e && reprove check ../e.sums >../out) && ! grep -q "$(printf "\033")" out &&
	grep -q "^evil?\]0;x?: OK$" out
'
test_done
