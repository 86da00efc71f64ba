/*
 * The rebuild recipe (reprove.json, DESIGN "Clean-environment rebuild"): what to run, which
 * files are the artifacts, the extra environment, SOURCE_DATE_EPOCH, timeout and network.
 */
#ifndef RP_RECIPE_H
#define RP_RECIPE_H

#include <stddef.h>

#include "err.h"

#define RP_RECIPE_MAX_BYTES (1u << 20)  /* a recipe larger than 1 MiB is refused */
#define RP_RECIPE_MAX_ITEMS 4096        /* argv words, artifact globs, env entries */
#define RP_RECIPE_DEFAULT_TIMEOUT 600u  /* seconds */
#define RP_RECIPE_MAX_TIMEOUT 604800u   /* one week */

struct rp_recipe {
	char **build;       /* argv, NULL-terminated, at least one word */
	size_t nbuild;
	char **artifacts;   /* globs relative to the source root, NULL-terminated */
	size_t nartifacts;
	char **env;         /* "KEY=VALUE" strings in the recipe's order, NULL-terminated */
	size_t nenv;
	int sde_git;        /* source_date_epoch is "git" (or absent): the commit time */
	long long sde;      /* the number, when !sde_git */
	unsigned timeout;   /* seconds, 1..RP_RECIPE_MAX_TIMEOUT (default 600) */
	int network;        /* the build may use the network (no network namespace) */
};

/* Set *r to an empty recipe with the defaults; allocates nothing. */
void rp_recipe_init(struct rp_recipe *r);

/*
 * Parse and validate the JSON text (len bytes; name is the file name used in messages).
 * Keys: "build" (non-empty array of non-empty strings), "artifacts" (non-empty array of
 * relative glob strings, no ".." component), "env" (object of string values; keys
 * [A-Za-z_][A-Za-z0-9_]*, not SOURCE_DATE_EPOCH), "source_date_epoch" (integer >= 0 or
 * "git"), "timeout" (integer seconds 1..604800), "network" (boolean). "build" and
 * "artifacts" are required. Anything else -- unknown or duplicate keys, wrong types, NUL
 * bytes in strings, invalid JSON -- is RP_EINPUT naming the file and the key (or the line
 * and column for syntax errors). *r must be initialised; it is filled only on success.
 */
enum rp_status rp_recipe_parse(struct rp_recipe *r, const char *name, const char *text,
			       size_t len, struct rp_err *e);

/*
 * Read path (at most RP_RECIPE_MAX_BYTES) and parse it. A missing or unreadable file is
 * RP_EIO; bad contents RP_EINPUT as rp_recipe_parse.
 */
enum rp_status rp_recipe_load(struct rp_recipe *r, const char *path, struct rp_err *e);

/* Free the contents; *r is as after rp_recipe_init. */
void rp_recipe_release(struct rp_recipe *r);

#endif
