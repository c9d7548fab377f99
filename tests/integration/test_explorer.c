/*
 * The explorer model against real anvils. Started by tests/integration/explorer.sh, which sets:
 *   ANVIL_URL         an auto-mining anvil holding the ERC-20 and the transactions below
 *   TOKEN             the ERC-20 (CDT, 18 decimals)
 *   ACCOUNT0          the deployer, sender of the transfer
 *   ACCOUNT1          the transfer's recipient (it holds nothing else of the token)
 *   TRANSFER_TX       ACCOUNT0 -> ACCOUNT1, TRANSFER_AMOUNT base units of the token
 *   TRANSFER_AMOUNT   decimal
 *   FAIL_TX           failWithReason(): reverts with Error("Token: always fails")
 *   PANIC_TX          failWithPanic(0): reverts with Panic(0x12)
 *   REORG_URL         an auto-mining anvil this test reorganises (snapshot/revert, anvil_reorg)
 *   IPC_PATH          the IPC socket of a third anvil; IPC_HTTP_URL the same anvil over HTTP
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "common/abi.h"
#include "common/config.h"
#include "common/hex.h"
#include "common/loop.h"
#include "common/rpc.h"
#include "explorer/explorer.h"
#include "common/tokens.h"
#include "tests/lib/test.h"

static struct loop *L;
static const char *anvil_url, *reorg_url, *ipc_path, *ipc_http_url;
static uint8_t token[20], account0[20], account1[20];
static uint8_t transfer_tx[32], fail_tx[32], panic_tx[32];
static struct u256 transfer_amount;

/* ---- driving the loop ---- */

/* Runs the loop until pred(ud) holds or timeout_ms passes; true if it held. */
static bool wait_until(bool (*pred)(void *ud), void *ud, uint64_t timeout_ms)
{
	uint64_t end = loop_now_ms() + timeout_ms;

	for (;;) {
		if (pred(ud))
			return true;
		if (loop_now_ms() >= end)
			return false;
		loop_run_once(L, 20);
	}
}

/* ---- direct calls to a node (to drive it and to know the truth) ---- */

struct answer {
	bool done;
	int status;               /* transport */
	int reply_status;
	char text[4096];          /* the result as JSON text, strings bare */
};

static void on_answer(void *ud, const struct rpc_response *res)
{
	struct answer *a = ud;

	a->done = true;
	a->status = res->status;
	a->reply_status = res->n ? res->reply[0].status : -1;
	a->text[0] = '\0';
	if (res->status == RPC_OK && res->n && res->reply[0].status == RPC_OK) {
		const cJSON *r = res->reply[0].result;

		if (cJSON_IsString(r)) {
			snprintf(a->text, sizeof(a->text), "%s", r->valuestring);
		} else {
			char *s = cJSON_PrintUnformatted(r);

			snprintf(a->text, sizeof(a->text), "%s", s ? s : "");
			free(s);
		}
	}
}

static bool answered(void *ud)
{
	return ((struct answer *)ud)->done;
}

static struct rpc_client *client(const char *url)
{
	struct rpc_opts o = { .url = url, .timeout_ms = 10000, .connections = 2 };
	char err[256];
	struct rpc_client *c = rpc_client_new(L, &o, err, sizeof(err));

	if (!c) {
		printf("rpc client for %s: %s\n", url, err);
		exit(2);
	}
	return c;
}

/* Calls method with params given as JSON text; true when the node answered with a result. */
static bool call(const char *url, const char *method, const char *params, char *out, size_t cap)
{
	struct rpc_client *c = client(url);
	struct answer a = { 0 };
	cJSON *p = params ? cJSON_Parse(params) : NULL;
	bool ok;

	if (params && !p) {
		rpc_client_free(c);
		test_fail(__FILE__, __LINE__, "bad params %s", params);
		return false;
	}
	ok = rpc_call(c, method, p, on_answer, &a) > 0 && wait_until(answered, &a, 10000) && a.status == RPC_OK &&
	     a.reply_status == RPC_OK;
	rpc_client_free(c);
	if (!ok)
		test_fail(__FILE__, __LINE__, "%s %s failed", method, params ? params : "[]");
	if (out && cap)
		snprintf(out, cap, "%s", ok ? a.text : "");
	return ok;
}

static uint64_t node_head(const char *url)
{
	char t[64];
	uint64_t n = 0;

	if (call(url, "eth_blockNumber", NULL, t, sizeof(t)))
		hex_parse_u64(&n, t, strlen(t));
	return n;
}

/* The hash of block n on the node now; false when it has none. */
static bool node_block_hash(const char *url, uint64_t n, uint8_t hash[32])
{
	char params[64], t[4096];
	cJSON *j;
	const cJSON *h;
	bool ok = false;

	snprintf(params, sizeof(params), "[\"0x%" PRIx64 "\", false]", n);
	if (!call(url, "eth_getBlockByNumber", params, t, sizeof(t)))
		return false;
	j = cJSON_Parse(t);
	h = cJSON_GetObjectItemCaseSensitive(j, "hash");
	if (cJSON_IsString(h))
		ok = hex_decode_exact(hash, 32, h->valuestring, strlen(h->valuestring)) == CD_OK;
	cJSON_Delete(j);
	return ok;
}

