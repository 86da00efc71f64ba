/*
 * The shared rebuild step of `gate` and `audit` (see rebuild_kept.h).
 */
#include <stdlib.h>
#include <string.h>

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

void cli_rebuild_print_run(FILE *fp, const struct rp_rebuild_run *run, const char *prefix)
{
	char nm[512];
	int first = 1;

	for (int v = 0; v < RP_VARY_COUNT; v++)
		if (run->vary & (1u << v)) {
			fprintf(fp, "%s%s", first ? prefix : ", ",
				rp_variation_name((enum rp_variation)v));
			first = 0;
		}
	fputc('\n', fp);
	for (size_t j = 0; j < run->narts; j++) {
		const struct rp_rebuild_run_artifact *a = &run->arts[j];
		if (a->result == RP_ART_IDENTICAL)
			continue;
		fprintf(fp, "  %s: %s\n", rp_sanitize(nm, sizeof(nm), a->name),
			rp_artifact_result_name(a->result));
		if (a->diff)
			cli_print_indented(fp, a->diff, "    ");
	}
}

static const char *skip_reason(const struct rp_rebuild_variation *x)
{
	return x->skipped ? x->skipped : "not applicable";
}

static int skipped(const struct rp_rebuild_variation *x)
{
	return x->selected && !x->applied;
}

void cli_rebuild_print_skipped(FILE *fp, const struct rp_rebuild_report *r)
{
	int first = 1;

	for (int v = 0; v < RP_VARY_COUNT; v++) {
		const struct rp_rebuild_variation *x = &r->variations[v];
		int seen = 0;
		if (!skipped(x))
			continue;
		/* a reason is printed once, at the first variation that has it */
		for (int u = 0; u < v && !seen; u++)
			seen = skipped(&r->variations[u]) &&
			       strcmp(skip_reason(&r->variations[u]), skip_reason(x)) == 0;
		if (seen)
			continue;
		fprintf(fp, "%s%s", first ? "skipped variations: " : "; ", x->name);
		for (int u = v + 1; u < RP_VARY_COUNT; u++)
			if (skipped(&r->variations[u]) &&
			    strcmp(skip_reason(&r->variations[u]), skip_reason(x)) == 0)
				fprintf(fp, ", %s", r->variations[u].name);
		fprintf(fp, " (%s)", skip_reason(x));
		first = 0;
	}
	if (!first)
		fputc('\n', fp);
}
