/*
 * The pending-transactions file (wallet/pending.c): lines holding raw
 * transactions signed by cast (`cast mktx` with anvil's public test key 0)
 * are read back, and what is shown after a restart is decoded from those
 * bytes: the hash is the one `cast keccak` gives, the sender the key's
 * address, the nonce, recipient, value and fees as cast signed them. A
 * signature changed in the file gives another sender (so the wallet drops
 * it), and bad lines are refused by number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "tests/lib/test.h"
#include "wallet/pending.h"

/* cast mktx --private-key <anvil key 0> --chain 31337 --nonce 5 --gas-limit 21000
 *   --priority-gas-price 1000000000 --gas-price 3000000000 --value 1000000000000000000 <anvil account 1> */
static const char RAW_ETH[] =
	"0x02f874827a6905843b9aca0084b2d05e008252089470997970c51812dc3a010c7d01b50e0d17dc79c8880de0b6b3a764000080c001a0"
	"8479a7003bd8962815f180e8d72b823e73b58473e6929af7cd77d0865298a2cda0277342ee84b4153b0f3320883312c5e02e0353701241"
	"c1b5cfe0550eb73ce09e";
static const char HASH_ETH[] = "0x344a358d1e8db57f0b399fb495d9b24d5aaa3a942888d6581490075f65e3f88b"; /* cast keccak */
/* cast mktx ... --nonce 6 --gas-limit 60000 <the test token> 'transfer(address,uint256)' <account 1> 2500000000000000000 */
static const char RAW_TOKEN[] =
	"0x02f8b1827a6906843b9aca0084b2d05e0082ea60945fbdb2315678afecb367f032d93f642f64180aa380b844a9059cbb000000000000"
	"00000000000070997970c51812dc3a010c7d01b50e0d17dc79c800000000000000000000000000000000000000000000000022b1c8c122"
	"7a0000c080a0773933506aeefdfadbad7b7b9282592c990fcbc73700a5f6b0c13d52ba3a0322a0043b394f1ece1a41b532a7d03da13eab"
	"ef88ae4b06b88d82ac4c9d11aaa0f660";
static const char HASH_TOKEN[] = "0x020af5533350343efb9b2b34e9e4dc30948b02b1ad9d77d07680eeeb0043c933"; /* cast keccak */
static const char A0[] = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
static const char A1[] = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

static void hexs(char *out, size_t cap, const uint8_t *b, size_t n)
{
	hex_encode(out, cap, b, n, 1);
}

static void test_reads_cast_signed_transactions(void)
{
	char text[1024], err[200], h[70], a[43], v[80];
	struct pending_list l;
	struct wallet_sent s;
	uint8_t *data;
	size_t dl;

	snprintf(text, sizeof(text), "# head\n17 %s\n18 %s replaces nonce 5\n", RAW_ETH, RAW_ETH);
	CHECK_INT(pending_parse(&l, text, strlen(text), err, sizeof(err)), 0);
	CHECK_INT(l.n, 2);
	CHECK_INT(l.v[0].sent_at_block, 17);
	CHECK_STR(l.v[1].note, "replaces nonce 5");
	CHECK_INT(pending_decode(l.v[0].raw, l.v[0].len, &s, &data, &dl, err, sizeof(err)), 0);
	hexs(h, sizeof(h), s.hash, 32);
	CHECK_STR(h, HASH_ETH);
	hexs(a, sizeof(a), s.from, 20);
	CHECK_STR(a, A0);
	hexs(a, sizeof(a), s.to, 20);
	CHECK_STR(a, A1);
	CHECK_INT(s.nonce, 5);
	CHECK_INT(s.chain_id, 31337);
	CHECK_INT(s.gas, 21000);
	CHECK(s.eip1559);
	u256_format_dec(s.value, v, sizeof(v));
	CHECK_STR(v, "1000000000000000000");
	u256_format_dec(s.max_fee, v, sizeof(v));
	CHECK_STR(v, "3000000000");
	u256_format_dec(s.tip, v, sizeof(v));
	CHECK_STR(v, "1000000000");
	CHECK(data == NULL);
	/* a changed signature: the bytes no longer come from key 0 */
	l.v[1].raw[l.v[1].len - 5] ^= 0x01;
	if (pending_decode(l.v[1].raw, l.v[1].len, &s, &data, &dl, err, sizeof(err)) == 0) {
		hexs(a, sizeof(a), s.from, 20);
		CHECK_MSG(strcmp(a, A0) != 0, "a changed signature still recovers the sender");
		free(data);
	}
	pending_list_free(&l);
}

static void test_token_transfer_is_decoded(void)
{
	uint8_t raw[300], *data;
	size_t n, dl;
	struct wallet_sent s;
	char err[200], h[70], a[43], v[80];

	hex_decode(raw, sizeof(raw), &n, RAW_TOKEN, strlen(RAW_TOKEN));
	CHECK_INT(pending_decode(raw, n, &s, &data, &dl, err, sizeof(err)), 0);
	hexs(h, sizeof(h), s.hash, 32);
	CHECK_STR(h, HASH_TOKEN);
	hexs(a, sizeof(a), s.to, 20);
	CHECK_STR(a, "0x5fbdb2315678afecb367f032d93f642f64180aa3"); /* the transaction goes to the contract */
	CHECK(s.token);
	hexs(a, sizeof(a), s.token_to, 20);
	CHECK_STR(a, A1);                                             /* the tokens go to account 1 */
	u256_format_dec(s.token_amount, v, sizeof(v));
	CHECK_STR(v, "2500000000000000000");
	CHECK_INT(dl, 68);
	free(data);
}

static void test_render_is_read_back_by_the_documented_format(void)
{
	struct pending_entry e = { .sent_at_block = 9 };
	char *text;
	size_t len, n;
	uint8_t raw[200];

	hex_decode(raw, sizeof(raw), &n, RAW_ETH, strlen(RAW_ETH));
	e.raw = raw;
	e.len = n;
	snprintf(e.note, sizeof(e.note), "replaces nonce 4");
	text = pending_render(&e, 1, &len);
	CHECK(text != NULL);
	if (text) {
		char want[600];

		snprintf(want, sizeof(want), "9 %s replaces nonce 4\n", RAW_ETH);
		CHECK_MSG(strstr(text, want) != NULL, "%s", text);
		free(text);
	}
}

static void test_refuses_bad_lines(void)
{
	static const char *const bad[] = { "x 0x02\n", "12\n", "12 02f874\n", "12 0xzz\n", "-1 0x02\n" };
	struct pending_list l;
	char err[200];

	for (size_t i = 0; i < TEST_COUNT(bad); i++) {
		char text[100];

		snprintf(text, sizeof(text), "# head\n%s", bad[i]);
		CHECK_MSG(pending_parse(&l, text, strlen(text), err, sizeof(err)) == -1, "accepted: %s", bad[i]);
		CHECK_MSG(strstr(err, "line 2") != NULL, "%s", err);
	}
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		{ "reads cast-signed transactions", test_reads_cast_signed_transactions },
		{ "an ERC-20 transfer is decoded", test_token_transfer_is_decoded },
		{ "renders the documented format", test_render_is_read_back_by_the_documented_format },
		{ "refuses bad lines by number", test_refuses_bad_lines },
	};

	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
