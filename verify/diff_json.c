/*
 * The diff report as JSON (schema "reprove-diff/1", documented in docs/archive.md). Member
 * names are untrusted bytes: anything that is not valid UTF-8 is percent-escaped.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "mem.h"

/* A JSON string for arbitrary bytes: as-is when valid UTF-8, else bytes >= 0x80 as %XX. */
static json_t *jstr(const char *s)
{
	static const char hx[] = "0123456789abcdef";
	json_t *j;
	char *esc, *q;

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	esc = rp_xmalloc(3 * strlen(s) + 1);
	q = esc;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80 || *p == '%') {
			*q++ = '%';
			*q++ = hx[*p >> 4];
			*q++ = hx[*p & 15];
		} else {
			*q++ = (char)*p;
		}
	}
	*q = '\0';
	j = json_string(esc);
	free(esc);
	return j ? j : json_null();
}

static json_t *jhex(const unsigned char *d)
{
	char hex[RP_SHA256_HEX];

	rp_hex(d, RP_SHA256_LEN, hex);
	return json_string(hex);
}

static json_t *side(const char *path, const char *fmt, const unsigned char *sha, uint64_t size)
{
	json_t *o = json_object();
	int dir = fmt && strcmp(fmt, "directory") == 0;

	json_object_set_new(o, "path", jstr(path));
	json_object_set_new(o, "format", jstr(fmt ? fmt : "?"));
	if (!dir) {
		json_object_set_new(o, "size", json_integer((json_int_t)size));
		json_object_set_new(o, "sha256", jhex(sha));
	}
	return o;
}

static json_t *member(enum rp_ent_type t, uint64_t size, const unsigned char *sha)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string(rp_ent_type_name(t)));
	json_object_set_new(o, "size", json_integer((json_int_t)size));
	json_object_set_new(o, "sha256", jhex(sha));
	return o;
}

static json_t *item(const struct rp_diff_item *it)
{
	json_t *o = json_object();

	json_object_set_new(o, "change", json_string(rp_diff_change_name(it->change)));
	json_object_set_new(o, "path", jstr(it->path));
	if (it->what)
		json_object_set_new(o, "what", jstr(it->what));
	json_object_set_new(o, "a", it->has_a ? member(it->type_a, it->size_a, it->sha_a)
					      : json_null());
	json_object_set_new(o, "b", it->has_b ? member(it->type_b, it->size_b, it->sha_b)
					      : json_null());
	if (it->change == RP_CHANGE_CONTENT) {
		json_object_set_new(o, "first_difference",
				    it->first_diff >= 0 ? json_integer(it->first_diff)
							: json_null());
		json_object_set_new(o, "text", json_boolean(it->is_text));
		if (it->hex_a)
			json_object_set_new(o, "hex_a", jstr(it->hex_a));
		if (it->hex_b)
			json_object_set_new(o, "hex_b", jstr(it->hex_b));
		if (it->udiff)
			json_object_set_new(o, "unified_diff", jstr(it->udiff));
	}
	return o;
}

enum rp_status rp_diff_write_json(const struct rp_diff_report *r, FILE *fp, struct rp_err *e)
{
	json_t *root = json_object(), *arr, *counts;
	enum rp_status rc = RP_OK;

	json_object_set_new(root, "schema", json_string("reprove-diff/1"));
	json_object_set_new(root, "verdict", json_string(rp_verdict_name(r->verdict)));
	json_object_set_new(root, "layer", json_string(r->layer ? r->layer : "?"));
	json_object_set_new(root, "strict", json_boolean(r->strict));
	json_object_set_new(root, "a", side(r->path_a, r->format_a, r->sha_a, r->size_a));
	json_object_set_new(root, "b", side(r->path_b, r->format_b, r->sha_b, r->size_b));
	arr = json_array();
	for (size_t i = 0; i < r->nnorms; i++) {
		json_t *n = json_object();
		json_object_set_new(n, "what", jstr(r->norms[i].what));
		json_object_set_new(n, "count", json_integer((json_int_t)r->norms[i].count));
		json_object_set_new(n, "example", jstr(r->norms[i].example));
		json_array_append_new(arr, n);
	}
	json_object_set_new(root, "normalized", arr);
	arr = json_array();
	for (size_t i = 0; i < r->nexcs; i++) {
		json_t *n = json_object();
		json_object_set_new(n, "pattern", jstr(r->excs[i].pattern));
		json_object_set_new(n, "reason", jstr(r->excs[i].reason));
		json_object_set_new(n, "matched", json_integer((json_int_t)r->excs[i].matched));
		json_array_append_new(arr, n);
	}
	json_object_set_new(root, "exceptions", arr);
	counts = json_object();
	for (int k = RP_CHANGE_ADDED; k <= RP_CHANGE_META; k++)
		json_object_set_new(counts, rp_diff_change_name((enum rp_diff_change)k),
				    json_integer((json_int_t)r->counts[k]));
	json_object_set_new(root, "counts", counts);
	arr = json_array();
	for (size_t i = 0; i < r->nitems; i++)
		json_array_append_new(arr, item(&r->items[i]));
	json_object_set_new(root, "items", arr);
	json_object_set_new(root, "items_omitted", json_integer((json_int_t)r->omitted));
	json_object_set_new(root, "details_truncated", json_boolean(r->details_truncated));
	{
		json_t *u = json_object();
		json_object_set_new(u, "count", json_integer((json_int_t)r->unsafe));
		json_object_set_new(u, "example", jstr(r->unsafe_example));
		json_object_set_new(u, "reason", r->unsafe_reason ? json_string(r->unsafe_reason)
								 : json_null());
		json_object_set_new(root, "unsafe_paths", u);
	}
	if (r->nnotes) {
		/* optional (reprove-diff/1 stays compatible): present only when there are notes */
		arr = json_array();
		for (size_t i = 0; i < r->nnotes; i++) {
			json_t *n = json_object();
			json_object_set_new(n, "side", json_string(r->notes[i].side));
			json_object_set_new(n, "path", jstr(r->notes[i].path));
			json_object_set_new(n, "note", jstr(r->notes[i].what));
			json_array_append_new(arr, n);
		}
		json_object_set_new(root, "notes", arr);
		json_object_set_new(root, "notes_omitted",
				    json_integer((json_int_t)r->notes_omitted));
	}
	if (json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
	    fputc('\n', fp) == EOF || ferror(fp))
		rc = rp_errf(e, RP_EIO, "cannot write the JSON report");
	json_decref(root);
	return rc;
}
