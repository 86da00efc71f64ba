/*
 * Fuzz target: the archive reader (verify/archive_canon.c) on any bytes: format detection,
 * every libarchive format and filter it accepts, nested archives, then the canonical
 * serialization and the flattened member list the diff report is built from.
 */
#include <stdlib.h>
#include <string.h>

#include "archive_canon.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_arch_opts o;
	struct rp_arch *a = NULL;
	struct rp_err e = RP_ERR_INIT;
	enum rp_status rc;

	memset(&o, 0, sizeof(o));
	/* small bounds so a bomb is caught in milliseconds, not after 256 MiB */
	o.lim.max_total = 64u << 20;
	o.lim.max_ratio = 1000;
	o.lim.ratio_floor = 1u << 20;
	o.lim.max_entries = 10000;
	o.lim.capture_max = 4096;
	o.norm.epoch = 1700000000;
	o.norm.clamp = size & 1;
	rc = rp_arch_scan_mem(data, size, "fuzz", &o, &a, &e);
	if (rc == RP_OK) {
		struct rp_buf b = RP_BUF_INIT(16u << 20);
		struct rp_arch_flat *f = NULL;
		size_t n = 0;

		(void)rp_arch_serialize(a, &b, &e);
		rp_buf_release(&b);
		rp_arch_flatten(a, &f, &n);
		rp_arch_flat_free(f, n);
		rp_arch_free(a);
	} else if (rc != RP_EINPUT && rc != RP_EIO) {
		abort();
	} else if (!e.msg[0] || strchr(e.msg, '\n')) {
		abort(); /* an error is one line */
	}
	return 0;
}
