/*
 * Bounded growable buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

void rp_buf_init(struct rp_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

enum rp_status rp_buf_add(struct rp_buf *b, const void *p, size_t n, struct rp_err *e)
{
	if (n > b->max || b->len > b->max - n)
		return rp_errf(e, RP_EINPUT, "exceeds %zu bytes", b->max);
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap = cap > ((size_t)-1) / 2 ? b->len + n + 1 : cap * 2;
		b->data = rp_xrealloc(b->data, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return RP_OK;
}

enum rp_status rp_buf_addstr(struct rp_buf *b, const char *s, struct rp_err *e)
{
	return rp_buf_add(b, s, strlen(s), e);
}

enum rp_status rp_buf_addf(struct rp_buf *b, struct rp_err *e, const char *fmt, ...)
{
	char small[256], *big = NULL;
	enum rp_status rc;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return RP_BUG(e, "vsnprintf failed");
	if ((size_t)n < sizeof(small))
		return rp_buf_add(b, small, (size_t)n, e);
	big = rp_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = rp_buf_add(b, big, (size_t)n, e);
	free(big);
	return rc;
}

void rp_buf_release(struct rp_buf *b)
{
	free(b->data);
	rp_buf_init(b, b->max);
}

char *rp_buf_detach(struct rp_buf *b, size_t *len)
{
	char *p = b->data ? b->data : rp_xcalloc(1, 1);

	if (len)
		*len = b->len;
	rp_buf_init(b, b->max);
	return p;
}
