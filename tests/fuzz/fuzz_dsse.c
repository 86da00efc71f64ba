/*
 * Fuzz target: DSSE envelopes, Sigstore bundles and in-toto statements: the envelope parser,
 * the bundle reader, the PAE, and the statement/predicate extraction run on the payload.
 */
#include <string.h>

#include "bundle.h"
#include "dsse.h"
#include "fuzz.h"
#include "statement.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_dsse_env env;
	struct rp_statement st;
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	json_t *obj = root;

	if (root && rp_bundle_is(root) && rp_bundle_envelope(root, &obj, "fuzz", NULL) != RP_OK)
		obj = NULL;
	if (obj && rp_dsse_from_json(&env, obj, "fuzz", NULL) == RP_OK) {
		struct rp_buf pae = RP_BUF_INIT(1u << 26);
		(void)rp_dsse_pae(env.payload_type, env.payload, env.payload_len, &pae, NULL);
		rp_buf_release(&pae);
		if (rp_statement_parse(&st, env.payload, env.payload_len, "fuzz", NULL) == RP_OK) {
			unsigned char d[32];
			memset(d, 0, sizeof(d));
			(void)rp_statement_find_subject(&st, d);
			rp_statement_release(&st);
		}
		rp_dsse_env_release(&env);
	}
	json_decref(root);
	/* the payload parser on raw input too */
	if (rp_statement_parse(&st, data, size, "fuzz", NULL) == RP_OK)
		rp_statement_release(&st);
	return 0;
}
