#!/bin/sh
# reprove rebuild on a deterministic project: reproducible under every variation, exit 0;
# the report (text, --json, --keep) names the artifacts and digests; only tracked files
# reach the build; option errors are usage errors.
. "$(dirname "$0")/lib.sh"

mkproj() {
	mkdir -p "$1" && (cd "$1" && git init -q && git config user.email t@example.com &&
		git config user.name t)
}
commit() {
	(cd "$1" && git add -A && git -c commit.gpgsign=false commit -qm "${2:-commit}")
}

mkproj det
printf 'all:\n\ttest ! -e untracked.txt\n\ttest ! -e dist/stale.txt\n\tmkdir -p dist\n\tprintf "hello\\n" > dist/hello.txt\n\ttar --sort=name --mtime=@$$SOURCE_DATE_EPOCH --owner=0 --group=0 --numeric-owner --mode=go-w -cf dist/hello.tar dist/hello.txt\n' >det/Makefile
cat >det/reprove.json <<'J'
{"build": ["make"], "artifacts": ["dist/*.txt", "dist/hello.tar"], "timeout": 60}
J
commit det
# Untracked files and a previous build's output must not reach the builds.
echo secret >det/untracked.txt
mkdir -p det/dist && echo old >det/dist/stale.txt

test_expect_success 'deterministic project is reproducible under all variations' '
	(cd det && reprove rebuild --keep ../keep --json ../r.json >../out 2>../err) &&
	tail -n 1 out | grep "^reproducible: 2 artifacts identical in 3 builds" &&
	grep "varied: build_path, home, environment, exec_path, locales, timezone, umask" out
'

test_expect_success 'the JSON report has the verdict, runs and digests' '
	python3 - r.json <<-PY
	import json, sys, hashlib
	r = json.load(open(sys.argv[1]))
	assert r["schema"] == "reprove-rebuild/1", r["schema"]
	assert r["verdict"] == "reproducible", r["verdict"]
	assert [x["kind"] for x in r["runs"]] == ["control", "control", "varied"]
	assert r["runs"][0]["build_path"] == r["runs"][1]["build_path"]
	assert r["runs"][2]["build_path"] != r["runs"][0]["build_path"]
	names = [a["name"] for a in r["artifacts"]]
	assert names == ["dist/hello.tar", "dist/hello.txt"], names
	for a in r["artifacts"]:
	    assert a["base"] == a["name"].split("/")[-1]
	    assert hashlib.sha256(open(a["path"], "rb").read()).hexdigest() == a["sha256"]
	    assert a["result"] == "identical"
	v = {x["name"]: x for x in r["variations"]}
	assert v["umask"]["status"] == "applied" and v["umask"]["matters"] is False
	fo = v["fileordering"]
	assert fo["status"] == "applied" or (fo["status"] == "skipped" and fo["reason"]), fo
	assert r["source"]["commit"] and r["source"]["dirty"] is False
	assert r["overhead_seconds"] >= 0
	t = r["build_tool"]
	assert t["name"] == "make" and t["path"].endswith("/make"), t
	assert hashlib.sha256(open(t["path"], "rb").read()).hexdigest() == t["sha256"]
	PY
'

test_expect_success '--keep holds run 1 and the logs, nothing else' '
	test -f keep/run-1/dist/hello.tar && test -f keep/run-1.log && test -f keep/run-3.log &&
	! test -e keep/build && ! test -e keep/run-2 && ! test -e keep/home &&
	(cd keep/run-1 && sha256sum dist/hello.txt) >sums &&
	grep "$(cut -d" " -f1 sums)  dist/hello.txt" out
'

test_expect_success '--vary none makes two identical builds' '
	(cd det && reprove rebuild --vary none -q >../out2) &&
	tail -n 1 out2 | grep "^reproducible: .* in 2 builds (varied: none)"
'

test_expect_success 'no scratch directory is left behind without --keep' '
	mkdir tmp && (cd det && TMPDIR=$TEST_DIR/tmp reprove rebuild --runs 2 -q >/dev/null) &&
	test -z "$(ls tmp)"
'

test_expect_success '--keep into a non-empty directory is refused' '
	(cd det && test_expect_code 4 reprove rebuild --keep ../keep 2>../err) &&
	test_one_error_line err && grep "not empty" err
'

test_expect_success 'usage errors exit 2' '
	(cd det && test_expect_code 2 reprove rebuild --vary colour 2>../e1) &&
	grep "unknown variation .colour." e1 &&
	(cd det && test_expect_code 2 reprove rebuild --runs 1 2>../e2) && test_one_error_line e2 &&
	(cd det && test_expect_code 2 reprove rebuild --git ../x 2>../e3) && grep "go together" e3 &&
	(cd det && test_expect_code 2 reprove rebuild extra 2>../e4) && test_one_error_line e4
'

test_expect_success 'not a git working tree is an environment error' '
	mkdir plain && cp det/Makefile det/reprove.json plain/ &&
	(cd plain && test_expect_code 4 reprove rebuild 2>../e5) && test_one_error_line e5 &&
	grep "not a git working tree" e5
'

test_done
