/*
 * Paranoid opening of input paths, bounded reads, atomic output files, and removal of
 * temporary files when a fatal signal arrives.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "mem.h"

enum rp_status rp_open_ro(const char *path, unsigned flags, int *fd, struct rp_err *e)
{
	struct stat st;
	int f, oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY;

	if ((flags & RP_OPEN_STDIN) && strcmp(path, "-") == 0) {
		f = dup(0);
		if (f < 0)
			return rp_err_sys(e, RP_EIO, errno, "cannot read standard input");
	} else {
		if (flags & RP_OPEN_NOFOLLOW)
			oflags |= O_NOFOLLOW;
		f = open(path, oflags);
		if (f < 0) {
			if (errno == ELOOP && (flags & RP_OPEN_NOFOLLOW))
				return rp_errf(e, RP_EIO, "'%s': is a symbolic link", path);
			return rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", path);
		}
	}
	if (fstat(f, &st) < 0) {
		int err = errno;
		close(f);
		return rp_err_sys(e, RP_EIO, err, "cannot stat '%s'", path);
	}
	if (S_ISDIR(st.st_mode)) {
		close(f);
		return rp_errf(e, RP_EIO, "'%s': is a directory", path);
	}
	*fd = f;
	return RP_OK;
}

enum rp_status rp_read_file(const char *path, unsigned flags, size_t max, char **data,
			    size_t *len, struct rp_err *e)
{
	struct rp_buf b = RP_BUF_INIT(max);
	char chunk[65536];
	enum rp_status rc;
	int fd;

	rc = rp_open_ro(path, flags, &fd, e);
	if (rc)
		return rc;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = rp_err_sys(e, RP_EIO, errno, "cannot read '%s'", path);
			goto out;
		}
		if (n == 0)
			break;
		if (rp_buf_add(&b, chunk, (size_t)n, NULL)) {
			rc = rp_errf(e, RP_EINPUT, "'%s': larger than %zu bytes", path, max);
			goto out;
		}
	}
	*data = rp_buf_detach(&b, len);
out:
	close(fd);
	rp_buf_release(&b);
	return rc;
}

int rp_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The registry is a fixed array so the signal handler touches no allocator and no locks:
 * a slot is published by storing its pointer last, and cleared by storing NULL first.
 */
#define CLEANUP_MAX 64
static char *volatile cleanup_paths[CLEANUP_MAX];
/* Serialises add/remove between threads; the handler only reads, without the lock. */
static pthread_mutex_t cleanup_lock = PTHREAD_MUTEX_INITIALIZER;

static volatile sig_atomic_t cleanup_deferring, cleanup_sig;

static void cleanup_unlink_all(void)
{
	for (int i = 0; i < CLEANUP_MAX; i++) {
		char *p = cleanup_paths[i];
		if (p)
			unlink(p);
	}
}

static void cleanup_handler(int sig)
{
	/* deferred: the caller stops, cleans up and dies; a second signal is not deferred */
	if (cleanup_deferring && !cleanup_sig) {
		cleanup_sig = sig;
		return;
	}
	cleanup_unlink_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

void rp_cleanup_defer(int on)
{
	int sig;

	if (on) {
		cleanup_sig = 0;
		cleanup_deferring = 1;
		return;
	}
	cleanup_deferring = 0;
	sig = cleanup_sig;
	if (sig) {
		cleanup_unlink_all();
		signal(sig, SIG_DFL);
		raise(sig);
	}
}

int rp_cleanup_pending(void)
{
	return cleanup_sig;
}

void rp_cleanup_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cleanup_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void rp_cleanup_add(const char *path)
{
	char *copy = rp_xstrdup(path);

	pthread_mutex_lock(&cleanup_lock);
	for (int i = 0; i < CLEANUP_MAX; i++) {
		if (!cleanup_paths[i]) {
			cleanup_paths[i] = copy;
			pthread_mutex_unlock(&cleanup_lock);
			return;
		}
	}
	pthread_mutex_unlock(&cleanup_lock);
	free(copy); /* full: the file is still removed by commit/abort on normal paths */
}

void rp_cleanup_remove(const char *path)
{
	char *found = NULL;

	pthread_mutex_lock(&cleanup_lock);
	for (int i = 0; i < CLEANUP_MAX; i++) {
		char *p = cleanup_paths[i];
		if (p && strcmp(p, path) == 0) {
			cleanup_paths[i] = NULL;
			found = p;
			break;
		}
	}
	pthread_mutex_unlock(&cleanup_lock);
	free(found);
}

static void atomic_release(struct rp_atomic *a)
{
	if (a->fp)
		fclose(a->fp);
	else if (a->fd >= 0)
		close(a->fd);
	if (a->tmp)
		rp_cleanup_remove(a->tmp);
	free(a->tmp);
	free(a->path);
	a->path = NULL;
	a->tmp = NULL;
	a->fd = -1;
	a->fp = NULL;
	a->to_stdout = 0;
	a->excl = 0;
	a->direct = 0;
}

enum rp_status rp_atomic_open(struct rp_atomic *a, const char *path, mode_t mode, int excl,
			      struct rp_err *e)
{
	const char *slash;
	struct stat st;
	int fd;

	a->path = NULL;
	a->tmp = NULL;
	a->fd = -1;
	a->fp = NULL;
	a->to_stdout = 0;
	a->excl = 0;
	a->direct = 0;
	if (strcmp(path, "-") == 0) {
		a->to_stdout = 1;
		a->fp = stdout;
		a->fd = 1;
		return RP_OK;
	}
	if (excl && lstat(path, &st) == 0)
		return rp_errf(e, RP_EIO, "'%s': already exists", path);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return rp_errf(e, RP_EIO, "'%s': is a directory", path);
		/*
		 * A device or FIFO (/dev/null, /dev/stdout, a pipe): write straight into it. A
		 * rename would replace the device node itself with a regular file.
		 */
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", path);
		a->fp = fdopen(fd, "w");
		if (!a->fp) {
			int err = errno;
			close(fd);
			return rp_err_sys(e, RP_EIO, err, "cannot write '%s'", path);
		}
		a->fd = fd;
		a->direct = 1;
		a->path = rp_xstrdup(path);
		return RP_OK;
	}
	slash = strrchr(path, '/');
	if (slash)
		a->tmp = rp_xasprintf("%.*s/.%s.tmpXXXXXX", (int)(slash - path), path, slash + 1);
	else
		a->tmp = rp_xasprintf(".%s.tmpXXXXXX", path);
	fd = mkostemp(a->tmp, O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		free(a->tmp);
		a->tmp = NULL;
		return rp_err_sys(e, RP_EIO, err, "cannot create a temporary file for '%s'", path);
	}
	rp_cleanup_add(a->tmp);
	if (fchmod(fd, mode) < 0) {
		int err = errno;
		close(fd);
		unlink(a->tmp);
		atomic_release(a);
		return rp_err_sys(e, RP_EIO, err, "cannot set mode on '%s'", path);
	}
	a->fd = fd;
	a->fp = fdopen(fd, "w");
	if (!a->fp) {
		int err = errno;
		unlink(a->tmp);
		atomic_release(a);
		return rp_err_sys(e, RP_EIO, err, "cannot write '%s'", path);
	}
	a->path = rp_xstrdup(path);
	a->excl = excl;
	return RP_OK;
}

