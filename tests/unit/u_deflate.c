/*
 * Unit tests for verify/deflate.c: the bytes do not depend on the number of threads or on
 * how the input is cut into writes; zlib inflates them back (checking CRC-32 and size);
 * members spill past the in-memory limit; an empty stream is a valid gzip.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "deflate.h"
#include "file.h"
#include "harness.h"
#include "mem.h"

/* Compressible but not trivial: words from a small generator. */
static unsigned char *make_data(size_t n, unsigned seed)
{
	unsigned char *p = rp_xmalloc(n ? n : 1);
	unsigned x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (x >> 16) % 7 == 0 ? ' ' : (unsigned char)('a' + (x >> 20) % 11);
	}
	return p;
}

static enum rp_status to_buf(void *arg, const void *p, size_t n, struct rp_err *e)
{
	return rp_buf_add(arg, p, n, e);
}

/* gzip data through a writer on `threads` threads, in writes of `chunk` bytes. */
static void gz(const unsigned char *d, size_t n, unsigned threads, size_t chunk, struct rp_buf *out)
{
	struct rp_err e = RP_ERR_INIT;
	struct rp_gzw *g = rp_gzw_new(threads, to_buf, out);

	for (size_t off = 0; off < n; off += chunk)
		CHECK_STATUS(rp_gzw_write(g, d + off, n - off < chunk ? n - off : chunk, &e), RP_OK);
	CHECK_STATUS(rp_gzw_finish(g, &e), RP_OK);
	rp_gzw_free(g);
}

/* Inflate a stream (windowBits: 31 gzip, -15 raw) and compare with want. */
static int inflates_to(const unsigned char *z, size_t zn, int wbits, const unsigned char *want,
		       size_t n)
{
	z_stream s;
	unsigned char *got = rp_xmalloc(n + 1);
	int r, ok;

	memset(&s, 0, sizeof(s));
	if (inflateInit2(&s, wbits) != Z_OK)
		return 0;
	s.next_in = (unsigned char *)z;
	s.avail_in = (uInt)zn;
	s.next_out = got;
	s.avail_out = (uInt)(n + 1);
	r = inflate(&s, Z_FINISH);
	ok = r == Z_STREAM_END && s.total_out == n && s.avail_in == 0 && memcmp(got, want, n) == 0;
	inflateEnd(&s);
	free(got);
	return ok;
}

TEST(gzip_same_bytes_for_any_threads_and_writes)
{
	size_t n = 5 * RP_GZ_BLOCK + 12345;
	unsigned char *d = make_data(n, 1);
	struct rp_buf a = RP_BUF_INIT((size_t)1 << 30), b = RP_BUF_INIT((size_t)1 << 30), c = RP_BUF_INIT((size_t)1 << 30);

	gz(d, n, 1, n, &a);
	gz(d, n, 4, 1000, &b);
	gz(d, n, 2, RP_GZ_BLOCK, &c);
	CHECK(a.len > 18 && a.len < n * 3 / 4);
	CHECK_EQ_INT(a.len, b.len);
	CHECK_EQ_INT(a.len, c.len);
	CHECK_EQ_MEM(a.data, b.data, a.len);
	CHECK_EQ_MEM(a.data, c.data, a.len);
	/* header: no name, no mtime, OS 3; zlib checks the CRC-32 and size trailer */
	CHECK_EQ_MEM(a.data, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
	CHECK(inflates_to((unsigned char *)a.data, a.len, 31, d, n));
	rp_buf_release(&a);
	rp_buf_release(&b);
	rp_buf_release(&c);
	free(d);
}

TEST(gzip_empty_and_exact_block)
{
	unsigned char *d = make_data(RP_GZ_BLOCK, 2);
	struct rp_buf a = RP_BUF_INIT((size_t)1 << 30), b = RP_BUF_INIT((size_t)1 << 30);

	gz(d, 0, 2, 1, &a);
	CHECK(inflates_to((unsigned char *)a.data, a.len, 31, d, 0));
	gz(d, RP_GZ_BLOCK, 2, 4096, &b);
	CHECK(inflates_to((unsigned char *)b.data, b.len, 31, d, RP_GZ_BLOCK));
	rp_buf_release(&a);
	rp_buf_release(&b);
	free(d);
}

/* Members: ranges of a spool file, one past the 4 MiB kept in memory (incompressible). */
TEST(members_spill_and_threads)
{
	struct rp_err e = RP_ERR_INIT;
	size_t sizes[] = { 1, 70000, 5u << 20, 3, 300000 };
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	uint64_t off[N], size[N], at = 0;
	unsigned char *d[N];
	int fd;

	CHECK_STATUS(rp_tmpfile("u-deflate", &fd, &e), RP_OK);
	for (size_t i = 0; i < N; i++) {
		d[i] = make_data(sizes[i], (unsigned)i + 7);
		if (i == 2)
			for (size_t k = 0; k < sizes[i]; k++)
				d[i][k] = (unsigned char)(rand() & 0xff);
		CHECK_EQ_INT(rp_write_all(fd, d[i], sizes[i]), 0);
		off[i] = at;
		size[i] = sizes[i];
		at += sizes[i];
	}
	for (unsigned threads = 0; threads <= 3; threads += 3) {
		struct rp_zpool *p = rp_zpool_members(fd, off, size, N, threads);
		for (size_t i = 0; i < N; i++) {
			struct rp_zout z;
			unsigned char *all;
			CHECK_STATUS(rp_zpool_take(p, i, &z, &e), RP_OK);
			all = rp_xmalloc(z.fd_len + z.len + 1);
			if (z.fd_len)
				CHECK(pread(z.fd, all, z.fd_len, 0) == (ssize_t)z.fd_len);
			memcpy(all + z.fd_len, z.mem, z.len);
			CHECK_EQ_INT(i == 2, z.fd_len > 0);
			CHECK_EQ_INT(z.crc, (uint32_t)crc32(0, d[i], (uInt)sizes[i]));
			CHECK(inflates_to(all, z.fd_len + z.len, -15, d[i], sizes[i]));
			free(all);
			rp_zpool_release(p);
		}
		CHECK_STATUS(rp_zpool_take(p, N, &(struct rp_zout){ 0 }, &e), RP_EINTERNAL);
		rp_zpool_free(p);
	}
	for (size_t i = 0; i < N; i++)
		free(d[i]);
	close(fd);
}
