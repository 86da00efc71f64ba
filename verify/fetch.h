/*
 * Downloads with libcurl for `reprove fetch` (and anything else that needs a URL): https only
 * unless asked otherwise, TLS verification always on, bounded redirects and size, retries with
 * backoff for transient failures, resumable FILE.part, SHA-256 computed while streaming.
 * fetch.c is the only file that includes curl headers.
 */
#ifndef RP_FETCH_H
#define RP_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hash.h"

struct rp_fetch_opts {
	int allow_http;          /* accept http:// (the start URL and redirects) */
	const char *cacert;      /* PEM file of CAs trusted in addition to the system store */
	uint64_t max_size;       /* refuse bodies larger than this; 0 = no limit */
	unsigned retries;        /* further attempts after a transient failure */
	unsigned backoff_ms;     /* delay before the first retry; doubles, capped at 60 s */
	long connect_timeout;    /* seconds */
	long speed_time;         /* abort an attempt below speed_limit bytes/s for this long */
	long speed_limit;        /* bytes per second */
	long max_redirs;         /* redirects followed at most */
	int resume;              /* continue an existing FILE.part and keep it after a
				    network failure; 0 = always start from zero */
	/* Called as the body arrives: bytes on disk and the expected total (0 = unknown). */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
	/* One-line notices (a retry, a restart from zero); the library itself never prints. */
	void (*notice)(void *arg, const char *msg);
	void *notice_arg;
};

/* Defaults: https only, no size limit, 3 retries from 1 s, 30 s to connect, 30 s below 1 KiB/s. */
#define RP_FETCH_OPTS_INIT                                                                    \
	{ 0, NULL, 0, 3, 1000, 30, 30, 1024, 5, 1, NULL, NULL, NULL, NULL }

/* What rp_fetch_file produced. */
struct rp_fetch_result {
	unsigned char sha256[RP_SHA256_LEN]; /* of the whole file on disk */
	uint64_t size;                       /* bytes in the file */
	uint64_t resumed_from;               /* bytes kept from an earlier FILE.part (0 = none) */
	unsigned attempts;                   /* transfers made (1 = no retry) */
	long http_code;                      /* last HTTP status (0 for file://) */
	int fd;  /* the part, still open and locked until rp_fetch_commit/rp_fetch_discard */
};

#define RP_FETCH_RESULT_INIT { { 0 }, 0, 0, 0, 0, -1 }

/*
 * Check that url's scheme is one o allows: https, http only with o->allow_http, or file.
 * Returns RP_OK, or RP_EUSAGE naming the URL (plain http without allow_http is a refusal
 * of the command line, decided before any network use).
 */
enum rp_status rp_fetch_check_url(const char *url, const struct rp_fetch_opts *o,
				  struct rp_err *e);

/*
 * Parse a size given to a --max-size style flag: decimal digits with an optional K, M or G
 * (powers of 1024), more than zero. RP_EUSAGE naming flag and s otherwise.
 */
enum rp_status rp_fetch_parse_size(const char *flag, const char *s, uint64_t *out,
				   struct rp_err *e);

/* 1 if s looks like a URL (has a "scheme://" prefix), 0 if it is a local path. */
int rp_fetch_is_url(const char *s);

/*
 * The last path component of url (query and fragment dropped, percent-escapes decoded), for
 * matching the asset against SHA256SUMS and provenance subjects. Returns a malloc'd string
 * the caller frees, or NULL when the URL names no usable file ("", ".", "..", a '/' or a
 * control character after decoding).
 */
char *rp_fetch_url_name(const char *url);

/*
 * Download url into the file part (created 0644 & ~umask if missing), computing its SHA-256
 * and size into *res while writing. An existing part is used only when it is a regular file
 * (not a symbolic link) owned by our effective uid, with one link, not writable by group or
 * others; anything else is unlinked (with a notice) and part created afresh with O_EXCL, so
 * the result is never another user's file. With o->resume, an existing part is re-hashed and
 * continued with a Range request; a server that ignores the range (200) restarts the file
 * from zero, a 416 whose Content-Range says the file is exactly what is on disk counts as
 * complete, any other 416 restarts once from zero. Without o->resume, part is truncated first.
 *
 * Transient failures (timeouts, resets, truncated bodies, HTTP 408/429/5xx) are retried
 * o->retries times with exponential backoff (Retry-After honoured up to 60 s), resuming from
 * what is on disk. TLS failures, other HTTP errors and local errors are not retried.
 *
 * part is locked (flock) from the start, and on success stays open and locked in res->fd
 * until rp_fetch_commit or rp_fetch_discard, so another fetch can neither interleave its
 * writes nor append to the file between its verification and its rename.
 * Returns RP_OK with *res filled and part complete (fsync'd, not renamed). On failure
 * res->fd is -1. Errors: RP_EUSAGE (URL refused by rp_fetch_check_url), RP_EINPUT (the
 * body is larger than o->max_size, by Content-Length or by counting), RP_EIO (network, TLS,
 * HTTP or local I/O failure; the message carries libcurl's reason or the HTTP status).
 * On failure part is removed, except after a network failure with o->resume when bytes
 * were received: then it is kept for the next run to resume, and the message says so.
 */
enum rp_status rp_fetch_file(const char *url, const char *part, const struct rp_fetch_opts *o,
			     struct rp_fetch_result *res, struct rp_err *e);

/*
 * Download url into memory with the same transport rules (no resume; o->max_size ignored in
 * favour of max). Fills *data (malloc'd, NUL-terminated, caller frees) and *len on success.
 * More than max bytes is RP_EINPUT ("'URL': larger than N bytes"); other errors as
 * rp_fetch_file.
 */
enum rp_status rp_fetch_mem(const char *url, const struct rp_fetch_opts *o, size_t max,
			    char **data, size_t *len, struct rp_err *e);

/*
 * Download url (as rp_fetch_mem, at most max bytes) into a new temporary file under $TMPDIR
 * (or /tmp) whose name ends with the URL's file name, registered for removal on a fatal
 * signal. *path (malloc'd) is set on success; the caller removes it with
 * rp_fetch_temp_remove. Errors as rp_fetch_mem; nothing is left behind on failure.
 */
enum rp_status rp_fetch_temp(const char *url, const struct rp_fetch_opts *o, size_t max,
			     char **path, struct rp_err *e);

/* Unlink a file made by rp_fetch_temp, unregister it and free path. NULL is a no-op. */
void rp_fetch_temp_remove(char *path);

/*
 * Give a complete, verified part its final name: rename(2) over path (an existing file is
 * replaced atomically) while still holding the lock, fsync the directory, and close
 * res->fd. On failure part is removed. RP_EIO on error.
 */
enum rp_status rp_fetch_commit(struct rp_fetch_result *res, const char *part, const char *path,
			       struct rp_err *e);

/*
 * Remove part (a failed check) while still holding its lock, and close res->fd: nothing
 * unverified stays behind. Safe when res->fd is already -1.
 */
void rp_fetch_discard(struct rp_fetch_result *res, const char *part);

#endif
