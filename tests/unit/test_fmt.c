/*
 * fmt: durations, latencies, counts, exact units and percentages, and that
 * no formatter overflows a small buffer.
 */
#include "common/fmt.h"
#include "tests/lib/test.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CANARY 0x5a

/* True when s holds no multi-byte UTF-8 character cut short (fmt output is otherwise ASCII or µ). */
static bool whole_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t k = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 ? 2 : 0;

		if (k == 0)
			return false;
		for (size_t j = 1; j < k; j++) {
			if ((p[j] & 0xc0) != 0x80)
				return false;
		}
		p += k;
	}
	return true;
}

/*
 * Formats into every cap from 0 to strlen(full) + 1 with a canary after the
 * buffer: nothing is written past cap, the result is NUL-terminated, a prefix
 * of the full text, and never ends inside a UTF-8 character.
 */
#define CHECK_CAPS(full, call) \
	do { \
		char full_[128]; \
		snprintf(full_, sizeof(full_), "%s", (full)); \
		for (size_t cap = 0; cap <= strlen(full_) + 1; cap++) { \
			char buf[160]; \
			memset(buf, CANARY, sizeof(buf)); \
			(void)(call); \
			CHECK_MSG((unsigned char)buf[cap] == CANARY, "cap %zu: wrote past the buffer", cap); \
			if (cap == 0) \
				continue; \
			CHECK_MSG(strlen(buf) < cap, "cap %zu: not terminated", cap); \
			CHECK_MSG(strncmp(buf, full_, strlen(buf)) == 0, "cap %zu: \"%s\" not a prefix of \"%s\"", \
			          cap, buf, full_); \
			CHECK_MSG(whole_utf8(buf), "cap %zu: split character in \"%s\"", cap, buf); \
		} \
	} while (0)

static void duration_boundaries(void)
{
	static const struct {
		uint64_t s;
		const char *want;
	} c[] = {
		{ 0, "0s" },
		{ 59, "59s" },
		{ 60, "1m 00s" },
		{ 61, "1m 01s" },
		{ 65, "1m 05s" },
		{ 3599, "59m 59s" },
		{ 3600, "1h 00m" },
		{ 7380, "2h 03m" },
		{ 86399, "23h 59m" },
		{ 86400, "1d 00h" },
		{ 273600, "3d 04h" },
		{ 365ull * 86400 * 1000, "365000d 00h" },
		{ UINT64_MAX, "213503982334601d 07h" },
	};

	for (size_t i = 0; i < TEST_COUNT(c); i++) {
		char buf[32];

		CHECK_STR(fmt_duration(buf, sizeof(buf), c[i].s), c[i].want);
	}
}

static void duration_small_cap_never_overflows(void)
{
	CHECK_CAPS("213503982334601d 07h", fmt_duration(buf, cap, UINT64_MAX));
	CHECK_CAPS("1m 05s", fmt_duration(buf, cap, 65));
}

static void latency_picks_the_unit(void)
{
	static const struct {
		uint64_t us;
		const char *ascii, *utf8;
	} c[] = {
		{ 0, "0 us", "0 \xc2\xb5s" },
		{ 850, "850 us", "850 \xc2\xb5s" },
		{ 999, "999 us", "999 \xc2\xb5s" },
		{ 1000, "1.0 ms", "1.0 ms" },
		{ 1099, "1.0 ms", "1.0 ms" },
		{ 12345, "12.3 ms", "12.3 ms" },
		{ 999999, "999.9 ms", "999.9 ms" },
		{ 1000000, "1.00 s", "1.00 s" },
		{ 1250000, "1.25 s", "1.25 s" },
		{ 61000000, "61.00 s", "61.00 s" },
	};

	for (size_t i = 0; i < TEST_COUNT(c); i++) {
		char buf[32];

		CHECK_STR(fmt_latency(buf, sizeof(buf), c[i].us, 1), c[i].ascii);
		CHECK_STR(fmt_latency(buf, sizeof(buf), c[i].us, 0), c[i].utf8);
	}
}

static void latency_small_cap_never_splits_the_micro_sign(void)
{
	CHECK_CAPS("850 \xc2\xb5s", fmt_latency(buf, cap, 850, 0));
	CHECK_CAPS("850 us", fmt_latency(buf, cap, 850, 1));
	CHECK_CAPS("12.3 ms", fmt_latency(buf, cap, 12345, 0));
}

static void count_groups_thousands(void)
{
	static const struct {
		uint64_t v;
		const char *want;
	} c[] = {
		{ 0, "0" },
		{ 7, "7" },
		{ 999, "999" },
		{ 1000, "1,000" },
		{ 12345, "12,345" },
		{ 999999, "999,999" },
		{ 1234567, "1,234,567" },
		{ UINT64_MAX, "18,446,744,073,709,551,615" },
	};

	for (size_t i = 0; i < TEST_COUNT(c); i++) {
		char buf[32];

		CHECK_STR(fmt_count(buf, sizeof(buf), c[i].v), c[i].want);
	}
}

