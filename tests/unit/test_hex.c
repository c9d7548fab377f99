/*
 * hex: DATA decoding and encoding, QUANTITY parsing and formatting, and the
 * malformed and too-wide text they refuse.
 */
#include "common/hex.h"
#include "tests/lib/test.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int decode_str(uint8_t *out, size_t cap, size_t *n, const char *s)
{
	return hex_decode(out, cap, n, s, strlen(s));
}

static void decode_accepts_prefix_and_either_case(void)
{
	uint8_t out[4];
	size_t n = 99;

	CHECK_INT(decode_str(out, sizeof(out), &n, "0xdeADbeEF"), CD_OK);
	CHECK_INT(n, 4);
	CHECK(memcmp(out, "\xde\xad\xbe\xef", 4) == 0);
	CHECK_INT(decode_str(out, sizeof(out), &n, "0102"), CD_OK);
	CHECK_INT(n, 2);
	CHECK(out[0] == 1 && out[1] == 2);
}

static void decode_empty_data_is_zero_bytes(void)
{
	uint8_t out[1];
	size_t n = 99;

	CHECK_INT(decode_str(out, sizeof(out), &n, "0x"), CD_OK);
	CHECK_INT(n, 0);
	CHECK_INT(decode_str(out, 0, &n, ""), CD_OK);
	CHECK_INT(n, 0);
}

static void decode_rejects_odd_length_and_stray_characters(void)
{
	static const char *bad[] = {"0x1", "abc", "0xzz", "0x 1", "0x12 ", "x12", "0x0x12", "+12", "0x1g"};
	uint8_t out[8];
	size_t n;

	for (size_t i = 0; i < TEST_COUNT(bad); i++)
		CHECK_MSG(decode_str(out, sizeof(out), &n, bad[i]) == CD_EINVAL, "accepted \"%s\"", bad[i]);
}

static void decode_reports_small_buffer_and_leaves_it_untouched(void)
{
	uint8_t out[2] = {0xaa, 0xbb};
	size_t n = 7;

	CHECK_INT(decode_str(out, sizeof(out), &n, "0x010203"), CD_ESPACE);
	CHECK(out[0] == 0xaa && out[1] == 0xbb);
	CHECK_INT(n, 7);
	CHECK_INT(decode_str(out, sizeof(out), &n, "0x01zz"), CD_EINVAL);
	CHECK(out[0] == 0xaa);
}

static void decode_exact_requires_the_exact_width(void)
{
	uint8_t h[4];
	const char *s;

	s = "0x01020304";
	CHECK_INT(hex_decode_exact(h, 4, s, strlen(s)), CD_OK);
	CHECK(h[3] == 4);
	s = "01020304";
	CHECK_INT(hex_decode_exact(h, 4, s, strlen(s)), CD_OK);
	s = "0x010203";
	CHECK_INT(hex_decode_exact(h, 4, s, strlen(s)), CD_EINVAL);
	s = "0x0102030405";
	CHECK_INT(hex_decode_exact(h, 4, s, strlen(s)), CD_EINVAL);
}

static void encode_writes_lowercase_with_or_without_prefix(void)
{
	static const uint8_t in[] = {0x00, 0xab, 0xCD, 0xff};
	char out[16];

	CHECK_INT(hex_encode(out, sizeof(out), in, sizeof(in), 1), 10);
	CHECK_STR(out, "0x00abcdff");
	CHECK_INT(hex_encode(out, sizeof(out), in, sizeof(in), 0), 8);
	CHECK_STR(out, "00abcdff");
	CHECK_INT(hex_encode(out, sizeof(out), NULL, 0, 1), 2);
	CHECK_STR(out, "0x");
}

static void encode_needs_room_for_the_terminator(void)
{
	static const uint8_t in[] = {1, 2};
	char out[8];

	CHECK_INT(hex_encode(out, 7, in, 2, 1), 6);
	CHECK_INT(hex_encode(out, 6, in, 2, 1), CD_ESPACE);
	CHECK_INT(hex_encode(out, 5, in, 2, 0), 4);
	CHECK_INT(hex_encode(out, 4, in, 2, 0), CD_ESPACE);
}

