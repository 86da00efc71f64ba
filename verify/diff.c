/*
 * The layered comparison: identical bytes, equal canonical entry streams, or a member-level
 * report (added, removed, content, type, metadata), with what normalization removed, the
 * declared exceptions used, and byte-level details for a bounded number of members.
 */
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diff.h"
#include "file.h"
#include "mem.h"
#include "path.h"

#define DEF_MAX_ITEMS 1000
#define DEF_MAX_DETAILS 20
#define DEF_REPORT_BYTES (4u << 20)
#define TAIL_WHAT "data after the end of the archive or compressed stream differs"
#define EXC_FILE_MAX (1u << 20)
/* heads of members kept during the first pass, per input (avoids a second pass) */
#define DEF_CAPTURE_BUDGET (48u << 20)

enum norm_kind {
	N_MTIME,
	N_OWNER,
	N_ORDER,
	N_COMPRESSION,
	N_GZIP,
	N_ZIPMODE,
	N_TIMES,
	N_XATTR,
	N_NESTED,
	N_COUNT
};

static const char *const norm_names[N_COUNT] = {
	[N_MTIME] = "mtime",
	[N_OWNER] = "owner (uid/gid/user/group names)",
	[N_ORDER] = "member order",
	[N_COMPRESSION] = "compression",
	[N_GZIP] = "gzip header (mtime/name/OS byte)",
	[N_ZIPMODE] = "zip permission bits",
	[N_TIMES] = "atime/ctime/birthtime",
	[N_XATTR] = "xattrs/ACLs",
	[N_NESTED] = "nested archive encoding",
};

struct ncount {
	size_t count;
	char *example;
};

struct ctx {
	const struct rp_diff_opts *o;
	struct rp_diff_report *r;
	struct ncount nc[N_COUNT];
	char *compression_what;
	struct rp_diff_item *items;
	size_t nitems, alloc;
};

const char *rp_verdict_name(enum rp_verdict v)
{
	switch (v) {
	case RP_VERDICT_IDENTICAL:
		return "identical";
	case RP_VERDICT_EQUAL_NORMALIZED:
		return "equal after normalization";
	case RP_VERDICT_DIFFERENT:
		return "different";
	}
	return "?";
}

enum rp_verdict rp_diff_verdict(const struct rp_diff_report *r)
{
	return r->verdict;
}

static void item_release(struct rp_diff_item *it)
{
	free(it->path);
	free(it->what);
	free(it->hex_a);
	free(it->hex_b);
	free(it->udiff);
}

void rp_diff_report_free(struct rp_diff_report *r)
{
	if (!r)
		return;
	free(r->path_a);
	free(r->path_b);
	free(r->unsafe_example);
	free(r->format_a);
	free(r->format_b);
	for (size_t i = 0; i < r->nnorms; i++) {
		free(r->norms[i].what);
		free(r->norms[i].example);
	}
	free(r->norms);
	for (size_t i = 0; i < r->nexcs; i++) {
		free(r->excs[i].pattern);
		free(r->excs[i].reason);
	}
	free(r->excs);
	for (size_t i = 0; i < r->nnotes; i++) {
		free(r->notes[i].path);
		free(r->notes[i].what);
	}
	free(r->notes);
	for (size_t i = 0; i < r->nitems; i++)
		item_release(&r->items[i]);
	free(r->items);
	free(r);
}

static void note(struct ctx *c, enum norm_kind k, const char *example)
{
	c->nc[k].count++;
	if (!c->nc[k].example && example)
		c->nc[k].example = rp_xstrdup(example);
}

static struct rp_diff_item *add_item(struct ctx *c, enum rp_diff_change ch, const char *path)
{
	struct rp_diff_item *it;

	if (c->nitems == c->alloc) {
		c->alloc = c->alloc ? 2 * c->alloc : 32;
		c->items = rp_xreallocarray(c->items, c->alloc, sizeof(*c->items));
	}
	it = &c->items[c->nitems++];
	memset(it, 0, sizeof(*it));
	it->change = ch;
	it->path = rp_xstrdup(path);
	it->first_diff = -1;
	return it;
}

static void fill_side(struct rp_diff_item *it, const struct rp_arch_entry *t, int b)
{
	if (!t)
		return;
	if (b) {
		it->has_b = 1;
		it->type_b = t->type;
		it->size_b = t->size;
		memcpy(it->sha_b, t->sha, RP_SHA256_LEN);
	} else {
		it->has_a = 1;
		it->type_a = t->type;
		it->size_a = t->size;
		memcpy(it->sha_a, t->sha, RP_SHA256_LEN);
	}
}

static char *join(char *old, const char *add)
{
	char *s;

	if (!old)
		return rp_xstrdup(add);
	s = rp_xasprintf("%s; %s", old, add);
	free(old);
	return s;
}

static int str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static void archive_level(struct ctx *c, const struct rp_arch *a, const struct rp_arch *b,
			  const char *path)
{
	if (a->filter != b->filter) {
		char *w = rp_xasprintf("%s -> %s", rp_arch_filter_name(a->filter),
				       rp_arch_filter_name(b->filter));
		note(c, N_COMPRESSION, path);
		if (!c->compression_what)
			c->compression_what = w;
		else
			free(w);
	}
	if (a->filter == RP_FILTER_GZIP && b->filter == RP_FILTER_GZIP &&
	    (a->gz_mtime != b->gz_mtime || a->gz_has_name != b->gz_has_name || a->gz_os != b->gz_os))
		note(c, N_GZIP, path);
	/* a .deb's member order is structural (dpkg-deb refuses a wrong one): never normalized */
	if (a->kind == RP_ARCH_DEB && b->kind == RP_ARCH_DEB && !str_eq(a->order, b->order)) {
		struct rp_diff_item *it = add_item(c, RP_CHANGE_META, path);
		it->what = rp_xasprintf("member order %s -> %s (dpkg-deb requires debian-binary, "
					"control.tar, data.tar)",
					a->order ? a->order : "as required",
					b->order ? b->order : "as required");
	}
}

static int cmp_flat(const void *x, const void *y)
{
	const struct rp_arch_flat *a = *(const struct rp_arch_flat *const *)x;
	const struct rp_arch_flat *b = *(const struct rp_arch_flat *const *)y;
	int k = strcmp(a->path, b->path);

	if (k)
		return k;
	return a->ent->index < b->ent->index ? -1 : a->ent->index > b->ent->index;
}

static struct rp_arch_flat **sorted_refs(struct rp_arch_flat *f, size_t n)
{
	struct rp_arch_flat **v = rp_xreallocarray(NULL, n ? n : 1, sizeof(*v));

