/*
 * The explorer's transaction rows (explorer/txview.c) on recorded node
 * answers (tests/vectors/execution-apis): each row is checked against the
 * JSON text of the recording — hashes and addresses as the node wrote them,
 * numbers read from its hex quantities — not against our own formatter.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/address.h"
#include "common/eth.h"
#include "explorer/txview.h"
#include "tests/lib/rpcfixture.h"
#include "tests/lib/test.h"

/* The string member key of o, or "". */
static const char *str_of(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));

	return s ? s : "";
}

/* A hex quantity member ("0x13a54") as a number. */
static unsigned long long qty(const cJSON *o, const char *key)
{
	return strtoull(str_of(o, key), NULL, 16);
}

/* The row labelled label (the first one), or NULL. */
static const struct txview_row *row(const struct txview *v, const char *label)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->rows[i].label, label) == 0)
			return &v->rows[i];
	return NULL;
}

/* The value of the row labelled label, or "(no row)". */
static const char *val(const struct txview *v, const char *label)
{
	const struct txview_row *r = row(v, label);

	return r ? r->value : "(no row)";
}

/* s without its thousands separators: "80,468" -> "80468". */
static const char *digits(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (; *s && n + 1 < cap; s++)
		if (*s != ',')
			out[n++] = *s;
	out[n] = '\0';
	return out;
}

