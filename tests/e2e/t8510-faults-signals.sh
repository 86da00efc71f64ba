#!/bin/sh
# SIGINT/SIGTERM in the middle of hash -o, normalize -o, rebuild, gate and fetch: the process dies
# of the signal (exit 128+N), leaves no output or temporary file (fetch keeps only its
# resumable FILE.part, which is documented), no spool in TMPDIR, and no build process.
. "$(dirname "$0")/lib.sh"

mkdir -p tmp out
TMPDIR=$TEST_DIR/tmp
export TMPDIR

# interrupt SIG DELAY CMD...: run CMD in the background, send SIG after DELAY s, wait.
# Sets $code to the exit status.
interrupt() {
	sig=$1 delay=$2
	shift 2
	"$@" >cmd.out 2>cmd.err &
	pid=$!
	sleep "$delay"
	kill -"$sig" $pid 2>/dev/null
	wait $pid
	code=$?
}
clean() { # DIR...: empty
	for d in "$@"; do
		test -z "$(ls -A "$d")" || { echo "left in $d:" >&2; ls -la "$d" >&2; return 1; }
	done
}

# ~6 GiB of holes: hashing reads it for seconds
truncate -s 6G big1 && truncate -s 6G big2

for sig in INT TERM; do
	test_expect_success "hash -o interrupted by SIG$sig: dies of it, no SUMS, no temporary" "
		interrupt $sig 0.7 reprove hash -o out/SUMS big1 big2 &&
		case \$code in 130|143) ;; *) echo \"exit \$code\" >&2; false ;; esac &&
		clean out tmp
	"
done

# 1 GiB of zeros in 16 gzip members (ratio ~230:1, not a bomb): seconds to normalize
head -c 67108864 /dev/zero | gzip -1 -n >z64.gz
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do cat z64.gz; done >big.gz
test_expect_success 'normalize -o interrupted: no output, no temporary, no spool' '
	interrupt INT 1.5 reprove normalize -q --epoch 0 big.gz -o out/n.gz &&
	test $code -eq 130 && clean out tmp
'
test_expect_success 'diff --html interrupted: no report, no temporary' '
	# 3 GiB to decode on each side (~3 s on an idle 2-core machine): diff must still be
	# decoding when the signal comes; afterwards out/ is emptied for the next test
	cat big.gz big.gz big.gz >huge.gz && cp huge.gz huge2.gz && printf x >>huge2.gz &&
	interrupt TERM 0.8 reprove diff --html out/r.html huge.gz huge2.gz &&
	rm -f huge.gz huge2.gz && test $code -eq 143 && clean out tmp ||
	{ rm -f out/r.html; false; }
'

if test_have git; then
	mkdir rb && (
		cd rb && git init -q && printf 'sleep 323; echo x >a\n' >build.sh &&
		printf '{"build":["sh","build.sh"],"artifacts":["a"],"timeout":600}' >reprove.json &&
		git add . && git -c user.email=t@example.org -c user.name=t commit -q -m x
	)
	for sig in TERM INT; do
		test_expect_success "rebuild interrupted by SIG$sig: build killed, scratch tree removed" "
			(cd rb && interrupt $sig 2 reprove rebuild -q --runs 2 --vary none) &&
			sleep 0.5 && ! pgrep -f 'sleep 323' >/dev/null && clean tmp
		"
	done
	test_expect_success 'gate interrupted: build killed, scratch removed, nothing published' '
		cd rb && interrupt INT 2 reprove gate -q -k $TESTDATA/keys/minisign-plain.key \
			--out ../published && cd .. &&
		test $code -eq 130 && sleep 0.5 && ! pgrep -f "sleep 323" >/dev/null &&
		clean tmp && { test ! -e published || clean published; }
	'
else
	test_skip 'rebuild interrupted' 'git missing'
fi

# A server that trickles 10 MiB at ~200 KiB/s
cat >slow.py <<'EOF'
import http.server, socketserver, sys, time
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(10 << 20))
        self.end_headers()
        try:
            for _ in range(1024):
                self.wfile.write(b"\0" * 10240)
                self.wfile.flush()
                time.sleep(0.05)
        except Exception:
            pass
    def log_message(self, *a):
        pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
s = S(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_address[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
EOF
python3 slow.py port &
srv=$!
i=0
while [ ! -s port ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ -s port ]; then
	url=http://127.0.0.1:$(cat port)/asset
	test_expect_success 'fetch interrupted: no final file, only the resumable .part (a prefix)' '
		interrupt INT 1.5 reprove fetch --allow-http --sha256 $(printf "%064d" 0) "$url" -o out/f.bin &&
		test $code -eq 130 && test ! -e out/f.bin &&
		test -z "$(ls -A out | grep -v "^f\\.bin\\.part$")" &&
		{ test ! -e out/f.bin.part || ! tr -d "\\000" <out/f.bin.part | grep -q .; } &&
		clean tmp
	'
else
	test_skip 'fetch interrupted' 'the local HTTP server did not start'
fi
kill $srv 2>/dev/null
wait $srv 2>/dev/null

test_done
