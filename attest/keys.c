/*
 * Keys in every form reprove reads and writes, and raw sign/verify: Ed25519 through
 * libsodium (minisign keys, and PEM via OpenSSL's raw-key accessors), ECDSA and RSA through
 * OpenSSL's EVP API. The one place attest/ touches OpenSSL's key types.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "file.h"
#include "hash.h"
#include "keys.h"
#include "mem.h"
#include "minisign.h"

#define KEYFILE_MAX (64 * 1024)

enum rp_status rp_crypto_init(struct rp_err *e)
{
	if (sodium_init() < 0)
		return rp_errf(e, RP_EINTERNAL, "libsodium initialisation failed");
	return RP_OK;
}

void *rp_secure_alloc(size_t n)
{
	void *p = sodium_malloc(n);

	if (!p)
		abort();
	return p;
}

void rp_secure_free(void *p)
{
	sodium_free(p);
}

void rp_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}

const char *rp_key_type_name(enum rp_key_type t)
{
	switch (t) {
	case RP_KEY_ED25519:
		return "ed25519";
	case RP_KEY_ECDSA_P256:
		return "ecdsa-p256";
	case RP_KEY_ECDSA_P384:
		return "ecdsa-p384";
	case RP_KEY_ECDSA_P521:
		return "ecdsa-p521";
	case RP_KEY_RSA:
		return "rsa";
	}
	return "unknown";
}

/* Drain OpenSSL's error queue so a later failure does not report a stale reason. */
static void ossl_drain(void)
{
	ERR_clear_error();
}

enum rp_status rp_pass_get(const struct rp_pass_src *src, const char *what, int confirm,
			   char **out, struct rp_err *e)
{
	char *buf;
	enum rp_status rc = RP_OK;

	if (!src || (!src->env && !src->prompt))
		return rp_errf(e, RP_EUSAGE, "'%s' needs a passphrase: use --passphrase-env VAR or a terminal",
			       what);
	buf = sodium_malloc(RP_PASS_MAX);
	if (!buf)
		abort();
	buf[0] = '\0';
	if (src->env) {
		const char *v = getenv(src->env);
		size_t n;
		if (!v) {
			rc = rp_errf(e, RP_EUSAGE, "passphrase variable '%s' is not set", src->env);
			goto out;
		}
		n = strlen(v);
		if (n >= RP_PASS_MAX) {
			rc = rp_errf(e, RP_EINPUT, "passphrase in '%s' is too long", src->env);
			goto out;
		}
		memcpy(buf, v, n + 1);
		/* read once per process: nothing started later (a build, a hook) inherits it */
		unsetenv(src->env);
	} else {
		rc = src->prompt(src->arg, what, confirm, buf, RP_PASS_MAX, e);
		if (rc)
			goto out;
	}
	if (!buf[0])
		rc = rp_errf(e, RP_EINPUT, "empty passphrase");
out:
	if (rc) {
		sodium_free(buf);
		return rc;
	}
	*out = buf;
	return RP_OK;
}

/* Fill hint (SHA-256 of the SPKI DER) from k->pkey. */
static enum rp_status set_hint(struct rp_pubkey *k, struct rp_err *e)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k->pkey, &der);

	if (n <= 0) {
		ossl_drain();
		return rp_errf(e, RP_EINPUT, "'%s': cannot encode the public key", k->source);
	}
	rp_sha256(der, (size_t)n, k->hint);
	OPENSSL_free(der);
	return RP_OK;
}

/* The minisign key id we give an Ed25519 key that came without one: BLAKE2b(pk)[0..8). */
static void derive_keynum(struct rp_pubkey *k)
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), k->ed, 32, NULL, 0);
	memcpy(k->keynum, h, 8);
}

/* Classify an OpenSSL public key; RP_EINPUT for unsupported ones. */
static enum rp_status classify(struct rp_pubkey *k, struct rp_err *e)
{
	EVP_PKEY *p = k->pkey;
	char group[64];
	size_t n = 0;