	for (size_t i = 0; i < n; i++)
		v[i] = &f[i];
	qsort(v, n, sizeof(*v), cmp_flat);
	return v;
}

/* Bytes past an end marker are part of the canonical stream (archive_canon.c). */
static int tails_differ(const struct rp_arch *a, const struct rp_arch *b)
{
	if (a->has_tail != b->has_tail || a->has_itail != b->has_itail)
		return 1;
	if (a->has_tail && memcmp(a->tail_sha, b->tail_sha, RP_SHA256_LEN))
		return 1;
	return a->has_itail && memcmp(a->itail_sha, b->itail_sha, RP_SHA256_LEN);
}

static void compare_pair(struct ctx *c, const struct rp_arch_flat *fa, const struct rp_arch_flat *fb)
{
	const struct rp_arch_entry *a = fa->ent, *b = fb->ent;
	const char *p = fa->path;
	struct rp_diff_item *it;
	char *meta = NULL, tmp[160];

	/* what normalization removes */
	if (a->mtime != b->mtime)
		note(c, N_MTIME, p);
	if (a->uid != b->uid || a->gid != b->gid || !str_eq(a->uname, b->uname) ||
	    !str_eq(a->gname, b->gname))
		note(c, N_OWNER, p);
	/* a .deb order that differs is a difference (archive_level), not a normalization */
	if (a->index != b->index &&
	    !(fa->parent->kind == RP_ARCH_DEB && !str_eq(fa->parent->order, fb->parent->order)))
		note(c, N_ORDER, p);
	if (a->mode != b->mode && a->nmode == b->nmode)
		note(c, N_ZIPMODE, p);
	if ((a->dropped | b->dropped) & (RP_DROP_ATIME | RP_DROP_CTIME | RP_DROP_BIRTHTIME))
		note(c, N_TIMES, p);
	if ((a->dropped | b->dropped) & (RP_DROP_XATTR | RP_DROP_ACL))
		note(c, N_XATTR, p);
	if (a->sub && b->sub) {
		archive_level(c, a->sub, b->sub, p);
		if (memcmp(a->sha, b->sha, RP_SHA256_LEN) != 0 &&
		    memcmp(a->csha, b->csha, RP_SHA256_LEN) == 0)
			note(c, N_NESTED, p);
	}

	/* what remains a difference */
	if (a->type != b->type) {
		it = add_item(c, RP_CHANGE_TYPE, p);
		it->what = rp_xasprintf("type %s -> %s", rp_ent_type_name(a->type),
					rp_ent_type_name(b->type));
		fill_side(it, a, 0);
		fill_side(it, b, 1);
		return;
	}
	if (a->sub && b->sub && a->sub->kind != b->sub->kind) {
		it = add_item(c, RP_CHANGE_TYPE, p);
		it->what = rp_xasprintf("format %s -> %s", rp_arch_kind_name(a->sub->kind),
					rp_arch_kind_name(b->sub->kind));
		fill_side(it, a, 0);
		fill_side(it, b, 1);
	} else if (!(a->sub && b->sub) && memcmp(a->csha, b->csha, RP_SHA256_LEN) != 0) {
		it = add_item(c, RP_CHANGE_CONTENT, p);
		fill_side(it, a, 0);
		fill_side(it, b, 1);
		/* say why a member that looks like an archive was compared as bytes */
		if (a->note || b->note)
			it->what = rp_xstrdup(a->note ? a->note : b->note);
	} else if (a->sub && b->sub && tails_differ(a->sub, b->sub)) {
		it = add_item(c, RP_CHANGE_CONTENT, p);
		it->what = rp_xstrdup(TAIL_WHAT);
		fill_side(it, a, 0);
		fill_side(it, b, 1);
	}
	if (a->nmode != b->nmode) {
		snprintf(tmp, sizeof(tmp), "mode %04o -> %04o", a->nmode, b->nmode);
		meta = join(meta, tmp);
	}
	if (a->nmtime != b->nmtime) {
		snprintf(tmp, sizeof(tmp), "mtime %lld -> %lld (after clamping)",
			 (long long)a->nmtime, (long long)b->nmtime);
		meta = join(meta, tmp);
	}
	if (!str_eq(a->link, b->link)) {
		char *s = rp_xasprintf("link '%s' -> '%s'", a->link ? a->link : "",
				       b->link ? b->link : "");
		meta = join(meta, s);
		free(s);
	}
	if (a->rdev != b->rdev && (a->type == RP_ENT_CHR || a->type == RP_ENT_BLK))
		meta = join(meta, "device number");
	if (meta) {
		it = add_item(c, RP_CHANGE_META, p);
		it->what = meta;
		fill_side(it, a, 0);
		fill_side(it, b, 1);
	}
}

static void compare_trees(struct ctx *c, const struct rp_arch *a, const struct rp_arch *b)
{
	struct rp_arch_flat *fa, *fb, **va, **vb;
	size_t na, nb, i = 0, j = 0;

	rp_arch_flatten(a, &fa, &na);
	rp_arch_flatten(b, &fb, &nb);
	va = sorted_refs(fa, na);
	vb = sorted_refs(fb, nb);
	while (i < na || j < nb) {
		int k = i == na ? 1 : j == nb ? -1 : strcmp(va[i]->path, vb[j]->path);
		struct rp_diff_item *it;

		if (k < 0) {
			it = add_item(c, RP_CHANGE_REMOVED, va[i]->path);
			fill_side(it, va[i]->ent, 0);
			i++;
		} else if (k > 0) {
			it = add_item(c, RP_CHANGE_ADDED, vb[j]->path);
			fill_side(it, vb[j]->ent, 1);
			j++;
		} else {
			compare_pair(c, va[i], vb[j]);
			i++;
			j++;
		}
	}
	free(va);
	free(vb);
	rp_arch_flat_free(fa, na);
	rp_arch_flat_free(fb, nb);
}

/* Directories are "identical" when every path, type, link and file byte matches. */
static int trees_identical(const struct rp_arch *a, const struct rp_arch *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct rp_arch_entry *x = &a->ents[i], *y = &b->ents[i];
		if (strcmp(x->path, y->path) || x->type != y->type || x->nmode != y->nmode ||
		    !str_eq(x->link, y->link) || memcmp(x->sha, y->sha, RP_SHA256_LEN))
			return 0;
	}
	return 1;
}

static enum rp_status load_exceptions(struct rp_diff_report *r, const char *path,
				      struct rp_err *e)
{
	char *data = NULL, *line, *next;
	size_t len, lineno = 0, alloc = 0;
	enum rp_status rc;

