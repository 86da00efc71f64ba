/*
 * SLSA Verification Summary v1 statements for auditors' verdicts: subjects, verifier,
 * resource, policy, input attestations, result and levels.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "hash.h"
#include "statement.h"
#include "vsa.h"

static json_t *sha_obj(const unsigned char d[32])
{
	char hex[RP_SHA256_HEX];
	json_t *o = json_object();

	rp_hex(d, 32, hex);
	json_object_set_new(o, "sha256", json_string(hex));
	return o;
}

enum rp_status rp_vsa_build(const struct rp_vsa_params *p, char **json, size_t *len,
			    struct rp_err *e)
{
	json_t *st, *subj, *pred, *v, *arr;
	char when[32];

	if (!p->nsubjects || !p->resource_uri)
		return rp_errf(e, RP_EUSAGE, "a VSA needs subjects and a resource URI");
	st = json_object();
	subj = json_array();
	for (size_t i = 0; i < p->nsubjects; i++) {
		json_t *s = json_object(), *name = json_string(p->subjects[i].name);
		if (!name) {
			json_decref(s);
			json_decref(subj);
			json_decref(st);
			return rp_errf(e, RP_EINPUT, "subject name is not valid UTF-8");
		}
		json_object_set_new(s, "name", name);
		json_object_set_new(s, "digest", sha_obj(p->subjects[i].sha256));
		json_array_append_new(subj, s);
	}
	json_object_set_new(st, "_type", json_string(RP_STATEMENT_V1));
	json_object_set_new(st, "subject", subj);
	json_object_set_new(st, "predicateType", json_string(RP_SLSA_VSA_V1));
	pred = json_object();
	v = json_object();
	json_object_set_new(v, "id", json_string(p->verifier_id ? p->verifier_id : RP_DEFAULT_VERIFIER));
	json_object_set_new(pred, "verifier", v);
	rp_rfc3339(p->time_verified ? p->time_verified : (long long)time(NULL), when, sizeof(when));
	json_object_set_new(pred, "timeVerified", json_string(when));
	json_object_set_new(pred, "resourceUri", json_string(p->resource_uri));
	if (p->policy_uri) {
		json_t *pol = json_object();
		json_object_set_new(pol, "uri", json_string(p->policy_uri));
		if (p->policy_sha256)
			json_object_set_new(pol, "digest", sha_obj(p->policy_sha256));
		json_object_set_new(pred, "policy", pol);
	}
	if (p->ninputs) {
		arr = json_array();
		for (size_t i = 0; i < p->ninputs; i++) {
			json_t *in = json_object();
			json_object_set_new(in, "uri", json_string(p->inputs[i].uri));
			json_object_set_new(in, "digest", sha_obj(p->inputs[i].sha256));
			json_array_append_new(arr, in);
		}
		json_object_set_new(pred, "inputAttestations", arr);
	}
	json_object_set_new(pred, "verificationResult", json_string(p->passed ? "PASSED" : "FAILED"));
	arr = json_array();
	for (size_t i = 0; i < p->nlevels; i++)
		json_array_append_new(arr, json_string(p->levels[i]));
	json_object_set_new(pred, "verifiedLevels", arr);
	if (p->dependency_levels_json) {
		json_t *d = json_loads(p->dependency_levels_json, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(d)) {
			json_decref(d);
			json_decref(pred);
			json_decref(st);
			return rp_errf(e, RP_EINPUT, "dependency levels: not a JSON object");
		}
		json_object_set_new(pred, "dependencyLevels", d);
	}
	json_object_set_new(pred, "slsaVersion", json_string("1.0"));
	json_object_set_new(st, "predicate", pred);
	*json = json_dumps(st, JSON_COMPACT);
	json_decref(st);
	if (!*json)
		return rp_errf(e, RP_EINPUT, "VSA: a field is not valid UTF-8");
	*len = strlen(*json);
	return RP_OK;
}

enum rp_status rp_vsa_write(const struct rp_seckey *k, const struct rp_vsa_params *p,
			    const char *out_path, const char *bundle_path, struct rp_err *e)
{
	char *st = NULL;
	size_t len = 0;
	enum rp_status rc;

	rc = rp_vsa_build(p, &st, &len, e);
	if (rc)
		return rc;
	rc = rp_attest_sign_statement(k, st, len, out_path, bundle_path, e);
	free(st);
	return rc;
}
