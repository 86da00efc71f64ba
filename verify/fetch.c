/*
 * Downloads through libcurl: scheme and redirect restrictions, TLS always verified, size
 * limits, retries with backoff, resumable FILE.part, and SHA-256 of what lands on disk.
 * The only file in reprove that includes curl headers.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fetch.h"
#include "file.h"
#include "hash.h"
#include "mem.h"

#ifndef RP_VERSION
#define RP_VERSION "dev"
#endif

enum stop {
	STOP_NONE,
	STOP_TOOBIG,   /* more than max bytes (Content-Length or counted) */
	STOP_HTTP,     /* an HTTP status we do not take a body from */
	STOP_IO,       /* writing the part failed */
	STOP_COMPLETE, /* 416 on a part that already holds the whole file */
	STOP_BADRANGE, /* the server's answer to our range does not fit what is on disk */
};

/* One download: its target (a file or a buffer) and the state of the current attempt. */
struct xfer {
	CURL *h;
	const struct rp_fetch_opts *o;
	const char *url;
	const char *part;     /* file target name, or NULL */
	int fd;               /* file target, or -1 */
	struct rp_buf *mem;   /* memory target, or NULL */
	struct rp_sha256 sha; /* digest of the `have` bytes stored */
	uint64_t have;        /* bytes stored so far */
	uint64_t max;         /* 0 = no limit */
	uint64_t total;       /* expected size when known, for progress */
	int is_file_url;
	/* per attempt */
	uint64_t start; /* offset asked for with Range */
	int begun;      /* body handling decided for this response */
	long code;
	char reason[64];
	int cr_seen, cr_star;
	uint64_t cr_first, cr_total;
	long retry_after;
	enum stop stop;
	int stop_errno;
	uint64_t toobig_at;
};

static int curl_ready;

static enum rp_status global_init(struct rp_err *e)
{
	if (curl_ready)
		return RP_OK;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return rp_errf(e, RP_EIO, "cannot initialise libcurl");
	curl_ready = 1;
	return RP_OK;
}

static int has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

int rp_fetch_is_url(const char *s)
{
	const char *p = s;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return 0;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	       *p == '+' || *p == '-' || *p == '.')
		p++;
	return p[0] == ':' && p[1] == '/' && p[2] == '/';
}

enum rp_status rp_fetch_check_url(const char *url, const struct rp_fetch_opts *o,
				  struct rp_err *e)
{
	if (has_prefix_ci(url, "https://") && url[8])
		return RP_OK;
	if (has_prefix_ci(url, "file://") && url[7])
		return RP_OK;
	if (has_prefix_ci(url, "http://") && url[7]) {
		if (o->allow_http)
			return RP_OK;
		return rp_errf(e, RP_EUSAGE,
			       "'%s': plain http refused (no transport security; "
			       "--allow-http accepts it)",
			       url);
	}
	return rp_errf(e, RP_EUSAGE, "'%s': not an https, http or file URL", url);
}

enum rp_status rp_fetch_parse_size(const char *flag, const char *s, uint64_t *out,
				   struct rp_err *e)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return rp_errf(e, RP_EUSAGE, "%s: '%s' is not a size", flag, s);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (errno || *end || v == 0 || v > (UINT64_MAX >> shift))
		return rp_errf(e, RP_EUSAGE, "%s: '%s' is not a size", flag, s);
	*out = (uint64_t)v << shift;
	return RP_OK;
}

char *rp_fetch_url_name(const char *url)
{
	const char *p = strstr(url, "://");
	const char *end, *slash;
	char *name, *o;

	p = p ? p + 3 : url;
	end = p + strcspn(p, "?#");
	slash = NULL;
	for (const char *q = p; q < end; q++)
		if (*q == '/')
			slash = q;
	if (!slash)
		return NULL; /* "https://host" names no file */
	name = rp_xmalloc((size_t)(end - slash));
	o = name;
	for (const char *q = slash + 1; q < end; q++) {
		int hi = end - q >= 3 ? rp_hexdigit(q[1]) : -1;
		int lo = end - q >= 3 ? rp_hexdigit(q[2]) : -1;

		if (*q == '%' && hi >= 0 && lo >= 0) {
			*o++ = (char)(hi << 4 | lo);
			q += 2;
		} else {
			*o++ = *q;
		}
	}
	*o = '\0';
	/* decoded bytes may be anything: refuse what cannot be a plain file name */
	if ((size_t)(o - name) != strlen(name) || !name[0] || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || strchr(name, '/'))
		goto bad;
	for (o = name; *o; o++)
		if ((unsigned char)*o < 0x20 || *o == 0x7f)
			goto bad;
	return name;
bad:
	free(name);
	return NULL;
}

