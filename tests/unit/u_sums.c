/*
 * Unit tests for SHA256SUMS line parsing and formatting (coreutils compatibility).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sums.h"

static const char *H = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

static enum rp_status parse(const char *line, struct rp_sums_entry *ent)
{
	memset(ent, 0, sizeof(*ent));
	return rp_sums_parse_line(line, strlen(line), ent, NULL);
}

TEST(sums_gnu_text_and_binary)
{
	struct rp_sums_entry ent;
	char line[200];

	snprintf(line, sizeof(line), "%s  name with  spaces", H);
	CHECK_STATUS(parse(line, &ent), RP_OK);
	CHECK_EQ_STR(ent.name, "name with  spaces");
	CHECK_EQ_INT(ent.digest[0], 0xe3);
	free(ent.name);
	snprintf(line, sizeof(line), "%s *bin", H);
	CHECK_STATUS(parse(line, &ent), RP_OK);
	CHECK_EQ_STR(ent.name, "bin");
	free(ent.name);
	snprintf(line, sizeof(line), "%s single", H);
	CHECK_STATUS(parse(line, &ent), RP_OK);
	CHECK_EQ_STR(ent.name, "single");
	free(ent.name);
}

TEST(sums_crlf_uppercase_leading_blank)
{
	struct rp_sums_entry ent;
	char line[200], up[65];

	for (int i = 0; i < 64; i++)
		up[i] = (char)(H[i] >= 'a' ? H[i] - 32 : H[i]);
	up[64] = 0;
	snprintf(line, sizeof(line), "  %s  f\r", up);
	CHECK_STATUS(parse(line, &ent), RP_OK);
	CHECK_EQ_STR(ent.name, "f");
	free(ent.name);
}

TEST(sums_escaped_names)
{
	struct rp_sums_entry ent;
	char line[200];

	snprintf(line, sizeof(line), "\\%s  a\\\\b\\nc\\rd", H);
	CHECK_STATUS(parse(line, &ent), RP_OK);
	CHECK_EQ_STR(ent.name, "a\\b\nc\rd");
	CHECK_EQ_INT(ent.escaped, 1);
	free(ent.name);
	snprintf(line, sizeof(line), "\\%s  bad\\x", H);
	CHECK_STATUS(parse(line, &ent), RP_EINPUT);
	snprintf(line, sizeof(line), "\\%s  trailing\\", H);
	CHECK_STATUS(parse(line, &ent), RP_EINPUT);
}

TEST(sums_bsd_tags)
{
	struct rp_sums_entry ent;
	char line[200];

	snprintf(line, sizeof(line), "SHA256 (a (b) c) = %s", H);
	CHECK_STATUS(parse(line, &ent), RP_OK);
	CHECK_EQ_STR(ent.name, "a (b) c");
	free(ent.name);
	snprintf(line, sizeof(line), "\\SHA256 (x\\ny)= %s", H);
	CHECK_STATUS(parse(line, &ent), RP_OK);
	CHECK_EQ_STR(ent.name, "x\ny");
	free(ent.name);
	snprintf(line, sizeof(line), "SHA256 () = %s", H);
	CHECK_STATUS(parse(line, &ent), RP_EINPUT);
	snprintf(line, sizeof(line), "MD5 (x) = %s", H);
	CHECK_STATUS(parse(line, &ent), RP_EINPUT);
}

TEST(sums_rejects_malformed)
{
	struct rp_sums_entry ent;
	char line[200];

	CHECK_STATUS(parse("", &ent), RP_FAIL);
	CHECK_STATUS(parse("# comment", &ent), RP_FAIL);
	CHECK_STATUS(parse("abc  short", &ent), RP_EINPUT);
	snprintf(line, sizeof(line), "%.63sg  x", H);
	CHECK_STATUS(parse(line, &ent), RP_EINPUT);
	snprintf(line, sizeof(line), "%s0  toolong", H);
	CHECK_STATUS(parse(line, &ent), RP_EINPUT);
	/* coreutils reads "HEX  " + " " as a file named " " (single-blank separator) */
	snprintf(line, sizeof(line), "%s  ", H);
	CHECK_STATUS(parse(line, &ent), RP_OK);
	CHECK_EQ_STR(ent.name, " ");
	free(ent.name);
	snprintf(line, sizeof(line), "%s ", H);
	CHECK_STATUS(parse(line, &ent), RP_EINPUT);
	CHECK_STATUS(rp_sums_parse_line("a\0b", 3, &ent, NULL), RP_EINPUT);
}

