/*
 * The canonical entry stream reader: magic-byte detection, streaming decode with libarchive
 * (nested archives are read straight out of their parent's data; only nested zips are
 * spooled, to be read through their central directory), bounded decompression, canonical
 * ordering and the deterministic serialization.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive_canon.h"
#include "file.h"
#include "gunzip.h"
#include "mem.h"
#include "path.h"
#include "zipcheck.h"

#define BLOCK (64 * 1024)
#define PEEK 4096
#define RING (256 * 1024)
/* nested zips held in memory at once (all levels); larger ones go to an unlinked file */
#define ZIP_MEM_MAX (64u << 20)

struct scan {
	const struct rp_arch_opts *o;
	struct rp_arch_limits lim;
	struct rp_err *e;
	int fatal;          /* e holds an error that no fallback may hide */
	uint64_t spool_off; /* bytes written to o->spool_fd so far */
	int budget_on;      /* o->capture_budget: capture every member while budget lasts */
	size_t budget;
	uint64_t total;     /* decompressed bytes so far */
	uint64_t input;     /* encoded input bytes (top-level files) */
	size_t nents;
	time_t started;
	size_t zip_mem;     /* bytes of nested zips held in memory */
};

/* A byte source libarchive reads from: a file, a buffer, or a member of a parent archive. */
struct src {
	struct scan *s;
	int fd;
	const unsigned char *mem;
	size_t memlen, mempos;
	struct archive *parent;
	const unsigned char *peek;
	size_t peek_len, peek_off;
	unsigned char *buf;
	struct rp_sha256 *h;   /* hashes parent data as it passes (nested sources) */
	uint64_t nbytes;       /* bytes pulled from the parent */
	struct rp_arch_entry *cap_ent; /* capture into this entry, or NULL */
	int spool;             /* copy pulled bytes to the spool */
	unsigned char *ring;   /* the last RING bytes handed to libarchive (nested sources) */
	uint64_t delivered;    /* bytes handed to libarchive so far */
	uint64_t size;         /* file sources: the file's size (zips are checked with pread) */
	const char *name;      /* for messages */
};

static const char *const kind_names[] = {
	[RP_ARCH_NONE] = "file", [RP_ARCH_TAR] = "tar", [RP_ARCH_ZIP] = "zip",
	[RP_ARCH_AR] = "ar",     [RP_ARCH_DEB] = "deb", [RP_ARCH_CPIO] = "cpio",
	[RP_ARCH_RAW] = "raw",   [RP_ARCH_DIR] = "directory",
};

static const char *const filter_names[] = {
	[RP_FILTER_NONE] = "none", [RP_FILTER_GZIP] = "gzip", [RP_FILTER_XZ] = "xz",
	[RP_FILTER_ZSTD] = "zstd", [RP_FILTER_BZIP2] = "bzip2",
};

static const char *const type_names[] = {
	[RP_ENT_FILE] = "file",       [RP_ENT_DIR] = "dir",  [RP_ENT_SYMLINK] = "symlink",
	[RP_ENT_HARDLINK] = "hardlink", [RP_ENT_CHR] = "chr", [RP_ENT_BLK] = "blk",
	[RP_ENT_FIFO] = "fifo",       [RP_ENT_SOCK] = "sock",
};

const char *rp_arch_kind_name(enum rp_arch_kind k)
{
	return (unsigned)k <= RP_ARCH_DIR ? kind_names[k] : "?";
}

const char *rp_arch_filter_name(enum rp_arch_filter f)
{
	return (unsigned)f <= RP_FILTER_BZIP2 ? filter_names[f] : "?";
}

const char *rp_ent_type_name(enum rp_ent_type t)
{
	return (unsigned)t <= RP_ENT_SOCK ? type_names[t] : "?";
}

void rp_norm_default(struct rp_norm *n, int *from_env)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	n->epoch = 0;
	n->clamp = 0;
	*from_env = 0;
	if (!s || !*s)
		return;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 0)
		return;
	n->epoch = v;
	*from_env = 1;
}

