#!/bin/sh
# verify --source-uri and a policy's source_uri: the scheme is read only at the start of a
# URI and the normalized URIs are compared exactly, so a repository whose query or path
# merely contains the expected URI after a "://" does not match (review finding 10).
. "$(dirname "$0")/lib.sh"

K=$TESTDATA/keys
ED=$K/ed25519.pub.pem
printf 'hello\n' >hello

attest() { # OUT SOURCE-URI
	reprove attest -k $K/ed25519.key.pem --subject hello --source-uri "$2" \
		--source-ref refs/tags/v1.0 --source-commit 1111111111111111111111111111111111111111 \
		-o "$1" 2>/dev/null
}
# rejected PROV EXPECTED [more verify args]: exit 1 on the source-uri check, nothing verified
rejected() {
	prov=$1 want=$2
	shift 2
	test_expect_code 1 reprove verify hello -p $ED --provenance "$prov" --source-uri "$want" \
		"$@" >out 2>err &&
	test_one_error_line err && grep "^reprove: verify: source-uri: " err &&
	grep "^FAIL  source-uri " out && ! grep "^verified" out
}

test_expect_success 'setup: provenance naming look-alike repositories' '
	attest query.jsonl "evil.example/r?to=https://example.org/hello" &&
	attest query-scheme.jsonl "https://evil.example/r?to=https://example.org/hello" &&
	attest path.jsonl "https://evil.example/https://example.org/hello" &&
	attest good.jsonl "git+https://Example.org/hello.git" &&
	attest ssh.jsonl "ssh://example.org/hello" &&
	attest userinfo.jsonl "https://git@cafe"
'
test_expect_success 'a "://" in the query of a scheme-less URI is not a scheme' '
	rejected query.jsonl https://example.org/hello
'
test_expect_success 'guard: look-alikes the old matcher already refused stay refused' '
	rejected query-scheme.jsonl https://example.org/hello &&
	rejected query-scheme.jsonl example.org/hello &&
	rejected path.jsonl https://example.org/hello
'
test_expect_success 'the policy file uses the same rule' '
	printf "{\"source_uri\": \"https://example.org/hello\"}\n" >pol.json &&
	test_expect_code 1 reprove verify hello -p $ED --provenance query.jsonl --policy pol.json \
		>out 2>err &&
	grep "^reprove: verify: source-uri: " err && ! grep "^verified" out
'
test_expect_success 'guard: normalization kept: git+, case of scheme and host, .git, trailing /' '
	reprove verify hello -p $ED --provenance good.jsonl \
		--source-uri HTTPS://example.org/hello/ >out &&
	grep "^ok    source-uri" out &&
	reprove verify hello -p $ED --provenance good.jsonl --source-uri example.org/hello >out &&
	grep "^verified" out
'
test_expect_success 'a scheme given is compared; a scheme-less expectation accepts any' '
	rejected ssh.jsonl https://example.org/hello &&
	reprove verify hello -p $ED --provenance ssh.jsonl --source-uri example.org/hello >out &&
	grep "^verified" out
'
test_expect_success 'a user@host URI is not split into uri@commit' '
	test_expect_code 1 reprove verify hello -p $ED --provenance userinfo.jsonl \
		--source-commit cafe >out 2>err &&
	grep "^reprove: verify: source-commit: .*found .1111111111111111111111111111111111111111.$" err &&
	reprove verify hello -p $ED --provenance userinfo.jsonl --source-uri https://git@cafe \
		--source-commit 1111111111111111111111111111111111111111 >out &&
	grep "^verified" out
'
test_done