static void mine(const char *url, unsigned blocks)
{
	char p[32];

	snprintf(p, sizeof(p), "[\"0x%x\"]", blocks);
	call(url, "anvil_mine", p, NULL, 0);
}

/* ---- explorers ---- */

struct watched {
	struct explorer *e;
	int changes;
};

static void on_changed(void *ud)
{
	((struct watched *)ud)->changes++;
}

static struct config_node node_cfg;
static struct config cfg;

static void explorer_start(struct watched *w, const char *url, long refresh_ms)
{
	char err[256];

	memset(w, 0, sizeof(*w));
	config_init(&cfg);
	cfg.refresh_ms = refresh_ms;
	memset(&node_cfg, 0, sizeof(node_cfg));
	node_cfg.name = "test";
	node_cfg.url = (char *)url;
	node_cfg.connections = 4;
	w->e = explorer_new(L, &cfg, &node_cfg, on_changed, w, err, sizeof(err));
	if (!w->e) {
		printf("explorer_new(%s): %s\n", url, err);
		exit(2);
	}
}

static void explorer_stop(struct watched *w)
{
	explorer_free(w->e);
	w->e = NULL;
}

struct head_want {
	struct explorer *e;
	uint64_t number;
};

static bool head_reached(void *ud)
{
	struct head_want *h = ud;
	uint64_t n;

	return explorer_head(h->e, &n) && n >= h->number && explorer_block_count(h->e) > 0 &&
	       explorer_block(h->e, 0)->number >= h->number;
}

/*
 * Over HTTP the explorer installs its block filter at its second follow step,
 * one refresh period after the first, and nothing outside the model shows
 * when that happened: before a test makes blocks it wants to see arrive, the
 * head is reached and then the loop runs for several refresh periods.
 */
static void follow_settled(struct explorer *e, uint64_t head, long refresh_ms)
{
	struct head_want hw = { .e = e, .number = head };
	uint64_t end;

	CHECK_MSG(wait_until(head_reached, &hw, 10000), "the explorer did not reach head %" PRIu64, head);
	end = loop_now_ms() + 5 * (uint64_t)refresh_ms;
	while (loop_now_ms() < end)
		loop_run_once(L, 20);
}

static bool doc_settled(void *ud)
{
	return explorer_doc(ud)->state != DOC_LOADING;
}

/* Opens t and waits until the document is no longer loading; returns the state. */
static enum explorer_doc_state open_and_wait(struct explorer *e, const struct explorer_target *t)
{
	explorer_open(e, t);
	if (!wait_until(doc_settled, e, 10000))
		test_fail(__FILE__, __LINE__, "the document is still loading after 10 s");
	return explorer_doc(e)->state;
}

static const struct explorer_block_row *canonical_row(struct explorer *e, uint64_t number)
{
	for (size_t i = 0; i < explorer_block_count(e); i++) {
		const struct explorer_block_row *r = explorer_block(e, i);

		if (r->number == number && !r->replaced)
			return r;
	}
	return NULL;
}

static const char *hex32(const uint8_t *h)
{
	static char buf[4][70];
	static int k;

	k = (k + 1) % 4;
	hex_encode(buf[k], sizeof(buf[k]), h, 32, 1);
	return buf[k];
}

/* ---- the live list ---- */

