/*
 * Unit tests for attest/keys.c, policy.c and statement.c: PEM key types, ECDSA signatures
 * in DER and raw r||s, repository-URI matching, policy parsing, predicate field extraction.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "keys.h"
#include "policy.h"
#include "statement.h"

TEST(pem_key_types)
{
	static const struct { const char *file; enum rp_key_type t; } keys[] = {
		{ "testdata/keys/ed25519.pub.pem", RP_KEY_ED25519 },
		{ "testdata/keys/p256.pub.pem", RP_KEY_ECDSA_P256 },
		{ "testdata/keys/p384.pub.pem", RP_KEY_ECDSA_P384 },
		{ "testdata/keys/p521.pub.pem", RP_KEY_ECDSA_P521 },
		{ "testdata/keys/rsa.pub.pem", RP_KEY_RSA },
		{ "testdata/keys/minisign-plain.pub", RP_KEY_ED25519 },
	};
	struct rp_pubkey k;

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (rp_pubkey_load(&k, keys[i].file, NULL) != RP_OK) {
			rp_test_fail(__FILE__, __LINE__, "cannot load %s", keys[i].file);
			continue;
		}
		CHECK_EQ_INT(k.type, keys[i].t);
		rp_pubkey_release(&k);
	}
}

TEST(ecdsa_der_and_raw_signatures)
{
	struct rp_seckey k;
	unsigned char sig[RP_SIG_MAX], raw[64];
	size_t n = 0, rl, sl, off;

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	CHECK_STATUS(rp_seckey_generate(&k, RP_KEY_ECDSA_P256, NULL), RP_OK);
	CHECK_STATUS(rp_seckey_sign(&k, "msg", 3, sig, &n, NULL), RP_OK);
	CHECK(sig[0] == 0x30);
	CHECK_STATUS(rp_pubkey_verify(&k.pub, "msg", 3, sig, n), RP_OK);
	CHECK_STATUS(rp_pubkey_verify(&k.pub, "msG", 3, sig, n), RP_FAIL);
	/* DER -> raw r||s by hand: 30 L 02 rl r 02 sl s, integers left-padded to 32 bytes */
	memset(raw, 0, sizeof(raw));
	rl = sig[3];
	off = 4;
	memcpy(raw + 32 - (rl > 32 ? 32 : rl), sig + off + (rl > 32 ? rl - 32 : 0), rl > 32 ? 32 : rl);
	off += rl;
	sl = sig[off + 1];
	off += 2;
	memcpy(raw + 64 - (sl > 32 ? 32 : sl), sig + off + (sl > 32 ? sl - 32 : 0), sl > 32 ? 32 : sl);
	CHECK_STATUS(rp_pubkey_verify(&k.pub, "msg", 3, raw, 64), RP_OK);
	raw[63] ^= 1;
	CHECK_STATUS(rp_pubkey_verify(&k.pub, "msg", 3, raw, 64), RP_FAIL);
	CHECK_STATUS(rp_pubkey_verify(&k.pub, "msg", 3, raw, 63), RP_FAIL);
	rp_seckey_release(&k);
}

TEST(secret_key_given_as_public_is_refused)
{
	struct rp_pubkey k;
	struct rp_err e = RP_ERR_INIT;

	CHECK_STATUS(rp_pubkey_load(&k, "testdata/keys/p256.key.pem", &e), RP_EINPUT);
	CHECK(strstr(e.msg, "secret key") != NULL);
}

TEST(uri_match)
{
	CHECK(rp_policy_uri_match("github.com/o/r", "git+https://github.com/o/r"));
	CHECK(rp_policy_uri_match("https://GitHub.com/o/r.git", "git+https://github.com/o/r/"));
	CHECK(!rp_policy_uri_match("github.com/o/r", "git+https://github.com/o/R"));
	CHECK(!rp_policy_uri_match("github.com/o/r", "git+https://github.com/o/r2"));
	CHECK(!rp_policy_uri_match("github.com/o/r", "git+https://evil.com/github.com/o/r"));
}