/* wei as ETH written out by hand ("0.000000000000066259"), for amounts below 1 ETH. */
static const char *small_eth(unsigned long long wei, char *out, size_t cap)
{
	char frac[19];

	snprintf(frac, sizeof(frac), "%018llu", wei);
	for (size_t n = strlen(frac); n > 0 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	snprintf(out, cap, frac[0] ? "0.%s" : "0", frac);
	return out;
}

/* The document the explorer holds for a transaction and, when receipt is given, its receipt. */
static int load(struct explorer_doc *d, const char *tx, const char *receipt, cJSON **jt, cJSON **jr)
{
	char err[ETH_ERR_MAX];
	const cJSON *t, *r;

	memset(d, 0, sizeof(*d));
	d->target.kind = DOC_TX;
	d->state = DOC_READY;
	*jr = NULL;
	t = test_rpc_result(tx, jt);
	if (!t || eth_decode_tx(t, &d->tx, err, sizeof(err)) != CD_OK)
		return -1;
	if (!receipt)
		return 0;
	r = test_rpc_result(receipt, jr);
	if (!r || eth_decode_receipt(r, &d->receipt, err, sizeof(err)) != CD_OK)
		return -1;
	d->has_receipt = true;
	return 0;
}

static void unload(struct explorer_doc *d, cJSON *jt, cJSON *jr)
{
	eth_tx_free(&d->tx);
	if (d->has_receipt)
		eth_receipt_free(&d->receipt);
	cJSON_Delete(jt);
	cJSON_Delete(jr);
}

/* A contract creation on the pre-Byzantium receipt of the recording (a state root, no status). */
static void creation_with_a_root_receipt(void)
{
	struct explorer_doc d;
	cJSON *jt, *jr;
	struct txview v;
	struct txview_ctx ctx = { .has_head = true, .head = 0x36, .now = 0xa + 65 };
	const cJSON *t, *r;
	const struct txview_row *row_block, *row_from, *row_created;
	char want[256], got[64], eth[40];

	if (load(&d, "eth_getTransactionByHash/get-legacy-input.io", "eth_getTransactionReceipt/get-legacy-contract.io",
	         &jt, &jr) < 0) {
		CHECK_MSG(0, "fixtures do not load");
		unload(&d, jt, jr);
		return;
	}
	t = cJSON_GetObjectItemCaseSensitive(jt, "result");
	r = cJSON_GetObjectItemCaseSensitive(jr, "result");
	d.has_block_time = true;
	d.block_time = qty(t, "blockTimestamp");
	CHECK_INT(txview_build(&v, &d, &ctx), 0);

	CHECK_STR(val(&v, "Transaction"), str_of(t, "hash"));
	CHECK_INT(row(&v, "Transaction")->tone, TXV_TITLE);
	/* the recording's head is 0x36: block 1 has 0x36 confirmations */
	snprintf(want, sizeof(want), "included (pre-Byzantium: no status), %llu confirmations", 0x36 - qty(r, "blockNumber") + 1);
	CHECK_STR(val(&v, "Status"), want);
	CHECK(row(&v, "Reverted") == NULL);
	row_block = row(&v, "Block");
	CHECK(row_block && row_block->has_link && row_block->link.kind == DOC_BLOCK &&
	      row_block->link.number == qty(r, "blockNumber"));
	/* the block's time (10 in the recording's context) as a UTC date, and how long ago */
	snprintf(want, sizeof(want), "#%llu, index %llu (1970-01-01 00:00:10 UTC, 1m 05s ago)", qty(r, "blockNumber"),
	         qty(r, "transactionIndex"));
	CHECK_STR(val(&v, "Block"), want);

	row_from = row(&v, "From");
	CHECK(row_from && row_from->has_link && row_from->link.kind == DOC_ADDRESS);
	CHECK_MSG(strcasecmp(val(&v, "From"), str_of(t, "from")) == 0, "From %s", val(&v, "From"));
	CHECK_STR(val(&v, "To"), "(contract creation)");
	CHECK(!row(&v, "To")->has_link);
	row_created = row(&v, "Created");
	CHECK_MSG(row_created && strcasecmp(row_created->value, str_of(r, "contractAddress")) == 0, "Created %s",
	          val(&v, "Created"));

	CHECK_STR(val(&v, "Value"), "0 ETH");
	snprintf(want, sizeof(want), "%llu   type 0 (legacy)", qty(t, "nonce"));
	CHECK_STR(val(&v, "Nonce"), want);
	/* "limit 80,468, used 66,259 (82.3%)": the figures are the recording's gas and gasUsed */
	CHECK_MSG(sscanf(val(&v, "Gas"), "limit %63[0-9,]", got) == 1 &&
	          strtoull(digits(got, want, sizeof(want)), NULL, 10) == qty(t, "gas"), "Gas %s", val(&v, "Gas"));
	CHECK_MSG(sscanf(strstr(val(&v, "Gas"), "used ") ? strstr(val(&v, "Gas"), "used ") : "", "used %63[0-9,]", got) == 1 &&
	          strtoull(digits(got, want, sizeof(want)), NULL, 10) == qty(r, "gasUsed"), "Gas %s", val(&v, "Gas"));
	/* the effective price of 1 wei, and the fee gasUsed × price in ETH */
	CHECK_STR(val(&v, "Gas price"), "0.000000001 gwei (effective)");
	snprintf(want, sizeof(want), "%s ETH", small_eth(qty(r, "gasUsed") * qty(r, "effectiveGasPrice"), eth, sizeof(eth)));
	CHECK_STR(val(&v, "Fee"), want);
	/* init code is not a call: its first four bytes are no known selector */
	snprintf(want, sizeof(want), "0x%.8s (not in the selector table), %zu bytes of input", str_of(t, "input") + 2,
	         (strlen(str_of(t, "input")) - 2) / 2);
	CHECK_STR(val(&v, "Method"), want);
	CHECK_INT(row(&v, "Method")->tone, TXV_NORMAL);
	CHECK(row(&v, "Arguments") == NULL);
	CHECK_STR(val(&v, "Logs"), "0");
	CHECK_STR(v.rows[v.n - 1].label, "Logs");
	txview_free(&v);
	unload(&d, jt, jr);
}

/* An EIP-1559 call with one log, its recipient labelled in the address book. */
static void dynamic_fee_call_with_a_log(void)
{
	struct explorer_doc d;
	cJSON *jt, *jr;
	struct txview v;
	struct addressbook *book = addressbook_new();
	struct txview_ctx ctx = { .book = book };
	const cJSON *t, *r, *lg;
	struct address to;
	char want[256], err[128];
	const struct txview_row *last;

	if (load(&d, "eth_getTransactionByHash/get-dynamic-fee.io", "eth_getTransactionReceipt/get-dynamic-fee.io",
	         &jt, &jr) < 0) {
		CHECK_MSG(0, "fixtures do not load");
		unload(&d, jt, jr);
		addressbook_free(book);
		return;
	}
	t = cJSON_GetObjectItemCaseSensitive(jt, "result");
	r = cJSON_GetObjectItemCaseSensitive(jr, "result");
	lg = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "logs"), 0);
	CHECK_INT(address_parse(&to, str_of(t, "to"), strlen(str_of(t, "to"))), CD_OK);
	CHECK_INT(addressbook_set(book, &to, "emitter", err, sizeof(err)), CD_OK);
	CHECK_INT(txview_build(&v, &d, &ctx), 0);

	/* no head known: no confirmations; no block time: no age */
	CHECK_STR(val(&v, "Status"), "success");
	CHECK_INT(row(&v, "Status")->tone, TXV_OK);
	snprintf(want, sizeof(want), "#%llu, index %llu", qty(r, "blockNumber"), qty(r, "transactionIndex"));
	CHECK_STR(val(&v, "Block"), want);
	CHECK_MSG(strncasecmp(val(&v, "To"), str_of(t, "to"), 42) == 0 && strcmp(val(&v, "To") + 42, "  (emitter)") == 0,
	          "To %s", val(&v, "To"));
	CHECK(row(&v, "To")->has_link && memcmp(row(&v, "To")->link.address, to.b, 20) == 0);
	CHECK_MSG(strncasecmp(val(&v, "From"), str_of(t, "from"), 42) == 0 && strlen(val(&v, "From")) == 42, "From %s",
	          val(&v, "From"));
	CHECK(row(&v, "Created") == NULL);
	snprintf(want, sizeof(want), "%s ETH", small_eth(qty(t, "value"), err, sizeof(err)));
	CHECK_STR(val(&v, "Value"), want);
	snprintf(want, sizeof(want), "%llu   type 2 (EIP-1559)", qty(t, "nonce"));
	CHECK_STR(val(&v, "Nonce"), want);
	/* mined: the effective price, and what the sender offered (the caps) beside it */
	CHECK(row(&v, "Fees") != NULL && strncmp(val(&v, "Fees"), "max ", 4) == 0 && strstr(val(&v, "Fees"), " gwei, tip "));
	CHECK_STR(val(&v, "Gas price"), "1.000000001 gwei (effective)");
	CHECK_STR(val(&v, "Logs"), "1");
	/* the log's topic is no event of the table: its shape, by the emitting contract */
	last = &v.rows[v.n - 1];
	CHECK_STR(last->label, "");
	CHECK(last->has_link && last->link.kind == DOC_ADDRESS);
	snprintf(want, sizeof(want), "  log by %.8s..%s, %d topics, %zu bytes", str_of(lg, "address"),
	         str_of(lg, "address") + 36, cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(lg, "topics")),
	         (strlen(str_of(lg, "data")) - 2) / 2);
	CHECK_MSG(strcasecmp(last->value, want) == 0, "%s != %s", last->value, want);
	txview_free(&v);
	unload(&d, jt, jr);
	addressbook_free(book);
}

