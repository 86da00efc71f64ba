/*
 * JSON verification policies and the repository-URI matching rule verify uses for both the
 * policy's source_uri and --source-uri.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "file.h"
#include "gate.h"
#include "mem.h"
#include "policy.h"
#include "statement.h"

#define POLICY_MAX (1u << 20)

void rp_policy_release(struct rp_policy *p)
{
	for (size_t i = 0; i < p->nkeys; i++)
		free(p->keys[i]);
	for (size_t i = 0; i < p->nbuilder_ids; i++)
		free(p->builder_ids[i]);
	free(p->keys);
	free(p->builder_ids);
	free(p->source_uri);
	free(p->ref_pattern);
	free(p->build_type);
	memset(p, 0, sizeof(*p));
}

static enum rp_status str_list(json_t *v, const char *field, const char *name, char ***out,
			       size_t *n, const char *dir, struct rp_err *e)
{
	if (json_is_string(v) && json_string_length(v)) {
		*out = rp_xcalloc(1, sizeof(char *));
		(*out)[0] = rp_xstrdup(json_string_value(v));
		*n = 1;
	} else if (json_is_array(v) && json_array_size(v) > 0 && json_array_size(v) <= 256) {
		*out = rp_xcalloc(json_array_size(v), sizeof(char *));
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *s = json_array_get(v, i);
			if (!json_is_string(s) || !json_string_length(s))
				return rp_errf(e, RP_EINPUT, "'%s': %s[%zu] is not a non-empty string",
					       name, field, i);
			(*out)[i] = rp_xstrdup(json_string_value(s));
			(*n)++;
		}
	} else {
		return rp_errf(e, RP_EINPUT, "'%s': %s must be a non-empty string or array of strings",
			       name, field);
	}
	if (dir) {
		for (size_t i = 0; i < *n; i++) {
			if ((*out)[i][0] != '/') {
				char *j = rp_xasprintf("%s/%s", dir, (*out)[i]);
				free((*out)[i]);
				(*out)[i] = j;
			}
		}
	}
	return RP_OK;
}

static enum rp_status one_str(json_t *v, const char *field, const char *name, char **out,
			      struct rp_err *e)
{
	if (!json_is_string(v) || !json_string_length(v))
		return rp_errf(e, RP_EINPUT, "'%s': %s must be a non-empty string", name, field);
	*out = rp_xstrdup(json_string_value(v));
	return RP_OK;
}

enum rp_status rp_policy_parse(struct rp_policy *p, const char *text, size_t len, const char *name,
			       const char *dir, struct rp_err *e)
{
	json_error_t je;
	json_t *root, *v;
	const char *k;
	enum rp_status rc = RP_OK;

	memset(p, 0, sizeof(*p));
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return rp_errf(e, RP_EINPUT, "'%s' line %d: %s", name, je.line, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return rp_errf(e, RP_EINPUT, "'%s': policy is not a JSON object", name);
	}
	json_object_foreach(root, k, v) {
		if (strcmp(k, "version") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) != 1)
				rc = rp_errf(e, RP_EINPUT, "'%s': unsupported policy version", name);
		} else if (strcmp(k, "keys") == 0) {
			rc = str_list(v, k, name, &p->keys, &p->nkeys, dir, e);
		} else if (strcmp(k, "builder_ids") == 0) {
			rc = str_list(v, k, name, &p->builder_ids, &p->nbuilder_ids, NULL, e);
		} else if (strcmp(k, "source_uri") == 0) {
			rc = one_str(v, k, name, &p->source_uri, e);
		} else if (strcmp(k, "ref_pattern") == 0) {
			rc = one_str(v, k, name, &p->ref_pattern, e);
		} else if (strcmp(k, "build_type") == 0) {
			rc = one_str(v, k, name, &p->build_type, e);
		} else if (strcmp(k, "require_reproducible") == 0) {
			if (!json_is_boolean(v))
				rc = rp_errf(e, RP_EINPUT, "'%s': require_reproducible must be true or false",
					     name);
			p->require_reproducible = json_is_true(v);
		} else if (k[0] == '_' || strcmp(k, "description") == 0) {
			/* comments */
		} else {
			char kk[64];
			rc = rp_errf(e, RP_EINPUT, "'%s': unknown policy field '%s'", name,
				     rp_sanitize(kk, sizeof(kk), k));
		}
		if (rc)
			break;
	}
	json_decref(root);
	if (rc)
		rp_policy_release(p);
	return rc;
}

