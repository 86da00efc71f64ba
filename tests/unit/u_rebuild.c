/*
 * Unit tests for verify/rebuild.c, sandbox.c and source.c: --vary parsing, the sandbox's
 * exit status, timeout, log bounds and environment, and tracked-file copies.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "rebuild.h"
#include "sandbox.h"
#include "source.h"

TEST(vary_parse)
{
	struct rp_err e = RP_ERR_INIT;
	unsigned m = 1;

	CHECK_STATUS(rp_variation_parse("all", &m, &e), RP_OK);
	CHECK_EQ_INT(m, RP_VARY_ALL);
	CHECK_STATUS(rp_variation_parse("none", &m, &e), RP_OK);
	CHECK_EQ_INT(m, 0);
	CHECK_STATUS(rp_variation_parse("umask,build_path", &m, &e), RP_OK);
	CHECK_EQ_INT(m, (1u << RP_VARY_UMASK) | (1u << RP_VARY_BUILD_PATH));
	CHECK_STATUS(rp_variation_parse("-build_path", &m, &e), RP_OK);
	CHECK_EQ_INT(m, RP_VARY_ALL & ~(1u << RP_VARY_BUILD_PATH));
	CHECK_STATUS(rp_variation_parse("hostname", &m, &e), RP_OK);
	CHECK_EQ_INT(m, 1u << RP_VARY_DOMAIN_HOST);
	CHECK_STATUS(rp_variation_parse("+umask,-umask,+time", &m, &e), RP_OK);
	CHECK_EQ_INT(m, RP_VARY_ALL & ~(1u << RP_VARY_UMASK));
	CHECK_STATUS(rp_variation_parse("umask,bogus", &m, &e), RP_EUSAGE);
	CHECK(strstr(e.msg, "'bogus'") != NULL);
	CHECK_STATUS(rp_variation_parse("umas", &m, &e), RP_EUSAGE);
	for (int v = 0; v < RP_VARY_COUNT; v++) {
		CHECK_STATUS(rp_variation_parse(rp_variation_name((enum rp_variation)v), &m, &e),
			     RP_OK);
		CHECK_EQ_INT(m, 1u << v);
	}
	CHECK(rp_variation_name(RP_VARY_COUNT) == NULL);
}

TEST(verdict_names)
{
	CHECK_EQ_STR(rp_rebuild_verdict_name(RP_REBUILD_NONDETERMINISTIC),
		     "nondeterministic without variation");
	CHECK_EQ_STR(rp_rebuild_verdict_name(RP_REBUILD_NOT_REPRODUCIBLE), "not reproducible");
	CHECK_EQ_STR(rp_artifact_result_name(RP_ART_MISSING), "missing");
}

/* -Wwrite-strings: the sandbox takes execve-style char *const arrays. */
#define S(x) ((char *)(x))

static char *const sh_env[] = { S("PATH=/usr/bin:/bin"), S("MARK=yes"), NULL };

static void sandbox_opts(struct rp_sandbox_opts *o, char *const *argv, int logfd)
{
	memset(o, 0, sizeof(*o));
	o->argv = argv;
	o->envp = sh_env;
	o->cwd = rp_test_dir();
	o->umask = 022;
	o->ns = RP_NS_ALL;
	o->log_fd = logfd;
	o->log_max = 1 << 20;
	o->timeout_s = 20;
}

static int open_log(const char *name)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", rp_test_dir(), name);
	return open(p, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

static size_t read_log(int fd, char *buf, size_t n)
{
	ssize_t k = pread(fd, buf, n - 1, 0);

	buf[k > 0 ? k : 0] = '\0';
	return k > 0 ? (size_t)k : 0;
}

TEST(sandbox_status_env_umask)
{
	char *argv[] = { S("sh"), S("-c"), S("echo \"$MARK $(umask) $HOME\"; exit 3"), NULL };
	struct rp_sandbox_opts o;
	struct rp_sandbox_result res;
	struct rp_err e = RP_ERR_INIT;
	char buf[256], d[64];
	int fd = open_log("log");

	sandbox_opts(&o, argv, fd);
	CHECK_STATUS(rp_sandbox_run(&o, &res, &e), RP_OK);
	CHECK(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 3);
	CHECK_EQ_STR(rp_sandbox_describe(res.status, d, sizeof(d)), "exit status 3");
	CHECK_EQ_INT(res.timed_out, 0);
	read_log(fd, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "yes 0022 \n");
	close(fd);
}

TEST(sandbox_timeout_kills)
{
	char *argv[] = { S("sh"), S("-c"), S("echo before; sleep 30; echo after"), NULL };
	struct rp_sandbox_opts o;
	struct rp_sandbox_result res;
	struct rp_err e = RP_ERR_INIT;
	char buf[256];
	int fd = open_log("log");

	sandbox_opts(&o, argv, fd);
	o.timeout_s = 1;
	CHECK_STATUS(rp_sandbox_run(&o, &res, &e), RP_OK);
	CHECK_EQ_INT(res.timed_out, 1);
	CHECK(res.seconds < 10);
	read_log(fd, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "before\n");
	close(fd);
}

TEST(sandbox_log_is_bounded)
{
	char *argv[] = { S("sh"), S("-c"), S("i=0; while [ $i -lt 2000 ]; do echo 0123456789; i=$((i+1)); done"), NULL };
	struct rp_sandbox_opts o;
	struct rp_sandbox_result res;
	struct rp_err e = RP_ERR_INIT;
	struct stat st;
	int fd = open_log("log");

	sandbox_opts(&o, argv, fd);
	o.log_max = 1000;
	CHECK_STATUS(rp_sandbox_run(&o, &res, &e), RP_OK);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 1000);
	CHECK_EQ_INT(res.log_truncated, 1);
	CHECK_EQ_INT(res.log_bytes, 22000);
	close(fd);
}

