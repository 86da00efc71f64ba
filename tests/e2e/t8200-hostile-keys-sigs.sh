#!/bin/sh
# Garbage keys and signatures: minisign public/secret keys and signatures, PEM keys of
# every shape, SHA256SUMS with a 10 MB line. Malformed files exit 3 with one 'reprove:'
# line naming the file; a well-formed signature that does not verify exits 1; nothing ever
# says "verified", nothing crashes or hangs, and sign leaves no .minisig behind.
. "$(dirname "$0")/lib.sh"

F=$TESTDATA/forgeries
K=$TESTDATA/keys
ASSET=$F/asset.txt
MS=$K/minisign-plain.pub
SIG=$F/asset.txt.minisig

python3 - "$MS" "$SIG" "$K/minisign-plain.key" <<'EOF' || exit 1
import base64, os, sys
pub = open(sys.argv[1]).read().splitlines()
sig = open(sys.argv[2]).read().splitlines()
sec = open(sys.argv[3]).read().splitlines()
pk = base64.b64decode(pub[1])
sg = base64.b64decode(sig[1])
sk = base64.b64decode(sec[1])
b64 = lambda b: base64.b64encode(b).decode()
def w(name, lines, raw=None):
    open(name, "wb").write(raw if raw is not None else ("\n".join(lines) + "\n").encode())
n = 0
def pubk(lines=None, raw=None):
    global n
    w("pub-%02d" % n, lines, raw)
    n += 1
pubk([pub[0], b64(b"Ex" + pk[2:])])             # unknown algorithm
pubk([pub[0], b64(pk[:-1])])                    # one byte short
pubk([pub[0], b64(pk + b"x")])                  # one byte long
pubk([pub[0], pub[1][:-4] + "!!!!"])            # invalid base64
pubk([pub[0]])                                  # no key line
pubk([pub[0], "A" * (10 << 20)])                # a 10 MB line
pubk(raw=("%s\r\n%s\r\n" % (pub[0], pub[1])).encode() + b"\0")  # NUL after the key
pubk(raw=b"")                                   # empty
pubk(raw=os.urandom(4096))                      # random bytes
pubk(["-----BEGIN PUBLIC KEY-----", "!!!!", "-----END PUBLIC KEY-----"])
pubk(["-----BEGIN PUBLIC KEY-----", b64(os.urandom(44)), "-----END PUBLIC KEY-----"])
pubk(["-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----"])
pubk(["-----BEGIN PUBLIC KEY-----", "MCowBQYDK2VwAyEA"])  # truncated, no END line
pubk(["-----BEGIN CERTIFICATE-----", b64(os.urandom(300)), "-----END CERTIFICATE-----"])
pubk(["-----BEGIN PUBLIC KEY-----", "A" * (10 << 20), "-----END PUBLIC KEY-----"])
# X25519 and Ed448 SPKI: well-formed keys of unsupported types
pubk(["-----BEGIN PUBLIC KEY-----", b64(bytes.fromhex("302a300506032b656e032100") + os.urandom(32)),
      "-----END PUBLIC KEY-----"])
pubk(["-----BEGIN PUBLIC KEY-----", b64(bytes.fromhex("3043300506032b6571033a00") + os.urandom(57)),
      "-----END PUBLIC KEY-----"])
n = 0
def sigf(lines=None, raw=None):
    global n
    w("sig-%02d" % n, lines, raw)
    n += 1
sigf([sig[0], b64(b"Zz" + sg[2:]), sig[2], sig[3]])      # unknown algorithm
sigf([sig[0], b64(sg[:-1]), sig[2], sig[3]])             # short
sigf([sig[0], sig[1], sig[2]])                           # no global signature
sigf([sig[0], sig[1]])                                   # no trusted comment
sigf([sig[0], sig[1], "trusted comment: " + "x" * (10 << 20), sig[3]])  # 10 MB comment
sigf([sig[0], sig[1], sig[2], "!!!!"])                   # invalid base64 global sig
sigf([sig[0], sig[1], "untrusted comment: swapped", sig[3]])
sigf(raw=b"")
sigf(raw=os.urandom(200))
n = 0
def seck(lines=None, raw=None):
    global n
    w("sec-%02d" % n, lines, raw)
    n += 1
seck([sec[0], b64(sk[:2] + b"Xx" + sk[4:])])      # unknown KDF
seck([sec[0], b64(sk[:-1])])                      # short
seck([sec[0], b64(sk[:-32] + bytes([1] * 32))])   # checksum wrong
seck([sec[0], "A" * (10 << 20)])
seck(["-----BEGIN PRIVATE KEY-----", b64(os.urandom(48)), "-----END PRIVATE KEY-----"])
seck(["-----BEGIN ENCRYPTED PRIVATE KEY-----", b64(os.urandom(100)), "-----END ENCRYPTED PRIVATE KEY-----"])
seck(raw=os.urandom(1000))
EOF

