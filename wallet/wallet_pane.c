/*
 * The wallet pane: accounts and balances, unlock and lock, history, the
 * transactions sent from here with their confirmations, a send form whose
 * confirmation screen shows exactly what will be signed, and a receive
 * screen with a QR code. It formats what wallet/wallet.c holds.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <qrencode.h>
#include <sodium.h>

#include "common/address.h"
#include "common/addressbook.h"
#include "common/fmt.h"
#include "common/hex.h"
#include "tui/app.h"
#include "tui/pane.h"
#include "tui/widgets.h"
#include "wallet/eip712.h"
#include "wallet/sign.h"
#include "wallet/wallet.h"
#include "wallet/wallet_safe.h"

#define LABEL_W 13

/* WV_SAFE: the watched Safes and their proposals; WV_SAFETX: a proposal's checks and its signing screen. */
enum wview { WV_MAIN, WV_RECEIVE, WV_CONFIRM, WV_TYPED, WV_SAFE, WV_SAFETX };
enum wprompt {
	P_NONE, P_PASSWORD, P_LABEL, P_TO, P_TOKEN, P_AMOUNT, P_MAXFEE, P_TIP, P_NONCE, P_WATCH, P_TYPED, P_SAFE,
	P_SAFE_OWNERS, P_SAFE_THRESHOLD
};

struct wp {
	struct wallet *w;
	enum wview view;
	size_t sel;
	struct list_view accounts;    /* the account list's scrolling; its sel follows p->sel */
	enum wprompt prompt;
	struct line_edit edit;
	struct wallet_send_form form;
	/*
	 * The send form may still be re-prepared (1/2/3, c, o): true from the
	 * amount's Enter until y hands the draft to signing or Esc leaves. A
	 * confirmation only ever comes from a deliberate new send (s, x, X):
	 * after y no key re-prepares the same payment with the next nonce.
	 */
	bool form_live;
	bool replacing;                  /* the confirmation replaces sent transaction replace_idx */
	size_t replace_idx;
	bool replace_cancel;
	int confirm_rows, confirm_cols;  /* the size the confirmation was last drawn at */
	bool send_after_unlock;
	struct notice note;
	struct wallet_typed *typed;      /* the typed-data request on WV_TYPED, or NULL */
	int typed_rows, typed_cols;      /* the size its screen was last drawn at */
	size_t safe_sel, prop_sel;       /* the Safe and the proposal selected on WV_SAFE */
	bool safe_exec;                  /* the confirmation sends the Safe action's call (execute, create) */
	struct address new_owners[SAFE_OWNERS_MAX]; /* C: the owners typed for a new Safe */
	size_t nnew_owners;
	int safetx_rows, safetx_cols;    /* the size WV_SAFETX was last drawn at */
};

static int wp_init(struct app *app, void **state, char *err, size_t errlen)
{
	struct wp *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* main built the model, on the selected node; with no node (or no home) it stays empty. */
	p->w = app->wallet;
	*state = p;
	return 0;
}

static void wp_fini(void *state)
{
	struct wp *p = state;

	if (!p)
		return;
	line_edit_wipe(&p->edit);
	wallet_typed_free(p->typed);
	free(p); /* the model is main's */
}

/* Whether the prompt open is one of the send form's (to, token, amount, fees, nonce). */
static bool prompt_in_send(enum wprompt pr)
{
	return pr == P_TO || pr == P_TOKEN || pr == P_AMOUNT || pr == P_MAXFEE || pr == P_TIP || pr == P_NONCE;
}

/*
 * The dashboard selected another node and main pointed the wallet at it: a
 * send being prepared was for the other chain, so it is dropped (the model
 * dropped its draft; nothing was signed) and the user is told. The vault's
 * state, the password prompt and the selected account stay.
 */
static void wp_follow_node(void *state, struct app *app)
{
	struct wp *p = state;
	bool dropped;

	(void)app;
	if (!p->w)
		return;
	if (strcmp(wallet_node_name(p->w), app->explorer_node) != 0) {
		notice_set(&p->note, true, "the wallet stays on %s while a transaction is being sent",
		           wallet_node_name(p->w));
		return;
	}
	dropped = p->view == WV_CONFIRM || prompt_in_send(p->prompt);
	if (prompt_in_send(p->prompt) || p->prompt == P_WATCH || p->prompt == P_SAFE || p->prompt == P_SAFE_OWNERS ||
	    p->prompt == P_SAFE_THRESHOLD) {
		line_edit_wipe(&p->edit);
		p->prompt = P_NONE;
	}
	if (p->view == WV_CONFIRM)
		p->view = p->safe_exec ? WV_SAFE : WV_MAIN;
	if (p->view == WV_SAFETX)
		p->view = WV_SAFE;
	if (p->safe_exec || p->view == WV_SAFE)
		wallet_safe_action_clear(p->w);
	p->safe_exec = false;
	p->form_live = false;
	p->replacing = false;
	if (dropped)
		notice_set(&p->note, true, "following %s: the send being prepared was dropped (nothing was signed)",
		           wallet_node_name(p->w));
	else
		notice_set(&p->note, false, "following %s", wallet_node_name(p->w));
}

/* ---- formatting ---- */

static const char *chain_name(uint64_t id)
{
	static const struct {
		uint64_t id;
		const char *name;
	} names[] = {
		{ 1, "Ethereum mainnet" }, { 11155111, "Sepolia testnet" }, { 17000, "Holesky testnet" },
		{ 560048, "Hoodi testnet" }, { 61, "Ethereum Classic" }, { 10, "OP Mainnet" }, { 8453, "Base" },
		{ 42161, "Arbitrum One" }, { 137, "Polygon" }, { 100, "Gnosis" }, { 31337, "local devnet (anvil, hardhat)" },
		{ 1337, "local devnet" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].id == id)
			return names[i].name;
	}
	return "unknown chain";
}

static void addr_text(char *out, size_t cap, const uint8_t *a)
{
	struct address ad;
	char t[ADDRESS_TEXT_SIZE];

	memcpy(ad.b, a, 20);
	address_format(&ad, t);
	snprintf(out, cap, "%s", t);
}

/* The label of one of our accounts with this address, else the address book's, or NULL. */
static const char *label_of(const struct wp *p, const struct app *app, const uint8_t *a)
{
	struct address ad;

	memcpy(ad.b, a, 20);
	for (size_t i = 0; i < wallet_account_count(p->w); i++) {
		const struct wallet_account *acc = wallet_account(p->w, i);

		if (memcmp(acc->acct.address.b, a, 20) == 0)
			return acc->acct.label[0] ? acc->acct.label : "own account";
	}
	return app->book ? addressbook_get(app->book, &ad) : NULL;
}

/* Whether address a is one of the vault's hardware (Ledger) accounts. */
static bool is_ledger(const struct wp *p, const uint8_t *a)
{
	for (size_t i = 0; i < wallet_account_count(p->w); i++) {
		const struct wallet_account *acc = wallet_account(p->w, i);

		if (memcmp(acc->acct.address.b, a, 20) == 0)
			return acc->acct.kind == VAULT_HARDWARE;
	}
	return false;
}

/* ---- the main view ---- */

static void draw_lock(struct wp *p, struct app *app, WINDOW *win, int *y)
{
	static const char *const words[] = { "no vault", "vault unreadable", "locked (read-only; u unlocks)",
	                                     "unlocking...", "unlocked (L locks)" };
	enum wallet_state st = wallet_state(p->w);
	char line[300];

	snprintf(line, sizeof(line), "%s   %s", words[st], wallet_vault_path(p->w));
	widget_text(app, win, (*y)++, 1, st == WALLET_UNLOCKED ? STYLE_OK : st == WALLET_BROKEN ? STYLE_BAD : STYLE_WARN,
	            line);
	{
		uint64_t chain;

		/* Which node the balances and history below come from (the dashboard's selection). */
		if (wallet_chain_id(p->w, &chain))
			snprintf(line, sizeof(line), "node %s   chain %llu  %s", wallet_node_name(p->w),
			         (unsigned long long)chain, chain_name(chain));
		else
			snprintf(line, sizeof(line), "node %s   chain: asking the node...", wallet_node_name(p->w));
		widget_text(app, win, (*y)++, 1, STYLE_DIM, line);
	}
	if (wallet_tampered(p->w))
		widget_text(app, win, (*y)++, 1, STYLE_BAD,
		            "TAMPERED: the vault file does not authenticate; do not use its addresses (restore from the mnemonic)");
	else if (st == WALLET_LOCKED || st == WALLET_UNLOCKING)
		widget_text(app, win, (*y)++, 1, STYLE_WARN,
		            "addresses unverified - unlock (u) to verify them against the keys");
	if (wallet_backup_pending(p->w))
		widget_text(app, win, (*y)++, 1, STYLE_WARN,
		            "the mnemonic's backup is not checked: run  chaindeck wallet verify-backup");
	if (st == WALLET_NO_VAULT) {
		widget_text(app, win, (*y)++, 1, STYLE_DIM,
		            "Create one:   chaindeck wallet new      or restore:   chaindeck wallet restore < words.txt");
		widget_text(app, win, (*y)++, 1, STYLE_DIM,
		            "(add --vault PATH to both to use another file)");
	}
}

static void draw_accounts(struct wp *p, struct app *app, WINDOW *win, int *y)
{
	size_t n = wallet_account_count(p->w);
	/* The rows below the list stay for tokens, sends and history; the list scrolls within the rest. */
	int room = getmaxy(win) - 8 - (*y + 1);
	size_t visible = room > 3 ? (size_t)room : 3;
	/* A row is "#   LABEL  ADDRESS  " (65 columns) from column 1, then the balance. */
	size_t bal_w = getmaxx(win) > 67 ? (size_t)getmaxx(win) - 67 + 1 : 1;
	char head[120], ago[32];
	uint64_t age_ms;
	bool stale = wallet_balances_stale(p->w, &age_ms);

	p->accounts.sel = p->sel;
	list_view_set_count(&p->accounts, n);
	list_view_follow(&p->accounts, visible);
	/* A list longer than its rows says which part is shown, at the right of the row above it. */
	if (n > visible && *y > 0) {
		snprintf(head, sizeof(head), "accounts %zu-%zu of %zu", p->accounts.top,
		         (p->accounts.top + visible < n ? p->accounts.top + visible : n) - 1, n);
		widget_text(app, win, *y - 1, getmaxx(win) - (int)strlen(head) - 1, STYLE_DIM, head);
	}
	snprintf(head, sizeof(head), "#   LABEL            ADDRESS                                      BALANCE (ETH)");
	/*
	 * While the node does not answer, the balances are the last ones it gave: say so on the row
	 * above the list (blank otherwise), as the dashboard does.
	 */
	if (stale && *y > 0) {
		char mark[120];

		snprintf(mark, sizeof(mark), "balances STALE: no answer from the node for %s (last known shown)",
		         fmt_duration(ago, sizeof(ago), age_ms / 1000));
		widget_text(app, win, *y - 1, 1, STYLE_BAD, mark);
	}
	widget_text(app, win, (*y)++, 1, STYLE_LABEL, head);
	for (size_t i = p->accounts.top; i < n && i < p->accounts.top + visible; i++) {
		const struct wallet_account *a = wallet_account(p->w, i);
		char addr[ADDRESS_TEXT_SIZE], bal[96], line[300];

		addr_text(addr, sizeof(addr), a->acct.address.b);
		/* The balance gets the columns left of the row; a longer one is shortened and marked. */
		if (a->has_balance)
			fmt_units_fit(bal, sizeof(bal), a->balance, 18, "", bal_w, widget_more(app));
		else
			snprintf(bal, sizeof(bal), "-");
		/* a hardware account is tagged: its key is on the device, which signs for it */
		snprintf(line, sizeof(line), "%-3zu %-16.16s %s  %s%s", i, a->acct.label[0] ? a->acct.label : "-", addr, bal,
		         a->acct.kind == VAULT_HARDWARE ? "  [Ledger]" : "");
		widget_list_row(app, win, (*y)++, i == p->sel, stale ? STYLE_DIM : STYLE_NORMAL, line);
	}
}

