# A private nginx for the fetch tests: sourced after lib.sh by tests/e2e/t65*-t69*.sh.
# It runs as one process (master_process off) on random free loopback ports, with its
# prefix, config, logs and a test CA + server certificates under $TEST_DIR/ng, and is
# stopped by the EXIT trap whatever happens to the test (failure, signal, timeout).
#
#   nginx_prereq                 true when nginx, openssl and python3 are present
#   nginx_start                  make certs, pick ports, start; sets HTTP_URL, HTTPS_URL,
#                                BADHOST_URL (cert for another name), CA (the test CA file),
#                                WWW (document root), ACCESS_LOG
#   nginx_stop                   stop it (idempotent; run by the EXIT trap)
#   nginx_log_has REGEX          the access log ("$status $request_uri range=$http_range")
#                                has a matching line
#
# Locations under both http and https: /  (WWW), /slow/ (100 KiB/s), /trickle/ (1000 B, then 200 B/s),
# /norange/ (ignores Range), /chunked/ (no Content-Length), /e503 /e429 /e404 /e403,
# /to-http/NAME (302 to plain http), /to-https/NAME (302 to https), /loop (endless 302s).

NGINX=${NGINX:-/usr/sbin/nginx}
NG=$TEST_DIR/ng
NGINX_PID=

nginx_prereq() {
	[ -x "$NGINX" ] && test_have openssl && test_have python3
}

nginx_stop() {
	[ -n "$NGINX_PID" ] || return 0
	kill "$NGINX_PID" 2>/dev/null
	i=0
	while kill -0 "$NGINX_PID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$NGINX_PID" 2>/dev/null
	wait "$NGINX_PID" 2>/dev/null
	NGINX_PID=
}

# lib.sh's EXIT trap removes the scratch dir; stop nginx first. A signal ends the script
# through exit, so the EXIT trap runs then too.
trap 'nginx_stop; rp_cleanup' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

nginx_certs() {
	mkdir -p "$NG/tls" &&
	(
		cd "$NG/tls" &&
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
			-subj "/CN=reprove test CA" -keyout ca.key -out ca.pem \
			-addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null &&
		for n in good:IP:127.0.0.1,DNS:localhost badhost:DNS:wrong.example; do
			name=${n%%:*} san=${n#*:}
			openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
				-subj "/CN=$name" -keyout "$name.key" -out "$name.csr" 2>/dev/null &&
			printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
				"$san" >"$name.ext" &&
			openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
				-days 2 -extfile "$name.ext" -out "$name.pem" 2>/dev/null || exit 1
		done
	)
}

nginx_locations() { # $1 = https port, $2 = http port
	cat <<EOF
		root $NG/www;
		location /slow/ { alias $NG/www/; limit_rate 100k; }
		location /trickle/ { alias $NG/www/; limit_rate_after 1000; limit_rate 200; }
		location /norange/ { alias $NG/www/; max_ranges 0; }
		location /chunked/ {
			alias $NG/www/;
			sub_filter 'no-such-string-in-any-test-file' 'x';
			sub_filter_once off;
			sub_filter_types *;
		}
		location = /e503 { return 503; }
		location = /e429 { add_header Retry-After 1 always; return 429; }
		location = /e404 { return 404; }
		location = /e403 { return 403; }
		location /to-http/ { rewrite ^/to-http/(.*)\$ http://127.0.0.1:$2/\$1 redirect; }
		location /to-https/ { rewrite ^/to-https/(.*)\$ https://127.0.0.1:$1/\$1 redirect; }
		location = /loop { return 302 /loop; }
EOF
}

nginx_conf() { # $1 http port, $2 https port, $3 bad-host https port
	cat <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections 64; }
http {
	log_format t '\$status \$request_uri range=\$http_range';
	access_log $NG/access.log t;
	client_body_temp_path $NG/tmp/body;
	proxy_temp_path $NG/tmp/proxy;
	fastcgi_temp_path $NG/tmp/fastcgi;
	uwsgi_temp_path $NG/tmp/uwsgi;
	scgi_temp_path $NG/tmp/scgi;
	types { application/octet-stream bin; text/plain txt; }
	default_type application/octet-stream;
	server {
		listen 127.0.0.1:$1;
$(nginx_locations "$2" "$1")
	}
	server {
		listen 127.0.0.1:$2 ssl;
		ssl_certificate $NG/tls/good.pem;
		ssl_certificate_key $NG/tls/good.key;
$(nginx_locations "$2" "$1")
	}
	server {
		listen 127.0.0.1:$3 ssl;
		ssl_certificate $NG/tls/badhost.pem;
		ssl_certificate_key $NG/tls/badhost.key;
		root $NG/www;
	}
}
EOF
}

nginx_start() {
	mkdir -p "$NG/www" "$NG/tmp" "$NG/logs" && nginx_certs || return 1
	tries=0
	while [ $tries -lt 5 ]; do
		tries=$((tries + 1))
		hp=$(free_port) sp=$(free_port) bp=$(free_port)
		[ "$hp" != "$sp" ] && [ "$sp" != "$bp" ] && [ "$hp" != "$bp" ] || continue
		nginx_conf "$hp" "$sp" "$bp" >"$NG/nginx.conf"
		: >"$NG/error.log"
		"$NGINX" -p "$NG" -e "$NG/error.log" -c "$NG/nginx.conf" </dev/null >>"$NG/error.log" 2>&1 &
		NGINX_PID=$!
		i=0
		while [ $i -lt 50 ]; do
			if ! kill -0 "$NGINX_PID" 2>/dev/null; then
				break
			fi
			if python3 -c 'import socket,sys; [socket.create_connection(("127.0.0.1", int(p)), 1).close() for p in sys.argv[1:]]' \
				"$hp" "$sp" "$bp" 2>/dev/null; then
				HTTP_URL=http://127.0.0.1:$hp
				HTTPS_URL=https://127.0.0.1:$sp
				BADHOST_URL=https://127.0.0.1:$bp
				CA=$NG/tls/ca.pem
				WWW=$NG/www
				ACCESS_LOG=$NG/access.log
				return 0
			fi
			sleep 0.1
			i=$((i + 1))
		done
		nginx_stop # a port was taken meanwhile (or nginx failed): try others
	done
	echo "nginx did not start:" >&2
	cat "$NG/error.log" >&2
	return 1
}

nginx_log_has() {
	grep -E "$1" "$ACCESS_LOG" >/dev/null
}

# True when exactly N access-log lines match PATTERN. nginx logs a request after sending
# the response, so the client can exit first: wait (up to 3 s) for N lines to appear, then
# a little longer for a line too many (an unwanted retry) before counting.
log_count_is() { # PATTERN N
	_i=0
	while [ "$(grep -c "$1" "$ACCESS_LOG")" -lt "$2" ] && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	sleep 0.2
	test "$(grep -c "$1" "$ACCESS_LOG")" -eq "$2"
}
