/*
 * Sigstore bundle JSON: v0.3 writer for keyed DSSE provenance (no transparency log), and
 * the reader that finds the envelope in v0.1, v0.2 and v0.3 bundles.
 */
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "dsse.h"

json_t *rp_bundle_build(json_t *env, const struct rp_pubkey *pub)
{
	json_t *b = json_object(), *vm = json_object(), *pk = json_object();
	char *hint = rp_b64_encode(pub->hint, 32);

	if (!b || !vm || !pk)
		abort();
	json_object_set_new(pk, "hint", json_string(hint));
	free(hint);
	json_object_set_new(vm, "publicKey", pk);
	/* protobuf JSON omits empty repeated fields; verifiers accept both */
	json_object_set_new(vm, "tlogEntries", json_array());
	json_object_set_new(b, "mediaType", json_string(RP_BUNDLE_V03));
	json_object_set_new(b, "verificationMaterial", vm);
	json_object_set_new(b, "dsseEnvelope", json_deep_copy(env));
	return b;
}

int rp_bundle_is(json_t *root)
{
	const char *mt = json_string_value(json_object_get(root, "mediaType"));

	if (!mt)
		return 0;
	return strcmp(mt, "application/vnd.dev.sigstore.bundle+json;version=0.1") == 0 ||
	       strcmp(mt, "application/vnd.dev.sigstore.bundle+json;version=0.2") == 0 ||
	       strcmp(mt, "application/vnd.dev.sigstore.bundle+json;version=0.3") == 0 ||
	       strcmp(mt, "application/vnd.dev.sigstore.bundle.v0.3+json") == 0;
}

enum rp_status rp_bundle_envelope(json_t *root, json_t **env, const char *name, struct rp_err *e)
{
	json_t *d = json_object_get(root, "dsseEnvelope");

	/*
	 * The bundle's content is a oneof: a bundle with both cannot say which of the two it
	 * vouches for, and another verifier may check the other one. Refuse it.
	 */
	if (d && json_object_get(root, "messageSignature"))
		return rp_errf(e, RP_EINPUT,
			       "'%s': bundle holds both a DSSE envelope and a message signature", name);
	if (json_is_object(d)) {
		*env = d;
		return RP_OK;
	}
	if (json_object_get(root, "messageSignature"))
		return rp_errf(e, RP_EINPUT,
			       "'%s': bundle holds a message signature, not a DSSE attestation", name);
	return rp_errf(e, RP_EINPUT, "'%s': bundle has no dsseEnvelope", name);
}
