/*
 * reprove diff: compare two files, directories or archives with the layered verdict
 * (identical / equal after normalization / different) and report member-level changes.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "diff.h"
#include "file.h"
#include "out.h"

static const char *const diff_usage[] = {
	"reprove diff A B [--strict] [--json] [--html FILE] [--exceptions FILE]",
	"  A and B are files, directories or archives (tar[.gz|.xz|.zst|.bz2], zip/jar, ar/.deb,",
	"  cpio, gzip); formats are detected by content, nested archives are followed.",
	"  --strict           equal after normalization counts as a difference (exit 1)",
	"  --json             write the report as JSON (schema in docs/archive.md)",
	"  --html FILE        also write a self-contained HTML report to FILE",
	"  --exceptions FILE  'PATTERN reason' lines: members to ignore, echoed in the report",
	"  --max-report N     cap the text report at N bytes (head and tail kept)",
	"  --max-items N      keep at most N member items (head and tail kept)",
	"  --time-limit S     give up after S seconds",
	"  -q, --quiet        print only the verdict line",
	"exit status: 0 identical or equal after normalization; 1 different;",
	"  2 usage error; 3 malformed input; 4 I/O error; 5 internal error",
	NULL,
};

static enum rp_status cmd_diff(int argc, char **argv, struct rp_err *e)
{
	static const struct option longopts[] = {
		{ "strict", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'J' },
		{ "html", required_argument, NULL, 'H' },
		{ "exceptions", required_argument, NULL, 'x' },
		{ "max-report", required_argument, NULL, 'R' },
		{ "max-items", required_argument, NULL, 'I' },
		{ "time-limit", required_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct rp_diff_opts o = RP_DIFF_OPTS_INIT;
	struct rp_diff_report *r = NULL;
	const char *html = NULL;
	int json = 0, c;
	unsigned long v;
	enum rp_status rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "q", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.strict = 1;
			break;
		case 'J':
			json = 1;
			break;
		case 'H':
			html = optarg;
			break;
		case 'x':
			o.exceptions_file = optarg;
			break;
		case 'R':
			rc = cli_parse_ulong("--max-report", optarg, 1024, 1UL << 30, &v, e);
			if (rc)
				return rc;
			o.max_report_bytes = v;
			break;
		case 'I':
			rc = cli_parse_ulong("--max-items", optarg, 2, 1000000, &v, e);
			if (rc)
				return rc;
			o.max_items = v;
			break;
		case 'T':
			rc = cli_parse_ulong("--time-limit", optarg, 1, 86400, &v, e);
			if (rc)
				return rc;
			o.time_limit_s = (unsigned)v;
			break;
		case 'q':
			rp_out_quiet = 1;
			break;
		default:
			return cli_bad_option(e, c, argv);
		}
	}
	if (argc - optind != 2)
		return rp_errf(e, RP_EUSAGE, "expected two paths to compare");
	rc = rp_diff_paths(argv[optind], argv[optind + 1], &o, &r, e);
	if (rc)
		return rc;
	if (html) {
		struct rp_atomic at;
		rc = rp_atomic_open(&at, html, 0644, 0, e);
		if (rc)
			goto out;
		rc = rp_diff_write_html(r, at.fp, e);
		if (rc) {
			rp_atomic_abort(&at);
			goto out;
		}
		rc = rp_atomic_commit(&at, e);
		if (rc)
			goto out;
	}
	if (json)
		rc = rp_diff_write_json(r, stdout, e);
	else if (rp_out_quiet)
		printf("%s\n", rp_verdict_name(rp_diff_verdict(r)));
	else
		rc = rp_diff_write_text(r, stdout, e);
	if (rc)
		goto out;
	switch (rp_diff_verdict(r)) {
	case RP_VERDICT_IDENTICAL:
		rc = RP_OK;
		break;
	case RP_VERDICT_EQUAL_NORMALIZED:
		rc = o.strict ? RP_FAIL : RP_OK;
		break;
	case RP_VERDICT_DIFFERENT:
		rc = RP_FAIL;
		break;
	}
out:
	rp_diff_report_free(r);
	return rc;
}

const struct rp_cmd rp_cmd_diff = { "diff", cmd_diff, diff_usage,
				    "compare two artifacts: identical, equal after normalization, or different" };
