/*
 * Source trees for rebuilds: git's list of tracked files (working tree or a fresh clone of
 * a ref, with the commit recorded) and per-build copies made without following links.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "mem.h"
#include "source.h"

#define LS_FILES_MAX (64u << 20)

void rp_source_release(struct rp_source *s)
{
	if (s->files) {
		for (size_t i = 0; s->files[i]; i++)
			free(s->files[i]);
		free(s->files);
	}
	free(s->dir);
	free(s->uri);
	free(s->ref);
	free(s->commit);
	*s = (struct rp_source)RP_SOURCE_INIT;
}

enum rp_status rp_source_run(const char *const *argv, const char *dir, size_t max, char **out,
			     size_t *outlen, struct rp_err *e)
{
	int op[2] = { -1, -1 }, ep[2] = { -1, -1 }, st = 0, oopen = 1, eopen = 1, toobig = 0;
	struct rp_buf ob = RP_BUF_INIT(max), eb = RP_BUF_INIT(4096);
	enum rp_status rc = RP_OK;
	pid_t pid;

	if (pipe2(op, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot create a pipe for '%s'", argv[0]);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot run '%s'", argv[0]);
		goto out;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		if (null < 0 || dup2(null, 0) < 0 || dup2(op[1], 1) < 0 || dup2(ep[1], 2) < 0)
			_exit(127);
		if (dir && chdir(dir) < 0) {
			dprintf(2, "cannot enter '%s': %s\n", dir, strerror(errno));
			_exit(127);
		}
		setenv("LC_ALL", "C", 1);
		setenv("GIT_TERMINAL_PROMPT", "0", 1);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(op[1]);
	close(ep[1]);
	op[1] = ep[1] = -1;
	while (oopen || eopen) {
		struct pollfd pf[2] = { { oopen ? op[0] : -1, POLLIN, 0 },
					{ eopen ? ep[0] : -1, POLLIN, 0 } };
		char buf[65536];
		ssize_t n;

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[0].revents) {
			n = read(op[0], buf, sizeof(buf));
			if (n > 0 && !toobig && rp_buf_add(&ob, buf, (size_t)n, NULL))
				toobig = 1;
			else if (n == 0 || (n < 0 && errno != EINTR))
				oopen = 0;
		}
		if (pf[1].revents) {
			n = read(ep[0], buf, sizeof(buf));
			if (n > 0)
				rp_buf_add(&eb, buf, (size_t)n <= 4096 - eb.len ? (size_t)n
									  : 4096 - eb.len,
					   NULL);
			else if (n == 0 || errno != EINTR)
				eopen = 0;
		}
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		const char *msg = eb.data ? eb.data : "";
		size_t l = strcspn(msg, "\n");
		rc = rp_errf(e, RP_EIO, "'%s %s' failed: %.*s", argv[0], argv[1] ? argv[1] : "",
			     (int)(l > 300 ? 300 : l), l ? msg : "(no message)");
		goto out;
	}
	if (toobig) {
		rc = rp_errf(e, RP_EIO, "'%s': more than %zu bytes of output", argv[0], max);
		goto out;
	}
	*out = rp_buf_detach(&ob, outlen);
out:
	for (int i = 0; i < 2; i++) {
		if (op[i] >= 0)
			close(op[i]);
		if (ep[i] >= 0)
			close(ep[i]);
	}
	rp_buf_release(&ob);
	rp_buf_release(&eb);
	return rc;
}

static enum rp_status list_files(struct rp_source *s, struct rp_err *e)
{
	const char *argv[] = { "git", "ls-files", "-z", "--cached", NULL };
	char *out = NULL, *p;
	size_t len = 0, n = 0, i = 0;
	enum rp_status rc;

	rc = rp_source_run(argv, s->dir, LS_FILES_MAX, &out, &len, e);
	if (rc)
		return rp_err_prefix(e, "'%s': not a git working tree", s->dir);
	for (p = out; p < out + len; p += strlen(p) + 1)
		n++;
	s->files = rp_xcalloc(n + 1, sizeof(*s->files));
	for (p = out; p < out + len; p += strlen(p) + 1)
		if (*p)
			s->files[i++] = rp_xstrdup(p);
	s->nfiles = i;
	free(out);
	return RP_OK;
}

/* HEAD's commit and committer time; a repository without commits has neither. */
static void head_commit(struct rp_source *s, const char *rev)
{
	const char *argv[] = { "git", "log", "-1", "--format=%H %ct", rev, "--", NULL };
	char *out = NULL, *sp, *end;
	size_t len;
	long long t;

	if (rp_source_run(argv, s->dir, 4096, &out, &len, NULL))
		return;
	sp = strchr(out, ' ');
	if (sp && sp - out >= 40) {
		errno = 0;
		t = strtoll(sp + 1, &end, 10);
		if (!errno && (*end == '\n' || !*end) && t >= 0) {
			s->commit = rp_xstrndup(out, (size_t)(sp - out));
			s->commit_time = t;
		}
	}
	free(out);
}

