/*
 * Rewards of a fee recipient against a real anvil. Started by
 * tests/integration/rewards.sh, which sets:
 *   ANVIL_URL          the node
 *   REWARDS_ADDRESS    the fee recipient under test (anvil_setCoinbase)
 *   REWARDS_HEAD       the head block (hex)
 *   REWARDS_EXPECTED   one line per block the address was fee recipient of:
 *                      block wei, where wei is the node's own answer: the
 *                      address's balance at the block minus at the block before
 *   REWARDS_VECTOR_URL a stand-in node serving the execution-apis Shanghai
 *                      block (0x27), whose one withdrawal pays 100 gwei to
 *                      0x3ae75c08b4c907eb63a8960c45b86e1e9ab6123c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/history.h"
#include "common/loop.h"
#include "common/rpc.h"
#include "tests/lib/test.h"
#include "tests/lib/nodeclient.h"

enum { MAX_BLOCKS = 64 };

static struct loop *L;
static struct rpc_client *C;
static uint8_t target[ETH_ADDR_LEN];
static uint64_t head;
static uint64_t exp_block[MAX_BLOCKS];
static struct u256 exp_wei[MAX_BLOCKS];
static size_t nexp;

struct run {
	struct history_rewards *r;
	bool done;
	int status, calls;
	char message[256];
	struct history_reward got[MAX_BLOCKS * 2];
	size_t n;
};

static void on_done(void *ud, int status, const char *message, const struct history_reward *r, size_t n)
{
	struct run *run = ud;

	run->calls++;
	run->done = true;
	run->status = status;
	snprintf(run->message, sizeof(run->message), "%s", message);
	for (size_t i = 0; i < n && run->n < TEST_COUNT(run->got); i++)
		run->got[run->n++] = r[i];
	history_rewards_cancel(run->r); /* frees it from inside its own callback */
	run->r = NULL;
}

static void search(struct run *run, uint64_t from, uint64_t to)
{
	struct history_rewards_opts o = { .from = from, .to = to, .chain_id = 31337, .on_done = on_done, .ud = run };

	memset(run, 0, sizeof(*run));
	memcpy(o.address, target, ETH_ADDR_LEN);
	run->r = history_rewards_start(C, &o);
	CHECK(run->r != NULL);
	for (int i = 0; run->r && !run->done && i < 400; i++)
		loop_run_once(L, 50);
	CHECK(run->done);
	CHECK_INT(run->calls, 1);
}

/* Every block the address was fee recipient of, newest first, each crediting exactly what the node's balances say. */
static void rewards_equal_the_nodes_balance_change(void)
{
	static struct run run;
	bool tips_seen = false;

	search(&run, 0, head);
	CHECK_MSG(run.status == HISTORY_OK, "status %d: %s", run.status, run.message);
	CHECK_INT(run.n, nexp);
	for (size_t i = 0; i < run.n && i < nexp; i++) {
		char got[80], want[80];

		CHECK_INT(run.got[i].block_number, exp_block[i]);
		CHECK(run.got[i].fee_recipient);
		CHECK(run.got[i].block_reward_known);
		CHECK(u256_is_zero(run.got[i].withdrawals)); /* anvil pays none */
		u256_format_dec(run.got[i].total, got, sizeof(got));
		u256_format_dec(exp_wei[i], want, sizeof(want));
		CHECK_MSG(strcmp(got, want) == 0, "block %llu: reward %s wei, the node's balance moved %s",
		          (unsigned long long)exp_block[i], got, want);
		tips_seen |= !u256_is_zero(run.got[i].tips);
	}
	CHECK(tips_seen); /* the test is about something: some block paid tips */
}

/* A range that holds none of the address's blocks finds nothing, and says so without error. */
static void a_range_without_its_blocks_is_empty(void)
{
	static struct run run;

	if (!nexp || exp_block[nexp - 1] == 0)
		return;
	search(&run, 0, exp_block[nexp - 1] - 1);
	CHECK_INT(run.status, HISTORY_OK);
	CHECK_INT(run.n, 0);
}

/* Blocks past the head are not there: an error with a message, not a silent empty list. */
static void a_range_past_the_head_fails_clearly(void)
{
	static struct run run;

	search(&run, head, head + 5);
	CHECK(run.status != HISTORY_OK);
	CHECK(run.message[0] != '\0');
}

