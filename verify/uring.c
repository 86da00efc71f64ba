/*
 * The file hashing engine: one worker thread per core, files handed out largest first from
 * a shared queue. Each worker owns an io_uring: files are opened straight into fixed-file
 * slots (openat direct, linked to the first read), up to SLOTS files and NBUF reads per file
 * in flight, submitted in batches, and hashed in offset order. Where io_uring is unavailable
 * (old kernel, seccomp, io_uring_disabled, RP_NO_URING=1) a worker falls back to read(2)
 * with identical results. This is the only file that sees liburing.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "mem.h"

enum {
	SLOTS = 64,              /* files in flight per worker (cold small files want 32-64) */
	NBUF = 2,                /* reads in flight per file */
	BUFSZ = 256 * 1024,      /* read size; warm runs were flat from 64 KiB to 1 MiB */
	RING_ENTRIES = 256,
	PREAD_CHUNK = 256 * 1024,
};
/* A worker holding a file this large takes no other file until it is done, so two big files
 * never queue behind each other on one core while the other core idles. */
#define BIG_FILE ((uint64_t)8 << 20)
/* A worker takes another file only while its files in flight sum to less than this, so
 * small files are batched 64 at a time but medium ones are hashed one after another. */
#define BATCH_BYTES ((uint64_t)4 << 20)
#define ASYNC_MIN ((uint64_t)1 << 20)

/*
 * The work queue. Files of PRIO_MIN bytes or more wait in a max-heap by size and are handed
 * out first; smaller ones in discovery order. Producers (a directory walk, or a caller's
 * list) push while the workers already hash, so a tree's walk overlaps its hashing.
 */
struct rp_hash_engine {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct rp_hash_item **heap;
	size_t nheap, aheap;
	struct rp_hash_item **fifo;
	size_t nfifo, afifo, fifo_next;
	int closed;             /* no more pushes */
	int nwait;              /* workers blocked in take() */
	int force_pread;
	long ncpu;
	atomic_int ndone;       /* workers that have finished */
	atomic_int fallbacks;   /* workers that could not use io_uring */
	char fallback_why[128];
	pthread_t *threads;
	struct worker *workers;
	unsigned nthreads;
	struct rp_hash_opts *opts;
	struct rp_hash_item *first_err; /* first failed item pushed (for the message) */
	size_t pushed;
};

#define PRIO_MIN ((uint64_t)1 << 20)

static void heap_push(struct rp_hash_engine *g, struct rp_hash_item *it)
{
	size_t i;

	if (g->nheap == g->aheap) {
		g->aheap = g->aheap ? g->aheap * 2 : 64;
		g->heap = rp_xreallocarray(g->heap, g->aheap, sizeof(*g->heap));
	}
	i = g->nheap++;
	while (i > 0 && g->heap[(i - 1) / 2]->size < it->size) {
		g->heap[i] = g->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	g->heap[i] = it;
}

static struct rp_hash_item *heap_pop(struct rp_hash_engine *g)
{
	struct rp_hash_item *top = g->heap[0], *last = g->heap[--g->nheap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= g->nheap)
			break;
		if (c + 1 < g->nheap && g->heap[c + 1]->size > g->heap[c]->size)
			c++;
		if (g->heap[c]->size <= last->size)
			break;
		g->heap[i] = g->heap[c];
		i = c;
	}
	if (g->nheap)
		g->heap[i] = last;
	return top;
}

enum { TAKE_OK, TAKE_EMPTY, TAKE_DONE };

