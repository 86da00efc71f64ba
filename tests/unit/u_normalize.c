/*
 * Unit tests for verify/normalize.c: canonical rewrite per format, idempotence, --check,
 * TZ independence of zip times, and failures that leave no output.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "harness.h"
#include "mem.h"
#include "normalize.h"

struct ment {
	const char *path;
	unsigned type;
	unsigned mode;
	long long mtime;
	long long uid;
	const char *data;
};

static const struct ment tree_a[] = {
	{ "b/", AE_IFDIR, 0755, 100, 0, NULL },
	{ "b/z.txt", AE_IFREG, 0644, 100, 0, "zzz\n" },
	{ "a.sh", AE_IFREG, 0755, 100, 0, "#!/bin/sh\n" },
	{ "b/l", AE_IFLNK, 0777, 100, 0, "z.txt" },
};

static const struct ment tree_b[] = {
	{ "a.sh", AE_IFREG, 0755, 999, 1000, "#!/bin/sh\n" },
	{ "b/l", AE_IFLNK, 0777, 5, 7, "z.txt" },
	{ "b/z.txt", AE_IFREG, 0644, 12345, 1000, "zzz\n" },
	{ "b/", AE_IFDIR, 0755, 1, 1000, NULL },
};

static char *path_in(const char *name)
{
	return rp_xasprintf("%s/%s", rp_test_dir(), name);
}

static void write_archive(const char *path, int format, int filter, const struct ment *m, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();

	archive_write_set_format(a, format);
	if (filter)
		archive_write_add_filter(a, filter);
	archive_write_open_filename(a, path);
	for (size_t i = 0; i < n; i++) {
		archive_entry_clear(ae);
		archive_entry_set_pathname(ae, m[i].path);
		archive_entry_set_filetype(ae, m[i].type);
		archive_entry_set_perm(ae, m[i].mode);
		archive_entry_set_mtime(ae, (time_t)m[i].mtime, 0);
		archive_entry_set_uid(ae, m[i].uid);
		archive_entry_set_gid(ae, m[i].uid);
		if (m[i].type == AE_IFLNK)
			archive_entry_set_symlink(ae, m[i].data);
		archive_entry_set_size(ae, m[i].type == AE_IFREG ? (la_int64_t)strlen(m[i].data) : 0);
		archive_write_header(a, ae);
		if (m[i].type == AE_IFREG)
			archive_write_data(a, m[i].data, strlen(m[i].data));
	}
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(ae);
}

static int read_all(const char *path, char **data, size_t *len)
{
	return rp_read_file(path, 0, (size_t)1 << 26, data, len, NULL) == RP_OK ? 0 : -1;
}

static int same_file(const char *a, const char *b)
{
	char *da = NULL, *db = NULL;
	size_t la = 0, lb = 0;
	int same;

	if (read_all(a, &da, &la) || read_all(b, &db, &lb)) {
		free(da);
		free(db);
		return 0;
	}
	same = la == lb && memcmp(da, db, la) == 0;
	free(da);
	free(db);
	return same;
}

static enum rp_status norm(const char *in, const char *out, int64_t epoch, int clamp,
			   struct rp_err *e)
{
	struct rp_normalize_opts o;
	struct rp_normalize_result r = RP_NORMALIZE_RESULT_INIT;
	enum rp_status rc;

	memset(&o, 0, sizeof(o));
	o.norm.epoch = epoch;
	o.norm.clamp = clamp;
	rc = rp_normalize_file(in, out, &o, &r, e);
	rp_normalize_result_release(&r);
	return rc;
}

static int check_changed(const char *in, int64_t epoch)
{
	struct rp_normalize_opts o;
	struct rp_normalize_result r = RP_NORMALIZE_RESULT_INIT;
	struct rp_err e = RP_ERR_INIT;
	int changed = -2;

	memset(&o, 0, sizeof(o));
	o.norm.epoch = epoch;
	if (rp_normalize_check(in, &o, &r, &e) == RP_OK)
		changed = r.changed;
	rp_normalize_result_release(&r);
	return changed;
}

static void variants_normalize_equal(int format, int filter)
{
	char *a = path_in("a"), *b = path_in("b"), *na = path_in("na"), *nb = path_in("nb");
	char *nn = path_in("nn");
	struct rp_err e = RP_ERR_INIT;

	write_archive(a, format, filter, tree_a, 4);
	write_archive(b, format, filter, tree_b, 4);
	CHECK(!same_file(a, b));
	CHECK_STATUS(norm(a, na, 1700000000, 0, &e), RP_OK);
	CHECK_STATUS(norm(b, nb, 1700000000, 0, &e), RP_OK);
	CHECK(same_file(na, nb));
	/* idempotent, and --check agrees */
	CHECK_STATUS(norm(na, nn, 1700000000, 0, &e), RP_OK);
	CHECK(same_file(na, nn));
	CHECK_EQ_INT(check_changed(na, 1700000000), 0);
	CHECK_EQ_INT(check_changed(b, 1700000000), 1);
	/* another epoch is another canonical form */
	CHECK_EQ_INT(check_changed(na, 1), 1);
	free(a);
	free(b);
	free(na);
	free(nb);
	free(nn);
}

TEST(normalize_tar_variants)
{
	variants_normalize_equal(ARCHIVE_FORMAT_TAR_GNUTAR, 0);
}

TEST(normalize_tar_gz_variants)
{
	variants_normalize_equal(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP);
}

TEST(normalize_tar_xz_variants)
{
	variants_normalize_equal(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_XZ);
}

