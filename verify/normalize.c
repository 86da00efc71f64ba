/*
 * The normalizer: decodes an archive with member contents spooled to an unlinked temporary
 * file, then writes the canonical archive in the same format: tar/cpio/raw streams through
 * libarchive with deterministic filter settings, zip and ar/.deb by hand (no extra fields,
 * UTC DOS times, fixed header fields), so the bytes depend only on the canonical stream.
 */
#define ZLIB_CONST
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "deflate.h"
#include "file.h"
#include "mem.h"
#include "normalize.h"

#define BLOCK (64 * 1024)

struct wctx {
	int spool;
	unsigned char *buf;
	struct rp_err *e;
	const char *name;  /* input path, for messages */
	size_t members;
	unsigned threads; /* for compressing one archive's zip members or gzip blocks */
	enum rp_status cb_rc; /* why a libarchive write callback failed (w->e says more) */
};

/* Sequential output with its offset (zip needs local header offsets), written in blocks. */
struct sink {
	int fd;
	uint64_t off;
	unsigned char *buf;
	size_t len;
};

static enum rp_status sink_flush(struct wctx *w, struct sink *o)
{
	int err = o->len ? rp_write_all(o->fd, o->buf, o->len) : 0;

	o->len = 0;
	if (err)
		return rp_err_sys(w->e, RP_EIO, err, "cannot write the normalized archive");
	return RP_OK;
}

static enum rp_status put(struct wctx *w, struct sink *o, const void *p, size_t n)
{
	enum rp_status rc;

	/* headers are tens of bytes: a write(2) each cost more than the deflate of a class file */
	if (o->len + n > BLOCK) {
		rc = sink_flush(w, o);
		if (rc)
			return rc;
	}
	if (n >= BLOCK) {
		int err = rp_write_all(o->fd, p, n);
		if (err)
			return rp_err_sys(w->e, RP_EIO, err, "cannot write the normalized archive");
	} else {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
	}
	o->off += n;
	return RP_OK;
}

static void sink_init(struct sink *o, int fd)
{
	o->fd = fd;
	o->off = 0;
	o->buf = rp_xmalloc(BLOCK);
	o->len = 0;
}

/* Flush (when rc is RP_OK) and release the block buffer. */
static enum rp_status sink_end(struct wctx *w, struct sink *o, enum rp_status rc)
{
	if (!rc)
		rc = sink_flush(w, o);
	free(o->buf);
	o->buf = NULL;
	return rc;
}

static enum rp_status make_temp(int *fd, struct rp_err *e)
{
	return rp_tmpfile("norm", fd, e);
}

/* Feed size bytes from fd at off to fn (pread: the fd's offset is left alone). */
static enum rp_status copy_range(struct wctx *w, int fd, uint64_t off, uint64_t size,
				 enum rp_status (*fn)(struct wctx *, void *, const void *, size_t),
				 void *arg)
{
	while (size) {
		size_t want = size < BLOCK ? (size_t)size : BLOCK;
		ssize_t n = pread(fd, w->buf, want, (off_t)off);
		enum rp_status rc;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rp_err_sys(w->e, RP_EIO, errno, "cannot read the spool file");
		if (n == 0)
			return rp_errf(w->e, RP_EINTERNAL, "BUG %s:%d: spool file too short",
				       __FILE__, __LINE__);
		rc = fn(w, arg, w->buf, (size_t)n);
		if (rc)
			return rc;
		off += (uint64_t)n;
		size -= (uint64_t)n;
	}
	return RP_OK;
}

static enum rp_status to_sink(struct wctx *w, void *arg, const void *p, size_t n)
{
	return put(w, arg, p, n);
}

static enum rp_status to_archive(struct wctx *w, void *arg, const void *p, size_t n)
{
	struct archive *a = arg;
	la_ssize_t k = archive_write_data(a, p, n);

	if ((k < 0 || (size_t)k != n) && w->cb_rc)
		return w->cb_rc; /* our gzip writer failed: w->e already says why */
	if (k < 0 || (size_t)k != n) {
		char why[256];
		rp_err_tidy(why, sizeof(why), archive_error_string(a));
		return rp_errf(w->e, RP_EIO, "cannot write the normalized archive: %s",
			       *why ? why : "write error");
	}
	return RP_OK;
}

static enum rp_status la_fail(struct wctx *w, struct archive *a, const char *what)
{
	char why[256];

