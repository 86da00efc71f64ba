#!/bin/sh
# verify and fetch --provenance: a named asset needs a subject with its base name AND its
# digest (review finding 7: provenance for evil.tar.gz vouched for app.tar.gz when the bytes
# were equal). --match-digest-only asks for digest-only matching; a sha256:HEX asset has no
# name and is matched by digest, which the report says.
. "$(dirname "$0")/lib.sh"

K=$TESTDATA/keys
ED=$K/ed25519.pub.pem
if ! python3 -c 'import cryptography' 2>/dev/null; then
	test_skip 'subject names' 'python3-cryptography missing (tests/deps/*.apt)'
	test_done
fi

# sign.py OUT SUBJECTS-JSON: provenance v1 whose subject array is SUBJECTS-JSON, by the test key
cat >sign.py <<PYEOF
import base64, json, sys
from cryptography.hazmat.primitives import serialization
st = {"_type": "https://in-toto.io/Statement/v1", "subject": json.loads(sys.argv[2]),
      "predicateType": "https://slsa.dev/provenance/v1",
      "predicate": {"buildDefinition": {"buildType": "https://reprove.dev/build-types/rebuild/v1",
                    "externalParameters": {"source": {"uri": "git+https://example.org/app",
                                                      "ref": "refs/tags/v1.0"}}},
                    "runDetails": {"builder": {"id": "https://ci.example/b"}}}}
payload = json.dumps(st).encode()
key = serialization.load_pem_private_key(open("$K/ed25519.key.pem", "rb").read(), None)
t = b"application/vnd.in-toto+json"
sig = key.sign(b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload))
open(sys.argv[1], "w").write(json.dumps({"payloadType": t.decode(),
    "payload": base64.b64encode(payload).decode(),
    "signatures": [{"keyid": "", "sig": base64.b64encode(sig).decode()}]}) + "\n")
PYEOF

mkdir dist && printf 'the same bytes\n' >dist/app.tar.gz
D=$(sha256sum dist/app.tar.gz | cut -c1-64)
O=$(printf %064d 7)
sign() { python3 sign.py "$@"; }

test_expect_success 'setup: provenance naming the bytes otherwise, by path, with a NUL' '
	sign evil.jsonl "[{\"name\": \"evil.tar.gz\", \"digest\": {\"sha256\": \"$D\"}}]" &&
	sign swapped.jsonl "[{\"name\": \"app.tar.gz\", \"digest\": {\"sha256\": \"$O\"}},
		{\"name\": \"evil.tar.gz\", \"digest\": {\"sha256\": \"$D\"}}]" &&
	sign path.jsonl "[{\"name\": \"build/out/app.tar.gz\", \"digest\": {\"sha256\": \"$D\"}}]" &&
	sign nul.jsonl "[{\"name\": \"app.tar.gz\\u0000.sig\", \"digest\": {\"sha256\": \"$D\"}}]" &&
	sign nameless.jsonl "[{\"digest\": {\"sha256\": \"$D\"}}]"
'
# wrong PROV: the subject check fails for dist/app.tar.gz, exit 1, nothing verified
wrong() {
	test_expect_code 1 reprove verify dist/app.tar.gz -p $ED --provenance "$1" >out 2>err &&
	test_one_error_line err &&
	grep "^reprove: verify: subject: .dist/app.tar.gz.: expected .subject .app.tar.gz. with sha256:$D" err &&
	grep "^FAIL  subject " out && ! grep "^verified" out
}
test_expect_success 'the digest under another name does not vouch for app.tar.gz' '
	wrong evil.jsonl && grep "only as subject .evil.tar.gz." err
'
test_expect_success 'nor when a subject app.tar.gz exists with another digest' '
	wrong swapped.jsonl && grep "only as subject .evil.tar.gz." err
'
test_expect_success 'guard: a NUL in a subject name cannot cut it short: malformed, exit 3' '
	test_expect_code 3 reprove verify dist/app.tar.gz -p $ED --provenance nul.jsonl >out 2>err &&
	test_one_error_line err && ! test -s out
'
test_expect_success 'a nameless subject does not name the asset' '
	wrong nameless.jsonl
'
test_expect_success '--match-digest-only accepts the digest under any name, and says so' '
	reprove verify dist/app.tar.gz -p $ED --provenance evil.jsonl --match-digest-only >out &&
	grep "^ok    subject  *dist/app.tar.gz: sha256:$D (subject .evil.tar.gz., matched by digest only, as asked)$" out &&
	grep "^verified" out &&
	reprove verify dist/app.tar.gz -p $ED --provenance nameless.jsonl --match-digest-only >out &&
	test_expect_code 2 reprove verify dist/app.tar.gz --sums x --match-digest-only 2>err &&
	grep "need --provenance" err
'
test_expect_success 'a sha256: asset has no name: matched by digest, and the report says so' '
	reprove verify sha256:$D -p $ED --provenance evil.jsonl >out &&
	grep "^ok    subject .*(subject .evil.tar.gz., matched by digest only: the asset has no name)$" out &&
	grep "^verified" out
'
test_expect_success 'guard: the subject base name is what counts (build/out/app.tar.gz)' '
	reprove verify dist/app.tar.gz -p $ED --provenance path.jsonl >out &&
	grep "^ok    subject .*(subject .build/out/app.tar.gz.)$" out
'
test_expect_success 'fetch: the URL names app.tar.gz; a subject evil.tar.gz is refused' '
	test_expect_code 1 reprove fetch "file://$PWD/dist/app.tar.gz" -o got.tar.gz -p $ED \
		--provenance evil.jsonl >out 2>err &&
	grep "^reprove: fetch: subject: .app.tar.gz.: expected .subject .app.tar.gz. with" err &&
	! test -e got.tar.gz && ! test -e got.tar.gz.part
'
test_expect_success 'fetch --match-digest-only accepts it, and says so' '
	reprove fetch "file://$PWD/dist/app.tar.gz" -o got.tar.gz -p $ED --match-digest-only \
		--provenance evil.jsonl >out &&
	grep "matched by digest only, as asked" out && cmp dist/app.tar.gz got.tar.gz
'
test_done
