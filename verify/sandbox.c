/*
 * The build sandbox: clone(2) into new namespaces (falling back, and saying so, when the
 * kernel or our privileges refuse one), a tiny init as pid 1 that reaps and reports the
 * build's status, bounded log capture, and a timeout that kills the whole tree.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "sandbox.h"

static const struct {
	unsigned bit;
	unsigned long flag;
	const char *name;
} ns_table[] = {
	{ RP_NS_USER, CLONE_NEWUSER, "user" }, { RP_NS_MOUNT, CLONE_NEWNS, "mount" },
	{ RP_NS_PID, CLONE_NEWPID, "pid" },    { RP_NS_UTS, CLONE_NEWUTS, "uts" },
	{ RP_NS_NET, CLONE_NEWNET, "net" },
};
#define NNS (sizeof(ns_table) / sizeof(ns_table[0]))

static unsigned long ns_flags(unsigned mask)
{
	unsigned long f = 0;

	for (size_t i = 0; i < NNS; i++)
		if (mask & ns_table[i].bit)
			f |= ns_table[i].flag;
	return f;
}

const char *rp_sandbox_ns_names(unsigned mask, char *buf, size_t n)
{
	size_t used = 0;

	if (n)
		buf[0] = '\0';
	for (size_t i = 0; i < NNS; i++) {
		if (!(mask & ns_table[i].bit))
			continue;
		int k = snprintf(buf + used, n - used, "%s%s", used ? "," : "", ns_table[i].name);
		if (k < 0 || (size_t)k >= n - used)
			break;
		used += (size_t)k;
	}
	return buf;
}

const char *rp_sandbox_describe(int status, char *buf, size_t n)
{
	if (WIFEXITED(status))
		snprintf(buf, n, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, n, "killed by signal %d (%s)", WTERMSIG(status),
			 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
	else
		snprintf(buf, n, "wait status %#x", status);
	return buf;
}

/* clone(2) without a new stack behaves as fork(2), with namespace flags added. */
static pid_t clone_ns(unsigned long flags)
{
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

/* 0 when a child may be cloned with flags, else the errno. */
static int try_clone(unsigned long flags)
{
	int st;
	pid_t pid = clone_ns(flags);

	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(0);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return 0;
}

void rp_sandbox_probe(unsigned want, unsigned *got, char *note, size_t n)
{
	static unsigned cached_want = ~0u, cached_got;
	static char cached_note[512];
	unsigned ok = 0;
	size_t used = 0;
	int err;

	if (want == cached_want)
		goto done;
	cached_note[0] = '\0';
	if (!want || try_clone(ns_flags(want)) == 0) {
		ok = want;
		goto cache;
	}
	/* Without root, the others need the user namespace, so probe it first, then each. */
	if (want & RP_NS_USER) {
		err = try_clone(CLONE_NEWUSER);
		if (!err)
			ok |= RP_NS_USER;
		else
			used += (size_t)snprintf(cached_note + used, sizeof(cached_note) - used,
						 "%suser namespace unavailable (%s)",
						 used ? "; " : "", strerror(err));
	}
	for (size_t i = 1; i < NNS; i++) {
		if (!(want & ns_table[i].bit))
			continue;
		err = try_clone(ns_flags(ok & RP_NS_USER) | ns_table[i].flag);
		if (!err)
			ok |= ns_table[i].bit;
		else if (used < sizeof(cached_note))
			used += (size_t)snprintf(cached_note + used, sizeof(cached_note) - used,
						 "%s%s namespace unavailable (%s)",
						 used ? "; " : "", ns_table[i].name, strerror(err));
	}
cache:
	cached_want = want;
	cached_got = ok;
done:
	*got = cached_got;
	if (n)
		snprintf(note, n, "%s", cached_note);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Messages from the child go into the build log, where the user will look. */
static void child_say(int fd, const char *what, int err)
{
	char line[512];
	int k = snprintf(line, sizeof(line), "reprove sandbox: %s%s%s\n", what, err ? ": " : "",
			 err ? strerror(err) : "");

	if (k > 0)
		rp_write_all(fd, line, (size_t)k < sizeof(line) ? (size_t)k : sizeof(line) - 1);
}

static void child_limit_cpus(unsigned ncpus, int logfd)
{
	cpu_set_t set, keep;
	unsigned kept = 0;

	if (sched_getaffinity(0, sizeof(set), &set) < 0) {
		child_say(logfd, "cannot read the CPU affinity", errno);
		return;
	}
	CPU_ZERO(&keep);
	for (int c = 0; c < CPU_SETSIZE && kept < ncpus; c++) {
		if (CPU_ISSET(c, &set)) {
			CPU_SET(c, &keep);
			kept++;
		}
	}
	if (sched_setaffinity(0, sizeof(keep), &keep) < 0)
		child_say(logfd, "cannot set the CPU affinity", errno);
}

/*
 * In the child, after the namespaces exist and the id maps are written: everything the
 * build inherits. Runs before the fork of the build so that init shares it.
 */
static void child_setup(const struct rp_sandbox_opts *o, unsigned ns, int logfd)
{
	struct sigaction sa;
	sigset_t none;
	int inp[2];

	/* reprove's cleanup handlers must not run here, and nothing stays blocked. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* If reprove dies, the build dies with it (and, as pid 1, takes the tree along). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setsid();
	if (ns & RP_NS_USER)
		setgroups(0, NULL); /* fails harmlessly where setgroups is denied */
	if (ns & RP_NS_MOUNT) {
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			child_say(logfd, "cannot make mounts private", errno);
		else if ((ns & RP_NS_PID) &&
			 mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			child_say(logfd, "cannot mount /proc for the pid namespace", errno);
	}
	if ((ns & RP_NS_UTS) && o->hostname && sethostname(o->hostname, strlen(o->hostname)) < 0)
		child_say(logfd, "cannot set the host name", errno);
	if ((ns & RP_NS_UTS) && o->domainname &&
	    setdomainname(o->domainname, strlen(o->domainname)) < 0)
		child_say(logfd, "cannot set the domain name", errno);
	if (o->ncpus)
		child_limit_cpus(o->ncpus, logfd);
	umask(o->umask);
	if (chdir(o->cwd) < 0) {
		child_say(logfd, "cannot enter the build directory", errno);
		_exit(127);
	}
	/*
	 * stdin is the read end of a pipe nobody writes to: reads see end of file at once,
	 * whatever /dev/null has become on this host.
	 */
	if (pipe(inp) < 0 || dup2(inp[0], 0) < 0) {
		child_say(logfd, "cannot set up stdin", errno);
		_exit(127);
	}
	if (inp[0] != 0)
		close(inp[0]);
	if (inp[1] != 0)
		close(inp[1]);
	if (dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
		_exit(127);
}

static void child_exec(const struct rp_sandbox_opts *o)
{
	char what[300];

	/* Nothing of ours leaks into the build beyond stdin, stdout and stderr. */
	syscall(SYS_close_range, 3u, ~0u, 0u);
	environ = (char **)o->envp;
	execvp(o->argv[0], o->argv);
	snprintf(what, sizeof(what), "cannot run '%s'", o->argv[0]);
	child_say(2, what, errno);
	_exit(127);
}

/* pid 1 of the new pid namespace: start the build, reap everything, report its status. */
static void child_init(const struct rp_sandbox_opts *o, int statusfd)
{
	int st, build_st = 0;
	pid_t build, p;

	build = fork();
	if (build < 0) {
		child_say(2, "cannot fork the build", errno);
		_exit(127);
	}
	if (build == 0) {
		close(statusfd);
		child_exec(o);
	}
	for (;;) {
		p = wait(&st);
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			break;
		if (p == build) {
			build_st = st;
			break;
		}
	}
	rp_write_all(statusfd, &build_st, sizeof(build_st));
	/* Exiting kills whatever the build left running in the namespace. */
	_exit(0);
}

static enum rp_status write_file(pid_t pid, const char *name, const char *text,
				 struct rp_err *e)
{
	char path[64];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return rp_err_sys(e, RP_EIO, errno, "sandbox: cannot open '%s'", path);
	if (write(fd, text, strlen(text)) < 0)
		err = errno;
	close(fd);
	if (err)
		return rp_err_sys(e, RP_EIO, err, "sandbox: cannot write '%s'", path);
	return RP_OK;
}

static enum rp_status write_id_maps(const struct rp_sandbox_opts *o, pid_t pid,
				    struct rp_err *e)
{
	char map[64];
	enum rp_status rc;

	/* Unprivileged, gid_map may only be written once setgroups is denied. */
	if (geteuid() != 0) {
		rc = write_file(pid, "setgroups", "deny", e);
		if (rc)
			return rc;
	}
	snprintf(map, sizeof(map), "%u %u 1\n", o->uid, (unsigned)geteuid());
	rc = write_file(pid, "uid_map", map, e);
	if (rc)
		return rc;
	snprintf(map, sizeof(map), "%u %u 1\n", o->gid, (unsigned)getegid());
	return write_file(pid, "gid_map", map, e);
}

/* Kill and reap orphans of the build reparented to us (we are a child subreaper). */
static unsigned kill_orphans(void)
{
	unsigned killed = 0;
	int found;

	do {
		DIR *d = opendir("/proc");
		struct dirent *de;
		pid_t self = getpid();

		found = 0;
		if (!d)
			return killed;
		while ((de = readdir(d))) {
			char path[300], buf[512], *p;
			long ppid;
			int fd;
			ssize_t k;

			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			k = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (k <= 0)
				continue;
			buf[k] = '\0';
			/* "pid (comm) state ppid ...": comm may hold spaces and parentheses. */
			p = strrchr(buf, ')');
			if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
				continue;
			ppid = strtol(p + 4, NULL, 10);
			if (ppid == self) {
				pid_t child = (pid_t)strtol(de->d_name, NULL, 10);
				kill(child, SIGKILL);
				waitpid(child, NULL, 0);
				killed++;
				found = 1;
			}
		}
		closedir(d);
	} while (found);
	return killed;
}

enum rp_status rp_sandbox_run(const struct rp_sandbox_opts *o, struct rp_sandbox_result *res,
			      struct rp_err *e)
{
	int syncp[2] = { -1, -1 }, logp[2] = { -1, -1 }, statp[2] = { -1, -1 };
	int pidfd = -1, st = 0, logopen = 1, exited = 0;
	unsigned ns;
	double start, deadline;
	enum rp_status rc = RP_OK;
	pid_t pid;
	char c = 'x';

	memset(res, 0, sizeof(*res));
	rp_sandbox_probe(o->ns, &ns, res->ns_note, sizeof(res->ns_note));
	res->ns = ns;
	if (pipe2(syncp, O_CLOEXEC) < 0 || pipe2(logp, O_CLOEXEC) < 0 ||
	    pipe2(statp, O_CLOEXEC) < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "sandbox: cannot create a pipe");
		goto out;
	}
	if (!(ns & RP_NS_PID))
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	start = now_s();
	pid = clone_ns(ns_flags(ns));
	if (pid < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "sandbox: cannot start the build");
		goto out;
	}
	if (pid == 0) {
		ssize_t k;
		close(syncp[1]);
		close(logp[0]);
		close(statp[0]);
		do
			k = read(syncp[0], &c, 1);
		while (k < 0 && errno == EINTR);
		if (k != 1)
			_exit(127); /* the parent could not finish setting us up */
		close(syncp[0]);
		child_setup(o, ns, logp[1]);
		if (ns & RP_NS_PID) {
			close(logp[1]);
			child_init(o, statp[1]);
		}
		close(statp[1]);
		child_exec(o);
	}
	close(syncp[0]);
	syncp[0] = -1;
	close(logp[1]);
	logp[1] = -1;
	close(statp[1]);
	statp[1] = -1;
	if (ns & RP_NS_USER) {
		rc = write_id_maps(o, pid, e);
		if (rc) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			goto out;
		}
	}
	if (write(syncp[1], &c, 1) != 1) {
		rc = rp_err_sys(e, RP_EIO, errno, "sandbox: cannot start the build");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	close(syncp[1]);
	syncp[1] = -1;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	deadline = o->timeout_s ? start + o->timeout_s : 0;
	while (!exited) {
		struct pollfd pf[2];
		int nfds = 0, ms = -1, k;

		if (logopen) {
			pf[nfds].fd = logp[0];
			pf[nfds++].events = POLLIN;
		}
		if (pidfd >= 0) {
			pf[nfds].fd = pidfd;
			pf[nfds++].events = POLLIN;
		} else {
			ms = 50; /* no pidfd: poll the child's state */
		}
		if (deadline && !res->timed_out) {
			double left = deadline - now_s();
			int lms = left <= 0 ? 0 : (int)(left * 1000) + 1;
			if (ms < 0 || lms < ms)
				ms = lms;
		}
		k = rp_cleanup_pending() ? -1 : poll(pf, (nfds_t)nfds, ms);
		if (rp_cleanup_pending()) {
			/* SIGINT/SIGTERM: stop the build now so the caller can clean up */
			rc = rp_errf(e, RP_EIO, "sandbox: interrupted by signal %d",
				     rp_cleanup_pending());
			kill(pid, SIGKILL);
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			goto out;
		}
		if (k < 0 && errno != EINTR) {
			rc = rp_err_sys(e, RP_EIO, errno, "sandbox: poll");
			kill(pid, SIGKILL);
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			goto out;
		}
		if (logopen && k > 0 && (pf[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			char buf[65536];
			ssize_t n = read(logp[0], buf, sizeof(buf));
			if (n > 0) {
				size_t keep = 0;
				if (res->log_bytes < o->log_max)
					keep = o->log_max - res->log_bytes < (size_t)n
						       ? o->log_max - res->log_bytes
						       : (size_t)n;
				if (keep && rp_write_all(o->log_fd, buf, keep) != 0) {
					rc = rp_err_sys(e, RP_EIO, errno,
							"sandbox: cannot write the build log");
					kill(pid, SIGKILL);
					kill(-pid, SIGKILL);
					waitpid(pid, &st, 0);
					goto out;
				}
				if (keep < (size_t)n)
					res->log_truncated = 1;
				res->log_bytes += (unsigned long long)n;
			} else if (n == 0 || errno != EINTR) {
				logopen = 0;
			}
		}
		if (waitpid(pid, &st, WNOHANG) == pid) {
			exited = 1;
			break;
		}
		if (deadline && !res->timed_out && now_s() >= deadline) {
			res->timed_out = 1;
			/* pid 1 of the namespace: its death kills every process inside. */
			kill(pid, SIGKILL);
			kill(-pid, SIGKILL);
		}
	}
	res->seconds = now_s() - start;
	/* The build is over: nothing it started may outlive it. */
	kill(-pid, SIGKILL);
	if (!(ns & RP_NS_PID))
		res->strays_killed = kill_orphans();
	/* Output written just before the end is still in the pipe. */
	if (logopen) {
		int fl = fcntl(logp[0], F_GETFL);
		if (fl >= 0)
			fcntl(logp[0], F_SETFL, fl | O_NONBLOCK);
		for (;;) {
			char buf[65536];
			ssize_t n = read(logp[0], buf, sizeof(buf));
			if (n <= 0)
				break;
			if (res->log_bytes < o->log_max) {
				size_t keep = o->log_max - res->log_bytes < (size_t)n
						      ? o->log_max - res->log_bytes
						      : (size_t)n;
				rp_write_all(o->log_fd, buf, keep);
				if (keep < (size_t)n)
					res->log_truncated = 1;
			} else {
				res->log_truncated = 1;
			}
			res->log_bytes += (unsigned long long)n;
		}
	}
	if (ns & RP_NS_PID) {
		int bst;
		/* init reports the build's own status; a killed init reports nothing. */
		if (!res->timed_out && read(statp[0], &bst, sizeof(bst)) == (ssize_t)sizeof(bst))
			st = bst;
	}
	res->status = st;
	if (!res->timed_out && WIFEXITED(st) && WEXITSTATUS(st) == 127)
		res->exec_failed = 1;
out:
	if (pidfd >= 0)
		close(pidfd);
	for (int i = 0; i < 2; i++) {
		if (syncp[i] >= 0)
			close(syncp[i]);
		if (logp[i] >= 0)
			close(logp[i]);
		if (statp[i] >= 0)
			close(statp[i]);
	}
	return rc;
}