TEST(sandbox_missing_command)
{
	char *argv[] = { S("no-such-command-rp"), NULL };
	struct rp_sandbox_opts o;
	struct rp_sandbox_result res;
	struct rp_err e = RP_ERR_INIT;
	char buf[512];
	int fd = open_log("log");

	sandbox_opts(&o, argv, fd);
	CHECK_STATUS(rp_sandbox_run(&o, &res, &e), RP_OK);
	CHECK_EQ_INT(res.exec_failed, 1);
	read_log(fd, buf, sizeof(buf));
	CHECK(strstr(buf, "cannot run 'no-such-command-rp'") != NULL);
	close(fd);
}

static int sh(const char *cmd)
{
	char full[8192];

	snprintf(full, sizeof(full), "cd '%s' && (%s) >/dev/null 2>&1", rp_test_dir(), cmd);
	return system(full);
}

TEST(source_copy_tracked_only)
{
	struct rp_source s = RP_SOURCE_INIT;
	struct rp_err e = RP_ERR_INIT;
	char src[4096], dst[4096], p[8300], link[64];
	struct stat st;
	size_t skipped = 99;
	ssize_t n;

	if (sh("git --version") != 0)
		SKIP("git is not installed");
	CHECK(sh("mkdir s && cd s && git init -q && git config user.email t@t && "
		 "git config user.name t && mkdir -p a/b && echo 1 > a/b/f && echo 2 > x && "
		 "chmod 775 x && ln -s a/b/f l && echo gone > gone && git add -A && "
		 "git -c commit.gpgsign=false commit -qm c && rm gone && echo u > untracked") == 0);
	snprintf(src, sizeof(src), "%s/s", rp_test_dir());
	snprintf(dst, sizeof(dst), "%s/copy", rp_test_dir());
	CHECK_STATUS(rp_source_open_worktree(&s, src, &e), RP_OK);
	CHECK_EQ_INT(s.nfiles, 4);
	CHECK(s.commit != NULL && strlen(s.commit) == 40);
	CHECK(s.commit_time > 0);
	CHECK_EQ_INT(s.dirty, 1);
	CHECK_STATUS(rp_source_copy(&s, dst, &skipped, &e), RP_OK);
	CHECK_EQ_INT(skipped, 1);
	snprintf(p, sizeof(p), "%s/a/b/f", dst);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0644);
	snprintf(p, sizeof(p), "%s/x", dst);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0755);
	snprintf(p, sizeof(p), "%s/l", dst);
	n = readlink(p, link, sizeof(link) - 1);
	CHECK(n == 5 && memcmp(link, "a/b/f", 5) == 0);
	snprintf(p, sizeof(p), "%s/untracked", dst);
	CHECK(access(p, F_OK) != 0);
	snprintf(p, sizeof(p), "%s/.git", dst);
	CHECK(access(p, F_OK) != 0);
	/* The destination must be new. */
	CHECK_STATUS(rp_source_copy(&s, dst, NULL, &e), RP_EIO);
	rp_source_release(&s);
}

TEST(source_not_a_repo)
{
	struct rp_source s = RP_SOURCE_INIT;
	struct rp_err e = RP_ERR_INIT;

	if (sh("git --version") != 0)
		SKIP("git is not installed");
	CHECK(sh("mkdir plain") == 0);
	{
		char p[4096];
		snprintf(p, sizeof(p), "%s/plain", rp_test_dir());
		CHECK_STATUS(rp_source_open_worktree(&s, p, &e), RP_EIO);
		CHECK(strstr(e.msg, "not a git working tree") != NULL);
	}
	CHECK_STATUS(rp_source_clone(&s, "-x", "v1", "/nonexistent", &e), RP_EUSAGE);
	CHECK_STATUS(rp_source_clone(&s, "x", "--y", "/nonexistent", &e), RP_EUSAGE);
}

static void collect_line(void *arg, const char *line)
{
	(*(int *)arg)++;
	(void)line;
}

