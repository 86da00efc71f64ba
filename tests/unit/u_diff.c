/*
 * Unit tests for verify/diff.c: the layered verdict, member items, details, exceptions,
 * truncation and the JSON writer.
 */
#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diff.h"
#include "harness.h"
#include "mem.h"

struct ment {
	const char *path;
	long long mtime, uid;
	const char *data;
};

static char *at(const char *name)
{
	return rp_xasprintf("%s/%s", rp_test_dir(), name);
}

static void mk(const char *path, int filter, const struct ment *m, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();

	archive_write_set_format_pax_restricted(a);
	if (filter)
		archive_write_add_filter(a, filter);
	archive_write_open_filename(a, path);
	for (size_t i = 0; i < n; i++) {
		archive_entry_clear(ae);
		archive_entry_set_pathname(ae, m[i].path);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_mtime(ae, (time_t)m[i].mtime, 0);
		archive_entry_set_uid(ae, m[i].uid);
		archive_entry_set_size(ae, (la_int64_t)strlen(m[i].data));
		archive_write_header(a, ae);
		archive_write_data(a, m[i].data, strlen(m[i].data));
	}
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(ae);
}

static void put(const char *path, const char *s)
{
	FILE *fp = fopen(path, "w");

	if (fp) {
		fputs(s, fp);
		fclose(fp);
	}
}

static const struct ment base[] = {
	{ "a.txt", 1, 0, "one\ntwo\nthree\n" },
	{ "b.bin", 1, 0, "\x01\x02\x03\x04" },
	{ "c.txt", 1, 0, "keep\n" },
};

static struct rp_diff_report *run(const char *a, const char *b, const struct rp_diff_opts *o,
				  enum rp_status want)
{
	struct rp_diff_opts def = RP_DIFF_OPTS_INIT;
	struct rp_diff_report *r = NULL;
	struct rp_err e = RP_ERR_INIT;
	enum rp_status rc = rp_diff_paths(a, b, o ? o : &def, &r, &e);

	CHECK_STATUS(rc, want);
	if (rc != want)
		rp_test_fail(__FILE__, __LINE__, "message: %s", e.msg);
	return r;
}

static const struct rp_diff_item *find(const struct rp_diff_report *r, const char *path)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (strcmp(r->items[i].path, path) == 0)
			return &r->items[i];
	return NULL;
}

TEST(diff_identical_bytes)
{
	char *a = at("a.tar");
	struct rp_diff_report *r;

	mk(a, 0, base, 3);
	r = run(a, a, NULL, RP_OK);
	if (r) {
		CHECK_EQ_INT(rp_diff_verdict(r), RP_VERDICT_IDENTICAL);
		CHECK_EQ_STR(r->layer, "bytes");
		CHECK_EQ_INT(r->nitems, 0);
	}
	rp_diff_report_free(r);
	free(a);
}

TEST(diff_equal_after_normalization_says_what)
{
	static const struct ment other[] = {
		{ "c.txt", 77, 5, "keep\n" },
		{ "b.bin", 88, 5, "\x01\x02\x03\x04" },
		{ "a.txt", 99, 5, "one\ntwo\nthree\n" },
	};
	char *a = at("a.tar"), *b = at("b.tar.gz");
	struct rp_diff_report *r;
	int mt = 0, ow = 0, ord = 0, comp = 0;

	mk(a, 0, base, 3);
	mk(b, ARCHIVE_FILTER_GZIP, other, 3);
	r = run(a, b, NULL, RP_OK);
	if (r) {
		CHECK_EQ_INT(rp_diff_verdict(r), RP_VERDICT_EQUAL_NORMALIZED);
		CHECK_EQ_STR(r->layer, "canonical");
		for (size_t i = 0; i < r->nnorms; i++) {
			mt |= strcmp(r->norms[i].what, "mtime") == 0 && r->norms[i].count == 3;
			ow |= strncmp(r->norms[i].what, "owner", 5) == 0;
			ord |= strcmp(r->norms[i].what, "member order") == 0;
			comp |= strstr(r->norms[i].what, "none -> gzip") != NULL;
		}
		CHECK(mt && ow && ord && comp);
	}
	rp_diff_report_free(r);
	free(a);
	free(b);
}

