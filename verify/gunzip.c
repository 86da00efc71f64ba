/*
 * Streaming gzip decoding with zlib (inflate with windowBits 31: header, deflate data and a
 * trailer whose CRC-32 and ISIZE zlib checks). libarchive's gzip reader skips the trailer,
 * so archive_canon.c decodes gzip here and hands the result to libarchive.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gunzip.h"
#include "mem.h"

#define OUT_SIZE (64 * 1024)

enum gz_state {
	GZ_START,  /* before the first member */
	GZ_MEMBER, /* inside a member */
	GZ_BETWEEN, /* a member ended: another may follow */
	GZ_DONE,
};

struct rp_gunzip {
	rp_gunzip_pull_fn pull;
	void *arg;
	z_stream z;
	gz_header head;  /* head.done tells a bad header from bad data */
	unsigned char *out;
	const unsigned char *pend; /* a pulled chunk waiting behind hold */
	size_t pend_n;
	unsigned char hold;  /* a magic byte kept across two chunks */
	enum gz_state state;
	unsigned members;
	uint64_t consumed;
	int not_gzip;
};

struct rp_gunzip *rp_gunzip_new(rp_gunzip_pull_fn pull, void *arg)
{
	struct rp_gunzip *g = rp_xcalloc(1, sizeof(*g));

	g->pull = pull;
	g->arg = arg;
	g->out = rp_xmalloc(OUT_SIZE);
	if (inflateInit2(&g->z, 31) != Z_OK)
		abort(); /* only Z_MEM_ERROR is possible with valid arguments */
	return g;
}

void rp_gunzip_free(struct rp_gunzip *g)
{
	if (!g)
		return;
	inflateEnd(&g->z);
	free(g->out);
	free(g);
}

int rp_gunzip_not_gzip(const struct rp_gunzip *g)
{
	return g->not_gzip;
}

uint64_t rp_gunzip_consumed(const struct rp_gunzip *g)
{
	return g->consumed;
}

unsigned rp_gunzip_members(const struct rp_gunzip *g)
{
	return g->members;
}

/* Give inflate the next compressed bytes (*eof at the end of the input). */
static enum rp_status fill(struct rp_gunzip *g, int *eof)
{
	const void *p;
	size_t n;
	enum rp_status rc;

	*eof = 0;
	if (g->pend) {
		g->z.next_in = (unsigned char *)g->pend;
		g->z.avail_in = (uInt)g->pend_n;
		g->pend = NULL;
		return RP_OK;
	}
	rc = g->pull(g->arg, &p, &n);
	if (rc)
		return rc;
	/* chunks are at most a read block; zlib counts in uInt */
	if (n > (size_t)UINT32_MAX / 2)
		n = (size_t)UINT32_MAX / 2;
	g->z.next_in = (unsigned char *)p;
	g->z.avail_in = (uInt)n;
	*eof = n == 0;
	return RP_OK;
}

static void start_member(struct rp_gunzip *g)
{
	if (g->state != GZ_START)
		inflateReset(&g->z);
	memset(&g->head, 0, sizeof(g->head));
	inflateGetHeader(&g->z, &g->head);
	g->state = GZ_MEMBER;
}

/*
 * After a member's trailer: another member follows when the next bytes are the gzip magic
 * (as gzip(1) decides); anything else ends the stream and is left unread.
 */
static enum rp_status next_member(struct rp_gunzip *g)
{
	const unsigned char *p;
	enum rp_status rc;
	int eof;

	if (g->z.avail_in == 0) {
		rc = fill(g, &eof);
		if (rc)
			return rc;
		if (eof) {
			g->state = GZ_DONE;
			return RP_OK;
		}
	}
	if (g->z.avail_in == 1) {
		g->hold = g->z.next_in[0];
		g->z.avail_in = 0;
		rc = fill(g, &eof);
		if (rc)
			return rc;
		if (eof || g->hold != 0x1f || g->z.next_in[0] != 0x8b) {
			g->state = GZ_DONE;
			return RP_OK;
		}
		/* inflate takes the held byte first, then the chunk */
		g->pend = g->z.next_in;
		g->pend_n = g->z.avail_in;
		g->z.next_in = &g->hold;
		g->z.avail_in = 1;
		start_member(g);
		return RP_OK;
	}
	p = g->z.next_in;
	if (p[0] != 0x1f || p[1] != 0x8b) {
		g->state = GZ_DONE;
		return RP_OK;
	}
	start_member(g);
	return RP_OK;
}

static enum rp_status corrupt(struct rp_gunzip *g, const char *why, struct rp_err *e)
{
	unsigned m = g->members + 1;

	g->not_gzip = g->members == 0 && g->head.done == 0;
	g->state = GZ_DONE;
	g->pend = NULL;
	g->z.avail_in = 0;
	if (strcmp(why, "incorrect data check") == 0)
		why = "CRC-32 mismatch (stream corrupt)";
	else if (strcmp(why, "incorrect length check") == 0)
		why = "ISIZE mismatch (stream corrupt)";
	return rp_errf(e, RP_EINPUT, "gzip member %u: %s", m, why);
}

enum rp_status rp_gunzip_read(struct rp_gunzip *g, const void **out, size_t *n,
			      struct rp_err *e)
{
	enum rp_status rc;
	int eof, zr;

	*out = g->out;
	*n = 0;
	if (g->state == GZ_START)
		start_member(g);
	g->z.next_out = g->out;
	g->z.avail_out = OUT_SIZE;
	while (g->z.avail_out == OUT_SIZE && g->state != GZ_DONE) {
		uInt before;

		if (g->state == GZ_BETWEEN) {
			rc = next_member(g);
			if (rc)
				return rc;
			continue;
		}
		if (g->z.avail_in == 0) {
			rc = fill(g, &eof);
			if (rc)
				return rc;
			if (eof)
				return corrupt(g, "unexpected end of data (truncated)", e);
		}
		before = g->z.avail_in;
		zr = inflate(&g->z, Z_NO_FLUSH);
		g->consumed += before - g->z.avail_in;
		switch (zr) {
		case Z_STREAM_END:
			/* zlib has checked this member's CRC-32 and ISIZE */
			g->members++;
			g->state = GZ_BETWEEN;
			break;
		case Z_OK:
		case Z_BUF_ERROR: /* needs more input: the next turn pulls it */
			break;
		case Z_MEM_ERROR:
			abort(); /* out of memory aborts, as rp_xmalloc does */
		default:
			return corrupt(g, g->z.msg ? g->z.msg : "corrupt deflate data", e);
		}
	}
	*n = OUT_SIZE - g->z.avail_out;
	return RP_OK;
}
