/*
 * The proof-of-work issuance the wallet counts as a mainnet block's reward
 * (history_pow_reward), against the figures of the protocol's own documents:
 * 5 ETH from Frontier (yellow paper), 3 ETH from Byzantium at block 4,370,000
 * (EIP-649), 2 ETH from Constantinople at block 7,280,000 (EIP-1234), none from
 * the merge at block 15,537,394 (EIP-3675), and 1/32 of it for each uncle the
 * block includes (yellow paper, section 11.3).
 */
#include <string.h>

#include "common/history.h"
#include "tests/lib/test.h"

static const char *eth(struct u256 v)
{
	static char buf[100];

	u256_format_units(v, 18, buf, sizeof(buf));
	return buf;
}

static void schedule_at_the_forks(void)
{
	CHECK_STR(eth(history_pow_reward(1, 0)), "5");
	CHECK_STR(eth(history_pow_reward(4369999, 0)), "5");
	CHECK_STR(eth(history_pow_reward(4370000, 0)), "3");
	CHECK_STR(eth(history_pow_reward(7279999, 0)), "3");
	CHECK_STR(eth(history_pow_reward(7280000, 0)), "2");
	CHECK_STR(eth(history_pow_reward(15537393, 0)), "2");
	CHECK_STR(eth(history_pow_reward(15537394, 0)), "0");
	CHECK_STR(eth(history_pow_reward(20000000, 2)), "0");
}

static void each_uncle_adds_a_thirty_second(void)
{
	CHECK_STR(eth(history_pow_reward(100, 1)), "5.15625");
	CHECK_STR(eth(history_pow_reward(100, 2)), "5.3125");
	CHECK_STR(eth(history_pow_reward(5000000, 1)), "3.09375");
	CHECK_STR(eth(history_pow_reward(8000000, 2)), "2.125");
}

static const struct test_case cases[] = {
	{ "schedule_at_the_forks", schedule_at_the_forks },
	{ "each_uncle_adds_a_thirty_second", each_uncle_adds_a_thirty_second },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
