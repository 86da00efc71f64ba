/*
 * The verification pipeline: digests, minisign signature, SHA256SUMS and its signature,
 * then DSSE provenance (signature first, then only the verified bytes are parsed: payload
 * type, statement and predicate types, subject, builder, buildType, source, ref, commit).
 * One report line per check; the first failure stops the run.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "bundle.h"
#include "dsse.h"
#include "file.h"
#include "hash.h"
#include "keys.h"
#include "mem.h"
#include "minisign.h"
#include "policy.h"
#include "statement.h"
#include "sums.h"
#include "verify.h"

#define SIGFILE_MAX (64 * 1024)
#define SUMS_MAX (64u << 20)
#define PROV_MAX (64u << 20)
/* each envelope costs a signature check per key: bound the work a hostile file can ask */
#define MAX_ENVELOPES 1024

struct cand {
	struct rp_dsse_env env;
	int verified;
	size_t key;
	int parsed;          /* 1 parsed OK, -1 failed */
	struct rp_statement st;
	int recorded;        /* its statement-level lines are in the report */
};

struct ctx {
	const struct rp_verify_opts *o;
	struct rp_verify_report *r;
	struct rp_pubkey *keys;
	size_t nkeys;
	struct rp_policy pol;
	struct rp_err *e;
	const char *prov_name;
	struct cand *c;
	size_t nc;
	int record;          /* 0 during a dry run choosing a candidate */
};

static void add_line(struct rp_verify_report *r, const char *check, const char *subject, int ok,
		     const char *expected, const char *found)
{
	struct rp_verify_line *l;

	if (r->n == r->alloc) {
		r->alloc = r->alloc ? r->alloc * 2 : 16;
		r->lines = rp_xreallocarray(r->lines, r->alloc, sizeof(*r->lines));
	}
	l = &r->lines[r->n++];
	l->check = rp_xstrdup(check);
	l->subject = rp_xstrdup(subject ? subject : "");
	l->ok = ok;
	l->expected = expected ? rp_xstrdup(expected) : NULL;
	l->found = found ? rp_xstrdup(found) : NULL;
	if (!ok && !r->failed)
		r->failed = l->check;
}

static enum rp_status pass(struct ctx *c, const char *check, const char *subject,
			   const char *expected, const char *found)
{
	if (c->record)
		add_line(c->r, check, subject, 1, expected, found);
	return RP_OK;
}

static enum rp_status fail(struct ctx *c, const char *check, const char *subject,
			   const char *expected, const char *found)
{
	if (!c->record)
		return RP_FAIL;
	add_line(c->r, check, subject, 0, expected, found);
	if (expected && found)
		return rp_errf(c->e, RP_FAIL, "%s: '%s': expected '%s', found '%s'", check, subject,
			       expected, found);
	if (expected)
		return rp_errf(c->e, RP_FAIL, "%s: '%s': expected '%s', found nothing", check,
			       subject, expected);
	return rp_errf(c->e, RP_FAIL, "%s: '%s': %s", check, subject, found ? found : "failed");
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s && s[1] ? s + 1 : p;
}

static void describe_keys(struct ctx *c, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->nkeys && used + 2 < n; i++) {
		char d[256];
		int w;
		rp_pubkey_describe(&c->keys[i], d, sizeof(d));
		w = snprintf(buf + used, n - used, "%s%s", i ? ", " : "", d);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (used >= n)
		used = n - 1;
}

static enum rp_status load_keys(struct ctx *c)
{
	const struct rp_verify_opts *o = c->o;
	size_t total = o->nkeys + c->pol.nkeys;
	enum rp_status rc;

	c->keys = rp_xcalloc(total ? total : 1, sizeof(*c->keys));
	for (size_t i = 0; i < total; i++) {
		const char *path = i < o->nkeys ? o->keys[i] : c->pol.keys[i - o->nkeys];
		rc = rp_pubkey_load(&c->keys[c->nkeys], path, c->e);
		if (rc)
			return rc;
		c->nkeys++;
	}
	return RP_OK;
}

/* --sig: a minisign signature over the asset's bytes. */
static enum rp_status check_sig(struct ctx *c, const struct rp_verify_asset *a)
{
	struct rp_minisig s;
	char *text = NULL, d[256], id[17], *found;
	size_t len = 0, which = 0;
	struct rp_err e2 = RP_ERR_INIT;
	enum rp_status rc;

