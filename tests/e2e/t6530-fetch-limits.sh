#!/bin/sh
# reprove fetch --max-size: refused from Content-Length before any byte is stored, and by
# counting when the server sends no length (chunked); the limit covers resumed bytes too.
. "$(dirname "$0")/lib.sh"
. "$RP_ROOT/tests/e2e/lib-nginx.sh"

if ! nginx_prereq; then
	test_skip 'fetch limits' 'nginx, openssl or python3 missing (tests/deps/fetch.apt)'
	test_done
fi
nginx_start || { echo "not ok - nginx did not start"; exit 1; }

head -c 2000000 /dev/urandom >"$WWW/big.bin"
SUM=$(sha256sum "$WWW/big.bin" | cut -c1-64)
export SUM HTTPS_URL CA WWW ACCESS_LOG

test_expect_success 'Content-Length over --max-size exits 3 before storing anything' '
	test_expect_code 3 reprove fetch "$HTTPS_URL/big.bin" --cacert "$CA" -o b.bin --max-size 1M --sha256 $SUM 2>err &&
	test_one_error_line err && grep "larger than 1048576 bytes (2000000 announced)" err &&
	! test -e b.bin && ! test -e b.bin.part
'

test_expect_success 'a chunked body over --max-size is stopped by counting (exit 3)' '
	test_expect_code 3 reprove fetch "$HTTPS_URL/chunked/big.bin" --cacert "$CA" -o c.bin --max-size 500K --sha256 $SUM 2>err &&
	test_one_error_line err && grep "larger than 512000 bytes$" err &&
	nginx_log_has "^200 /chunked/big.bin" &&
	! test -e c.bin && ! test -e c.bin.part
'

test_expect_success 'a chunked body within --max-size is fetched and verified' '
	reprove fetch "$HTTPS_URL/chunked/big.bin" --cacert "$CA" -o c.bin --max-size 2000000 --sha256 $SUM >out &&
	cmp "$WWW/big.bin" c.bin
'

test_expect_success 'exactly --max-size bytes is allowed' '
	reprove fetch "$HTTPS_URL/big.bin" --cacert "$CA" -o e.bin --max-size 2000000 --sha256 $SUM >out &&
	cmp "$WWW/big.bin" e.bin
'

test_expect_success 'the limit counts the bytes resumed from FILE.part' '
	head -c 1500000 "$WWW/big.bin" >r.bin.part &&
	test_expect_code 3 reprove fetch "$HTTPS_URL/big.bin" --cacert "$CA" -o r.bin --max-size 1900000 --sha256 $SUM 2>err &&
	grep "larger than 1900000 bytes (2000000 announced)" err &&
	nginx_log_has "^206 /big.bin range=bytes=1500000-" &&
	! test -e r.bin && ! test -e r.bin.part
'

test_expect_success '--max-size with a K suffix and a small file passes' '
	head -c 1000 /dev/urandom >"$WWW/small.bin" &&
	s=$(sha256sum "$WWW/small.bin" | cut -c1-64) &&
	reprove fetch "$HTTPS_URL/small.bin" --cacert "$CA" -o s.bin --max-size 1K --sha256 $s >out &&
	cmp "$WWW/small.bin" s.bin
'

test_expect_success 'an empty file is fetched and verified' '
	: >"$WWW/empty.bin" &&
	reprove fetch "$HTTPS_URL/empty.bin" --cacert "$CA" -o z.bin \
		--sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 >out &&
	test -f z.bin && ! test -s z.bin
'

nginx_stop
test_done