/* Parse decimal digits at *p (not past end) into *v; -1 on none or overflow. */
static int parse_u64(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t n = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (n > (UINT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*v = n;
	return 0;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* "bytes FIRST-LAST/TOTAL" or "bytes * /TOTAL" without the space (RFC 9110 14.4) */
static void parse_content_range(struct xfer *x, const char *p, const char *end)
{
	uint64_t first, last, total;

	p = skip_ws(p, end);
	if (end - p < 6 || strncasecmp(p, "bytes", 5) != 0)
		return;
	p = skip_ws(p + 5, end);
	if (end - p >= 2 && p[0] == '*' && p[1] == '/') {
		p += 2;
		if (parse_u64(&p, end, &total) == 0) {
			x->cr_star = 1;
			x->cr_total = total;
		}
		return;
	}
	if (parse_u64(&p, end, &first) || p >= end || *p++ != '-' || parse_u64(&p, end, &last) ||
	    last < first)
		return;
	x->cr_seen = 1;
	x->cr_first = first;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nitems;
	const char *end = buf + n;
	const char *p;

	while (end > buf && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (n >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
		/* a new response (after a redirect, or an interim one): forget the last one */
		uint64_t code = 0;
		size_t rl;

		x->cr_seen = x->cr_star = 0;
		x->retry_after = 0;
		x->reason[0] = '\0';
		p = memchr(buf, ' ', (size_t)(end - buf));
		if (p) {
			p++;
			if (parse_u64(&p, end, &code) == 0 && code < 1000)
				x->code = (long)code;
			p = skip_ws(p, end);
			rl = (size_t)(end - p);
			if (rl >= sizeof(x->reason))
				rl = sizeof(x->reason) - 1;
			memcpy(x->reason, p, rl);
			x->reason[rl] = '\0';
		}
	} else if (n > 14 && strncasecmp(buf, "content-range:", 14) == 0) {
		parse_content_range(x, buf + 14, end);
	} else if (n > 12 && strncasecmp(buf, "retry-after:", 12) == 0) {
		uint64_t secs;

		p = skip_ws(buf + 12, end);
		if (parse_u64(&p, end, &secs) == 0)
			x->retry_after = secs > 3600 ? 3600 : (long)secs;
	}
	return n;
}

static void notice(struct xfer *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void notice(struct xfer *x, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!x->o->notice)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->o->notice(x->o->notice_arg, msg);
}

/* Empty the target and the digest: the next bytes are the file's first. */
static int reset_target(struct xfer *x)
{
	if (x->fd >= 0) {
		if (ftruncate(x->fd, 0) < 0 || lseek(x->fd, 0, SEEK_SET) < 0) {
			x->stop = STOP_IO;
			x->stop_errno = errno;
			return -1;
		}
	} else {
		rp_buf_release(x->mem);
	}
	rp_sha256_release(&x->sha);
	rp_sha256_init(&x->sha);
	x->have = 0;
	return 0;
}

/*
 * Decide, once per response and before storing any of its body, whether the body continues
 * what is on disk, replaces it, or is not ours to store.
 */
static int begin_body(struct xfer *x)
{
	curl_off_t cl = -1;
	long code = 0;

	x->begun = 1;
	if (!x->is_file_url) {
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
		x->code = code;
		if (code == 416 && x->start > 0) {
			x->stop = x->cr_star && x->cr_total == x->start ? STOP_COMPLETE : STOP_BADRANGE;
			return -1;
		}
		if (code < 200 || code > 299) {
			x->stop = STOP_HTTP;
			return -1;
		}
		if (code == 206) {
			if (!x->cr_seen || x->cr_first != x->start) {
				x->stop = STOP_BADRANGE;
				return -1;
			}
		} else if (x->start > 0) {
			notice(x, "'%s': the server ignored the range request; restarting from zero",
			       x->url);
			if (reset_target(x))
				return -1;
		}
	}
	curl_easy_getinfo(x->h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	if (cl >= 0) {
		x->total = x->have + (uint64_t)cl;
		if (x->max && x->total > x->max) {
			x->stop = STOP_TOOBIG;
			x->toobig_at = x->total;
			return -1;
		}
	} else {
		x->total = 0;
	}
	return 0;
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;
	int err;

	if (!x->begun && begin_body(x))
		return CURL_WRITEFUNC_ERROR;
	if (x->max && (x->have > x->max || n > x->max - x->have)) {
		x->stop = STOP_TOOBIG;
		x->toobig_at = 0;
		return CURL_WRITEFUNC_ERROR;
	}
	if (x->fd >= 0) {
		err = rp_write_all(x->fd, p, n);
		if (err) {
			x->stop = STOP_IO;
			x->stop_errno = err;
			return CURL_WRITEFUNC_ERROR;
		}
	} else if (rp_buf_add(x->mem, p, n, NULL)) {
		x->stop = STOP_TOOBIG;
		x->toobig_at = 0;
		return CURL_WRITEFUNC_ERROR;
	}
	rp_sha256_update(&x->sha, p, n);
	x->have += n;
	return n;
}

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct xfer *x = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	if (x->begun && x->stop == STOP_NONE)
		x->o->progress(x->o->progress_arg, x->have, x->total);
	return 0;
}

static int transient_curl(CURLcode res)
{
	switch (res) {
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static int transient_http(long code)
{
	return code == 408 || code == 429 || (code >= 500 && code <= 599);
}

static enum rp_status setup(struct xfer *x, char *errbuf, struct rp_err *e)
{
	const struct rp_fetch_opts *o = x->o;
	const char *protos;
	CURL *h;
	int bad = 0;

	h = curl_easy_init();
	if (!h)
		return rp_errf(e, RP_EIO, "cannot initialise a libcurl handle");
	x->h = h;
	if (x->is_file_url)
		protos = "file";
	else
		protos = o->allow_http ? "http,https" : "https";
	bad |= curl_easy_setopt(h, CURLOPT_URL, x->url) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protos) != CURLE_OK;
	/* a redirect can never leave https unless http was explicitly accepted */
	bad |= curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR,
				o->allow_http ? "http,https" : "https") != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_MAXREDIRS, o->max_redirs) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK;
	/*
	 * CAINFO replaces only the bundle file; the compiled-in CA directory (/etc/ssl/certs on
	 * Debian) stays, so --cacert adds a CA rather than replacing the system store.
	 */
	if (o->cacert)
		bad |= curl_easy_setopt(h, CURLOPT_CAINFO, o->cacert) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, o->connect_timeout) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, o->speed_time) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, o->speed_limit) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK;
	/* fewer, larger writes and digest updates than the 16 KiB default */
	bad |= curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 512L * 1024) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_USERAGENT, "reprove/" RP_VERSION) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_HEADERDATA, x) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_WRITEDATA, x) != CURLE_OK;
	if (o->progress) {
		bad |= curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress) != CURLE_OK;
		bad |= curl_easy_setopt(h, CURLOPT_XFERINFODATA, x) != CURLE_OK;
		bad |= curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L) != CURLE_OK;
	}
	if (bad)
		return rp_errf(e, RP_EIO, "'%s': libcurl refused an option (too old a libcurl?)",
			       x->url);
	return RP_OK;
}

