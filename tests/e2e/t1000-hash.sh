#!/bin/sh
# reprove hash: byte-identical to sha256sum on hostile names; formats; -o; errors.
. "$(dirname "$0")/lib.sh"

# A tree with every kind of awkward name sha256sum has to escape or keep.
make_tree() {
	mkdir -p tree/sub/deeper tree/empty-dir &&
	printf "a" >tree/plain &&
	printf "b" >"tree/back\\slash" &&
	printf "c" >"tree/$(printf "new\nline")" &&
	printf "d" >"tree/$(printf "carriage\rreturn")" &&
	printf "e" >"tree/with space" &&
	printf "f" >"tree/ünïcødé-名前" &&
	: >tree/empty &&
	printf "g" >tree/sub/x &&
	head -c 300000 /dev/urandom >tree/sub/deeper/bigger &&
	head -c 9000000 /dev/urandom >tree/sub/deeper/large &&
	printf "h" >"tree/sub/$(printf "both\\\\and\nnl")" &&
	printf "i" >"tree/-dash" &&
	printf "j" >"tree/\$dollar*star?"
}

test_expect_success 'setup hostile tree' 'make_tree'

test_expect_success 'hash . matches sha256sum on the same sorted names, byte for byte' '
	(cd tree && reprove hash . >../rp.sums) &&
	(cd tree && find . -type f | sed "s|^\./||" | LC_ALL=C sort >../names) &&
	(cd tree && tr "\n" "\0" <../names >/dev/null) &&
	(cd tree && find . -type f -printf "%P\0" | LC_ALL=C sort -z | xargs -0 sha256sum -- >../gnu.sums) &&
	test_cmp gnu.sums rp.sums
'
test_expect_success 'sha256sum -c --strict accepts reprove output' '
	(cd tree && sha256sum -c --strict ../rp.sums >../c.out) &&
	test "$(grep -c ": OK$" c.out)" -ge 12
'
test_expect_success 'a directory argument prefixes its path' '
	reprove hash tree >pref.sums &&
	grep -q "  tree/sub/x$" pref.sums && sha256sum -c --strict pref.sums >/dev/null
'
test_expect_success 'files are named as given, output sorted bytewise' '
	reprove hash tree/sub/x tree/plain >two &&
	head -n 1 two | grep -q "  tree/plain$" && tail -n 1 two | grep -q "  tree/sub/x$"
'
test_expect_success 'forced pread fallback gives identical output' '
	(cd tree && reprove hash --no-uring . >../pread.sums) && test_cmp rp.sums pread.sums &&
	(cd tree && RP_NO_URING=1 reprove hash -v . >../pread2.sums 2>../v.err) &&
	test_cmp rp.sums pread2.sums && grep -q "pread" v.err
'
test_expect_success '-v says io_uring ran when it can' '
	(cd tree && reprove hash -v . 2>../v.err >/dev/null) &&
	grep -Eq "io_uring|pread" v.err
'
test_expect_success 'thread count does not change the output' '
	(cd tree && reprove hash -j 1 . >../j1 && reprove hash -j 7 . >../j7) &&
	test_cmp rp.sums j1 && test_cmp rp.sums j7
'
test_expect_success '--format bsd matches sha256sum --tag' '
	(cd tree && reprove hash --format bsd . >../rp.bsd) &&
	(cd tree && find . -type f -printf "%P\0" | LC_ALL=C sort -z | xargs -0 sha256sum --tag -- >../gnu.bsd) &&
	test_cmp gnu.bsd rp.bsd
'
test_expect_success '--format json is JSON Lines with name and sha256' '
	(cd tree && reprove hash --format json . >../rp.json) &&
	/usr/bin/python3 -c "
import json, sys
rows = [json.loads(l) for l in open(\"rp.json\")]
assert len(rows) == 13, len(rows)
assert all(set(r) == {\"name\", \"sha256\"} and len(r[\"sha256\"]) == 64 for r in rows)
assert any(r[\"name\"] == \"new\nline\" for r in rows)
"
'
test_expect_success 'stdin as -' '
	printf abc | reprove hash - >s && printf abc | sha256sum - >g && test_cmp g s
'
test_expect_success 'large file digest matches across sizes near buffer edges' '
	for n in 0 1 262143 262144 262145 524288 1048577; do
		head -c $n /dev/urandom >edge.$n || return 1
	done &&
	reprove hash edge.* >r && sha256sum $(ls edge.* | LC_ALL=C sort) >g && test_cmp g r
'
test_expect_success '-o writes atomically and leaves no temp file' '
	reprove hash -o out.sums tree/plain && sha256sum -c out.sums &&
	test "$(ls -a | grep -c "\.tmp")" = 0
'
test_expect_success '-o onto a device or FIFO writes into it, never replaces it' '
	reprove hash -o /dev/null tree/plain && test -c /dev/null &&
	mkfifo pipe && { cat pipe >from-pipe & } &&
	reprove hash -o pipe tree/plain && wait && test -p pipe &&
	grep -q "  tree/plain$" from-pipe
'
test_expect_success 'missing file: one reprove: line, exit 4, no output file' '
	test_expect_code 4 reprove hash -o nope.sums tree/plain does-not-exist 2>err &&
	test_one_error_line err && grep -q "does-not-exist" err && ! test -e nope.sums
'
test_expect_success 'unreadable file in a tree is reported, exit 4, no output' '
	mkdir -p unr && echo x >unr/ok && mkfifo unr/fifo &&
	ln -s /nonexistent unr/dangling &&
	reprove hash unr >o 2>err && grep -q "skipping .unr/fifo." err &&
	grep -q "skipping .unr/dangling.: symbolic link" err &&
	if [ "$(id -u)" != 0 ]; then
		echo y >unr/secret && chmod 000 unr/secret &&
		test_expect_code 4 reprove hash -o unr.sums unr 2>err &&
		grep -q "unr/secret" err && ! test -e unr.sums
	fi
'
test_expect_success 'a file that fails while reading is named (EISDIR via /proc)' '
	test_expect_code 4 reprove hash -o x.sums /proc/self/mem 2>err &&
	test_one_error_line err && ! test -e x.sums
'
test_expect_success 'directory given where output file is expected: exit 4' '
	mkdir -p outdir && test_expect_code 4 reprove hash -o outdir tree/plain 2>err &&
	test_one_error_line err
'
test_expect_success 'no PATH is a usage error' '
	test_expect_code 2 reprove hash 2>err && grep -q "no PATH" err
'
test_expect_success 'unknown format is a usage error' '
	test_expect_code 2 reprove hash --format xml tree/plain 2>err && grep -q "xml" err
'
test_done
