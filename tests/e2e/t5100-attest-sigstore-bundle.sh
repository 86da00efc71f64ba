#!/bin/sh
# attest --bundle: the Sigstore bundle v0.3 verifies with sigstore-js (@sigstore/verify,
# installed into tests/node_modules by tests/deps/attest.sh), for Ed25519 and ECDSA P-256;
# tampering and the wrong key are rejected by it, and by reprove verify.
. "$(dirname "$0")/lib.sh"

SJS="node $RP_ROOT/tests/e2e/sigstore_verify.js"
if ! test_have node || ! test -d "$RP_ROOT/tests/node_modules/@sigstore/verify"; then
	test_skip 'sigstore-js interop' 'run make test-deps (node + tests/deps/attest.sh)'
	test_done
fi

test_expect_success 'setup' '
	reprove keygen -o ed --no-passphrase 2>/dev/null &&
	reprove keygen -t ecdsa-p256 -o ec --no-passphrase 2>/dev/null &&
	reprove keygen -o other --no-passphrase 2>/dev/null &&
	printf "release asset\n" >app.tar.gz &&
	D=$(sha256sum app.tar.gz | cut -c1-64) && echo "$D" >digest
'
for t in ed ec; do
	test_expect_success "sigstore-js verifies the $t bundle and its subject" "
		reprove attest -k $t.key --subject app.tar.gz -o $t.intoto.jsonl --bundle $t.sigstore.json &&
		\$SJS $t.sigstore.json $t.pub.pem \$(cat digest) >out && grep '^verified' out &&
		reprove verify app.tar.gz -p $t.pub.pem --provenance $t.sigstore.json >/dev/null
	"
done
test_expect_success 'sigstore-js rejects the bundle for another key' '
	test_must_fail $SJS ed.sigstore.json other.pub.pem $(cat digest) 2>err &&
	grep "hint" err
'
test_expect_success 'sigstore-js and reprove reject a tampered payload' '
	/usr/bin/python3 - <<-\PYEOF &&
	import base64, json
	b = json.load(open("ed.sigstore.json"))
	env = b["dsseEnvelope"]
	body = base64.b64decode(env["payload"]).replace(b"app.tar.gz", b"app.tar.gZ")
	env["payload"] = base64.b64encode(body).decode()
	json.dump(b, open("tampered.sigstore.json", "w"))
	PYEOF
	test_must_fail $SJS tampered.sigstore.json ed.pub.pem $(cat digest) 2>err &&
	test_expect_code 1 reprove verify app.tar.gz -p ed.pub.pem --provenance tampered.sigstore.json >out 2>&1 &&
	grep "^FAIL  dsse-signature" out
'
test_expect_success 'the subject check catches another artifact' '
	printf "other\n" >other.bin &&
	test_must_fail $SJS ed.sigstore.json ed.pub.pem $(sha256sum other.bin | cut -c1-64) 2>/dev/null &&
	test_expect_code 1 reprove verify other.bin -p ed.pub.pem --provenance ed.sigstore.json >/dev/null 2>&1
'
test_expect_success 'reprove reads older bundle media types (v0.1, v0.2)' '
	for v in 0.1 0.2; do
		sed "s|application/vnd.dev.sigstore.bundle.v0.3+json|application/vnd.dev.sigstore.bundle+json;version=$v|" \
			ed.sigstore.json >v$v.json &&
		reprove verify app.tar.gz -p ed.pub.pem --provenance v$v.json >/dev/null || exit 1
	done
'
test_done
