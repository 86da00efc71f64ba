/*
 * Replays fuzz inputs (files, or every file in the directories given) through
 * LLVMFuzzerTestOneInput, so the committed corpus and past crashes run in `make test`
 * (as zstd's regression_driver.c does). A crash or sanitizer report fails the run.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf;
	long n = 0;

	if (!fp) {
		perror(path);
		return 1;
	}
	if (fseek(fp, 0, SEEK_END) == 0)
		n = ftell(fp);
	if (n < 0 || fseek(fp, 0, SEEK_SET) != 0) {
		fclose(fp);
		return 1;
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		fclose(fp);
		return 1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int files = 0, errors = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			struct dirent *d;
			DIR *dir = opendir(argv[i]);
			if (!dir)
				continue;
			while ((d = readdir(dir))) {
				char p[4096];
				if (d->d_name[0] == '.')
					continue;
				snprintf(p, sizeof(p), "%s/%s", argv[i], d->d_name);
				errors += run_file(p);
				files++;
			}
			closedir(dir);
		} else {
			errors += run_file(argv[i]);
			files++;
		}
	}
	printf("replayed %d inputs\n", files);
	return errors ? 1 : 0;
}
