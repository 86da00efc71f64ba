/*
 * Unit tests for verify/gunzip.c: single and multi-member streams, the CRC-32 and ISIZE
 * checks, where a stream ends before trailing bytes, and input arriving a byte at a time.
 * Streams are made with zlib's deflate (gzip wrapper), as gzip(1) writes them.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gunzip.h"
#include "harness.h"
#include "mem.h"

/* Append a gzip member holding p[0..n) to out at *len. */
static void member(const void *p, size_t n, unsigned char *out, size_t cap, size_t *len)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = out + *len;
	z.avail_out = (uInt)(cap - *len);
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	*len += z.total_out;
	deflateEnd(&z);
}

struct input {
	const unsigned char *p;
	size_t n, pos, chunk;
	int fail_at; /* fail the pull once pos reaches this (0: never) */
};

static enum rp_status pull(void *arg, const void **p, size_t *n)
{
	struct input *in = arg;
	size_t k = in->n - in->pos;

	if (in->fail_at && in->pos >= (size_t)in->fail_at)
		return RP_EIO;
	if (k > in->chunk)
		k = in->chunk;
	*p = in->p + in->pos;
	*n = k;
	in->pos += k;
	return RP_OK;
}

/* What decoding a whole input gave. */
struct res {
	unsigned char *out; /* owned */
	size_t len;
	uint64_t used;
	unsigned members;
	int not_gzip;
	struct rp_err e;
};

static enum rp_status decode(struct input *in, struct res *r)
{
	struct rp_gunzip *g = rp_gunzip_new(pull, in);
	enum rp_status rc;
	const void *p;
	size_t n, cap = 1 << 20;

	free(r->out);
	memset(r, 0, sizeof(*r));
	r->out = rp_xmalloc(cap);
	for (;;) {
		rc = rp_gunzip_read(g, &p, &n, &r->e);
		if (rc || n == 0)
			break;
		if (r->len + n > cap)
			abort();
		memcpy(r->out + r->len, p, n);
		r->len += n;
	}
	r->used = rp_gunzip_consumed(g);
	r->members = rp_gunzip_members(g);
	r->not_gzip = rp_gunzip_not_gzip(g);
	rp_gunzip_free(g);
	return rc;
}

static unsigned char gz[1 << 20];
static char text[200000];

static void make_text(void)
{
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + (i * 7 + i / 13) % 26);
}

TEST(gunzip_multi_member_and_trailing_bytes)
{
	size_t len = 0, m2;
	struct res r = { 0 };

	make_text();
	member(text, 150000, gz, sizeof(gz), &len);
	member(text + 150000, 50000, gz, sizeof(gz), &len);
	m2 = len;
	memcpy(gz + len, "\x1f" "junk", 5); /* not a member: 0x1f alone is no magic */
	len += 5;
	/* whole chunks, then one byte at a time (the magic split across two pulls) */
	for (size_t chunk = 65536; chunk; chunk = chunk == 1 ? 0 : 1) {
		struct input in = { gz, len, 0, chunk, 0 };
		CHECK_STATUS(decode(&in, &r), RP_OK);
		CHECK_EQ_INT(r.len, sizeof(text));
		CHECK(r.len == sizeof(text) && memcmp(r.out, text, sizeof(text)) == 0);
		CHECK_EQ_INT(r.used, m2);
		CHECK_EQ_INT(r.members, 2);
	}
	free(r.out);
}

TEST(gunzip_crc_and_isize_mismatch)
{
	size_t len = 0, m1;
	struct res r = { 0 };

	make_text();
	member(text, 1000, gz, sizeof(gz), &len);
	m1 = len;
	member(text, 3000, gz, sizeof(gz), &len);
	{
		struct input in = { gz, len, 0, 4096, 0 };
		gz[m1 - 8] ^= 1; /* member 1's CRC-32 */
		CHECK_STATUS(decode(&in, &r), RP_EINPUT);
		CHECK_EQ_STR(r.e.msg, "gzip member 1: CRC-32 mismatch (stream corrupt)");
		CHECK(!r.not_gzip);
		gz[m1 - 8] ^= 1;
	}
	{
		struct input in = { gz, len, 0, 4096, 0 };
		gz[len - 4] ^= 1; /* member 2's ISIZE */
		CHECK_STATUS(decode(&in, &r), RP_EINPUT);
		CHECK_EQ_STR(r.e.msg, "gzip member 2: ISIZE mismatch (stream corrupt)");
		CHECK_EQ_INT(r.members, 1);
		gz[len - 4] ^= 1;
	}
	{
		struct input in = { gz, len - 3, 0, 4096, 0 };
		CHECK_STATUS(decode(&in, &r), RP_EINPUT);
		CHECK(strstr(r.e.msg, "gzip member 2: unexpected end of data") != NULL);
	}
	free(r.out);
}

TEST(gunzip_bad_first_header_is_not_gzip)
{
	static const unsigned char fake[] = "\x1f\x8b\x08not really gzip";
	struct input in = { fake, sizeof(fake) - 1, 0, 4096, 0 };
	struct res r = { 0 };

	CHECK_STATUS(decode(&in, &r), RP_EINPUT);
	CHECK(r.not_gzip);
	CHECK(strstr(r.e.msg, "gzip member 1: ") == r.e.msg);
	free(r.out);
}

TEST(gunzip_pull_failure_passes_through)
{
	size_t len = 0;
	struct res r = { 0 };

	make_text();
	member(text, sizeof(text), gz, sizeof(gz), &len);
	{
		struct input in = { gz, len, 0, 100, 300 };
		CHECK_STATUS(decode(&in, &r), RP_EIO);
		CHECK_EQ_STR(r.e.msg, ""); /* the pull's own error stands */
	}
	free(r.out);
}
