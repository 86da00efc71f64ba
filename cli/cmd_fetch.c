/*
 * reprove fetch: download a release asset into FILE.part, check it (--sha256, and sums,
 * signatures, provenance and policy through the verify library), and give it its final name
 * only when every requested check passed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "fetch.h"
#include "file.h"
#include "hash.h"
#include "keys.h"
#include "mem.h"
#include "out.h"
#include "verify.h"

static const char *const fetch_usage[] = {
	"reprove fetch URL -o FILE [--sha256 HEX] [--sums F|URL [--sums-sig F|URL]] [--sig F|URL]",
	"              [--provenance F|URL] [-p PUBKEY]... [--builder-id ID] [--source-uri URI]",
	"              [--source-tag T | --source-branch B] [--source-commit SHA]",
	"              [--build-type URI] [--policy FILE] [--print-provenance] [--match-digest-only]",
	"              [--allow-http] [--cacert FILE] [--max-size N[K|M|G]] [--retry N]",
	"              [--connect-timeout S] [--speed-time S] [--no-progress] [-q] [-v]",
	"",
	"  URL is https (http only with --allow-http, which exits 2 otherwise) or file://.",
	"  The body goes to FILE.part; FILE appears only after every requested check passed.",
	"  After a network failure FILE.part is kept and the next run resumes it (only when a",
	"  check is requested); after any other failure nothing is left behind.",
	"  --sums/--sums-sig/--sig/--provenance take a local file or a URL (fetched first).",
	"  exit: 0 fetched and verified; 1 a check failed; 2 usage (incl. plain http refused);",
	"        3 larger than --max-size or malformed input; 4 network, TLS, HTTP or I/O error",
	NULL,
};

enum {
	OPT_SHA256 = 256,
	OPT_SUMS,
	OPT_SUMS_SIG,
	OPT_SIG,
	OPT_PROVENANCE,
	OPT_BUILDER_ID,
	OPT_SOURCE_URI,
	OPT_SOURCE_TAG,
	OPT_SOURCE_BRANCH,
	OPT_SOURCE_COMMIT,
	OPT_BUILD_TYPE,
	OPT_POLICY,
	OPT_PRINT_PROV,
	OPT_ALLOW_HTTP,
	OPT_CACERT,
	OPT_MAX_SIZE,
	OPT_RETRY,
	OPT_CONNECT_TIMEOUT,
	OPT_SPEED_TIME,
	OPT_NO_PROGRESS,
	OPT_MATCH_DIGEST_ONLY,
};

static const struct option fetch_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "pubkey", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "sha256", required_argument, NULL, OPT_SHA256 },
	{ "sums", required_argument, NULL, OPT_SUMS },
	{ "sums-sig", required_argument, NULL, OPT_SUMS_SIG },
	{ "sig", required_argument, NULL, OPT_SIG },
	{ "provenance", required_argument, NULL, OPT_PROVENANCE },
	{ "builder-id", required_argument, NULL, OPT_BUILDER_ID },
	{ "source-uri", required_argument, NULL, OPT_SOURCE_URI },
	{ "source-tag", required_argument, NULL, OPT_SOURCE_TAG },
	{ "source-branch", required_argument, NULL, OPT_SOURCE_BRANCH },
	{ "source-commit", required_argument, NULL, OPT_SOURCE_COMMIT },
	{ "build-type", required_argument, NULL, OPT_BUILD_TYPE },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "print-provenance", no_argument, NULL, OPT_PRINT_PROV },
	{ "allow-http", no_argument, NULL, OPT_ALLOW_HTTP },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "retry", required_argument, NULL, OPT_RETRY },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "speed-time", required_argument, NULL, OPT_SPEED_TIME },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "match-digest-only", no_argument, NULL, OPT_MATCH_DIGEST_ONLY },
	{ NULL, 0, NULL, 0 },
};

/* Caps on the small files fetched into memory before the asset. */
#define SUMS_MAX ((size_t)16 << 20)
#define SIG_MAX ((size_t)1 << 20)
#define PROV_MAX ((size_t)64 << 20)
#define MAX_KEYS 32

