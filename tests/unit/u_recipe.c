/*
 * Unit tests for verify/recipe.c: the reprove.json schema, defaults, and that every kind
 * of malformed recipe is RP_EINPUT naming the key.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "recipe.h"

static enum rp_status parse(struct rp_recipe *r, const char *text, struct rp_err *e)
{
	return rp_recipe_parse(r, "reprove.json", text, strlen(text), e);
}

TEST(recipe_full)
{
	struct rp_recipe r;
	struct rp_err e = RP_ERR_INIT;

	rp_recipe_init(&r);
	CHECK_STATUS(parse(&r,
			   "{\"build\": [\"make\", \"dist\"], \"artifacts\": [\"dist/*.tar.gz\"],"
			   " \"env\": {\"K\": \"V\", \"A_1\": \"x=y\"}, \"source_date_epoch\": "
			   "1700000000, \"timeout\": 30, \"network\": true}",
			   &e),
		     RP_OK);
	CHECK_EQ_INT(r.nbuild, 2);
	CHECK_EQ_STR(r.build[0], "make");
	CHECK_EQ_STR(r.build[1], "dist");
	CHECK(r.build[2] == NULL);
	CHECK_EQ_INT(r.nartifacts, 1);
	CHECK_EQ_STR(r.artifacts[0], "dist/*.tar.gz");
	CHECK_EQ_INT(r.nenv, 2);
	CHECK_EQ_STR(r.env[0], "K=V");
	CHECK_EQ_STR(r.env[1], "A_1=x=y");
	CHECK_EQ_INT(r.sde_git, 0);
	CHECK_EQ_INT(r.sde, 1700000000);
	CHECK_EQ_INT(r.timeout, 30);
	CHECK_EQ_INT(r.network, 1);
	rp_recipe_release(&r);
	rp_recipe_release(&r);
}

TEST(recipe_defaults)
{
	struct rp_recipe r;
	struct rp_err e = RP_ERR_INIT;

	rp_recipe_init(&r);
	CHECK_STATUS(parse(&r, "{\"build\": [\"make\"], \"artifacts\": [\"a\"]}", &e), RP_OK);
	CHECK_EQ_INT(r.sde_git, 1);
	CHECK_EQ_INT(r.timeout, RP_RECIPE_DEFAULT_TIMEOUT);
	CHECK_EQ_INT(r.network, 0);
	CHECK(r.env != NULL && r.env[0] == NULL);
	rp_recipe_release(&r);
	CHECK_STATUS(parse(&r, "{\"build\": [\"m\"], \"artifacts\": [\"a\"], "
			       "\"source_date_epoch\": \"git\"}",
			   &e),
		     RP_OK);
	CHECK_EQ_INT(r.sde_git, 1);
	rp_recipe_release(&r);
}

static void bad(const char *text, const char *want)
{
	struct rp_recipe r;
	struct rp_err e = RP_ERR_INIT;

	rp_recipe_init(&r);
	CHECK_STATUS(parse(&r, text, &e), RP_EINPUT);
	if (!strstr(e.msg, want))
		rp_test_fail(__FILE__, __LINE__, "message '%s' lacks '%s'", e.msg, want);
	if (!strstr(e.msg, "reprove.json"))
		rp_test_fail(__FILE__, __LINE__, "message '%s' lacks the file name", e.msg);
	CHECK(r.build == NULL && r.artifacts == NULL);
	rp_recipe_release(&r);
}

TEST(recipe_rejects)
{
	bad("", "line");
	bad("{", "line 1");
	bad("[]", "JSON object");
	bad("{\"build\": [\"m\"], \"artifacts\": [\"a\"], \"x\": 1}", "unknown key \"x\"");
	bad("{\"build\": \"m\", \"artifacts\": [\"a\"]}", "\"build\" must be an array");
	bad("{\"build\": [], \"artifacts\": [\"a\"]}", "\"build\" must not be empty");
	bad("{\"build\": [\"\"], \"artifacts\": [\"a\"]}", "\"build\"[0] is empty");
	bad("{\"build\": [null], \"artifacts\": [\"a\"]}", "\"build\"[0] must be a string");
	bad("{\"artifacts\": [\"a\"]}", "missing key \"build\"");
	bad("{\"build\": [\"m\"]}", "missing key \"artifacts\"");
	bad("{\"build\": [\"m\"], \"artifacts\": [\"/a\"]}", "absolute");
	bad("{\"build\": [\"m\"], \"artifacts\": [\"a/../../b\"]}", "leaves the source tree");
	bad("{\"build\": [\"m\"], \"artifacts\": [\"..\"]}", "leaves the source tree");
	bad("{\"build\": [\"m\"], \"artifacts\": [\"a\"], \"env\": []}", "\"env\" must be an object");
	bad("{\"build\": [\"m\"], \"artifacts\": [\"a\"], \"env\": {\"1A\": \"x\"}}",
	    "invalid variable name");
	bad("{\"build\": [\"m\"], \"artifacts\": [\"a\"], \"env\": {\"A\": true}}",
	    "\"env\".\"A\" must be a string");
	bad("{\"build\": [\"m\"], \"artifacts\": [\"a\"], \"source_date_epoch\": 1.5}",
	    "source_date_epoch");
	bad("{\"build\": [\"m\"], \"artifacts\": [\"a\"], \"timeout\": 0}", "timeout");
	bad("{\"build\": [\"m\"], \"artifacts\": [\"a\"], \"timeout\": 99999999}", "timeout");
	bad("{\"build\": [\"m\"], \"artifacts\": [\"a\"], \"network\": 1}", "network");
	bad("{\"build\": [\"m\"], \"build\": [\"m\"], \"artifacts\": [\"a\"]}", "duplicate");
	bad("{\"build\": [\"a\\u0000b\"], \"artifacts\": [\"a\"]}", "line");
}

TEST(recipe_control_chars_in_key_are_sanitized)
{
	struct rp_recipe r;
	struct rp_err e = RP_ERR_INIT;

	rp_recipe_init(&r);
	CHECK_STATUS(parse(&r, "{\"\\u001b[31m\": 1}", &e), RP_EINPUT);
	CHECK(strchr(e.msg, 0x1b) == NULL);
	rp_recipe_release(&r);
}

TEST(recipe_load_missing_is_eio)
{
	struct rp_recipe r;
	struct rp_err e = RP_ERR_INIT;
	char path[4096];

	rp_recipe_init(&r);
	snprintf(path, sizeof(path), "%s/none.json", rp_test_dir());
	CHECK_STATUS(rp_recipe_load(&r, path, &e), RP_EIO);
	CHECK(strstr(e.msg, "none.json") != NULL);
	rp_recipe_release(&r);
}
