/*
 * Public and secret keys in every form reprove reads: minisign public/secret keys (Ed25519),
 * PEM SubjectPublicKeyInfo (Ed25519, ECDSA P-256/P-384/P-521, RSA) and PKCS#8 PEM secret
 * keys (Ed25519, ECDSA P-256; plain or passphrase-encrypted). Signing and verifying raw
 * messages with them (Ed25519 by libsodium, ECDSA/RSA by OpenSSL).
 */
#ifndef RP_KEYS_H
#define RP_KEYS_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

enum rp_key_type {
	RP_KEY_ED25519 = 1,
	RP_KEY_ECDSA_P256,
	RP_KEY_ECDSA_P384,
	RP_KEY_ECDSA_P521,
	RP_KEY_RSA,
};

/* Largest signature any supported key makes or verifies (RSA-16384 / DER ECDSA P-521). */
#define RP_SIG_MAX 2048
#define RP_PASS_MAX 1024

struct rp_pubkey {
	enum rp_key_type type;
	char *source;              /* where it was loaded from (owned), for messages */
	unsigned char ed[32];      /* RP_KEY_ED25519: the raw public key */
	unsigned char keynum[8];   /* minisign key id (derived from ed when not in the file) */
	int has_keynum;            /* keynum came from a minisign file */
	void *pkey;                /* EVP_PKEY (owned), for every type */
	unsigned char hint[32];    /* SHA-256 of the SPKI DER (Sigstore publicKey.hint) */
};

struct rp_seckey {
	enum rp_key_type type;     /* RP_KEY_ED25519 or RP_KEY_ECDSA_P256 */
	unsigned char *ed_sk;      /* sodium_malloc'd 64 bytes (seed || pk) for Ed25519 */
	void *pkey;                /* EVP_PKEY for ECDSA (owned) */
	struct rp_pubkey pub;      /* the matching public key */
};

/*
 * Where a passphrase comes from: the environment variable named env (when non-NULL), else
 * prompt (when non-NULL), else none (an encrypted key is then RP_EUSAGE). prompt fills buf
 * (size n) with a NUL-terminated passphrase, asking twice when confirm is set; it returns
 * RP_OK or an error in e. Passphrases never come from argv.
 */
struct rp_pass_src {
	const char *env;
	enum rp_status (*prompt)(void *arg, const char *what, int confirm, char *buf, size_t n,
				 struct rp_err *e);
	void *arg;
};

/* Initialise libsodium once (idempotent); RP_EINTERNAL if it cannot start. */
enum rp_status rp_crypto_init(struct rp_err *e);
/* Locked, guarded memory for secrets (sodium_malloc; aborts on failure), wiped on free. */
void *rp_secure_alloc(size_t n);
void rp_secure_free(void *p);
/* Wipe n bytes in a way the compiler keeps. */
void rp_wipe(void *p, size_t n);

/* Human name of a key type ("ed25519", "ecdsa-p256", ...). */
const char *rp_key_type_name(enum rp_key_type t);

/*
 * Read a passphrase from src into a sodium_malloc'd buffer of RP_PASS_MAX bytes (*out; the
 * caller frees it with sodium_free, which wipes it). RP_EUSAGE when src offers none or the
 * named variable is unset; RP_EINPUT for an empty or over-long passphrase.
 */
enum rp_status rp_pass_get(const struct rp_pass_src *src, const char *what, int confirm,
			   char **out, struct rp_err *e);

/*
 * Parse a public key from text (len bytes) that came from name: PEM "PUBLIC KEY" (SPKI),
 * a minisign public key file, or a bare minisign base64 key line. Fills *k (caller releases
 * with rp_pubkey_release). RP_EINPUT (naming name) when it is none of these.
 */
enum rp_status rp_pubkey_parse(struct rp_pubkey *k, const char *text, size_t len,
			       const char *name, struct rp_err *e);
/* Read and parse a public key file (at most 64 KiB). RP_EIO when unreadable. */
enum rp_status rp_pubkey_load(struct rp_pubkey *k, const char *path, struct rp_err *e);
/* Free the contents; the struct is zeroed. Releasing a zeroed struct is fine. */
void rp_pubkey_release(struct rp_pubkey *k);

/*
 * Verify sig (siglen bytes) over msg with k: Ed25519 (64 bytes), ECDSA with SHA-256/384/512
 * for P-256/384/521 (DER or raw r||s), RSA PKCS#1 v1.5 or PSS with SHA-256. Returns RP_OK
 * when valid, RP_FAIL when not (no message set).
 */
enum rp_status rp_pubkey_verify(const struct rp_pubkey *k, const void *msg, size_t len,
				const unsigned char *sig, size_t siglen);

/* Append the SPKI PEM of k to out. */
enum rp_status rp_pubkey_pem(const struct rp_pubkey *k, struct rp_buf *out, struct rp_err *e);

/* "ed25519 key RWQ.../ID" style one-line description into buf (size n). */
void rp_pubkey_describe(const struct rp_pubkey *k, char *buf, size_t n);

/*
 * Load a secret key: a minisign secret key (scrypt-encrypted or not) or PKCS#8 PEM (plain or
 * "ENCRYPTED PRIVATE KEY"), asking src for a passphrase only when the key is encrypted.
 * Fills *k (release with rp_seckey_release). RP_EINPUT: malformed or wrong passphrase
 * ("wrong passphrase" said); RP_EIO: unreadable; RP_EUSAGE: encrypted and no passphrase source.
 */
enum rp_status rp_seckey_load(struct rp_seckey *k, const char *path, const struct rp_pass_src *src,
			      struct rp_err *e);
/* As rp_seckey_load, from text already read (the fuzz target's entry). */
enum rp_status rp_seckey_parse(struct rp_seckey *k, const char *text, size_t len,
			       const char *name, const struct rp_pass_src *src, struct rp_err *e);
/* Wipe and free the contents. */
void rp_seckey_release(struct rp_seckey *k);

/* Generate a fresh key of type t (ED25519 or ECDSA_P256). */
enum rp_status rp_seckey_generate(struct rp_seckey *k, enum rp_key_type t, struct rp_err *e);

/*
 * Sign msg with k into sig (RP_SIG_MAX bytes), setting *siglen: Ed25519 (64 bytes), or
 * ECDSA P-256/SHA-256 as DER (what DSSE and Sigstore tools expect).
 */
enum rp_status rp_seckey_sign(const struct rp_seckey *k, const void *msg, size_t len,
			      unsigned char *sig, size_t *siglen, struct rp_err *e);

/*
 * Append k's secret key file text to out: minisign format for Ed25519 (encrypted with
 * scrypt when pass is non-NULL, as `minisign -G` does; unencrypted as `minisign -W`), PKCS#8
 * PEM for ECDSA (AES-256-CBC/scrypt-encrypted PKCS#8 when pass is non-NULL). keynum is the
 * minisign key id to record (Ed25519 only).
 */
enum rp_status rp_seckey_format(const struct rp_seckey *k, const char *pass, struct rp_buf *out,
				struct rp_err *e);

#endif
