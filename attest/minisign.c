/*
 * minisign-compatible key and signature files: parsing, writing, signing and verifying,
 * with libsodium (Ed25519, BLAKE2b, scrypt) and secrets kept in sodium-locked memory.
 * Layouts follow minisign's src/minisign.h (packed structs, little-endian numbers).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "file.h"
#include "hash.h"
#include "mem.h"
#include "minisign.h"

#define COMMENT_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX "trusted comment: "
#define COMMENT_MAX 1024        /* minisign's COMMENTMAXBYTES */
#define TRUSTED_MAX 8192        /* minisign's TRUSTEDCOMMENTMAXBYTES */

/* minisign's packed layouts, as byte offsets. */
#define PK_LEN (2 + 8 + 32)
#define SIG_LEN (2 + 8 + 64)
#define SK_KEYNUM_SK (8 + 64 + 32)
#define SK_LEN (2 + 2 + 2 + 32 + 8 + 8 + SK_KEYNUM_SK)
#define SK_OFF_SALT 6
#define SK_OFF_OPS 38
#define SK_OFF_MEM 46
#define SK_OFF_KNSK 54

static uint64_t le64_load(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void le64_store(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

void rp_minisign_keyid_hex(const unsigned char keynum[8], char out[17])
{
	static const char digits[] = "0123456789ABCDEF";
	uint64_t v = le64_load(keynum);

	for (int i = 15; i >= 0; i--) {
		out[i] = digits[v & 15];
		v >>= 4;
	}
	out[16] = '\0';
}

/*
 * Next line of text: [*line, *line + *n) without its "\n" or "\r\n". Returns 0 at the end.
 */
static int next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *n)
{
	const char *p, *nl;

	if (*pos >= len)
		return 0;
	p = text + *pos;
	nl = memchr(p, '\n', len - *pos);
	*line = p;
	*n = nl ? (size_t)(nl - p) : len - *pos;
	*pos += *n + (nl ? 1 : 0);
	if (*n && p[*n - 1] == '\r')
		(*n)--;
	return 1;
}

/* Strict padded standard base64 of exactly want bytes. */
static int b64_exact(const char *s, size_t n, unsigned char *out, size_t want)
{
	size_t got = 0;
	const char *end = NULL;

	if (sodium_base642bin(out, want, s, n, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	if (got != want || end != s + n)
		return -1;
	return 0;
}

static void b64_append(struct rp_buf *out, const unsigned char *p, size_t n, struct rp_err *e,
		       enum rp_status *rc)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = rp_xmalloc(cap);

	sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
	if (!*rc)
		*rc = rp_buf_addstr(out, s, e);
	free(s);
}

enum rp_status rp_minisign_pub_parse(struct rp_pubkey *k, const char *text, size_t len,
				     const char *name, struct rp_err *e)
{
	unsigned char raw[PK_LEN];
	const char *line = NULL;
	size_t pos = 0, n = 0;

	if (!next_line(text, len, &pos, &line, &n))
		return rp_errf(e, RP_EINPUT, "'%s': empty public key", name);
	if (n >= strlen(COMMENT_PREFIX) && memcmp(line, COMMENT_PREFIX, strlen(COMMENT_PREFIX)) == 0) {
		if (n > COMMENT_MAX)
			return rp_errf(e, RP_EINPUT, "'%s' line 1: comment too long", name);
		if (!next_line(text, len, &pos, &line, &n))
			return rp_errf(e, RP_EINPUT, "'%s': missing key line", name);
	}
	if (b64_exact(line, n, raw, sizeof(raw)) != 0)
		return rp_errf(e, RP_EINPUT, "'%s': not a minisign public key (bad base64 or length)",
			       name);
	if (memcmp(raw, "Ed", 2) != 0)
		return rp_errf(e, RP_EINPUT, "'%s': unsupported minisign key algorithm", name);
	/* Anything but blank lines after the key line is not a minisign key file. */
	while (next_line(text, len, &pos, &line, &n))
		if (n)
			return rp_errf(e, RP_EINPUT, "'%s': unexpected text after the key", name);
	memcpy(k->keynum, raw + 2, 8);
	memcpy(k->ed, raw + 10, 32);
	k->has_keynum = 1;
	k->type = RP_KEY_ED25519;
	return RP_OK;
}

enum rp_status rp_minisign_pub_format(const struct rp_pubkey *k, struct rp_buf *out,
				      struct rp_err *e)
{
	unsigned char raw[PK_LEN];
	char id[17];
	enum rp_status rc;

	if (k->type != RP_KEY_ED25519)
		return rp_errf(e, RP_EUSAGE, "minisign keys are Ed25519 only");
	memcpy(raw, "Ed", 2);
	memcpy(raw + 2, k->keynum, 8);
	memcpy(raw + 10, k->ed, 32);
	rp_minisign_keyid_hex(k->keynum, id);
	rc = rp_buf_addf(out, e, COMMENT_PREFIX "minisign public key %s\n", id);
	b64_append(out, raw, sizeof(raw), e, &rc);
	if (!rc)
		rc = rp_buf_addstr(out, "\n", e);
	return rc;
}

int rp_minisign_is_seckey(const char *text, size_t len)
{
	unsigned char raw[SK_LEN];
	const char *line = NULL;
	size_t pos = 0, n = 0;

	if (!next_line(text, len, &pos, &line, &n))
		return 0;
	if (n < strlen(COMMENT_PREFIX) || memcmp(line, COMMENT_PREFIX, strlen(COMMENT_PREFIX)))
		return 0;
	if (!next_line(text, len, &pos, &line, &n))
		return 0;
	if (b64_exact(line, n, raw, sizeof(raw)) != 0)
		return 0;
	sodium_memzero(raw, sizeof(raw));
	return 1;
}

/* BLAKE2b-256(sig_alg || keynum || sk): minisign's secret key checksum. */
static void seckey_chk(const unsigned char *keynum, const unsigned char *sk, unsigned char chk[32])
{
	crypto_generichash_state hs;

	crypto_generichash_init(&hs, NULL, 0, 32);
	crypto_generichash_update(&hs, (const unsigned char *)"Ed", 2);
	crypto_generichash_update(&hs, keynum, 8);
	crypto_generichash_update(&hs, sk, 64);
	crypto_generichash_final(&hs, chk, 32);
}

static void fill_pub_from_sk(struct rp_seckey *k, const unsigned char *keynum)
{
	k->type = RP_KEY_ED25519;
	k->pub.type = RP_KEY_ED25519;
	memcpy(k->pub.ed, k->ed_sk + 32, 32);
	memcpy(k->pub.keynum, keynum, 8);
	k->pub.has_keynum = 1;
}

enum rp_status rp_minisign_sec_parse(struct rp_seckey *k, const char *text, size_t len,
				     const char *name, const struct rp_pass_src *src,
				     struct rp_err *e)
{
	unsigned char *raw = sodium_malloc(SK_LEN), *stream = NULL, chk[32];
	char *pass = NULL;
	const char *line = NULL;
	size_t pos = 0, n = 0;
	enum rp_status rc = RP_OK;
	int encrypted;

	if (!raw)
		abort();
	if (!next_line(text, len, &pos, &line, &n) || n < strlen(COMMENT_PREFIX) ||
	    memcmp(line, COMMENT_PREFIX, strlen(COMMENT_PREFIX)) != 0) {
		rc = rp_errf(e, RP_EINPUT, "'%s' line 1: not a minisign secret key", name);
		goto out;
	}
	if (!next_line(text, len, &pos, &line, &n) || b64_exact(line, n, raw, SK_LEN) != 0) {
		rc = rp_errf(e, RP_EINPUT, "'%s' line 2: bad base64 or length for a minisign secret key",
			     name);
		goto out;
	}
	if (memcmp(raw, "Ed", 2) != 0) {
		rc = rp_errf(e, RP_EINPUT, "'%s': unsupported signature algorithm", name);
		goto out;
	}
	if (memcmp(raw + 4, "B2", 2) != 0) {
		rc = rp_errf(e, RP_EINPUT, "'%s': unsupported checksum algorithm", name);
		goto out;
	}
	if (memcmp(raw + 2, "Sc", 2) == 0) {
		encrypted = 1;
	} else if (raw[2] == 0 && raw[3] == 0) {
		encrypted = 0;
	} else {
		rc = rp_errf(e, RP_EINPUT, "'%s': unsupported key derivation function", name);
		goto out;
	}
	if (encrypted) {
		uint64_t ops = le64_load(raw + SK_OFF_OPS), mem = le64_load(raw + SK_OFF_MEM);
		/* Hostile parameters must not make us allocate or spin without bound. */
		if (ops > crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE * 4ULL ||
		    mem > crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE * 2ULL) {
			rc = rp_errf(e, RP_EINPUT, "'%s': scrypt parameters too large", name);
			goto out;
		}
		rc = rp_pass_get(src, name, 0, &pass, e);
		if (rc)
			goto out;
		stream = sodium_malloc(SK_KEYNUM_SK);
		if (!stream)
			abort();
		if (crypto_pwhash_scryptsalsa208sha256(stream, SK_KEYNUM_SK, pass, strlen(pass),
						       raw + SK_OFF_SALT, ops, (size_t)mem) != 0) {
			rc = rp_errf(e, RP_EIO, "'%s': scrypt failed (out of memory?)", name);
			goto out;
		}
		for (size_t i = 0; i < SK_KEYNUM_SK; i++)
			raw[SK_OFF_KNSK + i] ^= stream[i];
	}
	seckey_chk(raw + SK_OFF_KNSK, raw + SK_OFF_KNSK + 8, chk);
	/*
	 * minisign 0.11 `-G -W` writes an all-zero checksum in unencrypted keys (and does not
	 * check it when loading them): accept that, so its keys work here too.
	 */
	if (!encrypted && sodium_is_zero(raw + SK_OFF_KNSK + 72, 32))
		memcpy(chk, raw + SK_OFF_KNSK + 72, 32);
	if (sodium_memcmp(chk, raw + SK_OFF_KNSK + 72, 32) != 0) {
		rc = rp_errf(e, RP_EINPUT, encrypted ? "'%s': wrong passphrase for this key"
						     : "'%s': secret key checksum mismatch", name);
		goto out;
	}
	k->ed_sk = sodium_malloc(64);
	if (!k->ed_sk)
		abort();
	memcpy(k->ed_sk, raw + SK_OFF_KNSK + 8, 64);
	fill_pub_from_sk(k, raw + SK_OFF_KNSK);
out:
	sodium_memzero(chk, sizeof(chk));
	sodium_free(stream);
	sodium_free(pass);
	sodium_free(raw);
	return rc;
}

enum rp_status rp_minisign_sec_format(const struct rp_seckey *k, const char *pass,
				      struct rp_buf *out, struct rp_err *e)
{
	unsigned char *raw, *stream = NULL;
	enum rp_status rc = RP_OK;

	if (k->type != RP_KEY_ED25519)
		return rp_errf(e, RP_EUSAGE, "minisign keys are Ed25519 only");
	raw = sodium_malloc(SK_LEN);
	if (!raw)
		abort();
	memset(raw, 0, SK_LEN);
	memcpy(raw, "Ed", 2);
	memcpy(raw + 4, "B2", 2);
	memcpy(raw + SK_OFF_KNSK, k->pub.keynum, 8);
	memcpy(raw + SK_OFF_KNSK + 8, k->ed_sk, 64);
	seckey_chk(raw + SK_OFF_KNSK, raw + SK_OFF_KNSK + 8, raw + SK_OFF_KNSK + 72);
	if (pass) {
		uint64_t ops = crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE;
		uint64_t mem = crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE;
		memcpy(raw + 2, "Sc", 2);
		randombytes_buf(raw + SK_OFF_SALT, 32);
		le64_store(raw + SK_OFF_OPS, ops);
		le64_store(raw + SK_OFF_MEM, mem);
		stream = sodium_malloc(SK_KEYNUM_SK);
		if (!stream)
			abort();
		if (crypto_pwhash_scryptsalsa208sha256(stream, SK_KEYNUM_SK, pass, strlen(pass),
						       raw + SK_OFF_SALT, ops, (size_t)mem) != 0) {
			rc = rp_errf(e, RP_EIO, "scrypt failed (out of memory?)");
			goto out;
		}
		for (size_t i = 0; i < SK_KEYNUM_SK; i++)
			raw[SK_OFF_KNSK + i] ^= stream[i];
	}
	/* minisign writes this comment for unencrypted (-W) keys too */
	rc = rp_buf_addstr(out, COMMENT_PREFIX "minisign encrypted secret key\n", e);
	b64_append(out, raw, SK_LEN, e, &rc);
	if (!rc)
		rc = rp_buf_addstr(out, "\n", e);
out:
	sodium_free(stream);
	sodium_free(raw);
	return rc;
}

void rp_minisig_release(struct rp_minisig *s)
{
	free(s->untrusted_comment);
	free(s->trusted_comment);
	memset(s, 0, sizeof(*s));
}

enum rp_status rp_minisig_parse(struct rp_minisig *s, const char *text, size_t len,
				const char *name, struct rp_err *e)
{
	unsigned char raw[SIG_LEN];
	const char *line = NULL;
	size_t pos = 0, n = 0;

	memset(s, 0, sizeof(*s));
	if (memchr(text, '\0', len))
		return rp_errf(e, RP_EINPUT, "'%s': NUL byte in signature file", name);
	if (!next_line(text, len, &pos, &line, &n) || n < strlen(COMMENT_PREFIX) ||
	    memcmp(line, COMMENT_PREFIX, strlen(COMMENT_PREFIX)) != 0 || n > COMMENT_MAX)
		return rp_errf(e, RP_EINPUT, "'%s' line 1: expected \"untrusted comment: \"", name);
	s->untrusted_comment = rp_xstrndup(line + strlen(COMMENT_PREFIX), n - strlen(COMMENT_PREFIX));
	if (!next_line(text, len, &pos, &line, &n) || b64_exact(line, n, raw, sizeof(raw)) != 0) {
		rp_minisig_release(s);
		return rp_errf(e, RP_EINPUT, "'%s' line 2: not a minisign signature (bad base64 or length)",
			       name);
	}
	if (memcmp(raw, "ED", 2) == 0) {
		s->prehashed = 1;
	} else if (memcmp(raw, "Ed", 2) == 0) {
		s->prehashed = 0;
	} else {
		rp_minisig_release(s);
		return rp_errf(e, RP_EINPUT, "'%s' line 2: unsupported signature algorithm", name);
	}
	memcpy(s->keynum, raw + 2, 8);
	memcpy(s->sig, raw + 10, 64);
	if (!next_line(text, len, &pos, &line, &n) || n < strlen(TRUSTED_PREFIX) ||
	    memcmp(line, TRUSTED_PREFIX, strlen(TRUSTED_PREFIX)) != 0 || n > TRUSTED_MAX) {
		rp_minisig_release(s);
		return rp_errf(e, RP_EINPUT, "'%s' line 3: expected \"trusted comment: \"", name);
	}
	s->trusted_comment = rp_xstrndup(line + strlen(TRUSTED_PREFIX), n - strlen(TRUSTED_PREFIX));
	if (!next_line(text, len, &pos, &line, &n) || b64_exact(line, n, s->global_sig, 64) != 0) {
		rp_minisig_release(s);
		return rp_errf(e, RP_EINPUT, "'%s' line 4: bad global signature", name);
	}
	while (next_line(text, len, &pos, &line, &n)) {
		if (n) {
			rp_minisig_release(s);
			return rp_errf(e, RP_EINPUT, "'%s': unexpected text after the signature", name);
		}
	}
	return RP_OK;
}

/* Key id check, the signature over msg (digest or message), then the global signature. */
static enum rp_status verify_parts(const struct rp_minisig *s, const struct rp_pubkey *k,
				   const unsigned char *msg, size_t len, struct rp_err *e)
{
	unsigned char *buf;
	size_t tlen;
	char a[17], b[17];
	int bad;

	if (k->type != RP_KEY_ED25519)
		return rp_errf(e, RP_FAIL, "minisign signature needs an Ed25519 key, '%s' is %s",
			       k->source ? k->source : "key", rp_key_type_name(k->type));
	/* A PEM Ed25519 key carries no minisign key id: the signature alone must bind. */
	if (k->has_keynum && memcmp(s->keynum, k->keynum, 8) != 0) {
		rp_minisign_keyid_hex(s->keynum, a);
		rp_minisign_keyid_hex(k->keynum, b);
		return rp_errf(e, RP_FAIL, "signed by key id %s, trusted key id is %s", a, b);
	}
	if (crypto_sign_verify_detached(s->sig, msg, len, k->ed) != 0)
		return rp_errf(e, RP_FAIL, "signature does not verify");
	tlen = strlen(s->trusted_comment);
	buf = rp_xmalloc(64 + tlen);
	memcpy(buf, s->sig, 64);
	memcpy(buf + 64, s->trusted_comment, tlen);
	bad = crypto_sign_verify_detached(s->global_sig, buf, 64 + tlen, k->ed) != 0;
	free(buf);
	if (bad)
		return rp_errf(e, RP_FAIL, "trusted comment signature does not verify");
	return RP_OK;
}

enum rp_status rp_minisig_verify_mem(const struct rp_minisig *s, const struct rp_pubkey *k,
				     const void *msg, size_t len, struct rp_err *e)
{
	unsigned char h[crypto_generichash_BYTES_MAX];

	if (!s->prehashed)
		return verify_parts(s, k, msg, len, e);
	crypto_generichash(h, sizeof(h), msg, len, NULL, 0);
	return verify_parts(s, k, h, sizeof(h), e);
}

/* BLAKE2b-512 of a file, streamed. */
static enum rp_status blake2b_file(const char *path, unsigned char out[64], struct rp_err *e)
{
	enum { CHUNK = 1 << 18 };
	crypto_generichash_state hs;
	unsigned char *buf;
	enum rp_status rc;
	int fd;

	rc = rp_open_ro(path, RP_OPEN_STDIN, &fd, e);
	if (rc)
		return rc;
	buf = rp_xmalloc(CHUNK);
	crypto_generichash_init(&hs, NULL, 0, 64);
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = rp_err_sys(e, RP_EIO, errno, "cannot read '%s'", path);
			break;
		}
		if (n == 0)
			break;
		crypto_generichash_update(&hs, buf, (size_t)n);
	}
	crypto_generichash_final(&hs, out, 64);
	free(buf);
	if (fd != 0)
		close(fd);
	return rc;
}

