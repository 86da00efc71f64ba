/*
 * reprove.json: strict parsing of the rebuild recipe with jansson. Every problem names the
 * file and the key, so a typo ("artefacts") is an error rather than a silently empty list.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "mem.h"
#include "recipe.h"

void rp_recipe_init(struct rp_recipe *r)
{
	memset(r, 0, sizeof(*r));
	r->sde_git = 1;
	r->timeout = RP_RECIPE_DEFAULT_TIMEOUT;
}

static void free_vec(char **v)
{
	if (!v)
		return;
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

void rp_recipe_release(struct rp_recipe *r)
{
	free_vec(r->build);
	free_vec(r->artifacts);
	free_vec(r->env);
	rp_recipe_init(r);
}

/* A string value without embedded NUL (jansson rejects \u0000 already; belt and braces). */
static const char *get_str(const json_t *v)
{
	const char *s = json_string_value(v);

	if (!s || strlen(s) != json_string_length(v))
		return NULL;
	return s;
}

static enum rp_status str_array(const json_t *v, const char *name, const char *key,
				char ***out, size_t *n, struct rp_err *e)
{
	size_t i, len;
	char **vec;

	if (!json_is_array(v))
		return rp_errf(e, RP_EINPUT, "'%s': \"%s\" must be an array of strings", name,
			       key);
	len = json_array_size(v);
	if (len == 0)
		return rp_errf(e, RP_EINPUT, "'%s': \"%s\" must not be empty", name, key);
	if (len > RP_RECIPE_MAX_ITEMS)
		return rp_errf(e, RP_EINPUT, "'%s': \"%s\" has more than %u entries", name, key,
			       RP_RECIPE_MAX_ITEMS);
	for (i = 0; i < len; i++) {
		const char *s = get_str(json_array_get(v, i));
		if (!s)
			return rp_errf(e, RP_EINPUT, "'%s': \"%s\"[%zu] must be a string", name,
				       key, i);
		if (!*s)
			return rp_errf(e, RP_EINPUT, "'%s': \"%s\"[%zu] is empty", name, key, i);
	}
	vec = rp_xcalloc(len + 1, sizeof(*vec));
	for (i = 0; i < len; i++)
		vec[i] = rp_xstrdup(json_string_value(json_array_get(v, i)));
	*out = vec;
	*n = len;
	return RP_OK;
}

/* Artifact globs stay inside the source tree: relative, no ".." component. */
static enum rp_status check_glob(const char *g, const char *name, size_t i, struct rp_err *e)
{
	const char *p = g;

	if (*g == '/')
		return rp_errf(e, RP_EINPUT, "'%s': \"artifacts\"[%zu] '%s' is an absolute path",
			       name, i, g);
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return rp_errf(e, RP_EINPUT,
				       "'%s': \"artifacts\"[%zu] '%s' leaves the source tree (..)",
				       name, i, g);
		p += n;
		while (*p == '/')
			p++;
	}
	return RP_OK;
}

