#!/bin/sh
# Builds whose archives differ only in what normalization removes (member mtimes, here
# random) are "equal after normalization": exit 0, the artifact named, what was removed
# listed; a real content change in the same archive is still "different".
. "$(dirname "$0")/lib.sh"

mkdir p && (cd p && git init -q && git config user.email t@example.com && git config user.name t)
printf 'all:\n\tmkdir -p dist stage\n\techo hello > stage/a.txt\n\ttouch -d @$$(od -An -N4 -tu4 /dev/urandom | tr -d " ") stage/a.txt\n\ttar --sort=name --owner=0 --group=0 --numeric-owner --mode=go-w -cf - stage | gzip -n > dist/app.tar.gz\n' >p/Makefile
echo '{"build": ["make", "-s"], "artifacts": ["dist/app.tar.gz"], "timeout": 60}' >p/reprove.json
(cd p && git add -A && git -c commit.gpgsign=false commit -qm c)

test_expect_success 'random member mtimes: equal after normalization, exit 0' '
	(cd p && reprove rebuild --vary none --json ../r.json >../out 2>../err) &&
	tail -n 1 out | grep "^equal after normalization: dist/app.tar.gz differs only in what normalization removes" &&
	grep "dist/app.tar.gz: equal after normalization" out &&
	grep "mtime" out
'

test_expect_success 'the report records the layer and what was removed' '
	python3 - r.json <<-PY
	import json, sys
	r = json.load(open(sys.argv[1]))
	assert r["verdict"] == "equal after normalization", r["verdict"]
	a = r["runs"][1]["artifacts"][0]
	assert a["result"] == "equal after normalization", a["result"]
	rep = a["diff_report"]
	assert rep["verdict"] == "equal after normalization" and rep["layer"] == "canonical", rep
	assert any("mtime" in n["what"] for n in rep["normalized"]), rep["normalized"]
	assert r["artifacts"][0]["result"] == "equal after normalization"
	PY
'

test_expect_success 'a content change in a member is still different' '
	printf "all:\n\tmkdir -p dist stage\n\tod -An -N8 -tx8 /dev/urandom > stage/a.txt\n\ttar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1 --mode=go-w -cf - stage | gzip -n > dist/app.tar.gz\n" >p/Makefile &&
	(cd p && git commit -qam random && test_expect_code 1 reprove rebuild --vary none >../out2 2>../err2) &&
	tail -n 1 out2 | grep "^nondeterministic without variation: dist/app.tar.gz differs" &&
	grep "content differs: stage/a.txt" out2
'

test_done