enum rp_status rp_minisig_verify_keys(const struct rp_minisig *s, const struct rp_pubkey *keys,
				      size_t nkeys, const char *path, const void *msg, size_t len,
				      size_t *which, struct rp_err *e)
{
	unsigned char h[64];
	const unsigned char *m = msg;
	char *data = NULL, id[17];
	size_t mlen = len, tried = 0;
	enum rp_status rc = RP_OK;

	for (size_t i = 0; i < nkeys; i++)
		if (keys[i].type == RP_KEY_ED25519 &&
		    (!keys[i].has_keynum || memcmp(keys[i].keynum, s->keynum, 8) == 0))
			tried++;
	rp_minisign_keyid_hex(s->keynum, id);
	if (!tried)
		return rp_errf(e, RP_FAIL, "signed by key id %s, no trusted key has that id", id);
	if (path && s->prehashed) {
		rc = blake2b_file(path, h, e);
		m = h;
		mlen = sizeof(h);
	} else if (path) {
		rc = rp_read_file(path, RP_OPEN_STDIN, RP_MINISIGN_LEGACY_MAX, &data, &mlen, e);
		m = (const unsigned char *)data;
	} else if (s->prehashed) {
		crypto_generichash(h, sizeof(h), msg, len, NULL, 0);
		m = h;
		mlen = sizeof(h);
	}
	if (rc)
		return rc;
	rc = RP_FAIL;
	for (size_t i = 0; i < nkeys; i++) {
		if (keys[i].type != RP_KEY_ED25519 ||
		    (keys[i].has_keynum && memcmp(keys[i].keynum, s->keynum, 8) != 0))
			continue;
		rc = verify_parts(s, &keys[i], m, mlen, e);
		if (rc == RP_OK) {
			if (which)
				*which = i;
			break;
		}
	}
	free(data);
	return rc;
}