static int valid_env_name(const char *k)
{
	if (!((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') || *k == '_'))
		return 0;
	for (k++; *k; k++)
		if (!((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') ||
		      (*k >= '0' && *k <= '9') || *k == '_'))
			return 0;
	return 1;
}

static enum rp_status parse_env(const json_t *v, const char *name, char ***out, size_t *n,
				struct rp_err *e)
{
	const char *k;
	json_t *val;
	size_t i = 0, len;
	char **vec;

	if (!json_is_object(v))
		return rp_errf(e, RP_EINPUT, "'%s': \"env\" must be an object of strings", name);
	len = json_object_size(v);
	if (len > RP_RECIPE_MAX_ITEMS)
		return rp_errf(e, RP_EINPUT, "'%s': \"env\" has more than %u entries", name,
			       RP_RECIPE_MAX_ITEMS);
	json_object_foreach((json_t *)v, k, val) {
		if (!valid_env_name(k))
			return rp_errf(e, RP_EINPUT, "'%s': \"env\": invalid variable name '%s'",
				       name, k);
		if (strcmp(k, "SOURCE_DATE_EPOCH") == 0)
			return rp_errf(e, RP_EINPUT,
				       "'%s': \"env\": set SOURCE_DATE_EPOCH with the "
				       "\"source_date_epoch\" key",
				       name);
		if (!get_str(val))
			return rp_errf(e, RP_EINPUT, "'%s': \"env\".\"%s\" must be a string", name,
				       k);
	}
	vec = rp_xcalloc(len + 1, sizeof(*vec));
	json_object_foreach((json_t *)v, k, val)
		vec[i++] = rp_xasprintf("%s=%s", k, json_string_value(val));
	*out = vec;
	*n = i;
	return RP_OK;
}

enum rp_status rp_recipe_parse(struct rp_recipe *r, const char *name, const char *text,
			       size_t len, struct rp_err *e)
{
	struct rp_recipe t;
	json_error_t jerr;
	json_t *root, *v;
	const char *key;
	enum rp_status rc = RP_OK;

	rp_recipe_init(&t);
	if (len > RP_RECIPE_MAX_BYTES)
		return rp_errf(e, RP_EINPUT, "'%s': larger than %u bytes", name,
			       RP_RECIPE_MAX_BYTES);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return rp_errf(e, RP_EINPUT, "'%s' line %d column %d: %s", name, jerr.line,
			       jerr.column, jerr.text);
	if (!json_is_object(root)) {
		rc = rp_errf(e, RP_EINPUT, "'%s': the recipe must be a JSON object", name);
		goto out;
	}
	json_object_foreach(root, key, v) {
		if (strcmp(key, "build") == 0) {
			rc = str_array(v, name, key, &t.build, &t.nbuild, e);
		} else if (strcmp(key, "artifacts") == 0) {
			rc = str_array(v, name, key, &t.artifacts, &t.nartifacts, e);
			for (size_t i = 0; !rc && i < t.nartifacts; i++)
				rc = check_glob(t.artifacts[i], name, i, e);
		} else if (strcmp(key, "env") == 0) {
			rc = parse_env(v, name, &t.env, &t.nenv, e);
		} else if (strcmp(key, "source_date_epoch") == 0) {
			const char *s = get_str(v);
			if (s && strcmp(s, "git") == 0) {
				t.sde_git = 1;
			} else if (json_is_integer(v) && json_integer_value(v) >= 0) {
				t.sde_git = 0;
				t.sde = json_integer_value(v);
			} else {
				rc = rp_errf(e, RP_EINPUT,
					     "'%s': \"source_date_epoch\" must be an integer >= 0 "
					     "or \"git\"",
					     name);
			}
		} else if (strcmp(key, "timeout") == 0) {
			json_int_t n = json_integer_value(v);
			if (!json_is_integer(v) || n < 1 || n > RP_RECIPE_MAX_TIMEOUT)
				rc = rp_errf(e, RP_EINPUT,
					     "'%s': \"timeout\" must be an integer number of "
					     "seconds from 1 to %u",
					     name, RP_RECIPE_MAX_TIMEOUT);
			else
				t.timeout = (unsigned)n;
		} else if (strcmp(key, "network") == 0) {
			if (!json_is_boolean(v))
				rc = rp_errf(e, RP_EINPUT, "'%s': \"network\" must be true or false",
					     name);
			else
				t.network = json_is_true(v);
		} else {
			char k[128];
			rc = rp_errf(e, RP_EINPUT,
				     "'%s': unknown key \"%s\" (expected build, artifacts, env, "
				     "source_date_epoch, timeout, network)",
				     name, rp_sanitize(k, sizeof(k), key));
		}
		if (rc)
			goto out;
	}
	if (!t.build) {
		rc = rp_errf(e, RP_EINPUT, "'%s': missing key \"build\"", name);
		goto out;
	}
	if (!t.artifacts) {
		rc = rp_errf(e, RP_EINPUT, "'%s': missing key \"artifacts\"", name);
		goto out;
	}
	if (!t.env)
		t.env = rp_xcalloc(1, sizeof(*t.env));
	rp_recipe_release(r);
	*r = t;
	rp_recipe_init(&t);
out:
	rp_recipe_release(&t);
	json_decref(root);
	return rc;
}

enum rp_status rp_recipe_load(struct rp_recipe *r, const char *path, struct rp_err *e)
{
	char *text = NULL;
	size_t len = 0;
	enum rp_status rc;

	rc = rp_read_file(path, 0, RP_RECIPE_MAX_BYTES, &text, &len, e);
	if (rc)
		return rc;
	rc = rp_recipe_parse(r, path, text, len, e);
	free(text);
	return rc;
}
