/*
 * reprove audit: an auditor's independent check of a release. Rebuild the tag from git,
 * compare every published artifact with the rebuilt one (layered verdict, member-level
 * report on a mismatch), and sign a SLSA Verification Summary Attestation of the result.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmds.h"
#include "diff.h"
#include "fetch.h"
#include "gate.h"
#include "hash.h"
#include "keys.h"
#include "file.h"
#include "mem.h"
#include "out.h"
#include "rebuild_kept.h"
#include "passphrase.h"
#include "provenance.h"
#include "rebuild.h"
#include "release.h"
#include "verify.h"
#include "vsa.h"

static const char *const audit_usage[] = {
	"reprove audit --git URL --ref TAG [--recipe FILE] --release DIR|URL -k SECKEY",
	"              [-o VSA.intoto.jsonl] [-p PUBKEY]... [--passphrase-env VAR]",
	"              [--runs N] [--vary LIST] [--strict] [--verifier-id URI]",
	"              [--allow-http] [--cacert FILE] [--max-size N[K|M|G]] [-q] [-v]",
	"  rebuilds TAG from a fresh clone of URL (default: 2 builds, no variation), reads the",
	"  published release (a directory, or a base URL holding SHA256SUMS and the files it",
	"  lists), compares every published artifact with the rebuilt one, and signs a SLSA",
	"  Verification Summary Attestation (PASSED/FAILED) whose subjects are the published",
	"  artifacts, written to -o (default vsa.intoto.jsonl) whatever the verdict.",
	"  -p PUBKEY        also require the release's SHA256SUMS.minisig (and provenance, when",
	"                   published) to verify with the publisher's key (repeatable)",
	"  --strict         an artifact equal only after normalization is a mismatch",
	"  --verifier-id    the VSA's verifier.id (default " RP_DEFAULT_VERIFIER ")",
	"  --max-size N     refuse a published file larger than N bytes, downloaded or copied",
	"                   (suffixes K, M, G; default 1G): exit 4",
	"  The published files are copied (or downloaded) into a private directory before the",
	"  build; the copies are what is compared and signed. SECKEY is decrypted only after",
	"  the comparisons, to sign.",
	"  exit 0 every published artifact matches; 1 a mismatch (each one is named);",
	"  2 usage; 3 malformed release or recipe; 4 a build failed, network or I/O error",
	NULL,
};

enum {
	OPT_RELEASE = 256,
	OPT_PASS_ENV,
	OPT_RUNS,
	OPT_VARY,
	OPT_STRICT,
	OPT_VERIFIER,
	OPT_ALLOW_HTTP,
	OPT_CACERT,
	OPT_MAX_SIZE,
	OPT_RECIPE,
	OPT_GIT,
	OPT_REF,
};

static void on_progress(void *arg, const char *line)
{
	(void)arg;
	if (rp_out_verbose || isatty(2))
		rp_msg_note("%s", line);
}

static const struct rp_rebuild_artifact *rebuilt(const struct rp_rebuild_report *r,
						 const char *base)
{
	for (size_t i = 0; i < r->nartifacts; i++)
		if (strcmp(r->artifacts[i].base, base) == 0)
			return &r->artifacts[i];
	return NULL;
}

/* The member-level report, indented under its MISMATCH line. */
static enum rp_status print_diff(const struct rp_diff_report *dr, struct rp_err *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	enum rp_status rc;

	if (!mf)
		return rp_err_sys(e, RP_EIO, errno, "cannot buffer the report");
	rc = rp_diff_write_text(dr, mf, e);
	if (fclose(mf) != 0 && !rc)
		rc = rp_err_sys(e, RP_EIO, errno, "cannot buffer the report");
	if (!rc) {
		/* rp_diff_write_text already replaced control characters */
		for (const char *p = text; *p;) {
			size_t n = strcspn(p, "\n");
			printf("    %.*s\n", (int)n, p);
			p += n;
			if (*p)
				p++;
		}
	}
	free(text);
	return rc;
}

/* "file:///abs/dir" for a directory, the URL as given otherwise. */
static char *resource_uri(const char *release)
{
	char abs[PATH_MAX];

	if (rp_fetch_is_url(release))
		return rp_xstrdup(release);
	if (!realpath(release, abs))
		return rp_xasprintf("file://%s", release);
	return rp_xasprintf("file://%s", abs);
}