/* A --sums/--sig/... argument: a local path, or a URL fetched to a temporary file. */
struct input {
	const char *arg;
	const char *path; /* what the verifier reads */
	char *tmp;        /* owned temporary file, removed at the end */
	size_t max;
};

struct fetch_args {
	const char *url, *out, *sha256_hex;
	struct input sums, sums_sig, sig, prov;
	const char *keys[MAX_KEYS];
	size_t nkeys;
	const char *builder_id, *source_uri, *source_tag, *source_branch, *source_commit;
	const char *build_type, *policy;
	int print_provenance, no_progress, match_digest_only;
	struct rp_fetch_opts fo;
};

/* Progress bar on a terminal: redrawn at most ten times a second. */
struct bar {
	struct timespec last;
	uint64_t last_done;
	int drawn;
};

static void human(uint64_t n, char *buf, size_t len)
{
	if (n >= (uint64_t)1 << 30)
		snprintf(buf, len, "%.1f GiB", (double)n / (1 << 30));
	else if (n >= 1 << 20)
		snprintf(buf, len, "%.1f MiB", (double)n / (1 << 20));
	else if (n >= 1 << 10)
		snprintf(buf, len, "%.1f KiB", (double)n / (1 << 10));
	else
		snprintf(buf, len, "%u B", (unsigned)n);
}

static void draw_bar(void *arg, uint64_t done, uint64_t total)
{
	struct bar *b = arg;
	struct timespec now;
	char d[32], t[32], hashes[31];
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - b->last.tv_sec) * 1000 + (now.tv_nsec - b->last.tv_nsec) / 1000000;
	if (b->drawn && (done == b->last_done || (ms < 100 && done != total)))
		return;
	b->last = now;
	b->last_done = done;
	b->drawn = 1;
	human(done, d, sizeof(d));
	if (total && done <= total) {
		unsigned fill = (unsigned)((double)done / (double)total * 30);

		memset(hashes, '#', fill);
		memset(hashes + fill, ' ', 30 - fill);
		hashes[30] = '\0';
		human(total, t, sizeof(t));
		fprintf(stderr, "\r%3u%% [%s] %s / %s  ", (unsigned)(done * 100 / total), hashes,
			d, t);
	} else {
		fprintf(stderr, "\r%s  ", d);
	}
	fflush(stderr);
}

static void clear_bar(struct bar *b)
{
	if (b->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		b->drawn = 0;
	}
}

static void print_notice(void *arg, const char *msg)
{
	clear_bar(arg);
	rp_msg_note("%s", msg);
}

static void set_input(struct input *in, const char *arg, size_t max)
{
	in->arg = arg;
	in->path = arg;
	in->max = max;
}

/* Fetch a URL-valued input into a temporary file, so the verifier reads files only. */
static enum rp_status resolve_input(struct input *in, const struct rp_fetch_opts *fo,
				    struct rp_err *e)
{
	struct rp_fetch_opts o = *fo;
	enum rp_status rc;

	if (!in->arg || !rp_fetch_is_url(in->arg))
		return RP_OK;
	o.progress = NULL; /* small files: no bar */
	rc = rp_fetch_temp(in->arg, &o, in->max, &in->tmp, e);
	if (rc)
		return rc;
	in->path = in->tmp;
	rp_msg_verbose("fetched '%s'", in->arg);
	return RP_OK;
}

/* Every local file the checks will read must open now, not after the download. */
static enum rp_status check_local(const struct fetch_args *a, struct rp_err *e)
{
	const char *paths[MAX_KEYS + 5];
	const struct input *in[] = { &a->sums, &a->sums_sig, &a->sig, &a->prov };
	size_t n = 0;
	int fd;

