/*
 * The release directory layout: staged writing for `gate` (flat artifacts, SHA256SUMS,
 * then one rename so a release appears whole or not at all) and reading a published
 * release, local or by URL, for `audit`.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "mem.h"
#include "release.h"
#include "sums.h"

#define COPY_BUF (256u * 1024)
#define SUMS_MAX (16u << 20)

const char *rp_release_name_problem(const char *name)
{
	if (!name[0])
		return "empty name";
	if (strchr(name, '/'))
		return "contains '/'";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "is '.' or '..'";
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "contains a control character";
	if (strcmp(name, RP_RELEASE_SUMS) == 0 || strcmp(name, RP_RELEASE_SUMS_SIG) == 0 ||
	    strcmp(name, RP_RELEASE_PROVENANCE) == 0)
		return "is a name the release layout reserves";
	return NULL;
}

enum rp_status rp_release_parent_ok(const char *path, struct rp_err *e)
{
	char *copy, *slash;
	const char *parent;
	size_t n;
	enum rp_status rc = RP_OK;

	if (strcmp(path, "-") == 0)
		return RP_OK;
	copy = rp_xstrdup(path);
	n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	slash = strrchr(copy, '/');
	if (slash)
		slash[slash == copy ? 1 : 0] = '\0';
	parent = slash ? copy : ".";
	if (access(parent, W_OK | X_OK) != 0)
		rc = rp_err_sys(e, RP_EIO, errno, "cannot create files in '%s'", parent);
	free(copy);
	return rc;
}

enum rp_status rp_release_out_ok(const char *dir, struct rp_err *e)
{
	struct stat st;
	struct dirent *d;
	DIR *dp;
	int empty = 1;

	if (lstat(dir, &st) != 0) {
		if (errno == ENOENT)
			return rp_release_parent_ok(dir, e);
		return rp_err_sys(e, RP_EIO, errno, "cannot stat '%s'", dir);
	}
	if (!S_ISDIR(st.st_mode))
		return rp_errf(e, RP_EIO, "'%s': exists and is not a directory", dir);
	dp = opendir(dir);
	if (!dp)
		return rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", dir);
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			empty = 0;
	closedir(dp);
	if (!empty)
		return rp_errf(e, RP_EIO, "'%s': exists and is not empty", dir);
	return RP_OK;
}

/* Remove a flat directory (files only; what staging and downloads hold) and the dir. */
static void remove_flat(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *d;

	if (dp) {
		while ((d = readdir(dp)) != NULL)
			if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
				unlinkat(dirfd(dp), d->d_name, 0);
		closedir(dp);
	}
	rmdir(dir);
}

static void stage_free(struct rp_release_stage *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
	free(s->sha256);
	free(s->dir);
	free(s->tmp);
	memset(s, 0, sizeof(*s));
}

enum rp_status rp_release_stage_open(struct rp_release_stage *s, const char *dir,
				     struct rp_err *e)
{
	char *copy = rp_xstrdup(dir), *slash, *tmpl;
	const char *parent, *base;
	size_t n = strlen(copy);
	mode_t um;

	memset(s, 0, sizeof(*s));
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		parent = slash == copy ? "/" : copy;
		base = slash + 1;
	} else {
		parent = ".";
		base = copy;
	}
	if (!base[0] || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		free(copy);
		return rp_errf(e, RP_EUSAGE, "'%s': not a usable release directory name", dir);
	}
	tmpl = rp_xasprintf("%s/.%s.tmp-XXXXXX", parent, base);
	free(copy);
	if (!mkdtemp(tmpl)) {
		enum rp_status rc = rp_err_sys(e, RP_EIO, errno, "cannot create a staging "
					       "directory next to '%s'", dir);
		free(tmpl);
		return rc;
	}
	um = umask(0);
	umask(um);
	chmod(tmpl, 0755 & ~um);
	s->tmp = tmpl;
	s->dir = rp_xstrdup(dir);
	return RP_OK;
}

