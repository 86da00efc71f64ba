#!/bin/sh
# audit: an auditor rebuilds a tag, compares it with the published release (a directory, a
# file:// or https base URL) and signs a VSA; an altered artifact fails, named, with a
# member-level report, and the FAILED verdict is signed too.
. "$(dirname "$0")/lib.sh"
. "$RP_ROOT/tests/e2e/lib-sample.sh"
. "$RP_ROOT/tests/e2e/lib-nginx.sh"

PY="/usr/bin/python3 $RP_ROOT/tests/e2e/dsse_py.py"

test_expect_success 'setup: a tagged repository, publisher and auditor keys, a gated release' '
	sample_repo src &&
	reprove keygen -o pub --no-passphrase 2>/dev/null &&
	reprove keygen -o aud --no-passphrase 2>/dev/null &&
	reprove keygen -t ecdsa-p256 -o audec --no-passphrase 2>/dev/null &&
	reprove gate --git "$TEST_DIR/src" --ref v1.0 -k pub.key --out rel \
		--source-ref refs/tags/v1.0 --vary none >/dev/null
'

test_expect_success 'audit of the published tag passes (exit 0) and writes a VSA' '
	reprove audit --git "$TEST_DIR/src" --ref v1.0 --release rel -k aud.key -p pub.pub \
		-o vsa.intoto.jsonl >out 2>err &&
	grep "^publisher: SHA256SUMS signature and provenance verified" out &&
	grep "^MATCH    hello: identical" out &&
	grep "^MATCH    hello-1.0.tar.gz: identical" out &&
	grep "^PASSED: 2 published artifacts match the rebuild" out &&
	test "$(wc -l <vsa.intoto.jsonl)" = 1
'

test_expect_success 'the VSA verifies with reprove verify (both subjects) and python3-cryptography' '
	reprove verify rel/hello rel/hello-1.0.tar.gz -p aud.pub --provenance vsa.intoto.jsonl >out &&
	grep "^verified:" out &&
	test_must_fail reprove verify rel/hello -p pub.pub --provenance vsa.intoto.jsonl >out 2>&1 &&
	grep "dsse-signature" out &&
	$PY verify --pub aud.pub.pem --envelope vsa.intoto.jsonl >vsa.json &&
	test_must_fail $PY verify --pub pub.pub.pem --envelope vsa.intoto.jsonl 2>/dev/null
'

test_expect_success 'the VSA: subjects, verifier, resource, policy, input attestation, result' '
	A=$(sha256sum rel/hello | cut -c1-64) B=$(sha256sum rel/hello-1.0.tar.gz | cut -c1-64) \
	P=$(sha256sum rel/provenance.intoto.jsonl | cut -c1-64) \
	R=$(sha256sum src/reprove.json | cut -c1-64) D=$(cd rel && pwd) S=$TEST_DIR/src \
	/usr/bin/python3 - <<-\PYEOF
	import json, os
	st = json.load(open("vsa.json"))
	assert sorted(st) == ["_type", "predicate", "predicateType", "subject"]
	assert st["_type"] == "https://in-toto.io/Statement/v1"
	assert st["predicateType"] == "https://slsa.dev/verification_summary/v1"
	assert st["subject"] == [{"name": "hello", "digest": {"sha256": os.environ["A"]}},
	                         {"name": "hello-1.0.tar.gz", "digest": {"sha256": os.environ["B"]}}]
	p = st["predicate"]
	assert p["verifier"] == {"id": "https://reprove.dev/verifiers/audit/v1"}
	assert p["timeVerified"].endswith("Z")
	assert p["resourceUri"] == "file://" + os.environ["D"], p["resourceUri"]
	assert p["policy"] == {"uri": os.environ["S"] + "@v1.0#reprove.json",
	                       "digest": {"sha256": os.environ["R"]}}, p["policy"]
	assert p["inputAttestations"] == [{"uri": "file://" + os.environ["D"] + "/provenance.intoto.jsonl",
	                                   "digest": {"sha256": os.environ["P"]}}]
	assert p["verificationResult"] == "PASSED"
	assert p["verifiedLevels"] == ["REPROVE_REPRODUCIBLE", "SLSA_BUILD_LEVEL_1"]
	PYEOF
'

test_expect_success 'a policy with require_reproducible accepts the PASSED VSA' '
	echo "{\"require_reproducible\": true}" >policy.json &&
	reprove verify rel/hello -p aud.pub --provenance vsa.intoto.jsonl --policy policy.json >out &&
	grep "^ok *reproducible" out
'

test_expect_success 'audit reads the release from a file:// base URL too, ECDSA auditor key' '
	reprove audit --git "file://$TEST_DIR/src" --ref v1.0 --release "file://$TEST_DIR/rel/" \
		-k audec.key -o vsa-url.intoto.jsonl >out &&
	grep "^PASSED" out &&
	$PY verify --pub audec.pub.pem --envelope vsa-url.intoto.jsonl >v.json &&
	grep "\"resourceUri\":\"file://$TEST_DIR/rel/\"" v.json
'

test_expect_success 'setup: a release with one altered artifact (a changed tar member, sums redone)' '
	cp -R rel bad && mkdir x &&
	tar -xzf bad/hello-1.0.tar.gz -C x &&
	echo "a line slipped in" >>x/hello-1.0/README &&
	tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner --format=gnu \
		-C x -cf - hello-1.0 | gzip -n -9 >bad/hello-1.0.tar.gz &&
	(cd bad && sha256sum hello hello-1.0.tar.gz >SHA256SUMS) &&
	reprove sign -k pub.key bad/SHA256SUMS 2>/dev/null
