/*
 * Unit tests for verify/archive_canon.c: magic detection, canonical order per format,
 * every normalization rule, the serialization, nesting, trailing data and the limits.
 * Archives are built in memory with libarchive's writer.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_canon.h"
#include "harness.h"
#include "mem.h"

struct ment {
	const char *path;
	unsigned type; /* AE_IF* */
	unsigned mode;
	long long mtime;
	long long uid;
	const char *data; /* content, or link target */
};

static size_t build(int format, int filter, const struct ment *m, size_t n, unsigned char *out,
		    size_t cap)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	size_t used = 0;

	archive_write_set_format(a, format);
	if (filter)
		archive_write_add_filter(a, filter);
	archive_write_set_bytes_in_last_block(a, 1);
	archive_write_open_memory(a, out, cap, &used);
	for (size_t i = 0; i < n; i++) {
		archive_entry_clear(ae);
		archive_entry_set_pathname(ae, m[i].path);
		archive_entry_set_filetype(ae, m[i].type);
		archive_entry_set_perm(ae, m[i].mode);
		archive_entry_set_mtime(ae, (time_t)m[i].mtime, 0);
		archive_entry_set_uid(ae, m[i].uid);
		archive_entry_set_gid(ae, m[i].uid);
		if (m[i].uid)
			archive_entry_set_uname(ae, "someone");
		if (m[i].type == AE_IFLNK) {
			archive_entry_set_symlink(ae, m[i].data);
			archive_entry_set_size(ae, 0);
		} else if (m[i].type == AE_IFREG) {
			archive_entry_set_size(ae, (la_int64_t)strlen(m[i].data ? m[i].data : ""));
		} else {
			archive_entry_set_size(ae, 0);
		}
		archive_write_header(a, ae);
		if (m[i].type == AE_IFREG && m[i].data)
			archive_write_data(a, m[i].data, strlen(m[i].data));
	}
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(ae);
	return used;
}

static unsigned char buf1[1 << 20], buf2[1 << 20];

static struct rp_arch *scan(const unsigned char *p, size_t n, const struct rp_arch_opts *o)
{
	struct rp_arch_opts def;
	struct rp_err e = RP_ERR_INIT;
	struct rp_arch *a = NULL;

	memset(&def, 0, sizeof(def));
	if (rp_arch_scan_mem(p, n, "mem", o ? o : &def, &a, &e) != RP_OK) {
		rp_test_fail(__FILE__, __LINE__, "scan failed: %s", e.msg);
		return NULL;
	}
	return a;
}

static const struct ment tree_a[] = {
	{ "b/", AE_IFDIR, 0755, 100, 0, NULL },
	{ "b/z.txt", AE_IFREG, 0644, 100, 0, "zzz\n" },
	{ "a.txt", AE_IFREG, 0600, 100, 0, "aaa\n" },
	{ "b/l", AE_IFLNK, 0777, 100, 0, "z.txt" },
};

/* the same tree: other order, owners and mtimes */
static const struct ment tree_b[] = {
	{ "a.txt", AE_IFREG, 0600, 999, 1000, "aaa\n" },
	{ "b/l", AE_IFLNK, 0777, 5, 7, "z.txt" },
	{ "b/z.txt", AE_IFREG, 0644, 12345, 1000, "zzz\n" },
	{ "b/", AE_IFDIR, 0755, 1, 1000, NULL },
};

