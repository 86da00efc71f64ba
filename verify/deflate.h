/*
 * Deterministic deflate on several threads, for the normalizer: zip members (each its own
 * raw deflate stream) and gzip streams (cut into fixed blocks, each primed with the 32 KiB
 * before it and ended with a sync flush, as pigz does). Either way the bytes depend only
 * on the input and the level, never on the number of threads or how the input arrives.
 * Workers fill a ring of 2N slots that the caller drains in order, so memory stays bounded.
 */
#ifndef RP_DEFLATE_H
#define RP_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* One compressed piece: fd_len bytes in fd (from offset 0), then len bytes at mem. */
struct rp_zout {
	int fd;
	uint64_t fd_len;
	const unsigned char *mem;
	size_t len;
	uint32_t crc; /* CRC-32 of the uncompressed bytes */
};

struct rp_zpool;

/*
 * Raw deflate (zlib, level 6, 32 KiB window, memory level 8: what java.util.zip and
 * Info-ZIP's zip use by default) of n ranges of spool (off[i], size[i]; borrowed until
 * rp_zpool_free), on up to threads threads (0 or 1: in the caller's thread, on demand).
 */
struct rp_zpool *rp_zpool_members(int spool, const uint64_t *off, const uint64_t *size, size_t n,
				  unsigned threads);

/*
 * The compressed range i, which must be the next one in order; valid until
 * rp_zpool_release. Errors: RP_EIO (spool or temporary file), RP_EINTERNAL.
 */
enum rp_status rp_zpool_take(struct rp_zpool *p, size_t i, struct rp_zout *out, struct rp_err *e);
void rp_zpool_release(struct rp_zpool *p);

/* Stop the workers and free everything; NULL is fine. */
void rp_zpool_free(struct rp_zpool *p);

/* Where a gzip writer's bytes go; returns RP_OK or fills e. */
typedef enum rp_status (*rp_gz_sink)(void *arg, const void *p, size_t n, struct rp_err *e);

struct rp_gzw;

/*
 * A gzip stream with a fixed header (no name, mtime 0, OS 3 = Unix), deflate level 6 in
 * blocks of RP_GZ_BLOCK bytes, written through sink in order.
 */
#define RP_GZ_BLOCK (128 * 1024)
struct rp_gzw *rp_gzw_new(unsigned threads, rp_gz_sink sink, void *arg);
enum rp_status rp_gzw_write(struct rp_gzw *g, const void *p, size_t n, struct rp_err *e);

/* Compress what is left and write the trailer (CRC-32, size). */
enum rp_status rp_gzw_finish(struct rp_gzw *g, struct rp_err *e);
void rp_gzw_free(struct rp_gzw *g);

#endif
