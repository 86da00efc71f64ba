/*
 * Unit tests for attest/minisign.c: the published vector, key and signature parsing, secret
 * key round trips (unencrypted), key ids, and malformed inputs.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "harness.h"
#include "keys.h"
#include "minisign.h"

static char *read_vec(const char *name, size_t *len)
{
	char path[256], *text = NULL;

	snprintf(path, sizeof(path), "testdata/vectors/%s", name);
	if (rp_read_file(path, 0, 1 << 20, &text, len, NULL) != RP_OK)
		return NULL;
	return text;
}

TEST(published_vector)
{
	struct rp_pubkey k;
	struct rp_minisig s;
	size_t plen = 0, slen = 0;
	char *pub = read_vec("minisign-test.pub", &plen), *sig = read_vec("minisign-test.msg.minisig", &slen);
	char id[17];

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	if (!pub || !sig) {
		CHECK(pub && sig); /* testdata/vectors is part of the repository */
		return;
	}
	CHECK_STATUS(rp_pubkey_parse(&k, pub, plen, "pub", NULL), RP_OK);
	CHECK(k.has_keynum);
	rp_minisign_keyid_hex(k.keynum, id);
	CHECK_EQ_STR(id, "E7620F1842B4E81F");
	CHECK_STATUS(rp_minisig_parse(&s, sig, slen, "sig", NULL), RP_OK);
	CHECK(s.prehashed);
	CHECK_EQ_STR(s.trusted_comment, "timestamp:1556193335\tfile:test");
	CHECK_STATUS(rp_minisig_verify_mem(&s, &k, "test", 4, NULL), RP_OK);
	CHECK_STATUS(rp_minisig_verify_mem(&s, &k, "tesT", 4, NULL), RP_FAIL);
	/* the trusted comment is covered by the global signature */
	s.trusted_comment[10] = '9';
	CHECK_STATUS(rp_minisig_verify_mem(&s, &k, "test", 4, NULL), RP_FAIL);
	rp_minisig_release(&s);
	rp_pubkey_release(&k);
	free(pub);
	free(sig);
}

TEST(sign_mem_round_trip_and_secret_key_format)
{
	struct rp_seckey k, k2;
	struct rp_buf sk = RP_BUF_INIT(1 << 16), sig = RP_BUF_INIT(1 << 16);
	struct rp_minisig s;

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	CHECK_STATUS(rp_seckey_generate(&k, RP_KEY_ED25519, NULL), RP_OK);
	CHECK_STATUS(rp_seckey_format(&k, NULL, &sk, NULL), RP_OK);
	CHECK(rp_minisign_is_seckey(sk.data, sk.len));
	CHECK_STATUS(rp_seckey_parse(&k2, sk.data, sk.len, "sk", NULL, NULL), RP_OK);
	CHECK_EQ_MEM(k2.pub.ed, k.pub.ed, 32);
	CHECK_EQ_MEM(k2.pub.keynum, k.pub.keynum, 8);
	CHECK_STATUS(rp_minisign_sign_mem(&k2, "data", 4, "tc", &sig, NULL), RP_OK);
	CHECK_STATUS(rp_minisig_parse(&s, sig.data, sig.len, "sig", NULL), RP_OK);
	CHECK_STATUS(rp_minisig_verify_mem(&s, &k.pub, "data", 4, NULL), RP_OK);
	CHECK_EQ_STR(s.trusted_comment, "tc");
	rp_minisig_release(&s);
	/* a multi-line trusted comment would forge a new line: refused */
	CHECK_STATUS(rp_minisign_sign_mem(&k2, "data", 4, "a\nb", &sig, NULL), RP_EUSAGE);
	rp_buf_release(&sk);
	rp_buf_release(&sig);
	rp_seckey_release(&k);
	rp_seckey_release(&k2);
}

