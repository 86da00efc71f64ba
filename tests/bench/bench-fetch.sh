#!/bin/bash
# Benchmark: `reprove fetch --sha256` of a large asset over https from a local nginx (the
# download, SHA-256 while streaming, fsync and rename) versus `curl -o` followed by
# `sha256sum` (and `sync FILE`, the same durability), and versus `curl -o` alone. The asset (BENCH_FETCH_MB, default 256 MiB) is
# generated under tests/bench/corpus/ (git-ignored); nginx runs on a free loopback port
# with a throw-away CA and is stopped on exit.
set -eu
cd "$(dirname "$0")/../.."
: "${O:=build}"
R=$PWD/$O/reprove
MB=${BENCH_FETCH_MB:-256}
RUNS=${BENCH_RUNS:-3}
NGINX=${NGINX:-/usr/sbin/nginx}
C=$PWD/tests/bench/corpus/fetch
for t in "$NGINX" curl openssl sha256sum; do
	command -v "$t" >/dev/null || { echo "fetch: skipped ($t missing; make test-deps)"; exit 0; }
done
mkdir -p "$C/www" "$C/tmp"
if [ ! -f "$C/www/asset.bin" ] || [ "$(stat -c %s "$C/www/asset.bin")" != $((MB * 1048576)) ]; then
	head -c $((MB * 1048576)) /dev/urandom >"$C/asset.tmp" && mv "$C/asset.tmp" "$C/www/asset.bin"
fi
cd "$C"
if [ ! -f srv.pem ]; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
		-keyout srv.key -out srv.pem 2>/dev/null
fi
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >nginx.conf <<CONF
daemon off;
master_process off;
pid $C/nginx.pid;
error_log $C/error.log warn;
events { worker_connections 16; }
http {
	access_log off;
	client_body_temp_path $C/tmp;
	proxy_temp_path $C/tmp;
	fastcgi_temp_path $C/tmp;
	uwsgi_temp_path $C/tmp;
	scgi_temp_path $C/tmp;
	sendfile on;
	server {
		listen 127.0.0.1:$port ssl;
		ssl_certificate $C/srv.pem;
		ssl_certificate_key $C/srv.key;
		root $C/www;
	}
}
CONF
"$NGINX" -p "$C" -e "$C/error.log" -c "$C/nginx.conf" </dev/null >/dev/null 2>&1 &
ngx=$!
trap 'kill $ngx 2>/dev/null; wait $ngx 2>/dev/null; rm -f "$C/out.bin" "$C/out.bin.part"' EXIT
for _ in $(seq 50); do
	curl -s -o /dev/null --cacert srv.pem "https://127.0.0.1:$port/" 2>/dev/null && break
	sleep 0.1
done
url=https://127.0.0.1:$port/asset.bin
sum=$(sha256sum www/asset.bin | cut -c1-64)

warm() { cat www/asset.bin >/dev/null; rm -f out.bin out.bin.part; }
best() {
	local b=999999 s e
	for _ in $(seq "$RUNS"); do
		warm
		s=$(date +%s.%N)
		"$@" >/dev/null
		e=$(date +%s.%N)
		b=$(awk -v s="$s" -v e="$e" -v b="$b" 'BEGIN { t = e - s; print (t < b ? t : b) }')
	done
	echo "$b"
}
tr=$(best "$R" fetch "$url" --cacert srv.pem -o out.bin --sha256 "$sum" --no-progress)
tcs=$(best sh -c "curl -sS --cacert srv.pem -o out.bin '$url' && sha256sum out.bin")
tcf=$(best sh -c "curl -sS --cacert srv.pem -o out.bin '$url' && sha256sum out.bin && sync out.bin")
tc=$(best curl -sS --cacert srv.pem -o out.bin "$url")
printf 'fetch: %d MiB over https from nginx on loopback, best of %d warm runs\n' "$MB" "$RUNS"
printf '  curl -o                          %6.3f s\n' "$tc"
printf '  curl -o && sha256sum             %6.3f s\n' "$tcs"
printf '  curl -o && sha256sum && sync F   %6.3f s\n' "$tcf"
printf '  reprove fetch --sha256 (fsyncs)  %6.3f s  %.2fx curl+sha256sum+sync, %.2fx curl+sha256sum, %.2fx curl alone\n' \
	"$tr" "$(awk -v a="$tr" -v b="$tcf" 'BEGIN { print a / b }')" \
	"$(awk -v a="$tr" -v b="$tcs" 'BEGIN { print a / b }')" \
	"$(awk -v a="$tr" -v b="$tc" 'BEGIN { print a / b }')"