/* The selected account's token balances on one line: "1,234.5 CDT   0.25 WETH". */
static void draw_tokens(struct wp *p, struct app *app, WINDOW *win, int *y)
{
	size_t n = wallet_token_count(p->w);
	char line[600] = "";
	size_t used = 0;

	if (!n)
		return;
	for (size_t i = 0; i < n; i++) {
		uint8_t addr[20];
		struct u256 bal;
		struct token_meta meta;
		char amt[96];

		if (!wallet_token(p->w, i, addr, &bal))
			continue;
		wallet_token_meta(p->w, addr, &meta);
		tokens_format_amount(&meta, bal, amt, sizeof(amt));
		if (used + strlen(amt) + 4 >= sizeof(line))
			break;
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s", used ? "   " : "", amt);
	}
	if (!used)
		return;
	widget_label(app, win, *y, 1, "Tokens", LABEL_W);
	widget_text(app, win, (*y)++, LABEL_W + 1, STYLE_NORMAL, line);
}

/* Sends kept from an earlier run on another chain wait for a node on theirs; another account's are its own. */
static bool sent_shown(const struct wp *p, const struct wallet_account *acc, const struct wallet_sent *s)
{
	uint64_t chain;

	return acc && wallet_chain_id(p->w, &chain) && s->chain_id == chain &&
	       memcmp(s->from, acc->acct.address.b, 20) == 0;
}

static void draw_sent(struct wp *p, struct app *app, WINDOW *win, int *y)
{
	static const char *const states[] = { "pending", "included", "confirmed", "FAILED", "replaced" };
	size_t n = wallet_sent_count(p->w);
	const struct wallet_account *acc = wallet_account(p->w, p->sel);
	size_t shown = 0;

	for (size_t k = 0; k < n; k++)
		shown += sent_shown(p, acc, wallet_sent(p->w, k));
	if (!shown)
		return;
	(*y)++;
	widget_text(app, win, (*y)++, 1, STYLE_TITLE, "Sent from here (x speeds up, X cancels the newest pending)");
	for (size_t k = n; k-- > 0 && *y < getmaxy(win) - 1;) {
		const struct wallet_sent *s = wallet_sent(p->w, k);
		char hash[70], to[ADDRESS_TEXT_SIZE], val[96], line[300];

		if (!sent_shown(p, acc, s))
			continue;

		hex_encode(hash, sizeof(hash), s->hash, 32, 1);
		if (s->token) {
			/* A token transfer: its recipient and token amount, not the contract and 0 ETH. */
			struct token_meta meta;

			addr_text(to, sizeof(to), s->token_to);
			wallet_token_meta(p->w, s->to, &meta);
			tokens_format_amount(&meta, s->token_amount, val, sizeof(val));
		} else {
			char eth[80];

			addr_text(to, sizeof(to), s->to);
			u256_format_units(s->value, 18, eth, sizeof(eth));
			snprintf(val, sizeof(val), "%s ETH", eth);
		}
		snprintf(line, sizeof(line), "nonce %-4llu %-9s %3llu conf  %.18s..  to %.10s..  %s%s%s%s",
		         (unsigned long long)s->nonce, states[s->state], (unsigned long long)s->confirmations, hash, to, val,
		         s->stuck ? "  STUCK (x to speed up)" : "", s->note[0] ? "  " : "", s->note);
		widget_text(app, win, (*y)++, 1,
		            s->state == TX_FAILED ? STYLE_BAD : s->stuck ? STYLE_WARN : s->state == TX_CONFIRMED ? STYLE_OK
		                                                                                                 : STYLE_NORMAL,
		            line);
	}
}

/* One reward row: the block, what paid, the amount (wallet_reward, common/history.h). */
static void draw_reward(struct app *app, WINDOW *win, int *y, const struct history_reward *r)
{
	char amt[96], line[300];
	bool wd = !u256_is_zero(r->withdrawals);

	fmt_units_fit(amt, sizeof(amt), r->total, 18, "ETH", 24, widget_more(app));
	widget_fit(app, amt, sizeof(amt), 24);
	snprintf(line, sizeof(line), "#%-8llu %-9s %-18s %s %s%s%s", (unsigned long long)r->block_number, "REWARD",
	         r->fee_recipient ? "fee recipient" : "withdrawal", amt,
	         r->fee_recipient ? (u256_is_zero(r->block_reward) ? "priority fees" : "fees + block reward") : "",
	         r->fee_recipient && wd ? " + withdrawal" : "",
	         r->block_reward_known ? "" : "  (PoW block reward of this chain not known: not counted)");
	widget_text(app, win, (*y)++, 1, r->block_reward_known ? STYLE_OK : STYLE_WARN, line);
}

static void draw_history(struct wp *p, struct app *app, WINDOW *win, int *y)
{
	static const char *const kinds[] = { "OUT", "IN", "INTERNAL", "TOKEN OUT", "TOKEN IN" };
	size_t n = wallet_history_count(p->w), nr = wallet_reward_count(p->w), k = 0;
	uint64_t rfrom, rto;
	struct u256 rtotal;
	bool rdone = wallet_rewards_range(p->w, &rfrom, &rto, &rtotal);
	char line[300];

	(*y)++;
	snprintf(line, sizeof(line), "History of account %zu%s", p->sel, wallet_history_busy(p->w) ? " (searching...)" : "");
	widget_text(app, win, (*y)++, 1, STYLE_TITLE, line);
	/* Rewards come from the blocks of the range searched: say which range and what it totals. */
	if (rdone) {
		char tot[96];

		fmt_units_fit(tot, sizeof(tot), rtotal, 18, "ETH", 30, widget_more(app));
		snprintf(line, sizeof(line), "rewards in blocks %llu-%llu: %s in %zu block%s", (unsigned long long)rfrom,
		         (unsigned long long)rto, tot, nr, nr == 1 ? "" : "s");
		widget_text(app, win, (*y)++, 1, STYLE_DIM, line);
	} else if (wallet_rewards_busy(p->w)) {
		widget_text(app, win, (*y)++, 1, STYLE_DIM, "rewards: reading the blocks...");
	}
	if (!n && !nr && !wallet_history_busy(p->w))
		widget_text(app, win, (*y)++, 1, STYLE_DIM, "no transactions yet");
	for (size_t i = 0; (i < n || k < nr) && *y < getmaxy(win) - 1;) {
		const struct history_entry *h = wallet_history(p->w, i);
		const struct history_reward *r = wallet_reward(p->w, k);
		bool out, token;
		char other[ADDRESS_TEXT_SIZE], amt[96], hash[70];

		/* Newest first, rewards and transactions merged by block. */
		if (r && (!h || r->block_number >= h->block_number)) {
			draw_reward(app, win, y, r);
			k++;
			continue;
		}
		i++;
		out = h->kind == HISTORY_TX_OUT || h->kind == HISTORY_TOKEN_OUT;
		token = h->kind == HISTORY_TOKEN_OUT || h->kind == HISTORY_TOKEN_IN;
		addr_text(other, sizeof(other), out ? h->to : h->from);
		if (token) {
			struct token_meta meta;

			wallet_token_meta(p->w, h->token, &meta);
			/* fits the 24-column amount: digits dropped with "...", never the symbol */
			tokens_format_amount_fit(&meta, h->value, 24, amt, sizeof(amt));
		} else {
			fmt_units_fit(amt, sizeof(amt), h->value, 18, "ETH", 24, widget_more(app));
		}
		widget_fit(app, amt, sizeof(amt), 24); /* the amount column: cut only with a mark */
		hex_encode(hash, sizeof(hash), h->tx_hash, 32, 1);
		snprintf(line, sizeof(line), "#%-8llu %-9s %-4s %.12s..  %s %.14s..%s", (unsigned long long)h->block_number,
		         kinds[h->kind], out ? "to" : "from", other, amt, hash,
		         h->has_status && !h->status ? "  FAILED" : "");
		widget_text(app, win, (*y)++, 1, h->has_status && !h->status ? STYLE_BAD : STYLE_NORMAL, line);
	}
}

/* ---- receive ---- */

static void draw_qr(struct app *app, WINDOW *win, int y, int x, const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int quiet = 2, size, rows = getmaxy(win);

	if (!qr) {
		widget_text(app, win, y, x, STYLE_BAD, "cannot encode the QR code");
		return;
	}
	size = qr->width + 2 * quiet;
	if (!app->utf8 || y + (size + 1) / 2 >= rows) {
		widget_text(app, win, y, x, STYLE_DIM,
		            app->utf8 ? "(the terminal is too small for the QR code)" : "(the QR code needs a UTF-8 terminal)");
		QRcode_free(qr);
		return;
	}
	/* Two modules per character cell, light on dark as scanners expect: light = the block's ink. */
	for (int r = 0; r < size; r += 2) {
		wmove(win, y + r / 2, x);
		for (int c = 0; c < size; c++) {
			int qr_r = r - quiet, qr_c = c - quiet;
			bool top_dark = qr_r >= 0 && qr_r < qr->width && qr_c >= 0 && qr_c < qr->width &&
			                (qr->data[qr_r * qr->width + qr_c] & 1);
			bool bot_dark = qr_r + 1 >= 0 && qr_r + 1 < qr->width && qr_c >= 0 && qr_c < qr->width &&
			                (qr->data[(qr_r + 1) * qr->width + qr_c] & 1);

			if (r + 1 >= size)
				bot_dark = true; /* past the bottom: leave it dark */
			if (!top_dark && !bot_dark)
				waddstr(win, "\xe2\x96\x88");
			else if (!top_dark)
				waddstr(win, "\xe2\x96\x80");
			else if (!bot_dark)
				waddstr(win, "\xe2\x96\x84");
			else
				waddch(win, ' ');
		}
	}
	QRcode_free(qr);
}