char *rp_release_stage_path(const struct rp_release_stage *s, const char *name)
{
	return rp_xasprintf("%s/%s", s->tmp, name);
}

/*
 * Copy in (from its current offset) to out, hashing exactly the bytes written: at most max
 * bytes (0 = no limit). src and dst name the two files in messages. *size may be NULL.
 */
static enum rp_status copy_hashed(int in, const char *src, int out, const char *dst,
				  uint64_t max, unsigned char sha[RP_SHA256_LEN], uint64_t *size,
				  struct rp_err *e)
{
	struct rp_sha256 h;
	char *buf = rp_xmalloc(COPY_BUF);
	enum rp_status rc = RP_OK;
	uint64_t n = 0;
	ssize_t r;
	int err;

	rp_sha256_init(&h);
	for (;;) {
		r = read(in, buf, COPY_BUF);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = rp_err_sys(e, RP_EIO, errno, "cannot read '%s'", src);
			break;
		}
		if (r == 0)
			break;
		if (max && (uint64_t)r > max - n) {
			rc = rp_errf(e, RP_EIO, "'%s': larger than %" PRIu64 " bytes", src, max);
			break;
		}
		rp_sha256_update(&h, buf, (size_t)r);
		err = rp_write_all(out, buf, (size_t)r);
		if (err) {
			rc = rp_err_sys(e, RP_EIO, err, "cannot write '%s'", dst);
			break;
		}
		n += (uint64_t)r;
	}
	rp_sha256_final(&h, sha);
	rp_sha256_release(&h);
	free(buf);
	if (!rc && size)
		*size = n;
	return rc;
}

enum rp_status rp_release_add(struct rp_release_stage *s, const char *src, const char *name,
			      const unsigned char *expect, struct rp_err *e)
{
	unsigned char got[RP_SHA256_LEN];
	const char *why = rp_release_name_problem(name);
	char *dst = NULL, nm[256];
	int in = -1, out = -1;
	enum rp_status rc = RP_OK;

	if (why)
		return rp_errf(e, RP_EINPUT, "artifact '%s' %s", rp_sanitize(nm, sizeof(nm), name),
			       why);
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return rp_errf(e, RP_EINPUT, "two artifacts named '%s' (the release is flat)",
				       rp_sanitize(nm, sizeof(nm), name));
	if (s->n >= RP_RELEASE_MAX_FILES)
		return rp_errf(e, RP_EINPUT, "more than %u artifacts", RP_RELEASE_MAX_FILES);
	rc = rp_open_ro(src, RP_OPEN_NOFOLLOW, &in, e);
	if (rc)
		return rc;
	dst = rp_release_stage_path(s, name);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (out < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot create '%s'", dst);
		goto out;
	}
	rc = copy_hashed(in, src, out, dst, 0, got, NULL, e);
	if (rc)
		goto out;
	if (expect && !rp_ct_equal(expect, got, RP_SHA256_LEN)) {
		rc = rp_errf(e, RP_FAIL, "'%s': changed since it was built and hashed", src);
		goto out;
	}
	s->names = rp_xreallocarray(s->names, s->n + 1, sizeof(*s->names));
	s->sha256 = rp_xreallocarray(s->sha256, s->n + 1, sizeof(*s->sha256));
	s->names[s->n] = rp_xstrdup(name);
	memcpy(s->sha256[s->n], got, RP_SHA256_LEN);
	s->n++;
out:
	if (out >= 0 && close(out) != 0 && !rc)
		rc = rp_err_sys(e, RP_EIO, errno, "cannot write '%s'", dst);
	if (rc && out >= 0)
		unlink(dst);
	if (in >= 0)
		close(in);
	free(dst);
	return rc;
}

static int cmp_index(const void *a, const void *b, void *arg)
{
	char **names = arg;

	return strcmp(names[*(const size_t *)a], names[*(const size_t *)b]);
}

