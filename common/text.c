/*
 * text — text_sanitize, the last step before text from a node or a file
 * reaches a terminal: no escape sequences, no control bytes, valid UTF-8,
 * cut to width. Contract in text.h.
 */
#include "common/text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

size_t text_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	uint32_t v;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/*
 * The Unicode Bidi_Control characters: embeddings and overrides (U+202A..U+202E),
 * isolates (U+2066..U+2069), the marks LRM, RLM (U+200E, U+200F) and ALM
 * (U+061C). They print nothing, yet reorder what follows them on the line: a
 * node's text could make "0xabc...def" read backwards or move its neighbours'
 * columns. They carry no meaning of their own, so they are dropped, not shown.
 */
static bool is_bidi_control(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid or a control
 * character. *skip is how many bytes to consume either way: a C1 control is one
 * well-formed character, so it is skipped whole and shown as a single '?'.
 * *drop is set for a bidi control: skipped whole and not shown at all.
 */
static size_t utf8_printable(const unsigned char *s, size_t len, size_t *skip, bool *drop)
{
	uint32_t cp;
	size_t n;

	*skip = 1;
	*drop = false;
	if (s[0] < 0x20 || s[0] == 0x7f)
		return 0;
	n = text_utf8_decode(s, len, &cp);
	if (n == 0)
		return 0;
	*skip = n;
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;
	if (is_bidi_control(cp)) {
		*drop = true;
		return 0;
	}
	return n;
}

size_t text_sanitize(char *dst, size_t cap, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0;

	if (cap == 0)
		return 0;
	while (i < len) {
		size_t n;
		bool drop;
		size_t putlen = utf8_printable(s + i, len - i, &n, &drop);
		const char *put = (const char *)s + i;

		if (drop) {
			i += n;
			continue;
		}
		if (putlen == 0) {
			put = (s[i] == '\n' || s[i] == '\t' || s[i] == '\r') ? " " : "?";
			putlen = 1;
		}
		if (o + putlen + 1 > cap) {
			/* Cut: back off to leave room for "..." at a character boundary. */
			while (o > 0 && o + 4 > cap) {
				o--;
				while (o > 0 && ((unsigned char)dst[o] & 0xc0) == 0x80)
					o--;
			}
			if (o + 4 <= cap) {
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(dst + o, put, putlen);
		o += putlen;
		i += n;
	}
	dst[o] = '\0';
	return o;
}

size_t text_sanitize_vf(char *dst, size_t cap, const char *fmt, va_list ap)
{
	char raw[1024];
	int n = vsnprintf(raw, sizeof(raw), fmt, ap);

	return text_sanitize(dst, cap, raw, n < 0 ? 0 : strnlen(raw, sizeof(raw)));
}
