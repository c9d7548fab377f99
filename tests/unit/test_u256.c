/*
 * u256: arithmetic with its overflow errors, hex, decimal and unit text, and
 * ethers' unit vectors.
 */
#include "common/u256.h"
#include "tests/lib/test.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEC "115792089237316195423570985008687907853269984665640564039457584007913129639935"
#define TWO_256_DEC "115792089237316195423570985008687907853269984665640564039457584007913129639936"
#define MAX_HEX "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

static struct u256 dec(const char *s)
{
	struct u256 v = {{0}};

	CHECK_MSG(u256_parse_dec(&v, s, strlen(s)) == CD_OK, "cannot parse %s", s);
	return v;
}

static int eq(struct u256 a, struct u256 b)
{
	return u256_cmp(a, b) == 0;
}

static const struct u256 u256_max = {{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}};
static const struct u256 sentinel = {{0x5555, 0x6666, 0x7777, 0x8888}};

static void add_carries_across_limbs(void)
{
	struct u256 r;

	CHECK_INT(u256_add(&r, u256_from_u64(UINT64_MAX), u256_from_u64(1)), CD_OK);
	CHECK(r.w[0] == 0 && r.w[1] == 1 && r.w[2] == 0 && r.w[3] == 0);
	CHECK_INT(u256_add(&r, dec("170141183460469231731687303715884105728"),
			   dec("170141183460469231731687303715884105728")), CD_OK);
	CHECK(eq(r, dec("340282366920938463463374607431768211456")));
}

static void add_overflow_is_an_error_and_keeps_output(void)
{
	struct u256 r = sentinel;

	CHECK_INT(u256_add(&r, u256_max, u256_from_u64(1)), CD_ERANGE);
	CHECK(eq(r, sentinel));
	CHECK_INT(u256_add(&r, u256_max, u256_max), CD_ERANGE);
	CHECK(eq(r, sentinel));
	CHECK_INT(u256_add(&r, u256_max, u256_from_u64(0)), CD_OK);
	CHECK(eq(r, u256_max));
}

static void sub_underflow_is_an_error_and_keeps_output(void)
{
	struct u256 r = sentinel;

	CHECK_INT(u256_sub(&r, u256_from_u64(0), u256_from_u64(1)), CD_ERANGE);
	CHECK(eq(r, sentinel));
	CHECK_INT(u256_sub(&r, dec("340282366920938463463374607431768211456"), dec("340282366920938463463374607431768211457")),
		  CD_ERANGE);
	CHECK(eq(r, sentinel));
	CHECK_INT(u256_sub(&r, u256_max, u256_max), CD_OK);
	CHECK(u256_is_zero(r));
	CHECK_INT(u256_sub(&r, dec("340282366920938463463374607431768211456"), u256_from_u64(1)), CD_OK);
	CHECK(eq(r, dec("340282366920938463463374607431768211455")));
}

static void mul_matches_known_products(void)
{
	static const char *const v[][3] = {
		{"340282366920938463463374607431768211455", "340282366920938463463374607431768211455",
		 "115792089237316195423570985008687907852589419931798687112530834793049593217025"},
		{"18446744073709551615", "18446744073709551615", "340282366920938463426481119284349108225"},
		{"100000000000000000000000000000000000007", "100000000000000000000000000000000000009",
		 "10000000000000000000000000000000000001600000000000000000000000000000000000063"},
		{MAX_DEC, "1", MAX_DEC},
		{MAX_DEC, "0", "0"},
		{"0", MAX_DEC, "0"},
	};
	struct u256 r;

	for (size_t i = 0; i < TEST_COUNT(v); i++) {
		CHECK_INT(u256_mul(&r, dec(v[i][0]), dec(v[i][1])), CD_OK);
		CHECK_MSG(eq(r, dec(v[i][2])), "%s * %s", v[i][0], v[i][1]);
		CHECK_INT(u256_mul(&r, dec(v[i][1]), dec(v[i][0])), CD_OK);
		CHECK(eq(r, dec(v[i][2])));
	}
}