/* With -p: the publisher's signatures over SHA256SUMS and the provenance. */
static enum rp_status check_publisher(const struct rp_release *rel, const char *const *keys,
				      size_t nkeys, int *prov_ok, struct rp_err *e)
{
	struct rp_verify_opts vo;
	struct rp_verify_report *vr = NULL;
	struct rp_verify_asset *as = rp_xcalloc(rel->nfiles, sizeof(*as));
	enum rp_status rc;

	*prov_ok = 0;
	if (!rel->sums_sig_path) {
		free(as);
		return rp_errf(e, RP_FAIL, "'%s': the release has no %s to check with -p",
			       rel->source, RP_RELEASE_SUMS_SIG);
	}
	for (size_t i = 0; i < rel->nfiles; i++) {
		as[i].name = rel->files[i].name;
		memcpy(as[i].sha256, rel->files[i].sha256, RP_SHA256_LEN);
		as[i].path = rel->files[i].path;
	}
	memset(&vo, 0, sizeof(vo));
	vo.keys = keys;
	vo.nkeys = nkeys;
	vo.sums = rel->sums_path;
	vo.sums_sig = rel->sums_sig_path;
	vo.provenance = rel->prov_path;
	rc = rp_verify_run(&vo, as, rel->nfiles, &vr, e);
	if (!rc) {
		*prov_ok = rel->prov_path != NULL;
		printf("publisher: SHA256SUMS signature%s verified (%s)\n",
		       rel->prov_path ? " and provenance" : "",
		       vr && vr->signer ? vr->signer : "trusted key");
	}
	rp_verify_report_free(vr);
	free(as);
	return rc;
}

static enum rp_status cmd_audit(int argc, char **argv, struct rp_err *e)
{
	static const struct option opts[] = {
		{ "git", required_argument, NULL, OPT_GIT },
		{ "ref", required_argument, NULL, OPT_REF },
		{ "recipe", required_argument, NULL, OPT_RECIPE },
		{ "release", required_argument, NULL, OPT_RELEASE },
		{ "key", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "pubkey", required_argument, NULL, 'p' },
		{ "passphrase-env", required_argument, NULL, OPT_PASS_ENV },
		{ "runs", required_argument, NULL, OPT_RUNS },
		{ "vary", required_argument, NULL, OPT_VARY },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "verifier-id", required_argument, NULL, OPT_VERIFIER },
		{ "allow-http", no_argument, NULL, OPT_ALLOW_HTTP },
		{ "cacert", required_argument, NULL, OPT_CACERT },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct rp_rebuild_opts o = RP_REBUILD_OPTS_INIT;
	struct rp_fetch_opts fo = RP_FETCH_OPTS_INIT;
	struct rp_rebuild_report *r = NULL;
	struct rp_release rel = RP_RELEASE_INIT;
	struct rp_vsa_params vp;
	struct rp_vsa_input in;
	struct rp_attest_subject *subj = NULL;
	struct rp_pass_src src;
	struct rp_seckey k;
	struct rp_buf bad = RP_BUF_INIT(1u << 16);
	const char *key = NULL, *out = "vsa.intoto.jsonl", *verifier = NULL, *env = NULL, *release = NULL;
	const char **pubs = rp_xcalloc((size_t)argc + 1, sizeof(*pubs));
	const char *levels[2];
	int interrupted = 0, reported = 0;
	char *scratch = NULL, *keep = NULL, *res_uri = NULL, *pol_uri = NULL,
	     *stmt = NULL, *prov_uri = NULL;
	unsigned char pol_sha[RP_SHA256_LEN];
	unsigned long runs = 0;
	size_t npubs = 0, nbad = 0, nlevels = 0, stlen = 0;
	int strict = 0, prov_ok = 0, pub_failed = 0;
	enum rp_status rc = RP_OK;
	int c, kfd;