	if (w->cb_rc)
		return w->cb_rc;
	rp_err_tidy(why, sizeof(why), archive_error_string(a));
	return rp_errf(w->e, archive_errno(a) == ENOSPC || archive_errno(a) == EIO ? RP_EIO
										    : RP_EINPUT,
		       "'%s': %s: %s", w->name, what, *why ? why : "libarchive error");
}

/*
 * Fixed levels and one thread: the bytes must not depend on the machine. gzip is not here:
 * verify/deflate.c writes it, on several threads with the same bytes (write_la). Levels are
 * each tool's default, which is what release tarballs use (zstd 19 ran at 2 MB/s).
 */
static int set_filter(struct archive *a, enum rp_arch_filter f)
{
	switch (f) {
	case RP_FILTER_GZIP:
		return 0;
	case RP_FILTER_XZ:
		return archive_write_add_filter_xz(a) ||
		       archive_write_set_options(a, "xz:compression-level=6,xz:threads=1");
	case RP_FILTER_ZSTD:
		return archive_write_add_filter_zstd(a) ||
		       archive_write_set_options(a, "zstd:compression-level=3");
	case RP_FILTER_BZIP2:
		return archive_write_add_filter_bzip2(a) ||
		       archive_write_set_options(a, "bzip2:compression-level=9");
	case RP_FILTER_NONE:
		return 0;
	}
	return -1;
}

static unsigned ae_filetype(enum rp_ent_type t)
{
	switch (t) {
	case RP_ENT_DIR:
		return AE_IFDIR;
	case RP_ENT_SYMLINK:
		return AE_IFLNK;
	case RP_ENT_CHR:
		return AE_IFCHR;
	case RP_ENT_BLK:
		return AE_IFBLK;
	case RP_ENT_FIFO:
		return AE_IFIFO;
	case RP_ENT_SOCK:
		return AE_IFSOCK;
	case RP_ENT_FILE:
	case RP_ENT_HARDLINK:
		break;
	}
	return AE_IFREG;
}

static enum rp_status write_arch(struct wctx *w, const struct rp_arch *a, int fd);

/* libarchive's output through verify/deflate.c's gzip writer, into fd. */
struct gzctx {
	struct wctx *w;
	struct rp_gzw *g;
	int fd;
	int abandon; /* the write failed: archive_write_free must not finish the stream */
};

static enum rp_status gz_to_fd(void *arg, const void *p, size_t n, struct rp_err *e)
{
	struct gzctx *c = arg;
	int err = rp_write_all(c->fd, p, n);

	if (err)
		return rp_err_sys(e, RP_EIO, err, "cannot write the normalized archive");
	return RP_OK;
}

static la_ssize_t gz_la_write(struct archive *a, void *arg, const void *p, size_t n)
{
	struct gzctx *c = arg;

	/* libarchive flushes what it buffered when freed: keep the first error */
	if (c->abandon || c->w->cb_rc)
		return -1;
	c->w->cb_rc = rp_gzw_write(c->g, p, n, c->w->e);
	if (c->w->cb_rc) {
		archive_set_error(a, EIO, "%s", c->w->e->msg);
		return -1;
	}
	return (la_ssize_t)n;
}

static int gz_la_close(struct archive *a, void *arg)
{
	struct gzctx *c = arg;

	/* after a failure, libarchive still closes on free: keep the first error */
	if (c->abandon || c->w->cb_rc)
		return ARCHIVE_FATAL;
	c->w->cb_rc = rp_gzw_finish(c->g, c->w->e);
	if (c->w->cb_rc) {
		archive_set_error(a, EIO, "%s", c->w->e->msg);
		return ARCHIVE_FATAL;
	}
	return ARCHIVE_OK;
}

