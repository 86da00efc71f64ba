#!/bin/sh
# A tarball of files the build creates records their modes, which follow the umask:
# --bisect names umask and nothing else.
. "$(dirname "$0")/lib.sh"

mkproj() {
	mkdir -p "$1" && (cd "$1" && git init -q && git config user.email t@example.com &&
		git config user.name t)
}

mkproj um
printf 'all:\n\tmkdir -p dist gen\n\techo data > gen/data.txt\n\ttar --sort=name --mtime=@$$SOURCE_DATE_EPOCH --owner=0 --group=0 --numeric-owner -cf dist/gen.tar gen\n' >um/Makefile
echo '{"build": ["make"], "artifacts": ["dist/gen.tar"], "timeout": 60}' >um/reprove.json
(cd um && git add -A && git -c commit.gpgsign=false commit -qm c)

test_expect_success 'umask-dependent tarball: --bisect names umask only' '
	(cd um && test_expect_code 1 reprove rebuild --bisect --json ../r.json >../out 2>../err) &&
	tail -n 1 out | grep "^not reproducible: dist/gen.tar differs; variations that matter: umask$" &&
	grep "metadata differs: gen/data.txt: mode 0644 -> 0664" out
'

test_expect_success 'only the umask run differs among the one-at-a-time builds' '
	python3 - r.json <<-PY
	import json, sys
	r = json.load(open(sys.argv[1]))
	diff = [x["variations"] for x in r["runs"] if x["kind"] == "bisect" and x["result"] != "identical"]
	assert diff == [["umask"]], diff
	PY
'

test_expect_success 'with the umask fixed in the recipe build, it is reproducible' '
	mkproj um2 && cp um/reprove.json um2/ &&
	printf "all:\n\tmkdir -p dist gen\n\techo data > gen/data.txt\n\ttar --sort=name --mtime=@\$\$SOURCE_DATE_EPOCH --owner=0 --group=0 --numeric-owner --mode=go-w -cf dist/gen.tar gen\n" >um2/Makefile &&
	(cd um2 && git add -A && git -c commit.gpgsign=false commit -qm c && reprove rebuild --bisect -q >../out2) &&
	tail -n 1 out2 | grep "^reproducible:"
'

test_done
