/*
 * reprove gate: the CI release gate. Rebuild with variations; only when the verdict is
 * reproducible (or equal after normalization) publish the artifacts, SHA256SUMS, its minisign
 * signature and signed SLSA provenance into --out DIR; otherwise publish nothing and exit 1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "file.h"
#include "gate.h"
#include "keys.h"
#include "mem.h"
#include "out.h"
#include "rebuild_kept.h"
#include "passphrase.h"
#include "rebuild.h"
#include "release.h"

static const char *const gate_usage[] = {
	"reprove gate [--recipe FILE] -k SECKEY --out DIR [--passphrase-env VAR]",
	"             [--runs N] [--vary LIST] [--bisect] [--git URL --ref REF]",
	"             [--builder-id URI] [--source-uri URI] [--source-ref REF]",
	"             [--toolchain PATH]... [--json FILE] [--allow-dirty] [-q] [-v]",
	"  rebuilds the source as `reprove rebuild` does (default: 3 builds, all variations);",
	"  only when the verdict is reproducible or equal after normalization it writes into",
	"  DIR (absent or empty; it appears complete or not at all) the artifacts under their",
	"  base names, SHA256SUMS, SHA256SUMS.minisig and provenance.intoto.jsonl (SLSA v1,",
	"  DSSE-signed, the verdict in its byproducts). Otherwise DIR is not touched.",
	"  -k SECKEY          an Ed25519 key (minisign or PEM) signing SHA256SUMS and provenance",
	"  --source-uri URI   recorded as the source (default under GitHub Actions:",
	"                     git+$GITHUB_SERVER_URL/$GITHUB_REPOSITORY; else the --git URL)",
	"  --source-ref REF   the full ref recorded, e.g. refs/tags/v1.2 (default $GITHUB_REF)",
	"  --builder-id URI   runDetails.builder.id (default under GitHub Actions:",
	"                     $GITHUB_SERVER_URL/$GITHUB_WORKFLOW_REF)",
	"  --toolchain PATH   a tool to record by digest in resolvedDependencies (repeatable;",
	"                     the build command's binary is always recorded)",
	"  --allow-dirty      publish even when tracked files have uncommitted changes",
	"                     (recorded as source_dirty in the provenance's verdict)",
	"  $GITHUB_STEP_SUMMARY, when set, gets a Markdown summary appended.",
	"  exit 0 published; 1 not reproducible (nothing published); 2 usage; 3 bad recipe;",
	"  4 a build failed, DIR not empty, or an I/O error",
	NULL,
};

static void on_progress(void *arg, const char *line)
{
	(void)arg;
	if (rp_out_verbose || isatty(2))
		rp_msg_note("%s", line);
}

static int verdict_ok(const struct rp_rebuild_report *r)
{
	return r->verdict == RP_REBUILD_REPRODUCIBLE || r->verdict == RP_REBUILD_EQUAL_NORMALIZED;
}

/* The rebuild's verdict as gate reports it (cmd_rebuild.c's print_text is its sibling). */
static void print_report(FILE *fp, const struct rp_rebuild_report *r)
{
	if (r->source_commit)
		fprintf(fp, "source commit %s%s, SOURCE_DATE_EPOCH=%lld\n", r->source_commit,
			r->source_dirty ? " (dirty working tree)" : "", r->source_date_epoch);
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rp_rebuild_run *run = &r->runs[i];
		fprintf(fp, "build %u (%s): %s", run->index, run->kind,
			i ? rp_artifact_result_name(run->result) : "reference");
		cli_rebuild_print_run(fp, run, "; varied ");
	}
	cli_rebuild_print_skipped(fp, r);
	fprintf(fp, "%s\n", r->summary);
}

/* A Markdown table cell: no newlines or pipes, control characters as '?'. */
static void md_cell(FILE *fp, const char *s)
{
	char buf[512];

	rp_sanitize(buf, sizeof(buf), s);
	for (const char *p = buf; *p; p++) {
		if (*p == '|')
			fputs("\\|", fp);
		else if (*p == '`')
			fputc('\'', fp);
		else
			fputc(*p, fp);
	}
}