/* tar (pax where ustar cannot hold a field), cpio and raw streams, through libarchive. */
static enum rp_status write_la(struct wctx *w, const struct rp_arch *x, int fd)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae = NULL;
	struct gzctx gz = { w, NULL, fd, 0 };
	enum rp_status rc = RP_OK;
	int r;

	if (!a)
		abort();
	w->cb_rc = RP_OK;
	switch (x->kind) {
	case RP_ARCH_TAR:
		r = archive_write_set_format_pax_restricted(a);
		break;
	case RP_ARCH_CPIO:
		r = (x->la_format == ARCHIVE_FORMAT_CPIO_SVR4_NOCRC ||
		     x->la_format == ARCHIVE_FORMAT_CPIO_SVR4_CRC)
			    ? archive_write_set_format_cpio_newc(a)
			    : archive_write_set_format_cpio_odc(a);
		break;
	case RP_ARCH_RAW:
		r = archive_write_set_format_raw(a);
		break;
	default:
		rc = RP_BUG(w->e, "write_la on a format it does not write");
		goto out;
	}
	if (r || set_filter(a, x->filter)) {
		rc = la_fail(w, a, "cannot set up the writer");
		goto out;
	}
	/* a compressed stream ends where the compressor ends: no zero padding after it */
	if (x->filter != RP_FILTER_NONE || x->kind == RP_ARCH_RAW)
		archive_write_set_bytes_in_last_block(a, 1);
	if (x->filter == RP_FILTER_GZIP) {
		gz.g = rp_gzw_new(w->threads, gz_to_fd, &gz);
		r = archive_write_open2(a, &gz, NULL, gz_la_write, gz_la_close, NULL);
	} else {
		r = archive_write_open_fd(a, fd);
	}
	if (r != ARCHIVE_OK) {
		rc = la_fail(w, a, "cannot start the archive");
		goto out;
	}
	ae = archive_entry_new();
	for (size_t i = 0; i < x->n; i++) {
		const struct rp_arch_entry *t = &x->ents[i];

		archive_entry_clear(ae);
		archive_entry_copy_pathname(ae, x->kind == RP_ARCH_RAW ? "data" : t->path);
		archive_entry_set_filetype(ae, ae_filetype(t->type));
		archive_entry_set_perm(ae, t->nmode);
		archive_entry_set_mtime(ae, (time_t)t->nmtime, 0);
		archive_entry_set_uid(ae, 0);
		archive_entry_set_gid(ae, 0);
		archive_entry_set_nlink(ae, 1);
		if (t->type == RP_ENT_HARDLINK && t->link)
			archive_entry_copy_hardlink(ae, t->link);
		if (t->type == RP_ENT_SYMLINK && t->link)
			archive_entry_copy_symlink(ae, t->link);
		if (t->type == RP_ENT_CHR || t->type == RP_ENT_BLK)
			archive_entry_set_rdev(ae, (dev_t)t->rdev);
		if (t->type == RP_ENT_FILE || (t->type == RP_ENT_HARDLINK && t->size))
			archive_entry_set_size(ae, (la_int64_t)t->size);
		else
			archive_entry_set_size(ae, 0);
		if (archive_write_header(a, ae) < ARCHIVE_OK) {
			rc = la_fail(w, a, "cannot write a member header");
			goto out;
		}
		if (t->type == RP_ENT_FILE || (t->type == RP_ENT_HARDLINK && t->size)) {
			if (!t->spooled && t->size) {
				rc = RP_BUG(w->e, "member content was not spooled");
				goto out;
			}
			rc = copy_range(w, w->spool, t->spool_off, t->size, to_archive, a);
			if (rc)
				goto out;
		}
		w->members++;
	}
	/* libarchive ignores what its close callback returns: look at cb_rc too */
	if (archive_write_close(a) != ARCHIVE_OK || w->cb_rc) {
		rc = la_fail(w, a, "cannot finish the archive");
		goto out;
	}
out:
	gz.abandon = rc != RP_OK;
	archive_entry_free(ae);
	archive_write_free(a);
	rp_gzw_free(gz.g);
	return rc;
}

static void le16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void le32(unsigned char *p, uint32_t v)
{
	le16(p, v & 0xffff);
	le16(p + 2, v >> 16);
}

/* DOS date/time of a UTC instant (TZ never matters); before 1980 is 1980-01-01 00:00. */
static void dos_time(int64_t t, unsigned *dtime, unsigned *ddate)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t < 315532800 || !gmtime_r(&tt, &tm) || tm.tm_year > 207) {
		*dtime = 0;
		*ddate = (0 << 9) | (1 << 5) | 1;
		return;
	}
	*dtime = (unsigned)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
	*ddate = (unsigned)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
}

struct zcd {
	char *name;
	uint32_t crc;
	uint64_t csize, usize, off;
	unsigned method, dtime, ddate, flags;
	uint32_t extattr;
};

