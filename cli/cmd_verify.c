/*
 * reprove verify: check local assets (or bare sha256: digests) against a minisign signature,
 * a signed SHA256SUMS, and DSSE provenance with a policy; one line per check.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "file.h"
#include "keys.h"
#include "hash.h"
#include "mem.h"
#include "minisign.h"
#include "out.h"
#include "verify.h"

static const char *const verify_usage[] = {
	"reprove verify ASSET... -p PUBKEY... [--sig F] [--sums F [--sums-sig F]]",
	"               [--provenance F] [--builder-id ID] [--source-uri URI]",
	"               [--source-tag T | --source-branch B] [--source-commit SHA]",
	"               [--build-type URI] [--policy FILE] [--match-digest-only] [--json]",
	"               [--print-provenance] [-q]",
	"  ASSET is a file, or sha256:HEX for an asset known by digest only.",
	"  -p PUBKEY      trusted key (repeatable): minisign .pub, PEM SPKI Ed25519/ECDSA/RSA",
	"  --sig F        minisign signature of the (single) ASSET",
	"  --sums F       SHA256SUMS that must list each ASSET with its digest; --sums-sig its",
	"                 minisign signature",
	"  --provenance F DSSE envelope, .intoto.jsonl or Sigstore bundle signed by a trusted key",
	"                 with a subject that has the ASSET's base name and digest",
	"  --match-digest-only  accept a subject with the ASSET's digest under any name",
	"  --policy FILE  JSON policy (keys, builder_ids, source_uri, ref_pattern, build_type)",
	"  --json         print the result as one JSON object (docs/attest.md)",
	"  exit: 0 verified; 1 a check failed (named); 2 usage; 3 malformed input; 4 I/O error",
	NULL,
};

static enum rp_status cmd_verify(int argc, char **argv, struct rp_err *e)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'p' },
		{ "sig", required_argument, NULL, 'x' },
		{ "sums", required_argument, NULL, 'S' },
		{ "sums-sig", required_argument, NULL, 'X' },
		{ "provenance", required_argument, NULL, 'a' },
		{ "builder-id", required_argument, NULL, 'B' },
		{ "build-type", required_argument, NULL, 'T' },
		{ "source-uri", required_argument, NULL, 'U' },
		{ "source-tag", required_argument, NULL, 't' },
		{ "source-branch", required_argument, NULL, 'b' },
		{ "source-commit", required_argument, NULL, 'C' },
		{ "policy", required_argument, NULL, 'y' },
		{ "json", no_argument, NULL, 'J' },
		{ "print-provenance", no_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "match-digest-only", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	struct rp_verify_opts o;
	struct rp_verify_asset *assets = NULL;
	struct rp_verify_report *r = NULL;
	struct rp_hash_item *items = NULL;
	struct rp_hash_opts ho;
	const char **keys;
	size_t nkeys = 0, nassets = 0, nitems = 0;
	unsigned char b2[64];
	int json = 0, quiet = 0, c, fd;
	struct stat st;
	enum rp_status rc = RP_OK, wrc;

	memset(&o, 0, sizeof(o));
	memset(&ho, 0, sizeof(ho));
	keys = rp_xcalloc((size_t)argc + 1, sizeof(*keys));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "p:x:qy:", opts, NULL)) != -1) {
		switch (c) {
		case 'p': keys[nkeys++] = optarg; break;
		case 'x': o.sig = optarg; break;
		case 'S': o.sums = optarg; break;
		case 'X': o.sums_sig = optarg; break;
		case 'a': o.provenance = optarg; break;
		case 'B': o.builder_id = optarg; break;
		case 'T': o.build_type = optarg; break;
		case 'U': o.source_uri = optarg; break;
		case 't': o.source_tag = optarg; break;
		case 'b': o.source_branch = optarg; break;
		case 'C': o.source_commit = optarg; break;
		case 'y': o.policy_file = optarg; break;
		case 'J': json = 1; break;
		case 'r': o.print_provenance = 1; break;
		case 'q': quiet = 1; break;
		case 'D': o.match_digest_only = 1; break;
		default:
			rc = cli_bad_option(e, c, argv);
			goto out;
		}
	}
	o.keys = keys;
	o.nkeys = nkeys;
	if (optind >= argc) {
		rc = rp_errf(e, RP_EUSAGE, "no ASSET to verify");
		goto out;
	}
	if (o.source_tag && o.source_branch) {
		rc = rp_errf(e, RP_EUSAGE, "--source-tag and --source-branch exclude each other");
		goto out;
	}
	if (!o.sig && !o.sums && !o.provenance) {
		rc = rp_errf(e, RP_EUSAGE, "nothing to verify against: give --sig, --sums or --provenance");
		goto out;
	}
	if ((o.builder_id || o.build_type || o.source_uri || o.source_tag || o.source_branch ||
	     o.source_commit || o.print_provenance || o.match_digest_only) && !o.provenance) {
		rc = rp_errf(e, RP_EUSAGE, "provenance policy flags need --provenance");
		goto out;
	}
	rc = rp_crypto_init(e);
	if (rc)
		goto out;
	nassets = (size_t)(argc - optind);
	assets = rp_xcalloc(nassets, sizeof(*assets));
	items = rp_xcalloc(nassets, sizeof(*items));
	for (size_t i = 0; i < nassets; i++) {
		const char *a = argv[optind + (int)i];
		assets[i].name = a;
		if (strncmp(a, "sha256:", 7) == 0) {
			if (strlen(a + 7) != 64 || rp_unhex(a + 7, assets[i].sha256, 32) != 0) {
				rc = rp_errf(e, RP_EUSAGE, "'%s': sha256: needs 64 hex digits", a);
				goto out;
			}
			continue;
		}
		/* open it once here: a clear error for a missing file before the engine starts */
		rc = rp_open_ro(a, 0, &fd, e);
		if (rc)
			goto out;
		if (fstat(fd, &st) == 0)
			items[nitems].size = (uint64_t)st.st_size;
		close(fd);
		assets[i].path = a;
		items[nitems].path = rp_xstrdup(a);
		items[nitems].name = rp_xstrdup(a);
		nitems++;
	}
	/* one pass over each file: its digest feeds every later check */
	if (o.sig && nitems == 1 && nassets == 1) {
		/* minisign's prehash and SHA-256 together, so --sig reads the file once */
		rc = rp_minisign_hash_file(assets[0].path, assets[0].sha256, b2, e);
		if (rc)
			goto out;
		assets[0].blake2b = b2;
	} else if (nitems) {
		rc = rp_hash_run(items, nitems, &ho, e);
		if (rc)
			goto out;
		for (size_t i = 0, j = 0; i < nassets; i++)
			if (assets[i].path)
				memcpy(assets[i].sha256, items[j++].digest, 32);
	}
	rc = rp_verify_run(&o, assets, nassets, &r, e);
	if (r && !quiet && (rc == RP_OK || rc == RP_FAIL)) {
		struct rp_err e2 = RP_ERR_INIT;
		wrc = json ? rp_verify_write_json(r, stdout, &e2) : rp_verify_write_text(r, stdout, &e2);
		if (wrc && !rc) {
			*e = e2;
			rc = wrc;
		}
	}
out:
	rp_verify_report_free(r);
	for (size_t i = 0; i < nitems; i++) {
		free(items[i].path);
		free(items[i].name);
	}
	free(items);
	free(assets);
	free(keys);
	return rc;
}

const struct rp_cmd rp_cmd_verify = { "verify", cmd_verify, verify_usage,
				      "verify assets: signature, SHA256SUMS, signed provenance, policy" };
