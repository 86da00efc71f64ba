/*
 * The published release layout shared by `reprove gate` (writes it) and `reprove audit`
 * (reads it): one flat directory holding the artifacts under their base names, SHA256SUMS
 * (coreutils format, sorted bytewise), SHA256SUMS.minisig and provenance.intoto.jsonl.
 * DESIGN "Commands"; docs/workflows.md.
 */
#ifndef RP_RELEASE_H
#define RP_RELEASE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "fetch.h"
#include "hash.h"

#define RP_RELEASE_SUMS "SHA256SUMS"
#define RP_RELEASE_SUMS_SIG "SHA256SUMS.minisig"
#define RP_RELEASE_PROVENANCE "provenance.intoto.jsonl"
#define RP_RELEASE_MAX_FILES 4096

/*
 * Whether name may be a published artifact: a single path component (no '/'), not "." or
 * "..", no control characters, and not one of the three file names the layout reserves.
 * Returns NULL when it may, else a short reason ("contains '/'").
 */
const char *rp_release_name_problem(const char *name);

/*
 * Check that dir can receive a release: absent (in a writable parent directory), or an
 * empty directory. RP_EIO naming dir otherwise ("exists and is not empty", "is not a
 * directory"), or when it or its parent cannot be read or written.
 */
enum rp_status rp_release_out_ok(const char *dir, struct rp_err *e);

/*
 * Check, before long work, that a file can later be created at path: its parent directory
 * exists and is writable. "-" is fine. RP_EIO naming the directory otherwise.
 */
enum rp_status rp_release_parent_ok(const char *path, struct rp_err *e);

/* A release being written: a staging directory next to the final one, renamed at the end. */
struct rp_release_stage {
	char *dir;    /* final directory (owned) */
	char *tmp;    /* staging directory "PARENT/.NAME.tmp-XXXXXX" (owned), NULL when closed */
	char **names; /* artifacts added, in order (owned) */
	unsigned char (*sha256)[RP_SHA256_LEN];
	size_t n;
};

#define RP_RELEASE_STAGE_INIT { NULL, NULL, NULL, NULL, 0 }

/*
 * Create the staging directory for dir (which rp_release_out_ok accepted) in dir's parent,
 * mode 0755 & ~umask. RP_EIO when it cannot be created. Release *s with rp_release_abort
 * or rp_release_commit.
 */
enum rp_status rp_release_stage_open(struct rp_release_stage *s, const char *dir,
				     struct rp_err *e);

/*
 * Copy the file src into the staging directory as name (a base name, see
 * rp_release_name_problem), hashing while copying; the copy must hash to expect (32 bytes)
 * when expect is non-NULL. Errors: RP_EINPUT for a bad or duplicate name ("two artifacts
 * named 'x'"), RP_FAIL when the copy's digest is not expect (the file changed since it was
 * hashed), RP_EIO for read/write failures. src is borrowed.
 */
enum rp_status rp_release_add(struct rp_release_stage *s, const char *src, const char *name,
			      const unsigned char *expect, struct rp_err *e);

/*
 * Write SHA256SUMS for the artifacts added so far, sorted bytewise by name, exactly as
 * `sha256sum` writes it (verify/sums.h). *path (if non-NULL) receives its staged path
 * (borrowed from nothing: malloc'd, caller frees). RP_EIO on write errors.
 */
enum rp_status rp_release_write_sums(struct rp_release_stage *s, char **path, struct rp_err *e);

/* The staged path of a file name in the staging directory (malloc'd, caller frees). */
char *rp_release_stage_path(const struct rp_release_stage *s, const char *name);

/*
 * fsync every staged file and the staging directory, then rename it onto dir (an empty
 * directory there is replaced) and fsync the parent: the release appears complete or not
 * at all. On failure the staging directory is removed. *s is released either way.
 * RP_EIO on failure (e.g. dir was created meanwhile and is not empty).
 */
enum rp_status rp_release_commit(struct rp_release_stage *s, struct rp_err *e);

/* Remove the staging directory and everything in it, and release *s. Safe after commit. */
void rp_release_abort(struct rp_release_stage *s);

/* One file of a published release. */
struct rp_release_file {
	char *name;                      /* as listed in SHA256SUMS (a base name) */
	unsigned char listed[RP_SHA256_LEN]; /* the digest SHA256SUMS gives */
	char *path;                      /* the private copy in the release's tmpdir */
	unsigned char sha256[RP_SHA256_LEN]; /* of the bytes at path, hashed as they were copied */
	uint64_t size;
	int matches_sums;                /* sha256 == listed */
};

/*
 * A published release opened for reading (a directory or a base URL). Every file is read
 * once, from the release, into a private directory (mode 0700 under $TMPDIR): what is
 * checked, compared and signed later is that copy, never the release again, so a build or
 * anything else that rewrites the release afterwards cannot change the verdict's subject.
 */
struct rp_release {
	char *source;       /* as given */
	int remote;         /* a URL */
	char *sums_path;    /* private copy of SHA256SUMS */
	char *sums_sig_path; /* private copy of SHA256SUMS.minisig, or NULL when absent */
	char *prov_path;    /* private copy of provenance.intoto.jsonl, or NULL when absent */
	unsigned char prov_sha256[RP_SHA256_LEN]; /* of prov_path, when there is one */
	char *tmpdir;       /* the private directory (removed by rp_release_close) */
	struct rp_release_file *files;
	size_t nfiles;
};

#define RP_RELEASE_INIT { NULL, 0, NULL, NULL, NULL, { 0 }, NULL, NULL, 0 }

/* The default for o->max_size in `reprove audit` (--max-size): 1 GiB per published file. */
#define RP_RELEASE_MAX_SIZE_DEFAULT ((uint64_t)1 << 30)

/*
 * Open the release at src: a directory, or a base URL (https, or http/file as o allows; o
 * may be NULL for a directory) under which SHA256SUMS and the files it lists are fetched
 * with verify/fetch.h. Either way each file lands in r->tmpdir, hashed while it is copied
 * or downloaded. In a directory only regular files are read: a symbolic link, FIFO, device
 * or directory in a file's place is refused (opened with O_NOFOLLOW, checked with fstat),
 * so nothing outside the release is read or shown. SHA256SUMS is required;
 * SHA256SUMS.minisig and provenance.intoto.jsonl are optional (absent: NULL paths). One
 * whose bytes differ from its listed digest is not an error here (matches_sums = 0: the
 * caller reports it). o->max_size (0 = no limit) caps every file, local or remote.
 * Errors: RP_EINPUT (malformed SHA256SUMS, a listed name that is not a plain base name,
 * none or duplicate names, more than RP_RELEASE_MAX_FILES, a file that is not a regular
 * file), RP_EIO (a missing listed file, read or download failures, a file larger than
 * o->max_size: "'NAME': larger than N bytes"), RP_EUSAGE (URL refused, src neither a
 * directory nor a URL). On failure *r is released.
 */
enum rp_status rp_release_open(struct rp_release *r, const char *src,
			       const struct rp_fetch_opts *o, struct rp_err *e);

/* The file named name in r, or NULL. */
const struct rp_release_file *rp_release_find(const struct rp_release *r, const char *name);

/* Remove the downloads and free everything; *r is as after RP_RELEASE_INIT. */
void rp_release_close(struct rp_release *r);

/*
 * Remove dir and everything below it without following symbolic links (a scratch tree such
 * as a rebuild's keep directory). Best effort: what cannot be removed stays. NULL is a no-op.
 */
void rp_release_remove_tree(const char *dir);

#endif
