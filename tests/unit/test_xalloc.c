/*
 * test_xalloc — the library's out-of-memory policy. Running out of memory
 * is judged by the kernel: a child process whose request cannot be met must
 * die of SIGABRT with the one message on stderr.
 */
#include "common/xalloc.h"
#include "tests/lib/test.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { HUGE_CALLOC, HUGE_MALLOC, HUGE_REALLOC };

/* Runs one over-sized request in a child; returns its wait status, its stderr in out. */
static int die_in_child(int which, char *out, size_t cap)
{
	int fds[2], status = 0;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		static void *kept; /* reachable at the abort, so leak checkers stay quiet */
		void *p = NULL;

		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		if (which == HUGE_CALLOC)
			p = xcalloc(SIZE_MAX / 2 + 1, 2); /* the product overflows size_t */
		else if (which == HUGE_MALLOC)
			p = xmalloc(SIZE_MAX / 2);
		else
			p = xrealloc(kept = xmalloc(16), SIZE_MAX / 2);
		printf("%p\n", p); /* reached only if the allocation "succeeded" */
		_exit(0);
	}
	close(fds[1]);
	while (n + 1 < cap && (r = read(fds[0], out + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return status;
}

static void out_of_memory_aborts_with_one_message(void)
{
	static const struct {
		int which;
		const char *want;
	} cases[] = {
		{ HUGE_CALLOC, "chaindeck: out of memory (18446744073709551615 bytes)\n" },
#ifndef __SANITIZE_ADDRESS__ /* ASan reports an impossible size itself, before malloc returns */
		{ HUGE_MALLOC, "chaindeck: out of memory (9223372036854775807 bytes)\n" },
		{ HUGE_REALLOC, "chaindeck: out of memory (9223372036854775807 bytes)\n" },
#endif
	};

	if (SIZE_MAX != UINT64_MAX)
		return; /* the expected texts are for 64-bit size_t */
	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		char out[256];
		int status = die_in_child(cases[i].which, out, sizeof(out));

		CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "case %zu: status %#x", i, status);
		CHECK_STR(out, cases[i].want);
	}
}

static void small_and_empty_requests_succeed(void)
{
	char *a = xmalloc(0), *b = xcalloc(0, 8), *c = xcalloc(4, 4), *d = xstrndup("abcdef", 3);
	char *e = xstrdup("chain"), *f = xrealloc(NULL, 0);

	CHECK(a && b && c && d && e && f && a != b);
	CHECK(memcmp(c, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) == 0);
	CHECK_STR(d, "abc");
	CHECK_STR(e, "chain");
	CHECK(xstrdup(NULL) == NULL);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
	free(f);
}

static const struct test_case cases[] = {
	{ "out_of_memory_aborts_with_one_message", out_of_memory_aborts_with_one_message },
	{ "small_and_empty_requests_succeed", small_and_empty_requests_succeed },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
