#!/bin/sh
# Sigstore bundles whose content is ambiguous: the bundle schema makes dsseEnvelope and
# messageSignature a oneof, so a bundle holding both (a genuine envelope plus a message
# signature over something else) cannot say what it vouches for, and another verifier may
# check the other half. verify refuses it as malformed input (exit 3), naming the file.
. "$(dirname "$0")/lib.sh"

K=$TESTDATA/keys
printf 'the release\n' >app.tar.gz

test_expect_success 'setup: a genuine bundle, then one with a message signature added' '
	reprove attest -k $K/ed25519.key.pem --subject app.tar.gz -o p.intoto.jsonl \
		--bundle good.sigstore.json &&
	reprove verify app.tar.gz -p $K/ed25519.pub.pem --provenance good.sigstore.json >out &&
	grep "^verified" out &&
	python3 - <<-\EOF
	import json
	b = json.load(open("good.sigstore.json"))
	b["messageSignature"] = {"messageDigest": {"algorithm": "SHA2_256",
	    "digest": "3q2+7w=="}, "signature": "3q2+7w=="}
	open("both.sigstore.json", "w").write(json.dumps(b, indent=2))
	open("both.intoto.jsonl", "w").write(json.dumps({"not": "a bundle"}) + "\n" +
	    json.dumps(b) + "\n")
	b["messageSignature"] = None
	open("null-msg.sigstore.json", "w").write(json.dumps(b))
	EOF
'
test_expect_success 'a bundle with a DSSE envelope and a message signature: exit 3' '
	test_expect_code 3 reprove verify app.tar.gz -p $K/ed25519.pub.pem \
		--provenance both.sigstore.json >out 2>err &&
	test_one_error_line err &&
	grep "^reprove: verify: .both.sigstore.json.: bundle holds both a DSSE envelope and a message signature$" err &&
	! test -s out
'
test_expect_success 'the same bundle as a line of an .intoto.jsonl: exit 3, line named' '
	test_expect_code 3 reprove verify app.tar.gz -p $K/ed25519.pub.pem \
		--provenance both.intoto.jsonl >out 2>err &&
	grep "both.intoto.jsonl line 2.: bundle holds both" err && ! test -s out
'
test_expect_success 'even a null messageSignature member is refused (the field is present)' '
	test_expect_code 3 reprove verify app.tar.gz -p $K/ed25519.pub.pem \
		--provenance null-msg.sigstore.json >out 2>err &&
	grep "holds both" err
'
test_done