static void draw_receive(struct wp *p, struct app *app, WINDOW *win)
{
	const struct wallet_account *a = wallet_account(p->w, p->sel);
	char link[160], addr[ADDRESS_TEXT_SIZE], line[200];
	int y = 0;

	if (!a)
		return;
	addr_text(addr, sizeof(addr), a->acct.address.b);
	switch (wallet_receive_link(p->w, p->sel, link, sizeof(link))) {
	case WALLET_LINK_UNVERIFIED:
		/* The file's bytes alone: never offered as the address to pay. */
		snprintf(line, sizeof(line), "%s  (unverified - unlock to verify)", addr);
		widget_kv(app, win, &y, LABEL_W - 1, "Receive to", STYLE_WARN, line);
		widget_kv(app, win, &y, LABEL_W - 1, "Link", STYLE_WARN, "u unlocks: the address is checked against its key before a link or QR code is shown");
		return;
	case WALLET_LINK_TAMPERED:
		widget_kv(app, win, &y, LABEL_W - 1, "Receive to", STYLE_BAD, "TAMPERED: the vault file's address is not its key's; nothing to show");
		return;
	case WALLET_LINK_NO_CHAIN:
		widget_kv(app, win, &y, LABEL_W - 1, "Receive to", STYLE_TITLE, addr);
		widget_kv(app, win, &y, LABEL_W - 1, "Link", STYLE_DIM, "waiting for the node's chain id...");
		return;
	default:
		break;
	}
	widget_kv(app, win, &y, LABEL_W - 1, "Receive to", STYLE_TITLE, addr);
	if (a->acct.kind == VAULT_HARDWARE) {
		/* no key here to derive it from: the device is the check */
		const char *note = wallet_device_note(p->w, p->sel);

		snprintf(line, sizeof(line), "approved on the Ledger when added (%s), authenticated with the vault",
		         a->acct.hw_path);
		widget_kv(app, win, &y, LABEL_W - 1, "Recorded", STYLE_NORMAL, line);
		widget_kv(app, win, &y, LABEL_W - 1, "Ledger", wallet_device_busy(p->w) ? STYLE_WARN : STYLE_OK,
		          wallet_device_busy(p->w) ? "compare the address on your Ledger and approve it there   Esc cancels"
		          : note[0] ? note : "v shows it on the Ledger to compare");
	} else {
		widget_kv(app, win, &y, LABEL_W - 1, "Verified", STYLE_OK, "derived from its key at unlock and now");
	}
	widget_kv(app, win, &y, LABEL_W - 1, "EIP-681", STYLE_NORMAL, link);
	draw_qr(app, win, y + 1, 2, link);
}

/* ---- confirm ---- */

/*
 * The confirmation screen is a list of rows (label, value). It is drawn, and
 * y/Y sign, only when every row fits the window whole: values wrap at
 * spaces, but an address is never split or cut, and nothing may fall below
 * the window. A confirmation the user cannot read entirely is not one.
 */
#define CONFIRM_MAX_ROWS 32

struct crow {
	const char *label;
	enum tui_style st;
	char value[360];
};

static void crow_add(struct crow *r, size_t *n, const char *label, enum tui_style st, const char *value)
{
	if (*n >= CONFIRM_MAX_ROWS) {
		(*n)++; /* counted, not kept: the layout then refuses to call it a confirmation */
		return;
	}
	r[*n].label = label;
	r[*n].st = st;
	snprintf(r[*n].value, sizeof(r[*n].value), "%s", value);
	(*n)++;
}

static const char *confirm_title(const struct wp *p, const struct wallet_draft *d)
{
	if (d->replaces)
		return "Replace a pending transaction";
	if (p->safe_exec)
		return wallet_safe_action(p->w)->kind == WSAFE_CREATE ? "Create a Safe" : "Execute a Safe transaction";
	return "Send";
}

/* The new Safe of a creation: where it will be, its owners and threshold, the contracts it is made from. */
static void create_rows(struct wp *p, struct app *app, struct crow *r, size_t *n)
{
	const struct wallet_safe_action *a = wallet_safe_action(p->w);
	char v[360], x[ADDRESS_TEXT_SIZE], salt[80];

	if (a->exec_data) {
		addr_text(x, sizeof(x), a->predicted.b);
		u256_format_dec(a->salt, salt, sizeof(salt));
		snprintf(v, sizeof(v), "%s  (CREATE2, salt %s)", x, salt);
		crow_add(r, n, "New Safe", STYLE_TITLE, v);
	}
	for (size_t i = 0; i < a->nowners; i++) {
		const char *lab = label_of(p, app, a->owners[i].b);

		addr_text(x, sizeof(x), a->owners[i].b);
		snprintf(v, sizeof(v), "%s%s%s%s", x, lab ? "  (" : "", lab ? lab : "", lab ? ")" : "");
		crow_add(r, n, i == 0 ? "Owners" : "", STYLE_TITLE, v);
	}
	snprintf(v, sizeof(v), "%llu of %zu", (unsigned long long)a->threshold, a->nowners);
	crow_add(r, n, "Threshold", STYLE_TITLE, v);
	addr_text(x, sizeof(x), a->dep.singleton.b);
	crow_add(r, n, "Singleton", STYLE_NORMAL, x);
	addr_text(x, sizeof(x), a->dep.proxy_factory.b);
	crow_add(r, n, "Factory", STYLE_NORMAL, x);
}

/*
 * The SafeTx of the Safe action: what an owner signs (its hash) and what an
 * execution carries out. Every field of the proposal that changes what
 * happens shows: the Safe and chain, to, value, operation, the decoded call
 * (and the raw data when it does not decode), nonce, SafeTx hash.
 */
static void safetx_rows(struct wp *p, struct app *app, struct crow *r, size_t *n)
{
	const struct wallet_safe_action *a = wallet_safe_action(p->w);
	const struct safe_tx *t = &a->p.tx;
	char v[360], x[ADDRESS_TEXT_SIZE], num[100], call[360];
	const char *lab;

	addr_text(x, sizeof(x), a->p.safe.b);
	snprintf(v, sizeof(v), "%s  chain %llu  %s", x, (unsigned long long)a->p.chain_id, chain_name(a->p.chain_id));
	crow_add(r, n, "Safe", STYLE_TITLE, v);
	addr_text(x, sizeof(x), t->to.b);
	lab = memcmp(t->to.b, a->p.safe.b, 20) == 0 ? "the Safe itself" : label_of(p, app, t->to.b);
	snprintf(v, sizeof(v), "%s%s%s%s", x, lab ? "  (" : "", lab ? lab : "", lab ? ")" : "");
	crow_add(r, n, "SafeTx to", STYLE_TITLE, v);
	crow_add(r, n, "SafeTx value", STYLE_TITLE, fmt_units(v, sizeof(v), t->value, 18, "ETH"));
	if (t->operation)
		crow_add(r, n, "Operation", STYLE_BAD, "DELEGATECALL: runs code as the Safe itself");
	safe_describe_call(t, call, sizeof(call));
	if (t->data_len)
		crow_add(r, n, "SafeTx call", STYLE_TITLE, call);
	if (t->data_len && call[strlen(call) - 1] != ')') {
		if (t->data_len * 2 + 3 <= sizeof(v))
			hex_encode(v, sizeof(v), t->data, t->data_len, 1);
		else
			snprintf(v, sizeof(v), "%zu bytes: see the file", t->data_len);
		crow_add(r, n, "SafeTx data", STYLE_NORMAL, v);
	}
	if (!u256_is_zero(t->safe_tx_gas) || !u256_is_zero(t->gas_price)) {
		char g[100];

		u256_format_dec(t->safe_tx_gas, num, sizeof(num));
		u256_format_dec(t->gas_price, g, sizeof(g));
		snprintf(v, sizeof(v), "safeTxGas %s, gasPrice %s (a refund paid by the Safe)", num, g);
		crow_add(r, n, "SafeTx gas", STYLE_WARN, v);
	}
	u256_format_dec(t->nonce, num, sizeof(num));
	crow_add(r, n, "SafeTx nonce", STYLE_TITLE, num);
	hex_encode(v, sizeof(v), a->p.hash, 32, 1);
	crow_add(r, n, "SafeTx hash", STYLE_TITLE, v);
	snprintf(v, sizeof(v), "%zu in the file, %zu by owners, the Safe needs %llu", a->p.nsigs, a->nowner_sigs,
	         (unsigned long long)a->threshold);
	crow_add(r, n, "Signatures", STYLE_NORMAL, v);
}

/* Which fees the confirmation carries: "normal (tip: 50th percentile of recent tips)", "custom". */
static void fee_level_text(const struct wallet_draft *d, char *out, size_t cap)
{
	static const char *const names[FEE_LEVELS] = { "slow", "normal", "fast" };
	static const char *const legacy[FEE_LEVELS] = { "the node's gas price", "gas price + 10 %", "gas price + 25 %" };
	const char *bump = d->replaces ? ", at least +10 %" : "";
	unsigned lvl = d->level < FEE_LEVELS ? (unsigned)d->level : FEE_NORMAL;

	if (d->custom_fees)
		snprintf(out, cap, "custom (c)");
	else if (d->eip1559)
		snprintf(out, cap, "%s (tip: %uth percentile of recent tips)%s", names[lvl], fees_percentiles[lvl], bump);
	else
		snprintf(out, cap, "%s (%s)%s", names[lvl], legacy[lvl], bump);
}

/* The rows of a READY (or sending, or sent) draft: exactly what is signed, and what the node said. */
static size_t confirm_rows(struct wp *p, struct app *app, struct crow *r)
{
	const struct wallet_draft *d = wallet_draft(p->w);
	char v[360], a[ADDRESS_TEXT_SIZE], b[96], c[96];
	const char *lab;
	size_t n = 0;

	if (p->safe_exec && wallet_safe_action(p->w)->kind == WSAFE_CREATE)
		create_rows(p, app, r, &n);
	else if (p->safe_exec)
		safetx_rows(p, app, r, &n);
	snprintf(v, sizeof(v), "%llu  %s", (unsigned long long)d->chain_id, chain_name(d->chain_id));
	crow_add(r, &n, "Chain", STYLE_TITLE, v);
	addr_text(a, sizeof(a), d->from_addr);
	lab = label_of(p, app, d->from_addr);
	snprintf(v, sizeof(v), "%s%s%s%s", a, lab ? "  (" : "", lab ? lab : "", lab ? ")" : "");
	crow_add(r, &n, "From", STYLE_NORMAL, v);
	addr_text(a, sizeof(a), d->recipient);
	lab = label_of(p, app, d->recipient);
	snprintf(v, sizeof(v), "%s%s%s%s", a, lab ? "  (" : "", lab ? lab : "", lab ? ")" : "");
	crow_add(r, &n, "To", STYLE_TITLE, v);
	if (d->token) {
		struct token_meta meta = { .state = TOKENS_KNOWN, .has_decimals = true, .has_symbol = true,
		                           .decimals = d->token_decimals };

		/*
		 * A send: the decimals the amount was read with (remembered for the token)
		 * and the integer that is signed. A replacement: the token list's entry.
		 */
		if (d->replaces)
			wallet_token_meta(p->w, d->token_addr, &meta);
		else
			snprintf(meta.symbol, sizeof(meta.symbol), "%s", d->token_symbol);
		tokens_format_amount(&meta, d->token_amount, v, sizeof(v));
		crow_add(r, &n, "Amount", STYLE_TITLE, v);
		if (!d->replaces) {
			u256_format_dec(d->token_amount, b, sizeof(b));
			snprintf(v, sizeof(v), "%s (%u decimals)", b, d->token_decimals);
			crow_add(r, &n, "Base units", STYLE_NORMAL, v);
		}
		addr_text(a, sizeof(a), d->token_addr);
		crow_add(r, &n, "Token", STYLE_NORMAL, a);
	} else {
		crow_add(r, &n, "Amount", STYLE_TITLE, fmt_units(v, sizeof(v), d->value, 18, "ETH"));
	}
	if (d->call[0])
		crow_add(r, &n, "Call", STYLE_TITLE, d->call);
	if (d->token && !u256_is_zero(d->value))
		crow_add(r, &n, "ETH value", STYLE_TITLE, fmt_units(v, sizeof(v), d->value, 18, "ETH"));
	snprintf(v, sizeof(v), "%llu", (unsigned long long)d->nonce);
	crow_add(r, &n, "Nonce", STYLE_NORMAL, v);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)d->gas);
	crow_add(r, &n, "Gas limit", STYLE_NORMAL, v);
	fee_level_text(d, v, sizeof(v));
	crow_add(r, &n, "Fee level", STYLE_NORMAL, v);
	if (d->eip1559) {
		snprintf(v, sizeof(v), "%s, tip %s", fmt_units(b, sizeof(b), d->max_fee, 9, "gwei"),
		         fmt_units(c, sizeof(c), d->tip, 9, "gwei"));
		crow_add(r, &n, "Max fee", STYLE_NORMAL, v);
	} else {
		crow_add(r, &n, "Gas price", STYLE_NORMAL, fmt_units(v, sizeof(v), d->gas_price, 9, "gwei (legacy)"));
	}
	if (d->replaces && d->eip1559) {
		snprintf(v, sizeof(v), "%s, tip %s (pending)", fmt_units(b, sizeof(b), d->old_max_fee, 9, "gwei"),
		         fmt_units(c, sizeof(c), d->old_tip, 9, "gwei"));
		crow_add(r, &n, "Old max fee", STYLE_DIM, v);
	} else if (d->replaces) {
		snprintf(v, sizeof(v), "%s (pending)", fmt_units(b, sizeof(b), d->old_gas_price, 9, "gwei"));
		crow_add(r, &n, "Old gas price", STYLE_DIM, v);
	}
	crow_add(r, &n, "Max total", STYLE_TITLE,
	         fmt_units(v, sizeof(v), d->max_total, 18,
	                   d->token ? "ETH (fee only, the tokens come on top)" : "ETH (amount + most the fee can be)"));
	crow_add(r, &n, "Check", d->precheck_ok ? STYLE_OK : STYLE_BAD, d->message);
	if (wallet_node_insecure(p->w))
		crow_add(r, &n, "WARNING", STYLE_BAD,
		         "the node is reached over plain HTTP on the network: what you sign crosses it unencrypted");
	return n;
}