static enum rp_status write_zip(struct wctx *w, const struct rp_arch *x, int fd)
{
	struct sink o;
	struct zcd *cd = rp_xcalloc(x->n ? x->n : 1, sizeof(*cd));
	enum rp_status rc = RP_OK;
	uint64_t cd_start, cd_size;
	unsigned char h[46];
	struct rp_zpool *pool;
	uint64_t *zoff = rp_xcalloc(x->n ? x->n : 1, sizeof(*zoff));
	uint64_t *zsize = rp_xcalloc(x->n ? x->n : 1, sizeof(*zsize));
	size_t nz = 0, pos = 0;

	sink_init(&o, fd);
	/* the members deflated below, in order, handed to the compressor up front */
	for (size_t i = 0; i < x->n; i++) {
		const struct rp_arch_entry *t = &x->ents[i];
		if (t->type != RP_ENT_SYMLINK && t->type != RP_ENT_DIR && t->size && t->spooled) {
			zoff[nz] = t->spool_off;
			zsize[nz++] = t->size;
		}
	}
	pool = rp_zpool_members(w->spool, zoff, zsize, nz, w->threads);

	if (x->n > 0xffff) {
		rc = rp_errf(w->e, RP_EINPUT, "'%s': %zu members need zip64, which the normalizer "
			     "does not write", w->name, x->n);
		goto out;
	}
	for (size_t i = 0; i < x->n; i++) {
		const struct rp_arch_entry *t = &x->ents[i];
		struct zcd *c = &cd[i];
		struct rp_zout z;
		int deflated = 0;
		int is_dir = t->type == RP_ENT_DIR;
		size_t nl;
		int ascii = 1;

		c->name = is_dir && (!*t->path || t->path[strlen(t->path) - 1] != '/')
				  ? rp_xasprintf("%s/", t->path)
				  : rp_xstrdup(t->path);
		nl = strlen(c->name);
		for (size_t k = 0; k < nl; k++)
			ascii &= (unsigned char)c->name[k] < 0x80;
		if (nl > 0xffff) {
			rc = rp_errf(w->e, RP_EINPUT, "'%s': member name too long for zip", w->name);
			goto out;
		}
		c->flags = ascii ? 0 : 0x0800; /* bit 11: the name is UTF-8 */
		dos_time(t->nmtime, &c->dtime, &c->ddate);
		c->off = o.off;
		if (t->type == RP_ENT_SYMLINK) {
			c->method = 0;
			c->usize = c->csize = strlen(t->link ? t->link : "");
			c->crc = (uint32_t)crc32(0, (const unsigned char *)(t->link ? t->link : ""),
						 (uInt)c->usize);
			c->extattr = (uint32_t)(0120000 | t->nmode) << 16;
		} else if (is_dir || t->size == 0) {
			c->method = 0;
			c->extattr = (uint32_t)((is_dir ? 040000 : 0100000) | t->nmode) << 16 |
				     (is_dir ? 0x10 : 0);
		} else {
			if (!t->spooled) {
				rc = RP_BUG(w->e, "member content was not spooled");
				goto out;
			}
			if (pos == nz || zoff[pos] != t->spool_off) {
				rc = RP_BUG(w->e, "zip member order");
				goto out;
			}
			rc = rp_zpool_take(pool, pos++, &z, w->e);
			if (rc)
				goto out;
			deflated = 1;
			c->method = 8;
			c->usize = t->size;
			c->crc = z.crc;
			c->csize = z.fd_len + z.len;
			c->extattr = (uint32_t)(0100000 | t->nmode) << 16;
		}
		if (c->usize > 0xfffffffeu || c->csize > 0xfffffffeu || o.off > 0xfffffffeu) {
			rc = rp_errf(w->e, RP_EINPUT, "'%s': member '%s' needs zip64, which the "
				     "normalizer does not write", w->name, t->path);
			goto out;
		}
		memset(h, 0, 30);
		le32(h, 0x04034b50);
		le16(h + 4, 20);
		le16(h + 6, c->flags);
		le16(h + 8, c->method);
		le16(h + 10, c->dtime);
		le16(h + 12, c->ddate);
		le32(h + 14, c->crc);
		le32(h + 18, (uint32_t)c->csize);
		le32(h + 22, (uint32_t)c->usize);
		le16(h + 26, (unsigned)nl);
		le16(h + 28, 0);
		rc = put(w, &o, h, 30);
		if (!rc)
			rc = put(w, &o, c->name, nl);
		if (rc)
			goto out;
		if (t->type == RP_ENT_SYMLINK)
			rc = put(w, &o, t->link ? t->link : "", (size_t)c->usize);
		else if (deflated && z.fd_len)
			rc = copy_range(w, z.fd, 0, z.fd_len, to_sink, &o);
		if (!rc && deflated)
			rc = put(w, &o, z.mem, z.len);
		if (deflated)
			rp_zpool_release(pool);
		if (rc)
			goto out;
		w->members++;
	}
	cd_start = o.off;
	for (size_t i = 0; i < x->n; i++) {
		struct zcd *c = &cd[i];
		size_t nl = strlen(c->name);

		memset(h, 0, 46);
		le32(h, 0x02014b50);
		le16(h + 4, 3 << 8 | 20); /* made by: Unix, so external attributes carry the mode */
		le16(h + 6, 20);
		le16(h + 8, c->flags);
		le16(h + 10, c->method);
		le16(h + 12, c->dtime);
		le16(h + 14, c->ddate);
		le32(h + 16, c->crc);
		le32(h + 20, (uint32_t)c->csize);
		le32(h + 24, (uint32_t)c->usize);
		le16(h + 28, (unsigned)nl);
		le32(h + 38, c->extattr);
		le32(h + 42, (uint32_t)c->off);
		rc = put(w, &o, h, 46);
		if (!rc)
			rc = put(w, &o, c->name, nl);
		if (rc)
			goto out;
	}
	cd_size = o.off - cd_start;
	if (cd_start > 0xfffffffeu || cd_size > 0xfffffffeu) {
		rc = rp_errf(w->e, RP_EINPUT, "'%s': archive needs zip64, which the normalizer does "
			     "not write", w->name);
		goto out;
	}
	memset(h, 0, 22);
	le32(h, 0x06054b50);
	le16(h + 8, (unsigned)x->n);
	le16(h + 10, (unsigned)x->n);
	le32(h + 12, (uint32_t)cd_size);
	le32(h + 16, (uint32_t)cd_start);
	rc = put(w, &o, h, 22);
out:
	rp_zpool_free(pool);
	free(zoff);
	free(zsize);
	rc = sink_end(w, &o, rc);
	for (size_t i = 0; i < x->n; i++)
		free(cd[i].name);
	free(cd);
	return rc;
}

