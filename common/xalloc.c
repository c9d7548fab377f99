/*
 * xalloc — malloc and friends that abort with a message instead of
 * returning NULL. The policy and its reasons are in xalloc.h.
 */
#include "common/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Noreturn void xalloc_die(size_t n)
{
	char msg[80];
	int len = n ? snprintf(msg, sizeof(msg), "chaindeck: out of memory (%zu bytes)\n", n)
	            : snprintf(msg, sizeof(msg), "chaindeck: out of memory\n");

	/* write(2), not stdio: stderr's buffer may need the memory that just ran out. */
	if (len > 0 && write(STDERR_FILENO, msg, (size_t)len) < 0)
		abort();
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		xalloc_die(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size)
		xalloc_die(SIZE_MAX);
	p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		xalloc_die(count * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		xalloc_die(n);
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return s ? xstrndup(s, strlen(s)) : NULL;
}
