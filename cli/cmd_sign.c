/*
 * reprove sign: minisign-compatible signatures (prehashed "ED") of files, written next to
 * them as FILE.minisig, so `minisign -V` verifies them.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "keys.h"
#include "minisign.h"
#include "out.h"
#include "passphrase.h"

static const char *const sign_usage[] = {
	"reprove sign -k SECKEY [--passphrase-env VAR] [-t COMMENT] [-x SIGFILE] FILE...",
	"  writes FILE.minisig (minisign format, Ed25519 over BLAKE2b-512 of FILE) for each FILE.",
	"  -k SECKEY     a minisign secret key or an Ed25519 PKCS#8 PEM key",
	"  -t COMMENT    trusted comment (default: timestamp:T<TAB>file:NAME<TAB>hashed)",
	"  -x SIGFILE    signature file name (one FILE only)",
	NULL,
};

static enum rp_status cmd_sign(int argc, char **argv, struct rp_err *e)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-env", required_argument, NULL, 'P' },
		{ "trusted-comment", required_argument, NULL, 't' },
		{ "sig-file", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *env = NULL, *tc = NULL, *sigfile = NULL;
	struct rp_pass_src src;
	struct rp_seckey k;
	enum rp_status rc = RP_OK;
	int c;

	memset(&k, 0, sizeof(k));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:P:t:x:", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			key = optarg;
			break;
		case 'P':
			env = optarg;
			break;
		case 't':
			tc = optarg;
			break;
		case 'x':
			sigfile = optarg;
			break;
		default:
			return cli_bad_option(e, c, argv);
		}
	}
	if (!key)
		return rp_errf(e, RP_EUSAGE, "-k SECKEY is required");
	if (optind >= argc)
		return rp_errf(e, RP_EUSAGE, "no FILE to sign");
	if (sigfile && argc - optind != 1)
		return rp_errf(e, RP_EUSAGE, "-x needs exactly one FILE");
	rc = rp_crypto_init(e);
	if (rc)
		return rc;
	cli_pass_src(&src, env);
	rc = rp_seckey_load(&k, key, &src, e);
	if (rc)
		return rc;
	if (k.type != RP_KEY_ED25519) {
		rc = rp_errf(e, RP_EUSAGE, "'%s': minisign signatures need an Ed25519 key, not %s",
			     key, rp_key_type_name(k.type));
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		rc = rp_minisign_sign_file(&k, argv[i], sigfile, tc, e);
		if (rc)
			goto out;
		rp_msg_verbose("signed '%s'", argv[i]);
	}
out:
	rp_seckey_release(&k);
	return rc;
}

const struct rp_cmd rp_cmd_sign = { "sign", cmd_sign, sign_usage,
				    "sign files (minisign-compatible FILE.minisig)" };