/* One transfer. *transient says whether trying again may help. */
static enum rp_status attempt(struct xfer *x, char *errbuf, int *transient, struct rp_err *e)
{
	char range[32];
	CURLcode res;

	*transient = 0;
	x->start = x->have;
	x->begun = 0;
	x->code = 0;
	x->reason[0] = '\0';
	x->cr_seen = x->cr_star = 0;
	x->retry_after = 0;
	x->stop = STOP_NONE;
	if (x->start > 0) {
		snprintf(range, sizeof(range), "%" PRIu64 "-", x->start);
		curl_easy_setopt(x->h, CURLOPT_RANGE, range);
	} else {
		curl_easy_setopt(x->h, CURLOPT_RANGE, NULL);
	}
	errbuf[0] = '\0';
	res = curl_easy_perform(x->h);
	if (res == CURLE_OK && !x->begun)
		begin_body(x); /* an empty body: the status still has to be judged */

	switch (x->stop) {
	case STOP_NONE:
		break;
	case STOP_COMPLETE:
		return RP_OK;
	case STOP_TOOBIG:
		if (x->toobig_at)
			return rp_errf(e, RP_EINPUT, "'%s': larger than %" PRIu64 " bytes (%" PRIu64
				       " announced)", x->url, x->max, x->toobig_at);
		return rp_errf(e, RP_EINPUT, "'%s': larger than %" PRIu64 " bytes", x->url, x->max);
	case STOP_IO:
		return rp_err_sys(e, RP_EIO, x->stop_errno, "cannot write '%s'",
				  x->part ? x->part : "memory");
	case STOP_HTTP:
		*transient = transient_http(x->code);
		return rp_errf(e, RP_EIO, "cannot fetch '%s': HTTP %ld%s%s", x->url, x->code,
			       x->reason[0] ? " " : "", x->reason);
	case STOP_BADRANGE:
		return rp_errf(e, RP_EIO,
			       "cannot fetch '%s': HTTP %ld does not continue the %" PRIu64
			       " bytes on disk", x->url, x->code, x->start);
	}
	if (res == CURLE_UNSUPPORTED_PROTOCOL) {
		long redirects = 0;
		char *where = NULL;

		curl_easy_getinfo(x->h, CURLINFO_REDIRECT_COUNT, &redirects);
		curl_easy_getinfo(x->h, CURLINFO_EFFECTIVE_URL, &where);
		if (redirects > 0 && where)
			return rp_errf(e, RP_EIO, "cannot fetch '%s': redirect to '%s' refused (%s)",
				       x->url, where,
				       x->o->allow_http ? "not http or https" : "https only");
	}
	if (res != CURLE_OK) {
		*transient = transient_curl(res);
		return rp_errf(e, RP_EIO, "cannot fetch '%s': %s", x->url,
			       errbuf[0] ? errbuf : curl_easy_strerror(res));
	}
	return RP_OK;
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Attempts with retries; the target is set up by the caller. */
static enum rp_status run(struct xfer *x, unsigned *attempts, int *last_transient,
			  struct rp_err *e)
{
	char errbuf[CURL_ERROR_SIZE];
	enum rp_status rc;
	int transient = 0, restarted = 0;
	unsigned n = 0;

