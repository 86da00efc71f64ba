/*
 * Unit tests for attest/verify.c through its public API (what fetch, gate and audit call):
 * statuses, report lines, the failed check, and usage errors, on testdata/forgeries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "hash.h"
#include "keys.h"
#include "policy.h"
#include "statement.h"
#include "verify.h"

#define F "testdata/forgeries/"

static void asset(struct rp_verify_asset *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->name = path;
	a->path = path;
	if (rp_hash_path(path, a->sha256, NULL, NULL) != RP_OK)
		rp_test_fail(__FILE__, __LINE__, "cannot hash %s", path);
}

TEST(provenance_passes_and_reports_each_check)
{
	const char *keys[] = { "testdata/keys/ed25519.pub.pem" };
	struct rp_verify_opts o;
	struct rp_verify_asset a;
	struct rp_verify_report *r = NULL;
	struct rp_err e = RP_ERR_INIT;

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	memset(&o, 0, sizeof(o));
	o.keys = keys;
	o.nkeys = 1;
	o.provenance = F "good.intoto.jsonl";
	o.source_tag = "v1.0.0";
	asset(&a, F "asset.txt");
	CHECK_STATUS(rp_verify_run(&o, &a, 1, &r, &e), RP_OK);
	CHECK(r != NULL);
	if (!r)
		return;
	CHECK(r->passed);
	CHECK(r->failed == NULL);
	CHECK_EQ_INT(r->n, 7);
	CHECK_EQ_STR(r->lines[1].check, "dsse-signature");
	CHECK_EQ_STR(r->lines[6].check, "source-tag");
	CHECK(r->signer && strstr(r->signer, "ed25519") != NULL);
	rp_verify_report_free(r);
}

TEST(failed_check_is_named_and_report_kept)
{
	const char *keys[] = { "testdata/keys/ed25519.pub.pem" };
	struct rp_verify_opts o;
	struct rp_verify_asset a;
	struct rp_verify_report *r = NULL;
	struct rp_err e = RP_ERR_INIT;

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	memset(&o, 0, sizeof(o));
	o.keys = keys;
	o.nkeys = 1;
	o.provenance = F "wrong-builder.intoto.jsonl";
	o.provenance_name = "https://example.org/prov.jsonl";
	o.builder_id = "https://reprove.dev/builders/test/v1";
	o.print_provenance = 1;
	asset(&a, F "asset.txt");
	CHECK_STATUS(rp_verify_run(&o, &a, 1, &r, &e), RP_FAIL);
	CHECK(r && r->failed && strcmp(r->failed, "builder-id") == 0);
	CHECK(strncmp(e.msg, "builder-id: 'https://example.org/prov.jsonl'", 44) == 0);
	CHECK(r && r->statement && r->statement_verified);
	rp_verify_report_free(r);
}

TEST(usage_and_input_errors)
{
	const char *keys[] = { "testdata/keys/ed25519.pub.pem" };
	const char *bad[] = { "testdata/keys/README" };
	struct rp_verify_opts o;
	struct rp_verify_asset a[2];
	struct rp_verify_report *r = NULL;

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	asset(&a[0], F "asset.txt");
	asset(&a[1], F "other.txt");
	memset(&o, 0, sizeof(o));
	o.sig = F "asset.txt.minisig";
	o.keys = keys;
	o.nkeys = 1;
	CHECK_STATUS(rp_verify_run(&o, a, 2, &r, NULL), RP_EUSAGE); /* --sig with two assets */
	CHECK(r == NULL);
	o.nkeys = 0;
	CHECK_STATUS(rp_verify_run(&o, a, 1, &r, NULL), RP_EUSAGE); /* no key */
	o.keys = bad;
	o.nkeys = 1;
	CHECK_STATUS(rp_verify_run(&o, a, 1, &r, NULL), RP_EINPUT); /* not a key */
	CHECK(r == NULL);
	o.keys = keys;
	o.sig = NULL;
	o.provenance = F "garbled.intoto.jsonl";
	CHECK_STATUS(rp_verify_run(&o, a, 1, &r, NULL), RP_EINPUT);
	rp_verify_report_free(r);
	r = NULL;
	o.provenance = F "nosuch.jsonl";
	CHECK_STATUS(rp_verify_run(&o, a, 1, &r, NULL), RP_EIO);
	rp_verify_report_free(r);
}

