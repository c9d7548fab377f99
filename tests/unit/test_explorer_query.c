/*
 * explorer_parse_query: what the explorer's search box accepts and how it
 * classifies it. Block numbers (decimal, 0x-hex), 32-byte hashes, addresses
 * (lowercase, all-caps, EIP-55 checksummed), and refusals that always carry a
 * message, never a silent acceptance: a mixed-case address whose case does
 * not match its EIP-55 checksum is refused with "checksum" in the message.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "explorer/explorer.h"
#include "tests/lib/test.h"

/* anvil's account 0, and the ERC-55 document's first example */
#define ACCT0_LOWER "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
#define ACCT0_CHECKSUM "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
#define ERC55_EXAMPLE "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
#define HASH64 "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b"

/* Parses text; on success err is left as the sentinel (not written). */
static int parse(const char *text, struct explorer_target *t, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", "<untouched>");
	memset(t, 0xa5, sizeof(*t));
	return explorer_parse_query(text, t, err, errlen);
}

static void expect_block(const char *text, uint64_t want, int line)
{
	struct explorer_target t;
	char err[160];

	int rc = parse(text, &t, err, sizeof(err));

	CHECK_AT(line, rc == 0, "\"%s\" refused: %s", text, err);
	if (rc != 0)
		return;
	CHECK_AT(line, t.kind == DOC_BLOCK, "\"%s\" gave kind %d, expected DOC_BLOCK", text, (int)t.kind);
	CHECK_AT(line, !t.by_hash, "\"%s\" is a block by number, not by hash", text);
	CHECK_AT(line, t.number == want, "\"%s\" gave block %llu, expected %llu", text, (unsigned long long)t.number,
	         (unsigned long long)want);
}

static void expect_address(const char *text, const char *want_hex, int line)
{
	struct explorer_target t;
	char err[160];
	uint8_t want[20];

	int rc;

	if (hex_decode_exact(want, 20, want_hex, strlen(want_hex)) != CD_OK) {
		test_fail(__FILE__, line, "bad expectation %s", want_hex);
		return;
	}
	rc = parse(text, &t, err, sizeof(err));
	CHECK_AT(line, rc == 0, "\"%s\" refused: %s", text, err);
	if (rc != 0)
		return;
	CHECK_AT(line, t.kind == DOC_ADDRESS, "\"%s\" gave kind %d, expected DOC_ADDRESS", text, (int)t.kind);
	if (t.kind == DOC_ADDRESS)
		CHECK_AT(line, memcmp(t.address, want, 20) == 0, "\"%s\" parsed to another address", text);
}

/* A refusal with a non-empty message containing `needle` (when not NULL). */
static void expect_error(const char *text, const char *needle, int line)
{
	struct explorer_target t;
	char err[160];

	int rc = parse(text, &t, err, sizeof(err));

	CHECK_AT(line, rc != 0, "\"%s\" accepted (kind %d), expected a refusal", text, (int)t.kind);
	if (rc == 0)
		return;
	CHECK_AT(line, err[0] && strcmp(err, "<untouched>") != 0, "\"%s\" refused without a message", text);
	if (needle && err[0])
		CHECK_AT(line, strstr(err, needle) != NULL, "\"%s\" refused with \"%s\", expected it to mention \"%s\"",
		         text, err, needle);
}

#define BLOCK(text, n) expect_block(text, n, __LINE__)
#define ADDRESS(text, hex) expect_address(text, hex, __LINE__)
#define REFUSED(text, needle) expect_error(text, needle, __LINE__)

static void decimal_block_numbers(void)
{
	BLOCK("0", 0);
	BLOCK("1", 1);
	BLOCK("19000000", 19000000);
	BLOCK("007", 7);
	/* 19 digits is the longest accepted; every 19-digit number fits in 64 bits */
	BLOCK("9999999999999999999", UINT64_C(9999999999999999999));
	BLOCK("1234567890123456789", UINT64_C(1234567890123456789));
}

static void hex_block_numbers(void)
{
	BLOCK("0x0", 0);
	BLOCK("0x1", 1);
	BLOCK("0x10", 16);
	BLOCK("0xabc", 0xabc);           /* odd digit counts are fine for a quantity */
	BLOCK("0xABC", 0xabc);
	BLOCK("0x121eac0", 19000000);
	BLOCK("0xffffffffffffffff", UINT64_MAX);
	BLOCK("0x0000000000000001", 1);
}

static void block_hash_or_tx_hash(void)
{
	struct explorer_target t;
	char err[160];
	uint8_t want[32];

	CHECK(hex_decode_exact(want, 32, HASH64, strlen(HASH64)) == CD_OK);
	CHECK_INT(parse(HASH64, &t, err, sizeof(err)), 0);
	CHECK_INT(t.kind, DOC_HASH);
	CHECK(memcmp(t.hash, want, 32) == 0);

	/* upper-case digits: the same hash (hashes carry no checksum) */
	CHECK_INT(parse("0x88DF016429689C079F3B2F6AD39FA052532C56795B733DA78A91EBE6A713944B", &t, err, sizeof(err)), 0);
	CHECK_INT(t.kind, DOC_HASH);
	CHECK(memcmp(t.hash, want, 32) == 0);

	/* all zeros is still a well-formed hash */
	CHECK_INT(parse("0x0000000000000000000000000000000000000000000000000000000000000000", &t, err, sizeof(err)), 0);
	CHECK_INT(t.kind, DOC_HASH);
}

static void lowercase_address(void)
{
	ADDRESS(ACCT0_LOWER, ACCT0_LOWER);
	ADDRESS("0x0000000000000000000000000000000000000000", "0x0000000000000000000000000000000000000000");
}

