/*
 * Minimal unit-test harness: TEST(name) registers a test; CHECK* record failures and
 * continue; a test may return early with SKIP("why") (counted as skipped, exit 77 style).
 */
#ifndef RP_HARNESS_H
#define RP_HARNESS_H

#include <stddef.h>
#include <string.h>

#include "err.h"

struct rp_test {
	const char *name;
	void (*fn)(void);
};

void rp_test_register(const char *name, void (*fn)(void));
void rp_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rp_test_skip(const char *why);
/* A fresh empty directory for the current test (removed afterwards unless RP_KEEP=1). */
const char *rp_test_dir(void);

#define TEST(name)                                                                            \
	static void test_##name(void);                                                        \
	__attribute__((constructor)) static void reg_##name(void)                             \
	{                                                                                     \
		rp_test_register(#name, test_##name);                                         \
	}                                                                                     \
	static void test_##name(void)

#define CHECK(cond)                                                                           \
	do {                                                                                  \
		if (!(cond))                                                                  \
			rp_test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                 \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                                    \
	do {                                                                                  \
		long long va_ = (long long)(a), vb_ = (long long)(b);                         \
		if (va_ != vb_)                                                               \
			rp_test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b,    \
				     va_, vb_);                                               \
	} while (0)

#define CHECK_EQ_STR(a, b)                                                                    \
	do {                                                                                  \
		const char *sa_ = (a), *sb_ = (b);                                            \
		if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0)                                    \
			rp_test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a,    \
				     #b, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");         \
	} while (0)

#define CHECK_EQ_MEM(a, b, n)                                                                 \
	do {                                                                                  \
		if (memcmp((a), (b), (n)) != 0)                                               \
			rp_test_fail(__FILE__, __LINE__, "memory %s == %s differs", #a, #b);  \
	} while (0)

#define CHECK_STATUS(rc, want)                                                                \
	do {                                                                                  \
		int rc_ = (int)(rc), want_ = (int)(want);                                     \
		if (rc_ != want_)                                                             \
			rp_test_fail(__FILE__, __LINE__, "%s: status %d, want %d", #rc, rc_,  \
				     want_);                                                  \
	} while (0)

#define SKIP(why)                                                                             \
	do {                                                                                  \
		rp_test_skip(why);                                                            \
		return;                                                                       \
	} while (0)

#endif