	rc = rp_read_file(path, 0, EXC_FILE_MAX, &data, &len, e);
	if (rc)
		return rc;
	if (memchr(data, '\0', len)) {
		rc = rp_errf(e, RP_EINPUT, "'%s': binary data in exceptions file", path);
		goto out;
	}
	for (line = data; line && *line; line = next) {
		char *p, *end, *reason;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		end = line + strlen(line);
		while (end > line && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		reason = p + strcspn(p, " \t");
		if (*reason)
			*reason++ = '\0';
		while (*reason == ' ' || *reason == '\t')
			reason++;
		if (!*reason) {
			rc = rp_errf(e, RP_EINPUT, "'%s' line %zu: exception '%s' has no reason",
				     path, lineno, p);
			goto out;
		}
		if (r->nexcs == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			r->excs = rp_xreallocarray(r->excs, alloc, sizeof(*r->excs));
		}
		r->excs[r->nexcs].pattern = rp_xstrdup(p);
		r->excs[r->nexcs].reason = rp_xstrdup(reason);
		r->excs[r->nexcs].matched = 0;
		r->nexcs++;
	}
out:
	free(data);
	return rc;
}

static int excepted(struct rp_diff_report *r, const char *path)
{
	for (size_t i = 0; i < r->nexcs; i++) {
		if (fnmatch(r->excs[i].pattern, path, 0) == 0) {
			r->excs[i].matched++;
			return 1;
		}
	}
	return 0;
}

static char *hexdump(const unsigned char *p, size_t n, size_t from, size_t len)
{
	static const char hx[] = "0123456789abcdef";
	struct rp_buf b = RP_BUF_INIT((size_t)1 << 16);

	for (size_t off = from; off < from + len && off < n; off += 16) {
		char line[100];
		size_t k = 0;

		k += (size_t)snprintf(line, sizeof(line), "%08zx ", off);
		for (size_t i = 0; i < 16; i++) {
			if (off + i < n) {
				line[k++] = ' ';
				line[k++] = hx[p[off + i] >> 4];
				line[k++] = hx[p[off + i] & 15];
			} else {
				memcpy(line + k, "   ", 3);
				k += 3;
			}
		}
		memcpy(line + k, "  |", 3);
		k += 3;
		for (size_t i = 0; i < 16 && off + i < n; i++)
			line[k++] = p[off + i] >= 0x20 && p[off + i] < 0x7f ? (char)p[off + i] : '.';
		line[k++] = '|';
		line[k++] = '\n';
		rp_buf_add(&b, line, k, NULL);
	}
	return rp_buf_detach(&b, NULL);
}

static int looks_text(const unsigned char *p, size_t n)
{
	size_t ctl = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == 0)
			return 0;
		if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\t' && p[i] != '\r')
			ctl++;
	}
	return ctl * 100 <= n;
}

struct lines {
	const char **s;
	size_t *len;
	size_t n;
};

static void split_lines(const unsigned char *p, size_t n, struct lines *l)
{
	size_t alloc = 0, start = 0;

	l->s = NULL;
	l->len = NULL;
	l->n = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n ? i > start : p[i] == '\n') {
			if (l->n == alloc) {
				alloc = alloc ? 2 * alloc : 64;
				l->s = rp_xreallocarray(l->s, alloc, sizeof(*l->s));
				l->len = rp_xreallocarray(l->len, alloc, sizeof(*l->len));
			}
			l->s[l->n] = (const char *)p + start;
			l->len[l->n] = i - start;
			l->n++;
			start = i + 1;
		}
	}
}

static int line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0;
}

enum { OP_EQ, OP_DEL, OP_INS };

/* One line of an edit script: an index into a (EQ, DEL) and/or b (EQ, INS). */
struct op {
	unsigned char kind;
	size_t ia, ib;
};

#define DIFF_MAX_D 256   /* edit distance beyond which the middle is shown as one change */
#define DIFF_MAX_LINES 40 /* changed lines shown, over all hunks */

/*
 * Myers' O(ND) shortest edit script between a[lo_a, hi_a) and b[lo_b, hi_b), appended to
 * *ops in order; 0 when more than DIFF_MAX_D edits are needed (nothing appended). The trace
 * of V for every d is kept to walk back: at most (DIFF_MAX_D + 1)^2 ints.
 */
static int myers(const struct lines *a, size_t lo_a, size_t hi_a, const struct lines *b,
		 size_t lo_b, size_t hi_b, struct op *ops, size_t *nops)
{
	const long n = (long)(hi_a - lo_a), m = (long)(hi_b - lo_b);
	const long max = n + m < DIFF_MAX_D ? n + m : DIFF_MAX_D;
	long *v = rp_xcalloc((size_t)(2 * max + 3), sizeof(*v)), *trace, d, dend = -1;
	size_t start = *nops, k0 = 0;

	trace = rp_xcalloc((size_t)(max + 1) * (size_t)(2 * max + 3), sizeof(*trace));
	v += max + 1;
	for (d = 0; d <= max && dend < 0; d++) {
		for (long k = -d; k <= d; k += 2) {
			long x = k == -d || (k != d && v[k - 1] < v[k + 1]) ? v[k + 1] : v[k - 1] + 1;
			long y = x - k;
			while (x < n && y < m && line_eq(a, lo_a + (size_t)x, b, lo_b + (size_t)y))
				x++, y++;
			v[k] = x;
			if (x >= n && y >= m)
				dend = d;
		}
		memcpy(trace + (size_t)d * (size_t)(2 * max + 3), v - max - 1,
		       (size_t)(2 * max + 3) * sizeof(*v));
	}
	if (dend >= 0) {
		long x = n, y = m;
		/* walk back from (n, m), collecting ops in reverse */
		for (d = dend; d >= 0; d--) {
			const long *pv = d ? trace + (size_t)(d - 1) * (size_t)(2 * max + 3) + max + 1
					   : NULL;
			long k = x - y, pk, px, py;
			if (d == 0) {
				px = py = 0;
				pk = 0;
			} else {
				pk = k == -d || (k != d && pv[k - 1] < pv[k + 1]) ? k + 1 : k - 1;
				px = pv[pk];
				py = px - pk;
			}
			while (x > px && y > py) {
				x--, y--;
				ops[*nops].kind = OP_EQ;
				ops[*nops].ia = lo_a + (size_t)x;
				ops[*nops].ib = lo_b + (size_t)y;
				++*nops;
			}
			if (d == 0)
				break;
			if (pk == k + 1) {
				y--;
				ops[*nops].kind = OP_INS;
				ops[*nops].ib = lo_b + (size_t)y;
			} else {
				x--;
				ops[*nops].kind = OP_DEL;
				ops[*nops].ia = lo_a + (size_t)x;
			}
			++*nops;
		}
		for (size_t i = start, j = *nops - 1; i < j; i++, j--) {
			struct op t = ops[i];
			ops[i] = ops[j];
			ops[j] = t;
		}
		k0 = 1;
	}
	free(trace);
	free(v - max - 1);
	return (int)k0;
}

