/*
 * Fuzz target: SHA256SUMS parsing, plus a format/parse round trip of every entry found.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sums.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_sums s = RP_SUMS_INIT;
	struct rp_err e = RP_ERR_INIT;

	if (rp_sums_parse(&s, (const char *)data, size, "fuzz", &e) == RP_OK) {
		for (size_t i = 0; i < s.n; i++) {
			struct rp_buf b = RP_BUF_INIT(1 << 20);
			struct rp_sums_entry ent;
			/* a name with a NUL cannot come back; everything else must round-trip */
			if (rp_sums_format_line(&b, s.v[i].name, s.v[i].digest, RP_SUMS_GNU, &e))
				abort();
			memset(&ent, 0, sizeof(ent));
			if (rp_sums_parse_line(b.data, b.len - 1, &ent, &e) != RP_OK)
				abort();
			if (strcmp(ent.name, s.v[i].name) != 0 ||
			    memcmp(ent.digest, s.v[i].digest, sizeof(ent.digest)) != 0)
				abort();
			free(ent.name);
			rp_buf_release(&b);
		}
	}
	rp_sums_release(&s);
	return 0;
}
