/*
 * Fuzz target: the verify pipeline on a provenance file (attest/verify.c): .intoto.jsonl
 * line splitting, bundle/envelope recognition, DSSE signature check against a fixed test
 * key (testdata/keys/ed25519.pub.pem), then statement, subject and policy checks, and both
 * report writers. Inputs signed by that key reach the statement checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "hash.h"
#include "verify.h"

static const char pub_pem[] = "-----BEGIN PUBLIC KEY-----\n"
			      "MCowBQYDK2VwAyEA4hPL0A/if0yUpdhOGhYQ++x5JwtQkL4TSuSgh4ly++k=\n"
			      "-----END PUBLIC KEY-----\n";

static int memfd_with(const void *p, size_t n)
{
	int fd = memfd_create("fuzz-prov", MFD_CLOEXEC);

	if (fd >= 0 && n && write(fd, p, n) != (ssize_t)n) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct rp_verify_opts o;
	struct rp_verify_asset asset;
	struct rp_verify_report *r = NULL;
	struct rp_err e = RP_ERR_INIT;
	char keypath[64], provpath[64];
	const char *keys[1];
	enum rp_status rc;
	int kfd, pfd;

	if (!sink)
		sink = fopen("/dev/null", "w");
	kfd = memfd_with(pub_pem, sizeof(pub_pem) - 1);
	pfd = memfd_with(data, size);
	if (kfd < 0 || pfd < 0 || !sink)
		goto out;
	snprintf(keypath, sizeof(keypath), "/proc/self/fd/%d", kfd);
	snprintf(provpath, sizeof(provpath), "/proc/self/fd/%d", pfd);
	keys[0] = keypath;
	memset(&o, 0, sizeof(o));
	o.keys = keys;
	o.nkeys = 1;
	o.provenance = provpath;
	o.builder_id = "https://reprove.dev/builders/test/v1";
	o.source_uri = "git+https://example.org/reprove/sample";
	o.source_tag = "v1.0.0";
	o.print_provenance = 1;
	memset(&asset, 0, sizeof(asset));
	asset.name = "asset.txt";
	/* sha256 of testdata/forgeries/asset.txt, so the seed provenance matches */
	if (rp_unhex("edd00daec820ee06ef1e7d3d30661b3b66774be5af287cc4195d4277b0aed444",
		     asset.sha256, sizeof(asset.sha256)) != 0)
		abort();
	rc = rp_verify_run(&o, &asset, 1, &r, &e);
	if (rc != RP_OK && rc != RP_FAIL && rc != RP_EINPUT && rc != RP_EIO)
		abort();
	if (rc != RP_OK && (!e.msg[0] || strchr(e.msg, '\n')))
		abort();
	if (r) {
		(void)rp_verify_write_text(r, sink, NULL);
		(void)rp_verify_write_json(r, sink, NULL);
		rp_verify_report_free(r);
	}
out:
	if (kfd >= 0)
		close(kfd);
	if (pfd >= 0)
		close(pfd);
	return 0;
}
