#!/bin/sh
# verify accepts the still common in-toto Statement v0.1 with SLSA provenance v0.2 (the
# layout of slsa-github-generator's older releases), and slsa-github-generator's v1 layout
# (externalParameters.workflow), both signed outside reprove with python3-cryptography.
. "$(dirname "$0")/lib.sh"

K=$TESTDATA/keys
PY="/usr/bin/python3 $RP_ROOT/tests/e2e/dsse_py.py"

test_expect_success 'setup: asset and two statements' '
	printf "tool-1.2.3 release\n" >tool.tar.gz &&
	D=$(sha256sum tool.tar.gz | cut -c1-64) /usr/bin/python3 - <<-\PYEOF
	import json, os
	d = os.environ["D"]
	v02 = {"_type": "https://in-toto.io/Statement/v0.1",
	       "subject": [{"name": "tool.tar.gz", "digest": {"sha256": d}}],
	       "predicateType": "https://slsa.dev/provenance/v0.2",
	       "predicate": {
	         "builder": {"id": "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.9.0"},
	         "buildType": "https://github.com/slsa-framework/slsa-github-generator/generic@v1",
	         "invocation": {"configSource": {
	             "uri": "git+https://github.com/example/tool@refs/tags/v1.2.3",
	             "digest": {"sha1": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
	             "entryPoint": ".github/workflows/release.yml"}},
	         "materials": [{"uri": "git+https://github.com/example/tool@refs/tags/v1.2.3",
	                        "digest": {"sha1": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}]}}
	v1gh = {"_type": "https://in-toto.io/Statement/v1",
	        "subject": [{"name": "tool.tar.gz", "digest": {"sha256": d}}],
	        "predicateType": "https://slsa.dev/provenance/v1",
	        "predicate": {
	          "buildDefinition": {
	            "buildType": "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
	            "externalParameters": {"workflow": {"ref": "refs/tags/v1.2.3",
	                "repository": "https://github.com/example/tool", "path": ".github/workflows/release.yml"}},
	            "resolvedDependencies": [{"uri": "git+https://github.com/example/tool@refs/tags/v1.2.3",
	                "digest": {"gitCommit": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}}]},
	          "runDetails": {"builder": {"id": "https://github.com/actions/runner/github-hosted"}}}}
	json.dump(v02, open("v02.json", "w"))
	json.dump(v1gh, open("v1gh.json", "w"))
	PYEOF
	$PY sign --key $K/p256.key.pem --payload v02.json >v02.intoto.jsonl &&
	$PY sign --key $K/ed25519.key.pem --payload v1gh.json >v1gh.intoto.jsonl
'
test_expect_success 'Statement v0.1 + provenance v0.2: builder, source, tag, commit' '
	reprove verify tool.tar.gz -p $K/p256.pub.pem --provenance v02.intoto.jsonl \
		--builder-id https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.9.0 \
		--source-uri github.com/example/tool --source-tag v1.2.3 \
		--source-commit aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa >out &&
	grep "^ok    statement-type .*Statement/v0.1" out &&
	grep "^ok    predicate-type .*provenance/v0.2" out && grep "^verified" out
'
test_expect_success 'v0.2: the wrong tag is still caught' '
	test_expect_code 1 reprove verify tool.tar.gz -p $K/p256.pub.pem --provenance v02.intoto.jsonl \
		--source-tag v1.2.4 >out 2>err &&
	grep "^reprove: verify: source-tag: " err
'
test_expect_success 'slsa-github-generator v1 layout: workflow repository and ref' '
	reprove verify tool.tar.gz -p $K/ed25519.pub.pem --provenance v1gh.intoto.jsonl \
		--builder-id https://github.com/actions/runner/github-hosted \
		--source-uri https://github.com/example/tool --source-tag v1.2.3 \
		--source-commit BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB >out &&
	grep "^verified" out
'
test_expect_success 'a policy file applies to the v1 layout too' '
	printf "{\"source_uri\": \"github.com/example/tool\", \"ref_pattern\": \"refs/tags/v1.*\"}\n" >pol.json &&
	reprove verify tool.tar.gz -p $K/ed25519.pub.pem --provenance v1gh.intoto.jsonl --policy pol.json >/dev/null &&
	printf "{\"source_uri\": \"github.com/example/other\"}\n" >pol2.json &&
	test_expect_code 1 reprove verify tool.tar.gz -p $K/ed25519.pub.pem --provenance v1gh.intoto.jsonl \
		--policy pol2.json >/dev/null 2>err && grep "source-uri" err
'
test_done
