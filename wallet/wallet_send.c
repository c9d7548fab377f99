/*
 * Sending: preparing a draft (nonce, fees, gas, pre-send check), signing
 * exactly that draft after re-checking the node's chain id, broadcasting,
 * tracking to N confirmations, and replacing (speed-up, cancel).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/abi.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/text.h"
#include "wallet/pending.h"
#include "wallet/tx.h"
#include "wallet/wallet_internal.h"

#define FEE_HISTORY_BLOCKS "0x14"
#define STUCK_AFTER_BLOCKS 10

/* Replies of the first preparation batch, in order. */
enum { Q_CHAIN, Q_NONCE, Q_FEES, Q_GAS_PRICE, Q_BALANCE, Q_LATEST, Q_TOKEN_BALANCE, Q_TOKEN_DECIMALS, Q_TOKEN_SYMBOL,
       Q_COUNT };

static int parse_amount(struct wallet *w, const struct wallet_send_form *f, unsigned decimals);

struct draft_ctx {
	struct wallet *w;
	uint64_t gen;
	struct wallet_send_form form;
	uint8_t *raw;                /* the signed bytes being broadcast (owned) */
	size_t raw_len;
};

static void ctx_free(struct draft_ctx *c)
{
	if (c)
		free(c->raw);
	free(c);
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
	char raw[240];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	text_sanitize(w->draft.message, sizeof(w->draft.message), raw, strlen(raw));
	w->draft.state = DRAFT_ERROR;
	wallet_notify(w);
}

static void draft_reset(struct wallet *w)
{
	free(w->draft.data);
	memset(&w->draft, 0, sizeof(w->draft));
	if (w->draft_call)
		rpc_cancel(w->rpc, w->draft_call);
	w->draft_call = 0;
	w->draft_gen++;
}

