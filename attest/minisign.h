/*
 * minisign-compatible formats (jedisct1/minisign): public key files, secret key files
 * (scrypt-encrypted "Sc" or unencrypted), and signatures (prehashed "ED" = Ed25519 over
 * BLAKE2b-512 of the file, legacy "Ed" over the file itself) with the trusted comment and
 * its global signature.
 */
#ifndef RP_MINISIGN_H
#define RP_MINISIGN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "keys.h"

/* Legacy "Ed" signatures need the whole file in memory: minisign's own 1 GiB limit. */
#define RP_MINISIGN_LEGACY_MAX (1UL << 30)

struct rp_minisig {
	int prehashed;              /* "ED" (1) or "Ed" (0) */
	unsigned char keynum[8];
	unsigned char sig[64];
	char *untrusted_comment;    /* text after "untrusted comment: " (owned) */
	char *trusted_comment;      /* text after "trusted comment: " (owned) */
	unsigned char global_sig[64];
};

/* The 8-byte key id as minisign prints it (upper-case hex of the little-endian number). */
void rp_minisign_keyid_hex(const unsigned char keynum[8], char out[17]);

/*
 * Parse minisign public key text: the two-line file, or the bare base64 line (what
 * `minisign -P` takes). Fills k->ed, k->keynum (has_keynum = 1) only; rp_pubkey_parse does
 * the rest. RP_EINPUT naming name when it is not a minisign Ed25519 public key.
 */
enum rp_status rp_minisign_pub_parse(struct rp_pubkey *k, const char *text, size_t len,
				     const char *name, struct rp_err *e);
/* Append the two-line public key file for an Ed25519 key. */
enum rp_status rp_minisign_pub_format(const struct rp_pubkey *k, struct rp_buf *out,
				      struct rp_err *e);

/* Does text look like a minisign secret key file (first line "untrusted comment:", "Ed")? */
int rp_minisign_is_seckey(const char *text, size_t len);
/*
 * Parse a minisign secret key file into k (Ed25519), decrypting with a passphrase from src
 * when it is scrypt-encrypted (the KDF parameters stored in the file are used, bounded to
 * minisign's "sensitive" limits). RP_EINPUT for malformed files and wrong passphrases.
 */
enum rp_status rp_minisign_sec_parse(struct rp_seckey *k, const char *text, size_t len,
				     const char *name, const struct rp_pass_src *src,
				     struct rp_err *e);
/* Append the secret key file (scrypt-encrypted with pass, or unencrypted when NULL). */
enum rp_status rp_minisign_sec_format(const struct rp_seckey *k, const char *pass,
				      struct rp_buf *out, struct rp_err *e);

/* Parse a .minisig file (four lines). RP_EINPUT naming name and the line on error. */
enum rp_status rp_minisig_parse(struct rp_minisig *s, const char *text, size_t len,
				const char *name, struct rp_err *e);
void rp_minisig_release(struct rp_minisig *s);

/*
 * Verify s over the file at path with one key k: key id, the signature (streaming BLAKE2b-512 for
 * "ED"; reading at most 1 GiB for "Ed"), then the global signature over sig || trusted
 * comment. RP_OK valid; RP_FAIL with e saying which part failed ("key id ... does not match",
 * "signature does not verify", "trusted comment signature does not verify"); RP_EIO for
 * unreadable files. The file is read once.
 */
enum rp_status rp_minisig_verify_file(const struct rp_minisig *s, const struct rp_pubkey *k,
				      const char *path, struct rp_err *e);
/*
 * Verify s over the file at path against every key in keys (nkeys) whose minisign key id
 * matches (PEM Ed25519 keys, which have none, are all tried), reading the file once.
 * RP_OK sets *which to the index of the key that verified; RP_FAIL says why in e ("signed
 * by key id X, no trusted key has that id", ...); RP_EIO for unreadable files.
 */
enum rp_status rp_minisig_verify_keys(const struct rp_minisig *s, const struct rp_pubkey *keys,
				      size_t nkeys, const char *path, const void *msg, size_t len,
				      size_t *which, struct rp_err *e);
/*
 * As rp_minisig_verify_keys for a prehashed ("ED") signature whose BLAKE2b-512 digest of the
 * message the caller already has (so the file is not read again). RP_EUSAGE for a legacy
 * "Ed" signature, which needs the message itself.
 */
enum rp_status rp_minisig_verify_digest(const struct rp_minisig *s, const struct rp_pubkey *keys,
					size_t nkeys, const unsigned char blake2b[64], size_t *which,
					struct rp_err *e);

/*
 * Read the file at path once, computing its SHA-256 (through verify/hash.h) and its
 * BLAKE2b-512 (minisign's prehash) together. RP_EIO when unreadable.
 */
enum rp_status rp_minisign_hash_file(const char *path, unsigned char sha256[32],
				     unsigned char blake2b[64], struct rp_err *e);

/* The same over a message in memory. */
enum rp_status rp_minisig_verify_mem(const struct rp_minisig *s, const struct rp_pubkey *k,
				     const void *msg, size_t len, struct rp_err *e);

/*
 * Sign the file at path with k (Ed25519 only: RP_EUSAGE otherwise), prehashed "ED", with
 * trusted comment "timestamp:T<TAB>file:BASENAME<TAB>hashed" (minisign's default), and write
 * the signature atomically to sig_path (NULL: path + ".minisig"), replacing any old one.
 */
enum rp_status rp_minisign_sign_file(const struct rp_seckey *k, const char *path,
				     const char *sig_path, const char *trusted_comment,
				     struct rp_err *e);
/* Append the .minisig text for msg (in memory) to out; prehashed "ED". */
enum rp_status rp_minisign_sign_mem(const struct rp_seckey *k, const void *msg, size_t len,
				    const char *trusted_comment, struct rp_buf *out,
				    struct rp_err *e);

#endif