static void mul_overflow_is_an_error_and_keeps_output(void)
{
	struct u256 r = sentinel;
	struct u256 two128 = dec("340282366920938463463374607431768211456");
	struct u256 two255 = dec("57896044618658097711785492504343953926634992332820282019728792003956564819968");

	CHECK_INT(u256_mul(&r, two128, two128), CD_ERANGE);
	CHECK(eq(r, sentinel));
	CHECK_INT(u256_mul(&r, two255, u256_from_u64(2)), CD_ERANGE);
	CHECK_INT(u256_mul(&r, u256_max, u256_max), CD_ERANGE);
	/* 2^192 * 2^63 just fits; 2^192 * 2^64 carries out of the top limb with every low limb zero. */
	CHECK_INT(u256_mul(&r, dec("6277101735386680763835789423207666416102355444464034512896"), u256_from_u64(1ULL << 63)),
		  CD_OK);
	CHECK(eq(r, two255));
	CHECK_INT(u256_mul(&r, dec("6277101735386680763835789423207666416102355444464034512896"), dec("18446744073709551616")),
		  CD_ERANGE);
	CHECK(eq(r, two255));
}

static void divmod_matches_known_quotients(void)
{
	static const char *const v[][4] = {
		{MAX_DEC, "3", "38597363079105398474523661669562635951089994888546854679819194669304376546645", "0"},
		{MAX_DEC, "18446744073709551617", "6277101735386680763495507056286727952657427581105975853055", "0"},
		{MAX_DEC, "340282366920938463463374607431768211297", "340282366920938463463374607431768211615", "25280"},
		{"57896044618658097711785492504343953926634992332820282019728792003956564832313",
		 "1606938044258990275541962092341162602522202993782792835301383", "36028797018963967",
		 "1606938044258990275541962092341162602522202741581213702565952"},
		{"446371678903360124661747118626766461972311602250509962735", "308109510589373649503837370",
		 "1448743591359801997110457845969", "47038098001450760623901205"},
		{"12345", "1267650600228229401496703205376", "0", "12345"},
		{MAX_DEC, MAX_DEC, "1", "0"},
		{"115792089237316195423570985008687907853269984665640564039457584007913129639934", MAX_DEC, "0",
		 "115792089237316195423570985008687907853269984665640564039457584007913129639934"},
		{"0", "7", "0", "0"},
		{"1000000000000000000", "1000000000", "1000000000", "0"},
	};
	struct u256 q, r;

	for (size_t i = 0; i < TEST_COUNT(v); i++) {
		CHECK_INT(u256_divmod(&q, &r, dec(v[i][0]), dec(v[i][1])), CD_OK);
		CHECK_MSG(eq(q, dec(v[i][2])), "quotient of %s / %s", v[i][0], v[i][1]);
		CHECK_MSG(eq(r, dec(v[i][3])), "remainder of %s / %s", v[i][0], v[i][1]);
	}
}

static void divmod_identity_holds_on_many_operands(void)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	/* q*b + r == a and r < b, over operands of every width. */
	for (int i = 0; i < 2000; i++) {
		struct u256 a, b, q, r, back;

		for (int k = 0; k < 4; k++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			a.w[k] = seed;
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			b.w[k] = seed;
		}
		for (int k = 3 - i % 4; k > 0; k--)
			b.w[4 - k] = 0;
		if (i % 7 == 0)
			b.w[0] &= 0xffffffffu;
		if (u256_is_zero(b))
			b.w[0] = 1;
		CHECK_INT(u256_divmod(&q, &r, a, b), CD_OK);
		CHECK(u256_cmp(r, b) < 0);
		CHECK_INT(u256_mul(&back, q, b), CD_OK);
		CHECK_INT(u256_add(&back, back, r), CD_OK);
		CHECK(eq(back, a));
		if (test_failures())
			return;
	}
}

static void divide_by_zero_is_an_error(void)
{
	struct u256 q = sentinel, r = sentinel;

	CHECK_INT(u256_divmod(&q, &r, u256_from_u64(1), u256_from_u64(0)), U256_EDIVZERO);
	CHECK(eq(q, sentinel) && eq(r, sentinel));
	CHECK_INT(u256_divmod(NULL, NULL, u256_max, u256_from_u64(0)), U256_EDIVZERO);
	CHECK_INT(u256_divmod(NULL, &r, u256_from_u64(10), u256_from_u64(3)), CD_OK);
	CHECK(eq(r, u256_from_u64(1)));
}

