/*
 * Sending: preparing a draft (nonce, fees, gas, pre-send check), signing
 * exactly that draft after re-checking the node's chain id, broadcasting,
 * tracking to N confirmations, and replacing (speed-up, cancel).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/abi.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/selectors.h"
#include "common/text.h"
#include "common/xalloc.h"
#include "wallet/ledger.h"
#include "wallet/pending.h"
#include "wallet/sign.h"
#include "wallet/tx.h"
#include "wallet/wallet_internal.h"

#define FEE_HISTORY_BLOCKS "0x14"
#define STUCK_AFTER_BLOCKS 10

/*
 * Where each answer of a draft's batch is: the index rpc_batch_add put its
 * call at (batch_add), -1 for a call not made. Answers are taken by these,
 * never by an assumed order.
 */
struct draft_slots {
	int chain, nonce, balance;
	int fees, gas_price, latest;                         /* add_fee_queries */
	int token_balance, token_decimals, token_symbol;     /* a token send */
	int estimate, call, simulate;                        /* the pre-send check */
};

static int parse_amount(struct wallet *w, const struct wallet_send_form *f, unsigned decimals);

struct draft_ctx {
	struct wallet *w;
	uint64_t gen;
	struct wallet_send_form form;
	uint8_t *raw;                /* the signed bytes being broadcast (owned) */
	size_t raw_len;
	uint64_t nonce;              /* the form's custom nonce, parsed */
	struct draft_slots q;        /* where the batch's answers are */
};

#define NO_SLOT { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 }

/* Adds a call to the batch, noting the index of its answer in *slot; false when it could not be added. */
static bool batch_add(struct rpc_batch *b, int *slot, const char *method, cJSON *params)
{
	*slot = (int)rpc_batch_size(b);
	return rpc_batch_add(b, method, params) == RPC_OK;
}

static void ctx_free(struct draft_ctx *c)
{
	if (c)
		free(c->raw);
	free(c);
}

/* The answer at slot i when the node gave one (a result, not an error); NULL otherwise. */
static const struct rpc_reply *reply_at(const struct rpc_response *res, int i)
{
	if (res->status != RPC_OK || !res->reply || i < 0 || (size_t)i >= res->n || res->reply[i].status != RPC_OK)
		return NULL;
	return &res->reply[i];
}

static bool reply_u64(const struct rpc_response *res, int i, uint64_t *v)
{
	const struct rpc_reply *r = reply_at(res, i);

	return r && eth_decode_u64(r->result, v, NULL, 0) == 0;
}

static bool reply_u256(const struct rpc_response *res, int i, struct u256 *v)
{
	const struct rpc_reply *r = reply_at(res, i);

	return r && eth_decode_u256(r->result, v, NULL, 0) == 0;
}

/* Whether sent transaction s is on the chain the node is on now (a restart may have changed node). */
static bool on_this_chain(const struct wallet *w, const struct wallet_sent *s)
{
	return w->has_chain_id && s->chain_id == w->chain_id;
}

/* Done following it: nothing more can happen to it that the wallet would show. */
static bool sent_final(const struct wallet *w, const struct wallet_sent *s)
{
	/* A failed one counts its confirmations like a successful one: a reorg may still undo either. */
	return s->state == TX_CONFIRMED || s->state == TX_REPLACED ||
	       (s->state == TX_FAILED && s->confirmations >= w->confirmations_wanted);
}

static void draft_fail(struct wallet *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Ends the draft with a message; node text in it is sanitized. Nothing was signed. */
static void draft_fail(struct wallet *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_sanitize_vf(w->draft.message, sizeof(w->draft.message), fmt, ap);
	va_end(ap);
	w->draft.state = DRAFT_ERROR;
	wallet_notify(w);
}

static void draft_reset(struct wallet *w)
{
	free(w->draft.data);
	memset(&w->draft, 0, sizeof(w->draft));
	/* A cancelled call's callback never runs: its context is freed here. */
	if (w->draft_call && rpc_cancel(w->rpc, w->draft_call) == 0)
		free(w->draft_ud);
	w->draft_call = 0;
	w->draft_ud = NULL;
	w->draft_gen++;
}

/* The draft's request went out with context c (freed if it could not even be queued). */
static void draft_started(struct wallet *w, uint64_t call, void *c)
{
	w->draft_call = call;
	w->draft_ud = call ? c : NULL;
	if (!call) {
		free(c);
		draft_fail(w, "cannot send the request to the node (out of memory)");
	}
}

/* A draft request answered: its callback owns the context from here. */
static void draft_answered(struct wallet *w)
{
	w->draft_call = 0;
	w->draft_ud = NULL;
}

/*
 * Whether a signed transaction may be on its way (checking the chain id,
 * signing, broadcasting): its request is not cancelled for a new draft, or
 * a transaction that went out would never be tracked. Says so.
 */
static bool send_in_flight(struct wallet *w)
{
	if (w->draft.state != DRAFT_SENDING)
		return false;
	wallet_say(w, "the last transaction is still being sent: try again in a moment");
	return true;
}

void wallet_draft_clear(struct wallet *w)
{
	if (send_in_flight(w))
		return;
	draft_reset(w);
	wallet_notify(w);
}

const struct wallet_draft *wallet_draft(const struct wallet *w)
{
	return &w->draft;
}

static void addr_hex(char *out, size_t cap, const uint8_t a[20])
{
	hex_encode(out, cap, a, 20, 1);
}

/*
 * Decodes the draft's call data for the confirmation screen (d->call); `to`
 * is the transaction's to. An ERC-20 transfer(address,uint256) also sets
 * the token fields from the data, so that a replacement of a token
 * transfer shows the token recipient and amount, not the token contract
 * and 0 ETH. What is shown is read from the bytes that are signed.
 */
static void draft_decode_call(struct wallet_draft *d, const uint8_t to[20])
{
	static const uint8_t transfer_sel[4] = { 0xa9, 0x05, 0x9c, 0xbb };
	const char *sigs[2];
	char args[200];
	uint32_t sel;

	d->call[0] = '\0';
	if (!d->data_len)
		return;
	if (d->data_len < 4) {
		snprintf(d->call, sizeof(d->call), "%zu bytes of call data, no method selector", d->data_len);
		return;
	}
	if (d->data_len == 68 && memcmp(d->data, transfer_sel, 4) == 0) {
		struct address rcpt;
		struct u256 amount;

		if (abi_decode_address(d->data + 4, 64, 0, &rcpt) == CD_OK &&
		    abi_decode_uint(d->data + 4, 64, 1, 256, &amount) == CD_OK) {
			d->token = true;
			memcpy(d->token_addr, to, 20);
			memcpy(d->recipient, rcpt.b, 20);
			d->token_amount = amount;
		}
	}
	sel = (uint32_t)d->data[0] << 24 | (uint32_t)d->data[1] << 16 | (uint32_t)d->data[2] << 8 | d->data[3];
	if (selectors_lookup(sel, sigs, 2) > 0) {
		abi_format_args(sigs[0], d->data, d->data_len, args, sizeof(args));
		snprintf(d->call, sizeof(d->call), "%s: %s", sigs[0], args);
	} else {
		snprintf(d->call, sizeof(d->call), "method 0x%08x (not in the selector table), %zu bytes of call data", sel,
		         d->data_len);
	}
}

/* {from, to, value, data} as eth_call / eth_estimateGas want it. */
static cJSON *call_object(const struct wallet_draft *d, const uint8_t *to)
{
	cJSON *o = cJSON_CreateObject();
	char buf[80];
	char *data = xmalloc(d->data_len * 2 + 3);

	addr_hex(buf, sizeof(buf), d->from_addr);
	cJSON_AddStringToObject(o, "from", buf);
	addr_hex(buf, sizeof(buf), to);
	cJSON_AddStringToObject(o, "to", buf);
	u256_format_hex(d->value, buf, sizeof(buf));
	cJSON_AddStringToObject(o, "value", buf);
	if (d->data_len) {
		hex_encode(data, d->data_len * 2 + 3, d->data, d->data_len, 1);
		cJSON_AddStringToObject(o, "data", data);
	}
	free(data);
	return o;
}

/* The revert reason in a JSON-RPC error (error.data, hex), else its message. */
static void revert_text(const struct rpc_reply *r, char *out, size_t cap)
{
	const cJSON *dj = r->data;
	uint8_t buf[2048];
	size_t len = 0;

	if (cJSON_IsObject(dj))
		dj = cJSON_GetObjectItemCaseSensitive(dj, "data");
	if (cJSON_IsString(dj) && hex_decode(buf, sizeof(buf), &len, dj->valuestring, strlen(dj->valuestring)) == CD_OK) {
		abi_decode_revert(buf, len, out, cap);
		return;
	}
	text_sanitize(out, cap, r->message ? r->message : "", r->message ? strlen(r->message) : 0);
}

static void draft_tx(const struct wallet_draft *d, struct tx *t);

/*
 * The stateless rules a node applies (tx_check, as `wallet sign-tx` runs
 * them): a nonce of 2^64 - 1, a gas limit below the intrinsic gas (0 from a
 * node's estimate), a tip above the max fee. false with the draft failed.
 */
static bool draft_check(struct wallet *w)
{
	struct tx t;
	char why[TX_ERR_MAX];

	draft_tx(&w->draft, &t);
	if (tx_check(&t, why, sizeof(why)) != CD_OK) {
		draft_fail(w, "not signed: %s", why);
		return false;
	}
	return true;
}

/* Final numbers: fees by level or custom, the total, and whether the balance covers it. */
static void finish_draft(struct wallet *w, const struct wallet_send_form *f, bool gas_unknown)
{
	struct wallet_draft *d = &w->draft;
	struct u256 fee_per_gas;
	char need[80], have[80];

	d->level = f->level;
	d->custom_fees = f->custom_fees;
	if (f->custom_fees) {
		d->max_fee = f->max_fee;
		d->tip = f->tip;
		d->gas_price = f->gas_price;
	} else if (d->eip1559) {
		d->max_fee = d->levels.max_fee[f->level];
		d->tip = d->levels.priority_fee[f->level];
	} else {
		d->gas_price = d->levels.gas_price[f->level];
	}
	if (d->eip1559 && u256_cmp(d->tip, d->max_fee) > 0) {
		draft_fail(w, "the tip is above the max fee");
		return;
	}
	fee_per_gas = d->eip1559 ? d->max_fee : d->gas_price;
	if (!d->token && strcmp(f->amount, "max") == 0 &&
	    fees_max_amount(d->balance, d->gas, fee_per_gas, &d->value) != CD_OK) {
		draft_fail(w, "the balance does not even cover the fee");
		return;
	}
	if (fees_total(d->gas, fee_per_gas, d->value, &d->max_total) != CD_OK) {
		draft_fail(w, "the amounts overflow");
		return;
	}
	if (u256_cmp(d->max_total, d->balance) > 0) {
		u256_format_units(d->max_total, 18, need, sizeof(need));
		u256_format_units(d->balance, 18, have, sizeof(have));
		snprintf(d->message, sizeof(d->message), "insufficient funds: up to %.70s ETH needed, %.70s ETH available",
		         need, have);
		d->state = DRAFT_ERROR;
		wallet_notify(w);
		return;
	}
	if (!draft_check(w))
		return;
	if (gas_unknown) {
		char msg[sizeof(d->message)];

		/* Refused rather than signed with a guessed gas limit that is sure to run out. */
		snprintf(msg, sizeof(msg), "%s", d->message);
		draft_fail(w, "%.150s; the gas of the failing call cannot be estimated on this node: not signed", msg);
		return;
	}
	d->state = DRAFT_READY;
	wallet_notify(w);
}

/*
 * eth_simulateV1's verdict on the single call: 1 ok, 0 reverts (reason in
 * why), -1 when the node does not offer it or the answer is not readable.
 * *gas_used gets the gas the call used, reverting or not (0 when not given).
 */
static int simulate_verdict(struct wallet *w, const struct rpc_reply *r, char *why, size_t cap, uint64_t *gas_used)
{
	const cJSON *call, *status, *ret;
	uint8_t buf[2048];
	size_t len = 0;

	if (rpc_reply_unsupported(r)) {
		w->simulate_unsupported = true;
		return -1;
	}
	if (r->status != RPC_OK)
		return -1;
	call = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(r->result, 0), "calls"), 0);
	status = cJSON_GetObjectItemCaseSensitive(call, "status");
	if (!cJSON_IsString(status))
		return -1;
	if (eth_decode_u64(cJSON_GetObjectItemCaseSensitive(call, "gasUsed"), gas_used, NULL, 0) != 0)
		*gas_used = 0;
	if (strcmp(status->valuestring, "0x1") == 0)
		return 1;
	ret = cJSON_GetObjectItemCaseSensitive(call, "returnData");
	if (cJSON_IsString(ret) && hex_decode(buf, sizeof(buf), &len, ret->valuestring, strlen(ret->valuestring)) == CD_OK)
		abi_decode_revert(buf, len, why, cap);
	else
		snprintf(why, cap, "reverted");
	return 0;
}

