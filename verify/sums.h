/*
 * SHA256SUMS files: coreutils `sha256sum` format (GNU lines and BSD tag lines) read and
 * written byte-for-byte as coreutils 9.1 does, including its backslash escaping of names
 * that contain '\', newline or carriage return.
 */
#ifndef RP_SUMS_H
#define RP_SUMS_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"
#include "hash.h"

enum rp_sums_format {
	RP_SUMS_GNU,  /* "HEX  name" */
	RP_SUMS_BSD,  /* "SHA256 (name) = HEX" */
	RP_SUMS_JSON, /* one JSON object per line: {"name":"...","sha256":"..."} (JSON Lines) */
};

/* The longest line accepted (a longer one is malformed input, not a truncated name). */
#define RP_SUMS_LINE_MAX 65536

struct rp_sums_entry {
	char *name;    /* unescaped (owned) */
	unsigned char digest[RP_SHA256_LEN];
	size_t line;   /* 1-based line number in the file */
	int escaped;   /* the line used coreutils escaping */
};

struct rp_sums {
	struct rp_sums_entry *v;
	size_t n, alloc;
	size_t malformed;        /* improperly formatted lines skipped */
	size_t first_malformed;  /* line number of the first one, 0 if none */
};

#define RP_SUMS_INIT { NULL, 0, 0, 0, 0 }

/*
 * Append one output line for name/digest in format f to out, escaped as coreutils does
 * (GNU and BSD). JSON escapes per RFC 8259; names that are not UTF-8 are written with
 * \u00XX for each byte >= 0x80 that is not part of valid UTF-8 (documented in README).
 */
enum rp_status rp_sums_format_line(struct rp_buf *out, const char *name,
				   const unsigned char digest[RP_SHA256_LEN],
				   enum rp_sums_format f, struct rp_err *e);

/*
 * Parse one line (without its '\n'; a trailing '\r' is ignored) as coreutils `sha256sum -c`
 * does. Returns RP_OK and fills *out (name malloc'd, caller frees), or RP_EINPUT when the
 * line is not a properly formatted SHA-256 line. Blank lines and '#' comments return
 * RP_FAIL (nothing to check).
 */
enum rp_status rp_sums_parse_line(const char *line, size_t len, struct rp_sums_entry *out,
				  struct rp_err *e);

/*
 * Parse a whole SHA256SUMS text (len bytes; NULs are malformed). Improperly formatted lines
 * are counted in s->malformed; a line longer than RP_SUMS_LINE_MAX is RP_EINPUT naming the
 * line ('path' is used in messages). A name listed twice with different digests is RP_EINPUT
 * naming both lines (readers would disagree on which one counts); the same name twice with
 * the same digest is kept as two entries, as `sha256sum -c` checks both. On failure *s is
 * left empty.
 */
enum rp_status rp_sums_parse(struct rp_sums *s, const char *data, size_t len, const char *path,
			     struct rp_err *e);

/* Read and parse a SHA256SUMS file ("-" = stdin), at most max_bytes. */
enum rp_status rp_sums_load(struct rp_sums *s, const char *path, size_t max_bytes,
			    struct rp_err *e);

/*
 * Find an entry by exact name; NULL if absent. A name can repeat only with one digest
 * (rp_sums_parse refuses the rest), so which of its entries is returned does not matter for
 * the digest; the last one is.
 */
const struct rp_sums_entry *rp_sums_find(const struct rp_sums *s, const char *name);

void rp_sums_release(struct rp_sums *s);

/*
 * Name as `sha256sum -c` prints it in a result line: if it contains a newline or carriage
 * return the result starts with '\' and '\\', '\n', '\r' are escaped; other control
 * characters become '?' so a hostile name cannot rewrite the terminal. Appends to out.
 */
enum rp_status rp_sums_display_name(struct rp_buf *out, const char *name, struct rp_err *e);

#endif
