/*
 * Unit tests for verify/base: error records, bounded buffers, atomic files, hex, SHA-256.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "harness.h"
#include "hash.h"

TEST(err_scrubs_control_characters)
{
	struct rp_err e = RP_ERR_INIT;

	CHECK_STATUS(rp_errf(&e, RP_EINPUT, "bad '%s'", "a\nb\033c"), RP_EINPUT);
	CHECK_EQ_STR(e.msg, "bad 'a?b?c'");
	rp_err_sys(&e, RP_EIO, ENOENT, "cannot open '%s'", "x");
	CHECK_EQ_STR(e.msg, "cannot open 'x': No such file or directory");
	CHECK_EQ_INT(e.sys_errno, ENOENT);
	rp_err_prefix(&e, "reading %s", "sums");
	CHECK_EQ_STR(e.msg, "reading sums: cannot open 'x': No such file or directory");
	CHECK_STATUS(rp_errf(NULL, RP_FAIL, "ignored"), RP_FAIL);
}

TEST(err_tidy_puts_library_messages_in_house_style)
{
	char b[64];

	CHECK_EQ_STR(rp_err_tidy(b, sizeof(b),
				 "Uname can't be converted from UTF-8 to current locale."),
		     "uname can't be converted from UTF-8 to current locale");
	CHECK_EQ_STR(rp_err_tidy(b, sizeof(b), "ZIP bad CRC"), "ZIP bad CRC");
	CHECK_EQ_STR(rp_err_tidy(b, sizeof(b), "Truncated tar archive"), "truncated tar archive");
	CHECK_EQ_STR(rp_err_tidy(b, sizeof(b), "already fine"), "already fine");
	CHECK_EQ_STR(rp_err_tidy(b, sizeof(b), "."), "");
	CHECK_EQ_STR(rp_err_tidy(b, sizeof(b), NULL), "");
	CHECK_EQ_STR(rp_err_tidy(b, 6, "Damaged tar archive"), "damag");
}

TEST(buf_enforces_its_ceiling)
{
	struct rp_buf b = RP_BUF_INIT(8);
	struct rp_err e = RP_ERR_INIT;

	CHECK_STATUS(rp_buf_addstr(&b, "12345", &e), RP_OK);
	CHECK_STATUS(rp_buf_addstr(&b, "6789", &e), RP_EINPUT);
	CHECK_EQ_STR(b.data, "12345");
	CHECK_STATUS(rp_buf_addf(&b, &e, "%d", 678), RP_OK);
	CHECK_EQ_STR(b.data, "12345678");
	CHECK_STATUS(rp_buf_add(&b, "x", (size_t)-1, &e), RP_EINPUT);
	rp_buf_release(&b);
	CHECK(b.data == NULL && b.len == 0 && b.max == 8);
}

TEST(atomic_commit_and_abort)
{
	struct rp_atomic a = RP_ATOMIC_INIT;
	struct rp_err e = RP_ERR_INIT;
	char path[4096], *data = NULL;
	struct stat st;
	size_t len;

	snprintf(path, sizeof(path), "%s/out", rp_test_dir());
	CHECK_STATUS(rp_atomic_open(&a, path, 0600, 0, &e), RP_OK);
	CHECK(access(path, F_OK) != 0);
	CHECK_STATUS(rp_atomic_write(&a, "hello", 5, &e), RP_OK);
	CHECK_STATUS(rp_atomic_commit(&a, &e), RP_OK);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK_STATUS(rp_read_file(path, 0, 100, &data, &len, &e), RP_OK);
	CHECK_EQ_INT(len, 5);
	free(data);
	CHECK_STATUS(rp_read_file(path, 0, 4, &data, &len, &e), RP_EINPUT);

	/* excl refuses to replace; abort leaves nothing behind */
	CHECK_STATUS(rp_atomic_open(&a, path, 0644, 1, &e), RP_EIO);
	snprintf(path, sizeof(path), "%s/gone", rp_test_dir());
	CHECK_STATUS(rp_atomic_open(&a, path, 0644, 0, &e), RP_OK);
	CHECK_STATUS(rp_atomic_write(&a, "x", 1, &e), RP_OK);
	rp_atomic_abort(&a);
	CHECK(access(path, F_OK) != 0);
	{
		char cmd[4200];
		snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) = 1", rp_test_dir());
		CHECK(system(cmd) == 0);
	}
}

TEST(open_ro_refuses_directories_and_symlinks_when_asked)
{
	struct rp_err e = RP_ERR_INIT;
	char path[4096], link[4200];
	int fd;

	CHECK_STATUS(rp_open_ro(rp_test_dir(), 0, &fd, &e), RP_EIO);
	CHECK(strstr(e.msg, "is a directory") != NULL);
	snprintf(path, sizeof(path), "%s/f", rp_test_dir());
	snprintf(link, sizeof(link), "%s/l", rp_test_dir());
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	close(fd);
	CHECK(symlink(path, link) == 0);
	CHECK_STATUS(rp_open_ro(link, RP_OPEN_NOFOLLOW, &fd, &e), RP_EIO);
	CHECK(strstr(e.msg, "symbolic link") != NULL);
	CHECK_STATUS(rp_open_ro(link, 0, &fd, &e), RP_OK);
	close(fd);
}

