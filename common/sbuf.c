/*
 * sbuf — the one growing string of the library (config rewriting, URL
 * masking). Contract in sbuf.h.
 */
#include "common/sbuf.h"

#include <string.h>

#include "common/xalloc.h"

void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sbuf_str(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}
