/*
 * in-toto Statements (v1, and the still common v0.1) and the predicate fields verification
 * checks: SLSA provenance v1 and v0.2 (builder, buildType, source, commit) and SLSA
 * Verification Summary v1 (verifier id, resource, result).
 */
#ifndef RP_STATEMENT_H
#define RP_STATEMENT_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

#define RP_STATEMENT_V1 "https://in-toto.io/Statement/v1"
#define RP_STATEMENT_V01 "https://in-toto.io/Statement/v0.1"
#define RP_SLSA_PROV_V1 "https://slsa.dev/provenance/v1"
#define RP_SLSA_PROV_V02 "https://slsa.dev/provenance/v0.2"
#define RP_SLSA_VSA_V1 "https://slsa.dev/verification_summary/v1"

enum rp_pred_kind {
	RP_PRED_OTHER = 0,
	RP_PRED_PROV_V1,
	RP_PRED_PROV_V02,
	RP_PRED_VSA_V1,
};

struct rp_statement {
	json_t *root;               /* owned */
	const char *type;           /* _type (borrowed from root; NULL if absent) */
	const char *predicate_type; /* borrowed; NULL if absent */
	enum rp_pred_kind kind;
	/* Extracted from the predicate (owned; NULL when the predicate does not say): */
	char *builder_id;           /* provenance builder.id, or VSA verifier.id */
	char *build_type;
	char *source_uri;           /* repository, without "@ref" */
	char *source_ref;           /* e.g. refs/tags/v1.2.3 */
	char *source_commit;        /* git commit hex */
};

/*
 * Parse the statement JSON (the verified payload, len bytes) and extract the fields above.
 * RP_EINPUT when it is not JSON, not an object, or subject is not an array of
 * {name, digest{}} objects. Unknown types are not errors here: the caller checks them.
 */
enum rp_status rp_statement_parse(struct rp_statement *st, const void *payload, size_t len,
				  const char *name, struct rp_err *e);
void rp_statement_release(struct rp_statement *st);

/*
 * Find the first subject whose digest.sha256 equals sha256 (32 bytes), whatever its name.
 * Returns its name (borrowed; "" when nameless) or NULL when none matches.
 */
const char *rp_statement_find_subject(const struct rp_statement *st,
				      const unsigned char sha256[32]);

/*
 * Find a subject whose digest.sha256 equals sha256 and whose name's base name (the text after
 * its last '/': subject "dist/app.tar.gz" is "app.tar.gz") equals base (borrowed; compared
 * exactly). Returns that subject's name (borrowed) or NULL. When none matches and other is
 * non-NULL, *other is set to the name ("" when nameless) of a subject that has the digest
 * under another name, or NULL if there is none.
 */
const char *rp_statement_match_subject(const struct rp_statement *st,
				       const unsigned char sha256[32], const char *base,
				       const char **other);

/*
 * Length of the "scheme://" that starts uri (RFC 3986 scheme: a letter, then letters, digits,
 * '+', '-', '.'), or 0 when uri does not start with one. Only the start counts: a "://"
 * later in a query ("evil.example/r?to=https://example.org/r") is not a scheme.
 */
size_t rp_uri_scheme_len(const char *uri);

/* Whether t is a statement type / predicate type verification accepts. */
int rp_statement_type_ok(const char *t);
enum rp_pred_kind rp_predicate_kind(const char *t);

#endif
