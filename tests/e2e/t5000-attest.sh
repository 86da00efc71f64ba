#!/bin/sh
# attest: SLSA provenance v1 in a DSSE envelope, checked by peers (openssl pkeyutl over the
# PAE, Debian's python3-cryptography), the statement's schema, the Sigstore bundle, and
# round trips through verify.
. "$(dirname "$0")/lib.sh"

K=$TESTDATA/keys
PY="/usr/bin/python3 $RP_ROOT/tests/e2e/dsse_py.py"
COMMIT=0123456789abcdef0123456789abcdef01234567

# Write the PAE of line 1 of $1 to pae.bin and its first signature to sig.bin.
split_envelope() {
	/usr/bin/python3 - "$1" <<'PYEOF'
import base64, json, sys
env = json.loads(open(sys.argv[1]).readline())
if "dsseEnvelope" in env:
    env = env["dsseEnvelope"]
body = base64.b64decode(env["payload"])
t = env["payloadType"].encode()
open("pae.bin", "wb").write(b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body))
open("sig.bin", "wb").write(base64.b64decode(env["signatures"][0]["sig"]))
open("payload.json", "wb").write(body)
PYEOF
}

test_expect_success 'setup: keys and artifacts' '
	reprove keygen -o ed --no-passphrase 2>/dev/null &&
	reprove keygen -t ecdsa-p256 -o ec --no-passphrase 2>/dev/null &&
	mkdir dist && printf "app\n" >dist/app-1.0.tar.gz && printf "doc\n" >dist/app-1.0.pdf &&
	printf "{\"build\":[\"make\",\"dist\"],\"artifacts\":[\"dist/*.tar.gz\"]}\n" >reprove.json
'
test_expect_success 'attest writes one DSSE line (ed25519 minisign key)' '
	reprove attest -k ed.key --subject dist/app-1.0.tar.gz --subject dist/app-1.0.pdf \
		--recipe reprove.json --builder-id https://ci.example/builder/v1 \
		--source-uri git+https://example.org/app --source-ref refs/tags/v1.0 \
		--source-commit $COMMIT --toolchain /bin/sh \
		-o prov.intoto.jsonl --bundle prov.sigstore.json &&
	test "$(wc -l <prov.intoto.jsonl)" = 1 &&
	split_envelope prov.intoto.jsonl
'
test_expect_success 'openssl pkeyutl -verify -rawin verifies the Ed25519 signature over the PAE' '
	openssl pkeyutl -verify -pubin -inkey ed.pub.pem -rawin -in pae.bin -sigfile sig.bin >out &&
	grep "Signature Verified Successfully" out &&
	printf x >>pae.bin &&
	test_must_fail openssl pkeyutl -verify -pubin -inkey ed.pub.pem -rawin -in pae.bin -sigfile sig.bin >/dev/null
'
test_expect_success 'python3-cryptography verifies the envelope (Ed25519)' '
	$PY verify --pub ed.pub.pem --envelope prov.intoto.jsonl >/dev/null &&
	test_must_fail $PY verify --pub ec.pub.pem --envelope prov.intoto.jsonl 2>/dev/null
'
test_expect_success 'statement follows in-toto v1 / SLSA provenance v1, no extra fields' '
	split_envelope prov.intoto.jsonl &&
	A=$(sha256sum dist/app-1.0.tar.gz | cut -c1-64) B=$(sha256sum dist/app-1.0.pdf | cut -c1-64) \
	SH=$(sha256sum /bin/sh | cut -c1-64) /usr/bin/python3 - <<-\PYEOF
	import json, os
	st = json.load(open("payload.json"))
	assert sorted(st) == ["_type", "predicate", "predicateType", "subject"], st.keys()
	assert st["_type"] == "https://in-toto.io/Statement/v1"
	assert st["predicateType"] == "https://slsa.dev/provenance/v1"
	assert st["subject"] == [{"name": "app-1.0.tar.gz", "digest": {"sha256": os.environ["A"]}},
	                         {"name": "app-1.0.pdf", "digest": {"sha256": os.environ["B"]}}]
	p = st["predicate"]
	assert sorted(p) == ["buildDefinition", "runDetails"]
	bd = p["buildDefinition"]
	assert bd["buildType"] == "https://reprove.dev/build-types/rebuild/v1"
	assert bd["externalParameters"]["source"] == {"uri": "git+https://example.org/app", "ref": "refs/tags/v1.0"}
	assert bd["externalParameters"]["recipe"]["build"] == ["make", "dist"]
	assert bd["internalParameters"]["environment"]["TZ"] == "UTC"
	deps = bd["resolvedDependencies"]
	assert deps[0]["digest"] == {"gitCommit": "0123456789abcdef0123456789abcdef01234567"}
	assert deps[0]["uri"] == "git+https://example.org/app@refs/tags/v1.0"
	assert deps[1]["digest"] == {"sha256": os.environ["SH"]} and deps[1]["uri"] == "file:///bin/sh"
	rd = p["runDetails"]
	assert rd["builder"] == {"id": "https://ci.example/builder/v1"}
	m = rd["metadata"]
	assert m["invocationId"].startswith("urn:uuid:") and m["startedOn"].endswith("Z")
	PYEOF
