/*
 * reprove normalize: rewrite an archive into its canonical form, or check that it is.
 */
#include <stddef.h>

#include "cmds.h"

static const char *const normalize_usage[] = {
	"reprove normalize IN -o OUT [--epoch T | --clamp T]",
	"reprove normalize --check IN [--epoch T | --clamp T]",
	NULL,
};

static enum rp_status cmd_normalize(int argc, char **argv, struct rp_err *e)
{
	(void)argc;
	(void)argv;
	return rp_errf(e, RP_EINTERNAL, "not yet built");
}

const struct rp_cmd rp_cmd_normalize = { "normalize", cmd_normalize, normalize_usage,
					 "rewrite an archive in canonical, deterministic form" };
