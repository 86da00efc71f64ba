/*
 * Verification policy files (JSON, schema in docs/attest.md): trusted keys, accepted
 * builder ids, source repository, ref pattern, buildType, and the matching rules shared with
 * the command-line flags.
 */
#ifndef RP_POLICY_H
#define RP_POLICY_H

#include <stddef.h>

#include "err.h"

struct rp_policy {
	char **keys;          /* key file paths, resolved against the policy file's directory */
	size_t nkeys;
	char **builder_ids;   /* accepted builder ids (any of) */
	size_t nbuilder_ids;
	char *source_uri;     /* expected repository */
	char *ref_pattern;    /* fnmatch(3) pattern over the full ref, e.g. "refs/tags/v*" */
	char *build_type;     /* expected buildType */
	int require_reproducible; /* provenance must carry reprove's verdict "reproducible" or
				     "equal after normalization" (a VSA: PASSED with level
				     REPROVE_REPRODUCIBLE); docs/workflows.md */
};

/*
 * Parse policy text (len bytes) from name; relative key paths are resolved against dir
 * (NULL = as given). Unknown fields are errors, so a typo cannot silently weaken a policy.
 * RP_EINPUT naming name on any malformation. On failure *p is left empty.
 */
enum rp_status rp_policy_parse(struct rp_policy *p, const char *text, size_t len, const char *name,
			       const char *dir, struct rp_err *e);
/* Read (at most 1 MiB) and parse a policy file. */
enum rp_status rp_policy_load(struct rp_policy *p, const char *path, struct rp_err *e);
void rp_policy_release(struct rp_policy *p);

/*
 * Whether repository URI got (from the provenance) is want (from --source-uri or a policy).
 * Both are split into scheme, host and path: the scheme only when the URI starts with
 * "scheme://" (a "://" elsewhere is just text), lower-cased, "git+" dropped (git+https is
 * https); the host (everything up to the first '/') lower-cased; the path without trailing
 * slashes and one trailing ".git". Then host and path must be equal, and the schemes too,
 * except that a want without a scheme ("github.com/o/r") accepts any scheme. So
 * "github.com/o/r" and "https://GitHub.com/o/r" match "git+https://github.com/o/r.git/",
 * "https://github.com/o/r" does not match "ssh://github.com/o/r", and
 * "https://example.org/r" does not match "evil.example/x?to=https://example.org/r".
 */
int rp_policy_uri_match(const char *want, const char *got);

struct json_t;
/*
 * require_reproducible: whether the statement (a parsed in-toto Statement, borrowed) says its
 * subjects were rebuilt reproducibly: SLSA provenance whose runDetails.byproducts hold the
 * "reprove-verdict.json" descriptor (attest/gate.h) with annotations.verdict "reproducible"
 * or "equal after normalization", or a VSA with verificationResult PASSED and verifiedLevels
 * holding "REPROVE_REPRODUCIBLE". Returns 1 or 0; *found describes what the statement holds
 * (borrowed from st or static).
 */
int rp_policy_reproducible(struct json_t *st, const char **found);

#endif
