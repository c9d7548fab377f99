/* SPDX-License-Identifier: MIT */
/*
 * sbuf — a growing, always NUL-terminated string, for building text whose
 * length is not known ahead (a rewritten config file, a masked URL).
 *
 * Start from a zeroed struct sbuf; s is NULL until the first add. The caller
 * owns s and frees it (wiping it first when it may hold a secret). Growth
 * goes through the xalloc family: out of memory aborts, so adding never fails.
 */
#ifndef CHAINDECK_SBUF_H
#define CHAINDECK_SBUF_H

#include <stddef.h>

struct sbuf {
	char *s;        /* the text, NUL-terminated; NULL while nothing was added */
	size_t len;     /* bytes before the NUL */
	size_t cap;     /* bytes allocated */
};

/* Appends the n bytes at s (which need not be NUL-terminated). */
void sbuf_add(struct sbuf *b, const char *s, size_t n);
/* Appends the NUL-terminated string s. */
void sbuf_str(struct sbuf *b, const char *s);

#endif