enum rp_status rp_release_write_sums(struct rp_release_stage *s, char **path, struct rp_err *e)
{
	struct rp_buf b;
	struct rp_atomic a = RP_ATOMIC_INIT;
	size_t *ix = rp_xcalloc(s->n ? s->n : 1, sizeof(*ix));
	char *p = rp_release_stage_path(s, RP_RELEASE_SUMS);
	enum rp_status rc = RP_OK;

	rp_buf_init(&b, SUMS_MAX);
	for (size_t i = 0; i < s->n; i++)
		ix[i] = i;
	/* bytewise order, whatever the locale: what `LC_ALL=C sort` gives */
	qsort_r(ix, s->n, sizeof(*ix), cmp_index, s->names);
	for (size_t i = 0; i < s->n && !rc; i++)
		rc = rp_sums_format_line(&b, s->names[ix[i]], s->sha256[ix[i]], RP_SUMS_GNU, e);
	if (!rc)
		rc = rp_atomic_open(&a, p, 0644, 1, e);
	if (!rc) {
		rc = rp_atomic_write(&a, b.data ? b.data : "", b.len, e);
		if (rc)
			rp_atomic_abort(&a);
		else
			rc = rp_atomic_commit(&a, e);
	}
	rp_buf_release(&b);
	free(ix);
	if (!rc && path)
		*path = p;
	else
		free(p);
	return rc;
}

static enum rp_status fsync_path(const char *path, int flags, struct rp_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | flags);
	enum rp_status rc = RP_OK;

	if (fd < 0)
		return rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", path);
	if (fsync(fd) != 0 && errno != EINVAL)
		rc = rp_err_sys(e, RP_EIO, errno, "cannot fsync '%s'", path);
	close(fd);
	return rc;
}

enum rp_status rp_release_commit(struct rp_release_stage *s, struct rp_err *e)
{
	enum rp_status rc = RP_OK;
	DIR *dp;
	struct dirent *d;
	char *parent, *slash;

	dp = opendir(s->tmp);
	if (!dp) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", s->tmp);
		goto out;
	}
	while (!rc && (d = readdir(dp)) != NULL) {
		char *p;
		if (d->d_name[0] == '.' && (!d->d_name[1] || strcmp(d->d_name, "..") == 0))
			continue;
		p = rp_release_stage_path(s, d->d_name);
		rc = fsync_path(p, O_NOFOLLOW, e);
		free(p);
	}
	closedir(dp);
	if (!rc)
		rc = fsync_path(s->tmp, O_DIRECTORY, e);
	if (rc)
		goto out;
	/* rename(2) replaces an empty directory and refuses a non-empty one (ENOTEMPTY) */
	if (rename(s->tmp, s->dir) != 0) {
		rc = errno == ENOTEMPTY || errno == EEXIST
			     ? rp_errf(e, RP_EIO, "'%s': exists and is not empty", s->dir)
			     : rp_err_sys(e, RP_EIO, errno, "cannot rename '%s' to '%s'", s->tmp,
					  s->dir);
		goto out;
	}
	free(s->tmp);
	s->tmp = NULL;
	parent = rp_xstrdup(s->dir);
	slash = strrchr(parent, '/');
	if (slash)
		slash[slash == parent ? 1 : 0] = '\0';
	rc = fsync_path(slash ? parent : ".", O_DIRECTORY, e);
	free(parent);
out:
	rp_release_abort(s);
	return rc;
}

void rp_release_abort(struct rp_release_stage *s)
{
	if (s->tmp)
		remove_flat(s->tmp);
	stage_free(s);
}

/* Reading a published release. */