static void count_small_cap_never_overflows(void)
{
	CHECK_CAPS("18,446,744,073,709,551,615", fmt_count(buf, cap, UINT64_MAX));
	CHECK_CAPS("1,234,567", fmt_count(buf, cap, 1234567));
}

static void count_cut_never_ends_in_a_comma(void)
{
	for (size_t cap = 1; cap <= 12; cap++) {
		char buf[16];
		size_t n;

		fmt_count(buf, cap, 1234567);
		n = strlen(buf);
		CHECK_MSG(n == 0 || buf[n - 1] != ',', "cap %zu: \"%s\"", cap, buf);
	}
}

static struct u256 u64(uint64_t v)
{
	return u256_from_u64(v);
}

static void units_are_exact(void)
{
	static const struct {
		uint64_t v;
		unsigned decimals;
		const char *unit, *want;
	} c[] = {
		{ 1500000000, 9, "gwei", "1.5 gwei" },
		{ 1000000000, 9, "gwei", "1 gwei" },
		{ 0, 9, "gwei", "0 gwei" },
		{ 0, 18, "ETH", "0 ETH" },
		{ 1, 9, "gwei", "0.000000001 gwei" },
		{ 1, 18, "ETH", "0.000000000000000001 ETH" },
		{ 1000000000000000001ull, 18, "ETH", "1.000000000000000001 ETH" },
		{ 123456789, 0, "wei", "123456789 wei" },
		{ 7, 1, "x", "0.7 x" },
		{ UINT64_MAX, 18, "ETH", "18.446744073709551615 ETH" },
	};

	for (size_t i = 0; i < TEST_COUNT(c); i++) {
		char buf[64];

		CHECK_STR(fmt_units(buf, sizeof(buf), u64(c[i].v), c[i].decimals, c[i].unit), c[i].want);
	}
}

static void units_of_the_largest_u256_are_exact(void)
{
	struct u256 max;
	char buf[128];

	u256_parse_hex(&max, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 66);
	CHECK_STR(fmt_units(buf, sizeof(buf), max, 18, "ETH"),
	          "115792089237316195423570985008687907853269984665640564039457.584007913129639935 ETH");
}

static void units_with_any_erc20_decimals_are_exact(void)
{
	/* ERC-20 decimals is a uint8: 1 unit of a 255-decimals token is "0.", 254 zeros, "1". */
	char buf[300], want[300];
	size_t o = 0;

	memcpy(want, "0.", 2);
	o = 2;
	memset(want + o, '0', 254);
	o += 254;
	memcpy(want + o, "1 T", 4);
	CHECK_STR(fmt_units(buf, sizeof(buf), u64(1), 255, "T"), want);
}

static void units_small_cap_never_overflows(void)
{
	CHECK_CAPS("1.5 gwei", fmt_units(buf, cap, u64(1500000000), 9, "gwei"));
	CHECK_CAPS("0.000000000000000001 \xce\x9e", fmt_units(buf, cap, u64(1), 18, "\xce\x9e"));
}

/* Shortened amounts: a prefix of the exact digits, always marked, never wider than asked. */
static void units_fit_marks_every_cut(void)
{
	struct u256 v, max;
	char buf[128];

	u256_parse_dec(&v, "9999999883862000000000", 22); /* 9999.999883862 ETH */
	CHECK_STR(fmt_units_fit(buf, sizeof(buf), v, 18, "ETH", 40, "~"), "9999.999883862 ETH"); /* fits: exact */
	CHECK_STR(fmt_units_fit(buf, sizeof(buf), v, 18, "ETH", 18, "~"), "9999.999883862 ETH"); /* exactly fits */
	CHECK_STR(fmt_units_fit(buf, sizeof(buf), v, 18, "ETH", 17, "~"), "9999.9998838~ ETH");
	CHECK_STR(fmt_units_fit(buf, sizeof(buf), v, 18, "ETH", 15, "\xe2\x80\xa6"), "9999.99988\xe2\x80\xa6 ETH");
	CHECK_STR(fmt_units_fit(buf, sizeof(buf), v, 18, "ETH", 10, "~"), "9999~ ETH");
	CHECK_STR(fmt_units_fit(buf, sizeof(buf), v, 18, "", 6, "~"), "9999~");
	CHECK_STR(fmt_units_fit(buf, sizeof(buf), v, 18, "", 7, "~"), "9999.9~");
	/* The integer part alone is too wide: leading digits and the power of ten. */
	u256_parse_hex(&max, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 66);
	CHECK_STR(fmt_units_fit(buf, sizeof(buf), max, 18, "ETH", 16, "~"), "1.157920e59~ ETH");
	CHECK_STR(fmt_units_fit(buf, sizeof(buf), max, 18, "ETH", 9, "~"), "1e59~ ETH");
	CHECK_STR(fmt_units_fit(buf, sizeof(buf), max, 18, "ETH", 6, "~"), "~ ETH");
	/* A token amount with a multibyte symbol counts the symbol's columns, not its bytes. */
	CHECK_STR(fmt_units_fit(buf, sizeof(buf), u64(15), 1, "\xce\x9e", 5, "~"), "1.5 \xce\x9e");
}