TEST(diff_members_added_removed_content)
{
	static const struct ment other[] = {
		{ "a.txt", 1, 0, "one\nTWO\nthree\n" },
		{ "b.bin", 1, 0, "\x01\x02\xff\x04" },
		{ "d.new", 1, 0, "new\n" },
	};
	char *a = at("a.tar"), *b = at("b.tar");
	struct rp_diff_report *r;
	const struct rp_diff_item *it;

	mk(a, 0, base, 3);
	mk(b, 0, other, 3);
	r = run(a, b, NULL, RP_OK);
	if (!r)
		goto out;
	CHECK_EQ_INT(rp_diff_verdict(r), RP_VERDICT_DIFFERENT);
	CHECK_EQ_INT(r->counts[RP_CHANGE_CONTENT], 2);
	CHECK_EQ_INT(r->counts[RP_CHANGE_ADDED], 1);
	CHECK_EQ_INT(r->counts[RP_CHANGE_REMOVED], 1);
	it = find(r, "a.txt");
	CHECK(it && it->change == RP_CHANGE_CONTENT && it->first_diff == 4 && it->is_text);
	CHECK(it && it->udiff && strstr(it->udiff, "-two\n+TWO\n"));
	it = find(r, "b.bin");
	CHECK(it && it->first_diff == 2 && !it->is_text && it->hex_a && it->hex_b);
	CHECK(it && it->hex_b && strstr(it->hex_b, "01 02 ff 04"));
	it = find(r, "c.txt");
	CHECK(it && it->change == RP_CHANGE_REMOVED);
	it = find(r, "d.new");
	CHECK(it && it->change == RP_CHANGE_ADDED && it->size_b == 4);
out:
	rp_diff_report_free(r);
	free(a);
	free(b);
}

TEST(diff_exceptions_are_applied_and_echoed)
{
	static const struct ment other[] = {
		{ "a.txt", 1, 0, "one\ntwo\nthree\n" },
		{ "b.bin", 1, 0, "\x01\x02\x03\x05" },
		{ "c.txt", 1, 0, "keep\n" },
	};
	char *a = at("a.tar"), *b = at("b.tar"), *x = at("exc"), *bad = at("bad");
	struct rp_diff_opts o = RP_DIFF_OPTS_INIT;
	struct rp_diff_report *r;

	mk(a, 0, base, 3);
	mk(b, 0, other, 3);
	put(x, "# comment\n\n*.bin  build id embedded by the linker\n");
	o.exceptions_file = x;
	r = run(a, b, &o, RP_OK);
	if (r) {
		CHECK_EQ_INT(rp_diff_verdict(r), RP_VERDICT_EQUAL_NORMALIZED);
		CHECK_EQ_INT(r->nexcs, 1);
		CHECK_EQ_STR(r->excs[0].pattern, "*.bin");
		CHECK_EQ_STR(r->excs[0].reason, "build id embedded by the linker");
		CHECK_EQ_INT(r->excs[0].matched, 1);
	}
	rp_diff_report_free(r);
	put(bad, "*.bin\n");
	o.exceptions_file = bad;
	r = run(a, b, &o, RP_EINPUT);
	CHECK(r == NULL);
	free(a);
	free(b);
	free(x);
	free(bad);
}

TEST(diff_items_truncated_head_and_tail)
{
	struct ment m1[6], m2[6];
	char names[6][16], *a = at("a.tar"), *b = at("b.tar");
	struct rp_diff_opts o = RP_DIFF_OPTS_INIT;
	struct rp_diff_report *r;

	for (int i = 0; i < 6; i++) {
		snprintf(names[i], sizeof(names[i]), "f%d", i);
		m1[i] = (struct ment){ names[i], 1, 0, "x" };
		m2[i] = (struct ment){ names[i], 1, 0, "y" };
	}
	mk(a, 0, m1, 6);
	mk(b, 0, m2, 6);
	o.max_items = 3;
	r = run(a, b, &o, RP_OK);
	if (r) {
		CHECK_EQ_INT(r->nitems, 3);
		CHECK_EQ_INT(r->omitted, 3);
		CHECK_EQ_INT(r->head, 2);
		CHECK_EQ_INT(r->counts[RP_CHANGE_CONTENT], 6);
		CHECK_EQ_STR(r->items[0].path, "f0");
		CHECK_EQ_STR(r->items[2].path, "f5");
	}
	rp_diff_report_free(r);
	free(a);
	free(b);
}