/* One ar member header: dpkg's layout (no '/' after names), BSD "#1/N" for long names. */
static enum rp_status ar_header(struct wctx *w, struct sink *o, const char *name, int64_t mtime,
				unsigned mode, uint64_t size, int *longname)
{
	char hdr[61];
	size_t nl = strlen(name);
	int n;

	*longname = nl > 16 || nl == 0 || strpbrk(name, " /") != NULL;
	if (*longname)
		size += nl;
	if (mtime < 0 || mtime > 999999999999LL || size > 9999999999ULL)
		return rp_errf(w->e, RP_EINPUT, "'%s': member '%s' does not fit an ar header",
			       w->name, name);
	if (*longname) {
		char tag[32];
		snprintf(tag, sizeof(tag), "#1/%zu", nl);
		n = snprintf(hdr, sizeof(hdr), "%-16s%-12lld%-6d%-6d%-8o%-10llu`\n", tag,
			     (long long)mtime, 0, 0, 0100000 | mode, (unsigned long long)size);
	} else {
		n = snprintf(hdr, sizeof(hdr), "%-16s%-12lld%-6d%-6d%-8o%-10llu`\n", name,
			     (long long)mtime, 0, 0, 0100000 | mode, (unsigned long long)size);
	}
	if (n != 60)
		return RP_BUG(w->e, "ar header is not 60 bytes");
	if (put(w, o, hdr, 60))
		return w->e->code;
	if (*longname)
		return put(w, o, name, nl);
	return RP_OK;
}

static enum rp_status write_ar(struct wctx *w, const struct rp_arch *x, int fd)
{
	struct sink o;
	enum rp_status rc;
	int tfd = -1;

