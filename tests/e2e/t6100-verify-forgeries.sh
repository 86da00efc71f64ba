#!/bin/sh
# verify: one forgery per check (testdata/forgeries, made by peer tools). Each must exit 1,
# name the failed check on stderr and in the report, and print no "verified" line;
# malformed inputs exit 3 with one error line.
. "$(dirname "$0")/lib.sh"

F=$TESTDATA/forgeries
K=$TESTDATA/keys
ED=$K/ed25519.pub.pem
MS=$K/minisign-plain.pub
POLICY="--builder-id https://reprove.dev/builders/test/v1 --source-uri git+https://example.org/reprove/sample --source-tag v1.0.0 --source-commit 1111111111111111111111111111111111111111"

# forged CHECK ARGS...: exit 1, CHECK named in the error and as the FAIL line, no success line
forged() {
	check=$1
	shift
	test_expect_code 1 reprove verify "$@" >out 2>err &&
	test_one_error_line err &&
	grep "^reprove: verify: $check: " err &&
	grep "^FAIL  $check " out &&
	! grep "^verified" out
}

test_expect_success 'the genuine inputs verify (baseline for every forgery)' '
	reprove verify $F/asset.txt -p $MS --sig $F/asset.txt.minisig >out &&
	grep "^verified" out &&
	reprove verify $F/asset.txt -p $MS --sums $F/SHA256SUMS --sums-sig $F/SHA256SUMS.minisig &&
	reprove verify $F/asset.txt -p $ED --provenance $F/good.intoto.jsonl $POLICY >out &&
	grep "^ok    source-commit" out
'

test_expect_success 'tampered artifact: minisign signature' '
	forged signature $F/asset-tampered.txt -p $MS --sig $F/asset.txt.minisig &&
	grep "signature does not verify" err
'
test_expect_success 'wrong key: minisign signature by an untrusted key' '
	forged signature $F/asset.txt -p $MS --sig $F/wrong-key.minisig &&
	grep "no trusted key has that id" err
'
test_expect_success 'tampered trusted comment' '
	forged signature $F/asset.txt -p $MS --sig $F/tampered-comment.minisig &&
	grep "trusted comment signature does not verify" err
'
test_expect_success 'signature of another file' '
	forged signature $F/asset.txt -p $MS --sig $F/other.txt.minisig
'
test_expect_success 'SHA256SUMS edited after signing' '
	forged sums-signature $F/asset.txt -p $MS --sums $F/SHA256SUMS-tampered \
		--sums-sig $F/SHA256SUMS-tampered.minisig
'
test_expect_success 'tampered artifact: digest differs from SHA256SUMS' '
	cp $F/asset-tampered.txt asset.txt &&
	forged sums asset.txt -p $MS --sums $F/SHA256SUMS --sums-sig $F/SHA256SUMS.minisig &&
	grep "expected .sha256:$(sha256sum $F/asset.txt | cut -c1-64)" err
'
test_expect_success 'asset not listed in a genuinely signed SHA256SUMS' '
	forged sums $F/asset.txt -p $MS --sums $F/SHA256SUMS-unlisted \
		--sums-sig $F/SHA256SUMS-unlisted.minisig &&
	grep "not listed" err
'
test_expect_success 'wrong key: provenance signed by an untrusted key' '
	forged dsse-signature $F/asset.txt -p $ED --provenance $F/wrong-key.intoto.jsonl $POLICY
'
test_expect_success 'tampered payload: signature checked before parsing' '
	forged dsse-signature $F/asset.txt -p $ED --provenance $F/tampered-payload.intoto.jsonl &&
	! grep "^ok    payload-type" out
'
test_expect_success 'tampered payload is shown only marked unverified' '
	test_expect_code 1 reprove verify $F/asset.txt -p $ED --print-provenance \
		--provenance $F/tampered-payload.intoto.jsonl >out 2>err &&
	grep "UNVERIFIED" out && grep "builders/evil/v1" out
'
test_expect_success 'wrong payloadType' '
	forged payload-type $F/asset.txt -p $ED --provenance $F/wrong-payloadtype.intoto.jsonl
'
test_expect_success 'wrong statement type' '
	forged statement-type $F/asset.txt -p $ED --provenance $F/wrong-statement-type.intoto.jsonl
'
test_expect_success 'wrong predicateType' '
	forged predicate-type $F/asset.txt -p $ED --provenance $F/wrong-predicate.intoto.jsonl
'
test_expect_success 'tampered artifact against provenance' '
	forged subject $F/asset-tampered.txt -p $ED --provenance $F/good.intoto.jsonl
'
test_expect_success 'swapped subject (genuine provenance of another artifact)' '
	forged subject $F/asset.txt -p $ED --provenance $F/swapped-subject.intoto.jsonl
'
test_expect_success 'wrong builder id' '
	forged builder-id $F/asset.txt -p $ED --provenance $F/wrong-builder.intoto.jsonl $POLICY &&
	grep "found .https://evil.example/builder" err
'
test_expect_success 'wrong source repository' '
	forged source-uri $F/asset.txt -p $ED --provenance $F/wrong-source.intoto.jsonl $POLICY
'
test_expect_success 'wrong source tag' '
	forged source-tag $F/asset.txt -p $ED --provenance $F/wrong-tag.intoto.jsonl $POLICY &&
	grep "expected .refs/tags/v1.0.0., found .refs/tags/v0.9.9" err
'
test_expect_success 'wrong branch expected' '
	forged source-branch $F/asset.txt -p $ED --provenance $F/good.intoto.jsonl --source-branch main
'
test_expect_success 'wrong source commit' '
	forged source-commit $F/asset.txt -p $ED --provenance $F/wrong-commit.intoto.jsonl $POLICY
'

# malformed: exit 3 and one error line, no report
malformed() {
	test_expect_code 3 reprove verify "$@" >out 2>err &&
	test_one_error_line err &&
	! test -s out
}
test_expect_success 'garbled envelope base64 is malformed input' '
	malformed $F/asset.txt -p $ED --provenance $F/garbled-base64.intoto.jsonl &&
	grep "base64" err
'
test_expect_success 'no envelope in the file is malformed input' '
	malformed $F/asset.txt -p $ED --provenance $F/garbled.intoto.jsonl &&
	grep "no DSSE envelope" err
'
test_expect_success 'truncated envelope is malformed input' '
	malformed $F/asset.txt -p $ED --provenance $F/truncated.intoto.jsonl
'
test_expect_success 'truncated minisig is malformed input' '
	malformed $F/asset.txt -p $MS --sig $F/truncated.minisig && grep "line 3" err
'
test_expect_success 'garbled public key is malformed input' '
	echo "not a key" >bad.pub &&
	malformed $F/asset.txt -p bad.pub --sig $F/asset.txt.minisig &&
	grep "bad.pub" err
'
test_expect_success 'a secret key given as trusted key is refused' '
	malformed $F/asset.txt -p $K/minisign-plain.key --sig $F/asset.txt.minisig &&
	grep "secret key" err
'
test_done
