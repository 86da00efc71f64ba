#!/bin/sh
# Usage, help, version, and the exit-code contract of the front end.
. "$(dirname "$0")/lib.sh"

test_expect_success 'help lists commands and exit codes' '
	reprove help >out &&
	grep -q "^  hash " out && grep -q "^  check " out && grep -q "5 internal error" out
'
test_expect_success 'help CMD and CMD --help print the usage' '
	reprove help hash >a && reprove hash --help >b && test_cmp a b &&
	grep -q "^usage: reprove hash" a
'
test_expect_success '--version' '
	reprove --version | grep -Eq "^reprove [0-9]+\.[0-9]+\.[0-9]+$"
'
test_expect_success 'no command is a usage error (2)' '
	test_expect_code 2 reprove 2>err && grep -q "^usage: reprove" err
'
test_expect_success 'unknown command: one line, exit 2' '
	test_expect_code 2 reprove frobnicate 2>err &&
	test "$(wc -l <err)" = 1 && grep -q "^reprove: unknown command .frobnicate." err
'
test_expect_success 'unknown option: reprove: CMD: message, usage line, exit 2' '
	test_expect_code 2 reprove hash --frob x 2>err &&
	grep -q "^reprove: hash: unknown option .--frob." err && grep -q "^usage: reprove hash" err
'
test_expect_success 'missing option value is a usage error' '
	test_expect_code 2 reprove hash -j 2>err && test_one_error_line err
'
test_expect_success 'bad number is a usage error' '
	test_expect_code 2 reprove hash -j abc . 2>err && grep -q "not a number" err &&
	test_expect_code 2 reprove hash -j 0 . 2>err && grep -q "out of range" err
'
test_expect_success 'help for an unknown command fails' '
	test_expect_code 2 reprove help nope 2>err && test_one_error_line err
'
test_expect_success 'a write error on stdout is exit 4, not success' '
	if test -w /dev/full; then
		echo x >f && test_expect_code 4 reprove hash f >/dev/full 2>err &&
		grep -q "No space left" err
	fi
'
test_expect_success 'control characters in names are not echoed raw in errors' '
	test_expect_code 4 reprove hash "$(printf "no\033[31mfile")" 2>err &&
	! grep -q "$(printf "\033")" err && grep -q "no?\[31mfile" err
'
test_done