	rc = rp_read_file(c->o->sig, 0, SIGFILE_MAX, &text, &len, c->e);
	if (rc)
		return rc;
	rc = rp_minisig_parse(&s, text, len, c->o->sig, c->e);
	free(text);
	if (rc)
		return rc;
	if (a->blake2b && s.prehashed)
		rc = rp_minisig_verify_digest(&s, c->keys, c->nkeys, a->blake2b, &which, &e2);
	else
		rc = rp_minisig_verify_keys(&s, c->keys, c->nkeys, a->path, NULL, 0, &which, &e2);
	if (rc == RP_OK) {
		rp_pubkey_describe(&c->keys[which], d, sizeof(d));
		found = rp_xasprintf("signed by %s", d);
		rc = pass(c, "signature", a->name, NULL, found);
		free(found);
	} else if (rc == RP_FAIL) {
		rp_minisign_keyid_hex(s.keynum, id);
		rc = fail(c, "signature", a->name, NULL, e2.msg);
	} else {
		*c->e = e2;
	}
	rp_minisig_release(&s);
	return rc;
}

/* --sums-sig then --sums: the sums file is signed, and lists each asset with its digest. */
static enum rp_status check_sums(struct ctx *c, const struct rp_verify_asset *assets, size_t n)
{
	const char *sname = c->o->sums_name ? c->o->sums_name : c->o->sums;
	struct rp_sums sums = RP_SUMS_INIT;
	char *data = NULL, *stext = NULL, d[256], *found;
	size_t len = 0, slen = 0, which = 0;
	enum rp_status rc;

	rc = rp_read_file(c->o->sums, RP_OPEN_STDIN, SUMS_MAX, &data, &len, c->e);
	if (rc)
		return rc;
	if (c->o->sums_sig) {
		struct rp_minisig s;
		struct rp_err e2 = RP_ERR_INIT;
		rc = rp_read_file(c->o->sums_sig, 0, SIGFILE_MAX, &stext, &slen, c->e);
		if (rc)
			goto out;
		rc = rp_minisig_parse(&s, stext, slen, c->o->sums_sig, c->e);
		if (rc)
			goto out;
		rc = rp_minisig_verify_keys(&s, c->keys, c->nkeys, NULL, data, len, &which, &e2);
		rp_minisig_release(&s);
		if (rc == RP_OK) {
			rp_pubkey_describe(&c->keys[which], d, sizeof(d));
			found = rp_xasprintf("signed by %s", d);
			pass(c, "sums-signature", sname, NULL, found);
			free(found);
		} else if (rc == RP_FAIL) {
			rc = fail(c, "sums-signature", sname, NULL, e2.msg);
			goto out;
		} else {
			*c->e = e2;
			goto out;
		}
	}
	rc = rp_sums_parse(&sums, data, len, sname, c->e);
	if (rc)
		goto out;
	if (sums.n == 0) {
		rc = rp_errf(c->e, RP_EINPUT, "'%s': no properly formatted SHA256 checksum lines",
			     sname);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct rp_sums_entry *en = NULL;
		char want[RP_SHA256_HEX + 8], got[RP_SHA256_HEX + 8], hex[RP_SHA256_HEX];
		if (assets[i].path || strncmp(assets[i].name, "sha256:", 7) != 0) {
			en = rp_sums_find(&sums, assets[i].name);
			if (!en)
				en = rp_sums_find(&sums, base_name(assets[i].name));
			/* `sha256sum dist/NAME` lists dist/NAME: accept one entry with that base name */
			if (!en) {
				const struct rp_sums_entry *only = NULL;
				size_t hits = 0;
				for (size_t j = 0; j < sums.n; j++) {
					if (strcmp(base_name(sums.v[j].name), base_name(assets[i].name)) == 0) {
						only = &sums.v[j];
						hits++;
					}
				}
				if (hits == 1)
					en = only;
			}
		} else {
			for (size_t j = 0; j < sums.n && !en; j++)
				if (rp_ct_equal(sums.v[j].digest, assets[i].sha256, 32))
					en = &sums.v[j];
		}
		rp_hex(assets[i].sha256, 32, hex);
		snprintf(got, sizeof(got), "sha256:%s", hex);
		if (!en) {
			found = rp_xasprintf("'%s' not listed in %s", base_name(assets[i].name), sname);
			rc = fail(c, "sums", assets[i].name, got, found);
			free(found);
			goto out;
		}
		rp_hex(en->digest, 32, hex);
		snprintf(want, sizeof(want), "sha256:%s", hex);
		if (!rp_ct_equal(en->digest, assets[i].sha256, 32)) {
			rc = fail(c, "sums", assets[i].name, want, got);
			goto out;
		}
		found = rp_xasprintf("%s (line %zu)", got, en->line);
		pass(c, "sums", assets[i].name, want, found);
		free(found);
	}
out:
	rp_sums_release(&sums);
	free(stext);
	free(data);
	return rc;
}