/* Without a receipt: pending, the offered fees, and nothing about a block or logs. */
static void pending_shows_the_offer(void)
{
	struct explorer_doc d;
	cJSON *jt, *jr;
	struct txview v;
	struct txview_ctx ctx = { .has_head = true, .head = 0x36 };

	if (load(&d, "eth_getTransactionByHash/get-dynamic-fee.io", NULL, &jt, &jr) < 0) {
		CHECK_MSG(0, "fixture does not load");
		unload(&d, jt, jr);
		return;
	}
	CHECK_INT(txview_build(&v, &d, &ctx), 0);
	CHECK_STR(val(&v, "Status"), "pending (not in a block yet)");
	CHECK_INT(row(&v, "Status")->tone, TXV_WARN);
	CHECK(row(&v, "Block") == NULL && row(&v, "Logs") == NULL && row(&v, "Fee") == NULL);
	/* maxFeePerGas 0x3b9aca01 and maxPriorityFeePerGas 0x1 in gwei */
	CHECK_STR(val(&v, "Fees"), "max 1.000000001 gwei, tip 0.000000001 gwei");
	txview_free(&v);
	unload(&d, jt, jr);
}

/* A failed transaction names its revert reason once the replay has it. */
static void failed_shows_the_revert(void)
{
	struct explorer_doc d;
	cJSON *jt, *jr;
	struct txview v;
	struct txview_ctx ctx = { 0 };

	if (load(&d, "eth_getTransactionByHash/get-dynamic-fee.io", "eth_getTransactionReceipt/get-dynamic-fee.io",
	         &jt, &jr) < 0) {
		CHECK_MSG(0, "fixtures do not load");
		unload(&d, jt, jr);
		return;
	}
	d.receipt.status = 0;
	d.revert_state = REVERT_LOADING;
	CHECK_INT(txview_build(&v, &d, &ctx), 0);
	CHECK_STR(val(&v, "Status"), "FAILED");
	CHECK_INT(row(&v, "Status")->tone, TXV_BAD);
	CHECK_STR(val(&v, "Reverted"), "replaying...");
	txview_free(&v);
	d.revert_state = REVERT_READY;
	snprintf(d.revert, sizeof(d.revert), "Error(\"nope\")");
	CHECK_INT(txview_build(&v, &d, &ctx), 0);
	CHECK_STR(val(&v, "Reverted"), "Error(\"nope\")");
	txview_free(&v);
	unload(&d, jt, jr);
}

static const struct test_case cases[] = {
	{ "creation_with_a_root_receipt", creation_with_a_root_receipt },
	{ "dynamic_fee_call_with_a_log", dynamic_fee_call_with_a_log },
	{ "pending_shows_the_offer", pending_shows_the_offer },
	{ "failed_shows_the_revert", failed_shows_the_revert },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));
}
