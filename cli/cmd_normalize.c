/*
 * reprove normalize: rewrite an archive into its canonical, deterministic form (-o), or
 * report what that would change (--check, exit 1 when anything would).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "mem.h"
#include "normalize.h"
#include "out.h"

static const char *const normalize_usage[] = {
	"reprove normalize IN -o OUT [--epoch T | --clamp T] [-j N]",
	"   or: reprove normalize --check IN... [--epoch T | --clamp T] [-j N]",
	"   or: reprove normalize --in-place FILE... [--epoch T | --clamp T] [-j N]",
	"  IN is a tar[.gz|.xz|.zst|.bz2], zip/jar, ar/.deb, cpio or gzip/xz/zstd/bzip2 file",
	"  (detected by content). Members are sorted by path (a .deb keeps debian-binary,",
	"  control, data; a jar META-INF/ first), owners become 0 with empty names, atime/ctime,",
	"  xattrs, ACLs and zip extra fields are dropped, compression is deterministic.",
	"  -o FILE          write the canonical archive to FILE (atomically; '-' = stdout)",
	"  --check          write nothing; exit 1 when normalizing would change any IN",
	"  --in-place       rewrite each FILE atomically, keeping its permission bits",
	"  --epoch T        set every mtime to T (default: $SOURCE_DATE_EPOCH, else 0)",
	"  --clamp T        only lower mtimes later than T to T",
	"  -j N             threads (default: online CPUs): archives processed at once with",
	"                   --check/--in-place, whose first failure stops the run; zip members",
	"                   and gzip blocks compressed at once; the bytes are the same for any N",
	"  -q, --quiet      no notices",
	"exit status: 0 written or already canonical; 1 (--check) would change; 2 usage error;",
	"  3 not an archive, corrupt or truncated input, limit exceeded; 4 I/O error",
	NULL,
};

static enum rp_status parse_time(const char *opt, const char *s, int64_t *out, struct rp_err *e)
{
	unsigned long v;
	enum rp_status rc = cli_parse_ulong(opt, s, 0, 253402300799UL, &v, e);

	if (!rc)
		*out = (int64_t)v;
	return rc;
}

static void print_changes(const struct rp_normalize_result *r)
{
	for (size_t i = 0; i < r->nchanges; i++) {
		char ex[512];
		printf("  %s: %zu", r->changes[i].what, r->changes[i].count);
		if (r->changes[i].example && *r->changes[i].example)
			printf(" (e.g. %s)", rp_sanitize(ex, sizeof(ex), r->changes[i].example));
		printf("\n");
	}
}

/* --check and --in-place over many archives, in parallel; results in argument order. */
static enum rp_status run_many(char **in, size_t n, const struct rp_normalize_opts *o,
			       int in_place, unsigned threads, struct rp_err *e)
{
	struct rp_normalize_job *jobs = rp_xcalloc(n, sizeof(*jobs));
	enum rp_status rc = RP_OK, verdict = RP_OK;
	char name[1024];

	for (size_t i = 0; i < n; i++) {
		struct stat st;
		jobs[i].in = in[i];
		jobs[i].opts = o;
		if (!in_place)
			continue;
		/* checked up front: a usage error should not leave half the tree rewritten */
		if (lstat(in[i], &st) < 0) {
			rc = rp_err_sys(e, RP_EIO, errno, "cannot open '%s'", in[i]);
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			rc = rp_errf(e, RP_EUSAGE, "'%s': --in-place needs regular files", in[i]);
			goto out;
		}
		jobs[i].out = in[i];
		jobs[i].out_mode = st.st_mode & 07777;
	}
	rp_normalize_many(jobs, n, threads);
	for (size_t i = 0; i < n; i++) {
		struct rp_normalize_job *j = &jobs[i];
		if (!j->ran || j->rc) {
			/* a job that did not run follows a failure: report the first one */
			for (size_t k = i; k < n; k++) {
				if (jobs[k].ran && jobs[k].rc) {
					*e = jobs[k].err;
					rc = jobs[k].rc;
					break;
				}
			}
			if (!rc)
				rc = RP_BUG(e, "normalize job skipped without a failure");
			goto out;
		}
		if (in_place)
			continue;
		rp_sanitize(name, sizeof(name), j->in);
		if (j->res.changed) {
			printf("%s: not canonical (%s); normalizing would change:\n", name,
			       j->res.format);
			print_changes(&j->res);
			verdict = RP_FAIL;
		} else {
			printf("%s: already canonical (%s, %zu members)\n", name, j->res.format,
			       j->res.members);
		}
	}
	rc = verdict;
out:
	for (size_t i = 0; i < n; i++)
		if (jobs[i].ran && !jobs[i].rc)
			rp_normalize_result_release(&jobs[i].res);
	free(jobs);
	return rc;
}