/* Add the envelope in obj (an envelope or a bundle) to the candidates; 0 if unrecognised. */
static enum rp_status add_cand(struct ctx *c, json_t *obj, const char *where, int *added)
{
	json_t *env = obj;
	enum rp_status rc;

	*added = 0;
	if (!json_is_object(obj))
		return RP_OK;
	if (rp_bundle_is(obj)) {
		rc = rp_bundle_envelope(obj, &env, where, c->e);
		if (rc)
			return rc;
	} else if (!json_object_get(obj, "payloadType") || !json_object_get(obj, "payload")) {
		return RP_OK;
	}
	if (c->nc >= MAX_ENVELOPES)
		return rp_errf(c->e, RP_EINPUT, "'%s': more than %d envelopes", c->prov_name,
			       MAX_ENVELOPES);
	c->c = rp_xreallocarray(c->c, c->nc + 1, sizeof(*c->c));
	memset(&c->c[c->nc], 0, sizeof(*c->c));
	rc = rp_dsse_from_json(&c->c[c->nc].env, env, where, c->e);
	if (rc)
		return rc;
	c->nc++;
	*added = 1;
	return RP_OK;
}

static enum rp_status load_provenance(struct ctx *c)
{
	char *data = NULL;
	size_t len = 0, pos = 0, lineno = 0;
	json_t *root;
	int added;
	enum rp_status rc;

	rc = rp_read_file(c->o->provenance, RP_OPEN_STDIN, PROV_MAX, &data, &len, c->e);
	if (rc)
		return rc;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL);
	if (root) {
		/* a bare envelope or bundle, possibly pretty-printed */
		rc = add_cand(c, root, c->prov_name, &added);
		json_decref(root);
		if (!rc && !added)
			rc = rp_errf(c->e, RP_EINPUT,
				     "'%s': not a DSSE envelope or Sigstore bundle", c->prov_name);
		free(data);
		return rc;
	}
	/* .intoto.jsonl: one envelope or bundle per line; unrecognised lines are skipped */
	while (pos < len) {
		char *nl = memchr(data + pos, '\n', len - pos), *where;
		size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
		lineno++;
		root = json_loadb(data + pos, n, JSON_REJECT_DUPLICATES, NULL);
		pos += n + 1;
		if (!root)
			continue;
		where = rp_xasprintf("%s line %zu", c->prov_name, lineno);
		rc = add_cand(c, root, where, &added);
		free(where);
		json_decref(root);
		if (rc)
			break;
	}
	free(data);
	if (!rc && c->nc == 0)
		rc = rp_errf(c->e, RP_EINPUT, "'%s': no DSSE envelope or Sigstore bundle found",
			     c->prov_name);
	return rc;
}

/* Parse a verified candidate's payload once. */
static enum rp_status parse_cand(struct ctx *c, struct cand *k)
{
	struct rp_err e2 = RP_ERR_INIT;

	if (k->parsed == 0) {
		if (rp_statement_parse(&k->st, k->env.payload, k->env.payload_len, c->prov_name,
				       &e2) == RP_OK) {
			k->parsed = 1;
		} else {
			k->parsed = -1;
			if (c->record)
				*c->e = e2;
		}
	}
	if (k->parsed < 0) {
		if (c->record && !c->e->msg[0])
			rp_errf(c->e, RP_EINPUT, "'%s': the signed statement is malformed",
				c->prov_name);
		return RP_EINPUT;
	}
	return RP_OK;
}

