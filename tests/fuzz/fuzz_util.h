/*
 * fuzz_util — small checks shared by the libFuzzer harnesses in tests/fuzz/.
 *
 * Each harness is one translation unit defining LLVMFuzzerTestOneInput. A
 * broken property calls fuzz_fail, which prints what broke and aborts, so
 * libFuzzer records the input as a crash. Nothing here keeps state between
 * inputs.
 */
#ifndef CHAINDECK_FUZZ_UTIL_H
#define CHAINDECK_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static inline void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz property broken: %s\n", what);
	abort();
}

static inline void fuzz_check(bool ok, const char *what)
{
	if (!ok)
		fuzz_fail(what);
}

/* A NUL-terminated malloc'd copy of data[0..size) (which may itself hold NULs). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* True when every byte of b[0..n) is zero: outputs a failed call must leave zeroed. */
static inline bool fuzz_all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		if (b[i])
			return false;
	}
	return true;
}

/* A message buffer of cap bytes was NUL-terminated inside its bounds. */
static inline bool fuzz_terminated(const char *buf, size_t cap)
{
	return memchr(buf, '\0', cap) != NULL;
}

/*
 * True when s[0..n) is valid UTF-8 (no overlongs, surrogates or code points
 * past U+10FFFF) holding no control character: C0, DEL or C1. This is what
 * text that reaches the screen must look like.
 */
static inline bool fuzz_screen_safe(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp;
		size_t len;

		if (c < 0x20 || c == 0x7f)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1fu;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0fu;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07u;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3fu);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
			return false;
		i += len;
	}
	return true;
}

/* fuzz_screen_safe on a NUL-terminated string that must fit in cap bytes. */
static inline bool fuzz_screen_safe_str(const char *s, size_t cap)
{
	return fuzz_terminated(s, cap) && fuzz_screen_safe(s, strlen(s));
}

#endif
