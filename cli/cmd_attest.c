/*
 * reprove attest: sign SLSA provenance v1 for artifacts as a DSSE envelope (.intoto.jsonl),
 * optionally also as a Sigstore bundle v0.3.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "file.h"
#include "hash.h"
#include "keys.h"
#include "mem.h"
#include "out.h"
#include "passphrase.h"
#include "provenance.h"

static const char *const attest_usage[] = {
	"reprove attest -k SECKEY --subject FILE... [--recipe FILE] [--builder-id URI]",
	"               [--source-uri URI --source-ref REF --source-commit SHA]",
	"               -o OUT.intoto.jsonl [--bundle OUT.sigstore.json]",
	"  signs an in-toto Statement v1 with a SLSA Provenance v1 predicate whose subjects are",
	"  the files (base name + sha256), as a DSSE envelope (one line of OUT.intoto.jsonl).",
	"  --subject FILE        an artifact (repeatable; further FILE arguments are subjects too)",
	"  --source-ref REF      a full ref, e.g. refs/tags/v1.2.3 (what verify --source-tag checks)",
	"  --toolchain PATH      a build tool recorded by sha256 in resolvedDependencies (repeatable)",
	"  --byproducts FILE     JSON (object or array) recorded in runDetails.byproducts",
	"  --build-type URI      override the buildType (default " RP_BUILD_TYPE ")",
	"  --passphrase-env VAR  read the key's passphrase from $VAR instead of the terminal",
	NULL,
};

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s && s[1] ? s + 1 : p;
}

static enum rp_status cmd_attest(int argc, char **argv, struct rp_err *e)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "subject", required_argument, NULL, 's' },
		{ "recipe", required_argument, NULL, 'r' },
		{ "builder-id", required_argument, NULL, 'B' },
		{ "build-type", required_argument, NULL, 'T' },
		{ "source-uri", required_argument, NULL, 'U' },
		{ "source-ref", required_argument, NULL, 'R' },
		{ "source-commit", required_argument, NULL, 'C' },
		{ "toolchain", required_argument, NULL, 'c' },
		{ "byproducts", required_argument, NULL, 'y' },
		{ "output", required_argument, NULL, 'o' },
		{ "bundle", required_argument, NULL, 'b' },
		{ "passphrase-env", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	struct rp_attest_params p;
	struct rp_attest_subject *subj = NULL;
	const char **files = NULL, **tools = NULL;
	size_t nfiles = 0, ntools = 0;
	const char *key = NULL, *out = NULL, *bundle = NULL, *env = NULL, *byp = NULL;
	char *byptext = NULL;
	size_t byplen = 0;
	struct rp_pass_src src;
	struct rp_seckey k;
	enum rp_status rc = RP_OK;
	int c;

	memset(&p, 0, sizeof(p));
	memset(&k, 0, sizeof(k));
	files = rp_xcalloc((size_t)argc + 1, sizeof(*files));
	tools = rp_xcalloc((size_t)argc + 1, sizeof(*tools));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:s:o:b:P:", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 's': files[nfiles++] = optarg; break;
		case 'r': p.recipe_path = optarg; break;
		case 'B': p.builder_id = optarg; break;
		case 'T': p.build_type = optarg; break;
		case 'U': p.source_uri = optarg; break;
		case 'R': p.source_ref = optarg; break;
		case 'C': p.source_commit = optarg; break;
		case 'c': tools[ntools++] = optarg; break;
		case 'y': byp = optarg; break;
		case 'o': out = optarg; break;
		case 'b': bundle = optarg; break;
		case 'P': env = optarg; break;
		default:
			rc = cli_bad_option(e, c, argv);
			goto out;
		}
	}
	for (int i = optind; i < argc; i++)
		files[nfiles++] = argv[i];
	if (!key || !out || nfiles == 0) {
		rc = rp_errf(e, RP_EUSAGE, "%s is required",
			     !key ? "-k SECKEY" : !out ? "-o OUT.intoto.jsonl" : "--subject FILE");
		goto out;
	}
	if (p.source_commit && (strlen(p.source_commit) < 7 ||
				strspn(p.source_commit, "0123456789abcdef") != strlen(p.source_commit))) {
		rc = rp_errf(e, RP_EUSAGE, "--source-commit: '%s' is not a lower-case hex commit id",
			     p.source_commit);
		goto out;
	}
	rc = rp_crypto_init(e);
	if (rc)
		goto out;
	subj = rp_xcalloc(nfiles, sizeof(*subj));
	for (size_t i = 0; i < nfiles; i++) {
		subj[i].name = base_name(files[i]);
		for (size_t j = 0; j < i; j++) {
			if (strcmp(subj[j].name, subj[i].name) == 0) {
				rc = rp_errf(e, RP_EUSAGE, "two subjects named '%s'", subj[i].name);
				goto out;
			}
		}
		rc = rp_hash_path(files[i], subj[i].sha256, NULL, e);
		if (rc)
			goto out;
	}
	if (byp) {
		rc = rp_read_file(byp, 0, 16u << 20, &byptext, &byplen, e);
		if (rc)
			goto out;
		p.byproducts_json = byptext;
	}
	p.subjects = subj;
	p.nsubjects = nfiles;
	p.toolchain = tools;
	p.ntoolchain = ntools;
	cli_pass_src(&src, env);
	rc = rp_seckey_load(&k, key, &src, e);
	if (rc)
		goto out;
	rc = rp_attest_write(&k, &p, out, bundle, e);
out:
	rp_seckey_release(&k);
	free(byptext);
	free(subj);
	free(files);
	free(tools);
	return rc;
}

const struct rp_cmd rp_cmd_attest = { "attest", cmd_attest, attest_usage,
				      "sign SLSA provenance for artifacts (DSSE, Sigstore bundle)" };
