/*
 * reprove hash: SHA-256 of files and trees, printed as SHA256SUMS (byte-identical to
 * coreutils sha256sum for the same names), BSD tags or JSON Lines.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "file.h"
#include "hash.h"
#include "out.h"
#include "sums.h"

static const char *const hash_usage[] = {
	"reprove hash [-j N] [--format gnu|bsd|json] [-o FILE] [-v] [--no-uring] PATH...",
	"  a FILE is named as given; a DIRECTORY adds every regular file below it",
	"  (sorted bytewise; '.' adds names without './'). Symlinks inside trees are not",
	"  followed (reported). Output is sha256sum's format unless --format says otherwise.",
	"  -j N          worker threads (default: online CPUs)",
	"  -o FILE       write to FILE atomically (temp file + rename) instead of stdout",
	"  --no-uring    read with pread instead of io_uring (also RP_NO_URING=1)",
	"  -v            say which I/O engine ran and why",
	NULL,
};

/* Output size ceiling: a million files of long names still fits. */
#define HASH_OUT_MAX ((size_t)1 << 30)

static void note_skipped(const char *name, const char *why, void *arg)
{
	(void)arg;
	rp_msg_note("skipping '%s': %s", name, why);
}

static void note_failed(const char *name, int err, void *arg)
{
	struct rp_err fe = RP_ERR_INIT;

	(*(size_t *)arg)++;
	rp_err_sys(&fe, RP_EIO, err, "cannot read '%s'", name);
	rp_msg_error("%s", fe.msg);
}

static enum rp_status parse_format(const char *s, enum rp_sums_format *f, struct rp_err *e)
{
	if (strcmp(s, "gnu") == 0)
		*f = RP_SUMS_GNU;
	else if (strcmp(s, "bsd") == 0 || strcmp(s, "tag") == 0)
		*f = RP_SUMS_BSD;
	else if (strcmp(s, "json") == 0)
		*f = RP_SUMS_JSON;
	else
		return rp_errf(e, RP_EUSAGE, "--format: unknown format '%s' (gnu, bsd, json)", s);
	return RP_OK;
}

static enum rp_status cmd_hash(int argc, char **argv, struct rp_err *e)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "no-uring", no_argument, NULL, 'U' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct rp_hash_list list = RP_HASH_LIST_INIT;
	struct rp_hash_opts ho;
	struct rp_buf out = RP_BUF_INIT(HASH_OUT_MAX);
	struct rp_atomic a = RP_ATOMIC_INIT;
	enum rp_sums_format fmt = RP_SUMS_GNU;
	const char *output = "-";
	enum rp_status rc = RP_OK;
	unsigned long jobs = 0;
	size_t nfailed = 0;
	int c;

	memset(&ho, 0, sizeof(ho));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:o:j:vq", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			rc = parse_format(optarg, &fmt, e);
			break;
		case 'o':
			output = optarg;
			break;
		case 'j':
			rc = cli_parse_ulong("-j", optarg, 1, 1024, &jobs, e);
			break;
		case 'U':
			ho.force_pread = 1;
			break;
		case 'v':
			rp_out_verbose++;
			break;
		case 'q':
			rp_out_quiet = 1;
			break;
		default:
			return cli_bad_option(e, c, argv);
		}
		if (rc)
			return rc;
	}
	if (optind >= argc)
		return rp_errf(e, RP_EUSAGE, "no PATH given");
	ho.jobs = (unsigned)jobs;
	if (getenv("RP_NO_URING") && strcmp(getenv("RP_NO_URING"), "0") != 0)
		ho.force_pread = 1;

	rc = rp_hash_tree(&list, argv + optind, (size_t)(argc - optind), note_skipped,
			  note_failed, &nfailed, &ho, e);
	if (ho.used_uring)
		rp_msg_verbose("hashed %zu files with io_uring", list.n);
	else
		rp_msg_verbose("hashed %zu files with pread (%s)", list.n, ho.fallback_why);
	if (rc) {
		/* each unreadable file was named already; nothing is written */
		if (nfailed)
			rp_err_clear(e);
		goto out;
	}
	for (size_t i = 0; i < list.n && !rc; i++)
		rc = rp_sums_format_line(&out, list.items[i].name, list.items[i].digest, fmt, e);
	if (rc) {
		rp_err_prefix(e, "output");
		goto out;
	}
	rc = rp_atomic_open(&a, output, 0644, 0, e);
	if (rc)
		goto out;
	rc = rp_atomic_write(&a, out.data ? out.data : "", out.len, e);
	if (rc) {
		rp_atomic_abort(&a);
		goto out;
	}
	rc = rp_atomic_commit(&a, e);
out:
	rp_buf_release(&out);
	rp_hash_list_release(&list);
	return rc;
}

const struct rp_cmd rp_cmd_hash = { "hash", cmd_hash, hash_usage,
				    "print SHA-256 digests of files and trees (SHA256SUMS)" };
