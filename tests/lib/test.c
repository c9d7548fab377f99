/*
 * The test harness behind tests/lib/test.h: runs a file's cases, records
 * failed checks, counts the checks that ran (a case that ran none fails),
 * and prints the summary line tests/run.sh adds up.
 */
#include "tests/lib/test.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned long test_checks_run;

static int cur_failures;
static const char *cur_name;

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (cur_failures < 20) {
		fprintf(stdout, "  %s:%d: [%s] ", file, line, cur_name ? cur_name : "?");
		va_start(ap, fmt);
		vfprintf(stdout, fmt, ap);
		va_end(ap);
		fputc('\n', stdout);
	}
	cur_failures++;
}

int test_failures(void)
{
	return cur_failures;
}

static char *read_stream(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap + 1);

	if (!buf)
		abort();
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			if (!buf)
				abort();
		}
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f) {
		fprintf(stdout, "cannot open %s\n", path);
		exit(2);
	}
	buf = read_stream(f, len);
	fclose(f);
	return buf;
}

char *test_read_gz(const char *path, size_t *len)
{
	char cmd[1024];
	FILE *f;
	char *buf;

	snprintf(cmd, sizeof(cmd), "gzip -dc '%s'", path);
	f = popen(cmd, "r");
	if (!f) {
		fprintf(stdout, "cannot run %s\n", cmd);
		exit(2);
	}
	buf = read_stream(f, len);
	if (pclose(f) != 0) {
		fprintf(stdout, "cannot decompress %s\n", path);
		exit(2);
	}
	return buf;
}

int test_main(int argc, char **argv, const struct test_case *cases, size_t n)
{
	size_t passed = 0, failed = 0;
	const char *only = argc > 1 ? argv[1] : NULL;

	for (size_t i = 0; i < n; i++) {
		if (only && !strstr(cases[i].name, only))
			continue;
		unsigned long before = test_checks_run;

		cur_name = cases[i].name;
		cur_failures = 0;
		cases[i].fn();
		if (cur_failures == 0 && test_checks_run == before) {
			failed++;
			printf("FAIL %s (ran no checks)\n", cases[i].name);
		} else if (cur_failures == 0) {
			passed++;
			printf("ok   %s\n", cases[i].name);
		} else {
			failed++;
			printf("FAIL %s (%d failed checks)\n", cases[i].name, cur_failures);
		}
	}
	if (passed + failed == 0) {
		printf("FAIL no case ran%s%s\n", only ? " matching " : "", only ? only : "");
		failed = 1;
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	fflush(stdout);
	return failed ? 1 : 0;
}