	rc = setup(x, errbuf, e);
	if (rc)
		return rc;
	for (;;) {
		unsigned long delay;

		n++;
		rc = attempt(x, errbuf, &transient, e);
		if (rc == RP_OK)
			break;
		if (x->stop == STOP_BADRANGE && !restarted) {
			/* what is on disk does not match the server's file: start over, once */
			restarted = 1;
			notice(x, "%s; restarting from zero", e->msg);
			if (reset_target(x)) {
				rc = rp_err_sys(e, RP_EIO, x->stop_errno, "cannot write '%s'",
						x->part);
				break;
			}
			n--;
			continue;
		}
		if (!transient || n > x->o->retries)
			break;
		delay = (unsigned long)x->o->backoff_ms << (n - 1 < 16 ? n - 1 : 16);
		if (x->retry_after > 0 && (unsigned long)x->retry_after * 1000 > delay)
			delay = (unsigned long)x->retry_after * 1000;
		if (delay > 60000)
			delay = 60000;
		notice(x, "%s; retrying in %lu.%lu s (%u of %u)", e->msg,
		       delay / 1000, delay % 1000 / 100, n, x->o->retries);
		sleep_ms(delay);
	}
	if (rc == RP_OK)
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->code);
	*attempts = n;
	*last_transient = transient;
	return rc;
}

/* Hash what an earlier run left in the part; the write offset ends up at its end. */
static enum rp_status rehash_part(struct xfer *x, struct rp_err *e)
{
	size_t bufsz = 1 << 20;
	char *buf = rp_xmalloc(bufsz);
	enum rp_status rc = RP_OK;

	for (;;) {
		ssize_t r = read(x->fd, buf, bufsz);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = rp_err_sys(e, RP_EIO, errno, "cannot read '%s'", x->part);
			break;
		}
		if (r == 0)
			break;
		rp_sha256_update(&x->sha, buf, (size_t)r);
		x->have += (uint64_t)r;
	}
	free(buf);
	return rc;
}

/*
 * Why an existing part is not ours alone to continue or overwrite, or NULL when it is: a
 * regular file owned by our effective uid, with one link, writable by nobody else.
 * Adopting anything else would leave the verified file owned, linked or writable by
 * whoever planted it.
 */
