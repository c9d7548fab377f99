/*
 * address: EIP-55 checksums on the ERC's examples and ethers' accounts,
 * checksum errors, and addresses derived from the ethereum-tests key vectors.
 */
#include "common/address.h"
#include "common/hex.h"
#include "tests/lib/test.h"

#include <cjson/cJSON.h>
#include <secp256k1.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_str(struct address *a, const char *s)
{
	return address_parse(a, s, strlen(s));
}

/* Reads the addresses of the "Test Cases" block of ERC-55 (8 lines of "0x..."). */
static size_t erc55_cases(char out[][ADDRESS_TEXT_SIZE], size_t cap)
{
	char *text = test_read_file("tests/vectors/ethereum-ERCs/ERCS/erc-55.md", NULL);
	const char *p = strstr(text, "# Test Cases");
	size_t n = 0;

	CHECK(p != NULL);
	while (p && n < cap) {
		p = strstr(p, "\n0x");
		if (!p)
			break;
		p++;
		if (strspn(p + 2, "0123456789abcdefABCDEF") == 40 && (p[42] == '\n' || p[42] == '\0')) {
			memcpy(out[n], p, 42);
			out[n++][42] = '\0';
		}
	}
	free(text);
	return n;
}

static void erc55_examples_parse_and_format_identically(void)
{
	char cases[16][ADDRESS_TEXT_SIZE], text[ADDRESS_TEXT_SIZE];
	size_t n = erc55_cases(cases, 16);

	CHECK_INT(n, 8);
	for (size_t i = 0; i < n; i++) {
		struct address a;

		CHECK_MSG(parse_str(&a, cases[i]) == CD_OK, "%s rejected", cases[i]);
		address_format(&a, text);
		CHECK_STR(text, cases[i]);
	}
}

static void any_single_case_flip_breaks_the_checksum(void)
{
	char cases[16][ADDRESS_TEXT_SIZE];
	size_t n = erc55_cases(cases, 16);
	int flips = 0;

	for (size_t i = 0; i < n; i++) {
		for (int k = 2; k < 42; k++) {
			char s[ADDRESS_TEXT_SIZE];
			struct address a;

			memcpy(s, cases[i], sizeof(s));
			if (s[k] >= 'a' && s[k] <= 'f')
				s[k] = (char)(s[k] - 'a' + 'A');
			else if (s[k] >= 'A' && s[k] <= 'F')
				s[k] = (char)(s[k] - 'A' + 'a');
			else
				continue;
			CHECK_MSG(parse_str(&a, s) == ADDRESS_EBADCHECKSUM, "%s accepted", s);
			flips++;
		}
	}
	CHECK(flips > 100);
}

