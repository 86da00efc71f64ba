#!/bin/sh
# Malformed recipes are input errors (exit 3) with one line naming the file and the key
# (or the line and column); nothing is built and no report file is written.
. "$(dirname "$0")/lib.sh"

mkdir p && (cd p && git init -q && git config user.email t@example.com && git config user.name t &&
	printf 'all:\n\ttouch built-was-run\n' >Makefile && git add Makefile &&
	git -c commit.gpgsign=false commit -qm c)

bad() { # title, recipe text, expected message (grep -F)
	printf '%s\n' "$2" >p/reprove.json
	want=$3
	test_expect_success "$1" '
		(cd p && test_expect_code 3 reprove rebuild --json ../r.json >../out 2>../err) &&
		test_one_error_line err && test "$(wc -l <err)" -eq 1 &&
		grep -F -- "$want" err && grep -F "reprove.json" err &&
		! test -e r.json && ! test -s out
	'
}

bad 'invalid JSON names line and column' '{"build": ["make"],' "line 2 column"
bad 'unknown key is named' '{"build": ["make"], "artifacts": ["x"], "artefacts": ["y"]}' 'unknown key "artefacts"'
bad 'build must be an array' '{"build": "make", "artifacts": ["x"]}' '"build" must be an array of strings'
bad 'build entries must be strings' '{"build": ["make", 3], "artifacts": ["x"]}' '"build"[1] must be a string'
bad 'empty build' '{"build": [], "artifacts": ["x"]}' '"build" must not be empty'
bad 'missing artifacts' '{"build": ["make"]}' 'missing key "artifacts"'
bad 'absolute artifact path' '{"build": ["make"], "artifacts": ["/etc/passwd"]}' 'is an absolute path'
bad 'artifact outside the tree' '{"build": ["make"], "artifacts": ["dist/../../x"]}' 'leaves the source tree'
bad 'env values are strings' '{"build": ["make"], "artifacts": ["x"], "env": {"A": 1}}' '"env"."A" must be a string'
bad 'env names are checked' '{"build": ["make"], "artifacts": ["x"], "env": {"A=B": "1"}}' "invalid variable name 'A=B'"
bad 'SOURCE_DATE_EPOCH is not an env entry' '{"build": ["make"], "artifacts": ["x"], "env": {"SOURCE_DATE_EPOCH": "1"}}' '"source_date_epoch" key'
bad 'source_date_epoch type' '{"build": ["make"], "artifacts": ["x"], "source_date_epoch": "now"}' '"source_date_epoch" must be an integer'
bad 'negative source_date_epoch' '{"build": ["make"], "artifacts": ["x"], "source_date_epoch": -1}' '"source_date_epoch" must be an integer'
bad 'timeout type' '{"build": ["make"], "artifacts": ["x"], "timeout": "10"}' '"timeout" must be an integer'
bad 'timeout zero' '{"build": ["make"], "artifacts": ["x"], "timeout": 0}' '"timeout" must be an integer'
bad 'network type' '{"build": ["make"], "artifacts": ["x"], "network": "yes"}' '"network" must be true or false'
bad 'duplicate keys' '{"build": ["make"], "build": ["make"], "artifacts": ["x"]}' 'duplicate'
bad 'not an object' '["make"]' 'must be a JSON object'

test_expect_success 'a missing recipe is an environment error (exit 4)' '
	rm -f p/reprove.json &&
	(cd p && test_expect_code 4 reprove rebuild 2>../err) &&
	test_one_error_line err && grep "reprove.json" err
'

test_expect_success 'nothing was ever built' '
	! test -e p/built-was-run
'

test_done
