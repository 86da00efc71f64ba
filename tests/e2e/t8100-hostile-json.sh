#!/bin/sh
# Hostile JSON everywhere reprove reads it: 300,000 levels of brackets as an envelope, a
# Sigstore bundle, a signed statement, a policy and a recipe; values of the wrong type;
# invalid base64. Each gives exit 3 (malformed input) or, for a well-formed but wrong
# signature, 1; one 'reprove:' line; no crash, no hang, bounded memory; no output file.
. "$(dirname "$0")/lib.sh"

F=$TESTDATA/forgeries
K=$TESTDATA/keys
ED=$K/ed25519.pub.pem
ASSET=$F/asset.txt

# sign.py PAYLOADFILE OUT [PAYLOADTYPE]: a DSSE envelope over any bytes, by the test key
cat >sign.py <<'EOF'
import base64, json, sys
from cryptography.hazmat.primitives import serialization
payload = open(sys.argv[1], "rb").read()
ptype = sys.argv[3] if len(sys.argv) > 3 else "application/vnd.in-toto+json"
key = serialization.load_pem_private_key(open(sys.argv[4] if len(sys.argv) > 4 else
    "KEY", "rb").read(), None)
t = ptype.encode()
pae = b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)
env = {"payloadType": ptype, "payload": base64.b64encode(payload).decode(),
       "signatures": [{"keyid": "", "sig": base64.b64encode(key.sign(pae)).decode()}]}
open(sys.argv[2], "w").write(json.dumps(env) + "\n")
EOF
sed -i "s|\"KEY\"|\"$K/ed25519.key.pem\"|" sign.py

python3 - <<'EOF' || exit 1
n = 300000
open("deep-arr.json", "w").write("[" * n + "]" * n)
open("deep-obj.json", "w").write('{"a":' * n + "1" + "}" * n)
open("deep-env.json", "w").write('{"payloadType":"application/vnd.in-toto+json",'
    '"payload":"e30=","signatures":[{"keyid":"","sig":' + "[" * n + "]" * n + "}]}\n")
open("deep-bundle.json", "w").write('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",'
    '"verificationMaterial":' + "[" * n + "]" * n + ',"dsseEnvelope":{}}\n')
open("deep-payload.json", "w").write('{"_type":"https://in-toto.io/Statement/v1","subject":'
    + "[" * n + "]" * n + "}")
open("deep-recipe.json", "w").write('{"build":["true"],"artifacts":["a"],"env":'
    + '{"x":' * n + "1" + "}" * n + "}")
EOF

bounded() { # CMD...: exit status of CMD; 99 if it used more than 400 MiB or 60 s
	/usr/bin/time -o rss.txt -f %M timeout 60 "$@"
	code=$?
	[ "$code" -eq 124 ] && { echo "timed out: $*" >&2; return 99; }
	[ "$(tail -n 1 rss.txt)" -le 409600 ] || { echo "RSS over 400 MiB: $*" >&2; return 99; }
	return $code
}

one_line() { # ERRFILE: exactly one line, the reprove: error
	test_one_error_line "$1" && test "$(grep -c . "$1")" -eq 1
}

test_expect_success 'deep arrays as provenance: exit 3, one line' '
	test_expect_code 3 bounded reprove verify $ASSET -p $ED --provenance deep-arr.json >out 2>err &&
	one_line err && ! grep "^verified" out
'
test_expect_success 'deep envelope signature field: exit 3, one line' '
	test_expect_code 3 bounded reprove verify $ASSET -p $ED --provenance deep-env.json >out 2>err &&
	one_line err && ! grep "^verified" out
'
test_expect_success 'deep Sigstore bundle: exit 3, one line' '
	test_expect_code 3 bounded reprove verify $ASSET -p $ED --provenance deep-bundle.json >out 2>err &&
	one_line err && ! grep "^verified" out