TEST(detect_by_magic)
{
	enum rp_arch_filter f;
	unsigned char tar[512];

	CHECK_EQ_INT(rp_arch_detect((const unsigned char *)"\x1f\x8b\x08\0", 4, &f), RP_ARCH_RAW);
	CHECK_EQ_INT(f, RP_FILTER_GZIP);
	CHECK_EQ_INT(rp_arch_detect((const unsigned char *)"\xfd" "7zXZ\0\0", 7, &f), RP_ARCH_RAW);
	CHECK_EQ_INT(f, RP_FILTER_XZ);
	CHECK_EQ_INT(rp_arch_detect((const unsigned char *)"\x28\xb5\x2f\xfd", 4, &f), RP_ARCH_RAW);
	CHECK_EQ_INT(f, RP_FILTER_ZSTD);
	CHECK_EQ_INT(rp_arch_detect((const unsigned char *)"BZh9", 4, &f), RP_ARCH_RAW);
	CHECK_EQ_INT(f, RP_FILTER_BZIP2);
	CHECK_EQ_INT(rp_arch_detect((const unsigned char *)"PK\3\4xxxx", 8, &f), RP_ARCH_ZIP);
	CHECK_EQ_INT(rp_arch_detect((const unsigned char *)"PK\5\6xxxx", 8, &f), RP_ARCH_ZIP);
	CHECK_EQ_INT(rp_arch_detect((const unsigned char *)"!<arch>\ndebian-binary   ", 24, &f),
		     RP_ARCH_DEB);
	CHECK_EQ_INT(rp_arch_detect((const unsigned char *)"!<arch>\nfoo.o/          ", 24, &f),
		     RP_ARCH_AR);
	CHECK_EQ_INT(rp_arch_detect((const unsigned char *)"070701000", 9, &f), RP_ARCH_CPIO);
	CHECK_EQ_INT(rp_arch_detect((const unsigned char *)"070707000", 9, &f), RP_ARCH_CPIO);
	memset(tar, 0, sizeof(tar));
	memcpy(tar + 257, "ustar", 5);
	CHECK_EQ_INT(rp_arch_detect(tar, sizeof(tar), &f), RP_ARCH_TAR);
	CHECK_EQ_INT(f, RP_FILTER_NONE);
	/* names never matter, and short or unknown data is a plain file */
	CHECK_EQ_INT(rp_arch_detect((const unsigned char *)"hello.tar.gz", 12, &f), RP_ARCH_NONE);
	CHECK_EQ_INT(rp_arch_detect(tar, 300, &f), RP_ARCH_NONE);
	CHECK_EQ_INT(rp_arch_detect((const unsigned char *)"", 0, &f), RP_ARCH_NONE);
}

TEST(tar_canonical_order_and_equal_streams)
{
	size_t n1 = build(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, 0, tree_a, 4, buf1, sizeof(buf1));
	size_t n2 = build(ARCHIVE_FORMAT_TAR_GNUTAR, ARCHIVE_FILTER_GZIP, tree_b, 4, buf2,
			  sizeof(buf2));
	struct rp_arch *a = scan(buf1, n1, NULL), *b = scan(buf2, n2, NULL);

	if (!a || !b)
		goto out;
	CHECK_EQ_INT(a->kind, RP_ARCH_TAR);
	CHECK_EQ_INT(b->kind, RP_ARCH_TAR);
	CHECK_EQ_INT(b->filter, RP_FILTER_GZIP);
	CHECK_EQ_INT(a->n, 4);
	CHECK_EQ_STR(a->ents[0].path, "a.txt");
	CHECK_EQ_STR(a->ents[1].path, "b/");
	CHECK_EQ_STR(a->ents[2].path, "b/l");
	CHECK_EQ_STR(a->ents[3].path, "b/z.txt");
	CHECK(a->reordered);
	CHECK(b->reordered); /* "b/" stored after "b/z.txt" */
	CHECK_EQ_MEM(a->canon_sha, b->canon_sha, RP_SHA256_LEN);
	CHECK(memcmp(a->raw_sha, b->raw_sha, RP_SHA256_LEN) != 0);
out:
	rp_arch_free(a);
	rp_arch_free(b);
}

TEST(normalize_rules_owner_mtime_set)
{
	size_t n = build(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, 0, tree_b, 4, buf1, sizeof(buf1));
	struct rp_arch_opts o;
	struct rp_arch *a;

	memset(&o, 0, sizeof(o));
	o.norm.epoch = 500;
	a = scan(buf1, n, &o);
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		CHECK_EQ_INT(a->ents[i].nmtime, 500);
		CHECK(a->ents[i].dropped & RP_DROP_MTIME);
	}
	CHECK_EQ_STR(a->ents[0].path, "a.txt");
	CHECK_EQ_INT(a->ents[0].uid, 1000);
	CHECK(a->ents[0].dropped & RP_DROP_OWNER);
	CHECK(a->ents[0].dropped & RP_DROP_UNAME);
	/* permission bits are kept for tar */
	CHECK_EQ_INT(a->ents[0].nmode, 0600);
	rp_arch_free(a);
}

