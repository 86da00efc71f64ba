#!/bin/sh
# The time variation runs the build under libfaketime (a year ahead): a build that writes
# today's date is caught, and --bisect names time alone. Without libfaketime, the
# variation is reported as skipped with the reason, never silently dropped.
. "$(dirname "$0")/lib.sh"

mkdir p && (cd p && git init -q && git config user.email t@example.com && git config user.name t)
printf 'all:\n\tmkdir -p dist\n\tdate -u +%%Y-%%m-%%d > dist/day.txt\n' >p/Makefile
echo '{"build": ["make"], "artifacts": ["dist/day.txt"], "timeout": 60}' >p/reprove.json
(cd p && git add -A && git -c commit.gpgsign=false commit -qm c)

faketime=
for f in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
	[ -r "$f" ] && faketime=$f
done

if [ -n "$faketime" ]; then
	test_expect_success 'a build that writes the date: --bisect names time only' '
		(cd p && test_expect_code 1 reprove rebuild --bisect --json ../r.json >../out 2>../err) &&
		tail -n 1 out | grep "^not reproducible: dist/day.txt differs; variations that matter: time$" &&
		python3 - r.json <<-PY
		import json, sys
		r = json.load(open(sys.argv[1]))
		v = {x["name"]: x for x in r["variations"]}
		assert v["time"]["status"] == "applied" and v["time"]["matters"] is True, v["time"]
		PY
	'
else
	test_skip 'a build that writes the date: --bisect names time only' 'libfaketime is not installed'
fi

test_expect_success 'without the time variation the same build is reproducible' '
	(cd p && reprove rebuild --vary=-time --bisect >../out2 2>../err2) &&
	tail -n 1 out2 | grep "^reproducible:"
'

if [ -z "$faketime" ]; then
	test_expect_success 'without libfaketime, time is reported as skipped' '
		(cd p && reprove rebuild --vary time,umask --json ../r3.json >../out3 2>../err3) &&
		grep "skipped variations: time (libfaketime is not installed" out3 &&
		python3 - r3.json <<-PY
		import json, sys
		r = json.load(open(sys.argv[1]))
		v = {x["name"]: x for x in r["variations"]}
		assert v["time"]["status"] == "skipped" and "libfaketime" in v["time"]["reason"]
		assert v["umask"]["status"] == "applied"
		assert v["home"]["status"] == "not selected"
		PY
	'
else
	test_skip 'without libfaketime, time is reported as skipped' 'libfaketime is installed'
fi

test_done
