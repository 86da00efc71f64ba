#!/bin/sh
# reprove fetch against a server that cuts responses short (a tiny python3 http.server that
# sends a Content-Length it does not honour): the truncation is a transient failure, the
# retry resumes with Range from what is on disk, and the result verifies.
. "$(dirname "$0")/lib.sh"

if ! test_have python3; then
	test_skip 'truncated responses' 'python3 missing'
	test_done
fi

head -c 800000 /dev/urandom >asset.bin
SUM=$(sha256sum asset.bin | cut -c1-64)
cat >server.py <<'PYEOF'
import http.server, os, re, sys, threading
data = open("asset.bin", "rb").read()
cut = int(sys.argv[1])          # the first `cut` full-body responses stop halfway
served = {"n": 0}
log = open("server.log", "a", buffering=1)
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_GET(self):
        rng = self.headers.get("Range")
        start = 0
        m = re.match(r"bytes=(\d+)-$", rng or "")
        if m:
            start = int(m.group(1))
        body = data[start:]
        log.write("GET %s range=%s\n" % (self.path, rng or "-"))
        self.send_response(206 if m else 200)
        if m:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if served["n"] < cut:
            served["n"] += 1
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        self.wfile.write(body)
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
open("port.tmp", "w").write(str(srv.server_address[1]))
os.rename("port.tmp", "port")
srv.serve_forever()
PYEOF

SRV_PID=
start_server() { # cuts
	rm -f port server.log
	python3 server.py "$1" </dev/null >/dev/null 2>&1 &
	SRV_PID=$!
	i=0
	while ! test -f port && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	URL=http://127.0.0.1:$(cat port)/asset.bin
}
stop_server() {
	[ -n "$SRV_PID" ] && kill $SRV_PID 2>/dev/null && wait $SRV_PID 2>/dev/null
	SRV_PID=
}
trap 'stop_server; rp_cleanup' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

start_server 1
test_expect_success 'a response cut short is retried, resumed with Range, and verifies' '
	reprove fetch "$URL" --allow-http -o a.bin --sha256 $SUM --retry 2 >out 2>err &&
	cmp asset.bin a.bin && ! test -e a.bin.part &&
	grep "retrying in" err && grep "range=bytes=400000-" server.log &&
	test "$(wc -l <server.log)" -eq 2
'
stop_server

start_server 5
test_expect_success 'when retries run out: exit 4, the part is kept for the next run' '
	test_expect_code 4 reprove fetch "$URL" --allow-http -o b.bin --sha256 $SUM --retry 1 >out 2>err &&
	test_one_error_line err && grep "bytes kept in .b.bin.part. to resume" err &&
	! test -e b.bin && test -s b.bin.part
'
stop_server

start_server 0
test_expect_success 'and the next run finishes it' '
	n=$(stat -c %s b.bin.part) &&
	reprove fetch "$URL" --allow-http -o b.bin --sha256 $SUM >out 2>err &&
	cmp asset.bin b.bin && grep "range=bytes=$n-" server.log
'
stop_server

test_done