static const char *or_none(const char *s)
{
	return s ? s : "(none)";
}

static enum rp_status expect_eq(struct ctx *c, const char *check, const char *want,
				const char *got, int ok)
{
	return ok ? pass(c, check, c->prov_name, want, got) : fail(c, check, c->prov_name, want, got);
}

/* The statement-level checks of one verified candidate, in DESIGN's order. */
static enum rp_status check_types(struct ctx *c, struct cand *k)
{
	struct rp_statement *st = &k->st;
	enum rp_status rc;

	rc = expect_eq(c, "payload-type", RP_DSSE_INTOTO, k->env.payload_type,
		       strcmp(k->env.payload_type, RP_DSSE_INTOTO) == 0);
	if (rc)
		return rc;
	rc = parse_cand(c, k);
	if (rc)
		return rc;
	rc = rp_statement_type_ok(st->type)
		     ? pass(c, "statement-type", c->prov_name, NULL, st->type)
		     : fail(c, "statement-type", c->prov_name,
			    RP_STATEMENT_V1 " or " RP_STATEMENT_V01, or_none(st->type));
	if (rc)
		return rc;
	return st->kind != RP_PRED_OTHER
		       ? pass(c, "predicate-type", c->prov_name, NULL, st->predicate_type)
		       : fail(c, "predicate-type", c->prov_name,
			      "SLSA provenance v1/v0.2 or VSA v1", or_none(st->predicate_type));
}

static enum rp_status check_policy(struct ctx *c, struct cand *k)
{
	const struct rp_verify_opts *o = c->o;
	struct rp_statement *st = &k->st;
	enum rp_status rc;

	if (st->kind == RP_PRED_VSA_V1) {
		/*
		 * A VSA signed by a trusted verifier can still say FAILED: its signature alone
		 * must not make the asset pass.
		 */
		json_t *pred = json_object_get(st->root, "predicate");
		const char *res = json_string_value(json_object_get(pred, "verificationResult"));
		rc = expect_eq(c, "verification-result", "PASSED", res,
			       res && strcmp(res, "PASSED") == 0);
		if (rc)
			return rc;
	}
	if (o->builder_id) {
		rc = expect_eq(c, "builder-id", o->builder_id, st->builder_id,
			       st->builder_id && strcmp(o->builder_id, st->builder_id) == 0);
		if (rc)
			return rc;
	}
	if (c->pol.nbuilder_ids) {
		struct rp_buf want = RP_BUF_INIT(1 << 16);
		int ok = 0;
		for (size_t i = 0; i < c->pol.nbuilder_ids; i++) {
			rp_buf_addf(&want, NULL, "%s%s", i ? " or " : "", c->pol.builder_ids[i]);
			if (st->builder_id && strcmp(c->pol.builder_ids[i], st->builder_id) == 0)
				ok = 1;
		}
		rc = ok ? pass(c, "builder-id", c->prov_name, want.data, st->builder_id)
			: fail(c, "builder-id", c->prov_name, want.data, st->builder_id);
		rp_buf_release(&want);
		if (rc)
			return rc;
	}
	if (o->build_type || c->pol.build_type) {
		const char *w = o->build_type ? o->build_type : c->pol.build_type;
		rc = expect_eq(c, "build-type", w, st->build_type,
			       st->build_type && strcmp(w, st->build_type) == 0);
		if (rc)
			return rc;
	}
	if (o->source_uri || c->pol.source_uri) {
		const char *w = o->source_uri ? o->source_uri : c->pol.source_uri;
		rc = expect_eq(c, "source-uri", w, st->source_uri,
			       st->source_uri && rp_policy_uri_match(w, st->source_uri));
		if (rc)
			return rc;
		if (o->source_uri && c->pol.source_uri) {
			rc = expect_eq(c, "source-uri", c->pol.source_uri, st->source_uri,
				       st->source_uri && rp_policy_uri_match(c->pol.source_uri,
									      st->source_uri));
			if (rc)
				return rc;
		}
	}
	if (o->source_tag || o->source_branch) {
		char *want = o->source_tag ? rp_xasprintf("refs/tags/%s", o->source_tag)
					   : rp_xasprintf("refs/heads/%s", o->source_branch);
		rc = expect_eq(c, o->source_tag ? "source-tag" : "source-branch", want,
			       st->source_ref, st->source_ref && strcmp(want, st->source_ref) == 0);
		free(want);
		if (rc)
			return rc;
	}
	if (c->pol.ref_pattern) {
		rc = expect_eq(c, "source-ref", c->pol.ref_pattern, st->source_ref,
			       st->source_ref && fnmatch(c->pol.ref_pattern, st->source_ref, 0) == 0);
		if (rc)
			return rc;
	}
	if (o->source_commit) {
		rc = expect_eq(c, "source-commit", o->source_commit, st->source_commit,
			       st->source_commit && strcasecmp(o->source_commit, st->source_commit) == 0);
		if (rc)
			return rc;
	}
	if (c->pol.require_reproducible) {
		const char *found;
		int ok = rp_policy_reproducible(st->root, &found);
		rc = expect_eq(c, "reproducible", "reproducible or equal after normalization",
			       found, ok);
		if (rc)
			return rc;
	}
	return RP_OK;
}

