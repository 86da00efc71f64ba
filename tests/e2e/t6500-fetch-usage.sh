#!/bin/sh
# reprove fetch: command-line refusals (exit 2) and file:// downloads, no network needed.
. "$(dirname "$0")/lib.sh"

head -c 300000 /dev/urandom >asset.bin
SUM=$(sha256sum asset.bin | cut -c1-64)
BAD=$(printf '%064d' 0)
export SUM BAD

test_expect_success 'plain http is refused without --allow-http (exit 2, no output)' '
	test_expect_code 2 reprove fetch http://127.0.0.1:9/asset.bin -o out.bin --sha256 $SUM 2>err &&
	test_one_error_line err &&
	grep "plain http refused" err && grep -- "--allow-http" err &&
	! test -e out.bin && ! test -e out.bin.part
'

test_expect_success 'unsupported schemes are usage errors' '
	test_expect_code 2 reprove fetch ftp://127.0.0.1/x -o out.bin 2>err &&
	grep "not an https, http or file URL" err &&
	test_expect_code 2 reprove fetch ./asset.bin -o out.bin 2>err &&
	test_one_error_line err
'

test_expect_success 'missing -o, missing URL, two URLs, -o - are usage errors' '
	test_expect_code 2 reprove fetch file://$PWD/asset.bin 2>err && grep -- "-o FILE is required" err &&
	test_expect_code 2 reprove fetch -o out.bin 2>err && grep "no URL given" err &&
	test_expect_code 2 reprove fetch file://$PWD/a file://$PWD/b -o out.bin 2>err &&
	grep "one URL at a time" err &&
	test_expect_code 2 reprove fetch file://$PWD/asset.bin -o - 2>err && grep "verified in a file" err
'

test_expect_success 'bad --sha256, --max-size, --retry values are usage errors' '
	test_expect_code 2 reprove fetch file://$PWD/asset.bin -o out.bin --sha256 abc 2>err &&
	grep "not 64 hex digits" err &&
	test_expect_code 2 reprove fetch file://$PWD/asset.bin -o out.bin --sha256 "$(printf %064d 0 | tr 0 g)" 2>err &&
	test_expect_code 2 reprove fetch file://$PWD/asset.bin -o out.bin --max-size 12Q 2>err &&
	grep "not a size" err &&
	test_expect_code 2 reprove fetch file://$PWD/asset.bin -o out.bin --max-size 99999999999999999999999 2>err &&
	test_expect_code 2 reprove fetch file://$PWD/asset.bin -o out.bin --max-size 99999999999G 2>err &&
	test_expect_code 2 reprove fetch file://$PWD/asset.bin -o out.bin --retry 99 2>err &&
	grep "out of range" err &&
	! test -e out.bin
'

test_expect_success 'option combinations that cannot work are refused' '
	test_expect_code 2 reprove fetch file://$PWD/asset.bin -o out.bin --sums-sig x.minisig 2>err &&
	grep "needs --sums" err &&
	test_expect_code 2 reprove fetch file://$PWD/asset.bin -o out.bin -p k.pub 2>err &&
	grep -- "-p needs" err &&
	test_expect_code 2 reprove fetch file://$PWD/asset.bin -o out.bin --builder-id x 2>err &&
	grep "policy flags need --provenance" err &&
	mkdir d && test_expect_code 2 reprove fetch file://$PWD/asset.bin -o d 2>err &&
	grep "is a directory" err
'

test_expect_success 'file:// with the right --sha256 gives the file its final name' '
	reprove fetch file://$PWD/asset.bin -o out.bin --sha256 $SUM >out 2>err &&
	cmp asset.bin out.bin && ! test -e out.bin.part &&
	grep "^sha256: OK $SUM" out && grep "^OK out.bin" out
'

test_expect_success 'file:// with a wrong --sha256 exits 1 and leaves nothing' '
	test_expect_code 1 reprove fetch file://$PWD/asset.bin -o bad.bin --sha256 $BAD >out 2>err &&
	test_one_error_line err && grep "sha256 mismatch (expected $BAD, got $SUM)" err &&
	grep "^sha256: FAIL" out && ! grep "^OK" out &&
	! test -e bad.bin && ! test -e bad.bin.part
'

test_expect_success 'an upper-case --sha256 is accepted' '
	reprove fetch file://$PWD/asset.bin -o up.bin --sha256 "$(echo $SUM | tr a-f A-F)" >out &&
	cmp asset.bin up.bin
'

test_expect_success 'a missing file:// source exits 4 and leaves nothing' '
	test_expect_code 4 reprove fetch file://$PWD/nope.bin -o nope.out --sha256 $SUM 2>err &&
	test_one_error_line err && grep "cannot fetch" err &&
	! test -e nope.out && ! test -e nope.out.part
'

test_expect_success 'without any check the file is kept but a warning says it is unverified' '
	reprove fetch file://$PWD/asset.bin -o plain.bin >out 2>err &&
	cmp asset.bin plain.bin && grep "will not be verified" err
'

test_expect_success 'an existing FILE is replaced only on success' '
	echo old >keep.bin &&
	test_expect_code 1 reprove fetch file://$PWD/asset.bin -o keep.bin --sha256 $BAD 2>err &&
	echo old >expect && test_cmp expect keep.bin &&
	reprove fetch file://$PWD/asset.bin -o keep.bin --sha256 $SUM >out &&
	cmp asset.bin keep.bin
'

test_expect_success '--max-size refuses a larger file:// source (exit 3)' '
	test_expect_code 3 reprove fetch file://$PWD/asset.bin -o big.bin --max-size 100K --sha256 $SUM 2>err &&
	test_one_error_line err && grep "larger than 102400 bytes" err &&
	! test -e big.bin && ! test -e big.bin.part
'

test_expect_success 'fetch is listed in help and has a usage text' '
	reprove help >out && grep "^  fetch " out &&
	reprove fetch --help >out && grep "^usage: reprove fetch URL -o FILE" out
'

test_done