TEST(normalize_rules_clamp)
{
	size_t n = build(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, 0, tree_b, 4, buf1, sizeof(buf1));
	struct rp_arch_opts o;
	struct rp_arch *a;

	memset(&o, 0, sizeof(o));
	o.norm.epoch = 1000;
	o.norm.clamp = 1;
	a = scan(buf1, n, &o);
	if (!a)
		return;
	/* a.txt 999 stays, b/ 1 stays, b/l 5 stays, b/z.txt 12345 -> 1000 */
	CHECK_EQ_INT(a->ents[0].nmtime, 999);
	CHECK_EQ_INT(a->ents[1].nmtime, 1);
	CHECK_EQ_INT(a->ents[2].nmtime, 5);
	CHECK_EQ_INT(a->ents[3].nmtime, 1000);
	CHECK(!(a->ents[0].dropped & RP_DROP_MTIME));
	CHECK(a->ents[3].dropped & RP_DROP_MTIME);
	rp_arch_free(a);
}

TEST(zip_modes_and_manifest_first)
{
	static const struct ment z[] = {
		{ "org/x.class", AE_IFREG, 0600, 1000000000, 0, "cafe" },
		{ "META-INF/MANIFEST.MF", AE_IFREG, 0644, 1000000000, 0, "Manifest-Version: 1.0\n" },
		{ "bin/run", AE_IFREG, 0700, 1000000000, 0, "#!" },
		{ "META-INF/", AE_IFDIR, 0700, 1000000000, 0, NULL },
		{ "AAA", AE_IFREG, 0644, 1000000000, 0, "a" },
	};
	size_t n = build(ARCHIVE_FORMAT_ZIP, 0, z, 5, buf1, sizeof(buf1));
	struct rp_arch *a = scan(buf1, n, NULL);

	if (!a)
		return;
	CHECK_EQ_INT(a->kind, RP_ARCH_ZIP);
	CHECK_EQ_INT(a->n, 5);
	CHECK_EQ_STR(a->ents[0].path, "META-INF/");
	CHECK_EQ_STR(a->ents[1].path, "META-INF/MANIFEST.MF");
	CHECK_EQ_STR(a->ents[2].path, "AAA");
	CHECK_EQ_STR(a->ents[3].path, "bin/run");
	CHECK_EQ_STR(a->ents[4].path, "org/x.class");
	CHECK_EQ_INT(a->ents[0].nmode, 0755);  /* directory */
	CHECK_EQ_INT(a->ents[3].nmode, 0755);  /* executable */
	CHECK_EQ_INT(a->ents[4].nmode, 0644);  /* 0600 file */
	CHECK(a->ents[4].dropped & RP_DROP_MODE);
	rp_arch_free(a);
}

TEST(cpio_order)
{
	size_t n = build(ARCHIVE_FORMAT_CPIO_SVR4_NOCRC, 0, tree_b, 4, buf1, sizeof(buf1));
	struct rp_arch *a = scan(buf1, n, NULL);

	if (!a)
		return;
	CHECK_EQ_INT(a->kind, RP_ARCH_CPIO);
	CHECK_EQ_INT(a->n, 4);
	CHECK_EQ_STR(a->ents[0].path, "a.txt");
	CHECK_EQ_STR(a->ents[3].path, "b/z.txt");
	rp_arch_free(a);
}

