/*
 * DSSE (Dead Simple Signing Envelope, secure-systems-lab/dsse v1.0): the pre-authentication
 * encoding, envelope JSON parse/emit, signing and verification against trusted keys.
 */
#ifndef RP_DSSE_H
#define RP_DSSE_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"
#include "err.h"
#include "keys.h"

#define RP_DSSE_INTOTO "application/vnd.in-toto+json"
/* Largest payload we decode (a provenance statement is kilobytes). */
#define RP_DSSE_PAYLOAD_MAX (16u << 20)
#define RP_DSSE_MAX_SIGS 64

struct rp_dsse_sig {
	char *keyid;           /* may be NULL (owned) */
	unsigned char *sig;    /* decoded signature (owned) */
	size_t len;
};

struct rp_dsse_env {
	char *payload_type;    /* owned */
	unsigned char *payload; /* decoded payload, NUL-terminated for convenience (owned) */
	size_t payload_len;
	struct rp_dsse_sig *sigs;
	size_t nsigs;
};

/* PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, appended to out. */
enum rp_status rp_dsse_pae(const char *type, const void *payload, size_t len, struct rp_buf *out,
			   struct rp_err *e);

/*
 * Decode base64 as DSSE allows (standard or URL-safe alphabet, padded or not) into a
 * malloc'd buffer (NUL-terminated, *n without the NUL); at most max bytes. -1 on bad input.
 */
int rp_b64_decode(const char *s, size_t len, size_t max, unsigned char **out, size_t *n);
/* Standard padded base64 of p, malloc'd. */
char *rp_b64_encode(const void *p, size_t n);

/*
 * Fill env from a parsed envelope object (payload, payloadType, signatures[].sig/keyid).
 * Borrowed obj. RP_EINPUT naming name when a field is missing or not valid base64.
 */
enum rp_status rp_dsse_from_json(struct rp_dsse_env *env, json_t *obj, const char *name,
				 struct rp_err *e);
/* Parse envelope JSON text. */
enum rp_status rp_dsse_parse(struct rp_dsse_env *env, const char *text, size_t len,
			     const char *name, struct rp_err *e);
void rp_dsse_env_release(struct rp_dsse_env *env);

/*
 * Check env's signatures over PAE(payloadType, payload) against keys (nkeys). RP_OK when one
 * signature verifies with one key (*which = its index, when which is non-NULL); RP_FAIL
 * otherwise. The payload is not parsed.
 */
enum rp_status rp_dsse_verify(const struct rp_dsse_env *env, const struct rp_pubkey *keys,
			      size_t nkeys, size_t *which);

/*
 * Sign payload as an envelope with one signature by k (keyid: lower-case hex SHA-256 of the
 * SPKI DER). Returns a new JSON object (caller json_decref()s) in *out.
 */
enum rp_status rp_dsse_sign(const struct rp_seckey *k, const char *type, const void *payload,
			    size_t len, json_t **out, struct rp_err *e);

#endif