	sink_init(&o, fd);
	rc = put(w, &o, "!<arch>\n", 8);
	for (size_t i = 0; i < x->n && !rc; i++) {
		const struct rp_arch_entry *t = &x->ents[i];
		uint64_t size = t->size, total;
		int longname;
		struct stat st;

		if (t->type != RP_ENT_FILE) {
			rc = rp_errf(w->e, RP_EINPUT, "'%s': ar member '%s' is not a regular file",
				     w->name, t->path);
			break;
		}
		if (t->sub && !t->spooled) {
			/* a .deb tarball: rebuilt from its members, then stored */
			if (tfd >= 0)
				close(tfd);
			tfd = -1;
			rc = make_temp(&tfd, w->e);
			if (rc)
				break;
			rc = write_arch(w, t->sub, tfd);
			if (rc)
				break;
			if (fstat(tfd, &st) < 0) {
				rc = rp_err_sys(w->e, RP_EIO, errno, "cannot stat a temporary file");
				break;
			}
			size = (uint64_t)st.st_size;
		}
		rc = ar_header(w, &o, t->path, t->nmtime, t->nmode, size, &longname);
		if (rc)
			break;
		if (t->sub && !t->spooled)
			rc = copy_range(w, tfd, 0, size, to_sink, &o);
		else
			rc = copy_range(w, w->spool, t->spool_off, size, to_sink, &o);
		total = size + (longname ? strlen(t->path) : 0);
		if (!rc && total % 2)
			rc = put(w, &o, "\n", 1);
		w->members++;
	}
	if (tfd >= 0)
		close(tfd);
	return sink_end(w, &o, rc);
}

static enum rp_status write_arch(struct wctx *w, const struct rp_arch *a, int fd)
{
	switch (a->kind) {
	case RP_ARCH_TAR:
	case RP_ARCH_CPIO:
	case RP_ARCH_RAW:
		return write_la(w, a, fd);
	case RP_ARCH_ZIP:
		return write_zip(w, a, fd);
	case RP_ARCH_AR:
	case RP_ARCH_DEB:
		return write_ar(w, a, fd);
	case RP_ARCH_NONE:
	case RP_ARCH_DIR:
		break;
	}
	return rp_errf(w->e, RP_EINPUT, "'%s': not an archive", w->name);
}

enum {
	C_ORDER,
	C_MTIME,
	C_OWNER,
	C_NAMES,
	C_TIMES,
	C_XATTR,
	C_ACL,
	C_ZIPMODE,
	C_GZIP,
	C_COUNT
};

static const char *const change_names[C_COUNT] = {
	[C_ORDER] = "member order",
	[C_MTIME] = "mtime",
	[C_OWNER] = "uid/gid",
	[C_NAMES] = "user/group names",
	[C_TIMES] = "atime/ctime/birthtime",
	[C_XATTR] = "xattrs",
	[C_ACL] = "ACLs",
	[C_ZIPMODE] = "zip permission bits",
	[C_GZIP] = "gzip header (mtime/name)",
};

struct counts {
	size_t n[C_COUNT];
	char *ex[C_COUNT];
};

static void count(struct counts *c, int k, const char *path)
{
	c->n[k]++;
	if (!c->ex[k] && path)
		c->ex[k] = rp_xstrdup(path);
}

/* What the rewrite changes, on the levels it rewrites. */
static void collect(struct counts *c, const struct rp_arch *a, const char *prefix)
{
	if (a->reordered)
		count(c, C_ORDER, prefix);
	if (a->filter == RP_FILTER_GZIP && (a->gz_mtime || a->gz_has_name))
		count(c, C_GZIP, prefix);
	for (size_t i = 0; i < a->n; i++) {
		const struct rp_arch_entry *t = &a->ents[i];
		char *p = prefix ? rp_xasprintf("%s!/%s", prefix, t->path) : rp_xstrdup(t->path);
		static const struct {
			unsigned bit;
			int k;
		} map[] = {
			{ RP_DROP_MTIME, C_MTIME },	{ RP_DROP_OWNER, C_OWNER },
			{ RP_DROP_UNAME, C_NAMES },	{ RP_DROP_ATIME, C_TIMES },
			{ RP_DROP_CTIME, C_TIMES },	{ RP_DROP_BIRTHTIME, C_TIMES },
			{ RP_DROP_XATTR, C_XATTR },	{ RP_DROP_ACL, C_ACL },
			{ RP_DROP_MODE, C_ZIPMODE },
		};
		unsigned seen = 0;

		for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++) {
			if ((t->dropped & map[k].bit) && !(seen & (1u << map[k].k))) {
				seen |= 1u << map[k].k;
				count(c, map[k].k, p);
			}
		}
		if (a->kind == RP_ARCH_DEB && t->sub && !t->spooled)
			collect(c, t->sub, p);
		free(p);
	}
}

