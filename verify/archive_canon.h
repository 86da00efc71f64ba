/*
 * Archive reading: format detection by magic bytes and the canonical entry stream
 * (DESIGN "Normalization and comparison"). An input is decoded, with streaming reads and
 * bounded decompression, into a tree of entries: each member's path, type, raw and
 * normalized metadata and content SHA-256, with nested archives decoded recursively.
 */
#ifndef RP_ARCHIVE_CANON_H
#define RP_ARCHIVE_CANON_H

#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"
#include "hash.h"

/* What an input (or a member) is, decided by its magic bytes only. */
enum rp_arch_kind {
	RP_ARCH_NONE = 0, /* not an archive: a plain byte stream */
	RP_ARCH_TAR,      /* ustar, pax, gnu */
	RP_ARCH_ZIP,      /* zip, jar, whl, apk */
	RP_ARCH_AR,       /* ar (common/GNU/BSD) */
	RP_ARCH_DEB,      /* ar whose first member is debian-binary */
	RP_ARCH_CPIO,     /* newc, odc, binary */
	RP_ARCH_RAW,      /* a compressed stream holding no archive (standalone .gz/.xz/...) */
	RP_ARCH_DIR,      /* a directory tree (rp_arch_scan_path only) */
};

/* The compression around a tar, cpio or raw stream. */
enum rp_arch_filter {
	RP_FILTER_NONE = 0,
	RP_FILTER_GZIP,
	RP_FILTER_XZ,
	RP_FILTER_ZSTD,
	RP_FILTER_BZIP2,
};

enum rp_ent_type {
	RP_ENT_FILE = 0,
	RP_ENT_DIR,
	RP_ENT_SYMLINK,
	RP_ENT_HARDLINK,
	RP_ENT_CHR,
	RP_ENT_BLK,
	RP_ENT_FIFO,
	RP_ENT_SOCK,
};

/* How mtimes are normalized: set every mtime to epoch, or clamp those later than epoch. */
struct rp_norm {
	int64_t epoch;
	int clamp;
};

/* Resource bounds for decoding untrusted input (0 fields mean the defaults below). */
struct rp_arch_limits {
	uint64_t max_total;   /* decompressed bytes over the whole input, all levels */
	unsigned max_ratio;   /* decompressed bytes / input bytes, checked past ratio_floor */
	uint64_t ratio_floor; /* the ratio is only enforced beyond this many bytes */
	unsigned max_depth;   /* nesting of archives inside archives */
	size_t max_entries;   /* members over the whole input */
	size_t capture_max;   /* bytes kept of each captured member (diff details) */
	unsigned time_limit_s; /* wall-clock bound for one scan, 0 = none */
};

#define RP_ARCH_DEF_MAX_TOTAL (64ULL << 30)
#define RP_ARCH_DEF_MAX_RATIO 1000u
#define RP_ARCH_DEF_RATIO_FLOOR (256ULL << 20)
#define RP_ARCH_DEF_MAX_DEPTH 8u
#define RP_ARCH_DEF_MAX_ENTRIES 2000000u
#define RP_ARCH_DEF_CAPTURE (1u << 20)

struct rp_arch;

/* One member. Paths and names are as stored in the archive (untrusted: sanitize to print). */
struct rp_arch_entry {
	char *path;   /* member path (owned) */
	char *link;   /* symlink or hardlink target, or NULL (owned) */
	enum rp_ent_type type;
	unsigned mode;      /* permission bits as stored (07777) */
	unsigned nmode;     /* permission bits after normalization */
	int64_t mtime;      /* as stored (0 when the format stores none) */
	int64_t nmtime;     /* after normalization */
	int64_t uid, gid;
	char *uname, *gname; /* owned, NULL when absent */
	uint64_t size;      /* content bytes */
	uint64_t rdev;      /* devices */
	unsigned dropped;   /* RP_DROP_* bits: metadata the canonical stream leaves out */
	size_t index;       /* position in the stored order */
	unsigned char sha[RP_SHA256_LEN];  /* SHA-256 of the content bytes */
	unsigned char csha[RP_SHA256_LEN]; /* canonical digest: sha, or the nested stream's */
	struct rp_arch *sub; /* the member decoded as an archive, or NULL (owned) */
	char *note;         /* why a member that looked like an archive is kept opaque (owned) */
	unsigned char *cap; /* first bytes of the content when captured (owned) */
	size_t cap_len, cap_alloc;
	int unsafe;         /* an rp_path_verdict: absolute, "..", escaping link (kept as data) */
	int spooled;        /* the content was copied to the spool at spool_off */
	uint64_t spool_off;
};

/* Bits of rp_arch_entry.dropped. */
enum {
	RP_DROP_ATIME = 1 << 0,
	RP_DROP_CTIME = 1 << 1,
	RP_DROP_BIRTHTIME = 1 << 2,
	RP_DROP_XATTR = 1 << 3,
	RP_DROP_ACL = 1 << 4,
	RP_DROP_UNAME = 1 << 5,
	RP_DROP_OWNER = 1 << 6, /* uid/gid non-zero */
	RP_DROP_MTIME = 1 << 7, /* mtime changed by normalization */
	RP_DROP_MODE = 1 << 8,  /* zip mode normalized */
};