enum rp_status rp_source_open_worktree(struct rp_source *s, const char *dir, struct rp_err *e)
{
	struct rp_source t = RP_SOURCE_INIT;
	enum rp_status rc;

	t.dir = rp_xstrdup(dir);
	rc = list_files(&t, e);
	if (rc)
		goto out;
	head_commit(&t, "HEAD");
	if (t.commit) {
		const char *argv[] = { "git", "diff-index", "--quiet", "HEAD", "--", NULL };
		char *o = NULL;
		size_t l;
		/* Exit 1 means "differs"; we only need a yes/no. */
		t.dirty = rp_source_run(argv, t.dir, 1 << 20, &o, &l, NULL) != RP_OK;
		free(o);
	}
	rp_source_release(s);
	*s = t;
	return RP_OK;
out:
	rp_source_release(&t);
	return rc;
}

enum rp_status rp_source_clone(struct rp_source *s, const char *url, const char *ref,
			       const char *dest, struct rp_err *e)
{
	struct rp_source t = RP_SOURCE_INIT;
	char *out = NULL, *rev = NULL;
	size_t len;
	enum rp_status rc;

	if (url[0] == '-' || !url[0])
		return rp_errf(e, RP_EUSAGE, "invalid --git URL '%s'", url);
	if (ref[0] == '-' || !ref[0])
		return rp_errf(e, RP_EUSAGE, "invalid --ref '%s'", ref);
	{
		const char *argv[] = { "git", "clone", "--quiet", "--no-checkout", "--", url,
				       dest, NULL };
		rc = rp_source_run(argv, NULL, 1 << 20, &out, &len, e);
		free(out);
		out = NULL;
		if (rc)
			return rp_err_prefix(e, "cannot clone '%s'", url);
	}
	t.dir = rp_xstrdup(dest);
	t.uri = rp_xstrdup(url);
	t.ref = rp_xstrdup(ref);
	/* A tag or commit resolves as given; a branch other than the default is origin/REF. */
	for (int i = 0; i < 2 && !rev; i++) {
		char *spec = rp_xasprintf(i ? "refs/remotes/origin/%s^{commit}" : "%s^{commit}",
					  ref);
		const char *argv[] = { "git", "rev-parse", "--verify", "--quiet", spec, NULL };
		if (rp_source_run(argv, t.dir, 4096, &out, &len, NULL) == RP_OK) {
			out[strcspn(out, "\n")] = '\0';
			rev = out;
			out = NULL;
		}
		free(spec);
	}
	if (!rev) {
		rc = rp_errf(e, RP_EIO, "'%s': no ref '%s'", url, ref);
		goto out;
	}
	{
		const char *argv[] = { "git", "-c", "advice.detachedHead=false", "checkout",
				       "--quiet", "--detach", rev, "--", NULL };
		rc = rp_source_run(argv, t.dir, 1 << 20, &out, &len, e);
		free(out);
		out = NULL;
		if (rc)
			goto out;
	}
	rc = list_files(&t, e);
	if (rc)
		goto out;
	head_commit(&t, "HEAD");
	if (!t.commit) {
		rc = rp_errf(e, RP_EIO, "'%s': cannot read commit of '%s'", url, ref);
		goto out;
	}
	rp_source_release(s);
	*s = t;
	free(rev);
	return RP_OK;
out:
	free(rev);
	rp_source_release(&t);
	return rc;
}

