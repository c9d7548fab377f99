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
#include <unistr.h>

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
	const uint8_t *s = (const uint8_t *)str;
	size_t i = 0;

	/* libunistring decodes, so the property does not lean on the decoder it checks. */
	while (i < n) {
		ucs4_t cp;
		int len = u8_mbtoucr(&cp, s + i, n - i);

		if (len <= 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return false;
		i += (size_t)len;
	}
	return true;
}

/* fuzz_screen_safe on a NUL-terminated string that must fit in cap bytes. */
static inline bool fuzz_screen_safe_str(const char *s, size_t cap)
{
	return fuzz_terminated(s, cap) && fuzz_screen_safe(s, strlen(s));
}

#endif
