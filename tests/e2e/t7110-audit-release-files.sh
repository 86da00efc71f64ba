#!/bin/sh
# audit reads each published file once, before the build, into a private copy, and compares
# and signs that copy (review finding 2); a release directory holding a symbolic link, FIFO
# or other non-regular file is refused without reading it (finding 9); published files are
# capped by --max-size (default 1 GiB), exit 4; and the auditor's secret key is decrypted
# only after the build and the comparisons (part of finding 1).
. "$(dirname "$0")/lib.sh"
. "$RP_ROOT/tests/e2e/lib-sample.sh"

PY="/usr/bin/python3 $RP_ROOT/tests/e2e/dsse_py.py"

test_expect_success 'setup: a tagged repository, an auditor key, a gated release' '
	sample_repo src &&
	reprove keygen -o aud --no-passphrase 2>/dev/null &&
	reprove gate --git "$TEST_DIR/src" --ref v1.0 -k aud.key --out rel \
		--source-ref refs/tags/v1.0 --vary none >/dev/null
'

test_expect_success 'setup: a forged release, and a tag whose build rewrites it to the honest bytes' '
	mkdir evil && cp rel/hello rel/hello-1.0.tar.gz evil/ && printf EVIL >>evil/hello &&
	(cd evil && sha256sum hello hello-1.0.tar.gz >SHA256SUMS) &&
	sha256sum evil/hello | cut -c1-64 >evil.sha &&
	sample_repo src2 &&
	(
		cd src2 &&
		sed -i "/^	rm -rf stage\$/a\\	cp dist/hello $TEST_DIR/evil/hello" Makefile &&
		grep -q "cp dist/hello $TEST_DIR/evil/hello" Makefile &&
		git commit -qam "rewrite the auditor copy" &&
		git -c tag.gpgsign=false tag -f -a v1.0 -m v1.0 >/dev/null
	)
'

# Without a build sandbox that hides the release, the build does rewrite evil/hello; with
# one it cannot. Either way the verdict must be about the bytes hashed before the build.
test_expect_success 'a build that rewrites a published file cannot make audit pass the forged bytes' '
	test_expect_code 1 reprove audit --git "$TEST_DIR/src2" --ref v1.0 --release evil \
		-k aud.key -o vsa-evil.intoto.jsonl >out 2>err &&
	grep "^MISMATCH hello: different" out && ! grep "^PASSED" out &&
	grep "do not match the rebuild: .hello." err &&
	$PY verify --pub aud.pub.pem --envelope vsa-evil.intoto.jsonl >v.json &&
	grep "\"verificationResult\":\"FAILED\"" v.json &&
	grep "{\"name\":\"hello\",\"digest\":{\"sha256\":\"$(cat evil.sha)\"}}" v.json
'

test_expect_success 'setup: a release whose artifact is a symbolic link to a secret' '
	echo "TOPSECRET-LINE" >secret && mkdir sym &&
	cp rel/hello-1.0.tar.gz sym/ && ln -s "$TEST_DIR/secret" sym/hello &&
	(cd sym && sha256sum hello hello-1.0.tar.gz >SHA256SUMS)
'

test_expect_success 'a symbolic link in a release directory is refused (exit 3), never read' '
	test_expect_code 3 reprove audit --git "$TEST_DIR/src" --ref v1.0 --release sym \
		-k aud.key -o vsa-sym.intoto.jsonl >out 2>err &&
	test_one_error_line err && grep "sym/hello.: is a symbolic link" err &&
	! grep TOPSECRET out err && ! grep "^rebuilt" out && ! test -e vsa-sym.intoto.jsonl
'

test_expect_success 'the same release as a file:// base URL is refused too (exit 3)' '
	test_expect_code 3 reprove audit --git "$TEST_DIR/src" --ref v1.0 \
		--release "file://$TEST_DIR/sym/" -k aud.key -o vsa-sym.intoto.jsonl >out 2>err &&
	test_one_error_line err && grep "sym/hello.: is a symbolic link" err &&
	! grep TOPSECRET out err && ! grep "^rebuilt" out
'