	switch (EVP_PKEY_get_base_id(p)) {
	case EVP_PKEY_ED25519:
		n = 32;
		if (EVP_PKEY_get_raw_public_key(p, k->ed, &n) != 1 || n != 32)
			return rp_errf(e, RP_EINPUT, "'%s': bad Ed25519 key", k->source);
		k->type = RP_KEY_ED25519;
		derive_keynum(k);
		return RP_OK;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(p, OSSL_PKEY_PARAM_GROUP_NAME, group,
						   sizeof(group), &n) != 1)
			return rp_errf(e, RP_EINPUT, "'%s': EC key without a named curve", k->source);
		if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
			k->type = RP_KEY_ECDSA_P256;
		else if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
			k->type = RP_KEY_ECDSA_P384;
		else if (strcmp(group, "secp521r1") == 0 || strcmp(group, "P-521") == 0)
			k->type = RP_KEY_ECDSA_P521;
		else
			return rp_errf(e, RP_EINPUT, "'%s': unsupported curve %s", k->source, group);
		return RP_OK;
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		if (EVP_PKEY_get_bits(p) < 2048)
			return rp_errf(e, RP_EINPUT, "'%s': RSA key shorter than 2048 bits", k->source);
		k->type = RP_KEY_RSA;
		return RP_OK;
	default:
		return rp_errf(e, RP_EINPUT, "'%s': unsupported public key type", k->source);
	}
}

static int has_pem(const char *text, size_t len, const char *label)
{
	char want[64];
	int n = snprintf(want, sizeof(want), "-----BEGIN %s-----", label);

	return n > 0 && memmem(text, len, want, (size_t)n) != NULL;
}

enum rp_status rp_pubkey_parse(struct rp_pubkey *k, const char *text, size_t len,
			       const char *name, struct rp_err *e)
{
	enum rp_status rc;

	memset(k, 0, sizeof(*k));
	k->source = rp_xstrdup(name);
	if (has_pem(text, len, "PUBLIC KEY")) {
		BIO *b;
		if (len > KEYFILE_MAX) {
			rc = rp_errf(e, RP_EINPUT, "'%s': key file too large", name);
			goto fail;
		}
		b = BIO_new_mem_buf(text, (int)len);
		if (!b)
			abort();
		k->pkey = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
		BIO_free(b);
		if (!k->pkey) {
			ossl_drain();
			rc = rp_errf(e, RP_EINPUT, "'%s': malformed PEM public key", name);
			goto fail;
		}
		rc = classify(k, e);
		if (rc)
			goto fail;
	} else {
		rc = rp_minisign_pub_parse(k, text, len, name, e);
		if (rc) {
			if (has_pem(text, len, "PRIVATE KEY") || has_pem(text, len, "ENCRYPTED PRIVATE KEY") ||
			    rp_minisign_is_seckey(text, len))
				rc = rp_errf(e, RP_EINPUT, "'%s': is a secret key; give the public key",
					     name);
			else
				rc = rp_errf(e, RP_EINPUT,
					     "'%s': not a public key (PEM SPKI or minisign expected)", name);
			goto fail;
		}
		k->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, k->ed, 32);
		if (!k->pkey) {
			ossl_drain();
			rc = rp_errf(e, RP_EINPUT, "'%s': bad Ed25519 key", name);
			goto fail;
		}
	}
	rc = set_hint(k, e);
	if (rc)
		goto fail;
	return RP_OK;
fail:
	rp_pubkey_release(k);
	return rc;
}

enum rp_status rp_pubkey_load(struct rp_pubkey *k, const char *path, struct rp_err *e)
{
	char *text = NULL;
	size_t len = 0;
	enum rp_status rc;

	rc = rp_read_file(path, 0, KEYFILE_MAX, &text, &len, e);
	if (rc)
		return rc;
	rc = rp_pubkey_parse(k, text, len, path, e);
	free(text);
	return rc;
}

