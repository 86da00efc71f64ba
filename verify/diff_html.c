/*
 * The diff report as one self-contained HTML page for an auditor's browser: inline CSS, no
 * scripts, no external resources; every untrusted string is HTML-escaped.
 */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "mem.h"

static void esc(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '&':
			fputs("&amp;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t')
				fputc('?', fp);
			else
				fputc(c, fp);
		}
	}
}

static void side(FILE *fp, const char *label, const char *path, const char *fmt,
		 const unsigned char *sha, uint64_t size)
{
	char hex[RP_SHA256_HEX];

	rp_hex(sha, RP_SHA256_LEN, hex);
	fprintf(fp, "<tr><th>%s</th><td><code>", label);
	esc(fp, path);
	fprintf(fp, "</code></td><td>");
	esc(fp, fmt ? fmt : "?");
	if (fmt && strcmp(fmt, "directory") != 0)
		fprintf(fp, "</td><td>%llu bytes</td><td><code>%s</code>", (unsigned long long)size,
			hex);
	else
		fprintf(fp, "</td><td></td><td>");
	fprintf(fp, "</td></tr>\n");
}

static void item(FILE *fp, const struct rp_diff_item *it)
{
	char ha[RP_SHA256_HEX], hb[RP_SHA256_HEX];

	fprintf(fp, "<div class=\"item %s\"><h3>%s: <code>", rp_diff_change_name(it->change),
		rp_diff_change_name(it->change));
	esc(fp, *it->path ? it->path : "(the file itself)");
	fprintf(fp, "</code></h3>\n");
	if (it->what) {
		fprintf(fp, "<p>");
		esc(fp, it->what);
		fprintf(fp, "</p>\n");
	}
	if (it->change == RP_CHANGE_CONTENT) {
		rp_hex(it->sha_a, RP_SHA256_LEN, ha);
		rp_hex(it->sha_b, RP_SHA256_LEN, hb);
		fprintf(fp, "<p>size %llu &rarr; %llu<br>sha256 <code>%s</code> &rarr; <code>%s</code>",
			(unsigned long long)it->size_a, (unsigned long long)it->size_b, ha, hb);
		if (it->first_diff >= 0)
			fprintf(fp, "<br>first difference at offset %lld", (long long)it->first_diff);
		fprintf(fp, "</p>\n");
		if (it->udiff) {
			const char *p = it->udiff;
			fprintf(fp, "<pre class=\"udiff\">");
			while (*p) {
				size_t l = strcspn(p, "\n");
				char *line = rp_xstrndup(p, l);
				const char *cls = *line == '+' ? "add" : *line == '-' ? "del"
						: *line == '@' ? "hunk" : "ctx";
				fprintf(fp, "<span class=\"%s\">", cls);
				esc(fp, line);
				fprintf(fp, "</span>\n");
				free(line);
				p += l + (p[l] == '\n');
			}
			fprintf(fp, "</pre>\n");
		} else if (it->hex_a && it->hex_b) {
			fprintf(fp, "<div class=\"hex\"><pre>");
			esc(fp, it->hex_a);
			fprintf(fp, "</pre><pre>");
			esc(fp, it->hex_b);
			fprintf(fp, "</pre></div>\n");
		}
	} else if (it->change == RP_CHANGE_ADDED || it->change == RP_CHANGE_REMOVED) {
		int b = it->change == RP_CHANGE_ADDED;
		fprintf(fp, "<p>%s, %llu bytes</p>\n", rp_ent_type_name(b ? it->type_b : it->type_a),
			(unsigned long long)(b ? it->size_b : it->size_a));
	}
	fprintf(fp, "</div>\n");
}