static void on_check(void *ud, const struct rpc_response *res)
{
	struct draft_ctx *c = ud;
	struct wallet *w = c->w;
	struct wallet_draft *d = &w->draft;
	const char *how = "eth_call + eth_estimateGas";
	char why[200];
	uint64_t est, sim_gas = 0;
	bool gas_unknown = false;
	int sim = -1;

	if (c->gen != w->draft_gen) {
		free(c);
		return;
	}
	draft_answered(w);
	if (res->status != RPC_OK) {
		draft_fail(w, "the node did not answer: %s", res->detail);
		free(c);
		return;
	}
	/* eth_estimateGas, eth_call, eth_simulateV1 where offered: simulate's verdict first. */
	d->precheck_ok = true;
	if (c->q.simulate >= 0 && (size_t)c->q.simulate < res->n)
		sim = simulate_verdict(w, &res->reply[c->q.simulate], why, sizeof(why), &sim_gas);
	if (sim >= 0) {
		how = "eth_simulateV1";
		d->precheck_ok = sim == 1;
		if (!d->precheck_ok)
			snprintf(d->message, sizeof(d->message), "would fail (eth_simulateV1): %s", why);
	} else {
		const int slots[2] = { c->q.estimate, c->q.call };

		for (size_t k = 0; k < 2; k++) {
			const struct rpc_reply *r = slots[k] >= 0 && (size_t)slots[k] < res->n ? &res->reply[slots[k]] : NULL;

			if (r && r->status == RPC_EREMOTE) {
				revert_text(r, why, sizeof(why));
				snprintf(d->message, sizeof(d->message), "would fail: %s", why);
				d->precheck_ok = false;
				break;
			}
		}
	}
	if (d->precheck_ok && reply_u64(res, c->q.estimate, &est)) {
		d->gas = est == 21000 || est > UINT64_MAX - est / 5 ? est : est + est / 5; /* contracts: a 20 % margin */
	} else if (!d->precheck_ok) {
		/*
		 * It will revert: a forced Y must at least not burn the fee on an
		 * out-of-gas guess. The gas the failing call uses (eth_simulateV1
		 * reports it) with the same margin, or nothing is offered for signing.
		 */
		if (sim_gas) {
			d->gas = sim_gas > UINT64_MAX - sim_gas / 5 ? sim_gas : sim_gas + sim_gas / 5;
		} else {
			gas_unknown = true;
			d->gas = d->data_len ? 100000 : 21000; /* only for the balance check: it is not offered */
		}
	} else if (!d->gas) {
		d->gas = d->data_len ? 100000 : 21000; /* no estimate came back */
	}
	if (d->precheck_ok)
		snprintf(d->message, sizeof(d->message), "pre-send check on the node (%s): ok", how);
	finish_draft(w, &c->form, gas_unknown);
	free(c);
}

static void check_on_node(struct wallet *w, struct draft_ctx *c)
{
	struct wallet_draft *d = &w->draft;
	const uint8_t *to = d->token ? d->token_addr : d->recipient;
	struct rpc_batch *b = rpc_batch_new();
	cJSON *p1 = cJSON_CreateArray(), *p2 = cJSON_CreateArray();
	bool ok;

	cJSON_AddItemToArray(p1, call_object(d, to));
	cJSON_AddItemToArray(p2, call_object(d, to));
	cJSON_AddItemToArray(p2, cJSON_CreateString("latest"));
	c->q.estimate = c->q.call = c->q.simulate = -1;
	/* A failed add frees its params; params of an add not made are freed here. */
	ok = batch_add(b, &c->q.estimate, "eth_estimateGas", p1);
	if (ok)
		ok = batch_add(b, &c->q.call, "eth_call", p2);
	else
		cJSON_Delete(p2);
	if (ok && !w->simulate_unsupported) {
		cJSON *p3 = cJSON_CreateArray(), *opts = cJSON_CreateObject(), *blocks = cJSON_CreateArray();
		cJSON *block = cJSON_CreateObject(), *calls = cJSON_CreateArray();

		cJSON_AddItemToArray(calls, call_object(d, to));
		cJSON_AddItemToObject(block, "calls", calls);
		cJSON_AddItemToArray(blocks, block);
		cJSON_AddItemToObject(opts, "blockStateCalls", blocks);
		cJSON_AddItemToArray(p3, opts);
		cJSON_AddItemToArray(p3, cJSON_CreateString("latest"));
		ok = batch_add(b, &c->q.simulate, "eth_simulateV1", p3);
	}
	if (!ok) {
		rpc_batch_free(b);
		free(c);
		draft_fail(w, "cannot build the pre-send check (out of memory)");
		return;
	}
	draft_started(w, rpc_batch_send(w->rpc, b, on_check, c), c);
}

