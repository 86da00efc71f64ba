/*
 * DSSE envelopes: PAE, base64 in the alphabets the spec allows, JSON parsing of envelopes
 * and signing/verifying the PAE with keys.c.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dsse.h"
#include "hash.h"
#include "mem.h"

enum rp_status rp_dsse_pae(const char *type, const void *payload, size_t len, struct rp_buf *out,
			   struct rp_err *e)
{
	enum rp_status rc;

	rc = rp_buf_addf(out, e, "DSSEv1 %zu %s %zu ", strlen(type), type, len);
	if (!rc)
		rc = rp_buf_add(out, payload, len, e);
	return rc;
}

int rp_b64_decode(const char *s, size_t len, size_t max, unsigned char **out, size_t *n)
{
	static const int variants[] = {
		sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
		sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING,
	};
	size_t cap = len / 4 * 3 + 3;
	unsigned char *buf;

	if (cap > max + 3)
		return -1;
	buf = rp_xmalloc(cap + 1);
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		const char *end = NULL;
		size_t got = 0;
		if (sodium_base642bin(buf, cap, s, len, NULL, &got, &end, variants[i]) == 0 &&
		    end == s + len && got <= max) {
			buf[got] = '\0';
			*out = buf;
			*n = got;
			return 0;
		}
	}
	free(buf);
	return -1;
}

char *rp_b64_encode(const void *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = rp_xmalloc(cap);

	sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
	return s;
}

void rp_dsse_env_release(struct rp_dsse_env *env)
{
	free(env->payload_type);
	free(env->payload);
	for (size_t i = 0; i < env->nsigs; i++) {
		free(env->sigs[i].keyid);
		free(env->sigs[i].sig);
	}
	free(env->sigs);
	memset(env, 0, sizeof(*env));
}

enum rp_status rp_dsse_from_json(struct rp_dsse_env *env, json_t *obj, const char *name,
				 struct rp_err *e)
{
	json_t *payload, *type, *sigs;
	size_t n;

	memset(env, 0, sizeof(*env));
	if (!json_is_object(obj))
		return rp_errf(e, RP_EINPUT, "'%s': envelope is not a JSON object", name);
	payload = json_object_get(obj, "payload");
	type = json_object_get(obj, "payloadType");
	sigs = json_object_get(obj, "signatures");
	if (!json_is_string(payload) || !json_is_string(type))
		return rp_errf(e, RP_EINPUT, "'%s': envelope lacks a payload or payloadType string",
			       name);
	if (!json_is_array(sigs) || json_array_size(sigs) == 0)
		return rp_errf(e, RP_EINPUT, "'%s': envelope has no signatures", name);
	n = json_array_size(sigs);
	if (n > RP_DSSE_MAX_SIGS)
		return rp_errf(e, RP_EINPUT, "'%s': envelope has more than %d signatures", name,
			       RP_DSSE_MAX_SIGS);
	if (rp_b64_decode(json_string_value(payload), json_string_length(payload),
			  RP_DSSE_PAYLOAD_MAX, &env->payload, &env->payload_len) != 0)
		return rp_errf(e, RP_EINPUT, "'%s': envelope payload is not valid base64", name);
	env->payload_type = rp_xstrndup(json_string_value(type), json_string_length(type));
	env->sigs = rp_xcalloc(n, sizeof(*env->sigs));
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(sigs, i), *sig, *kid;
		struct rp_dsse_sig *d = &env->sigs[env->nsigs];
		sig = json_object_get(s, "sig");
		kid = json_object_get(s, "keyid");
		if (!json_is_string(sig) ||
		    rp_b64_decode(json_string_value(sig), json_string_length(sig), RP_SIG_MAX,
				  &d->sig, &d->len) != 0) {
			rp_dsse_env_release(env);
			return rp_errf(e, RP_EINPUT, "'%s': signature %zu is not valid base64", name,
				       i + 1);
		}
		if (json_is_string(kid))
			d->keyid = rp_xstrndup(json_string_value(kid), json_string_length(kid));
		env->nsigs++;
	}
	return RP_OK;
}

enum rp_status rp_dsse_parse(struct rp_dsse_env *env, const char *text, size_t len,
			     const char *name, struct rp_err *e)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	enum rp_status rc;

	memset(env, 0, sizeof(*env));
	if (!root)
		return rp_errf(e, RP_EINPUT, "'%s' line %d: %s", name, je.line, je.text);
	rc = rp_dsse_from_json(env, root, name, e);
	json_decref(root);
	return rc;
}

enum rp_status rp_dsse_verify(const struct rp_dsse_env *env, const struct rp_pubkey *keys,
			      size_t nkeys, size_t *which)
{
	struct rp_buf pae = RP_BUF_INIT(RP_DSSE_PAYLOAD_MAX + 4096);
	enum rp_status rc = RP_FAIL;

	if (rp_dsse_pae(env->payload_type, env->payload, env->payload_len, &pae, NULL))
		return RP_FAIL;
	/* keyid is a hint only (DSSE): every signature is tried against every trusted key */
	for (size_t k = 0; k < nkeys && rc; k++) {
		for (size_t s = 0; s < env->nsigs; s++) {
			if (rp_pubkey_verify(&keys[k], pae.data, pae.len, env->sigs[s].sig,
					     env->sigs[s].len) == RP_OK) {
				if (which)
					*which = k;
				rc = RP_OK;
				break;
			}
		}
	}
	rp_buf_release(&pae);
	return rc;
}

enum rp_status rp_dsse_sign(const struct rp_seckey *k, const char *type, const void *payload,
			    size_t len, json_t **out, struct rp_err *e)
{
	struct rp_buf pae = RP_BUF_INIT(RP_DSSE_PAYLOAD_MAX + 4096);
	unsigned char sig[RP_SIG_MAX];
	char keyid[RP_SHA256_HEX], *b64p, *b64s;
	size_t siglen = 0;
	enum rp_status rc;
	json_t *env, *sigs, *s;

	rc = rp_dsse_pae(type, payload, len, &pae, e);
	if (!rc)
		rc = rp_seckey_sign(k, pae.data, pae.len, sig, &siglen, e);
	rp_buf_release(&pae);
	if (rc)
		return rc;
	rp_hex(k->pub.hint, 32, keyid);
	b64p = rp_b64_encode(payload, len);
	b64s = rp_b64_encode(sig, siglen);
	env = json_object();
	sigs = json_array();
	s = json_object();
	if (!env || !sigs || !s)
		abort();
	json_object_set_new(s, "keyid", json_string(keyid));
	json_object_set_new(s, "sig", json_string(b64s));
	json_array_append_new(sigs, s);
	json_object_set_new(env, "payload", json_string(b64p));
	json_object_set_new(env, "payloadType", json_string(type));
	json_object_set_new(env, "signatures", sigs);
	free(b64p);
	free(b64s);
	*out = env;
	return RP_OK;
}
