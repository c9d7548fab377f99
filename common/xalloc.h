/* SPDX-License-Identifier: MIT */
/*
 * xalloc — allocation that does not fail: the library's one out-of-memory
 * policy.
 *
 * chaindeck's allocations are small (a node's answer, a config, a label). A
 * process that cannot get them cannot go on meaningfully, and an error path
 * that no test reaches is where bugs hide; so these functions never return
 * NULL: when memory runs out they write "chaindeck: out of memory (N bytes)"
 * to stderr and call abort(). Every allocation in common/ that is not a
 * secret goes through them (secrets live in sodium_malloc'd memory in the
 * wallet, which has the same policy). Callers need no NULL check.
 *
 * Sizes of 0 are allowed and give a unique pointer to free. Free with free().
 */
#ifndef CHAINDECK_XALLOC_H
#define CHAINDECK_XALLOC_H

#include <stddef.h>

/* Writes the out-of-memory message for an n-byte request (0: size unknown,
 * as when a library such as libcurl ran out) and aborts. */
_Noreturn void xalloc_die(size_t n);

void *xmalloc(size_t n);
/* Zeroed; count * size overflowing is out of memory too. */
void *xcalloc(size_t count, size_t size);
/* realloc that keeps p valid until it succeeds, which it always does. */
void *xrealloc(void *p, size_t n);
/* A copy of s, or NULL when s is NULL. */
char *xstrdup(const char *s);
/* A NUL-terminated copy of the first n bytes of s (which need not be terminated). */
char *xstrndup(const char *s, size_t n);

#endif
