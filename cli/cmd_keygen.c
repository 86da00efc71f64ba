/*
 * reprove keygen: a new signing key pair. Ed25519 in minisign's formats (plus the public
 * key as PEM SPKI), or ECDSA P-256 as PKCS#8/SPKI PEM. Secret key files are 0600.
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
#include "mem.h"
#include "minisign.h"
#include "out.h"
#include "passphrase.h"

static const char *const keygen_usage[] = {
	"reprove keygen [--type ed25519|ecdsa-p256] -o PREFIX [--no-passphrase]",
	"               [--passphrase-env VAR] [-f]",
	"  ed25519 (default) writes PREFIX.key (minisign secret key, scrypt-encrypted, 0600),",
	"  PREFIX.pub (minisign public key) and PREFIX.pub.pem (PEM SubjectPublicKeyInfo);",
	"  ecdsa-p256 writes PREFIX.key (PKCS#8 PEM, encrypted, 0600) and PREFIX.pub.pem.",
	"  The passphrase is asked twice on the terminal, or read from the environment",
	"  variable VAR; --no-passphrase writes an unencrypted key (as minisign -W).",
	"  -f, --force  replace existing key files (refused otherwise)",
	NULL,
};

/* Write text to path atomically; refuses to replace an existing file unless force. */
static enum rp_status put(const char *path, const struct rp_buf *b, mode_t mode, int force,
			  struct rp_err *e)
{
	struct rp_atomic a = RP_ATOMIC_INIT;
	enum rp_status rc = rp_atomic_open(&a, path, mode, !force, e);

	if (rc)
		return rc;
	rc = rp_atomic_write(&a, b->data, b->len, e);
	if (rc) {
		rp_atomic_abort(&a);
		return rc;
	}
	return rp_atomic_commit(&a, e);
}

static enum rp_status cmd_keygen(int argc, char **argv, struct rp_err *e)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-passphrase", no_argument, NULL, 'W' },
		{ "passphrase-env", required_argument, NULL, 'P' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct rp_seckey k;
	struct rp_pass_src src;
	struct rp_buf sk = RP_BUF_INIT(1 << 16), pub = RP_BUF_INIT(1 << 16), pem = RP_BUF_INIT(1 << 16);
	enum rp_key_type type = RP_KEY_ED25519;
	const char *prefix = NULL, *env = NULL;
	char *pass = NULL, *pk_path = NULL, *pub_path = NULL, *pem_path = NULL;
	int nopass = 0, force = 0, c;
	enum rp_status rc;
	struct stat st;

	memset(&k, 0, sizeof(k));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "t:o:WP:f", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (strcmp(optarg, "ed25519") == 0)
				type = RP_KEY_ED25519;
			else if (strcmp(optarg, "ecdsa-p256") == 0)
				type = RP_KEY_ECDSA_P256;
			else
				return rp_errf(e, RP_EUSAGE, "--type: '%s' is not ed25519 or ecdsa-p256",
					       optarg);
			break;
		case 'o':
			prefix = optarg;
			break;
		case 'W':
			nopass = 1;
			break;
		case 'P':
			env = optarg;
			break;
		case 'f':
			force = 1;
			break;
		default:
			return cli_bad_option(e, c, argv);
		}
	}
	if (optind != argc)
		return rp_errf(e, RP_EUSAGE, "unexpected argument '%s'", argv[optind]);
	if (!prefix || !prefix[0])
		return rp_errf(e, RP_EUSAGE, "-o PREFIX is required");
	if (nopass && env)
		return rp_errf(e, RP_EUSAGE, "--no-passphrase and --passphrase-env exclude each other");
	rc = rp_crypto_init(e);
	if (rc)
		return rc;
	pk_path = rp_xasprintf("%s.key", prefix);
	pub_path = rp_xasprintf("%s.pub", prefix);
	pem_path = rp_xasprintf("%s.pub.pem", prefix);
	/* check all names first, so a refusal leaves no half-written key pair */
	if (!force) {
		const char *names[] = { pk_path, type == RP_KEY_ED25519 ? pub_path : pem_path, pem_path };
		for (size_t i = 0; i < 3; i++) {
			if (lstat(names[i], &st) == 0) {
				rc = rp_errf(e, RP_EIO, "'%s': already exists (use -f to replace it)",
					     names[i]);
				goto out;
			}
		}
	}
	if (!nopass) {
		cli_pass_src(&src, env);
		rc = rp_pass_get(&src, "the new key", 1, &pass, e);
		if (rc)
			goto out;
	}
	rc = rp_seckey_generate(&k, type, e);
	if (!rc)
		rc = rp_seckey_format(&k, pass, &sk, e);
	if (!rc && type == RP_KEY_ED25519)
		rc = rp_minisign_pub_format(&k.pub, &pub, e);
	if (!rc)
		rc = rp_pubkey_pem(&k.pub, &pem, e);
	if (rc)
		goto out;
	rc = put(pk_path, &sk, 0600, force, e);
	if (!rc && type == RP_KEY_ED25519) {
		rc = put(pub_path, &pub, 0644, force, e);
		if (rc)
			unlink(pk_path);
	}
	if (!rc) {
		rc = put(pem_path, &pem, 0644, force, e);
		/* a full disk on the last file must not leave half a key pair behind */
		if (rc) {
			unlink(pk_path);
			if (type == RP_KEY_ED25519)
				unlink(pub_path);
		}
	}
	if (!rc) {
		char d[256];
		free(k.pub.source);
		k.pub.source = rp_xstrdup(type == RP_KEY_ED25519 ? pub_path : pem_path);
		rp_pubkey_describe(&k.pub, d, sizeof(d));
		rp_msg_note("wrote %s (secret) and the public %s", pk_path, d);
	}
out:
	if (sk.data)
		rp_wipe(sk.data, sk.len);
	rp_buf_release(&sk);
	rp_buf_release(&pub);
	rp_buf_release(&pem);
	rp_secure_free(pass);
	rp_seckey_release(&k);
	free(pk_path);
	free(pub_path);
	free(pem_path);
	return rc;
}

const struct rp_cmd rp_cmd_keygen = { "keygen", cmd_keygen, keygen_usage,
				      "create a signing key pair (minisign Ed25519 or ECDSA P-256)" };
