/*
 * Unit tests for verify/release.c: artifact names, --out checks, staging (duplicates, digest
 * re-check, sorted SHA256SUMS, all-or-nothing rename) and reading a release directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "harness.h"
#include "hash.h"
#include "mem.h"
#include "release.h"

static char *path_in(const char *name)
{
	return rp_xasprintf("%s/%s", rp_test_dir(), name);
}

static void put(const char *name, const char *text)
{
	char *p = path_in(name);
	FILE *fp = fopen(p, "w");

	CHECK(fp != NULL);
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	free(p);
}

static char *slurp(const char *path)
{
	struct rp_err e = RP_ERR_INIT;
	char *d = NULL;
	size_t n = 0;

	if (rp_read_file(path, 0, 1 << 20, &d, &n, &e))
		return NULL;
	return d;
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

TEST(release_names)
{
	CHECK(rp_release_name_problem("hello-1.0.tar.gz") == NULL);
	CHECK(rp_release_name_problem("with space") == NULL);
	CHECK(rp_release_name_problem("") != NULL);
	CHECK(rp_release_name_problem("a/b") != NULL);
	CHECK(rp_release_name_problem("..") != NULL);
	CHECK(rp_release_name_problem(".") != NULL);
	CHECK(rp_release_name_problem("a\nb") != NULL);
	CHECK(rp_release_name_problem("SHA256SUMS") != NULL);
	CHECK(rp_release_name_problem("SHA256SUMS.minisig") != NULL);
	CHECK(rp_release_name_problem("provenance.intoto.jsonl") != NULL);
}

TEST(release_out_ok)
{
	struct rp_err e = RP_ERR_INIT;
	char *absent = path_in("absent"), *empty = path_in("empty"), *full = path_in("full"),
	     *file = path_in("file");

	mkdir(empty, 0755);
	mkdir(full, 0755);
	put("full/x", "x");
	put("file", "x");
	CHECK_STATUS(rp_release_out_ok(absent, &e), RP_OK);
	CHECK_STATUS(rp_release_out_ok(empty, &e), RP_OK);
	CHECK_STATUS(rp_release_out_ok(full, &e), RP_EIO);
	CHECK(strstr(e.msg, "not empty") != NULL);
	CHECK_STATUS(rp_release_out_ok(file, &e), RP_EIO);
	CHECK(strstr(e.msg, "not a directory") != NULL);
	free(absent);
	free(empty);
	free(full);
	free(file);
}

TEST(release_stage_commit)
{
	struct rp_err e = RP_ERR_INIT;
	struct rp_release_stage s = RP_RELEASE_STAGE_INIT;
	unsigned char db[32], wrong[32] = { 0 };
	char *out = path_in("rel"), *b = path_in("b.txt"), *a = path_in("a.txt"), *sums, *text;
	char hb[65], ha[65], want[256];

	put("b.txt", "bee\n");
	put("a.txt", "ay\n");
	CHECK_STATUS(rp_hash_path(b, db, NULL, &e), RP_OK);
	CHECK_STATUS(rp_release_stage_open(&s, out, &e), RP_OK);
	CHECK_STATUS(rp_release_add(&s, b, "b.txt", db, &e), RP_OK);
	CHECK_STATUS(rp_release_add(&s, a, "a.txt", NULL, &e), RP_OK);
	/* a duplicate base name and a wrong digest are refused, the staged set unchanged */
	CHECK_STATUS(rp_release_add(&s, a, "b.txt", NULL, &e), RP_EINPUT);
	CHECK(strstr(e.msg, "two artifacts named 'b.txt'") != NULL);
	CHECK_STATUS(rp_release_add(&s, a, "c.txt", wrong, &e), RP_FAIL);
	CHECK_STATUS(rp_release_add(&s, a, "../x", NULL, &e), RP_EINPUT);
	CHECK_EQ_INT(s.n, 2);
	CHECK(!exists(out));
	CHECK_STATUS(rp_release_write_sums(&s, &sums, &e), RP_OK);
	free(sums);
	CHECK_STATUS(rp_release_commit(&s, &e), RP_OK);
	CHECK(s.tmp == NULL);
	sums = path_in("rel/SHA256SUMS");
	text = slurp(sums);
	rp_hex(db, 32, hb);
	{
		unsigned char da[32];
		rp_hash_path(a, da, NULL, &e);
		rp_hex(da, 32, ha);
	}
	/* sorted bytewise, two spaces, as sha256sum writes */
	snprintf(want, sizeof(want), "%s  a.txt\n%s  b.txt\n", ha, hb);
	CHECK_EQ_STR(text, want);
	free(text);
	free(sums);
	sums = path_in("rel/c.txt");
	CHECK(!exists(sums));
	free(sums);
	free(out);
	free(a);
	free(b);
}

