#!/bin/sh
# The build runs in its own network namespace: a server listening on 127.0.0.1 outside
# the sandbox cannot be reached from inside (and sees no connection), unless the recipe
# says "network": true.
. "$(dirname "$0")/lib.sh"

mkproj() {
	mkdir -p "$1" && (cd "$1" && git init -q && git config user.email t@example.com &&
		git config user.name t)
}

if ! test_have python3; then
	test_skip 'network isolation' 'python3 (for the test server) is missing'
	test_done
fi

# A TCP server on 127.0.0.1 that greets and logs every connection; it stops after 60 s idle.
python3 - "$TEST_DIR/port" "$TEST_DIR/hits" <<'PY' >/dev/null 2>&1 &
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.settimeout(60)
while True:
    try:
        c, _ = s.accept()
    except socket.timeout:
        break
    open(sys.argv[2], "a").write("hit\n")
    c.sendall(b"hello from outside\n")
    c.close()
PY
server=$!
i=0
while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat port)

mkproj net
cat >net/probe.c <<'C'
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	struct sockaddr_in a;
	char buf[64];
	ssize_t n;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)atoi(argc > 1 ? argv[1] : "0"));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		printf("connect failed: %s\n", strerror(errno));
		return 0;
	}
	n = read(s, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("connected: %s", buf);
	return 0;
}
C
printf 'all:\n\tmkdir -p dist\n\tgcc -o probe probe.c\n\t./probe $$PORT > dist/net.txt\n' >net/Makefile
(cd net && git add -A && git -c commit.gpgsign=false commit -qm c)
printf '{"build": ["make"], "artifacts": ["dist/net.txt"], "env": {"PORT": "%s"}, "timeout": 60}\n' "$port" >closed.json
printf '{"build": ["make"], "artifacts": ["dist/net.txt"], "env": {"PORT": "%s"}, "timeout": 60, "network": true}\n' "$port" >open.json

test_expect_success 'the test server is reachable from outside the sandbox' '
	test -n "$port" && gcc -o probe net/probe.c && ./probe "$port" | grep "^connected: hello from outside" &&
	test "$(wc -l <hits)" -eq 1
'

test_expect_success 'inside the sandbox the connection to 127.0.0.1 fails' '
	(cd net && reprove rebuild --recipe ../closed.json --vary none --keep ../k1 >../out 2>../err) &&
	cat k1/run-1/dist/net.txt &&
	grep "^connect failed: " k1/run-1/dist/net.txt &&
	test "$(wc -l <hits)" -eq 1 &&
	tail -n 1 out | grep "^reproducible"
'

test_expect_success 'with "network": true the build reaches the server' '
	(cd net && reprove rebuild --recipe ../open.json --vary none --keep ../k2 >../out2 2>../err2) &&
	grep "^connected: hello from outside" k2/run-1/dist/net.txt &&
	test "$(wc -l <hits)" -eq 3
'

kill $server 2>/dev/null
wait $server 2>/dev/null
test_done
