/*
 * Fuzz target: minisign public keys, secret keys (no passphrase source, so encrypted keys
 * stop before scrypt) and signature files, then a verification with whatever parsed.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "keys.h"
#include "minisign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct rp_pubkey pk;
	struct rp_seckey sk;
	struct rp_minisig s;
	int have_pk, have_sig;

	if (rp_crypto_init(NULL))
		return 0;
	have_pk = rp_pubkey_parse(&pk, text, size, "fuzz.pub", NULL) == RP_OK;
	if (rp_seckey_parse(&sk, text, size, "fuzz.key", NULL, NULL) == RP_OK)
		rp_seckey_release(&sk);
	have_sig = rp_minisig_parse(&s, text, size, "fuzz.minisig", NULL) == RP_OK;
	if (have_sig) {
		struct rp_pubkey k;
		memset(&k, 0, sizeof(k));
		k.type = RP_KEY_ED25519;
		memcpy(k.keynum, s.keynum, 8);
		k.has_keynum = 1;
		(void)rp_minisig_verify_mem(&s, have_pk ? &pk : &k, data, size, NULL);
		rp_minisig_release(&s);
	}
	if (have_pk)
		rp_pubkey_release(&pk);
	return 0;
}