static void all_caps_address_carries_no_checksum(void)
{
	ADDRESS("0xF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266", ACCT0_LOWER);
}

static void checksummed_address(void)
{
	ADDRESS(ACCT0_CHECKSUM, ACCT0_LOWER);
	ADDRESS(ERC55_EXAMPLE, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
	ADDRESS("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359");
}

static void wrong_checksum_is_refused(void)
{
	char bad[sizeof(ACCT0_CHECKSUM)];
	int flips = 0;

	/* the first letter's case flipped */
	REFUSED("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "checksum");
	/* the last letter's case flipped */
	REFUSED("0xf39Fd6e51aad88F6F4ce6aB8827279cffFB92266", "checksum");
	REFUSED("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "checksum");
	/* every single-letter case flip of a checksummed address is caught, never accepted */
	for (size_t i = 2; i < strlen(ACCT0_CHECKSUM); i++) {
		char c = ACCT0_CHECKSUM[i];

		if (!((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			continue;
		memcpy(bad, ACCT0_CHECKSUM, sizeof(bad));
		bad[i] = (char)(c ^ 0x20);
		/* a flip that leaves the text single-case carries no checksum: skip those */
		if (strpbrk(bad + 2, "abcdef") && strpbrk(bad + 2, "ABCDEF")) {
			REFUSED(bad, "checksum");
			flips++;
		}
	}
	CHECK_MSG(flips >= 10, "only %d flips tried", flips);
	/* with spaces around, still refused for the checksum */
	REFUSED("  0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266  ", "checksum");
}

static void numbers_too_long(void)
{
	/* decimal: 20 digits and more */
	REFUSED("18446744073709551616", NULL);
	REFUSED("99999999999999999999", NULL);
	REFUSED("123456789012345678901234567890", NULL);
	/* hex: 17 significant digits overflow 64 bits; 17 to 39 digits are neither a number, hash nor address */
	REFUSED("0x10000000000000000", NULL);
	REFUSED("0xfffffffffffffffff", NULL);
	REFUSED("0x" "0123456789abcdef0123", NULL);
	/* hash length plus one byte */
	REFUSED(HASH64 "00", NULL);
}

static void garbage(void)
{
	REFUSED("hello", NULL);
	REFUSED("vitalik.eth", NULL);
	REFUSED("-1", NULL);
	REFUSED("+1", NULL);
	REFUSED("1e6", NULL);
	REFUSED("12 34", NULL);
	REFUSED("1.5", NULL);
	REFUSED("0x", NULL);
	REFUSED("0x ", NULL);
	REFUSED("x10", NULL);
	REFUSED("0xg", "hex");
	REFUSED("0x12z4", "hex");
	REFUSED("0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944g", "hex");
	REFUSED("0xf39fd6e51aad88f6f4ce6ab8827279cfffb9226z", "hex");
	/* a hash without its 0x is not a block number */
	REFUSED("88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b", NULL);
	/* control characters are not spaces */
	REFUSED("12\n", NULL);
	REFUSED("\x1b[2J", NULL);
}

static void odd_length_hex(void)
{
	/* one digit short of / past an address, and one short of / past a hash */
	REFUSED("0xf39fd6e51aad88f6f4ce6ab8827279cfffb9226", NULL);
	REFUSED("0xf39fd6e51aad88f6f4ce6ab8827279cfffb922660", NULL);
	REFUSED("0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944", NULL);
	REFUSED(HASH64 "0", NULL);
	/* the message says what the digit count can be */
	REFUSED("0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944", "64");
}

static void surrounding_spaces(void)
{
	struct explorer_target t;
	char err[160];

	BLOCK("  42", 42);
	BLOCK("42  ", 42);
	BLOCK("\t0x2a\t", 42);
	ADDRESS("  " ACCT0_CHECKSUM "  ", ACCT0_LOWER);
	ADDRESS("\t" ACCT0_LOWER, ACCT0_LOWER);
	CHECK_INT(parse(" " HASH64 "\t", &t, err, sizeof(err)), 0);
	CHECK_INT(t.kind, DOC_HASH);
	/* a space inside is not trimmed away */
	REFUSED("0x f39fd6e51aad88f6f4ce6ab8827279cfffb92266", NULL);
	REFUSED("4 2", NULL);
}

static void empty_input(void)
{
	REFUSED("", NULL);
	REFUSED(" ", NULL);
	REFUSED("\t \t", NULL);
}

static void a_short_error_buffer_is_respected(void)
{
	struct explorer_target t;
	char err[8];

	memset(err, 'X', sizeof(err));
	CHECK(explorer_parse_query("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266", &t, err, sizeof(err)) != 0);
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	memset(err, 'X', sizeof(err));
	CHECK(explorer_parse_query("", &t, err, sizeof(err)) != 0);
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
}

static const struct test_case cases[] = {
	{"decimal_block_numbers", decimal_block_numbers},
	{"hex_block_numbers", hex_block_numbers},
	{"block_hash_or_tx_hash", block_hash_or_tx_hash},
	{"lowercase_address", lowercase_address},
	{"all_caps_address_carries_no_checksum", all_caps_address_carries_no_checksum},
	{"checksummed_address", checksummed_address},
	{"wrong_checksum_is_refused", wrong_checksum_is_refused},
	{"numbers_too_long", numbers_too_long},
	{"garbage", garbage},
	{"odd_length_hex", odd_length_hex},
	{"surrounding_spaces", surrounding_spaces},
	{"empty_input", empty_input},
	{"a_short_error_buffer_is_respected", a_short_error_buffer_is_respected},
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
