/*
 * SHA-256 through OpenSSL EVP, hex helpers, single-file hashing, and collection of the files
 * named by command-line PATHs (DESIGN "hash" contract).
 */
#include <dirent.h>
#include <errno.h>
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

/* Fetched once: EVP_MD_fetch per digest costs a provider lookup. */
static const EVP_MD *sha256_md(void)
{
	static const EVP_MD *md;

	if (!md)
		md = EVP_sha256();
	return md;
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

static int nibble(char c)
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
		int hi = nibble(hex[2 * i]), lo;
		if (hi < 0)
			return -1;
		lo = nibble(hex[2 * i + 1]);
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
static enum rp_status walk(struct rp_hash_list *l, int dirfd, const char *open_prefix,
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
			list_push(l, opath, npath, (uint64_t)st.st_size);
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

enum rp_status rp_hash_list_add(struct rp_hash_list *l, const char *path,
				void (*skipped)(const char *name, const char *why, void *arg),
				void *arg, struct rp_err *e)
{
	struct stat st;
	int fd;

	if (strcmp(path, "-") == 0) {
		list_push(l, rp_xstrdup(path), rp_xstrdup(path), 0);
		l->items[l->n - 1].nonreg = 1;
		return RP_OK;
	}
	if (stat(path, &st) < 0)
		return rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", path);
	if (!S_ISDIR(st.st_mode)) {
		list_push(l, rp_xstrdup(path), rp_xstrdup(path), (uint64_t)st.st_size);
		l->items[l->n - 1].nonreg = !S_ISREG(st.st_mode);
		return RP_OK;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return rp_err_sys(e, RP_EIO, errno, "cannot open directory '%s'", path);
	return walk(l, fd, path, strcmp(path, ".") == 0 || strcmp(path, "./") == 0 ? "" : path, 0,
		    skipped, arg, e);
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