/* Next file to hash; with block, waits for a push or for the queue to close. */
static int take(struct rp_hash_engine *g, int block, struct rp_hash_item **out)
{
	int r;

	pthread_mutex_lock(&g->lock);
	for (;;) {
		if (g->nheap) {
			*out = heap_pop(g);
			r = TAKE_OK;
			break;
		}
		if (g->fifo_next < g->nfifo) {
			*out = g->fifo[g->fifo_next++];
			r = TAKE_OK;
			break;
		}
		if (g->closed) {
			r = TAKE_DONE;
			break;
		}
		if (!block) {
			r = TAKE_EMPTY;
			break;
		}
		__atomic_add_fetch(&g->nwait, 1, __ATOMIC_RELAXED);
		pthread_cond_wait(&g->cond, &g->lock);
		__atomic_sub_fetch(&g->nwait, 1, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&g->lock);
	return r;
}

/* Is a core without a busy worker (threads waiting for work or finished count as idle)? */
static int spare_core(struct rp_hash_engine *g)
{
	long busy = (long)g->nthreads - __atomic_load_n(&g->nwait, __ATOMIC_RELAXED) -
		    atomic_load_explicit(&g->ndone, memory_order_relaxed);

	return g->ncpu > 0 && busy < g->ncpu;
}

static void hash_one_pread(struct rp_hash_item *it, unsigned char *buf)
{
	struct rp_sha256 h;
	uint64_t total = 0;
	int fd;

	if (strcmp(it->path, "-") == 0 && it->nonreg)
		fd = dup(0);
	else
		fd = open(it->path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
					    (it->nofollow ? O_NOFOLLOW | O_NONBLOCK : 0));
	if (fd < 0) {
		it->err = errno;
		return;
	}
	if (it->nofollow) {
		struct stat st;
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			/* replaced by something else since the walk saw a regular file */
			it->err = EINVAL;
			close(fd);
			return;
		}
	}
	rp_sha256_init(&h);
	for (;;) {
		ssize_t r = read(fd, buf, PREAD_CHUNK);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			it->err = errno;
			break;
		}
		if (r == 0)
			break;
		rp_sha256_update(&h, buf, (size_t)r);
		total += (uint64_t)r;
	}
	close(fd);
	if (it->err) {
		rp_sha256_release(&h);
		return;
	}
	rp_sha256_final(&h, it->digest);
	it->size = total;
}

static void run_pread(struct rp_hash_engine *g, unsigned char *buf)
{
	struct rp_hash_item *it;

	while (take(g, 1, &it) == TAKE_OK)
		hash_one_pread(it, buf);
}

enum buf_state { B_FREE, B_PENDING, B_READY };

struct slot {
	struct rp_hash_item *it;
	struct rp_sha256 h;
	int active;
	int err;
	int eof;
	uint64_t eof_off;       /* valid when eof */
	uint64_t next_off;      /* offset of the next read to submit */
	uint64_t hash_off;      /* next offset to feed to the digest */
	int inflight;
	uint32_t gen;
	uint64_t size_at_start; /* it->size when started (it->size becomes bytes hashed) */
	unsigned char *buf[NBUF];
	uint64_t boff[NBUF];
	uint32_t blen[NBUF];    /* bytes read so far into buf (short reads are continued) */
	uint32_t bwant[NBUF];
	enum buf_state bstate[NBUF];
};

struct worker {
	struct rp_hash_engine *g;
	struct io_uring ring;
	struct slot slots[SLOTS];
	int active;
	int big_active;
	uint64_t active_bytes;  /* sum of the sizes (from stat) of the files in flight */
	unsigned char *pread_buf;
};

enum { OP_OPEN = 1, OP_READ = 2 };

/* user_data: generation (so a stale completion for a reused slot is recognised), slot,
 * buffer, operation */
static uint64_t ud(const struct slot *sl, int slot, int b, int op)
{
	return (uint64_t)sl->gen << 32 | (uint64_t)slot << 16 | (uint64_t)b << 8 | (uint64_t)op;
}

static struct io_uring_sqe *get_sqe(struct worker *w)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);

	if (!sqe) {
		io_uring_submit(&w->ring);
		sqe = io_uring_get_sqe(&w->ring);
	}
	return sqe;
}

static void prep_read(struct worker *w, int s, int b, unsigned flags)
{
	struct slot *sl = &w->slots[s];
	struct io_uring_sqe *sqe = get_sqe(w);

	io_uring_prep_read(sqe, s, sl->buf[b] + sl->blen[b], sl->bwant[b] - sl->blen[b],
			   sl->boff[b] + sl->blen[b]);
	sqe->flags |= IOSQE_FIXED_FILE | flags;
	/*
	 * Large files, while a core has no busy worker: have io-wq do the page-cache copy
	 * there while this thread hashes (1 GiB warm: 1.15 s inline vs 1.02 s async). With a
	 * worker on every core the copy only competes with hashing (200 x 4-16 MiB: 1.38 vs
	 * 1.84 GB/s), and small files always stay inline.
	 */
	if (sl->it->size >= ASYNC_MIN && spare_core(w->g))
		sqe->flags |= IOSQE_ASYNC;
	io_uring_sqe_set_data64(sqe, ud(sl, s, b, OP_READ));
	sl->bstate[b] = B_PENDING;
	sl->inflight++;
}

