#!/bin/sh
# A build that embeds the wall clock differs between two identical builds: the verdict is
# "nondeterministic without variation" (exit 1), the member is named, and no variation
# is blamed or even tried.
. "$(dirname "$0")/lib.sh"

mkproj() {
	mkdir -p "$1" && (cd "$1" && git init -q && git config user.email t@example.com &&
		git config user.name t)
}

mkproj clock
printf 'all:\n\tmkdir -p dist pkg\n\tdate +%%s.%%N > pkg/stamp.txt\n\techo same > pkg/same.txt\n\ttar --sort=name --mtime=@$$SOURCE_DATE_EPOCH --owner=0 --group=0 --numeric-owner -cf dist/app.tar pkg\n\tcp pkg/stamp.txt pkg/same.txt dist/\n' >clock/Makefile
echo '{"build": ["make"], "artifacts": ["dist/*"]}' >clock/reprove.json
(cd clock && git add -A && git -c commit.gpgsign=false commit -qm c)

test_expect_success 'wall clock: nondeterministic without variation, exit 1' '
	(cd clock && test_expect_code 1 reprove rebuild --bisect --json ../r.json >../out 2>../err) &&
	tail -n 1 out >last &&
	grep "^nondeterministic without variation: dist/app.tar, dist/stamp.txt differ between two builds with identical settings$" last &&
	grep "dist/stamp.txt: different" out &&
	! grep "dist/same.txt: different" out
'

test_expect_success 'inside the tarball, the differing member is named' '
	grep "dist/app.tar: different" out &&
	grep "content differs: pkg/stamp.txt" out &&
	! grep "differs: pkg/same.txt" out
'

test_expect_success 'no variation is blamed, none is even tried' '
	python3 - r.json <<-PY
	import json, sys
	r = json.load(open(sys.argv[1]))
	assert r["verdict"] == "nondeterministic without variation"
	assert len(r["runs"]) == 2, len(r["runs"])
	assert r["bisected"] is False
	for v in r["variations"]:
	    assert v["matters"] is None, v
	    assert v["status"] != "applied", v
	res = {a["name"]: a["result"] for a in r["artifacts"]}
	assert res == {"dist/app.tar": "different", "dist/same.txt": "identical",
	               "dist/stamp.txt": "different"}, res
	run2 = {a["name"]: a for a in r["runs"][1]["artifacts"]}
	rep = run2["dist/app.tar"]["diff_report"]
	assert rep["verdict"] == "different", rep["verdict"]
	PY
'

test_done
