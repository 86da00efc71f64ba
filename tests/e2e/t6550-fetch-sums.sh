#!/bin/sh
# reprove fetch with a minisign-signed SHA256SUMS (signed by the real minisign binary) and
# minisign signatures of the asset, from nginx over https: good downloads and every forgery.
. "$(dirname "$0")/lib.sh"
. "$RP_ROOT/tests/e2e/lib-nginx.sh"

if ! nginx_prereq || ! test_have minisign; then
	test_skip 'fetch with signed sums' 'nginx, openssl, python3 or minisign missing (tests/deps/fetch.apt)'
	test_done
fi
nginx_start || { echo "not ok - nginx did not start"; exit 1; }

# release: app-1.0.tar.gz + other.bin, SHA256SUMS signed by the release key (minisign -G -W)
minisign -G -W -p release.pub -s release.key >/dev/null 2>&1 &&
minisign -G -W -p rogue.pub -s rogue.key >/dev/null 2>&1 || { echo "not ok - minisign -G failed"; exit 1; }
A=app-1.0.tar.gz
head -c 700000 /dev/urandom >"$WWW/$A"
head -c 1000 /dev/urandom >"$WWW/other.bin"
head -c 5000 /dev/urandom >"$WWW/unlisted.bin"
( cd "$WWW" && sha256sum "$A" other.bin >SHA256SUMS ) &&
minisign -S -s release.key -m "$WWW/SHA256SUMS" >/dev/null &&
minisign -S -s release.key -m "$WWW/$A" >/dev/null || { echo "not ok - minisign -S failed"; exit 1; }

# forgeries, each in its own directory under the same names
mkdir -p "$WWW/tampered" "$WWW/badsums" "$WWW/rogue" "$WWW/garbled"
cp "$WWW/$A" "$WWW/tampered/$A" &&
printf 'X' | dd of="$WWW/tampered/$A" bs=1 seek=1000 conv=notrunc 2>/dev/null &&
cp "$WWW/SHA256SUMS" "$WWW/SHA256SUMS.minisig" "$WWW/$A.minisig" "$WWW/tampered/" &&
# sums changed after signing: lists the tampered asset's digest
( cd "$WWW/tampered" && sha256sum "$A" >"$WWW/badsums/SHA256SUMS" ) &&
cp "$WWW/SHA256SUMS.minisig" "$WWW/badsums/" && cp "$WWW/tampered/$A" "$WWW/badsums/" &&
# the same forgery, consistently signed by a key nobody trusts
cp "$WWW/badsums/SHA256SUMS" "$WWW/tampered/$A" "$WWW/rogue/" &&
minisign -S -s rogue.key -m "$WWW/rogue/SHA256SUMS" >/dev/null &&
minisign -S -s rogue.key -m "$WWW/rogue/$A" >/dev/null &&
cp "$WWW/SHA256SUMS" "$WWW/$A" "$WWW/garbled/" &&
head -c 60 "$WWW/SHA256SUMS.minisig" >"$WWW/garbled/SHA256SUMS.minisig" ||
{ echo "not ok - could not make the forgeries"; exit 1; }

export A HTTPS_URL CA WWW ACCESS_LOG
U=$HTTPS_URL
export U


test_expect_success 'good asset, SHA256SUMS and its signature all by URL' '
	reprove fetch "$U/$A" --cacert "$CA" -o app.tgz -p release.pub \
		--sums "$U/SHA256SUMS" --sums-sig "$U/SHA256SUMS.minisig" >out 2>err &&
	cmp "$WWW/$A" app.tgz && ! test -e app.tgz.part &&
	grep "^ok  *sums-signature  *$U/SHA256SUMS: signed by" out &&
	grep "^ok  *sums  *$A: expected sha256:" out &&
	grep "^OK app.tgz " out
'

