/*
 * The money arithmetic of sending: fee levels from a fee history, legacy
 * levels, "max", totals, replacement bumps, EIP-681 links. Exact to the wei.
 */
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "tests/lib/test.h"
#include "wallet/fees.h"

static struct u256 u(uint64_t v)
{
	return u256_from_u64(v);
}

static bool eq(struct u256 a, uint64_t b)
{
	return u256_cmp(a, u(b)) == 0;
}

/* A history of 5 blocks with rewards per level (10/50/90th) and base fees. */
static void mk_history(struct eth_fee_history *h, const uint64_t rewards[][3], size_t blocks, uint64_t next_base)
{
	memset(h, 0, sizeof(*h));
	h->block_count = blocks;
	h->base_fee_count = blocks + 1;
	h->percentile_count = 3;
	h->base_fee = calloc(blocks + 1, sizeof(struct u256));
	h->reward = calloc(blocks * 3, sizeof(struct u256));
	for (size_t b = 0; b < blocks; b++) {
		h->base_fee[b] = u(next_base);
		for (size_t p = 0; p < 3; p++)
			h->reward[b * 3 + p] = u(rewards[b][p]);
	}
	h->base_fee[blocks] = u(next_base);
}

static void free_history(struct eth_fee_history *h)
{
	free(h->base_fee);
	free(h->reward);
}

static void levels_take_the_median_tip_per_percentile(void)
{
	static const uint64_t r[5][3] = { { 1, 5, 90 }, { 3, 7, 20 }, { 2, 6, 30 }, { 9, 8, 40 }, { 4, 2, 50 } };
	struct eth_fee_history h;
	struct fee_suggestion s;

	mk_history(&h, r, 5, 1000);
	CHECK_INT(fees_suggest_1559(&h, &s), 0);
	CHECK(s.eip1559);
	CHECK(eq(s.base_fee, 1000));
	CHECK(eq(s.priority_fee[FEE_SLOW], 3));   /* 1 2 3 4 9 */
	CHECK(eq(s.priority_fee[FEE_NORMAL], 6)); /* 2 5 6 7 8 */
	CHECK(eq(s.priority_fee[FEE_FAST], 40));  /* 20 30 40 50 90 */
	CHECK(eq(s.max_fee[FEE_NORMAL], 2006));   /* 2 × base + tip */
	free_history(&h);
}

static void empty_blocks_still_give_a_tip_above_zero(void)
{
	static const uint64_t r[3][3] = { { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 } };
	struct eth_fee_history h;
	struct fee_suggestion s;

	mk_history(&h, r, 3, 7);
	CHECK_INT(fees_suggest_1559(&h, &s), 0);
	CHECK(eq(s.priority_fee[FEE_SLOW], 1)); /* a zero tip stalls: 1 wei at least */
	CHECK(eq(s.priority_fee[FEE_NORMAL], 1));
	CHECK(eq(s.priority_fee[FEE_FAST], 1));
	CHECK(eq(s.max_fee[FEE_FAST], 15));
	free_history(&h);
}

/*
 * An eth_feeHistory answer in the shape anvil gives on a chain that mines
 * every second: one block paid 2 gwei, the others were empty. The slow tip
 * was the median of mostly-zero rewards, 0, which stalls on a real chain.
 */
static void slow_is_floored_at_what_blocks_paid(void)
{
	static const char json[] =
		"{\"oldestBlock\":\"0x10\",\"baseFeePerGas\":[\"0x7\",\"0x7\",\"0x7\",\"0x7\",\"0x7\",\"0x7\"],"
		"\"gasUsedRatio\":[0.0,0.0,0.0007,0.0,0.0],"
		"\"reward\":[[\"0x0\",\"0x0\",\"0x0\"],[\"0x0\",\"0x0\",\"0x0\"],"
		"[\"0x77359400\",\"0x77359400\",\"0x77359400\"],[\"0x0\",\"0x0\",\"0x0\"],[\"0x0\",\"0x0\",\"0x0\"]]}";
	cJSON *j = cJSON_Parse(json);
	struct eth_fee_history h;
	struct fee_suggestion s;

	CHECK(j != NULL);
	CHECK_INT(eth_decode_fee_history(j, &h, NULL, 0), 0);
	CHECK_INT(fees_suggest_1559(&h, &s), 0);
	CHECK(eq(s.priority_fee[FEE_SLOW], 2000000000));
	CHECK(eq(s.priority_fee[FEE_NORMAL], 2000000000));
	CHECK(eq(s.max_fee[FEE_SLOW], 2000000014));
	eth_fee_history_free(&h);
	cJSON_Delete(j);

	/* Blocks with transactions, some of them tipping 0 at the 10th percentile: the least paid is the floor. */
	{
		static const uint64_t r[3][3] = { { 0, 5, 9 }, { 0, 6, 9 }, { 4, 7, 9 } };

		mk_history(&h, r, 3, 10);
		CHECK_INT(fees_suggest_1559(&h, &s), 0);
		CHECK(eq(s.priority_fee[FEE_SLOW], 4));
		CHECK(eq(s.priority_fee[FEE_NORMAL], 6));
		free_history(&h);
	}
}