/* Within each run of changes, deletions before insertions, as diff -u prints them. */
static void group_changes(struct op *ops, size_t n, struct op *tmp)
{
	for (size_t i = 0; i < n;) {
		size_t j = i, k = 0;
		if (ops[i].kind == OP_EQ) {
			i++;
			continue;
		}
		while (j < n && ops[j].kind != OP_EQ)
			j++;
		for (size_t q = i; q < j; q++)
			if (ops[q].kind == OP_DEL)
				tmp[k++] = ops[q];
		for (size_t q = i; q < j; q++)
			if (ops[q].kind == OP_INS)
				tmp[k++] = ops[q];
		memcpy(ops + i, tmp, k * sizeof(*ops));
		i = j;
	}
}

static void add_line(struct rp_buf *b, char tag, const struct lines *l, size_t i)
{
	rp_buf_addf(b, NULL, "%c%.*s\n", tag, (int)l->len[i], l->s[i]);
}

/*
 * Unified diff hunks (three lines of context) of two texts, from the shortest edit script
 * when at most DIFF_MAX_D lines change, else one hunk covering everything between the
 * common leading and trailing lines. At most DIFF_MAX_LINES changed lines are shown.
 */
static char *unified(const unsigned char *pa, size_t na, const unsigned char *pb, size_t nb)
{
	struct rp_buf b = RP_BUF_INIT((size_t)1 << 16);
	struct lines la, lb;
	size_t pre = 0, suf = 0, nops = 0, shown = 0, left = 0;
	struct op *ops, *tmp;

	split_lines(pa, na, &la);
	split_lines(pb, nb, &lb);
	while (pre < la.n && pre < lb.n && line_eq(&la, pre, &lb, pre))
		pre++;
	while (suf < la.n - pre && suf < lb.n - pre &&
	       line_eq(&la, la.n - 1 - suf, &lb, lb.n - 1 - suf))
		suf++;
	ops = rp_xcalloc(la.n + lb.n + 1, sizeof(*ops));
	tmp = rp_xcalloc(la.n + lb.n + 1, sizeof(*tmp));
	for (size_t i = 0; i < pre; i++, nops++) {
		ops[nops].kind = OP_EQ;
		ops[nops].ia = ops[nops].ib = i;
	}
	if (!myers(&la, pre, la.n - suf, &lb, pre, lb.n - suf, ops, &nops)) {
		for (size_t i = pre; i < la.n - suf; i++, nops++) {
			ops[nops].kind = OP_DEL;
			ops[nops].ia = i;
		}
		for (size_t i = pre; i < lb.n - suf; i++, nops++) {
			ops[nops].kind = OP_INS;
			ops[nops].ib = i;
		}
	}
	for (size_t i = 0; i < suf; i++, nops++) {
		ops[nops].kind = OP_EQ;
		ops[nops].ia = la.n - suf + i;
		ops[nops].ib = lb.n - suf + i;
	}
	group_changes(ops, nops, tmp);
	for (size_t i = 0; i < nops;) {
		size_t h0, h1, sa = 0, sb = 0, ca = 0, cb = 0, gap;
		if (ops[i].kind == OP_EQ) {
			i++;
			continue;
		}
		/* a hunk: from 3 lines before this change to 3 after the last one it absorbs */
		h0 = i >= 3 ? i - 3 : 0;
		for (h1 = i; h1 < nops;) {
			while (h1 < nops && ops[h1].kind != OP_EQ)
				h1++;
			for (gap = 0; h1 + gap < nops && ops[h1 + gap].kind == OP_EQ; gap++)
				;
			if (h1 + gap == nops || gap > 6) {
				h1 += gap < 3 ? gap : 3;
				break;
			}
			h1 += gap;
		}
		if (shown >= DIFF_MAX_LINES) {
			for (size_t q = h0; q < h1; q++)
				left += ops[q].kind != OP_EQ;
			i = h1;
			continue;
		}
		for (size_t q = h0; q < h1; q++) {
			ca += ops[q].kind != OP_INS;
			cb += ops[q].kind != OP_DEL;
		}
		/* where each side starts: the first line of the hunk it has (diff -u numbering) */
		for (size_t q = h0; q < nops; q++) {
			if (ops[q].kind != OP_INS) {
				sa = ops[q].ia + (ca ? 1 : 0);
				break;
			}
			sa = la.n;
		}
		for (size_t q = h0; q < nops; q++) {
			if (ops[q].kind != OP_DEL) {
				sb = ops[q].ib + (cb ? 1 : 0);
				break;
			}
			sb = lb.n;
		}
		rp_buf_addf(&b, NULL, "@@ -%zu,%zu +%zu,%zu @@\n", sa, ca, sb, cb);
		for (size_t q = h0; q < h1; q++) {
			if (ops[q].kind == OP_EQ) {
				add_line(&b, ' ', &la, ops[q].ia);
			} else if (shown++ < DIFF_MAX_LINES) {
				if (ops[q].kind == OP_DEL)
					add_line(&b, '-', &la, ops[q].ia);
				else
					add_line(&b, '+', &lb, ops[q].ib);
			} else {
				left++;
			}
		}
		i = h1;
	}
	if (left)
		rp_buf_addf(&b, NULL, "[... %zu more changed lines]\n", left);
	free(ops);
	free(tmp);
	free(la.s);
	free(la.len);
	free(lb.s);
	free(lb.len);
	return rp_buf_detach(&b, NULL);
}

static void details(struct rp_diff_item *it, const unsigned char *pa, size_t na,
		    const unsigned char *pb, size_t nb, size_t capmax)
{
	size_t n = na < nb ? na : nb, i = 0, from;

	while (i < n && pa[i] == pb[i])
		i++;
	if (i == n && na == nb && (na == capmax || it->size_a != it->size_b)) {
		/* equal as far as captured: the difference lies beyond the captured bytes */
		if (na < capmax && it->size_a != it->size_b)
			it->first_diff = (int64_t)na;
		return;
	}
	it->first_diff = (int64_t)i;
	from = (i & ~(size_t)15) >= 16 ? (i & ~(size_t)15) - 16 : 0;
	it->hex_a = hexdump(pa, na, from, 48);
	it->hex_b = hexdump(pb, nb, from, 48);
	if (looks_text(pa, na) && looks_text(pb, nb)) {
		it->is_text = 1;
		it->udiff = unified(pa, na, pb, nb);
	}
}

