/*
 * Running one build command in a clean, contained process tree: new user, mount, pid, uts
 * and net namespaces where the kernel allows them, a given environment only, stdin at end
 * of file (an empty pipe), a umask, CPU affinity, output captured (bounded), and a timeout that kills
 * the whole tree.
 */
#ifndef RP_SANDBOX_H
#define RP_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

enum {
	RP_NS_USER = 1u << 0,
	RP_NS_MOUNT = 1u << 1,
	RP_NS_PID = 1u << 2,
	RP_NS_UTS = 1u << 3,
	RP_NS_NET = 1u << 4,
	RP_NS_ALL = 0x1fu,
};

struct rp_sandbox_opts {
	char *const *argv;      /* borrowed; argv[0] is looked up in envp's PATH */
	char *const *envp;      /* borrowed; the complete environment of the build */
	const char *cwd;        /* borrowed; the build's working directory */
	mode_t umask;
	unsigned timeout_s;     /* 0: none */
	unsigned ns;            /* namespaces wanted (RP_NS_*); those refused are skipped */
	const char *hostname;   /* set in the UTS namespace; NULL: leave */
	const char *domainname; /* likewise */
	unsigned uid, gid;      /* the build's ids inside the user namespace */
	unsigned ncpus;         /* 0: every allowed CPU; n: the first n of them */
	int log_fd;             /* the build's stdout and stderr go here (a file) */
	size_t log_max;         /* bytes of output kept; the rest is counted and dropped */
};

struct rp_sandbox_result {
	unsigned ns;            /* namespaces actually entered */
	char ns_note[512];      /* why a wanted namespace was not entered; "" if none */
	int status;             /* wait status of the build command */
	int timed_out;          /* the timeout expired and the tree was killed */
	int exec_failed;        /* the command could not be started (status is exit 127) */
	double seconds;         /* wall clock of the build */
	unsigned long long log_bytes;  /* output bytes the build wrote */
	int log_truncated;      /* more than log_max bytes: only the first log_max kept */
	unsigned strays_killed; /* processes left behind that were killed afterwards */
};

/*
 * Find out which of the namespaces in want this process may create (a test clone, cached
 * per want mask). *got receives the allowed subset; note (n bytes) says why the others are
 * not, or is "" when all are. Never fails.
 */
void rp_sandbox_probe(unsigned want, unsigned *got, char *note, size_t n);

/*
 * Run o->argv as described above and wait for it (or for the timeout). Returns RP_OK when
 * the command ran to an end -- whatever its exit status, which is in res->status, with
 * res->timed_out set when it was killed at the timeout. Every process the build started
 * is gone when this returns (the pid namespace dies with its init; without one, the
 * process group and any orphans reparented to us are killed). RP_EIO when the sandbox
 * could not be set up (fork, pipes, id maps). Borrowed pointers only.
 */
enum rp_status rp_sandbox_run(const struct rp_sandbox_opts *o, struct rp_sandbox_result *res,
			      struct rp_err *e);

/* "exit status N", "killed by signal N (NAME)", into buf (n bytes); returns buf. */
const char *rp_sandbox_describe(int status, char *buf, size_t n);

/* Comma-separated names of the namespaces in mask ("user,mount,pid") into buf; returns it. */
const char *rp_sandbox_ns_names(unsigned mask, char *buf, size_t n);

#endif