static int parse_str(uint64_t *v, const char *s)
{
	return hex_parse_u64(v, s, strlen(s));
}

static void parse_u64_reads_quantities(void)
{
	uint64_t v = 0;

	CHECK_INT(parse_str(&v, "0x0"), CD_OK);
	CHECK(v == 0);
	CHECK_INT(parse_str(&v, "0x1a"), CD_OK);
	CHECK(v == 26);
	CHECK_INT(parse_str(&v, "0xFFFFFFFFFFFFFFFF"), CD_OK);
	CHECK(v == UINT64_MAX);
	CHECK_INT(parse_str(&v, "0x000000000000000000001"), CD_OK);
	CHECK(v == 1);
}

static void parse_u64_rejects_malformed_and_too_wide(void)
{
	static const char *bad[] = {"", "0x", "1a", "0x-1", " 0x1", "0x1 ", "0xg", "0x1.0"};
	uint64_t v = 42;

	for (size_t i = 0; i < TEST_COUNT(bad); i++)
		CHECK_MSG(parse_str(&v, bad[i]) == CD_EINVAL, "accepted \"%s\"", bad[i]);
	CHECK_INT(parse_str(&v, "0x10000000000000000"), CD_ERANGE);
	CHECK(v == 42);
}

static void format_u64_is_minimal(void)
{
	char out[19];

	CHECK_INT(hex_format_u64(out, sizeof(out), 0), 3);
	CHECK_STR(out, "0x0");
	CHECK_INT(hex_format_u64(out, sizeof(out), 0x1a), 4);
	CHECK_STR(out, "0x1a");
	CHECK_INT(hex_format_u64(out, sizeof(out), UINT64_MAX), 18);
	CHECK_STR(out, "0xffffffffffffffff");
	CHECK_INT(hex_format_u64(out, 18, UINT64_MAX), CD_ESPACE);
	CHECK_INT(hex_format_u64(out, 3, 0), CD_ESPACE);
}

static void u64_round_trips_through_text(void)
{
	static const uint64_t vals[] = {0, 1, 15, 16, 255, 256, 0x123456789abcdefULL, UINT64_MAX - 1, UINT64_MAX};
	char out[19];
	uint64_t back;

	for (size_t i = 0; i < TEST_COUNT(vals); i++) {
		int n = hex_format_u64(out, sizeof(out), vals[i]);

		CHECK(n > 0);
		CHECK_INT(hex_parse_u64(&back, out, (size_t)n), CD_OK);
		CHECK(back == vals[i]);
	}
}

/* Every char value against the C library's own reading of a hex digit (C locale). */
static void digit_value_agrees_with_libc(void)
{
	for (int i = CHAR_MIN; i <= CHAR_MAX; i++) {
		char c = (char)i, s[2] = { c, '\0' };
		int want = (c != '\0' && isxdigit((unsigned char)c)) ? (int)strtol(s, NULL, 16) : -1;

		CHECK_INT(hex_digit_value(c), want);
	}
}

static const struct test_case cases[] = {
	{"decode_accepts_prefix_and_either_case", decode_accepts_prefix_and_either_case},
	{"decode_empty_data_is_zero_bytes", decode_empty_data_is_zero_bytes},
	{"decode_rejects_odd_length_and_stray_characters", decode_rejects_odd_length_and_stray_characters},
	{"decode_reports_small_buffer_and_leaves_it_untouched", decode_reports_small_buffer_and_leaves_it_untouched},
	{"decode_exact_requires_the_exact_width", decode_exact_requires_the_exact_width},
	{"encode_writes_lowercase_with_or_without_prefix", encode_writes_lowercase_with_or_without_prefix},
	{"encode_needs_room_for_the_terminator", encode_needs_room_for_the_terminator},
	{"parse_u64_reads_quantities", parse_u64_reads_quantities},
	{"parse_u64_rejects_malformed_and_too_wide", parse_u64_rejects_malformed_and_too_wide},
	{"format_u64_is_minimal", format_u64_is_minimal},
	{"u64_round_trips_through_text", u64_round_trips_through_text},
	{"digit_value_agrees_with_libc", digit_value_agrees_with_libc},
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
