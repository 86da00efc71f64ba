/*
 * in-toto Statement parsing and the predicate fields verification needs, for SLSA
 * provenance v1 (reprove's own layout and slsa-github-generator's), v0.2, and VSA v1.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "mem.h"
#include "statement.h"

int rp_statement_type_ok(const char *t)
{
	return t && (strcmp(t, RP_STATEMENT_V1) == 0 || strcmp(t, RP_STATEMENT_V01) == 0);
}

enum rp_pred_kind rp_predicate_kind(const char *t)
{
	if (!t)
		return RP_PRED_OTHER;
	if (strcmp(t, RP_SLSA_PROV_V1) == 0)
		return RP_PRED_PROV_V1;
	if (strcmp(t, RP_SLSA_PROV_V02) == 0)
		return RP_PRED_PROV_V02;
	if (strcmp(t, RP_SLSA_VSA_V1) == 0)
		return RP_PRED_VSA_V1;
	return RP_PRED_OTHER;
}

size_t rp_uri_scheme_len(const char *uri)
{
	size_t n = 0;

	if (!((uri[0] >= 'a' && uri[0] <= 'z') || (uri[0] >= 'A' && uri[0] <= 'Z')))
		return 0;
	while (uri[n] && (strchr("+-.", uri[n]) || (uri[n] >= 'a' && uri[n] <= 'z') ||
			  (uri[n] >= 'A' && uri[n] <= 'Z') || (uri[n] >= '0' && uri[n] <= '9')))
		n++;
	return strncmp(uri + n, "://", 3) == 0 ? n + 3 : 0;
}

/* Borrowed string at a dotted path of object keys, or NULL. */
static const char *str_at(json_t *o, const char *const *keys)
{
	for (; *keys && o; keys++)
		o = json_object_get(o, *keys);
	return json_is_string(o) ? json_string_value(o) : NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? rp_xstrdup(s) : NULL;
}

/*
 * "git+https://github.com/o/r@refs/tags/v1" -> uri "git+https://github.com/o/r" and ref
 * "refs/tags/v1" (only when the part after the last '@' looks like a ref or a commit, and
 * the '@' is in the path: "https://user@cafe" is a user at a host, not commit cafe).
 */
static void split_ref(struct rp_statement *st, const char *s)
{
	const char *at = strrchr(s, '@'), *path = strchr(s + rp_uri_scheme_len(s), '/');

	if (at && path && at > path && at[1] &&
	    (strncmp(at + 1, "refs/", 5) == 0 || strspn(at + 1, "0123456789abcdef") == strlen(at + 1))) {
		if (!st->source_uri)
			st->source_uri = rp_xstrndup(s, (size_t)(at - s));
		if (!st->source_ref && strncmp(at + 1, "refs/", 5) == 0)
			st->source_ref = rp_xstrdup(at + 1);
		else if (!st->source_commit && strncmp(at + 1, "refs/", 5) != 0)
			st->source_commit = rp_xstrdup(at + 1);
		return;
	}
	if (!st->source_uri)
		st->source_uri = rp_xstrdup(s);
}

static const char *digest_commit(json_t *digest)
{
	json_t *c = json_object_get(digest, "gitCommit");

	if (!json_is_string(c))
		c = json_object_get(digest, "sha1");
	return json_is_string(c) ? json_string_value(c) : NULL;
}

static void extract_v1(struct rp_statement *st, json_t *pred)
{
	static const char *const builder[] = { "runDetails", "builder", "id", NULL };
	static const char *const btype[] = { "buildDefinition", "buildType", NULL };
	json_t *bd = json_object_get(pred, "buildDefinition");
	json_t *ep = json_object_get(bd, "externalParameters");
	json_t *src = json_object_get(ep, "source"), *wf = json_object_get(ep, "workflow");
	json_t *deps = json_object_get(bd, "resolvedDependencies");
	const char *s;

	st->builder_id = dup_or_null(str_at(pred, builder));
	st->build_type = dup_or_null(str_at(pred, btype));
	if (json_is_object(src)) {
		s = json_string_value(json_object_get(src, "ref"));
		if (s)
			st->source_ref = rp_xstrdup(s);
		s = json_string_value(json_object_get(src, "uri"));
		if (s)
			split_ref(st, s);
	} else if (json_is_string(src)) {
		split_ref(st, json_string_value(src));
	} else if (json_is_object(wf)) {
		/* slsa-github-generator / GitHub Actions buildType */
		s = json_string_value(json_object_get(wf, "ref"));
		if (s)
			st->source_ref = rp_xstrdup(s);
		s = json_string_value(json_object_get(wf, "repository"));
		if (s)
			split_ref(st, s);
	}
	if (json_is_array(deps)) {
		for (size_t i = 0; i < json_array_size(deps); i++) {
			json_t *d = json_array_get(deps, i);
			const char *c = digest_commit(json_object_get(d, "digest"));
			if (!c)
				continue;
			if (!st->source_commit)
				st->source_commit = rp_xstrdup(c);
			s = json_string_value(json_object_get(d, "uri"));
			if (s && (!st->source_uri || !st->source_ref))
				split_ref(st, s);
			break;
		}
	}
}

