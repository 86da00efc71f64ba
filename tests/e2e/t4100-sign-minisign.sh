#!/bin/sh
# sign / verify --sig: minisign compatibility both ways, the published vector, legacy
# signatures, keys in every form, and refusals.
. "$(dirname "$0")/lib.sh"

K=$TESTDATA/keys
V=$VECTORS

test_expect_success 'setup' '
	reprove keygen -o k --no-passphrase 2>/dev/null &&
	head -c 300000 /dev/urandom >asset.bin && printf "small\n" >small.txt
'
test_expect_success 'minisign -V verifies what reprove sign writes (prehashed ED)' '
	reprove sign -k k.key asset.bin small.txt &&
	minisign -V -H -p k.pub -m asset.bin >out && grep "Signature and comment signature verified" out &&
	minisign -V -p k.pub -m small.txt >/dev/null &&
	sed -n 2p asset.bin.minisig | base64 -d | head -c 2 | grep -x ED &&
	sed -n 3p asset.bin.minisig | grep "^trusted comment: timestamp:[0-9]*	file:asset.bin	hashed$"
'
test_expect_success 'minisign -V rejects it after one byte of the file changes' '
	cp asset.bin changed.bin && cp asset.bin.minisig changed.bin.minisig &&
	printf "X" | dd of=changed.bin bs=1 seek=1000 conv=notrunc 2>/dev/null &&
	test_must_fail minisign -V -p k.pub -m changed.bin >/dev/null 2>&1 &&
	test_expect_code 1 reprove verify changed.bin -p k.pub --sig changed.bin.minisig >out 2>err &&
	grep "^FAIL  signature" out
'
test_expect_success 'minisign -V rejects a signature with one byte changed' '
	cp asset.bin.minisig bad.minisig &&
	sed -i "2s/^\(.\{20\}\)./\1A/;2s/^\(.\{20\}\)AA/\1BA/" bad.minisig &&
	! cmp -s bad.minisig asset.bin.minisig &&
	test_must_fail minisign -V -p k.pub -m asset.bin -x bad.minisig >/dev/null 2>&1 &&
	test_expect_code 1 reprove verify asset.bin -p k.pub --sig bad.minisig >/dev/null 2>&1
'
test_expect_success 'reprove verify accepts what minisign -S writes (prehashed and legacy)' '
	minisign -S -W -s $K/minisign-plain.key -m asset.bin -x ms.minisig >/dev/null &&
	reprove verify asset.bin -p $K/minisign-plain.pub --sig ms.minisig >out &&
	grep "^ok    signature" out &&
	grep "^ok    digest .*sha256:$(sha256sum asset.bin | cut -c1-64)$" out &&
	minisign -S -l -W -s $K/minisign-plain.key -m small.txt -x legacy.minisig >/dev/null &&
	sed -n 2p legacy.minisig | base64 -d | head -c 2 | grep -x Ed &&
	reprove verify small.txt -p $K/minisign-plain.pub --sig legacy.minisig
'
test_expect_success 'minisign published test vector verifies' '
	reprove verify $V/minisign-test.msg -p $V/minisign-test.pub --sig $V/minisign-test.msg.minisig >out &&
	grep "^ok    signature" out && grep "E7620F1842B4E81F" out
'
test_expect_success 'the vector fails for a different message' '
	printf "tesT" >msg &&
	test_expect_code 1 reprove verify msg -p $V/minisign-test.pub --sig $V/minisign-test.msg.minisig >/dev/null 2>&1
'
test_expect_success 'reprove signs with a minisign-made encrypted key' '
	RP_PW="$(cat $K/PASSPHRASE)" reprove sign -k $K/minisign-enc.key --passphrase-env RP_PW small.txt &&
	minisign -V -p $K/minisign-enc.pub -m small.txt >/dev/null
'
test_expect_success 'an Ed25519 PKCS#8 PEM key signs too; its PEM public key verifies' '
	reprove sign -k $K/ed25519.key.pem -x pem.minisig small.txt &&
	reprove verify small.txt -p $K/ed25519.pub.pem --sig pem.minisig >/dev/null
'
test_expect_success 'verify -p with the minisign key as a bare base64 line' '
	sed -n 2p k.pub >bare.pub &&
	reprove verify asset.bin -p bare.pub --sig asset.bin.minisig >/dev/null
'
test_expect_success 'custom trusted comment is signed' '
	reprove sign -k k.key -t "release 1.2.3" -x tc.minisig small.txt &&
	minisign -V -p k.pub -m small.txt -x tc.minisig >out && grep "Trusted comment: release 1.2.3" out
'
test_expect_success 'a secret key from a pipe (never on disk) signs; an oversized one is refused' '
	mkfifo kp && { cat k.key >kp & } &&
	reprove sign -k kp -x piped.minisig small.txt && wait &&
	minisign -V -p k.pub -m small.txt -x piped.minisig >/dev/null &&
	rm -f kp && mkfifo kp && { head -c 70000 /dev/zero >kp & } &&
	test_expect_code 3 reprove sign -k kp -x big.minisig small.txt 2>err && wait &&
	test_one_error_line err && grep "larger than 65536 bytes" err && ! test -e big.minisig
'
test_expect_success 'sign with an ECDSA key is a usage error, nothing written' '
	test_expect_code 2 reprove sign -k $K/p256.key.pem -x ec.minisig small.txt 2>err &&
	test_one_error_line err && ! test -e ec.minisig
'
test_expect_success 'sign with a public key is malformed input' '
	test_expect_code 3 reprove sign -k k.pub -x p.minisig small.txt 2>err &&
	grep "public key" err && ! test -e p.minisig
'
test_expect_success 'sign of a missing file: I/O error, no signature left' '
	test_expect_code 4 reprove sign -k k.key nosuch 2>err &&
	test_one_error_line err && ! test -e nosuch.minisig
'
test_expect_success 'verify --sig needs exactly one asset and a key' '
	test_expect_code 2 reprove verify asset.bin small.txt -p k.pub --sig asset.bin.minisig 2>err &&
	test_expect_code 2 reprove verify asset.bin --sig asset.bin.minisig 2>err &&
	grep "public key" err
'
test_done