/* Whether a word holds an address (0x and 40 hex digits), as in "0x…," of a call's arguments. */
static bool holds_address(const char *s, size_t len)
{
	for (size_t i = 0; i + 42 <= len; i++) {
		size_t k = 2;

		if (s[i] != '0' || (s[i + 1] != 'x' && s[i + 1] != 'X'))
			continue;
		while (k < 42 && strchr("0123456789abcdefABCDEF", s[i + k]) && s[i + k])
			k++;
		if (k == 42)
			return true;
	}
	return false;
}

/*
 * Word-wraps text into lines of at most width bytes from row *y at column x
 * (drawn when win is not NULL), advancing *y. A word longer than a line is
 * split (at a UTF-8 character boundary), unless it holds an address: then false.
 */
static bool wrap_text(struct app *app, WINDOW *win, int *y, int x, int width, enum tui_style st, const char *text)
{
	const char *s = text;
	char line[400];
	size_t used = 0;

	if (width < 1)
		return false;
	if ((size_t)width >= sizeof(line))
		width = (int)sizeof(line) - 1; /* a very wide terminal: lines are still at most this long */
	while (*s == ' ')
		s++;
	while (*s) {
		size_t wl = strcspn(s, " "), gap = 0;

		if (used && used + wl > (size_t)width) {
			if (win)
				widget_text(app, win, *y, x, st, line);
			(*y)++;
			used = 0;
		}
		if (!used && wl > (size_t)width) {
			size_t cut = (size_t)width;

			if (holds_address(s, wl))
				return false;
			while (cut > 1 && ((unsigned char)s[cut] & 0xc0) == 0x80)
				cut--;
			memcpy(line, s, cut);
			line[cut] = '\0';
			if (win)
				widget_text(app, win, *y, x, st, line);
			(*y)++;
			s += cut;
			continue;
		}
		memcpy(line + used, s, wl);
		used += wl;
		s += wl;
		/* The spaces after the word stay as written ("0x…  (label)") unless the line ends there. */
		while (s[gap] == ' ')
			gap++;
		if (s[gap] && used + gap + strcspn(s + gap, " ") <= (size_t)width) {
			memset(line + used, ' ', gap);
			used += gap;
		} else if (s[gap]) {
			line[used] = '\0';
			if (win)
				widget_text(app, win, *y, x, st, line);
			(*y)++;
			used = 0;
		}
		line[used] = '\0';
		s += gap;
	}
	if (used || s == text || !*text) {
		if (win)
			widget_text(app, win, *y, x, st, used ? line : "");
		(*y)++;
	}
	return true;
}

/* What the action line says for the draft's state. */
static const char *confirm_action(const struct wp *p, const struct wallet_draft *d)
{
	if (d->state == DRAFT_SENDING && wallet_draft_on_device(p->w))
		return "confirm on your Ledger   Esc cancels";
	if (d->state == DRAFT_SENDING)
		return "checking the chain id, signing, broadcasting...";
	if (d->state == DRAFT_SENT)
		return "sent: tracking it on the wallet's main view (Esc)";
	if (wallet_state(p->w) != WALLET_UNLOCKED)
		return "u unlocks to sign   Esc cancels";
	return d->precheck_ok ? "y signs and sends exactly this   Esc cancels" : "Y signs and sends it anyway   Esc cancels";
}

/*
 * The layout every signing screen shares, in a rows x cols window (drawn when
 * win is not NULL; the last row stays free for the notice line): the title,
 * the label/value rows, a blank line and the action line. Whether it all
 * fits; *y_end is the row after the action line.
 */
static bool rows_layout(struct app *app, WINDOW *win, int rows, int cols, const char *title, const struct crow *r,
                        size_t n, enum tui_style action_st, const char *action, int *y_end)
{
	int y = 2, width = cols - LABEL_W - 2;
	bool fits = n <= CONFIRM_MAX_ROWS;

	if (win)
		widget_text(app, win, 0, 1, STYLE_TITLE, title);
	for (size_t i = 0; i < n && fits; i++) {
		if (win && y < rows - 1)
			widget_label(app, win, y, 1, r[i].label, LABEL_W);
		fits = wrap_text(app, win && y < rows - 1 ? win : NULL, &y, LABEL_W + 1, width, r[i].st, r[i].value);
	}
	y++;
	if (fits)
		fits = wrap_text(app, win && y < rows - 1 ? win : NULL, &y, 1, cols - 2, action_st, action);
	*y_end = y;
	return fits;
}

/*
 * Lays out the confirmation of the current draft in a rows x cols window,
 * drawing it when win is not NULL: the title, every row, the action line.
 * The last window row is the notice line and stays free. Whether it all fits.
 */
static bool confirm_layout(struct wp *p, struct app *app, WINDOW *win, int rows, int cols)
{
	const struct wallet_draft *d = wallet_draft(p->w);
	struct crow r[CONFIRM_MAX_ROWS];
	size_t n = confirm_rows(p, app, r);
	int y;
	bool fits = rows_layout(app, win, rows, cols, confirm_title(p, d), r, n,
	                        d->state == DRAFT_SENDING ? STYLE_WARN : d->state == DRAFT_SENT ? STYLE_OK : STYLE_TITLE,
	                        confirm_action(p, d), &y);

	if (win && p->form_live && d->state == DRAFT_READY && y < rows - 1)
		widget_text(app, win, y, 1, STYLE_DIM,
		            d->replaces ? "1/2/3 slow/normal/fast fees (at least +10 %)   c custom fees"
		                        : "1/2/3 slow/normal/fast fees   c custom fees   o custom nonce");
	return fits && y <= rows - 1;
}

static void draw_confirm(struct wp *p, struct app *app, WINDOW *win)
{
	const struct wallet_draft *d = wallet_draft(p->w);
	int rows = getmaxy(win), cols = getmaxx(win), y;

	p->confirm_rows = rows;
	p->confirm_cols = cols;
	switch (d->state) {
	case DRAFT_NONE:
	case DRAFT_PREPARING:
		widget_text(app, win, 0, 1, STYLE_TITLE, confirm_title(p, d));
		widget_text(app, win, 2, 1, STYLE_DIM, "asking the node: nonce, fees, gas, pre-send check...");
		return;
	case DRAFT_ERROR:
		widget_text(app, win, 0, 1, STYLE_TITLE, confirm_title(p, d));
		y = 2;
		wrap_text(app, win, &y, 1, cols - 2, STYLE_BAD, d->message);
		widget_text(app, win, y + 1, 1, STYLE_DIM,
		            !p->form_live ? "Esc back"
		            : p->replacing ? "Esc back   1/2/3 fee level   c custom fees"
		                           : "Esc back   1/2/3 fee level   c custom fees   o custom nonce");
		return;
	default:
		break;
	}
	if (!confirm_layout(p, app, NULL, rows, cols)) {
		/* Nothing partial: a cut confirmation could hide the fee, the check or the recipient's end. */
		widget_text(app, win, 0, 1, STYLE_TITLE, confirm_title(p, d));
		y = 2;
		if (d->state == DRAFT_SENDING || d->state == DRAFT_SENT) {
			/* Signed already (when it fitted): what happened to it still shows. */
			wrap_text(app, win, &y, 1, cols - 2, STYLE_OK, d->message);
			wrap_text(app, win, &y, 1, cols - 2, STYLE_DIM, confirm_action(p, d));
			return;
		}
		wrap_text(app, win, &y, 1, cols - 2, STYLE_WARN,
		          "enlarge the terminal to confirm: the whole confirmation (every row, every full address) "
		          "must show before it can be signed");
		wrap_text(app, win, &y, 1, cols - 2, STYLE_DIM, "Esc cancels");
		return;
	}
	confirm_layout(p, app, win, rows, cols);
}

/* ---- typed data (EIP-712) ---- */

/*
 * The typed-data screen has the confirmation's discipline: y signs only
 * when all of it (the account, every domain field, the primary type, every
 * field of the message, the digest) showed whole at the size it was drawn
 * at; values wrap, an address is never split.
 */
static bool typed_field(struct app *app, WINDOW *win, int *y, int cols, const struct eip712_field *f)
{
	char line[1200];
	bool cut = strlen(f->path) + strlen(f->type) + strlen(f->value) + 8 >= sizeof(line);

	snprintf(line, sizeof(line), "%s (%s): %s", f->path, f->type, f->value);
	/* A value too long for the line buffer is never shown cut: the screen then does not count as shown. */
	return !cut && wrap_text(app, win, y, 3, cols - 4, STYLE_NORMAL, line);
}

