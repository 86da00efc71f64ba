#!/bin/sh
# A program that prints __FILE__ leaks its absolute build path: the identical builds agree,
# the varied one does not, and --bisect names build_path and nothing else.
. "$(dirname "$0")/lib.sh"

mkproj() {
	mkdir -p "$1" && (cd "$1" && git init -q && git config user.email t@example.com &&
		git config user.name t)
}

mkproj bp
cat >bp/where.c <<'C'
#include <stdio.h>
int main(void) { printf("built from %s\n", __FILE__); return 0; }
C
printf 'all:\n\tmkdir -p dist\n\tgcc -O0 -o where $(CURDIR)/where.c\n\t./where > dist/where.txt\n' >bp/Makefile
echo '{"build": ["make"], "artifacts": ["dist/where.txt"], "timeout": 60}' >bp/reprove.json
(cd bp && git add -A && git -c commit.gpgsign=false commit -qm c)

test_expect_success '__FILE__: not reproducible; --bisect names build_path only' '
	(cd bp && test_expect_code 1 reprove rebuild --bisect --json ../r.json >../out 2>../err) &&
	tail -n 1 out | grep "^not reproducible: dist/where.txt differs; variations that matter: build_path$"
'

test_expect_success 'the report marks build_path alone as mattering' '
	python3 - r.json <<-PY
	import json, sys
	r = json.load(open(sys.argv[1]))
	assert r["verdict"] == "not reproducible"
	assert r["bisected"] is True
	m = [v["name"] for v in r["variations"] if v["matters"]]
	assert m == ["build_path"], m
	kinds = [x["kind"] for x in r["runs"]]
	assert kinds[:3] == ["control", "control", "varied"], kinds
	assert r["runs"][1]["result"] == "identical"
	PY
'

test_expect_success 'without --bisect the summary says which were varied' '
	(cd bp && test_expect_code 1 reprove rebuild -q >../out2) &&
	tail -n 1 out2 | grep "^not reproducible: dist/where.txt differs under variations build_path, .*(--bisect finds which matter)$"
'

test_expect_success '--vary -build_path: reproducible' '
	(cd bp && reprove rebuild -q --vary=-build_path >../out3) &&
	tail -n 1 out3 | grep "^reproducible:"
'

test_done