enum rp_status rp_policy_load(struct rp_policy *p, const char *path, struct rp_err *e)
{
	char *text = NULL, *dir;
	const char *slash = strrchr(path, '/');
	size_t len = 0;
	enum rp_status rc;

	memset(p, 0, sizeof(*p));
	rc = rp_read_file(path, 0, POLICY_MAX, &text, &len, e);
	if (rc)
		return rc;
	dir = slash ? rp_xstrndup(path, (size_t)(slash - path)) : NULL;
	rc = rp_policy_parse(p, text, len, path, dir, e);
	free(dir);
	free(text);
	return rc;
}

/* A repository URI split for comparison: every part malloc'd, see canon_uri. */
struct canon {
	char *scheme; /* lower case, "git+" dropped; NULL when the URI has none */
	char *host;   /* the authority up to the first '/', lower case */
	char *path;   /* the rest, exact, without trailing '/' and one trailing ".git" */
};

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/*
 * The scheme is read only at the very start (rp_uri_scheme_len): a "://" anywhere else is
 * part of the host or path and is compared as such, so "evil.example/r?to=https://x/r" keeps
 * host evil.example.
 */
static void canon_uri(struct canon *c, const char *s)
{
	size_t sl = rp_uri_scheme_len(s), n;
	const char *rest = s + sl, *slash;

	c->scheme = NULL;
	if (sl) {
		c->scheme = rp_xstrndup(s, sl - 3);
		lower(c->scheme);
		if (strncmp(c->scheme, "git+", 4) == 0 && c->scheme[4])
			memmove(c->scheme, c->scheme + 4, strlen(c->scheme + 4) + 1);
	}
	slash = strchr(rest, '/');
	n = slash ? (size_t)(slash - rest) : strlen(rest);
	c->host = rp_xstrndup(rest, n);
	lower(c->host);
	c->path = rp_xstrdup(rest + n);
	n = strlen(c->path);
	while (n && c->path[n - 1] == '/')
		c->path[--n] = '\0';
	if (n >= 4 && strcmp(c->path + n - 4, ".git") == 0)
		c->path[n - 4] = '\0';
}

int rp_policy_uri_match(const char *want, const char *got)
{
	struct canon a, b;
	int ok;

	canon_uri(&a, want);
	canon_uri(&b, got);
	/* a policy may name the repository without a scheme ("github.com/o/r"): any scheme */
	ok = (!a.scheme || (b.scheme && strcmp(a.scheme, b.scheme) == 0)) &&
	     strcmp(a.host, b.host) == 0 && strcmp(a.path, b.path) == 0;
	free(a.scheme);
	free(a.host);
	free(a.path);
	free(b.scheme);
	free(b.host);
	free(b.path);
	return ok;
}

int rp_policy_reproducible(json_t *st, const char **found)
{
	json_t *pred = json_object_get(st, "predicate"), *x;
	const char *pt = json_string_value(json_object_get(st, "predicateType"));
	size_t i;

	*found = "no reproducibility verdict";
	if (pt && strcmp(pt, RP_SLSA_VSA_V1) == 0) {
		const char *res = json_string_value(json_object_get(pred, "verificationResult"));
		int level = 0;
		json_array_foreach(json_object_get(pred, "verifiedLevels"), i, x)
			if (json_is_string(x) && strcmp(json_string_value(x),
							RP_GATE_LEVEL_REPRODUCIBLE) == 0)
				level = 1;
		if (!res || strcmp(res, "PASSED") != 0) {
			*found = res ? res : "no verificationResult";
			return 0;
		}
		*found = level ? "PASSED, " RP_GATE_LEVEL_REPRODUCIBLE
			       : "PASSED without level " RP_GATE_LEVEL_REPRODUCIBLE;
		return level;
	}
	json_array_foreach(json_object_get(json_object_get(pred, "runDetails"), "byproducts"), i, x) {
		const char *n = json_string_value(json_object_get(x, "name")), *v;
		if (!n || strcmp(n, RP_GATE_VERDICT_NAME) != 0)
			continue;
		v = json_string_value(json_object_get(json_object_get(x, "annotations"), "verdict"));
		if (!v)
			return 0;
		*found = v;
		return strcmp(v, "reproducible") == 0 || strcmp(v, "equal after normalization") == 0;
	}
	return 0;
}