enum rp_status rp_diff_write_html(const struct rp_diff_report *r, FILE *fp, struct rp_err *e)
{
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src 'unsafe-inline'\">\n<title>reprove diff: ");
	esc(fp, rp_verdict_name(r->verdict));
	fprintf(fp, "</title>\n<style>\n"
		    "body{font-family:sans-serif;margin:2em;max-width:80em}"
		    "code,pre{font-family:monospace}table{border-collapse:collapse}"
		    "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}"
		    ".verdict{font-size:1.4em;font-weight:bold}"
		    ".item{border-left:4px solid #888;padding-left:1em;margin:1em 0}"
		    ".added{border-color:#2a2}.removed{border-color:#c22}.content{border-color:#c80}"
		    ".add{background:#dfd}.del{background:#fdd}.hunk{color:#55a}"
		    ".hex{display:flex;gap:2em}pre{overflow-x:auto}\n"
		    "</style></head><body>\n<h1>reprove diff</h1>\n");
	fprintf(fp, "<p class=\"verdict\">%s</p>\n<p>decided by: %s</p>\n",
		rp_verdict_name(r->verdict), r->layer ? r->layer : "?");
	fprintf(fp, "<table>\n");
	side(fp, "a", r->path_a, r->format_a, r->sha_a, r->size_a);
	side(fp, "b", r->path_b, r->format_b, r->sha_b, r->size_b);
	fprintf(fp, "</table>\n");
	if (r->nnorms) {
		fprintf(fp, "<h2>Removed by normalization</h2>\n<ul>\n");
		for (size_t i = 0; i < r->nnorms; i++) {
			fprintf(fp, "<li>");
			esc(fp, r->norms[i].what);
			fprintf(fp, ": %zu", r->norms[i].count);
			if (r->norms[i].example && *r->norms[i].example) {
				fprintf(fp, " (e.g. <code>");
				esc(fp, r->norms[i].example);
				fprintf(fp, "</code>)");
			}
			fprintf(fp, "</li>\n");
		}
		fprintf(fp, "</ul>\n");
	}
	if (r->nexcs) {
		fprintf(fp, "<h2>Declared exceptions</h2>\n<ul>\n");
		for (size_t i = 0; i < r->nexcs; i++) {
			fprintf(fp, "<li><code>");
			esc(fp, r->excs[i].pattern);
			fprintf(fp, "</code>: ");
			esc(fp, r->excs[i].reason);
			fprintf(fp, " (%zu matched)</li>\n", r->excs[i].matched);
		}
		fprintf(fp, "</ul>\n");
	}
	if (r->nitems) {
		fprintf(fp, "<h2>Members</h2>\n<p>%zu content, %zu added, %zu removed, %zu type, "
			    "%zu metadata</p>\n",
			r->counts[RP_CHANGE_CONTENT], r->counts[RP_CHANGE_ADDED],
			r->counts[RP_CHANGE_REMOVED], r->counts[RP_CHANGE_TYPE],
			r->counts[RP_CHANGE_META]);
		for (size_t i = 0; i < r->nitems; i++) {
			if (r->omitted && i == r->head)
				fprintf(fp, "<p><strong>[... %zu members omitted ...]</strong></p>\n",
					r->omitted);
			item(fp, &r->items[i]);
		}
	}
	if (r->details_truncated)
		fprintf(fp, "<p><strong>details stopped: time limit reached</strong></p>\n");
	if (r->nnotes) {
		fprintf(fp, "<h2>Notes: members compared as bytes</h2>\n<ul>\n");
		for (size_t i = 0; i < r->nnotes; i++) {
			fprintf(fp, "<li>%s: <code>", r->notes[i].side);
			esc(fp, r->notes[i].path);
			fprintf(fp, "</code>: ");
			esc(fp, r->notes[i].what);
			fprintf(fp, "</li>\n");
		}
		if (r->notes_omitted)
			fprintf(fp, "<li><strong>[... %zu notes omitted ...]</strong></li>\n",
				r->notes_omitted);
		fprintf(fp, "</ul>\n");
	}
	fprintf(fp, "</body></html>\n");
	if (ferror(fp))
		return rp_errf(e, RP_EIO, "cannot write the HTML report");
	return RP_OK;
}
