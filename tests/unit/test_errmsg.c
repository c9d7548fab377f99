/*
 * test_errmsg — set_err, the contract of every `char *err, size_t errlen`
 * buffer in the library, judged against the C library's snprintf.
 */
#include "common/errmsg.h"
#include "tests/lib/test.h"

#include <stdio.h>
#include <string.h>

/* set_err against snprintf: the same bytes, cut and terminated the same way; NULL and 0 are no-ops. */
static void set_err_writes_what_snprintf_writes(void)
{
	static const size_t caps[] = { 1, 2, 5, 12, 64 };
	char got[64], want[64];

	for (size_t i = 0; i < TEST_COUNT(caps); i++) {
		memset(got, 'x', sizeof(got));
		memset(want, 'x', sizeof(want));
		set_err(got, caps[i], "%s %d: %s", "node", 7, "timed out");
		snprintf(want, caps[i], "%s %d: %s", "node", 7, "timed out");
		CHECK_MSG(memcmp(got, want, sizeof(got)) == 0, "cap %zu", caps[i]);
	}
	memset(got, 'x', sizeof(got));
	set_err(got, 0, "never %s", "written");
	CHECK(got[0] == 'x');
	set_err(NULL, 64, "nowhere to %s", "go");
}

static const struct test_case cases[] = {
	{ "set_err_writes_what_snprintf_writes", set_err_writes_what_snprintf_writes },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
