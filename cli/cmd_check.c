/*
 * reprove check: verify files against a SHA256SUMS file with coreutils `sha256sum -c`
 * semantics (--ignore-missing, --strict, --quiet, --status), hashing in parallel.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "hash.h"
#include "mem.h"
#include "out.h"
#include "sums.h"

static const char *const check_usage[] = {
	"reprove check SUMSFILE [--ignore-missing] [--strict] [--quiet|--status] [-w] [-j N]",
	"  checks every file listed in SUMSFILE (GNU or BSD-tag lines; '-' reads stdin),",
	"  resolving names against the current directory as sha256sum -c does.",
	"  --ignore-missing  do not fail for listed files that do not exist",
	"  --strict          improperly formatted lines are an error (exit 3)",
	"  --quiet           do not print OK lines; --status prints nothing at all",
	"  -w, --warn        name each improperly formatted line",
	"  exit: 0 all OK; 1 a file did not match, could not be read, or nothing was",
	"  verified; 3 no properly formatted line (or --strict and a bad line), or one name",
	"  listed twice with different digests; 4 SUMSFILE unreadable",
	NULL,
};

/* A SUMS file may list very many files, but it is still text: 1 GiB is a generous cap. */
#define SUMS_MAX ((size_t)1 << 30)

static void print_result(const char *name, const char *what)
{
	struct rp_buf b = RP_BUF_INIT(RP_SUMS_LINE_MAX * 2 + 64);

	if (rp_sums_display_name(&b, name, NULL) == RP_OK)
		printf("%s: %s\n", b.data ? b.data : "", what);
	rp_buf_release(&b);
}

static enum rp_status cmd_check(int argc, char **argv, struct rp_err *e)
{
	static const struct option opts[] = {
		{ "ignore-missing", no_argument, NULL, 'i' },
		{ "strict", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "status", no_argument, NULL, 'S' },
		{ "warn", no_argument, NULL, 'w' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "no-uring", no_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 },
	};
	struct rp_sums sums = RP_SUMS_INIT;
	struct rp_hash_item *items = NULL;
	size_t *line_of = NULL;
	struct rp_hash_opts ho;
	int ignore_missing = 0, strict = 0, quiet = 0, status = 0, warn = 0;
	size_t mismatched = 0, unreadable = 0, verified = 0, n = 0;
	enum rp_status rc = RP_OK;
	unsigned long jobs = 0;
	const char *path;
	int c;

	memset(&ho, 0, sizeof(ho));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+qwj:", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			ignore_missing = 1;
			break;
		case 's':
			strict = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'S':
			status = 1;
			break;
		case 'w':
			warn = 1;
			break;
		case 'j':
			rc = cli_parse_ulong("-j", optarg, 1, 1024, &jobs, e);
			if (rc)
				return rc;
			break;
		case 'U':
			ho.force_pread = 1;
			break;
		default:
			return cli_bad_option(e, c, argv);
		}
	}
	if (optind >= argc)
		return rp_errf(e, RP_EUSAGE, "no SUMSFILE given");
	if (argc - optind > 1)
		return rp_errf(e, RP_EUSAGE, "one SUMSFILE at a time ('%s' is extra)", argv[optind + 1]);
	path = argv[optind];
	ho.jobs = (unsigned)jobs;
	if (getenv("RP_NO_URING") && strcmp(getenv("RP_NO_URING"), "0") != 0)
		ho.force_pread = 1;

	rc = rp_sums_load(&sums, path, SUMS_MAX, e);
	if (rc)
		return rc;
	if (sums.malformed && warn && !status)
		rp_msg_warn("'%s' line %zu: improperly formatted SHA256 checksum line", path,
			    sums.first_malformed);
	if (!sums.n) {
		rc = rp_errf(e, RP_EINPUT, "'%s': no properly formatted SHA256 checksum lines found",
			     path);
		goto out;
	}
	if (strict && sums.malformed) {
		rc = rp_errf(e, RP_EINPUT, "'%s': %zu line%s improperly formatted (first: line %zu)",
			     path, sums.malformed, sums.malformed == 1 ? " is" : "s are",
			     sums.first_malformed);
		goto out;
	}

	items = rp_xcalloc(sums.n, sizeof(*items));
	line_of = rp_xcalloc(sums.n, sizeof(*line_of));
	for (size_t i = 0; i < sums.n; i++) {
		struct stat st;
		const char *name = sums.v[i].name;
		if (stat(name, &st) != 0) {
			if (errno == ENOENT && ignore_missing)
				continue;
		} else if (S_ISDIR(st.st_mode)) {
			/* a directory cannot match a digest: a read error, as for sha256sum */
			items[n].err = EISDIR;
		} else {
			/* sizes let the engine schedule large files first and batch small ones */
			items[n].size = (uint64_t)st.st_size;
			items[n].nonreg = !S_ISREG(st.st_mode);
		}
		items[n].path = (char *)name; /* borrowed from sums; not freed via items */
		items[n].name = (char *)name;
		line_of[n++] = i;
	}
	rp_hash_run(items, n, &ho, NULL); /* per-file errors land in items[k].err */
	for (size_t k = 0; k < n; k++) {
		const struct rp_sums_entry *ent = &sums.v[line_of[k]];
		if (items[k].err) {
			unreadable++;
			if (!status) {
				struct rp_err fe = RP_ERR_INIT;
				rp_err_sys(&fe, RP_EIO, items[k].err, "cannot read '%s'", ent->name);
				rp_msg_error("%s", fe.msg);
				print_result(ent->name, "FAILED open or read");
			}
			continue;
		}
		verified++;
		if (!rp_ct_equal(items[k].digest, ent->digest, RP_SHA256_LEN)) {
			mismatched++;
			if (!status)
				print_result(ent->name, "FAILED");
		} else if (!status && !quiet) {
			print_result(ent->name, "OK");
		}
	}
	if (!status) {
		if (sums.malformed)
			rp_msg_warn("%zu line%s improperly formatted", sums.malformed,
				    sums.malformed == 1 ? " is" : "s are");
		if (unreadable)
			rp_msg_warn("%zu listed file%s could not be read", unreadable,
				    unreadable == 1 ? "" : "s");
		if (mismatched)
			rp_msg_warn("%zu computed checksum%s did NOT match", mismatched,
				    mismatched == 1 ? "" : "s");
	}
	if (mismatched || unreadable) {
		rc = RP_FAIL;
	} else if (!verified) {
		rc = status ? RP_FAIL : rp_errf(e, RP_FAIL, "'%s': no file was verified", path);
	}
out:
	free(items);
	free(line_of);
	rp_sums_release(&sums);
	return rc;
}

const struct rp_cmd rp_cmd_check = { "check", cmd_check, check_usage,
				     "check files against a SHA256SUMS file" };
