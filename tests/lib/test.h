/*
 * A small test harness: table-driven cases, one behaviour per case.
 *
 * A test file defines `static const struct test_case cases[]` and calls
 * test_main(). Each case is a function that uses the CHECK macros; a failed
 * check records the file and line and the case goes on (so one run reports
 * every broken expectation). test_main prints one line per case and closes
 * with "N passed, N failed"; the exit status is 0 only when nothing failed.
 *
 * A check that never runs proves nothing: a case that ran no CHECK fails
 * ("ran no checks"), and so does a run in which no case ran at all (a filter
 * that matches nothing, an empty table).
 *
 * Paths are relative to the repository root: tests/run.sh runs every test
 * binary from there.
 */
#ifndef CHAINDECK_TEST_H
#define CHAINDECK_TEST_H

#include <stddef.h>
#include <stdint.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

int test_main(int argc, char **argv, const struct test_case *cases, size_t n);

/* Records a failure of the running case; used by the macros below. */
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Number of failures recorded in the running case so far. */
int test_failures(void);
/* Checks run so far in this process; every CHECK macro counts one, passed or failed. */
extern unsigned long test_checks_run;

/* Reads a whole file (NUL-terminated); aborts the test binary if it cannot. Caller frees. */
char *test_read_file(const char *path, size_t *len);
/* Reads a gzip-compressed file through `gzip -dc`. Caller frees. */
char *test_read_gz(const char *path, size_t *len);

#define CHECK(cond) \
	do { test_checks_run++; if (!(cond)) test_fail(__FILE__, __LINE__, "%s", #cond); } while (0)
#define CHECK_MSG(cond, ...) \
	do { test_checks_run++; if (!(cond)) test_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define CHECK_INT(a, b) \
	do { long long a_ = (long long)(a), b_ = (long long)(b); test_checks_run++; \
	     if (a_ != b_) test_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, a_, b_); } while (0)
#define CHECK_STR(a, b) \
	do { const char *a_ = (a), *b_ = (b); test_checks_run++; \
	     if (!a_ || !b_ || strcmp(a_, b_) != 0) \
	         test_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)
/* CHECK_MSG for a helper that reports the failure at its caller's line. */
#define CHECK_AT(line, cond, ...) \
	do { test_checks_run++; if (!(cond)) test_fail(__FILE__, (line), __VA_ARGS__); } while (0)
#define TEST_COUNT(arr) (sizeof(arr) / sizeof((arr)[0]))

#endif