static void cancel_before_the_end_runs_no_callback(void)
{
	struct history_rewards_opts o = { .from = 0, .to = head, .on_done = on_done };
	static struct run run;

	memset(&run, 0, sizeof(run));
	o.ud = &run;
	memcpy(o.address, target, ETH_ADDR_LEN);
	run.r = history_rewards_start(C, &o);
	CHECK(run.r != NULL);
	history_rewards_cancel(run.r);
	for (int i = 0; i < 10; i++)
		loop_run_once(L, 20);
	CHECK_INT(run.calls, 0);
}

/* Withdrawals (EIP-4895) to the address count, in wei; the block's fee recipient is someone else. */
static void withdrawals_of_the_recorded_shanghai_block(void)
{
	const char *url = getenv("REWARDS_VECTOR_URL");
	struct rpc_opts ro = { .url = url, .timeout_ms = 5000 };
	struct history_rewards_opts o = { .from = 0x27, .to = 0x27, .chain_id = 1, .on_done = on_done };
	struct rpc_client *vc;
	static struct run run;
	char err[256], got[80];

	CHECK(url != NULL);
	vc = url ? rpc_client_new(L, &ro, err, sizeof(err)) : NULL;
	CHECK(vc != NULL);
	if (!vc)
		return;
	for (int pass = 0; pass < 2; pass++) {
		memset(&run, 0, sizeof(run));
		o.ud = &run;
		/* The withdrawal's address, then one the block does not pay. */
		hex_decode_exact(o.address, ETH_ADDR_LEN, pass ? "0x3ae75c08b4c907eb63a8960c45b86e1e9ab6123d"
		                                               : "0x3ae75c08b4c907eb63a8960c45b86e1e9ab6123c", 42);
		run.r = history_rewards_start(vc, &o);
		CHECK(run.r != NULL);
		for (int i = 0; run.r && !run.done && i < 200; i++)
			loop_run_once(L, 50);
		CHECK_MSG(run.status == HISTORY_OK, "status %d: %s", run.status, run.message);
		CHECK_INT(run.n, pass ? 0 : 1);
		if (pass || run.n != 1)
			continue;
		CHECK_INT(run.got[0].block_number, 0x27);
		CHECK(!run.got[0].fee_recipient);
		u256_format_dec(run.got[0].withdrawals, got, sizeof(got));
		CHECK_STR(got, "100000000000");
		u256_format_dec(run.got[0].total, got, sizeof(got));
		CHECK_STR(got, "100000000000");
		CHECK(u256_is_zero(run.got[0].tips));
	}
	rpc_client_free(vc);
}

static const struct test_case cases[] = {
	{ "withdrawals_of_the_recorded_shanghai_block", withdrawals_of_the_recorded_shanghai_block },
	{ "rewards_equal_the_nodes_balance_change", rewards_equal_the_nodes_balance_change },
	{ "a_range_without_its_blocks_is_empty", a_range_without_its_blocks_is_empty },
	{ "a_range_past_the_head_fails_clearly", a_range_past_the_head_fails_clearly },
	{ "cancel_before_the_end_runs_no_callback", cancel_before_the_end_runs_no_callback },
};

static void load_expected(const char *path)
{
	FILE *f = fopen(path, "r");
	char wei[100];
	unsigned long long b;

	if (!f)
		return;
	while (nexp < MAX_BLOCKS && fscanf(f, "%llu %99s", &b, wei) == 2) {
		exp_block[nexp] = b;
		if (u256_parse_dec(&exp_wei[nexp], wei, strlen(wei)) != CD_OK)
			break;
		nexp++;
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *url = getenv("ANVIL_URL"), *addr = getenv("REWARDS_ADDRESS");
	const char *exp = getenv("REWARDS_EXPECTED"), *hd = getenv("REWARDS_HEAD");
	int rc;

	if (!url || !addr || !exp || !hd) {
		printf("run through tests/integration/rewards.sh\n");
		return 2;
	}
	if (hex_decode_exact(target, ETH_ADDR_LEN, addr, strlen(addr)) != CD_OK ||
	    hex_parse_u64(&head, hd, strlen(hd)) != CD_OK) {
		printf("bad REWARDS_ADDRESS or REWARDS_HEAD\n");
		return 2;
	}
	load_expected(exp);
	if (nexp < 2) {
		printf("only %zu expected blocks in %s\n", nexp, exp);
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	L = loop_new();
	C = test_node_client(L, "ANVIL_URL", (struct rpc_opts){ .timeout_ms = 10000 }, "tests/integration/rewards.sh");
	rc = test_main(argc, argv, cases, TEST_COUNT(cases));
	rpc_client_free(C);
	loop_free(L);
	curl_global_cleanup();
	return rc;
}
