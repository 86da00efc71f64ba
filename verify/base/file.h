/*
 * Opening untrusted paths, bounded whole-file reads, and atomic output files
 * (temporary file in the target's directory, fsync, rename) with cleanup on signals.
 */
#ifndef RP_FILE_H
#define RP_FILE_H

#include <stdio.h>
#include <sys/types.h>

#include "err.h"

enum {
	RP_OPEN_NOFOLLOW = 1 << 0, /* refuse a symlink as the last component */
	RP_OPEN_STDIN = 1 << 1,    /* "-" means standard input */
};

/*
 * Open path read-only (O_CLOEXEC), refusing directories and anything but a regular file or
 * a pipe/tty. Fills *fd on success. Errors: RP_EIO (naming the path, with strerror).
 */
enum rp_status rp_open_ro(const char *path, unsigned flags, int *fd, struct rp_err *e);

/*
 * Read all of path (or stdin when flags has RP_OPEN_STDIN and path is "-") into a malloc'd,
 * NUL-terminated buffer the caller frees. More than max bytes is RP_EINPUT
 * ("'path': larger than N bytes"); open/read failures are RP_EIO.
 */
enum rp_status rp_read_file(const char *path, unsigned flags, size_t max, char **data,
			    size_t *len, struct rp_err *e);

/* An output file being written; rp_atomic_commit gives it its final name. */
struct rp_atomic {
	char *path;  /* final name (owned) */
	char *tmp;   /* temporary name in the same directory (owned) */
	int fd;
	FILE *fp;    /* stdio stream on fd, for callers that fprintf */
	int to_stdout; /* path was "-": writes go to stdout, commit only flushes */
	int excl;      /* commit refuses to replace an existing file */
	int direct;    /* path is a device or FIFO: written in place, never renamed over */
};

#define RP_ATOMIC_INIT { NULL, NULL, -1, NULL, 0, 0, 0 }

/*
 * Create a temporary file next to path with the given mode (e.g. 0644, 0600 for secrets)
 * and register it for removal on SIGINT/SIGTERM/SIGHUP. "-" writes to standard output; an
 * existing device or FIFO (/dev/null, /dev/stdout) is written in place, never replaced.
 * When excl is non-zero, an existing file at path is an error (RP_EIO, "already exists").
 */
enum rp_status rp_atomic_open(struct rp_atomic *a, const char *path, mode_t mode, int excl,
			      struct rp_err *e);
/* Write n bytes (RP_EIO on failure, e.g. ENOSPC). */
enum rp_status rp_atomic_write(struct rp_atomic *a, const void *p, size_t n, struct rp_err *e);
/*
 * Flush, fsync, and rename onto the final path (re-checking excl with link(2) semantics).
 * On failure the temporary file is removed and nothing is left at the final path.
 * The struct is released either way.
 */
enum rp_status rp_atomic_commit(struct rp_atomic *a, struct rp_err *e);
/* Remove the temporary file and release the struct. Safe to call twice or after commit. */
void rp_atomic_abort(struct rp_atomic *a);

/*
 * Install SIGINT/SIGTERM/SIGHUP handlers that unlink every registered temporary file and
 * re-raise the signal. Called once by main().
 */
void rp_cleanup_install(void);
/*
 * Defer fatal signals while a caller that must clean up itself runs (a rebuild's scratch
 * tree and sandboxed processes cannot be dealt with from a signal handler). Between
 * rp_cleanup_defer(1) and rp_cleanup_defer(0), the first SIGINT/SIGTERM/SIGHUP is only
 * recorded: rp_cleanup_pending() returns it (0 if none) so long waits can stop, and
 * rp_cleanup_defer(0) then removes the registered files and re-raises it (the process
 * dies by that signal). A second signal while one is pending is not deferred. For cli/.
 */
void rp_cleanup_defer(int on);
int rp_cleanup_pending(void);
/* Register/unregister a path for removal on a fatal signal (copied; at most 64 at once). */
void rp_cleanup_add(const char *path);
void rp_cleanup_remove(const char *path);

/*
 * Create a private directory $TMPDIR/reprove-WHAT.XXXXXX (or under /tmp) and return its
 * malloc'd path in *out. RP_EIO when it cannot be made.
 */
enum rp_status rp_mkscratch(const char *what, char **out, struct rp_err *e);

/*
 * Open an unlinked temporary file $TMPDIR/reprove-WHAT.XXXXXX (or under /tmp) for reading
 * and writing: its bytes never appear under a name. RP_EIO when it cannot be made.
 */
enum rp_status rp_tmpfile(const char *what, int *fd, struct rp_err *e);

/* Write all n bytes to fd, retrying on EINTR and short writes; returns 0 or an errno. */
int rp_write_all(int fd, const void *p, size_t n);

#endif