static void queue_buf(struct worker *w, int s, int b)
{
	struct slot *sl = &w->slots[s];

	if (!sl->buf[b])
		sl->buf[b] = rp_xmalloc(BUFSZ); /* second buffers only for files that need them */
	sl->boff[b] = sl->next_off;
	sl->blen[b] = 0;
	sl->bwant[b] = BUFSZ;
	sl->next_off += BUFSZ;
	prep_read(w, s, b, 0);
}

static void start_file(struct worker *w, int s, struct rp_hash_item *it)
{
	struct slot *sl = &w->slots[s];
	struct io_uring_sqe *sqe;

	if (io_uring_sq_space_left(&w->ring) < 2)
		io_uring_submit(&w->ring);
	sl->it = it;
	sl->size_at_start = it->size;
	sl->gen++;
	sl->active = 1;
	sl->err = 0;
	sl->eof = 0;
	sl->next_off = 0;
	sl->hash_off = 0;
	sl->inflight = 0;
	for (int b = 0; b < NBUF; b++)
		sl->bstate[b] = B_FREE;
	rp_sha256_init(&sl->h);
	/* Opening into a slot that still holds the previous file replaces (closes) it. */
	sqe = get_sqe(w);
	/*
	 * A walked file swapped for a symlink since the walk fails the open (ELOOP). Not
	 * O_NONBLOCK as the pread path does: io_uring honours it on regular files and would
	 * answer -EAGAIN to every read of an uncached page instead of waiting for it.
	 */
	io_uring_prep_openat_direct(sqe, AT_FDCWD, it->path,
				    O_RDONLY | O_NOCTTY | (it->nofollow ? O_NOFOLLOW : 0), 0,
				    (unsigned)s);
	sqe->flags |= IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
	io_uring_sqe_set_data64(sqe, ud(sl, s, 0, OP_OPEN));
	queue_buf(w, s, 0);
	w->active++;
	w->active_bytes += it->size;
	if (it->size > BIG_FILE)
		w->big_active++;
}

static void finish_file(struct worker *w, int s)
{
	struct slot *sl = &w->slots[s];

	if (sl->err) {
		sl->it->err = sl->err;
		rp_sha256_release(&sl->h);
	} else {
		rp_sha256_final(&sl->h, sl->it->digest);
		sl->it->size = sl->hash_off;
	}
	w->active_bytes -= sl->size_at_start;
	if (sl->size_at_start > BIG_FILE)
		w->big_active--;
	sl->active = 0;
	w->active--;
}

/* Feed completed buffers to the digest in offset order and keep reads flowing. */
static void advance(struct worker *w, int s)
{
	struct slot *sl = &w->slots[s];
	int progressed = 1;

	while (progressed && !sl->err) {
		progressed = 0;
		for (int b = 0; b < NBUF; b++) {
			if (sl->bstate[b] != B_READY || sl->boff[b] != sl->hash_off)
				continue;
			if (!sl->eof || sl->hash_off < sl->eof_off) {
				uint64_t n = sl->blen[b];
				if (sl->eof && sl->hash_off + n > sl->eof_off)
					n = sl->eof_off - sl->hash_off;
				rp_sha256_update(&sl->h, sl->buf[b], (size_t)n);
				sl->hash_off += n;
			}
			sl->bstate[b] = B_FREE;
			progressed = 1;
		}
	}
	if (!sl->err && !sl->eof) {
		for (int b = 0; b < NBUF; b++)
			if (sl->bstate[b] == B_FREE)
				queue_buf(w, s, b);
	}
	if (sl->inflight == 0 && (sl->err || (sl->eof && sl->hash_off >= sl->eof_off)))
		finish_file(w, s);
}

