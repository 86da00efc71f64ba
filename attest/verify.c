/*
 * The verification pipeline: runs the requested checks in DESIGN's order and records one
 * report line per check (first version: API only, checks land in the next commits).
 */
#include <stdlib.h>

#include "verify.h"

enum rp_status rp_verify_run(const struct rp_verify_opts *o, const struct rp_verify_asset *assets,
			     size_t n, struct rp_verify_report **out, struct rp_err *e)
{
	(void)o;
	(void)assets;
	(void)n;
	*out = NULL;
	return rp_errf(e, RP_EINTERNAL, "verification not yet built");
}

enum rp_status rp_verify_write_text(const struct rp_verify_report *r, FILE *fp, struct rp_err *e)
{
	(void)r;
	(void)fp;
	return rp_errf(e, RP_EINTERNAL, "verification not yet built");
}

enum rp_status rp_verify_write_json(const struct rp_verify_report *r, FILE *fp, struct rp_err *e)
{
	(void)r;
	(void)fp;
	return rp_errf(e, RP_EINTERNAL, "verification not yet built");
}

void rp_verify_report_free(struct rp_verify_report *r)
{
	free(r);
}
