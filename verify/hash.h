/*
 * SHA-256 (OpenSSL EVP, so SHA-NI is used where the CPU has it) and the parallel file
 * hashing engine (io_uring-fed, with a pread fallback; see uring.c).
 */
#ifndef RP_HASH_H
#define RP_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define RP_SHA256_LEN 32
#define RP_SHA256_HEX 65 /* 64 hex digits + NUL */

/* Incremental SHA-256. The context is opaque (an EVP_MD_CTX). */
struct rp_sha256 {
	void *ctx;
};

/* Start a digest; aborts on out-of-memory only. */
void rp_sha256_init(struct rp_sha256 *h);
void rp_sha256_update(struct rp_sha256 *h, const void *p, size_t n);
/* Write the digest and release the context (the struct may be re-initialised). */
void rp_sha256_final(struct rp_sha256 *h, unsigned char out[RP_SHA256_LEN]);
/* Release without producing a digest (error paths). NULL ctx is fine. */
void rp_sha256_release(struct rp_sha256 *h);
/* One-shot digest of a buffer. */
void rp_sha256(const void *p, size_t n, unsigned char out[RP_SHA256_LEN]);

/* Lower-case hex of n bytes into out (2n+1 bytes, NUL-terminated), with a nibble table. */
void rp_hex(const unsigned char *in, size_t n, char *out);
/* Parse exactly 2n hex digits (either case) into n bytes; returns 0, or -1 on a bad digit. */
int rp_unhex(const char *hex, unsigned char *out, size_t n);
/* The value of one hex digit (either case), or -1. */
int rp_hexdigit(int c);
/* Constant-time equality of two n-byte buffers: 1 if equal. */
int rp_ct_equal(const void *a, const void *b, size_t n);

/* Hash one file by path (regular file, FIFO or "-" for stdin) with plain reads. */
enum rp_status rp_hash_path(const char *path, unsigned char out[RP_SHA256_LEN],
			    uint64_t *size, struct rp_err *e);
/* Hash an open file descriptor from its current offset to EOF. */
enum rp_status rp_hash_fd(int fd, const char *name, unsigned char out[RP_SHA256_LEN],
			  uint64_t *size, struct rp_err *e);

/* One file for the engine. */
struct rp_hash_item {
	char *path;      /* path to open (owned) */
	char *name;      /* name to report, as DESIGN's hash contract says (owned) */
	uint64_t size;   /* from stat, used for scheduling (largest first); bytes hashed after */
	int nonreg;      /* not a regular file (stdin, FIFO, device): read sequentially */
	int nofollow;    /* found by a directory walk: a symlink or FIFO swapped in since the
			  * walk is an error, not followed (names given by the user follow links) */
	unsigned char digest[RP_SHA256_LEN];
	int err;         /* 0, or the errno of a failed open/read of this file */
};

/* A list of files, as collected from command-line PATHs. */
struct rp_hash_list {
	struct rp_hash_item *items;
	size_t n, alloc;
};

#define RP_HASH_LIST_INIT { NULL, 0, 0 }

/*
 * Add PATH as DESIGN's hash contract says: a file (or symlink to one) is named as given; a
 * directory contributes every regular file below it as PATH/relative/name ("." adds none of
 * the "./" prefix). Symlinks below a directory are not followed and are reported through
 * skipped (called with the name and reason) when skipped is non-NULL. Unreadable directories
 * are RP_EIO. Does not sort.
 */
enum rp_status rp_hash_list_add(struct rp_hash_list *l, const char *path,
				void (*skipped)(const char *name, const char *why, void *arg),
				void *arg, struct rp_err *e);
/* Sort the list by name, bytewise (strcmp), for deterministic output. */
void rp_hash_list_sort(struct rp_hash_list *l);
void rp_hash_list_release(struct rp_hash_list *l);

struct rp_hash_opts {
	unsigned jobs;     /* worker threads; 0 = number of online CPUs */
	int force_pread;   /* skip io_uring (also forced by env RP_NO_URING=1) */
	/* out: */
	int used_uring;    /* 1 when every worker ran on io_uring */
	char fallback_why[128]; /* why io_uring was not used, when it was not */
};

/*
 * Hash every item whose err is 0 on entry (items with err set are left alone, so callers
 * can pre-mark files they know cannot be read), in parallel, with memory bounded by
 * jobs x in-flight buffers whatever the file sizes. Per-file failures set item->err and do not stop the others; the return value is
 * RP_OK when every item was hashed, RP_EIO otherwise (with e naming the first failure).
 */
enum rp_status rp_hash_run(struct rp_hash_item *items, size_t n, struct rp_hash_opts *o,
			   struct rp_err *e);

/*
 * The engine as a queue, for producers that discover files while hashing runs (a tree walk):
 * start the workers, push items (each must stay valid and unmoved until finish), then finish,
 * which waits for every pushed item to be hashed (or to fail, in item->err) and fills
 * o->used_uring / o->fallback_why. max_files caps the worker count (0: no cap).
 */
struct rp_hash_engine;
struct rp_hash_engine *rp_hash_engine_start(struct rp_hash_opts *o, size_t max_files);
void rp_hash_engine_push(struct rp_hash_engine *g, struct rp_hash_item *it);
void rp_hash_engine_finish(struct rp_hash_engine *g);

/*
 * Collect the files named by paths (as rp_hash_list_add does) and hash them, the walk
 * overlapping the hashing. On RP_OK, *l holds every file sorted by name with its digest.
 * Unreadable files are each passed to failed (name, errno) and make the result RP_EIO; a walk
 * error stops the walk and is returned. *l is filled in every case (caller releases it).
 */
enum rp_status rp_hash_tree(struct rp_hash_list *l, char *const *paths, size_t npaths,
			    void (*skipped)(const char *name, const char *why, void *arg),
			    void (*failed)(const char *name, int err, void *arg), void *arg,
			    struct rp_hash_opts *o, struct rp_err *e);

#endif