static void on_cqe(struct worker *w, struct io_uring_cqe *cqe)
{
	uint64_t d = io_uring_cqe_get_data64(cqe);
	int s = (int)((d >> 16) & 0xffff), b = (int)((d >> 8) & 0xff), op = (int)(d & 0xff);
	struct slot *sl = &w->slots[s];
	int res = cqe->res;

	if (s >= SLOTS || b >= NBUF || !sl->active || (uint32_t)(d >> 32) != sl->gen)
		return; /* a late completion for a file already finished */
	if (op == OP_OPEN) {
		/*
		 * Only failures post (CQE_SKIP_SUCCESS). Kernels skip the linked read's
		 * -ECANCELED completion too when the head had CQE_SKIP_SUCCESS (seen on 6.18);
		 * if an older one posts it, the generation check above drops it.
		 */
		sl->err = res < 0 ? -res : EIO;
		sl->inflight = 0;
		for (int k = 0; k < NBUF; k++)
			sl->bstate[k] = B_FREE;
		finish_file(w, s);
		sl->gen++;
		return;
	}
	sl->inflight--;
	if (res < 0) {
		if ((res == -EAGAIN || res == -EINTR) && !sl->err) {
			prep_read(w, s, b, 0);
			return;
		}
		if (!sl->err)
			sl->err = res == -ECANCELED ? EIO : -res;
		sl->bstate[b] = B_FREE;
		advance(w, s);
		return;
	}
	sl->blen[b] += (uint32_t)res;
	if (res == 0 || (sl->blen[b] < sl->bwant[b] &&
			 sl->boff[b] + sl->blen[b] >= sl->it->size)) {
		/* end of file: a zero read, or a short one that reaches the size stat saw */
		uint64_t end = sl->boff[b] + sl->blen[b];
		if (!sl->eof || end < sl->eof_off)
			sl->eof_off = end;
		sl->eof = 1;
	} else if (sl->blen[b] < sl->bwant[b]) {
		/* a short read before the known size: continue into the same buffer */
		prep_read(w, s, b, 0);
		return;
	}
	sl->bstate[b] = B_READY;
	advance(w, s);
}

static int setup_ring(struct worker *w, char *why, size_t whylen)
{
	struct io_uring_params p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN |
		  IORING_SETUP_DEFER_TASKRUN;
	ret = io_uring_queue_init_params(RING_ENTRIES, &w->ring, &p);
	if (ret == -EINVAL) {
		/* kernels before 6.1 lack these flags; they only save task-work interrupts */
		memset(&p, 0, sizeof(p));
		ret = io_uring_queue_init_params(RING_ENTRIES, &w->ring, &p);
	}
	if (ret < 0) {
		snprintf(why, whylen, "io_uring_setup: %s", strerror(-ret));
		return -1;
	}
	ret = io_uring_register_files_sparse(&w->ring, SLOTS);
	if (ret < 0) {
		snprintf(why, whylen, "io_uring fixed files: %s", strerror(-ret));
		io_uring_queue_exit(&w->ring);
		return -1;
	}
	return 0;
}

static void run_uring(struct worker *w)
{
	struct rp_hash_engine *g = w->g;
	int more = 1;

	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		int ret;

		while (more && w->active < SLOTS && !w->big_active &&
		       (w->active == 0 || w->active_bytes < BATCH_BYTES)) {
			struct rp_hash_item *it;
			int s, t = take(g, w->active == 0, &it);
			if (t == TAKE_DONE)
				more = 0;
			if (t != TAKE_OK)
				break;
			if (it->nonreg) {
				/* pipes and devices have no offsets: read them the plain way */
				hash_one_pread(it, w->pread_buf);
				continue;
			}
			for (s = 0; s < SLOTS && w->slots[s].active; s++)
				;
			start_file(w, s, it);
		}
		if (!w->active)
			break;
		ret = io_uring_submit_and_wait(&w->ring, 1);
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
			/* the ring itself broke: fail what is in flight rather than spin */
			for (int s = 0; s < SLOTS; s++)
				if (w->slots[s].active) {
					w->slots[s].err = -ret;
					w->slots[s].inflight = 0;
					finish_file(w, s);
				}
			break;
		}
		io_uring_for_each_cqe(&w->ring, head, cqe) {
			on_cqe(w, cqe);
			seen++;
		}
		io_uring_cq_advance(&w->ring, seen);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct rp_hash_engine *g = w->g;
	char why[128];

	w->pread_buf = rp_xmalloc(PREAD_CHUNK);
	if (!g->force_pread && setup_ring(w, why, sizeof(why)) == 0) {
		run_uring(w);
		io_uring_queue_exit(&w->ring);
	} else {
		if (g->force_pread)
			snprintf(why, sizeof(why), "pread forced");
		pthread_mutex_lock(&g->lock);
		snprintf(g->fallback_why, sizeof(g->fallback_why), "%s", why);
		pthread_mutex_unlock(&g->lock);
		atomic_fetch_add(&g->fallbacks, 1);
	}
	/* a worker whose ring broke, or that had none, finishes the queue with plain reads */
	run_pread(g, w->pread_buf);
	atomic_fetch_add(&g->ndone, 1);
	for (int s = 0; s < SLOTS; s++)
		for (int b = 0; b < NBUF; b++)
			free(w->slots[s].buf[b]);
	free(w->pread_buf);
	return NULL;
}

