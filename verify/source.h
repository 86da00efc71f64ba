/*
 * The source a rebuild starts from: the tracked files of a git working tree, or a fresh
 * clone of a ref; and fresh copies of it, one per build, that never see a previous build.
 */
#ifndef RP_SOURCE_H
#define RP_SOURCE_H

#include <stddef.h>

#include "err.h"

struct rp_source {
	char *dir;          /* the tree copies are made from (owned) */
	char **files;       /* tracked paths relative to dir, git's order, NULL-terminated */
	size_t nfiles;
	char *uri;          /* --git URL, or NULL for a working tree (owned) */
	char *ref;          /* --ref as given, or NULL (owned) */
	char *commit;       /* the commit (40 or 64 hex digits), NULL when there is none */
	long long commit_time; /* its committer time (unix seconds), -1 when unknown */
	int dirty;          /* working tree: tracked files differ from the commit */
};

#define RP_SOURCE_INIT { NULL, NULL, 0, NULL, NULL, NULL, -1, 0 }

/*
 * Use the git working tree at dir: its tracked files (`git ls-files`), with their working
 * tree contents, and its HEAD commit when it has one. RP_EIO when git cannot run or dir is
 * not in a git working tree. *s is filled only on success.
 */
enum rp_status rp_source_open_worktree(struct rp_source *s, const char *dir, struct rp_err *e);

/*
 * Clone url into dest (which must not exist) and check out ref (a tag, branch, or commit)
 * detached; the commit is recorded. A url or ref starting with '-' is RP_EUSAGE; a failed
 * clone or an unknown ref is RP_EIO with git's first error line.
 */
enum rp_status rp_source_clone(struct rp_source *s, const char *url, const char *ref,
			       const char *dest, struct rp_err *e);

/*
 * Copy the tracked files into dest (created, must not exist): regular files with mode
 * 0755 when any execute bit is set and 0644 otherwise (as a checkout under umask 022
 * makes them), symbolic links as links, directories 0755. Paths are resolved component
 * by component without following links, so a link can never redirect a copy outside
 * dest. Tracked files missing from the working tree and submodules are skipped and
 * counted in *skipped (may be NULL). RP_EIO on failure.
 */
enum rp_status rp_source_copy(const struct rp_source *s, const char *dest, size_t *skipped,
			      struct rp_err *e);

/* Free the contents; *s is as after RP_SOURCE_INIT. */
void rp_source_release(struct rp_source *s);

/*
 * Run argv (argv[0] looked up in PATH) in dir with the caller's environment plus LC_ALL=C
 * and GIT_TERMINAL_PROMPT=0, stdin on /dev/null; stdout collected into *out (malloc'd,
 * NUL-terminated, at most max bytes, else RP_EIO). A non-zero exit is RP_EIO with the first
 * line the command wrote to stderr. Used for git; exposed for the tests.
 */
enum rp_status rp_source_run(const char *const *argv, const char *dir, size_t max, char **out,
			     size_t *outlen, struct rp_err *e);

#endif
