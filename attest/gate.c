/*
 * `reprove gate`'s publishing step: the provenance pieces taken from the rebuild report
 * (verdict byproduct, internal parameters, recipe), and the staged write of the release
 * directory through verify/release.h.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "gate.h"
#include "mem.h"
#include "minisign.h"
#include "provenance.h"
#include "release.h"

/* The report as JSON (rebuild.c's serialisation is the one source of truth for names). */
static json_t *report_json(const struct rp_rebuild_report *r)
{
	char *text = rp_rebuild_report_json(r);
	json_t *j = json_loads(text, 0, NULL);

	free(text);
	if (!j)
		abort(); /* rebuild.c wrote it with jansson: only out-of-memory gets here */
	return j;
}

static void copy_field(json_t *dst, json_t *src, const char *k)
{
	json_t *v = json_object_get(src, k);

	if (v)
		json_object_set(dst, k, v);
}

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	if (!s)
		abort();
	return s;
}

/* The array key of rep, each element cut down to the NULL-terminated fields. */
static json_t *pick_each(const json_t *rep, const char *key, const char *const *fields)
{
	json_t *a = json_array(), *x;
	size_t i;

	json_array_foreach(json_object_get(rep, key), i, x) {
		json_t *y = json_object();
		for (const char *const *f = fields; *f; f++)
			copy_field(y, x, *f);
		json_array_append_new(a, y);
	}
	return a;
}

char *rp_gate_verdict_json(const struct rp_rebuild_report *r)
{
	static const char *const runs[] = { "index", "kind", "variations", "result", NULL };
	static const char *const vars[] = { "name", "status", "reason", "matters", NULL };
	static const char *const arts[] = { "name", "sha256", "size", "result", NULL };
	json_t *rep = report_json(r), *o = json_object(), *x;

	copy_field(o, rep, "schema");
	copy_field(o, rep, "verdict");
	copy_field(o, rep, "summary");
	copy_field(o, rep, "source_date_epoch");
	/* a build of uncommitted changes is not a build of the recorded commit */
	json_object_set_new(o, "source_dirty", json_boolean(r->source_dirty));
	json_object_set_new(o, "runs", pick_each(rep, "runs", runs));
	json_object_set_new(o, "variations", pick_each(rep, "variations", vars));
	json_object_set_new(o, "artifacts", pick_each(rep, "artifacts", arts));
	x = json_object_get(json_object_get(rep, "sandbox"), "namespaces");
	if (x)
		json_object_set(o, "namespaces", x);
	json_decref(rep);
	return dump(o);
}

char *rp_gate_internal_json(const struct rp_rebuild_report *r)
{
	json_t *rep = report_json(r), *o = json_object(), *sb = json_object_get(rep, "sandbox");

	copy_field(o, rep, "environment");
	json_object_set_new(o, "umask", json_string("0022"));
	if (sb)
		copy_field(o, sb, "namespaces");
	copy_field(o, rep, "build_tool");
	json_object_set_new(o, "reproveVersion", json_string(RP_VERSION));
	json_decref(rep);
	return dump(o);
}

char *rp_gate_recipe_json(const struct rp_rebuild_report *r)
{
	json_t *rep = report_json(r), *rec = json_object_get(rep, "recipe"), *o = json_object();
	const char *k;
	json_t *v;

	json_object_foreach(rec, k, v) {
		/* the recipe's local path says nothing to a verifier; its digest does */
		if (strcmp(k, "path") != 0)
			json_object_set(o, k, v);
	}
	json_decref(rep);
	return dump(o);
}

/* An RFC 3339 UTC time the report wrote ("2026-11-22T00:30:00Z"), or 0 (= now). */
static long long parse_utc(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return 0;
	return (long long)timegm(&tm);
}

enum rp_status rp_gate_publish(const struct rp_gate_params *p, struct rp_err *e)
{
	const struct rp_rebuild_report *r = p->report;
	struct rp_release_stage st = RP_RELEASE_STAGE_INIT;
	struct rp_attest_params ap;
	struct rp_attest_subject *subj = NULL;
	const char **tools = NULL;
	char *sums = NULL, *sig = NULL, *prov = NULL, *verdict = NULL, *internal = NULL,
	     *recipe = NULL;
	size_t ntools = 0;
	enum rp_status rc;

	if (r->verdict != RP_REBUILD_REPRODUCIBLE && r->verdict != RP_REBUILD_EQUAL_NORMALIZED)
		return rp_errf(e, RP_FAIL, "%s", r->summary);
	if (p->key->type != RP_KEY_ED25519)
		return rp_errf(e, RP_EUSAGE, "SHA256SUMS.minisig needs an Ed25519 key, not %s",
			       rp_key_type_name(p->key->type));
	if (r->nartifacts == 0)
		return rp_errf(e, RP_EINPUT, "the rebuild produced no artifact");
	for (size_t i = 0; i < r->nartifacts; i++)
		if (!r->artifacts[i].path)
			return RP_BUG(e, "rebuild report without kept artifacts");
	rc = rp_release_out_ok(p->out_dir, e);
	if (rc)
		return rc;
	rc = rp_release_stage_open(&st, p->out_dir, e);
	if (rc)
		return rc;
	subj = rp_xcalloc(r->nartifacts, sizeof(*subj));
	for (size_t i = 0; i < r->nartifacts; i++) {
		const struct rp_rebuild_artifact *a = &r->artifacts[i];
		unsigned char want[RP_SHA256_LEN];
		if (rp_unhex(a->sha256, want, sizeof(want)) != 0) {
			rc = RP_BUG(e, "artifact digest is not hex");
			goto out;
		}
		rc = rp_release_add(&st, a->path, a->base, want, e);
		if (rc)
			goto out;
		subj[i].name = a->base;
		memcpy(subj[i].sha256, want, sizeof(want));
	}
	rc = rp_release_write_sums(&st, &sums, e);
	if (rc)
		goto out;
	sig = rp_release_stage_path(&st, RP_RELEASE_SUMS_SIG);
	rc = rp_minisign_sign_file(p->key, sums, sig, NULL, e);
	if (rc)
		goto out;

	tools = rp_xcalloc(p->ntoolchain + 1, sizeof(*tools));
	if (r->tool_path)
		tools[ntools++] = r->tool_path;
	for (size_t i = 0; i < p->ntoolchain; i++)
		tools[ntools++] = p->toolchain[i];
	verdict = rp_gate_verdict_json(r);
	internal = rp_gate_internal_json(r);
	recipe = rp_gate_recipe_json(r);
	memset(&ap, 0, sizeof(ap));
	ap.subjects = subj;
	ap.nsubjects = r->nartifacts;
	ap.builder_id = p->builder_id;
	ap.source_uri = p->source_uri ? p->source_uri : r->source_uri;
	ap.source_ref = p->source_ref;
	ap.source_commit = r->source_commit;
	ap.recipe_json = recipe;
	ap.internal_json = internal;
	ap.toolchain = tools;
	ap.ntoolchain = ntools;
	ap.byproducts_json = verdict;
	/* the builds' own times, not the signing time */
	ap.started_on = parse_utc(r->started);
	ap.finished_on = parse_utc(r->finished);
	prov = rp_release_stage_path(&st, RP_RELEASE_PROVENANCE);
	rc = rp_attest_write(p->key, &ap, prov, NULL, e);
	if (rc)
		goto out;
	rc = rp_release_commit(&st, e);
out:
	rp_release_abort(&st);
	free(subj);
	free(tools);
	free(sums);
	free(sig);
	free(prov);
	free(verdict);
	free(internal);
	free(recipe);
	return rc;
}
