#!/bin/sh
# verify and fetch --sums: a signed SHA256SUMS listing one name twice with different digests
# is malformed input (exit 3), not "the last line wins": sha256sum -c fails the other line,
# so a publisher (or whoever got one line into the file) could have each reader see a
# different release.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a signed SHA256SUMS naming app.tar.gz twice' '
	mkdir rel && printf genuine >rel/app.tar.gz && printf evil >evil &&
	good=$(sha256sum rel/app.tar.gz | cut -c1-64) && bad=$(sha256sum evil | cut -c1-64) &&
	{ echo "$good  app.tar.gz" && echo "$bad  app.tar.gz"; } >rel/SHA256SUMS &&
	reprove keygen -o k --no-passphrase 2>/dev/null &&
	reprove sign -k k.key rel/SHA256SUMS &&
	cp evil app.tar.gz
'
# malformed CMD...: exit 3, one error line naming the sums file and both lines, no report
malformed() {
	test_expect_code 3 "$@" >out 2>err &&
	test_one_error_line err &&
	grep "SHA256SUMS. lines 1 and 2: .app.tar.gz. is listed twice with different digests" err &&
	! grep "^verified\|^OK" out
}
test_expect_success 'verify: the evil bytes (last line) are refused, exit 3' '
	malformed reprove verify app.tar.gz -p k.pub --sums rel/SHA256SUMS \
		--sums-sig rel/SHA256SUMS.minisig
'
test_expect_success 'verify: the genuine bytes are refused too: the file is ambiguous' '
	malformed reprove verify rel/app.tar.gz --sums rel/SHA256SUMS
'
test_expect_success 'verify: a digest-only asset as well' '
	malformed reprove verify sha256:$(sha256sum evil | cut -c1-64) --sums rel/SHA256SUMS
'
test_expect_success 'fetch: refused, nothing left behind' '
	test_expect_code 3 reprove fetch "file://$PWD/app.tar.gz" -o got.tar.gz -p k.pub \
		--sums rel/SHA256SUMS --sums-sig rel/SHA256SUMS.minisig >out 2>err &&
	grep "lines 1 and 2: .app.tar.gz. is listed twice" err &&
	! test -e got.tar.gz && ! test -e got.tar.gz.part
'
test_expect_success 'the same line twice still verifies' '
	sha256sum rel/app.tar.gz rel/app.tar.gz >twice &&
	reprove verify rel/app.tar.gz --sums twice >out && grep "^verified" out
'
test_done