struct rp_hash_engine *rp_hash_engine_start(struct rp_hash_opts *o, size_t max_files)
{
	struct rp_hash_engine *g = rp_xcalloc(1, sizeof(*g));
	unsigned jobs = o->jobs;
	long ncpu;

	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	atomic_init(&g->fallbacks, 0);
	g->force_pread = o->force_pread;
	g->opts = o;
	if (!jobs) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = ncpu > 0 ? (unsigned)ncpu : 1;
	}
	if (max_files && jobs > max_files)
		jobs = (unsigned)max_files;
	g->ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	atomic_init(&g->ndone, 0);
	g->workers = rp_xcalloc(jobs, sizeof(*g->workers));
	g->threads = rp_xcalloc(jobs, sizeof(*g->threads));
	for (unsigned i = 0; i < jobs; i++) {
		g->workers[i].g = g;
		if (pthread_create(&g->threads[i], NULL, worker_main, &g->workers[i]) != 0)
			break;
		g->nthreads++;
	}
	return g;
}

void rp_hash_engine_push(struct rp_hash_engine *g, struct rp_hash_item *it)
{
	pthread_mutex_lock(&g->lock);
	g->pushed++;
	if (it->err) {
		/* pre-failed by the caller: nothing to read */
	} else if (it->size >= PRIO_MIN) {
		heap_push(g, it);
	} else {
		if (g->nfifo == g->afifo) {
			g->afifo = g->afifo ? g->afifo * 2 : 256;
			g->fifo = rp_xreallocarray(g->fifo, g->afifo, sizeof(*g->fifo));
		}
		g->fifo[g->nfifo++] = it;
	}
	if (g->nwait)
		pthread_cond_signal(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

void rp_hash_engine_finish(struct rp_hash_engine *g)
{
	struct rp_hash_opts *o = g->opts;

	pthread_mutex_lock(&g->lock);
	g->closed = 1;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	if (!g->nthreads)
		worker_main(&g->workers[0]); /* no thread could start: do the work here */
	for (unsigned i = 0; i < g->nthreads; i++)
		pthread_join(g->threads[i], NULL);
	o->used_uring = atomic_load(&g->fallbacks) == 0 && g->nthreads > 0;
	snprintf(o->fallback_why, sizeof(o->fallback_why), "%s",
		 g->fallback_why[0] ? g->fallback_why : "io_uring used");
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->lock);
	free(g->heap);
	free(g->fifo);
	free(g->threads);
	free(g->workers);
	free(g);
}

enum rp_status rp_hash_run(struct rp_hash_item *items, size_t n, struct rp_hash_opts *o,
			   struct rp_err *e)
{
	struct rp_hash_engine *g;
	size_t i;

	g = rp_hash_engine_start(o, n ? n : 1);
	for (i = 0; i < n; i++)
		rp_hash_engine_push(g, &items[i]);
	rp_hash_engine_finish(g);
	for (i = 0; i < n; i++)
		if (items[i].err)
			return rp_err_sys(e, RP_EIO, items[i].err, "cannot read '%s'", items[i].path);
	return RP_OK;
}
