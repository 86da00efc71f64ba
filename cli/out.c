/*
 * User-facing messages: one line each, written with a single write(2) so that lines from
 * concurrent processes do not interleave, with untrusted text scrubbed of control characters.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "out.h"

const char *rp_out_cmd;
int rp_out_verbose;
int rp_out_quiet;

static void vemit(const char *kind, const char *fmt, va_list ap)
{
	char body[2048], line[2300];
	int n;

	vsnprintf(body, sizeof(body), fmt, ap);
	rp_sanitize(body, sizeof(body), body);
	if (rp_out_cmd)
		n = snprintf(line, sizeof(line), "reprove: %s: %s%s\n", rp_out_cmd, kind, body);
	else
		n = snprintf(line, sizeof(line), "reprove: %s%s\n", kind, body);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	rp_write_all(2, line, (size_t)n);
}

void rp_msg_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit("", fmt, ap);
	va_end(ap);
}

void rp_msg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit("warning: ", fmt, ap);
	va_end(ap);
}

void rp_msg_note(const char *fmt, ...)
{
	va_list ap;

	if (rp_out_quiet)
		return;
	va_start(ap, fmt);
	vemit("note: ", fmt, ap);
	va_end(ap);
}

void rp_msg_verbose(const char *fmt, ...)
{
	va_list ap;

	if (!rp_out_verbose)
		return;
	va_start(ap, fmt);
	vemit("", fmt, ap);
	va_end(ap);
}

enum rp_status cli_bad_option(struct rp_err *e, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		return rp_errf(e, RP_EUSAGE, "option '%s' needs a value", arg);
	if (optopt && !(arg && arg[0] == '-' && arg[1] == '-'))
		return rp_errf(e, RP_EUSAGE, "unknown option '-%c'", optopt);
	return rp_errf(e, RP_EUSAGE, "unknown option '%s'", arg ? arg : "?");
}

enum rp_status cli_parse_ulong(const char *opt, const char *s, unsigned long min,
			       unsigned long max, unsigned long *out, struct rp_err *e)
{
	unsigned long v;
	char *end;

	errno = 0;
	if (!s || *s < '0' || *s > '9')
		return rp_errf(e, RP_EUSAGE, "%s: '%s' is not a number", opt, s ? s : "");
	v = strtoul(s, &end, 10);
	if (errno || *end)
		return rp_errf(e, RP_EUSAGE, "%s: '%s' is not a number", opt, s);
	if (v < min || v > max)
		return rp_errf(e, RP_EUSAGE, "%s: %lu is out of range (%lu-%lu)", opt, v, min, max);
	*out = v;
	return RP_OK;
}

void cli_print_indented(FILE *fp, const char *text, const char *indent)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		char line[1024];
		snprintf(line, sizeof(line), "%.*s", (int)(n < 1000 ? n : 1000), p);
		fprintf(fp, "%s%s\n", indent, rp_sanitize(line, sizeof(line), line));
		p += n;
		if (*p)
			p++;
	}
}

void cli_print_log_tail(const char *tail)
{
	fprintf(stderr, "reprove: %s: last lines of the build log:\n", rp_out_cmd ? rp_out_cmd : "");
	cli_print_indented(stderr, tail, "  | ");
}