TEST(release_commit_refuses_nonempty_and_cleans_up)
{
	struct rp_err e = RP_ERR_INIT;
	struct rp_release_stage s = RP_RELEASE_STAGE_INIT;
	char *out = path_in("rel"), *a = path_in("a.txt"), *tmp;

	put("a.txt", "ay\n");
	CHECK_STATUS(rp_release_stage_open(&s, out, &e), RP_OK);
	CHECK_STATUS(rp_release_add(&s, a, "a.txt", NULL, &e), RP_OK);
	tmp = rp_xstrdup(s.tmp);
	/* someone fills the target meanwhile */
	mkdir(out, 0755);
	put("rel/other", "x");
	CHECK_STATUS(rp_release_commit(&s, &e), RP_EIO);
	CHECK(strstr(e.msg, "not empty") != NULL);
	CHECK(!exists(tmp));
	free(tmp);
	/* abort removes the staging directory too */
	free(out);
	out = path_in("rel2");
	CHECK_STATUS(rp_release_stage_open(&s, out, &e), RP_OK);
	tmp = rp_xstrdup(s.tmp);
	CHECK_STATUS(rp_release_add(&s, a, "a.txt", NULL, &e), RP_OK);
	rp_release_abort(&s);
	CHECK(!exists(tmp));
	free(tmp);
	free(out);
	free(a);
}

TEST(release_open_dir)
{
	struct rp_err e = RP_ERR_INIT;
	struct rp_release r = RP_RELEASE_INIT;
	unsigned char d[32];
	char hex[65], *dir = path_in("pub"), *sums;
	const struct rp_release_file *f;

	mkdir(dir, 0755);
	put("pub/a.txt", "ay\n");
	put("pub/b.txt", "bee\n");
	rp_sha256("ay\n", 3, d);
	rp_hex(d, 32, hex);
	sums = rp_xasprintf("%s  a.txt\n%s  b.txt\n", hex, hex);
	put("pub/SHA256SUMS", sums);
	free(sums);
	CHECK_STATUS(rp_release_open(&r, dir, NULL, &e), RP_OK);
	CHECK_EQ_INT(r.nfiles, 2);
	f = rp_release_find(&r, "a.txt");
	CHECK(f && f->matches_sums);
	f = rp_release_find(&r, "b.txt");
	CHECK(f && !f->matches_sums); /* reported by the caller, not an error */
	CHECK(r.sums_sig_path == NULL && r.prov_path == NULL);
	rp_release_close(&r);

	/* a name that is a path is malformed input, naming the line */
	sums = rp_xasprintf("%s  a.txt\n%s  ../b.txt\n", hex, hex);
	put("pub/SHA256SUMS", sums);
	free(sums);
	CHECK_STATUS(rp_release_open(&r, dir, NULL, &e), RP_EINPUT);
	CHECK(strstr(e.msg, "line 2") != NULL);
	CHECK(r.files == NULL);
	/* a listed file that is missing is an I/O error */
	sums = rp_xasprintf("%s  gone.txt\n", hex);
	put("pub/SHA256SUMS", sums);
	free(sums);
	CHECK_STATUS(rp_release_open(&r, dir, NULL, &e), RP_EIO);
	/* an empty list */
	put("pub/SHA256SUMS", "");
	CHECK_STATUS(rp_release_open(&r, dir, NULL, &e), RP_EINPUT);
	free(dir);
}

/* Review findings 2 and 9: the release is read once into a private copy; only regular files. */
TEST(release_open_private_copy_regular_only)
{
	struct rp_err e = RP_ERR_INIT;
	struct rp_release r = RP_RELEASE_INIT;
	struct rp_fetch_opts o = RP_FETCH_OPTS_INIT;
	unsigned char d[32];
	char hex[65], *dir = path_in("priv"), *sums, *link, *target, *got;
	const struct rp_release_file *f;
	struct stat st;

	mkdir(dir, 0755);
	put("priv/a.txt", "ay\n");
	rp_sha256("ay\n", 3, d);
	rp_hex(d, 32, hex);
	sums = rp_xasprintf("%s  a.txt\n", hex);
	put("priv/SHA256SUMS", sums);
	free(sums);
	CHECK_STATUS(rp_release_open(&r, dir, NULL, &e), RP_OK);
	f = rp_release_find(&r, "a.txt");
	CHECK(f && f->matches_sums && f->size == 3);
	CHECK(f && strncmp(f->path, r.tmpdir, strlen(r.tmpdir)) == 0);
	CHECK(stat(r.tmpdir, &st) == 0 && (st.st_mode & 0777) == 0700);
	/* rewriting the release afterwards does not reach what is compared */
	put("priv/a.txt", "changed\n");
	got = f ? slurp(f->path) : NULL;
	CHECK(got && strcmp(got, "ay\n") == 0);
	free(got);
	got = rp_xstrdup(r.tmpdir);
	rp_release_close(&r);
	CHECK(access(got, F_OK) != 0);
	free(got);

	/* the size cap covers local files too: RP_EIO naming the file (SHA256SUMS fits) */
	put("priv/a.txt", "0123456789012345678901234567890123456789012345678901234567890123456789"
			  "0123456789012345678901234567890123456789\n");
	o.max_size = 100;
	CHECK_STATUS(rp_release_open(&r, dir, &o, &e), RP_EIO);
	CHECK(strstr(e.msg, "priv/a.txt': larger than 100 bytes") != NULL);

	/* a symbolic link in a file's place is malformed input, and never read */
	put("secret", "TOPSECRET\n");
	link = path_in("priv/a.txt");
	target = path_in("secret");
	unlink(link);
	CHECK(symlink(target, link) == 0);
	CHECK_STATUS(rp_release_open(&r, dir, NULL, &e), RP_EINPUT);
	CHECK(strstr(e.msg, "is a symbolic link") != NULL);
	CHECK(strstr(e.msg, "TOPSECRET") == NULL);
	CHECK(r.files == NULL && r.tmpdir == NULL);
	free(link);
	free(target);
	free(dir);
}
