/*
 * Normalization: rewrite an archive in its canonical, deterministic form (the same format,
 * members in canonical order, normalized metadata, deterministic recompression), or check
 * whether it already is. DESIGN "Normalization and comparison" has the rules.
 */
#ifndef RP_NORMALIZE_H
#define RP_NORMALIZE_H

#include <stddef.h>

#include "archive_canon.h"
#include "err.h"

struct rp_normalize_opts {
	struct rp_norm norm;       /* mtime: set to epoch, or clamp at it */
	struct rp_arch_limits lim; /* decoding bounds (0 fields: defaults) */
	unsigned out_mode;         /* permission bits of the output file (0: 0644) */
	unsigned threads;          /* threads compressing one zip's members (0, 1: none) */
};

/* One kind of change normalization makes ("mtime", "owner", "member order", ...). */
struct rp_normalize_change {
	char *what;
	size_t count;
	char *example; /* a member path, or NULL */
};

struct rp_normalize_result {
	char *format;  /* "deb", "tar+gzip", ... */
	struct rp_normalize_change *changes;
	size_t nchanges;
	int changed;   /* check: the canonical bytes differ from the input's (1) or not (0); -1 after a write */
	size_t members; /* members rewritten, all levels */
};

#define RP_NORMALIZE_RESULT_INIT { NULL, NULL, 0, 0, 0 }

/*
 * Read in (borrowed path; formats by magic) and write its canonical form to out ("-" is
 * standard output) through a temporary file renamed into place, so a failure leaves nothing
 * at out. Fills *res (release with rp_normalize_result_release) on success.
 * What is rewritten: the archive itself and, for a .deb, its control and data tarballs;
 * other members' bytes (a jar inside a tar) are copied unchanged, so checksums that cover
 * them (md5sums, signatures) stay valid. Member paths are data: nothing is extracted.
 * Errors: RP_EINPUT (not an archive, corrupt, limits, a zip needing zip64), RP_EIO.
 */
enum rp_status rp_normalize_file(const char *in, const char *out,
				 const struct rp_normalize_opts *o, struct rp_normalize_result *res,
				 struct rp_err *e);

/*
 * Compute the canonical form of in (into an unlinked temporary file) and compare it with
 * in's bytes: res->changed says whether normalize would change anything, res->changes
 * what. Errors as rp_normalize_file.
 */
enum rp_status rp_normalize_check(const char *in, const struct rp_normalize_opts *o,
				  struct rp_normalize_result *res, struct rp_err *e);

/* One input of rp_normalize_many: in -> out (NULL: check only, as rp_normalize_check). */
struct rp_normalize_job {
	const char *in, *out;                 /* borrowed; out may equal in (in place) */
	const struct rp_normalize_opts *opts; /* borrowed, shared by every job */
	unsigned out_mode;                    /* overrides opts->out_mode when non-zero */
	int ran;                              /* the job was run: rc, err and res are set */
	enum rp_status rc;
	struct rp_err err;
	struct rp_normalize_result res;       /* on success: release with the function below */
};

/*
 * Run jobs on up to threads threads (0: one per online CPU), each as rp_normalize_file or
 * rp_normalize_check, splitting threads among the jobs that run at once (a single job's
 * zip members are compressed on all of them). After the first failure no new job starts; jobs already running
 * finish, so later jobs may have run too. Callers read results in order and stop at the
 * first job that failed or did not run. Outputs stay atomic per job.
 */
void rp_normalize_many(struct rp_normalize_job *jobs, size_t n, unsigned threads);

/* Free the contents of *res; it is as after RP_NORMALIZE_RESULT_INIT. */
void rp_normalize_result_release(struct rp_normalize_result *res);

#endif