/* The library API the gate uses: verdict, artifacts with paths in the kept run, JSON. */
TEST(rebuild_library_report)
{
	struct rp_rebuild_opts o = RP_REBUILD_OPTS_INIT;
	struct rp_rebuild_report *r = NULL;
	struct rp_err e = RP_ERR_INIT;
	char src[4096], keep[4096], *tail = NULL, *json;
	unsigned char d[RP_SHA256_LEN];
	char hex[RP_SHA256_HEX];
	int lines = 0;

	if (sh("git --version && make --version") != 0)
		SKIP("git or make is not installed");
	CHECK(sh("mkdir s && cd s && git init -q && git config user.email t@t && "
		 "git config user.name t && printf 'all:\\n\\tmkdir -p out/sub\\n\\techo a > "
		 "out/sub/a.bin\\n\\techo b > out/b.txt\\n' > Makefile && "
		 "echo '{\"build\": [\"make\"], \"artifacts\": [\"out\"], "
		 "\"source_date_epoch\": 5}' > reprove.json && git add -A && "
		 "git -c commit.gpgsign=false commit -qm c") == 0);
	snprintf(src, sizeof(src), "%s/s", rp_test_dir());
	snprintf(keep, sizeof(keep), "%s/keep", rp_test_dir());
	o.source_dir = src;
	o.keep_dir = keep;
	o.runs = 3;
	o.vary = (1u << RP_VARY_UMASK) | (1u << RP_VARY_HOME);
	o.progress = collect_line;
	o.progress_arg = &lines;
	CHECK_STATUS(rp_rebuild_run(&o, &r, &tail, &e), RP_OK);
	if (!r) {
		rp_test_fail(__FILE__, __LINE__, "no report: %s", e.msg);
		free(tail);
		return;
	}
	CHECK(tail == NULL);
	CHECK(lines >= 6);
	CHECK_EQ_INT(r->verdict, RP_REBUILD_REPRODUCIBLE);
	CHECK_EQ_INT(r->nruns, 3);
	CHECK_EQ_INT(r->source_date_epoch, 5);
	CHECK_EQ_INT(r->nartifacts, 2);
	CHECK_EQ_STR(r->artifacts[0].name, "out/b.txt");
	CHECK_EQ_STR(r->artifacts[0].base, "b.txt");
	CHECK_EQ_STR(r->artifacts[1].name, "out/sub/a.bin");
	CHECK_EQ_STR(r->artifacts[1].base, "a.bin");
	CHECK(r->artifacts[1].path != NULL);
	if (r->artifacts[1].path) {
		CHECK_STATUS(rp_hash_path(r->artifacts[1].path, d, NULL, &e), RP_OK);
		rp_hex(d, RP_SHA256_LEN, hex);
		CHECK_EQ_STR(hex, r->artifacts[1].sha256);
	}
	CHECK_EQ_INT(r->variations[RP_VARY_UMASK].applied, 1);
	CHECK_EQ_INT(r->variations[RP_VARY_UMASK].matters, 0);
	CHECK_EQ_INT(r->variations[RP_VARY_BUILD_PATH].selected, 0);
	CHECK(strncmp(r->summary, "reproducible: 2 artifacts identical in 3 builds", 47) == 0);
	json = rp_rebuild_report_json(r);
	CHECK(strstr(json, "\"schema\": \"reprove-rebuild/1\"") != NULL);
	CHECK(strstr(json, "\"base\": \"a.bin\"") != NULL);
	CHECK(json[strlen(json) - 1] == '\n');
	free(json);
	rp_rebuild_report_free(r);
	rp_rebuild_report_free(NULL);
}

TEST(rebuild_failure_gives_tail)
{
	struct rp_rebuild_opts o = RP_REBUILD_OPTS_INIT;
	struct rp_rebuild_report *r = NULL;
	struct rp_err e = RP_ERR_INIT;
	char src[4096], *tail = NULL;

	if (sh("git --version") != 0)
		SKIP("git is not installed");
	CHECK(sh("mkdir f && cd f && git init -q && git config user.email t@t && "
		 "git config user.name t && echo '{\"build\": [\"sh\", \"-c\", \"echo one; "
		 "echo two; exit 7\"], \"artifacts\": [\"x\"], \"source_date_epoch\": 1}' > "
		 "reprove.json && git add -A && git -c commit.gpgsign=false commit -qm c") == 0);
	snprintf(src, sizeof(src), "%s/f", rp_test_dir());
	o.source_dir = src;
	/* The failed build's log is kept in the scratch directory: put that in our dir. */
	setenv("TMPDIR", rp_test_dir(), 1);
	CHECK_STATUS(rp_rebuild_run(&o, &r, &tail, &e), RP_EIO);
	unsetenv("TMPDIR");
	CHECK(r == NULL);
	CHECK(strstr(e.msg, "exit status 7") != NULL);
	CHECK(strstr(e.msg, "; log: ") != NULL && strstr(e.msg, "/run-1.log") != NULL);
	CHECK(tail != NULL && strcmp(tail, "one\ntwo\n") == 0);
	free(tail);
}
