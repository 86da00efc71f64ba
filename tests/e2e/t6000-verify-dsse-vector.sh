#!/bin/sh
# verify --provenance on the DSSE specification's test vector (ECDSA P-256, raw r||s): the
# signature check passes with the vector's key, then the payloadType check (not in-toto)
# stops it with exit 1; the envelope with one byte changed fails the signature check.
. "$(dirname "$0")/lib.sh"

V=$VECTORS
test_expect_success 'the vector signature verifies; its payloadType is not in-toto' '
	test_expect_code 1 reprove verify sha256:$(printf "hello world" | sha256sum | cut -c1-64) \
		-p $V/dsse-ecdsa-p256.pub.pem --provenance $V/dsse-ecdsa-p256.json >out 2>err &&
	grep "^ok    dsse-signature" out &&
	grep "^FAIL  payload-type .*found http://example.com/HelloWorld" out &&
	grep "^reprove: verify: payload-type: " err
'
test_expect_success 'python3-cryptography agrees on the vector' '
	/usr/bin/python3 $RP_ROOT/tests/e2e/dsse_py.py verify --pub $V/dsse-ecdsa-p256.pub.pem \
		--envelope $V/dsse-ecdsa-p256.json >out && grep -x "hello world" out
'
test_expect_success 'the vector with its payload changed fails the signature check' '
	sed "s/aGVsbG8gd29ybGQ=/aGVsbG8gd29ybGU=/" $V/dsse-ecdsa-p256.json >bad.json &&
	! cmp -s bad.json $V/dsse-ecdsa-p256.json &&
	test_expect_code 1 reprove verify sha256:$(printf "hello world" | sha256sum | cut -c1-64) \
		-p $V/dsse-ecdsa-p256.pub.pem --provenance bad.json >out 2>err &&
	grep "^FAIL  dsse-signature" out
'
test_expect_success 'the vector does not verify with another P-256 key' '
	test_expect_code 1 reprove verify sha256:$(printf "hello world" | sha256sum | cut -c1-64) \
		-p $TESTDATA/keys/p256.pub.pem --provenance $V/dsse-ecdsa-p256.json >/dev/null 2>&1
'
test_done