enum rp_arch_kind rp_arch_detect(const unsigned char *p, size_t n, enum rp_arch_filter *filter)
{
	*filter = RP_FILTER_NONE;
	if (n >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8)
		*filter = RP_FILTER_GZIP;
	else if (n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
		*filter = RP_FILTER_XZ;
	else if (n >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0)
		*filter = RP_FILTER_ZSTD;
	else if (n >= 4 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9')
		*filter = RP_FILTER_BZIP2;
	if (*filter != RP_FILTER_NONE)
		return RP_ARCH_RAW;
	if (n >= 8 && memcmp(p, "!<arch>\n", 8) == 0) {
		if (n >= 8 + 16 && memcmp(p + 8, "debian-binary", 13) == 0 &&
		    (p[21] == ' ' || p[21] == '/'))
			return RP_ARCH_DEB;
		return RP_ARCH_AR;
	}
	if (n >= 4 && (memcmp(p, "PK\3\4", 4) == 0 || memcmp(p, "PK\5\6", 4) == 0))
		return RP_ARCH_ZIP;
	if (n >= 6 && (memcmp(p, "070701", 6) == 0 || memcmp(p, "070702", 6) == 0 ||
		       memcmp(p, "070707", 6) == 0))
		return RP_ARCH_CPIO;
	if (n >= 26 && ((p[0] == 0xc7 && p[1] == 0x71) || (p[0] == 0x71 && p[1] == 0xc7)))
		return RP_ARCH_CPIO;
	/* ustar/pax ("ustar\0") and GNU ("ustar  \0"); a bad checksum is the decoder's error */
	if (n >= 512 && memcmp(p + 257, "ustar", 5) == 0)
		return RP_ARCH_TAR;
	return RP_ARCH_NONE;
}

static double elapsed(const struct scan *s)
{
	return difftime(time(NULL), s->started);
}

/* Count decompressed bytes against the limits; 0, or -1 with a fatal error set. */
static int account(struct scan *s, size_t n, const char *name)
{
	s->total += n;
	if (s->total > s->lim.max_total) {
		rp_errf(s->e, RP_EINPUT, "'%s': decompressed size exceeds the limit of %llu bytes",
			name, (unsigned long long)s->lim.max_total);
		s->fatal = 1;
		return -1;
	}
	if (s->total > s->lim.ratio_floor &&
	    s->total / (s->input ? s->input : 1) > s->lim.max_ratio) {
		rp_errf(s->e, RP_EINPUT,
			"'%s': expansion ratio exceeds %u:1 (%llu bytes from %llu): "
			"possible decompression bomb",
			name, s->lim.max_ratio, (unsigned long long)s->total,
			(unsigned long long)s->input);
		s->fatal = 1;
		return -1;
	}
	if (s->lim.time_limit_s && elapsed(s) > s->lim.time_limit_s) {
		rp_errf(s->e, RP_EIO, "'%s': time limit of %u s exceeded", name,
			s->lim.time_limit_s);
		s->fatal = 1;
		return -1;
	}
	return 0;
}

/* Keep the first bytes of a member, growing the buffer as data comes (up to max). */
static void capture(struct scan *s, struct rp_arch_entry *ent, const void *p, size_t n)
{
	size_t max = s->lim.capture_max, room, want;

	if (!ent)
		return;
	room = max - ent->cap_len;
	if (n > room)
		n = room;
	if (s->budget_on) {
		if (n > s->budget)
			n = s->budget; /* out of budget: this capture stays incomplete */
		s->budget -= n;
	}
	if (!n)
		return;
	want = ent->cap_len + n;
	if (want > ent->cap_alloc) {
		size_t a = ent->cap_alloc ? ent->cap_alloc : 4096;
		while (a < want)
			a *= 2;
		if (a > max)
			a = max;
		ent->cap = rp_xrealloc(ent->cap, a);
		ent->cap_alloc = a;
	}
	memcpy(ent->cap + ent->cap_len, p, n);
	ent->cap_len += n;
}

/* Read member data of the parent archive, hashing and counting it. */
static la_ssize_t parent_pull(struct src *r, void *dst, size_t n)
{
	la_ssize_t got = archive_read_data(r->parent, dst, n);

	if (got < 0) {
		if (!r->s->fatal) {
			char why[RP_ERR_MSG_MAX];
			const char *m = archive_error_string(r->parent);
			rp_errf(r->s->e, RP_EINPUT, "'%s': %s", r->name,
				m ? rp_err_tidy(why, sizeof(why), m) : "read error");
			r->s->fatal = 1;
		}
		return -1;
	}
	if (got > 0) {
		if (account(r->s, (size_t)got, r->name))
			return -1;
		if (r->h)
			rp_sha256_update(r->h, dst, (size_t)got);
		capture(r->s, r->cap_ent, dst, (size_t)got);
		r->nbytes += (uint64_t)got;
		if (r->spool) {
			int err = rp_write_all(r->s->o->spool_fd, dst, (size_t)got);
			if (err) {
				rp_err_sys(r->s->e, RP_EIO, err, "cannot write the spool file");
				r->s->fatal = 1;
				return -1;
			}
			r->s->spool_off += (uint64_t)got;
		}
	}
	return got;
}

static la_ssize_t src_read1(struct archive *a, struct src *r, const void **buf);

static void ring_add(struct src *r, const void *p, size_t n)
{
	const unsigned char *c = p;

	if (n > RING) {
		c += n - RING;
		r->delivered += n - RING;
		n = RING;
	}
	while (n) {
		size_t at = (size_t)(r->delivered % RING), k = RING - at < n ? RING - at : n;
		memcpy(r->ring + at, c, k);
		c += k;
		n -= k;
		r->delivered += k;
	}
}

static la_ssize_t src_read(struct archive *a, void *data, const void **buf)
{
	struct src *r = data;
	la_ssize_t n = src_read1(a, r, buf);

	if (n > 0 && r->ring)
		ring_add(r, *buf, (size_t)n);
	return n;
}

static la_ssize_t src_read1(struct archive *a, struct src *r, const void **buf)
{
	ssize_t n;

	(void)a;
	if (r->peek_off < r->peek_len) {
		*buf = r->peek + r->peek_off;
		n = (ssize_t)(r->peek_len - r->peek_off);
		r->peek_off = r->peek_len;
		return n;
	}
	if (r->parent) {
		*buf = r->buf;
		return parent_pull(r, r->buf, BLOCK);
	}
	if (r->mem) {
		n = (ssize_t)(r->memlen - r->mempos);
		if (n > BLOCK)
			n = BLOCK;
		*buf = r->mem + r->mempos;
		r->mempos += (size_t)n;
		return n;
	}
	for (;;) {
		n = read(r->fd, r->buf, BLOCK);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n < 0) {
		if (!r->s->fatal) {
			rp_err_sys(r->s->e, RP_EIO, errno, "cannot read '%s'", r->name);
			r->s->fatal = 1;
		}
		return -1;
	}
	*buf = r->buf;
	return n;
}

/* Only file and buffer sources seek (top-level zip reads its central directory). */
static la_int64_t src_seek(struct archive *a, void *data, la_int64_t off, int whence)
{
	struct src *r = data;
	off_t pos;

	(void)a;
	if (whence == SEEK_CUR) {
		/* the logical position is behind the descriptor by the unread peeked bytes */
		off -= (la_int64_t)(r->peek_len - r->peek_off);
	}
	r->peek_len = r->peek_off = 0;
	if (r->mem) {
		la_int64_t base = whence == SEEK_SET ? 0
				  : whence == SEEK_CUR ? (la_int64_t)r->mempos
						       : (la_int64_t)r->memlen;
		if (base + off < 0 || base + off > (la_int64_t)r->memlen)
			return ARCHIVE_FATAL;
		r->mempos = (size_t)(base + off);
		return (la_int64_t)r->mempos;
	}
	pos = lseek(r->fd, (off_t)off, whence);
	return pos < 0 ? ARCHIVE_FATAL : (la_int64_t)pos;
}

static void arch_grow(struct rp_arch *a)
{
	if (a->n == a->alloc) {
		a->alloc = a->alloc ? 2 * a->alloc : 16;
		a->ents = rp_xreallocarray(a->ents, a->alloc, sizeof(*a->ents));
	}
	memset(&a->ents[a->n], 0, sizeof(a->ents[0]));
}

static void entry_release(struct rp_arch_entry *t)
{
	free(t->path);
	free(t->link);
	free(t->uname);
	free(t->gname);
	free(t->note);
	free(t->cap);
	rp_arch_free(t->sub);
}

void rp_arch_free(struct rp_arch *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		entry_release(&a->ents[i]);
	free(a->ents);
	free(a->format_name);
	free(a->order);
	free(a);
}

static struct rp_arch *arch_new(enum rp_arch_kind kind, enum rp_arch_filter filter)
{
	struct rp_arch *a = rp_xcalloc(1, sizeof(*a));

	a->kind = kind;
	a->filter = filter;
	return a;
}

/* Canonical order: a format's fixed order first, then bytewise path, then stored order. */
static int rank(enum rp_arch_kind kind, const char *p)
{
	if (kind == RP_ARCH_DEB) {
		if (strcmp(p, "debian-binary") == 0)
			return 0;
		if (strncmp(p, "control.tar", 11) == 0)
			return 1;
		if (strncmp(p, "data.tar", 8) == 0)
			return 2;
		return 3;
	}
	if (kind == RP_ARCH_ZIP) {
		if (strcmp(p, "META-INF/") == 0)
			return 0;
		if (strcmp(p, "META-INF/MANIFEST.MF") == 0)
			return 1;
		return 2;
	}
	return 0;
}

static int cmp_entry(const void *x, const void *y, void *arg)
{
	const struct rp_arch_entry *a = x, *b = y;
	enum rp_arch_kind kind = *(const enum rp_arch_kind *)arg;
	int ra = rank(kind, a->path), rb = rank(kind, b->path), c;

	if (ra != rb)
		return ra < rb ? -1 : 1;
	c = strcmp(a->path, b->path);
	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void put_escaped(struct rp_buf *b, const char *s, int *err)
{
	static const char hx[] = "0123456789abcdef";
	char tmp[256];
	size_t k = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (k + 3 >= sizeof(tmp)) {
			*err |= rp_buf_add(b, tmp, k, NULL) != RP_OK;
			k = 0;
		}
		if (c <= 0x20 || c == 0x7f || c == '%') {
			tmp[k++] = '%';
			tmp[k++] = hx[c >> 4];
			tmp[k++] = hx[c & 15];
		} else {
			tmp[k++] = (char)c;
		}
	}
	*err |= rp_buf_add(b, tmp, k, NULL) != RP_OK;
}

static int serialize(const struct rp_arch *a, unsigned depth, struct rp_buf *b)
{
	char hex[RP_SHA256_HEX];
	int err = 0;

	if (depth == 0) {
		err |= rp_buf_addf(b, NULL, "reprove-canonical 1 %s\n",
				   rp_arch_kind_name(a->kind)) != RP_OK;
		if (a->kind == RP_ARCH_NONE) {
			rp_hex(a->raw_sha, RP_SHA256_LEN, hex);
			err |= rp_buf_addf(b, NULL, "content %llu %s\n",
					   (unsigned long long)a->raw_size, hex) != RP_OK;
		}
	}
	if (a->order)
		err |= rp_buf_addf(b, NULL, "%u stored-order %s\n", depth, a->order) != RP_OK;
	if (a->has_itail) {
		rp_hex(a->itail_sha, RP_SHA256_LEN, hex);
		err |= rp_buf_addf(b, NULL, "%u trailing-inner %llu %s\n", depth,
				   (unsigned long long)a->itail_size, hex) != RP_OK;
	}
	if (a->has_tail) {
		rp_hex(a->tail_sha, RP_SHA256_LEN, hex);
		err |= rp_buf_addf(b, NULL, "%u trailing %llu %s\n", depth,
				   (unsigned long long)a->tail_size, hex) != RP_OK;
	}
	for (size_t i = 0; i < a->n && !err; i++) {
		const struct rp_arch_entry *t = &a->ents[i];
		rp_hex(t->csha, RP_SHA256_LEN, hex);
		/* a nested archive's encoded size depends on its compressor: not canonical */
		if (t->sub)
			err |= rp_buf_addf(b, NULL, "%u %s %04o %lld - %s %s ", depth,
					   rp_ent_type_name(t->type), t->nmode, (long long)t->nmtime,
					   rp_arch_kind_name(t->sub->kind), hex) != RP_OK;
		else
			err |= rp_buf_addf(b, NULL, "%u %s %04o %lld %llu - %s ", depth,
					   rp_ent_type_name(t->type), t->nmode, (long long)t->nmtime,
					   (unsigned long long)t->size, hex) != RP_OK;
		put_escaped(b, t->path, &err);
		if (t->link) {
			err |= rp_buf_add(b, " -> ", 4, NULL) != RP_OK;
			put_escaped(b, t->link, &err);
		}
		if (t->type == RP_ENT_CHR || t->type == RP_ENT_BLK)
			err |= rp_buf_addf(b, NULL, " dev=%llu",
					   (unsigned long long)t->rdev) != RP_OK;
		err |= rp_buf_add(b, "\n", 1, NULL) != RP_OK;
		if (t->sub && !err)
			err |= serialize(t->sub, depth + 1, b);
	}
	return err;
}

enum rp_status rp_arch_serialize(const struct rp_arch *a, struct rp_buf *b, struct rp_err *e)
{
	if (serialize(a, 0, b))
		return rp_errf(e, RP_EINPUT, "canonical stream exceeds %zu bytes", b->max);
	return RP_OK;
}

/* Sort into canonical order and compute the canonical digest of this level. */
static const struct rp_arch_entry *find_sorted(const struct rp_arch *a, const char *path,
					       size_t *at)
{
	size_t lo = 0, hi = a->n;

	/* tar has no fixed-order ranks: entries are in plain strcmp order, first of equals */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(a->ents[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < a->n && strcmp(a->ents[lo].path, path) == 0) {
		*at = lo;
		return &a->ents[lo];
	}
	return NULL;
}

/*
 * A hard link group is canonical when its first member in canonical order holds the
 * content and the others link to it: then which member an archiver stored first does not
 * matter, and the normalized tar extracts (a link never precedes its target).
 */
static void canon_hardlinks(struct rp_arch *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct rp_arch_entry *t = &a->ents[i], *h, tmp;
		size_t j;

		if (t->type != RP_ENT_HARDLINK || !t->link)
			continue;
		h = (struct rp_arch_entry *)find_sorted(a, t->link, &j);
		if (!h || j <= i || h->type != RP_ENT_FILE)
			continue;
		/* t sorts before its target h: t takes the content, h and the rest link to t */
		tmp = *t;
		t->type = RP_ENT_FILE;
		t->link = NULL;
		t->size = h->size;
		memcpy(t->sha, h->sha, RP_SHA256_LEN);
		memcpy(t->csha, h->csha, RP_SHA256_LEN);
		t->sub = h->sub;
		t->note = h->note;
		t->cap = h->cap;
		t->cap_len = h->cap_len;
		t->cap_alloc = h->cap_alloc;
		t->spooled = h->spooled;
		t->spool_off = h->spool_off;
		h->type = RP_ENT_HARDLINK;
		h->link = rp_xstrdup(t->path);
		h->size = 0;
		rp_sha256("", 0, h->sha);
		memcpy(h->csha, h->sha, RP_SHA256_LEN);
		h->sub = NULL;
		h->note = NULL;
		h->cap = NULL;
		h->cap_len = h->cap_alloc = 0;
		h->spooled = 0;
		for (size_t k = i + 1; k < a->n; k++) {
			struct rp_arch_entry *o = &a->ents[k];
			if (o->type == RP_ENT_HARDLINK && o->link && strcmp(o->link, tmp.link) == 0 &&
			    o != h) {
				free(o->link);
				o->link = rp_xstrdup(t->path);
			}
		}
		free(tmp.link);
	}
}

/*
 * dpkg-deb reads debian-binary, control.tar* and data.tar* in that order and refuses any
 * other: for a .deb the stored order of those three is part of what the package is, so a
 * break in it is recorded (a->order) instead of being sorted away. Entries are still in
 * stored order here (finish_arch's first run).
 */
static void deb_order(struct rp_arch *a)
{
	struct rp_buf b = RP_BUF_INIT((size_t)-1 / 2);
	int top = 0, broken = 0, err = 0;

	for (size_t i = 0; i < a->n; i++) {
		int r = rank(RP_ARCH_DEB, a->ents[i].path);
		if (r > 2)
			continue;
		broken |= r < top;
		top = r > top ? r : top;
		if (b.len)
			err |= rp_buf_add(&b, " ", 1, NULL) != RP_OK;
		put_escaped(&b, a->ents[i].path, &err);
	}
	if (broken && !err)
		a->order = rp_buf_detach(&b, NULL);
	rp_buf_release(&b);
}

static void finish_arch(struct rp_arch *a)
{
	struct rp_buf b = RP_BUF_INIT((size_t)-1 / 2);
	int reordered = 0;

	if (a->kind == RP_ARCH_DEB && !a->order && !a->reordered)
		deb_order(a);

	for (size_t i = 1; i < a->n && !reordered; i++)
		reordered = cmp_entry(&a->ents[i - 1], &a->ents[i], &a->kind) > 0;
	if (reordered)
		qsort_r(a->ents, a->n, sizeof(*a->ents), cmp_entry, &a->kind);
	a->reordered |= reordered; /* finish_arch may run again on sorted entries */
	if (a->kind == RP_ARCH_TAR)
		canon_hardlinks(a);
	serialize(a, 0, &b);
	rp_sha256(b.data ? b.data : "", b.len, a->canon_sha);
	rp_buf_release(&b);
}

#define DOS_EPOCH 315532800 /* 1980-01-01T00:00:00Z, the earliest DOS date */

static void normalize_entry(struct scan *s, enum rp_arch_kind kind, struct rp_arch_entry *t)
{
	const struct rp_norm *n = &s->o->norm;

	int64_t was, now;

	t->nmtime = n->clamp ? (t->mtime < n->epoch ? t->mtime : n->epoch) : n->epoch;
	was = t->mtime;
	now = t->nmtime;
	if (kind == RP_ARCH_ZIP) {
		/* DOS times stop at 1980-01-01: an earlier epoch cannot change a zip's times */
		was = was < DOS_EPOCH ? DOS_EPOCH : was;
		now = now < DOS_EPOCH ? DOS_EPOCH : now;
	}
	if (now != was)
		t->dropped |= RP_DROP_MTIME;
	if (t->uid || t->gid)
		t->dropped |= RP_DROP_OWNER;
	if ((t->uname && *t->uname) || (t->gname && *t->gname))
		t->dropped |= RP_DROP_UNAME;
	if (kind == RP_ARCH_ZIP) {
		if (t->type == RP_ENT_DIR)
			t->nmode = 0755;
		else if (t->type == RP_ENT_SYMLINK)
			t->nmode = 0777;
		else
			t->nmode = (t->mode & 0111) ? 0755 : 0644;
		if (t->nmode != t->mode)
			t->dropped |= RP_DROP_MODE;
	} else {
		t->nmode = t->mode & 07777;
	}
}

static enum rp_status scan_stream(struct scan *s, struct src *r, enum rp_arch_kind kind,
				  enum rp_arch_filter filter, unsigned depth, const char *name,
				  const char *prefix, int seekable, int spool, struct rp_arch **out);

/*
 * Streams whose decoder stops at an end marker, so bytes after it are invisible to it:
 * compressed streams, tar (after its zero blocks), cpio (after TRAILER!!!) and ar, whose
 * reader takes fewer than 60 bytes left (a truncated header, appended data) as a clean end.
 */
static int has_end(const struct rp_arch *a)
{
	return a->filter != RP_FILTER_NONE || a->kind == RP_ARCH_TAR || a->kind == RP_ARCH_CPIO ||
	       a->kind == RP_ARCH_AR || a->kind == RP_ARCH_DEB;
}

/*
 * A nested zip, read as a top-level one is: through its central directory, so spooled whole
 * first (to memory while the budget lasts, else to an unlinked temporary file). Its bytes
 * still come through parent_pull on sub, which hashes, counts, captures and spools them.
 */
static enum rp_status scan_nested_zip(struct scan *s, struct src *sub, const unsigned char *peek,
				      size_t plen, unsigned depth, const char *name,
				      const char *prefix, int spool, struct rp_arch **out)
{
	unsigned char *m = NULL;
	size_t len = 0, alloc = 0;
	uint64_t total = 0;
	struct src z;
	enum rp_status rc = RP_OK;
	la_ssize_t got = (la_ssize_t)plen;
	const unsigned char *chunk = peek;
	int fd = -1;

	for (;;) {
		size_t n = (size_t)got;
		/* s->zip_mem counts alloc: what the other levels hold is s->zip_mem - alloc */
		if (n && fd < 0 && len + n <= alloc) {
			memcpy(m + len, chunk, n);
			len += n;
		} else if (n && fd < 0 && n <= ZIP_MEM_MAX - (s->zip_mem - alloc) - len) {
			size_t a = alloc ? alloc : BLOCK, room = ZIP_MEM_MAX - (s->zip_mem - alloc);
			while (a < len + n)
				a *= 2;
			if (a > room)
				a = room;
			m = rp_xrealloc(m, a);
			s->zip_mem += a - alloc;
			alloc = a;
			memcpy(m + len, chunk, n);
			len += n;
		} else if (n) {
			int err;
			if (fd < 0) {
				rc = rp_tmpfile("zip", &fd, s->e);
				if (rc) {
					s->fatal = 1;
					goto out;
				}
				err = rp_write_all(fd, m, len);
				free(m);
				m = NULL;
				s->zip_mem -= alloc;
				alloc = len = 0;
				if (err) {
					rc = rp_err_sys(s->e, RP_EIO, err, "cannot write a temporary file");
					s->fatal = 1;
					goto out;
				}
			}
			err = rp_write_all(fd, chunk, n);
			if (err) {
				rc = rp_err_sys(s->e, RP_EIO, err, "cannot write a temporary file");
				s->fatal = 1;
				goto out;
			}
		}
		total += n;
		got = parent_pull(sub, sub->buf, BLOCK);
		if (got < 0) {
			rc = s->e->code ? s->e->code : RP_EINPUT;
			goto out;
		}
		if (got == 0)
			break;
		chunk = sub->buf;
	}
	if (fd >= 0 && lseek(fd, 0, SEEK_SET) < 0) {
		rc = rp_err_sys(s->e, RP_EIO, errno, "cannot read back a temporary file");
		s->fatal = 1;
		goto out;
	}
	memset(&z, 0, sizeof(z));
	z.s = s;
	z.fd = fd;
	z.mem = fd < 0 ? (m ? m : (const unsigned char *)"") : NULL;
	z.memlen = len;
	z.size = total;
	z.buf = rp_xmalloc(BLOCK);
	z.name = name;
	rc = scan_stream(s, &z, RP_ARCH_ZIP, RP_FILTER_NONE, depth, name, prefix, 1, spool, out);
	free(z.buf);
out:
	if (fd >= 0)
		close(fd);
	free(m);
	s->zip_mem -= alloc;
	return rc;
}

static int want_capture(const struct scan *s, const char *flat)
{
	size_t lo = 0, hi = s->o->ncapture;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->o->capture[mid], flat);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Read the content of the current member of a: peek at its first bytes, decode it as a
 * nested archive when its magic says so, and hash every byte either way.
 */
static enum rp_status scan_content(struct scan *s, struct archive *a, enum rp_arch_kind pkind,
				   struct rp_arch_entry *t, unsigned depth, const char *name,
				   const char *flat, int spool, const unsigned char *pre,
				   size_t prelen)
{
	unsigned char *peek = rp_xmalloc(PEEK), *buf = rp_xmalloc(BLOCK);
	struct rp_sha256 h;
	struct src sub;
	enum rp_arch_filter filter;
	enum rp_arch_kind kind;
	enum rp_status rc = RP_OK;
	size_t plen = 0;
	la_ssize_t got;
	int decode, tail_on = 0, tail_opaque = 0;
	unsigned char tail_nz = 0;
	uint64_t tail_n = 0;
	struct rp_sha256 th;
	char *mname = rp_xasprintf("%s!/%s", name, t->path);

	memset(&sub, 0, sizeof(sub));
	sub.s = s;
	sub.parent = a;
	sub.buf = buf;
	sub.h = &h;
	sub.name = mname;
	sub.fd = -1;
	rp_sha256_init(&h);
	if ((s->o->ncapture && want_capture(s, flat)) || (s->budget_on && s->budget))
		sub.cap_ent = t;
	if (prelen) {
		/* bytes the caller already pulled (and counted) to detect the format */
		memcpy(peek, pre, prelen);
		plen = prelen;
		rp_sha256_update(&h, pre, prelen);
		capture(s, sub.cap_ent, pre, prelen);
		sub.nbytes = prelen;
	}
	while (plen < PEEK) {
		got = parent_pull(&sub, peek + plen, PEEK - plen);
		if (got < 0) {
			rc = s->e->code ? s->e->code : RP_EINPUT;
			goto out;
		}
		if (got == 0)
			break;
		plen += (size_t)got;
	}
	kind = rp_arch_detect(peek, plen, &filter);
	decode = kind != RP_ARCH_NONE && depth + 1 < s->lim.max_depth;
	if (kind != RP_ARCH_NONE && !decode)
		t->note = rp_xasprintf("not decoded as %s (depth limit %u): compared as bytes",
				       filter ? rp_arch_filter_name(filter) : rp_arch_kind_name(kind),
				       s->lim.max_depth);
	/* a .deb's tarballs are rebuilt from their members, so only those are spooled */
	if (spool && !(decode && pkind == RP_ARCH_DEB)) {
		int err = rp_write_all(s->o->spool_fd, peek, plen);
		if (err) {
			rc = rp_err_sys(s->e, RP_EIO, err, "cannot write the spool file");
			s->fatal = 1;
			goto out;
		}
		t->spooled = 1;
		t->spool_off = s->spool_off;
		s->spool_off += plen;
		sub.spool = 1;
	}
	if (decode) {
		struct rp_arch *nested = NULL;
		/* a .deb's tarballs are rewritten by the normalizer: spool their members too */
		if (kind == RP_ARCH_ZIP && !filter) {
			rc = scan_nested_zip(s, &sub, peek, plen, depth + 1, mname, flat,
					     spool && pkind == RP_ARCH_DEB, &nested);
		} else {
			sub.peek = peek;
			sub.peek_len = plen;
			sub.ring = rp_xmalloc(RING);
			rc = scan_stream(s, &sub, kind, filter, depth + 1, mname, flat, 0,
					 spool && pkind == RP_ARCH_DEB, &nested);
		}
		if (rc) {
			if (s->fatal || pkind == RP_ARCH_DEB)
				goto out;
			/* Something that merely looks like an archive: compare it as bytes. */
			t->note = rp_xasprintf("not decoded as %s: %s",
					       filter ? rp_arch_filter_name(filter)
						      : rp_arch_kind_name(kind),
					       s->e->msg);
			rp_err_clear(s->e);
			rc = RP_OK;
		} else {
			t->sub = nested;
		}
		sub.peek_off = sub.peek_len;
	}
	/*
	 * Bytes after a compressed stream are ignored by decompressors, so they could hide
	 * anything: they join the canonical stream unless they are zero padding. Those libarchive
	 * read ahead are still in the ring; when more than the ring holds were read ahead, the
	 * member is compared as bytes.
	 */
	if (t->sub && has_end(t->sub) && t->sub->consumed < sub.delivered) {
		uint64_t lo = t->sub->consumed;
		if (sub.delivered - lo > RING) {
			tail_opaque = 1;
		} else {
			tail_on = 1;
			rp_sha256_init(&th);
			for (uint64_t p = lo; p < sub.delivered; p++) {
				unsigned char c = sub.ring[p % RING];
				tail_nz |= c;
				rp_sha256_update(&th, &c, 1);
			}
			tail_n = sub.delivered - lo;
		}
	} else if (t->sub && has_end(t->sub)) {
		tail_on = 1;
		rp_sha256_init(&th);
	}
	for (;;) {
		got = parent_pull(&sub, buf, BLOCK);
		if (got < 0) {
			rc = s->e->code ? s->e->code : RP_EINPUT;
			goto out;
		}
		if (got == 0)
			break;
		if (tail_on) {
			for (la_ssize_t k = 0; k < got; k++)
				tail_nz |= buf[k];
			rp_sha256_update(&th, buf, (size_t)got);
			tail_n += (uint64_t)got;
		}
	}
	if (tail_on) {
		unsigned char d[RP_SHA256_LEN];
		rp_sha256_final(&th, d);
		tail_on = 0;
		if (tail_nz) {
			t->sub->has_tail = 1;
			t->sub->tail_size = tail_n;
			memcpy(t->sub->tail_sha, d, RP_SHA256_LEN);
			finish_arch(t->sub);
		}
	}
	if (tail_opaque) {
		if (pkind == RP_ARCH_DEB) {
			rc = rp_errf(s->e, RP_EINPUT, "'%s': data after the compressed stream",
				     mname);
			goto out;
		}
		t->note = rp_xstrdup("data after the compressed stream: compared as bytes");
		rp_arch_free(t->sub);
		t->sub = NULL;
	}
	t->size = sub.nbytes;
	rp_sha256_final(&h, t->sha);
	if (t->sub)
		memcpy(t->csha, t->sub->canon_sha, RP_SHA256_LEN);
	else
		memcpy(t->csha, t->sha, RP_SHA256_LEN);
out:
	if (rc)
		rp_sha256_release(&h);
	if (tail_on)
		rp_sha256_release(&th);
	free(sub.ring);
	free(mname);
	free(peek);
	free(buf);
	return rc;
}

static void gzip_header(struct rp_arch *out, const struct src *r)
{
	const unsigned char *p = r->peek;

	if (!p || r->peek_len < 10) {
		if (r->mem && r->memlen >= 10)
			p = r->mem;
		else
			return;
	}
	out->gz_mtime = (int64_t)((uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
				  (uint32_t)p[7] << 24);
	out->gz_has_name = (p[3] & 0x08) != 0;
	out->gz_os = p[9];
}

static enum rp_status arch_error(struct scan *s, struct archive *a, const char *name,
				 const char *member)
{
	const char *m = archive_error_string(a);
	char buf[RP_ERR_MSG_MAX];
	const char *why = m ? rp_err_tidy(buf, sizeof(buf), m) : NULL;

	if (s->fatal)
		return s->e->code;
	if (member)
		return rp_errf(s->e, RP_EINPUT, "'%s': member '%s': %s", name, member,
			       why ? why : "corrupt archive");
	return rp_errf(s->e, RP_EINPUT, "'%s': %s", name, why ? why : "corrupt archive");
}

static enum rp_ent_type ae_type(struct archive_entry *ae)
{
	if (archive_entry_hardlink(ae))
		return RP_ENT_HARDLINK;
	switch (archive_entry_filetype(ae)) {
	case AE_IFDIR:
		return RP_ENT_DIR;
	case AE_IFLNK:
		return RP_ENT_SYMLINK;
	case AE_IFCHR:
		return RP_ENT_CHR;
	case AE_IFBLK:
		return RP_ENT_BLK;
	case AE_IFIFO:
		return RP_ENT_FIFO;
	case AE_IFSOCK:
		return RP_ENT_SOCK;
	default:
		return RP_ENT_FILE;
	}
}

static char *dupnull(const char *s)
{
	return s ? rp_xstrdup(s) : NULL;
}

static void fill_entry(struct scan *s, enum rp_arch_kind kind, struct rp_arch_entry *t,
		       struct archive_entry *ae);

/* A gzip stream decoded by gunzip.c (which checks every trailer) and read by libarchive. */
struct gzin {
	struct src *r;
	struct rp_gunzip *gz;
	const char *name;
};

static enum rp_status gz_pull(void *arg, const void **p, size_t *n)
{
	struct src *r = arg;
	la_ssize_t k = src_read(NULL, r, p);

	if (k < 0)
		return r->s->e->code ? r->s->e->code : RP_EIO; /* src_read said why */
	*n = (size_t)k;
	return RP_OK;
}

static la_ssize_t gz_read(struct archive *a, void *data, const void **buf)
{
	struct gzin *g = data;
	struct scan *s = g->r->s;
	struct rp_err ge = RP_ERR_INIT;
	enum rp_status rc;
	size_t n;

	rc = rp_gunzip_read(g->gz, buf, &n, &ge);
	if (rc == RP_OK)
		return (la_ssize_t)n;
	if (s->fatal)
		return ARCHIVE_FATAL;
	if (rc == RP_EINPUT && rp_gunzip_not_gzip(g->gz)) {
		/* merely looks like gzip: a nested member is then compared as bytes */
		archive_set_error(a, EILSEQ, "not a valid gzip stream (%s)", ge.msg);
		return ARCHIVE_FATAL;
	}
	/* a damaged stream, as a truncated one: no fallback may hide it */
	rp_errf(s->e, rc, "'%s': %s", g->name, ge.msg);
	s->fatal = 1;
	archive_set_error(a, EILSEQ, "%s", ge.msg);
	return ARCHIVE_FATAL;
}

/*
 * A compressed stream. The decompressor runs as its own libarchive reader (raw format) so it
 * always reaches the end of the compressed data, whatever the format reader inside does: the
 * bytes after the inner archive's end marker and after the compressed stream are then known
 * exactly, and join the canonical stream unless they are zero padding.
 */
static enum rp_status scan_filtered(struct scan *s, struct src *r, enum rp_arch_filter filter,
				    unsigned depth, const char *name, const char *prefix, int spool,
				    struct rp_arch **out)
{
	struct archive *outer = archive_read_new();
	struct archive_entry *ae;
	struct rp_arch *arch = NULL;
	unsigned char *peek = rp_xmalloc(PEEK), *buf = rp_xmalloc(BLOCK);
	enum rp_arch_filter f2;
	enum rp_arch_kind kind;
	enum rp_status rc = RP_OK;
	struct gzin gz = { r, NULL, name };
	struct src in;
	size_t plen = 0;
	la_ssize_t got;

	if (!outer)
		abort();
	memset(&in, 0, sizeof(in));
	in.s = s;
	in.fd = -1;
	in.parent = outer;
	in.buf = buf;
	in.name = name;
	switch (filter) {
	case RP_FILTER_GZIP:
		gz.gz = rp_gunzip_new(gz_pull, r);
		break;
	case RP_FILTER_XZ:
		archive_read_support_filter_xz(outer);
		break;
	case RP_FILTER_ZSTD:
		archive_read_support_filter_zstd(outer);
		break;
	case RP_FILTER_BZIP2:
		archive_read_support_filter_bzip2(outer);
		break;
	case RP_FILTER_NONE:
		break;
	}
	archive_read_support_format_raw(outer);
	if (gz.gz) {
		archive_read_set_callback_data(outer, &gz);
		archive_read_set_read_callback(outer, gz_read);
	} else {
		archive_read_set_callback_data(outer, r);
		archive_read_set_read_callback(outer, src_read);
	}
	if (archive_read_open1(outer) != ARCHIVE_OK ||
	    archive_read_next_header(outer, &ae) < ARCHIVE_WARN) {
		rc = arch_error(s, outer, name, NULL);
		goto out;
	}
	/* libarchive reads on without a filter when the header does not bid: not ours */
	if (!gz.gz && (archive_filter_count(outer) < 2 ||
		       archive_filter_code(outer, 0) == ARCHIVE_FILTER_NONE)) {
		rc = rp_errf(s->e, RP_EINPUT, "'%s': not a valid %s stream", name,
			     rp_arch_filter_name(filter));
		goto out;
	}
	while (plen < PEEK) {
		got = parent_pull(&in, peek + plen, PEEK - plen);
		if (got < 0) {
			rc = s->e->code ? s->e->code : RP_EINPUT;
			goto out;
		}
		if (got == 0)
			break;
		plen += (size_t)got;
	}
	kind = rp_arch_detect(peek, plen, &f2);
	if (kind == RP_ARCH_TAR || kind == RP_ARCH_CPIO) {
		unsigned char nz = 0, d[RP_SHA256_LEN];
		struct rp_sha256 th;
		uint64_t n = 0;

		in.peek = peek;
		in.peek_len = plen;
		in.ring = rp_xmalloc(RING);
		rc = scan_stream(s, &in, kind, RP_FILTER_NONE, depth, name, prefix, 0, spool, &arch);
		if (rc)
			goto out;
		rp_sha256_init(&th);
		if (in.delivered - arch->consumed > RING) {
			/* cannot happen with libarchive's read-ahead; refuse rather than guess */
			rp_sha256_release(&th);
			rc = rp_errf(s->e, RP_EINPUT, "'%s': cannot locate the end of the archive",
				     name);
			goto out;
		}
		for (uint64_t p = arch->consumed; p < in.delivered; p++) {
			unsigned char c = in.ring[p % RING];
			nz |= c;
			rp_sha256_update(&th, &c, 1);
			n++;
		}
		for (;;) {
			got = parent_pull(&in, buf, BLOCK);
			if (got < 0) {
				rp_sha256_release(&th);
				rc = s->e->code ? s->e->code : RP_EINPUT;
				goto out;
			}
			if (got == 0)
				break;
			for (la_ssize_t k = 0; k < got; k++)
				nz |= buf[k];
			rp_sha256_update(&th, buf, (size_t)got);
			n += (uint64_t)got;
		}
		rp_sha256_final(&th, d);
		if (nz) {
			arch->has_itail = 1;
			arch->itail_size = n;
			memcpy(arch->itail_sha, d, RP_SHA256_LEN);
		}
	} else {
		struct rp_arch_entry *t;
		char *flat;

		arch = arch_new(RP_ARCH_RAW, filter);
		arch_grow(arch);
		t = &arch->ents[arch->n++];
		t->path = rp_xstrdup("data");
		fill_entry(s, RP_ARCH_RAW, t, ae);
		t->type = RP_ENT_FILE;
		t->link = NULL;
		s->nents++;
		flat = prefix ? rp_xasprintf("%s!/data", prefix) : rp_xstrdup("data");
		rc = scan_content(s, outer, RP_ARCH_RAW, t, depth, name, flat, spool, peek, plen);
		free(flat);
		if (rc)
			goto out;
	}
	arch->filter = filter;
	if (gz.gz) {
		gzip_header(arch, r);
		arch->gz_members = rp_gunzip_members(gz.gz);
		arch->consumed = rp_gunzip_consumed(gz.gz);
	} else {
		arch->consumed = (uint64_t)archive_filter_bytes(outer, -1);
	}
	finish_arch(arch);
out:
	archive_read_free(outer);
	rp_gunzip_free(gz.gz);
	free(in.ring);
	free(peek);
	free(buf);
	if (rc) {
		rp_arch_free(arch);
		return rc;
	}
	*out = arch;
	return RP_OK;
}

/*
 * Header warnings. libarchive's readers return ARCHIVE_WARN both for a name it could not
 * convert to the locale's charset (it then keeps the bytes as stored: harmless) and for
 * header data it ignored or could not interpret: a malformed or oversized pax record
 * ("Ignoring malformed pax extended attributes" skips the whole record, path and size
 * included), "Too many special headers", a negative size, an unknown GNU sparse format,
 * unparsable ACLs or SUN.holesdata, zip local headers disagreeing with the central
 * directory. Another tar may honour what libarchive skipped, so a stream with such a
 * header would be compared as something it is not: only conversion warnings pass.
 */
static int benign_warning(struct archive *a)
{
	const char *m = archive_error_string(a);

	return m && strstr(m, " be converted from ") != NULL;
}

static enum rp_status header_warning(struct scan *s, struct archive *a,
				     struct archive_entry *ae, const char *name, size_t idx)
{
	const char *p = archive_entry_pathname(ae);
	char why[RP_ERR_MSG_MAX];

	rp_err_tidy(why, sizeof(why), archive_error_string(a));
	if (s->fatal)
		return s->e->code;
	if (p)
		return rp_errf(s->e, RP_EINPUT, "'%s': member %zu ('%s'): malformed header: %s",
			       name, idx + 1, p, *why ? why : "warning");
	return rp_errf(s->e, RP_EINPUT, "'%s': member %zu: malformed header: %s", name,
		       idx + 1, *why ? why : "warning");
}

/*
 * Local headers and central directory must agree before libarchive reads the zip through
 * the directory alone: a disagreement is refused at any depth (never compared as bytes),
 * since the zip decodes fine for one kind of reader. Bytes with no end record at all are
 * left to libarchive, which fails on them as well.
 */
static enum rp_status zip_layout(struct scan *s, const struct src *r, const char *name)
{
	struct rp_zip_src z = { r->fd, r->mem, r->mem ? r->memlen : r->size };
	enum rp_status rc;
	int no_end = 0;

	rc = rp_zip_check(&z, name, s->lim.max_entries, &no_end, s->e);
	if (rc == RP_EINPUT && no_end) {
		rp_err_clear(s->e);
		return RP_OK;
	}
	if (rc)
		s->fatal = 1;
	return rc;
}

/* A tar number field: octal, or base-256 when the high bit of its first byte is set. */
static uint64_t tar_number(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	if (p[0] & 0x80) {
		if (p[0] & 0x40)
			return UINT64_MAX; /* negative */
		v = p[0] & 0x3f;
		for (size_t i = 1; i < n; i++) {
			if (v >> 55)
				return UINT64_MAX;
			v = v << 8 | p[i];
		}
		return v;
	}
	for (size_t i = 0; i < n && (p[i] == ' ' || (p[i] >= '0' && p[i] <= '7')); i++) {
		if (p[i] == ' ')
			continue;
		if (v >> 60)
			return UINT64_MAX;
		v = v << 3 | (uint64_t)(p[i] - '0');
	}
	return v;
}

/* One name source of a tar member: a GNU long-name header or a pax record. */
struct tar_name {
	const char *what;
	const unsigned char *v;
	size_t len;
};

/* A second source for the same name must agree with the first: readers pick differently. */
static enum rp_status tar_name_add(struct scan *s, struct tar_name *first, const char *what,
				   const unsigned char *v, size_t len, const char *name,
				   size_t idx, const char *field)
{
	char *a, *b;
	enum rp_status rc;

	if (!first->what) {
		first->what = what;
		first->v = v;
		first->len = len;
		return RP_OK;
	}
	if (first->len == len && memcmp(first->v, v, len) == 0)
		return RP_OK;
	a = rp_xstrndup((const char *)first->v, first->len);
	b = rp_xstrndup((const char *)v, len);
	rc = rp_errf(s->e, RP_EINPUT,
		     "'%s': member %zu: conflicting %s: '%s' (%s) and '%s' (%s); tar "
		     "implementations pick different ones",
		     name, idx + 1, field, a, first->what, b, what);
	free(a);
	free(b);
	return rc;
}

/*
 * The special headers libarchive read before member idx, in [hp, hp + len) of the stream:
 * - a pax global header ('g') that sets path, linkpath, size or GNU sparse data: GNU tar
 *   and Python apply it to the members that follow, libarchive ignores it;
 * - two name (or link) sources that disagree: a GNU long name ('L') or long link ('K'), pax
 *   path/linkpath/GNU.sparse.name records, repeated headers. libarchive lets the first
 *   header win, GNU tar lets pax records win, so each names the data differently.
 */
static enum rp_status tar_chain(struct scan *s, const unsigned char *c, size_t len,
				uint64_t hp, const char *name, size_t idx)
{
	struct tar_name nm = { NULL, NULL, 0 }, ln = { NULL, NULL, 0 };
	size_t off = 0;
	enum rp_status rc = RP_OK;

	while (off + 512 <= len && !rc) {
		const unsigned char *h = c + off, *body = h + 512;
		unsigned char type = h[156];
		uint64_t size = tar_number(h + 124, 12);
		size_t blen;

		if (!strchr("gxXLKAV", type) || !type)
			break; /* the member's own header */
		blen = size < len - off - 512 ? (size_t)size : len - off - 512;
		if (type == 'L' || type == 'K') {
			const unsigned char *z = memchr(body, '\0', blen);
			size_t n = z ? (size_t)(z - body) : blen;
			rc = type == 'L' ? tar_name_add(s, &nm, "GNU long name", body, n, name, idx,
							"names")
					 : tar_name_add(s, &ln, "GNU long link", body, n, name, idx,
							"link targets");
		} else if (type == 'g' || type == 'x' || type == 'X') {
			size_t at = 0;
			while (at < blen && !rc) {
				size_t rl = 0, k = at, klen;
				const unsigned char *key, *eq, *val;
				while (k < blen && body[k] >= '0' && body[k] <= '9' && rl < blen)
					rl = rl * 10 + (size_t)(body[k++] - '0');
				if (k >= blen || body[k] != ' ' || rl <= k - at || rl > blen - at)
					break; /* libarchive refuses malformed records itself */
				key = body + k + 1;
				eq = memchr(key, '=', (size_t)(body + at + rl - key));
				if (!eq)
					break;
				klen = (size_t)(eq - key);
				val = eq + 1;
				at += rl;
#define KEY(lit) (klen == sizeof(lit) - 1 && memcmp(key, lit, klen) == 0)
				if (type == 'g' && (KEY("path") || KEY("linkpath") || KEY("size") ||
						    (klen >= 11 && memcmp(key, "GNU.sparse.", 11) == 0))) {
					rc = rp_errf(s->e, RP_EINPUT,
						     "'%s': pax global header at offset %llu sets "
						     "'%.*s', which tar implementations apply differently",
						     name, (unsigned long long)(hp + off), (int)klen,
						     (const char *)key);
				} else if (type != 'g' && (KEY("path") || KEY("GNU.sparse.name"))) {
					rc = tar_name_add(s, &nm, "pax path", val,
							  (size_t)(body + at - 1 - val), name, idx,
							  "names");
				} else if (type != 'g' && KEY("linkpath")) {
					rc = tar_name_add(s, &ln, "pax linkpath", val,
							  (size_t)(body + at - 1 - val), name, idx,
							  "link targets");
				}
#undef KEY
			}
		}
		if (size > len - off - 512)
			break;
		off += 512 + (size_t)((size + 511) & ~(uint64_t)511);
	}
	if (rc)
		s->fatal = 1;
	return rc;
}

/* Check the special headers libarchive consumed with this member's header, if any. */
static enum rp_status tar_specials(struct scan *s, const struct src *r, struct archive *a,
				   const char *name, size_t idx)
{
	uint64_t hp = (uint64_t)archive_read_header_position(a);
	uint64_t end = (uint64_t)archive_filter_bytes(a, -1);
	unsigned char *c;
	size_t len;
	enum rp_status rc;

	if (end <= hp + 512)
		return RP_OK; /* one plain header: nothing to reconcile */
	if (!r->ring || r->delivered < end || r->delivered - hp > RING) {
		s->fatal = 1;
		return rp_errf(s->e, RP_EINPUT,
			       "'%s': member %zu: special headers at offset %llu are larger than "
			       "the %u KiB that can be checked",
			       name, idx + 1, (unsigned long long)hp, RING / 1024);
	}
	len = (size_t)(end - hp);
	c = rp_xmalloc(len);
	for (size_t i = 0; i < len; i++)
		c[i] = r->ring[(hp + i) % RING];
	rc = tar_chain(s, c, len, hp, name, idx);
	free(c);
	return rc;
}

static enum rp_status scan_stream(struct scan *s, struct src *r, enum rp_arch_kind kind,
				  enum rp_arch_filter filter, unsigned depth, const char *name,
				  const char *prefix, int seekable, int spool, struct rp_arch **out)
{
	struct rp_arch *arch = arch_new(kind, filter);
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	enum rp_status rc = RP_OK;
	int ar, own_ring = 0;

	if (!a)
		abort();
	if (filter != RP_FILTER_NONE) {
		archive_read_free(a);
		rp_arch_free(arch);
		return scan_filtered(s, r, filter, depth, name, prefix, spool, out);
	}
	switch (kind) {
	case RP_ARCH_TAR:
		archive_read_support_format_tar(a);
		/* tar_specials reads the special headers back from the ring */
		if (!r->ring) {
			r->ring = rp_xmalloc(RING);
			own_ring = 1;
		}
		break;
	case RP_ARCH_ZIP:
		if (!seekable) {
			rc = RP_BUG(s->e, "zip read from a stream");
			goto out;
		}
		rc = zip_layout(s, r, name);
		if (rc)
			goto out;
		archive_read_support_format_zip_seekable(a);
		break;
	case RP_ARCH_AR:
	case RP_ARCH_DEB:
		archive_read_support_format_ar(a);
		break;
	case RP_ARCH_CPIO:
		archive_read_support_format_cpio(a);
		break;
	case RP_ARCH_RAW:
	case RP_ARCH_NONE:
	case RP_ARCH_DIR:
		rc = RP_BUG(s->e, "scan_stream on a non-archive");
		goto out;
	}
	archive_read_set_callback_data(a, r);
	archive_read_set_read_callback(a, src_read);
	if (seekable)
		archive_read_set_seek_callback(a, src_seek);
	if (archive_read_open1(a) != ARCHIVE_OK) {
		rc = arch_error(s, a, name, NULL);
		goto out;
	}
	for (size_t idx = 0;; idx++) {
		struct rp_arch_entry *t;
		const char *p;
		char *flat;

		ar = archive_read_next_header(a, &ae);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar < ARCHIVE_WARN) {
			rc = arch_error(s, a, name, NULL);
			goto out;
		}
		if (ar == ARCHIVE_WARN && !benign_warning(a)) {
			rc = header_warning(s, a, ae, name, idx);
			goto out;
		}
		if (kind == RP_ARCH_TAR) {
			rc = tar_specials(s, r, a, name, idx);
			if (rc)
				goto out;
		}
		if (++s->nents > s->lim.max_entries) {
			rc = rp_errf(s->e, RP_EINPUT, "'%s': more than %zu members", name,
				     s->lim.max_entries);
			s->fatal = 1;
			goto out;
		}
		arch_grow(arch);
		t = &arch->ents[arch->n++];
		t->index = idx;
		p = archive_entry_pathname(ae);
		if (!p)
			p = archive_entry_pathname_utf8(ae);
		if (!p) {
			/* an empty stand-in would let two different names compare equal */
			rc = rp_errf(s->e, RP_EINPUT, "'%s': member %zu: its name cannot be read",
				     name, idx + 1);
			goto out;
		}
		t->path = rp_xstrdup(p);
		fill_entry(s, arch->kind, t, ae);
		/* never extracted, but a careless extractor would: say so in reports */
		if (t->type == RP_ENT_SYMLINK)
			t->unsafe = (int)rp_path_check_link(t->path, t->link);
		else
			t->unsafe = (int)rp_path_check(t->path);
		if (!t->unsafe && t->type == RP_ENT_HARDLINK)
			t->unsafe = (int)rp_path_check(t->link);
		flat = prefix ? rp_xasprintf("%s!/%s", prefix, t->path) : rp_xstrdup(t->path);
		if (t->type == RP_ENT_FILE || t->type == RP_ENT_HARDLINK)
			rc = scan_content(s, a, arch->kind, t, depth, name, flat, spool, NULL, 0);
		else {
			rp_sha256("", 0, t->sha);
			memcpy(t->csha, t->sha, RP_SHA256_LEN);
		}
		free(flat);
		if (rc)
			goto out;
	}
	arch->la_format = archive_format(a);
	arch->consumed = (uint64_t)archive_filter_bytes(a, -1);
	finish_arch(arch);
out:
	archive_read_free(a);
	if (own_ring) {
		free(r->ring);
		r->ring = NULL;
	}
	if (rc) {
		rp_arch_free(arch);
		return rc;
	}
	*out = arch;
	return RP_OK;
}

static void fill_entry(struct scan *s, enum rp_arch_kind kind, struct rp_arch_entry *t,
		       struct archive_entry *ae)
{
		t->type = ae_type(ae);
		if (t->type == RP_ENT_HARDLINK)
			t->link = dupnull(archive_entry_hardlink(ae));
		else if (t->type == RP_ENT_SYMLINK)
			t->link = dupnull(archive_entry_symlink(ae));
		t->mode = archive_entry_perm(ae) & 07777;
		t->mtime = archive_entry_mtime_is_set(ae) ? (int64_t)archive_entry_mtime(ae) : 0;
		t->uid = archive_entry_uid(ae);
		t->gid = archive_entry_gid(ae);
		t->uname = dupnull(archive_entry_uname(ae));
		t->gname = dupnull(archive_entry_gname(ae));
		t->rdev = (uint64_t)archive_entry_rdev(ae);
		/* libarchive's zip reader marks absent times as set, with value 0 */
		if (archive_entry_atime_is_set(ae) && archive_entry_atime(ae))
			t->dropped |= RP_DROP_ATIME;
		if (archive_entry_ctime_is_set(ae) && archive_entry_ctime(ae))
			t->dropped |= RP_DROP_CTIME;
		if (archive_entry_birthtime_is_set(ae) && archive_entry_birthtime(ae))
			t->dropped |= RP_DROP_BIRTHTIME;
		if (archive_entry_xattr_count(ae) > 0)
			t->dropped |= RP_DROP_XATTR;
		if (archive_entry_acl_count(ae, ARCHIVE_ENTRY_ACL_TYPE_NFS4 |
						    ARCHIVE_ENTRY_ACL_TYPE_POSIX1E) > 0)
			t->dropped |= RP_DROP_ACL;
		normalize_entry(s, kind, t);
}

static void scan_init(struct scan *s, const struct rp_arch_opts *o, struct rp_err *e)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	s->e = e;
	s->lim = o->lim;
	if (!s->lim.max_total)
		s->lim.max_total = RP_ARCH_DEF_MAX_TOTAL;
	if (!s->lim.max_ratio)
		s->lim.max_ratio = RP_ARCH_DEF_MAX_RATIO;
	if (!s->lim.ratio_floor)
		s->lim.ratio_floor = RP_ARCH_DEF_RATIO_FLOOR;
	if (!s->lim.max_depth)
		s->lim.max_depth = RP_ARCH_DEF_MAX_DEPTH;
	if (!s->lim.max_entries)
		s->lim.max_entries = RP_ARCH_DEF_MAX_ENTRIES;
	if (!s->lim.capture_max)
		s->lim.capture_max = RP_ARCH_DEF_CAPTURE;
	s->started = time(NULL);
	s->budget_on = o->capture_budget != 0;
	s->budget = o->capture_budget;
}

/* Decode one file (fd or buffer source) as a top-level input: detect, then decode. */
static enum rp_status scan_top(struct scan *s, struct src *r, const unsigned char *head,
			       size_t hlen, const char *prefix, struct rp_arch **out)
{
	enum rp_arch_filter filter;
	enum rp_arch_kind kind = rp_arch_detect(head, hlen, &filter);
	struct rp_arch *a;
	enum rp_status rc;

	if (kind == RP_ARCH_NONE) {
		a = arch_new(RP_ARCH_NONE, RP_FILTER_NONE);
		a->format_name = rp_xstrdup("file");
		*out = a;
		return RP_OK;
	}
	r->peek = head;
	r->peek_len = hlen;
	r->peek_off = 0;
	rc = scan_stream(s, r, kind, filter, 0, r->name, prefix, kind == RP_ARCH_ZIP,
			 s->o->spool_on && !prefix, &a);
	if (rc)
		return rc;
	a->format_name = rp_xstrdup(rp_arch_kind_name(a->kind));
	*out = a;
	return RP_OK;
}

/* Bytes after a top-level compressed stream: hashed into the canonical stream unless zero. */
static enum rp_status file_tail(struct scan *s, int fd, const char *path, struct rp_arch *a,
				uint64_t size)
{
	unsigned char *buf = rp_xmalloc(BLOCK), nz = 0;
	struct rp_sha256 th;
	uint64_t off = a->consumed;

	rp_sha256_init(&th);
	while (off < size) {
		ssize_t n = pread(fd, buf, BLOCK, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;
			rp_sha256_release(&th);
			free(buf);
			return rp_err_sys(s->e, RP_EIO, err, "cannot read '%s'", path);
		}
		for (ssize_t k = 0; k < n; k++)
			nz |= buf[k];
		rp_sha256_update(&th, buf, (size_t)n);
		off += (uint64_t)n;
	}
	rp_sha256_final(&th, a->tail_sha);
	free(buf);
	if (nz) {
		a->has_tail = 1;
		a->tail_size = size - a->consumed;
		finish_arch(a);
	}
	return RP_OK;
}

static enum rp_status scan_fd(struct scan *s, int fd, const char *path, const char *prefix,
			      struct rp_arch **out)
{
	unsigned char *head = rp_xmalloc(PEEK), *buf = rp_xmalloc(BLOCK);
	unsigned char sha[RP_SHA256_LEN];
	struct rp_arch *a = NULL;
	struct src r;
	enum rp_status rc;
	uint64_t size = 0;
	ssize_t n = 0;
	size_t hlen = 0;