enum rp_status rp_minisig_verify_digest(const struct rp_minisig *s, const struct rp_pubkey *keys,
					size_t nkeys, const unsigned char blake2b[64], size_t *which,
					struct rp_err *e)
{
	char id[17];
	enum rp_status rc = RP_FAIL;
	size_t tried = 0;

	if (!s->prehashed)
		return rp_errf(e, RP_EUSAGE, "legacy minisign signature needs the whole message");
	rp_minisign_keyid_hex(s->keynum, id);
	for (size_t i = 0; i < nkeys; i++) {
		if (keys[i].type != RP_KEY_ED25519 ||
		    (keys[i].has_keynum && memcmp(keys[i].keynum, s->keynum, 8) != 0))
			continue;
		tried++;
		rc = verify_parts(s, &keys[i], blake2b, 64, e);
		if (rc == RP_OK) {
			if (which)
				*which = i;
			return RP_OK;
		}
	}
	if (!tried)
		return rp_errf(e, RP_FAIL, "signed by key id %s, no trusted key has that id", id);
	return rc;
}

/*
 * SHA-256 runs on a helper thread over the same buffer while this thread does BLAKE2b, so
 * the pass costs about the slower of the two hashes rather than their sum.
 */
struct sha_worker {
	pthread_mutex_t m;
	pthread_cond_t c;
	const unsigned char *p;
	size_t n;
	int state; /* 0 idle, 1 work to do, 2 quit */
	struct rp_sha256 h;
};

