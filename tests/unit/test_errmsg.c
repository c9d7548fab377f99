/*
 * test_errmsg — set_err, the contract of every `char *err, size_t errlen`
 * buffer in the library, judged against the C library's snprintf.
 */
#include "common/errmsg.h"
#include "tests/lib/test.h"

#include <errno.h>
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

/* errno survives: fsutil reports a failure and its callers still read errno. */
static void set_err_keeps_errno(void)
{
	char got[16];

	errno = ENOSPC;
	set_err(got, sizeof(got), "%s: %s", "save", "disk full");
	CHECK_INT(errno, ENOSPC);
	errno = EACCES;
	set_err(NULL, 0, "%s", "unused");
	CHECK_INT(errno, EACCES);
}

static const struct test_case cases[] = {
	{ "set_err_writes_what_snprintf_writes", set_err_writes_what_snprintf_writes },
	{ "set_err_keeps_errno", set_err_keeps_errno },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
