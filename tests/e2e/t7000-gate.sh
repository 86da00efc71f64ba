#!/bin/sh
# gate: a reproducible project is published (flat artifacts, SHA256SUMS, its minisign
# signature, DSSE-signed SLSA provenance carrying the verdict) and the peers accept every
# file; a nondeterministic one, a failing build or a bad layout publish nothing.
. "$(dirname "$0")/lib.sh"
. "$RP_ROOT/tests/e2e/lib-sample.sh"

PY="/usr/bin/python3 $RP_ROOT/tests/e2e/dsse_py.py"

test_expect_success 'setup: the sample project as a tagged repository, keys' '
	sample_repo src &&
	reprove keygen -o k --no-passphrase 2>/dev/null &&
	reprove keygen -t ecdsa-p256 -o ec --no-passphrase 2>/dev/null
'

test_expect_success 'gate publishes the reproducible project (exit 0)' '
	mkdir tmp &&
	(cd src && GITHUB_STEP_SUMMARY=$TEST_DIR/summary.md TMPDIR=$TEST_DIR/tmp reprove gate -k ../k.key \
		--out ../rel --source-uri git+https://example.org/hello \
		--source-ref refs/tags/v1.0 --builder-id https://ci.example/gate/v1) >out 2>err &&
	grep "^reproducible: 2 artifacts identical in 3 builds" out &&
	grep "^published 2 artifacts to ../rel" out &&
	(cd rel && ls -A) >files &&
	printf "%s\n" SHA256SUMS SHA256SUMS.minisig hello hello-1.0.tar.gz \
		provenance.intoto.jsonl >expect &&
	test_cmp expect files &&
	! ls -A | grep "^\.rel\.tmp" &&
	test -z "$(ls -A tmp)"
'

test_expect_success 'SHA256SUMS is what sha256sum writes, sorted; sha256sum -c accepts it' '
	(cd rel && sha256sum hello hello-1.0.tar.gz) >expect &&
	test_cmp expect rel/SHA256SUMS &&
	(cd rel && sha256sum -c --strict SHA256SUMS) &&
	(cd src && SOURCE_DATE_EPOCH=1700000000 make -s dist >/dev/null && cd dist && sha256sum -c ../../rel/SHA256SUMS)
'

test_expect_success 'minisign -V accepts SHA256SUMS.minisig; a changed SHA256SUMS fails' '
	minisign -Vm rel/SHA256SUMS -p k.pub >out &&
	grep "Signature and comment signature verified" out &&
	cp rel/SHA256SUMS sums && cp rel/SHA256SUMS.minisig sums.minisig &&
	sed -i "s/^./0/" sums &&
	test_must_fail minisign -Vm sums -p k.pub >/dev/null 2>&1
'

test_expect_success 'python3-cryptography verifies the provenance DSSE envelope' '
	test "$(wc -l <rel/provenance.intoto.jsonl)" = 1 &&
	$PY verify --pub k.pub.pem --envelope rel/provenance.intoto.jsonl >st.json &&
	test_must_fail $PY verify --pub ec.pub.pem --envelope rel/provenance.intoto.jsonl 2>/dev/null
'

test_expect_success 'the provenance: subjects, source, commit, toolchain, verdict byproduct' '
	commit=$(git -C src rev-parse HEAD) &&
	A=$(sha256sum rel/hello | cut -c1-64) B=$(sha256sum rel/hello-1.0.tar.gz | cut -c1-64) \
	MAKE=$(sha256sum /usr/bin/make | cut -c1-64) C=$commit /usr/bin/python3 - <<-\PYEOF
	import json, os
	st = json.load(open("st.json"))
	assert sorted(st) == ["_type", "predicate", "predicateType", "subject"]
	assert st["predicateType"] == "https://slsa.dev/provenance/v1"
	assert st["subject"] == [{"name": "hello", "digest": {"sha256": os.environ["A"]}},
	                         {"name": "hello-1.0.tar.gz", "digest": {"sha256": os.environ["B"]}}]
	bd = st["predicate"]["buildDefinition"]
	assert bd["externalParameters"]["source"] == {"uri": "git+https://example.org/hello",
	                                              "ref": "refs/tags/v1.0"}
	assert bd["externalParameters"]["recipe"]["build"] == ["make", "dist"]
	deps = bd["resolvedDependencies"]
	assert deps[0] == {"uri": "git+https://example.org/hello@refs/tags/v1.0",
	                   "digest": {"gitCommit": os.environ["C"]}}, deps[0]
	assert {"name": "make", "uri": "file:///usr/bin/make",
	        "digest": {"sha256": os.environ["MAKE"]}} in deps, deps
	assert bd["internalParameters"]["environment"]["TZ"] == "UTC"
	rd = st["predicate"]["runDetails"]
	assert rd["builder"] == {"id": "https://ci.example/gate/v1"}
	[v] = [b for b in rd["byproducts"] if b["name"] == "reprove-verdict.json"]
	a = v["annotations"]
	assert a["verdict"] == "reproducible", a
	assert [r["kind"] for r in a["runs"]] == ["control", "control", "varied"]
	assert "build_path" in a["runs"][2]["variations"]
	assert {x["name"]: x["sha256"] for x in a["artifacts"]} == {
	    "dist/hello": os.environ["A"], "dist/hello-1.0.tar.gz": os.environ["B"]}
	st_names = {x["name"]: x["status"] for x in a["variations"]}
	assert st_names["umask"] == "applied" and set(st_names.values()) <= {"applied", "skipped"}
	assert a["source_date_epoch"] == 1700000000
	PYEOF
'

test_expect_success 'reprove verify accepts the published files with sums, signatures, provenance' '
	reprove verify rel/hello rel/hello-1.0.tar.gz -p k.pub --sums rel/SHA256SUMS \
		--sums-sig rel/SHA256SUMS.minisig --provenance rel/provenance.intoto.jsonl \
		--source-uri https://example.org/hello --source-tag v1.0 \
		--source-commit "$(git -C src rev-parse HEAD)" >out &&
	grep "^verified:" out
'

test_expect_success 'GITHUB_STEP_SUMMARY gets a Markdown table' '
	grep "^### reprove gate: reproducible" summary.md &&
	grep "^| artifact | sha256 | result |" summary.md &&
	grep "^| .dist/hello-1.0.tar.gz. | .$(sha256sum rel/hello-1.0.tar.gz | cut -c1-64). | identical |" summary.md &&
	grep "^Published to" summary.md
'

test_expect_success 'an existing empty --out directory is filled' '
	mkdir empty &&
	(cd src && reprove gate -q -k ../k.key --out ../empty --vary none) >/dev/null &&
	test -f empty/SHA256SUMS && test -f empty/provenance.intoto.jsonl
'

test_expect_success 'a non-empty --out is refused before building (exit 4), left alone' '
	(cd src && test_expect_code 4 reprove gate -k ../k.key --out ../rel) >out 2>err &&
	test_one_error_line err && grep "rel.: exists and is not empty" err &&
	! grep "build" out &&
	(cd rel && sha256sum -c --quiet SHA256SUMS)
'

test_expect_success 'an --out whose parent does not exist is refused before building (exit 4)' '
	(cd src && test_expect_code 4 reprove gate -k ../k.key --out ../no/such/dir) >out 2>err &&
	test_one_error_line err && grep "cannot create files in .\.\./no/such." err &&
	! grep build out
'

test_expect_success 'a dirty working tree is refused (exit 4) unless --allow-dirty, which is recorded' '
	sample_repo dirty && echo "# local edit" >>dirty/Makefile &&
	(cd dirty && test_expect_code 4 reprove gate -k ../k.key --out ../drel --vary none) >out 2>err &&
	test_one_error_line err && grep "uncommitted changes" err && ! test -e drel &&
	(cd dirty && reprove gate -k ../k.key --out ../drel --vary none --allow-dirty) >out &&
	$PY verify --pub k.pub.pem --envelope drel/provenance.intoto.jsonl >d.json &&
	grep "\"source_dirty\":true" d.json && grep "\"source_dirty\":false" st.json
'

test_expect_success 'an ECDSA key is refused (exit 2): minisign needs Ed25519' '
	(cd src && test_expect_code 2 reprove gate -k ../ec.key --out ../x) 2>err &&
	grep "needs an Ed25519 key" err && ! test -e x
'

test_expect_success 'usage: -k and --out are required (exit 2)' '
	test_expect_code 2 reprove gate --out x 2>err && grep "\-k SECKEY is required" err &&
	test_expect_code 2 reprove gate -k k.key 2>err && grep "\-\-out DIR is required" err &&
	test_expect_code 2 reprove gate -k k.key --out x --source-ref v1.0 2>err &&
	grep "not a full ref" err && ! test -e x
'

test_expect_success 'setup: a nondeterministic project' '
	sample_repo nd &&
	(cd nd && printf "%s\n" "{\"build\": [\"sh\", \"-c\", \"make dist && date +%s%N >dist/stamp.txt\"]," \
		"\"artifacts\": [\"dist/*\"]}" >reprove.json &&
		git add -A && git -c commit.gpgsign=false commit -qm stamp)
'

test_expect_success 'gate on a nondeterministic project exits 1 and publishes nothing' '
	(cd nd && test_expect_code 1 env GITHUB_STEP_SUMMARY=$TEST_DIR/nd.md reprove gate -k ../k.key \
		--out ../ndrel) >out 2>err &&
	grep "^nondeterministic without variation" out &&
	grep "dist/stamp.txt: different" out &&
	test_one_error_line err && grep "nothing published to .../ndrel" err &&
	! test -e ndrel && ! ls -A | grep "^\.ndrel" &&
	grep "^### reprove gate: nondeterministic without variation" nd.md &&
	grep "Nothing was published" nd.md
'

test_expect_success 'a failing build is an error (exit 4) with its log tail; nothing published' '
	sample_repo broken &&
	(cd broken && printf "int main(void) { return }\n" >hello.c &&
		git -c commit.gpgsign=false commit -qam broken) &&
	(cd broken && test_expect_code 4 reprove gate -k ../k.key --out ../brel) >out 2>err &&
	head -n 1 err | grep "^reprove: gate: run 1" &&
	grep "nothing published" err && ! test -e brel
'

test_expect_success 'two artifacts with one base name: exit 3, nothing published' '
	sample_repo dup &&
	(cd dup && printf "%s\n" "{\"build\": [\"sh\", \"-c\", \"make dist && mkdir -p d2 && cp dist/hello d2/hello\"]," \
		"\"artifacts\": [\"dist/*\", \"d2/hello\"]}" >reprove.json &&
		git add -A && git -c commit.gpgsign=false commit -qm dup) &&
	(cd dup && test_expect_code 3 reprove gate -k ../k.key --out ../duprel --vary none) >out 2>err &&
	test_one_error_line err && grep "two artifacts named .hello." err &&
	! test -e duprel && ! ls -A | grep "^\.duprel"
'

test_expect_success 'equal after normalization (a tar mtime in local time) is published, and says so' '
	sample_repo eq &&
	(cd eq && printf "%s\n" "{\"build\": [\"sh\", \"-c\", \"make dist && mkdir -p x && cp README x/ && tar --sort=name --owner=0 --group=0 --numeric-owner --mode=u+rw,go=rX --mtime=2023-01-01T00:00 -cf - x | gzip -n >dist/extra.tar.gz\"]," \
		"\"artifacts\": [\"dist/*\"]}" >reprove.json &&
		git add -A && git -c commit.gpgsign=false commit -qm eq) &&
	(cd eq && reprove gate -k ../k.key --out ../eqrel --vary timezone) >out &&
	grep "^equal after normalization: dist/extra.tar.gz differs only in what normalization removes" out &&
	grep "mtime" out &&
	(cd eqrel && sha256sum -c SHA256SUMS) &&
	$PY verify --pub k.pub.pem --envelope eqrel/provenance.intoto.jsonl >eq.json &&
	grep "\"verdict\":\"equal after normalization\"" eq.json &&
	echo "{\"require_reproducible\": true}" >req.json &&
	reprove verify eqrel/extra.tar.gz -p k.pub --provenance eqrel/provenance.intoto.jsonl \
		--policy req.json >out &&
	grep "^ok *reproducible .*found equal after normalization" out
'

test_expect_success 'gate --git --ref builds a tag from a clone' '
	reprove gate --git "$TEST_DIR/src" --ref v1.0 -k k.key --out gitrel \
		--source-ref refs/tags/v1.0 --vary none >out &&
	test_cmp rel/SHA256SUMS gitrel/SHA256SUMS &&
	$PY verify --pub k.pub.pem --envelope gitrel/provenance.intoto.jsonl >gst.json &&
	grep "\"uri\":\"$TEST_DIR/src\"" gst.json
'

test_done