/* A .deb-like ar: debian-binary, control, data whatever the stored order. */
TEST(deb_fixed_order_and_nesting)
{
	unsigned char tarbuf[8192];
	size_t tn = build(ARCHIVE_FORMAT_TAR_USTAR, 0, tree_a, 4, tarbuf, sizeof(tarbuf));
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	const char *names[] = { "debian-binary", "data.tar", "control.tar", "zzz-extra" };
	size_t used = 0;
	struct rp_arch *x;

	archive_write_set_format_ar_svr4(a);
	archive_write_open_memory(a, buf1, sizeof(buf1), &used);
	for (int i = 0; i < 4; i++) {
		const void *d = i == 0 ? (const void *)"2.0\n" : tarbuf;
		size_t dn = i == 0 ? 4 : i == 3 ? 3 : tn;
		archive_entry_clear(ae);
		archive_entry_set_pathname(ae, names[i]);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, (la_int64_t)dn);
		archive_write_header(a, ae);
		archive_write_data(a, i == 3 ? "xyz" : d, dn);
	}
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(ae);
	x = scan(buf1, used, NULL);
	if (!x)
		return;
	CHECK_EQ_INT(x->kind, RP_ARCH_DEB);
	CHECK_EQ_INT(x->n, 4);
	CHECK_EQ_STR(x->ents[0].path, "debian-binary");
	CHECK_EQ_STR(x->ents[1].path, "control.tar");
	CHECK_EQ_STR(x->ents[2].path, "data.tar");
	CHECK_EQ_STR(x->ents[3].path, "zzz-extra");
	/* stored data.tar before control.tar: dpkg-deb refuses it, the stream keeps it */
	CHECK(x->order != NULL && strcmp(x->order, "debian-binary data.tar control.tar") == 0);
	CHECK(x->ents[2].sub != NULL);
	if (x->ents[2].sub) {
		CHECK_EQ_INT(x->ents[2].sub->kind, RP_ARCH_TAR);
		CHECK_EQ_INT(x->ents[2].sub->n, 4);
		/* a nested archive's canonical digest is its stream's, not its bytes' */
		CHECK_EQ_MEM(x->ents[2].csha, x->ents[2].sub->canon_sha, RP_SHA256_LEN);
	}
	CHECK(x->ents[0].sub == NULL);
	rp_arch_free(x);
}

TEST(serialization_is_deterministic_and_escaped)
{
	static const struct ment m[] = {
		{ "sp ace\n%", AE_IFREG, 0644, 0, 0, "x" },
	};
	size_t n = build(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, 0, m, 1, buf1, sizeof(buf1));
	struct rp_arch *a = scan(buf1, n, NULL);
	struct rp_buf b = RP_BUF_INIT(1 << 20);
	struct rp_err e = RP_ERR_INIT;

	if (!a)
		return;
	CHECK_STATUS(rp_arch_serialize(a, &b, &e), RP_OK);
	CHECK(b.data && strstr(b.data, "reprove-canonical 1 tar\n") == b.data);
	CHECK(b.data && strstr(b.data, " sp%20ace%0a%25\n") != NULL);
	CHECK(b.data && strchr(b.data, '\n') && !strstr(b.data, "ace\n%"));
	rp_buf_release(&b);
	rp_arch_free(a);
}

TEST(plain_bytes_are_not_an_archive)
{
	struct rp_arch *a = scan((const unsigned char *)"just text\n", 10, NULL);
	struct rp_arch *b = scan((const unsigned char *)"just text!\n", 11, NULL);

	if (!a || !b)
		goto out;
	CHECK_EQ_INT(a->kind, RP_ARCH_NONE);
	CHECK_EQ_INT(a->n, 0);
	CHECK(memcmp(a->canon_sha, b->canon_sha, RP_SHA256_LEN) != 0);
out:
	rp_arch_free(a);
	rp_arch_free(b);
}