	/* The raw digest first: the zip reader seeks, so the decode pass cannot hash. */
	rc = rp_hash_fd(fd, path, sha, &size, s->e);
	if (rc)
		goto out;
	if (lseek(fd, 0, SEEK_SET) < 0) {
		rc = rp_err_sys(s->e, RP_EIO, errno, "cannot seek '%s'", path);
		goto out;
	}
	s->input += size;
	while (hlen < PEEK) {
		n = read(fd, head + hlen, PEEK - hlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		hlen += (size_t)n;
	}
	if (n < 0) {
		rc = rp_err_sys(s->e, RP_EIO, errno, "cannot read '%s'", path);
		goto out;
	}
	memset(&r, 0, sizeof(r));
	r.s = s;
	r.fd = fd;
	r.buf = buf;
	r.name = path;
	r.size = size;
	rc = scan_top(s, &r, head, hlen, prefix, &a);
	if (rc)
		goto out;
	if (has_end(a) && a->consumed < size) {
		rc = file_tail(s, fd, path, a, size);
		if (rc) {
			rp_arch_free(a);
			goto out;
		}
	}
	a->raw_size = size;
	memcpy(a->raw_sha, sha, RP_SHA256_LEN);
	if (a->kind == RP_ARCH_NONE)
		finish_arch(a); /* its canonical stream is its content digest */
	*out = a;
out:
	free(head);
	free(buf);
	return rc;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Add every entry below dir (relative name rel, "" at the top) to out; sorted per level. */
static enum rp_status walk_dir(struct scan *s, const char *dir, const char *rel,
			       struct rp_arch *out, unsigned level)
{
	char **names = NULL;
	size_t nn = 0, na = 0;
	struct dirent *d;
	enum rp_status rc = RP_OK;
	DIR *dp;

	if (level > 64)
		return rp_errf(s->e, RP_EINPUT, "'%s': directories nested too deep", dir);
	dp = opendir(dir);
	if (!dp)
		return rp_err_sys(s->e, RP_EIO, errno, "cannot open directory '%s'", dir);
	for (;;) {
		errno = 0;
		d = readdir(dp);
		if (!d)
			break;
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (nn == na) {
			na = na ? 2 * na : 32;
			names = rp_xreallocarray(names, na, sizeof(*names));
		}
		names[nn++] = rp_xstrdup(d->d_name);
	}
	if (errno) {
		rc = rp_err_sys(s->e, RP_EIO, errno, "cannot read directory '%s'", dir);
		closedir(dp);
		goto out;
	}
	closedir(dp);
	qsort(names, nn, sizeof(*names), cmp_str);
	for (size_t i = 0; i < nn && !rc; i++) {
		char *full = rp_xasprintf("%s/%s", dir, names[i]);
		char *r = *rel ? rp_xasprintf("%s/%s", rel, names[i]) : rp_xstrdup(names[i]);
		struct rp_arch_entry *t;
		struct stat st;

		if (lstat(full, &st) < 0) {
			rc = rp_err_sys(s->e, RP_EIO, errno, "cannot stat '%s'", full);
			goto next;
		}
		if (++s->nents > s->lim.max_entries) {
			rc = rp_errf(s->e, RP_EINPUT, "'%s': more than %zu entries", dir,
				     s->lim.max_entries);
			goto next;
		}
		arch_grow(out);
		t = &out->ents[out->n++];
		t->index = out->n - 1;
		t->mode = st.st_mode & 07777;
		t->mtime = st.st_mtime;
		t->uid = st.st_uid;
		t->gid = st.st_gid;
		if (S_ISDIR(st.st_mode)) {
			t->type = RP_ENT_DIR;
			t->path = rp_xasprintf("%s/", r);
		} else {
			t->path = rp_xstrdup(r);
			t->type = S_ISLNK(st.st_mode)	? RP_ENT_SYMLINK
				  : S_ISCHR(st.st_mode) ? RP_ENT_CHR
				  : S_ISBLK(st.st_mode) ? RP_ENT_BLK
				  : S_ISFIFO(st.st_mode) ? RP_ENT_FIFO
				  : S_ISSOCK(st.st_mode) ? RP_ENT_SOCK
							 : RP_ENT_FILE;
		}
		normalize_entry(s, RP_ARCH_DIR, t);
		rp_sha256("", 0, t->sha);
		memcpy(t->csha, t->sha, RP_SHA256_LEN);
		if (t->type == RP_ENT_SYMLINK) {
			char tgt[4096];
			ssize_t k = readlink(full, tgt, sizeof(tgt) - 1);
			if (k < 0) {
				rc = rp_err_sys(s->e, RP_EIO, errno, "cannot read link '%s'", full);
				goto next;
			}
			tgt[k] = '\0';
			t->link = rp_xstrdup(tgt);
		} else if (t->type == RP_ENT_FILE) {
			struct rp_arch *sub = NULL;
			int fd;
			size_t idx = out->n - 1;
			rc = rp_open_ro(full, RP_OPEN_NOFOLLOW, &fd, s->e);
			if (rc)
				goto next;
			rc = scan_fd(s, fd, full, r, &sub);
			close(fd);
			if (rc == RP_EINPUT && !s->fatal) {
				/*
				 * A file in a tree that looks like an archive but does not decode
				 * is compared as bytes, as a nested member would be.
				 */
				char *why = rp_xstrdup(s->e->msg);
				rp_err_clear(s->e);
				sub = arch_new(RP_ARCH_NONE, RP_FILTER_NONE);
				rc = rp_hash_path(full, sub->raw_sha, &sub->raw_size, s->e);
				if (rc) {
					free(why);
					rp_arch_free(sub);
					goto next;
				}
				out->ents[idx].note = rp_xasprintf("not decoded: %s", why);
				free(why);
			}
			if (rc)
				goto next;
			t = &out->ents[idx];
			t->size = sub->raw_size;
			memcpy(t->sha, sub->raw_sha, RP_SHA256_LEN);
			if (((s->o->ncapture && want_capture(s, r)) || (s->budget_on && s->budget)) &&
			    sub->kind == RP_ARCH_NONE) {
				/* plain files in a tree: read the head for the diff details */
				int cfd;
				if (rp_open_ro(full, RP_OPEN_NOFOLLOW, &cfd, NULL) == RP_OK) {
					unsigned char *b = rp_xmalloc(BLOCK);
					ssize_t k;
					while (t->cap_len < s->lim.capture_max) {
						k = read(cfd, b, BLOCK);
						if (k <= 0)
							break;
						capture(s, t, b, (size_t)k);
					}
					close(cfd);
					free(b);
				}
			}
			if (sub->kind == RP_ARCH_NONE) {
				memcpy(t->csha, t->sha, RP_SHA256_LEN);
				rp_arch_free(sub);
			} else {
				memcpy(t->csha, sub->canon_sha, RP_SHA256_LEN);
				t->sub = sub;
			}
		}
		if (t->type == RP_ENT_DIR) {
			rc = walk_dir(s, full, r, out, level + 1);
		}
next:
		free(full);
		free(r);
	}
out:
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return rc;
}

/*
 * reprove runs in the C locale, where libarchive fails to convert every non-ASCII UTF-8
 * name (pax, zip): tar keeps the stored bytes with a warning, zip returns no name at all,
 * the pax and zip writers refuse it. Under a UTF-8 thread locale UTF-8 converts to itself.
 */
void rp_arch_locale_enter(struct rp_arch_locale *l)
{
	l->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	l->old = l->utf8 ? uselocale(l->utf8) : (locale_t)0;
}

void rp_arch_locale_leave(struct rp_arch_locale *l)
{
	if (!l->utf8)
		return;
	uselocale(l->old);
	freelocale(l->utf8);
	l->utf8 = (locale_t)0;
}

static enum rp_status scan_path(const char *path, const struct rp_arch_opts *o,
				struct rp_arch **out, struct rp_err *e)
{
	struct scan s;
	struct stat st;
	enum rp_status rc;
	int fd;

	scan_init(&s, o, e);
	if (stat(path, &st) < 0)
		return rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", path);
	if (S_ISDIR(st.st_mode)) {
		struct rp_arch *a = arch_new(RP_ARCH_DIR, RP_FILTER_NONE);
		a->format_name = rp_xstrdup("directory");
		rc = walk_dir(&s, path, "", a, 0);
		if (rc) {
			rp_arch_free(a);
			return rc;
		}
		finish_arch(a);
		*out = a;
		return RP_OK;
	}
	rc = rp_open_ro(path, 0, &fd, e);
	if (rc)
		return rc;
	rc = scan_fd(&s, fd, path, NULL, out);
	close(fd);
	return rc;
}

enum rp_status rp_arch_scan_path(const char *path, const struct rp_arch_opts *o,
				 struct rp_arch **out, struct rp_err *e)
{
	struct rp_arch_locale l;
	enum rp_status rc;

	rp_arch_locale_enter(&l);
	rc = scan_path(path, o, out, e);
	rp_arch_locale_leave(&l);
	return rc;
}

static enum rp_status scan_mem(const void *p, size_t n, const char *name,
			       const struct rp_arch_opts *o, struct rp_arch **out,
			       struct rp_err *e)
{
	unsigned char *buf = rp_xmalloc(BLOCK);
	struct rp_arch *a = NULL;
	struct scan s;
	struct src r;
	enum rp_status rc;

	scan_init(&s, o, e);
	s.input = n;
	memset(&r, 0, sizeof(r));
	r.s = &s;
	r.fd = -1;
	r.mem = p;
	r.memlen = n;
	r.buf = buf;
	r.name = name;
	/* the buffer's head is its own peek; reads continue after it */
	r.mempos = n < PEEK ? n : PEEK;
	rc = scan_top(&s, &r, p, n < PEEK ? n : PEEK, NULL, &a);
	if (rc == RP_OK && has_end(a) && a->consumed < n) {
		const unsigned char *t = (const unsigned char *)p + a->consumed;
		size_t tn = n - (size_t)a->consumed;
		unsigned char nz = 0;
		for (size_t k = 0; k < tn; k++)
			nz |= t[k];
		if (nz) {
			a->has_tail = 1;
			a->tail_size = tn;
			rp_sha256(t, tn, a->tail_sha);
			finish_arch(a);
		}
	}
	if (rc == RP_OK) {
		a->raw_size = n;
		rp_sha256(p, n, a->raw_sha);
		if (a->kind == RP_ARCH_NONE)
			finish_arch(a);
		*out = a;
	}
	free(buf);
	return rc;
}

enum rp_status rp_arch_scan_mem(const void *p, size_t n, const char *name,
				const struct rp_arch_opts *o, struct rp_arch **out,
				struct rp_err *e)
{
	struct rp_arch_locale l;
	enum rp_status rc;

	rp_arch_locale_enter(&l);
	rc = scan_mem(p, n, name, o, out, e);
	rp_arch_locale_leave(&l);
	return rc;
}

static void flatten(const struct rp_arch *a, const char *prefix, unsigned depth,
		    struct rp_arch_flat **out, size_t *n, size_t *alloc)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct rp_arch_entry *t = &a->ents[i];
		struct rp_arch_flat *f;

		if (*n == *alloc) {
			*alloc = *alloc ? 2 * *alloc : 64;
			*out = rp_xreallocarray(*out, *alloc, sizeof(**out));
		}
		f = &(*out)[(*n)++];
		f->path = prefix ? rp_xasprintf("%s!/%s", prefix, t->path) : rp_xstrdup(t->path);
		f->ent = t;
		f->parent = a;
		f->depth = depth;
		if (t->sub)
			flatten(t->sub, f->path, depth + 1, out, n, alloc);
	}
}

void rp_arch_flatten(const struct rp_arch *a, struct rp_arch_flat **out, size_t *n)
{
	size_t alloc = 0;

	*out = NULL;
	*n = 0;
	flatten(a, NULL, 0, out, n, &alloc);
}

void rp_arch_flat_free(struct rp_arch_flat *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].path);
	free(f);
}
