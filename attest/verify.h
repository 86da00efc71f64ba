/*
 * The verification pipeline behind `reprove verify` (and `fetch`, `gate`, `audit`): checks
 * assets whose SHA-256 the caller computed against a minisign signature, a SHA256SUMS file
 * and its signature, and DSSE-signed provenance with a policy, in DESIGN's order.
 */
#ifndef RP_VERIFY_H
#define RP_VERIFY_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

/*
 * One asset. name is what the report and the sums/subject lookups use (for a file: the path
 * as given; its base name is what SHA256SUMS and subjects are matched on; "sha256:HEX" with
 * path NULL is an asset without a name, matched by digest only). path is where the
 * bytes can be read again for --sig (a minisign signature covers the whole file, not its
 * SHA-256); NULL for an asset known only by digest ("sha256:HEX") or when no --sig is used.
 * Members after sha256 may be left zero by positional initialisers.
 */
struct rp_verify_asset {
	const char *name;
	unsigned char sha256[32];
	const char *path;
	const unsigned char *blake2b; /* optional BLAKE2b-512 of the file (64 bytes), computed in
					 the same pass as sha256, so a prehashed --sig needs no
					 second read (rp_minisign_hash_file); NULL: read path */
};

struct rp_verify_opts {
	const char *const *keys;    /* trusted public key files (any form keys.h reads) */
	size_t nkeys;
	const char *sig;            /* minisign signature of the (single) asset, or NULL */
	const char *sums;           /* SHA256SUMS file, or NULL */
	const char *sums_sig;       /* minisign signature of sums, or NULL */
	const char *provenance;     /* DSSE envelope / .intoto.jsonl / Sigstore bundle, or NULL */
	const char *builder_id;     /* expected runDetails.builder.id, or NULL */
	const char *source_uri;     /* expected source repository, or NULL */
	const char *source_tag;     /* expected tag (ref refs/tags/T), or NULL */
	const char *source_branch;  /* expected branch (ref refs/heads/B), or NULL */
	const char *policy_file;    /* JSON policy (docs/attest.md), or NULL */
	int print_provenance;       /* keep the statement text in the report, even unverified */
	/* additions beyond the first contract: */
	const char *source_commit;  /* expected git commit (hex), or NULL */
	const char *build_type;     /* expected buildType URI, or NULL */
	const char *sums_name;      /* display name for sums (e.g. a URL), NULL: sums */
	const char *provenance_name; /* display name for provenance, NULL: provenance */
	int match_digest_only;      /* provenance subjects: accept the asset's digest under any
				       name (by default a named asset needs a subject with its
				       base name and its digest; a sha256: asset has no name and
				       is always matched by digest, which the report says) */
};

/* One line of the report: a check, on what, whether it passed, and expected vs found. */
struct rp_verify_line {
	char *check;    /* "digest", "signature", "sums-signature", "sums", "dsse-signature", ... */
	char *subject;  /* the asset or file the check was about */
	int ok;
	char *expected; /* may be NULL */
	char *found;    /* may be NULL */
};

struct rp_verify_report {
	struct rp_verify_line *lines;
	size_t n, alloc;
	int passed;           /* every check ran and passed */
	const char *failed;   /* name of the failed check (points into lines), or NULL */
	char *statement;      /* the provenance statement's JSON text when print_provenance */
	int statement_verified; /* its DSSE signature verified with a trusted key */
	char *signer;         /* description of the key that verified the provenance, or NULL */
};

/*
 * Run every requested check, in DESIGN's order, on n assets whose digests the caller
 * computed (the "digest" line of each is recorded as passed). Stops at the first failed
 * check. *out is set (caller frees with rp_verify_report_free) whenever the return value is
 * RP_OK or RP_FAIL, and also on RP_EINPUT/RP_EIO when some checks already ran (else NULL).
 * Returns RP_OK when all passed, RP_FAIL when a check failed (the report and e say which:
 * e->msg is "CHECK: SUBJECT: expected X, found Y"), RP_EINPUT for malformed inputs (keys,
 * signatures, envelopes, sums, policy), RP_EIO for unreadable files, RP_EUSAGE for option
 * combinations that cannot work (e.g. --sig with several assets, or no key for a signature).
 */
enum rp_status rp_verify_run(const struct rp_verify_opts *o, const struct rp_verify_asset *assets,
			     size_t n, struct rp_verify_report **out, struct rp_err *e);

/* Human-readable report, one line per check, then a summary line. RP_EIO on write errors. */
enum rp_status rp_verify_write_text(const struct rp_verify_report *r, FILE *fp, struct rp_err *e);
/* The JSON result object documented in docs/attest.md ("verify --json"), one line + '\n'. */
enum rp_status rp_verify_write_json(const struct rp_verify_report *r, FILE *fp, struct rp_err *e);
/* Free a report; NULL is fine. */
void rp_verify_report_free(struct rp_verify_report *r);

#endif
