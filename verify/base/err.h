/*
 * Status codes and the error record every library function fills.
 * The enum values are the process exit codes (DESIGN "Exit codes"): pinned, never renumber.
 */
#ifndef RP_ERR_H
#define RP_ERR_H

#include <stdarg.h>
#include <stddef.h>

enum rp_status {
	RP_OK = 0,
	RP_FAIL = 1,      /* a verdict: a check ran and did not pass -- not an error */
	RP_EUSAGE = 2,    /* bad command line */
	RP_EINPUT = 3,    /* malformed input file or stream */
	RP_EIO = 4,       /* I/O, network, environment (incl. missing kernel features) */
	RP_EINTERNAL = 5, /* a bug: an invariant broke; the message names file:line */
};

#define RP_ERR_MSG_MAX 512

struct rp_err {
	enum rp_status code;
	int sys_errno;            /* errno (or -ret of liburing), 0 if none */
	char msg[RP_ERR_MSG_MAX]; /* one line, "what: why"; control characters replaced by '?' */
};

#define RP_ERR_INIT { RP_OK, 0, { 0 } }

/*
 * Set *e (when e is non-NULL) to code and the formatted message, and return code, so that
 * callers write `return rp_errf(e, RP_EINPUT, "'%s' line %zu: ...", ...)`.
 * Control characters in the result are replaced by '?' (names are attacker-controlled).
 */
enum rp_status rp_errf(struct rp_err *e, enum rp_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum rp_status rp_verrf(struct rp_err *e, enum rp_status code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* As rp_errf, with ": strerror(errnum)" appended and errnum recorded. */
enum rp_status rp_err_sys(struct rp_err *e, enum rp_status code, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Prefix an existing message with "what: " (for callers adding context). Returns e->code. */
enum rp_status rp_err_prefix(struct rp_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reset *e to RP_ERR_INIT. */
void rp_err_clear(struct rp_err *e);

/*
 * Copy s into dst (size n, always NUL-terminated) with control characters and DEL replaced
 * by '?', for printing names that came from untrusted input. Returns dst.
 */
char *rp_sanitize(char *dst, size_t n, const char *s);

/*
 * Copy a library's message (libarchive: "Uname can't be converted ... locale.") into dst
 * (size n, always NUL-terminated) in house style: the first letter lowercased unless the
 * second is not lowercase (so "ZIP ..." and "CRC ..." stay), one trailing full stop
 * dropped. NULL s gives "". Returns dst.
 */
char *rp_err_tidy(char *dst, size_t n, const char *s);

#define RP_BUG(e, what) rp_errf((e), RP_EINTERNAL, "BUG %s:%d: %s", __FILE__, __LINE__, (what))

#endif
