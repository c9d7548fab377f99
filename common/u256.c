/*
 * u256 — 256-bit unsigned arithmetic on four 64-bit limbs, and the hex,
 * decimal and unit text of amounts; every overflow is an error, never a wrap.
 * Contract in u256.h.
 */
#include "common/u256.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#include "common/hex.h"

static const char u256_hex_digits[] = "0123456789abcdef";

struct u256 u256_from_u64(uint64_t v)
{
	struct u256 r = {{v, 0, 0, 0}};

	return r;
}

bool u256_is_zero(struct u256 a)
{
	return (a.w[0] | a.w[1] | a.w[2] | a.w[3]) == 0;
}

int u256_cmp(struct u256 a, struct u256 b)
{
	for (int i = 3; i >= 0; i--) {
		if (a.w[i] != b.w[i])
			return a.w[i] < b.w[i] ? -1 : 1;
	}
	return 0;
}

int u256_to_u64(struct u256 a, uint64_t *out)
{
	if (a.w[1] | a.w[2] | a.w[3])
		return CD_ERANGE;
	*out = a.w[0];
	return CD_OK;
}

int u256_add(struct u256 *out, struct u256 a, struct u256 b)
{
	struct u256 r;
	uint64_t carry = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t s = a.w[i] + carry;
		uint64_t c1 = s < carry;

		r.w[i] = s + b.w[i];
		carry = c1 | (r.w[i] < s);
	}
	if (carry)
		return CD_ERANGE;
	*out = r;
	return CD_OK;
}

/* out = a - b modulo 2^256; returns the final borrow. */
static uint64_t u256_sub_wrap(struct u256 *out, struct u256 a, struct u256 b)
{
	uint64_t borrow = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t d = a.w[i] - b.w[i];
		uint64_t b1 = a.w[i] < b.w[i];

		out->w[i] = d - borrow;
		borrow = b1 | (d < borrow);
	}
	return borrow;
}

int u256_sub(struct u256 *out, struct u256 a, struct u256 b)
{
	struct u256 r;

	if (u256_sub_wrap(&r, a, b))
		return CD_ERANGE;
	*out = r;
	return CD_OK;
}

/* Full 64x64 -> 128-bit product from 32-bit halves (portable C11, no __int128). */
static void mul_64x64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
	uint64_t al = a & 0xffffffffu, ah = a >> 32;
	uint64_t bl = b & 0xffffffffu, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);

	*lo = (mid << 32) | (ll & 0xffffffffu);
	*hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

int u256_mul(struct u256 *out, struct u256 a, struct u256 b)
{
	uint64_t r[8] = {0};

	for (int i = 0; i < 4; i++) {
		uint64_t carry = 0;

		if (a.w[i] == 0)
			continue;
		for (int j = 0; j < 4; j++) {
			uint64_t hi, lo, t;

			/* a*b + r + carry <= 2^128 - 1, so hi never wraps. */
			mul_64x64(a.w[i], b.w[j], &hi, &lo);
			lo += carry;
			hi += lo < carry;
			t = r[i + j] + lo;
			hi += t < lo;
			r[i + j] = t;
			carry = hi;
		}
		r[i + 4] = carry;
	}
	if (r[4] | r[5] | r[6] | r[7])
		return CD_ERANGE;
	memcpy(out->w, r, sizeof(out->w));
	return CD_OK;
}

static int u256_bit_length(struct u256 a)
{
	for (int i = 3; i >= 0; i--) {
		if (a.w[i]) {
			int n = 64;

			while (!(a.w[i] >> (n - 1)))
				n--;
			return i * 64 + n;
		}
	}
	return 0;
}

static struct u256 u256_shl1(struct u256 a, unsigned bit)
{
	struct u256 r;

	r.w[3] = a.w[3] << 1 | a.w[2] >> 63;
	r.w[2] = a.w[2] << 1 | a.w[1] >> 63;
	r.w[1] = a.w[1] << 1 | a.w[0] >> 63;
	r.w[0] = a.w[0] << 1 | bit;
	return r;
}

