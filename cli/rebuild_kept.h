/*
 * The rebuild step gate and audit share: a scratch tree, the first build kept in it, signals
 * deferred while the build runs, and a failed build's log tail printed; and the pieces of a
 * rebuild report that rebuild and gate print alike.
 */
#ifndef RP_REBUILD_KEPT_H
#define RP_REBUILD_KEPT_H

#include <stdio.h>

#include "err.h"
#include "rebuild.h"

/*
 * Create $TMPDIR/reprove-WHAT.XXXXXX (*scratch, malloc'd) and rebuild with o->keep_dir set
 * to *scratch/keep (*keep, malloc'd); the caller removes the tree and frees both, whatever
 * the result. Signals stay deferred (rp_cleanup_defer(1)) for the caller's clean-up.
 * Returns rp_rebuild_run's status. *interrupted is set when a signal arrived: the caller
 * cleans up and returns. When the build itself failed, its error and log tail are printed
 * here, *reported is set, and *e is cleared.
 */
enum rp_status cli_rebuild_kept(const char *what, struct rp_rebuild_opts *o, char **scratch,
				char **keep, struct rp_rebuild_report **r, int *interrupted,
				int *reported, struct rp_err *e);

/*
 * The rest of a run's line (" varied: a, b" after prefix, then a newline), and each artifact
 * that is not identical to the reference with its diff, indented.
 */
void cli_rebuild_print_run(FILE *fp, const struct rp_rebuild_run *run, const char *prefix);

/* "skipped variations: a, b (why); c (why)", grouped by reason, if any were skipped. */
void cli_rebuild_print_skipped(FILE *fp, const struct rp_rebuild_report *r);

#endif