/* Lays out the decoded request in a rows x cols window (drawn when win is not NULL); whether it all fits. */
static bool typed_layout(struct wp *p, struct app *app, WINDOW *win, int rows, int cols)
{
	const struct eip712 *e = wallet_typed_doc(p->typed);
	const char *sig = wallet_typed_signature(p->typed);
	char v[400], a[ADDRESS_TEXT_SIZE], h[70];
	const char *lab;
	bool fits = true;
	int y = 2;

	if (win)
		widget_text(app, win, 0, 1, STYLE_TITLE, "Sign typed data (EIP-712)");
	addr_text(a, sizeof(a), wallet_typed_from(p->typed));
	lab = label_of(p, app, wallet_typed_from(p->typed));
	snprintf(v, sizeof(v), "Account  %s%s%s%s", a, lab ? "  (" : "", lab ? lab : "", lab ? ")" : "");
	fits = wrap_text(app, win, &y, 1, cols - 2, STYLE_NORMAL, v);
	fits = fits && wrap_text(app, win, &y, 1, cols - 2, STYLE_TITLE, "Domain");
	for (size_t i = 0; fits && i < e->ndomain; i++)
		fits = typed_field(app, win, &y, cols, &e->domain[i]);
	snprintf(v, sizeof(v), "Message: %.300s", e->primary_type);
	fits = fits && wrap_text(app, win, &y, 1, cols - 2, STYLE_TITLE, v);
	for (size_t i = 0; fits && i < e->nfields; i++)
		fits = typed_field(app, win, &y, cols, &e->fields[i]);
	hex_encode(h, sizeof(h), e->digest, 32, 1);
	snprintf(v, sizeof(v), "Digest   %s", h);
	fits = fits && wrap_text(app, win, &y, 1, cols - 2, STYLE_NORMAL, v);
	if (is_ledger(p, wallet_typed_from(p->typed))) {
		/* The device shows these two (hashed mode): the user compares them there. */
		hex_encode(h, sizeof(h), e->domain_separator, 32, 1);
		snprintf(v, sizeof(v), "Domain hash   %s  (the Ledger shows it)", h);
		fits = fits && wrap_text(app, win, &y, 1, cols - 2, STYLE_NORMAL, v);
		hex_encode(h, sizeof(h), e->struct_hash, 32, 1);
		snprintf(v, sizeof(v), "Message hash  %s  (the Ledger shows it)", h);
		fits = fits && wrap_text(app, win, &y, 1, cols - 2, STYLE_NORMAL, v);
	}
	y++;
	if (sig) {
		snprintf(v, sizeof(v), "Signature %s", sig);
		fits = fits && wrap_text(app, win, &y, 1, cols - 2, STYLE_OK, v);
	}
	/* The Ledger's progress and outcome (refused, timed out, cancelled) stay on this screen. */
	if (!sig && wallet_typed_message(p->typed)[0])
		fits = fits && wrap_text(app, win, &y, 1, cols - 2,
		                         wallet_typed_state(p->typed) == TYPED_DEVICE ? STYLE_WARN : STYLE_BAD,
		                         wallet_typed_message(p->typed));
	fits = fits && wrap_text(app, win, &y, 1, cols - 2, sig ? STYLE_DIM : STYLE_TITLE,
	                         sig ? "c copies the signature   Esc back"
	                         : wallet_typed_state(p->typed) == TYPED_DEVICE ? "confirm on your Ledger   Esc cancels"
	                         : wallet_state(p->w) != WALLET_UNLOCKED ? "u unlocks to sign   Esc cancels"
	                                                                 : "y signs exactly this   Esc cancels");
	return fits && y <= rows - 1;
}

static void draw_typed(struct wp *p, struct app *app, WINDOW *win)
{
	int rows = getmaxy(win), cols = getmaxx(win), y = 2;

	p->typed_rows = rows;
	p->typed_cols = cols;
	if (!wallet_typed_doc(p->typed)) {
		widget_text(app, win, 0, 1, STYLE_TITLE, "Sign typed data (EIP-712)");
		if (wallet_typed_state(p->typed) == TYPED_READING)
			wrap_text(app, win, &y, 1, cols - 2, STYLE_DIM, "reading the request...");
		else
			wrap_text(app, win, &y, 1, cols - 2, STYLE_BAD, wallet_typed_message(p->typed));
		wrap_text(app, win, &y, 1, cols - 2, STYLE_DIM, "Esc back");
		return;
	}
	if (!typed_layout(p, app, NULL, rows, cols)) {
		/* Nothing partial: a cut request could hide the field that matters. */
		widget_text(app, win, 0, 1, STYLE_TITLE, "Sign typed data (EIP-712)");
		wrap_text(app, win, &y, 1, cols - 2, STYLE_WARN,
		          "enlarge the terminal to sign: the whole request (every field, every full address, the "
		          "digest and the signature) must show");
		wrap_text(app, win, &y, 1, cols - 2, STYLE_DIM, "Esc cancels");
		return;
	}
	typed_layout(p, app, win, rows, cols);
}

/* ---- Safes ---- */

/* One proposal's line: nonce, what it does, its signatures, its file; a refused file says why. */
static void prop_line(const struct wallet_safe_prop *pr, const struct wallet_safe_state *st, char *out, size_t cap)
{
	char to[ADDRESS_TEXT_SIZE], v[100], n[80], call[200], other[80] = "";
	const char *state = "";

	if (!pr->ok) {
		snprintf(out, cap, "%s  %s", pr->name, pr->error);
		return;
	}
	addr_text(to, sizeof(to), pr->p.tx.to.b);
	fmt_units(v, sizeof(v), pr->p.tx.value, 18, "ETH");
	u256_format_dec(pr->p.tx.nonce, n, sizeof(n));
	safe_describe_call(&pr->p.tx, call, sizeof(call));
	if (pr->p.chain_id != st->chain_id)
		snprintf(other, sizeof(other), " (for chain %llu, not this one)", (unsigned long long)pr->p.chain_id);
	else if (st->has_state && u256_cmp(pr->p.tx.nonce, st->nonce) < 0)
		state = " (used: executed or replaced)";
	if (other[0])
		state = other;
	snprintf(out, cap, "nonce %s%s  to %s  %s%s%s  %zu/%llu signatures  %s", n, state, to, v, call[0] ? "  " : "",
	         call, pr->p.nsigs, (unsigned long long)st->threshold, pr->name);
}

static void draw_safe(struct wp *p, struct app *app, WINDOW *win)
{
	size_t ns = wallet_safe_count(p->w), np;
	const struct wallet_safe_state *st;
	const char *lerr = "";
	char line[1024], a[ADDRESS_TEXT_SIZE], v[100], wei[100];
	int rows = getmaxy(win), y = 0;

	widget_text(app, win, y++, 1, STYLE_TITLE, "Safes (multisig accounts)");
	if (!wallet_safes_loaded(p->w, &lerr)) {
		widget_text(app, win, y++, 1, STYLE_DIM, "reading the Safe list...");
		return;
	}
	if (lerr[0])
		widget_text(app, win, y++, 1, STYLE_BAD, lerr);
	if (ns == 0) {
		widget_text(app, win, y++, 1, STYLE_DIM, "no Safe watched on this chain: w watches one by its address, C creates one");
		return;
	}
	if (p->safe_sel >= ns)
		p->safe_sel = 0;
	for (size_t i = 0; i < ns && y < rows - 1; i++) {
		st = wallet_safe(p->w, i);
		addr_text(a, sizeof(a), st->addr.b);
		snprintf(line, sizeof(line), "%s %s  chain %llu", i == p->safe_sel ? ">" : " ", a,
		         (unsigned long long)st->chain_id);
		widget_text(app, win, y++, 1, i == p->safe_sel ? STYLE_TITLE : STYLE_NORMAL, line);
	}
	y++;
	st = wallet_safe(p->w, p->safe_sel);
	addr_text(a, sizeof(a), st->addr.b);
	if (!st->has_state) {
		snprintf(line, sizeof(line), "Safe %s: %s", a, st->error[0] ? st->error : "asking the node...");
		widget_text(app, win, y++, 1, st->error[0] ? STYLE_BAD : STYLE_DIM, line);
	} else {
		snprintf(line, sizeof(line), "Safe       %s  (Safe %s)", a, st->version);
		widget_text(app, win, y++, 1, STYLE_TITLE, line);
		snprintf(line, sizeof(line), "Threshold  %llu of %zu", (unsigned long long)st->threshold, st->nowners);
		widget_text(app, win, y++, 1, STYLE_NORMAL, line);
		u256_format_dec(st->nonce, v, sizeof(v));
		snprintf(line, sizeof(line), "Nonce      %s", v);
		widget_text(app, win, y++, 1, STYLE_NORMAL, line);
		u256_format_dec(st->balance, wei, sizeof(wei));
		snprintf(line, sizeof(line), "Balance    %s (%s wei)", fmt_units(v, sizeof(v), st->balance, 18, "ETH"), wei);
		widget_text(app, win, y++, 1, STYLE_NORMAL, line);
		/* The tokens the wallet watches (t), in their remembered decimals; a token that did not answer says so. */
		for (size_t j = 0; j < st->ntokens && y < rows - 1; j++) {
			struct token_meta meta;
			char amt[120], ta[ADDRESS_TEXT_SIZE];

			addr_text(ta, sizeof(ta), st->token[j]);
			wallet_token_meta(p->w, st->token[j], &meta);
			if (!st->token_ok[j]) {
				snprintf(line, sizeof(line), "Token      %s: balanceOf did not answer", ta);
			} else {
				u256_format_dec(st->token_balance[j], wei, sizeof(wei));
				tokens_format_amount(&meta, st->token_balance[j], amt, sizeof(amt));
				snprintf(line, sizeof(line), "Token      %s (%s base units)  %s", amt, wei, ta);
			}
			widget_text(app, win, y++, 1, st->token_ok[j] ? STYLE_NORMAL : STYLE_WARN, line);
		}
		for (size_t i = 0; i < st->nowners && y < rows - 1; i++) {
			const char *lab = label_of(p, app, st->owners[i].b);

			addr_text(a, sizeof(a), st->owners[i].b);
			snprintf(line, sizeof(line), "Owner      %s%s%s%s", a, lab ? "  (" : "", lab ? lab : "", lab ? ")" : "");
			widget_text(app, win, y++, 1, STYLE_NORMAL, line);
		}
	}
	y++;
	np = wallet_safe_prop_count(p->w, p->safe_sel);
	snprintf(line, sizeof(line), "Proposals in %s", wallet_safe_dir(p->w));
	if (y < rows - 1)
		widget_text(app, win, y++, 1, STYLE_TITLE, line);
	if (np == 0 && y < rows - 1)
		widget_text(app, win, y++, 1, STYLE_DIM, "none (chaindeck safe propose writes them there)");
	if (p->prop_sel >= np)
		p->prop_sel = np ? np - 1 : 0;
	for (size_t k = 0; k < np && y < rows - 1; k++) {
		const struct wallet_safe_prop *pr = wallet_safe_prop(p->w, p->safe_sel, k);
		char l2[1100];

		prop_line(pr, st, line, sizeof(line));
		snprintf(l2, sizeof(l2), "%s %s", k == p->prop_sel ? ">" : " ", line);
		widget_text(app, win, y++, 1, !pr->ok ? STYLE_BAD : k == p->prop_sel ? STYLE_TITLE : STYLE_NORMAL, l2);
	}
}