static int cmp_strp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static const struct rp_arch_entry *find_flat(const struct rp_arch_flat *f, size_t n, const char *p)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].path, p) == 0)
			return f[i].ent;
	return NULL;
}

static void read_head(const char *path, size_t max, unsigned char **out, size_t *len)
{
	int fd;
	ssize_t k;

	*out = rp_xmalloc(max ? max : 1);
	*len = 0;
	if (rp_open_ro(path, 0, &fd, NULL))
		return;
	while (*len < max) {
		k = read(fd, *out + *len, max - *len);
		if (k <= 0)
			break;
		*len += (size_t)k;
	}
	close(fd);
}

struct scan_job {
	const char *path;
	const struct rp_arch_opts *o;
	struct rp_arch *out;
	struct rp_err e;
	enum rp_status rc;
};

static void *scan_thread(void *arg)
{
	struct scan_job *j = arg;

	j->rc = rp_arch_scan_path(j->path, j->o, &j->out, &j->e);
	return NULL;
}

/* Decode both inputs, B on a second thread: the two decodes share nothing. */
static enum rp_status scan_both(const char *a, const char *b, const struct rp_arch_opts *o,
				struct rp_arch **xa, struct rp_arch **xb, struct rp_err *e)
{
	struct scan_job jb = { b, o, NULL, RP_ERR_INIT, RP_OK };
	enum rp_status rc;
	pthread_t th;
	int threaded = pthread_create(&th, NULL, scan_thread, &jb) == 0;

	if (!threaded)
		scan_thread(&jb);
	rc = rp_arch_scan_path(a, o, xa, e);
	if (threaded)
		pthread_join(th, NULL);
	if (rc) {
		rp_arch_free(jb.out);
		return rc;
	}
	if (jb.rc) {
		rp_arch_free(*xa);
		*xa = NULL;
		if (e)
			*e = jb.e;
		return jb.rc;
	}
	*xb = jb.out;
	return RP_OK;
}

/* Second pass over both inputs, keeping the first bytes of the members that differ. */
/* A capture is usable when it holds all of the member, or all the capture limit allows. */
static int cap_complete(const struct rp_arch_entry *t, size_t capmax)
{
	return t->cap_len == (t->size < capmax ? t->size : capmax) && (t->cap || !t->size);
}

static enum rp_status detail_pass(struct rp_diff_report *r, const struct rp_arch_opts *base,
				  const struct rp_diff_opts *o, const struct rp_arch *xa,
				  const struct rp_arch *xb, struct rp_err *e)
{
	size_t maxd = o->max_details ? o->max_details : DEF_MAX_DETAILS, nc = 0;
	size_t capmax = base->lim.capture_max ? base->lim.capture_max : RP_ARCH_DEF_CAPTURE;
	struct rp_arch_opts co = *base;
	struct rp_arch *aa = NULL, *ab = NULL;
	struct rp_arch_flat *fa = NULL, *fb = NULL;
	size_t na = 0, nb = 0;
	char **want;
	enum rp_status rc = RP_OK;
	time_t t0 = time(NULL);

	struct rp_arch_flat *f1 = NULL, *f2 = NULL;
	size_t n1 = 0, n2 = 0, done = 0;

	want = rp_xreallocarray(NULL, maxd, sizeof(*want));
	rp_arch_flatten(xa, &f1, &n1);
	rp_arch_flatten(xb, &f2, &n2);
	for (size_t i = 0; i < r->nitems && nc + done < maxd; i++) {
		struct rp_diff_item *it = &r->items[i];
		const struct rp_arch_entry *x, *y;
		if (it->change != RP_CHANGE_CONTENT || it->type_a != RP_ENT_FILE ||
		    it->type_b != RP_ENT_FILE)
			continue;
		if (!*it->path) {
			unsigned char *ha, *hb;
			size_t la, lb;
			read_head(r->path_a, capmax, &ha, &la);
			read_head(r->path_b, capmax, &hb, &lb);
			it->size_a = r->size_a;
			it->size_b = r->size_b;
			details(it, ha, la, hb, lb, capmax);
			free(ha);
			free(hb);
			done++;
			continue;
		}
		/* the first pass kept the heads of most members: no second pass for those */
		x = find_flat(f1, n1, it->path);
		y = find_flat(f2, n2, it->path);
		if (x && y && cap_complete(x, capmax) && cap_complete(y, capmax)) {
			details(it, x->cap ? x->cap : (const unsigned char *)"", x->cap_len,
				y->cap ? y->cap : (const unsigned char *)"", y->cap_len, capmax);
			done++;
			continue;
		}
		want[nc++] = it->path;
	}
	rp_arch_flat_free(f1, n1);
	rp_arch_flat_free(f2, n2);
	if (!nc)
		goto out;
	qsort(want, nc, sizeof(*want), cmp_strp);
	co.capture = want;
	co.ncapture = nc;
	if (o->time_limit_s && difftime(time(NULL), t0) > o->time_limit_s) {
		r->details_truncated = 1;
		goto out;
	}
	rc = scan_both(r->path_a, r->path_b, &co, &aa, &ab, e);
	if (rc)
		goto out;
	rp_arch_flatten(aa, &fa, &na);
	rp_arch_flatten(ab, &fb, &nb);
	for (size_t i = 0; i < r->nitems; i++) {
		struct rp_diff_item *it = &r->items[i];
		const struct rp_arch_entry *x, *y;
		if (it->change != RP_CHANGE_CONTENT || !*it->path ||
		    !bsearch(&it->path, want, nc, sizeof(*want), cmp_strp))
			continue;
		x = find_flat(fa, na, it->path);
		y = find_flat(fb, nb, it->path);
		if (x && y && x->cap && y->cap)
			details(it, x->cap, x->cap_len, y->cap, y->cap_len, capmax);
		else if (x && y)
			details(it, (const unsigned char *)"", x->cap_len, (const unsigned char *)"",
				y->cap_len, capmax);
	}
out:
	rp_arch_flat_free(fa, na);
	rp_arch_flat_free(fb, nb);
	rp_arch_free(aa);
	rp_arch_free(ab);
	free(want);
	return rc;
}

