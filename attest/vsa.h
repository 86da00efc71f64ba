/*
 * SLSA Verification Summary Attestations (https://slsa.dev/verification_summary/v1): the
 * statement an auditor signs after rebuilding a release (`reprove audit`), signed and
 * written like provenance by rp_attest_sign_statement.
 */
#ifndef RP_VSA_H
#define RP_VSA_H

#include <stddef.h>

#include "err.h"
#include "provenance.h"

struct rp_vsa_input {
	const char *uri;            /* an attestation that was checked (e.g. the provenance URL) */
	unsigned char sha256[32];
};

struct rp_vsa_params {
	const struct rp_attest_subject *subjects; /* the artifacts the verdict is about */
	size_t nsubjects;
	const char *verifier_id;    /* NULL: RP_DEFAULT_VERIFIER */
	const char *resource_uri;   /* what was verified (release URL or git URL@ref); required */
	const char *policy_uri;     /* the policy applied (e.g. the recipe's URI), or NULL */
	const unsigned char *policy_sha256; /* its digest, or NULL */
	const struct rp_vsa_input *inputs; /* inputAttestations, may be empty */
	size_t ninputs;
	int passed;                 /* verificationResult PASSED / FAILED */
	const char *const *levels;  /* verifiedLevels, e.g. "SLSA_BUILD_LEVEL_1"; NULL/0: none */
	size_t nlevels;
	const char *dependency_levels_json; /* optional object {"SLSA_BUILD_LEVEL_3": 1, ...} */
	long long time_verified;    /* Unix time; 0 = now */
};

#define RP_DEFAULT_VERIFIER "https://reprove.dev/verifiers/audit/v1"

/*
 * Build the VSA statement as compact JSON (malloc'd, caller frees). RP_EUSAGE without
 * subjects or resource_uri; RP_EINPUT for a malformed dependency_levels_json.
 */
enum rp_status rp_vsa_build(const struct rp_vsa_params *p, char **json, size_t *len,
			    struct rp_err *e);

/* rp_vsa_build + rp_attest_sign_statement: what `audit` calls to sign its verdict. */
enum rp_status rp_vsa_write(const struct rp_seckey *k, const struct rp_vsa_params *p,
			    const char *out_path, const char *bundle_path, struct rp_err *e);

#endif