TEST(trailing_data_after_gzip_is_canonical)
{
	size_t n = build(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, tree_a, 4, buf1,
			 sizeof(buf1));
	struct rp_arch *a, *b, *c;

	memcpy(buf2, buf1, n);
	memcpy(buf2 + n, "hidden", 6);
	a = scan(buf1, n, NULL);
	b = scan(buf2, n + 6, NULL);
	memset(buf2 + n, 0, 6);
	c = scan(buf2, n + 6, NULL);
	if (a && b && c) {
		CHECK(b->has_tail);
		CHECK(memcmp(a->canon_sha, b->canon_sha, RP_SHA256_LEN) != 0);
		/* zero padding is not data */
		CHECK(!c->has_tail);
		CHECK_EQ_MEM(a->canon_sha, c->canon_sha, RP_SHA256_LEN);
	}
	rp_arch_free(a);
	rp_arch_free(b);
	rp_arch_free(c);
}

TEST(truncated_is_einput)
{
	size_t n = build(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, tree_a, 4, buf1,
			 sizeof(buf1));
	struct rp_arch_opts o;
	struct rp_err e = RP_ERR_INIT;
	struct rp_arch *a = NULL;

	memset(&o, 0, sizeof(o));
	CHECK_STATUS(rp_arch_scan_mem(buf1, n / 2, "t.tgz", &o, &a, &e), RP_EINPUT);
	CHECK(a == NULL);
	CHECK(strstr(e.msg, "'t.tgz'") != NULL);
}

TEST(limits_total_and_entries)
{
	static char big[200000];
	struct ment m[] = { { "big", AE_IFREG, 0644, 0, 0, big } };
	struct rp_arch_opts o;
	struct rp_err e = RP_ERR_INIT;
	struct rp_arch *a = NULL;
	size_t n;

	memset(big, 'A', sizeof(big) - 1);
	n = build(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, m, 1, buf1, sizeof(buf1));
	memset(&o, 0, sizeof(o));
	o.lim.max_total = 100000;
	CHECK_STATUS(rp_arch_scan_mem(buf1, n, "b.tgz", &o, &a, &e), RP_EINPUT);
	CHECK(strstr(e.msg, "exceeds the limit") != NULL);
	memset(&o, 0, sizeof(o));
	o.lim.max_ratio = 10;
	o.lim.ratio_floor = 1000;
	CHECK_STATUS(rp_arch_scan_mem(buf1, n, "b.tgz", &o, &a, &e), RP_EINPUT);
	CHECK(strstr(e.msg, "decompression bomb") != NULL);
	n = build(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, 0, tree_a, 4, buf1, sizeof(buf1));
	memset(&o, 0, sizeof(o));
	o.lim.max_entries = 3;
	CHECK_STATUS(rp_arch_scan_mem(buf1, n, "e.tar", &o, &a, &e), RP_EINPUT);
	CHECK(strstr(e.msg, "more than 3 members") != NULL);
}

TEST(depth_limit_stops_nesting)
{
	unsigned char inner[8192];
	size_t in = build(ARCHIVE_FORMAT_TAR_USTAR, 0, tree_a, 4, inner, sizeof(inner));
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	struct rp_arch_opts o;
	struct rp_arch *x;
	size_t used = 0;

	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, buf1, sizeof(buf1), &used);
	archive_entry_set_pathname(ae, "inner.tar");
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_size(ae, (la_int64_t)in);
	archive_write_header(a, ae);
	archive_write_data(a, inner, in);
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(ae);
	x = scan(buf1, used, NULL);
	if (x) {
		CHECK(x->ents[0].sub != NULL);
		CHECK(x->ents[0].note == NULL);
		rp_arch_free(x);
	}
	memset(&o, 0, sizeof(o));
	o.lim.max_depth = 1;
	x = scan(buf1, used, &o);
	if (x) {
		CHECK(x->ents[0].sub == NULL);
		/* reports say why the member was compared as bytes */
		CHECK_EQ_STR(x->ents[0].note, "not decoded as tar (depth limit 1): compared as bytes");
		rp_arch_free(x);
	}
}

