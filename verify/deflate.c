/*
 * Deterministic deflate on a ring of slots: position p of the output is compressed in slot
 * p % nslot by whichever worker claims it, and taken by the caller in order. A worker
 * claims p only once its input is in place (ready) and the caller has taken p - nslot.
 * Without workers, the caller compresses each position itself when it takes it.
 */
#define ZLIB_CONST
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "deflate.h"
#include "file.h"
#include "mem.h"

#define LEVEL 6
#define READ_BLOCK (64 * 1024)
#define ZMEM (4u << 20) /* output kept in memory before spilling to a temporary file */
#define DICT (32 * 1024)
#define MAX_THREADS 8

struct slot {
	z_stream z;
	int ready;
	unsigned char *in; /* members: read buffer; gzip: the block */
	size_t inlen;
	unsigned char *dict; /* gzip: the 32 KiB before the block */
	size_t dictlen;
	int last;            /* gzip: the final block */
	unsigned char *out;
	size_t used;
	uint64_t spilled;
	int tfd;
	uint32_t crc;
	/* the position it holds, and whether the result is there */
	size_t pos;
	int done;
	enum rp_status rc;
	struct rp_err err;
};

struct ring {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct slot *slot;
	size_t nslot;
	size_t next, ready, taken; /* claimed by workers / input in place / taken by the caller */
	int closed, stop;
	enum rp_status (*job)(struct ring *r, struct slot *s, size_t pos);
	pthread_t th[MAX_THREADS];
	unsigned nth;
	/* members */
	int spool;
	const uint64_t *off, *size;
};

static void slot_free(struct slot *s)
{
	if (s->ready)
		deflateEnd(&s->z);
	free(s->in);
	free(s->dict);
	free(s->out);
	if (s->tfd >= 0)
		close(s->tfd);
}

static enum rp_status slot_reset(struct slot *s, int window_bits, struct rp_err *e)
{
	if (!s->ready) {
		if (deflateInit2(&s->z, LEVEL, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) !=
		    Z_OK)
			return RP_BUG(e, "cannot start the compressor");
		s->ready = 1;
		s->out = rp_xmalloc(ZMEM);
	} else if (deflateReset(&s->z) != Z_OK) {
		return RP_BUG(e, "cannot reset the compressor");
	}
	s->used = 0;
	s->spilled = 0;
	s->crc = (uint32_t)crc32(0, NULL, 0);
	return RP_OK;
}

/* Run s's stream until its input is taken and flushed (or, finishing, until it ends). */
static enum rp_status zrun(struct slot *s, int flush, struct rp_err *e)
{
	z_stream *z = &s->z;

	for (;;) {
		int r;

		if (s->used == ZMEM) {
			int err;
			if (s->tfd < 0) {
				enum rp_status rc = rp_tmpfile("deflate", &s->tfd, e);
				if (rc)
					return rc;
			}
			if (s->spilled == 0 && lseek(s->tfd, 0, SEEK_SET) < 0)
				return rp_err_sys(e, RP_EIO, errno, "cannot reuse a temporary file");
			err = rp_write_all(s->tfd, s->out, ZMEM);
			if (err)
				return rp_err_sys(e, RP_EIO, err, "cannot write a temporary file");
			s->spilled += ZMEM;
			s->used = 0;
		}
		z->next_out = s->out + s->used;
		z->avail_out = (uInt)(ZMEM - s->used);
		r = deflate(z, flush);
		s->used = ZMEM - z->avail_out;
		if (r == Z_STREAM_END)
			return RP_OK;
		if (r != Z_OK && r != Z_BUF_ERROR)
			return RP_BUG(e, "deflate failed");
		if (flush != Z_FINISH && z->avail_in == 0 && z->avail_out != 0)
			return RP_OK;
	}
}

static enum rp_status member_job(struct ring *r, struct slot *s, size_t pos)
{
	uint64_t off = r->off[pos], left = r->size[pos];
	enum rp_status rc = slot_reset(s, -15, &s->err);