void rp_pubkey_release(struct rp_pubkey *k)
{
	EVP_PKEY_free(k->pkey);
	free(k->source);
	memset(k, 0, sizeof(*k));
}

static const EVP_MD *ec_md(enum rp_key_type t)
{
	switch (t) {
	case RP_KEY_ECDSA_P384:
		return EVP_sha384();
	case RP_KEY_ECDSA_P521:
		return EVP_sha512();
	default:
		return EVP_sha256();
	}
}

static size_t ec_coord_len(enum rp_key_type t)
{
	return t == RP_KEY_ECDSA_P256 ? 32 : t == RP_KEY_ECDSA_P384 ? 48 : 66;
}

static int evp_verify(EVP_PKEY *p, const EVP_MD *md, int pss, const void *msg, size_t len,
		      const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL;
	int ok = 0;

	if (!c)
		abort();
	if (EVP_DigestVerifyInit(c, &pc, md, NULL, p) == 1) {
		if (pss && (EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) != 1 ||
			    EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_AUTO) != 1))
			goto out;
		ok = EVP_DigestVerify(c, sig, siglen, msg, len) == 1;
	}
out:
	EVP_MD_CTX_free(c);
	ossl_drain();
	return ok;
}

/* Raw r||s (each n bytes) to DER; returns a malloc'd buffer (OPENSSL_free) or NULL. */
static unsigned char *raw_to_der(const unsigned char *sig, size_t n, int *derlen)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, (int)n, NULL), *ss = BN_bin2bn(sig + n, (int)n, NULL);
	unsigned char *der = NULL;

	if (!s || !r || !ss || ECDSA_SIG_set0(s, r, ss) != 1) {
		BN_free(r);
		BN_free(ss);
		ECDSA_SIG_free(s);
		return NULL;
	}
	*derlen = i2d_ECDSA_SIG(s, &der);
	ECDSA_SIG_free(s);
	if (*derlen <= 0)
		return NULL;
	return der;
}

enum rp_status rp_pubkey_verify(const struct rp_pubkey *k, const void *msg, size_t len,
				const unsigned char *sig, size_t siglen)
{
	switch (k->type) {
	case RP_KEY_ED25519:
		if (siglen != 64)
			return RP_FAIL;
		return crypto_sign_verify_detached(sig, msg, len, k->ed) == 0 ? RP_OK : RP_FAIL;
	case RP_KEY_ECDSA_P256:
	case RP_KEY_ECDSA_P384:
	case RP_KEY_ECDSA_P521: {
		size_t n = ec_coord_len(k->type);
		unsigned char *der;
		int derlen = 0, ok;
		if (siglen > 0 && sig[0] == 0x30 &&
		    evp_verify(k->pkey, ec_md(k->type), 0, msg, len, sig, siglen))
			return RP_OK;
		/* DSSE and Sigstore tools also emit IEEE P1363 raw r||s */
		if (siglen != 2 * n)
			return RP_FAIL;
		der = raw_to_der(sig, n, &derlen);
		if (!der)
			return RP_FAIL;
		ok = evp_verify(k->pkey, ec_md(k->type), 0, msg, len, der, (size_t)derlen);
		OPENSSL_free(der);
		return ok ? RP_OK : RP_FAIL;
	}
	case RP_KEY_RSA:
		if (evp_verify(k->pkey, EVP_sha256(), 0, msg, len, sig, siglen) ||
		    evp_verify(k->pkey, EVP_sha256(), 1, msg, len, sig, siglen))
			return RP_OK;
		return RP_FAIL;
	}
	return RP_FAIL;
}

