/*
 * fuzz_numbers — u256, units, hex and address text.
 *
 * The first byte picks the unit's decimals (0..79); the rest is the text,
 * tried with every parser. Properties: whatever parses formats back to text
 * that parses to the same value, and the formatted text is the canonical one
 * (formatting it again gives the same bytes). Two numbers read from the two
 * halves of the text obey the arithmetic identities (a + b - b = a,
 * a = q * b + r with r < b).
 */
#include "tests/fuzz/fuzz_util.h"

#include "common/address.h"
#include "common/hex.h"
#include "common/u256.h"

static bool u256_eq(struct u256 a, struct u256 b)
{
	return u256_cmp(a, b) == 0;
}

static void check_u256_text(const char *s, size_t n, unsigned decimals)
{
	struct u256 v, back;
	char buf[256], again[256];
	int len;

	if (u256_parse_hex(&v, s, n) == CD_OK) {
		len = u256_format_hex(v, buf, 67);
		fuzz_check(len > 0 && (size_t)len == strlen(buf), "u256_format_hex failed in 67 bytes");
		fuzz_check(u256_parse_hex(&back, buf, (size_t)len) == CD_OK && u256_eq(v, back),
			   "hex u256 does not round-trip");
		fuzz_check(u256_format_hex(v, buf, (size_t)len) == CD_ESPACE, "hex fits without its NUL");
	}
	if (u256_parse_dec(&v, s, n) == CD_OK) {
		len = u256_format_dec(v, buf, 79);
		fuzz_check(len > 0 && (size_t)len == strlen(buf), "u256_format_dec failed in 79 bytes");
		fuzz_check(u256_parse_dec(&back, buf, (size_t)len) == CD_OK && u256_eq(v, back),
			   "decimal u256 does not round-trip");
		fuzz_check(len == 1 || buf[0] != '0', "decimal with a leading zero");
	}
	if (u256_parse_units(&v, s, n, decimals) == CD_OK) {
		len = u256_format_units(v, decimals, buf, sizeof(buf));
		fuzz_check(len > 0 && (size_t)len == strlen(buf), "u256_format_units failed");
		fuzz_check(u256_parse_units(&back, buf, (size_t)len, decimals) == CD_OK && u256_eq(v, back),
			   "units do not round-trip");
		fuzz_check(u256_format_units(back, decimals, again, sizeof(again)) == len &&
			   strcmp(buf, again) == 0, "units format is not canonical");
	}
}

static void check_hex_text(const char *s, size_t n)
{
	uint8_t bytes[96], back[96];
	char buf[2 * sizeof(bytes) + 3];
	size_t blen = 0, backlen = 0;
	uint64_t v, v2;
	int len;

	if (hex_decode(bytes, sizeof(bytes), &blen, s, n) == CD_OK) {
		fuzz_check(blen <= sizeof(bytes), "hex_decode length past its buffer");
		len = hex_encode(buf, 2 * blen + 3, bytes, blen, 1);
		fuzz_check(len == (int)(2 * blen + 2), "hex_encode length");
		fuzz_check(hex_decode(back, sizeof(back), &backlen, buf, (size_t)len) == CD_OK &&
			   backlen == blen && memcmp(back, bytes, blen) == 0, "hex data does not round-trip");
		if (blen > 0)
			fuzz_check(hex_decode_exact(back, blen, s, n) == CD_OK &&
				   memcmp(back, bytes, blen) == 0, "hex_decode_exact disagrees with hex_decode");
		len = hex_encode(buf, 2 * blen + 1, bytes, blen, 0);
		fuzz_check(len == (int)(2 * blen), "hex_encode without prefix");
		fuzz_check(hex_encode(buf, 2 * blen + 2, bytes, blen, 1) == CD_ESPACE,
			   "hex_encode fits without its NUL");
	}
	if (hex_parse_u64(&v, s, n) == CD_OK) {
		struct u256 wide;
		uint64_t narrow;

		len = hex_format_u64(buf, 19, v);
		fuzz_check(len > 2 && (size_t)len == strlen(buf), "hex_format_u64 failed in 19 bytes");
		fuzz_check(hex_parse_u64(&v2, buf, (size_t)len) == CD_OK && v2 == v,
			   "hex u64 does not round-trip");
		/* The 256-bit parser agrees with the 64-bit one. */
		fuzz_check(u256_parse_hex(&wide, s, n) == CD_OK && u256_to_u64(wide, &narrow) == CD_OK &&
			   narrow == v, "hex_parse_u64 and u256_parse_hex disagree");
	}
}

static void check_address_text(const char *s, size_t n)
{
	struct address a, back;
	char text[ADDRESS_TEXT_SIZE];
	int rc = address_parse(&a, s, n);

	fuzz_check(cd_strerror(rc) != NULL, "cd_strerror returned NULL");
	if (rc != CD_OK)
		return;
	fuzz_check(n == 42, "address accepted with a length other than 42");
	address_format(&a, text);
	fuzz_check(strlen(text) == 42, "address_format length");
	fuzz_check(address_parse(&back, text, 42) == CD_OK && memcmp(a.b, back.b, 20) == 0,
		   "address does not round-trip");
	/* Mixed case is accepted only as the exact checksum, which is what format writes. */
	{
		bool lower = false, upper = false;

		for (size_t i = 2; i < n; i++) {
			lower |= s[i] >= 'a' && s[i] <= 'f';
			upper |= s[i] >= 'A' && s[i] <= 'F';
		}
		if (lower && upper)
			fuzz_check(memcmp(text + 2, s + 2, 40) == 0, "mixed-case address is not the checksum");
	}
}

static void check_arith(const char *s, size_t n)
{
	struct u256 a, b, sum, diff, q, r, prod, back;
	size_t half = n / 2;

	if (u256_parse_dec(&a, s, half) != CD_OK && u256_parse_hex(&a, s, half) != CD_OK)
		return;
	if (u256_parse_dec(&b, s + half, n - half) != CD_OK &&
	    u256_parse_hex(&b, s + half, n - half) != CD_OK)
		return;
	if (u256_add(&sum, a, b) == CD_OK) {
		fuzz_check(u256_sub(&diff, sum, b) == CD_OK && u256_eq(diff, a), "a + b - b != a");
		fuzz_check(u256_cmp(sum, a) >= 0, "a + b < a");
	}
	if (u256_sub(&diff, a, b) == CD_OK)
		fuzz_check(u256_cmp(a, b) >= 0, "a - b succeeded with b > a");
	else
		fuzz_check(u256_cmp(a, b) < 0, "a - b failed with b <= a");
	if (u256_divmod(&q, &r, a, b) == CD_OK) {
		fuzz_check(!u256_is_zero(b), "division by zero succeeded");
		fuzz_check(u256_cmp(r, b) < 0, "remainder not below divisor");
		fuzz_check(u256_mul(&prod, q, b) == CD_OK && u256_add(&back, prod, r) == CD_OK &&
			   u256_eq(back, a), "q * b + r != a");
	} else {
		fuzz_check(u256_is_zero(b), "division failed with a nonzero divisor");
	}
	{
		uint8_t be[32];
		struct u256 again;

		u256_to_be(a, be);
		fuzz_check(u256_from_be(&again, be, 32) == CD_OK && u256_eq(again, a),
			   "big-endian bytes do not round-trip");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned decimals;
	const char *s;
	size_t n;

	if (size == 0)
		return 0;
	decimals = data[0] % 80;
	s = (const char *)data + 1;
	n = size - 1;
	check_u256_text(s, n, decimals);
	check_hex_text(s, n);
	check_address_text(s, n);
	check_arith(s, n);
	return 0;
}
