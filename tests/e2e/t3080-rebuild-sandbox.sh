#!/bin/sh
# What the build sees: a scrubbed environment, HOME in the scratch directory, stdin at
# EOF, umask 022, its own host name, uid and pid namespace; and when namespaces are not
# available, the report says which and why, and the build still runs.
. "$(dirname "$0")/lib.sh"

mkdir p && (cd p && git init -q && git config user.email t@example.com && git config user.name t)
cat >p/reprove.json <<'J'
{"build": ["sh", "-c", "mkdir -p dist && env | cut -d= -f1 | sort > dist/env.txt && echo \"$HOME\" > dist/home.txt && umask > dist/umask.txt && cat > dist/stdin.txt && hostname > dist/host.txt && id -u > dist/uid.txt && echo $$ > dist/pid.txt && echo \"$FOO $SOURCE_DATE_EPOCH $TZ $LC_ALL\" > dist/vars.txt"],
 "artifacts": ["dist"], "env": {"FOO": "bar"}, "source_date_epoch": 1234567890, "timeout": 30}
J
echo x >p/file && (cd p && git add -A && git -c commit.gpgsign=false commit -qm c)

test_expect_success 'the build sees only the clean environment' '
	echo "should not be read" >input &&
	(cd p && SECRET_TOKEN=leak reprove rebuild --vary none --keep ../k --json ../r.json <../input >../out 2>../err) &&
	d=k/run-1/dist &&
	! grep SECRET_TOKEN $d/env.txt &&
	test -z "$(grep -v -x -e HOME -e LANG -e LC_ALL -e PATH -e SOURCE_DATE_EPOCH -e TZ -e FOO -e PWD -e OLDPWD -e SHLVL -e _ $d/env.txt)" &&
	test "$(cat $d/home.txt)" = "$TEST_DIR/k/home" &&
	test "$(cat $d/vars.txt)" = "bar 1234567890 UTC C.UTF-8" &&
	test "$(cat $d/umask.txt)" = 0022 &&
	! test -s $d/stdin.txt
'

test_expect_success 'in new user, uts and pid namespaces: root, host "reprove", pid 2' '
	d=k/run-1/dist &&
	python3 - r.json <<-PY &&
	import json, sys
	r = json.load(open(sys.argv[1]))
	assert all(r["sandbox"]["namespaces"].values()), r["sandbox"]
	assert r["sandbox"]["note"] is None
	PY
	test "$(cat $d/host.txt)" = reprove && test "$(cat $d/uid.txt)" = 0 &&
	test "$(cat $d/pid.txt)" = 2 &&
	test "$(cat k/run-1/dist/uid.txt)" = 0 &&
	! grep "warning" err
'

test_expect_success 'the artifacts of a directory pattern are its files' '
	python3 - r.json <<-PY
	import json, sys
	r = json.load(open(sys.argv[1]))
	n = [a["name"] for a in r["artifacts"]]
	assert "dist/env.txt" in n and "dist/umask.txt" in n and len(n) == 8, n
	PY
'

userns_off() { # run CMD... where new user namespaces are refused (ENOSPC)
	unshare --user --map-root-user sh -c 'echo 0 >/proc/sys/user/max_user_namespaces && exec "$@"' \
		sh "$@"
}

if unshare --user --map-root-user true 2>/dev/null && test_have setpriv; then
	test_expect_success 'no user namespace: reported, user_group skipped, still built' '
		(cd p && userns_off "$RP_BIN" rebuild --vary user_group,num_cpus --keep ../k2 --json ../r2.json >../out2 2>../err2) &&
		grep "warning: sandbox: user namespace unavailable" err2 &&
		python3 - r2.json <<-PY
		import json, sys
		r = json.load(open(sys.argv[1]))
		ns = r["sandbox"]["namespaces"]
		assert ns["user"] is False and ns["pid"] and ns["net"], ns
		assert "user namespace unavailable" in r["sandbox"]["note"]
		v = {x["name"]: x for x in r["variations"]}
		assert v["user_group"]["status"] == "skipped", v["user_group"]
		assert "no user namespace" in v["user_group"]["reason"]
		assert v["num_cpus"]["status"] == "applied"
		assert r["verdict"] == "reproducible"
		PY
	'

	test_expect_success 'no namespace at all (no capabilities): every one reported' '
		(cd p && test_expect_code 1 userns_off setpriv --bounding-set=-all --inh-caps=-all \
			"$RP_BIN" rebuild --vary none --keep ../k3 --json ../r3.json >../out3 2>../err3) &&
		grep "warning: no network namespace" err3 &&
		grep "mount namespace unavailable" err3 &&
		grep "net namespace unavailable (Operation not permitted)" err3 &&
		tail -n 1 out3 | grep "^nondeterministic without variation: dist/pid.txt differs" &&
		python3 - r3.json <<-PY
		import json, sys
		r = json.load(open(sys.argv[1]))
		assert not any(r["sandbox"]["namespaces"].values()), r["sandbox"]
		# Without a pid namespace the build sees real pids: that is noise, caught as such.
		assert r["verdict"] == "nondeterministic without variation"
		PY
	'
else
	test_skip 'no user namespace: reported' 'cannot nest user namespaces here'
	test_skip 'no namespace at all: reported' 'cannot nest user namespaces here'
fi

if [ "$(id -u)" = 0 ] && test_have setpriv; then
	test_expect_success 'an unprivileged user gets the namespaces it may create, or is told' '
		chmod 755 "$TEST_DIR" && mkdir -p nobody && cp -r p nobody/p && chown -R 65534:65534 nobody &&
		(cd nobody/p && setpriv --reuid=65534 --regid=65534 --clear-groups \
			env HOME="$TEST_DIR/nobody" TMPDIR="$TEST_DIR/nobody" "$RP_BIN" rebuild \
			--vary none --json ../r4.json >../out4 2>../err4) &&
		python3 - nobody/r4.json <<-PY
		import json, sys
		r = json.load(open(sys.argv[1]))
		ns = r["sandbox"]["namespaces"]
		# Either every namespace was created (unprivileged user namespaces are allowed),
		# or the report says why not.
		assert all(ns.values()) or r["sandbox"]["note"], r["sandbox"]
		assert r["verdict"] in ("reproducible", "nondeterministic without variation")
		PY
	'
else
	test_skip 'an unprivileged user: namespaces or a report' 'needs root to switch users'
fi

test_done