	memset(&k, 0, sizeof(k));
	o.vary = 0;
	fo.max_size = RP_RELEASE_MAX_SIZE_DEFAULT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+k:o:p:qv", opts, NULL)) != -1) {
		switch (c) {
		case OPT_GIT: o.git_url = optarg; break;
		case OPT_REF: o.git_ref = optarg; break;
		case OPT_RECIPE: o.recipe_path = optarg; break;
		case OPT_RELEASE: release = optarg; break;
		case 'k': key = optarg; break;
		case 'o': out = optarg; break;
		case 'p': pubs[npubs++] = optarg; break;
		case OPT_PASS_ENV: env = optarg; break;
		case OPT_RUNS: rc = cli_parse_ulong("--runs", optarg, 2, 100, &runs, e); break;
		case OPT_VARY:
			rc = rp_variation_parse(optarg, &o.vary, e);
			break;
		case OPT_STRICT: strict = 1; break;
		case OPT_VERIFIER: verifier = optarg; break;
		case OPT_ALLOW_HTTP: fo.allow_http = 1; break;
		case OPT_CACERT: fo.cacert = optarg; break;
		case OPT_MAX_SIZE:
			rc = rp_fetch_parse_size("--max-size", optarg, &fo.max_size, e);
			break;
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
	if (!o.git_url || !o.git_ref || !release || !key) {
		rc = rp_errf(e, RP_EUSAGE, "%s is required",
			     !o.git_url ? "--git URL" : !o.git_ref ? "--ref TAG"
				      : !release ? "--release DIR|URL" : "-k SECKEY");
		goto out;
	}
	o.runs = runs ? (unsigned)runs : o.vary ? 3 : 2;
	o.progress = on_progress;

	/* everything that can fail cheaply fails before the build */
	rc = rp_release_parent_ok(out, e);
	if (rc)
		goto out;
	rc = rp_crypto_init(e);
	if (rc)
		goto out;
	/*
	 * Only check that the key opens: the secret itself is decrypted after the builds and
	 * comparisons, so it is never in memory while code from the audited repository runs.
	 */
	rc = rp_open_ro(key, 0, &kfd, e);
	if (rc)
		goto out;
	close(kfd);

	/* The published side first: a release that cannot be read is not worth a build. */
	rc = rp_release_open(&rel, release, &fo, e);
	if (rc)
		goto out;
	if (npubs) {
		struct rp_err pe = RP_ERR_INIT;
		enum rp_status prc = check_publisher(&rel, pubs, npubs, &prov_ok, &pe);
		if (prc == RP_FAIL) {
			/* a verdict about the publication: recorded, and the audit still runs */
			printf("publisher: FAILED: %s\n", pe.msg);
			pub_failed = 1;
		} else if (prc) {
			*e = pe;
			rc = prc;
			goto out;
		}
	}

	rc = cli_rebuild_kept("audit", &o, &scratch, &keep, &r, &interrupted, &reported, e);
	if (interrupted)
		goto out;
	if (rc) {
		goto out;
	}
	printf("rebuilt %s at %s (commit %.40s): %s\n", o.git_url, o.git_ref,
	       r->source_commit ? r->source_commit : "unknown", r->summary);

	subj = rp_xcalloc(rel.nfiles, sizeof(*subj));
	for (size_t i = 0; i < rel.nfiles; i++) {
		const struct rp_release_file *f = &rel.files[i];
		const struct rp_rebuild_artifact *a = rebuilt(r, f->name);
		struct rp_diff_opts dopt = RP_DIFF_OPTS_INIT;
		struct rp_diff_report *dr = NULL;
		const char *why = NULL;
		char nm[512], whybuf[160];

		rp_sanitize(nm, sizeof(nm), f->name);
		subj[i].name = f->name;
		memcpy(subj[i].sha256, f->sha256, RP_SHA256_LEN);
		if (a && a->path) {
			dopt.strict = strict;
			/* rebuilt first: what the release adds shows as "+" */
			rc = rp_diff_paths(a->path, f->path, &dopt, &dr, e);
			if (rc) {
				rp_err_prefix(e, "comparing '%s'", nm);
				goto out;
			}
			/* f->path is our private copy: the bytes compared must be those hashed */
			if (!rp_ct_equal(dr->sha_b, f->sha256, RP_SHA256_LEN)) {
				rp_diff_report_free(dr);
				rc = rp_errf(e, RP_EIO, "'%s': the private copy of the published "
					     "file changed during the audit", nm);
				goto out;
			}
		}
		if (!a || !a->path)
			why = "not produced by the rebuild";
		else if (dr->verdict == RP_VERDICT_DIFFERENT ||
			 (strict && dr->verdict == RP_VERDICT_EQUAL_NORMALIZED))
			why = rp_verdict_name(dr->verdict);
		if (!f->matches_sums) {
			/* published bytes and published sums disagree: a mismatch whatever the rest */
			snprintf(whybuf, sizeof(whybuf), "%s%sdoes not match its SHA256SUMS line",
				 why ? why : "", why ? "; " : "");
			why = whybuf;
		}
		if (why) {
			printf("MISMATCH %s: %s\n", nm, why);
			if (dr)
				printf("    (a: rebuilt, b: published)\n");
			if (dr) {
				rc = print_diff(dr, e);
				if (rc) {
					rp_diff_report_free(dr);
					goto out;
				}
			}
			rp_buf_addf(&bad, NULL, "%s'%s'", nbad ? ", " : "", nm);
			nbad++;
		} else {
			printf("MATCH    %s: %s\n", nm, rp_verdict_name(dr->verdict));
		}
		rp_diff_report_free(dr);
	}
	for (size_t i = 0; i < r->nartifacts; i++)
		if (!rp_release_find(&rel, r->artifacts[i].base))
			rp_msg_note("'%s' was rebuilt but is not published", r->artifacts[i].base);

	/* The VSA: signed whatever the verdict, so a FAILED audit is on record too. */
	res_uri = resource_uri(release);
	pol_uri = rp_xasprintf("%s@%s#%s", o.git_url, o.git_ref,
			       o.recipe_path ? o.recipe_path : "reprove.json");
	memset(&vp, 0, sizeof(vp));
	vp.verifier_id = verifier;
	vp.subjects = subj;
	vp.nsubjects = rel.nfiles;
	vp.resource_uri = res_uri;
	vp.policy_uri = pol_uri;
	if (rp_unhex(r->recipe_sha256, pol_sha, sizeof(pol_sha)) == 0)
		vp.policy_sha256 = pol_sha;
	if (rel.prov_path) {
		/* where it was published; rel.prov_path is only our private copy */
		char *pub = rp_xasprintf("%s%s%s", release,
					 release[strlen(release) - 1] == '/' ? "" : "/",
					 RP_RELEASE_PROVENANCE);
		prov_uri = rel.remote ? pub : resource_uri(pub);
		if (prov_uri != pub)
			free(pub);
		in.uri = prov_uri;
		/* the digest of the copy check_publisher verified, not of what is there now */
		memcpy(in.sha256, rel.prov_sha256, RP_SHA256_LEN);
		vp.inputs = &in;
		vp.ninputs = 1;
	}
	vp.passed = nbad == 0 && !pub_failed;
	if (vp.passed) {
		levels[nlevels++] = RP_GATE_LEVEL_REPRODUCIBLE;
		if (prov_ok)
			levels[nlevels++] = "SLSA_BUILD_LEVEL_1";
	}
	vp.levels = levels;
	vp.nlevels = nlevels;
	rc = rp_vsa_build(&vp, &stmt, &stlen, e);
	if (!rc) {
		/* sign last: the build has ended and every comparison is done */
		cli_pass_src(&src, env);
		rc = rp_seckey_load(&k, key, &src, e);
	}
	if (!rc)
		rc = rp_attest_sign_statement(&k, stmt, stlen, out, NULL, e);
	if (rc)
		goto out;
	if (vp.passed) {
		printf("PASSED: %zu published artifact%s match the rebuild; VSA written to %s\n",
		       rel.nfiles, rel.nfiles == 1 ? "" : "s", out);
	} else {
		printf("FAILED: VSA written to %s\n", out);
		rc = nbad ? rp_errf(e, RP_FAIL, "%zu of %zu published artifacts do not match the "
					     "rebuild: %s", nbad, rel.nfiles, bad.data)
			  : rp_errf(e, RP_FAIL, "the publisher's signatures do not verify");
	}
out:
	/* the report before main's error line, even through a pipe */
	fflush(stdout);
	rp_release_remove_tree(scratch);
	rp_release_close(&rel); /* before a deferred signal ends the process */
	rp_cleanup_defer(0); /* re-raises a signal that arrived during the rebuild */
	rp_seckey_release(&k);
	rp_rebuild_report_free(r);
	rp_buf_release(&bad);
	free(subj);
	free(stmt);
	free(res_uri);
	free(pol_uri);
	free(prov_uri);
	free(keep);
	free(scratch);
	free(pubs);
	return rc;
}

const struct rp_cmd rp_cmd_audit = { "audit", cmd_audit, audit_usage,
				     "rebuild a tag, compare with the published release, sign a VSA" };