	for (size_t i = 0; i < a->nkeys; i++)
		paths[n++] = a->keys[i];
	if (a->policy)
		paths[n++] = a->policy;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		if (in[i]->arg && !rp_fetch_is_url(in[i]->arg))
			paths[n++] = in[i]->arg;
	for (size_t i = 0; i < n; i++) {
		enum rp_status rc = rp_open_ro(paths[i], 0, &fd, e);

		if (rc)
			return rc;
		close(fd);
	}
	return RP_OK;
}

static enum rp_status parse_args(int argc, char **argv, struct fetch_args *a, struct rp_err *e)
{
	enum rp_status rc = RP_OK;
	unsigned long n;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:p:qv", fetch_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->out = optarg;
			break;
		case 'p':
			if (a->nkeys == MAX_KEYS)
				return rp_errf(e, RP_EUSAGE, "-p: at most %d keys", MAX_KEYS);
			a->keys[a->nkeys++] = optarg;
			break;
		case 'q':
			rp_out_quiet = 1;
			break;
		case 'v':
			rp_out_verbose++;
			break;
		case OPT_SHA256:
			a->sha256_hex = optarg;
			break;
		case OPT_SUMS:
			set_input(&a->sums, optarg, SUMS_MAX);
			break;
		case OPT_SUMS_SIG:
			set_input(&a->sums_sig, optarg, SIG_MAX);
			break;
		case OPT_SIG:
			set_input(&a->sig, optarg, SIG_MAX);
			break;
		case OPT_PROVENANCE:
			set_input(&a->prov, optarg, PROV_MAX);
			break;
		case OPT_BUILDER_ID:
			a->builder_id = optarg;
			break;
		case OPT_SOURCE_URI:
			a->source_uri = optarg;
			break;
		case OPT_SOURCE_TAG:
			a->source_tag = optarg;
			break;
		case OPT_SOURCE_BRANCH:
			a->source_branch = optarg;
			break;
		case OPT_SOURCE_COMMIT:
			a->source_commit = optarg;
			break;
		case OPT_BUILD_TYPE:
			a->build_type = optarg;
			break;
		case OPT_POLICY:
			a->policy = optarg;
			break;
		case OPT_PRINT_PROV:
			a->print_provenance = 1;
			break;
		case OPT_ALLOW_HTTP:
			a->fo.allow_http = 1;
			break;
		case OPT_CACERT:
			a->fo.cacert = optarg;
			break;
		case OPT_MAX_SIZE:
			rc = rp_fetch_parse_size("--max-size", optarg, &a->fo.max_size, e);
			break;
		case OPT_RETRY:
			rc = cli_parse_ulong("--retry", optarg, 0, 20, &n, e);
			a->fo.retries = (unsigned)n;
			break;
		case OPT_CONNECT_TIMEOUT:
			rc = cli_parse_ulong("--connect-timeout", optarg, 1, 3600, &n, e);
			a->fo.connect_timeout = (long)n;
			break;
		case OPT_SPEED_TIME:
			rc = cli_parse_ulong("--speed-time", optarg, 1, 3600, &n, e);
			a->fo.speed_time = (long)n;
			break;
		case OPT_NO_PROGRESS:
			a->no_progress = 1;
			break;
		case OPT_MATCH_DIGEST_ONLY:
			a->match_digest_only = 1;
			break;
		default:
			return cli_bad_option(e, c, argv);
		}
		if (rc)
			return rc;
	}
	if (optind >= argc)
		return rp_errf(e, RP_EUSAGE, "no URL given");
	if (argc - optind > 1)
		return rp_errf(e, RP_EUSAGE, "one URL at a time ('%s' is extra)", argv[optind + 1]);
	a->url = argv[optind];
	if (!a->out)
		return rp_errf(e, RP_EUSAGE, "-o FILE is required");
	if (strcmp(a->out, "-") == 0)
		return rp_errf(e, RP_EUSAGE, "-o -: the download must be verified in a file first");
	if (a->sums_sig.arg && !a->sums.arg)
		return rp_errf(e, RP_EUSAGE, "--sums-sig needs --sums");
	if (a->source_tag && a->source_branch)
		return rp_errf(e, RP_EUSAGE, "--source-tag and --source-branch exclude each other");
	if (a->sha256_hex) {
		unsigned char d[RP_SHA256_LEN];

		if (strlen(a->sha256_hex) != 64 || rp_unhex(a->sha256_hex, d, sizeof(d)))
			return rp_errf(e, RP_EUSAGE, "--sha256: '%s' is not 64 hex digits",
				       a->sha256_hex);
	}
	return rp_fetch_check_url(a->url, &a->fo, e);
}