enum rp_status rp_atomic_write(struct rp_atomic *a, const void *p, size_t n, struct rp_err *e)
{
	if (n && fwrite(p, 1, n, a->fp) != n)
		return rp_err_sys(e, RP_EIO, errno, "cannot write '%s'",
				  a->to_stdout ? "standard output" : a->path);
	return RP_OK;
}

enum rp_status rp_atomic_commit(struct rp_atomic *a, struct rp_err *e)
{
	enum rp_status rc = RP_OK;
	int err;

	if (a->to_stdout) {
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = rp_err_sys(e, RP_EIO, errno, "cannot write standard output");
		a->fp = NULL;
		a->fd = -1;
		atomic_release(a);
		return rc;
	}
	if (a->direct) {
		if (fflush(a->fp) != 0 || ferror(a->fp))
			rc = rp_err_sys(e, RP_EIO, errno ? errno : EIO, "cannot write '%s'", a->path);
		atomic_release(a);
		return rc;
	}
	if (fflush(a->fp) != 0 || ferror(a->fp)) {
		err = errno ? errno : EIO;
		rc = rp_err_sys(e, RP_EIO, err, "cannot write '%s'", a->path);
		goto fail;
	}
	if (fsync(a->fd) < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot sync '%s'", a->path);
		goto fail;
	}
	if (fclose(a->fp) != 0) {
		a->fp = NULL;
		a->fd = -1;
		rc = rp_err_sys(e, RP_EIO, errno, "cannot write '%s'", a->path);
		goto fail;
	}
	a->fp = NULL;
	a->fd = -1;
	if (a->excl) {
		/* link(2) fails on an existing name, so a file created meanwhile is never replaced */
		if (link(a->tmp, a->path) < 0) {
			rc = errno == EEXIST ? rp_errf(e, RP_EIO, "'%s': already exists", a->path)
					     : rp_err_sys(e, RP_EIO, errno, "cannot create '%s'", a->path);
			goto fail;
		}
		unlink(a->tmp);
	} else if (rename(a->tmp, a->path) < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot rename onto '%s'", a->path);
		goto fail;
	}
	atomic_release(a);
	return RP_OK;
fail:
	unlink(a->tmp);
	atomic_release(a);
	return rc;
}

void rp_atomic_abort(struct rp_atomic *a)
{
	if (a->to_stdout) {
		a->fp = NULL;
		a->fd = -1;
	} else if (a->tmp) {
		unlink(a->tmp);
	}
	atomic_release(a);
}

enum rp_status rp_tmpfile(const char *what, int *fd, struct rp_err *e)
{
	const char *t = getenv("TMPDIR");
	char *path = rp_xasprintf("%s/reprove-%s.XXXXXX", t && *t ? t : "/tmp", what);
	int f = mkostemp(path, O_CLOEXEC);

	if (f < 0) {
		int err = errno;
		free(path);
		return rp_err_sys(e, RP_EIO, err, "cannot create a temporary file in '%s'",
				  t && *t ? t : "/tmp");
	}
	/* private and gone on any exit: nothing lands on disk under a name */
	unlink(path);
	free(path);
	*fd = f;
	return RP_OK;
}

enum rp_status rp_mkscratch(const char *what, char **out, struct rp_err *e)
{
	const char *t = getenv("TMPDIR");
	char *dir = rp_xasprintf("%s/reprove-%s.XXXXXX", t && *t ? t : "/tmp", what);

	if (!mkdtemp(dir)) {
		int err = errno;
		free(dir);
		return rp_err_sys(e, RP_EIO, err, "cannot create a scratch directory");
	}
	*out = dir;
	return RP_OK;
}