static void compare_and_u64_conversion(void)
{
	uint64_t v = 7;

	CHECK_INT(u256_cmp(u256_from_u64(1), u256_from_u64(2)), -1);
	CHECK_INT(u256_cmp(u256_max, u256_from_u64(2)), 1);
	CHECK_INT(u256_cmp(u256_max, u256_max), 0);
	CHECK(u256_is_zero(u256_from_u64(0)));
	CHECK(!u256_is_zero(dec("340282366920938463463374607431768211456")));
	CHECK_INT(u256_to_u64(u256_from_u64(UINT64_MAX), &v), CD_OK);
	CHECK(v == UINT64_MAX);
	CHECK_INT(u256_to_u64(dec("18446744073709551616"), &v), CD_ERANGE);
	CHECK(v == UINT64_MAX);
}

static void big_endian_bytes_round_trip(void)
{
	uint8_t be[33] = {0}, out[32];
	struct u256 v;

	for (int i = 0; i < 32; i++)
		be[1 + i] = (uint8_t)(i + 1);
	CHECK_INT(u256_from_be(&v, be + 1, 32), CD_OK);
	CHECK(v.w[3] == 0x0102030405060708ULL && v.w[0] == 0x191a1b1c1d1e1f20ULL);
	u256_to_be(v, out);
	CHECK(memcmp(out, be + 1, 32) == 0);
	CHECK_INT(u256_from_be(&v, be, 33), CD_OK); /* a leading zero byte is no overflow */
	CHECK(v.w[0] == 0x191a1b1c1d1e1f20ULL);
	be[0] = 1;
	CHECK_INT(u256_from_be(&v, be, 33), CD_ERANGE);
	CHECK_INT(u256_from_be(&v, be + 30, 3), CD_OK);
	CHECK(eq(v, u256_from_u64(0x1e1f20)));
	CHECK_INT(u256_from_be(&v, NULL, 0), CD_OK);
	CHECK(u256_is_zero(v));
}

static void max_round_trips_in_hex_and_decimal(void)
{
	char buf[80];
	struct u256 v;

	CHECK_INT(u256_format_hex(u256_max, buf, 67), 66);
	CHECK_STR(buf, MAX_HEX);
	CHECK_INT(u256_parse_hex(&v, buf, strlen(buf)), CD_OK);
	CHECK(eq(v, u256_max));
	CHECK_INT(u256_format_dec(u256_max, buf, 79), 78);
	CHECK_STR(buf, MAX_DEC);
	CHECK_INT(u256_parse_dec(&v, buf, strlen(buf)), CD_OK);
	CHECK(eq(v, u256_max));
}

static void parse_of_two_to_the_256_overflows(void)
{
	struct u256 v = sentinel;
	const char *hex = "0x10000000000000000000000000000000000000000000000000000000000000000";

	CHECK_INT(u256_parse_dec(&v, TWO_256_DEC, strlen(TWO_256_DEC)), CD_ERANGE);
	CHECK_INT(u256_parse_hex(&v, hex, strlen(hex)), CD_ERANGE);
	CHECK(eq(v, sentinel));
	CHECK_INT(u256_parse_dec(&v, "1000000000000000000000000000000000000000000000000000000000000000000000000000000", 79),
		  CD_ERANGE);
}

static void parse_hex_takes_quantities_with_leading_zeros(void)
{
	struct u256 v;
	const char *s = "0x00000000000000000000000000000000000000000000000000000000000000001a";

	CHECK_INT(u256_parse_hex(&v, "0x0", 3), CD_OK);
	CHECK(u256_is_zero(v));
	CHECK_INT(u256_parse_hex(&v, "0x1A", 4), CD_OK);
	CHECK(eq(v, u256_from_u64(26)));
	CHECK_INT(u256_parse_hex(&v, s, strlen(s)), CD_OK);
	CHECK(eq(v, u256_from_u64(26)));
	CHECK_INT(u256_parse_hex(&v, "0x10000000000000000", 19), CD_OK);
	CHECK(v.w[1] == 1 && v.w[0] == 0);
}