TEST(unsafe_member_paths_flagged)
{
	static const struct ment m[] = {
		{ "/etc/passwd", AE_IFREG, 0644, 0, 0, "x" },
		{ "../up", AE_IFREG, 0644, 0, 0, "x" },
		{ "ok", AE_IFLNK, 0777, 0, 0, "../../out" },
		{ "fine", AE_IFREG, 0644, 0, 0, "x" },
	};
	size_t n = build(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, 0, m, 4, buf1, sizeof(buf1));
	struct rp_arch *a = scan(buf1, n, NULL);
	int bad = 0;

	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->ents[i].path, "fine") == 0)
			CHECK_EQ_INT(a->ents[i].unsafe, 0);
		else
			bad += a->ents[i].unsafe != 0;
	}
	CHECK_EQ_INT(bad, 3);
	rp_arch_free(a);
}

TEST(flatten_names_nested_members)
{
	unsigned char inner[8192];
	size_t in = build(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, tree_a, 4, inner,
			  sizeof(inner));
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	struct rp_arch_flat *f;
	struct rp_arch *x;
	size_t used = 0, nf;

	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, buf1, sizeof(buf1), &used);
	archive_entry_set_pathname(ae, "in.tgz");
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_size(ae, (la_int64_t)in);
	archive_write_header(a, ae);
	archive_write_data(a, inner, in);
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(ae);
	x = scan(buf1, used, NULL);
	if (!x)
		return;
	rp_arch_flatten(x, &f, &nf);
	CHECK_EQ_INT(nf, 5);
	if (nf == 5) {
		CHECK_EQ_STR(f[0].path, "in.tgz");
		CHECK_EQ_STR(f[1].path, "in.tgz!/a.txt");
		CHECK_EQ_INT(f[1].depth, 1);
		CHECK_EQ_STR(f[4].path, "in.tgz!/b/z.txt");
	}
	rp_arch_flat_free(f, nf);
	rp_arch_free(x);
}

TEST(tar_hardlink_group_is_canonical)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	struct rp_arch *x;
	size_t used = 0;

	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, buf1, sizeof(buf1), &used);
	archive_entry_set_pathname(ae, "z/target");
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_size(ae, 4);
	archive_write_header(a, ae);
	archive_write_data(a, "data", 4);
	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, "a/link");
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_hardlink(ae, "z/target");
	archive_entry_set_size(ae, 0);
	archive_write_header(a, ae);
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(ae);
	x = scan(buf1, used, NULL);
	if (!x)
		return;
	CHECK_EQ_INT(x->n, 2);
	CHECK_EQ_STR(x->ents[0].path, "a/link");
	CHECK_EQ_INT(x->ents[0].type, RP_ENT_FILE);
	CHECK_EQ_INT(x->ents[0].size, 4);
	CHECK_EQ_INT(x->ents[1].type, RP_ENT_HARDLINK);
	CHECK_EQ_STR(x->ents[1].link, "a/link");
	rp_arch_free(x);
}

TEST(malformed_pax_record_is_einput_and_utf8_names_are_read)
{
	static const struct ment m[] = {
		{ "caf\xc3\xa9-a-long-enough-name.txt", AE_IFREG, 0644, 0, 1, "x" },
	};
	size_t n = build(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, 0, m, 1, buf1, sizeof(buf1));
	struct rp_arch_opts o;
	struct rp_err e = RP_ERR_INIT;
	struct rp_arch *a = scan(buf1, n, NULL);
	unsigned char *rec;

	/* the non-ASCII name comes back as stored, with no warning, in the C locale */
	CHECK(a && a->n == 1 && strcmp(a->ents[0].path, m[0].path) == 0);
	rp_arch_free(a);
	a = NULL;
	/* the pax 'x' body follows the first header: break its first record's length */
	rec = buf1 + 512;
	CHECK(rec[0] >= '1' && rec[0] <= '9');
	rec[0] = '9';
	rec[1] = '9';
	memset(&o, 0, sizeof(o));
	CHECK_STATUS(rp_arch_scan_mem(buf1, n, "p.tar", &o, &a, &e), RP_EINPUT);
	CHECK(a == NULL);
	CHECK(strstr(e.msg, "'p.tar': member 1 (") == e.msg);
	CHECK(strstr(e.msg, "malformed header: ignoring malformed pax extended attribute") != NULL);
}

