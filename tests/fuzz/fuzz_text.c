/*
 * fuzz_text — text_sanitize, the last step before node text reaches the screen.
 *
 * The first two bytes give the output capacity (0..1023); the rest is the text.
 * Properties: the output is NUL-terminated within cap, its length is the
 * return value, it is valid UTF-8 with no control character (C0, DEL, C1),
 * printable ASCII that fits comes through unchanged, and output that does not
 * fit is a prefix of the whole result followed by "...".
 */
#include "tests/fuzz/fuzz_util.h"

#include "common/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src;
	size_t cap, len, n;
	char *dst;
	bool ascii = true;

	if (size < 2)
		return 0;
	cap = ((size_t)data[0] << 8 | data[1]) % 1024;
	src = (const char *)data + 2;
	len = size - 2;
	/* An exact-size heap buffer, so ASan sees any write past cap. */
	dst = malloc(cap ? cap : 1);
	if (!dst)
		abort();
	n = text_sanitize(dst, cap, src, len);
	if (cap == 0) {
		fuzz_check(n == 0, "text_sanitize wrote into a zero-size buffer");
		free(dst);
		return 0;
	}
	fuzz_check(n < cap, "text_sanitize length not below cap");
	fuzz_check(dst[n] == '\0' && strlen(dst) == n, "text_sanitize length is not the string's");
	fuzz_check(fuzz_screen_safe(dst, n), "text_sanitize output is not screen-safe");
	for (size_t i = 0; i < len; i++)
		ascii &= src[i] >= 0x20 && src[i] < 0x7f;
	if (ascii && len < cap)
		fuzz_check(n == len && memcmp(dst, src, len) == 0, "clean text did not come through");
	/* Against the uncut result (never longer than the input): equal when it fits, else a
	 * prefix of it followed by "...". */
	{
		char *full = malloc(len + 1);
		size_t fn;

		if (!full)
			abort();
		fn = text_sanitize(full, len + 1, src, len);
		fuzz_check(fuzz_screen_safe(full, fn), "uncut text_sanitize output is not screen-safe");
		if (fn < cap) {
			fuzz_check(n == fn && memcmp(dst, full, n) == 0, "output that fits differs from uncut");
		} else if (cap >= 4) {
			fuzz_check(n >= 3 && memcmp(dst + n - 3, "...", 3) == 0, "a cut string does not end in ...");
			fuzz_check(memcmp(dst, full, n - 3) == 0, "a cut string is not a prefix of the uncut");
		}
		free(full);
	}
	free(dst);
	return 0;
}
