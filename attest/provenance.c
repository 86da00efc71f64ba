/*
 * SLSA Provenance v1 statements for reprove's rebuilds, and the signing/writing step shared
 * with VSAs: DSSE envelope as an .intoto.jsonl line, optional Sigstore bundle v0.3.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "bundle.h"
#include "dsse.h"
#include "file.h"
#include "hash.h"
#include "mem.h"
#include "provenance.h"
#include "statement.h"

#define RECIPE_MAX (1u << 20)

void rp_rfc3339(long long t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, n, "1970-01-01T00:00:00Z");
}

static json_t *parse_json(const char *text, size_t len, const char *what, int want_object,
			  struct rp_err *e)
{
	json_error_t je;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);

	if (!j) {
		rp_errf(e, RP_EINPUT, "'%s' line %d: %s", what, je.line, je.text);
		return NULL;
	}
	if (want_object && !json_is_object(j)) {
		json_decref(j);
		rp_errf(e, RP_EINPUT, "'%s': not a JSON object", what);
		return NULL;
	}
	return j;
}

static json_t *digest_obj(const char *alg, const char *hex)
{
	json_t *d = json_object();

	json_object_set_new(d, alg, json_string(hex));
	return d;
}

static void uuid_urn(char out[46])
{
	unsigned char u[16];
	char h[33];

	randombytes_buf(u, sizeof(u));
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	rp_hex(u, 16, h);
	snprintf(out, 46, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

static json_t *default_internal(void)
{
	json_t *o = json_object(), *env = json_object();

	json_object_set_new(env, "LANG", json_string("C.UTF-8"));
	json_object_set_new(env, "LC_ALL", json_string("C.UTF-8"));
	json_object_set_new(env, "TZ", json_string("UTC"));
	json_object_set_new(o, "environment", env);
	json_object_set_new(o, "umask", json_string("0022"));
	json_object_set_new(o, "reproveVersion", json_string(RP_VERSION));
	return o;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

enum rp_status rp_prov_build(const struct rp_attest_params *p, char **json, size_t *len,
			     struct rp_err *e)
{
	json_t *st = NULL, *subj, *pred, *bd, *ep, *deps, *rd, *meta, *builder;
	enum rp_status rc = RP_OK;
	char when[32], hex[RP_SHA256_HEX], idbuf[46];
	long long now = (long long)time(NULL);

	if (p->nsubjects == 0)
		return rp_errf(e, RP_EUSAGE, "provenance needs at least one subject");
	st = json_object();
	subj = json_array();
	for (size_t i = 0; i < p->nsubjects; i++) {
		json_t *s, *name = json_string(p->subjects[i].name);
		if (!name) {
			/* jansson refuses invalid UTF-8; so does the in-toto schema */
			json_decref(subj);
			json_decref(st);
			return rp_errf(e, RP_EINPUT, "subject name is not valid UTF-8");
		}
		s = json_object();
		rp_hex(p->subjects[i].sha256, 32, hex);
		json_object_set_new(s, "name", name);
		json_object_set_new(s, "digest", digest_obj("sha256", hex));
		json_array_append_new(subj, s);
	}
	json_object_set_new(st, "_type", json_string(RP_STATEMENT_V1));
	json_object_set_new(st, "subject", subj);
	json_object_set_new(st, "predicateType", json_string(RP_SLSA_PROV_V1));

	bd = json_object();
	json_object_set_new(bd, "buildType", json_string(p->build_type ? p->build_type : RP_BUILD_TYPE));
	ep = json_object();
	json_object_set_new(bd, "externalParameters", ep);
	if (p->source_uri || p->source_ref) {
		json_t *src = json_object();
		if (p->source_uri)
			json_object_set_new(src, "uri", json_string(p->source_uri));
		if (p->source_ref)
			json_object_set_new(src, "ref", json_string(p->source_ref));
		json_object_set_new(ep, "source", src);
	}
	if (p->recipe_path || p->recipe_json) {
		char *text = NULL;
		size_t n = 0;
		json_t *r;
		if (p->recipe_path) {
			rc = rp_read_file(p->recipe_path, 0, RECIPE_MAX, &text, &n, e);
			if (rc)
				goto fail_bd;
			r = parse_json(text, n, p->recipe_path, 1, e);
			free(text);
		} else {
			r = parse_json(p->recipe_json, strlen(p->recipe_json), "recipe", 1, e);
		}
		if (!r) {
			rc = e ? e->code : RP_EINPUT;
			goto fail_bd;
		}
		json_object_set_new(ep, "recipe", r);
	}
	if (p->internal_json) {
		json_t *ip = parse_json(p->internal_json, strlen(p->internal_json),
					"internal parameters", 1, e);
		if (!ip) {
			rc = e ? e->code : RP_EINPUT;
			goto fail_bd;
		}
		json_object_set_new(bd, "internalParameters", ip);
	} else {
		json_object_set_new(bd, "internalParameters", default_internal());
	}
	deps = json_array();
	if (p->source_commit) {
		json_t *d = json_object();
		char *uri = NULL;
		if (p->source_uri)
			uri = p->source_ref ? rp_xasprintf("%s@%s", p->source_uri, p->source_ref)
					    : rp_xstrdup(p->source_uri);
		if (uri)
			json_object_set_new(d, "uri", json_string(uri));
		free(uri);
		json_object_set_new(d, "digest", digest_obj("gitCommit", p->source_commit));
		json_array_append_new(deps, d);
	}
	for (size_t i = 0; i < p->ntoolchain; i++) {
		unsigned char dg[32];
		json_t *d;
		char *uri;
		rc = rp_hash_path(p->toolchain[i], dg, NULL, e);
		if (rc) {
			json_decref(deps);
			goto fail_bd;
		}
		rp_hex(dg, 32, hex);
		d = json_object();
		json_object_set_new(d, "name", json_string(base_name(p->toolchain[i])));
		uri = p->toolchain[i][0] == '/' ? rp_xasprintf("file://%s", p->toolchain[i]) : NULL;
		if (uri)
			json_object_set_new(d, "uri", json_string(uri));
		free(uri);
		json_object_set_new(d, "digest", digest_obj("sha256", hex));
		json_array_append_new(deps, d);
	}
	json_object_set_new(bd, "resolvedDependencies", deps);

	rd = json_object();
	builder = json_object();
	json_object_set_new(builder, "id",
			    json_string(p->builder_id ? p->builder_id : RP_DEFAULT_BUILDER));
	json_object_set_new(rd, "builder", builder);
	meta = json_object();
	if (!p->invocation_id)
		uuid_urn(idbuf);
	json_object_set_new(meta, "invocationId",
			    json_string(p->invocation_id ? p->invocation_id : idbuf));
	rp_rfc3339(p->started_on ? p->started_on : now, when, sizeof(when));
	json_object_set_new(meta, "startedOn", json_string(when));
	rp_rfc3339(p->finished_on ? p->finished_on : now, when, sizeof(when));
	json_object_set_new(meta, "finishedOn", json_string(when));
	json_object_set_new(rd, "metadata", meta);
	if (p->byproducts_json) {
		json_t *b = parse_json(p->byproducts_json, strlen(p->byproducts_json), "byproducts",
				       0, e);
		if (!b) {
			json_decref(rd);
			rc = e ? e->code : RP_EINPUT;
			goto fail_bd;
		}
		if (json_is_object(b)) {
			/* a ResourceDescriptor carrying the verdict as its annotations */
			json_t *arr = json_array(), *d = json_object();
			json_object_set_new(d, "name", json_string("reprove-verdict.json"));
			json_object_set_new(d, "mediaType", json_string("application/json"));
			json_object_set_new(d, "annotations", b);
			json_array_append_new(arr, d);
			b = arr;
		} else if (!json_is_array(b)) {
			json_decref(b);
			json_decref(rd);
			rc = rp_errf(e, RP_EINPUT, "byproducts: not a JSON object or array");
			goto fail_bd;
		}
		json_object_set_new(rd, "byproducts", b);
	}
	pred = json_object();
	json_object_set_new(pred, "buildDefinition", bd);
	json_object_set_new(pred, "runDetails", rd);
	json_object_set_new(st, "predicate", pred);
	*json = json_dumps(st, JSON_COMPACT);
	json_decref(st);
	if (!*json)
		return rp_errf(e, RP_EINPUT, "provenance: a field is not valid UTF-8");
	*len = strlen(*json);
	return RP_OK;
