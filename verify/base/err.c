/*
 * Error records: formatting, control-character scrubbing and errno capture.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"

static void scrub(char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			*s = '?';
	}
}

enum rp_status rp_verrf(struct rp_err *e, enum rp_status code, const char *fmt, va_list ap)
{
	if (!e)
		return code;
	e->code = code;
	e->sys_errno = 0;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	scrub(e->msg);
	return code;
}

enum rp_status rp_errf(struct rp_err *e, enum rp_status code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rp_verrf(e, code, fmt, ap);
	va_end(ap);
	return code;
}

enum rp_status rp_err_sys(struct rp_err *e, enum rp_status code, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (!e)
		return code;
	va_start(ap, fmt);
	rp_verrf(e, code, fmt, ap);
	va_end(ap);
	len = strlen(e->msg);
	if (len < sizeof(e->msg))
		snprintf(e->msg + len, sizeof(e->msg) - len, ": %s", strerror(errnum));
	e->sys_errno = errnum;
	return code;
}

enum rp_status rp_err_prefix(struct rp_err *e, const char *fmt, ...)
{
	char old[RP_ERR_MSG_MAX];
	size_t len;
	va_list ap;

	if (!e)
		return RP_EINTERNAL;
	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	len = strlen(e->msg);
	if (len + 2 < sizeof(e->msg)) {
		e->msg[len] = ':';
		e->msg[len + 1] = ' ';
		len += 2;
		memcpy(e->msg + len, old, strnlen(old, sizeof(e->msg) - len - 1));
		e->msg[len + strnlen(old, sizeof(e->msg) - len - 1)] = '\0';
	}
	scrub(e->msg);
	return e->code;
}

void rp_err_clear(struct rp_err *e)
{
	if (!e)
		return;
	e->code = RP_OK;
	e->sys_errno = 0;
	e->msg[0] = '\0';
}

char *rp_sanitize(char *dst, size_t n, const char *s)
{
	size_t len;

	if (!n)
		return dst;
	if (!s)
		s = "";
	len = strnlen(s, n - 1);
	memmove(dst, s, len); /* dst may be s: callers scrub in place */
	dst[len] = '\0';
	scrub(dst);
	return dst;
}

char *rp_err_tidy(char *dst, size_t n, const char *s)
{
	size_t len;

	if (!n)
		return dst;
	len = s ? strlen(s) : 0;
	if (len >= n)
		len = n - 1;
	memcpy(dst, s ? s : "", len);
	dst[len] = '\0';
	if (len >= 2 && dst[0] >= 'A' && dst[0] <= 'Z' && dst[1] >= 'a' && dst[1] <= 'z')
		dst[0] = (char)(dst[0] - 'A' + 'a');
	if (len && dst[len - 1] == '.')
		dst[len - 1] = '\0';
	return dst;
}
