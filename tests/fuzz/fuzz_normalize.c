/*
 * Fuzz target: the normalizer (verify/normalize.c) on any bytes: the canonical archive is
 * written to /dev/null (a device is written in place, so no file per run), which drives
 * every format's writer on whatever the reader accepted, on two threads for odd sizes;
 * then normalize --check, which compares a canonical input with its rewrite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_normalize_opts o;
	struct rp_normalize_result res = RP_NORMALIZE_RESULT_INIT;
	struct rp_err e = RP_ERR_INIT;
	char path[64];
	enum rp_status rc;
	int fd = memfd_create("fuzz-normalize", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	memset(&o, 0, sizeof(o));
	o.norm.epoch = 1700000000;
	o.norm.clamp = size & 1;
	o.lim.max_total = 64u << 20;
	o.lim.ratio_floor = 1u << 20;
	o.lim.max_entries = 10000;
	o.threads = size & 1 ? 2 : 1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	for (int pass = 0; pass < 2; pass++) {
		rc = pass ? rp_normalize_check(path, &o, &res, &e)
			  : rp_normalize_file(path, "/dev/null", &o, &res, &e);
		if (rc == RP_OK)
			rp_normalize_result_release(&res);
		else if (rc != RP_EINPUT && rc != RP_EIO)
			abort();
		else if (!e.msg[0] || strchr(e.msg, '\n'))
			abort();
		if (rc)
			break;
	}
	close(fd);
	return 0;
}
