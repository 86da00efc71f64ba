/*
 * SHA-256 through OpenSSL EVP, hex helpers, single-file hashing, and collection of the files
 * named by command-line PATHs (DESIGN "hash" contract).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "file.h"
#include "hash.h"
#include "mem.h"

/* Looked up once, by whichever thread hashes first (normalize and diff scan in threads). */
static const EVP_MD *sha256_evp;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_lookup(void)
{
	sha256_evp = EVP_sha256();
}

static const EVP_MD *sha256_md(void)
{
	pthread_once(&sha256_once, sha256_lookup);
	return sha256_evp;
}

void rp_sha256_init(struct rp_sha256 *h)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (!c || EVP_DigestInit_ex(c, sha256_md(), NULL) != 1)
		abort();
	h->ctx = c;
}

void rp_sha256_update(struct rp_sha256 *h, const void *p, size_t n)
{
	if (n && EVP_DigestUpdate(h->ctx, p, n) != 1)
		abort();
}

void rp_sha256_final(struct rp_sha256 *h, unsigned char out[RP_SHA256_LEN])
{
	unsigned int len = 0;

	if (EVP_DigestFinal_ex(h->ctx, out, &len) != 1 || len != RP_SHA256_LEN)
		abort();
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

void rp_sha256_release(struct rp_sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

void rp_sha256(const void *p, size_t n, unsigned char out[RP_SHA256_LEN])
{
	unsigned int len = 0;

	if (EVP_Digest(p, n, out, &len, sha256_md(), NULL) != 1)
		abort();
}

void rp_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int rp_hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int rp_unhex(const char *hex, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = rp_hexdigit(hex[2 * i]), lo;
		if (hi < 0)
			return -1;
		lo = rp_hexdigit(hex[2 * i + 1]);
		if (lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int rp_ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

enum rp_status rp_hash_fd(int fd, const char *name, unsigned char out[RP_SHA256_LEN],
			  uint64_t *size, struct rp_err *e)
{
	enum { CHUNK = 1 << 18 };
	struct rp_sha256 h;
	unsigned char *buf = rp_xmalloc(CHUNK);
	uint64_t total = 0;

	rp_sha256_init(&h);
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0) {
			int err = errno;
			if (err == EINTR)
				continue;
			rp_sha256_release(&h);
			free(buf);
			return rp_err_sys(e, RP_EIO, err, "cannot read '%s'", name);
		}
		if (n == 0)
			break;
		rp_sha256_update(&h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	rp_sha256_final(&h, out);
	free(buf);
	if (size)
		*size = total;
	return RP_OK;
}

enum rp_status rp_hash_path(const char *path, unsigned char out[RP_SHA256_LEN],
			    uint64_t *size, struct rp_err *e)
{
	enum rp_status rc;
	int fd;

	rc = rp_open_ro(path, RP_OPEN_STDIN, &fd, e);
	if (rc)
		return rc;
	rc = rp_hash_fd(fd, path, out, size, e);
	close(fd);
	return rc;
}

/*
 * Where collected files go: a plain list, or (for rp_hash_tree) chunked storage whose items
 * never move, pushed to a running engine as they are found.
 */
struct sink {
	struct rp_hash_list *list;
	struct rp_hash_engine *engine;
	struct rp_hash_item **chunks;
	size_t nchunks, n;
};

#define CHUNK_ITEMS 4096

static void list_push(struct rp_hash_list *l, char *path, char *name, uint64_t size)
{
	struct rp_hash_item *it;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 64;
		l->items = rp_xreallocarray(l->items, l->alloc, sizeof(*l->items));
	}
	it = &l->items[l->n++];
	memset(it, 0, sizeof(*it));
	it->path = path;
	it->name = name;
	it->size = size;
}

static void sink_push(struct sink *k, char *path, char *name, uint64_t size, int nonreg)
{
	struct rp_hash_item *it;

	if (!k->engine) {
		list_push(k->list, path, name, size);
		k->list->items[k->list->n - 1].nonreg = nonreg;
		return;
	}
	if (k->n % CHUNK_ITEMS == 0) {
		k->chunks = rp_xreallocarray(k->chunks, k->nchunks + 1, sizeof(*k->chunks));
		k->chunks[k->nchunks++] = rp_xcalloc(CHUNK_ITEMS, sizeof(struct rp_hash_item));
	}
	it = &k->chunks[k->n / CHUNK_ITEMS][k->n % CHUNK_ITEMS];
	k->n++;
	it->path = path;
	it->name = name;
	it->size = size;
	it->nonreg = nonreg;
	rp_hash_engine_push(k->engine, it);
}

/* Join a directory prefix and an entry name; "." as the top prefix contributes nothing. */
static char *join(const char *dir, const char *name)
{
	if (!dir[0])
		return rp_xstrdup(name);
	if (dir[strlen(dir) - 1] == '/')
		return rp_xasprintf("%s%s", dir, name);
	return rp_xasprintf("%s/%s", dir, name);
}

/*
 * Walk dirfd recursively. `open_prefix` is the path used to open files; `name_prefix` is the
 * reported name ("" under "."). Depth is bounded so a hostile tree cannot exhaust the stack.
 */
static enum rp_status walk(struct sink *l, int dirfd, const char *open_prefix,
			   const char *name_prefix, int depth,
			   void (*skipped)(const char *, const char *, void *), void *arg,
			   struct rp_err *e)
{
	enum rp_status rc = RP_OK;
	struct dirent *d;
	DIR *dir;

	if (depth > 256) {
		close(dirfd);
		return rp_errf(e, RP_EIO, "'%s': directories nested too deeply", open_prefix);
	}
	dir = fdopendir(dirfd);
	if (!dir) {
		int err = errno;
		close(dirfd);
		return rp_err_sys(e, RP_EIO, err, "cannot read directory '%s'", open_prefix);
	}
	for (;;) {
		struct stat st;
		char *opath, *npath;
		int fd;

		errno = 0;
		d = readdir(dir);
		if (!d) {
			if (errno)
				rc = rp_err_sys(e, RP_EIO, errno, "cannot read directory '%s'",
						open_prefix);
			break;
		}
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = rp_err_sys(e, RP_EIO, errno, "cannot stat '%s/%s'", open_prefix,
					d->d_name);
			break;
		}
		opath = join(open_prefix, d->d_name);
		npath = join(name_prefix, d->d_name);
		if (S_ISREG(st.st_mode)) {
			sink_push(l, opath, npath, (uint64_t)st.st_size, 0);
			if (l->engine)
				l->chunks[(l->n - 1) / CHUNK_ITEMS][(l->n - 1) % CHUNK_ITEMS].nofollow = 1;
			else
				l->list->items[l->list->n - 1].nofollow = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			fd = openat(dirfd, d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				rc = rp_err_sys(e, RP_EIO, errno, "cannot open directory '%s'", opath);
				free(opath);
				free(npath);
				break;
			}
			rc = walk(l, fd, opath, npath, depth + 1, skipped, arg, e);
			free(opath);
			free(npath);
			if (rc)
				break;
			continue;
		}
		if (skipped)
			skipped(opath, S_ISLNK(st.st_mode) ? "symbolic link not followed"
							   : "not a regular file", arg);
		free(opath);
		free(npath);
	}
	closedir(dir);
	return rc;
}

static enum rp_status sink_add(struct sink *l, const char *path,
			       void (*skipped)(const char *name, const char *why, void *arg),
			       void *arg, struct rp_err *e)
{
	struct stat st;
	int fd;

	if (strcmp(path, "-") == 0) {
		sink_push(l, rp_xstrdup(path), rp_xstrdup(path), 0, 1);
		return RP_OK;
	}
	if (stat(path, &st) < 0)
		return rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", path);
	if (!S_ISDIR(st.st_mode)) {
		sink_push(l, rp_xstrdup(path), rp_xstrdup(path), (uint64_t)st.st_size,
			  !S_ISREG(st.st_mode));
		return RP_OK;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return rp_err_sys(e, RP_EIO, errno, "cannot open directory '%s'", path);
	return walk(l, fd, path, strcmp(path, ".") == 0 || strcmp(path, "./") == 0 ? "" : path, 0,
		    skipped, arg, e);
}

enum rp_status rp_hash_list_add(struct rp_hash_list *l, const char *path,
				void (*skipped)(const char *name, const char *why, void *arg),
				void *arg, struct rp_err *e)
{
	struct sink k = { l, NULL, NULL, 0, 0 };

	return sink_add(&k, path, skipped, arg, e);
}

static int cmp_name(const void *a, const void *b)
{
	const struct rp_hash_item *x = a, *y = b;

	return strcmp(x->name, y->name);
}

void rp_hash_list_sort(struct rp_hash_list *l)
{
	if (l->n > 1)
		qsort(l->items, l->n, sizeof(*l->items), cmp_name);
}

void rp_hash_list_release(struct rp_hash_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].path);
		free(l->items[i].name);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
	l->alloc = 0;
}

enum rp_status rp_hash_tree(struct rp_hash_list *l, char *const *paths, size_t npaths,
			    void (*skipped)(const char *name, const char *why, void *arg),
			    void (*failed)(const char *name, int err, void *arg), void *arg,
			    struct rp_hash_opts *o, struct rp_err *e)
{
	struct sink k = { l, NULL, NULL, 0, 0 };
	enum rp_status rc = RP_OK;
	size_t i;

	size_t max_files = npaths;
	struct stat st;

	/* only plain files named: as many workers as files at most (so spare cores are known) */
	for (i = 0; i < npaths; i++)
		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			max_files = 0;
	k.engine = rp_hash_engine_start(o, max_files);
	for (i = 0; i < npaths && !rc; i++)
		rc = sink_add(&k, paths[i], skipped, arg, e);
	/* finish even after a walk error: the workers hold pointers into the chunks */
	rp_hash_engine_finish(k.engine);
	l->items = rp_xreallocarray(l->items, l->n + k.n + 1, sizeof(*l->items));
	l->alloc = l->n + k.n + 1;
	for (i = 0; i < k.n; i++)
		l->items[l->n++] = k.chunks[i / CHUNK_ITEMS][i % CHUNK_ITEMS];
	for (i = 0; i < k.nchunks; i++)
		free(k.chunks[i]);
	free(k.chunks);
	rp_hash_list_sort(l);
	if (rc)
		return rc;
	for (i = 0; i < l->n; i++) {
		if (!l->items[i].err)
			continue;
		if (failed)
			failed(l->items[i].path, l->items[i].err, arg);
		if (!rc)
			rc = rp_err_sys(e, RP_EIO, l->items[i].err, "cannot read '%s'",
					l->items[i].path);
	}
	return rc;
}
