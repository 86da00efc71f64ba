/*
 * Unit tests for verify/fetch.c pieces that need no network: URL classification, the
 * scheme policy, asset names taken from URLs, and file:// downloads into a part file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetch.h"
#include "file.h"
#include "harness.h"
#include "hash.h"
#include "mem.h"

TEST(fetch_is_url)
{
	CHECK(rp_fetch_is_url("https://example.org/a"));
	CHECK(rp_fetch_is_url("file:///tmp/x"));
	CHECK(rp_fetch_is_url("git+https://x/y"));
	CHECK(!rp_fetch_is_url("SHA256SUMS"));
	CHECK(!rp_fetch_is_url("./https://x"));
	CHECK(!rp_fetch_is_url("c:/x"));
	CHECK(!rp_fetch_is_url(""));
}

TEST(fetch_scheme_policy)
{
	struct rp_fetch_opts o = RP_FETCH_OPTS_INIT;
	struct rp_err e = RP_ERR_INIT;

	CHECK_STATUS(rp_fetch_check_url("https://h/x", &o, &e), RP_OK);
	CHECK_STATUS(rp_fetch_check_url("HTTPS://h/x", &o, &e), RP_OK);
	CHECK_STATUS(rp_fetch_check_url("file:///x", &o, &e), RP_OK);
	CHECK_STATUS(rp_fetch_check_url("http://h/x", &o, &e), RP_EUSAGE);
	CHECK(strstr(e.msg, "plain http refused") != NULL);
	CHECK_STATUS(rp_fetch_check_url("ftp://h/x", &o, &e), RP_EUSAGE);
	CHECK_STATUS(rp_fetch_check_url("https://", &o, &e), RP_EUSAGE);
	CHECK_STATUS(rp_fetch_check_url("gopher://h/", &o, &e), RP_EUSAGE);
	o.allow_http = 1;
	CHECK_STATUS(rp_fetch_check_url("http://h/x", &o, &e), RP_OK);
}

static void check_name(const char *url, const char *want)
{
	char *n = rp_fetch_url_name(url);

	if (want)
		CHECK_EQ_STR(n, want);
	else if (n)
		rp_test_fail(__FILE__, __LINE__, "'%s' gave '%s', want none", url, n);
	free(n);
}

TEST(fetch_url_name)
{
	check_name("https://h/releases/app-1.0.tar.gz", "app-1.0.tar.gz");
	check_name("https://h/app.tgz?token=abc#frag", "app.tgz");
	check_name("https://h/a%20b.tgz", "a b.tgz");
	check_name("https://h/a%2Fb.tgz", NULL);    /* a decoded '/' */
	check_name("https://h/x%00y", NULL);        /* an embedded NUL */
	check_name("https://h/x%0Ay", NULL);        /* a newline */
	check_name("https://h/..", NULL);
	check_name("https://h/%2e%2e", NULL);
	check_name("https://h/dir/", NULL);
	check_name("https://h", NULL);
	check_name("https://h/bad%zzname", "bad%zzname");
	check_name("file:///tmp/SHA256SUMS", "SHA256SUMS");
}

TEST(fetch_file_url_into_part)
{
	struct rp_fetch_opts o = RP_FETCH_OPTS_INIT;
	struct rp_fetch_result r = RP_FETCH_RESULT_INIT;
	struct rp_err e = RP_ERR_INIT;
	unsigned char want[RP_SHA256_LEN];
	const char *d = rp_test_dir();
	char *src = rp_xasprintf("%s/src.bin", d);
	char *part = rp_xasprintf("%s/out.bin.part", d);
	char *fin = rp_xasprintf("%s/out.bin", d);
	char *url = rp_xasprintf("file://%s", src);
	char data[10000];
	struct stat st;
	FILE *fp;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 3);
	rp_sha256(data, sizeof(data), want);
	fp = fopen(src, "wb");
	CHECK(fp != NULL);
	if (!fp)
		goto out;
	fwrite(data, 1, sizeof(data), fp);
	fclose(fp);

	/* a stale part is discarded for file:// (never resumed) */
	fp = fopen(part, "wb");
	fputs("stale", fp);
	fclose(fp);
	CHECK_STATUS(rp_fetch_file(url, part, &o, &r, &e), RP_OK);
	CHECK_EQ_INT(r.size, sizeof(data));
	CHECK_EQ_MEM(r.sha256, want, RP_SHA256_LEN);
	CHECK_EQ_INT(r.resumed_from, 0);
	CHECK(r.fd >= 0);
	CHECK_STATUS(rp_fetch_commit(&r, part, fin, &e), RP_OK);
	CHECK_EQ_INT(r.fd, -1);
	CHECK(stat(fin, &st) == 0 && st.st_size == (off_t)sizeof(data));
	CHECK(access(part, F_OK) != 0);

	/* over the limit: RP_EINPUT, and the part is gone */
	o.max_size = 100;
	CHECK_STATUS(rp_fetch_file(url, part, &o, &r, &e), RP_EINPUT);
	CHECK(access(part, F_OK) != 0);
	CHECK_EQ_INT(r.fd, -1);

	/* memory fetch with a cap */
	{
		char *buf = NULL;
		size_t len = 0;

		o.max_size = 0;
		CHECK_STATUS(rp_fetch_mem(url, &o, sizeof(data), &buf, &len, &e), RP_OK);
		CHECK_EQ_INT(len, sizeof(data));
		if (buf)
			CHECK_EQ_MEM(buf, data, sizeof(data));
		free(buf);
		buf = NULL;
		CHECK_STATUS(rp_fetch_mem(url, &o, 9999, &buf, &len, &e), RP_EINPUT);
		CHECK(buf == NULL);
	}
out:
	free(src);
	free(part);
	free(fin);
	free(url);
}

TEST(fetch_temp_copy)
{
	struct rp_fetch_opts o = RP_FETCH_OPTS_INIT;
	struct rp_err e = RP_ERR_INIT;
	const char *d = rp_test_dir();
	char *src = rp_xasprintf("%s/SHA256SUMS", d);
	char *url = rp_xasprintf("file://%s", src);
	char *tmp = NULL, *data = NULL;
	size_t len = 0;
	FILE *fp = fopen(src, "w");

	CHECK(fp != NULL);
	if (!fp)
		goto out;
	fputs("0123  name\n", fp);
	fclose(fp);
	setenv("TMPDIR", d, 1);
	CHECK_STATUS(rp_fetch_temp(url, &o, 1000, &tmp, &e), RP_OK);
	CHECK(tmp != NULL && strncmp(tmp, d, strlen(d)) == 0);
	/* the URL's file name stays visible at the end of the temporary name */
	CHECK(tmp != NULL && strlen(tmp) > 11 && strcmp(tmp + strlen(tmp) - 11, ".SHA256SUMS") == 0);
	CHECK_STATUS(rp_read_file(tmp, 0, 1000, &data, &len, &e), RP_OK);
	CHECK_EQ_STR(data, "0123  name\n");
	free(data);
	{
		char *keep = rp_xstrdup(tmp);

		rp_fetch_temp_remove(tmp);
		CHECK(access(keep, F_OK) != 0);
		free(keep);
	}
	tmp = NULL;
	CHECK_STATUS(rp_fetch_temp(url, &o, 5, &tmp, &e), RP_EINPUT);
	CHECK(tmp == NULL);
	rp_fetch_temp_remove(NULL);
	unsetenv("TMPDIR");
out:
	free(src);
	free(url);
}
