#!/bin/sh
# Regenerates the forgery fixtures in this directory: one tampered input per check that
# `reprove verify` makes, signed (where a signature is needed) with the TEST ONLY keys in
# ../keys by peer tools (minisign, Debian's python3-cryptography via tests/e2e/dsse_py.py),
# never by reprove itself. tests/e2e/t61*-verify-forgeries.sh uses them.
#
# Trusted keys: ../keys/minisign-plain.pub (minisign signatures) and
# ../keys/ed25519.pub.pem (DSSE). The policy good.intoto.jsonl meets:
# builder https://reprove.dev/builders/test/v1, source git+https://example.org/reprove/sample,
# ref refs/tags/v1.0.0, commit 1111...1111.
set -eu
cd "$(dirname "$0")"
K=../keys
PY="/usr/bin/python3 ../../tests/e2e/dsse_py.py"
rm -f ./*.txt ./*.minisig ./*.jsonl ./*.json SHA256SUMS*

printf 'reprove forgery test asset\n' > asset.txt
printf 'reprove forgery test asset, tampered\n' > asset-tampered.txt
printf 'some other artifact\n' > other.txt
d=$(sha256sum asset.txt | cut -c1-64)
o=$(sha256sum other.txt | cut -c1-64)

# minisign signatures of the asset
minisign -S -W -s $K/minisign-plain.key -m asset.txt -x asset.txt.minisig >/dev/null
minisign -S -W -s $K/minisign-other.key -m asset.txt -x wrong-key.minisig >/dev/null
# a trusted comment edited after signing: the global signature no longer matches
sed '3s/^trusted comment: .*/trusted comment: timestamp:0\tfile:asset.txt\thashed/' \
	asset.txt.minisig > tampered-comment.minisig
# a genuine signature, of another file
minisign -S -W -s $K/minisign-plain.key -m other.txt -x other.txt.minisig >/dev/null

# SHA256SUMS signed with the trusted minisign key, and a copy edited after signing
sha256sum asset.txt other.txt > SHA256SUMS
minisign -S -W -s $K/minisign-plain.key -m SHA256SUMS -x SHA256SUMS.minisig >/dev/null
sed "s/^$d/$(printf '%064d' 0)/" SHA256SUMS > SHA256SUMS-tampered
cp SHA256SUMS.minisig SHA256SUMS-tampered.minisig
sha256sum other.txt > SHA256SUMS-unlisted
minisign -S -W -s $K/minisign-plain.key -m SHA256SUMS-unlisted -x SHA256SUMS-unlisted.minisig >/dev/null

# DSSE provenance
st() { $PY statement "$@"; }
sign() { $PY sign --key $K/ed25519.key.pem --payload "$@"; }
st --subject asset.txt=$d > good.statement.json
sign good.statement.json > good.intoto.jsonl
$PY sign --key $K/p256.key.pem --payload good.statement.json > wrong-key.intoto.jsonl
# payload edited after signing (builder id swapped inside the signed bytes)
/usr/bin/python3 - <<'PYEOF'
import base64, json
env = json.loads(open("good.intoto.jsonl").read())
body = base64.b64decode(env["payload"]).replace(b"builders/test/v1", b"builders/evil/v1")
env["payload"] = base64.b64encode(body).decode()
open("tampered-payload.intoto.jsonl", "w").write(json.dumps(env, separators=(",", ":")) + "\n")
PYEOF
st --subject other.txt=$o > swapped.statement.json
sign swapped.statement.json > swapped-subject.intoto.jsonl
sign good.statement.json --payload-type application/json > wrong-payloadtype.intoto.jsonl
st --subject asset.txt=$d --type https://in-toto.io/Statement/v9 > t.json
sign t.json > wrong-statement-type.intoto.jsonl
st --subject asset.txt=$d --predicate-type https://example.org/not-provenance/v1 > t.json
sign t.json > wrong-predicate.intoto.jsonl
st --subject asset.txt=$d --builder https://evil.example/builder > t.json
sign t.json > wrong-builder.intoto.jsonl
st --subject asset.txt=$d --ref refs/tags/v0.9.9 > t.json
sign t.json > wrong-tag.intoto.jsonl
st --subject asset.txt=$d --uri git+https://evil.example/fork > t.json
sign t.json > wrong-source.intoto.jsonl
st --subject asset.txt=$d --commit 2222222222222222222222222222222222222222 > t.json
sign t.json > wrong-commit.intoto.jsonl
rm -f t.json
# malformed inputs (exit 3, not a verdict)
printf '{"payload":"@@not base64@@","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"AA=="}]}\n' > garbled-base64.intoto.jsonl
printf 'this is not json\n{"also": "not an envelope"}\n' > garbled.intoto.jsonl
head -c 40 good.intoto.jsonl > truncated.intoto.jsonl
head -n 2 asset.txt.minisig > truncated.minisig
echo "TEST ONLY forgeries regenerated in $(pwd)"