static void extract_v02(struct rp_statement *st, json_t *pred)
{
	static const char *const builder[] = { "builder", "id", NULL };
	static const char *const btype[] = { "buildType", NULL };
	json_t *cs = json_object_get(json_object_get(pred, "invocation"), "configSource");
	const char *s;

	st->builder_id = dup_or_null(str_at(pred, builder));
	st->build_type = dup_or_null(str_at(pred, btype));
	s = json_string_value(json_object_get(cs, "uri"));
	if (s)
		split_ref(st, s);
	s = digest_commit(json_object_get(cs, "digest"));
	if (s && !st->source_commit)
		st->source_commit = rp_xstrdup(s);
}

static void extract_vsa(struct rp_statement *st, json_t *pred)
{
	static const char *const verifier[] = { "verifier", "id", NULL };

	st->builder_id = dup_or_null(str_at(pred, verifier));
}

enum rp_status rp_statement_parse(struct rp_statement *st, const void *payload, size_t len,
				  const char *name, struct rp_err *e)
{
	json_error_t je;
	json_t *subj, *pred;

	memset(st, 0, sizeof(*st));
	st->root = json_loadb(payload, len, JSON_REJECT_DUPLICATES, &je);
	if (!st->root)
		return rp_errf(e, RP_EINPUT, "'%s': statement is not JSON: %s", name, je.text);
	if (!json_is_object(st->root)) {
		rp_statement_release(st);
		return rp_errf(e, RP_EINPUT, "'%s': statement is not a JSON object", name);
	}
	st->type = json_string_value(json_object_get(st->root, "_type"));
	st->predicate_type = json_string_value(json_object_get(st->root, "predicateType"));
	subj = json_object_get(st->root, "subject");
	if (!json_is_array(subj)) {
		rp_statement_release(st);
		return rp_errf(e, RP_EINPUT, "'%s': statement has no subject array", name);
	}
	for (size_t i = 0; i < json_array_size(subj); i++) {
		json_t *s = json_array_get(subj, i);
		if (!json_is_object(s) || !json_is_object(json_object_get(s, "digest"))) {
			rp_statement_release(st);
			return rp_errf(e, RP_EINPUT, "'%s': subject %zu has no digest object", name,
				       i + 1);
		}
	}
	st->kind = rp_predicate_kind(st->predicate_type);
	pred = json_object_get(st->root, "predicate");
	if (json_is_object(pred)) {
		if (st->kind == RP_PRED_PROV_V1)
			extract_v1(st, pred);
		else if (st->kind == RP_PRED_PROV_V02)
			extract_v02(st, pred);
		else if (st->kind == RP_PRED_VSA_V1)
			extract_vsa(st, pred);
	}
	return RP_OK;
}

void rp_statement_release(struct rp_statement *st)
{
	json_decref(st->root);
	free(st->builder_id);
	free(st->build_type);
	free(st->source_uri);
	free(st->source_ref);
	free(st->source_commit);
	memset(st, 0, sizeof(*st));
}

/* A subject's sha256 digest equals sha256 (constant time); 0 when it has none or a bad one. */
static int subject_digest_is(json_t *s, const unsigned char sha256[32])
{
	json_t *d = json_object_get(json_object_get(s, "digest"), "sha256");
	unsigned char got[32];

	if (!json_is_string(d) || json_string_length(d) != 64 ||
	    rp_unhex(json_string_value(d), got, 32) != 0)
		return 0;
	return rp_ct_equal(got, sha256, 32);
}

const char *rp_statement_find_subject(const struct rp_statement *st,
				      const unsigned char sha256[32])
{
	json_t *subj = json_object_get(st->root, "subject");

	for (size_t i = 0; i < json_array_size(subj); i++) {
		json_t *s = json_array_get(subj, i);
		if (subject_digest_is(s, sha256)) {
			const char *n = json_string_value(json_object_get(s, "name"));
			return n ? n : "";
		}
	}
	return NULL;
}

const char *rp_statement_match_subject(const struct rp_statement *st,
				       const unsigned char sha256[32], const char *base,
				       const char **other)
{
	json_t *subj = json_object_get(st->root, "subject");

	if (other)
		*other = NULL;
	for (size_t i = 0; i < json_array_size(subj); i++) {
		json_t *s = json_array_get(subj, i);
		const char *n = json_string_value(json_object_get(s, "name")), *slash;
		if (!subject_digest_is(s, sha256))
			continue;
		/* no NUL can cut n short: rp_statement_parse loads without JSON_ALLOW_NUL */
		if (n) {
			slash = strrchr(n, '/');
			if (strcmp(slash ? slash + 1 : n, base) == 0)
				return n;
		}
		if (other && !*other)
			*other = n ? n : "";
	}
	return NULL;
}