TEST(sums_format_matches_coreutils)
{
	struct rp_buf b = RP_BUF_INIT(4096);
	unsigned char d[32];

	CHECK(rp_unhex(H, d, 32) == 0);
	CHECK_STATUS(rp_sums_format_line(&b, "plain", d, RP_SUMS_GNU, NULL), RP_OK);
	CHECK_STATUS(rp_sums_format_line(&b, "a\\b\nc\rd", d, RP_SUMS_GNU, NULL), RP_OK);
	CHECK_STATUS(rp_sums_format_line(&b, "t\\g", d, RP_SUMS_BSD, NULL), RP_OK);
	CHECK_STATUS(rp_sums_format_line(&b, "q\"\x01\xff", d, RP_SUMS_JSON, NULL), RP_OK);
	{
		char want[1024];
		snprintf(want, sizeof(want),
			 "%s  plain\n\\%s  a\\\\b\\nc\\rd\n\\SHA256 (t\\\\g) = %s\n"
			 "{\"name\":\"q\\\"\\u0001\\u00ff\",\"sha256\":\"%s\"}\n",
			 H, H, H, H);
		CHECK_EQ_STR(b.data, want);
	}
	rp_buf_release(&b);
}

TEST(sums_roundtrip_escaped)
{
	const char *names[] = { "x", "a\\b", "n\nl", "c\rr", "both\\\n", " lead", NULL };
	unsigned char d[32];

	memset(d, 0x5a, sizeof(d));
	for (int i = 0; names[i]; i++) {
		struct rp_buf b = RP_BUF_INIT(4096);
		struct rp_sums_entry ent;
		for (int f = RP_SUMS_GNU; f <= RP_SUMS_BSD; f++) {
			rp_buf_release(&b);
			CHECK_STATUS(rp_sums_format_line(&b, names[i], d, (enum rp_sums_format)f, NULL),
				     RP_OK);
			memset(&ent, 0, sizeof(ent));
			CHECK_STATUS(rp_sums_parse_line(b.data, b.len - 1, &ent, NULL), RP_OK);
			CHECK_EQ_STR(ent.name, names[i]);
			CHECK_EQ_MEM(ent.digest, d, 32);
			free(ent.name);
		}
		rp_buf_release(&b);
	}
}

TEST(sums_parse_file_counts_and_limits)
{
	struct rp_sums s = RP_SUMS_INIT;
	struct rp_err e = RP_ERR_INIT;
	char text[600];
	char *big;

	snprintf(text, sizeof(text), "%s  a\njunk\n\n# c\n%s  b", H, H);
	CHECK_STATUS(rp_sums_parse(&s, text, strlen(text), "t", &e), RP_OK);
	CHECK_EQ_INT(s.n, 2);
	CHECK_EQ_INT(s.malformed, 1);
	CHECK_EQ_INT(s.first_malformed, 2);
	CHECK_EQ_INT(s.v[1].line, 5);
	CHECK(rp_sums_find(&s, "b") == &s.v[1]);
	CHECK(rp_sums_find(&s, "zz") == NULL);
	rp_sums_release(&s);

	big = malloc(RP_SUMS_LINE_MAX + 10);
	memset(big, 'a', RP_SUMS_LINE_MAX + 10);
	CHECK_STATUS(rp_sums_parse(&s, big, RP_SUMS_LINE_MAX + 10, "big", &e), RP_EINPUT);
	CHECK(strstr(e.msg, "'big' line 1") != NULL);
	CHECK_EQ_INT(s.n, 0);
	free(big);
}

TEST(sums_refuses_a_name_listed_twice_with_different_digests)
{
	struct rp_sums s = RP_SUMS_INIT;
	struct rp_err e = RP_ERR_INIT;
	char text[1200];
	const char *H2 = "1111111111111111111111111111111111111111111111111111111111111111";

	/* the GNU line and the BSD tag line name one file: readers would pick different lines */
	snprintf(text, sizeof(text), "%s  b\n%s  a\nSHA256 (a) = %s\n", H, H, H2);
	CHECK_STATUS(rp_sums_parse(&s, text, strlen(text), "SUMS", &e), RP_EINPUT);
	CHECK_EQ_STR(e.msg, "'SUMS' lines 2 and 3: 'a' is listed twice with different digests");
	CHECK_EQ_INT(s.n, 0);

	/* escaping does not hide a repeat: "\\x" unescapes to the same name as "\x" */
	snprintf(text, sizeof(text), "%s  x\\y\n\\%s  x\\\\y\n", H2, H);
	CHECK_STATUS(rp_sums_parse(&s, text, strlen(text), "SUMS", &e), RP_EINPUT);
	CHECK(strstr(e.msg, "lines 1 and 2") != NULL);

	/* the same digest twice is what `sha256sum -c` checks twice: kept */
	snprintf(text, sizeof(text), "%s  a\n%s  b\n%s *a\n", H, H2, H);
	CHECK_STATUS(rp_sums_parse(&s, text, strlen(text), "SUMS", &e), RP_OK);
	CHECK_EQ_INT(s.n, 3);
	rp_sums_release(&s);
}

TEST(sums_display_name_escapes_and_scrubs)
{
	struct rp_buf b = RP_BUF_INIT(256);

	CHECK_STATUS(rp_sums_display_name(&b, "a\\b", NULL), RP_OK);
	CHECK_EQ_STR(b.data, "a\\b");
	rp_buf_release(&b);
	CHECK_STATUS(rp_sums_display_name(&b, "n\n\\\x1b", NULL), RP_OK);
	CHECK_EQ_STR(b.data, "\\n\\n\\\\?");
	rp_buf_release(&b);
}
