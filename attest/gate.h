/*
 * The release gate's publishing step (`reprove gate`): from a reproducible rebuild report,
 * stage the flat release (artifacts, SHA256SUMS, SHA256SUMS.minisig, provenance.intoto.jsonl
 * whose byproducts carry the reproducibility verdict) and rename it into place. Also the
 * JSON pieces of that provenance, shared with tests. docs/workflows.md.
 */
#ifndef RP_GATE_H
#define RP_GATE_H

#include <stddef.h>

#include "err.h"
#include "keys.h"
#include "rebuild.h"

/* The byproduct ResourceDescriptor's name (attest/provenance.c wraps the verdict object). */
#define RP_GATE_VERDICT_NAME "reprove-verdict.json"
/* The verifiedLevels entry an audit's VSA carries when the release was reproduced. */
#define RP_GATE_LEVEL_REPRODUCIBLE "REPROVE_REPRODUCIBLE"

/*
 * The verdict object recorded in runDetails.byproducts: schema "reprove-rebuild/1",
 * verdict, summary, source_date_epoch, source_dirty, runs (index, kind, variations, result), variations
 * (name, status applied/skipped/not selected, reason, matters), artifacts (name, sha256,
 * result), sandbox namespaces -- the report without local paths, logs and diffs.
 * Returns malloc'd JSON text the caller frees; aborts only on out-of-memory.
 */
char *rp_gate_verdict_json(const struct rp_rebuild_report *r);

/* internalParameters: the identical-builds environment, sandbox namespaces, version. */
char *rp_gate_internal_json(const struct rp_rebuild_report *r);

/* externalParameters.recipe: the recipe as built (no local path), malloc'd JSON text. */
char *rp_gate_recipe_json(const struct rp_rebuild_report *r);

struct rp_gate_params {
	const struct rp_seckey *key;  /* Ed25519: signs SHA256SUMS (minisign) and provenance */
	const struct rp_rebuild_report *report; /* made with keep_dir, so artifacts have paths */
	const char *out_dir;          /* the release directory (absent or empty) */
	const char *builder_id;       /* NULL: RP_DEFAULT_BUILDER */
	const char *source_uri;       /* NULL: the report's --git URL, if any */
	const char *source_ref;       /* full ref (refs/tags/v1), NULL: none recorded */
	const char *const *toolchain; /* extra tools recorded by digest (the build tool is
					 always recorded when found) */
	size_t ntoolchain;
};

/*
 * Publish: refuses a report whose verdict is neither reproducible nor equal after
 * normalization (RP_FAIL, nothing written). Otherwise stages every artifact under its base
 * name (two with one base name: RP_EINPUT), checking each copy against the report's
 * digest, writes SHA256SUMS (sorted, coreutils format), SHA256SUMS.minisig (prehashed, by
 * key) and provenance.intoto.jsonl (SLSA v1, one DSSE line), then renames the staging
 * directory onto out_dir. On any failure out_dir is untouched and the staging directory
 * removed. RP_EUSAGE when the key is not Ed25519 or an artifact has no kept path; RP_EIO
 * for file system errors.
 */
enum rp_status rp_gate_publish(const struct rp_gate_params *p, struct rp_err *e);

#endif