static int wants_verify(const struct fetch_args *a)
{
	return a->sums.arg || a->sig.arg || a->prov.arg;
}

/*
 * The checks `reprove verify` makes, on the digest computed during the download: the same
 * library call, so fetch and verify cannot drift apart. The report goes to stdout whether
 * the checks passed or not (it says which failed and why).
 */
static enum rp_status run_verify(const struct fetch_args *a, const char *name, const char *part,
				 const unsigned char digest[RP_SHA256_LEN], struct rp_err *e)
{
	struct rp_verify_opts vo;
	struct rp_verify_asset asset;
	struct rp_verify_report *rep = NULL;
	struct rp_err werr = RP_ERR_INIT;
	enum rp_status rc, wrc;

	rc = rp_crypto_init(e);
	if (rc)
		return rc;
	memset(&vo, 0, sizeof(vo));
	vo.keys = a->keys;
	vo.nkeys = a->nkeys;
	vo.sig = a->sig.path;
	vo.sums = a->sums.path;
	vo.sums_sig = a->sums_sig.path;
	vo.provenance = a->prov.path;
	vo.builder_id = a->builder_id;
	vo.source_uri = a->source_uri;
	vo.source_tag = a->source_tag;
	vo.source_branch = a->source_branch;
	vo.source_commit = a->source_commit;
	vo.build_type = a->build_type;
	vo.policy_file = a->policy;
	vo.print_provenance = a->print_provenance;
	vo.match_digest_only = a->match_digest_only;
	/* reports name what the user gave (a URL), not our temporary copy */
	vo.sums_name = a->sums.arg;
	vo.provenance_name = a->prov.arg;
	memset(&asset, 0, sizeof(asset));
	asset.name = name;
	memcpy(asset.sha256, digest, RP_SHA256_LEN);
	/* a minisign signature covers the bytes, so --sig re-reads the (unrenamed) part */
	asset.path = a->sig.arg ? part : NULL;
	rc = rp_verify_run(&vo, &asset, 1, &rep, e);
	if (rep && !rp_out_quiet) {
		wrc = rp_verify_write_text(rep, stdout, &werr);
		if (wrc && rc == RP_OK) {
			*e = werr;
			rc = wrc;
		}
	}
	rp_verify_report_free(rep);
	return rc;
}

static enum rp_status cmd_fetch(int argc, char **argv, struct rp_err *e)
{
	struct fetch_args a;
	struct rp_fetch_result res = RP_FETCH_RESULT_INIT;
	struct bar bar;
	struct stat st;
	char *part = NULL, *name = NULL;
	char hex[RP_SHA256_HEX];
	const char *slash;
	enum rp_status rc;

	memset(&a, 0, sizeof(a));
	memset(&bar, 0, sizeof(bar));
	a.fo = (struct rp_fetch_opts)RP_FETCH_OPTS_INIT;
	rc = parse_args(argc, argv, &a, e);
	if (rc)
		return rc;
	if (a.nkeys && !wants_verify(&a))
		return rp_errf(e, RP_EUSAGE, "-p needs --sums, --sig or --provenance");
	if ((a.builder_id || a.source_uri || a.source_tag || a.source_branch || a.source_commit ||
	     a.build_type || a.print_provenance) && !a.prov.arg)
		return rp_errf(e, RP_EUSAGE, "provenance policy flags need --provenance");
	if (a.policy && !wants_verify(&a))
		return rp_errf(e, RP_EUSAGE, "--policy needs --sums, --sig or --provenance");
	if (stat(a.out, &st) == 0 && S_ISDIR(st.st_mode))
		return rp_errf(e, RP_EUSAGE, "-o '%s': is a directory", a.out);