enum rp_status rp_pubkey_pem(const struct rp_pubkey *k, struct rp_buf *out, struct rp_err *e)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL;
	long n;
	enum rp_status rc;

	if (!b)
		abort();
	if (PEM_write_bio_PUBKEY(b, k->pkey) != 1) {
		BIO_free(b);
		ossl_drain();
		return rp_errf(e, RP_EINTERNAL, "cannot encode a PEM public key");
	}
	n = BIO_get_mem_data(b, &p);
	rc = rp_buf_add(out, p, (size_t)n, e);
	BIO_free(b);
	return rc;
}

void rp_pubkey_describe(const struct rp_pubkey *k, char *buf, size_t n)
{
	char id[17], hint[RP_SHA256_HEX];

	if (k->type == RP_KEY_ED25519 && k->has_keynum) {
		rp_minisign_keyid_hex(k->keynum, id);
		snprintf(buf, n, "ed25519 key %s (%s)", id, k->source ? k->source : "?");
		return;
	}
	rp_hex(k->hint, 8, hint);
	snprintf(buf, n, "%s key %s (%s)", rp_key_type_name(k->type), hint,
		 k->source ? k->source : "?");
}

void rp_seckey_release(struct rp_seckey *k)
{
	sodium_free(k->ed_sk);
	EVP_PKEY_free(k->pkey);
	rp_pubkey_release(&k->pub);
	memset(k, 0, sizeof(*k));
}

/* Complete k->pub (pkey, hint) once the Ed25519 raw key or the EC pkey is known. */
static enum rp_status finish_pub(struct rp_seckey *k, const char *name, struct rp_err *e)
{
	if (!k->pub.source)
		k->pub.source = rp_xstrdup(name);
	if (k->type == RP_KEY_ED25519) {
		k->pub.type = RP_KEY_ED25519;
		memcpy(k->pub.ed, k->ed_sk + 32, 32);
		if (!k->pub.has_keynum)
			derive_keynum(&k->pub);
		k->pub.pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, k->pub.ed, 32);
	} else {
		unsigned char *der = NULL;
		const unsigned char *p;
		int n = i2d_PUBKEY(k->pkey, &der);
		if (n <= 0) {
			ossl_drain();
			return rp_errf(e, RP_EINPUT, "'%s': cannot derive the public key", name);
		}
		p = der;
		k->pub.pkey = d2i_PUBKEY(NULL, &p, n);
		OPENSSL_free(der);
		k->pub.type = k->type;
	}
	if (!k->pub.pkey) {
		ossl_drain();
		return rp_errf(e, RP_EINPUT, "'%s': cannot derive the public key", name);
	}
	return set_hint(&k->pub, e);
}

static enum rp_status pem_seckey(struct rp_seckey *k, const char *text, size_t len,
				 const char *name, const struct rp_pass_src *src, struct rp_err *e)
{
	char *pass = NULL;
	EVP_PKEY *p;
	BIO *b;
	enum rp_status rc = RP_OK;

	if (len > KEYFILE_MAX)
		return rp_errf(e, RP_EINPUT, "'%s': key file too large", name);
	if (has_pem(text, len, "ENCRYPTED PRIVATE KEY")) {
		rc = rp_pass_get(src, name, 0, &pass, e);
		if (rc)
			return rc;
	}
	b = BIO_new_mem_buf(text, (int)len);
	if (!b)
		abort();
	/* With a NULL callback, OpenSSL takes u as the passphrase; "" never prompts */
	p = PEM_read_bio_PrivateKey(b, NULL, NULL, pass ? pass : (void *)"");
	BIO_free(b);
	sodium_free(pass);
	if (!p) {
		ossl_drain();
		return rp_errf(e, RP_EINPUT, has_pem(text, len, "ENCRYPTED PRIVATE KEY")
					       ? "'%s': wrong passphrase or malformed encrypted key"
					       : "'%s': malformed PEM private key", name);
	}
	if (EVP_PKEY_get_base_id(p) == EVP_PKEY_ED25519) {
		unsigned char seed[32], pk[32];
		size_t n = sizeof(seed);
		if (EVP_PKEY_get_raw_private_key(p, seed, &n) != 1 || n != 32) {
			EVP_PKEY_free(p);
			ossl_drain();
			return rp_errf(e, RP_EINPUT, "'%s': bad Ed25519 private key", name);
		}
		k->ed_sk = sodium_malloc(64);
		if (!k->ed_sk)
			abort();
		crypto_sign_seed_keypair(pk, k->ed_sk, seed);
		sodium_memzero(seed, sizeof(seed));
		EVP_PKEY_free(p);
		k->type = RP_KEY_ED25519;
		return RP_OK;
	}
	k->pkey = p;
	k->pub.source = rp_xstrdup(name);
	k->pub.pkey = NULL;
	{
		struct rp_pubkey tmp;
		memset(&tmp, 0, sizeof(tmp));
		tmp.pkey = p;
		tmp.source = k->pub.source;
		rc = classify(&tmp, e);
		if (rc)
			return rc;
		if (tmp.type != RP_KEY_ECDSA_P256)
			return rp_errf(e, RP_EINPUT, "'%s': signing needs an Ed25519 or ECDSA P-256 key, not %s",
				       name, rp_key_type_name(tmp.type));
	}
	k->type = RP_KEY_ECDSA_P256;
	return RP_OK;
}