TEST(normalize_tar_zst_bz2_variants)
{
	variants_normalize_equal(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_ZSTD);
	variants_normalize_equal(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_BZIP2);
}

TEST(normalize_cpio_variants)
{
	variants_normalize_equal(ARCHIVE_FORMAT_CPIO_SVR4_NOCRC, 0);
	variants_normalize_equal(ARCHIVE_FORMAT_CPIO_POSIX, 0);
}

TEST(normalize_zip_variants)
{
	variants_normalize_equal(ARCHIVE_FORMAT_ZIP, 0);
}

TEST(normalize_output_is_canonical)
{
	char *b = path_in("b.tgz"), *nb = path_in("nb.tgz");
	struct rp_err e = RP_ERR_INIT;
	struct rp_arch_opts o;
	struct rp_arch *x = NULL;

	write_archive(b, ARCHIVE_FORMAT_TAR_GNUTAR, ARCHIVE_FILTER_GZIP, tree_b, 4);
	CHECK_STATUS(norm(b, nb, 42, 0, &e), RP_OK);
	memset(&o, 0, sizeof(o));
	o.norm.epoch = 42;
	CHECK_STATUS(rp_arch_scan_path(nb, &o, &x, &e), RP_OK);
	if (x) {
		CHECK_EQ_INT(x->filter, RP_FILTER_GZIP);
		CHECK(!x->reordered);
		CHECK_EQ_INT(x->gz_mtime, 0);
		CHECK(!x->gz_has_name);
		for (size_t i = 0; i < x->n; i++) {
			CHECK_EQ_INT(x->ents[i].mtime, 42);
			CHECK_EQ_INT(x->ents[i].uid, 0);
			CHECK_EQ_INT(x->ents[i].gid, 0);
			CHECK(!x->ents[i].uname || !*x->ents[i].uname);
			CHECK(!(x->ents[i].dropped & (RP_DROP_ATIME | RP_DROP_CTIME)));
		}
		CHECK_EQ_INT(x->ents[0].mode, 0755); /* a.sh keeps its permission bits */
	}
	rp_arch_free(x);
	free(b);
	free(nb);
}

TEST(normalize_clamp_keeps_older_mtimes)
{
	char *b = path_in("b.tar"), *nb = path_in("nb.tar");
	struct rp_err e = RP_ERR_INIT;
	struct rp_arch_opts o;
	struct rp_arch *x = NULL;

	write_archive(b, ARCHIVE_FORMAT_TAR_USTAR, 0, tree_b, 4);
	CHECK_STATUS(norm(b, nb, 1000, 1, &e), RP_OK);
	memset(&o, 0, sizeof(o));
	o.norm.epoch = 1000;
	o.norm.clamp = 1;
	CHECK_STATUS(rp_arch_scan_path(nb, &o, &x, &e), RP_OK);
	if (x && x->n == 4) {
		CHECK_EQ_INT(x->ents[0].mtime, 999);   /* a.sh */
		CHECK_EQ_INT(x->ents[1].mtime, 1);     /* b/ */
		CHECK_EQ_INT(x->ents[3].mtime, 1000);  /* b/z.txt, was 12345 */
	}
	rp_arch_free(x);
	free(b);
	free(nb);
}

TEST(normalize_zip_times_ignore_tz)
{
	char *a = path_in("a.zip"), *n1 = path_in("n1.zip"), *n2 = path_in("n2.zip");
	const char *old = getenv("TZ");
	char *saved = old ? rp_xstrdup(old) : NULL;
	struct rp_err e = RP_ERR_INIT;

	write_archive(a, ARCHIVE_FORMAT_ZIP, 0, tree_b, 4);
	setenv("TZ", "UTC", 1);
	tzset();
	CHECK_STATUS(norm(a, n1, 1700000000, 0, &e), RP_OK);
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	CHECK_STATUS(norm(a, n2, 1700000000, 0, &e), RP_OK);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	CHECK(same_file(n1, n2));
	free(saved);
	free(a);
	free(n1);
	free(n2);
}

TEST(normalize_plain_file_is_einput_and_writes_nothing)
{
	char *p = path_in("plain"), *o = path_in("out");
	struct rp_err e = RP_ERR_INIT;
	FILE *fp = fopen(p, "w");
	struct stat st;

	if (fp) {
		fputs("not an archive\n", fp);
		fclose(fp);
	}
	CHECK_STATUS(norm(p, o, 0, 0, &e), RP_EINPUT);
	CHECK(strstr(e.msg, "not an archive") != NULL);
	CHECK(stat(o, &st) != 0);
	CHECK_STATUS(norm(rp_test_dir(), o, 0, 0, &e), RP_EUSAGE);
	free(p);
	free(o);
}

TEST(normalize_truncated_keeps_existing_output)
{
	char *a = path_in("a.tgz"), *t = path_in("t.tgz"), *o = path_in("out");
	char *data = NULL, *kept = NULL;
	size_t len = 0, klen = 0;
	struct rp_err e = RP_ERR_INIT;
	FILE *fp;

	write_archive(a, ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, tree_a, 4);
	fp = read_all(a, &data, &len) == 0 ? fopen(t, "w") : NULL;
	if (fp) {
		fwrite(data, 1, len / 2, fp);
		fclose(fp);
	}
	fp = fopen(o, "w");
	if (fp) {
		fputs("keep", fp);
		fclose(fp);
	}
	CHECK_STATUS(norm(t, o, 0, 0, &e), RP_EINPUT);
	CHECK(read_all(o, &kept, &klen) == 0 && klen == 4 && memcmp(kept, "keep", 4) == 0);
	free(kept);
	free(data);
	free(a);
	free(t);
	free(o);
}
