/*
 * The rows of a transaction document (explorer/txview.h): everything the
 * explorer pane shows about a transaction, decided and formatted here so that
 * the pane only draws, and so that the rows can be checked on recorded answers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/abi.h"
#include "common/address.h"
#include "common/fmt.h"
#include "common/hex.h"
#include "common/safeview.h"
#include "common/selectors.h"
#include "explorer/txview.h"

void txview_addr(char *out, size_t cap, const uint8_t a[20])
{
	struct address ad;
	char t[ADDRESS_TEXT_SIZE];

	memcpy(ad.b, a, 20);
	address_format(&ad, t);
	snprintf(out, cap, "%s", t);
}

void txview_short_addr(char *out, size_t cap, const uint8_t a[20])
{
	char t[ADDRESS_TEXT_SIZE];

	txview_addr(t, sizeof(t), a);
	snprintf(out, cap, "%.8s..%s", t, t + 36);
}

void txview_book_suffix(char *out, size_t cap, const struct addressbook *book, const uint8_t a[20])
{
	struct address ad;
	const char *label;

	memcpy(ad.b, a, 20);
	label = book ? addressbook_get(book, &ad) : NULL;
	snprintf(out, cap, "%s%s%s", label ? "  (" : "", label ? label : "", label ? ")" : "");
}

void txview_age(char *out, size_t cap, uint64_t now, uint64_t ts)
{
	fmt_duration(out, cap, now > ts ? now - ts : 0);
}

void txview_date(char *out, size_t cap, uint64_t ts)
{
	time_t t = (time_t)ts;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(out, cap, "%llu", (unsigned long long)ts);
}

/* The rows being built: a failed allocation is remembered and reported once at the end. */
struct builder {
	struct txview *v;
	size_t cap;
	bool nomem;
};