static void parsers_reject_malformed_text(void)
{
	static const char *bad_hex[] = {"", "0x", "1a", "x1", "0x-1", "-0x1", " 0x1", "0x1 ", "0xg", "0x1.0"};
	static const char *bad_dec[] = {"", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "1,000"};
	struct u256 v = sentinel;

	for (size_t i = 0; i < TEST_COUNT(bad_hex); i++)
		CHECK_MSG(u256_parse_hex(&v, bad_hex[i], strlen(bad_hex[i])) == CD_EINVAL, "hex accepted \"%s\"", bad_hex[i]);
	for (size_t i = 0; i < TEST_COUNT(bad_dec); i++)
		CHECK_MSG(u256_parse_dec(&v, bad_dec[i], strlen(bad_dec[i])) == CD_EINVAL, "dec accepted \"%s\"", bad_dec[i]);
	CHECK(eq(v, sentinel));
	/* The length bounds the text: no NUL needed, none read past. */
	CHECK_INT(u256_parse_dec(&v, "12345", 3), CD_OK);
	CHECK(eq(v, u256_from_u64(123)));
}

static void format_is_minimal_and_checks_space(void)
{
	char buf[80];

	CHECK_INT(u256_format_hex(u256_from_u64(0), buf, sizeof(buf)), 3);
	CHECK_STR(buf, "0x0");
	CHECK_INT(u256_format_hex(u256_from_u64(0x1a), buf, sizeof(buf)), 4);
	CHECK_STR(buf, "0x1a");
	CHECK_INT(u256_format_hex(dec("18446744073709551616"), buf, sizeof(buf)), 19);
	CHECK_STR(buf, "0x10000000000000000");
	CHECK_INT(u256_format_dec(u256_from_u64(0), buf, sizeof(buf)), 1);
	CHECK_STR(buf, "0");
	CHECK_INT(u256_format_dec(dec("1000000000000000000"), buf, sizeof(buf)), 19);
	CHECK_STR(buf, "1000000000000000000");
	CHECK_INT(u256_format_hex(u256_max, buf, 66), CD_ESPACE);
	CHECK_INT(u256_format_dec(u256_max, buf, 78), CD_ESPACE);
	CHECK_INT(u256_format_dec(u256_from_u64(10), buf, 2), CD_ESPACE);
	CHECK_INT(u256_format_dec(u256_from_u64(10), buf, 3), 2);
}

static void point_one_ether_is_exact_wei(void)
{
	struct u256 v;

	CHECK_INT(u256_parse_units(&v, "0.1", 3, 18), CD_OK);
	CHECK(eq(v, dec("100000000000000000")));
	CHECK_INT(u256_parse_units(&v, "1.5", 3, 9), CD_OK);
	CHECK(eq(v, dec("1500000000")));
	CHECK_INT(u256_parse_units(&v, "1.", 2, 18), CD_OK);
	CHECK(eq(v, dec("1000000000000000000")));
	CHECK_INT(u256_parse_units(&v, ".5", 2, 18), CD_OK);
	CHECK(eq(v, dec("500000000000000000")));
	CHECK_INT(u256_parse_units(&v, "0.000000000000000001", 20, 18), CD_OK);
	CHECK(eq(v, u256_from_u64(1)));
	CHECK_INT(u256_parse_units(&v, "42", 2, 0), CD_OK);
	CHECK(eq(v, u256_from_u64(42)));
}

static void too_many_decimals_are_rejected_not_rounded(void)
{
	struct u256 v = sentinel;

	CHECK_INT(u256_parse_units(&v, "0.0000000000000000001", 21, 18), U256_EPRECISION);
	CHECK_INT(u256_parse_units(&v, "1.0000000001", 12, 9), U256_EPRECISION);
	CHECK_INT(u256_parse_units(&v, "1.5", 3, 0), U256_EPRECISION);
	CHECK(eq(v, sentinel));
	/* Extra zeros change nothing, so they are exact and accepted. */
	CHECK_INT(u256_parse_units(&v, "1.0000000000000000000000", 24, 18), CD_OK);
	CHECK(eq(v, dec("1000000000000000000")));
	CHECK_INT(u256_parse_units(&v, "7.000", 5, 0), CD_OK);
	CHECK(eq(v, u256_from_u64(7)));
}

