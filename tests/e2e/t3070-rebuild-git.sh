#!/bin/sh
# --git URL --ref REF rebuilds a tagged version from a fresh clone, with that version's
# recipe, its commit recorded and its commit time as SOURCE_DATE_EPOCH.
. "$(dirname "$0")/lib.sh"

mkdir up && (cd up && git init -q && git config user.email t@example.com && git config user.name t)
printf 'all:\n\tmkdir -p dist\n\tcp version.txt dist/version.txt\n\techo $$SOURCE_DATE_EPOCH > dist/sde.txt\n' >up/Makefile
echo '{"build": ["make"], "artifacts": ["dist/version.txt"], "source_date_epoch": "git"}' >up/reprove.json
echo 1.0 >up/version.txt
(cd up && git add -A && GIT_COMMITTER_DATE='@1600000000 +0000' git -c commit.gpgsign=false commit -qm v1 &&
	git tag -a v1.0 -m 'version 1.0')
echo 2.0 >up/version.txt
echo '{"build": ["make"], "artifacts": ["dist/*.txt"]}' >up/reprove.json
(cd up && git add -A && GIT_COMMITTER_DATE='@1700000000 +0000' git -c commit.gpgsign=false commit -qm v2)
# Uncommitted changes upstream must not matter to a clone.
echo 3.0-dirty >up/version.txt

test_expect_success '--git --ref TAG rebuilds that version with its recipe' '
	reprove rebuild --git "$TEST_DIR/up" --ref v1.0 --keep k --json r.json >out 2>err &&
	tail -n 1 out | grep "^reproducible: 1 artifact identical" &&
	test "$(cat k/run-1/dist/version.txt)" = 1.0 &&
	test "$(cat k/run-1/dist/sde.txt)" = 1600000000 &&
	! test -e k/clone
'

test_expect_success 'the report records the URL, ref, commit and SOURCE_DATE_EPOCH' '
	commit=$(git -C up rev-parse "v1.0^{commit}") &&
	python3 - r.json "$commit" "$TEST_DIR/up" <<-PY
	import json, sys
	r = json.load(open(sys.argv[1]))
	s = r["source"]
	assert s["kind"] == "git" and s["uri"] == sys.argv[3] and s["ref"] == "v1.0", s
	assert s["commit"] == sys.argv[2], (s["commit"], sys.argv[2])
	assert r["source_date_epoch"] == 1600000000
	assert r["recipe"]["artifacts"] == ["dist/version.txt"], r["recipe"]
	PY
'

test_expect_success 'a branch and a commit id work as refs, file:// URLs too' '
	reprove rebuild --git "file://$TEST_DIR/up" --ref master --vary none --keep k2 >out2 2>&1 ||
	reprove rebuild --git "file://$TEST_DIR/up" --ref main --vary none --keep k2 >out2 2>&1 &&
	test "$(cat k2/run-1/dist/version.txt)" = 2.0 &&
	reprove rebuild --git "$TEST_DIR/up" --ref "$(git -C up rev-parse HEAD~1)" --vary none --keep k3 >out3 &&
	test "$(cat k3/run-1/dist/version.txt)" = 1.0
'

test_expect_success 'an unknown ref is an error naming it (exit 4)' '
	test_expect_code 4 reprove rebuild --git "$TEST_DIR/up" --ref v9.9 2>err &&
	test_one_error_line err && grep "no ref .v9.9." err
'

test_expect_success 'a repository that does not exist: exit 4' '
	test_expect_code 4 reprove rebuild --git "$TEST_DIR/nowhere" --ref v1.0 2>err &&
	test_one_error_line err && grep "cannot clone" err
'

test_expect_success 'a URL or ref that looks like an option is refused (exit 2)' '
	test_expect_code 2 reprove rebuild --git=--upload-pack=touch --ref v1.0 2>err &&
	test_one_error_line err &&
	test_expect_code 2 reprove rebuild --git "$TEST_DIR/up" --ref=--foo 2>err &&
	test_one_error_line err
'

test_done
