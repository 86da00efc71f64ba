/*
 * Runs every TEST() registered in this program, each in a fresh temporary directory, and
 * prints TAP-like lines and a closing "# N passed, N failed, N skipped" that tests/run.sh sums.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define MAX_TESTS 1024

static struct rp_test tests[MAX_TESTS];
static int ntests;
static int cur_failed, cur_skipped;
static char cur_dir[PATH_MAX];

void rp_test_register(const char *name, void (*fn)(void))
{
	if (ntests < MAX_TESTS) {
		tests[ntests].name = name;
		tests[ntests].fn = fn;
		ntests++;
	}
}

void rp_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "#   %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	cur_failed++;
}

void rp_test_skip(const char *why)
{
	fprintf(stdout, "#   skipped: %s\n", why);
	cur_skipped = 1;
}

const char *rp_test_dir(void)
{
	return cur_dir;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0;
	const char *only = argc > 1 ? argv[1] : NULL;
	const char *tmp = getenv("TMPDIR");

	for (int i = 0; i < ntests; i++) {
		char cmd[PATH_MAX + 16];
		if (only && strcmp(only, tests[i].name) != 0)
			continue;
		snprintf(cur_dir, sizeof(cur_dir), "%s/rp-unit-XXXXXX", tmp ? tmp : "/tmp");
		if (!mkdtemp(cur_dir)) {
			perror("mkdtemp");
			return 1;
		}
		cur_failed = 0;
		cur_skipped = 0;
		tests[i].fn();
		if (cur_failed) {
			printf("not ok - %s\n", tests[i].name);
			failed++;
		} else if (cur_skipped) {
			printf("ok - %s # skip\n", tests[i].name);
			skipped++;
		} else {
			printf("ok - %s\n", tests[i].name);
			passed++;
		}
		fflush(stdout);
		if (!getenv("RP_KEEP")) {
			snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cur_dir);
			if (system(cmd) != 0)
				fprintf(stderr, "cannot remove %s\n", cur_dir);
		}
	}
	printf("# %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