static void parse_units_rejects_malformed_amounts(void)
{
	static const char *bad[] = {"", ".", "-1", "+1", " 1", "1 ", "1e18", "1,5", "1..2", "1.2.3", "0x1", "one"};
	struct u256 v = sentinel;

	for (size_t i = 0; i < TEST_COUNT(bad); i++)
		CHECK_MSG(u256_parse_units(&v, bad[i], strlen(bad[i]), 18) == CD_EINVAL, "accepted \"%s\"", bad[i]);
	CHECK(eq(v, sentinel));
}

static void parse_units_overflows_past_max(void)
{
	const char *max_ether = "115792089237316195423570985008687907853269984665640564039457.584007913129639935";
	const char *over = "115792089237316195423570985008687907853269984665640564039457.584007913129639936";
	const char *over2 = "115792089237316195423570985008687907853269984665640564039458";
	struct u256 v;

	CHECK_INT(u256_parse_units(&v, max_ether, strlen(max_ether), 18), CD_OK);
	CHECK(eq(v, u256_max));
	CHECK_INT(u256_parse_units(&v, over, strlen(over), 18), CD_ERANGE);
	CHECK_INT(u256_parse_units(&v, over2, strlen(over2), 18), CD_ERANGE);
	CHECK_INT(u256_parse_units(&v, "1", 1, 78), CD_ERANGE);
	CHECK_INT(u256_parse_units(&v, "0.0", 3, 1000), CD_OK);
	CHECK(u256_is_zero(v));
}

static void format_units_trims_trailing_zeros(void)
{
	char buf[100];

	CHECK_INT(u256_format_units(dec("1500000000000000000"), 18, buf, sizeof(buf)), 3);
	CHECK_STR(buf, "1.5");
	CHECK_INT(u256_format_units(u256_from_u64(0), 18, buf, sizeof(buf)), 1);
	CHECK_STR(buf, "0");
	CHECK_INT(u256_format_units(dec("1000000000000"), 18, buf, sizeof(buf)), 8);
	CHECK_STR(buf, "0.000001");
	CHECK_INT(u256_format_units(dec("1000000000000000000"), 18, buf, sizeof(buf)), 1);
	CHECK_STR(buf, "1");
	CHECK_INT(u256_format_units(u256_from_u64(1), 18, buf, sizeof(buf)), 20);
	CHECK_STR(buf, "0.000000000000000001");
	CHECK_INT(u256_format_units(u256_from_u64(1234), 0, buf, sizeof(buf)), 4);
	CHECK_STR(buf, "1234");
	CHECK_INT(u256_format_units(u256_max, 18, buf, sizeof(buf)), 79);
	CHECK_STR(buf, "115792089237316195423570985008687907853269984665640564039457.584007913129639935");
	CHECK_INT(u256_format_units(u256_from_u64(5), 80, buf, sizeof(buf)), 82);
	CHECK_INT(u256_format_units(dec("1500000000000000000"), 18, buf, 3), CD_ESPACE);
	CHECK_INT(u256_format_units(dec("1500000000000000000"), 18, buf, 4), 3);
}

static void unit_names_map_to_decimals(void)
{
	CHECK_INT(u256_unit_decimals("wei"), 0);
	CHECK_INT(u256_unit_decimals("gwei"), 9);
	CHECK_INT(u256_unit_decimals("ether"), 18);
	CHECK_INT(u256_unit_decimals("eth"), 18);
	CHECK_INT(u256_unit_decimals("finney"), -1);
	CHECK_INT(u256_unit_decimals(""), -1);
}

/* ethers.js units vectors: every non-negative amount parses to the wei value in
 * every unit it lists, and formats back to ethers' text minus its ".0" suffix. */
static const struct {
	const char *name;
	unsigned decimals;
} ethers_units[] = {
	{"wei", 0}, {"kwei", 3}, {"mwei", 6}, {"gwei", 9}, {"szabo", 12},
	{"finney", 15}, {"ether", 18}, {"satoshi", 8},
};