TEST(diff_plain_files_and_dirs)
{
	char *f1 = at("f1"), *f2 = at("f2"), *d1 = at("d1"), *d2 = at("d2"), *p;
	struct rp_diff_report *r;

	put(f1, "abcdef\n");
	put(f2, "abcXef\n");
	r = run(f1, f2, NULL, RP_OK);
	if (r) {
		CHECK_EQ_INT(rp_diff_verdict(r), RP_VERDICT_DIFFERENT);
		CHECK(r->nitems == 1 && r->items[0].first_diff == 3);
	}
	rp_diff_report_free(r);
	mkdir(d1, 0755);
	mkdir(d2, 0755);
	p = rp_xasprintf("%s/x", d1);
	put(p, "same\n");
	free(p);
	p = rp_xasprintf("%s/x", d2);
	put(p, "same\n");
	free(p);
	r = run(d1, d2, NULL, RP_OK);
	if (r)
		CHECK_EQ_INT(rp_diff_verdict(r), RP_VERDICT_IDENTICAL);
	rp_diff_report_free(r);
	p = rp_xasprintf("%s/y", d2);
	put(p, "extra\n");
	free(p);
	r = run(d1, d2, NULL, RP_OK);
	if (r) {
		CHECK_EQ_INT(rp_diff_verdict(r), RP_VERDICT_DIFFERENT);
		CHECK(find(r, "y") && find(r, "y")->change == RP_CHANGE_ADDED);
	}
	rp_diff_report_free(r);
	r = run(d1, f1, NULL, RP_EUSAGE);
	rp_diff_report_free(r);
	free(f1);
	free(f2);
	free(d1);
	free(d2);
}

TEST(diff_json_schema)
{
	static const struct ment other[] = {
		{ "a.txt", 1, 0, "one\ntwo\nthree\n" },
		{ "b.bin", 1, 0, "\x01\x02\x03\x04" },
	};
	char *a = at("a.tar"), *b = at("b.tar"), *j = at("j.json");
	struct rp_diff_report *r;
	struct rp_err e = RP_ERR_INIT;
	json_error_t je;
	json_t *root = NULL;
	FILE *fp;

	mk(a, 0, base, 3);
	mk(b, 0, other, 2);
	r = run(a, b, NULL, RP_OK);
	fp = fopen(j, "w");
	if (r && fp) {
		CHECK_STATUS(rp_diff_write_json(r, fp, &e), RP_OK);
		fclose(fp);
		root = json_load_file(j, 0, &je);
	} else if (fp) {
		fclose(fp);
	}
	CHECK(root != NULL);
	if (root) {
		json_t *items = json_object_get(root, "items"), *it;
		CHECK_EQ_STR(json_string_value(json_object_get(root, "schema")), "reprove-diff/1");
		CHECK_EQ_STR(json_string_value(json_object_get(root, "verdict")), "different");
		CHECK_EQ_STR(json_string_value(json_object_get(root, "layer")), "members");
		CHECK(json_is_array(items) && json_array_size(items) == 1);
		it = json_array_get(items, 0);
		CHECK_EQ_STR(json_string_value(json_object_get(it, "change")), "removed");
		CHECK_EQ_STR(json_string_value(json_object_get(it, "path")), "c.txt");
		CHECK(json_is_null(json_object_get(it, "b")));
		CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(root, "counts"),
								 "removed")), 1);
		CHECK(json_is_string(json_object_get(json_object_get(root, "a"), "sha256")));
		json_decref(root);
	}
	rp_diff_report_free(r);
	free(a);
	free(b);
	free(j);
}
