/*
 * Fuzz target: PEM public keys (SPKI of every supported type) and PKCS#8 secret keys
 * through keys.c, then a signature check of the input with whatever key parsed.
 */
#include <string.h>

#include "fuzz.h"
#include "keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct rp_pubkey pk;
	struct rp_seckey sk;

	if (rp_crypto_init(NULL))
		return 0;
	if (rp_pubkey_parse(&pk, text, size, "fuzz.pem", NULL) == RP_OK) {
		size_t n = size < 64 ? size : 64;
		(void)rp_pubkey_verify(&pk, data, size, data, n);
		rp_pubkey_release(&pk);
	}
	if (rp_seckey_parse(&sk, text, size, "fuzz.key.pem", NULL, NULL) == RP_OK)
		rp_seckey_release(&sk);
	return 0;
}
