#!/bin/sh
# verify --sums/--sums-sig, --policy files, --json output schema, digest-only assets and
# usage errors.
. "$(dirname "$0")/lib.sh"

F=$TESTDATA/forgeries
K=$TESTDATA/keys

test_expect_success 'setup: a release directory' '
	mkdir rel && cp $F/asset.txt $F/other.txt rel/ &&
	(cd rel && sha256sum asset.txt other.txt >SHA256SUMS) &&
	reprove keygen -o k --no-passphrase 2>/dev/null &&
	reprove sign -k k.key rel/SHA256SUMS
'
test_expect_success 'sums + sums-sig: both assets listed with their digests' '
	reprove verify rel/asset.txt rel/other.txt -p k.pub --sums rel/SHA256SUMS \
		--sums-sig rel/SHA256SUMS.minisig >out &&
	grep "^ok    sums-signature" out &&
	test "$(grep -c "^ok    sums " out)" = 2
'
test_expect_success 'minisign -V agrees on the sums signature' '
	minisign -V -p k.pub -m rel/SHA256SUMS >/dev/null
'
test_expect_success 'sums without a signature needs no key' '
	reprove verify rel/asset.txt --sums rel/SHA256SUMS >/dev/null
'
test_expect_success 'digest-only asset is looked up by digest' '
	reprove verify sha256:$(sha256sum rel/other.txt | cut -c1-64) --sums rel/SHA256SUMS >out &&
	grep "other.txt\|line 2" out
'
test_expect_success 'SHA256SUMS made as "sha256sum dir/*" lists the asset by its base name' '
	sha256sum rel/asset.txt rel/other.txt >DIRSUMS &&
	cp rel/asset.txt asset.txt &&
	reprove verify asset.txt --sums DIRSUMS >out && grep "^ok    sums" out &&
	sha256sum rel/asset.txt >>DIRSUMS && mkdir x && cp rel/other.txt x/asset.txt &&
	sha256sum x/asset.txt >>DIRSUMS &&
	test_expect_code 1 reprove verify asset.txt --sums DIRSUMS >out 2>err &&
	grep "not listed" err
'
test_expect_success 'BSD-tag SHA256SUMS works too' '
	(cd rel && sha256sum --tag asset.txt >BSDSUMS) &&
	reprove verify rel/asset.txt --sums rel/BSDSUMS >/dev/null
'
test_expect_success 'sums signed by another key: sums-signature fails' '
	test_expect_code 1 reprove verify rel/asset.txt -p $K/minisign-plain.pub --sums rel/SHA256SUMS \
		--sums-sig rel/SHA256SUMS.minisig >out 2>err &&
	grep "^reprove: verify: sums-signature: " err
'
test_expect_success 'SHA256SUMS without one proper line is malformed input' '
	printf "garbage\n" >bad.sums &&
	test_expect_code 3 reprove verify rel/asset.txt --sums bad.sums >out 2>err &&
	test_one_error_line err && grep "no properly formatted" err
'
test_expect_success 'setup: provenance and a policy file' '
	reprove attest -k k.key --subject rel/asset.txt --builder-id https://ci.example/b1 \
		--source-uri git+https://example.org/app --source-ref refs/tags/v2.0.1 -o prov.jsonl &&
	cp k.pub rel/trusted.pub &&
	cat >rel/policy.json <<-\EOF
	{"version": 1, "keys": ["trusted.pub"],
	 "builder_ids": ["https://ci.example/b0", "https://ci.example/b1"],
	 "source_uri": "example.org/app", "ref_pattern": "refs/tags/v2.*",
	 "build_type": "https://reprove.dev/build-types/rebuild/v1"}
	EOF
	true
'
test_expect_success 'policy file: keys relative to it, builder list, ref pattern, buildType' '
	reprove verify rel/asset.txt --provenance prov.jsonl --policy rel/policy.json >out &&
	grep "^ok    builder-id" out && grep "^ok    source-ref" out && grep "^ok    build-type" out
'
test_expect_success 'policy ref pattern not met' '
	sed "s/v2\.\*/v3.*/" rel/policy.json >rel/p3.json &&
	test_expect_code 1 reprove verify rel/asset.txt --provenance prov.jsonl --policy rel/p3.json >out 2>err &&
	grep "^reprove: verify: source-ref: " err
'
test_expect_success 'policy builder list not met' '
	sed "s|ci.example/b1|ci.example/b9|" rel/policy.json >rel/p4.json &&
	test_expect_code 1 reprove verify rel/asset.txt --provenance prov.jsonl --policy rel/p4.json >out 2>err &&
	grep "^reprove: verify: builder-id: " err
'
test_expect_success 'policy with an unknown field is malformed input' '
	printf "{\"builder_id\": \"x\"}\n" >typo.json &&
	test_expect_code 3 reprove verify rel/asset.txt -p k.pub --provenance prov.jsonl --policy typo.json 2>err &&
	test_one_error_line err && grep "unknown policy field" err
'
test_expect_success '--json: one object with the documented fields' '
	reprove verify rel/asset.txt -p k.pub --provenance prov.jsonl --source-tag v2.0.1 --json >ok.json &&
	test_expect_code 1 reprove verify rel/asset.txt -p k.pub --provenance prov.jsonl --source-tag v9 \
		--json --print-provenance >fail.json 2>/dev/null &&
	/usr/bin/python3 - <<-\PYEOF
	import json
	ok = json.load(open("ok.json"))
	assert ok["verified"] is True and ok["failed_check"] is None, ok
	assert sorted(ok) == ["checks", "failed_check", "signer", "verified"], ok.keys()
	for c in ok["checks"]:
	    assert sorted(c) == ["check", "expected", "found", "ok", "subject"], c
	    assert c["ok"] is True
	assert [c["check"] for c in ok["checks"]] == ["digest", "dsse-signature", "payload-type",
	    "statement-type", "predicate-type", "subject", "source-tag"], ok["checks"]
	f = json.load(open("fail.json"))
	assert f["verified"] is False and f["failed_check"] == "source-tag"
	assert f["checks"][-1] == {"check": "source-tag", "subject": "prov.jsonl", "ok": False,
	    "expected": "refs/tags/v9", "found": "refs/tags/v2.0.1"}, f["checks"][-1]
	assert f["statement_verified"] is True
	assert f["statement"]["predicateType"] == "https://slsa.dev/provenance/v1"
	PYEOF
'
test_expect_success 'usage errors exit 2' '
	test_expect_code 2 reprove verify rel/asset.txt 2>err && test_one_error_line err &&
	test_expect_code 2 reprove verify rel/asset.txt --provenance prov.jsonl 2>err &&
	test_expect_code 2 reprove verify rel/asset.txt -p k.pub --sums-sig x 2>err &&
	test_expect_code 2 reprove verify rel/asset.txt -p k.pub --provenance prov.jsonl \
		--source-tag a --source-branch b 2>err &&
	test_expect_code 2 reprove verify sha256:1234 --sums rel/SHA256SUMS 2>err &&
	test_expect_code 2 reprove verify rel/asset.txt --sums rel/SHA256SUMS --builder-id x 2>err
'
test_expect_success 'missing files exit 4' '
	test_expect_code 4 reprove verify nosuch --sums rel/SHA256SUMS 2>err && test_one_error_line err &&
	test_expect_code 4 reprove verify rel/asset.txt --sums nosuch 2>err &&
	test_expect_code 4 reprove verify rel/asset.txt -p nosuch.pub --provenance prov.jsonl 2>err
'
test_done