static void reaches_the_head_and_lists_rows(void)
{
	struct watched w;
	uint64_t head = node_head(anvil_url), n = 0;
	struct head_want want = { .number = head };
	size_t count;

	explorer_start(&w, anvil_url, 200);
	want.e = w.e;
	CHECK_MSG(wait_until(head_reached, &want, 10000), "the explorer did not reach head %" PRIu64, head);
	CHECK(explorer_head(w.e, &n));
	CHECK_INT(n, head);
	count = explorer_block_count(w.e);
	/* every block from genesis to the head, up to the backfill */
	CHECK_INT(count, head + 1 < 40 ? head + 1 : 40);
	for (size_t i = 0; i < count; i++) {
		const struct explorer_block_row *r = explorer_block(w.e, i);
		uint8_t h[32];

		CHECK_MSG(r->number == head - i, "row %zu is block %" PRIu64, i, r->number);
		CHECK(!r->replaced);
		CHECK(node_block_hash(anvil_url, r->number, h));
		CHECK_MSG(memcmp(h, r->hash, 32) == 0, "row %zu hash %s", i, hex32(r->hash));
		if (i + 1 < count)
			CHECK_MSG(memcmp(r->parent, explorer_block(w.e, i + 1)->hash, 32) == 0, "row %zu parent", i);
		CHECK(r->gas_limit > 0);
		CHECK(r->has_base_fee);
		CHECK(r->has_miner);
	}
	CHECK_INT(explorer_reorgs(w.e), 0);
	CHECK_STR(explorer_follow_error(w.e), "");
	/* over HTTP: a block filter */
	CHECK_INT(explorer_follow_mode(w.e), FOLLOW_FILTER);

	/* the transfer's block shows one transaction */
	{
		char params[80], t[4096];
		cJSON *j;
		uint64_t bn = 0;
		const struct explorer_block_row *r;

		snprintf(params, sizeof(params), "[\"%s\"]", hex32(transfer_tx));
		CHECK(call(anvil_url, "eth_getTransactionReceipt", params, t, sizeof(t)));
		j = cJSON_Parse(t);
		if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "blockNumber")))
			hex_parse_u64(&bn, cJSON_GetObjectItemCaseSensitive(j, "blockNumber")->valuestring,
			              strlen(cJSON_GetObjectItemCaseSensitive(j, "blockNumber")->valuestring));
		cJSON_Delete(j);
		r = canonical_row(w.e, bn);
		CHECK_MSG(r && r->tx_count == 1 && r->gas_used > 0, "block %" PRIu64 " row", bn);
	}

	/* new blocks arrive */
	follow_settled(w.e, head, 200);
	mine(anvil_url, 1);
	want.number = head + 1;
	CHECK_MSG(wait_until(head_reached, &want, 5000), "block %" PRIu64 " did not arrive", head + 1);
	mine(anvil_url, 3);
	want.number = head + 4;
	CHECK_MSG(wait_until(head_reached, &want, 5000), "block %" PRIu64 " did not arrive", head + 4);
	CHECK(canonical_row(w.e, head + 2) && canonical_row(w.e, head + 3));
	CHECK_INT(explorer_reorgs(w.e), 0);
	explorer_stop(&w);
}

/*
 * The first follow step reads the head, the second installs the block filter.
 * A block mined in between is older than the filter, which never reports it:
 * the explorer must still come to it (the node may auto-mine and make no
 * further block for a long time).
 */
static void block_mined_before_the_filter_is_installed_is_seen(void)
{
	struct watched w;
	uint64_t head = node_head(anvil_url);
	struct head_want hw = { .number = head };

	explorer_start(&w, anvil_url, 2000);
	hw.e = w.e;
	CHECK_MSG(wait_until(head_reached, &hw, 1500), "the explorer did not reach head %" PRIu64 " before its filter",
	          head);
	mine(anvil_url, 1);
	hw.number = head + 1;
	CHECK_MSG(wait_until(head_reached, &hw, 10000),
	          "block %" PRIu64 ", mined before the block filter was installed, not shown after 5 refresh periods",
	          head + 1);
	explorer_stop(&w);
}

/* ---- transactions ---- */

struct token_wait {
	struct explorer *e;
	struct token_meta meta;
};

static bool token_known(void *ud)
{
	struct token_wait *t = ud;

	return tokens_get(explorer_tokens(t->e), token, &t->meta) == TOKENS_KNOWN;
}

static bool block_time_in(void *ud)
{
	return explorer_doc(ud)->has_block_time;
}

static void transfer_decodes_as_erc20(void)
{
	struct watched w;
	struct explorer_target t = { .kind = DOC_TX };
	const struct explorer_doc *d;
	struct abi_token_event ev;
	struct token_wait tw;
	char amt[96];

	explorer_start(&w, anvil_url, 200);
	memcpy(t.hash, transfer_tx, 32);
	CHECK_INT(open_and_wait(w.e, &t), DOC_READY);
	d = explorer_doc(w.e);
	if (d->state != DOC_READY) {
		printf("  message: %s\n", d->message);
		explorer_stop(&w);
		return;
	}
	CHECK_INT(d->target.kind, DOC_TX);
	CHECK(memcmp(d->tx.hash, transfer_tx, 32) == 0);
	CHECK(memcmp(d->tx.from, account0, 20) == 0);
	CHECK(d->tx.has_to && memcmp(d->tx.to, token, 20) == 0);
	CHECK(d->tx.input_len == 68 && memcmp(d->tx.input, "\xa9\x05\x9c\xbb", 4) == 0);
	CHECK(d->has_receipt);
	CHECK(d->receipt.has_status && d->receipt.status == 1);
	CHECK_INT(d->revert_state, REVERT_NONE);
	CHECK_INT(d->receipt.log_count, 1);
	if (d->receipt.log_count == 1) {
		CHECK_INT(abi_decode_token_log(&d->receipt.logs[0], &ev), CD_OK);
		CHECK_INT(ev.kind, ABI_TOKEN_ERC20_TRANSFER);
		CHECK_STR(abi_token_kind_name(ev.kind), "ERC-20 Transfer");
		CHECK(memcmp(ev.token.b, token, 20) == 0);
		CHECK(memcmp(ev.from.b, account0, 20) == 0);
		CHECK(memcmp(ev.to.b, account1, 20) == 0);
		CHECK(u256_cmp(ev.amount, transfer_amount) == 0);
	}
	/* the block time comes in a second call */
	CHECK(wait_until(block_time_in, w.e, 5000));

	/* token metadata: CDT, 18 decimals, once the cache has asked */
	tw.e = w.e;
	CHECK_MSG(wait_until(token_known, &tw, 5000), "token metadata state %d", tw.meta.state);
	CHECK(tw.meta.has_symbol && tw.meta.has_decimals);
	CHECK_STR(tw.meta.symbol, "CDT");
	CHECK_INT(tw.meta.decimals, 18);
	CHECK(tw.meta.has_name && strcmp(tw.meta.name, "Chaindeck Test Token") == 0);
	CHECK(tokens_format_amount(&tw.meta, transfer_amount, amt, sizeof(amt)) > 0);
	CHECK_STR(amt, "1.5 CDT");

	/* a new head raises the confirmations without reloading the document */
	{
		uint64_t h0 = 0;
		struct head_want hw = { .e = w.e };

		explorer_head(w.e, &h0);
		follow_settled(w.e, h0, 200);
		mine(anvil_url, 1);
		hw.number = h0 + 1;
		CHECK(wait_until(head_reached, &hw, 5000));
		CHECK_INT(explorer_doc(w.e)->state, DOC_READY);
		CHECK(explorer_doc(w.e)->has_receipt);
	}
	explorer_stop(&w);
}

