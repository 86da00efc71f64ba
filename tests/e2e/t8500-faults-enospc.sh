#!/bin/sh
# ENOSPC while writing every kind of output: the test mounts a 64 KiB tmpfs, fills it, and
# each command writing there must exit 4 with one 'reprove:' line and leave no file,
# temporary or final (keygen: not half a key pair, even when the first file fits).
. "$(dirname "$0")/lib.sh"

K=$TESTDATA/keys
# under ASan: libarchive leaks its write buffer after a write error (see the file)
LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$RP_ROOT/tests/e2e/lsan-libarchive.supp:print_suppressions=0
export LSAN_OPTIONS
mkdir -p full
if ! mount -t tmpfs -o size=64k,mode=0755 tmpfs full 2>/dev/null; then
	test_skip 'ENOSPC tests' 'cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)'
	test_done
fi
cleanup_mount() { cd "$TEST_DIR" && umount full 2>/dev/null; rp_cleanup; }
trap cleanup_mount EXIT

# fill [PAGES_FREE]: fill the tmpfs, leaving PAGES_FREE 4 KiB pages (default 0)
fill() {
	rm -f full/filler &&
	dd if=/dev/zero of=full/filler bs=4096 count=$((16 - ${1:-0})) 2>/dev/null
	[ "${1:-0}" != 0 ] || dd if=/dev/zero bs=4096 >>full/filler 2>/dev/null
	return 0
}
only() { # NAMES...: full/ holds exactly these files (plus the filler)
	test "$(ls -A full | grep -v '^filler$' | sort | tr '\n' ' ')" = "$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')"
}
one_line() {
	test_one_error_line "$1" && test "$(grep -c . "$1")" -eq 1
}

mkdir -p tree && i=0 && while [ $i -lt 300 ]; do echo "file $i" >tree/f$i; i=$((i + 1)); done
tar -cf in.tar tree
head -c 300000 /dev/urandom >big.bin
cp $TESTDATA/forgeries/asset.txt asset.txt

test_expect_success 'hash -o on a full disk: exit 4, no SUMS, no temporary' '
	fill && test_expect_code 4 reprove hash -o full/SUMS tree >out 2>err &&
	one_line err && grep -i "space" err && only
'
test_expect_success 'normalize -o on a full disk: exit 4, nothing left' '
	fill && test_expect_code 4 reprove normalize -q --epoch 0 in.tar -o full/n.tar >out 2>err &&
	one_line err && only
'
test_expect_success 'normalize -o of a .tar.gz and a zip on a full disk: one plain line, nothing left' '
	mkdir z && cp big.bin z/ && tar -cf - z | gzip >in.tar.gz && (cd z && zip -q ../in.zip big.bin) &&
	for f in in.tar.gz in.zip; do
		fill && test_expect_code 4 reprove normalize -q -j 2 --epoch 0 $f -o full/n >out 2>err &&
		one_line err && grep "No space left on device$" err && ! grep -i "bug" err &&
		! grep "archive: cannot write the normalized" err && only || return 1
	done
'
test_expect_success 'normalize with its spool (TMPDIR) on a full disk: exit 4, no spool left' '
	fill && test_expect_code 4 env TMPDIR=$PWD/full reprove normalize -q --epoch 0 in.tar -o n.tar \
		>out 2>err && one_line err && only && test ! -e n.tar
'
test_expect_success 'sign on a full disk: exit 4, no .minisig, no temporary' '
	rm -f full/* && cp asset.txt full/a.txt && fill &&
	test_expect_code 4 reprove sign -k $K/minisign-plain.key full/a.txt </dev/null >out 2>err &&
	one_line err && only a.txt
'
for free in 0 1 2; do
	test_expect_success "keygen on a full disk ($free pages free): exit 4, no key file at all" "
		rm -f full/* && fill $free &&
		test_expect_code 4 reprove keygen --no-passphrase -o full/k >out 2>err &&
		one_line err && only
	"
	[ $free = 2 ] && continue # both ECDSA files fit in 2 pages
	test_expect_success "keygen ecdsa-p256 on a full disk ($free pages free): exit 4, no key file" "
		rm -f full/* && fill $free &&
		test_expect_code 4 reprove keygen --type ecdsa-p256 --no-passphrase -o full/k >out 2>err &&
		one_line err && only
	"
done
test_expect_success 'attest -o on a full disk: exit 4, no provenance, no temporary' '
	rm -f full/* && fill &&
	test_expect_code 4 reprove attest -k $K/ed25519.key.pem --subject asset.txt \
		-o full/p.intoto.jsonl </dev/null >out 2>err &&
	one_line err && only
'
test_expect_success 'attest --bundle on a full disk: exit 4, neither file left' '
	rm -f full/* && fill 1 &&
	test_expect_code 4 reprove attest -k $K/ed25519.key.pem --subject asset.txt \
		-o full/p.intoto.jsonl --bundle full/p.sigstore.json </dev/null >out 2>err &&
	one_line err && only
'
test_expect_success 'fetch -o on a full disk: exit 4, no file and no .part' '
	rm -f full/* && fill &&
	test_expect_code 4 reprove fetch --sha256 $(sha256sum big.bin | cut -c1-64) \
		"file://$PWD/big.bin" -o full/f.bin >out 2>err &&
	test_one_error_line err && grep -i "space" err && only
'
test_expect_success 'diff --html on a full disk: exit 4, no page left' '
	rm -f full/* && fill && cp in.tar in2.tar &&
	test_expect_code 4 reprove diff --html full/r.html in.tar in2.tar >out 2>err &&
	one_line err && only
'
test_expect_success 'the same commands succeed once there is room (the failures were ENOSPC)' '
	rm -f full/* &&
	reprove hash -o full/SUMS tree/f1 && reprove keygen --no-passphrase -o full/k 2>/dev/null &&
	test -s full/SUMS && test -s full/k.key && test -s full/k.pub && test -s full/k.pub.pem
'

test_done
