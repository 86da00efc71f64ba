/*
 * SHA256SUMS reading and writing, matching coreutils 9.1 `sha256sum` and `sha256sum -c`
 * (GNU and --tag lines, backslash-escaped names, CRLF, upper-case hex, '*' binary marker).
 */
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "mem.h"
#include "sums.h"

static int needs_escape(const char *name)
{
	return strpbrk(name, "\\\n\r") != NULL;
}

static enum rp_status add_escaped(struct rp_buf *out, const char *name, struct rp_err *e)
{
	enum rp_status rc = RP_OK;

	for (const char *p = name; *p && !rc; p++) {
		switch (*p) {
		case '\\':
			rc = rp_buf_add(out, "\\\\", 2, e);
			break;
		case '\n':
			rc = rp_buf_add(out, "\\n", 2, e);
			break;
		case '\r':
			rc = rp_buf_add(out, "\\r", 2, e);
			break;
		default:
			rc = rp_buf_add(out, p, 1, e);
		}
	}
	return rc;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (p[0] == 0xe0 && p[1] < 0xa0)
			return 0; /* overlong */
		if (p[0] == 0xed && p[1] >= 0xa0)
			return 0; /* surrogate */
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

static enum rp_status add_json_string(struct rp_buf *out, const char *s, struct rp_err *e)
{
	enum rp_status rc = rp_buf_add(out, "\"", 1, e);
	const unsigned char *p = (const unsigned char *)s;

	while (*p && !rc) {
		size_t n;
		if (*p == '"' || *p == '\\') {
			char esc[2] = { '\\', (char)*p };
			rc = rp_buf_add(out, esc, 2, e);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			rc = rp_buf_addf(out, e, "\\u%04x", *p);
			p++;
		} else if ((n = utf8_len(p)) > 0) {
			rc = rp_buf_add(out, p, n, e);
			p += n;
		} else {
			/* not UTF-8: keep the byte value visible rather than guess an encoding */
			rc = rp_buf_addf(out, e, "\\u%04x", *p);
			p++;
		}
	}
	if (!rc)
		rc = rp_buf_add(out, "\"", 1, e);
	return rc;
}

enum rp_status rp_sums_format_line(struct rp_buf *out, const char *name,
				   const unsigned char digest[RP_SHA256_LEN],
				   enum rp_sums_format f, struct rp_err *e)
{
	char hex[RP_SHA256_HEX];
	enum rp_status rc = RP_OK;
	int esc = needs_escape(name);

	rp_hex(digest, RP_SHA256_LEN, hex);
	switch (f) {
	case RP_SUMS_GNU:
		if (esc)
			rc = rp_buf_add(out, "\\", 1, e);
		if (!rc)
			rc = rp_buf_add(out, hex, 64, e);
		if (!rc)
			rc = rp_buf_add(out, "  ", 2, e);
		if (!rc)
			rc = esc ? add_escaped(out, name, e) : rp_buf_addstr(out, name, e);
		break;
	case RP_SUMS_BSD:
		rc = rp_buf_addstr(out, esc ? "\\SHA256 (" : "SHA256 (", e);
		if (!rc)
			rc = esc ? add_escaped(out, name, e) : rp_buf_addstr(out, name, e);
		if (!rc)
			rc = rp_buf_add(out, ") = ", 4, e);
		if (!rc)
			rc = rp_buf_add(out, hex, 64, e);
		break;
	case RP_SUMS_JSON:
		rc = rp_buf_addstr(out, "{\"name\":", e);
		if (!rc)
			rc = add_json_string(out, name, e);
		if (!rc)
			rc = rp_buf_addf(out, e, ",\"sha256\":\"%s\"}", hex);
		break;
	default:
		return RP_BUG(e, "unknown sums format");
	}
	if (!rc)
		rc = rp_buf_add(out, "\n", 1, e);
	return rc;
}

static int is_hexdigit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Undo coreutils escaping of n bytes at s into a new string; NULL if an escape is invalid. */
static char *unescape(const char *s, size_t n)
{
	char *out = rp_xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			*o++ = s[i];
			continue;
		}
		if (++i == n)
			goto bad;
		if (s[i] == '\\')
			*o++ = '\\';
		else if (s[i] == 'n')
			*o++ = '\n';
		else if (s[i] == 'r')
			*o++ = '\r';
		else
			goto bad;
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

static enum rp_status bad_line(struct rp_err *e)
{
	return rp_errf(e, RP_EINPUT, "improperly formatted SHA256 checksum line");
}

enum rp_status rp_sums_parse_line(const char *line, size_t len, struct rp_sums_entry *out,
				  struct rp_err *e)
{
	const char *p = line, *end = line + len, *name;
	size_t name_len;
	int escaped = 0;

