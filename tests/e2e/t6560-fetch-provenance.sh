#!/bin/sh
# reprove fetch --provenance: SLSA provenance signed outside reprove (a DSSE envelope made by
# sign-provenance.py with Debian's python3-cryptography), served by nginx over https, with
# the policy flags; the good case and each forgery (exit 1, nothing left behind).
. "$(dirname "$0")/lib.sh"
. "$RP_ROOT/tests/e2e/lib-nginx.sh"

PY=/usr/bin/python3
SIGN=$RP_ROOT/tests/e2e/sign-provenance.py
if ! nginx_prereq || ! $PY -c 'import cryptography' 2>/dev/null; then
	test_skip 'fetch with provenance' 'nginx, openssl or python3-cryptography missing (tests/deps/fetch.apt)'
	test_done
fi
nginx_start || { echo "not ok - nginx did not start"; exit 1; }

A=app-1.0.tar.gz
SRC=git+https://example.org/app.git
BUILDER=https://ci.example.org/reprove-gate/v1
COMMIT=4b825dc642cb6eb9a060e54bf8d69288fbee4904
head -c 900000 /dev/urandom >"$WWW/$A"
SUM=$(sha256sum "$WWW/$A" | cut -c1-64)
mkdir -p "$WWW/tampered"
cp "$WWW/$A" "$WWW/tampered/$A" &&
printf 'X' | dd of="$WWW/tampered/$A" bs=1 seek=77 conv=notrunc 2>/dev/null

openssl genpkey -algorithm ed25519 -out builder.key 2>/dev/null &&
openssl pkey -in builder.key -pubout -out builder.pub.pem &&
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null &&
openssl pkey -in ec.key -pubout -out ec.pub.pem &&
openssl genpkey -algorithm ed25519 -out rogue.key 2>/dev/null ||
{ echo "not ok - openssl genpkey failed"; exit 1; }

sign() { # OUT [extra args...]
	out=$1
	shift
	$PY "$SIGN" -k builder.key -s "$A=$SUM" -s "other.bin=$(printf %064d 7)" \
		--builder-id "$BUILDER" --source-uri "$SRC" --ref refs/tags/v1.0 --commit $COMMIT \
		-o "$WWW/$out" "$@"
}
sign good.intoto.jsonl &&
sign ec.intoto.jsonl -k ec.key &&
sign rogue.intoto.jsonl -k rogue.key &&
sign garbled-sig.intoto.jsonl --garble &&
sign wrong-type.intoto.jsonl --payload-type application/json ||
{ echo "not ok - sign-provenance.py failed"; exit 1; }
# garbled envelope: the payload changed after signing (one base64 character)
$PY - "$WWW/good.intoto.jsonl" "$WWW/garbled-payload.intoto.jsonl" <<'PYEOF'
import json, sys
env = json.load(open(sys.argv[1]))
p = env["payload"]
i = len(p) // 2
env["payload"] = p[:i] + ("A" if p[i] != "A" else "B") + p[i + 1:]
open(sys.argv[2], "w").write(json.dumps(env) + "\n")
PYEOF
head -c 150 "$WWW/good.intoto.jsonl" >"$WWW/truncated.intoto.jsonl"
U=$HTTPS_URL
POLICY="--builder-id $BUILDER --source-uri $SRC --source-tag v1.0"

test_expect_success 'good asset with provenance by URL and every policy flag' '
	reprove fetch "$U/$A" --cacert "$CA" -o app.tgz -p builder.pub.pem $POLICY \
		--source-commit $COMMIT --provenance "$U/good.intoto.jsonl" >out 2>err &&
	cmp "$WWW/$A" app.tgz && ! test -e app.tgz.part &&
	grep "^ok  *dsse-signature" out && grep "^ok  *builder-id" out &&
	grep "^OK app.tgz " out
'

test_expect_success 'ECDSA P-256 provenance, local file' '
	cp "$WWW/ec.intoto.jsonl" . &&
	reprove fetch "$U/$A" --cacert "$CA" -o ec.tgz -p ec.pub.pem $POLICY \
		--provenance ec.intoto.jsonl >out &&
	cmp "$WWW/$A" ec.tgz
'

test_expect_success 'provenance and --sha256 together' '
	reprove fetch "$U/$A" --cacert "$CA" -o both.tgz -p builder.pub.pem $POLICY \
		--provenance "$U/good.intoto.jsonl" --sha256 $SUM >out &&
	grep "^sha256: OK" out && cmp "$WWW/$A" both.tgz
'

