/*
 * Fuzz target for the archive reader path: format detection, streaming decode of every
 * supported format and filter, nesting, trailing-data checks, canonical ordering and
 * serialization, plus the member-path checks, on one in-memory input with small limits.
 * Seeds in corpus/archive/: tiny tar/tgz/txz/zst/bz2/zip/deb/ar/cpio/gz files and
 * truncated copies.
 */
#include <stdlib.h>
#include <string.h>

#include "archive_canon.h"
#include "fuzz.h"
#include "path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_arch_opts o;
	struct rp_err e = RP_ERR_INIT;
	struct rp_arch *a = NULL;

	memset(&o, 0, sizeof(o));
	o.norm.epoch = 1700000000;
	o.norm.clamp = size & 1;
	o.lim.max_total = 64u << 20;
	o.lim.max_ratio = 200;
	o.lim.ratio_floor = 1u << 20;
	o.lim.max_depth = 4;
	o.lim.max_entries = 20000;
	if (rp_arch_scan_mem(data, size, "fuzz", &o, &a, &e) == RP_OK) {
		struct rp_buf b = RP_BUF_INIT(16u << 20);
		struct rp_arch_flat *f;
		size_t n;

		rp_arch_serialize(a, &b, NULL);
		rp_buf_release(&b);
		rp_arch_flatten(a, &f, &n);
		for (size_t i = 0; i < n; i++) {
			if (f[i].ent->link)
				rp_path_check_link(f[i].ent->path, f[i].ent->link);
		}
		rp_arch_flat_free(f, n);
		rp_arch_free(a);
	} else if (e.code == RP_OK || !e.msg[0]) {
		abort(); /* every failure must say why */
	}
	return 0;
}
