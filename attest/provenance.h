/*
 * Building and signing provenance: an in-toto Statement v1 with a SLSA Provenance v1
 * predicate (buildType RP_BUILD_TYPE, documented in docs/attest.md), signed as a DSSE
 * envelope and written as .intoto.jsonl, optionally also as a Sigstore bundle v0.3.
 */
#ifndef RP_PROVENANCE_H
#define RP_PROVENANCE_H

#include <stddef.h>

#include "err.h"
#include "keys.h"

#define RP_BUILD_TYPE "https://reprove.dev/build-types/rebuild/v1"
#define RP_DEFAULT_BUILDER "https://reprove.dev/builders/local/v1"

struct rp_attest_subject {
	const char *name;          /* subject name (the artifact's base name, as in SHA256SUMS) */
	unsigned char sha256[32];
};

struct rp_attest_params {
	const struct rp_attest_subject *subjects;
	size_t nsubjects;
	const char *builder_id;    /* NULL: RP_DEFAULT_BUILDER */
	const char *build_type;    /* NULL: RP_BUILD_TYPE */
	const char *source_uri;    /* externalParameters.source.uri, or NULL */
	const char *source_ref;    /* externalParameters.source.ref (e.g. refs/tags/v1), or NULL */
	const char *source_commit; /* resolvedDependencies gitCommit (hex), or NULL */
	const char *recipe_path;   /* recipe file (JSON object) for externalParameters.recipe */
	const char *recipe_json;   /* or its text; recipe_path wins */
	const char *internal_json; /* internalParameters object text; NULL: the clean environment */
	const char *const *toolchain; /* binaries recorded by sha256 in resolvedDependencies */
	size_t ntoolchain;
	const char *byproducts_json; /* JSON text: an array of ResourceDescriptors, or an object
					 (e.g. the rebuild verdict) wrapped as one descriptor */
	const char *invocation_id; /* NULL: a random urn:uuid */
	long long started_on;      /* Unix times; 0 = now */
	long long finished_on;
};

/*
 * Build the statement as compact JSON (malloc'd, *len bytes, caller frees). RP_EINPUT for a
 * recipe/internal/byproducts text that is not the JSON kind expected, RP_EIO for unreadable
 * recipe or toolchain files, RP_EUSAGE for no subjects.
 */
enum rp_status rp_prov_build(const struct rp_attest_params *p, char **json, size_t *len,
			     struct rp_err *e);

/*
 * Sign statement (len bytes of JSON) with k as a DSSE envelope (payloadType in-toto) and
 * write it as one .intoto.jsonl line to out_path ("-" = stdout), and, when bundle_path is
 * non-NULL, as a Sigstore bundle v0.3 there. Both written atomically; on failure neither
 * is left behind.
 */
enum rp_status rp_attest_sign_statement(const struct rp_seckey *k, const char *statement,
					size_t len, const char *out_path, const char *bundle_path,
					struct rp_err *e);

/* rp_prov_build + rp_attest_sign_statement: what `attest` and `gate` call. */
enum rp_status rp_attest_write(const struct rp_seckey *k, const struct rp_attest_params *p,
			       const char *out_path, const char *bundle_path, struct rp_err *e);

/* RFC 3339 UTC time ("2026-11-22T00:50:00Z") of t into buf (at least 21 bytes). */
void rp_rfc3339(long long t, char *buf, size_t n);

#endif
