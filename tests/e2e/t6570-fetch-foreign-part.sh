#!/bin/sh
# reprove fetch never adopts a FILE.part it does not own alone (review finding 8): a part
# owned by another user, a symbolic link, a part with a second hard link, or one writable
# by group or others is removed and the download starts from zero, so the verified FILE is
# ours, has one link and the mode our umask gives. A part we own is still resumed.
. "$(dirname "$0")/lib.sh"

umask 022
head -c 300000 /dev/urandom >app.bin
SUM=$(sha256sum app.bin | cut -c1-64)
URL="file://$TEST_DIR/app.bin"
ME=$(id -u)
export SUM URL ME

# FILE is what was served, a regular file of ours, one link, mode 644.
ours() {
	cmp app.bin "$1" && test -f "$1" && ! test -h "$1" &&
	test "$(stat -c %u:%h:%a "$1")" = "$ME:1:644" && ! test -e "$1.part"
}

if [ "$ME" = 0 ]; then
	test_expect_success 'a part owned by another user is replaced, not adopted' '
		head -c 1000 app.bin >o.bin.part && chown 65534:65534 o.bin.part &&
		reprove fetch "$URL" -o o.bin --sha256 $SUM >out 2>err &&
		grep "o.bin.part.: owned by another user; removed, starting from zero" err &&
		ours o.bin
	'
else
	test_skip 'a part owned by another user is replaced, not adopted' 'needs root for chown'
fi

test_expect_success 'a symbolic link as the part is removed; its target is untouched' '
	echo "not yours" >victim && ln -s "$TEST_DIR/victim" s.bin.part &&
	reprove fetch "$URL" -o s.bin --sha256 $SUM >out 2>err &&
	grep "s.bin.part.: a symbolic link; removed, starting from zero" err &&
	ours s.bin && test "$(cat victim)" = "not yours"
'

test_expect_success 'a part with a second hard link is replaced; the other link is untouched' '
	head -c 1000 app.bin >other && ln other h.bin.part &&
	reprove fetch "$URL" -o h.bin --sha256 $SUM >out 2>err &&
	grep "h.bin.part.: has other hard links; removed" err &&
	ours h.bin && test "$(stat -c %s:%h other)" = "1000:1"
'

test_expect_success 'a world-writable part is replaced; FILE gets the umask mode' '
	head -c 1000 app.bin >w.bin.part && chmod 666 w.bin.part &&
	reprove fetch "$URL" -o w.bin --sha256 $SUM >out 2>err &&
	grep "w.bin.part.: writable by group or others; removed" err &&
	ours w.bin
'

test_expect_success 'without a check a foreign part is not written through either' '
	echo "keep me" >victim2 && ln victim2 n.bin.part &&
	reprove fetch "$URL" -o n.bin >out 2>err &&
	ours n.bin && test "$(cat victim2)" = "keep me"
'

test_expect_success 'a directory in the part'"'"'s place is an error (exit 4), left alone' '
	mkdir d.bin.part &&
	test_expect_code 4 reprove fetch "$URL" -o d.bin --sha256 $SUM 2>err &&
	test_one_error_line err && grep "d.bin.part" err && test -d d.bin.part && ! test -e d.bin
'

. "$RP_ROOT/tests/e2e/lib-nginx.sh"
if nginx_prereq && nginx_start; then
	cp app.bin "$WWW/app.bin"
	export HTTPS_URL CA ACCESS_LOG
	test_expect_success 'a part we own alone is still resumed with a Range request' '
		head -c 1000 app.bin >r.bin.part &&
		reprove fetch "$HTTPS_URL/app.bin" --cacert "$CA" -o r.bin --sha256 $SUM >out 2>err &&
		grep "resuming after 1000 bytes" err && ! grep "removed" err &&
		nginx_log_has "^206 /app.bin range=bytes=1000-$" && ours r.bin
	'
	if [ "$ME" = 0 ]; then
		test_expect_success 'a foreign part is not resumed over https either (no Range sent)' '
			head -c 1000 app.bin >f.bin.part && chown 65534:65534 f.bin.part &&
			reprove fetch "$HTTPS_URL/app.bin?f" --cacert "$CA" -o f.bin --sha256 $SUM \
				>out 2>err &&
			grep "owned by another user; removed" err && ! grep "resuming" err &&
			nginx_log_has "^200 /app.bin[?]f range=-$" && ours f.bin
		'
	fi
	nginx_stop
else
	test_skip 'resuming a part of ours over https' 'nginx, openssl or python3 missing'
fi

test_done