/*
 * The fee levels (d->levels) from the replies to eth_feeHistory, eth_gasPrice
 * and eth_getBlockByNumber("latest"): EIP-1559 (d->eip1559) where the chain
 * has a base fee and the node answers eth_feeHistory, else a legacy gas
 * price. 0, or -1 when the node gives neither.
 */
static int draft_levels(struct wallet_draft *d, const struct rpc_response *res, const struct draft_slots *q)
{
	const struct rpc_reply *rl = reply_at(res, q->latest), *rf = reply_at(res, q->fees);
	struct eth_block latest;
	struct u256 gas_price;

	d->eip1559 = false;
	if (rl && eth_decode_header(rl->result, &latest, NULL, 0) == 0) {
		if (latest.has_base_fee && rf) {
			struct eth_fee_history h;

			if (eth_decode_fee_history(rf->result, &h, NULL, 0) == 0) {
				d->eip1559 = fees_suggest_1559(&h, &d->levels) == 0;
				eth_fee_history_free(&h);
			}
		}
		eth_block_free(&latest);
	}
	if (d->eip1559)
		return 0;
	if (!reply_u256(res, q->gas_price, &gas_price))
		return -1;
	fees_suggest_legacy(gas_price, &d->levels);
	return 0;
}

/* eth_feeHistory, eth_gasPrice, eth_getBlockByNumber("latest") into q's slots, as draft_levels reads them. */
static bool add_fee_queries(struct rpc_batch *b, struct draft_slots *q)
{
	cJSON *p = cJSON_CreateArray(), *arr = cJSON_CreateArray(), *latest = cJSON_CreateArray();

	cJSON_AddItemToArray(p, cJSON_CreateString(FEE_HISTORY_BLOCKS));
	cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
	for (int i = 0; i < FEE_LEVELS; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)fees_percentiles[i]));
	cJSON_AddItemToArray(p, arr);
	cJSON_AddItemToArray(latest, cJSON_CreateString("latest"));
	cJSON_AddItemToArray(latest, cJSON_CreateFalse());
	if (!batch_add(b, &q->fees, "eth_feeHistory", p)) {
		cJSON_Delete(latest);
		return false;
	}
	if (!batch_add(b, &q->gas_price, "eth_gasPrice", NULL)) {
		cJSON_Delete(latest);
		return false;
	}
	return batch_add(b, &q->latest, "eth_getBlockByNumber", latest);
}

/* A custom nonce taken by a pending transaction of ours would replace it: that is what x / X are for. 0 or -1. */
static int custom_nonce_free(struct wallet *w)
{
	const struct wallet_draft *d = &w->draft;

	for (size_t i = 0; i < w->nsent; i++) {
		const struct wallet_sent *s = &w->sent[i];
		char h[70];

		if (s->state == TX_PENDING && s->nonce == d->nonce && s->chain_id == d->chain_id &&
		    memcmp(s->from, d->from_addr, 20) == 0) {
			hex_encode(h, sizeof(h), s->hash, 32, 1);
			draft_fail(w, "nonce %llu is already used by pending transaction %.18s..: x speeds it up, X cancels it",
			           (unsigned long long)d->nonce, h);
			return -1;
		}
	}
	return 0;
}

/*
 * The token's decimals scale what is signed: they are taken from the token
 * list (remembered the first time the token was seen on this chain), and a
 * node whose answer differs now is not believed. 0, or -1 with the draft failed.
 */
static int token_decimals_checked(struct wallet *w, const struct rpc_response *res, const struct draft_slots *q)
{
	struct wallet_draft *d = &w->draft;
	struct tokenlist_entry seen = { .chain_id = d->chain_id };
	const struct rpc_reply *rd = reply_at(res, q->token_decimals), *rs = reply_at(res, q->token_symbol);
	const struct tokenlist_entry *known;

	if (!rd || !tokens_decimals_decode(rd->result, &seen.decimals)) {
		draft_fail(w, "the token did not answer decimals(): not signed");
		return -1;
	}
	memcpy(seen.addr, d->token_addr, 20);
	if (!rs || !tokens_symbol_decode(rs->result, seen.symbol, sizeof(seen.symbol)))
		snprintf(seen.symbol, sizeof(seen.symbol), "?");
	known = tokenlist_find(&w->tokenlist, d->chain_id, d->token_addr);
	if (known && known->decimals != seen.decimals) {
		draft_fail(w, "the token's decimals changed: %u remembered for it on chain %llu, the node now says %u; "
		           "not signed (check the node)", known->decimals, (unsigned long long)d->chain_id, seen.decimals);
		return -1;
	}
	if (!known) {
		wallet_remember_token(w, &seen);
		known = &seen;
	}
	d->token_decimals = known->decimals;
	snprintf(d->token_symbol, sizeof(d->token_symbol), "%s", known->symbol);
	return 0;
}

/* The token amount read with the checked decimals (or the whole balance for max), within the balance. 0 or -1. */
static int token_amount_checked(struct wallet *w, const struct wallet_send_form *f, const struct rpc_response *res,
                                int slot)
{
	struct wallet_draft *d = &w->draft;
	const struct rpc_reply *rb = reply_at(res, slot);
	struct u256 balance;

	if (parse_amount(w, f, d->token_decimals) != 0)
		return -1;
	if (!rb || !tokens_balance_decode(rb->result, &balance)) {
		draft_fail(w, "the token did not answer balanceOf");
		return -1;
	}
	if (strcmp(f->amount, "max") == 0)
		d->token_amount = balance;
	if (u256_cmp(d->token_amount, balance) > 0) {
		draft_fail(w, "the token balance is smaller than the amount");
		return -1;
	}
	return 0;
}

/* The call data of transfer(recipient, amount) on the token. 0 or -1. */
static int encode_transfer(struct wallet *w)
{
	struct wallet_draft *d = &w->draft;
	struct abi_value args[2] = { { .kind = ABI_ADDRESS }, { .kind = ABI_UINT, .num = d->token_amount } };
	uint8_t data[68];
	size_t dl;

	memcpy(args[0].addr.b, d->recipient, 20);
	if (abi_encode_call(data, sizeof(data), &dl, "transfer(address,uint256)", args, 2) != CD_OK) {
		draft_fail(w, "cannot encode the token transfer");
		return -1;
	}
	d->data = xmalloc(dl);
	memcpy(d->data, data, dl);
	d->data_len = dl;
	draft_decode_call(d, d->token_addr);
	return 0;
}

/* What the first batch answered, into the draft: 0, or -1 with the draft failed. */
static int take_basics(struct wallet *w, const struct draft_ctx *c, const struct rpc_response *res)
{
	struct wallet_draft *d = &w->draft;
	const struct wallet_send_form *f = &c->form;

	if (!reply_u64(res, c->q.chain, &d->chain_id) || !reply_u64(res, c->q.nonce, &d->nonce) ||
	    !reply_u256(res, c->q.balance, &d->balance)) {
		draft_fail(w, "the node did not give the chain id, nonce and balance");
		return -1;
	}
	if (f->custom_nonce) {
		d->nonce = c->nonce;
		if (custom_nonce_free(w) != 0)
			return -1;
	}
	if (draft_levels(d, res, &c->q) != 0) {
		draft_fail(w, "the node gives neither a fee history nor a gas price");
		return -1;
	}
	if (d->token)
		return token_decimals_checked(w, res, &c->q) != 0 || token_amount_checked(w, f, res, c->q.token_balance) != 0 ||
		               encode_transfer(w) != 0
		           ? -1
		           : 0;
	if (strcmp(f->amount, "max") == 0)
		d->value = u256_from_u64(0); /* estimated with a plain transfer's value; the exact max once the gas is known */
	return 0;
}

static void on_basics(void *ud, const struct rpc_response *res)
{
	struct draft_ctx *c = ud;
	struct wallet *w = c->w;

	if (c->gen != w->draft_gen) {
		free(c);
		return;
	}
	draft_answered(w);
	if (res->status != RPC_OK) {
		draft_fail(w, "the node did not answer: %s", res->detail);
		free(c);
		return;
	}
	if (take_basics(w, c, res) != 0) {
		free(c);
		return;
	}
	check_on_node(w, c);
}

