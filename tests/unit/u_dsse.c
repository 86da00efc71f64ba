/*
 * Unit tests for attest/dsse.c: PAE bytes, base64 alphabets, the published DSSE vector
 * (ECDSA P-256, raw r||s), sign/verify round trips and tampering.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsse.h"
#include "file.h"
#include "harness.h"
#include "keys.h"
#include "statement.h"
#include "verify.h"
#include "vsa.h"

static char *vec_path(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "testdata/vectors/%s", name);
	return buf;
}

TEST(pae_matches_spec)
{
	struct rp_buf b = RP_BUF_INIT(1024);
	const char want[] = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";

	CHECK_STATUS(rp_dsse_pae("http://example.com/HelloWorld", "hello world", 11, &b, NULL), RP_OK);
	CHECK_EQ_INT(b.len, strlen(want));
	CHECK_EQ_MEM(b.data, want, b.len);
	rp_buf_release(&b);
	CHECK_STATUS(rp_dsse_pae("", "", 0, &b, NULL), RP_OK);
	CHECK_EQ_STR(b.data, "DSSEv1 0  0 ");
	rp_buf_release(&b);
}

TEST(b64_accepts_std_and_url_alphabets)
{
	unsigned char *out = NULL;
	size_t n = 0;

	CHECK(rp_b64_decode("-_8=", 4, 100, &out, &n) == 0);
	CHECK_EQ_INT(n, 2);
	CHECK(out[0] == 0xfb && out[1] == 0xff);
	free(out);
	CHECK(rp_b64_decode("+/8", 3, 100, &out, &n) == 0);
	CHECK_EQ_INT(n, 2);
	free(out);
	CHECK(rp_b64_decode("a b=", 4, 100, &out, &n) != 0);
	CHECK(rp_b64_decode("AAAAAAAA", 8, 3, &out, &n) != 0); /* over the limit */
}

TEST(published_vector_verifies)
{
	struct rp_pubkey k;
	struct rp_dsse_env env;
	char *text = NULL;
	size_t len = 0, which = 99;

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	CHECK_STATUS(rp_pubkey_load(&k, vec_path("dsse-ecdsa-p256.pub.pem"), NULL), RP_OK);
	CHECK_EQ_INT(k.type, RP_KEY_ECDSA_P256);
	CHECK_STATUS(rp_read_file(vec_path("dsse-ecdsa-p256.json"), 0, 1 << 20, &text, &len, NULL),
		     RP_OK);
	CHECK_STATUS(rp_dsse_parse(&env, text, len, "vector", NULL), RP_OK);
	CHECK_EQ_INT(env.nsigs, 1);
	CHECK_EQ_INT(env.sigs[0].len, 64); /* raw r||s, not DER */
	CHECK_EQ_STR((char *)env.payload, "hello world");
	CHECK_STATUS(rp_dsse_verify(&env, &k, 1, &which), RP_OK);
	CHECK_EQ_INT(which, 0);
	/* any change to type or payload breaks it */
	env.payload[0] = 'H';
	CHECK_STATUS(rp_dsse_verify(&env, &k, 1, NULL), RP_FAIL);
	env.payload[0] = 'h';
	env.payload_type[0] = 'H';
	CHECK_STATUS(rp_dsse_verify(&env, &k, 1, NULL), RP_FAIL);
	rp_dsse_env_release(&env);
	rp_pubkey_release(&k);
	free(text);
}

static void round_trip(enum rp_key_type t)
{
	struct rp_seckey sk, other;
	struct rp_dsse_env env;
	json_t *j = NULL;
	char *text;

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	CHECK_STATUS(rp_seckey_generate(&sk, t, NULL), RP_OK);
	CHECK_STATUS(rp_seckey_generate(&other, t, NULL), RP_OK);
	CHECK_STATUS(rp_dsse_sign(&sk, RP_DSSE_INTOTO, "{\"a\":1}", 7, &j, NULL), RP_OK);
	text = json_dumps(j, JSON_COMPACT);
	CHECK_STATUS(rp_dsse_parse(&env, text, strlen(text), "rt", NULL), RP_OK);
	CHECK_STATUS(rp_dsse_verify(&env, &sk.pub, 1, NULL), RP_OK);
	CHECK_STATUS(rp_dsse_verify(&env, &other.pub, 1, NULL), RP_FAIL);
	env.payload[5] = '2';
	CHECK_STATUS(rp_dsse_verify(&env, &sk.pub, 1, NULL), RP_FAIL);
	rp_dsse_env_release(&env);
	free(text);
	json_decref(j);
	rp_seckey_release(&sk);
	rp_seckey_release(&other);
}