/* Find the n-th (0-based) occurrence of a 4-byte signature. */
static unsigned char *find_sig(unsigned char *p, size_t n, const char *sig, int nth)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (memcmp(p + i, sig, 4) == 0 && nth-- == 0)
			return p + i;
	return NULL;
}

TEST(zip_local_and_central_names_must_agree)
{
	static const struct ment z[] = {
		{ "bin/tool", AE_IFREG, 0755, 1000000000, 0, "good" },
		{ "doc/readme", AE_IFREG, 0644, 1000000000, 0, "text" },
	};
	size_t n = build(ARCHIVE_FORMAT_ZIP, 0, z, 2, buf1, sizeof(buf1)), tn;
	struct rp_arch_opts o;
	struct rp_err e = RP_ERR_INIT;
	struct rp_arch *a = scan(buf1, n, NULL);
	unsigned char *cd;

	CHECK(a && a->n == 2);
	rp_arch_free(a);
	a = NULL;
	/* the second central record names "doc/readmf": its local header still says readme */
	cd = find_sig(buf1, n, "PK\1\2", 1);
	CHECK(cd != NULL);
	if (!cd)
		return;
	cd[46 + 9] = 'f';
	memset(&o, 0, sizeof(o));
	CHECK_STATUS(rp_arch_scan_mem(buf1, n, "z.zip", &o, &a, &e), RP_EINPUT);
	CHECK(a == NULL);
	CHECK(strstr(e.msg, "'z.zip': member 'doc/readmf': its local header at offset") == e.msg);
	/* nested, the same zip is refused too, not compared as bytes */
	tn = 0;
	{
		/* a tar holding the zip (build() takes NUL-terminated data: written by hand) */
		struct archive *w = archive_write_new();
		struct archive_entry *ae = archive_entry_new();
		archive_write_set_format(w, ARCHIVE_FORMAT_TAR_USTAR);
		archive_write_open_memory(w, buf2, sizeof(buf2), &tn);
		archive_entry_set_pathname(ae, "app.jar");
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, (la_int64_t)n);
		archive_write_header(w, ae);
		archive_write_data(w, buf1, n);
		archive_write_close(w);
		archive_write_free(w);
		archive_entry_free(ae);
	}
	rp_err_clear(&e);
	CHECK_STATUS(rp_arch_scan_mem(buf2, tn, "t.tar", &o, &a, &e), RP_EINPUT);
	CHECK(a == NULL);
	CHECK(strstr(e.msg, "'t.tar!/app.jar': member 'doc/readmf'") == e.msg);
}

TEST(tar_global_header_setting_path_is_einput)
{
	static const struct ment m[] = {
		{ "bin/tool", AE_IFREG, 0755, 0, 0, "good" },
		{ "pax_global_header", AE_IFREG, 0644, 0, 0, "17 path=bin/tool\n" },
		{ "doc/readme", AE_IFREG, 0644, 0, 0, "evil" },
	};
	size_t n = build(ARCHIVE_FORMAT_TAR_USTAR, 0, m, 3, buf1, sizeof(buf1));
	unsigned char *h = buf1 + 1024;
	unsigned sum = 0;
	struct rp_arch_opts o;
	struct rp_err e = RP_ERR_INIT;
	struct rp_arch *a = NULL;

	/* the second member becomes a 'g' header (checksum recomputed) */
	h[156] = 'g';
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	memset(&o, 0, sizeof(o));
	CHECK_STATUS(rp_arch_scan_mem(buf1, n, "g.tar", &o, &a, &e), RP_EINPUT);
	CHECK(a == NULL);
	CHECK_EQ_STR(e.msg, "'g.tar': pax global header at offset 1024 sets 'path', which tar "
			    "implementations apply differently");
	/* a global comment (git archive) is harmless */
	memcpy(h + 512, "17 comment=c0ff\n", 17);
	rp_err_clear(&e);
	CHECK_STATUS(rp_arch_scan_mem(buf1, n, "g.tar", &o, &a, &e), RP_OK);
	CHECK(a && a->n == 2);
	rp_arch_free(a);
}