/* Parses the amount with these decimals; 0, or -1 with the draft failed. */
static int parse_amount(struct wallet *w, const struct wallet_send_form *f, unsigned decimals)
{
	struct wallet_draft *d = &w->draft;
	int rc;

	if (strcmp(f->amount, "max") == 0)
		return 0;
	rc = u256_parse_units(f->token ? &d->token_amount : &d->value, f->amount, strlen(f->amount), decimals);
	if (rc == U256_EPRECISION) {
		char msg[96];

		snprintf(msg, sizeof(msg), "more than %u decimals", decimals);
		draft_fail(w, "amount has %s", msg);
		return -1;
	}
	if (rc != CD_OK) {
		draft_fail(w, "not an amount: '%s' (write 1.5, 0.001 or max)", f->amount);
		return -1;
	}
	return 0;
}

/* The first batch of a send: chain id, nonce, fees, balance, and the token's balance, decimals and symbol. */
static bool add_basics_queries(struct rpc_batch *b, struct draft_slots *q, const struct wallet_send_form *f,
                               const uint8_t from_addr[20])
{
	char from[48];
	cJSON *pn = cJSON_CreateArray(), *pb = cJSON_CreateArray();
	bool ok;

	addr_hex(from, sizeof(from), from_addr);
	cJSON_AddItemToArray(pn, cJSON_CreateString(from));
	cJSON_AddItemToArray(pn, cJSON_CreateString("pending"));
	cJSON_AddItemToArray(pb, cJSON_CreateString(from));
	cJSON_AddItemToArray(pb, cJSON_CreateString("latest"));
	*q = (struct draft_slots)NO_SLOT;
	/* A failed add frees its params; params of an add not made are freed here. */
	ok = batch_add(b, &q->chain, "eth_chainId", NULL);
	if (ok)
		ok = batch_add(b, &q->nonce, "eth_getTransactionCount", pn);
	else
		cJSON_Delete(pn);
	ok = ok && add_fee_queries(b, q);
	if (ok)
		ok = batch_add(b, &q->balance, "eth_getBalance", pb);
	else
		cJSON_Delete(pb);
	if (ok && f->token) {
		ok = batch_add(b, &q->token_balance, "eth_call", tokens_balance_params(f->token_addr, from_addr)) &&
		     batch_add(b, &q->token_decimals, "eth_call", tokens_call_params(f->token_addr, "decimals()")) &&
		     batch_add(b, &q->token_symbol, "eth_call", tokens_call_params(f->token_addr, "symbol()"));
	}
	return ok;
}

void wallet_prepare(struct wallet *w, const struct wallet_send_form *f)
{
	struct wallet_draft *d = &w->draft;
	struct draft_ctx *c;
	struct rpc_batch *b;
	uint64_t nonce = 0;

	if (send_in_flight(w))
		return;
	draft_reset(w);
	if (f->from >= w->naccounts) {
		draft_fail(w, "no such account");
		return;
	}
	d->state = DRAFT_PREPARING;
	d->from = f->from;
	memcpy(d->from_addr, w->accounts[f->from].acct.address.b, 20);
	memcpy(d->recipient, f->to, 20);
	d->token = f->token;
	memcpy(d->token_addr, f->token_addr, 20);
	/* A token amount is read once the decimals are checked against the token list (on_basics). */
	if (!f->token && parse_amount(w, f, 18) != 0)
		return;
	if (f->data_len) {
		if (f->token || strcmp(f->amount, "max") == 0) {
			draft_fail(w, "a contract call goes with an exact ETH amount, not a token or max");
			return;
		}
		d->data = malloc(f->data_len);
		if (!d->data) {
			draft_fail(w, "out of memory");
			return;
		}
		memcpy(d->data, f->data, f->data_len);
		d->data_len = f->data_len;
		draft_decode_call(d, d->recipient);
		/* The call's to is the contract called, whatever the data decodes to. */
		d->token = false;
		memcpy(d->recipient, f->to, 20);
	}
	if (f->custom_nonce) {
		struct u256 n;

		/* Strictly digits: "-1" and "12abc" are mistakes to point out, never 2^64 - 1 or 12. */
		if (u256_parse_dec(&n, f->nonce_text, strlen(f->nonce_text)) != CD_OK || u256_to_u64(n, &nonce) != CD_OK) {
			draft_fail(w, "nonce: '%s' is not a whole number from 0 to 18446744073709551614 (Enter alone: automatic)",
			           f->nonce_text);
			return;
		}
	}
	c = xcalloc(1, sizeof(*c));
	b = rpc_batch_new();
	c->w = w;
	c->gen = w->draft_gen;
	c->form = *f;
	c->form.data = NULL; /* copied into the draft above: the caller's buffer is not kept */
	c->nonce = nonce;
	if (!add_basics_queries(b, &c->q, f, d->from_addr)) {
		free(c);
		rpc_batch_free(b);
		draft_fail(w, "cannot build the request to the node (out of memory)");
		return;
	}
	draft_started(w, rpc_batch_send(w->rpc, b, on_basics, c), c);
	wallet_notify(w);
}

/* ---- replacing a sent transaction ---- */

/*
 * The replacement's fees: the level's (or the custom) fees, at least the
 * +10 % over the pending transaction's that nodes require, and a max fee
 * that covers twice the next base fee. 0, or -1 with the draft failed.
 */
static int replacement_fees(struct wallet *w, const struct wallet_send_form *f)
{
	struct wallet_draft *d = &w->draft;
	struct u256 min_fee, min_tip, want, two_base;
	char a[96], b[96];

	if (d->eip1559) {
		if (fees_bump(d->old_tip, u256_from_u64(0), &min_tip) != CD_OK ||
		    fees_bump(d->old_max_fee, u256_from_u64(0), &min_fee) != CD_OK) {
			draft_fail(w, "the fees overflow");
			return -1;
		}
		if (f->custom_fees) {
			if (u256_cmp(f->max_fee, min_fee) < 0 || u256_cmp(f->tip, min_tip) < 0) {
				u256_format_units(min_fee, 9, a, sizeof(a));
				u256_format_units(min_tip, 9, b, sizeof(b));
				draft_fail(w, "a replacement needs at least +10 %%: max fee %s gwei, tip %s gwei (nodes refuse less)", a,
				           b);
				return -1;
			}
			d->max_fee = f->max_fee;
			d->tip = f->tip;
			return 0;
		}
		d->tip = min_tip;
		d->max_fee = min_fee;
		if (d->levels.eip1559 && u256_cmp(d->levels.priority_fee[f->level], d->tip) > 0)
			d->tip = d->levels.priority_fee[f->level];
		if (d->levels.eip1559 && u256_cmp(d->levels.max_fee[f->level], d->max_fee) > 0)
			d->max_fee = d->levels.max_fee[f->level];
		/* Never below what the next blocks ask: twice the base fee plus the tip. */
		if (d->levels.eip1559 && u256_add(&two_base, d->levels.base_fee, d->levels.base_fee) == CD_OK &&
		    u256_add(&want, two_base, d->tip) == CD_OK && u256_cmp(want, d->max_fee) > 0)
			d->max_fee = want;
		if (u256_cmp(d->tip, d->max_fee) > 0)
			d->max_fee = d->tip;
		return 0;
	}
	if (fees_bump(d->old_gas_price, u256_from_u64(0), &min_fee) != CD_OK) {
		draft_fail(w, "the fees overflow");
		return -1;
	}
	if (f->custom_fees) {
		if (u256_cmp(f->gas_price, min_fee) < 0) {
			u256_format_units(min_fee, 9, a, sizeof(a));
			draft_fail(w, "a replacement needs at least +10 %%: gas price %s gwei (nodes refuse less)", a);
			return -1;
		}
		d->gas_price = f->gas_price;
		return 0;
	}
	d->gas_price = min_fee;
	if (!d->levels.eip1559 && u256_cmp(d->levels.gas_price[f->level], d->gas_price) > 0)
		d->gas_price = d->levels.gas_price[f->level];
	return 0;
}

struct replace_ctx {
	struct wallet *w;
	uint64_t gen;
	struct wallet_send_form fees;
	bool cancel;
	struct draft_slots q;        /* where the fee answers are */
};

static void on_replacement_fees(void *ud, const struct rpc_response *res)
{
	struct replace_ctx *c = ud;
	struct wallet *w = c->w;
	struct wallet_draft *d = &w->draft;
	struct wallet_draft keep;
	bool eip1559 = d->eip1559;

	if (c->gen != w->draft_gen) {
		free(c);
		return;
	}
	draft_answered(w);
	memset(&keep, 0, sizeof(keep));
	if (res->status != RPC_OK || draft_levels(&keep, res, &c->q) != 0) {
		/* No fee data: the +10 % minimum alone still replaces. */
		memset(&d->levels, 0, sizeof(d->levels));
	} else {
		d->levels = keep.levels;
	}
	d->eip1559 = eip1559; /* the replacement keeps the pending transaction's type */
	d->level = c->fees.level;
	d->custom_fees = c->fees.custom_fees;
	if (replacement_fees(w, &c->fees) != 0) {
		free(c);
		return;
	}
	d->balance = w->accounts[d->from].balance;
	if (fees_total(d->gas, d->eip1559 ? d->max_fee : d->gas_price, d->value, &d->max_total) != CD_OK) {
		free(c);
		draft_fail(w, "the amounts overflow");
		return;
	}
	if (!draft_check(w)) {
		free(c);
		return;
	}
	d->precheck_ok = true;
	snprintf(d->message, sizeof(d->message), "%s of nonce %llu with higher fees", c->cancel ? "cancel" : "speed-up",
	         (unsigned long long)d->nonce);
	d->state = DRAFT_READY;
	free(c);
	wallet_notify(w);
}