static const char *foreign_part(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return "not a regular file";
	if (st->st_uid != geteuid())
		return "owned by another user";
	if (st->st_nlink != 1)
		return "has other hard links";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	return NULL;
}

/*
 * Open part for reading and writing into x->fd: the existing file when foreign_part
 * accepts it, else (a symbolic link included) it is unlinked, noted, and a new file
 * created with O_EXCL, 0644 & ~umask. *st describes what was opened.
 */
static enum rp_status open_part(struct xfer *x, const char *part, struct stat *st,
				struct rp_err *e)
{
	const char *why;

	for (int tries = 0; tries < 3; tries++) {
		x->fd = open(part, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (x->fd >= 0) {
			if (fstat(x->fd, st) < 0) {
				int err = errno;

				close(x->fd);
				x->fd = -1;
				return rp_err_sys(e, RP_EIO, err, "cannot stat '%s'", part);
			}
			why = foreign_part(st);
			if (!why)
				return RP_OK;
			close(x->fd);
			x->fd = -1;
		} else if (errno == ELOOP) {
			why = "a symbolic link";
		} else if (errno == EACCES || errno == EPERM) {
			why = "not writable by us";
		} else if (errno != ENOENT) {
			return rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", part);
		} else {
			why = NULL;
		}
		if (why) {
			if (unlink(part) < 0 && errno != ENOENT)
				return rp_err_sys(e, RP_EIO, errno, "cannot remove '%s' (%s)", part,
						  why);
			notice(x, "'%s': %s; removed, starting from zero", part, why);
		}
		x->fd = open(part, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
			     0644);
		if (x->fd >= 0) {
			if (fstat(x->fd, st) < 0) {
				int err = errno;

				close(x->fd);
				x->fd = -1;
				unlink(part);
				return rp_err_sys(e, RP_EIO, err, "cannot stat '%s'", part);
			}
			return RP_OK;
		}
		if (errno != EEXIST)
			return rp_err_sys(e, RP_EIO, errno, "cannot create '%s'", part);
		/* created by someone else meanwhile: judge that one */
	}
	return rp_errf(e, RP_EIO, "'%s': keeps being replaced by another process", part);
}

enum rp_status rp_fetch_file(const char *url, const char *part, const struct rp_fetch_opts *o,
			     struct rp_fetch_result *res, struct rp_err *e)
{
	struct xfer x;
	struct stat st;
	enum rp_status rc;
	struct rp_err scratch = RP_ERR_INIT;
	unsigned attempts = 0;
	int transient = 0, keep = 0;

	if (!e)
		e = &scratch; /* the messages below are built on e->msg */
	rc = rp_fetch_check_url(url, o, e);
	if (rc)
		return rc;
	rc = global_init(e);
	if (rc)
		return rc;
	memset(&x, 0, sizeof(x));
	x.o = o;
	x.url = url;
	x.part = part;
	x.max = o->max_size;
	x.is_file_url = has_prefix_ci(url, "file://");
	rp_sha256_init(&x.sha);
	rc = open_part(&x, part, &st, e);
	if (rc) {
		rp_sha256_release(&x.sha);
		return rc;
	}
	if (flock(x.fd, LOCK_EX | LOCK_NB) < 0) {
		rc = errno == EWOULDBLOCK
			     ? rp_errf(e, RP_EIO, "'%s': another download is writing it", part)
			     : rp_err_sys(e, RP_EIO, errno, "cannot lock '%s'", part);
		close(x.fd);
		rp_sha256_release(&x.sha);
		return rc; /* not ours to remove */
	}
	if (o->resume && !x.is_file_url && st.st_size > 0) {
		rc = rehash_part(&x, e);
		if (rc)
			goto out;
		if (x.max && x.have > x.max) {
			if (reset_target(&x)) {
				rc = rp_err_sys(e, RP_EIO, x.stop_errno, "cannot write '%s'", part);
				goto out;
			}
		} else {
			notice(&x, "'%s': resuming after %" PRIu64 " bytes", part, x.have);
		}
	} else if (st.st_size > 0 && reset_target(&x)) {
		rc = rp_err_sys(e, RP_EIO, x.stop_errno, "cannot write '%s'", part);
		goto out;
	}
	res->fd = -1;
	res->resumed_from = x.have;