/* Append the summary to $GITHUB_STEP_SUMMARY (a failure here only warns: the gate decided). */
static void step_summary(const struct rp_rebuild_report *r, const char *out, int published)
{
	const char *path = getenv("GITHUB_STEP_SUMMARY");
	FILE *fp;

	if (!path || !*path)
		return;
	fp = fopen(path, "ae");
	if (!fp) {
		rp_msg_warn("cannot append to GITHUB_STEP_SUMMARY '%s': %s", path, strerror(errno));
		return;
	}
	fprintf(fp, "### reprove gate: %s\n\n", rp_rebuild_verdict_name(r->verdict));
	fputs("| artifact | sha256 | result |\n|---|---|---|\n", fp);
	for (size_t i = 0; i < r->nartifacts; i++) {
		fputs("| `", fp);
		md_cell(fp, r->artifacts[i].name);
		fprintf(fp, "` | `%s` | %s |\n", r->artifacts[i].sha256,
			rp_artifact_result_name(r->artifacts[i].result));
	}
	fprintf(fp, "\n%zu builds", r->nruns);
	if (r->source_commit)
		fprintf(fp, " of commit `%.40s`", r->source_commit);
	fputs(". ", fp);
	md_cell(fp, r->summary);
	fputs("\n\n", fp);
	if (published) {
		fputs("Published to `", fp);
		md_cell(fp, out);
		fputs("`: artifacts, `SHA256SUMS`, `SHA256SUMS.minisig`, "
		      "`provenance.intoto.jsonl`.\n\n",
		      fp);
	} else {
		fputs("**Nothing was published.**\n\n", fp);
	}
	if (fclose(fp) != 0)
		rp_msg_warn("cannot write GITHUB_STEP_SUMMARY '%s': %s", path, strerror(errno));
}

static char *github_default(const char *what)
{
	const char *srv = getenv("GITHUB_SERVER_URL"), *repo = getenv("GITHUB_REPOSITORY"),
		   *wf = getenv("GITHUB_WORKFLOW_REF");

	if (!getenv("GITHUB_ACTIONS") || !srv || !*srv)
		return NULL;
	if (strcmp(what, "uri") == 0 && repo && *repo)
		return rp_xasprintf("git+%s/%s", srv, repo);
	if (strcmp(what, "builder") == 0 && wf && *wf)
		return rp_xasprintf("%s/%s", srv, wf);
	return NULL;
}