fail_bd:
	json_decref(bd);
	json_decref(st);
	return rc;
}

static enum rp_status write_text(const char *path, const char *text, mode_t mode,
				 struct rp_atomic *a, struct rp_err *e)
{
	enum rp_status rc = rp_atomic_open(a, path, mode, 0, e);

	if (rc)
		return rc;
	rc = rp_atomic_write(a, text, strlen(text), e);
	if (!rc)
		rc = rp_atomic_write(a, "\n", 1, e);
	if (rc)
		rp_atomic_abort(a);
	return rc;
}

enum rp_status rp_attest_sign_statement(const struct rp_seckey *k, const char *statement,
					size_t len, const char *out_path, const char *bundle_path,
					struct rp_err *e)
{
	struct rp_atomic a = RP_ATOMIC_INIT, b = RP_ATOMIC_INIT;
	json_t *env = NULL, *bundle = NULL;
	char *line = NULL, *btext = NULL;
	enum rp_status rc;

	rc = rp_dsse_sign(k, RP_DSSE_INTOTO, statement, len, &env, e);
	if (rc)
		return rc;
	line = json_dumps(env, JSON_COMPACT);
	if (bundle_path) {
		bundle = rp_bundle_build(env, &k->pub);
		btext = json_dumps(bundle, JSON_COMPACT);
	}
	if (!line || (bundle_path && !btext)) {
		rc = RP_BUG(e, "json_dumps failed");
		goto out;
	}
	rc = write_text(out_path, line, 0644, &a, e);
	if (rc)
		goto out;
	if (bundle_path) {
		rc = write_text(bundle_path, btext, 0644, &b, e);
		if (rc) {
			rp_atomic_abort(&a);
			goto out;
		}
		rc = rp_atomic_commit(&b, e);
		if (rc) {
			rp_atomic_abort(&a);
			goto out;
		}
	}
	rc = rp_atomic_commit(&a, e);
	/* stdio buffers until commit: a full disk can fail this one after the bundle landed */
	if (rc && bundle_path)
		unlink(bundle_path);
out:
	free(line);
	free(btext);
	json_decref(bundle);
	json_decref(env);
	return rc;
}

enum rp_status rp_attest_write(const struct rp_seckey *k, const struct rp_attest_params *p,
			       const char *out_path, const char *bundle_path, struct rp_err *e)
{
	char *st = NULL;
	size_t len = 0;
	enum rp_status rc;

	rc = rp_prov_build(p, &st, &len, e);
	if (rc)
		return rc;
	rc = rp_attest_sign_statement(k, st, len, out_path, bundle_path, e);
	free(st);
	return rc;
}
