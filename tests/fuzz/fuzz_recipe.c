/*
 * Fuzz target for the rebuild recipe parser (verify/recipe.c): any bytes must give RP_OK or
 * RP_EINPUT with a one-line message, never a crash, a leak or another status.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "recipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_recipe r;
	struct rp_err e = RP_ERR_INIT;
	enum rp_status rc;

	rp_recipe_init(&r);
	rc = rp_recipe_parse(&r, "fuzz.json", (const char *)data, size, &e);
	if (rc != RP_OK && rc != RP_EINPUT)
		abort();
	if (rc == RP_OK) {
		/* A valid recipe is usable: an argv and at least one artifact glob. */
		if (!r.build || !r.build[0] || r.build[r.nbuild] || !r.artifacts ||
		    !r.artifacts[0] || r.artifacts[r.nartifacts] || !r.env || r.env[r.nenv])
			abort();
		for (size_t i = 0; i < r.nartifacts; i++)
			if (r.artifacts[i][0] == '/')
				abort();
		for (size_t i = 0; i < r.nenv; i++)
			if (!strchr(r.env[i], '='))
				abort();
	} else if (!e.msg[0] || strchr(e.msg, '\n')) {
		abort();
	}
	rp_recipe_release(&r);
	return 0;
}