static void *sha_thread(void *arg)
{
	struct sha_worker *w = arg;

	pthread_mutex_lock(&w->m);
	for (;;) {
		while (w->state == 0)
			pthread_cond_wait(&w->c, &w->m);
		if (w->state == 2)
			break;
		pthread_mutex_unlock(&w->m);
		rp_sha256_update(&w->h, w->p, w->n);
		pthread_mutex_lock(&w->m);
		w->state = 0;
		pthread_cond_broadcast(&w->c);
	}
	pthread_mutex_unlock(&w->m);
	return NULL;
}

static void sha_set(struct sha_worker *w, int state, const unsigned char *p, size_t n)
{
	pthread_mutex_lock(&w->m);
	w->p = p;
	w->n = n;
	w->state = state;
	pthread_cond_broadcast(&w->c);
	pthread_mutex_unlock(&w->m);
}

static void sha_wait(struct sha_worker *w)
{
	pthread_mutex_lock(&w->m);
	while (w->state != 0)
		pthread_cond_wait(&w->c, &w->m);
	pthread_mutex_unlock(&w->m);
}

enum rp_status rp_minisign_hash_file(const char *path, unsigned char sha256[32],
				     unsigned char blake2b[64], struct rp_err *e)
{
	enum { CHUNK = 1 << 20 };
	crypto_generichash_state hs;
	struct sha_worker w;
	pthread_t th;
	unsigned char *buf;
	enum rp_status rc;
	int fd, threaded;

	rc = rp_open_ro(path, RP_OPEN_STDIN, &fd, e);
	if (rc)
		return rc;
	buf = rp_xmalloc(CHUNK);
	crypto_generichash_init(&hs, NULL, 0, 64);
	memset(&w, 0, sizeof(w));
	rp_sha256_init(&w.h);
	pthread_mutex_init(&w.m, NULL);
	pthread_cond_init(&w.c, NULL);
	threaded = pthread_create(&th, NULL, sha_thread, &w) == 0;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = rp_err_sys(e, RP_EIO, errno, "cannot read '%s'", path);
			break;
		}
		if (n == 0)
			break;
		if (threaded)
			sha_set(&w, 1, buf, (size_t)n);
		else
			rp_sha256_update(&w.h, buf, (size_t)n);
		crypto_generichash_update(&hs, buf, (size_t)n);
		if (threaded)
			sha_wait(&w);
	}
	if (threaded) {
		sha_set(&w, 2, NULL, 0);
		pthread_join(th, NULL);
	}
	pthread_cond_destroy(&w.c);
	pthread_mutex_destroy(&w.m);
	crypto_generichash_final(&hs, blake2b, 64);
	if (rc)
		rp_sha256_release(&w.h);
	else
		rp_sha256_final(&w.h, sha256);
	free(buf);
	if (fd != 0)
		close(fd);
	return rc;
}

