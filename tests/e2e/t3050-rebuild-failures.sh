#!/bin/sh
# Builds that hang, fail, cannot start or produce nothing are errors (exit 4) with the
# log's tail, never verdicts; a hang is killed at the recipe's timeout with every process
# it started, with or without a pid namespace.
. "$(dirname "$0")/lib.sh"

mkproj() {
	mkdir -p "$1" && (cd "$1" && git init -q && git config user.email t@example.com &&
		git config user.name t)
}
commit() {
	(cd "$1" && git add -A && git -c commit.gpgsign=false commit -qm "${2:-commit}")
}

# Scratch directories (and the logs of failed builds) go here, removed with the test.
mkdir tmp && TMPDIR=$TEST_DIR/tmp && export TMPDIR

# A unique sleep length marks the hang's processes.
mark=$((31000 + $$ % 900))
mkproj hang
printf 'all:\n\techo starting the hang\n\tsleep %s &\n\tsetsid sleep %s &\n\tsleep %s\n' \
	$((mark + 1)) $((mark + 2)) $((mark + 3)) >hang/Makefile
echo '{"build": ["make"], "artifacts": ["x"], "timeout": 2}' >hang/reprove.json
commit hang

no_strays() {
	sleep 0.2
	if pgrep -f "sleep $((mark + 1))|sleep $((mark + 2))|sleep $((mark + 3))" >strays; then
		echo "stray processes:" >&2
		cat strays >&2
		pkill -KILL -f "sleep $((mark + 1))|sleep $((mark + 2))|sleep $((mark + 3))"
		return 1
	fi
	return 0
}

test_expect_success 'a hang is killed at its timeout: exit 4, log tail, no strays' '
	start=$(date +%s) &&
	(cd hang && test_expect_code 4 reprove rebuild >../out 2>../err) &&
	end=$(date +%s) && test $((end - start)) -lt 15 &&
	test_one_error_line err &&
	head -n 1 err | grep "run 1: build timed out after 2 s" &&
	grep "^  | starting the hang" err &&
	no_strays
'

test_expect_success 'without any namespace (no capabilities), the hang is still cleaned up' '
	if ! unshare --user --map-root-user true 2>/dev/null || ! test_have setpriv; then
		echo "cannot drop namespaces here; nothing to test" && exit 0
	fi
	(cd hang && test_expect_code 4 unshare --user --map-root-user sh -c \
		"echo 0 >/proc/sys/user/max_user_namespaces && exec setpriv --bounding-set=-all --inh-caps=-all \"\$0\" rebuild" \
		"$RP_BIN" >../out2 2>../err2) &&
	cat err2 &&
	grep "build timed out" err2 &&
	no_strays
'

mkproj fail
printf 'all:\n\t@echo compiling the thing\n\t@echo "error: this is broken" >&2\n\t@exit 3\n' >fail/Makefile
echo '{"build": ["make"], "artifacts": ["x"]}' >fail/reprove.json
commit fail

test_expect_success 'a failing build: exit 4, status named, its last lines shown' '
	(cd fail && test_expect_code 4 reprove rebuild --json ../r.json >../out 2>../err) &&
	test_one_error_line err &&
	head -n 1 err | grep "^reprove: rebuild: run 1: build command .make. failed (exit status 2); log: $TEST_DIR/tmp/reprove-rebuild\.[A-Za-z0-9]*/run-1\.log$" &&
	grep "^  | error: this is broken" err &&
	! test -e r.json && ! test -s out
'

test_expect_success 'the failed build log is kept, and only it' '
	log=$(head -n 1 err | sed "s/.*; log: //") &&
	grep "error: this is broken" "$log" && grep "compiling the thing" "$log" &&
	test "$(ls "$(dirname "$log")")" = run-1.log
'

mkproj noexec
echo '{"build": ["no-such-build-tool-x"], "artifacts": ["x"]}' >noexec/reprove.json
commit noexec

test_expect_success 'a build command that does not exist: exit 4' '
	(cd noexec && test_expect_code 4 reprove rebuild 2>../err) &&
	test_one_error_line err && grep "exit status 127" err &&
	grep "cannot run .no-such-build-tool-x." err
'

mkproj empty
printf 'all:\n\tmkdir -p dist\n\techo made > dist/a.txt\n' >empty/Makefile
echo '{"build": ["make"], "artifacts": ["dist/*.txt", "dist/*.tar.gz"]}' >empty/reprove.json
commit empty

test_expect_success 'a pattern matching no artifact: exit 4, pattern named' '
	(cd empty && test_expect_code 4 reprove rebuild 2>../err) &&
	test_one_error_line err &&
	grep "artifact pattern .dist/\*.tar.gz. matched no file" err
'

test_done
