/*
 * struct rp_buf: a growable byte buffer with a ceiling (curl's dynbuf "toobig").
 * The data is always NUL-terminated (the NUL is not counted in len).
 */
#ifndef RP_BUF_H
#define RP_BUF_H

#include <stddef.h>

#include "err.h"

struct rp_buf {
	char *data;  /* NULL until the first add */
	size_t len;
	size_t cap;
	size_t max;  /* adds that would make len exceed max fail */
};

#define RP_BUF_INIT(max) { NULL, 0, 0, (max) }

/* Initialise an empty buffer limited to max bytes; allocates nothing. */
void rp_buf_init(struct rp_buf *b, size_t max);
/*
 * Append n bytes. On overflow of b->max returns RP_EINPUT with "exceeds N bytes" and leaves
 * the buffer as it was (the caller prefixes the subject with rp_err_prefix).
 */
enum rp_status rp_buf_add(struct rp_buf *b, const void *p, size_t n, struct rp_err *e);
enum rp_status rp_buf_addstr(struct rp_buf *b, const char *s, struct rp_err *e);
enum rp_status rp_buf_addf(struct rp_buf *b, struct rp_err *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Free the contents; the buffer is as after rp_buf_init (same max). */
void rp_buf_release(struct rp_buf *b);
/* Hand the data to the caller, who free()s it; the buffer is emptied. Never NULL. */
char *rp_buf_detach(struct rp_buf *b, size_t *len);

#endif