void wallet_draft_clear(struct wallet *w)
{
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

/* {from, to, value, data} as eth_call / eth_estimateGas want it. */
static cJSON *call_object(const struct wallet_draft *d, const uint8_t *to)
{
	cJSON *o = cJSON_CreateObject();
	char buf[80];
	char *data = malloc(d->data_len * 2 + 3);

	addr_hex(buf, sizeof(buf), d->from_addr);
	cJSON_AddStringToObject(o, "from", buf);
	addr_hex(buf, sizeof(buf), to);
	cJSON_AddStringToObject(o, "to", buf);
	u256_format_hex(d->value, buf, sizeof(buf));
	cJSON_AddStringToObject(o, "value", buf);
	if (data && d->data_len) {
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
	if (cJSON_IsString(dj) && hex_decode(buf, sizeof(buf), &len, dj->valuestring, strlen(dj->valuestring)) == HEX_OK) {
		abi_decode_revert(buf, len, out, cap);
		return;
	}
	text_sanitize(out, cap, r->message ? r->message : "", r->message ? strlen(r->message) : 0);
}

/* Final numbers: fees by level or custom, the total, and whether the balance covers it. */
static void finish_draft(struct wallet *w, const struct wallet_send_form *f)
{
	struct wallet_draft *d = &w->draft;
	struct u256 fee_per_gas;
	char need[80], have[80];

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
	    fees_max_amount(d->balance, d->gas, fee_per_gas, &d->value) != U256_OK) {
		draft_fail(w, "the balance does not even cover the fee");
		return;
	}
	if (fees_total(d->gas, fee_per_gas, d->value, &d->max_total) != U256_OK) {
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
	d->state = DRAFT_READY;
	wallet_notify(w);
}

/*
 * eth_simulateV1's verdict on the single call: 1 ok, 0 reverts (reason in
 * why), -1 when the node does not offer it or the answer is not readable.
 */
static int simulate_verdict(struct wallet *w, const struct rpc_reply *r, char *why, size_t cap)
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
	if (strcmp(status->valuestring, "0x1") == 0)
		return 1;
	ret = cJSON_GetObjectItemCaseSensitive(call, "returnData");
	if (cJSON_IsString(ret) && hex_decode(buf, sizeof(buf), &len, ret->valuestring, strlen(ret->valuestring)) == HEX_OK)
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
	uint64_t est;
	int sim = -1;

	if (c->gen != w->draft_gen) {
		free(c);
		return;
	}
	w->draft_call = 0;
	if (res->status != RPC_OK) {
		draft_fail(w, "the node did not answer: %s", res->detail);
		free(c);
		return;
	}
	/* [eth_estimateGas, eth_call, eth_simulateV1 where offered]: simulate's verdict first. */
	d->precheck_ok = true;
	if (res->n > 2)
		sim = simulate_verdict(w, &res->reply[2], why, sizeof(why));
	if (sim >= 0) {
		how = "eth_simulateV1";
		d->precheck_ok = sim == 1;
		if (!d->precheck_ok)
			snprintf(d->message, sizeof(d->message), "would fail (eth_simulateV1): %s", why);
	} else {
		for (size_t i = 0; i < 2 && i < res->n; i++) {
			if (res->reply[i].status == RPC_EREMOTE) {
				revert_text(&res->reply[i], why, sizeof(why));
				snprintf(d->message, sizeof(d->message), "would fail: %s", why);
				d->precheck_ok = false;
				break;
			}
		}
	}
	if (d->precheck_ok && res->reply[0].status == RPC_OK && eth_decode_u64(res->reply[0].result, &est, NULL, 0) == 0)
		d->gas = est == 21000 ? est : est + est / 5; /* contracts get a 20 % margin */
	else if (!d->gas)
		d->gas = d->data_len ? 100000 : 21000;
	if (d->precheck_ok)
		snprintf(d->message, sizeof(d->message), "pre-send check on the node (%s): ok", how);
	finish_draft(w, &c->form);
	free(c);
}

static void check_on_node(struct wallet *w, struct draft_ctx *c)
{
	struct wallet_draft *d = &w->draft;
	const uint8_t *to = d->token ? d->token_addr : d->recipient;
	struct rpc_batch *b = rpc_batch_new();
	cJSON *p1 = cJSON_CreateArray(), *p2 = cJSON_CreateArray();

	cJSON_AddItemToArray(p1, call_object(d, to));
	cJSON_AddItemToArray(p2, call_object(d, to));
	cJSON_AddItemToArray(p2, cJSON_CreateString("latest"));
	rpc_batch_add(b, "eth_estimateGas", p1);
	rpc_batch_add(b, "eth_call", p2);
	if (!w->simulate_unsupported) {
		cJSON *p3 = cJSON_CreateArray(), *opts = cJSON_CreateObject(), *blocks = cJSON_CreateArray();
		cJSON *block = cJSON_CreateObject(), *calls = cJSON_CreateArray();

		cJSON_AddItemToArray(calls, call_object(d, to));
		cJSON_AddItemToObject(block, "calls", calls);
		cJSON_AddItemToArray(blocks, block);
		cJSON_AddItemToObject(opts, "blockStateCalls", blocks);
		cJSON_AddItemToArray(p3, opts);
		cJSON_AddItemToArray(p3, cJSON_CreateString("latest"));
		rpc_batch_add(b, "eth_simulateV1", p3);
	}
	w->draft_call = rpc_batch_send(w->rpc, b, on_check, c);
}

static bool reply_u64(const struct rpc_response *res, int i, uint64_t *v)
{
	return res->reply[i].status == RPC_OK && eth_decode_u64(res->reply[i].result, v, NULL, 0) == 0;
}

static bool reply_u256(const struct rpc_response *res, int i, struct u256 *v)
{
	return res->reply[i].status == RPC_OK && eth_decode_u256(res->reply[i].result, v, NULL, 0) == 0;
}

static void on_basics(void *ud, const struct rpc_response *res)
{
	struct draft_ctx *c = ud;
	struct wallet *w = c->w;
	struct wallet_draft *d = &w->draft;
	const struct wallet_send_form *f = &c->form;
	struct eth_block latest;
	struct u256 gas_price, token_balance = { { 0 } };
	bool have_latest = false;

	if (c->gen != w->draft_gen) {
		free(c);
		return;
	}
	w->draft_call = 0;
	if (res->status != RPC_OK) {
		draft_fail(w, "the node did not answer: %s", res->detail);
		free(c);
		return;
	}
	if (!reply_u64(res, Q_CHAIN, &d->chain_id) || !reply_u64(res, Q_NONCE, &d->nonce) ||
	    !reply_u256(res, Q_BALANCE, &d->balance)) {
		draft_fail(w, "the node did not give the chain id, nonce and balance");
		free(c);
		return;
	}
	if (f->custom_nonce) {
		d->nonce = f->nonce;
		/* A nonce taken by a pending transaction of ours would replace it: that is what x / X are for. */
		for (size_t i = 0; i < w->nsent; i++) {
			const struct wallet_sent *s = &w->sent[i];
			char h[70];

			if (s->state == TX_PENDING && s->nonce == d->nonce && s->chain_id == d->chain_id &&
			    memcmp(s->from, d->from_addr, 20) == 0) {
				hex_encode(h, sizeof(h), s->hash, 32, 1);
				draft_fail(w, "nonce %llu is already used by pending transaction %.18s..: x speeds it up, X cancels it",
				           (unsigned long long)d->nonce, h);
				free(c);
				return;
			}
		}
	}
	if (res->reply[Q_LATEST].status == RPC_OK && eth_decode_header(res->reply[Q_LATEST].result, &latest, NULL, 0) == 0)
		have_latest = true;
	/* EIP-1559 where the chain has a base fee and the node answers eth_feeHistory; else a legacy gas price. */
	d->eip1559 = false;
	if (have_latest && latest.has_base_fee && res->reply[Q_FEES].status == RPC_OK) {
		struct eth_fee_history h;

		if (eth_decode_fee_history(res->reply[Q_FEES].result, &h, NULL, 0) == 0) {
			d->eip1559 = fees_suggest_1559(&h, &d->levels) == 0;
			eth_fee_history_free(&h);
		}
	}
	if (have_latest)
		eth_block_free(&latest);
	if (!d->eip1559) {
		if (!reply_u256(res, Q_GAS_PRICE, &gas_price)) {
			draft_fail(w, "the node gives neither a fee history nor a gas price");
			free(c);
			return;
		}
		fees_suggest_legacy(gas_price, &d->levels);
	}
	if (d->token) {
		/*
		 * The decimals scale what is signed: they are taken from the token list
		 * (remembered the first time the token was seen on this chain), and a
		 * node whose answer differs now is not believed.
		 */
		struct tokenlist_entry seen = { .chain_id = d->chain_id };
		const struct tokenlist_entry *known;

		if (res->reply[Q_TOKEN_DECIMALS].status != RPC_OK ||
		    !tokens_decimals_decode(res->reply[Q_TOKEN_DECIMALS].result, &seen.decimals)) {
			draft_fail(w, "the token did not answer decimals(): not signed");
			free(c);
			return;
		}
		memcpy(seen.addr, d->token_addr, 20);
		if (res->reply[Q_TOKEN_SYMBOL].status != RPC_OK ||
		    !tokens_symbol_decode(res->reply[Q_TOKEN_SYMBOL].result, seen.symbol, sizeof(seen.symbol)))
			snprintf(seen.symbol, sizeof(seen.symbol), "?");
		known = tokenlist_find(&w->tokenlist, d->chain_id, d->token_addr);
		if (known && known->decimals != seen.decimals) {
			draft_fail(w, "the token's decimals changed: %u remembered for it on chain %llu, the node now says %u; "
			           "not signed (check the node)", known->decimals, (unsigned long long)d->chain_id, seen.decimals);
			free(c);
			return;
		}
		if (!known) {
			wallet_remember_token(w, &seen);
			known = &seen;
		}
		d->token_decimals = known->decimals;
		snprintf(d->token_symbol, sizeof(d->token_symbol), "%s", known->symbol);
		if (parse_amount(w, f, d->token_decimals) != 0) {
			free(c);
			return;
		}
		if (res->reply[Q_TOKEN_BALANCE].status != RPC_OK ||
		    !tokens_balance_decode(res->reply[Q_TOKEN_BALANCE].result, &token_balance)) {
			draft_fail(w, "the token did not answer balanceOf");
			free(c);
			return;
		}
		if (strcmp(f->amount, "max") == 0)
			d->token_amount = token_balance;
		if (u256_cmp(d->token_amount, token_balance) > 0) {
			draft_fail(w, "the token balance is smaller than the amount");
			free(c);
			return;
		}
		/* transfer(recipient, amount) */
		{
			struct abi_value args[2] = { { .kind = ABI_ADDRESS }, { .kind = ABI_UINT, .num = d->token_amount } };
			uint8_t data[68];
			size_t dl;

			memcpy(args[0].addr.b, d->recipient, 20);
			if (abi_encode_call(data, sizeof(data), &dl, "transfer(address,uint256)", args, 2) != ABI_OK) {
				draft_fail(w, "cannot encode the token transfer");
				free(c);
				return;
			}
			d->data = malloc(dl);
			if (!d->data) {
				draft_fail(w, "out of memory");
				free(c);
				return;
			}
			memcpy(d->data, data, dl);
			d->data_len = dl;
		}
	} else if (strcmp(f->amount, "max") == 0) {
		/* Estimate with a plain transfer's value; the exact max comes after the gas is known. */
		d->value = u256_from_u64(0);
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
	if (rc != U256_OK) {
		draft_fail(w, "not an amount: '%s' (write 1.5, 0.001 or max)", f->amount);
		return -1;
	}
	return 0;
}

void wallet_prepare(struct wallet *w, const struct wallet_send_form *f)
{
	struct wallet_draft *d = &w->draft;
	struct draft_ctx *c;
	struct rpc_batch *b;
	char from[48], pct[3][8];
	cJSON *p;

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
	c = calloc(1, sizeof(*c));
	b = rpc_batch_new();
	if (!c || !b) {
		free(c);
		rpc_batch_free(b);
		draft_fail(w, "out of memory");
		return;
	}
	c->w = w;
	c->gen = w->draft_gen;
	c->form = *f;
	addr_hex(from, sizeof(from), d->from_addr);
	rpc_batch_add(b, "eth_chainId", NULL);
	p = cJSON_CreateArray();
	cJSON_AddItemToArray(p, cJSON_CreateString(from));
	cJSON_AddItemToArray(p, cJSON_CreateString("pending"));
	rpc_batch_add(b, "eth_getTransactionCount", p);
	p = cJSON_CreateArray();
	cJSON_AddItemToArray(p, cJSON_CreateString(FEE_HISTORY_BLOCKS));
	cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
	{
		cJSON *arr = cJSON_CreateArray();

		for (int i = 0; i < FEE_LEVELS; i++) {
			snprintf(pct[i], sizeof(pct[i]), "%u", fees_percentiles[i]);
			cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)fees_percentiles[i]));
		}
		cJSON_AddItemToArray(p, arr);
	}
	rpc_batch_add(b, "eth_feeHistory", p);
	rpc_batch_add(b, "eth_gasPrice", NULL);
	p = cJSON_CreateArray();
	cJSON_AddItemToArray(p, cJSON_CreateString(from));
	cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
	rpc_batch_add(b, "eth_getBalance", p);
	p = cJSON_CreateArray();
	cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
	cJSON_AddItemToArray(p, cJSON_CreateFalse());
	rpc_batch_add(b, "eth_getBlockByNumber", p);
	{
		/* balanceOf(from) on the token, or a harmless repeat of the chain id for ETH. */
		if (f->token) {
			rpc_batch_add(b, "eth_call", tokens_balance_params(f->token_addr, d->from_addr));
			rpc_batch_add(b, "eth_call", tokens_call_params(f->token_addr, "decimals()"));
			rpc_batch_add(b, "eth_call", tokens_call_params(f->token_addr, "symbol()"));
		} else {
			rpc_batch_add(b, "eth_chainId", NULL);
			rpc_batch_add(b, "eth_chainId", NULL);
			rpc_batch_add(b, "eth_chainId", NULL);
		}
	}
	w->draft_call = rpc_batch_send(w->rpc, b, on_basics, c);
	wallet_notify(w);
}