TEST(policy_parse)
{
	struct rp_policy p;
	struct rp_err e = RP_ERR_INIT;
	const char *good = "{\"version\":1,\"keys\":[\"a.pub\",\"/abs.pub\"],\"builder_ids\":\"b\","
			   "\"source_uri\":\"github.com/o/r\",\"ref_pattern\":\"refs/tags/v*\"}";
	const char *typo = "{\"builder_id\":\"b\"}";

	CHECK_STATUS(rp_policy_parse(&p, good, strlen(good), "pol", "dir", &e), RP_OK);
	CHECK_EQ_INT(p.nkeys, 2);
	CHECK_EQ_STR(p.keys[0], "dir/a.pub");
	CHECK_EQ_STR(p.keys[1], "/abs.pub");
	CHECK_EQ_INT(p.nbuilder_ids, 1);
	rp_policy_release(&p);
	CHECK_STATUS(rp_policy_parse(&p, typo, strlen(typo), "pol", NULL, &e), RP_EINPUT);
	CHECK(strstr(e.msg, "builder_id") != NULL);
	CHECK_STATUS(rp_policy_parse(&p, "[]", 2, "pol", NULL, &e), RP_EINPUT);
	CHECK_STATUS(rp_policy_parse(&p, "{\"keys\":[]}", 11, "pol", NULL, &e), RP_EINPUT);
}

TEST(statement_v02_and_github_layouts)
{
	struct rp_statement st;
	const char *v02 = "{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"subject\":[],"
			  "\"predicateType\":\"https://slsa.dev/provenance/v0.2\",\"predicate\":{"
			  "\"builder\":{\"id\":\"B\"},\"buildType\":\"T\",\"invocation\":{\"configSource\":"
			  "{\"uri\":\"git+https://github.com/o/r@refs/tags/v1\",\"digest\":{\"sha1\":\"abc\"}}}}}";
	const char *gh = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"x\","
			 "\"digest\":{\"sha256\":\"00\"}}],\"predicateType\":\"https://slsa.dev/provenance/v1\","
			 "\"predicate\":{\"buildDefinition\":{\"buildType\":\"T\",\"externalParameters\":"
			 "{\"workflow\":{\"ref\":\"refs/heads/main\",\"repository\":\"https://github.com/o/r\"}},"
			 "\"resolvedDependencies\":[{\"uri\":\"git+https://github.com/o/r@refs/heads/main\","
			 "\"digest\":{\"gitCommit\":\"def\"}}]},\"runDetails\":{\"builder\":{\"id\":\"G\"}}}}";

	CHECK_STATUS(rp_statement_parse(&st, v02, strlen(v02), "v02", NULL), RP_OK);
	CHECK(rp_statement_type_ok(st.type));
	CHECK_EQ_INT(st.kind, RP_PRED_PROV_V02);
	CHECK_EQ_STR(st.builder_id, "B");
	CHECK_EQ_STR(st.source_uri, "git+https://github.com/o/r");
	CHECK_EQ_STR(st.source_ref, "refs/tags/v1");
	CHECK_EQ_STR(st.source_commit, "abc");
	rp_statement_release(&st);
	CHECK_STATUS(rp_statement_parse(&st, gh, strlen(gh), "gh", NULL), RP_OK);
	CHECK_EQ_INT(st.kind, RP_PRED_PROV_V1);
	CHECK_EQ_STR(st.builder_id, "G");
	CHECK_EQ_STR(st.source_uri, "https://github.com/o/r");
	CHECK_EQ_STR(st.source_ref, "refs/heads/main");
	CHECK_EQ_STR(st.source_commit, "def");
	rp_statement_release(&st);
	CHECK_STATUS(rp_statement_parse(&st, "{\"subject\":[1]}", 15, "bad", NULL), RP_EINPUT);
	CHECK_STATUS(rp_statement_parse(&st, "{}", 2, "bad", NULL), RP_EINPUT);
}
