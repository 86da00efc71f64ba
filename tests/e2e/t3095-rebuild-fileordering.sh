#!/bin/sh
# The fileordering variation shows the source through disorderfs (shuffled directory
# entries): a build whose output follows readdir order is caught, and --bisect names
# fileordering alone. Without disorderfs it is reported as skipped, with the reason.
. "$(dirname "$0")/lib.sh"

mkdir p && (cd p && git init -q && git config user.email t@example.com && git config user.name t)
mkdir p/gen && for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "$i" >p/gen/f$i; done
printf 'all:\n\tmkdir -p dist\n\tfind gen -type f > dist/list.txt\n' >p/Makefile
echo '{"build": ["make"], "artifacts": ["dist/list.txt"], "timeout": 60}' >p/reprove.json
(cd p && git add -A && git -c commit.gpgsign=false commit -qm c)

if test_have disorderfs && test -c /dev/fuse; then
	test_expect_success 'readdir order leaks: --bisect names fileordering only' '
		(cd p && test_expect_code 1 reprove rebuild --bisect --json ../r.json >../out 2>../err) &&
		tail -n 1 out | grep "^not reproducible: dist/list.txt differs; variations that matter: fileordering$" &&
		! grep disorderfs /proc/mounts
	'

	test_expect_success 'sorted output is reproducible under fileordering' '
		printf "all:\n\tmkdir -p dist\n\tfind gen -type f | LC_ALL=C sort > dist/list.txt\n" >p/Makefile &&
		(cd p && git commit -qam sorted && reprove rebuild --vary fileordering --keep ../k >../out2 2>../err2) &&
		tail -n 1 out2 | grep "^reproducible: 1 artifact identical in 3 builds (varied: fileordering)$" &&
		test "$(wc -l <k/run-1/dist/list.txt)" -eq 12 &&
		! test -e k/build && ! grep disorderfs /proc/mounts
	'
else
	test_expect_success 'without disorderfs, fileordering is reported as skipped' '
		(cd p && reprove rebuild --vary fileordering,umask --json ../r.json >../out 2>../err) &&
		grep "skipped variations: fileordering (disorderfs" out &&
		python3 - r.json <<-PY
		import json, sys
		r = json.load(open(sys.argv[1]))
		v = {x["name"]: x for x in r["variations"]}
		assert v["fileordering"]["status"] == "skipped", v["fileordering"]
		assert "disorderfs" in v["fileordering"]["reason"]
		assert v["umask"]["status"] == "applied"
		assert v["home"]["status"] == "not selected"
		PY
	'
fi

# Where FUSE mounts are refused (a user namespace without capabilities), the variation
# cannot be applied: it must be reported as skipped, with disorderfs' reason.
if unshare --user --map-root-user true 2>/dev/null && test_have setpriv; then
	test_expect_success 'where disorderfs cannot work, fileordering is skipped with why' '
		(cd p && unshare --user --map-root-user sh -c \
			"echo 0 >/proc/sys/user/max_user_namespaces && exec setpriv --bounding-set=-all --inh-caps=-all \"\$@\"" \
			sh "$RP_BIN" rebuild --vary fileordering,umask --json ../r9.json >../out9 2>../err9) &&
		grep "skipped variations: fileordering (disorderfs" out9 &&
		python3 - r9.json <<-PY
		import json, sys
		r = json.load(open(sys.argv[1]))
		v = {x["name"]: x for x in r["variations"]}
		assert v["fileordering"]["status"] == "skipped", v["fileordering"]
		assert "disorderfs" in v["fileordering"]["reason"], v["fileordering"]
		assert v["fileordering"]["matters"] is None
		assert v["umask"]["status"] == "applied"
		assert v["home"]["status"] == "not selected"
		PY
	'
else
	test_skip 'where disorderfs cannot work, fileordering is skipped' 'cannot nest user namespaces'
fi

test_done
