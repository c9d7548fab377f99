/* SPDX-License-Identifier: MIT */
/*
 * text — making untrusted text (from a node, a file) safe to show.
 */
#ifndef CHAINDECK_TEXT_H
#define CHAINDECK_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Copies src[0..len) into dst (cap bytes, always NUL-terminated when cap > 0),
 * keeping valid UTF-8 printable text and replacing every control character
 * (C0, DEL, C1 — so no terminal escape sequence survives), every invalid
 * UTF-8 sequence and every embedded NUL with '?'. The bidi controls
 * (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069), which would
 * reorder the text around them on screen, are removed. Newlines and tabs
 * become spaces. A string that does not fit is cut at a character boundary and
 * ends in "...". Returns the length written.
 */
size_t text_sanitize(char *dst, size_t cap, const char *src, size_t len);

/* text_sanitize of a printf-style message (at most 1 KiB of it): for messages that quote node text. */
size_t text_sanitize_vf(char *dst, size_t cap, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/*
 * The one UTF-8 decoder: the character at s[0..len) (len >= 1). Returns its
 * length in bytes (1..4) and sets *cp to the code point, or returns 0 and
 * leaves *cp alone when the bytes are not a well-formed character: a stray
 * continuation byte, a lead byte that cannot start one (0xc0, 0xc1, 0xf5 and
 * up), an overlong form, a surrogate, a code point beyond U+10FFFF, or a
 * sequence cut short by len. Controls (C0, DEL, C1) are well-formed
 * characters here: what may be shown is the caller's decision.
 */
size_t text_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

#endif