/* The rows of the Safe action's screen (signing, or an execution being checked). */
static size_t safetx_screen_rows(struct wp *p, struct app *app, struct crow *r)
{
	const struct wallet_safe_action *a = wallet_safe_action(p->w);
	char v[360], x[ADDRESS_TEXT_SIZE];
	const char *lab;
	size_t n = 0;

	addr_text(x, sizeof(x), a->account_addr);
	lab = label_of(p, app, a->account_addr);
	snprintf(v, sizeof(v), "%s%s%s%s", x, lab ? "  (" : "", lab ? lab : "", lab ? ")" : "");
	crow_add(r, &n, a->kind == WSAFE_SIGN ? "Owner" : "Paid by", STYLE_TITLE, v);
	if (a->kind == WSAFE_CREATE) {
		create_rows(p, app, r, &n);
	} else {
		safetx_rows(p, app, r, &n);
		crow_add(r, &n, "File", STYLE_DIM, a->name);
	}
	crow_add(r, &n, "Check",
	         a->state == WSAFE_REFUSED ? STYLE_BAD : a->state == WSAFE_CHECKING ? STYLE_DIM : STYLE_OK,
	         a->state == WSAFE_CHECKING ? "asking the node: chain, nonce, owners, the Safe's own hash..." : a->message);
	return n;
}

static const char *safetx_action(const struct wp *p, const struct wallet_safe_action *a)
{
	if (a->state == WSAFE_SIGNED)
		return "signed and saved: Esc back";
	if (a->state == WSAFE_SIGNING)
		return "signing, saving the file...";
	if (a->state != WSAFE_READY || a->kind != WSAFE_SIGN)
		return "Esc back";
	if (wallet_state(p->w) != WALLET_UNLOCKED)
		return "u unlocks to sign   Esc cancels";
	return "y signs exactly this SafeTx hash   Esc cancels";
}

/* Lays out the Safe action's screen (drawn when win is not NULL); whether all of it fits. */
static bool safetx_layout(struct wp *p, struct app *app, WINDOW *win, int rows, int cols)
{
	const struct wallet_safe_action *a = wallet_safe_action(p->w);
	struct crow r[CONFIRM_MAX_ROWS];
	size_t n = safetx_screen_rows(p, app, r);
	const char *title = a->kind == WSAFE_SIGN   ? "Sign a Safe transaction"
	                    : a->kind == WSAFE_EXEC ? "Execute a Safe transaction: checks"
	                                            : "Create a Safe: checks";
	int y;

	return rows_layout(app, win, rows, cols, title, r, n, a->state == WSAFE_SIGNED ? STYLE_OK : STYLE_TITLE,
	                   safetx_action(p, a), &y) &&
	       y <= rows - 1;
}

static void draw_safetx(struct wp *p, struct app *app, WINDOW *win)
{
	int rows = getmaxy(win), cols = getmaxx(win), y = 2;

	p->safetx_rows = rows;
	p->safetx_cols = cols;
	if (!safetx_layout(p, app, NULL, rows, cols)) {
		widget_text(app, win, 0, 1, STYLE_TITLE, "Sign a Safe transaction");
		wrap_text(app, win, &y, 1, cols - 2, STYLE_WARN,
		          "enlarge the terminal to sign: the whole Safe transaction (every field, every full address, "
		          "its hash) must show");
		wrap_text(app, win, &y, 1, cols - 2, STYLE_DIM, "Esc cancels");
		return;
	}
	safetx_layout(p, app, win, rows, cols);
}

static void wp_draw(void *state, struct app *app, WINDOW *win)
{
	struct wp *p = state;
	int rows = getmaxy(win), y = 0;

	if (!p->w) {
		widget_text(app, win, 1, 1, STYLE_DIM, "no node configured");
		return;
	}
	/* The execution's checks passed: the model prepared the send; its confirmation takes over. */
	if (p->view == WV_SAFETX && wallet_safe_action(p->w)->kind != WSAFE_SIGN &&
	    wallet_safe_action(p->w)->state == WSAFE_READY) {
		p->view = WV_CONFIRM;
		p->safe_exec = true;
		p->form_live = false;
		p->replacing = false;
	}
	switch (p->view) {
	case WV_MAIN:
		draw_lock(p, app, win, &y);
		y++;
		draw_accounts(p, app, win, &y);
		draw_tokens(p, app, win, &y);
		draw_sent(p, app, win, &y);
		draw_history(p, app, win, &y);
		break;
	case WV_RECEIVE:
		draw_receive(p, app, win);
		break;
	case WV_CONFIRM:
		draw_confirm(p, app, win);
		break;
	case WV_TYPED:
		draw_typed(p, app, win);
		break;
	case WV_SAFE:
		draw_safe(p, app, win);
		break;
	case WV_SAFETX:
		draw_safetx(p, app, win);
		break;
	}
	wmove(win, rows - 1, 0);
	wclrtoeol(win);
	if (p->prompt != P_NONE)
		line_edit_draw(app, win, rows - 1, &p->edit);
	else if (p->note.text[0])
		notice_draw(app, win, rows - 1, &p->note);
	else if (wallet_message(p->w)[0])
		widget_text(app, win, rows - 1, 1, STYLE_WARN, wallet_message(p->w));
	else if (p->view == WV_SAFE)
		widget_text(app, win, rows - 1, 1, STYLE_DIM,
		            "w watch  C create  N next Safe  j/k proposal  g sign  E execute  S/Esc back");
	else if (p->view == WV_MAIN)
		/* Only the keys that do something now: u while locked, L while unlocked. */
		widget_text(app, win, rows - 1, 1, STYLE_DIM,
		            wallet_state(p->w) == WALLET_LOCKED     ? "j/k account  s send  r receive  u unlock  e label"
		            : wallet_state(p->w) == WALLET_UNLOCKED ? "j/k account  s send  r receive  L lock  n new account  e label"
		                                                    : "j/k account  r receive");
}

/* Why there is no account to act on, for keys that need one; NULL when there is one. */
static const char *no_account_why(const struct wp *p)
{
	if (wallet_account(p->w, p->sel))
		return NULL;
	switch (wallet_state(p->w)) {
	case WALLET_NO_VAULT:
		return "no vault yet: create one with  chaindeck wallet new  (or restore)";
	case WALLET_BROKEN:
		return "the vault cannot be read (see the line at the top)";
	default:
		return "the vault holds no account";
	}
}

/* ---- keys ---- */

static void ask(struct wp *p, enum wprompt which, const char *prompt, const char *initial)
{
	line_edit_start(&p->edit, prompt, initial);
	p->edit.secret = which == P_PASSWORD;
	p->prompt = which;
}

static int parse_gwei(const char *text, struct u256 *out)
{
	return u256_parse_units(out, text, strlen(text), 9) == CD_OK ? 0 : -1;
}

/* Prepares the confirmation again with the form's fees: the send, or the replacement. */
static void reprepare(struct wp *p)
{
	if (p->replacing)
		wallet_prepare_replacement(p->w, p->replace_idx, p->replace_cancel, &p->form);
	else
		wallet_prepare(p->w, &p->form);
}

/*
 * The send form's prompts, one after the other: recipient, token, amount.
 * True when the next prompt is open (the current one must stay answered).
 */
static bool form_prompt_done(struct wp *p)
{
	struct address a;
	int rc;

	switch (p->prompt) {
	case P_TO:
		rc = address_parse(&a, p->edit.text, strlen(p->edit.text));
		if (rc != CD_OK) {
			/* A mistyped checksum is refused, never silently accepted. */
			notice_set(&p->note, true, "recipient: %s", cd_strerror(rc));
			return false;
		}
		memcpy(p->form.to, a.b, 20);
		ask(p, P_TOKEN, "Token contract (Enter for ETH)", "");
		return true;
	case P_TOKEN:
		p->form.token = p->edit.text[0] != '\0';
		if (p->form.token) {
			struct token_meta meta;

			rc = address_parse(&a, p->edit.text, strlen(p->edit.text));
			if (rc != CD_OK) {
				notice_set(&p->note, true, "token: %s", cd_strerror(rc));
				return false;
			}
			memcpy(p->form.token_addr, a.b, 20);
			/* Ask for its decimals now, so the amount can be read exactly. */
			tokens_get(wallet_tokens(p->w), a.b, &meta);
		}
		ask(p, P_AMOUNT, p->form.token ? "Amount of the token (or max)" : "Amount in ETH (or max)", "");
		return true;
	default: /* P_AMOUNT */
		snprintf(p->form.amount, sizeof(p->form.amount), "%.79s", p->edit.text);
		p->form.level = FEE_NORMAL;
		p->form_live = true;
		p->view = WV_CONFIRM;
		wallet_prepare(p->w, &p->form);
		return false;
	}
}

/* The confirmation's custom fees (max fee, then tip) and nonce. True when the next prompt is open. */
static bool fee_prompt_done(struct wp *p)
{
	switch (p->prompt) {
	case P_MAXFEE:
		if (parse_gwei(p->edit.text, &p->form.max_fee) != 0) {
			notice_set(&p->note, true, "not an amount of gwei: %s", p->edit.text);
			return false;
		}
		p->form.gas_price = p->form.max_fee;
		ask(p, P_TIP, "Tip (priority fee) in gwei", "");
		return true;
	case P_TIP:
		if (parse_gwei(p->edit.text, &p->form.tip) != 0) {
			notice_set(&p->note, true, "not an amount of gwei: %s", p->edit.text);
			return false;
		}
		p->form.custom_fees = true;
		reprepare(p);
		return false;
	default: /* P_NONCE */
		if (strlen(p->edit.text) >= sizeof(p->form.nonce_text)) {
			notice_set(&p->note, true, "nonce: too long for a nonce");
			return false;
		}
		p->form.custom_nonce = p->edit.text[0] != '\0';
		memcpy(p->form.nonce_text, p->edit.text, strlen(p->edit.text) + 1); /* fits: checked above */
		wallet_prepare(p->w, &p->form);
		return false;
	}
}

/* Enter on a prompt: hands what was typed to the one that asked. */
static void prompt_done(struct wp *p, struct app *app)
{
	struct address a;
	int rc;
	bool next = false;

	(void)app;
	switch (p->prompt) {
	case P_PASSWORD:
		wallet_unlock(p->w, p->edit.text);
		line_edit_wipe(&p->edit);
		break;
	case P_LABEL:
		wallet_set_label(p->w, p->sel, p->edit.text);
		break;
	case P_TO:
	case P_TOKEN:
	case P_AMOUNT:
		next = form_prompt_done(p);
		break;
	case P_MAXFEE:
	case P_TIP:
	case P_NONCE:
		next = fee_prompt_done(p);
		break;
	case P_TYPED:
		wallet_typed_free(p->typed);
		p->typed = wallet_typed_open(p->w, p->sel, p->edit.text);
		if (p->typed)
			p->view = WV_TYPED;
		else
			notice_set(&p->note, true, "cannot read the typed data: out of memory");
		break;
	case P_SAFE:
		rc = address_parse(&a, p->edit.text, strlen(p->edit.text));
		if (rc != CD_OK) {
			notice_set(&p->note, true, "Safe: %s", cd_strerror(rc));
			break;
		}
		/* The verdict (a Safe or not, saved or not) comes as the wallet's message. */
		wallet_safe_watch(p->w, a.b);
		break;
	case P_SAFE_OWNERS: {
		char err[200];

		if (safe_parse_owners(p->edit.text, p->new_owners, SAFE_OWNERS_MAX, &p->nnew_owners, err, sizeof(err)) !=
		    CD_OK) {
			notice_set(&p->note, true, "owners: %s", err);
			break;
		}
		ask(p, P_SAFE_THRESHOLD, "Threshold: how many owners must sign", "");
		next = true;
		break;
	}
	case P_SAFE_THRESHOLD: {
		struct u256 t;
		uint64_t thr = 0;

		if (u256_parse_dec(&t, p->edit.text, strlen(p->edit.text)) != CD_OK || u256_to_u64(t, &thr) != 0 ||
		    thr == 0 || thr > p->nnew_owners) {
			notice_set(&p->note, true, "threshold: a whole number from 1 to %zu", p->nnew_owners);
			break;
		}
		/* Checked on the node first; then the factory call gets the send's confirmation. */
		wallet_safe_create(p->w, p->sel, p->new_owners, p->nnew_owners, thr);
		p->view = WV_SAFETX;
		break;
	}
	case P_WATCH:
		rc = address_parse(&a, p->edit.text, strlen(p->edit.text));
		if (rc != CD_OK) {
			notice_set(&p->note, true, "token: %s", cd_strerror(rc));
			break;
		}
		/* The verdict (an ERC-20 or not, saved or not) comes as the wallet's message. */
		wallet_add_token(p->w, a.b);
		break;
	case P_NONE:
		break;
	}
	if (!next)
		p->prompt = P_NONE;
}