static void hash_search_resolves_to_the_transaction(void)
{
	struct watched w;
	struct explorer_target t;
	char err[160];

	explorer_start(&w, anvil_url, 200);
	CHECK_INT(explorer_parse_query(hex32(transfer_tx), &t, err, sizeof(err)), 0);
	CHECK_INT(t.kind, DOC_HASH);
	CHECK_INT(open_and_wait(w.e, &t), DOC_READY);
	CHECK_INT(explorer_doc(w.e)->target.kind, DOC_TX);
	CHECK(memcmp(explorer_doc(w.e)->tx.hash, transfer_tx, 32) == 0);
	explorer_stop(&w);
}

static bool revert_ready(void *ud)
{
	return explorer_doc(ud)->revert_state == REVERT_READY;
}

static void failed_tx(const uint8_t hash[32], const char *want)
{
	struct watched w;
	struct explorer_target t = { .kind = DOC_TX };
	const struct explorer_doc *d;

	explorer_start(&w, anvil_url, 200);
	memcpy(t.hash, hash, 32);
	CHECK_INT(open_and_wait(w.e, &t), DOC_READY);
	d = explorer_doc(w.e);
	CHECK(d->has_receipt && d->receipt.has_status && d->receipt.status == 0);
	CHECK_MSG(wait_until(revert_ready, w.e, 10000), "revert state %d", (int)d->revert_state);
	CHECK_MSG(strstr(d->revert, want) != NULL, "revert reason \"%s\", expected it to contain \"%s\"", d->revert, want);
	CHECK_INT(d->receipt.log_count, 0);
	explorer_stop(&w);
}

static void failed_tx_gives_the_revert_reason(void)
{
	failed_tx(fail_tx, "Token: always fails");
	failed_tx(fail_tx, "Error(string)");
}

static void panic_tx_gives_the_panic_code(void)
{
	failed_tx(panic_tx, "Panic(0x12)");
}

/* ---- blocks ---- */

static uint64_t receipt_block(const uint8_t hash[32], uint8_t block_hash[32])
{
	char params[80], t[8192];
	cJSON *j;
	const cJSON *bn, *bh;
	uint64_t n = 0;

	snprintf(params, sizeof(params), "[\"%s\"]", hex32(hash));
	if (!call(anvil_url, "eth_getTransactionReceipt", params, t, sizeof(t)))
		return 0;
	j = cJSON_Parse(t);
	bn = cJSON_GetObjectItemCaseSensitive(j, "blockNumber");
	bh = cJSON_GetObjectItemCaseSensitive(j, "blockHash");
	if (cJSON_IsString(bn))
		hex_parse_u64(&n, bn->valuestring, strlen(bn->valuestring));
	if (cJSON_IsString(bh))
		hex_decode_exact(block_hash, 32, bh->valuestring, strlen(bh->valuestring));
	cJSON_Delete(j);
	return n;
}

static bool receipts_in(void *ud)
{
	return explorer_doc(ud)->receipts != NULL;
}