enum rp_status rp_seckey_parse(struct rp_seckey *k, const char *text, size_t len,
			       const char *name, const struct rp_pass_src *src, struct rp_err *e)
{
	enum rp_status rc;

	memset(k, 0, sizeof(*k));
	if (rp_minisign_is_seckey(text, len))
		rc = rp_minisign_sec_parse(k, text, len, name, src, e);
	else if (has_pem(text, len, "PRIVATE KEY") || has_pem(text, len, "ENCRYPTED PRIVATE KEY"))
		rc = pem_seckey(k, text, len, name, src, e);
	else if (has_pem(text, len, "PUBLIC KEY") || memmem(text, len, "public key", 10))
		rc = rp_errf(e, RP_EINPUT, "'%s': is a public key; give the secret key", name);
	else
		rc = rp_errf(e, RP_EINPUT, "'%s': not a secret key (minisign or PKCS#8 PEM expected)",
			     name);
	if (!rc)
		rc = finish_pub(k, name, e);
	if (rc)
		rp_seckey_release(k);
	return rc;
}

/*
 * A secret key file, read straight into guarded memory: rp_read_file's growing buffer and
 * stack chunk would leave copies of the key in freed memory. A regular file is read at its
 * size; a pipe (`-k <(pass show key)`) into a buffer of the largest key file. *data is
 * NUL-terminated; sodium_free wipes it.
 */
static enum rp_status read_secret_file(const char *path, char **data, size_t *len,
				       struct rp_err *e)
{
	struct stat st;
	enum rp_status rc;
	char *buf = NULL, extra;
	size_t got = 0, cap;
	int fd;

	rc = rp_open_ro(path, 0, &fd, e);
	if (rc)
		return rc;
	if (fstat(fd, &st) < 0) {
		rc = rp_err_sys(e, RP_EIO, errno, "cannot read '%s'", path);
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size > KEYFILE_MAX) {
		rc = rp_errf(e, RP_EINPUT, "'%s': larger than %d bytes", path, KEYFILE_MAX);
		goto out;
	}
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size : KEYFILE_MAX;
	buf = sodium_malloc(cap + 1);
	if (!buf) {
		rc = rp_errf(e, RP_EIO, "out of locked memory for '%s'", path);
		goto out;
	}
	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = rp_err_sys(e, RP_EIO, errno, "cannot read '%s'", path);
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	/* more than that: a regular file grew while read, or a pipe sent too much */
	if (got == cap && read(fd, &extra, 1) > 0) {
		sodium_memzero(&extra, 1);
		rc = S_ISREG(st.st_mode)
			     ? rp_errf(e, RP_EINPUT, "'%s' changed while it was read", path)
			     : rp_errf(e, RP_EINPUT, "'%s': larger than %d bytes", path, KEYFILE_MAX);
		goto out;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	buf = NULL;
out:
	if (buf)
		sodium_free(buf);
	close(fd);
	return rc;
}

enum rp_status rp_seckey_load(struct rp_seckey *k, const char *path, const struct rp_pass_src *src,
			      struct rp_err *e)
{
	char *text = NULL;
	size_t len = 0;
	enum rp_status rc;

