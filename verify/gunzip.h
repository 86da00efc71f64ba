/*
 * A streaming gzip decoder (RFC 1952) that verifies what libarchive's gzip reader does not:
 * every member's CRC-32 and ISIZE trailer. Multi-member streams are decoded whole; the
 * decoder stops before the first byte that does not start another member.
 */
#ifndef RP_GUNZIP_H
#define RP_GUNZIP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct rp_gunzip;

/*
 * Where compressed bytes come from: set *p and *n to the next chunk (*n == 0 at the end of
 * the input) and return RP_OK, or return an error status after recording the error in the
 * caller's own way (the decoder passes the status on untouched). The chunk must stay valid
 * until the next call.
 */
typedef enum rp_status (*rp_gunzip_pull_fn)(void *arg, const void **p, size_t *n);

/* A new decoder reading from pull(arg); free it with rp_gunzip_free. Aborts on OOM. */
struct rp_gunzip *rp_gunzip_new(rp_gunzip_pull_fn pull, void *arg);

/*
 * Decompress the next bytes: *out points at *n bytes owned by the decoder, valid until the
 * next call; *n == 0 once the last member has ended (and stays so). Returns:
 * - RP_EINPUT with e->msg "gzip member N: why" for a corrupt, truncated or unverifiable
 *   stream ("CRC-32 mismatch (stream corrupt)", "ISIZE mismatch (stream corrupt)", ...);
 *   rp_gunzip_not_gzip() then says whether the very first header was invalid, i.e. the
 *   input is not a gzip stream at all rather than a damaged one;
 * - whatever status pull returned when it failed (e untouched).
 */
enum rp_status rp_gunzip_read(struct rp_gunzip *g, const void **out, size_t *n,
			      struct rp_err *e);

/* After an RP_EINPUT: non-zero when the first member's header was invalid. */
int rp_gunzip_not_gzip(const struct rp_gunzip *g);

/* Compressed bytes the decoder used (headers, data and trailers of every member). */
uint64_t rp_gunzip_consumed(const struct rp_gunzip *g);

/* Members decoded so far (ended with a verified trailer). */
unsigned rp_gunzip_members(const struct rp_gunzip *g);

/* Free a decoder; NULL is fine. */
void rp_gunzip_free(struct rp_gunzip *g);

#endif
