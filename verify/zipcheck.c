/*
 * Zip layout check (zipcheck.h): the central directory and the local headers must describe
 * the same members, laid end to end with no byte left over. libarchive's seekable reader
 * reads what the central directory lists and only warns about a few local fields, so a
 * member hidden between entries, or a local header naming another file, would otherwise
 * pass unseen while a streaming reader extracts it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "zipcheck.h"

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_DESC 0x08074b50u
#define SIG_END 0x06054b50u
#define SIG_END64 0x06064b50u
#define SIG_LOC64 0x07064b50u
#define WIN (256 * 1024) /* > 46 + 3 * 65535: one whole central directory record */
#define FLAG_ENCRYPTED 0x0001u
#define FLAG_DESCRIPTOR 0x0008u

struct zent {
	uint64_t off, csize, usize;
	uint32_t crc;
	unsigned flags, method;
	size_t index; /* position in the central directory */
	char *name;   /* NUL-terminated copy (names holding NUL bytes compare by nlen) */
	size_t nlen;
};

/* A window over the file, so that walking records costs one pread per WIN bytes. */
struct zwin {
	const struct rp_zip_src *z;
	unsigned char *buf;
	uint64_t off;
	size_t len;
};

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Point *p at n (<= WIN) bytes at off: 0, -1 when they lie past the end, or an errno. */
static int zget(struct zwin *w, uint64_t off, size_t n, const unsigned char **p)
{
	const struct rp_zip_src *z = w->z;
	size_t want, got = 0;

	if (off > z->size || n > z->size - off)
		return -1;
	if (z->mem) {
		*p = z->mem + off;
		return 0;
	}
	if (w->len && off >= w->off && off + n <= w->off + w->len) {
		*p = w->buf + (off - w->off);
		return 0;
	}
	want = z->size - off < WIN ? (size_t)(z->size - off) : WIN;
	w->len = 0;
	while (got < want) {
		ssize_t k = pread(z->fd, w->buf + got, want - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return errno;
		if (k == 0)
			return EIO; /* the file shrank while we read it */
		got += (size_t)k;
	}
	w->off = off;
	w->len = want;
	*p = w->buf;
	return 0;
}

static enum rp_status get_err(struct rp_err *e, const char *name, int r, uint64_t off,
			      const char *what)
{
	if (r > 0)
		return rp_err_sys(e, RP_EIO, r, "cannot read '%s'", name);
	return rp_errf(e, RP_EINPUT, "'%s': %s at offset %llu runs past the end of the file",
		       name, what, (unsigned long long)off);
}

/*
 * The zip64 extended information extra field (id 1): its values replace, in this order,
 * the fields whose 32-bit value is 0xffffffff (APPNOTE 4.5.3). 0, or -1 when it is missing
 * or too short.
 */
static int zip64_extra(const unsigned char *x, size_t xlen, uint64_t *usize, uint64_t *csize,
		       uint64_t *off)
{
	uint64_t *want[3] = { usize, csize, off };

	while (xlen >= 4) {
		unsigned id = le16(x), len = le16(x + 2);
		size_t at = 4;
		if (len > xlen - 4)
			return -1;
		if (id == 1) {
			for (int i = 0; i < 3; i++) {
				if (!want[i] || *want[i] != 0xffffffffu)
					continue;
				if (at + 8 > 4 + (size_t)len)
					return -1;
				*want[i] = le64(x + at);
				at += 8;
			}
			return 0;
		}
		x += 4 + len;
		xlen -= 4 + (size_t)len;
	}
	return (usize && *usize == 0xffffffffu) || (csize && *csize == 0xffffffffu) ||
			       (off && *off == 0xffffffffu)
		       ? -1
		       : 0;
}

static int cmp_off(const void *x, const void *y)
{
	const struct zent *a = x, *b = y;

	if (a->off != b->off)
		return a->off < b->off ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Bytes [from, to) belong to no listed member: name what is there. */
static enum rp_status hidden(struct zwin *w, const char *name, uint64_t from, uint64_t to,
			     struct rp_err *e)
{
	const unsigned char *p;

	if (to - from >= 30 && zget(w, from, 30, &p) == 0 && le32(p) == SIG_LOCAL) {
		size_t nlen = le16(p + 26);
		if (from + 30 + nlen <= to && zget(w, from + 30, nlen, &p) == 0) {
			char *n = rp_xstrndup((const char *)p, nlen);
			enum rp_status rc = rp_errf(
				e, RP_EINPUT,
				"'%s': local header at offset %llu ('%s') is not in the central "
				"directory (a member only streaming readers see)",
				name, (unsigned long long)from, n);
			free(n);
			return rc;
		}
	}
	return rp_errf(e, RP_EINPUT,
		       "'%s': %llu bytes at offset %llu belong to no member in the central directory",
		       name, (unsigned long long)(to - from), (unsigned long long)from);
}

/*
 * An APK Signing Block fills [from, to) exactly: its size, ID-value pairs, its size again
 * and the magic "APK Sig Block 42", right before the central directory. Readers of either
 * kind skip it (a streaming reader stops at its first bytes, which are no local header).
 */
static int apk_block(struct zwin *w, uint64_t from, uint64_t to)
{
	const unsigned char *p;
	uint64_t size;

	if (to - from < 32 || zget(w, to - 24, 24, &p) != 0 ||
	    memcmp(p + 8, "APK Sig Block 42", 16) != 0)
		return 0;
	size = le64(p);
	if (size != to - from - 8 || zget(w, from, 8, &p) != 0)
		return 0;
	return le64(p) == size;
}

/*
 * A stored member followed by a data descriptor has no length a streaming reader can trust:
 * it stops at the first descriptor signature in the data. Refuse data holding one.
 */
static enum rp_status stored_scan(struct zwin *w, const char *name, const struct zent *t,
				  uint64_t from, struct rp_err *e)
{
	uint64_t at = from, end = from + t->csize;

	while (at + 4 <= end) {
		size_t n = end - at < WIN ? (size_t)(end - at) : WIN;
		const unsigned char *p;
		int r = zget(w, at, n, &p);
		if (r)
			return get_err(e, name, r, at, "member data");
		for (size_t i = 0; i + 4 <= n; i++) {
			if (p[i] == 'P' && le32(p + i) == SIG_DESC)
				return rp_errf(e, RP_EINPUT,
					       "'%s': member '%s': stored data with a data descriptor "
					       "holds a descriptor signature at offset %llu (a streaming "
					       "reader would end the member there)",
					       name, t->name, (unsigned long long)(at + i));
		}
		if (n < 4 || at + n >= end)
			break;
		at += n - 3;
	}
	return RP_OK;
}

/* One local entry against its central directory record; *end is where the entry stops. */
static enum rp_status check_local(struct zwin *w, const char *name, const struct zent *t,
				  uint64_t next, uint64_t *end, struct rp_err *e)
{
	const struct rp_zip_src *z = w->z;
	const unsigned char *p;
	uint64_t lc, lu, data, dend, dc, du;
	uint32_t lcrc, dcrc;
	unsigned lflags, lmethod;
	size_t lnlen, lxlen, gap;
	int r;

	r = zget(w, t->off, 30, &p);
	if (r)
		return get_err(e, name, r, t->off, "a local header");
	if (le32(p) != SIG_LOCAL)
		return rp_errf(e, RP_EINPUT, "'%s': member '%s': no local header at offset %llu",
			       name, t->name, (unsigned long long)t->off);
	lflags = le16(p + 6);
	lmethod = le16(p + 8);
	lcrc = le32(p + 14);
	lc = le32(p + 18);
	lu = le32(p + 22);
	lnlen = le16(p + 26);
	lxlen = le16(p + 28);
	r = zget(w, t->off, 30 + lnlen + lxlen, &p);
	if (r)
		return get_err(e, name, r, t->off, "a local header");
	if (lnlen != t->nlen || memcmp(p + 30, t->name, lnlen) != 0) {
		char *ln = rp_xstrndup((const char *)p + 30, lnlen);
		enum rp_status rc = rp_errf(e, RP_EINPUT,
					    "'%s': member '%s': its local header at offset %llu "
					    "names it '%s'",
					    name, t->name, (unsigned long long)t->off, ln);
		free(ln);
		return rc;
	}
	if (lmethod != t->method)
		return rp_errf(e, RP_EINPUT,
			       "'%s': member '%s': compression method %u in its local header, %u "
			       "in the central directory",
			       name, t->name, lmethod, t->method);
	if ((lflags ^ t->flags) & (FLAG_ENCRYPTED | FLAG_DESCRIPTOR))
		return rp_errf(e, RP_EINPUT,
			       "'%s': member '%s': flags 0x%04x in its local header, 0x%04x in the "
			       "central directory",
			       name, t->name, lflags, t->flags);
	if ((lu == 0xffffffffu || lc == 0xffffffffu) &&
	    zip64_extra(p + 30 + lnlen, lxlen, &lu, &lc, NULL))
		return rp_errf(e, RP_EINPUT, "'%s': member '%s': malformed zip64 extra field",
			       name, t->name);
	/* with a data descriptor, the local fields may be zero: the descriptor holds them */
	if ((t->flags & FLAG_DESCRIPTOR) ? ((lcrc && lcrc != t->crc) || (lc && lc != t->csize) ||
					    (lu && lu != t->usize))
					 : (lcrc != t->crc || lc != t->csize || lu != t->usize))
		return rp_errf(e, RP_EINPUT,
			       "'%s': member '%s': its local header says CRC-32 %08x and %llu/%llu "
			       "bytes, the central directory %08x and %llu/%llu",
			       name, t->name, (unsigned)lcrc, (unsigned long long)lc,
			       (unsigned long long)lu, (unsigned)t->crc,
			       (unsigned long long)t->csize, (unsigned long long)t->usize);
	data = t->off + 30 + lnlen + lxlen;
	if (t->csize > z->size - data)
		return rp_errf(e, RP_EINPUT, "'%s': member '%s': its data runs past the end of the file",
			       name, t->name);
	dend = data + t->csize;
	if (dend > next)
		return rp_errf(e, RP_EINPUT,
			       "'%s': member '%s' overlaps what follows it at offset %llu", name,
			       t->name, (unsigned long long)next);
	if (!(t->flags & FLAG_DESCRIPTOR)) {
		*end = dend;
		return RP_OK;
	}
	if (t->method == 0) {
		enum rp_status rc = stored_scan(w, name, t, data, e);
		if (rc)
			return rc;
	}
	/* the descriptor fills the space up to the next entry: 12 or 20 bytes, +4 signed */
	gap = next - dend > 24 ? 25 : (size_t)(next - dend);
	r = gap ? zget(w, dend, gap, &p) : 0;
	if (r)
		return get_err(e, name, r, dend, "a data descriptor");
	if (gap >= 16 && le32(p) == SIG_DESC) {
		p += 4;
		gap -= 4;
	}
	if (gap == 12) {
		dcrc = le32(p);
		dc = le32(p + 4);
		du = le32(p + 8);
	} else if (gap == 20) {
		dcrc = le32(p);
		dc = le64(p + 4);
		du = le64(p + 12);
	} else {
		return rp_errf(e, RP_EINPUT,
			       "'%s': member '%s': %llu bytes after its data where a data descriptor "
			       "should be",
			       name, t->name, (unsigned long long)(next - dend));
	}
	if (dcrc != t->crc || dc != t->csize || du != t->usize)
		return rp_errf(e, RP_EINPUT,
			       "'%s': member '%s': its data descriptor says CRC-32 %08x and %llu/%llu "
			       "bytes, the central directory %08x and %llu/%llu",
			       name, t->name, (unsigned)dcrc, (unsigned long long)dc,
			       (unsigned long long)du, (unsigned)t->crc,
			       (unsigned long long)t->csize, (unsigned long long)t->usize);
	*end = next;
	return RP_OK;
}

/* The end records: where the central directory starts and ends, and how many records. */
static enum rp_status find_end(struct zwin *w, const char *name, uint64_t *cdoff,
			       uint64_t *cdend, uint64_t *count, int *no_end, struct rp_err *e)
{
	const struct rp_zip_src *z = w->z;
	const unsigned char *p;
	uint64_t span, eocd, n, size, off;
	size_t i;
	int r;

	*no_end = 1;
	if (z->size < 22)
		return rp_errf(e, RP_EINPUT, "'%s': no zip end of central directory record", name);
	span = z->size < 22 + 65535 ? z->size : 22 + 65535;
	r = zget(w, z->size - span, (size_t)span, &p);
	if (r)
		return get_err(e, name, r, z->size - span, "the end record");
	/* the last signature, as unzip, Python and libarchive look for it */
	for (i = (size_t)span - 22 + 1; i-- > 0;)
		if (p[i] == 'P' && le32(p + i) == SIG_END)
			break;
	if (i == (size_t)-1)
		return rp_errf(e, RP_EINPUT, "'%s': no zip end of central directory record", name);
	*no_end = 0;
	eocd = z->size - span + i;
	p += i;
	if (eocd + 22 + le16(p + 20) != z->size)
		return rp_errf(e, RP_EINPUT,
			       "'%s': the zip end record at offset %llu does not end the file "
			       "(comment length %u, %llu bytes follow)",
			       name, (unsigned long long)eocd, le16(p + 20),
			       (unsigned long long)(z->size - eocd - 22));
	if (le16(p + 4) || le16(p + 6) || le16(p + 8) != le16(p + 10))
		return rp_errf(e, RP_EINPUT, "'%s': a multi-disk zip is not supported", name);
	n = le16(p + 10);
	size = le32(p + 12);
	off = le32(p + 16);
	*cdend = eocd;
	if (eocd >= 20) {
		uint64_t loc = eocd - 20, z64;
		r = zget(w, loc, 20, &p);
		if (r)
			return get_err(e, name, r, loc, "the zip64 locator");
		if (le32(p) == SIG_LOC64) {
			z64 = le64(p + 8);
			r = zget(w, z64, 56, &p);
			if (r || le32(p) != SIG_END64 || z64 + 12 + le64(p + 4) != loc ||
			    le32(p + 16) || le32(p + 20) || le64(p + 24) != le64(p + 32))
				return rp_errf(e, RP_EINPUT,
					       "'%s': the zip64 end record at offset %llu is malformed "
					       "or does not reach the locator",
					       name, (unsigned long long)z64);
			/* a 32-bit field either defers to the zip64 one or agrees with it */
			if ((n != 0xffff && n != le64(p + 32)) ||
			    (size != 0xffffffffu && size != le64(p + 40)) ||
			    (off != 0xffffffffu && off != le64(p + 48)))
				return rp_errf(e, RP_EINPUT,
					       "'%s': the zip end record and the zip64 end record "
					       "disagree",
					       name);
			n = le64(p + 32);
			size = le64(p + 40);
			off = le64(p + 48);
			*cdend = z64;
		}
	}
	if (off > *cdend || size != *cdend - off)
		return rp_errf(e, RP_EINPUT,
			       "'%s': the central directory (offset %llu, %llu bytes) does not end "
			       "where the end records begin (offset %llu)",
			       name, (unsigned long long)off, (unsigned long long)size,
			       (unsigned long long)*cdend);
	*cdoff = off;
	*count = n;
	return RP_OK;
}

enum rp_status rp_zip_check(const struct rp_zip_src *z, const char *name, size_t max_entries,
			    int *no_end, struct rp_err *e)
{
	struct zwin w = { z, NULL, 0, 0 };
	struct zent *v = NULL;
	uint64_t cdoff = 0, cdend = 0, count = 0, pos, expect = 0;
	size_t nv = 0;
	enum rp_status rc;

	if (!z->mem)
		w.buf = rp_xmalloc(WIN);
	*no_end = 0;
	rc = find_end(&w, name, &cdoff, &cdend, &count, no_end, e);
	if (rc)
		goto out;
	if (count > max_entries || count > (cdend - cdoff) / 46) {
		rc = rp_errf(e, RP_EINPUT,
			     "'%s': the zip end record lists %llu members, more than the central "
			     "directory holds or the limit allows",
			     name, (unsigned long long)count);
		goto out;
	}
	v = rp_xcalloc(count ? (size_t)count : 1, sizeof(*v));
	pos = cdoff;
	for (nv = 0; nv < count; nv++) {
		struct zent *t = &v[nv];
		const unsigned char *p;
		size_t nlen, xlen, clen;
		int r = zget(&w, pos, 46, &p);

		if (r == 0 && le32(p) != SIG_CENTRAL)
			r = -2;
		if (r == 0) {
			nlen = le16(p + 28);
			xlen = le16(p + 30);
			clen = le16(p + 32);
			if (pos + 46 + nlen + xlen + clen > cdend)
				r = -2;
			else
				r = zget(&w, pos, 46 + nlen + xlen + clen, &p);
		}
		if (r) {
			rc = r > 0 ? rp_err_sys(e, RP_EIO, r, "cannot read '%s'", name)
				   : rp_errf(e, RP_EINPUT,
					     "'%s': central directory record %zu at offset %llu is "
					     "malformed",
					     name, nv + 1, (unsigned long long)pos);
			goto out;
		}
		t->index = nv;
		t->flags = le16(p + 8);
		t->method = le16(p + 10);
		t->crc = le32(p + 16);
		t->csize = le32(p + 20);
		t->usize = le32(p + 24);
		t->off = le32(p + 42);
		t->nlen = nlen;
		t->name = rp_xstrndup((const char *)p + 46, nlen);
		if (zip64_extra(p + 46 + nlen, xlen, &t->usize, &t->csize, &t->off) ||
		    le16(p + 34) != 0) {
			rc = rp_errf(e, RP_EINPUT,
				     "'%s': member '%s': malformed zip64 extra field or disk number "
				     "in the central directory",
				     name, t->name);
			nv++;
			goto out;
		}
		pos += 46 + nlen + xlen + clen;
	}
	if (pos != cdend) {
		/* Python reads records up to the directory's size, unzip counts them */
		rc = rp_errf(e, RP_EINPUT,
			     "'%s': the central directory holds %llu bytes after its %llu listed "
			     "records",
			     name, (unsigned long long)(cdend - pos), (unsigned long long)count);
		goto out;
	}
	qsort(v, nv, sizeof(*v), cmp_off);
	for (size_t i = 0; i < nv; i++) {
		uint64_t next = i + 1 < nv ? v[i + 1].off : cdoff;
		if (v[i].off > expect) {
			rc = hidden(&w, name, expect, v[i].off, e);
			goto out;
		}
		if (v[i].off < expect) {
			rc = rp_errf(e, RP_EINPUT, "'%s': members '%s' and '%s' overlap", name,
				     v[i - 1].name, v[i].name);
			goto out;
		}
		if (next < v[i].off) /* the central directory starts inside this entry */
			next = v[i].off;
		rc = check_local(&w, name, &v[i], next, &expect, e);
		if (rc)
			goto out;
	}
	if (expect < cdoff && !apk_block(&w, expect, cdoff))
		rc = hidden(&w, name, expect, cdoff, e);
	else if (expect > cdoff)
		rc = rp_errf(e, RP_EINPUT, "'%s': the last member overlaps the central directory",
			     name);
out:
	for (size_t i = 0; i < nv; i++)
		free(v[i].name);
	free(v);
	free(w.buf);
	return rc;
}