TEST(json_writer)
{
	const char *keys[] = { "testdata/keys/minisign-plain.pub" };
	struct rp_verify_opts o;
	struct rp_verify_asset a;
	struct rp_verify_report *r = NULL;
	char path[4200], buf[8192];
	FILE *fp;
	size_t n;

	CHECK_STATUS(rp_crypto_init(NULL), RP_OK);
	memset(&o, 0, sizeof(o));
	o.keys = keys;
	o.nkeys = 1;
	o.sums = F "SHA256SUMS";
	o.sums_sig = F "SHA256SUMS.minisig";
	asset(&a, F "asset.txt");
	CHECK_STATUS(rp_verify_run(&o, &a, 1, &r, NULL), RP_OK);
	snprintf(path, sizeof(path), "%s/out.json", rp_test_dir());
	fp = fopen(path, "w+");
	CHECK(fp != NULL);
	if (!fp || !r)
		return;
	CHECK_STATUS(rp_verify_write_json(r, fp, NULL), RP_OK);
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	CHECK(strncmp(buf, "{\"verified\":true,\"failed_check\":null,\"checks\":[", 47) == 0);
	CHECK(strstr(buf, "\"check\":\"sums-signature\"") != NULL);
	CHECK(buf[n - 1] == '\n');
	rp_verify_report_free(r);
}

TEST(uri_scheme_only_at_the_start)
{
	CHECK_EQ_INT(rp_uri_scheme_len("https://example.org/r"), 8);
	CHECK_EQ_INT(rp_uri_scheme_len("git+https://example.org/r"), 12);
	CHECK_EQ_INT(rp_uri_scheme_len("HTTPS://example.org"), 8);
	CHECK_EQ_INT(rp_uri_scheme_len("evil.example/r?to=https://example.org/r"), 0);
	CHECK_EQ_INT(rp_uri_scheme_len("/x://y"), 0);
	CHECK_EQ_INT(rp_uri_scheme_len("1a://b"), 0);
	CHECK_EQ_INT(rp_uri_scheme_len("a b://c"), 0);
	CHECK_EQ_INT(rp_uri_scheme_len(""), 0);
}

TEST(uri_match_is_exact_after_normalizing)
{
	/* review finding 10: a "://" in a query is not where the host starts */
	CHECK(!rp_policy_uri_match("https://example.org/hello",
				   "evil.example/r?to=https://example.org/hello"));
	CHECK(!rp_policy_uri_match("example.org/hello", "evil.example/r?to=https://example.org/hello"));
	CHECK(!rp_policy_uri_match("https://example.org/hello",
				   "https://evil.example/?https://example.org/hello"));
	CHECK(!rp_policy_uri_match("https://example.org/hello", "https://example.org/hello?x"));
	CHECK(!rp_policy_uri_match("https://example.org/hello", "https://example.org/hello2"));
	CHECK(!rp_policy_uri_match("https://example.org/hello", "https://example.org.evil/hello"));
	CHECK(!rp_policy_uri_match("https://example.org/hello", "https://user@example.org/hello"));
	/* the intended normalization: git+ and case of scheme and host, ".git", trailing '/' */
	CHECK(rp_policy_uri_match("https://example.org/hello", "git+https://Example.ORG/hello.git/"));
	CHECK(rp_policy_uri_match("GIT+HTTPS://example.org/hello/", "https://example.org/hello"));
	CHECK(!rp_policy_uri_match("https://example.org/Hello", "https://example.org/hello"));
	/* a scheme, when the expected URI has one, must be the same */
	CHECK(!rp_policy_uri_match("https://example.org/hello", "http://example.org/hello"));
	CHECK(!rp_policy_uri_match("https://example.org/hello", "ssh://example.org/hello"));
	CHECK(!rp_policy_uri_match("https://example.org/hello", "example.org/hello"));
	/* a scheme-less expectation (policy "github.com/o/r") accepts any scheme */
	CHECK(rp_policy_uri_match("example.org/hello", "git+ssh://example.org/hello.git"));
	CHECK(rp_policy_uri_match("example.org/hello", "example.org/hello"));
	CHECK(!rp_policy_uri_match("example.org/hello", "file:///example.org/hello"));
}
