/*
 * Sigstore bundles (protobuf-specs Bundle, JSON form): writing a v0.3 bundle around a DSSE
 * envelope with a public-key hint, and reading v0.1-v0.3 bundles for their envelope.
 */
#ifndef RP_BUNDLE_H
#define RP_BUNDLE_H

#include <jansson.h>

#include "err.h"
#include "keys.h"

#define RP_BUNDLE_V03 "application/vnd.dev.sigstore.bundle.v0.3+json"

/*
 * A new v0.3 bundle object (caller json_decref()s) holding env (borrowed; copied) and
 * verificationMaterial.publicKey.hint = base64(SHA-256(SPKI DER of pub)), no tlog entries.
 */
json_t *rp_bundle_build(json_t *env, const struct rp_pubkey *pub);

/* Is root a Sigstore bundle (mediaType of v0.1, v0.2 or v0.3)? */
int rp_bundle_is(json_t *root);

/*
 * The DSSE envelope object inside a bundle (borrowed from root). RP_EINPUT naming name when
 * the bundle carries a message signature (alone, or beside an envelope: the content is a
 * oneof in the bundle schema) or nothing that can be verified as provenance.
 */
enum rp_status rp_bundle_envelope(json_t *root, json_t **env, const char *name, struct rp_err *e);

#endif