/* A file or a downloaded URL has a name to match; "sha256:HEX" names only a digest. */
static int has_name(const struct rp_verify_asset *a)
{
	return a->path || strncmp(a->name, "sha256:", 7) != 0;
}

/*
 * A subject names the asset: by its base name and digest, as docs/fetch.md and attest.md
 * promise. Digest alone would let provenance for "evil.tar.gz" vouch for "app.tar.gz" when
 * the bytes are the same, which a reader of the statement would not expect; that matching
 * is used only when asked for, or when the asset has no name, and the report says so.
 */
static enum rp_status check_subject(struct ctx *c, struct cand *k, const struct rp_verify_asset *a)
{
	char hex[RP_SHA256_HEX], want[RP_SHA256_HEX + 8], *found, *expected;
	const char *base = base_name(a->name), *sn, *other = NULL;
	int by_name = has_name(a) && !c->o->match_digest_only;
	enum rp_status rc;

	rp_hex(a->sha256, 32, hex);
	snprintf(want, sizeof(want), "sha256:%s", hex);
	sn = by_name ? rp_statement_match_subject(&k->st, a->sha256, base, &other)
		     : rp_statement_find_subject(&k->st, a->sha256);
	if (sn) {
		found = by_name ? rp_xasprintf("%s (subject '%s')", want, sn)
				: rp_xasprintf("%s (subject '%s', matched by digest only%s)", want, sn,
					       has_name(a) ? ", as asked" : ": the asset has no name");
		rc = pass(c, "subject", a->name, NULL, found);
		free(found);
		return rc;
	}
	expected = by_name ? rp_xasprintf("subject '%s' with %s", base, want) : rp_xstrdup(want);
	if (other)
		found = rp_xasprintf("that digest only as subject '%s' in %s (digest-only matching "
				     "not asked for)", other, c->prov_name);
	else
		found = rp_xasprintf("no subject with that digest in %s (%zu subjects)", c->prov_name,
				     json_array_size(json_object_get(k->st.root, "subject")));
	rc = fail(c, "subject", a->name, expected, found);
	free(expected);
	free(found);
	return rc;
}

/* Every check for one asset against one candidate: types, subject, policy. */
static enum rp_status check_cand(struct ctx *c, struct cand *k, const struct rp_verify_asset *a)
{
	enum rp_status rc = RP_OK;
	int first = !k->recorded;

	if (first || !c->record)
		rc = check_types(c, k);
	if (!rc)
		rc = check_subject(c, k, a);
	if (!rc && (first || !c->record))
		rc = check_policy(c, k);
	if (c->record)
		k->recorded = 1;
	return rc;
}

static void keep_statement(struct ctx *c, struct cand *k)
{
	if (!c->o->print_provenance || c->r->statement)
		return;
	c->r->statement = rp_xstrndup((const char *)k->env.payload, k->env.payload_len);
	c->r->statement_verified = k->verified;
}

static enum rp_status check_provenance(struct ctx *c, const struct rp_verify_asset *assets, size_t n)
{
	struct cand *first = NULL;
	char d[256], *found, keys[1024];
	enum rp_status rc;