	/* the name the asset is published under, as SHA256SUMS and provenance subjects list it */
	name = rp_fetch_url_name(a.url);
	if (!name) {
		slash = strrchr(a.out, '/');
		name = rp_xstrdup(slash ? slash + 1 : a.out);
	}
	/* a stale prefix could only be caught by a check, so resume only when one is asked */
	a.fo.resume = a.sha256_hex || wants_verify(&a);
	if (!a.fo.resume)
		rp_msg_warn("no --sha256, --sums, --sig or --provenance: '%s' will not be verified",
			    a.out);
	if (a.sums.arg && !a.sums_sig.arg && !a.sig.arg && !a.prov.arg)
		rp_msg_warn("--sums without --sums-sig: '%s' itself is not authenticated",
			    a.sums.arg);
	a.fo.notice = print_notice;
	a.fo.notice_arg = &bar;
	if (!a.no_progress && !rp_out_quiet && isatty(2)) {
		a.fo.progress = draw_bar;
		a.fo.progress_arg = &bar;
	}

	/* local inputs and small remote ones first: a typo fails before a large download */
	rc = check_local(&a, e);
	if (!rc)
		rc = resolve_input(&a.sums, &a.fo, e);
	if (!rc)
		rc = resolve_input(&a.sums_sig, &a.fo, e);
	if (!rc)
		rc = resolve_input(&a.sig, &a.fo, e);
	if (!rc)
		rc = resolve_input(&a.prov, &a.fo, e);
	if (rc)
		goto out;

	part = rp_xasprintf("%s.part", a.out);
	rc = rp_fetch_file(a.url, part, &a.fo, &res, e);
	clear_bar(&bar);
	if (rc)
		goto out;
	rp_hex(res.sha256, RP_SHA256_LEN, hex);
	rp_msg_verbose("'%s': %llu bytes, sha256 %s, %u attempt(s)", a.url,
		       (unsigned long long)res.size, hex, res.attempts);

	if (a.sha256_hex) {
		unsigned char want[RP_SHA256_LEN];

		rp_unhex(a.sha256_hex, want, sizeof(want));
		if (!rp_ct_equal(want, res.sha256, sizeof(want))) {
			printf("sha256: FAIL expected %.64s, found %s\n", a.sha256_hex, hex);
			if (res.resumed_from)
				rp_msg_note("the download continued an earlier '%s'; it is removed, "
					    "so a new run starts from zero", part);
			rc = rp_errf(e, RP_FAIL, "'%s': sha256 mismatch (expected %.64s, got %s)",
				     a.url, a.sha256_hex, hex);
			goto discard;
		}
		printf("sha256: OK %s\n", hex);
	}
	if (wants_verify(&a)) {
		rc = run_verify(&a, name, part, res.sha256, e);
		if (rc)
			goto discard;
	}
	rc = rp_fetch_commit(&res, part, a.out, e);
	if (rc)
		goto out;
	printf("OK %s (%llu bytes, sha256 %s)\n", a.out, (unsigned long long)res.size, hex);
	goto out;
discard:
	rp_fetch_discard(&res, part);
out:
	rp_fetch_temp_remove(a.sums.tmp);
	rp_fetch_temp_remove(a.sums_sig.tmp);
	rp_fetch_temp_remove(a.sig.tmp);
	rp_fetch_temp_remove(a.prov.tmp);
	free(part);
	free(name);
	return rc;
}

const struct rp_cmd rp_cmd_fetch = { "fetch", cmd_fetch, fetch_usage,
				    "download a release asset and verify it before keeping it" };