/* The draft that replaces sent transaction i (same nonce, same call, or a cancel). 0, or -1 with the draft failed. */
static int replacement_draft(struct wallet *w, size_t i, bool cancel)
{
	struct wallet_draft *d = &w->draft;
	const struct wallet_sent *s = &w->sent[i];

	if (s->state != TX_PENDING) {
		draft_fail(w, "only a pending transaction can be replaced");
		return -1;
	}
	memcpy(d->from_addr, s->from, 20);
	{
		/* The sender must be one of this vault's accounts: never another account's key (no fallback). */
		size_t k = 0;

		while (k < w->naccounts && memcmp(w->accounts[k].acct.address.b, s->from, 20) != 0)
			k++;
		if (k == w->naccounts) {
			char a[48];

			addr_hex(a, sizeof(a), s->from);
			draft_fail(w, "the sender %s is not an account of this vault: not signed", a);
			return -1;
		}
		d->from = k;
	}
	d->chain_id = s->chain_id;
	d->nonce = s->nonce;
	d->eip1559 = s->eip1559;
	d->replaces = true;
	d->replaced = i;
	d->old_max_fee = s->max_fee;
	d->old_tip = s->tip;
	d->old_gas_price = s->gas_price;
	if (cancel) {
		/* A cancel sends nothing to oneself with the same nonce: cheap, and it takes the slot. */
		memcpy(d->recipient, s->from, 20);
		d->gas = 21000;
	} else {
		memcpy(d->recipient, s->to, 20);
		d->value = s->value;
		d->gas = s->gas;
		if (w->sent_data_len[i]) {
			d->data = xmalloc(w->sent_data_len[i]);
			memcpy(d->data, w->sent_data[i], w->sent_data_len[i]);
			d->data_len = w->sent_data_len[i];
			/* A token transfer: the real recipient and amount are in the data, not in to and value. */
			draft_decode_call(d, s->to);
		}
	}
	return 0;
}

void wallet_prepare_replacement(struct wallet *w, size_t i, bool cancel, const struct wallet_send_form *fees)
{
	struct wallet_draft *d = &w->draft;
	struct replace_ctx *c;
	struct rpc_batch *b;

	if (i >= w->nsent || send_in_flight(w))
		return;
	draft_reset(w);
	if (replacement_draft(w, i, cancel) != 0)
		return;
	c = xcalloc(1, sizeof(*c));
	b = rpc_batch_new();
	c->w = w;
	c->gen = w->draft_gen;
	c->cancel = cancel;
	if (fees)
		c->fees = *fees;
	else
		c->fees.level = FEE_NORMAL;
	c->q = (struct draft_slots)NO_SLOT;
	if (!add_fee_queries(b, &c->q)) {
		free(c);
		rpc_batch_free(b);
		draft_fail(w, "cannot build the request to the node (out of memory)");
		return;
	}
	d->state = DRAFT_PREPARING;
	draft_started(w, rpc_batch_send(w->rpc, b, on_replacement_fees, c), c);
	wallet_notify(w);
}

/* ---- signing and broadcasting ---- */

static void on_broadcast(void *ud, const struct rpc_response *res)
{
	struct draft_ctx *c = ud;
	struct wallet *w = c->w;
	struct wallet_draft *d = &w->draft;
	struct wallet_sent *s;
	char hash[70];

	uint8_t *raw, *data;
	size_t raw_len, data_len;
	char err[TX_ERR_MAX];

	if (c->gen != w->draft_gen) {
		ctx_free(c);
		return;
	}
	raw = c->raw;
	raw_len = c->raw_len;
	c->raw = NULL;
	free(c);
	draft_answered(w);
	if (res->status != RPC_OK) {
		/* It may still have gone out: say so rather than claim it failed. */
		draft_fail(w, "no answer from the node after broadcasting (it may still arrive): %s", res->detail);
		free(raw);
		return;
	}
	if (res->reply[0].status != RPC_OK) {
		draft_fail(w, "the node refused the transaction: %s", res->reply[0].message);
		free(raw);
		return;
	}
	d->state = DRAFT_SENT;
	hex_encode(hash, sizeof(hash), d->sent_hash, 32, 1);
	log_msg(LOG_INFO, "wallet: sent %s (nonce %llu)", hash, (unsigned long long)d->nonce);
	if (w->nsent == WALLET_MAX_SENT) {
		/* Forget the oldest. */
		free(w->sent_data[0]);
		free(w->sent_raw[0]);
		memmove(w->sent, w->sent + 1, (WALLET_MAX_SENT - 1) * sizeof(w->sent[0]));
		memmove(w->sent_data, w->sent_data + 1, (WALLET_MAX_SENT - 1) * sizeof(w->sent_data[0]));
		memmove(w->sent_data_len, w->sent_data_len + 1, (WALLET_MAX_SENT - 1) * sizeof(w->sent_data_len[0]));
		memmove(w->sent_raw, w->sent_raw + 1, (WALLET_MAX_SENT - 1) * sizeof(w->sent_raw[0]));
		memmove(w->sent_raw_len, w->sent_raw_len + 1, (WALLET_MAX_SENT - 1) * sizeof(w->sent_raw_len[0]));
		memmove(w->sent_resend, w->sent_resend + 1, (WALLET_MAX_SENT - 1) * sizeof(w->sent_resend[0]));
		w->nsent--;
	}
	s = &w->sent[w->nsent];
	/* What is tracked (and kept for a restart) is read back from the bytes that were signed. */
	if (pending_decode(raw, raw_len, s, &data, &data_len, err, sizeof(err)) != 0) {
		free(raw);
		snprintf(d->message, sizeof(d->message), "sent %s, but it cannot be tracked: %.60s", hash, err);
		wallet_notify(w);
		return;
	}
	s->state = TX_PENDING;
	s->sent_at_block = w->head;
	if (d->replaces)
		snprintf(s->note, sizeof(s->note), "replaces nonce %llu", (unsigned long long)d->nonce);
	w->sent_data[w->nsent] = data;
	w->sent_data_len[w->nsent] = data_len;
	w->sent_raw[w->nsent] = raw;
	w->sent_raw_len[w->nsent] = raw_len;
	w->sent_resend[w->nsent] = false;
	w->nsent++;
	snprintf(d->message, sizeof(d->message), "sent %s", hash);
	wallet_file_save(&w->pending_file);
	wallet_notify(w);
}

/* Builds the struct tx of the draft: exactly what the confirmation screen showed. */
static void draft_tx(const struct wallet_draft *d, struct tx *t)
{
	memset(t, 0, sizeof(*t));
	t->type = d->eip1559 ? TX_DYNAMIC_FEE : TX_LEGACY;
	t->has_chain_id = true;
	t->chain_id = d->chain_id;
	t->nonce = d->nonce;
	t->gas = d->gas;
	t->has_to = true;
	memcpy(t->to, d->token ? d->token_addr : d->recipient, 20);
	t->value = d->value;
	t->data = d->data;
	t->data_len = d->data_len;
	if (d->eip1559) {
		t->max_fee_per_gas = d->max_fee;
		t->max_priority_fee_per_gas = d->tip;
	} else {
		t->gas_price = d->gas_price;
	}
}

int wallet_key_of(struct wallet *w, const uint8_t addr[20], uint8_t key[32], char *err, size_t errlen)
{
	struct address want, got;
	char a[48], b[48];
	size_t i;

	memcpy(want.b, addr, 20);
	addr_hex(a, sizeof(a), addr);
	if (vault_find(w->vault, &want, &i) != CD_OK) {
		snprintf(err, errlen, "%s is not an account of this vault", a);
		return -1;
	}
	if (vault_private_key(w->vault, i, key, err, errlen) != CD_OK)
		return -1;
	if (sign_key_address(key, &got) != CD_OK || memcmp(got.b, want.b, 20) != 0) {
		addr_hex(b, sizeof(b), got.b);
		snprintf(err, errlen, "the vault's key for %s belongs to %s", a, b);
		return -1;
	}
	return 0;
}

/*
 * Right before signing: the node is still on the draft's chain, a token's
 * decimals are still the ones the amount was read with, and the wallet is
 * still unlocked. 0, or -1 with the draft failed.
 */