TEST(corrupted_secret_key_fails_checksum)
{
	struct rp_seckey k, k2;
	struct rp_buf sk = RP_BUF_INIT(1 << 16);
	struct rp_err e = RP_ERR_INIT;
	char *p;

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	CHECK_STATUS(rp_seckey_generate(&k, RP_KEY_ED25519, NULL), RP_OK);
	CHECK_STATUS(rp_seckey_format(&k, NULL, &sk, NULL), RP_OK);
	p = strchr(sk.data, '\n') + 1 + 100; /* inside the secret key bytes */
	*p = *p == 'A' ? 'B' : 'A';
	CHECK_STATUS(rp_seckey_parse(&k2, sk.data, sk.len, "sk", NULL, &e), RP_EINPUT);
	CHECK(strstr(e.msg, "checksum") != NULL);
	rp_buf_release(&sk);
	rp_seckey_release(&k);
}

TEST(encrypted_key_needs_a_passphrase_source)
{
	struct rp_seckey k;
	struct rp_err e = RP_ERR_INIT;
	char *text = NULL;
	size_t len = 0;

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	if (rp_read_file("testdata/keys/minisign-enc.key", 0, 1 << 16, &text, &len, NULL))
		SKIP("no testdata");
	CHECK_STATUS(rp_seckey_parse(&k, text, len, "enc", NULL, &e), RP_EUSAGE);
	free(text);
}

TEST(passphrase_variable_is_unset_once_read)
{
	struct rp_seckey k;
	struct rp_pass_src src = { "RP_U_PASSPHRASE", NULL, NULL };
	struct rp_err e = RP_ERR_INIT;

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	setenv("RP_U_PASSPHRASE", "reprove test passphrase", 1);
	if (access("testdata/keys/minisign-enc.key", R_OK) != 0)
		SKIP("no testdata");
	CHECK_STATUS(rp_seckey_load(&k, "testdata/keys/minisign-enc.key", &src, &e), RP_OK);
	CHECK(getenv("RP_U_PASSPHRASE") == NULL);
	rp_seckey_release(&k);
}

TEST(malformed_signatures)
{
	static const char *const bad[] = {
		"",
		"untrusted comment: x\n",
		"untrusted comment: x\nRUQ=\ntrusted comment: t\nAAAA\n",
		"comment: x\nRUQf6LRCGA9i559r3g7V1qNyJDApGip8MfqcadIgT9CuhV3EMhHoN1mGTkUidF/z7SrlQgXdy8ofjb7bNJJylDOocrCo8KLzZwo=\n",
		"untrusted comment: x\nRUQf6LRCGA9i559r3g7V1qNyJDApGip8MfqcadIgT9CuhV3EMhHoN1mGTkUidF/z7SrlQgXdy8ofjb7bNJJylDOocrCo8KLzZwo=\nno trusted\n",
		"untrusted comment: x\nRUQf6LRCGA9i559r3g7V1qNyJDApGip8MfqcadIgT9CuhV3EMhHoN1mGTkUidF/z7SrlQgXdy8ofjb7bNJJylDOocrCo8KLzZwo=\ntrusted comment: t\nshort\n",
	};
	struct rp_minisig s;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_STATUS(rp_minisig_parse(&s, bad[i], strlen(bad[i]), "bad", NULL), RP_EINPUT);
}

TEST(public_key_forms)
{
	struct rp_pubkey k;
	const char *line = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";
	struct rp_err e = RP_ERR_INIT;

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	CHECK_STATUS(rp_pubkey_parse(&k, line, strlen(line), "bare", NULL), RP_OK);
	CHECK_EQ_INT(k.type, RP_KEY_ED25519);
	rp_pubkey_release(&k);
	CHECK_STATUS(rp_pubkey_parse(&k, "RWQf6LRCGA9i53ml", 16, "short", &e), RP_EINPUT);
	CHECK(strstr(e.msg, "'short'") != NULL);
	CHECK_STATUS(rp_pubkey_parse(&k, "", 0, "empty", NULL), RP_EINPUT);
}