static void percent_one_decimal(void)
{
	static const struct {
		uint64_t a, b;
		const char *want;
	} c[] = {
		{ 0, 0, "-" },
		{ 5, 0, "-" },
		{ 0, 7, "0.0%" },
		{ 1, 3, "33.3%" },
		{ 2, 3, "66.6%" },
		{ 5, 8, "62.5%" },
		{ 1, 1000, "0.1%" },
		{ 1, 1001, "0.0%" },
		{ 3, 3, "100.0%" },
		{ 4, 3, "100.0%" },
		{ UINT64_MAX, 1, "100.0%" },
		{ UINT64_MAX, UINT64_MAX, "100.0%" },
		{ UINT64_MAX / 2, UINT64_MAX, "50.0%" },
	};

	for (size_t i = 0; i < TEST_COUNT(c); i++) {
		char buf[16];

		CHECK_STR(fmt_percent(buf, sizeof(buf), c[i].a, c[i].b), c[i].want);
	}
}

static void percent_small_cap_never_overflows(void)
{
	CHECK_CAPS("100.0%", fmt_percent(buf, cap, 1, 1));
	CHECK_CAPS("-", fmt_percent(buf, cap, 1, 0));
}

static void each_returns_its_buffer(void)
{
	char buf[32];

	CHECK(fmt_duration(buf, sizeof(buf), 1) == buf);
	CHECK(fmt_latency(buf, sizeof(buf), 1, 0) == buf);
	CHECK(fmt_count(buf, sizeof(buf), 1) == buf);
	CHECK(fmt_units(buf, sizeof(buf), u64(1), 0, "wei") == buf);
	CHECK(fmt_percent(buf, sizeof(buf), 1, 2) == buf);
	CHECK(fmt_count(buf, 0, 1) == buf);
}

/* Expected values from an independent Python model of the rule (exact, else the shortest SI form, digits cut). */
static void count_fit_uses_a_unit_never_a_cut(void)
{
	static const struct {
		uint64_t v;
		size_t width;
		const char *want;
	} vec[] = {
		{ 18446744073709551615ull, 5, "18.4E" },
		{ 18446744073709551615ull, 3, "18E" },
		{ 123456ull, 5, "123k" },
		{ 1999ull, 3, "1k" },
		{ 999999ull, 5, "999k" },
		{ 1000000ull, 4, "1.0M" },
		{ 12345ull, 5, "12345" },
		{ 123456789ull, 4, "123M" },
		{ 1000000000000000000ull, 2, "1E" },
		{ 1999ull, 2, "1k" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++)
		CHECK_STR(fmt_count_fit(buf, sizeof(buf), vec[i].v, vec[i].width), vec[i].want);
	CHECK_STR(fmt_count_fit(buf, sizeof(buf), 123456, 1), "#");
}

static const struct test_case cases[] = {
	{ "duration_boundaries", duration_boundaries },
	{ "duration_small_cap_never_overflows", duration_small_cap_never_overflows },
	{ "latency_picks_the_unit", latency_picks_the_unit },
	{ "latency_small_cap_never_splits_the_micro_sign", latency_small_cap_never_splits_the_micro_sign },
	{ "count_groups_thousands", count_groups_thousands },
	{ "count_small_cap_never_overflows", count_small_cap_never_overflows },
	{ "count_cut_never_ends_in_a_comma", count_cut_never_ends_in_a_comma },
	{ "units_are_exact", units_are_exact },
	{ "units_of_the_largest_u256_are_exact", units_of_the_largest_u256_are_exact },
	{ "units_with_any_erc20_decimals_are_exact", units_with_any_erc20_decimals_are_exact },
	{ "units_small_cap_never_overflows", units_small_cap_never_overflows },
	{ "units_fit_marks_every_cut", units_fit_marks_every_cut },
	{ "percent_one_decimal", percent_one_decimal },
	{ "percent_small_cap_never_overflows", percent_small_cap_never_overflows },
	{ "each_returns_its_buffer", each_returns_its_buffer },
	{ "count_fit_uses_a_unit_never_a_cut", count_fit_uses_a_unit_never_a_cut },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
