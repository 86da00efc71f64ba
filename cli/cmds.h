/*
 * The command table's entries. Each cli/cmd_NAME.c defines `const struct rp_cmd rp_cmd_NAME`.
 */
#ifndef RP_CMDS_H
#define RP_CMDS_H

#include "err.h"

struct rp_cmd {
	const char *name;
	/* argv[0] is the command name; returns the exit status, with *e filled on errors */
	enum rp_status (*fn)(int argc, char **argv, struct rp_err *e);
	const char *const *usage; /* NULL-terminated; [0] is the synopsis line */
	const char *summary;      /* one line for `reprove help` */
};

extern const struct rp_cmd rp_cmd_attest;
extern const struct rp_cmd rp_cmd_audit;
extern const struct rp_cmd rp_cmd_check;
extern const struct rp_cmd rp_cmd_diff;
extern const struct rp_cmd rp_cmd_fetch;
extern const struct rp_cmd rp_cmd_gate;
extern const struct rp_cmd rp_cmd_hash;
extern const struct rp_cmd rp_cmd_keygen;
extern const struct rp_cmd rp_cmd_normalize;
extern const struct rp_cmd rp_cmd_rebuild;
extern const struct rp_cmd rp_cmd_sign;
extern const struct rp_cmd rp_cmd_verify;

#endif