	if (!s->in)
		s->in = rp_xmalloc(READ_BLOCK);
	while (left && !rc) {
		ssize_t n = pread(r->spool, s->in, left < READ_BLOCK ? (size_t)left : READ_BLOCK,
				  (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rp_err_sys(&s->err, RP_EIO, errno, "cannot read the spool file");
		if (n == 0)
			return RP_BUG(&s->err, "spool file too short");
		s->crc = (uint32_t)crc32(s->crc, s->in, (uInt)n);
		s->z.next_in = s->in;
		s->z.avail_in = (uInt)n;
		rc = zrun(s, Z_NO_FLUSH, &s->err);
		off += (uint64_t)n;
		left -= (uint64_t)n;
	}
	if (!rc) {
		s->z.next_in = NULL;
		s->z.avail_in = 0;
		rc = zrun(s, Z_FINISH, &s->err);
	}
	return rc;
}

/*
 * A gzip block: primed with the 32 KiB before it, so cutting costs almost nothing, and
 * ended on a byte boundary (an empty stored block) so the blocks concatenate.
 */
static enum rp_status block_job(struct ring *r, struct slot *s, size_t pos)
{
	enum rp_status rc = slot_reset(s, -15, &s->err);

	(void)r;
	(void)pos;
	if (rc)
		return rc;
	if (s->dictlen && deflateSetDictionary(&s->z, s->dict, (uInt)s->dictlen) != Z_OK)
		return RP_BUG(&s->err, "cannot prime the compressor");
	s->crc = (uint32_t)crc32(s->crc, s->in, (uInt)s->inlen);
	s->z.next_in = s->in;
	s->z.avail_in = (uInt)s->inlen;
	return zrun(s, s->last ? Z_FINISH : Z_SYNC_FLUSH, &s->err);
}

static void *worker(void *arg)
{
	struct ring *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		struct slot *s;
		size_t pos;

		while (!r->stop && r->next == r->ready && !r->closed)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->stop || r->next == r->ready)
			break;
		pos = r->next++;
		s = &r->slot[pos % r->nslot];
		s->pos = pos;
		s->done = 0;
		pthread_mutex_unlock(&r->lock);
		s->rc = r->job(r, s, pos);
		pthread_mutex_lock(&r->lock);
		s->done = 1;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static struct ring *ring_new(unsigned threads,
			     enum rp_status (*job)(struct ring *, struct slot *, size_t))
{
	struct ring *r = rp_xcalloc(1, sizeof(*r));

	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->job = job;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (threads < 2)
		threads = 0;
	r->nslot = threads ? 2 * threads : 1;
	r->slot = rp_xcalloc(r->nslot, sizeof(*r->slot));
	for (size_t i = 0; i < r->nslot; i++)
		r->slot[i].tfd = -1;
	return r;
}

static void ring_start(struct ring *r, unsigned threads)
{
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (r->nslot == 1)
		return;
	/* a worker that cannot start is not needed: the caller compresses what is left */
	while (r->nth < threads && pthread_create(&r->th[r->nth], NULL, worker, r) == 0)
		r->nth++;
}

/* Make the input of the next position claimable. */
static void ring_publish(struct ring *r)
{
	pthread_mutex_lock(&r->lock);
	r->ready++;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/* The result of position pos, the oldest not taken: waited for, or computed here. */
static struct slot *ring_take(struct ring *r, size_t pos, struct rp_err *e)
{
	struct slot *s = &r->slot[pos % r->nslot];

	if (pos != r->taken || pos >= r->ready) {
		RP_BUG(e, "deflate ring taken out of order");
		return NULL;
	}
	pthread_mutex_lock(&r->lock);
	if (r->nth == 0 || (r->next == pos && !r->stop)) {
		/* nobody has claimed it (no workers, or they are all busy): do it here */
		if (r->next == pos)
			r->next++;
		pthread_mutex_unlock(&r->lock);
		s->pos = pos;
		s->rc = r->job(r, s, pos);
		s->done = 1;
	} else {
		while (!(s->done && s->pos == pos))
			pthread_cond_wait(&r->cond, &r->lock);
		pthread_mutex_unlock(&r->lock);
	}
	if (s->rc) {
		*e = s->err;
		return NULL;
	}
	return s;
}

static void ring_release(struct ring *r)
{
	pthread_mutex_lock(&r->lock);
	r->slot[r->taken % r->nslot].done = 0;
	r->taken++;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

static void ring_free(struct ring *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	for (unsigned i = 0; i < r->nth; i++)
		pthread_join(r->th[i], NULL);
	for (size_t i = 0; i < r->nslot; i++)
		slot_free(&r->slot[i]);
	free(r->slot);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* ---- zip members ---------------------------------------------------------------------- */

struct rp_zpool {
	struct ring *r;
	size_t n;
};

struct rp_zpool *rp_zpool_members(int spool, const uint64_t *off, const uint64_t *size, size_t n,
				  unsigned threads)
{
	struct rp_zpool *p = rp_xcalloc(1, sizeof(*p));
	uint64_t bytes = 0;

	for (size_t i = 0; i < n; i++)
		bytes += size[i];
	/* a thread costs about what deflating 100 KiB does */
	if (n < 2 || bytes < (1u << 20))
		threads = 0;
	p->r = ring_new(threads, member_job);
	p->r->spool = spool;
	p->r->off = off;
	p->r->size = size;
	p->n = n;
	p->r->closed = n == 0;
	ring_start(p->r, threads);
	return p;
}

/* Members become claimable as slots free up: at most nslot ahead of the caller. */
static void members_top_up(struct rp_zpool *p)
{
	struct ring *r = p->r;

	pthread_mutex_lock(&r->lock);
	while (r->ready < p->n && r->ready < r->taken + r->nslot)
		r->ready++;
	r->closed = r->ready == p->n;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

enum rp_status rp_zpool_take(struct rp_zpool *p, size_t i, struct rp_zout *out, struct rp_err *e)
{
	struct slot *s;

	if (i >= p->n)
		return RP_BUG(e, "zip member out of range");
	members_top_up(p);
	s = ring_take(p->r, i, e);
	if (!s)
		return e->code;
	out->fd = s->tfd;
	out->fd_len = s->spilled;
	out->mem = s->out;
	out->len = s->used;
	out->crc = s->crc;
	return RP_OK;
}

void rp_zpool_release(struct rp_zpool *p)
{
	ring_release(p->r);
	members_top_up(p);
}

void rp_zpool_free(struct rp_zpool *p)
{
	if (!p)
		return;
	ring_free(p->r);
	free(p);
}

/* ---- gzip streams --------------------------------------------------------------------- */

struct rp_gzw {
	struct ring *r;
	rp_gz_sink sink;
	void *arg;
	struct slot *fill;      /* the slot being filled, or NULL */
	unsigned char tail[DICT];
	size_t taillen;
	uint32_t crc;
	uint64_t size;
	int header_done, failed;
};

struct rp_gzw *rp_gzw_new(unsigned threads, rp_gz_sink sink, void *arg)
{
	struct rp_gzw *g = rp_xcalloc(1, sizeof(*g));

	g->r = ring_new(threads, block_job);
	g->sink = sink;
	g->arg = arg;
	g->crc = (uint32_t)crc32(0, NULL, 0);
	ring_start(g->r, threads);
	return g;
}

/* Write out the oldest compressed block. */
static enum rp_status gz_drain(struct rp_gzw *g, struct rp_err *e)
{
	struct ring *r = g->r;
	struct slot *s = ring_take(r, r->taken, e);
	enum rp_status rc;

	if (!s)
		return e->code;
	if (!g->header_done) {
		/* no flags, mtime 0, extra flags 0, OS 3 (Unix): nothing of the machine or time */
		static const unsigned char hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
		rc = g->sink(g->arg, hdr, sizeof(hdr), e);
		if (rc)
			return rc;
		g->header_done = 1;
	}
	rc = g->sink(g->arg, s->out, s->used, e);
	if (rc)
		return rc;
	g->crc = (uint32_t)crc32_combine(g->crc, s->crc, (z_off_t)s->inlen);
	g->size += s->inlen;
	ring_release(r);
	return RP_OK;
}

/* Hand the filled block to the workers; last: it ends the stream. */
static enum rp_status gz_submit(struct rp_gzw *g, int last, struct rp_err *e)
{
	struct slot *s = g->fill;
	size_t keep;

	memcpy(s->dict, g->tail, g->taillen);
	s->dictlen = g->taillen;
	s->last = last;
	keep = s->inlen < DICT ? s->inlen : DICT;
	if (keep == DICT) {
		memcpy(g->tail, s->in + s->inlen - DICT, DICT);
	} else {
		/* a short block is the last one: the tail no longer matters */
		memmove(g->tail, g->tail + keep, DICT - keep);
		memcpy(g->tail + DICT - keep, s->in, keep);
	}
	g->taillen = g->taillen + keep < DICT ? g->taillen + keep : DICT;
	g->fill = NULL;
	ring_publish(g->r);
	/* the ring is full: write out the oldest before anything else is filled */
	while (g->r->ready - g->r->taken == g->r->nslot) {
		enum rp_status rc = gz_drain(g, e);
		if (rc)
			return rc;
	}
	return RP_OK;
}

static void gz_fill_slot(struct rp_gzw *g)
{
	struct slot *s = &g->r->slot[g->r->ready % g->r->nslot];

	if (!s->in) {
		s->in = rp_xmalloc(RP_GZ_BLOCK);
		s->dict = rp_xmalloc(DICT);
	}
	s->inlen = 0;
	g->fill = s;
}

enum rp_status rp_gzw_write(struct rp_gzw *g, const void *p, size_t n, struct rp_err *e)
{
	const unsigned char *c = p;

	if (g->failed)
		return RP_BUG(e, "gzip writer used after a failure");
	while (n) {
		size_t k;
		if (!g->fill)
			gz_fill_slot(g);
		k = RP_GZ_BLOCK - g->fill->inlen;
		if (k > n)
			k = n;
		memcpy(g->fill->in + g->fill->inlen, c, k);
		g->fill->inlen += k;
		c += k;
		n -= k;
		if (g->fill->inlen == RP_GZ_BLOCK) {
			enum rp_status rc = gz_submit(g, 0, e);
			if (rc) {
				g->failed = 1;
				return rc;
			}
		}
	}
	return RP_OK;
}

enum rp_status rp_gzw_finish(struct rp_gzw *g, struct rp_err *e)
{
	unsigned char trl[8];
	enum rp_status rc;

	if (g->failed)
		return RP_BUG(e, "gzip writer used after a failure");
	/* the final block may be empty: it then only holds the end-of-stream marker */
	if (!g->fill)
		gz_fill_slot(g);
	rc = gz_submit(g, 1, e);
	pthread_mutex_lock(&g->r->lock);
	g->r->closed = 1;
	pthread_cond_broadcast(&g->r->cond);
	pthread_mutex_unlock(&g->r->lock);
	while (!rc && g->r->taken < g->r->ready)
		rc = gz_drain(g, e);
	if (rc) {
		g->failed = 1;
		return rc;
	}
	for (int i = 0; i < 4; i++) {
		trl[i] = (unsigned char)(g->crc >> (8 * i));
		trl[4 + i] = (unsigned char)(g->size >> (8 * i));
	}
	return g->sink(g->arg, trl, sizeof(trl), e);
}

void rp_gzw_free(struct rp_gzw *g)
{
	if (!g)
		return;
	ring_free(g->r);
	free(g);
}