test_expect_success 'tampered asset: no subject has its digest, exit 1, nothing left' '
	test_expect_code 1 reprove fetch "$U/tampered/$A" --cacert "$CA" -o t.tgz -p builder.pub.pem \
		$POLICY --provenance "$U/good.intoto.jsonl" >out 2>err &&
	test_one_error_line err && grep "subject" err && ! grep "^OK" out &&
	! test -e t.tgz && ! test -e t.tgz.part
'

test_expect_success 'wrong builder: exit 1 naming builder-id, nothing left' '
	test_expect_code 1 reprove fetch "$U/$A" --cacert "$CA" -o b.tgz -p builder.pub.pem \
		--builder-id https://evil.example/builder --provenance "$U/good.intoto.jsonl" >out 2>err &&
	test_one_error_line err && grep "builder-id" err && grep "evil.example" err &&
	! grep "^OK" out && ! test -e b.tgz && ! test -e b.tgz.part
'

test_expect_success 'untrusted signer: exit 1 naming the signature check, nothing left' '
	test_expect_code 1 reprove fetch "$U/$A" --cacert "$CA" -o r.tgz -p builder.pub.pem \
		$POLICY --provenance "$U/rogue.intoto.jsonl" >out 2>err &&
	test_one_error_line err && grep "dsse-signature" err &&
	! grep "^OK" out && ! test -e r.tgz && ! test -e r.tgz.part
'

test_expect_success 'wrong source tag: exit 1 naming the ref, nothing left' '
	test_expect_code 1 reprove fetch "$U/$A" --cacert "$CA" -o w.tgz -p builder.pub.pem \
		--builder-id "$BUILDER" --source-tag v2.0 --provenance "$U/good.intoto.jsonl" >out 2>err &&
	test_one_error_line err && grep "v2.0" err && ! grep "^OK" out &&
	! test -e w.tgz && ! test -e w.tgz.part
'

test_expect_success 'a branch where a tag was built: exit 1' '
	test_expect_code 1 reprove fetch "$U/$A" --cacert "$CA" -o w.tgz -p builder.pub.pem \
		--source-branch v1.0 --provenance "$U/good.intoto.jsonl" >out 2>err &&
	! test -e w.tgz && ! test -e w.tgz.part
'

test_expect_success 'wrong source URI: exit 1' '
	test_expect_code 1 reprove fetch "$U/$A" --cacert "$CA" -o w.tgz -p builder.pub.pem \
		--source-uri git+https://example.org/other.git --provenance "$U/good.intoto.jsonl" >out 2>err &&
	test_one_error_line err && grep "other.git" err && ! test -e w.tgz && ! test -e w.tgz.part
'

test_expect_success 'garbled envelope (signature bit flipped): exit 1, nothing left' '
	test_expect_code 1 reprove fetch "$U/$A" --cacert "$CA" -o g.tgz -p builder.pub.pem \
		$POLICY --provenance "$U/garbled-sig.intoto.jsonl" >out 2>err &&
	test_one_error_line err && grep "dsse-signature" err && ! grep "^OK" out &&
	! test -e g.tgz && ! test -e g.tgz.part
'

test_expect_success 'garbled envelope (payload changed after signing): exit 1, nothing left' '
	test_expect_code 1 reprove fetch "$U/$A" --cacert "$CA" -o g.tgz -p builder.pub.pem \
		$POLICY --provenance "$U/garbled-payload.intoto.jsonl" >out 2>err &&
	test_one_error_line err && grep "dsse-signature" err && ! grep "^OK" out &&
	! test -e g.tgz && ! test -e g.tgz.part
'

test_expect_success 'a signed envelope with the wrong payloadType: exit 1' '
	test_expect_code 1 reprove fetch "$U/$A" --cacert "$CA" -o p.tgz -p builder.pub.pem \
		$POLICY --provenance "$U/wrong-type.intoto.jsonl" >out 2>err &&
	grep -i "payload" err && ! test -e p.tgz && ! test -e p.tgz.part
'

test_expect_success 'a truncated provenance file is malformed input (exit 3), nothing left' '
	test_expect_code 3 reprove fetch "$U/$A" --cacert "$CA" -o x.tgz -p builder.pub.pem \
		$POLICY --provenance "$U/truncated.intoto.jsonl" >out 2>err &&
	test_one_error_line err && ! grep "^OK" out && ! test -e x.tgz && ! test -e x.tgz.part
'

test_expect_success '--print-provenance shows the statement, marked unverified on failure' '
	test_expect_code 1 reprove fetch "$U/$A" --cacert "$CA" -o pp.tgz -p builder.pub.pem \
		--builder-id https://evil.example/builder --print-provenance \
		--provenance "$U/good.intoto.jsonl" >out 2>err &&
	grep "$BUILDER" out && grep -i "unverified\|not verified" out && ! test -e pp.tgz
'

nginx_stop
test_done
