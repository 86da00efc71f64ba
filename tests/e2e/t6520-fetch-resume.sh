#!/bin/sh
# reprove fetch: FILE.part after interruptions, resume with Range, servers that ignore ranges,
# 416 on a complete part, stale parts caught by the check.
. "$(dirname "$0")/lib.sh"
. "$RP_ROOT/tests/e2e/lib-nginx.sh"

if ! nginx_prereq; then
	test_skip 'fetch resume' 'nginx, openssl or python3 missing (tests/deps/fetch.apt)'
	test_done
fi
nginx_start || { echo "not ok - nginx did not start"; exit 1; }

SIZE=1500000
head -c $SIZE /dev/urandom >"$WWW/app.bin"
SUM=$(sha256sum "$WWW/app.bin" | cut -c1-64)
export SUM SIZE HTTPS_URL CA WWW ACCESS_LOG

size_of() { stat -c %s "$1"; }

# Start a download at 100 KiB/s, let it run, kill it with signal $1. The binary is started
# directly, not through the reprove function, so that $! is its pid.
interrupted_fetch() {
	$EXEC_PREFIX "$RP_BIN" fetch "$HTTPS_URL/slow/app.bin" --cacert "$CA" -o "$2" --sha256 $SUM --no-progress \
		>/dev/null 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 200 ]; do
		[ -f "$2.part" ] && [ "$(size_of "$2.part")" -gt 150000 ] && break
		sleep 0.05
		i=$((i + 1))
	done
	kill -"$1" $pid
	wait $pid
	return 0
}

test_expect_success 'a download killed midway leaves only FILE.part' '
	interrupted_fetch KILL k.bin &&
	! test -e k.bin && test -f k.bin.part &&
	n=$(size_of k.bin.part) && test "$n" -gt 0 && test "$n" -lt $SIZE &&
	echo $n >k.len
'

test_expect_success 'the next run resumes with a Range request and verifies' '
	n=$(cat k.len) &&
	reprove fetch "$HTTPS_URL/app.bin" --cacert "$CA" -o k.bin --sha256 $SUM >out 2>err &&
	cmp "$WWW/app.bin" k.bin && ! test -e k.bin.part &&
	grep "resuming after $n bytes" err &&
	nginx_log_has "^206 /app.bin range=bytes=$n-$"
'

test_expect_success 'SIGINT keeps FILE.part too, and the rerun resumes' '
	interrupted_fetch INT i.bin &&
	! test -e i.bin && test -f i.bin.part &&
	n=$(size_of i.bin.part) && test "$n" -lt $SIZE &&
	reprove fetch "$HTTPS_URL/app.bin" --cacert "$CA" -o i.bin --sha256 $SUM >out 2>err &&
	cmp "$WWW/app.bin" i.bin && nginx_log_has "^206 /app.bin range=bytes=$n-$"
'

test_expect_success 'a stalled transfer times out (exit 4), keeps the part and says so' '
	test_expect_code 4 reprove fetch "$HTTPS_URL/trickle/app.bin" --cacert "$CA" -o t.bin \
		--sha256 $SUM --speed-time 2 --retry 0 2>err &&
	test_one_error_line err && grep -i "too slow\|timed out" err &&
	grep "bytes kept in .t.bin.part. to resume" err &&
	! test -e t.bin && test "$(size_of t.bin.part)" -gt 0
'

test_expect_success 'then resuming completes it' '
	n=$(size_of t.bin.part) &&
	reprove fetch "$HTTPS_URL/app.bin" --cacert "$CA" -o t.bin --sha256 $SUM >out 2>err &&
	cmp "$WWW/app.bin" t.bin && nginx_log_has "^206 /app.bin range=bytes=$n-$"
'

test_expect_success 'a retry within one run continues from what is on disk' '
	test_expect_code 4 reprove fetch "$HTTPS_URL/trickle/app.bin" --cacert "$CA" -o r.bin \
		--sha256 $SUM --speed-time 2 --retry 1 2>err &&
	grep "retrying in" err && nginx_log_has "^206 /trickle/app.bin range=bytes=[1-9][0-9]*-$" &&
	rm -f r.bin.part
'

test_expect_success 'a server ignoring the range restarts the file cleanly' '
	head -c 4000 /dev/urandom >n.bin.part &&
	reprove fetch "$HTTPS_URL/norange/app.bin" --cacert "$CA" -o n.bin --sha256 $SUM >out 2>err &&
	grep "ignored the range request; restarting from zero" err &&
	nginx_log_has "^200 /norange/app.bin range=bytes=4000-$" &&
	cmp "$WWW/app.bin" n.bin && ! test -e n.bin.part
'

test_expect_success 'a complete part gets 416 and is verified without a new download' '
	cp "$WWW/app.bin" c.bin.part &&
	reprove fetch "$HTTPS_URL/app.bin" --cacert "$CA" -o c.bin --sha256 $SUM >out 2>err &&
	nginx_log_has "^416 /app.bin range=bytes=$SIZE-$" &&
	cmp "$WWW/app.bin" c.bin && ! test -e c.bin.part
'

test_expect_success 'a part longer than the file (416) restarts from zero' '
	head -c 1600000 /dev/urandom >l.bin.part &&
	reprove fetch "$HTTPS_URL/app.bin" --cacert "$CA" -o l.bin --sha256 $SUM >out 2>err &&
	nginx_log_has "^416 /app.bin range=bytes=1600000-$" &&
	grep "restarting from zero" err && cmp "$WWW/app.bin" l.bin
'

test_expect_success 'a stale part with the wrong prefix fails the check (exit 1), removing it' '
	head -c 5000 /dev/urandom >s.bin.part &&
	test_expect_code 1 reprove fetch "$HTTPS_URL/app.bin" --cacert "$CA" -o s.bin --sha256 $SUM >out 2>err &&
	grep "sha256 mismatch" err && ! grep "^OK" out &&
	! test -e s.bin && ! test -e s.bin.part &&
	reprove fetch "$HTTPS_URL/app.bin" --cacert "$CA" -o s.bin --sha256 $SUM >out 2>err &&
	cmp "$WWW/app.bin" s.bin
'

test_expect_success 'without a check an old part is not resumed' '
	head -c 5000 /dev/urandom >x.bin.part &&
	reprove fetch "$HTTPS_URL/app.bin" --cacert "$CA" -o x.bin >out 2>err &&
	cmp "$WWW/app.bin" x.bin && ! grep resuming err
'

test_expect_success 'an HTTP error after an interruption removes the part' '
	head -c 5000 /dev/urandom >g.bin.part &&
	test_expect_code 4 reprove fetch "$HTTPS_URL/gone.bin" --cacert "$CA" -o g.bin --sha256 $SUM 2>err &&
	grep "HTTP 404" err && ! test -e g.bin.part && ! test -e g.bin
'

test_expect_success 'two fetches cannot write one part at once' '
	$EXEC_PREFIX "$RP_BIN" fetch "$HTTPS_URL/slow/app.bin" --cacert "$CA" -o two.bin --sha256 $SUM >/dev/null 2>&1 &
	pid=$! &&
	i=0 && while [ $i -lt 100 ] && ! test -s two.bin.part; do sleep 0.05; i=$((i + 1)); done &&
	test_expect_code 4 reprove fetch "$HTTPS_URL/app.bin" --cacert "$CA" -o two.bin --sha256 $SUM 2>err;
	rc=$?; kill $pid; wait $pid; rm -f two.bin.part
	test $rc -eq 0 && grep "another download is writing it" err
'

nginx_stop
test_done