TEST(sign_verify_ed25519)
{
	round_trip(RP_KEY_ED25519);
}

TEST(sign_verify_ecdsa_p256)
{
	round_trip(RP_KEY_ECDSA_P256);
}

TEST(malformed_envelopes_are_einput)
{
	struct rp_dsse_env env;
	static const char *const bad[] = {
		"[]",
		"{\"payload\":\"aGk=\",\"payloadType\":\"x\"}",
		"{\"payload\":\"aGk=\",\"payloadType\":\"x\",\"signatures\":[]}",
		"{\"payload\":\"!!\",\"payloadType\":\"x\",\"signatures\":[{\"sig\":\"AA==\"}]}",
		"{\"payload\":\"aGk=\",\"payloadType\":1,\"signatures\":[{\"sig\":\"AA==\"}]}",
		"{\"payload\":\"aGk=\",\"payloadType\":\"x\",\"signatures\":[{\"sig\":5}]}",
		"{\"payload\":\"aGk=\",\"payload\":\"aGk=\",\"payloadType\":\"x\",\"signatures\":[{\"sig\":\"AA==\"}]}",
		"{",
	};
	struct rp_err e = RP_ERR_INIT;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_STATUS(rp_dsse_parse(&env, bad[i], strlen(bad[i]), "bad", &e), RP_EINPUT);
		CHECK(strstr(e.msg, "'bad'") != NULL);
	}
}

TEST(vsa_signed_and_verified)
{
	struct rp_attest_subject s = { "app.tar.gz", { 1, 2, 3 } };
	const char *levels[] = { "SLSA_BUILD_LEVEL_1" };
	struct rp_vsa_params p;
	struct rp_statement st;
	char *json = NULL;
	size_t len = 0;

	memset(&p, 0, sizeof(p));
	p.subjects = &s;
	p.nsubjects = 1;
	p.resource_uri = "git+https://example.org/app@refs/tags/v1";
	p.passed = 1;
	p.levels = levels;
	p.nlevels = 1;
	CHECK_STATUS(rp_vsa_build(&p, &json, &len, NULL), RP_OK);
	CHECK_STATUS(rp_statement_parse(&st, json, len, "vsa", NULL), RP_OK);
	CHECK_EQ_INT(st.kind, RP_PRED_VSA_V1);
	CHECK_EQ_STR(st.builder_id, RP_DEFAULT_VERIFIER);
	CHECK(rp_statement_find_subject(&st, s.sha256) != NULL);
	CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(st.root, "predicate"),
						       "verificationResult")), "PASSED");
	rp_statement_release(&st);
	free(json);
	{
		/* signed and written as an .intoto.jsonl line, verified by the verify pipeline */
		struct rp_seckey k;
		struct rp_verify_opts o;
		struct rp_verify_asset a;
		struct rp_verify_report *r = NULL;
		char out[4200], pub[4200];
		const char *keys[] = { pub };
		struct rp_buf pb = RP_BUF_INIT(1 << 16);
		FILE *fp;
		CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
		CHECK_STATUS(rp_seckey_generate(&k, RP_KEY_ECDSA_P256, NULL), RP_OK);
		snprintf(out, sizeof(out), "%s/vsa.intoto.jsonl", rp_test_dir());
		snprintf(pub, sizeof(pub), "%s/k.pub.pem", rp_test_dir());
		CHECK_STATUS(rp_pubkey_pem(&k.pub, &pb, NULL), RP_OK);
		fp = fopen(pub, "w");
		CHECK(fp && fwrite(pb.data, 1, pb.len, fp) == pb.len);
		if (fp)
			fclose(fp);
		CHECK_STATUS(rp_vsa_write(&k, &p, out, NULL, NULL), RP_OK);
		memset(&o, 0, sizeof(o));
		memset(&a, 0, sizeof(a));
		o.keys = keys;
		o.nkeys = 1;
		o.provenance = out;
		o.builder_id = RP_DEFAULT_VERIFIER;
		a.name = "app.tar.gz";
		memcpy(a.sha256, s.sha256, 32);
		CHECK_STATUS(rp_verify_run(&o, &a, 1, &r, NULL), RP_OK);
		rp_verify_report_free(r);
		rp_buf_release(&pb);
		rp_seckey_release(&k);
	}
	p.resource_uri = NULL;
	CHECK_STATUS(rp_vsa_build(&p, &json, &len, NULL), RP_EUSAGE);
}
