/*
 * The shared rebuild step of `gate` and `audit` (see rebuild_kept.h).
 */
#include <stdlib.h>

#include "file.h"
#include "mem.h"
#include "out.h"
#include "rebuild_kept.h"

enum rp_status cli_rebuild_kept(const char *what, struct rp_rebuild_opts *o, char **scratch,
				char **keep, struct rp_rebuild_report **r, int *interrupted,
				int *reported, struct rp_err *e)
{
	enum rp_status rc;
	char *tail = NULL;

	*interrupted = 0;
	*reported = 0;
	rc = rp_mkscratch(what, scratch, e);
	if (rc)
		return rc;
	*keep = rp_xasprintf("%s/keep", *scratch);
	o->keep_dir = *keep;
	/* a signal stops the build; the caller removes the scratch tree before we die of it */
	rp_cleanup_defer(1);
	rc = rp_rebuild_run(o, r, &tail, e);
	if (rp_cleanup_pending()) {
		*interrupted = 1;
	} else if (rc && tail) {
		rp_msg_error("%s", e->msg);
		cli_print_log_tail(tail);
		rp_err_clear(e);
		*reported = 1;
	}
	free(tail);
	return rc;
}