static int prompt_key(struct wp *p, struct app *app, int key)
{
	switch (line_edit_key(&p->edit, key)) {
	case EDIT_CANCEL:
		line_edit_wipe(&p->edit);
		p->prompt = P_NONE;
		break;
	case EDIT_DONE:
		prompt_done(p, app);
		break;
	case EDIT_CONTINUE:
		break;
	}
	return PANE_REDRAW;
}

/* The newest pending transaction sent from the selected account, or -1. */
static long newest_pending(const struct wp *p)
{
	const struct wallet_account *a = wallet_account(p->w, p->sel);

	for (size_t k = wallet_sent_count(p->w); a && k-- > 0;) {
		const struct wallet_sent *s = wallet_sent(p->w, k);

		uint64_t chain;

		if (s->state == TX_PENDING && memcmp(s->from, a->acct.address.b, 20) == 0 &&
		    wallet_chain_id(p->w, &chain) && s->chain_id == chain)
			return (long)k;
	}
	return -1;
}

/* ---- keys: one function per row of wp_keys ---- */

/*
 * The confirmation screen is modal: only its own keys act there (Esc, y/Y,
 * the fee keys, u); every other key of the wallet is swallowed, so keys meant
 * for the main view cannot reach past a confirmation by accident.
 */
static bool confirming(const struct wp *p)
{
	return p->view == WV_CONFIRM || p->view == WV_TYPED || p->view == WV_SAFETX;
}

/* y on the Safe signing screen: signs only a READY proposal whose whole screen showed. */
static int safetx_sign(struct wp *p, struct app *app, int key)
{
	const struct wallet_safe_action *a = wallet_safe_action(p->w);

	if (key != 'y' || a->kind != WSAFE_SIGN || a->state != WSAFE_READY)
		return PANE_CONSUMED;
	if (wallet_state(p->w) != WALLET_UNLOCKED) {
		notice_set(&p->note, true, "unlock first: u");
		return PANE_REDRAW;
	}
	if (!safetx_layout(p, app, NULL, p->safetx_rows, p->safetx_cols)) {
		notice_set(&p->note, true, "not signed: the Safe transaction does not fit: enlarge the terminal");
		return PANE_REDRAW;
	}
	wallet_safe_sign(p->w);
	return PANE_REDRAW;
}

/* The draft is exactly the execution the Safe rows show: execTransaction of that proposal, 0 ETH, to the Safe. */
static bool draft_is_safe_exec(const struct wp *p, const struct wallet_draft *d)
{
	const struct wallet_safe_action *a = wallet_safe_action(p->w);

	return a->kind != WSAFE_SIGN && a->state == WSAFE_READY && a->exec_data && !d->token &&
	       d->data_len == a->exec_len && memcmp(d->data, a->exec_data, a->exec_len) == 0 &&
	       memcmp(d->recipient, a->call_to.b, 20) == 0 && u256_is_zero(d->value) &&
	       memcmp(d->from_addr, a->account_addr, 20) == 0;
}

/* y on the typed-data screen: signs what it shows, only when all of it showed at the size drawn. */
static int typed_sign(struct wp *p, struct app *app, int key)
{
	if (key != 'y' || !wallet_typed_doc(p->typed) || wallet_typed_signature(p->typed) ||
	    wallet_typed_state(p->typed) == TYPED_DEVICE)
		return PANE_CONSUMED;
	if (!typed_layout(p, app, NULL, p->typed_rows, p->typed_cols)) {
		notice_set(&p->note, true, "not signed: the request does not fit: enlarge the terminal");
		return PANE_REDRAW;
	}
	if (wallet_typed_sign(p->typed) != 0)
		notice_set(&p->note, true, "%s", wallet_typed_message(p->typed));
	return PANE_REDRAW;
}

static int key_move(void *state, struct app *app, int key)
{
	struct wp *p = state;

	(void)app;
	if (p->view == WV_SAFE) {
		size_t np = wallet_safe_prop_count(p->w, p->safe_sel);

		if ((key == 'j' || key == KEY_DOWN) && p->prop_sel + 1 < np)
			p->prop_sel++;
		else if ((key == 'k' || key == KEY_UP) && p->prop_sel > 0)
			p->prop_sel--;
		return PANE_REDRAW;
	}
	p->accounts.sel = p->sel;
	list_view_set_count(&p->accounts, wallet_account_count(p->w));
	if (!list_view_key(&p->accounts, key))
		return PANE_IGNORED;
	if (p->accounts.sel != p->sel) {
		p->sel = p->accounts.sel;
		wallet_select(p->w, p->sel);
	}
	return PANE_REDRAW;
}

static int key_unlock(void *state, struct app *app, int key)
{
	struct wp *p = state;

	(void)app;
	(void)key;
	if (wallet_state(p->w) == WALLET_LOCKED)
		ask(p, P_PASSWORD, "Vault password", "");
	else if (confirming(p))
		return PANE_CONSUMED;
	else if (wallet_state(p->w) == WALLET_UNLOCKED)
		notice_set(&p->note, false, "already unlocked (L locks)");
	else if (wallet_state(p->w) != WALLET_UNLOCKING)
		notice_set(&p->note, true, "nothing to unlock: %s",
		           wallet_state(p->w) == WALLET_NO_VAULT ? "no vault yet (chaindeck wallet new, or restore)"
		                                                 : "the vault cannot be read");
	return PANE_REDRAW;
}

static int key_lock(void *state, struct app *app, int key)
{
	struct wp *p = state;

	(void)app;
	(void)key;
	wallet_lock(p->w);
	return PANE_REDRAW;
}

static int key_send(void *state, struct app *app, int key)
{
	struct wp *p = state;

	(void)app;
	(void)key;
	if (no_account_why(p)) {
		notice_set(&p->note, true, "nothing to send from: %s", no_account_why(p));
		return PANE_REDRAW;
	}
	memset(&p->form, 0, sizeof(p->form));
	p->form.from = p->sel;
	p->replacing = false;
	ask(p, P_TO, "Send to address", "");
	return PANE_REDRAW;
}

/* y signs what the confirmation shows; Y also when the pre-send check predicts a failure. */
static int key_sign(void *state, struct app *app, int key)
{
	struct wp *p = state;
	const struct wallet_draft *d = wallet_draft(p->w);

	if (p->view == WV_TYPED)
		return typed_sign(p, app, key);
	if (p->view == WV_SAFETX)
		return safetx_sign(p, app, key);
	if (!confirming(p) || d->state != DRAFT_READY)
		return PANE_CONSUMED;
	if (p->safe_exec && !draft_is_safe_exec(p, d)) {
		notice_set(&p->note, true, "not sent: the transaction is not the execution shown (Esc and start again)");
		return PANE_REDRAW;
	}
	if (wallet_state(p->w) != WALLET_UNLOCKED) {
		notice_set(&p->note, true, "unlock first: u");
		return PANE_REDRAW;
	}
	/* Only what was shown whole is signed: the size it was drawn at must hold all of it. */
	if (!confirm_layout(p, app, NULL, p->confirm_rows, p->confirm_cols)) {
		notice_set(&p->note, true, "not signed: the confirmation does not fit: enlarge the terminal");
		return PANE_REDRAW;
	}
	/* The node says it would fail: sending anyway takes a deliberate capital Y. */
	if (!d->precheck_ok && key == 'y') {
		notice_set(&p->note, true, "the pre-send check says it would fail: Y sends it anyway (its fee is spent)");
		return PANE_REDRAW;
	}
	/* From here on the form is spent: no key re-prepares this payment. */
	p->form_live = false;
	wallet_send(p->w);
	return PANE_REDRAW;
}

/* 1 2 3: on a confirmation, the fee level; elsewhere the shell's pane keys. */
static int key_fee_level(void *state, struct app *app, int key)
{
	struct wp *p = state;

	(void)app;
	if (!confirming(p))
		return PANE_IGNORED;
	if (!p->form_live)
		return PANE_CONSUMED;
	p->form.level = (enum fee_level)(key - '1');
	p->form.custom_fees = false;
	reprepare(p);
	return PANE_REDRAW;
}

/* OSC 52: the terminal puts the text on the clipboard. */
static void copy_text(const char *text)
{
	char b64[512];

	sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)text, strlen(text), sodium_base64_VARIANT_ORIGINAL);
	printf("\033]52;c;%s\a", b64);
	fflush(stdout);
}

/* c: on a confirmation, custom fees; elsewhere, copy the receive link. */
static int key_c(void *state, struct app *app, int key)
{
	struct wp *p = state;
	char link[160];
	int rc;

	(void)app;
	(void)key;
	if (p->view == WV_TYPED) {
		if (wallet_typed_signature(p->typed)) {
			copy_text(wallet_typed_signature(p->typed));
			notice_set(&p->note, false, "copied the signature");
		}
		return PANE_REDRAW;
	}
	if (confirming(p)) {
		if (p->form_live)
			ask(p, P_MAXFEE, wallet_draft(p->w)->eip1559 ? "Max fee per gas in gwei" : "Gas price in gwei", "");
		return PANE_REDRAW;
	}
	if (p->view != WV_RECEIVE && !wallet_account(p->w, p->sel))
		return PANE_REDRAW;
	rc = wallet_receive_link(p->w, p->sel, link, sizeof(link));
	if (rc == WALLET_LINK_UNVERIFIED)
		notice_set(&p->note, true, "unlock first (u): the address is verified against its key before it is copied");
	else if (rc == WALLET_LINK_TAMPERED)
		notice_set(&p->note, true, "not copied: the vault file's address is not its key's (tampered)");
	if (rc > 0) {
		copy_text(link);
		notice_set(&p->note, false, "copied %s", link);
	}
	return PANE_REDRAW;
}

static int key_nonce(void *state, struct app *app, int key)
{
	struct wp *p = state;

	(void)app;
	(void)key;
	if (!confirming(p))
		return PANE_IGNORED;
	/* A replacement keeps the nonce it replaces: no custom nonce there. */
	if (p->form_live && !p->replacing)
		ask(p, P_NONCE, "Nonce (Enter for automatic)", "");
	return PANE_REDRAW;
}