static void levels_never_invert(void)
{
	static const uint64_t r[1][3] = { { 50, 10, 5 } };
	struct eth_fee_history h;
	struct fee_suggestion s;

	mk_history(&h, r, 1, 100);
	CHECK_INT(fees_suggest_1559(&h, &s), 0);
	CHECK(u256_cmp(s.priority_fee[FEE_NORMAL], s.priority_fee[FEE_SLOW]) >= 0);
	CHECK(u256_cmp(s.priority_fee[FEE_FAST], s.priority_fee[FEE_NORMAL]) >= 0);
	free_history(&h);
}

static void history_without_base_fees_is_refused(void)
{
	struct eth_fee_history h;
	struct fee_suggestion s;

	memset(&h, 0, sizeof(h));
	CHECK_INT(fees_suggest_1559(&h, &s), -1);
}

static void legacy_levels_round_up(void)
{
	struct fee_suggestion s;

	fees_suggest_legacy(u(1000000001), &s);
	CHECK(!s.eip1559);
	CHECK(eq(s.gas_price[FEE_SLOW], 1000000001));
	CHECK(eq(s.gas_price[FEE_NORMAL], 1100000002)); /* 1100000001.1 rounds up */
	CHECK(eq(s.gas_price[FEE_FAST], 1250000002));   /* 1250000001.25 rounds up */
}

static void max_leaves_exactly_the_fee(void)
{
	struct u256 out;

	CHECK_INT(fees_max_amount(u(1000000), 21000, u(10), &out), CD_OK);
	CHECK(eq(out, 1000000 - 210000));
	CHECK_INT(fees_max_amount(u(1000), 21000, u(10), &out), CD_ERANGE);
}

static void total_is_fee_plus_value(void)
{
	struct u256 out;

	CHECK_INT(fees_total(21000, u(3), u(5), &out), CD_OK);
	CHECK(eq(out, 63005));
}

static void bump_is_ten_percent_plus_one_wei_or_more(void)
{
	struct u256 out;

	CHECK_INT(fees_bump(u(100), u(0), &out), CD_OK);
	CHECK(eq(out, 111));
	CHECK_INT(fees_bump(u(105), u(0), &out), CD_OK);
	CHECK(eq(out, 117)); /* 115.5 → 116, + 1 */
	CHECK_INT(fees_bump(u(100), u(500), &out), CD_OK);
	CHECK(eq(out, 500));
	CHECK_INT(fees_bump(u(0), u(0), &out), CD_OK);
	CHECK(eq(out, 1));
}

static void eip681_link_names_address_chain_and_value(void)
{
	uint8_t a[20];
	char buf[160];

	CHECK_INT(hex_decode_exact(a, 20, "f39fd6e51aad88f6f4ce6ab8827279cfffb92266", 40), CD_OK);
	CHECK(fees_eip681(buf, sizeof(buf), a, 31337, u(0)) > 0);
	CHECK_STR(buf, "ethereum:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266@31337");
	CHECK(fees_eip681(buf, sizeof(buf), a, 1, u(1500)) > 0);
	CHECK_STR(buf, "ethereum:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266@1?value=1500");
	CHECK_INT(fees_eip681(buf, 20, a, 1, u(0)), -1);
}

static const struct test_case cases[] = {
	{ "levels_take_the_median_tip_per_percentile", levels_take_the_median_tip_per_percentile },
	{ "empty_blocks_still_give_a_tip_above_zero", empty_blocks_still_give_a_tip_above_zero },
	{ "slow_is_floored_at_what_blocks_paid", slow_is_floored_at_what_blocks_paid },
	{ "levels_never_invert", levels_never_invert },
	{ "history_without_base_fees_is_refused", history_without_base_fees_is_refused },
	{ "legacy_levels_round_up", legacy_levels_round_up },
	{ "max_leaves_exactly_the_fee", max_leaves_exactly_the_fee },
	{ "total_is_fee_plus_value", total_is_fee_plus_value },
	{ "bump_is_ten_percent_plus_one_wei_or_more", bump_is_ten_percent_plus_one_wei_or_more },
	{ "eip681_link_names_address_chain_and_value", eip681_link_names_address_chain_and_value },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