static char *url_join(const char *base, const char *name)
{
	static const char hexd[] = "0123456789ABCDEF";
	struct rp_buf b;
	size_t n = strlen(base);

	rp_buf_init(&b, 1u << 20);
	rp_buf_add(&b, base, n, NULL);
	if (n && base[n - 1] != '/')
		rp_buf_add(&b, "/", 1, NULL);
	/* percent-encode all but RFC 3986 unreserved characters */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			rp_buf_add(&b, p, 1, NULL);
		} else {
			char esc[3] = { '%', hexd[*p >> 4], hexd[*p & 15] };
			rp_buf_add(&b, esc, 3, NULL);
		}
	}
	return rp_buf_detach(&b, NULL);
}

/*
 * Fetch url into dir/name (fresh, never resumed), hashed as it arrives. A body larger than
 * o->max_size is RP_EIO here, with *toobig set: for an audit it is the auditor's limit that
 * was reached, and an optional file must not pass for absent because of it.
 */
static enum rp_status download(const char *url, const char *dir, const char *name,
			       const struct rp_fetch_opts *o, char **path,
			       unsigned char sha[RP_SHA256_LEN], uint64_t *size, int *toobig,
			       struct rp_err *e)
{
	struct rp_fetch_result res = RP_FETCH_RESULT_INIT;
	struct rp_fetch_opts fo = *o;
	char *dst = rp_xasprintf("%s/%s", dir, name), *part = rp_xasprintf("%s.part", dst);
	enum rp_status rc;

	*toobig = 0;
	fo.resume = 0;
	rc = rp_fetch_file(url, part, &fo, &res, e);
	if (rc == RP_EINPUT) {
		/* rp_fetch_file's only RP_EINPUT: more than fo.max_size */
		*toobig = 1;
		rc = RP_EIO;
		if (e)
			e->code = rc;
	}
	if (!rc)
		rc = rp_fetch_commit(&res, part, dst, e);
	free(part);
	if (rc) {
		free(dst);
		return rc;
	}
	memcpy(sha, res.sha256, RP_SHA256_LEN);
	if (size)
		*size = res.size;
	*path = dst;
	return RP_OK;
}

/* What st is, for refusing it in a release directory. */
static const char *kind_name(mode_t m)
{
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/*
 * Open name in the release directory dfd (shown as `shown`) if it is a regular file. lstat
 * first, so a FIFO or device is never opened; then O_NOFOLLOW and fstat, so a swap in
 * between is caught too. An absent optional file is RP_OK with *fd = -1.
 */
static enum rp_status open_regular(int dfd, const char *shown, const char *name, int optional,
				   int *fd, struct rp_err *e)
{
	struct stat st;
	int f;

	*fd = -1;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT && optional)
			return RP_OK;
		return rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", shown);
	}
	if (!S_ISREG(st.st_mode))
		return rp_errf(e, RP_EINPUT, "'%s': is %s, not a regular file", shown,
			       kind_name(st.st_mode));
	f = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (f < 0) {
		if (errno == ELOOP)
			return rp_errf(e, RP_EINPUT, "'%s': is a symbolic link, not a regular file",
				       shown);
		return rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", shown);
	}
	if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(f);
		return rp_errf(e, RP_EINPUT, "'%s': not a regular file", shown);
	}
	*fd = f;
	return RP_OK;
}

/* How messages name the release's file name: "DIR/name" or the URL (malloc'd). */
static char *shown_name(const struct rp_release *r, const char *name)
{
	size_t n = strlen(r->source);

	if (r->remote)
		return url_join(r->source, name);
	return rp_xasprintf("%s%s%s", r->source, n && r->source[n - 1] == '/' ? "" : "/", name);
}

/*
 * The directory a file:// base URL names ("file:///dir", "file://localhost/dir"), %XX
 * decoded (malloc'd), or NULL for another URL or one that does not decode to a path. Such
 * a release is read as a directory, so that its entries get the same O_NOFOLLOW and
 * regular-file checks (libcurl's file:// follows symbolic links).
 */
