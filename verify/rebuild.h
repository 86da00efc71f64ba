/*
 * reprove rebuild as a library: build the source several times in clean sandboxes, with
 * and without variations, compare the artifacts, and return a report (struct
 * rp_rebuild_report) that the CLI prints, `reprove gate` publishes from, and provenance
 * records as its byproduct. DESIGN "Clean-environment rebuild"; docs/rebuild.md.
 */
#ifndef RP_REBUILD_H
#define RP_REBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hash.h"
#include "recipe.h"

/* The variations, named as reprotest names them (docs/rebuild.md has the values). */
enum rp_variation {
	RP_VARY_BUILD_PATH,
	RP_VARY_HOME,
	RP_VARY_ENVIRONMENT,
	RP_VARY_EXEC_PATH,
	RP_VARY_LOCALES,
	RP_VARY_TIMEZONE,
	RP_VARY_UMASK,
	RP_VARY_DOMAIN_HOST,
	RP_VARY_NUM_CPUS,
	RP_VARY_USER_GROUP,
	RP_VARY_TIME,
	RP_VARY_FILEORDERING,
	RP_VARY_COUNT
};

#define RP_VARY_ALL ((1u << RP_VARY_COUNT) - 1)

/* The name of v ("build_path"), or NULL when v is out of range. */
const char *rp_variation_name(enum rp_variation v);

/*
 * Parse a --vary list into a mask of (1u << enum rp_variation) bits: "all", "none", or
 * comma-separated names, each optionally prefixed with '+' (add) or '-' (remove); a list
 * starting with a prefixed name starts from "all" (as reprotest's --vary=-build_path).
 * "hostname" and "domain" are accepted for domain_host. Unknown names are RP_EUSAGE.
 */
enum rp_status rp_variation_parse(const char *list, unsigned *mask, struct rp_err *e);

enum rp_rebuild_verdict {
	RP_REBUILD_REPRODUCIBLE = 0,     /* every artifact identical in every run */
	RP_REBUILD_EQUAL_NORMALIZED = 1, /* some differ only in what normalization removes */
	RP_REBUILD_NONDETERMINISTIC = 2, /* the identical-settings runs already differ */
	RP_REBUILD_NOT_REPRODUCIBLE = 3, /* varied runs differ */
};

/* "reproducible", "equal after normalization", "nondeterministic without variation", ... */
const char *rp_rebuild_verdict_name(enum rp_rebuild_verdict v);

/* How an artifact of a run compares with the same name in run 1. */
enum rp_artifact_result {
	RP_ART_IDENTICAL = 0,
	RP_ART_EQUAL_NORMALIZED = 1,
	RP_ART_DIFFERENT = 2,
	RP_ART_MISSING = 3, /* in run 1, not in this run */
	RP_ART_ADDED = 4,   /* in this run, not in run 1 */
};

/* "identical", "equal after normalization", "different", "missing", "added" */
const char *rp_artifact_result_name(enum rp_artifact_result r);

struct rp_rebuild_artifact {
	char *name;             /* path relative to the source root, e.g. "dist/a.tar.gz" */
	const char *base;       /* its last component (points into name) */
	char sha256[RP_SHA256_HEX]; /* lower-case hex, from run 1 */
	uint64_t size;
	char *path;             /* the file in the kept first run (--keep), else NULL */
	enum rp_artifact_result result; /* the worst over all runs */
};

struct rp_rebuild_run_artifact {
	char *name;
	char sha256[RP_SHA256_HEX]; /* "" when missing in this run */
	uint64_t size;
	enum rp_artifact_result result; /* against run 1 */
	char *diff;             /* text report of the difference, NULL when identical */
	char *diff_json;        /* the comparison's JSON report (verify/diff.h), or NULL */
};

struct rp_rebuild_run {
	unsigned index;         /* 1-based, in build order */
	const char *kind;       /* "control" (identical settings), "varied", "bisect" */
	unsigned vary;          /* variations applied (1u << enum rp_variation) */
	char *build_path;
	char *log;              /* the build log (kept with --keep), else NULL */
	double seconds;         /* the build command's wall clock */
	unsigned ns;            /* namespaces the build ran in (RP_NS_*) */
	unsigned strays_killed; /* processes it left behind, killed */
	struct rp_rebuild_run_artifact *arts;
	size_t narts;
	enum rp_artifact_result result; /* the worst of arts (run 1: identical) */
};