TEST(hex_and_sha256_vectors)
{
	unsigned char d[32], back[32];
	char hex[65];
	struct rp_sha256 h;

	rp_sha256("abc", 3, d);
	rp_hex(d, 32, hex);
	CHECK_EQ_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK(rp_unhex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", back,
		       32) == 0);
	CHECK(rp_ct_equal(d, back, 32));
	back[31] ^= 1;
	CHECK(!rp_ct_equal(d, back, 32));
	CHECK(rp_unhex("zz", back, 1) == -1);
	rp_sha256_init(&h);
	rp_sha256_update(&h, "a", 1);
	rp_sha256_update(&h, "bc", 2);
	rp_sha256_final(&h, back);
	CHECK_EQ_MEM(d, back, 32);
}

/* The engine must give the same digests through io_uring and pread, for every size class. */
TEST(engine_uring_equals_pread)
{
	static const size_t sizes[] = { 0, 1, 4095, 262143, 262144, 262145, 600000, 9000001 };
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	struct rp_hash_item a[N + 1], b[N + 1];
	struct rp_hash_opts o1, o2;
	struct rp_err e = RP_ERR_INIT;
	unsigned char *data = malloc(9000001);

	for (size_t i = 0; i < 9000001; i++)
		data[i] = (unsigned char)(i * 2654435761u >> 13);
	memset(a, 0, sizeof(a));
	for (int i = 0; i < N; i++) {
		char p[4200];
		FILE *fp;
		snprintf(p, sizeof(p), "%s/f%d", rp_test_dir(), i);
		fp = fopen(p, "wb");
		fwrite(data, 1, sizes[i], fp);
		fclose(fp);
		a[i].path = strdup(p);
		a[i].name = a[i].path;
		a[i].size = sizes[i];
	}
	a[N].path = strdup("/nonexistent/x");
	a[N].name = a[N].path;
	memcpy(b, a, sizeof(a));
	memset(&o1, 0, sizeof(o1));
	memset(&o2, 0, sizeof(o2));
	o2.force_pread = 1;
	CHECK_STATUS(rp_hash_run(a, N + 1, &o1, &e), RP_EIO);
	CHECK_STATUS(rp_hash_run(b, N + 1, &o2, &e), RP_EIO);
	CHECK_EQ_INT(a[N].err, ENOENT);
	CHECK_EQ_INT(b[N].err, ENOENT);
	CHECK(!o2.used_uring);
	for (int i = 0; i < N; i++) {
		unsigned char want[32];
		rp_sha256(data, sizes[i], want);
		CHECK_EQ_INT(a[i].err, 0);
		CHECK_EQ_MEM(a[i].digest, want, 32);
		CHECK_EQ_MEM(b[i].digest, want, 32);
		CHECK_EQ_INT(a[i].size, sizes[i]);
	}
	for (int i = 0; i <= N; i++)
		free(a[i].path);
	free(data);
}

/*
 * Walked files swapped after the walk: a symlink is not followed (both paths); a FIFO does
 * not block the pread path (io_uring opens without O_NONBLOCK, see uring.c).
 */
TEST(engine_walked_files_not_followed)
{
	char target[4200], link[4200], fifo[4200];
	struct rp_err e = RP_ERR_INIT;
	FILE *fp;

	snprintf(target, sizeof(target), "%s/target", rp_test_dir());
	snprintf(link, sizeof(link), "%s/link", rp_test_dir());
	snprintf(fifo, sizeof(fifo), "%s/fifo", rp_test_dir());
	fp = fopen(target, "w");
	fputs("secret", fp);
	fclose(fp);
	CHECK(symlink(target, link) == 0);
	CHECK(mkfifo(fifo, 0600) == 0);
	for (int pread_only = 0; pread_only < 2; pread_only++) {
		struct rp_hash_item it[2];
		struct rp_hash_opts o;
		memset(it, 0, sizeof(it));
		memset(&o, 0, sizeof(o));
		o.force_pread = pread_only;
		it[0].path = link;
		it[0].name = link;
		it[0].nofollow = 1;
		it[1].path = fifo;
		it[1].name = fifo;
		it[1].nofollow = 1;
		CHECK_STATUS(rp_hash_run(it, pread_only ? 2 : 1, &o, &e), RP_EIO);
		CHECK_EQ_INT(it[0].err, ELOOP);
		if (pread_only)
			CHECK_EQ_INT(it[1].err, EINVAL); /* opened without blocking, then refused */
	}
}