	c->prov_name = c->o->provenance_name ? c->o->provenance_name : c->o->provenance;
	rc = load_provenance(c);
	if (rc)
		return rc;
	for (size_t i = 0; i < c->nc; i++) {
		struct cand *k = &c->c[i];
		k->verified = rp_dsse_verify(&k->env, c->keys, c->nkeys, &k->key) == RP_OK;
		if (k->verified && !first)
			first = k;
	}
	describe_keys(c, keys, sizeof(keys));
	if (!first) {
		keep_statement(c, &c->c[0]);
		char *want = rp_xasprintf("a signature by %s", keys);
		found = rp_xasprintf("%zu envelope(s), no signature by a trusted key", c->nc);
		rc = fail(c, "dsse-signature", c->prov_name, want, found);
		free(found);
		free(want);
		return rc;
	}
	rp_pubkey_describe(&c->keys[first->key], d, sizeof(d));
	found = rp_xasprintf("signed by %s", d);
	pass(c, "dsse-signature", c->prov_name, NULL, found);
	free(c->r->signer);
	c->r->signer = rp_xstrdup(d);
	free(found);
	for (size_t i = 0; i < n; i++) {
		struct cand *pick = NULL;
		/* several envelopes: use the first that passes every check for this asset */
		c->record = 0;
		for (size_t j = 0; j < c->nc && !pick; j++)
			if (c->c[j].verified && check_cand(c, &c->c[j], &assets[i]) == RP_OK)
				pick = &c->c[j];
		c->record = 1;
		if (!pick)
			pick = first;
		keep_statement(c, pick);
		rc = check_cand(c, pick, &assets[i]);
		if (rc)
			return rc;
	}
	return RP_OK;
}

enum rp_status rp_verify_run(const struct rp_verify_opts *o, const struct rp_verify_asset *assets,
			     size_t n, struct rp_verify_report **out, struct rp_err *e)
{
	struct ctx c;
	enum rp_status rc = RP_OK;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.o = o;
	c.e = e;
	c.record = 1;
	c.r = rp_xcalloc(1, sizeof(*c.r));
	if (n == 0) {
		rc = rp_errf(e, RP_EUSAGE, "no asset to verify");
		goto out;
	}
	if (o->sig && (n != 1 || !assets[0].path)) {
		rc = rp_errf(e, RP_EUSAGE, n != 1 ? "--sig needs exactly one asset"
						  : "--sig needs the asset's file, not only its digest");
		goto out;
	}
	if (o->sums_sig && !o->sums) {
		rc = rp_errf(e, RP_EUSAGE, "--sums-sig needs --sums");
		goto out;
	}
	if (o->policy_file) {
		rc = rp_policy_load(&c.pol, o->policy_file, e);
		if (rc)
			goto out;
	}
	rc = load_keys(&c);
	if (rc)
		goto out;
	if (c.nkeys == 0 && (o->sig || o->sums_sig || o->provenance)) {
		rc = rp_errf(e, RP_EUSAGE, "checking a signature needs a trusted public key (-p)");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char hex[RP_SHA256_HEX], *f;
		rp_hex(assets[i].sha256, 32, hex);
		f = rp_xasprintf("sha256:%s", hex);
		pass(&c, "digest", assets[i].name, NULL, f);
		free(f);
	}
	if (o->sig) {
		rc = check_sig(&c, &assets[0]);
		if (rc)
			goto out;
	}
	if (o->sums) {
		rc = check_sums(&c, assets, n);
		if (rc)
			goto out;
	}
	if (o->provenance) {
		rc = check_provenance(&c, assets, n);
		if (rc)
			goto out;
	}
	c.r->passed = 1;
out:
	for (size_t i = 0; i < c.nkeys; i++)
		rp_pubkey_release(&c.keys[i]);
	free(c.keys);
	for (size_t i = 0; i < c.nc; i++) {
		rp_dsse_env_release(&c.c[i].env);
		rp_statement_release(&c.c[i].st);
	}
	free(c.c);
	rp_policy_release(&c.pol);
	if (rc == RP_OK || rc == RP_FAIL || c.r->n > 0) {
		*out = c.r;
	} else {
		rp_verify_report_free(c.r);
	}
	return rc;
}