static void finish_norms(struct ctx *c)
{
	struct rp_diff_report *r = c->r;

	r->norms = rp_xreallocarray(NULL, N_COUNT + 1, sizeof(*r->norms));
	for (int k = 0; k < N_COUNT; k++) {
		struct rp_diff_norm *n;
		if (!c->nc[k].count) {
			free(c->nc[k].example);
			continue;
		}
		n = &r->norms[r->nnorms++];
		if (k == N_COMPRESSION && c->compression_what)
			n->what = rp_xasprintf("%s (%s)", norm_names[k], c->compression_what);
		else
			n->what = rp_xstrdup(norm_names[k]);
		n->count = c->nc[k].count;
		n->example = c->nc[k].example;
	}
	if (r->verdict == RP_VERDICT_EQUAL_NORMALIZED && r->nnorms == 0 && r->nexcs == 0) {
		/* the bytes differ, yet no listed field does: the container's encoding did */
		r->norms[0].what = rp_xstrdup("encoding (headers, padding or compression settings)");
		r->norms[0].count = 1;
		r->norms[0].example = NULL;
		r->nnorms = 1;
	}
	free(c->compression_what);
}

static char *format_of(const struct rp_arch *a)
{
	if (a->filter != RP_FILTER_NONE)
		return rp_xasprintf("%s+%s", rp_arch_kind_name(a->kind),
				    rp_arch_filter_name(a->filter));
	return rp_xstrdup(rp_arch_kind_name(a->kind));
}

/* Keep the first and last halves of the items when there are too many. */
static void truncate_items(struct rp_diff_report *r, size_t max)
{
	size_t head = max / 2 + max % 2, tail = max / 2, drop;

	r->head = r->nitems;
	if (r->nitems <= max)
		return;
	drop = r->nitems - max;
	for (size_t i = head; i < head + drop; i++)
		item_release(&r->items[i]);
	memmove(&r->items[head], &r->items[head + drop], tail * sizeof(*r->items));
	r->nitems = max;
	r->head = head;
	r->omitted = drop;
}

/* The outer container of a file by its magic bytes, for reports on identical inputs. */
static char *magic_format(const char *path)
{
	unsigned char *head;
	enum rp_arch_filter f;
	enum rp_arch_kind k;
	size_t n;

	read_head(path, 4096, &head, &n);
	k = rp_arch_detect(head, n, &f);
	free(head);
	if (f != RP_FILTER_NONE)
		return rp_xstrdup(rp_arch_filter_name(f));
	return rp_xstrdup(rp_arch_kind_name(k));
}

static enum rp_status same_bytes(struct rp_diff_report *r, const char *a, const char *b,
				 int *same, struct rp_err *e)
{
	enum rp_status rc = rp_hash_path(a, r->sha_a, &r->size_a, e);

	if (!rc)
		rc = rp_hash_path(b, r->sha_b, &r->size_b, e);
	if (rc)
		return rc;
	*same = r->size_a == r->size_b && memcmp(r->sha_a, r->sha_b, RP_SHA256_LEN) == 0;
	if (*same) {
		r->format_a = magic_format(a);
		r->format_b = magic_format(b);
	}
	return RP_OK;
}

/* Keep a member's note (compared as bytes, and why), up to max of them. */
static void add_note(struct rp_diff_report *r, char side, const struct rp_arch_flat *f,
		     size_t max)
{
	struct rp_diff_note *n;

	/* the same member kept opaque for the same reason on both sides: say it once */
	for (size_t i = 0; side == 'b' && i < r->nnotes; i++) {
		n = &r->notes[i];
		if (n->side[0] == 'a' && !strcmp(n->path, f->path) && !strcmp(n->what, f->ent->note)) {
			n->side = "both";
			return;
		}
	}
	if (r->nnotes == max) {
		r->notes_omitted++;
		return;
	}
	if (!r->notes)
		r->notes = rp_xreallocarray(NULL, max, sizeof(*r->notes));
	n = &r->notes[r->nnotes++];
	n->side = side == 'a' ? "a" : "b";
	n->path = rp_xstrdup(f->path);
	n->what = rp_xstrdup(f->ent->note);
}

/* What a report says about the members of one input: unsafe paths and notes. */
static void tree_remarks(struct rp_diff_report *r, const struct rp_arch *a, char side,
			 size_t max_notes)
{
	struct rp_arch_flat *f;
	size_t n;

	rp_arch_flatten(a, &f, &n);
	for (size_t i = 0; i < n; i++) {
		if (f[i].ent->note)
			add_note(r, side, &f[i], max_notes);
		if (!f[i].ent->unsafe)
			continue;
		r->unsafe++;
		if (!r->unsafe_example) {
			r->unsafe_example = rp_xstrdup(f[i].path);
			r->unsafe_reason = rp_path_reason((enum rp_path_verdict)f[i].ent->unsafe);
		}
	}
	rp_arch_flat_free(f, n);
}

enum rp_status rp_diff_paths(const char *a, const char *b, const struct rp_diff_opts *o,
			     struct rp_diff_report **out, struct rp_err *e)
{
	struct rp_diff_report *r = rp_xcalloc(1, sizeof(*r));
	struct rp_arch *xa = NULL, *xb = NULL;
	struct rp_arch_opts ao;
	struct ctx c;
	struct stat sa, sb;
	enum rp_status rc = RP_OK;
	size_t kept = 0;
	int from_env;

	memset(&c, 0, sizeof(c));
	memset(&ao, 0, sizeof(ao));
	c.o = o;
	c.r = r;
	r->path_a = rp_xstrdup(a);
	r->path_b = rp_xstrdup(b);
	r->strict = o->strict;
	r->max_report_bytes = o->max_report_bytes ? o->max_report_bytes : DEF_REPORT_BYTES;
	if (o->norm_set) {
		ao.norm = o->norm;
	} else {
		rp_norm_default(&ao.norm, &from_env);
		/* comparing: every mtime is set to one value, so mtimes never decide */
		ao.norm.epoch = 0;
		ao.norm.clamp = 0;
	}
	ao.lim = o->lim;
	if (o->time_limit_s)
		ao.lim.time_limit_s = o->time_limit_s;
	if (stat(a, &sa) < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", a);
		goto out;
	}
	if (stat(b, &sb) < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", b);
		goto out;
	}
	if (S_ISDIR(sa.st_mode) != S_ISDIR(sb.st_mode)) {
		rc = rp_errf(e, RP_EUSAGE, "cannot compare a directory with a file ('%s', '%s')",
			     a, b);
		goto out;
	}
	if (o->exceptions_file) {
		rc = load_exceptions(r, o->exceptions_file, e);
		if (rc)
			goto out;
	}
	if (!S_ISDIR(sa.st_mode)) {
		/* layer 1 first: identical bytes need no decoding at all */
		int same = 0;
		rc = same_bytes(r, a, b, &same, e);
		if (rc)
			goto out;
		if (same) {
			r->verdict = RP_VERDICT_IDENTICAL;
			r->layer = "bytes";
			goto done;
		}
	}
	ao.capture_budget = DEF_CAPTURE_BUDGET;
	rc = scan_both(a, b, &ao, &xa, &xb, e);
	ao.capture_budget = 0;
	if (rc)
		goto out;
	tree_remarks(r, xa, 'a', o->max_items ? o->max_items : DEF_MAX_ITEMS);
	tree_remarks(r, xb, 'b', o->max_items ? o->max_items : DEF_MAX_ITEMS);
	memcpy(r->sha_a, xa->raw_sha, RP_SHA256_LEN);
	memcpy(r->sha_b, xb->raw_sha, RP_SHA256_LEN);
	r->size_a = xa->raw_size;
	r->size_b = xb->raw_size;
	r->format_a = format_of(xa);
	r->format_b = format_of(xb);