static void block_by_number_lists_its_transactions(void)
{
	struct watched w;
	struct explorer_target t = { .kind = DOC_BLOCK };
	const struct explorer_doc *d;
	uint8_t bh[32] = { 0 };
	uint64_t bn = receipt_block(transfer_tx, bh);

	CHECK(bn > 0);
	explorer_start(&w, anvil_url, 200);
	t.number = bn;
	CHECK_INT(open_and_wait(w.e, &t), DOC_READY);
	d = explorer_doc(w.e);
	CHECK_INT(d->target.kind, DOC_BLOCK);
	CHECK_INT(d->block.number, bn);
	CHECK(d->block.has_hash && memcmp(d->block.hash, bh, 32) == 0);
	CHECK_INT(d->block.tx_count, 1);
	CHECK_INT(d->block.tx_kind, ETH_BLOCK_TX_FULL);
	if (d->block.tx_count == 1 && d->block.tx_kind == ETH_BLOCK_TX_FULL) {
		CHECK(memcmp(d->block.txs[0].hash, transfer_tx, 32) == 0);
		CHECK(memcmp(d->block.txs[0].from, account0, 20) == 0);
	}
	/* receipts for the fees, from eth_getBlockReceipts */
	CHECK(wait_until(receipts_in, w.e, 5000));
	if (d->receipts)
		CHECK(d->receipts[0].has_status && d->receipts[0].status == 1 && d->receipts[0].log_count == 1);

	/* the failing call's block: one transaction, its receipt says failed */
	bn = receipt_block(fail_tx, bh);
	t.number = bn;
	CHECK_INT(open_and_wait(w.e, &t), DOC_READY);
	CHECK_INT(d->block.tx_count, 1);
	CHECK(wait_until(receipts_in, w.e, 5000));
	if (d->receipts)
		CHECK(d->receipts[0].has_status && d->receipts[0].status == 0);

	/* genesis: no transactions */
	t.number = 0;
	CHECK_INT(open_and_wait(w.e, &t), DOC_READY);
	CHECK_INT(d->block.number, 0);
	CHECK_INT(d->block.tx_count, 0);
	explorer_stop(&w);
}

static void block_by_hash_and_hash_search(void)
{
	struct watched w;
	struct explorer_target t = { .kind = DOC_BLOCK, .by_hash = true };
	const struct explorer_doc *d;
	uint8_t bh[32] = { 0 };
	uint64_t bn = receipt_block(transfer_tx, bh);

	explorer_start(&w, anvil_url, 200);
	memcpy(t.hash, bh, 32);
	CHECK_INT(open_and_wait(w.e, &t), DOC_READY);
	d = explorer_doc(w.e);
	CHECK_INT(d->block.number, bn);
	CHECK_INT(d->block.tx_count, 1);

	/* a 32-byte hash that is no transaction: the block with that hash */
	memset(&t, 0, sizeof(t));
	t.kind = DOC_HASH;
	memcpy(t.hash, bh, 32);
	CHECK_INT(open_and_wait(w.e, &t), DOC_READY);
	CHECK_INT(d->target.kind, DOC_BLOCK);
	CHECK_INT(d->block.number, bn);
	CHECK(memcmp(d->block.hash, bh, 32) == 0);
	explorer_stop(&w);
}

static void missing_things_are_not_found(void)
{
	struct watched w;
	struct explorer_target t = { .kind = DOC_BLOCK };
	const struct explorer_doc *d;
	uint64_t head = node_head(anvil_url);

	explorer_start(&w, anvil_url, 200);
	d = explorer_doc(w.e);
	t.number = head + 1000;
	CHECK_INT(open_and_wait(w.e, &t), DOC_NOT_FOUND);
	CHECK_MSG(d->message[0] != '\0', "no message");

	memset(&t, 0, sizeof(t));
	t.kind = DOC_TX;
	memset(t.hash, 0xab, 32);
	CHECK_INT(open_and_wait(w.e, &t), DOC_NOT_FOUND);
	CHECK_MSG(strstr(d->message, "transaction") != NULL, "message \"%s\"", d->message);

	t.kind = DOC_HASH;   /* neither a transaction nor a block */
	CHECK_INT(open_and_wait(w.e, &t), DOC_NOT_FOUND);
	CHECK_MSG(strstr(d->message, "block") != NULL, "message \"%s\"", d->message);

	memset(&t, 0, sizeof(t));
	t.kind = DOC_BLOCK;
	t.by_hash = true;
	memset(t.hash, 0xcd, 32);
	CHECK_INT(open_and_wait(w.e, &t), DOC_NOT_FOUND);

	/* and a block that exists still opens afterwards */
	memset(&t, 0, sizeof(t));
	t.kind = DOC_BLOCK;
	t.number = 1;
	CHECK_INT(open_and_wait(w.e, &t), DOC_READY);
	CHECK_INT(d->block.number, 1);
	explorer_stop(&w);
}

/* ---- addresses ---- */

static bool address_done(void *ud)
{
	const struct explorer_doc *d = explorer_doc(ud);

	return d->state != DOC_LOADING && !d->history_running && (d->ntokens == 0 || d->tokens[0].known);
}

