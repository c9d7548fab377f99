/* SPDX-License-Identifier: MIT */
/*
 * text — making untrusted text (from a node, a file) safe to show.
 */
#ifndef CHAINDECK_TEXT_H
#define CHAINDECK_TEXT_H

#include <stddef.h>

/*
 * Copies src[0..len) into dst (cap bytes, always NUL-terminated when cap > 0),
 * keeping valid UTF-8 printable text and replacing every control character
 * (C0, DEL, C1 — so no terminal escape sequence survives), every invalid
 * UTF-8 sequence and every embedded NUL with '?'. Newlines and tabs become
 * spaces. A string that does not fit is cut at a character boundary and
 * ends in "...". Returns the length written.
 */
size_t text_sanitize(char *dst, size_t cap, const char *src, size_t len);

#endif