static struct txview_row *add(struct builder *b, const char *label, enum txview_tone tone,
                              const struct explorer_target *link, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static struct txview_row *add(struct builder *b, const char *label, enum txview_tone tone,
                              const struct explorer_target *link, const char *fmt, ...)
{
	struct txview_row *r;
	va_list ap;

	if (b->nomem)
		return NULL;
	if (b->v->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 24;
		struct txview_row *p = realloc(b->v->rows, cap * sizeof(*p));

		if (!p) {
			b->nomem = true;
			return NULL;
		}
		b->v->rows = p;
		b->cap = cap;
	}
	r = &b->v->rows[b->v->n++];
	memset(r, 0, sizeof(*r));
	r->label = label;
	r->tone = tone;
	if (link) {
		r->has_link = true;
		r->link = *link;
	}
	va_start(ap, fmt);
	vsnprintf(r->value, sizeof(r->value), fmt, ap);
	va_end(ap);
	return r;
}

static const char *type_name(unsigned type)
{
	switch (type) {
	case 0: return " (legacy)";
	case 1: return " (EIP-2930)";
	case 2: return " (EIP-1559)";
	case 3: return " (EIP-4844 blob)";
	case 4: return " (EIP-7702)";
	default: return "";
	}
}

/* Status, revert reason and block: what the receipt says about where the transaction ended. */
static void status_rows(struct builder *b, const struct explorer_doc *d, const struct txview_ctx *ctx)
{
	const struct eth_receipt *r = &d->receipt;
	struct explorer_target t = { .kind = DOC_BLOCK, .number = r->block_number };
	bool ok = !r->has_status || r->status;
	char conf[64] = "", num[32], age[32] = "", date[48] = "";

	if (!d->has_receipt) {
		add(b, "Status", TXV_WARN, NULL, "pending (not in a block yet)");
		return;
	}
	if (ctx->has_head && ctx->head >= r->block_number)
		snprintf(conf, sizeof(conf), ", %llu confirmations", (unsigned long long)ctx->head - r->block_number + 1);
	add(b, "Status", ok ? TXV_OK : TXV_BAD, NULL, "%s%s",
	    !r->has_status ? "included (pre-Byzantium: no status)" : ok ? "success" : "FAILED", conf);
	if (!ok)
		add(b, "Reverted", TXV_BAD, NULL, "%s",
		    d->revert_state == REVERT_READY ? d->revert : d->revert_state == REVERT_LOADING ? "replaying..." : "-");
	if (d->has_block_time) {
		txview_age(age, sizeof(age), ctx->now, d->block_time);
		txview_date(date, sizeof(date), d->block_time);
	}
	add(b, "Block", TXV_NORMAL, &t, "#%s, index %llu%s%s%s%s%s", fmt_count(num, sizeof(num), r->block_number),
	    (unsigned long long)r->tx_index, d->has_block_time ? " (" : "", date, d->has_block_time ? ", " : "", age,
	    d->has_block_time ? " ago)" : "");
}

static void address_row(struct builder *b, const char *label, const uint8_t a[20], const struct addressbook *book)
{
	struct explorer_target t = { .kind = DOC_ADDRESS };
	char text[ADDRESS_TEXT_SIZE], lab[ADDRESSBOOK_LABEL_MAX + 8];

	memcpy(t.address, a, 20);
	txview_addr(text, sizeof(text), a);
	txview_book_suffix(lab, sizeof(lab), book, a);
	add(b, label, TXV_NORMAL, &t, "%s%s", text, lab);
}

/* Value, nonce and type, gas and what it cost. */
static void cost_rows(struct builder *b, const struct explorer_doc *d)
{
	const struct eth_tx *tx = &d->tx;
	const struct eth_receipt *r = &d->receipt;
	char v[TXVIEW_VALUE_MAX], a[TXVIEW_VALUE_MAX], num[32], used[32] = "", pct[16] = "";
	struct u256 fee;

	add(b, "Value", TXV_NORMAL, NULL, "%s", fmt_units(v, sizeof(v), tx->value, 18, "ETH"));
	add(b, "Nonce", TXV_NORMAL, NULL, "%llu   type %u%s", (unsigned long long)tx->nonce, tx->type, type_name(tx->type));
	if (d->has_receipt)
		add(b, "Gas", TXV_NORMAL, NULL, "limit %s, used %s (%s)", fmt_count(num, sizeof(num), tx->gas),
		    fmt_count(used, sizeof(used), r->gas_used), fmt_percent_fit(pct, sizeof(pct), r->gas_used, tx->gas));
	else
		add(b, "Gas", TXV_NORMAL, NULL, "limit %s", fmt_count(num, sizeof(num), tx->gas));
	if (d->has_receipt && r->has_effective_gas_price) {
		add(b, "Gas price", TXV_NORMAL, NULL, "%s", fmt_units(v, sizeof(v), r->effective_gas_price, 9, "gwei (effective)"));
		if (u256_mul(&fee, u256_from_u64(r->gas_used), r->effective_gas_price) == CD_OK)
			add(b, "Fee", TXV_NORMAL, NULL, "%s", fmt_units(v, sizeof(v), fee, 18, "ETH"));
	}
	/* what the sender offered, mined or not: the caps of an EIP-1559 transaction */
	if (tx->has_max_fees) {
		add(b, "Fees", TXV_NORMAL, NULL, "max %s, tip %s", fmt_units(a, sizeof(a), tx->max_fee_per_gas, 9, "gwei"),
		    fmt_units(v, sizeof(v), tx->max_priority_fee_per_gas, 9, "gwei"));
	} else if (d->has_receipt && r->has_effective_gas_price) {
		/* the price above says it all */
	} else if (tx->has_gas_price) {
		add(b, "Gas price", TXV_NORMAL, NULL, "%s", fmt_units(v, sizeof(v), tx->gas_price, 9, "gwei"));
	}
}

/* The call: method name and arguments from the selector table, else the raw selector. */
static void call_rows(struct builder *b, const struct eth_tx *tx)
{
	const char *sigs[2];
	uint32_t sel;
	struct txview_row *r;

	if (tx->input_len == 0)
		return;
	if (tx->input_len < 4) {
		add(b, "Input", TXV_NORMAL, NULL, "(fewer than 4 bytes)");
		return;
	}
	sel = (uint32_t)tx->input[0] << 24 | (uint32_t)tx->input[1] << 16 | (uint32_t)tx->input[2] << 8 | tx->input[3];
	if (selectors_lookup(sel, sigs, 2) == 0) {
		add(b, "Method", TXV_NORMAL, NULL, "0x%08x (not in the selector table), %zu bytes of input", sel, tx->input_len);
		return;
	}
	add(b, "Method", TXV_TITLE, NULL, "%s", sigs[0]);
	r = add(b, "Arguments", TXV_NORMAL, NULL, "%s", "");
	if (r)
		abi_format_args(sigs[0], tx->input, tx->input_len, r->value, sizeof(r->value));
}

/* The input as the node sent it, in hex; a long one is cut with a mark and its length. */
static void input_row(struct builder *b, const struct eth_tx *tx)
{
	struct txview_row *r;
	size_t room = TXVIEW_VALUE_MAX - 40, n = tx->input_len;

	if (!tx->input_len)
		return;
	r = add(b, "Input", TXV_NORMAL, NULL, "%s", "");
	if (!r)
		return;
	if (2 * n + 3 > room)
		n = (room - 3) / 2;
	hex_encode(r->value, sizeof(r->value), tx->input, n, 1);
	if (n < tx->input_len)
		snprintf(r->value + strlen(r->value), sizeof(r->value) - strlen(r->value), "... (%zu bytes)", tx->input_len);
}

/* EIP-2930 access list: each address with the storage keys it declares. */
static void access_rows(struct builder *b, const struct eth_tx *tx)
{
	if (!tx->has_access_list)
		return;
	add(b, "Access list", TXV_NORMAL, NULL, "%zu entr%s", tx->access_list_count,
	    tx->access_list_count == 1 ? "y" : "ies");
	for (size_t i = 0; i < tx->access_list_count; i++) {
		const struct eth_access_entry *e = &tx->access_list[i];
		struct explorer_target t = { .kind = DOC_ADDRESS };
		char a[ADDRESS_TEXT_SIZE];

		memcpy(t.address, e->address, 20);
		txview_addr(a, sizeof(a), e->address);
		add(b, "", TXV_NORMAL, &t, "  %s, %zu storage key%s", a, e->key_count, e->key_count == 1 ? "" : "s");
		for (size_t k = 0; k < e->key_count; k++) {
			char key[2 * 32 + 3];

			hex_encode(key, sizeof(key), e->keys[k], 32, 1);
			add(b, "", TXV_NORMAL, &t, "    %s", key);
		}
	}
}

/* One log as a line: a token movement, an event from the table, or its shape. */
static void log_row(struct builder *b, const struct eth_log *lg, struct tokens *tokens)
{
	struct explorer_target t = { .kind = DOC_ADDRESS };
	struct abi_token_event ev;
	const char *sigs[1];
	char by[32], safe[TXVIEW_VALUE_MAX - 64];

	memcpy(t.address, lg->address, 20);
	txview_short_addr(by, sizeof(by), lg->address);
	if (abi_decode_token_log(lg, &ev) == CD_OK) {
		char from[32], to[32], amt[240];
		struct token_meta meta;

		txview_short_addr(from, sizeof(from), ev.from.b);
		txview_short_addr(to, sizeof(to), ev.to.b);
		/* without the token cache (or its answer yet) an amount reads as raw units */
		if (tokens)
			tokens_get(tokens, lg->address, &meta);
		else
			memset(&meta, 0, sizeof(meta));
		if (ev.kind == ABI_TOKEN_ERC721_TRANSFER || ev.kind == ABI_TOKEN_ERC721_APPROVAL) {
			char id[96];

			u256_format_dec(ev.token_id, id, sizeof(id));
			snprintf(amt, sizeof(amt), "token id %s%s%s", id, meta.has_symbol ? " " : "", meta.has_symbol ? meta.symbol : "");
		} else if (ev.kind == ABI_TOKEN_APPROVAL_FOR_ALL) {
			/* no amount: the operator may move every token of the owner, or no longer */
			snprintf(amt, sizeof(amt), "%s (all %s tokens)", ev.approved ? "approved" : "revoked",
			         meta.has_symbol ? meta.symbol : "of its");
		} else if (ev.kind == ABI_TOKEN_ERC1155_TRANSFER_SINGLE) {
			char id[96], n[96];

			u256_format_dec(ev.token_id, id, sizeof(id));
			u256_format_dec(ev.amount, n, sizeof(n));
			snprintf(amt, sizeof(amt), "token id %s, amount %s", id, n);
		} else {
			tokens_format_amount(&meta, ev.amount, amt, sizeof(amt));
		}
		add(b, "", TXV_NORMAL, &t, "  %-16s %s -> %s  %s", abi_token_kind_name(ev.kind), from, to, amt);
	} else if (safeview_format_log(lg, safe, sizeof(safe))) {
		add(b, "", TXV_NORMAL, &t, "  %s  by %s", safe, by);
	} else if (lg->topic_count && selectors_lookup_event(lg->topics[0], sigs, 1)) {
		add(b, "", TXV_NORMAL, &t, "  %s  by %s", sigs[0], by);
	} else {
		add(b, "", TXV_NORMAL, &t, "  log by %s, %zu topics, %zu bytes", by, lg->topic_count, lg->data_len);
	}
}

int txview_build(struct txview *v, const struct explorer_doc *d, const struct txview_ctx *ctx)
{
	const struct eth_tx *tx = &d->tx;
	const struct eth_receipt *r = &d->receipt;
	struct builder b = { .v = v };
	char hash[2 * 32 + 3];
	struct explorer_target self = { 0 };

	v->rows = NULL;
	v->n = 0;
	hex_encode(hash, sizeof(hash), tx->hash, 32, 1);
	self.kind = DOC_TX;
	memcpy(self.hash, tx->hash, 32);
	/* a link to itself, so that c copies the transaction's own hash */
	add(&b, "Transaction", TXV_TITLE, &self, "%s", hash);
	status_rows(&b, d, ctx);
	address_row(&b, "From", tx->from, ctx->book);
	if (tx->has_to)
		address_row(&b, "To", tx->to, ctx->book);
	else
		add(&b, "To", TXV_NORMAL, NULL, "(contract creation)");
	if (!tx->has_to && d->has_receipt && r->has_contract_address)
		address_row(&b, "Created", r->contract_address, NULL);
	cost_rows(&b, d);
	access_rows(&b, tx);
	call_rows(&b, tx);
	input_row(&b, tx);
	if (d->has_receipt) {
		add(&b, "Logs", TXV_NORMAL, NULL, "%zu", r->log_count);
		for (size_t i = 0; i < r->log_count; i++)
			log_row(&b, &r->logs[i], ctx->tokens);
	}
	if (b.nomem) {
		txview_free(v);
		return -1;
	}
	return 0;
}

void txview_free(struct txview *v)
{
	free(v->rows);
	v->rows = NULL;
	v->n = 0;
}