one_line() { # ERRFILE: exactly one line, the reprove: error
	test_one_error_line "$1" && test "$(grep -c . "$1")" -eq 1
}

test_expect_success 'the genuine key and signature verify (baseline)' '
	reprove verify $ASSET -p $MS --sig $SIG >out && grep "^verified" out
'
test_expect_success 'garbage public keys: exit 3, one line naming the key, never verified' '
	for k in pub-*; do
		test_expect_code 3 timeout 60 reprove verify $ASSET -p $k --sig $SIG >out 2>err &&
		one_line err && grep -F "$k" err && ! grep "^verified" out ||
		{ echo "failed on $k" >&2; cat err >&2; return 1; }
	done
'
test_expect_success 'garbage signatures: exit 3 (malformed) or 1 (does not verify), one line' '
	for s in sig-*; do
		{ timeout 60 reprove verify $ASSET -p $MS --sig $s >out 2>err; code=$?; } &&
		case $code in 1|3) ;; *) echo "$s: exit $code" >&2; return 1 ;; esac &&
		one_line err && ! grep "^verified" out ||
		{ echo "failed on $s" >&2; cat err >&2; return 1; }
	done
'
test_expect_success 'garbage secret keys: sign exits 3, one line, no .minisig left' '
	cp $ASSET a.txt &&
	for k in sec-*; do
		{ timeout 60 reprove sign -k $k a.txt </dev/null >out 2>err; code=$?; } &&
		case $k:$code in *:3) one_line err ;; sec-05:2) test_one_error_line err ;; *) false ;; esac &&
		grep -F "$k" err && test ! -e a.txt.minisig &&
		test -z "$(ls -A | grep "a\\.txt\\..*")" ||
		{ echo "failed on $k" >&2; cat err >&2; return 1; }
	done
'
test_expect_success 'garbage secret keys: attest exits 3, no provenance left' '
	for k in sec-00 sec-04 sec-06; do
		test_expect_code 3 timeout 60 reprove attest -k $k --subject $ASSET -o p.intoto.jsonl \
			</dev/null >out 2>err &&
		one_line err && test ! -e p.intoto.jsonl || return 1
	done
'
test_expect_success 'an encrypted key with no passphrase source and no terminal: error, not a hang' '
	cp $ASSET b.txt &&
	{ timeout 30 reprove sign -k $K/minisign-enc.key b.txt </dev/null >out 2>err; code=$?; } &&
	test $code -ne 124 && test $code -ne 0 && test $code -lt 128 && test_one_error_line err &&
	grep "passphrase" err && test ! -e b.txt.minisig
'
test_expect_success 'a passphrase is never taken from argv (--passphrase X names a variable)' '
	test_expect_code 2 reprove keygen -o k --passphrase hunter2 2>err && test_one_error_line err &&
	grep "variable .hunter2. is not set" err &&
	test ! -e k.key && test ! -e k.pub
'
test_expect_success 'a wrong passphrase: exit 3 or 1, no signature, key named' '
	cp $ASSET c.txt &&
	{ WRONG=not-the-passphrase timeout 60 reprove sign -k $K/minisign-enc.key --passphrase-env WRONG c.txt \
		>out 2>err; code=$?; } &&
	case $code in 1|3) ;; *) false ;; esac && one_line err && test ! -e c.txt.minisig
'
if test_have minisign; then
	test_expect_success 'an unencrypted minisign -W key (all-zero checksum) signs, minisign verifies' '
		cp $ASSET d.txt &&
		reprove sign -k $K/minisign-plain.key d.txt </dev/null &&
		minisign -V -q -p $MS -m d.txt
	'
else
	test_skip 'minisign -W key interop' 'minisign missing'
fi

# A SHA256SUMS line of 10 MB, and one of 10 MB without a newline
test_expect_success 'SHA256SUMS with a 10 MB line: check and verify exit 3, one line' '
	python3 -c "
import sys
h = \"0\" * 64
open(\"SUMS1\", \"w\").write(h + \"  \" + \"n\" * (10 << 20) + \"\\n\")
open(\"SUMS2\", \"w\").write(\"x\" * (10 << 20))
open(\"SUMS3\", \"w\").write(h + \"  asset.txt\\n\" + \"\\\\\" + h + \"  \" + \"\\\\\\\\\" * (5 << 20) + \"\\n\")
" &&
	for s in SUMS1 SUMS2 SUMS3; do
		test_expect_code 3 timeout 60 reprove check $s >out 2>err &&
		one_line err && grep -F "$s" err &&
		test_expect_code 3 timeout 60 reprove verify $ASSET -p $MS --sums $s >out 2>err &&
		one_line err && ! grep "^verified" out || { echo "failed on $s" >&2; cat err >&2; return 1; }
	done
'

test_done