static void ethers_units_vectors_parse_and_format_exactly(void)
{
	char *text = test_read_gz("tests/vectors/ethers.js/testcases/units.json.gz", NULL);
	cJSON *root = cJSON_Parse(text);
	const cJSON *c;
	int checked = 0, negatives = 0;

	CHECK(cJSON_IsArray(root));
	cJSON_ArrayForEach(c, root) {
		const char *wei_text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "wei"));
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "name"));
		int negative;
		struct u256 wei = {{0}};

		if (!wei_text || !name) {
			CHECK(!"malformed vector");
			continue;
		}
		negative = wei_text[0] == '-';
		if (!negative)
			wei = dec(wei_text);
		for (size_t u = 0; u < TEST_COUNT(ethers_units); u++) {
			char key[32], buf[100], want[100];
			const char *in, *fmt;
			struct u256 v;
			size_t n;

			in = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, ethers_units[u].name));
			snprintf(key, sizeof(key), "%s_format", ethers_units[u].name);
			fmt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, key));
			if (in && negative) {
				CHECK_MSG(u256_parse_units(&v, in, strlen(in), ethers_units[u].decimals) == CD_EINVAL,
					  "%s: signed amount %s accepted", name, in);
				negatives++;
				continue;
			}
			if (in) {
				CHECK_MSG(u256_parse_units(&v, in, strlen(in), ethers_units[u].decimals) == CD_OK &&
					  eq(v, wei), "%s: %s %s", name, in, ethers_units[u].name);
				checked++;
			}
			if (fmt && !negative) {
				n = strlen(fmt);
				if (n >= sizeof(want)) {
					CHECK(!"format vector too long");
					continue;
				}
				memcpy(want, fmt, n + 1);
				if (n > 2 && strcmp(want + n - 2, ".0") == 0)
					want[n - 2] = '\0';
				CHECK(u256_format_units(wei, ethers_units[u].decimals, buf, sizeof(buf)) > 0);
				CHECK_STR(buf, want);
				CHECK(u256_parse_units(&v, buf, strlen(buf), ethers_units[u].decimals) == CD_OK && eq(v, wei));
				checked++;
			}
		}
	}
	CHECK_MSG(checked >= 30 && negatives >= 8, "only %d checks, %d negatives", checked, negatives);
	cJSON_Delete(root);
	free(text);
}

static const struct test_case cases[] = {
	{"add_carries_across_limbs", add_carries_across_limbs},
	{"add_overflow_is_an_error_and_keeps_output", add_overflow_is_an_error_and_keeps_output},
	{"sub_underflow_is_an_error_and_keeps_output", sub_underflow_is_an_error_and_keeps_output},
	{"mul_matches_known_products", mul_matches_known_products},
	{"mul_overflow_is_an_error_and_keeps_output", mul_overflow_is_an_error_and_keeps_output},
	{"divmod_matches_known_quotients", divmod_matches_known_quotients},
	{"divmod_identity_holds_on_many_operands", divmod_identity_holds_on_many_operands},
	{"divide_by_zero_is_an_error", divide_by_zero_is_an_error},
	{"compare_and_u64_conversion", compare_and_u64_conversion},
	{"big_endian_bytes_round_trip", big_endian_bytes_round_trip},
	{"max_round_trips_in_hex_and_decimal", max_round_trips_in_hex_and_decimal},
	{"parse_of_two_to_the_256_overflows", parse_of_two_to_the_256_overflows},
	{"parse_hex_takes_quantities_with_leading_zeros", parse_hex_takes_quantities_with_leading_zeros},
	{"parsers_reject_malformed_text", parsers_reject_malformed_text},
	{"format_is_minimal_and_checks_space", format_is_minimal_and_checks_space},
	{"point_one_ether_is_exact_wei", point_one_ether_is_exact_wei},
	{"too_many_decimals_are_rejected_not_rounded", too_many_decimals_are_rejected_not_rounded},
	{"parse_units_rejects_malformed_amounts", parse_units_rejects_malformed_amounts},
	{"parse_units_overflows_past_max", parse_units_overflows_past_max},
	{"format_units_trims_trailing_zeros", format_units_trims_trailing_zeros},
	{"unit_names_map_to_decimals", unit_names_map_to_decimals},
	{"ethers_units_vectors_parse_and_format_exactly", ethers_units_vectors_parse_and_format_exactly},
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