static char *file_url_dir(const char *url)
{
	const char *p;
	char *out, *o;

	if (strncasecmp(url, "file://", 7) != 0)
		return NULL;
	p = url + 7;
	if (strncasecmp(p, "localhost/", 10) == 0)
		p += 9;
	if (*p != '/')
		return NULL;
	out = o = rp_xmalloc(strlen(p) + 1);
	for (; *p; p++) {
		int hi = p[0] == '%' ? rp_hexdigit(p[1]) : -1;
		int lo = hi >= 0 ? rp_hexdigit(p[2]) : -1;

		if (*p == '?' || *p == '#' || (*p == '%' && (hi < 0 || lo < 0 || !(hi | lo))))
			goto bad;
		if (*p == '%') {
			*o++ = (char)(hi << 4 | lo);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/*
 * Bring the release's file name into r->tmpdir: copied from the directory dfd, or
 * downloaded from the base URL when dfd is -1; hashed either way into sha (and *size if non-NULL).
 * *path (malloc'd) is set, or left NULL for an absent optional file: in a directory, one
 * that does not exist; remotely, any failure but the size limit (a 404 and an outage look
 * alike there; either way there is nothing to check).
 */
static enum rp_status take(struct rp_release *r, int dfd, const char *name, int optional,
			   const struct rp_fetch_opts *o, char **path,
			   unsigned char sha[RP_SHA256_LEN], uint64_t *size, struct rp_err *e)
{
	char *shown = NULL, *dst = NULL;
	enum rp_status rc;
	int in = -1, out = -1, toobig;

	*path = NULL;
	if (dfd < 0) {
		struct rp_err ignored = RP_ERR_INIT;
		char *url = url_join(r->source, name);

		rc = download(url, r->tmpdir, name, o, path, sha, size, &toobig,
			      optional ? &ignored : e);
		free(url);
		if (rc && optional && !toobig)
			return RP_OK;
		if (rc && optional)
			*e = ignored;
		return rc;
	}
	shown = shown_name(r, name);
	rc = open_regular(dfd, shown, name, optional, &in, e);
	if (rc || in < 0)
		goto out;
	dst = rp_xasprintf("%s/%s", r->tmpdir, name);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot create '%s'", dst);
		goto out;
	}
	rc = copy_hashed(in, shown, out, dst, o->max_size, sha, size, e);
	if (close(out) != 0 && !rc)
		rc = rp_err_sys(e, RP_EIO, errno, "cannot write '%s'", dst);
	if (rc) {
		unlink(dst);
		goto out;
	}
	*path = dst;
	dst = NULL;
out:
	if (in >= 0)
		close(in);
	free(dst);
	free(shown);
	return rc;
}

enum rp_status rp_release_open(struct rp_release *r, const char *src,
			       const struct rp_fetch_opts *o, struct rp_err *e)
{
	struct rp_fetch_opts dflt = RP_FETCH_OPTS_INIT;
	struct rp_sums sums = RP_SUMS_INIT;
	unsigned char ignored[RP_SHA256_LEN];
	enum rp_status rc;
	char nm[256], *shown = NULL, *data = NULL, *local = NULL;
	size_t len = 0;
	int dfd = -1;

	memset(r, 0, sizeof(*r));
	if (!o)
		o = &dflt;
	r->source = rp_xstrdup(src);
	r->remote = rp_fetch_is_url(src);
	if (r->remote) {
		rc = rp_fetch_check_url(src, o, e);
		if (rc)
			goto out;
		local = file_url_dir(src);
	}
	if (!r->remote || local) {
		/* the directory itself may be a link the auditor chose; its entries may not */
		dfd = open(local ? local : src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0) {
			rc = errno == ENOTDIR
				     ? rp_errf(e, RP_EUSAGE, "release '%s': not a directory or a URL",
					       src)
				     : rp_err_sys(e, RP_EIO, errno, "cannot open release '%s'", src);
			goto out;
		}
	}
	rc = rp_mkscratch("release", &r->tmpdir, e);
	if (rc)
		goto out;
	rc = take(r, dfd, RP_RELEASE_SUMS, 0, o, &r->sums_path, ignored, NULL, e);
	if (rc)
		goto out;
	/* messages name the release's SHA256SUMS, not our copy of it */
	shown = shown_name(r, RP_RELEASE_SUMS);
	rc = rp_read_file(r->sums_path, 0, SUMS_MAX, &data, &len, e);
	if (rc == RP_EINPUT)
		rc = rp_errf(e, RP_EINPUT, "'%s': larger than %u bytes", shown, SUMS_MAX);
	if (!rc)
		rc = rp_sums_parse(&sums, data, len, shown, e);
	if (rc)
		goto out;
	if (sums.malformed) {
		rc = rp_errf(e, RP_EINPUT, "'%s' line %zu: improperly formatted SHA256SUMS line",
			     shown, sums.first_malformed);
		goto out;
	}
	if (sums.n == 0 || sums.n > RP_RELEASE_MAX_FILES) {
		rc = rp_errf(e, RP_EINPUT, "'%s': %s", shown,
			     sums.n ? "lists too many files" : "lists no file");
		goto out;
	}
	r->files = rp_xcalloc(sums.n, sizeof(*r->files));
	for (size_t i = 0; i < sums.n; i++) {
		struct rp_release_file *f = &r->files[i];
		const char *name = sums.v[i].name, *why = rp_release_name_problem(name);
		if (why) {
			rc = rp_errf(e, RP_EINPUT, "'%s' line %zu: '%s' %s", shown,
				     sums.v[i].line, rp_sanitize(nm, sizeof(nm), name), why);
			goto out;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(r->files[j].name, name) == 0) {
				rc = rp_errf(e, RP_EINPUT, "'%s' line %zu: '%s' listed twice",
					     shown, sums.v[i].line,
					     rp_sanitize(nm, sizeof(nm), name));
				goto out;
			}
		f->name = rp_xstrdup(name);
		memcpy(f->listed, sums.v[i].digest, RP_SHA256_LEN);
		r->nfiles++;
		rc = take(r, dfd, name, 0, o, &f->path, f->sha256, &f->size, e);
		if (rc)
			goto out;
		f->matches_sums = rp_ct_equal(f->sha256, f->listed, RP_SHA256_LEN);
	}
	rc = take(r, dfd, RP_RELEASE_SUMS_SIG, 1, o, &r->sums_sig_path, ignored, NULL, e);
	if (!rc)
		rc = take(r, dfd, RP_RELEASE_PROVENANCE, 1, o, &r->prov_path, r->prov_sha256,
			  NULL, e);
out:
	if (dfd >= 0)
		close(dfd);
	free(shown);
	free(data);
	free(local);
	rp_sums_release(&sums);
	if (rc)
		rp_release_close(r);
	return rc;
}

const struct rp_release_file *rp_release_find(const struct rp_release *r, const char *name)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].name, name) == 0)
			return &r->files[i];
	return NULL;
}

void rp_release_close(struct rp_release *r)
{
	for (size_t i = 0; i < r->nfiles; i++) {
		free(r->files[i].name);
		free(r->files[i].path);
	}
	free(r->files);
	if (r->tmpdir)
		remove_flat(r->tmpdir);
	free(r->tmpdir);
	free(r->sums_path);
	free(r->sums_sig_path);
	free(r->prov_path);
	free(r->source);
	memset(r, 0, sizeof(*r));
}

static int make_writable(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)f;
	/* a read-only directory the build left would keep its entries from being removed */
	if (flag == FTW_D && (st->st_mode & 0700) != 0700)
		chmod(path, (st->st_mode & 07777) | 0700);
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void rp_release_remove_tree(const char *dir)
{
	if (!dir)
		return;
	nftw(dir, make_writable, 16, FTW_PHYS);
	nftw(dir, remove_one, 16, FTW_PHYS | FTW_DEPTH);
}
