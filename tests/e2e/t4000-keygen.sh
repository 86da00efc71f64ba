#!/bin/sh
# keygen: key files, modes, formats read by the peers (minisign, openssl), passphrases.
. "$(dirname "$0")/lib.sh"

K=$TESTDATA/keys
export RP_TEST_PASS="correct horse battery staple"

test_expect_success 'ed25519 key pair without passphrase: three files, secret 0600' '
	reprove keygen -o k --no-passphrase 2>err &&
	test "$(stat -c %a k.key)" = 600 &&
	test "$(stat -c %a k.pub)" = 644 &&
	head -n 1 k.pub | grep "^untrusted comment: minisign public key [0-9A-F]\{16\}$" &&
	head -n 1 k.key | grep "^untrusted comment: " &&
	grep "BEGIN PUBLIC KEY" k.pub.pem
'
test_expect_success 'openssl reads the PEM public key as ED25519' '
	openssl pkey -pubin -in k.pub.pem -noout -text >txt &&
	grep -i "ED25519 Public-Key" txt
'
test_expect_success 'the minisign and PEM public keys hold the same key' '
	openssl pkey -pubin -in k.pub.pem -outform DER | tail -c 32 | od -An -tx1 >pem.hex &&
	sed -n 2p k.pub | base64 -d | tail -c 32 | od -An -tx1 >ms.hex &&
	test_cmp pem.hex ms.hex
'
test_expect_success 'minisign -R recreates the public key from our unencrypted secret key' '
	minisign -R -W -s k.key -p re.pub >/dev/null &&
	test "$(sed -n 2p re.pub)" = "$(sed -n 2p k.pub)"
'
test_expect_success 'existing key files are never overwritten silently' '
	cp k.key k.key.orig &&
	test_expect_code 4 reprove keygen -o k --no-passphrase 2>err &&
	test_one_error_line err && grep "already exists" err &&
	cmp k.key k.key.orig &&
	reprove keygen -o k --no-passphrase -f 2>/dev/null &&
	! cmp -s k.key k.key.orig
'
test_expect_success 'encrypted key: passphrase from a named variable, scrypt as minisign' '
	reprove keygen -o enc --passphrase-env RP_TEST_PASS 2>err &&
	sed -n 2p enc.key | base64 -d | head -c 6 >alg && printf "EdScB2" >want && cmp alg want &&
	echo hello >f &&
	reprove sign -k enc.key --passphrase-env RP_TEST_PASS f &&
	minisign -V -p enc.pub -m f >/dev/null
'
test_expect_success 'minisign signs with our encrypted key (same passphrase)' '
	echo other >g &&
	printf "%s\n" "$RP_TEST_PASS" | minisign -S -s enc.key -m g >/dev/null 2>&1 &&
	reprove verify g -p enc.pub --sig g.minisig >/dev/null
'
test_expect_success 'wrong passphrase is malformed input (3), unset variable a usage error (2)' '
	RP_BAD=nope test_expect_code 3 reprove sign -k enc.key --passphrase-env RP_BAD f 2>err &&
	grep "wrong passphrase" err && test_one_error_line err &&
	test_expect_code 2 reprove sign -k enc.key --passphrase-env RP_UNSET_VAR f 2>err &&
	grep "RP_UNSET_VAR" err
'
test_expect_success 'no terminal and no variable: usage error, nothing written' '
	test_expect_code 2 setsid $EXEC_PREFIX "$RP_BIN" keygen -o nt </dev/null 2>err &&
	grep "passphrase-env" err &&
	! test -e nt.key && ! test -e nt.pub
'
test_expect_success 'passphrase never accepted on the command line' '
	test_expect_code 2 reprove keygen -o x --passphrase hunter2 2>err &&
	! test -e x.key
'
test_expect_success 'ecdsa-p256: PKCS#8 secret 0600 and SPKI, read by openssl' '
	reprove keygen --type ecdsa-p256 -o ec --no-passphrase 2>/dev/null &&
	test "$(stat -c %a ec.key)" = 600 && ! test -e ec.pub &&
	openssl pkey -in ec.key -noout -text | grep -i "prime256v1\|P-256" &&
	openssl pkey -pubin -in ec.pub.pem -noout
'
test_expect_success 'ecdsa-p256 with passphrase: encrypted PKCS#8 openssl decrypts' '
	reprove keygen --type ecdsa-p256 -o ece --passphrase-env RP_TEST_PASS 2>/dev/null &&
	grep "BEGIN ENCRYPTED PRIVATE KEY" ece.key &&
	openssl pkey -in ece.key -passin env:RP_TEST_PASS -pubout >pub.pem &&
	test_cmp ece.pub.pem pub.pem
'
test_expect_success 'unknown key type is a usage error' '
	test_expect_code 2 reprove keygen --type rsa -o r --no-passphrase 2>err &&
	test_one_error_line err
'
if test_have script; then
test_expect_success 'terminal prompt: asked twice, echo off, then used to sign' '
	(sleep 1; printf "tty-secret-1\n"; sleep 1; printf "tty-secret-1\n"; sleep 8) |
		script -qec "$RP_BIN keygen -o tty" /dev/null >typescript 2>&1 &&
	grep "Passphrase for the new key" typescript && grep "Passphrase again" typescript &&
	! grep "tty-secret-1" typescript &&
	test -e tty.key && echo data >d &&
	TTYPW=tty-secret-1 reprove sign -k tty.key --passphrase-env TTYPW d &&
	minisign -V -p tty.pub -m d >/dev/null
'
test_expect_success 'terminal prompt: passphrases that differ write nothing (exit 3)' '
	(sleep 1; printf "one\n"; sleep 1; printf "two\n"; sleep 2) |
		script -qec "$RP_BIN keygen -o tty2; echo exit=\$?" /dev/null >typescript 2>&1 &&
	grep "passphrases do not match" typescript && grep "exit=3" typescript &&
	! test -e tty2.key && ! test -e tty2.pub
'
else
	test_skip 'terminal prompt' 'script(1) not installed'
fi
test_done