enum rp_status rp_minisig_verify_file(const struct rp_minisig *s, const struct rp_pubkey *k,
				      const char *path, struct rp_err *e)
{
	unsigned char h[64];
	enum rp_status rc;
	char *data = NULL;
	size_t len = 0;

	if (s->prehashed) {
		rc = blake2b_file(path, h, e);
		if (rc)
			return rc;
		return verify_parts(s, k, h, sizeof(h), e);
	}
	rc = rp_read_file(path, RP_OPEN_STDIN, RP_MINISIGN_LEGACY_MAX, &data, &len, e);
	if (rc)
		return rc;
	rc = verify_parts(s, k, (unsigned char *)data, len, e);
	free(data);
	return rc;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* Sign a BLAKE2b-512 digest: "ED" signature + trusted comment + global signature. */
static enum rp_status sign_digest(const struct rp_seckey *k, const unsigned char h[64],
				  const char *tc, struct rp_buf *out, struct rp_err *e)
{
	unsigned char raw[SIG_LEN], global[64], *buf;
	size_t tlen = strlen(tc);
	enum rp_status rc;

	if (k->type != RP_KEY_ED25519 || !k->ed_sk)
		return rp_errf(e, RP_EUSAGE, "minisign signatures need an Ed25519 key, this key is %s",
			       rp_key_type_name(k->type));
	if (strchr(tc, '\n') || strchr(tc, '\r') || tlen > TRUSTED_MAX - 32)
		return rp_errf(e, RP_EUSAGE, "trusted comment must be one line of at most %d bytes",
			       TRUSTED_MAX - 32);
	memcpy(raw, "ED", 2);
	memcpy(raw + 2, k->pub.keynum, 8);
	crypto_sign_detached(raw + 10, NULL, h, 64, k->ed_sk);
	buf = rp_xmalloc(64 + tlen);
	memcpy(buf, raw + 10, 64);
	memcpy(buf + 64, tc, tlen);
	crypto_sign_detached(global, NULL, buf, 64 + tlen, k->ed_sk);
	free(buf);
	rc = rp_buf_addstr(out, COMMENT_PREFIX "signature from reprove secret key\n", e);
	b64_append(out, raw, sizeof(raw), e, &rc);
	if (!rc)
		rc = rp_buf_addf(out, e, "\n" TRUSTED_PREFIX "%s\n", tc);
	b64_append(out, global, sizeof(global), e, &rc);
	if (!rc)
		rc = rp_buf_addstr(out, "\n", e);
	return rc;
}

static char *default_tc(const char *path)
{
	char *tc = rp_xasprintf("timestamp:%lld\tfile:%s\thashed", (long long)time(NULL),
				base_name(path));

	/* a file name with a newline must not break the one-line trusted comment */
	for (char *p = tc; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = '?';
	return tc;
}

enum rp_status rp_minisign_sign_mem(const struct rp_seckey *k, const void *msg, size_t len,
				    const char *trusted_comment, struct rp_buf *out,
				    struct rp_err *e)
{
	unsigned char h[64];
	char *tc = trusted_comment ? NULL : default_tc("-");
	enum rp_status rc;

	crypto_generichash(h, sizeof(h), msg, len, NULL, 0);
	rc = sign_digest(k, h, trusted_comment ? trusted_comment : tc, out, e);
	free(tc);
	return rc;
}

enum rp_status rp_minisign_sign_file(const struct rp_seckey *k, const char *path,
				     const char *sig_path, const char *trusted_comment,
				     struct rp_err *e)
{
	struct rp_buf out = RP_BUF_INIT(1 << 16);
	struct rp_atomic a = RP_ATOMIC_INIT;
	unsigned char h[64];
	char *tc = NULL, *sp = NULL;
	enum rp_status rc;

	if (k->type != RP_KEY_ED25519)
		return rp_errf(e, RP_EUSAGE, "minisign signatures need an Ed25519 key, this key is %s",
			       rp_key_type_name(k->type));
	rc = blake2b_file(path, h, e);
	if (rc)
		return rc;
	if (!trusted_comment)
		tc = default_tc(path);
	rc = sign_digest(k, h, trusted_comment ? trusted_comment : tc, &out, e);
	if (rc)
		goto out;
	if (!sig_path)
		sp = rp_xasprintf("%s.minisig", path);
	rc = rp_atomic_open(&a, sig_path ? sig_path : sp, 0644, 0, e);
	if (rc)
		goto out;
	rc = rp_atomic_write(&a, out.data, out.len, e);
	if (rc) {
		rp_atomic_abort(&a);
		goto out;
	}
	rc = rp_atomic_commit(&a, e);
out:
	free(sp);
	free(tc);
	rp_buf_release(&out);
	return rc;
}