/* Divides by a divisor below 2^32 with 32-bit digits; returns the remainder. */
static uint32_t u256_divmod_small(struct u256 *q, struct u256 a, uint32_t d)
{
	uint64_t rem = 0;

	for (int i = 7; i >= 0; i--) {
		uint64_t limb = (a.w[i / 2] >> (32 * (i % 2))) & 0xffffffffu;
		uint64_t cur = rem << 32 | limb;
		uint64_t digit = cur / d;

		rem = cur % d;
		if (i % 2)
			q->w[i / 2] = digit << 32;
		else
			q->w[i / 2] |= digit;
	}
	return (uint32_t)rem;
}

int u256_divmod(struct u256 *q, struct u256 *r, struct u256 a, struct u256 b)
{
	struct u256 quo = {{0}}, rem = {{0}};

	if (u256_is_zero(b))
		return U256_EDIVZERO;
	if ((b.w[0] >> 32) == 0 && (b.w[1] | b.w[2] | b.w[3]) == 0) {
		rem = u256_from_u64(u256_divmod_small(&quo, a, (uint32_t)b.w[0]));
	} else {
		/* Shift-subtract long division, from the top bit of a. */
		for (int i = u256_bit_length(a) - 1; i >= 0; i--) {
			unsigned bit = (unsigned)(a.w[i / 64] >> (i % 64)) & 1;
			bool top = rem.w[3] >> 63;

			rem = u256_shl1(rem, bit);
			quo = u256_shl1(quo, 0);
			/* top: the shifted remainder exceeds 256 bits, so it is surely >= b. */
			if (top || u256_cmp(rem, b) >= 0) {
				u256_sub_wrap(&rem, rem, b);
				quo.w[0] |= 1;
			}
		}
	}
	if (q)
		*q = quo;
	if (r)
		*r = rem;
	return CD_OK;
}

void u256_to_be(struct u256 a, uint8_t out[32])
{
	for (int i = 0; i < 32; i++)
		out[31 - i] = (uint8_t)(a.w[i / 8] >> (8 * (i % 8)));
}

int u256_from_be(struct u256 *out, const uint8_t *in, size_t len)
{
	struct u256 r = {{0}};

	/* Longer input is fine while the extra leading bytes are zero. */
	while (len > 32) {
		if (*in)
			return CD_ERANGE;
		in++;
		len--;
	}
	for (size_t i = 0; i < len; i++) {
		size_t k = len - 1 - i;

		r.w[k / 8] |= (uint64_t)in[i] << (8 * (k % 8));
	}
	*out = r;
	return CD_OK;
}

/* v = v * m + add; fails on overflow and leaves v unchanged. */
static int u256_mul_add_small(struct u256 *v, uint64_t m, uint64_t add)
{
	struct u256 r;
	uint64_t carry = add;

	for (int i = 0; i < 4; i++) {
		uint64_t hi, lo;

		mul_64x64(v->w[i], m, &hi, &lo);
		lo += carry;
		hi += lo < carry;
		r.w[i] = lo;
		carry = hi;
	}
	if (carry)
		return CD_ERANGE;
	*v = r;
	return CD_OK;
}