static void address_shows_balance_tokens_and_history(void)
{
	struct watched w;
	struct explorer_target t = { .kind = DOC_ADDRESS };
	const struct explorer_doc *d;
	bool found = false;

	explorer_start(&w, anvil_url, 200);
	memcpy(t.address, account1, 20);
	CHECK_INT(open_and_wait(w.e, &t), DOC_READY);
	d = explorer_doc(w.e);
	CHECK(d->has_balance && d->has_nonce && d->has_code);
	CHECK_INT(d->code_size, 0);
	CHECK_MSG(wait_until(address_done, w.e, 20000), "history running %d, %zu entries", d->history_running,
	          d->nhistory);
	CHECK_MSG(!d->history_failed, "history failed: %s", d->history_message);
	for (size_t i = 0; i < d->nhistory; i++) {
		const struct history_entry *h = &d->history[i];

		if (memcmp(h->tx_hash, transfer_tx, 32) == 0 && h->kind == HISTORY_TOKEN_IN) {
			found = true;
			CHECK(u256_cmp(h->value, transfer_amount) == 0);
			CHECK(memcmp(h->token, token, 20) == 0);
			CHECK(memcmp(h->from, account0, 20) == 0);
		}
	}
	CHECK_MSG(found, "the transfer is not in the history as TOKEN IN (%zu entries)", d->nhistory);
	CHECK_INT(d->ntokens, 1);
	if (d->ntokens == 1) {
		CHECK(memcmp(d->tokens[0].token, token, 20) == 0);
		CHECK(d->tokens[0].known && u256_cmp(d->tokens[0].balance, transfer_amount) == 0);
	}

	/* the token contract itself: code */
	memcpy(t.address, token, 20);
	CHECK_INT(open_and_wait(w.e, &t), DOC_READY);
	CHECK(d->has_code && d->code_size > 100);
	explorer_stop(&w);
}

/* ---- reorgs ---- */

struct reorg_want {
	struct explorer *e;
	uint64_t from, to;          /* these heights must be canonical with the node's hashes */
	uint8_t hashes[16][32];
};

static bool rows_match(void *ud)
{
	struct reorg_want *r = ud;

	if (explorer_reorgs(r->e) == 0)
		return false;
	for (uint64_t n = r->from; n <= r->to; n++) {
		const struct explorer_block_row *row = canonical_row(r->e, n);

		if (!row || memcmp(row->hash, r->hashes[n - r->from], 32) != 0)
			return false;
	}
	return true;
}

static size_t replaced_rows(struct explorer *e, const uint8_t (*old)[32], size_t nold, size_t *matching_old)
{
	size_t n = 0;

	*matching_old = 0;
	for (size_t i = 0; i < explorer_block_count(e); i++) {
		const struct explorer_block_row *r = explorer_block(e, i);

		if (!r->replaced)
			continue;
		n++;
		for (size_t k = 0; k < nold; k++)
			if (memcmp(r->hash, old[k], 32) == 0)
				(*matching_old)++;
	}
	return n;
}

struct doc_hash_want {
	struct explorer *e;
	uint8_t hash[32];
};

static bool doc_has_hash(void *ud)
{
	struct doc_hash_want *w = ud;
	const struct explorer_doc *d = explorer_doc(w->e);

	return d->state == DOC_READY && d->block.has_hash && memcmp(d->block.hash, w->hash, 32) == 0;
}

static void snapshot_revert_is_a_reorg(void)
{
	struct watched w;
	uint64_t h0 = node_head(reorg_url);
	struct head_want hw = { .number = h0 };
	struct reorg_want rw;
	struct doc_hash_want dw;
	struct explorer_target t = { .kind = DOC_BLOCK };
	uint8_t old[3][32];
	char snap[32], params[64];
	size_t nrep, nold;

	explorer_start(&w, reorg_url, 200);
	hw.e = w.e;
	follow_settled(w.e, h0, 200);
	CHECK(call(reorg_url, "evm_snapshot", NULL, snap, sizeof(snap)));
	mine(reorg_url, 3);
	hw.number = h0 + 3;
	CHECK_MSG(wait_until(head_reached, &hw, 5000), "h0+3 not seen");
	for (int i = 0; i < 3; i++) {
		const struct explorer_block_row *r = canonical_row(w.e, h0 + 1 + (uint64_t)i);

		CHECK(r != NULL);
		if (r)
			memcpy(old[i], r->hash, 32);
	}
	/* a block on screen that the reorg will replace */
	t.number = h0 + 2;
	CHECK_INT(open_and_wait(w.e, &t), DOC_READY);
	CHECK(memcmp(explorer_doc(w.e)->block.hash, old[1], 32) == 0);

	/* back to h0, then a different chain: later timestamps make different blocks at the same heights */
	snprintf(params, sizeof(params), "[\"%s\"]", snap);
	CHECK(call(reorg_url, "evm_revert", params, NULL, 0));
	CHECK_INT(node_head(reorg_url), h0);
	CHECK(call(reorg_url, "evm_increaseTime", "[100]", NULL, 0));
	mine(reorg_url, 4);

	rw.e = w.e;
	rw.from = h0 + 1;
	rw.to = h0 + 4;
	for (uint64_t n = rw.from; n <= rw.to; n++)
		CHECK(node_block_hash(reorg_url, n, rw.hashes[n - rw.from]));
	for (int i = 0; i < 3; i++)
		CHECK_MSG(memcmp(rw.hashes[i], old[i], 32) != 0, "block %" PRIu64 " kept its hash", h0 + 1 + (uint64_t)i);
	CHECK_MSG(wait_until(rows_match, &rw, 8000), "reorgs %" PRIu64 ", rows not on the new chain",
	          explorer_reorgs(w.e));
	CHECK(explorer_reorgs(w.e) > 0);
	nrep = replaced_rows(w.e, (const uint8_t (*)[32])old, 3, &nold);
	CHECK_MSG(nrep >= 3 && nold == 3, "%zu replaced rows, %zu of the old blocks among them", nrep, nold);
	/* each replaced row follows the canonical one of its height */
	for (size_t i = 0; i + 1 < explorer_block_count(w.e); i++) {
		const struct explorer_block_row *r = explorer_block(w.e, i + 1);

		if (r->replaced)
			CHECK_MSG(explorer_block(w.e, i)->number == r->number, "replaced block %" PRIu64 " is out of place",
			          r->number);
	}

	/* the block on screen was reloaded: the new block at its height */
	dw.e = w.e;
	memcpy(dw.hash, rw.hashes[1], 32);
	CHECK_MSG(wait_until(doc_has_hash, &dw, 5000), "document state %d, hash %s", explorer_doc(w.e)->state,
	          hex32(explorer_doc(w.e)->block.hash));
	CHECK_INT(explorer_doc(w.e)->block.number, h0 + 2);
	CHECK_STR(explorer_follow_error(w.e), "");
	explorer_stop(&w);
}