	memset(k, 0, sizeof(*k));
	rc = read_secret_file(path, &text, &len, e);
	if (rc)
		return rc;
	rc = rp_seckey_parse(k, text, len, path, src, e);
	sodium_free(text);
	return rc;
}

enum rp_status rp_seckey_generate(struct rp_seckey *k, enum rp_key_type t, struct rp_err *e)
{
	unsigned char pk[32];

	memset(k, 0, sizeof(*k));
	if (t == RP_KEY_ED25519) {
		k->ed_sk = sodium_malloc(64);
		if (!k->ed_sk)
			abort();
		crypto_sign_keypair(pk, k->ed_sk);
		k->type = t;
		/* minisign picks a random key id at -G */
		randombytes_buf(k->pub.keynum, 8);
		k->pub.has_keynum = 1;
	} else if (t == RP_KEY_ECDSA_P256) {
		k->pkey = EVP_EC_gen("P-256");
		if (!k->pkey) {
			ossl_drain();
			return rp_errf(e, RP_EINTERNAL, "cannot generate an ECDSA P-256 key");
		}
		k->type = t;
	} else {
		return rp_errf(e, RP_EUSAGE, "cannot generate %s keys", rp_key_type_name(t));
	}
	if (finish_pub(k, "(new key)", e)) {
		rp_seckey_release(k);
		return e ? e->code : RP_EINTERNAL;
	}
	return RP_OK;
}

enum rp_status rp_seckey_sign(const struct rp_seckey *k, const void *msg, size_t len,
			      unsigned char *sig, size_t *siglen, struct rp_err *e)
{
	EVP_MD_CTX *c;
	size_t n = RP_SIG_MAX;

	if (k->type == RP_KEY_ED25519) {
		crypto_sign_detached(sig, NULL, msg, len, k->ed_sk);
		*siglen = 64;
		return RP_OK;
	}
	c = EVP_MD_CTX_new();
	if (!c)
		abort();
	if (EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(c, sig, &n, msg, len) != 1) {
		EVP_MD_CTX_free(c);
		ossl_drain();
		return rp_errf(e, RP_EINTERNAL, "ECDSA signing failed");
	}
	EVP_MD_CTX_free(c);
	*siglen = n;
	return RP_OK;
}

enum rp_status rp_seckey_format(const struct rp_seckey *k, const char *pass, struct rp_buf *out,
				struct rp_err *e)
{
	BIO *b;
	char *p = NULL;
	long n;
	int ok;
	enum rp_status rc;

	if (k->type == RP_KEY_ED25519)
		return rp_minisign_sec_format(k, pass, out, e);
	b = BIO_new(BIO_s_secmem());
	if (!b)
		abort();
	if (pass)
		ok = PEM_write_bio_PKCS8PrivateKey(b, k->pkey, EVP_aes_256_cbc(), NULL, 0, NULL,
						   (void *)pass);
	else
		ok = PEM_write_bio_PKCS8PrivateKey(b, k->pkey, NULL, NULL, 0, NULL, NULL);
	if (ok != 1) {
		BIO_free(b);
		ossl_drain();
		return rp_errf(e, RP_EINTERNAL, "cannot encode the PKCS#8 key");
	}
	n = BIO_get_mem_data(b, &p);
	rc = rp_buf_add(out, p, (size_t)n, e);
	BIO_free(b);
	return rc;
}
