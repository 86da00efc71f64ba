/*
 * reprove rebuild: rebuild the source in clean sandboxes, with and without variations,
 * and say whether the artifacts are reproducible (exit 0) or not (exit 1).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "file.h"
#include "out.h"
#include "rebuild_kept.h"
#include "rebuild.h"
#include "sandbox.h"

static const char *const rebuild_usage[] = {
	"reprove rebuild [--recipe FILE] [--runs N] [--vary LIST|all|none] [--bisect]",
	"                [--git URL --ref REF] [--keep DIR] [--json FILE] [-q] [-v]",
	"  builds the tracked files of the git working tree in the current directory (or a",
	"  clone of --git URL at --ref REF) in clean sandboxes, as reprove.json says, and",
	"  compares the artifacts. Builds 1 and 2 use identical settings; later builds apply",
	"  the selected variations (reprotest's names).",
	"  --recipe FILE  the recipe (default: reprove.json in the source)",
	"  --runs N       builds to compare, at least 2 (default 3; 2 with --vary none)",
	"  --vary LIST    variations: all (default), none, or names, +name, -name:",
	"                 build_path home environment exec_path locales timezone umask",
	"                 domain_host num_cpus user_group time fileordering",
	"  --bisect       vary one variation at a time to name the ones that matter",
	"  --keep DIR     keep the first build's tree and the logs in DIR (absent or empty)",
	"  --json FILE    write the full report as JSON ('-': stdout; the text goes to stderr)",
	"  -q, -v         no progress notes; progress notes even when stderr is not a terminal",
	"  exit 0: reproducible or equal after normalization; 1: not reproducible or",
	"  nondeterministic without variation; 4: a build failed, timed out or made no artifact",
	NULL,
};

/* Progress goes to a terminal, or anywhere with -v; -q silences it. */
static void on_progress(void *arg, const char *line)
{
	(void)arg;
	if (rp_out_verbose || isatty(2))
		rp_msg_note("%s", line);
}

static void print_text(FILE *fp, const struct rp_rebuild_report *r)
{
	char ns[64], nm[512];

	fprintf(fp, "source: %s", r->source_uri ? r->source_uri : r->source_dir);
	if (r->source_ref)
		fprintf(fp, " at %s", r->source_ref);
	if (r->source_commit)
		fprintf(fp, " (commit %.12s%s)", r->source_commit, r->source_dirty ? ", dirty" : "");
	fprintf(fp, "\nSOURCE_DATE_EPOCH=%lld; sandbox namespaces: %s\n", r->source_date_epoch,
		r->ns ? rp_sandbox_ns_names(r->ns, ns, sizeof(ns)) : "none");
	for (size_t i = 0; i < r->nartifacts; i++)
		fprintf(fp, "%s  %s\n", r->artifacts[i].sha256,
			rp_sanitize(nm, sizeof(nm), r->artifacts[i].name));
	for (size_t i = 0; i < r->nruns; i++) {
		const struct rp_rebuild_run *run = &r->runs[i];
		fprintf(fp, "run %-2u %-8s %-26s %6.2f s", run->index, run->kind,
			i ? rp_artifact_result_name(run->result) : "(reference)", run->seconds);
		cli_rebuild_print_run(fp, run, "  varied: ");
	}
	cli_rebuild_print_skipped(fp, r);
	if (r->bisected) {
		fprintf(fp, "bisect:");
		for (int v = 0; v < RP_VARY_COUNT; v++)
			if (r->variations[v].matters >= 0)
				fprintf(fp, " %s=%s", r->variations[v].name,
					r->variations[v].matters ? "matters" : "no");
		fputc('\n', fp);
	}
	fprintf(fp, "%s\n", r->summary);
}

static enum rp_status cmd_rebuild(int argc, char **argv, struct rp_err *e)
{
	static const struct option opts[] = {
		{ "recipe", required_argument, NULL, 'r' },
		{ "runs", required_argument, NULL, 'n' },
		{ "vary", required_argument, NULL, 'V' },
		{ "bisect", no_argument, NULL, 'b' },
		{ "git", required_argument, NULL, 'g' },
		{ "ref", required_argument, NULL, 'R' },
		{ "keep", required_argument, NULL, 'k' },
		{ "json", required_argument, NULL, 'J' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct rp_rebuild_opts o = RP_REBUILD_OPTS_INIT;
	struct rp_rebuild_report *r = NULL;
	struct rp_atomic a = RP_ATOMIC_INIT;
	const char *json = NULL;
	char *tail = NULL, *text = NULL;
	unsigned long runs = 0;
	enum rp_status rc = RP_OK;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+qv", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o.recipe_path = optarg;
			break;
		case 'n':
			rc = cli_parse_ulong("--runs", optarg, 2, 100, &runs, e);
			break;
		case 'V':
			rc = rp_variation_parse(optarg, &o.vary, e);
			break;
		case 'b':
			o.bisect = 1;
			break;
		case 'g':
			o.git_url = optarg;
			break;
		case 'R':
			o.git_ref = optarg;
			break;
		case 'k':
			o.keep_dir = optarg;
			break;
		case 'J':
			json = optarg;
			break;
		case 'q':
			rp_out_quiet = 1;
			break;
		case 'v':
			rp_out_verbose++;
			break;
		default:
			return cli_bad_option(e, c, argv);
		}
		if (rc)
			return rc;
	}
	if (optind < argc)
		return rp_errf(e, RP_EUSAGE, "unexpected argument '%s'", argv[optind]);
	if (!!o.git_url != !!o.git_ref)
		return rp_errf(e, RP_EUSAGE, "--git and --ref go together");
	o.runs = runs ? (unsigned)runs : o.vary ? 3 : 2;
	o.progress = on_progress;

	/* a signal stops the build; the scratch tree is removed before we die of it */
	rp_cleanup_defer(1);
	rc = rp_rebuild_run(&o, &r, &tail, e);
	rp_cleanup_defer(0);
	if (rc) {
		if (tail) {
			/* The error line first (the contract), then what the build said last. */
			rp_msg_error("%s", e->msg);
			cli_print_log_tail(tail);
			rp_err_clear(e);
		}
		goto out;
	}
	if (r->ns_note)
		rp_msg_warn("sandbox: %s", r->ns_note);
	if (!r->recipe.network && !(r->ns & RP_NS_NET))
		rp_msg_warn("no network namespace: the build was not cut off from the network");
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
	print_text(json && strcmp(json, "-") == 0 ? stderr : stdout, r);
	rc = r->verdict == RP_REBUILD_REPRODUCIBLE || r->verdict == RP_REBUILD_EQUAL_NORMALIZED
		     ? RP_OK
		     : RP_FAIL;
out:
	free(text);
	free(tail);
	rp_rebuild_report_free(r);
	return rc;
}

const struct rp_cmd rp_cmd_rebuild = { "rebuild", cmd_rebuild, rebuild_usage,
				       "rebuild in clean sandboxes and compare the artifacts" };