'

test_expect_success 'audit against it exits 1, names the artifact, shows the member that differs' '
	test_expect_code 1 reprove audit --git "$TEST_DIR/src" --ref v1.0 --release bad \
		-k aud.key -o vsa-bad.intoto.jsonl >out 2>err &&
	grep "^MATCH    hello: identical" out &&
	grep "^MISMATCH hello-1.0.tar.gz: different" out &&
	grep "hello-1.0/README" out &&
	grep "^ *+a line slipped in" out &&
	test_one_error_line err &&
	grep "1 of 2 published artifacts do not match the rebuild: .hello-1.0.tar.gz." err &&
	! grep "^PASSED" out
'

test_expect_success 'the FAILED verdict is signed; verify rejects it, with or without a policy' '
	$PY verify --pub aud.pub.pem --envelope vsa-bad.intoto.jsonl >vb.json &&
	grep "\"verificationResult\":\"FAILED\"" vb.json &&
	grep "\"verifiedLevels\":\[\]" vb.json &&
	test_expect_code 1 reprove verify bad/hello-1.0.tar.gz -p aud.pub \
		--provenance vsa-bad.intoto.jsonl --policy policy.json >out 2>err &&
	grep "verification-result" err && grep "FAILED" err && ! grep "^verified" out &&
	test_expect_code 1 reprove verify bad/hello-1.0.tar.gz -p aud.pub \
		--provenance vsa-bad.intoto.jsonl >out 2>err &&
	grep "verification-result" err && grep "FAILED" err && ! grep "^verified" out
'

test_expect_success 'an artifact that does not match the published SHA256SUMS is named' '
	cp -R rel bad2 && printf x >>bad2/hello &&
	test_expect_code 1 reprove audit --git "$TEST_DIR/src" --ref v1.0 --release bad2 \
		-k aud.key -o vsa-bad2.intoto.jsonl >out 2>err &&
	grep "^MISMATCH hello: different; does not match its SHA256SUMS line" out &&
	grep "do not match the rebuild: .hello.$" err
'

test_expect_success '-p with the wrong publisher key: FAILED (exit 1), the check named' '
	reprove keygen -o other --no-passphrase 2>/dev/null &&
	test_expect_code 1 reprove audit --git "$TEST_DIR/src" --ref v1.0 --release rel \
		-k aud.key -p other.pub -o vsa-key.intoto.jsonl >out 2>err &&
	grep "^publisher: FAILED: sums-signature" out &&
	grep "signatures do not verify" err
'

test_expect_success 'a published file that is missing is an error (exit 4), no VSA' '
	cp -R rel gone && rm gone/hello &&
	test_expect_code 4 reprove audit --git "$TEST_DIR/src" --ref v1.0 --release gone \
		-k aud.key -o vsa-gone.intoto.jsonl 2>err &&
	test_one_error_line err && grep "gone/hello" err && ! test -e vsa-gone.intoto.jsonl
'

test_expect_success 'a SHA256SUMS naming a path outside the release is refused (exit 3)' '
	mkdir evil && cp rel/hello evil/ &&
	echo "$(sha256sum rel/hello | cut -c1-64)  ../rel/hello" >evil/SHA256SUMS &&
	test_expect_code 3 reprove audit --git "$TEST_DIR/src" --ref v1.0 --release evil \
		-k aud.key -o vsa-evil.intoto.jsonl 2>err &&
	test_one_error_line err && grep "contains ./." err && ! test -e vsa-evil.intoto.jsonl
'

test_expect_success 'an -o in a missing directory fails before the build (exit 4)' '
	test_expect_code 4 reprove audit --git "$TEST_DIR/src" --ref v1.0 --release rel \
		-k aud.key -o no/vsa.intoto.jsonl >out 2>err &&
	test_one_error_line err && grep "cannot create files in .no." err && ! grep rebuilt out
'

test_expect_success 'usage errors (exit 2)' '
	test_expect_code 2 reprove audit --ref v1.0 --release rel -k aud.key 2>err &&
	grep "\-\-git URL is required" err &&
	test_expect_code 2 reprove audit --git src --ref v1.0 -k aud.key 2>err &&
	grep "\-\-release DIR|URL is required" err &&
	test_expect_code 2 reprove audit --git src --ref v1.0 --release http://127.0.0.1:9/ \
		-k aud.key 2>err && grep "http" err
'

if nginx_prereq && nginx_start; then
	cp rel/* "$WWW/"
	test_expect_success 'audit reads the release from an https base URL (loopback nginx)' '
		reprove audit --git "$TEST_DIR/src" --ref v1.0 --release "$HTTPS_URL/" \
			--cacert "$CA" -k aud.key -p pub.pub -o vsa-https.intoto.jsonl >out &&
		grep "^PASSED" out &&
		$PY verify --pub aud.pub.pem --envelope vsa-https.intoto.jsonl >vh.json &&
		grep "\"uri\":\"$HTTPS_URL/provenance.intoto.jsonl\"" vh.json &&
		nginx_log_has "200 /hello-1.0.tar.gz"
	'
else
	test_skip 'audit over https' 'nginx, openssl or python3 missing (tests/deps/fetch.apt)'
fi

test_done
