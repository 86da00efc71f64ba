/*
 * Comparison of two artifacts (files, directories, archives) with the layered verdict of
 * DESIGN "Normalization and comparison": identical bytes, then equal canonical entry
 * streams, then different with a member-level report.
 */
#ifndef RP_DIFF_H
#define RP_DIFF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "archive_canon.h"
#include "err.h"

enum rp_verdict {
	RP_VERDICT_IDENTICAL = 0,
	RP_VERDICT_EQUAL_NORMALIZED = 1,
	RP_VERDICT_DIFFERENT = 2,
};

struct rp_diff_opts {
	int strict;              /* callers map equal-after-normalization to a failure */
	size_t max_report_bytes; /* text/HTML report cap, head+tail kept (0: 4 MiB) */
	unsigned time_limit_s;   /* wall-clock bound for scanning and details (0: none) */
	const char *exceptions_file; /* "PATTERN [reason]" lines (fnmatch on member paths) */
	size_t max_items;        /* member items kept, head+tail (0: 1000) */
	size_t max_details;      /* content items given offsets/hex/unified diff (0: 20) */
	int norm_set;            /* use norm below instead of the default (epoch 0, "set") */
	struct rp_norm norm;
	struct rp_arch_limits lim; /* decoding bounds (0 fields: defaults) */
};

#define RP_DIFF_OPTS_INIT { 0 }

/* What one member-level difference is. */
enum rp_diff_change {
	RP_CHANGE_ADDED = 0,   /* only in B */
	RP_CHANGE_REMOVED,     /* only in A */
	RP_CHANGE_CONTENT,     /* same path and type, different bytes */
	RP_CHANGE_TYPE,        /* same path, different member type or format */
	RP_CHANGE_META,        /* same content, different normalized metadata (mode, link) */
};

struct rp_diff_item {
	enum rp_diff_change change;
	char *path;               /* nested paths joined by "!/"; "" is the input itself */
	char *what;               /* META/TYPE: "mode 0644 -> 0755" etc. (owned) */
	int has_a, has_b;
	enum rp_ent_type type_a, type_b;
	uint64_t size_a, size_b;
	unsigned char sha_a[RP_SHA256_LEN], sha_b[RP_SHA256_LEN];
	int64_t first_diff;       /* first differing byte offset, -1 when not computed */
	char *hex_a, *hex_b;      /* hex context around first_diff (owned) */
	char *udiff;              /* a unified diff hunk for text members (owned) */
	int is_text;
};

/* One kind of difference normalization removed ("mtime", "owner", "member order", ...). */
struct rp_diff_norm {
	char *what;
	size_t count;
	char *example;            /* a member path it applied to, or NULL */
};

/* A member that looked like an archive but was compared as bytes, and why. */
struct rp_diff_note {
	const char *side;         /* "a", "b" or "both": the inputs holding it (static) */
	char *path;               /* nested path, "!/"-joined as in items (owned) */
	char *what;               /* rp_arch_entry.note: depth limit, not decoded as X (owned) */
};

struct rp_diff_exception {
	char *pattern, *reason;
	size_t matched;
};

struct rp_diff_report {
	char *path_a, *path_b;
	enum rp_verdict verdict;
	const char *layer;        /* "bytes", "canonical" or "members" */
	unsigned char sha_a[RP_SHA256_LEN], sha_b[RP_SHA256_LEN];
	uint64_t size_a, size_b;
	char *format_a, *format_b; /* "deb", "tar+gzip", "file", "directory" */
	struct rp_diff_norm *norms;
	size_t nnorms;
	struct rp_diff_exception *excs;
	size_t nexcs;
	struct rp_diff_item *items;
	size_t nitems;
	size_t omitted;           /* items dropped by head+tail truncation, after items[head] */
	size_t head;              /* items[0..head) come first, then `omitted` are missing */
	size_t counts[5];         /* per rp_diff_change, before truncation */
	int details_truncated;    /* the time limit stopped the detail pass */
	struct rp_diff_note *notes; /* the first max_items notes: side a's, then side b's */
	size_t nnotes;
	size_t notes_omitted;     /* notes beyond those */
	size_t unsafe;            /* members (both sides) with unsafe paths, kept as data */
	char *unsafe_example;     /* one of them, and why */
	const char *unsafe_reason;
	size_t max_report_bytes;
	int strict;
};

/*
 * Compare a and b (files, directories or archives; borrowed paths) with the layered
 * verdict. *out is a new report the caller frees with rp_diff_report_free (filled only on
 * RP_OK, whatever the verdict). Errors: RP_EIO (unreadable input), RP_EINPUT (corrupt
 * archive, limit exceeded, malformed exceptions file), RP_EUSAGE (file vs directory).
 */
enum rp_status rp_diff_paths(const char *a, const char *b, const struct rp_diff_opts *o,
			     struct rp_diff_report **out, struct rp_err *e);

/* The verdict of a report. */
enum rp_verdict rp_diff_verdict(const struct rp_diff_report *r);

/* Short lowercase name: "identical", "equal after normalization", "different". */
const char *rp_verdict_name(enum rp_verdict v);

/* "added", "removed", "content", "type", "metadata" (the JSON "change" values). */
const char *rp_diff_change_name(enum rp_diff_change c);

/*
 * Write the report for a terminal (control characters in names replaced by '?'), capped at
 * max_report_bytes with head+tail truncation marked. RP_EIO when writing fails.
 */
enum rp_status rp_diff_write_text(const struct rp_diff_report *r, FILE *fp, struct rp_err *e);

/* Write the report as one JSON document (schema "reprove-diff/1", docs/archive.md). */
enum rp_status rp_diff_write_json(const struct rp_diff_report *r, FILE *fp, struct rp_err *e);

/* Write a self-contained HTML page (no scripts, no external resources). */
enum rp_status rp_diff_write_html(const struct rp_diff_report *r, FILE *fp, struct rp_err *e);

/* Free a report; NULL is fine. */
void rp_diff_report_free(struct rp_diff_report *r);

#endif
