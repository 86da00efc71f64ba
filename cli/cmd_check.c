/*
 * reprove check: SHA256SUMS-compatible digests of files and trees.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "hash.h"
#include "out.h"

static const char *const check_usage[] = {
	"reprove check [-j N] [--format gnu|bsd|json] [-o FILE] [-v] PATH...",
	NULL,
};

static enum rp_status cmd_check(int argc, char **argv, struct rp_err *e)
{
	(void)argc;
	(void)argv;
	return rp_errf(e, RP_EINTERNAL, "not yet built");
}

const struct rp_cmd rp_cmd_check = { "check", cmd_check, check_usage,
				    "check files against a SHA256SUMS file" };