/* Non-zero bytes after an archive on a level the rewrite regenerates (as collect() walks). */
static int dropped_tail(const struct rp_arch *a)
{
	if (a->has_tail || a->has_itail)
		return 1;
	if (a->kind == RP_ARCH_DEB)
		for (size_t i = 0; i < a->n; i++)
			if (a->ents[i].sub && !a->ents[i].spooled && dropped_tail(a->ents[i].sub))
				return 1;
	return 0;
}

static int any_change(const struct rp_arch *a)
{
	struct counts c;
	int any = 0;

	memset(&c, 0, sizeof(c));
	collect(&c, a, NULL);
	for (int k = 0; k < C_COUNT; k++) {
		any |= c.n[k] != 0;
		free(c.ex[k]);
	}
	return any;
}

void rp_normalize_result_release(struct rp_normalize_result *res)
{
	free(res->format);
	for (size_t i = 0; i < res->nchanges; i++) {
		free(res->changes[i].what);
		free(res->changes[i].example);
	}
	free(res->changes);
	memset(res, 0, sizeof(*res));
}

static void fill_result(struct rp_normalize_result *res, const struct rp_arch *a, int changed,
			size_t members)
{
	struct counts c;

	memset(&c, 0, sizeof(c));
	collect(&c, a, NULL);
	res->format = a->filter != RP_FILTER_NONE
			      ? rp_xasprintf("%s+%s", rp_arch_kind_name(a->kind),
					     rp_arch_filter_name(a->filter))
			      : rp_xstrdup(rp_arch_kind_name(a->kind));
	res->changes = rp_xcalloc(C_COUNT + 1, sizeof(*res->changes));
	for (int k = 0; k < C_COUNT; k++) {
		if (!c.n[k])
			continue;
		res->changes[res->nchanges].what = rp_xstrdup(change_names[k]);
		res->changes[res->nchanges].count = c.n[k];
		res->changes[res->nchanges].example = c.ex[k];
		res->nchanges++;
	}
	if (changed && res->nchanges == 0) {
		res->changes[0].what = rp_xstrdup("encoding (headers, padding or compression)");
		res->changes[0].count = 1;
		res->nchanges = 1;
	}
	res->changed = changed;
	res->members = members;
}

static enum rp_status run_in_locale(const char *in, const char *out,
				    const struct rp_normalize_opts *o,
				    struct rp_normalize_result *res, struct rp_err *e);

/* Names are read and written as UTF-8 (archive_canon.h), on whichever thread runs this. */
static enum rp_status run(const char *in, const char *out, const struct rp_normalize_opts *o,
			  struct rp_normalize_result *res, struct rp_err *e)
{
	struct rp_arch_locale l;
	enum rp_status rc;

	rp_arch_locale_enter(&l);
	rc = run_in_locale(in, out, o, res, e);
	rp_arch_locale_leave(&l);
	return rc;
}

static enum rp_status run_in_locale(const char *in, const char *out,
				    const struct rp_normalize_opts *o,
				    struct rp_normalize_result *res, struct rp_err *e)
{
	struct rp_arch_opts ao;
	struct rp_arch *a = NULL;
	struct rp_atomic at = RP_ATOMIC_INIT;
	struct wctx w;
	enum rp_status rc;
	struct stat st;
	int spool = -1, ofd = -1, changed = 1;