	if (len && end[-1] == '\r')
		end--;
	if (memchr(line, '\0', (size_t)(end - line)))
		return bad_line(e);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '#')
		return RP_FAIL;
	if (*p == '\\') {
		escaped = 1;
		p++;
	}
	if ((size_t)(end - p) >= 8 && memcmp(p, "SHA256 (", 8) == 0) {
		/* BSD tag: the name runs to the last ')' before "= HEX" */
		const char *q = end;
		if (end - p < 8 + 1 + 1 + 64)
			return bad_line(e);
		q = end - 64;
		for (const char *h = q; h < end; h++)
			if (!is_hexdigit(*h))
				return bad_line(e);
		while (q > p && q[-1] == ' ')
			q--;
		if (q == p || q[-1] != '=')
			return bad_line(e);
		q--;
		while (q > p && q[-1] == ' ')
			q--;
		if (q == p || q[-1] != ')')
			return bad_line(e);
		q--;
		name = p + 8;
		if (q < name)
			return bad_line(e);
		name_len = (size_t)(q - name);
		if (rp_unhex(end - 64, out->digest, RP_SHA256_LEN))
			return bad_line(e);
	} else {
		if (end - p < 64 + 2)
			return bad_line(e);
		for (int i = 0; i < 64; i++)
			if (!is_hexdigit(p[i]))
				return bad_line(e);
		if (rp_unhex(p, out->digest, RP_SHA256_LEN))
			return bad_line(e);
		p += 64;
		if (*p != ' ' && *p != '\t')
			return bad_line(e);
		p++;
		/* "HEX  name" (text), "HEX *name" (binary), or one blank as `md5sum -r` writes */
		if (p < end && (*p == ' ' || *p == '*') && end - p > 1)
			p++;
		name = p;
		name_len = (size_t)(end - p);
	}
	if (!name_len)
		return bad_line(e);
	if (escaped) {
		out->name = unescape(name, name_len);
		if (!out->name)
			return bad_line(e);
	} else {
		out->name = rp_xstrndup(name, name_len);
	}
	out->escaped = escaped;
	return RP_OK;
}

static int cmp_by_name_line(const void *a, const void *b)
{
	const struct rp_sums_entry *x = *(const struct rp_sums_entry *const *)a;
	const struct rp_sums_entry *y = *(const struct rp_sums_entry *const *)b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/*
 * One name listed twice with different digests: `sha256sum -c` checks both lines (so one
 * fails) while a lookup takes one of them, so two readers of one signed file would disagree.
 * Refuse it. Sorting keeps this O(n log n) on a file of millions of lines; the reported pair
 * is the earliest line that conflicts with an earlier line of the same name.
 */
static enum rp_status check_duplicates(const struct rp_sums *s, const char *path,
				       struct rp_err *e)
{
	const struct rp_sums_entry **v, *first = NULL, *second = NULL;

	if (s->n < 2)
		return RP_OK;
	v = rp_xreallocarray(NULL, s->n, sizeof(*v));
	for (size_t i = 0; i < s->n; i++)
		v[i] = &s->v[i];
	qsort(v, s->n, sizeof(*v), cmp_by_name_line);
	for (size_t i = 0, g = 0; i < s->n; i++) {
		if (strcmp(v[i]->name, v[g]->name) != 0) {
			g = i;
			continue;
		}
		/* v[g] is the name's first line; any later line with another digest conflicts */
		if (memcmp(v[i]->digest, v[g]->digest, RP_SHA256_LEN) != 0 &&
		    (!second || v[i]->line < second->line)) {
			first = v[g];
			second = v[i];
		}
	}
	free(v);
	if (!second)
		return RP_OK;
	return rp_errf(e, RP_EINPUT, "'%s' lines %zu and %zu: '%.200s' is listed twice with "
		       "different digests", path, first->line, second->line, first->name);
}

enum rp_status rp_sums_parse(struct rp_sums *s, const char *data, size_t len, const char *path,
			     struct rp_err *e)
{
	enum rp_status rc;

	size_t lineno = 0, off = 0;

	while (off < len) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t llen = nl ? (size_t)(nl - (data + off)) : len - off;
		struct rp_sums_entry ent;

		lineno++;
		if (llen > RP_SUMS_LINE_MAX) {
			rp_sums_release(s);
			return rp_errf(e, RP_EINPUT, "'%s' line %zu: line longer than %d bytes", path,
				       lineno, RP_SUMS_LINE_MAX);
		}
		memset(&ent, 0, sizeof(ent));
		rc = rp_sums_parse_line(data + off, llen, &ent, NULL);
		off += llen + (nl ? 1 : 0);
		if (rc == RP_FAIL)
			continue;
		if (rc) {
			if (!s->malformed++)
				s->first_malformed = lineno;
			continue;
		}
		ent.line = lineno;
		if (s->n == s->alloc) {
			s->alloc = s->alloc ? s->alloc * 2 : 16;
			s->v = rp_xreallocarray(s->v, s->alloc, sizeof(*s->v));
		}
		s->v[s->n++] = ent;
	}
	rc = check_duplicates(s, path, e);
	if (rc)
		rp_sums_release(s);
	return rc;
}

enum rp_status rp_sums_load(struct rp_sums *s, const char *path, size_t max_bytes,
			    struct rp_err *e)
{
	enum rp_status rc;
	char *data;
	size_t len;

	rc = rp_read_file(path, RP_OPEN_STDIN, max_bytes, &data, &len, e);
	if (rc)
		return rc;
	rc = rp_sums_parse(s, data, len, strcmp(path, "-") == 0 ? "standard input" : path, e);
	free(data);
	return rc;
}

const struct rp_sums_entry *rp_sums_find(const struct rp_sums *s, const char *name)
{
	for (size_t i = s->n; i-- > 0;)
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i];
	return NULL;
}

void rp_sums_release(struct rp_sums *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

enum rp_status rp_sums_display_name(struct rp_buf *out, const char *name, struct rp_err *e)
{
	enum rp_status rc = RP_OK;
	int esc = strpbrk(name, "\n\r") != NULL;

	if (esc)
		rc = rp_buf_add(out, "\\", 1, e);
	for (const unsigned char *p = (const unsigned char *)name; *p && !rc; p++) {
		if (esc && (*p == '\\' || *p == '\n' || *p == '\r')) {
			char pair[2] = { '\\', *p == '\\' ? '\\' : *p == '\n' ? 'n' : 'r' };
			rc = rp_buf_add(out, pair, 2, e);
		} else if (*p < 0x20 || *p == 0x7f) {
			rc = rp_buf_add(out, "?", 1, e);
		} else {
			rc = rp_buf_add(out, p, 1, e);
		}
	}
	return rc;
}