static void anvil_reorg_then_a_new_block(void)
{
	struct watched w;
	uint64_t h0;
	struct reorg_want rw;
	uint8_t old[3][32];
	size_t nrep, nold;

	/* some height to reorganise */
	mine(reorg_url, 5);
	h0 = node_head(reorg_url);
	explorer_start(&w, reorg_url, 200);
	follow_settled(w.e, h0, 200);
	for (int i = 0; i < 3; i++) {
		const struct explorer_block_row *r = canonical_row(w.e, h0 - 2 + (uint64_t)i);

		CHECK(r != NULL);
		if (r)
			memcpy(old[i], r->hash, 32);
	}
	/* the three newest blocks replaced at the same heights; then the chain goes on */
	CHECK(call(reorg_url, "anvil_reorg", "[3, []]", NULL, 0));
	CHECK_INT(node_head(reorg_url), h0);
	mine(reorg_url, 1);
	rw.e = w.e;
	rw.from = h0 - 2;
	rw.to = h0 + 1;
	for (uint64_t n = rw.from; n <= rw.to; n++)
		CHECK(node_block_hash(reorg_url, n, rw.hashes[n - rw.from]));
	for (int i = 0; i < 3; i++)
		CHECK_MSG(memcmp(rw.hashes[i], old[i], 32) != 0, "anvil_reorg kept block %" PRIu64, h0 - 2 + (uint64_t)i);
	CHECK_MSG(wait_until(rows_match, &rw, 8000), "reorgs %" PRIu64 ", rows not on the new chain",
	          explorer_reorgs(w.e));
	nrep = replaced_rows(w.e, (const uint8_t (*)[32])old, 3, &nold);
	CHECK_MSG(nold == 3, "%zu replaced rows, %zu of the old blocks among them", nrep, nold);
	explorer_stop(&w);
}

/*
 * anvil_reorg replaces the newest blocks at the same heights: the head number
 * does not change. The explorer re-checks the block below the newest one, so
 * it must notice without waiting for another block.
 */
static void same_height_reorg_is_seen_without_a_new_block(void)
{
	struct watched w;
	uint64_t h0;
	struct reorg_want rw;

	mine(reorg_url, 3);
	h0 = node_head(reorg_url);
	explorer_start(&w, reorg_url, 200);
	follow_settled(w.e, h0, 200);
	CHECK(call(reorg_url, "anvil_reorg", "[2, []]", NULL, 0));
	CHECK_INT(node_head(reorg_url), h0);
	rw.e = w.e;
	rw.from = h0 - 1;
	rw.to = h0;
	for (uint64_t n = rw.from; n <= rw.to; n++)
		CHECK(node_block_hash(reorg_url, n, rw.hashes[n - rw.from]));
	CHECK_MSG(wait_until(rows_match, &rw, 5000),
	          "a reorg of blocks %" PRIu64 "-%" PRIu64 " that kept the head at %" PRIu64
	          " is not shown after 25 refresh periods (reorgs seen %" PRIu64 ")",
	          h0 - 1, h0, h0, explorer_reorgs(w.e));
	explorer_stop(&w);
}

/* ---- IPC ---- */

static bool subscribed(void *ud)
{
	return explorer_follow_mode(ud) == FOLLOW_SUBSCRIPTION;
}