static int still_as_confirmed(struct wallet *w, const struct draft_ctx *c, const struct rpc_response *res)
{
	const struct wallet_draft *d = &w->draft;
	uint64_t node_chain;

	if (!reply_u64(res, c->q.chain, &node_chain)) {
		draft_fail(w, "cannot confirm the node's chain id: not signed (%s)",
		           res->status != RPC_OK ? res->detail : "no chain id in the answer");
		return -1;
	}
	if (c->q.token_decimals >= 0) {
		const struct rpc_reply *r = reply_at(res, c->q.token_decimals);
		uint8_t dec;

		if (!r || !tokens_decimals_decode(r->result, &dec) || dec != d->token_decimals) {
			draft_fail(w, "the token's decimals are no longer the %u the amount was read with: not signed",
			           d->token_decimals);
			return -1;
		}
	}
	if (node_chain != d->chain_id) {
		draft_fail(w, "the node is now on chain %llu, the transaction is for chain %llu: not signed",
		           (unsigned long long)node_chain, (unsigned long long)d->chain_id);
		return -1;
	}
	if (w->state != WALLET_UNLOCKED) {
		draft_fail(w, "the wallet locked itself: unlock (u) and send again");
		return -1;
	}
	return 0;
}

/* Signs exactly the draft with the key of its from address (checked). 0, or -1 with the draft failed. */
static int sign_draft(struct wallet *w, struct tx_raw *raw)
{
	uint8_t *key = sodium_malloc(32);
	char err[200];
	struct tx t;
	int rc;

	if (!key) {
		draft_fail(w, "out of memory");
		return -1;
	}
	/* The key of the address on the confirmation, checked; and the node's stateless rules once more. */
	rc = wallet_key_of(w, w->draft.from_addr, key, err, sizeof(err));
	if (rc == 0) {
		draft_tx(&w->draft, &t);
		if (tx_check(&t, err, sizeof(err)) != CD_OK) {
			rc = -1;
		} else if (tx_sign(&t, key, raw) != CD_OK) {
			rc = -1;
			snprintf(err, sizeof(err), "the transaction was rejected");
		}
	}
	sodium_free(key);
	if (rc != 0)
		draft_fail(w, "not signed: %s", err);
	return rc;
}

/* Hands the signed bytes to the node; c (which takes raw's bytes) goes with the call. */
static void broadcast(struct wallet *w, struct draft_ctx *c, struct tx_raw *raw)
{
	char *hexraw = xmalloc(raw->len * 2 + 3);
	cJSON *p;
	uint64_t call;

	memcpy(w->draft.sent_hash, raw->hash, 32);
	hex_encode(hexraw, raw->len * 2 + 3, raw->bytes, raw->len, 1);
	c->raw = raw->bytes;
	c->raw_len = raw->len;
	p = cJSON_CreateArray();
	cJSON_AddItemToArray(p, cJSON_CreateString(hexraw));
	free(hexraw);
	call = rpc_call(w->rpc, "eth_sendRawTransaction", p, on_broadcast, c);
	if (!call) { /* draft_started frees the context, not the bytes it holds */
		free(c->raw);
		c->raw = NULL;
	}
	draft_started(w, call, c);
}

/* ---- signing on a Ledger ---- */

/*
 * A draft being signed on a Ledger. The worker touches only this job (its
 * copy of the transaction) and the device; it posts the result back to the
 * loop. If the wallet was freed meanwhile, w is NULL and the job only frees
 * itself. mu guards dev and cancelled, which the loop thread's cancel reads.
 */
struct ledger_job {
	struct wallet *w;
	struct loop *loop;
	bool show;                  /* show an address (wallet_device_show), not sign a draft */
	wallet_typed_done_fn *typed_done; /* sign EIP-712 hashed (wallet_device_sign_typed), not a draft */
	void *typed_ud;
	uint8_t domain_separator[32], struct_hash[32];
	uint8_t sig[65];
	struct address expect;      /* show: the vault's address of the account */
	bool has_chain_id;          /* show: the network to name on the device */
	uint64_t chain_id;
	struct ledger_address shown;
	struct draft_ctx *c;
	uint64_t gen;
	char *replay;               /* CHAINDECK_LEDGER_REPLAY, or NULL: the device */
	struct ledger_path path;
	struct tx t;                /* the draft's transaction; data is the job's own copy */
	pthread_mutex_t mu;
	struct ledger *dev;         /* open while the worker uses it */
	bool cancelled;
	struct tx_raw raw;
	int rc;
	char err[LEDGER_ERR_MAX];
};

