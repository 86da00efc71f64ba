#!/bin/sh
# reprove fetch against a real nginx: TLS verification, plain http, redirects, HTTP errors,
# retries of transient failures only.
. "$(dirname "$0")/lib.sh"
. "$RP_ROOT/tests/e2e/lib-nginx.sh"

if ! nginx_prereq; then
	test_skip 'fetch over https' 'nginx, openssl or python3 missing (tests/deps/fetch.apt)'
	test_done
fi
nginx_start || { echo "not ok - nginx did not start"; exit 1; }

head -c 1500000 /dev/urandom >"$WWW/app-1.0.tar.gz"
SUM=$(sha256sum "$WWW/app-1.0.tar.gz" | cut -c1-64)
export SUM HTTP_URL HTTPS_URL BADHOST_URL CA WWW ACCESS_LOG

test_expect_success 'https with the test CA (--cacert) downloads and checks the file' '
	reprove fetch "$HTTPS_URL/app-1.0.tar.gz" --cacert "$CA" -o app.tgz --sha256 $SUM >out 2>err &&
	cmp "$WWW/app-1.0.tar.gz" app.tgz && ! test -e app.tgz.part &&
	grep "^OK app.tgz (1500000 bytes, sha256 $SUM)" out
'

test_expect_success 'an untrusted certificate exits 4 with the TLS reason, nothing left' '
	test_expect_code 4 reprove fetch "$HTTPS_URL/app-1.0.tar.gz" -o u.tgz --sha256 $SUM 2>err &&
	test_one_error_line err && grep "cannot fetch" err && grep -i "certificate" err &&
	! test -e u.tgz && ! test -e u.tgz.part
'

test_expect_success 'a certificate for another host name exits 4, even with the CA trusted' '
	test_expect_code 4 reprove fetch "$BADHOST_URL/app-1.0.tar.gz" --cacert "$CA" -o h.tgz --sha256 $SUM 2>err &&
	test_one_error_line err && grep -i "subject name\|host name\|hostname" err &&
	! test -e h.tgz && ! test -e h.tgz.part
'

test_expect_success 'TLS failures are not retried' '
	test_expect_code 4 reprove fetch "$HTTPS_URL/app-1.0.tar.gz" -o u.tgz --retry 3 --sha256 $SUM 2>err &&
	! grep retrying err
'

test_expect_success 'a CA file that does not exist is an error (exit 4), not a fallback' '
	test_expect_code 4 reprove fetch "$HTTPS_URL/app-1.0.tar.gz" --cacert nope.pem -o n.tgz --sha256 $SUM 2>err &&
	test_one_error_line err && ! test -e n.tgz
'

test_expect_success 'plain http is refused without --allow-http before connecting' '
	before=$(wc -l <"$ACCESS_LOG") &&
	test_expect_code 2 reprove fetch "$HTTP_URL/app-1.0.tar.gz" -o p.tgz --sha256 $SUM 2>err &&
	grep "plain http refused" err && ! test -e p.tgz && ! test -e p.tgz.part &&
	test "$(wc -l <"$ACCESS_LOG")" -eq "$before"
'

test_expect_success 'plain http works with --allow-http' '
	reprove fetch "$HTTP_URL/app-1.0.tar.gz" --allow-http -o p.tgz --sha256 $SUM >out &&
	cmp "$WWW/app-1.0.tar.gz" p.tgz
'

test_expect_success 'a redirect from https to plain http is refused (exit 4)' '
	test_expect_code 4 reprove fetch "$HTTPS_URL/to-http/app-1.0.tar.gz" --cacert "$CA" -o r.tgz --sha256 $SUM 2>err &&
	test_one_error_line err && grep "redirect to .http://127.0.0.1:[0-9]*/app-1.0.tar.gz. refused (https only)" err &&
	! test -e r.tgz && ! test -e r.tgz.part
'

test_expect_success 'a redirect to https is followed' '
	reprove fetch "$HTTPS_URL/to-https/app-1.0.tar.gz" --cacert "$CA" -o r.tgz --sha256 $SUM >out &&
	cmp "$WWW/app-1.0.tar.gz" r.tgz && nginx_log_has "^302 /to-https/app-1.0.tar.gz"
'

test_expect_success 'redirects are bounded (exit 4)' '
	test_expect_code 4 reprove fetch "$HTTPS_URL/loop" --cacert "$CA" -o l.bin --sha256 $SUM 2>err &&
	test_one_error_line err && grep -i "redirect" err && ! test -e l.bin && ! test -e l.bin.part &&
	test "$(grep -c "^302 /loop" "$ACCESS_LOG")" -le 6
'

test_expect_success '404 exits 4 with the HTTP status, not retried, nothing left' '
	test_expect_code 4 reprove fetch "$HTTPS_URL/missing.tar.gz" --cacert "$CA" -o m.tgz --sha256 $SUM 2>err &&
	test_one_error_line err && grep "HTTP 404 Not Found" err && ! grep retrying err &&
	log_count_is "^404 /missing.tar.gz" 1 &&
	! test -e m.tgz && ! test -e m.tgz.part
'

test_expect_success '403 is not retried either' '
	test_expect_code 4 reprove fetch "$HTTPS_URL/e403" --cacert "$CA" -o f.bin --sha256 $SUM 2>err &&
	grep "HTTP 403" err && log_count_is "^403 /e403" 1
'

test_expect_success '503 is retried with backoff, then exits 4' '
	test_expect_code 4 reprove fetch "$HTTPS_URL/e503" --cacert "$CA" -o s.bin --retry 2 --sha256 $SUM 2>err &&
	log_count_is "^503 /e503" 3 &&
	test "$(grep -c "retrying in" err)" -eq 2 && tail -n 1 err | grep "HTTP 503" &&
	! test -e s.bin && ! test -e s.bin.part
'

test_expect_success '429 is retried, honouring Retry-After' '
	test_expect_code 4 reprove fetch "$HTTPS_URL/e429" --cacert "$CA" -o s.bin --retry 1 --sha256 $SUM 2>err &&
	log_count_is "^429 /e429" 2 && grep "HTTP 429" err
'

test_expect_success 'a wrong --sha256 over https exits 1 and leaves nothing' '
	test_expect_code 1 reprove fetch "$HTTPS_URL/app-1.0.tar.gz" --cacert "$CA" -o w.tgz --sha256 "$(printf %064d 1)" >out 2>err &&
	test_one_error_line err && grep "sha256 mismatch" err && ! grep "^OK" out &&
	! test -e w.tgz && ! test -e w.tgz.part
'

test_expect_success 'a connection refused exits 4' '
	port=$(free_port) &&
	test_expect_code 4 reprove fetch "https://127.0.0.1:$port/x" -o c.bin --sha256 $SUM 2>err &&
	test_one_error_line err && grep -i "connect" err && ! test -e c.bin.part
'

nginx_stop
test_done
