/*
 * Passphrases for secret keys: a prompt on the controlling terminal with echo off, or an
 * environment variable named by --passphrase-env. Never from argv.
 */
#ifndef RP_PASSPHRASE_H
#define RP_PASSPHRASE_H

#include <stddef.h>

#include "err.h"
#include "keys.h"

/*
 * The rp_pass_src prompt callback: reads from /dev/tty with echo disabled (restored even on
 * error), asking twice when confirm is set. RP_EUSAGE when there is no terminal.
 */
enum rp_status cli_pass_prompt(void *arg, const char *what, int confirm, char *buf, size_t n,
			       struct rp_err *e);

/* Fill *src: the variable env when non-NULL, else the terminal prompt. */
void cli_pass_src(struct rp_pass_src *src, const char *env);

#endif