int u256_parse_hex(struct u256 *out, const char *s, size_t len)
{
	struct u256 r = {{0}};
	size_t i = 2;

	if (!s || len < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return CD_EINVAL;
	for (size_t j = 2; j < len; j++)
		if (hex_digit_value(s[j]) < 0)
			return CD_EINVAL;
	while (i < len && s[i] == '0')
		i++;
	if (len - i > 64)
		return CD_ERANGE;
	for (; i < len; i++) {
		size_t k = len - 1 - i; /* nibble index from the least significant end */

		r.w[k / 16] |= (uint64_t)hex_digit_value(s[i]) << (4 * (k % 16));
	}
	*out = r;
	return CD_OK;
}

int u256_parse_dec(struct u256 *out, const char *s, size_t len)
{
	struct u256 r = {{0}};

	if (!s || len == 0)
		return CD_EINVAL;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return CD_EINVAL;
	for (size_t i = 0; i < len; i++)
		if (u256_mul_add_small(&r, 10, (uint64_t)(s[i] - '0')))
			return CD_ERANGE;
	*out = r;
	return CD_OK;
}

int u256_format_hex(struct u256 a, char *buf, size_t cap)
{
	int nibbles = (u256_bit_length(a) + 3) / 4;
	size_t pos = 0;

	if (nibbles == 0)
		nibbles = 1;
	if (cap < (size_t)nibbles + 3)
		return CD_ESPACE;
	buf[pos++] = '0';
	buf[pos++] = 'x';
	for (int k = nibbles - 1; k >= 0; k--)
		buf[pos++] = u256_hex_digits[(a.w[k / 16] >> (4 * (k % 16))) & 15];
	buf[pos] = '\0';
	return (int)pos;
}

int u256_format_dec(struct u256 a, char *buf, size_t cap)
{
	char tmp[81]; /* nine chunks of nine digits */
	size_t n = 0;

	/* Nine digits at a time, least significant chunk first, written backwards. */
	do {
		uint32_t chunk = u256_divmod_small(&a, a, 1000000000u);

		for (int i = 0; i < 9; i++) {
			tmp[n++] = (char)('0' + chunk % 10);
			chunk /= 10;
		}
	} while (!u256_is_zero(a));
	while (n > 1 && tmp[n - 1] == '0')
		n--;
	if (cap < n + 1)
		return CD_ESPACE;
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return (int)n;
}

int u256_parse_units(struct u256 *out, const char *s, size_t len, unsigned decimals)
{
	struct u256 r = {{0}};
	size_t dot = len, int_len, frac_len;

	if (!s || len == 0)
		return CD_EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.' && dot == len)
			dot = i;
		else if (s[i] < '0' || s[i] > '9')
			return CD_EINVAL;
	}
	int_len = dot;
	frac_len = dot < len ? len - dot - 1 : 0;
	if (int_len == 0 && frac_len == 0)
		return CD_EINVAL; /* "." alone */
	/* Trailing fractional zeros carry no value, so they never cost precision. */
	while (frac_len > 0 && s[dot + frac_len] == '0')
		frac_len--;
	if (frac_len > decimals)
		return U256_EPRECISION;
	for (size_t i = 0; i < int_len; i++)
		if (u256_mul_add_small(&r, 10, (uint64_t)(s[i] - '0')))
			return CD_ERANGE;
	for (size_t i = 0; i < frac_len; i++)
		if (u256_mul_add_small(&r, 10, (uint64_t)(s[dot + 1 + i] - '0')))
			return CD_ERANGE;
	/* Scale by the remaining power of ten; zero stays zero whatever the unit. */
	for (size_t i = frac_len; i < decimals && !u256_is_zero(r); i++)
		if (u256_mul_add_small(&r, 10, 0))
			return CD_ERANGE;
	*out = r;
	return CD_OK;
}

int u256_format_units(struct u256 a, unsigned decimals, char *buf, size_t cap)
{
	char digits[80];
	size_t n = (size_t)u256_format_dec(a, digits, sizeof(digits));
	size_t int_len, zeros, tail_len, total, pos = 0;
	const char *tail;

	if (u256_is_zero(a) || decimals == 0) {
		if (cap < n + 1)
			return CD_ESPACE;
		memcpy(buf, digits, n + 1);
		return (int)n;
	}
	if (n > decimals) {
		int_len = n - decimals;
		zeros = 0;
		tail = digits + int_len;
		tail_len = decimals;
	} else {
		int_len = 0; /* written as a single "0" */
		zeros = decimals - n;
		tail = digits;
		tail_len = n;
	}
	while (tail_len > 0 && tail[tail_len - 1] == '0')
		tail_len--;
	if (tail_len == 0)
		zeros = 0;
	total = (int_len ? int_len : 1) + (tail_len ? 1 + zeros + tail_len : 0);
	if (total > INT_MAX || cap < total + 1)
		return CD_ESPACE;
	if (int_len) {
		memcpy(buf, digits, int_len);
		pos = int_len;
	} else {
		buf[pos++] = '0';
	}
	if (tail_len) {
		buf[pos++] = '.';
		memset(buf + pos, '0', zeros);
		pos += zeros;
		memcpy(buf + pos, tail, tail_len);
		pos += tail_len;
	}
	buf[pos] = '\0';
	return (int)pos;
}

int u256_unit_decimals(const char *unit)
{
	if (!unit)
		return -1;
	if (strcasecmp(unit, "wei") == 0)
		return 0;
	if (strcasecmp(unit, "gwei") == 0)
		return 9;
	if (strcasecmp(unit, "ether") == 0 || strcasecmp(unit, "eth") == 0)
		return 18;
	return -1;
}
