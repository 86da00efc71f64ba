#!/bin/sh
# reprove check: a SHA256SUMS that lists one name twice with different digests is refused
# (exit 3, both lines named): sha256sum -c would fail one of the lines while a reader that
# keeps one line per name would pass, so the file has no single meaning. The same name twice
# with the same digest is checked twice, as sha256sum -c does.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup' '
	printf good >app.tar.gz && printf evil >evil.tar.gz && printf other >other &&
	good=$(sha256sum app.tar.gz | cut -c1-64) && evil=$(sha256sum evil.tar.gz | cut -c1-64) &&
	{ echo "$evil  app.tar.gz" && sha256sum other && echo "$good  app.tar.gz"; } >dup.sums &&
	{ sha256sum app.tar.gz other && echo "SHA256 (app.tar.gz) = $evil"; } >dup-bsd.sums &&
	{ sha256sum app.tar.gz other app.tar.gz; } >same.sums
'
test_expect_success 'one name, two digests: exit 3, file and both lines named, nothing checked' '
	test_expect_code 3 reprove check dup.sums >out 2>err &&
	test_one_error_line err &&
	grep "^reprove: check: .dup.sums. lines 1 and 3: .app.tar.gz. is listed twice with different digests$" err &&
	! test -s out
'
test_expect_success 'a GNU line and a BSD tag line for one name are the same name' '
	test_expect_code 3 reprove check dup-bsd.sums >out 2>err &&
	grep "lines 1 and 3: .app.tar.gz. is listed twice" err && ! test -s out
'
test_expect_success 'also with --ignore-missing, --status and on stdin' '
	test_expect_code 3 reprove check --ignore-missing dup.sums 2>err &&
	grep "listed twice" err &&
	test_expect_code 3 reprove check --status dup.sums 2>/dev/null &&
	test_expect_code 3 reprove check - <dup.sums 2>err &&
	grep "standard input. lines 1 and 3" err
'
test_expect_success 'the same name with the same digest is checked twice, as by sha256sum -c' '
	reprove check same.sums >out &&
	test "$(grep -c "^app.tar.gz: OK$" out)" = 2 &&
	sha256sum -c same.sums >sha.out && test_cmp sha.out out
'
test_done