static void ipc_follows_by_subscription(void)
{
	struct watched w;
	struct head_want hw;
	uint64_t h0 = node_head(ipc_http_url);

	/* A refresh far longer than the test: new heads can only come by subscription. */
	explorer_start(&w, ipc_path, 60000);
	CHECK_MSG(wait_until(subscribed, w.e, 5000), "follow mode %d, error \"%s\"", explorer_follow_mode(w.e),
	          explorer_follow_error(w.e));
	hw.e = w.e;
	for (uint64_t k = 1; k <= 3; k++) {
		mine(ipc_http_url, 1);
		hw.number = h0 + k;
		CHECK_MSG(wait_until(head_reached, &hw, 5000), "head %" PRIu64 " did not arrive by subscription", h0 + k);
	}
	CHECK(canonical_row(w.e, h0 + 3) != NULL);
	CHECK(explorer_block_count(w.e) >= 4);
	CHECK_INT(explorer_follow_mode(w.e), FOLLOW_SUBSCRIPTION);
	CHECK_STR(explorer_follow_error(w.e), "");
	explorer_stop(&w);
}

/*
 * Several heads at once: notifications that come while the rows are being
 * fetched are not acted on; the periodic head check (every refresh) brings
 * the rows up to the last one. With the default refresh of 1 s that takes
 * at most about one period.
 */
static void ipc_burst_of_heads_is_not_lost(void)
{
	struct watched w;
	struct head_want hw;
	uint64_t h0 = node_head(ipc_http_url);

	explorer_start(&w, ipc_path, 1000);
	CHECK(wait_until(subscribed, w.e, 5000));
	hw.e = w.e;
	mine(ipc_http_url, 1);
	hw.number = h0 + 1;
	CHECK(wait_until(head_reached, &hw, 5000));
	/* several blocks at once: the last one's notification must bring the rows up to it */
	mine(ipc_http_url, 5);
	hw.number = h0 + 6;
	CHECK_MSG(wait_until(head_reached, &hw, 3000), "after a burst of 5 blocks the head is %" PRIu64 ", not %" PRIu64,
	          explorer_block_count(w.e) ? explorer_block(w.e, 0)->number : 0, h0 + 6);
	explorer_stop(&w);
}

static const struct test_case cases[] = {
	{"reaches_the_head_and_lists_rows", reaches_the_head_and_lists_rows},
	{"block_mined_before_the_filter_is_installed_is_seen", block_mined_before_the_filter_is_installed_is_seen},
	{"transfer_decodes_as_erc20", transfer_decodes_as_erc20},
	{"hash_search_resolves_to_the_transaction", hash_search_resolves_to_the_transaction},
	{"failed_tx_gives_the_revert_reason", failed_tx_gives_the_revert_reason},
	{"panic_tx_gives_the_panic_code", panic_tx_gives_the_panic_code},
	{"block_by_number_lists_its_transactions", block_by_number_lists_its_transactions},
	{"block_by_hash_and_hash_search", block_by_hash_and_hash_search},
	{"missing_things_are_not_found", missing_things_are_not_found},
	{"address_shows_balance_tokens_and_history", address_shows_balance_tokens_and_history},
	{"snapshot_revert_is_a_reorg", snapshot_revert_is_a_reorg},
	{"anvil_reorg_then_a_new_block", anvil_reorg_then_a_new_block},
	{"same_height_reorg_is_seen_without_a_new_block", same_height_reorg_is_seen_without_a_new_block},
	{"ipc_follows_by_subscription", ipc_follows_by_subscription},
	{"ipc_burst_of_heads_is_not_lost", ipc_burst_of_heads_is_not_lost},
};

static void need_hex(const char *name, uint8_t *out, size_t len)
{
	const char *v = getenv(name);

	if (!v || hex_decode_exact(out, len, v, strlen(v)) != CD_OK) {
		printf("%s is missing or malformed: run through tests/integration/explorer.sh\n", name);
		exit(2);
	}
}

static const char *need(const char *name)
{
	const char *v = getenv(name);

	if (!v || !v[0]) {
		printf("%s is not set: run through tests/integration/explorer.sh\n", name);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *amount;
	int rc;

	anvil_url = need("ANVIL_URL");
	reorg_url = need("REORG_URL");
	ipc_path = need("IPC_PATH");
	ipc_http_url = need("IPC_HTTP_URL");
	amount = need("TRANSFER_AMOUNT");
	need_hex("TOKEN", token, 20);
	need_hex("ACCOUNT0", account0, 20);
	need_hex("ACCOUNT1", account1, 20);
	need_hex("TRANSFER_TX", transfer_tx, 32);
	need_hex("FAIL_TX", fail_tx, 32);
	need_hex("PANIC_TX", panic_tx, 32);
	if (u256_parse_dec(&transfer_amount, amount, strlen(amount)) != CD_OK) {
		printf("TRANSFER_AMOUNT %s is not a number\n", amount);
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	L = loop_new();
	if (!L) {
		printf("no loop\n");
		return 2;
	}
	rc = test_main(argc, argv, cases, TEST_COUNT(cases));
	loop_free(L);
	curl_global_cleanup();
	return rc;
}