static void ledger_job_free(struct ledger_job *j)
{
	free(j->t.data);
	tx_raw_free(&j->raw);
	free(j->replay);
	free(j->c);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

static void ledger_signed(void *ud);

static void *ledger_worker(void *arg)
{
	struct ledger_job *j = arg;
	struct ledger *dev = NULL;

	j->rc = ledger_open(&dev, j->replay, 0, j->err, sizeof(j->err));
	if (j->rc == CD_OK) {
		pthread_mutex_lock(&j->mu);
		if (j->cancelled)
			ledger_cancel(dev);
		j->dev = dev;
		pthread_mutex_unlock(&j->mu);
		if (j->typed_done)
			j->rc = ledger_sign_eip712_hashed(dev, &j->path, j->domain_separator, j->struct_hash, j->sig,
			                                  j->err, sizeof(j->err));
		else if (j->show)
			j->rc = ledger_get_address(dev, &j->path, true, j->has_chain_id, j->chain_id, &j->shown, j->err,
			                           sizeof(j->err));
		else
			j->rc = ledger_sign_tx(dev, &j->path, &j->t, &j->raw, j->err, sizeof(j->err));
		pthread_mutex_lock(&j->mu);
		j->dev = NULL;
		pthread_mutex_unlock(&j->mu);
		ledger_close(dev);
	}
	if (loop_post(j->loop, ledger_signed, j) != 0)
		abort(); /* out of memory: nothing sane is left to do */
	return NULL;
}

bool wallet_draft_on_device(const struct wallet *w)
{
	return w->ledger != NULL && !w->ledger->show && !w->ledger->typed_done;
}

bool wallet_device_busy(const struct wallet *w)
{
	return w->ledger != NULL;
}

const char *wallet_device_note(const struct wallet *w, size_t i)
{
	return i == w->device_note_for ? w->device_note : "";
}

void wallet_device_cancel(struct wallet *w)
{
	struct ledger_job *j = w->ledger;

	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	j->cancelled = true;
	if (j->dev)
		ledger_cancel(j->dev);
	pthread_mutex_unlock(&j->mu);
	if (j->show)
		snprintf(w->device_note, sizeof(w->device_note), "cancelling: waiting for the Ledger to let go");
	else if (!j->typed_done) /* the typed-data request says it itself */
		snprintf(w->draft.message, sizeof(w->draft.message), "cancelling: waiting for the Ledger to let go");
	wallet_notify(w);
}

void wallet_device_stop(struct wallet *w)
{
	if (!w->ledger)
		return;
	wallet_device_cancel(w);
	pthread_join(w->ledger_worker, NULL);
	w->ledger->w = NULL; /* its posted result frees it */
	w->ledger = NULL;
}

/* The draft's from address is a hardware account: its path into *p. */
static bool draft_on_ledger(struct wallet *w, struct ledger_path *p)
{
	struct address a;
	struct vault_account acct;
	size_t i;

	memcpy(a.b, w->draft.from_addr, 20);
	return vault_find(w->vault, &a, &i) == CD_OK && vault_account(w->vault, i, &acct) == CD_OK &&
	       acct.kind == VAULT_HARDWARE && ledger_path_parse(p, acct.hw_path, NULL, 0) == CD_OK;
}

/* The device's answer to wallet_device_show, on the loop thread. */
static void shown_done(struct wallet *w, struct ledger_job *j)
{
	char a[48], b[48];

	addr_hex(b, sizeof(b), j->expect.b);
	if (j->rc == LEDGER_ECANCEL)
		snprintf(w->device_note, sizeof(w->device_note), "cancelled: the address was not checked");
	else if (j->rc == LEDGER_EREFUSED)
		snprintf(w->device_note, sizeof(w->device_note), "rejected on the Ledger: do not use this address");
	else if (j->rc != CD_OK)
		text_sanitize(w->device_note, sizeof(w->device_note), j->err, strlen(j->err));
	else if (memcmp(j->shown.address.b, j->expect.b, 20) != 0) {
		addr_hex(a, sizeof(a), j->shown.address.b);
		snprintf(w->device_note, sizeof(w->device_note),
		         "the Ledger's address is %.42s, NOT the vault's %.42s: do not use it", a, b);
	} else {
		snprintf(w->device_note, sizeof(w->device_note), "approved on the Ledger: it showed this address");
	}
	ledger_job_free(j);
	wallet_notify(w);
}

void wallet_device_show(struct wallet *w, size_t i)
{
	struct vault_account acct;
	struct ledger_job *j;
	const char *replay = getenv("CHAINDECK_LEDGER_REPLAY");

	if (w->ledger) {
		wallet_say(w, "the Ledger is busy: wait or cancel (Esc)");
		return;
	}
	if (i >= w->naccounts || vault_account(w->vault, i, &acct) != CD_OK || acct.kind != VAULT_HARDWARE) {
		wallet_say(w, "not a Ledger account");
		return;
	}
	j = xcalloc(1, sizeof(*j));
	pthread_mutex_init(&j->mu, NULL);
	j->w = w;
	j->loop = w->loop;
	j->show = true;
	j->expect = acct.address;
	j->has_chain_id = w->has_chain_id;
	j->chain_id = w->chain_id;
	if (replay && replay[0])
		j->replay = xstrdup(replay);
	if (ledger_path_parse(&j->path, acct.hw_path, NULL, 0) != CD_OK ||
	    pthread_create(&w->ledger_worker, NULL, ledger_worker, j) != 0) {
		ledger_job_free(j);
		wallet_say(w, "cannot ask the Ledger");
		return;
	}
	w->ledger = j;
	w->device_note_for = i;
	snprintf(w->device_note, sizeof(w->device_note), "compare the address on your Ledger and approve it there");
	wallet_notify(w);
}

int wallet_device_sign_typed(struct wallet *w, const uint8_t from[20], const uint8_t domain_separator[32],
	const uint8_t struct_hash[32], wallet_typed_done_fn *done, void *ud, char *err, size_t errlen)
{
	struct vault_account acct;
	struct address a;
	struct ledger_job *j;
	const char *replay = getenv("CHAINDECK_LEDGER_REPLAY");
	size_t i;

	if (w->ledger) {
		snprintf(err, errlen, "the Ledger is busy: wait or cancel (Esc)");
		return -1;
	}
	memcpy(a.b, from, 20);
	if (vault_find(w->vault, &a, &i) != CD_OK || vault_account(w->vault, i, &acct) != CD_OK ||
	    acct.kind != VAULT_HARDWARE) {
		snprintf(err, errlen, "not a Ledger account of this vault");
		return -1;
	}
	j = xcalloc(1, sizeof(*j));
	pthread_mutex_init(&j->mu, NULL);
	j->w = w;
	j->loop = w->loop;
	j->typed_done = done;
	j->typed_ud = ud;
	memcpy(j->domain_separator, domain_separator, 32);
	memcpy(j->struct_hash, struct_hash, 32);
	if (replay && replay[0])
		j->replay = xstrdup(replay);
	if (ledger_path_parse(&j->path, acct.hw_path, NULL, 0) != CD_OK ||
	    pthread_create(&w->ledger_worker, NULL, ledger_worker, j) != 0) {
		ledger_job_free(j);
		snprintf(err, errlen, "cannot ask the Ledger");
		return -1;
	}
	w->ledger = j;
	return 0;
}

/* Hands the draft to a Ledger on a worker; c goes with the job. */
static void sign_on_ledger(struct wallet *w, struct draft_ctx *c, const struct ledger_path *p)
{
	struct ledger_job *j = xcalloc(1, sizeof(*j));
	const char *replay = getenv("CHAINDECK_LEDGER_REPLAY");
	char err[200];

	pthread_mutex_init(&j->mu, NULL);
	j->w = w;
	j->loop = w->loop;
	j->c = c;
	j->gen = w->draft_gen;
	j->path = *p;
	draft_tx(&w->draft, &j->t);
	j->t.data = NULL;
	if (w->draft.data_len) {
		j->t.data = xmalloc(w->draft.data_len);
		memcpy(j->t.data, w->draft.data, w->draft.data_len);
	}
	if (replay && replay[0])
		j->replay = xstrdup(replay);
	/* the node's stateless rules once more, as for a key in the vault */
	if (tx_check(&j->t, err, sizeof(err)) != CD_OK) {
		ledger_job_free(j);
		draft_fail(w, "not signed: %s", err);
		return;
	}
	if (pthread_create(&w->ledger_worker, NULL, ledger_worker, j) != 0) {
		ledger_job_free(j);
		draft_fail(w, "cannot start the Ledger worker: not signed");
		return;
	}
	w->ledger = j;
	snprintf(w->draft.message, sizeof(w->draft.message),
	         "confirm on your Ledger: check the transaction on its screen");
	wallet_notify(w);
}

/* The Ledger's answer, on the loop thread: a signature from the draft's account is broadcast. */
static void ledger_signed(void *ud)
{
	struct ledger_job *j = ud;
	struct wallet *w = j->w;
	struct tx dec;
	struct tx_sig sig;
	struct address signer;
	char a[48], b[48], err[TX_ERR_MAX] = "";
	struct draft_ctx *c;
	struct tx_raw raw;

	if (!w) {
		ledger_job_free(j);
		return;
	}
	pthread_join(w->ledger_worker, NULL);
	w->ledger = NULL;
	if (j->show) {
		shown_done(w, j);
		return;
	}
	if (j->typed_done) {
		j->typed_done(j->typed_ud, j->rc, j->err, j->sig);
		ledger_job_free(j);
		wallet_notify(w);
		return;
	}
	if (j->gen != w->draft_gen || w->draft.state != DRAFT_SENDING) {
		ledger_job_free(j);
		return;
	}
	if (j->rc != CD_OK) {
		draft_fail(w, "%s: not signed", j->rc == LEDGER_ECANCEL ? "cancelled" : j->err);
		ledger_job_free(j);
		return;
	}
	memset(&dec, 0, sizeof(dec));
	memset(&signer, 0, sizeof(signer));
	addr_hex(b, sizeof(b), w->draft.from_addr);
	if (tx_decode(j->raw.bytes, j->raw.len, &dec, &sig, err, sizeof(err)) != CD_OK ||
	    tx_recover_sender(&dec, &sig, &signer) != CD_OK) {
		tx_free(&dec);
		draft_fail(w, "the Ledger's signature does not verify: not sent");
		ledger_job_free(j);
		return;
	}
	tx_free(&dec);
	if (memcmp(signer.b, w->draft.from_addr, 20) != 0) {
		addr_hex(a, sizeof(a), signer.b);
		draft_fail(w, "the Ledger signed as %s, not as %s (another device or passphrase?): not sent", a, b);
		ledger_job_free(j);
		return;
	}
	c = j->c;
	raw = j->raw;
	j->c = NULL;
	memset(&j->raw, 0, sizeof(j->raw));
	ledger_job_free(j);
	broadcast(w, c, &raw);
}

static void on_chain_checked(void *ud, const struct rpc_response *res)
{
	struct draft_ctx *c = ud;
	struct wallet *w = c->w;
	struct tx_raw raw = { 0 };
	struct ledger_path lp;

	if (c->gen != w->draft_gen) {
		free(c);
		return;
	}
	draft_answered(w);
	if (still_as_confirmed(w, c, res) != 0) {
		free(c);
		return;
	}
	if (draft_on_ledger(w, &lp)) {
		sign_on_ledger(w, c, &lp);
		return;
	}
	if (sign_draft(w, &raw) != 0) {
		free(c);
		return;
	}
	broadcast(w, c, &raw);
}

void wallet_send(struct wallet *w)
{
	struct draft_ctx *c;

	if (w->draft.state != DRAFT_READY)
		return;
	if (w->state != WALLET_UNLOCKED) {
		wallet_say(w, "unlock the wallet first (u)");
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->w = w;
	c->gen = w->draft_gen;
	w->draft.state = DRAFT_SENDING;
	/*
	 * The chain id is checked right before signing: a node switched under us
	 * must not get our signature. A token's decimals likewise: they scale
	 * what is signed.
	 */
	{
		struct rpc_batch *b = rpc_batch_new();

		if (!b) {
			free(c);
			w->draft.state = DRAFT_READY;
			wallet_say(w, "out of memory");
			return;
		}
		c->q = (struct draft_slots)NO_SLOT;
		if (!batch_add(b, &c->q.chain, "eth_chainId", NULL) ||
		    (w->draft.token && !w->draft.replaces &&
		     !batch_add(b, &c->q.token_decimals, "eth_call", tokens_call_params(w->draft.token_addr, "decimals()")))) {
			free(c);
			rpc_batch_free(b);
			w->draft.state = DRAFT_READY;
			wallet_say(w, "out of memory: not sent");
			return;
		}
		draft_started(w, rpc_batch_send(w->rpc, b, on_chain_checked, c), c);
	}
	wallet_notify(w);
}

/* ---- tracking ---- */

static void on_track(void *ud, const struct rpc_response *res)
{
	struct wallet *w = ud;
	struct eth_block latest;
	size_t k = 0;
	bool landed = false, saved_changed = false;

	w->track_call = 0;
	if (res->status != RPC_OK || res->n < 1)
		return;
	if (res->reply[0].status == RPC_OK && eth_decode_header(res->reply[0].result, &latest, NULL, 0) == 0) {
		w->has_head = true;
		w->head = latest.number;
		w->has_base_fee = latest.has_base_fee;
		w->base_fee = latest.base_fee;
		eth_block_free(&latest);
	}
	for (size_t i = 0; i < w->nsent; i++) {
		struct wallet_sent *s = &w->sent[i];
		const struct rpc_reply *r;
		struct eth_receipt rc;

		if (sent_final(w, s) || !on_this_chain(w, s))
			continue;
		k++;
		if (1 + k > res->n)
			break;
		r = &res->reply[k];
		if (r->status == RPC_OK && eth_decode_receipt(r->result, &rc, NULL, 0) == 0) {
			landed |= s->state == TX_PENDING;
			s->block = rc.block_number;
			s->confirmations = w->head >= rc.block_number ? w->head - rc.block_number + 1 : 0;
			s->state = rc.has_status && rc.status == 0 ? TX_FAILED
			           : s->confirmations >= w->confirmations_wanted ? TX_CONFIRMED : TX_INCLUDED;
			s->stuck = false;
			eth_receipt_free(&rc);
			continue;
		}
		/* No receipt: replaced when another transaction of ours took the nonce. */
		for (size_t j = 0; j < w->nsent; j++) {
			if (j != i && w->sent[j].nonce == s->nonce && memcmp(w->sent[j].from, s->from, 20) == 0 &&
			    (w->sent[j].state == TX_INCLUDED || w->sent[j].state == TX_CONFIRMED ||
			     w->sent[j].state == TX_FAILED))
				s->state = TX_REPLACED;
		}
		if (s->state == TX_PENDING)
			s->stuck = (w->head > s->sent_at_block + STUCK_AFTER_BLOCKS) ||
			           (s->eip1559 && w->has_base_fee && u256_cmp(s->max_fee, w->base_fee) < 0);
	}
	/* One of ours made it into a block: the history on screen now has a new entry. */
	if (landed)
		wallet_select(w, w->selected);
	/* Confirmed, failed or replaced ones leave the pending file. */
	for (size_t i = 0; i < w->nsent; i++) {
		if (sent_final(w, &w->sent[i]) && w->sent_raw[i]) {
			free(w->sent_raw[i]);
			w->sent_raw[i] = NULL;
			w->sent_raw_len[i] = 0;
			saved_changed = true;
		}
	}
	if (saved_changed)
		wallet_file_save(&w->pending_file);
	wallet_notify(w);
}

/* The node's answer to a transaction handed to it again: "already known" and the like are all fine. */
static void on_resent(void *ud, const struct rpc_response *res)
{
	(void)ud;
	(void)res;
}

/*
 * Transactions read back at start are handed to the node once more, from
 * their signed bytes: a node that restarted (or dropped them) meanwhile gets
 * them again, so they can still be mined, tracked and replaced.
 */
static void resend_restored(struct wallet *w)
{
	for (size_t i = 0; i < w->nsent; i++) {
		char *hexraw;
		cJSON *p;

		if (!w->sent_resend[i] || !w->sent_raw[i] || !on_this_chain(w, &w->sent[i]))
			continue;
		w->sent_resend[i] = false;
		hexraw = xmalloc(w->sent_raw_len[i] * 2 + 3);
		p = cJSON_CreateArray();
		if (!p) {
			free(hexraw);
			continue;
		}
		hex_encode(hexraw, w->sent_raw_len[i] * 2 + 3, w->sent_raw[i], w->sent_raw_len[i], 1);
		cJSON_AddItemToArray(p, cJSON_CreateString(hexraw));
		free(hexraw);
		rpc_call(w->rpc, "eth_sendRawTransaction", p, on_resent, NULL);
	}
}

void wallet_track_tick(struct wallet *w)
{
	struct rpc_batch *b;
	cJSON *p;

	if (w->track_call)
		return;
	resend_restored(w);
	b = rpc_batch_new();
	if (!b)
		return;
	p = cJSON_CreateArray();
	cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
	cJSON_AddItemToArray(p, cJSON_CreateFalse());
	rpc_batch_add(b, "eth_getBlockByNumber", p);
	for (size_t i = 0; i < w->nsent; i++) {
		const struct wallet_sent *s = &w->sent[i];
		char hash[70];

		if (sent_final(w, s) || !on_this_chain(w, s))
			continue;
		hex_encode(hash, sizeof(hash), s->hash, 32, 1);
		p = cJSON_CreateArray();
		cJSON_AddItemToArray(p, cJSON_CreateString(hash));
		rpc_batch_add(b, "eth_getTransactionReceipt", p);
	}
	w->track_call = rpc_batch_send(w->rpc, b, on_track, w);
}

size_t wallet_sent_count(const struct wallet *w)
{
	return w->nsent;
}

const struct wallet_sent *wallet_sent(const struct wallet *w, size_t i)
{
	return i < w->nsent ? &w->sent[i] : NULL;
}

void wallet_set_confirmations(struct wallet *w, uint64_t n)
{
	w->confirmations_wanted = n ? n : 1;
}

void wallet_send_free(struct wallet *w)
{
	draft_reset(w);
	fsutil_save_orphan(w->pending_file.job);
	w->pending_file.job = NULL;
	for (size_t i = 0; i < w->nsent; i++) {
		free(w->sent_data[i]);
		free(w->sent_raw[i]);
	}
	w->nsent = 0;
}

/* ---- the pending file ---- */

/* The transactions still being followed (those with their raw bytes kept). */
static char *render_pending(struct wallet *w, size_t *len)
{
	struct pending_entry v[WALLET_MAX_SENT];
	size_t n = 0;

	for (size_t i = 0; i < w->nsent; i++) {
		if (!w->sent_raw[i])
			continue;
		v[n].sent_at_block = w->sent[i].sent_at_block;
		v[n].raw = w->sent_raw[i];
		v[n].len = w->sent_raw_len[i];
		snprintf(v[n].note, sizeof(v[n].note), "%s", w->sent[i].note);
		n++;
	}
	return pending_render(v, n, len);
}

static void pending_saved(struct wallet *w, int rc, const char *err)
{
	char why[300];

	if (rc == CD_OK)
		return;
	text_sanitize(why, sizeof(why), err, strlen(err));
	wallet_say(w, "the pending transactions were NOT saved (a restart forgets them): %s", why);
}

static bool own_address(const struct wallet *w, const uint8_t a[20])
{
	for (size_t i = 0; i < w->naccounts; i++)
		if (memcmp(w->accounts[i].acct.address.b, a, 20) == 0)
			return true;
	return false;
}

void wallet_send_init(struct wallet *w)
{
	struct pending_list *l;
	char err[300];

	w->pending_file.w = w;
	w->pending_file.render = render_pending;
	w->pending_file.saved = pending_saved;
	if (pending_path(w->vault_path, w->pending_file.path, sizeof(w->pending_file.path)) != 0) {
		w->pending_file.path[0] = '\0';
		return;
	}
	l = xcalloc(1, sizeof(*l));
	if (pending_load(l, w->pending_file.path, err, sizeof(err)) != 0) {
		/* Not overwritten: what is in it may be the only record of a transaction in flight. */
		w->pending_file.path[0] = '\0';
		text_sanitize(w->message, sizeof(w->message), err, strlen(err));
		log_msg(LOG_WARN, "wallet: pending transactions: %s", w->message);
		free(l);
		return;
	}
	for (size_t i = 0; i < l->n && w->nsent < WALLET_MAX_SENT; i++) {
		struct pending_entry *e = &l->v[i];
		struct wallet_sent *s = &w->sent[w->nsent];

		if (pending_decode(e->raw, e->len, s, &w->sent_data[w->nsent], &w->sent_data_len[w->nsent], err,
		                   sizeof(err)) != 0 || !own_address(w, s->from)) {
			/* Signed by none of the vault's keys, or not a transaction: not ours to follow. */
			log_msg(LOG_WARN, "wallet: pending transaction %zu dropped: %s", i + 1,
			        own_address(w, s->from) ? err : "not sent from an account of this vault");
			free(w->sent_data[w->nsent]);
			w->sent_data[w->nsent] = NULL;
			continue;
		}
		s->state = TX_PENDING;
		s->sent_at_block = e->sent_at_block;
		snprintf(s->note, sizeof(s->note), "%s", e->note);
		w->sent_raw[w->nsent] = e->raw;
		w->sent_raw_len[w->nsent] = e->len;
		w->sent_resend[w->nsent] = true;
		e->raw = NULL;
		w->nsent++;
	}
	pending_list_free(l);
	free(l);
}
