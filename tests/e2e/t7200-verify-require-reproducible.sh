#!/bin/sh
# verify --policy with "require_reproducible": gate's provenance (its byproducts carry the
# rebuild verdict) passes; provenance without a verdict, with a failing verdict, or with a
# verdict edited after signing does not.
. "$(dirname "$0")/lib.sh"
. "$RP_ROOT/tests/e2e/lib-sample.sh"

test_expect_success 'setup: a gated release, policies, provenance made without a rebuild' '
	sample_repo src &&
	reprove keygen -o k --no-passphrase 2>/dev/null &&
	(cd src && reprove gate -k ../k.key --out ../rel --vary none) >/dev/null &&
	echo "{\"require_reproducible\": true}" >req.json &&
	echo "{\"require_reproducible\": false}" >noreq.json &&
	echo "{\"require_reproducible\": \"yes\"}" >badreq.json &&
	reprove attest -k k.key --subject rel/hello -o plain.intoto.jsonl &&
	echo "{\"verdict\": \"not reproducible\", \"summary\": \"x\"}" >nr.json &&
	reprove attest -k k.key --subject rel/hello --byproducts nr.json -o nr.intoto.jsonl
'

test_expect_success 'gate provenance passes require_reproducible' '
	reprove verify rel/hello rel/hello-1.0.tar.gz -p k.pub \
		--provenance rel/provenance.intoto.jsonl --policy req.json >out &&
	grep "^ok *reproducible .*found reproducible" out && grep "^verified:" out
'

test_expect_success 'provenance without the verdict is rejected (exit 1), the check named' '
	test_expect_code 1 reprove verify rel/hello -p k.pub --provenance plain.intoto.jsonl \
		--policy req.json >out 2>err &&
	test_one_error_line err &&
	grep "reproducible: .plain.intoto.jsonl.: expected .reproducible or equal after normalization., found .no reproducibility verdict." err &&
	grep "^FAIL *reproducible" out && ! grep "^verified" out
'

test_expect_success 'provenance whose verdict is "not reproducible" is rejected' '
	test_expect_code 1 reprove verify rel/hello -p k.pub --provenance nr.intoto.jsonl \
		--policy req.json >out 2>err &&
	grep "found .not reproducible." err && ! grep "^verified" out
'

test_expect_success 'without require_reproducible (false), the same provenance passes' '
	reprove verify rel/hello -p k.pub --provenance plain.intoto.jsonl --policy noreq.json >out &&
	! grep reproducible out
'

test_expect_success 'a verdict edited into the signed payload breaks the signature (exit 1)' '
	/usr/bin/python3 - <<-\PYEOF &&
	import base64, json
	env = json.loads(open("nr.intoto.jsonl").readline())
	st = json.loads(base64.b64decode(env["payload"]))
	st["predicate"]["runDetails"]["byproducts"][0]["annotations"]["verdict"] = "reproducible"
	env["payload"] = base64.b64encode(json.dumps(st, separators=(",", ":")).encode()).decode()
	open("forged.intoto.jsonl", "w").write(json.dumps(env) + "\n")
	PYEOF
	test_expect_code 1 reprove verify rel/hello -p k.pub --provenance forged.intoto.jsonl \
		--policy req.json >out 2>err &&
	grep "dsse-signature" err && ! grep "^verified" out
'

test_expect_success 'fetch applies the policy too: gate provenance passes, plain provenance fails' '
	reprove fetch "file://$TEST_DIR/rel/hello" -o got -p k.pub \
		--provenance "file://$TEST_DIR/rel/provenance.intoto.jsonl" --policy req.json \
		--no-progress >out 2>&1 &&
	cmp got rel/hello &&
	test_expect_code 1 reprove fetch "file://$TEST_DIR/rel/hello" -o got2 -p k.pub \
		--provenance plain.intoto.jsonl --policy req.json --no-progress >out 2>err &&
	grep "reproducible" err && ! test -e got2 && ! test -e got2.part
'

test_expect_success 'a non-boolean require_reproducible is malformed (exit 3)' '
	test_expect_code 3 reprove verify rel/hello -p k.pub --provenance plain.intoto.jsonl \
		--policy badreq.json 2>err &&
	test_one_error_line err && grep "require_reproducible must be true or false" err
'

test_done