/* A decoded archive: its entries in canonical order. */
struct rp_arch {
	enum rp_arch_kind kind;
	enum rp_arch_filter filter;
	char *format_name;     /* libarchive's name for the format, or "file"/"directory" */
	struct rp_arch_entry *ents;
	size_t n, alloc;
	int reordered;         /* the stored order differs from the canonical order */
	/*
	 * A .deb whose debian-binary, control.tar* and data.tar* members are stored out of the
	 * order dpkg-deb requires: their stored order, escaped paths separated by spaces
	 * (owned), a structural property the canonical stream keeps. NULL otherwise.
	 */
	char *order;
	int la_format;         /* libarchive's format code (cpio newc vs odc ...), or 0 */
	/* gzip header fields (filter == RP_FILTER_GZIP), which normalization drops */
	int64_t gz_mtime;
	int gz_has_name;
	unsigned gz_os;
	unsigned gz_members;   /* gzip members decoded, each with its CRC-32 and ISIZE verified */
	uint64_t consumed;     /* encoded bytes the decoder used (compressed streams) */
	int has_tail;          /* non-zero bytes follow the compressed stream: kept canonical */
	uint64_t tail_size;
	unsigned char tail_sha[RP_SHA256_LEN];
	int has_itail;         /* non-zero bytes after the archive inside the compressed stream */
	uint64_t itail_size;
	unsigned char itail_sha[RP_SHA256_LEN];
	uint64_t raw_size;     /* bytes of the encoded input (the member or file) */
	unsigned char raw_sha[RP_SHA256_LEN];
	unsigned char canon_sha[RP_SHA256_LEN]; /* digest of the canonical serialization */
};

/* Scan settings. */
struct rp_arch_opts {
	struct rp_norm norm;
	struct rp_arch_limits lim;
	/*
	 * Full display paths (as rp_arch_flatten names them) whose first lim.capture_max bytes
	 * are kept in rp_arch_entry.cap; sorted with strcmp; may be NULL.
	 */
	char *const *capture;
	size_t ncapture;
	/*
	 * When non-zero, the first lim.capture_max bytes of every member are kept as well, until
	 * this many bytes in all have been kept (diff uses it to avoid a second pass).
	 */
	size_t capture_budget;
	/*
	 * With spool_on, the content of the members a normalizer rewrites from (top-level
	 * members; for a .deb, the members of its control/data tarballs instead of the
	 * tarballs) is appended to spool_fd; see rp_arch_entry.spooled/spool_off.
	 */
	int spool_on;
	int spool_fd;
};

/*
 * Detect the kind of a stream from its first n bytes (pass at least 512 when available);
 * for a compressed stream, *filter is set and the kind is RP_ARCH_TAR/CPIO/RAW only after
 * decoding, so this returns RP_ARCH_RAW as a placeholder. Never fails.
 */
enum rp_arch_kind rp_arch_detect(const unsigned char *p, size_t n, enum rp_arch_filter *filter);

/* Short names for messages and JSON: "tar", "zip", "deb", ...; "gzip", "xz", ... */
const char *rp_arch_kind_name(enum rp_arch_kind k);
const char *rp_arch_filter_name(enum rp_arch_filter f);
const char *rp_ent_type_name(enum rp_ent_type t);

/*
 * Decode path (a file, or a directory tree with every file in it decoded in turn) into a
 * new rp_arch the caller frees with rp_arch_free. Symlinks inside a directory are recorded,
 * never followed. Returns RP_EINPUT for a corrupt or truncated archive or a limit exceeded
 * ("'path': member 'x': ..."), RP_EIO when the file cannot be read.
 */
enum rp_status rp_arch_scan_path(const char *path, const struct rp_arch_opts *o,
				 struct rp_arch **out, struct rp_err *e);

/* As rp_arch_scan_path on a buffer (borrowed), named name in messages. For the fuzzer. */
enum rp_status rp_arch_scan_mem(const void *p, size_t n, const char *name,
				const struct rp_arch_opts *o, struct rp_arch **out,
				struct rp_err *e);

/* Free an archive and everything below it; NULL is fine. */
void rp_arch_free(struct rp_arch *a);

/*
 * Append the canonical serialization of a (recursively) to b: one line per member in
 * canonical order with its nesting depth, type, normalized mode and mtime, size, canonical
 * digest and escaped path (and link). Two inputs are equal after normalization exactly when
 * these are byte-identical. RP_EINPUT when b's ceiling is reached.
 */
enum rp_status rp_arch_serialize(const struct rp_arch *a, struct rp_buf *b, struct rp_err *e);

/* A member seen through nesting: "data.tar.xz!/./usr/bin/ls" (owned path). */
struct rp_arch_flat {
	char *path;
	const struct rp_arch_entry *ent; /* borrowed from the rp_arch */
	const struct rp_arch *parent;    /* the archive holding ent */
	unsigned depth;
};

/*
 * List every member of a, depth first in canonical order, with nested paths joined by
 * "!/". *out is a new array of *n items the caller frees with rp_arch_flat_free.
 */
void rp_arch_flatten(const struct rp_arch *a, struct rp_arch_flat **out, size_t *n);
void rp_arch_flat_free(struct rp_arch_flat *f, size_t n);

/*
 * Make libarchive convert names as UTF-8 on the calling thread until rp_arch_locale_leave
 * (a no-op if the C.UTF-8 locale is missing). reprove stays in the C locale, where
 * libarchive cannot convert non-ASCII UTF-8 names: its pax and zip readers then warn or
 * drop the name, its pax and zip writers refuse it. The scan functions above do this
 * themselves; code writing archives with libarchive should do it around the writing.
 */
struct rp_arch_locale {
	locale_t utf8, old;
};
void rp_arch_locale_enter(struct rp_arch_locale *l);
void rp_arch_locale_leave(struct rp_arch_locale *l);

/*
 * The default normalization: SOURCE_DATE_EPOCH from the environment when set and valid
 * (*from_env = 1), else 0 (*from_env = 0); "set" mode.
 */
void rp_norm_default(struct rp_norm *n, int *from_env);

#endif
