#!/bin/sh
# Malformed recipes and hostile builds: a recipe that is not JSON, empty, huge, with NUL
# bytes or without its fields exits 3 naming the file; artifact patterns leaving the tree
# exit 3; a build that makes an artifact reachable only through a symlink to outside the
# tree (dist/d -> /etc, "dist/d/shadow") is refused (exit 4), never hashed or reported; a
# build that outlives its timeout is killed with its children, exit 4.
. "$(dirname "$0")/lib.sh"

test_have git || { test_skip 'hostile recipes' 'git missing'; test_done; }

mkrepo() { # DIR BUILDSCRIPT RECIPEJSON
	rm -rf "$1" && mkdir -p "$1" && (
		cd "$1" && git init -q && printf '%s\n' "$2" >build.sh &&
		printf '%s\n' "$3" >reprove.json && git add build.sh reprove.json &&
		git -c user.email=t@example.org -c user.name=t commit -q -m init
	)
}

one_line() {
	test_one_error_line "$1" && test "$(grep -c . "$1")" -eq 1
}

mkrepo r 'mkdir -p dist && echo hi >dist/a.tar.gz' \
	'{"build":["sh","build.sh"],"artifacts":["dist/*.tar.gz"]}'

test_expect_success 'baseline: the repository rebuilds reproducibly' '
	(cd r && timeout 120 reprove rebuild -q --runs 2 --vary none) >out 2>err &&
	grep "^reproducible" out
'

python3 - <<'EOF' || exit 1
bad = [b"", b"not json", b"{", b"{}", b'{"build":["make"]}', b'{"artifacts":["a"]}',
       b'{"build":["make"],"artifacts":["a"],"bogus":1}', b'{"build":["make"],"artifacts":["a"]}\0',
       b'{"build":["make"],"artifacts":["a"]} {"x":1}', b"\xef\xbb\xbf\xff\xfe",
       b'{"build":["make"],"artifacts":["a"],"env":{"":"x"}}',
       b'{"build":["make"],"artifacts":["a"],"env":{"K":"a\\u0000b"}}',
       b'{"build":["' + b"a" * (4 << 20) + b'"],"artifacts":["a"]}']
for i, b in enumerate(bad):
    open("bad-%02d.json" % i, "wb").write(b)
esc = ["../*", "/etc/*", "dist/../../x", "..", "/", "dist/*/../../../*"]
import json
for i, p in enumerate(esc):
    open("esc-%02d.json" % i, "w").write(json.dumps({"build": ["true"], "artifacts": [p]}))
EOF

test_expect_success 'malformed recipes: exit 3, one line naming the recipe, no build run' '
	for f in bad-*.json; do
		(cd r && test_expect_code 3 timeout 60 reprove rebuild -q --recipe ../$f) >out 2>err &&
		one_line err && grep -F "$f" err || { echo "failed on $f" >&2; cat err >&2; return 1; }
	done
'
test_expect_success 'artifact patterns leaving the tree: exit 3 naming the pattern' '
	for f in esc-*.json; do
		(cd r && test_expect_code 3 timeout 60 reprove rebuild -q --recipe ../$f) >out 2>err &&
		one_line err && grep -F "$f" err || { echo "failed on $f" >&2; cat err >&2; return 1; }
	done
'

mkrepo s 'mkdir -p dist && ln -sfn /etc dist/d && echo hi >dist/ok.tar.gz' \
	'{"build":["sh","build.sh"],"artifacts":["dist/ok.tar.gz","dist/d/passwd"]}'
test_expect_success 'an artifact reached through a symlinked directory is refused, not hashed' '
	(cd s && test_expect_code 4 timeout 120 reprove rebuild -q --runs 2 --vary none \
		--json ../s.json) >out 2>err &&
	test_one_error_line err && grep "outside the source tree" err &&
	! grep "$(sha256sum /etc/passwd | cut -c1-64)" out err &&
	! { test -e s.json && grep "$(sha256sum /etc/passwd | cut -c1-64)" s.json; }
'

mkrepo t 'mkdir -p dist && ln -sf /etc/passwd dist/leak.tar.gz && echo hi >dist/ok.tar.gz' \
	'{"build":["sh","build.sh"],"artifacts":["dist/*.tar.gz"]}'
test_expect_success 'a symlink artifact pointing outside is never hashed' '
	(cd t && timeout 120 reprove rebuild -q --runs 2 --vary none) >out 2>err;
	! grep "$(sha256sum /etc/passwd | cut -c1-64)" out err
'

mkrepo u 'sleep 317 & sleep 317; echo never >a' \
	'{"build":["sh","build.sh"],"artifacts":["a"],"timeout":2}'
test_expect_success 'a build past its timeout: exit 4 within bounds, its children killed' '
	start=$(date +%s) &&
	(cd u && test_expect_code 4 timeout 60 reprove rebuild -q --runs 2 --vary none) >out 2>err &&
	test $(( $(date +%s) - start )) -lt 40 && test_one_error_line err &&
	grep -i "time" err && sleep 1 &&
	! pgrep -f "sleep 317" >/dev/null
'

test_done