enum rp_status rp_verify_write_text(const struct rp_verify_report *r, FILE *fp, struct rp_err *e)
{
	char s[1024], x[1024], y[1024];

	for (size_t i = 0; i < r->n; i++) {
		const struct rp_verify_line *l = &r->lines[i];
		rp_sanitize(s, sizeof(s), l->subject);
		if (l->ok && (!l->expected || (l->found && strcmp(l->expected, l->found) == 0)))
			fprintf(fp, "ok    %-15s %s: %s\n", l->check, s,
				rp_sanitize(y, sizeof(y), l->found ? l->found : ""));
		else if (l->expected)
			fprintf(fp, "%-5s %-15s %s: expected %s, found %s\n", l->ok ? "ok" : "FAIL",
				l->check, s, rp_sanitize(x, sizeof(x), l->expected),
				rp_sanitize(y, sizeof(y), l->found ? l->found : "nothing"));
		else
			fprintf(fp, "%-5s %-15s %s: %s\n", l->ok ? "ok" : "FAIL", l->check, s,
				rp_sanitize(y, sizeof(y), l->found ? l->found : ""));
	}
	if (r->passed)
		fprintf(fp, "verified: %zu checks passed\n", r->n);
	else if (r->failed)
		fprintf(fp, "NOT VERIFIED: check '%s' failed\n", r->failed);
	else
		fprintf(fp, "NOT VERIFIED: verification stopped on an error\n");
	if (r->statement) {
		json_t *j = json_loads(r->statement, 0, NULL);
		char *pretty = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
		fprintf(fp, "provenance statement (%s):\n%s\n",
			r->statement_verified ? "signature verified" : "UNVERIFIED",
			pretty ? pretty : "(not JSON)");
		free(pretty);
		json_decref(j);
	}
	if (fflush(fp) != 0 || ferror(fp))
		return rp_errf(e, RP_EIO, "cannot write the report");
	return RP_OK;
}

/* A JSON string for s; bytes that are not valid UTF-8 (file names can be anything) become '?'. */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	char *c;

	if (j)
		return j;
	c = rp_xstrdup(s);
	for (unsigned char *p = (unsigned char *)c; *p; p++)
		if (*p >= 0x80)
			*p = '?';
	j = json_string(c);
	free(c);
	return j;
}

enum rp_status rp_verify_write_json(const struct rp_verify_report *r, FILE *fp, struct rp_err *e)
{
	json_t *o = json_object(), *checks = json_array();
	char *text;
	int bad;

	for (size_t i = 0; i < r->n; i++) {
		const struct rp_verify_line *l = &r->lines[i];
		json_t *c = json_object();
		json_object_set_new(c, "check", jstr(l->check));
		json_object_set_new(c, "subject", jstr(l->subject));
		json_object_set_new(c, "ok", json_boolean(l->ok));
		json_object_set_new(c, "expected", l->expected ? jstr(l->expected) : json_null());
		json_object_set_new(c, "found", l->found ? jstr(l->found) : json_null());
		json_array_append_new(checks, c);
	}
	json_object_set_new(o, "verified", json_boolean(r->passed));
	json_object_set_new(o, "failed_check", r->failed ? json_string(r->failed) : json_null());
	json_object_set_new(o, "checks", checks);
	json_object_set_new(o, "signer", r->signer ? jstr(r->signer) : json_null());
	if (r->statement) {
		json_t *st = json_loads(r->statement, 0, NULL);
		json_object_set_new(o, "statement", st ? st : jstr(r->statement));
		json_object_set_new(o, "statement_verified", json_boolean(r->statement_verified));
	}
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return rp_errf(e, RP_EINTERNAL, "cannot encode the JSON report");
	bad = fprintf(fp, "%s\n", text) < 0 || fflush(fp) != 0;
	free(text);
	if (bad)
		return rp_errf(e, RP_EIO, "cannot write the report");
	return RP_OK;
}

void rp_verify_report_free(struct rp_verify_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->lines[i].check);
		free(r->lines[i].subject);
		free(r->lines[i].expected);
		free(r->lines[i].found);
	}
	free(r->lines);
	free(r->statement);
	free(r->signer);
	free(r);
}