/* r: the receive screen, and r again leaves it. */
static int key_receive(void *state, struct app *app, int key)
{
	struct wp *p = state;

	(void)app;
	(void)key;
	if (p->view == WV_RECEIVE)
		p->view = WV_MAIN;
	else if (no_account_why(p))
		notice_set(&p->note, true, "nothing to receive on: %s", no_account_why(p));
	else
		p->view = WV_RECEIVE;
	return PANE_REDRAW;
}

/* Esc, Bksp: back to the main view; Esc on a confirmation drops the draft. */
static int key_back(void *state, struct app *app, int key)
{
	struct wp *p = state;

	(void)app;
	if (p->view == WV_SAFETX) {
		if (key != 27)
			return PANE_CONSUMED;
		wallet_safe_action_clear(p->w);
		p->view = WV_SAFE;
		return PANE_REDRAW;
	}
	if (p->view == WV_TYPED) {
		if (key != 27)
			return PANE_CONSUMED;
		/* Waiting for the Ledger: Esc stops waiting and stays, to say what came of it. */
		if (wallet_typed_cancel(p->typed))
			return PANE_REDRAW;
		wallet_typed_free(p->typed);
		p->typed = NULL;
		p->view = WV_MAIN;
		return PANE_REDRAW;
	}
	if (confirming(p)) {
		if (key != 27)
			return PANE_CONSUMED;
		/* On the Ledger nothing is signed yet: Esc stops waiting for it, and the screen says so. */
		if (wallet_draft_on_device(p->w)) {
			wallet_device_cancel(p->w);
			return PANE_REDRAW;
		}
		/* While sending, Esc only leaves: the transaction may be out already and is tracked. */
		if (wallet_draft(p->w)->state != DRAFT_SENDING)
			wallet_draft_clear(p->w);
		p->form_live = false;
		p->view = p->safe_exec ? WV_SAFE : WV_MAIN;
		if (p->safe_exec)
			wallet_safe_action_clear(p->w);
		p->safe_exec = false;
		return PANE_REDRAW;
	}
	if (p->view == WV_SAFE) {
		wallet_safes_shown(p->w, false);
		p->view = WV_MAIN;
		return PANE_REDRAW;
	}
	if (p->view != WV_RECEIVE)
		return PANE_IGNORED;
	if (wallet_device_busy(p->w)) {
		wallet_device_cancel(p->w);
		return PANE_REDRAW;
	}
	p->view = WV_MAIN;
	return PANE_REDRAW;
}

/* v: on the receive screen of a Ledger account, show the address on the device. */
static int key_verify(void *state, struct app *app, int key)
{
	struct wp *p = state;
	const struct wallet_account *a = wallet_account(p->w, p->sel);

	(void)app;
	(void)key;
	if (p->view != WV_RECEIVE || !a)
		return PANE_IGNORED;
	if (a->acct.kind != VAULT_HARDWARE) {
		notice_set(&p->note, true, "v is for Ledger accounts: this address is checked against its key");
		return PANE_REDRAW;
	}
	wallet_device_show(p->w, p->sel);
	return PANE_REDRAW;
}

static int key_replace(void *state, struct app *app, int key)
{
	struct wp *p = state;
	long k;

	(void)app;
	k = newest_pending(p);
	if (k < 0) {
		notice_set(&p->note, true, "no pending transaction from this account");
		return PANE_REDRAW;
	}
	memset(&p->form, 0, sizeof(p->form));
	p->form.level = FEE_NORMAL;
	p->replacing = true;
	p->replace_idx = (size_t)k;
	p->replace_cancel = key == 'X';
	wallet_prepare_replacement(p->w, p->replace_idx, p->replace_cancel, &p->form);
	p->form_live = true;
	p->view = WV_CONFIRM;
	return PANE_REDRAW;
}

static int key_watch(void *state, struct app *app, int key)
{
	struct wp *p = state;

	(void)app;
	(void)key;
	ask(p, P_WATCH, "Token contract to watch", "");
	return PANE_REDRAW;
}

static int key_derive(void *state, struct app *app, int key)
{
	struct wp *p = state;

	(void)app;
	(void)key;
	wallet_derive(p->w);
	return PANE_REDRAW;
}

static int key_label(void *state, struct app *app, int key)
{
	struct wp *p = state;

	(void)app;
	(void)key;
	if (wallet_account(p->w, p->sel))
		ask(p, P_LABEL, "Label", wallet_account(p->w, p->sel)->acct.label);
	return PANE_REDRAW;
}

static int key_typed(void *state, struct app *app, int key)
{
	struct wp *p = state;

	(void)app;
	(void)key;
	if (no_account_why(p)) {
		notice_set(&p->note, true, "nothing to sign with: %s", no_account_why(p));
		return PANE_REDRAW;
	}
	ask(p, P_TYPED, "Typed data to sign (eth_signTypedData_v4 JSON file)", "");
	return PANE_REDRAW;
}

/* S: the Safe screen (watched Safes, their state, the proposals waiting); S again leaves. */
static int key_safes(void *state, struct app *app, int key)
{
	struct wp *p = state;

	(void)app;
	(void)key;
	p->view = p->view == WV_SAFE ? WV_MAIN : WV_SAFE;
	wallet_safes_shown(p->w, p->view == WV_SAFE);
	return PANE_REDRAW;
}

/* The Safe screen's own keys: w watch, N next Safe, g sign, E execute. */
static int key_safe_action(void *state, struct app *app, int key)
{
	struct wp *p = state;
	size_t ns;

	(void)app;
	if (p->view != WV_SAFE)
		return PANE_IGNORED;
	ns = wallet_safe_count(p->w);
	if (key == 'w') {
		ask(p, P_SAFE, "Safe address to watch", "");
		return PANE_REDRAW;
	}
	if (key == 'N') {
		p->safe_sel = ns ? (p->safe_sel + 1) % ns : 0;
		p->prop_sel = 0;
		return PANE_REDRAW;
	}
	if (key == 'C') {
		if (no_account_why(p)) {
			notice_set(&p->note, true, "no account to pay for the creation: %s", no_account_why(p));
			return PANE_REDRAW;
		}
		ask(p, P_SAFE_OWNERS, "Owners of the new Safe (addresses, comma-separated)", "");
		return PANE_REDRAW;
	}
	if (!wallet_safe_prop(p->w, p->safe_sel, p->prop_sel)) {
		notice_set(&p->note, true, "no proposal selected");
		return PANE_REDRAW;
	}
	if (key == 'E' && no_account_why(p)) {
		notice_set(&p->note, true, "no account to pay for the execution: %s", no_account_why(p));
		return PANE_REDRAW;
	}
	/* The checks run on the node; WV_SAFETX shows them, then the signing screen or the send's confirmation. */
	wallet_safe_check(p->w, key == 'g' ? WSAFE_SIGN : WSAFE_EXEC, p->safe_sel, p->prop_sel, p->sel);
	p->view = WV_SAFETX;
	return PANE_REDRAW;
}

static const struct pane_key wp_keys[] = {
	{ { 'j', KEY_DOWN }, "next account", key_move },
	{ { 'k', KEY_UP }, "previous account", key_move },
	{ { KEY_PPAGE, KEY_NPAGE }, "a page of accounts up / down", key_move },
	{ { KEY_HOME, KEY_END }, "first / last account", key_move },
	{ { KEY_MOUSE }, "mouse wheel: three accounts up / down", key_move },
	{ { 'u' }, "unlock the vault (password)", key_unlock },
	{ { 'L' }, "lock it now (it also locks after 5 idle minutes)", key_lock },
	{ { 's' }, "send ETH or a token: to, token, amount (or max)", key_send },
	{ { 'y' }, "on a confirmation screen: sign (and send) exactly that", key_sign },
	{ { 'Y' }, "send anyway when the pre-send check says it fails", key_sign },
	{ { '1', '2', '3' }, "on the confirmation screen: slow / normal / fast fees", key_fee_level },
	{ { 'c' }, "copy the receive link or a typed-data signature (OSC 52); on a send's confirmation: custom fees", key_c },
	{ { 'o' }, "on the confirmation screen: custom nonce", key_nonce },
	{ { 'r' }, "receive: address, EIP-681 link, QR code (r again leaves)", key_receive },
	{ { 'v' }, "on the receive screen of a Ledger account: show the address on the device", key_verify },
	{ { 27, KEY_BACKSPACE, 127 }, "back to the accounts; Esc cancels a confirmation", key_back },
	{ { 'x', 'X' }, "speed up / cancel the newest pending transaction", key_replace },
	{ { 't' }, "watch a token: checked to be an ERC-20, remembered (decimals, symbol) beside the vault", key_watch },
	{ { 'n' }, "add the next account (m/44'/60'/0'/0/i)", key_derive },
	{ { 'e' }, "edit the account's label", key_label },
	{ { 'T' }, "sign typed data (EIP-712): a JSON file, shown decoded with its digest; y signs", key_typed },
	{ { 'S' }, "Safes: watched multisig accounts, their owners, threshold, nonce, balance and proposals", key_safes },
	{ { 'w' }, "on the Safe screen: watch a Safe by its address (checked on the node, saved beside the vault)",
	  key_safe_action },
	{ { 'N' }, "on the Safe screen: the next watched Safe", key_safe_action },
	{ { 'C' }, "on the Safe screen: create a Safe (owners, threshold; paid by the selected account), then watch it",
	  key_safe_action },
	{ { 'g' }, "on the Safe screen: sign the selected proposal with an owner account (checked, then y)",
	  key_safe_action },
	{ { 'E' }, "on the Safe screen: execute the selected proposal, paid by the selected account (checked, then y)",
	  key_safe_action },
};

/* The rows a confirmation screen takes (sign, fees, nonce, custom fees, Esc, unlock); every other row
 * of the pane waits until the confirmation is gone, so none of them need check for one. */
static bool acts_on_confirmation(const struct pane_key *row)
{
	return row->fn == key_sign || row->fn == key_fee_level || row->fn == key_c || row->fn == key_nonce ||
	       row->fn == key_back || row->fn == key_unlock;
}

static int wp_key(void *state, struct app *app, int key)
{
	struct wp *p = state;
	const struct pane_key *row;
	int r;

	if (!p->w)
		return PANE_IGNORED;
	wallet_touch(p->w);
	if (p->prompt != P_NONE)
		return prompt_key(p, app, key);
	p->note.text[0] = '\0';
	row = pane_key_find(wp_keys, sizeof(wp_keys) / sizeof(wp_keys[0]), key);
	/* On a confirmation only its own (modal) rows act; no other key, the shell's neither, reaches
	 * past it by accident: only Tab, Shift-Tab and ? (help) go on. */
	if (confirming(p) && !(row && acts_on_confirmation(row)))
		return key == '\t' || key == KEY_BTAB || key == '?' ? PANE_IGNORED : PANE_CONSUMED;
	r = row ? row->fn(p, app, key) : PANE_IGNORED;
	if (r == PANE_IGNORED && confirming(p) && key != '\t' && key != KEY_BTAB && key != '?')
		return PANE_CONSUMED;
	return r;
}

const struct pane_ops wallet_pane_ops = {
	.name = "Wallet",
	.init = wp_init,
	.fini = wp_fini,
	.draw = wp_draw,
	.key = wp_key,
	.rows = wp_keys,
	.nrows = sizeof(wp_keys) / sizeof(wp_keys[0]),
	.follow_node = wp_follow_node,
};
