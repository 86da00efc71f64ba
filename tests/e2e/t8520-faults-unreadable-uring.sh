#!/bin/sh
# An unreadable file in a tree is reported (exit 4, naming it), never skipped: a chmod 000
# file for an unprivileged user, and, for root, a file whose read(2) fails (a /proc file
# bind-mounted into the tree). io_uring unavailable (RP_NO_URING=1, a seccomp filter that
# refuses io_uring_setup, and with RP_TEST_SYSCTL=1 kernel.io_uring_disabled=2) falls back
# to pread with byte-identical output, said only with -v.
. "$(dirname "$0")/lib.sh"

chmod 755 "$TEST_DIR"
mkdir -p t/sub
for n in 0 1 4095 4096 65537 1048576 5000000; do head -c $n /dev/urandom >t/sub/f$n; done
echo a >t/a

test_expect_success 'baseline: hash agrees with sha256sum' '
	reprove hash t >got && (find t -type f | LC_ALL=C sort | xargs sha256sum) >want &&
	test_cmp want got
'

if test_have setpriv && id nobody >/dev/null 2>&1; then
	cp -r t u && chmod 000 u/sub/f4096 && chmod -R a+rX u && chmod 000 u/sub/f4096
	asnobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"; }
	test_expect_success 'a chmod 000 file in a tree: exit 4 naming it, no partial SUMS' '
		chmod 777 . &&
		test_expect_code 4 asnobody reprove hash -o SUMS u >out 2>err &&
		test_one_error_line err && grep -F "u/sub/f4096" err && grep -i "permission" err &&
		test ! -e SUMS &&
		test_expect_code 4 asnobody reprove hash --no-uring u >out 2>err &&
		grep -F "u/sub/f4096" err && test ! -s out
	'
	test_expect_success 'an unreadable directory in a tree: exit 4 naming it' '
		cp -r t v && chmod -R a+rX v && chmod 000 v/sub &&
		test_expect_code 4 asnobody reprove hash v >out 2>err &&
		test_one_error_line err && grep -F "v/sub" err
	'
	test_expect_success 'diff and check report the unreadable file too' '
		test_expect_code 4 asnobody reprove diff t u >out 2>err &&
		test_one_error_line err && grep -F "u/sub/f4096" err &&
		reprove hash u >SUMS.root &&
		test_must_fail asnobody reprove check SUMS.root >out 2>err &&
		grep -F "u/sub/f4096" out err
	'
else
	test_skip 'unreadable file as nobody' 'setpriv or user nobody missing'
fi

if [ "$(id -u)" = 0 ] && touch t/proc && mount --bind /proc/self/clear_refs t/proc 2>/dev/null; then
	test_expect_success 'root: a file whose read fails (EINVAL) is reported, not skipped' '
		test_expect_code 4 reprove hash t >out 2>err &&
		test_one_error_line err && grep -F "t/proc" err && test ! -s out &&
		test_expect_code 4 reprove hash --no-uring t >out 2>err && grep -F "t/proc" err
	'
	umount t/proc 2>/dev/null || umount -l t/proc
	rm -f t/proc
else
	rm -f t/proc
	test_skip 'root: a file whose read fails' 'bind mount not permitted'
fi

test_expect_success 'RP_NO_URING=1 and --no-uring: same bytes, fallback said only with -v' '
	reprove hash t >want &&
	RP_NO_URING=1 reprove hash t >got 2>err && test_cmp want got && test ! -s err &&
	reprove hash --no-uring -v t >got 2>err && test_cmp want got && grep "pread" err
'

# seccomp: io_uring_setup fails with EPERM, as under a container runtime's default profile
cat >noring.c <<'EOF'
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = { sizeof(f) / sizeof(f[0]), f };
	if (argc < 2 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p)) {
		perror("noring");
		return 77;
	}
	execvp(argv[1], argv + 1);
	perror("noring: exec");
	return 127;
}
EOF
if cc -o noring noring.c 2>/dev/null && ./noring true; then
	test_expect_success 'io_uring refused by seccomp: transparent fallback, same bytes' '
		reprove hash t >want &&
		./noring reprove hash t >got 2>err && test_cmp want got && test ! -s err &&
		./noring reprove hash -v -o SUMS t 2>err && test_cmp want SUMS &&
		grep "pread" err && ! grep "with io_uring" err
	'
	test_expect_success 'io_uring refused by seccomp: verify and diff still work' '
		./noring reprove check SUMS >out && ./noring reprove diff t t >out && grep identical out
	'
else
	test_skip 'io_uring refused by seccomp' 'cannot build or run the seccomp helper'
fi

# The sysctl is system-wide, so it is only flipped (and restored at once) when asked.
if [ "${RP_TEST_SYSCTL:-}" = 1 ] && [ -w /proc/sys/kernel/io_uring_disabled ]; then
	old=$(cat /proc/sys/kernel/io_uring_disabled)
	reprove hash t >want
	echo 2 >/proc/sys/kernel/io_uring_disabled
	reprove hash -v t >got 2>err
	echo "$old" >/proc/sys/kernel/io_uring_disabled
	test_expect_success 'kernel.io_uring_disabled=2: transparent fallback' '
		test_cmp want got && grep "pread" err
	'
else
	test_skip 'kernel.io_uring_disabled=2' 'system-wide; set RP_TEST_SYSCTL=1 to run it'
fi

test_done