	if (xa->kind == RP_ARCH_DIR ? trees_identical(xa, xb)
				    : memcmp(xa->raw_sha, xb->raw_sha, RP_SHA256_LEN) == 0) {
		r->verdict = RP_VERDICT_IDENTICAL;
		r->layer = "bytes";
		goto done;
	}
	if (xa->kind != RP_ARCH_DIR)
		archive_level(&c, xa, xb, "");
	if (xa->kind != xb->kind) {
		struct rp_diff_item *it = add_item(&c, RP_CHANGE_TYPE, "");
		it->what = rp_xasprintf("format %s -> %s", rp_arch_kind_name(xa->kind),
					rp_arch_kind_name(xb->kind));
	} else if (xa->kind != RP_ARCH_DIR && tails_differ(xa, xb)) {
		struct rp_diff_item *it = add_item(&c, RP_CHANGE_CONTENT, "");
		it->what = rp_xstrdup(TAIL_WHAT);
		it->has_a = it->has_b = 1;
		it->size_a = xa->raw_size;
		it->size_b = xb->raw_size;
		memcpy(it->sha_a, xa->raw_sha, RP_SHA256_LEN);
		memcpy(it->sha_b, xb->raw_sha, RP_SHA256_LEN);
	} else if (xa->kind == RP_ARCH_NONE) {
		struct rp_diff_item *it = add_item(&c, RP_CHANGE_CONTENT, "");
		it->has_a = it->has_b = 1;
		it->size_a = xa->raw_size;
		it->size_b = xb->raw_size;
		memcpy(it->sha_a, xa->raw_sha, RP_SHA256_LEN);
		memcpy(it->sha_b, xb->raw_sha, RP_SHA256_LEN);
	}
	compare_trees(&c, xa, xb);
	if (memcmp(xa->canon_sha, xb->canon_sha, RP_SHA256_LEN) == 0) {
		/* the canonical streams decide; items here can only be order artefacts */
		for (size_t i = 0; i < c.nitems; i++)
			item_release(&c.items[i]);
		c.nitems = 0;
	}
	for (size_t i = 0; i < c.nitems; i++) {
		if (excepted(r, c.items[i].path)) {
			item_release(&c.items[i]);
			continue;
		}
		r->counts[c.items[i].change]++;
		c.items[kept++] = c.items[i];
	}
	c.nitems = kept;
	r->items = c.items;
	r->nitems = c.nitems;
	c.items = NULL;
	if (memcmp(xa->canon_sha, xb->canon_sha, RP_SHA256_LEN) != 0 && r->nitems == 0 &&
	    r->nexcs == 0) {
		/* The streams differ but no member pair does (duplicated paths): say so. */
		struct rp_diff_item *it;
		r->items = rp_xreallocarray(r->items, 1, sizeof(*r->items));
		it = &r->items[0];
		memset(it, 0, sizeof(*it));
		it->change = RP_CHANGE_META;
		it->path = rp_xstrdup("");
		it->what = rp_xstrdup("canonical entry streams differ");
		it->first_diff = -1;
		r->nitems = 1;
		r->counts[RP_CHANGE_META]++;
	}
	if (r->nitems == 0) {
		r->verdict = RP_VERDICT_EQUAL_NORMALIZED;
		r->layer = "canonical";
	} else {
		r->verdict = RP_VERDICT_DIFFERENT;
		r->layer = "members";
		rc = detail_pass(r, &ao, o, xa, xb, e);
		if (rc)
			goto out;
		truncate_items(r, o->max_items ? o->max_items : DEF_MAX_ITEMS);
	}
	finish_norms(&c);
	memset(c.nc, 0, sizeof(c.nc));
	c.compression_what = NULL;
done:
	if (r->head == 0 && r->omitted == 0)
		r->head = r->nitems;
	*out = r;
	r = NULL;
out:
	for (int k = 0; k < N_COUNT; k++)
		free(c.nc[k].example);
	free(c.compression_what);
	for (size_t i = 0; i < c.nitems && c.items; i++)
		item_release(&c.items[i]);
	free(c.items);
	rp_arch_free(xa);
	rp_arch_free(xb);
	rp_diff_report_free(r);
	return rc;
}

static const char *const change_names[] = {
	[RP_CHANGE_ADDED] = "added",     [RP_CHANGE_REMOVED] = "removed",
	[RP_CHANGE_CONTENT] = "content", [RP_CHANGE_TYPE] = "type",
	[RP_CHANGE_META] = "metadata",
};

const char *rp_diff_change_name(enum rp_diff_change c)
{
	return (unsigned)c <= RP_CHANGE_META ? change_names[c] : "?";
}

static const char *shown(char *buf, size_t n, const char *path)
{
	return rp_sanitize(buf, n, *path ? path : "(the file itself)");
}