static void single_case_text_carries_no_checksum(void)
{
	struct address a, b;
	char text[ADDRESS_TEXT_SIZE];

	CHECK_INT(parse_str(&a, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"), CD_OK);
	CHECK_INT(parse_str(&b, "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"), CD_OK);
	CHECK(memcmp(a.b, b.b, 20) == 0);
	address_format(&a, text);
	CHECK_STR(text, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
	CHECK_INT(parse_str(&a, "0x0000000000000000000000000000000000000000"), CD_OK);
	address_format(&a, text);
	CHECK_STR(text, "0x0000000000000000000000000000000000000000");
}

static void wrong_checksum_is_a_distinct_error(void)
{
	struct address a = {{0xee}};

	CHECK_INT(parse_str(&a, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"), ADDRESS_EBADCHECKSUM);
	CHECK(a.b[0] == 0xee && a.b[1] == 0);
	CHECK_STR(cd_strerror(ADDRESS_EBADCHECKSUM), "wrong EIP-55 checksum");
	CHECK(strcmp(cd_strerror(ADDRESS_EFORMAT), cd_strerror(ADDRESS_EBADCHECKSUM)) != 0);
}

static void malformed_text_is_rejected(void)
{
	static const char *bad[] = {
		"",
		"0x",
		"5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",     /* no prefix */
		"0X5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",   /* prefix is lowercase 0x */
		"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae",    /* 39 digits */
		"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed0",  /* 41 digits */
		"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg",
		" 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae",
		"0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea d",
	};
	struct address a;

	for (size_t i = 0; i < TEST_COUNT(bad); i++)
		CHECK_MSG(parse_str(&a, bad[i]) == ADDRESS_EFORMAT, "accepted \"%s\"", bad[i]);
	/* The length bounds the text: a longer buffer is cut, not read to NUL. */
	CHECK_INT(address_parse(&a, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaedXYZ", 42), CD_OK);
}

/* Private key -> uncompressed public key X||Y, through libsecp256k1 (test only). */
static int pubkey_of(const uint8_t key[32], uint8_t pub[64])
{
	secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	secp256k1_pubkey pk;
	uint8_t ser[65];
	size_t n = sizeof(ser);
	int ok = ctx && secp256k1_ec_pubkey_create(ctx, &pk, key);

	if (ok)
		secp256k1_ec_pubkey_serialize(ctx, ser, &n, &pk, SECP256K1_EC_UNCOMPRESSED);
	if (ctx)
		secp256k1_context_destroy(ctx);
	if (!ok)
		return -1;
	if (n != 65 || ser[0] != 4)
		return -1;
	memcpy(pub, ser + 1, 64);
	return 0;
}

static void ethers_accounts_derive_checksummed_addresses(void)
{
	char *text = test_read_gz("tests/vectors/ethers.js/testcases/accounts.json.gz", NULL);
	cJSON *root = cJSON_Parse(text);
	const cJSON *c;
	int count = 0;

	CHECK(cJSON_IsArray(root));
	cJSON_ArrayForEach(c, root) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "name"));
		const char *key_hex = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "privateKey"));
		const char *want = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "address"));
		uint8_t key[32], pub[64];
		struct address derived, parsed;
		char out[ADDRESS_TEXT_SIZE];

		if (!name || !key_hex || !want || hex_decode_exact(key, 32, key_hex, strlen(key_hex)) != CD_OK ||
		    pubkey_of(key, pub) != 0) {
			CHECK_MSG(0, "unusable vector %s", name ? name : "?");
			continue;
		}
		address_from_pubkey(&derived, pub);
		address_format(&derived, out);
		CHECK_MSG(strcmp(out, want) == 0, "%s: %s, expected %s", name, out, want);
		CHECK_INT(parse_str(&parsed, want), CD_OK);
		CHECK(memcmp(parsed.b, derived.b, 20) == 0);
		count++;
	}
	CHECK_INT(count, 259);
	cJSON_Delete(root);
	free(text);
}

static void ethereum_keyaddr_vectors_derive_addresses(void)
{
	char *text = test_read_file("tests/vectors/ethereum-tests/BasicTests/keyaddrtest.json", NULL);
	cJSON *root = cJSON_Parse(text);
	const cJSON *c;
	int count = 0;

	cJSON_ArrayForEach(c, root) {
		const char *key_hex = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "key"));
		const char *want = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "addr"));
		uint8_t key[32], pub[64];
		struct address a;
		char hex[41];

		if (!key_hex || !want || hex_decode_exact(key, 32, key_hex, strlen(key_hex)) != CD_OK ||
		    pubkey_of(key, pub) != 0) {
			CHECK_MSG(0, "unusable vector");
			continue;
		}
		address_from_pubkey(&a, pub);
		hex_encode(hex, sizeof(hex), a.b, 20, 0);
		CHECK_STR(hex, want);
		count++;
	}
	CHECK_INT(count, 2);
	cJSON_Delete(root);
	free(text);
}

static const struct test_case cases[] = {
	{"erc55_examples_parse_and_format_identically", erc55_examples_parse_and_format_identically},
	{"any_single_case_flip_breaks_the_checksum", any_single_case_flip_breaks_the_checksum},
	{"single_case_text_carries_no_checksum", single_case_text_carries_no_checksum},
	{"wrong_checksum_is_a_distinct_error", wrong_checksum_is_a_distinct_error},
	{"malformed_text_is_rejected", malformed_text_is_rejected},
	{"ethers_accounts_derive_checksummed_addresses", ethers_accounts_derive_checksummed_addresses},
	{"ethereum_keyaddr_vectors_derive_addresses", ethereum_keyaddr_vectors_derive_addresses},
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