/* Open (creating as needed) the directory rel below root, one component at a time. */
static int open_dir_nofollow(int rootfd, const char *rel, size_t len)
{
	int fd = dup(rootfd);
	const char *p = rel, *end = rel + len;

	while (fd >= 0 && p < end) {
		const char *sl = memchr(p, '/', (size_t)(end - p));
		size_t n = sl ? (size_t)(sl - p) : (size_t)(end - p);
		char comp[NAME_MAX + 1];
		int next;

		if (n == 0 || n > NAME_MAX || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.')) {
			close(fd);
			errno = EINVAL;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST) {
			close(fd);
			return -1;
		}
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		p += n + 1;
	}
	return fd;
}

static int copy_data(int in, int out)
{
	char buf[65536];

	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return -1;
		break;
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (rp_write_all(out, buf, (size_t)n) != 0)
			return -1;
	}
}

enum rp_status rp_source_copy(const struct rp_source *s, const char *dest, size_t *skipped,
			      struct rp_err *e)
{
	int rootfd = -1, dirfd = -1, srcroot = -1;
	char *curdir = NULL;
	size_t nskip = 0;
	enum rp_status rc = RP_OK;

	if (mkdir(dest, 0755) < 0)
		return rp_err_sys(e, RP_EIO, errno, "cannot create '%s'", dest);
	rootfd = open(dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	srcroot = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 || srcroot < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", rootfd < 0 ? dest : s->dir);
		goto out;
	}
	for (size_t i = 0; i < s->nfiles; i++) {
		const char *f = s->files[i], *slash = strrchr(f, '/');
		const char *base = slash ? slash + 1 : f;
		size_t dlen = slash ? (size_t)(slash - f) : 0;
		struct stat st;
		int in, out;

		if (fstatat(srcroot, f, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT || errno == ENOTDIR) {
				nskip++; /* deleted in the working tree */
				continue;
			}
			rc = rp_err_sys(e, RP_EIO, errno, "cannot stat '%s/%s'", s->dir, f);
			goto out;
		}
		if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
			nskip++; /* a submodule (directory) */
			continue;
		}
		if (!curdir || strlen(curdir) != dlen || memcmp(curdir, f, dlen) != 0) {
			if (dirfd >= 0)
				close(dirfd);
			free(curdir);
			curdir = rp_xstrndup(f, dlen);
			dirfd = open_dir_nofollow(rootfd, f, dlen);
			if (dirfd < 0) {
				rc = rp_err_sys(e, RP_EIO, errno, "cannot create directory '%s/%s'",
						dest, curdir);
				goto out;
			}
		}
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(srcroot, f, target, sizeof(target) - 1);
			if (n < 0) {
				rc = rp_err_sys(e, RP_EIO, errno, "cannot read link '%s/%s'", s->dir,
						f);
				goto out;
			}
			target[n] = '\0';
			if (symlinkat(target, dirfd, base) < 0) {
				rc = rp_err_sys(e, RP_EIO, errno, "cannot create '%s/%s'", dest, f);
				goto out;
			}
			continue;
		}
		in = openat(srcroot, f, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (in < 0) {
			rc = rp_err_sys(e, RP_EIO, errno, "cannot open '%s/%s'", s->dir, f);
			goto out;
		}
		out = openat(dirfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			     (st.st_mode & 0111) ? 0755 : 0644);
		if (out < 0) {
			rc = rp_err_sys(e, RP_EIO, errno, "cannot create '%s/%s'", dest, f);
			close(in);
			goto out;
		}
		/* The umask must not decide the modes: they are part of the source. */
		if (fchmod(out, (st.st_mode & 0111) ? 0755 : 0644) < 0 || copy_data(in, out) < 0) {
			rc = rp_err_sys(e, RP_EIO, errno, "cannot copy '%s/%s' to '%s'", s->dir, f,
					dest);
			close(in);
			close(out);
			goto out;
		}
		close(in);
		if (close(out) < 0) {
			rc = rp_err_sys(e, RP_EIO, errno, "cannot write '%s/%s'", dest, f);
			goto out;
		}
	}
	if (skipped)
		*skipped = nskip;
out:
	free(curdir);
	if (dirfd >= 0)
		close(dirfd);
	if (rootfd >= 0)
		close(rootfd);
	if (srcroot >= 0)
		close(srcroot);
	return rc;
}