static void text_item(struct rp_buf *b, const struct rp_diff_item *it)
{
	char name[1024], ha[RP_SHA256_HEX], hb[RP_SHA256_HEX];

	shown(name, sizeof(name), it->path);
	switch (it->change) {
	case RP_CHANGE_ADDED:
		rp_buf_addf(b, NULL, "  added:    %s (%s, %llu bytes)\n", name,
			    rp_ent_type_name(it->type_b), (unsigned long long)it->size_b);
		return;
	case RP_CHANGE_REMOVED:
		rp_buf_addf(b, NULL, "  removed:  %s (%s, %llu bytes)\n", name,
			    rp_ent_type_name(it->type_a), (unsigned long long)it->size_a);
		return;
	case RP_CHANGE_TYPE:
	case RP_CHANGE_META: {
		char what[1024];
		rp_buf_addf(b, NULL, "  %s: %s: %s\n",
			    it->change == RP_CHANGE_TYPE ? "type differs" : "metadata differs",
			    name, rp_sanitize(what, sizeof(what), it->what ? it->what : ""));
		return;
	}
	case RP_CHANGE_CONTENT:
		break;
	}
	rp_hex(it->sha_a, RP_SHA256_LEN, ha);
	rp_hex(it->sha_b, RP_SHA256_LEN, hb);
	rp_buf_addf(b, NULL, "  content differs: %s\n", name);
	if (it->what) {
		char what[1024];
		rp_buf_addf(b, NULL, "    %s\n", rp_sanitize(what, sizeof(what), it->what));
	}
	rp_buf_addf(b, NULL, "    size   %llu -> %llu\n", (unsigned long long)it->size_a,
		    (unsigned long long)it->size_b);
	rp_buf_addf(b, NULL, "    sha256 %s\n        -> %s\n", ha, hb);
	if (it->first_diff >= 0)
		rp_buf_addf(b, NULL, "    first difference at offset %lld (0x%llx)\n",
			    (long long)it->first_diff, (unsigned long long)it->first_diff);
	if (it->udiff) {
		char *s = rp_xstrdup(it->udiff), *line, *next;
		for (line = s; line && *line; line = next) {
			char clean[600];
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			rp_buf_addf(b, NULL, "    %s\n", rp_sanitize(clean, sizeof(clean), line));
		}
		free(s);
	} else if (it->hex_a && it->hex_b) {
		const char *sides[2] = { it->hex_a, it->hex_b };
		for (int k = 0; k < 2; k++) {
			const char *p = sides[k];
			rp_buf_addf(b, NULL, "    %s:\n", k ? "b" : "a");
			while (*p) {
				size_t l = strcspn(p, "\n");
				rp_buf_addf(b, NULL, "      %.*s\n", (int)l, p);
				p += l + (p[l] == '\n');
			}
		}
	}
}

static void text_side(struct rp_buf *b, const char *label, const char *path, const char *fmt,
		      const unsigned char *sha, uint64_t size, int dir)
{
	char name[1024], hex[RP_SHA256_HEX];

	rp_sanitize(name, sizeof(name), path);
	if (dir) {
		rp_buf_addf(b, NULL, "%s: %s (directory)\n", label, name);
		return;
	}
	rp_hex(sha, RP_SHA256_LEN, hex);
	rp_buf_addf(b, NULL, "%s: %s (%s, %llu bytes, sha256 %s)\n", label, name, fmt,
		    (unsigned long long)size, hex);
}

enum rp_status rp_diff_write_text(const struct rp_diff_report *r, FILE *fp, struct rp_err *e)
{
	struct rp_buf b = RP_BUF_INIT((size_t)1 << 30);
	char na[1024], nb[1024], name[1024];
	size_t len;
	char *s;
	int dir = r->format_a && strcmp(r->format_a, "directory") == 0;

	text_side(&b, "a", r->path_a, r->format_a ? r->format_a : "?", r->sha_a, r->size_a, dir);
	text_side(&b, "b", r->path_b, r->format_b ? r->format_b : "?", r->sha_b, r->size_b, dir);
	if (r->nnorms) {
		rp_buf_addf(&b, NULL, "removed by normalization:\n");
		for (size_t i = 0; i < r->nnorms; i++) {
			char ex[1024];
			rp_buf_addf(&b, NULL, "  %s: %zu", r->norms[i].what, r->norms[i].count);
			if (r->norms[i].example && *r->norms[i].example)
				rp_buf_addf(&b, NULL, " (e.g. %s)",
					    rp_sanitize(ex, sizeof(ex), r->norms[i].example));
			rp_buf_addf(&b, NULL, "\n");
		}
	}
	for (size_t i = 0; i < r->nexcs; i++) {
		char pat[512], why[512];
		if (i == 0)
			rp_buf_addf(&b, NULL, "declared exceptions:\n");
		rp_buf_addf(&b, NULL, "  %s: %s (%zu matched)\n",
			    rp_sanitize(pat, sizeof(pat), r->excs[i].pattern),
			    rp_sanitize(why, sizeof(why), r->excs[i].reason), r->excs[i].matched);
	}
	if (r->nitems) {
		rp_buf_addf(&b, NULL, "members:\n");
		for (size_t i = 0; i < r->nitems; i++) {
			if (r->omitted && i == r->head)
				rp_buf_addf(&b, NULL, "  [... %zu members omitted ...]\n",
					    r->omitted);
			text_item(&b, &r->items[i]);
		}
		rp_buf_addf(&b, NULL,
			    "changes: %zu content, %zu added, %zu removed, %zu type, %zu metadata\n",
			    r->counts[RP_CHANGE_CONTENT], r->counts[RP_CHANGE_ADDED],
			    r->counts[RP_CHANGE_REMOVED], r->counts[RP_CHANGE_TYPE],
			    r->counts[RP_CHANGE_META]);
	}
	if (r->details_truncated)
		rp_buf_addf(&b, NULL, "[details stopped: time limit reached]\n");
	if (r->nnotes)
		rp_buf_addf(&b, NULL, "notes (members compared as bytes):\n");
	for (size_t i = 0; i < r->nnotes; i++) {
		char what[1024];
		shown(name, sizeof(name), r->notes[i].path);
		rp_buf_addf(&b, NULL, "  note (%s): %s: %s\n", r->notes[i].side, name,
			    rp_sanitize(what, sizeof(what), r->notes[i].what));
	}
	if (r->notes_omitted)
		rp_buf_addf(&b, NULL, "  [... %zu notes omitted ...]\n", r->notes_omitted);
	if (r->unsafe) {
		char ex[1024];
		rp_buf_addf(&b, NULL, "warning: %zu member(s) with unsafe paths, e.g. %s (%s); "
			    "compared as data, never extracted\n", r->unsafe,
			    rp_sanitize(ex, sizeof(ex), r->unsafe_example), r->unsafe_reason);
	}
	rp_buf_addf(&b, NULL, "%s and %s: %s\n", rp_sanitize(na, sizeof(na), r->path_a),
		    rp_sanitize(nb, sizeof(nb), r->path_b), rp_verdict_name(r->verdict));
	s = rp_buf_detach(&b, &len);
	if (len > r->max_report_bytes) {
		/* head + tail, cut at line ends, with the cut said out loud */
		size_t half = r->max_report_bytes / 2, h = half, t = len - half;
		while (h > 0 && s[h - 1] != '\n')
			h--;
		while (t < len && s[t - 1] != '\n')
			t++;
		fwrite(s, 1, h, fp);
		fprintf(fp, "[... report truncated: %zu bytes omitted ...]\n", t - h);
		fwrite(s + t, 1, len - t, fp);
	} else {
		fwrite(s, 1, len, fp);
	}
	free(s);
	if (ferror(fp))
		return rp_errf(e, RP_EIO, "cannot write the diff report");
	return RP_OK;
}