test_expect_success 'a symbolic link as SHA256SUMS or provenance is refused too' '
	mkdir sym2 && cp rel/hello rel/hello-1.0.tar.gz sym2/ &&
	ln -s "$TEST_DIR/rel/SHA256SUMS" sym2/SHA256SUMS &&
	test_expect_code 3 reprove audit --git "$TEST_DIR/src" --ref v1.0 --release sym2 \
		-k aud.key -o vsa-sym2.intoto.jsonl 2>err &&
	grep "sym2/SHA256SUMS.: is a symbolic link" err &&
	rm sym2/SHA256SUMS && cp rel/SHA256SUMS sym2/ &&
	ln -s "$TEST_DIR/secret" sym2/provenance.intoto.jsonl &&
	test_expect_code 3 reprove audit --git "$TEST_DIR/src" --ref v1.0 --release sym2 \
		-k aud.key -o vsa-sym2.intoto.jsonl >out 2>err &&
	grep "provenance.intoto.jsonl.: is a symbolic link" err && ! grep TOPSECRET out err
'

test_expect_success 'a FIFO in a release directory is refused at once, not opened' '
	mkdir fifo && cp rel/hello-1.0.tar.gz rel/SHA256SUMS fifo/ && mkfifo fifo/hello &&
	test_expect_code 3 timeout 60 reprove audit --git "$TEST_DIR/src" --ref v1.0 \
		--release fifo -k aud.key -o vsa-fifo.intoto.jsonl 2>err &&
	grep "fifo/hello.: is a FIFO, not a regular file" err
'

test_expect_success 'a published file over --max-size is refused (exit 4), local or file://' '
	test_expect_code 4 reprove audit --git "$TEST_DIR/src" --ref v1.0 --release rel \
		--max-size 4K -k aud.key -o vsa-big.intoto.jsonl >out 2>err &&
	test_one_error_line err && grep "rel/hello.: larger than 4096 bytes" err &&
	! grep "^rebuilt" out && ! test -e vsa-big.intoto.jsonl &&
	test_expect_code 4 reprove audit --git "$TEST_DIR/src" --ref v1.0 \
		--release "file://$TEST_DIR/rel/" --max-size 4K -k aud.key \
		-o vsa-big.intoto.jsonl >out 2>err &&
	test_one_error_line err && grep "larger than 4096 bytes" err && ! grep "^rebuilt" out
'

. "$RP_ROOT/tests/e2e/lib-nginx.sh"
if nginx_prereq && nginx_start; then
	cp rel/* "$WWW/"
	test_expect_success 'a download over --max-size is refused (exit 4), loopback https' '
		test_expect_code 4 reprove audit --git "$TEST_DIR/src" --ref v1.0 \
			--release "$HTTPS_URL/" --cacert "$CA" --max-size 4K -k aud.key \
			-o vsa-big.intoto.jsonl >out 2>err &&
		test_one_error_line err && grep "/hello.: larger than 4096 bytes" err &&
		! grep "^rebuilt" out && ! test -e vsa-big.intoto.jsonl
	'
	nginx_stop
else
	test_skip 'audit --max-size over https' 'nginx, openssl or python3 missing'
fi

test_expect_success 'a bad --max-size is a usage error (exit 2)' '
	test_expect_code 2 reprove audit --git "$TEST_DIR/src" --ref v1.0 --release rel \
		--max-size 0 -k aud.key 2>err &&
	grep "max-size: .0. is not a size" err
'

test_expect_success 'the secret key is decrypted only after the build (wrong passphrase fails late)' '
	printf "right horse\n" >pass && printf "wrong horse\n" >nopass &&
	RP_PASS=$(cat pass) reprove keygen -o enc --passphrase-env RP_PASS 2>/dev/null &&
	RP_PASS=$(cat nopass) && export RP_PASS &&
	test_expect_code 3 reprove audit --git "$TEST_DIR/src" --ref v1.0 --release rel \
		-k enc.key --passphrase-env RP_PASS -o vsa-enc.intoto.jsonl >out 2>err &&
	test_one_error_line err && grep "^rebuilt" out && grep "^MATCH    hello:" out &&
	! test -e vsa-enc.intoto.jsonl &&
	RP_PASS=$(cat pass) reprove audit --git "$TEST_DIR/src" --ref v1.0 --release rel \
		-k enc.key --passphrase-env RP_PASS -o vsa-enc.intoto.jsonl >out &&
	grep "^PASSED" out
'

test_expect_success 'a key file that cannot be opened still fails before the build (exit 4)' '
	test_expect_code 4 reprove audit --git "$TEST_DIR/src" --ref v1.0 --release rel \
		-k no-such.key -o vsa-nokey.intoto.jsonl >out 2>err &&
	test_one_error_line err && grep "no-such.key" err && ! grep "^rebuilt" out
'

test_done