	memset(&w, 0, sizeof(w));
	w.threads = o->threads;
	memset(&ao, 0, sizeof(ao));
	if (stat(in, &st) < 0)
		return rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", in);
	if (S_ISDIR(st.st_mode))
		return rp_errf(e, RP_EUSAGE, "'%s': is a directory (normalize takes an archive)",
			       in);
	rc = make_temp(&spool, e);
	if (rc)
		return rc;
	ao.norm = o->norm;
	ao.lim = o->lim;
	ao.spool_on = 1;
	ao.spool_fd = spool;
	rc = rp_arch_scan_path(in, &ao, &a, e);
	if (rc)
		goto out;
	if (a->kind == RP_ARCH_NONE) {
		rc = rp_errf(e, RP_EINPUT, "'%s': not an archive (no known format signature)", in);
		goto out;
	}
	if (a->order) {
		/* writing the fixed order would turn a package dpkg-deb refuses into one it takes */
		rc = rp_errf(e, RP_EINPUT,
			     "'%s': .deb members stored as '%s', an order dpkg-deb refuses; "
			     "normalizing would hide it",
			     in, a->order);
		goto out;
	}
	if (dropped_tail(a)) {
		/* the rewrite would silently lose those bytes, and diff would then call it different */
		rc = rp_errf(e, RP_EINPUT,
			     "'%s': data after the end of the archive; normalizing would drop it", in);
		goto out;
	}
	w.spool = spool;
	w.buf = rp_xmalloc(BLOCK);
	w.e = e;
	w.name = in;
	if (out) {
		rc = rp_atomic_open(&at, out, o->out_mode ? o->out_mode : 0644, 0, e);
		if (rc)
			goto out;
		/* flush what stdio may hold: the writers below use the descriptor */
		if (at.to_stdout)
			fflush(stdout);
		rc = write_arch(&w, a, at.fd);
		if (rc) {
			rp_atomic_abort(&at);
			goto out;
		}
		rc = rp_atomic_commit(&at, e);
		if (rc)
			goto out;
		changed = -1;
	} else if (any_change(a)) {
		/* a listed change is enough: no need to compress anything to know */
		changed = 1;
	} else {
		unsigned char sha[RP_SHA256_LEN];
		uint64_t size;
		rc = make_temp(&ofd, e);
		if (rc)
			goto out;
		rc = write_arch(&w, a, ofd);
		if (rc)
			goto out;
		if (lseek(ofd, 0, SEEK_SET) < 0) {
			rc = rp_err_sys(e, RP_EIO, errno, "cannot read back a temporary file");
			goto out;
		}
		rc = rp_hash_fd(ofd, "normalized output", sha, &size, e);
		if (rc)
			goto out;
		changed = size != a->raw_size || memcmp(sha, a->raw_sha, RP_SHA256_LEN) != 0;
	}
	fill_result(res, a, changed, w.members);
out:
	if (ofd >= 0)
		close(ofd);
	if (spool >= 0)
		close(spool);
	free(w.buf);
	rp_arch_free(a);
	return rc;
}

enum rp_status rp_normalize_file(const char *in, const char *out,
				 const struct rp_normalize_opts *o, struct rp_normalize_result *res,
				 struct rp_err *e)
{
	return run(in, out, o, res, e);
}

enum rp_status rp_normalize_check(const char *in, const struct rp_normalize_opts *o,
				  struct rp_normalize_result *res, struct rp_err *e)
{
	return run(in, NULL, o, res, e);
}

/* The shared cursor of rp_normalize_many's workers. */
struct many {
	struct rp_normalize_job *jobs;
	size_t n, next;
	int failed;
	pthread_mutex_t lock;
	unsigned per_job;
};

static void *many_worker(void *arg)
{
	struct many *m = arg;

	for (;;) {
		struct rp_normalize_job *j;
		struct rp_normalize_opts o;

		pthread_mutex_lock(&m->lock);
		if (m->failed || m->next == m->n) {
			pthread_mutex_unlock(&m->lock);
			return NULL;
		}
		j = &m->jobs[m->next++];
		pthread_mutex_unlock(&m->lock);
		o = *j->opts;
		o.threads = m->per_job;
		if (j->out_mode)
			o.out_mode = j->out_mode;
		j->rc = run(j->in, j->out, &o, &j->res, &j->err);
		j->ran = 1;
		if (j->rc) {
			pthread_mutex_lock(&m->lock);
			m->failed = 1;
			pthread_mutex_unlock(&m->lock);
		}
	}
}

void rp_normalize_many(struct rp_normalize_job *jobs, size_t n, unsigned threads)
{
	struct many m = { jobs, n, 0, 0, PTHREAD_MUTEX_INITIALIZER, 1 };
	pthread_t th[64];
	size_t started = 0;

	if (threads == 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		threads = c > 0 ? (unsigned)c : 1;
	}
	if (threads > sizeof(th) / sizeof(th[0]))
		threads = sizeof(th) / sizeof(th[0]);
	if (threads > n) {
		m.per_job = threads / (unsigned)n;
		threads = (unsigned)n;
	}
	/* the calling thread is one of the workers; a thread that cannot start is not needed */
	while (started + 1 < threads && pthread_create(&th[started], NULL, many_worker, &m) == 0)
		started++;
	many_worker(&m);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&m.lock);
}