struct rp_rebuild_variation {
	const char *name;
	int selected;           /* asked for with --vary */
	int applied;            /* applied in at least one run */
	char *skipped;          /* why a selected variation was not applied, else NULL */
	const char *control;    /* the setting in identical runs ("0022") (static or owned below) */
	char *varied;           /* the setting when varied, NULL when not applicable */
	int matters;            /* 1: varying it alone changed artifacts; 0: it did not;
				   -1: not tested alone (no --bisect, or not needed) */
};

struct rp_rebuild_report {
	enum rp_rebuild_verdict verdict;
	char *summary;          /* the one-line summary ("not reproducible: ...") */
	struct rp_rebuild_artifact *artifacts; /* sorted by name (bytewise) */
	size_t nartifacts;
	struct rp_rebuild_run *runs;
	size_t nruns;
	struct rp_rebuild_variation variations[RP_VARY_COUNT];
	int bisected;           /* one-at-a-time builds were made */
	/* source */
	char *source_dir;       /* working tree, or NULL with --git */
	char *source_uri, *source_ref; /* --git URL and --ref, or NULL */
	char *source_commit;    /* the commit built (hex), NULL when unknown */
	int source_dirty;       /* working tree with uncommitted changes to tracked files */
	size_t source_files;    /* tracked files copied into each build */
	/* recipe and environment */
	char *recipe_path;
	char recipe_sha256[RP_SHA256_HEX];
	struct rp_recipe recipe;
	long long source_date_epoch;
	char **env;             /* the identical-runs environment, "K=V", NULL-terminated */
	char *tool_path;        /* the build command found in the environment's PATH, or NULL
				   (a path inside the source, or not found) */
	char tool_sha256[RP_SHA256_HEX]; /* its digest, "" when tool_path is NULL */
	unsigned ns_wanted, ns; /* namespaces wanted and obtained (RP_NS_*) */
	char *ns_note;          /* why some are missing, NULL when none are */
	char *keep_dir;         /* --keep DIR (absolute), or NULL */
	char started[32], finished[32]; /* RFC 3339 UTC */
	double seconds;         /* total wall clock */
	double build_seconds;   /* sum of the build commands' wall clock */
};

struct rp_rebuild_opts {
	const char *source_dir;   /* the working tree (default "."), unused with git_url */
	const char *git_url;      /* clone this ... */
	const char *git_ref;      /* ... at this ref (required with git_url) */
	const char *recipe_path;  /* default: reprove.json in the source (or the clone) */
	unsigned runs;            /* builds compared, >= 2: runs 1-2 identical, 3.. varied */
	unsigned vary;            /* variations selected (RP_VARY_ALL by default) */
	int bisect;               /* vary one at a time to name which matter */
	const char *keep_dir;     /* keep run 1's tree and the logs here (absent or empty) */
	unsigned ns;              /* namespaces wanted (RP_NS_ALL; net dropped by "network") */
	size_t log_max;           /* bytes of build output kept per run (0: 64 MiB) */
	unsigned tail_lines;      /* lines of log tail on failure (0: 25) */
	/* Called with one line of progress ("run 2/3 (control): building ..."), may be NULL. */
	void (*progress)(void *arg, const char *line);
	void *progress_arg;
};

#define RP_REBUILD_OPTS_INIT                                                                  \
	{ ".", NULL, NULL, NULL, 2, RP_VARY_ALL, 0, NULL, 0x1fu, 0, 0, NULL, NULL }

/*
 * Rebuild as DESIGN says and fill *out (caller frees with rp_rebuild_report_free) with the
 * report, whose verdict is the answer: RP_OK whatever the verdict. Errors: RP_EUSAGE (bad
 * options), RP_EINPUT (malformed recipe), RP_EIO (git, the scratch directory, a build
 * that fails, times out or produces no artifact for a pattern). When a build fails,
 * *log_tail (if non-NULL) receives its last lines (malloc'd, caller frees); it is NULL
 * otherwise. Nothing is left in the scratch directory unless keep_dir was given.
 */
enum rp_status rp_rebuild_run(const struct rp_rebuild_opts *o, struct rp_rebuild_report **out,
			      char **log_tail, struct rp_err *e);

/*
 * The report as JSON (schema "reprove-rebuild/1", docs/rebuild.md), malloc'd,
 * NUL-terminated, ending in a newline; the caller frees it. Aborts only on out-of-memory.
 */
char *rp_rebuild_report_json(const struct rp_rebuild_report *r);

/* Free the report and everything it owns; NULL is a no-op. */
void rp_rebuild_report_free(struct rp_rebuild_report *r);

#endif