/* ---- replacing a sent transaction ---- */

void wallet_prepare_replacement(struct wallet *w, size_t i, bool cancel)
{
	struct wallet_draft *d = &w->draft;
	const struct wallet_sent *s;
	struct u256 want_fee, want_tip;

	if (i >= w->nsent)
		return;
	s = &w->sent[i];
	draft_reset(w);
	if (s->state != TX_PENDING) {
		draft_fail(w, "only a pending transaction can be replaced");
		return;
	}
	for (size_t k = 0; k < w->naccounts; k++) {
		if (memcmp(w->accounts[k].acct.address.b, s->from, 20) == 0)
			d->from = k;
	}
	memcpy(d->from_addr, s->from, 20);
	d->chain_id = s->chain_id;
	d->nonce = s->nonce;
	d->eip1559 = s->eip1559;
	d->replaces = true;
	d->replaced = i;
	if (cancel) {
		/* A cancel sends nothing to oneself with the same nonce: cheap, and it takes the slot. */
		memcpy(d->recipient, s->from, 20);
		d->gas = 21000;
	} else {
		memcpy(d->recipient, s->to, 20);
		d->value = s->value;
		d->gas = s->gas;
		if (w->sent_data_len[i]) {
			d->data = malloc(w->sent_data_len[i]);
			if (!d->data) {
				draft_fail(w, "out of memory");
				return;
			}
			memcpy(d->data, w->sent_data[i], w->sent_data_len[i]);
			d->data_len = w->sent_data_len[i];
		}
	}
	/* At least 10 % more than before (the node's rule), and at least what the base fee now asks. */
	want_fee = u256_from_u64(0);
	want_tip = u256_from_u64(0);
	if (w->has_base_fee)
		u256_add(&want_fee, w->base_fee, w->base_fee);
	if (s->eip1559) {
		fees_bump(s->tip, want_tip, &d->tip);
		u256_add(&want_fee, want_fee, d->tip);
		fees_bump(s->max_fee, want_fee, &d->max_fee);
	} else {
		fees_bump(s->gas_price, want_fee, &d->gas_price);
	}
	d->balance = w->accounts[d->from].balance;
	if (fees_total(d->gas, d->eip1559 ? d->max_fee : d->gas_price, d->value, &d->max_total) != U256_OK) {
		draft_fail(w, "the amounts overflow");
		return;
	}
	d->precheck_ok = true;
	snprintf(d->message, sizeof(d->message), "%s of nonce %llu with higher fees", cancel ? "cancel" : "speed-up",
	         (unsigned long long)s->nonce);
	d->state = DRAFT_READY;
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
	w->draft_call = 0;
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

static void on_chain_checked(void *ud, const struct rpc_response *res)
{
	struct draft_ctx *c = ud;
	struct wallet *w = c->w;
	struct wallet_draft *d = &w->draft;
	struct tx t;
	struct tx_raw raw = { 0 };
	uint8_t *key;
	char err[200], *hexraw;
	uint64_t node_chain;
	cJSON *p;
	int rc;

	if (c->gen != w->draft_gen) {
		free(c);
		return;
	}
	w->draft_call = 0;
	if (res->status != RPC_OK || !reply_u64(res, 0, &node_chain)) {
		free(c);
		draft_fail(w, "cannot confirm the node's chain id: not signed (%s)", res->detail);
		return;
	}
	if (d->token && !d->replaces) {
		uint8_t dec;

		if (res->n < 2 || res->reply[1].status != RPC_OK || !tokens_decimals_decode(res->reply[1].result, &dec) ||
		    dec != d->token_decimals) {
			free(c);
			draft_fail(w, "the token's decimals are no longer the %u the amount was read with: not signed",
			           d->token_decimals);
			return;
		}
	}
	if (node_chain != d->chain_id) {
		char why[96];

		free(c);
		snprintf(why, sizeof(why), "the node is now on chain %llu, the transaction is for chain %llu",
		         (unsigned long long)node_chain, (unsigned long long)d->chain_id);
		draft_fail(w, "%s: not signed", why);
		return;
	}
	if (w->state != WALLET_UNLOCKED) {
		free(c);
		draft_fail(w, "the wallet locked itself: unlock (u) and send again");
		return;
	}
	key = sodium_malloc(32);
	if (!key) {
		free(c);
		draft_fail(w, "out of memory");
		return;
	}
	rc = vault_private_key(w->vault, d->from, key, err, sizeof(err));
	if (rc == VAULT_OK) {
		draft_tx(d, &t);
		rc = tx_sign(&t, key, &raw);
	}
	sodium_free(key);
	if (rc != 0) {
		free(c);
		draft_fail(w, "signing failed: %s", rc == VAULT_OK ? "transaction rejected" : err);
		return;
	}
	memcpy(d->sent_hash, raw.hash, 32);
	hexraw = malloc(raw.len * 2 + 3);
	if (!hexraw) {
		tx_raw_free(&raw);
		free(c);
		draft_fail(w, "out of memory");
		return;
	}
	hex_encode(hexraw, raw.len * 2 + 3, raw.bytes, raw.len, 1);
	c->raw = raw.bytes;
	c->raw_len = raw.len;
	p = cJSON_CreateArray();
	cJSON_AddItemToArray(p, cJSON_CreateString(hexraw));
	free(hexraw);
	w->draft_call = rpc_call(w->rpc, "eth_sendRawTransaction", p, on_broadcast, c);
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
	c = calloc(1, sizeof(*c));
	if (!c)
		return;
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
		rpc_batch_add(b, "eth_chainId", NULL);
		if (w->draft.token && !w->draft.replaces)
			rpc_batch_add(b, "eth_call", tokens_call_params(w->draft.token_addr, "decimals()"));
		w->draft_call = rpc_batch_send(w->rpc, b, on_chain_checked, c);
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
		hexraw = malloc(w->sent_raw_len[i] * 2 + 3);
		p = cJSON_CreateArray();
		if (!hexraw || !p) {
			free(hexraw);
			cJSON_Delete(p);
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

	if (rc == FSUTIL_OK)
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
	l = calloc(1, sizeof(*l));
	if (!l)
		return;
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