'
test_expect_success 'deep statement inside a validly signed envelope: exit 3, one line' '
	python3 sign.py deep-payload.json deep-signed.intoto.jsonl &&
	test_expect_code 3 bounded reprove verify $ASSET -p $ED --provenance deep-signed.intoto.jsonl >out 2>err &&
	one_line err && grep -i "depth\|statement\|json" err && ! grep "^verified" out
'
test_expect_success 'deep policy files: exit 3, one line naming the file' '
	for f in deep-arr.json deep-obj.json; do
		test_expect_code 3 bounded reprove verify $ASSET -p $ED \
			--provenance $F/good.intoto.jsonl --policy $f >out 2>err &&
		one_line err && grep -F "$f" err || return 1
	done
'
test_expect_success 'deep recipe: rebuild and attest exit 3, one line, nothing written' '
	mkdir src && (cd src && git init -q && echo x >a && git add a &&
		git -c user.email=t@t -c user.name=t commit -q -m x) &&
	(cd src && test_expect_code 3 bounded reprove rebuild -q --recipe ../deep-recipe.json) >out 2>err &&
	one_line err &&
	test_expect_code 3 bounded reprove attest -k $K/ed25519.key.pem --subject $ASSET \
		--recipe deep-recipe.json -o prov.intoto.jsonl 2>err &&
	one_line err && test ! -e prov.intoto.jsonl &&
	test -z "$(ls -A | grep prov)"
'

# Wrong types: each envelope/bundle/policy/recipe field given a value of another type.
python3 - <<'EOF' || exit 1
import json
good = {"payloadType": "application/vnd.in-toto+json", "payload": "e30=",
        "signatures": [{"keyid": "", "sig": "AAAA"}]}
bad = []
for k, v in (("payloadType", 7), ("payloadType", None), ("payload", 12), ("payload", ["e30="]),
             ("payload", {"a": 1}), ("signatures", {"sig": "AAAA"}), ("signatures", "AAAA"),
             ("signatures", []), ("signatures", [7]), ("signatures", [{"sig": 5}]),
             ("signatures", [{"sig": None}]), ("signatures", [{"keyid": [], "sig": "AAAA"}])):
    e = dict(good)
    e[k] = v
    bad.append(e)
bad.append({"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json", "dsseEnvelope": 5})
bad.append({"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json", "dsseEnvelope": []})
bad.append({"mediaType": "application/vnd.dev.sigstore.bundle.v0.2+json",
            "verificationMaterial": "x", "dsseEnvelope": {"payload": 1}})
bad.append({"mediaType": 42, "dsseEnvelope": good})
for i, e in enumerate(bad):
    open("type-%02d.jsonl" % i, "w").write(json.dumps(e) + "\n")
pol = [{"builder_ids": ""}, {"builder_ids": [1, 2]}, {"keys": 5},
       {"source_uri": ["x"]}, {"version": "1"}, {"ref_pattern": 5}, [], "policy", 3, None]
for i, p in enumerate(pol):
    open("pol-%02d.json" % i, "w").write(json.dumps(p))
rec = [{"build": "make dist", "artifacts": ["a"]}, {"build": [], "artifacts": ["a"]},
       {"build": [1, 2], "artifacts": ["a"]}, {"build": ["make"], "artifacts": "a"},
       {"build": ["make"], "artifacts": []}, {"build": ["make"], "artifacts": ["/etc/passwd"]},
       {"build": ["make"], "artifacts": ["a"], "env": ["K=V"]},
       {"build": ["make"], "artifacts": ["a"], "env": {"K": 1}},
       {"build": ["make"], "artifacts": ["a"], "timeout": "600"},
       {"build": ["make"], "artifacts": ["a"], "timeout": -1},
       {"build": ["make"], "artifacts": ["a"], "timeout": 1e300},
       {"build": ["make"], "artifacts": ["a"], "network": "no"},
       {"build": ["make"], "artifacts": ["a"], "source_date_epoch": "yesterday"},
       {"build": ["make"], "artifacts": ["a"], "source_date_epoch": -5},
       {"build": ["ma\u0000ke"], "artifacts": ["a"]},
       {"build": ["make"], "artifacts": ["a"], "env": {"A=B": "c"}},
       [], "recipe", None]
