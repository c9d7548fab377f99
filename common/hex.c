/*
 * hex — hex DATA and QUANTITY text to bytes and integers and back, strict
 * about what a node may send. Contract in hex.h.
 */
#include "common/hex.h"

#include <limits.h>

static const char hex_digits[] = "0123456789abcdef";

int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int has_prefix(const char *s, size_t len)
{
	return len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

int hex_decode(uint8_t *out, size_t cap, size_t *outlen, const char *s, size_t len)
{
	size_t n;

	if (!s && len)
		return CD_EINVAL;
	if (has_prefix(s, len)) {
		s += 2;
		len -= 2;
	}
	if (len % 2)
		return CD_EINVAL;
	/* Validate everything before writing, so out is untouched on error. */
	for (size_t i = 0; i < len; i++)
		if (hex_digit_value(s[i]) < 0)
			return CD_EINVAL;
	n = len / 2;
	if (n > cap)
		return CD_ESPACE;
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)((unsigned)hex_digit_value(s[2 * i]) << 4 | (unsigned)hex_digit_value(s[2 * i + 1]));
	if (outlen)
		*outlen = n;
	return CD_OK;
}

int hex_decode_exact(uint8_t *out, size_t want, const char *s, size_t len)
{
	size_t digits;

	if (!s && len)
		return CD_EINVAL;
	digits = has_prefix(s, len) ? len - 2 : len;
	if (digits != 2 * want)
		return CD_EINVAL;
	return hex_decode(out, want, NULL, s, len);
}

int hex_encode(char *out, size_t cap, const uint8_t *in, size_t n, int prefix)
{
	size_t need, pos = 0;

	if (n > (SIZE_MAX - 3) / 2)
		return CD_ESPACE;
	need = 2 * n + (prefix ? 2 : 0) + 1;
	if (need > cap || need - 1 > INT_MAX)
		return CD_ESPACE;
	if (prefix) {
		out[pos++] = '0';
		out[pos++] = 'x';
	}
	for (size_t i = 0; i < n; i++) {
		out[pos++] = hex_digits[in[i] >> 4];
		out[pos++] = hex_digits[in[i] & 15];
	}
	out[pos] = '\0';
	return (int)pos;
}

int hex_parse_u64(uint64_t *out, const char *s, size_t len)
{
	uint64_t v = 0;
	size_t i = 2;

	if (!s || !has_prefix(s, len) || len == 2)
		return CD_EINVAL;
	for (size_t j = 2; j < len; j++)
		if (hex_digit_value(s[j]) < 0)
			return CD_EINVAL;
	/* Leading zeros are accepted: only significant digits count towards the width. */
	while (i < len && s[i] == '0')
		i++;
	if (len - i > 16)
		return CD_ERANGE;
	for (; i < len; i++)
		v = v << 4 | (uint64_t)hex_digit_value(s[i]);
	*out = v;
	return CD_OK;
}

int hex_format_u64(char *out, size_t cap, uint64_t v)
{
	char tmp[16];
	size_t n = 0, pos = 0;

	do {
		tmp[n++] = hex_digits[v & 15];
		v >>= 4;
	} while (v);
	if (cap < n + 3)
		return CD_ESPACE;
	out[pos++] = '0';
	out[pos++] = 'x';
	while (n)
		out[pos++] = tmp[--n];
	out[pos] = '\0';
	return (int)pos;
}