'
test_expect_success 'Sigstore bundle v0.3: hint = base64(SHA-256(SPKI DER)), one signature' '
	openssl pkey -pubin -in ed.pub.pem -outform DER | openssl dgst -sha256 -binary | base64 >hint &&
	HINT=$(cat hint) /usr/bin/python3 - <<-\PYEOF
	import json, os
	b = json.load(open("prov.sigstore.json"))
	env = json.loads(open("prov.intoto.jsonl").readline())
	assert b["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json"
	assert b["verificationMaterial"]["publicKey"] == {"hint": os.environ["HINT"]}
	assert b["dsseEnvelope"] == env
	assert len(env["signatures"]) == 1
	PYEOF
	$PY verify --pub ed.pub.pem --envelope prov.sigstore.json >/dev/null
'
test_expect_success 'ECDSA P-256 attest: DER signature verified by openssl and python' '
	reprove attest -k ec.key --subject dist/app-1.0.tar.gz -o ec.intoto.jsonl &&
	split_envelope ec.intoto.jsonl &&
	openssl dgst -sha256 -verify ec.pub.pem -signature sig.bin pae.bin | grep "Verified OK" &&
	$PY verify --pub ec.pub.pem --envelope ec.intoto.jsonl >/dev/null
'
test_expect_success 'verify: both assets against one provenance, signature checked once' '
	reprove verify dist/app-1.0.tar.gz dist/app-1.0.pdf -p ed.pub --provenance prov.intoto.jsonl \
		--builder-id https://ci.example/builder/v1 --source-uri https://example.org/app.git \
		--source-tag v1.0 --source-commit $COMMIT >out &&
	test "$(grep -c "^ok    dsse-signature" out)" = 1 &&
	test "$(grep -c "^ok    subject" out)" = 2 &&
	grep "^verified" out
'
test_expect_success 'verify the bundle with the PEM key and an asset given by digest' '
	reprove verify "sha256:$(sha256sum dist/app-1.0.pdf | cut -c1-64)" -p ed.pub.pem \
		--provenance prov.sigstore.json --source-tag v1.0 >/dev/null
'
test_expect_success 'verify a many-line .intoto.jsonl with CRLF, junk lines, other signers' '
	{ printf "not json\r\n"; cat ec.intoto.jsonl; printf "{\"x\":1}\n"; tr -d "\n" <prov.intoto.jsonl; printf "\r\n\n"; } >many.jsonl &&
	reprove verify dist/app-1.0.pdf -p ed.pub --provenance many.jsonl --source-tag v1.0 >out &&
	grep "^ok    subject" out &&
	reprove verify dist/app-1.0.tar.gz -p ec.pub.pem --provenance many.jsonl >/dev/null
'
test_expect_success 'attest with an encrypted key (minisign scrypt, made by minisign)' '
	RP_PW="$(cat $K/PASSPHRASE)" reprove attest -k $K/minisign-enc.key --passphrase-env RP_PW \
		--subject dist/app-1.0.tar.gz -o enc.intoto.jsonl &&
	reprove verify dist/app-1.0.tar.gz -p $K/minisign-enc.pub --provenance enc.intoto.jsonl >/dev/null
'
test_expect_success 'attest with an openssl-made encrypted PKCS#8 P-256 key' '
	RP_PW="$(cat $K/PASSPHRASE)" reprove attest -k $K/p256-enc.key.pem --passphrase-env RP_PW \
		--subject dist/app-1.0.tar.gz -o p256.intoto.jsonl &&
	$PY verify --pub $K/p256.pub.pem --envelope p256.intoto.jsonl >/dev/null
'
test_expect_success 'byproducts: a verdict object becomes a ResourceDescriptor' '
	printf "{\"verdict\":\"reproducible\",\"runs\":2}\n" >verdict.json &&
	reprove attest -k ed.key --subject dist/app-1.0.tar.gz --byproducts verdict.json -o bp.intoto.jsonl &&
	split_envelope bp.intoto.jsonl &&
	/usr/bin/python3 -c "import json; b=json.load(open(\"payload.json\"))[\"predicate\"][\"runDetails\"][\"byproducts\"]; assert b[0][\"annotations\"][\"verdict\"]==\"reproducible\", b"
'
test_expect_success 'bad recipe JSON: exit 3, nothing written' '
	printf "{not json" >bad.json &&
	test_expect_code 3 reprove attest -k ed.key --subject dist/app-1.0.tar.gz --recipe bad.json \
		-o x.intoto.jsonl --bundle x.json 2>err &&
	test_one_error_line err && ! test -e x.intoto.jsonl && ! test -e x.json
'
test_expect_success 'missing subject: exit 4, nothing written' '
	test_expect_code 4 reprove attest -k ed.key --subject nosuch -o y.intoto.jsonl 2>err &&
	test_one_error_line err && ! test -e y.intoto.jsonl
'
test_expect_success 'two subjects with one base name are refused' '
	mkdir other && cp dist/app-1.0.pdf other/ &&
	test_expect_code 2 reprove attest -k ed.key --subject dist/app-1.0.pdf --subject other/app-1.0.pdf \
		-o z.intoto.jsonl 2>err && ! test -e z.intoto.jsonl
'
test_done