for i, r in enumerate(rec):
    open("rec-%02d.json" % i, "w").write(json.dumps(r))
EOF

test_expect_success 'envelopes and bundles with wrongly typed fields: exit 3 (or 1), one line, never verified' '
	for f in type-*.jsonl; do
		{ bounded reprove verify $ASSET -p $ED --provenance $f >out 2>err; code=$?; } &&
		case $code in 1|3) ;; *) echo "$f: exit $code" >&2; return 1 ;; esac &&
		one_line err && ! grep "^verified" out || { echo "failed on $f" >&2; cat err >&2; return 1; }
	done
'
test_expect_success 'policies with wrongly typed fields: exit 3, one line naming the file' '
	for f in pol-*.json; do
		test_expect_code 3 bounded reprove verify $ASSET -p $ED \
			--provenance $F/good.intoto.jsonl --policy $f >out 2>err &&
		one_line err && grep -F "$f" err || { echo "failed on $f" >&2; cat err >&2; return 1; }
	done
'
test_expect_success 'recipes with wrongly typed fields: rebuild exits 3 before building, one line' '
	for f in rec-*.json; do
		(cd src && test_expect_code 3 bounded reprove rebuild -q --recipe ../$f) >out 2>err &&
		one_line err && grep -F "$f" err ||
		{ echo "failed on $f" >&2; cat err >&2; return 1; }
	done
'

# Invalid base64 in the payload and the signature
python3 - <<'EOF' || exit 1
import json
for i, (p, s) in enumerate((("!!!!", "AAAA"), ("e30", "AAAA"), ("e3 0=", "AAAA"),
                            ("e30=====", "AAAA"), ("e30=", "@@@@"), ("e30=", "A"),
                            ("e30=", "AAAA\n"), ("\u00e9\u00e9\u00e9\u00e9", "AAAA"),
                            ("e30=", ""), ("", ""))):
    open("b64-%02d.jsonl" % i, "w").write(json.dumps({"payloadType": "application/vnd.in-toto+json",
        "payload": p, "signatures": [{"keyid": "", "sig": s}]}) + "\n")
EOF
test_expect_success 'invalid base64 in payload or signature: exit 3 or 1, never verified' '
	for f in b64-*.jsonl; do
		{ bounded reprove verify $ASSET -p $ED --provenance $f >out 2>err; code=$?; } &&
		case $code in 1|3) ;; *) echo "$f: exit $code" >&2; return 1 ;; esac &&
		one_line err && ! grep "^verified" out || { echo "failed on $f" >&2; cat err >&2; return 1; }
	done
'
test_expect_success 'a valid signature over a payload with wrongly typed statement fields: never verified' '
	for st in "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":\"asset.txt\"}" \
		"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":1,\"digest\":{\"sha256\":2}}]}" \
		"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\",\"digest\":\"x\"}]}" \
		"{\"_type\":7,\"subject\":[],\"predicateType\":[],\"predicate\":\"p\"}" \
		"[1,2,3]" "\"just a string\"" "{\"_type\":\"https://in-toto.io/Statement/v1\"" ; do
		printf "%s" "$st" >payload && python3 sign.py payload signed.jsonl &&
		{ bounded reprove verify $ASSET -p $ED --provenance signed.jsonl >out 2>err; code=$?; } &&
		case $code in 1|3) ;; *) echo "exit $code for $st" >&2; return 1 ;; esac &&
		one_line err && ! grep "^verified" out || { echo "failed on $st" >&2; cat err >&2; return 1; }
	done
'

test_done