test_expect_success 'SHA256SUMS and signature as local files' '
	cp "$WWW/SHA256SUMS" "$WWW/SHA256SUMS.minisig" . &&
	reprove fetch "$U/$A" --cacert "$CA" -o local.tgz -p release.pub \
		--sums SHA256SUMS --sums-sig SHA256SUMS.minisig >out &&
	cmp "$WWW/$A" local.tgz && grep "^OK local.tgz" out
'

test_expect_success 'unsigned SHA256SUMS is checked, with a warning that it proves little' '
	reprove fetch "$U/$A" --cacert "$CA" -o unsigned.tgz --sums "$U/SHA256SUMS" >out 2>err &&
	grep "warning: --sums without --sums-sig" err && grep "^ok  *sums " out &&
	cmp "$WWW/$A" unsigned.tgz &&
	test_expect_code 1 reprove fetch "$U/tampered/$A" --cacert "$CA" -o unsigned2.tgz \
		--sums "$U/SHA256SUMS" >out 2>err &&
	! test -e unsigned2.tgz && ! test -e unsigned2.tgz.part
'

test_expect_success 'the asset name comes from the URL, not from -o' '
	reprove fetch "$U/other.bin" --cacert "$CA" -o renamed.dat -p release.pub \
		--sums "$U/SHA256SUMS" --sums-sig "$U/SHA256SUMS.minisig" >out &&
	grep "^ok  *sums  *other.bin:" out && cmp "$WWW/other.bin" renamed.dat
'

test_expect_success 'a minisign signature of the asset itself (--sig URL)' '
	reprove fetch "$U/$A" --cacert "$CA" -o sig.tgz -p release.pub --sig "$U/$A.minisig" >out &&
	grep "^ok  *signature" out && cmp "$WWW/$A" sig.tgz
'

test_expect_success 'tampered asset: sums check fails, exit 1, nothing left' '
	test_expect_code 1 reprove fetch "$U/tampered/$A" --cacert "$CA" -o t.tgz -p release.pub \
		--sums "$U/tampered/SHA256SUMS" --sums-sig "$U/tampered/SHA256SUMS.minisig" >out 2>err &&
	test_one_error_line err && grep "sums" err && grep "^FAIL  *sums " out &&
	! grep "^OK" out && ! test -e t.tgz && ! test -e t.tgz.part
'

test_expect_success 'tampered asset: its minisign signature fails, exit 1' '
	test_expect_code 1 reprove fetch "$U/tampered/$A" --cacert "$CA" -o t.tgz -p release.pub \
		--sig "$U/tampered/$A.minisig" >out 2>err &&
	grep "^FAIL  *signature" out && ! grep "^OK" out && ! test -e t.tgz && ! test -e t.tgz.part
'

test_expect_success 'SHA256SUMS not matching its signature: exit 1 naming sums-signature' '
	test_expect_code 1 reprove fetch "$U/badsums/$A" --cacert "$CA" -o b.tgz -p release.pub \
		--sums "$U/badsums/SHA256SUMS" --sums-sig "$U/badsums/SHA256SUMS.minisig" >out 2>err &&
	test_one_error_line err && grep "sums-signature" err && grep "does not verify" err &&
	! grep "^OK" out && ! test -e b.tgz && ! test -e b.tgz.part
'

test_expect_success 'untrusted signer: sums signed by another key, exit 1' '
	test_expect_code 1 reprove fetch "$U/rogue/$A" --cacert "$CA" -o r.tgz -p release.pub \
		--sums "$U/rogue/SHA256SUMS" --sums-sig "$U/rogue/SHA256SUMS.minisig" >out 2>err &&
	test_one_error_line err && grep "sums-signature" err &&
	! grep "^OK" out && ! test -e r.tgz && ! test -e r.tgz.part
'

test_expect_success 'untrusted signer of the asset itself (--sig), exit 1' '
	test_expect_code 1 reprove fetch "$U/rogue/$A" --cacert "$CA" -o r.tgz -p release.pub \
		--sig "$U/rogue/$A.minisig" >out 2>err &&
	grep "signature" err && ! test -e r.tgz && ! test -e r.tgz.part
