/*
 * Allocation wrappers. Out of memory is the one condition the library does not report as a
 * status: these print one line and abort, as git, minisign and signify do.
 */
#ifndef RP_MEM_H
#define RP_MEM_H

#include <stddef.h>

void *rp_xmalloc(size_t n);
void *rp_xcalloc(size_t nmemb, size_t size);
void *rp_xrealloc(void *p, size_t n);
/* Grows an array of nmemb elements of size bytes; aborts on multiplication overflow. */
void *rp_xreallocarray(void *p, size_t nmemb, size_t size);
char *rp_xstrdup(const char *s);
char *rp_xstrndup(const char *s, size_t n);
/* malloc'd printf; caller frees. */
char *rp_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
