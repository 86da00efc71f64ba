/*
 * Messages to the user. Only cli/ prints; every line to stderr starts "reprove: CMD: ".
 */
#ifndef RP_OUT_H
#define RP_OUT_H

#include <stdio.h>

#include "err.h"

/* The command being run, for message prefixes ("reprove: hash: ..."). */
extern const char *rp_out_cmd;
/* -v count and -q flag set by commands that take them. */
extern int rp_out_verbose;
extern int rp_out_quiet;

/* "reprove: CMD: message" on stderr, as one write(2); control characters become '?'. */
void rp_msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "reprove: CMD: warning: message" */
void rp_msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "reprove: CMD: note: message", suppressed by -q */
void rp_msg_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only with -v. */
void rp_msg_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Turn a getopt_long() '?' or ':' result into a usage error in *e ("unknown option '--x'",
 * "option '-o' needs a value"). Returns RP_EUSAGE.
 */
enum rp_status cli_bad_option(struct rp_err *e, int c, char **argv);

/*
 * Parse a decimal unsigned integer in [min, max] for option opt; a malformed or out-of-range
 * value is RP_EUSAGE naming the option.
 */
enum rp_status cli_parse_ulong(const char *opt, const char *s, unsigned long min,
			       unsigned long max, unsigned long *out, struct rp_err *e);

/*
 * Print text line by line, each line prefixed by indent, cut at 1000 bytes and with control
 * characters replaced by '?' (build logs and diff reports carry untrusted bytes).
 */
void cli_print_indented(FILE *fp, const char *text, const char *indent);

/* After a failed build: "reprove: CMD: last lines of the build log:" and the tail, indented. */
void cli_print_log_tail(const char *tail);

#endif