	rc = run(&x, &attempts, &transient, e);
	if (rc) {
		/* only an interrupted transfer is worth resuming; anything else starts afresh */
		keep = o->resume && transient && x.have > 0;
		goto out;
	}
	if (fsync(x.fd) < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot sync '%s'", part);
		goto out;
	}
	rp_sha256_final(&x.sha, res->sha256);
	res->size = x.have;
	res->attempts = attempts;
	res->http_code = x.code;
	res->fd = x.fd; /* stays locked until commit or discard */
out:
	if (x.h)
		curl_easy_cleanup(x.h);
	if (rc) {
		rp_sha256_release(&x.sha);
		if (keep) {
			size_t len = strlen(e->msg);

			snprintf(e->msg + len, sizeof(e->msg) - len,
				 "; %" PRIu64 " bytes kept in '%s' to resume", x.have, part);
		} else {
			unlink(part); /* before close: the lock still covers it */
		}
		close(x.fd);
	}
	return rc;
}

enum rp_status rp_fetch_mem(const char *url, const struct rp_fetch_opts *o, size_t max,
			    char **data, size_t *len, struct rp_err *e)
{
	struct rp_buf b = RP_BUF_INIT(max);
	struct xfer x;
	enum rp_status rc;
	struct rp_err scratch = RP_ERR_INIT;
	unsigned attempts;
	int transient;

	if (!e)
		e = &scratch;
	rc = rp_fetch_check_url(url, o, e);
	if (rc)
		return rc;
	rc = global_init(e);
	if (rc)
		return rc;
	memset(&x, 0, sizeof(x));
	x.o = o;
	x.url = url;
	x.fd = -1;
	x.mem = &b;
	x.max = max;
	x.is_file_url = has_prefix_ci(url, "file://");
	rp_sha256_init(&x.sha);
	/* a retry continues the buffer with a Range request, as for files */
	rc = run(&x, &attempts, &transient, e);
	if (x.h)
		curl_easy_cleanup(x.h);
	rp_sha256_release(&x.sha);
	if (rc == RP_OK)
		*data = rp_buf_detach(&b, len);
	rp_buf_release(&b);
	return rc;
}

enum rp_status rp_fetch_commit(struct rp_fetch_result *res, const char *part, const char *path,
			       struct rp_err *e)
{
	char *dir, *slash;
	int dfd;

	if (rename(part, path) < 0) {
		int err = errno;

		rp_fetch_discard(res, part);
		return rp_err_sys(e, RP_EIO, err, "cannot rename '%s' onto '%s'", part, path);
	}
	if (res->fd >= 0)
		close(res->fd);
	res->fd = -1;
	/* the rename itself must survive a crash too */
	dir = rp_xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
	return RP_OK;
}

void rp_fetch_discard(struct rp_fetch_result *res, const char *part)
{
	unlink(part);
	if (res->fd >= 0)
		close(res->fd);
	res->fd = -1;
}

enum rp_status rp_fetch_temp(const char *url, const struct rp_fetch_opts *o, size_t max,
			     char **path, struct rp_err *e)
{
	const char *tmpdir = getenv("TMPDIR");
	const char *base;
	char *data = NULL, *name, *tmp;
	enum rp_status rc;
	size_t len = 0;
	int fd, err;

	rc = rp_fetch_mem(url, o, max, &data, &len, e);
	if (rc)
		return rc;
	if (!tmpdir || tmpdir[0] != '/')
		tmpdir = "/tmp";
	/* the URL's file name stays visible in the path, so messages about it make sense */
	name = rp_fetch_url_name(url);
	base = name && strlen(name) < 200 ? name : "download";
	tmp = rp_xasprintf("%s/reprove.XXXXXX.%s", tmpdir, base);
	fd = mkostemps(tmp, (int)strlen(base) + 1, O_CLOEXEC);
	free(name);
	if (fd < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot create a temporary file in '%s'", tmpdir);
		goto out;
	}
	rp_cleanup_add(tmp);
	err = rp_write_all(fd, data, len);
	if (close(fd) < 0 && !err)
		err = errno;
	if (err) {
		rc = rp_err_sys(e, RP_EIO, err, "cannot write '%s'", tmp);
		rp_fetch_temp_remove(tmp);
		tmp = NULL;
		goto out;
	}
	*path = tmp;
	tmp = NULL;
out:
	free(tmp);
	free(data);
	return rc;
}

void rp_fetch_temp_remove(char *path)
{
	if (!path)
		return;
	unlink(path);
	rp_cleanup_remove(path);
	free(path);
}
