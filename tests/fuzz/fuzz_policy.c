/*
 * Fuzz target: JSON verification policies and the repository-URI matcher.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mem.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_policy p;
	char *s;
	size_t half;

	if (rp_policy_parse(&p, (const char *)data, size, "fuzz.json", "dir", NULL) == RP_OK)
		rp_policy_release(&p);
	s = rp_xstrndup((const char *)data, size);
	half = strlen(s) / 2;
	(void)rp_policy_uri_match(s + half, s);
	free(s);
	return 0;
}