static enum rp_status cmd_gate(int argc, char **argv, struct rp_err *e)
{
	static const struct option opts[] = {
		{ "recipe", required_argument, NULL, 'r' },
		{ "key", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ "passphrase-env", required_argument, NULL, 'P' },
		{ "runs", required_argument, NULL, 'n' },
		{ "vary", required_argument, NULL, 'V' },
		{ "bisect", no_argument, NULL, 'b' },
		{ "git", required_argument, NULL, 'g' },
		{ "ref", required_argument, NULL, 'R' },
		{ "builder-id", required_argument, NULL, 'B' },
		{ "source-uri", required_argument, NULL, 'U' },
		{ "source-ref", required_argument, NULL, 'S' },
		{ "toolchain", required_argument, NULL, 'c' },
		{ "json", required_argument, NULL, 'J' },
		{ "allow-dirty", no_argument, NULL, 'D' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct rp_rebuild_opts o = RP_REBUILD_OPTS_INIT;
	struct rp_rebuild_report *r = NULL;
	struct rp_gate_params gp;
	struct rp_pass_src src;
	struct rp_seckey k;
	struct rp_atomic a = RP_ATOMIC_INIT;
	const char *key = NULL, *out = NULL, *env = NULL, *json = NULL;
	const char **tools = rp_xcalloc((size_t)argc + 1, sizeof(*tools));
	int interrupted = 0, reported = 0;
	char *scratch = NULL, *keep = NULL, *text = NULL, *gh_uri = NULL,
	     *gh_builder = NULL;
	unsigned long runs = 0;
	size_t ntools = 0;
	enum rp_status rc = RP_OK;
	int c, allow_dirty = 0;

	memset(&k, 0, sizeof(k));
	memset(&gp, 0, sizeof(gp));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+k:o:qv", opts, NULL)) != -1) {
		switch (c) {
		case 'r': o.recipe_path = optarg; break;
		case 'k': key = optarg; break;
		case 'o': out = optarg; break;
		case 'P': env = optarg; break;
		case 'n': rc = cli_parse_ulong("--runs", optarg, 2, 100, &runs, e); break;
		case 'V': rc = rp_variation_parse(optarg, &o.vary, e); break;
		case 'b': o.bisect = 1; break;
		case 'g': o.git_url = optarg; break;
		case 'R': o.git_ref = optarg; break;
		case 'B': gp.builder_id = optarg; break;
		case 'U': gp.source_uri = optarg; break;
		case 'S': gp.source_ref = optarg; break;
		case 'c': tools[ntools++] = optarg; break;
		case 'J': json = optarg; break;
		case 'D': allow_dirty = 1; break;
		case 'q': rp_out_quiet = 1; break;
		case 'v': rp_out_verbose++; break;
		default:
			rc = cli_bad_option(e, c, argv);
			goto out;
		}
		if (rc)
			goto out;
	}
	if (optind < argc) {
		rc = rp_errf(e, RP_EUSAGE, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (!key || !out) {
		rc = rp_errf(e, RP_EUSAGE, "%s is required", !key ? "-k SECKEY" : "--out DIR");
		goto out;
	}
	if (!!o.git_url != !!o.git_ref) {
		rc = rp_errf(e, RP_EUSAGE, "--git and --ref go together");
		goto out;
	}
	if (gp.source_ref && strncmp(gp.source_ref, "refs/", 5) != 0) {
		rc = rp_errf(e, RP_EUSAGE, "--source-ref: '%s' is not a full ref (refs/tags/...)",
			     gp.source_ref);
		goto out;
	}
	o.runs = runs ? (unsigned)runs : o.vary ? 3 : 2;
	o.progress = on_progress;
	if (!gp.source_uri)
		gp.source_uri = gh_uri = github_default("uri");
	if (!gp.builder_id)
		gp.builder_id = gh_builder = github_default("builder");
	if (!gp.source_ref && getenv("GITHUB_ACTIONS") && getenv("GITHUB_REF") &&
	    strncmp(getenv("GITHUB_REF"), "refs/", 5) == 0)
		gp.source_ref = getenv("GITHUB_REF");

	/* Everything that can fail cheaply fails before the builds. */
	rc = rp_release_out_ok(out, e);
	if (rc)
		goto out;
	rc = rp_crypto_init(e);
	if (rc)
		goto out;
	cli_pass_src(&src, env);
	rc = rp_seckey_load(&k, key, &src, e);
	if (rc)
		goto out;
	if (k.type != RP_KEY_ED25519) {
		rc = rp_errf(e, RP_EUSAGE, "'%s': SHA256SUMS.minisig needs an Ed25519 key, not %s",
			     key, rp_key_type_name(k.type));
		goto out;
	}

	rc = cli_rebuild_kept("gate", &o, &scratch, &keep, &r, &interrupted, &reported, e);
	if (interrupted)
		goto out;
	if (rc) {
		if (reported)
			fprintf(stderr, "reprove: gate: nothing published to '%s'\n", out);
		goto out;
	}
	if (r->ns_note)
		rp_msg_warn("sandbox: %s", r->ns_note);
	if (json) {
		text = rp_rebuild_report_json(r);
		rc = rp_atomic_open(&a, json, 0644, 0, e);
		if (!rc)
			rc = rp_atomic_write(&a, text, strlen(text), e);
		if (rc) {
			rp_atomic_abort(&a);
			goto out;
		}
		rc = rp_atomic_commit(&a, e);
		if (rc)
			goto out;
	}
	print_report(json && strcmp(json, "-") == 0 ? stderr : stdout, r);
	if (!verdict_ok(r)) {
		step_summary(r, out, 0);
		rc = rp_errf(e, RP_FAIL, "%s; nothing published to '%s'",
			     rp_rebuild_verdict_name(r->verdict), out);
		goto out;
	}
	if (r->source_dirty && !allow_dirty) {
		rc = rp_errf(e, RP_EIO, "the working tree has uncommitted changes to tracked files, "
				     "so the provenance could not name what was built (commit them, or "
				     "--allow-dirty); nothing published to '%s'", out);
		goto out;
	}
	gp.key = &k;
	gp.report = r;
	gp.out_dir = out;
	gp.toolchain = tools;
	gp.ntoolchain = ntools;
	rc = rp_gate_publish(&gp, e);
	if (rc) {
		rp_err_prefix(e, "nothing published to '%s'", out);
		goto out;
	}
	step_summary(r, out, 1);
	if (!rp_out_quiet) {
		FILE *fp = json && strcmp(json, "-") == 0 ? stderr : stdout;
		fprintf(fp, "published %zu artifact%s to %s: SHA256SUMS, SHA256SUMS.minisig, "
			    "provenance.intoto.jsonl\n",
			r->nartifacts, r->nartifacts == 1 ? "" : "s", out);
	}
out:
	fflush(stdout);
	/* the kept first build was only needed for copying the artifacts */
	rp_release_remove_tree(scratch);
	rp_cleanup_defer(0); /* re-raises a signal that arrived during the rebuild */
	rp_seckey_release(&k);
	rp_rebuild_report_free(r);
	free(text);
	free(keep);
	free(scratch);
	free(tools);
	free(gh_uri);
	free(gh_builder);
	return rc;
}

const struct rp_cmd rp_cmd_gate = { "gate", cmd_gate, gate_usage,
				    "rebuild, and publish signed sums and provenance if reproducible" };