static enum rp_status cmd_normalize(int argc, char **argv, struct rp_err *e)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "check", no_argument, NULL, 'c' },
		{ "in-place", no_argument, NULL, 'i' },
		{ "epoch", required_argument, NULL, 'E' },
		{ "clamp", required_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct rp_normalize_opts o;
	struct rp_normalize_job one;
	const char *out = NULL, *in;
	int check = 0, in_place = 0, have_time = 0, from_env, c;
	unsigned long jobs = 0;
	char name[1024];
	enum rp_status rc;

	memset(&o, 0, sizeof(o));
	memset(&one, 0, sizeof(one));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qj:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'c':
			check = 1;
			break;
		case 'i':
			in_place = 1;
			break;
		case 'E':
		case 'C':
			if (have_time)
				return rp_errf(e, RP_EUSAGE, "--epoch and --clamp are exclusive");
			have_time = 1;
			o.norm.clamp = c == 'C';
			rc = parse_time(c == 'C' ? "--clamp" : "--epoch", optarg, &o.norm.epoch, e);
			if (rc)
				return rc;
			break;
		case 'q':
			rp_out_quiet = 1;
			break;
		case 'j':
			rc = cli_parse_ulong("-j", optarg, 1, 1024, &jobs, e);
			if (rc)
				return rc;
			break;
		default:
			return cli_bad_option(e, c, argv);
		}
	}
	if (check + in_place + !!out != 1)
		return rp_errf(e, RP_EUSAGE, "give one of -o OUT, --check or --in-place");
	if (argc - optind < 1 || (out && argc - optind != 1))
		return rp_errf(e, RP_EUSAGE, out ? "expected one input archive with -o"
						 : "expected input archives");
	in = argv[optind];
	if (!have_time) {
		rp_norm_default(&o.norm, &from_env);
		if (!from_env)
			rp_msg_note("SOURCE_DATE_EPOCH is not set: mtimes are set to 0 "
				    "(use --epoch or --clamp)");
	}
	if (check || in_place)
		return run_many(argv + optind, (size_t)(argc - optind), &o, in_place,
				(unsigned)jobs, e);
	/* one job: rp_normalize_many gives all its threads to the archive's compression */
	one.in = in;
	one.out = out;
	one.opts = &o;
	rp_normalize_many(&one, 1, (unsigned)jobs);
	if (one.rc) {
		*e = one.err;
		return one.rc;
	}
	if (strcmp(out, "-") != 0 && !rp_out_quiet) {
		char oname[1024];
		rp_sanitize(name, sizeof(name), in);
		rp_sanitize(oname, sizeof(oname), out);
		fprintf(stderr, "%s -> %s (%s, %zu members)\n", name, oname, one.res.format,
			one.res.members);
	}
	rp_normalize_result_release(&one.res);
	return RP_OK;
}

const struct rp_cmd rp_cmd_normalize = { "normalize", cmd_normalize, normalize_usage,
					 "rewrite an archive in canonical, deterministic form" };