'

test_expect_success 'the rogue key does verify its own signature (the forgery is consistent)' '
	reprove fetch "$U/rogue/$A" --cacert "$CA" -o r.tgz -p rogue.pub \
		--sums "$U/rogue/SHA256SUMS" --sums-sig "$U/rogue/SHA256SUMS.minisig" >out &&
	rm -f r.tgz
'

test_expect_success 'an asset missing from SHA256SUMS: exit 1, nothing left' '
	test_expect_code 1 reprove fetch "$U/unlisted.bin" --cacert "$CA" -o u.bin -p release.pub \
		--sums "$U/SHA256SUMS" --sums-sig "$U/SHA256SUMS.minisig" >out 2>err &&
	grep "not listed" err && ! test -e u.bin && ! test -e u.bin.part
'

test_expect_success 'a truncated signature file is malformed input (exit 3), nothing left' '
	test_expect_code 3 reprove fetch "$U/garbled/$A" --cacert "$CA" -o g.tgz -p release.pub \
		--sums "$U/garbled/SHA256SUMS" --sums-sig "$U/garbled/SHA256SUMS.minisig" >out 2>err &&
	test_one_error_line err && ! grep "^OK" out && ! test -e g.tgz && ! test -e g.tgz.part
'

test_expect_success 'a SHA256SUMS URL that 404s fails (exit 4) before the asset is requested' '
	before=$(grep -c "/nosuch/$A" "$ACCESS_LOG"; :) &&
	test_expect_code 4 reprove fetch "$U/nosuch/$A" --cacert "$CA" -o n.tgz -p release.pub \
		--sums "$U/nosuch/SHA256SUMS" --sums-sig "$U/SHA256SUMS.minisig" 2>err &&
	grep "HTTP 404" err && grep "nosuch/SHA256SUMS" err &&
	test "$(grep -c "/nosuch/$A" "$ACCESS_LOG"; :)" -eq "$before" && ! test -e n.tgz.part
'

test_expect_success 'a missing key file fails (exit 4) before the asset is requested' '
	before=$(grep -c "/other.bin" "$ACCESS_LOG"; :) &&
	test_expect_code 4 reprove fetch "$U/other.bin" --cacert "$CA" -o k.bin -p nosuch.pub \
		--sums "$U/SHA256SUMS" --sums-sig "$U/SHA256SUMS.minisig" 2>err &&
	test_one_error_line err && grep "nosuch.pub" err &&
	test "$(grep -c "/other.bin" "$ACCESS_LOG"; :)" -eq "$before" && ! test -e k.bin.part
'

test_expect_success 'sums over plain http need --allow-http too' '
	test_expect_code 2 reprove fetch "$U/$A" --cacert "$CA" -o h.tgz -p release.pub \
		--sums "$HTTP_URL/SHA256SUMS" --sums-sig "$U/SHA256SUMS.minisig" 2>err &&
	grep "plain http refused" err && ! test -e h.tgz
'

test_expect_success 'no temporary copies of the sums are left in TMPDIR' '
	mkdir tmpd &&
	TMPDIR=$PWD/tmpd reprove fetch "$U/$A" --cacert "$CA" -o tmp.tgz -p release.pub \
		--sums "$U/SHA256SUMS" --sums-sig "$U/SHA256SUMS.minisig" >out &&
	TMPDIR=$PWD/tmpd test_expect_code 1 reprove fetch "$U/rogue/$A" --cacert "$CA" -o r.tgz \
		-p release.pub --sums "$U/rogue/SHA256SUMS" --sums-sig "$U/rogue/SHA256SUMS.minisig" >out 2>&1 &&
	test -z "$(ls -A tmpd)"
'

nginx_stop
test_done
