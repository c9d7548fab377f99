/*
 * The explorer pane: the live block list, and one block, transaction or
 * address at a time, with search, back/forward, and copy to the clipboard.
 * It formats what explorer/explorer.c holds and never talks to a node itself.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/address.h"
#include "common/addressbook.h"
#include "common/fmt.h"
#include "common/hex.h"
#include "common/selectors.h"
#include "dashboard/fleet.h"
#include "explorer/explorer.h"
#include "explorer/txview.h"
#include "tui/app.h"
#include "tui/pane.h"
#include "tui/widgets.h"

#define NAV_DEPTH 64
#define LABEL_W 12 /* label in columns 1..12, a space, the value from 14: a 66-character hash ends at 79 */
#define MAX_LINKS 512

enum xview { XV_LIVE, XV_DOC };

/* Something on screen that Enter can follow, and c can copy. */
struct link {
	struct explorer_target target;
};

struct xp {
	struct explorer *ex;
	bool labelling;         /* the search line is asking for a label instead */
	uint8_t label_addr[20];
	enum xview view;
	struct list_view list;  /* sel: the selected link; top: lines scrolled off the top of the scrolling part */
	int clip_top;           /* rows at the top that do not scroll */
	int sel_line;           /* where the selected link was drawn, in unscrolled lines; -1 if nowhere */
	struct explorer_target back[NAV_DEPTH], fwd[NAV_DEPTH];
	size_t nback, nfwd;
	struct explorer_target here;
	bool searching;
	struct line_edit edit;
	struct notice note;
	struct link links[MAX_LINKS];
	size_t nlinks;
};

static int xp_init(struct app *app, void **state, char *err, size_t errlen)
{
	struct xp *x = calloc(1, sizeof(*x));

	if (!x) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* main built the model, on the selected node; with no node it stays empty. */
	x->ex = app->explorer;
	*state = x;
	return 0;
}

static void xp_fini(void *state)
{
	free(state); /* the model is main's */
}

/*
 * The dashboard selected another node and main rebuilt the model on it: what
 * was on screen belonged to the other chain, so back to the live list, with
 * no history to go back to.
 */
static void xp_follow_node(void *state, struct app *app)
{
	struct xp *x = state;

	x->ex = app->explorer;
	x->view = XV_LIVE;
	x->nback = x->nfwd = 0;
	x->nlinks = 0;
	x->list = (struct list_view){ 0 };
	x->searching = x->labelling = false;
	notice_set(&x->note, false, "following %s", app->explorer_node);
}

/* ---- formatting ---- */

static void short_hash(char *out, size_t cap, const uint8_t *h)
{
	char full[70];

	hex_encode(full, sizeof(full), h, 32, 1);
	snprintf(out, cap, "%.10s..%s", full, full + 60);
}

/* The text helpers are the transaction view's (explorer/txview.h), so every document reads alike. */
static void book_suffix(const struct app *app, const uint8_t *a, char *out, size_t cap)
{
	txview_book_suffix(out, cap, app->book, a);
}

static void addr_text(char *out, size_t cap, const uint8_t *a)
{
	txview_addr(out, cap, a);
}

static void short_addr(char *out, size_t cap, const uint8_t *a)
{
	txview_short_addr(out, cap, a);
}

static void age_text(char *out, size_t cap, uint64_t ts)
{
	txview_age(out, cap, (uint64_t)time(NULL), ts);
}

/* The method of call input: a name from the selector table, or the raw selector. */
static void method_text(char *out, size_t cap, const uint8_t *input, size_t len)
{
	const char *sigs[2];
	uint32_t sel;

	if (len == 0) {
		snprintf(out, cap, "transfer");
		return;
	}
	if (len < 4) {
		snprintf(out, cap, "0x??");
		return;
	}
	sel = (uint32_t)input[0] << 24 | (uint32_t)input[1] << 16 | (uint32_t)input[2] << 8 | input[3];
	if (selectors_lookup(sel, sigs, 2) > 0) {
		const char *paren = strchr(sigs[0], '(');

		snprintf(out, cap, "%.*s", paren ? (int)(paren - sigs[0]) : (int)strlen(sigs[0]), sigs[0]);
	} else {
		snprintf(out, cap, "0x%08x", sel);
	}
}

static void link_add(struct xp *x, const struct explorer_target *t)
{
	if (x->nlinks < MAX_LINKS)
		x->links[x->nlinks++].target = *t;
}

/* Columns of UTF-8 text (one per character). */
static size_t text_cols(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * The bytes of text's first line when lines hold `width` columns: all of it
 * if it fits, else up to the last space that leaves the line at least half
 * full, else exactly `width` columns. Nothing is dropped: the rest goes on the
 * next line, so a long number or hash is shown whole.
 */
static size_t wrap_len(const char *text, size_t width)
{
	size_t cols = 0, i = 0, space = 0;

	for (; text[i]; i++) {
		if (((unsigned char)text[i] & 0xc0) == 0x80)
			continue;
		if (cols == width)
			break;
		if (text[i] == ' ' && cols >= width / 2)
			space = i + 1;
		cols++;
	}
	if (!text[i])
		return i;
	return space ? space : i;
}

/* Columns a line of the pane may use: from column 1 to one before the edge. */
static size_t pane_width(WINDOW *w)
{
	int c = getmaxx(w) - 1;

	return c > 20 ? (size_t)c : 20;
}

/*
 * Draws a line; when it carries a link, it is selectable and highlighted if
 * selected. Text wider than the pane goes on: on more lines indented by
 * `indent` columns (wrap >= 0), or for a table row (indent < 0) cut at the
 * end with the ellipsis mark, where the text column is.
 */
static void line_wrap(struct xp *x, struct app *app, WINDOW *w, int *y, enum tui_style st,
                      const struct explorer_target *t, const char *text, int indent)
{
	bool sel = t && x->nlinks == x->list.sel;
	int rows = getmaxy(w) - 1;
	size_t width = pane_width(w);
	char piece[TXVIEW_VALUE_MAX + 64];
	const char *p = text;
	bool first = true;

	if (sel)
		x->sel_line = *y + (int)x->list.top;
	if (t)
		link_add(x, t);
	if (indent < 0 || (size_t)indent + 10 > width) {
		snprintf(piece, sizeof(piece), "%s", text);
		if (text_cols(piece) > width)
			widget_fit(app, piece, sizeof(piece), width);
		if (*y >= x->clip_top && *y < rows)
			widget_list_row(app, w, *y, sel, st, piece);
		(*y)++;
		return;
	}
	while (first || *p) {
		size_t room = first ? width : width - (size_t)indent, n = wrap_len(p, room);
		int off = first ? 0 : indent;

		snprintf(piece, sizeof(piece), "%*s%.*s", off, "", (int)n, p);
		if (*y >= x->clip_top && *y < rows)
			widget_list_row(app, w, *y, sel, st, piece);
		(*y)++;
		p += n;
		while (*p == ' ')
			p++;
		first = false;
	}
}

static void line(struct xp *x, struct app *app, WINDOW *w, int *y, enum tui_style st, const struct explorer_target *t,
                 const char *text)
{
	line_wrap(x, app, w, y, st, t, text, -1);
}

/* A label and its value, as widget_kv lays them out; a long value goes on under the value column. */
static void kv(struct app *app, WINDOW *w, int *y, const char *label, enum tui_style st, const char *value)
{
	size_t room = pane_width(w) - LABEL_W - 1;
	const char *p = value;
	bool first = true;
	char piece[TXVIEW_VALUE_MAX + 8];

	while (first || *p) {
		size_t n = wrap_len(p, room);

		snprintf(piece, sizeof(piece), "%.*s", (int)n, p);
		widget_kv(app, w, y, LABEL_W, first ? label : "", st, piece);
		p += n;
		while (*p == ' ')
			p++;
		first = false;
	}
}

/* ---- the live list ---- */

/* " (chain N)" of the node the explorer follows, as the dashboard polled it; "" while unknown. */
static const char *chain_of(struct app *app, char *buf, size_t cap)
{
	buf[0] = '\0';
	for (size_t i = 0; i < fleet_count(app->fleet); i++) {
		const struct fleet_node *n = fleet_node(app->fleet, i);

		if (strcmp(n->name, app->explorer_node) == 0 && n->has_chain_id)
			snprintf(buf, cap, " (chain %llu)", (unsigned long long)n->chain_id);
	}
	return buf;
}

static void draw_live(struct xp *x, struct app *app, WINDOW *w)
{
	static const char *const how[] = { "starting", "subscription (IPC)", "block filter", "polling" };

	size_t n = explorer_block_count(x->ex);
	int y = 0;
	char head[260], num[32], age[24], gas[16], fee[64], miner[32], chain[40];
	uint64_t h;

	snprintf(head, sizeof(head), "%s%s   head %s   following by %s   reorgs seen %llu", app->explorer_node,
	         chain_of(app, chain, sizeof(chain)), explorer_head(x->ex, &h) ? fmt_count(num, sizeof(num), h) : "?",
	         how[explorer_follow_mode(x->ex)], (unsigned long long)explorer_reorgs(x->ex));
	widget_text(app, w, y, 1, STYLE_TITLE, head);
	if (explorer_follow_error(x->ex)[0])
		widget_text(app, w, y, (int)strlen(head) + 3, STYLE_BAD, explorer_follow_error(x->ex));
	y++;
	widget_text(app, w, y++, 1, STYLE_LABEL, "BLOCK        AGE      TXS   GAS%     BASE FEE          FEE RECIPIENT");
	x->clip_top = y;
	y -= (int)x->list.top;
	for (size_t i = 0; i < n; i++) {
		const struct explorer_block_row *r = explorer_block(x->ex, i);
		struct explorer_target t = { .kind = DOC_BLOCK, .by_hash = true, .number = r->number };
		char text[200];

		memcpy(t.hash, r->hash, 32);
		age_text(age, sizeof(age), r->timestamp);
		fmt_percent_fit(gas, sizeof(gas), r->gas_used, r->gas_limit);
		/* exact, in gwei or wei, within the column; a longer one is cut with a mark */
		if (r->has_base_fee)
			fmt_wei_fit(fee, sizeof(fee), r->base_fee, 9, 17, widget_more(app));
		else
			snprintf(fee, sizeof(fee), "-");
		widget_fit(app, fee, sizeof(fee), 17);
		if (r->has_miner)
			short_addr(miner, sizeof(miner), r->miner);
		else
			snprintf(miner, sizeof(miner), "-");
		/* on a narrow screen the mark takes the recipient's place, so that it is never the part cut off */
		if (r->replaced && pane_width(w) < 90)
			snprintf(miner, sizeof(miner), "REPLACED (reorg)");
		snprintf(text, sizeof(text), "%-12s %-8s %-5zu %-8s %s %s%s", fmt_count(num, sizeof(num), r->number), age,
		         r->tx_count, gas, fee, miner, r->replaced && pane_width(w) >= 90 ? "   REPLACED (reorg)" : "");
		line(x, app, w, &y, r->replaced ? STYLE_DIM : STYLE_NORMAL, &t, text);
	}
	if (!n)
		widget_text(app, w, x->clip_top, 1, STYLE_DIM, "waiting for the node...");
}

/* ---- a block ---- */

/* extraData as hex, and as text too when it is printable ASCII (many clients put their name there). */
static void extra_text(char *out, size_t cap, const uint8_t *p, size_t n)
{
	bool text = n > 0;
	size_t len, all = n;

	if (!n) {
		snprintf(out, cap, "0x (empty)");
		return;
	}
	if (2 * n + 3 > cap / 2)
		n = (cap / 2 - 3) / 2; /* cut below, with a mark */
	hex_encode(out, cap, p, n, 1);
	for (size_t i = 0; i < n; i++)
		text = text && p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"';
	len = strlen(out);
	if (n < all)
		snprintf(out + len, cap - len, "... (%zu bytes)", all);
	else if (text)
		snprintf(out + len, cap - len, " \"%.*s\"", (int)n, (const char *)p);
}

/* Size, roots, extraData, withdrawals and blob gas: the fields a block has besides its transactions. */
static void draw_block_more(struct app *app, WINDOW *w, int *y, const struct eth_block *b)
{
	char v[400], n1[32], n2[32];

	if (b->has_size) {
		snprintf(v, sizeof(v), "%s bytes", fmt_count(n1, sizeof(n1), b->size));
		kv(app, w, y, "Size", STYLE_NORMAL, v);
	}
	hex_encode(v, sizeof(v), b->state_root, 32, 1);
	kv(app, w, y, "State root", STYLE_NORMAL, v);
	hex_encode(v, sizeof(v), b->transactions_root, 32, 1);
	kv(app, w, y, "Tx root", STYLE_NORMAL, v);
	hex_encode(v, sizeof(v), b->receipts_root, 32, 1);
	kv(app, w, y, "Receipt root", STYLE_NORMAL, v);
	extra_text(v, sizeof(v), b->extra_data, b->extra_data_len);
	kv(app, w, y, "Extra data", STYLE_NORMAL, v);
	if (b->has_withdrawals || b->has_withdrawals_root) {
		char root[70];

		hex_encode(root, sizeof(root), b->withdrawals_root, 32, 1);
		snprintf(v, sizeof(v), "%zu, root %s", b->withdrawal_count, b->has_withdrawals_root ? root : "-");
		kv(app, w, y, "Withdrawals", STYLE_NORMAL, v);
	}
	if (b->has_blob_gas) {
		snprintf(v, sizeof(v), "used %s, excess %s", fmt_count(n1, sizeof(n1), b->blob_gas_used),
		         fmt_count(n2, sizeof(n2), b->excess_blob_gas));
		kv(app, w, y, "Blob gas", STYLE_NORMAL, v);
	}
}

static void draw_block(struct xp *x, struct app *app, WINDOW *w, const struct explorer_doc *d, int y)
{
	const struct eth_block *b = &d->block;
	char v[200], a[96], num[32];
	uint64_t head;
	struct explorer_target t = { 0 };
	bool wide, failed;
	int val_w, fee_w;

	snprintf(v, sizeof(v), "#%s", fmt_count(num, sizeof(num), b->number));
	if (explorer_head(x->ex, &head) && head >= b->number)
		snprintf(v + strlen(v), sizeof(v) - strlen(v), "   %llu confirmations", (unsigned long long)head - b->number + 1);
	kv(app, w, &y, "Block", STYLE_TITLE, v);
	if (b->has_hash) {
		/* the block's own hash is a link too, so c copies it */
		t.kind = DOC_BLOCK;
		t.by_hash = true;
		memcpy(t.hash, b->hash, 32);
		hex_encode(v, sizeof(v), b->hash, 32, 1);
		snprintf(a, sizeof(a), "%-*s %s", LABEL_W, "Hash", v);
		line_wrap(x, app, w, &y, STYLE_NORMAL, &t, a, LABEL_W + 1);
		memset(&t, 0, sizeof(t));
	} else {
		kv(app, w, &y, "Hash", STYLE_NORMAL, "(pending)");
	}
	hex_encode(v, sizeof(v), b->parent_hash, 32, 1);
	t.kind = DOC_BLOCK;
	t.by_hash = true;
	memcpy(t.hash, b->parent_hash, 32);
	snprintf(a, sizeof(a), "Parent       %.66s", v);
	line(x, app, w, &y, STYLE_NORMAL, &t, a);
	age_text(a, sizeof(a), b->timestamp);
	txview_date(num, sizeof(num), b->timestamp);
	snprintf(v, sizeof(v), "%s (%s ago), %llu", num, a, (unsigned long long)b->timestamp);
	kv(app, w, &y, "Time", STYLE_NORMAL, v);
	if (b->has_miner) {
		memset(&t, 0, sizeof(t));
		t.kind = DOC_ADDRESS;
		memcpy(t.address, b->miner, 20);
		addr_text(a, sizeof(a), b->miner);
		snprintf(v, sizeof(v), "Recipient    %s", a);
		line(x, app, w, &y, STYLE_NORMAL, &t, v);
	}
	snprintf(v, sizeof(v), "%s of %s (%s)", fmt_count(a, 32, b->gas_used), fmt_count(num, sizeof(num), b->gas_limit),
	         fmt_percent_fit(a + 48, 16, b->gas_used, b->gas_limit));
	kv(app, w, &y, "Gas used", STYLE_NORMAL, v);
	if (b->has_base_fee)
		kv(app, w, &y, "Base fee", STYLE_NORMAL, fmt_units(v, sizeof(v), b->base_fee, 9, "gwei"));
	draw_block_more(app, w, &y, b);
	snprintf(v, sizeof(v), "%zu   ([ previous block, ] next block)", b->tx_count);
	kv(app, w, &y, "Transactions", STYLE_NORMAL, v);
	/* Narrower than 100 columns, the FROM column makes way for the amounts; from 120 they get more room. */
	wide = getmaxx(w) >= 100;
	val_w = getmaxx(w) >= 120 ? 28 : 20;
	fee_w = getmaxx(w) >= 120 ? 18 : 16;
	if (wide)
		snprintf(v, sizeof(v), "%-18s %-16s %-16s %-*s %-*s %s", "HASH", "FROM", "TO", val_w, "VALUE", fee_w, "FEE",
		         "METHOD");
	else
		snprintf(v, sizeof(v), "%-18s %-16s %-*s %-*s %s", "HASH", "TO", val_w, "VALUE", fee_w, "FEE", "METHOD");
	if (y < getmaxy(w) - 1)
		widget_text(app, w, y, 1, STYLE_LABEL, v);
	y++;
	for (size_t i = 0; i < b->tx_count && b->tx_kind == ETH_BLOCK_TX_FULL; i++) {
		const struct eth_tx *tx = &b->txs[i];
		char h[32], from[32], to[32], val[48], fee[48], m[48], text[256];
		struct u256 f;

		memset(&t, 0, sizeof(t));
		t.kind = DOC_TX;
		memcpy(t.hash, tx->hash, 32);
		/*
		 * Rows off the window only count as links: formatting every row of a block of tens of
		 * thousands of transactions on every frame would hold each key for hundreds of ms.
		 */
		if (y < x->clip_top || y >= getmaxy(w) - 1) {
			if (y >= getmaxy(w) - 1 && x->nlinks == MAX_LINKS)
				break; /* below the window and no link left to number: nothing more to do */
			line(x, app, w, &y, STYLE_NORMAL, &t, "");
			continue;
		}
		short_hash(h, sizeof(h), tx->hash);
		short_addr(from, sizeof(from), tx->from);
		if (tx->has_to)
			short_addr(to, sizeof(to), tx->to);
		else
			snprintf(to, sizeof(to), "(create)");
		/*
		 * Amounts exact, each with its unit (ETH, else gwei or wei when that
		 * is what fits); one too long for its column is cut with a mark.
		 */
		fmt_wei_fit(val, sizeof(val), tx->value, 18, (size_t)val_w, widget_more(app));
		/* Exact fee from the receipt (gas used × effective price) when the node gave receipts. */
		if (d->receipts && d->receipts[i].has_effective_gas_price &&
		    u256_mul(&f, u256_from_u64(d->receipts[i].gas_used), d->receipts[i].effective_gas_price) == CD_OK)
			fmt_wei_fit(fee, sizeof(fee), f, 18, (size_t)fee_w, widget_more(app));
		else
			snprintf(fee, sizeof(fee), "?");
		method_text(m, sizeof(m), tx->input, tx->input_len);
		widget_fit(app, val, sizeof(val), (size_t)val_w);
		widget_fit(app, fee, sizeof(fee), (size_t)fee_w);
		failed = d->receipts && d->receipts[i].has_status && !d->receipts[i].status;
		if (wide)
			snprintf(text, sizeof(text), "%-18s %-16s %-16s %s %s %s%s", h, from, to, val, fee, m,
			         failed ? "  FAILED" : "");
		else
			snprintf(text, sizeof(text), "%-18s %-16s %s %s %s%s", h, to, val, fee, m, failed ? "  FAILED" : "");
		line(x, app, w, &y, failed ? STYLE_BAD : STYLE_NORMAL, &t, text);
	}
}

/* ---- a transaction ---- */

static void draw_tx(struct xp *x, struct app *app, WINDOW *w, const struct explorer_doc *d, int y)
{
	static const enum tui_style style[] = {
		[TXV_NORMAL] = STYLE_NORMAL, [TXV_TITLE] = STYLE_TITLE, [TXV_OK] = STYLE_OK,
		[TXV_WARN] = STYLE_WARN, [TXV_BAD] = STYLE_BAD,
	};
	struct txview_ctx ctx = { .now = (uint64_t)time(NULL), .book = app->book, .tokens = explorer_tokens(x->ex) };
	struct txview v;
	char text[TXVIEW_VALUE_MAX + LABEL_W + 2];

	ctx.has_head = explorer_head(x->ex, &ctx.head);
	if (txview_build(&v, d, &ctx) < 0) {
		kv(app, w, &y, "Transaction", STYLE_BAD, "out of memory");
		return;
	}
	for (size_t i = 0; i < v.n; i++) {
		const struct txview_row *r = &v.rows[i];

		if (!r->has_link) {
			kv(app, w, &y, r->label, style[r->tone], r->value);
			continue;
		}
		/* a selectable row: the label padded to the value column, as kv lays it out; long ones wrap */
		if (r->label[0])
			snprintf(text, sizeof(text), "%-*s %s", LABEL_W, r->label, r->value);
		else
			snprintf(text, sizeof(text), "%s", r->value);
		line_wrap(x, app, w, &y, style[r->tone], &r->link, text, r->label[0] ? LABEL_W + 1 : 4);
	}
	txview_free(&v);
}

/* ---- an address ---- */

static void draw_history(struct xp *x, struct app *app, WINDOW *w, const struct explorer_doc *d, int *y);

static void draw_address(struct xp *x, struct app *app, WINDOW *w, const struct explorer_doc *d, int y)
{
	char v[200], a[ADDRESS_TEXT_SIZE], lab[ADDRESSBOOK_LABEL_MAX + 8];

	addr_text(a, sizeof(a), d->target.address);
	book_suffix(app, d->target.address, lab, sizeof(lab));
	snprintf(v, sizeof(v), "%s%s", a, lab);
	kv(app, w, &y, "Address", STYLE_TITLE, v);
	kv(app, w, &y, "Balance", STYLE_NORMAL, d->has_balance ? fmt_units(v, sizeof(v), d->balance, 18, "ETH") : "-");
	snprintf(v, sizeof(v), "%llu", (unsigned long long)d->nonce);
	kv(app, w, &y, "Nonce", STYLE_NORMAL, d->has_nonce ? v : "-");
	if (d->has_code)
		snprintf(v, sizeof(v), "%s", d->code_size ? "contract" : "account (no code)");
	if (d->has_code && d->code_size)
		snprintf(v + strlen(v), sizeof(v) - strlen(v), ", %zu bytes of code", d->code_size);
	kv(app, w, &y, "Kind", STYLE_NORMAL, d->has_code ? v : "-");
	/* the creator, from the creation transaction once the history holds it */
	for (size_t i = 0; d->has_code && d->code_size && i < d->nhistory; i++) {
		const struct history_entry *h = &d->history[i];

		if (h->kind == HISTORY_TX_INTERNAL && !h->has_to) {
			struct explorer_target t = { .kind = DOC_ADDRESS };
			char hs[32];

			memcpy(t.address, h->from, 20);
			addr_text(a, sizeof(a), h->from);
			short_hash(hs, sizeof(hs), h->tx_hash);
			snprintf(v, sizeof(v), "%-*s %s  (in %s, block %llu)", LABEL_W, "Creator", a, hs,
			         (unsigned long long)h->block_number);
			line_wrap(x, app, w, &y, STYLE_NORMAL, &t, v, LABEL_W + 1);
			break;
		}
	}
	if (d->is_safe) {
		char n[96];

		snprintf(v, sizeof(v), "Safe %s, %zu owner%s", d->safe_version, d->safe_nowners,
		         d->safe_nowners == 1 ? "" : "s");
		kv(app, w, &y, "Multisig", STYLE_TITLE, v);
		for (size_t i = 0; i < d->safe_nowners; i++) {
			addr_text(a, sizeof(a), d->safe_owners[i].b);
			book_suffix(app, d->safe_owners[i].b, lab, sizeof(lab));
			snprintf(v, sizeof(v), "%s%s", a, lab);
			kv(app, w, &y, i ? "" : "Owners", STYLE_NORMAL, v);
		}
		u256_format_dec(d->safe_threshold, n, sizeof(n));
		snprintf(v, sizeof(v), "%s of %zu", n, d->safe_nowners);
		kv(app, w, &y, "Threshold", STYLE_NORMAL, v);
		u256_format_dec(d->safe_nonce, n, sizeof(n));
		kv(app, w, &y, "Safe nonce", STYLE_NORMAL, n);
	}
	for (size_t i = 0; i < d->ntokens; i++) {
		struct token_meta meta;
		char amt[160];

		tokens_get(explorer_tokens(x->ex), d->tokens[i].token, &meta);
		if (!d->tokens[i].known)
			continue;
		if (d->tokens[i].erc721) {
			/* a count of tokens, each with its own id: no decimals */
			u256_format_dec(d->tokens[i].balance, amt, 64);
			snprintf(amt + strlen(amt), sizeof(amt) - strlen(amt), " %s (ERC-721)", meta.has_symbol ? meta.symbol : "NFT");
		} else {
			tokens_format_amount(&meta, d->tokens[i].balance, amt, sizeof(amt));
		}
		kv(app, w, &y, i == 0 ? "Tokens" : "", STYLE_NORMAL, amt);
	}
	draw_history(x, app, w, d, &y);
}

static void draw_history(struct xp *x, struct app *app, WINDOW *w, const struct explorer_doc *d, int *y)
{
	static const char *const kinds[] = { "OUT", "IN", "INTERNAL", "TOKEN OUT", "TOKEN IN" };
	char v[400], num[32];

	snprintf(v, sizeof(v), "History: %zu entr%s", d->nhistory, d->nhistory == 1 ? "y" : "ies");
	if (d->history_method != HISTORY_AUTO)
		snprintf(v + strlen(v), sizeof(v) - strlen(v), " via %s", history_method_name(d->history_method));
	if (d->history_method == HISTORY_SCAN)
		snprintf(v + strlen(v), sizeof(v) - strlen(v), " (a block scan cannot see internal transfers)");
	if (d->history_running)
		snprintf(v + strlen(v), sizeof(v) - strlen(v), ", searching... (x stops)");
	else if (d->history_more)
		snprintf(v + strlen(v), sizeof(v) - strlen(v), ", m for older");
	if (*y >= 0 && *y < getmaxy(w) - 1) {
		widget_text(app, w, *y, 1, STYLE_TITLE, v);
		if (d->history_running && d->history_total) {
			int bx = (int)strlen(v) + 3;

			widget_bar(app, w, *y, bx, 22, d->history_done, d->history_total);
			snprintf(v, sizeof(v), " %s of %s blocks", fmt_count(num, sizeof(num), d->history_done),
			         fmt_count(num + 16, 16, d->history_total));
			widget_text(app, w, *y, bx + 22, STYLE_DIM, v);
		}
	}
	(*y)++;
	if (d->history_message[0])
		kv(app, w, y, "", d->history_failed ? STYLE_BAD : STYLE_DIM, d->history_message);
	for (size_t i = 0; i < d->nhistory; i++) {
		const struct history_entry *h = &d->history[i];
		struct explorer_target t = { .kind = DOC_TX };
		bool out = h->kind == HISTORY_TX_OUT || h->kind == HISTORY_TOKEN_OUT;
		bool token = h->kind == HISTORY_TOKEN_OUT || h->kind == HISTORY_TOKEN_IN;
		char other[32], amt[160], hash[32], age[24];

		/* the transaction that created this contract: not an internal call to it */
		bool created = h->kind == HISTORY_TX_INTERNAL && !h->has_to;

		memcpy(t.hash, h->tx_hash, 32);
		if (out && h->has_to)
			short_addr(other, sizeof(other), h->to);
		else if (out)
			snprintf(other, sizeof(other), "(create)");
		else
			short_addr(other, sizeof(other), h->from);
		if (token) {
			struct token_meta meta;

			tokens_get(explorer_tokens(x->ex), h->token, &meta);
			if (h->nft) {
				char id[80];

				u256_format_dec(h->value, id, sizeof(id));
				snprintf(amt, sizeof(amt), "token id %s %s", id, meta.has_symbol ? meta.symbol : "");
			} else if (meta.has_decimals)
				fmt_units_fit(amt, sizeof(amt), h->value, meta.decimals, meta.has_symbol ? meta.symbol : "?", 26,
				              widget_more(app));
			else
				tokens_format_amount(&meta, h->value, amt, sizeof(amt));
		} else {
			fmt_units_fit(amt, sizeof(amt), h->value, 18, "ETH", 26, widget_more(app));
		}
		widget_fit(app, amt, sizeof(amt), 26); /* the amount column: cut only with a mark */
		short_hash(hash, sizeof(hash), h->tx_hash);
		if (h->timestamp)
			age_text(age, sizeof(age), h->timestamp);
		else
			snprintf(age, sizeof(age), "-");
		snprintf(v, sizeof(v), "#%-9llu %-8s %-9s %-4s %-16s %s %s%s", (unsigned long long)h->block_number, age,
		         created ? "CREATION" : kinds[h->kind], created ? "by" : out ? "to" : "from", other, amt, hash,
		         h->has_status && !h->status ? "  FAILED" : "");
		line(x, app, w, y, h->has_status && !h->status ? STYLE_BAD : STYLE_NORMAL, &t, v);
	}
}

/* ---- the document frame ---- */

static void draw_doc(struct xp *x, struct app *app, WINDOW *w)
{
	const struct explorer_doc *d = explorer_doc(x->ex);
	int y0 = -(int)x->list.top;

	x->clip_top = 0;
	if (d->state == DOC_LOADING) {
		widget_text(app, w, 0, 1, STYLE_DIM, "loading...");
		return;
	}
	if (d->state != DOC_READY) {
		widget_text(app, w, 0, 1, d->state == DOC_NOT_FOUND ? STYLE_WARN : STYLE_BAD, d->message);
		return;
	}
	if (d->reorged) {
		char v[120];

		snprintf(v, sizeof(v), "reloaded: a reorg replaced block %llu, which this view was on",
		         (unsigned long long)d->reorged_block);
		kv(app, w, &y0, "Reorg", STYLE_WARN, v);
	}
	switch (d->target.kind) {
	case DOC_BLOCK:
		draw_block(x, app, w, d, y0);
		break;
	case DOC_TX:
		draw_tx(x, app, w, d, y0);
		break;
	case DOC_ADDRESS:
		draw_address(x, app, w, d, y0);
		break;
	default:
		break;
	}
}

/* After a draw: keep the selected link on screen; true when the view must be drawn again. */
static bool follow_selection(struct xp *x, WINDOW *w)
{
	int visible = getmaxy(w) - 1 - x->clip_top;
	size_t old = x->list.top;

	x->list.page = visible > 0 ? (size_t)visible : 1;
	list_view_set_count(&x->list, x->nlinks);
	if (x->sel_line < 0)
		return false;
	/* A document's length is only known as far as it was drawn: no clamp at its end. */
	list_view_show(&x->list, (size_t)(x->sel_line - x->clip_top), x->list.page, SIZE_MAX);
	return x->list.top != old;
}

static void xp_draw(void *state, struct app *app, WINDOW *w)
{
	struct xp *x = state;
	int rows = getmaxy(w);

	if (!x->ex) {
		widget_text(app, w, 1, 1, STYLE_DIM, "no node configured");
		return;
	}
	x->nlinks = 0;
	x->sel_line = -1;
	if (x->view == XV_LIVE)
		draw_live(x, app, w);
	else
		draw_doc(x, app, w);
	if (follow_selection(x, w))
		app_mark_dirty(app);
	wmove(w, rows - 1, 0);
	wclrtoeol(w);
	if (x->searching)
		line_edit_draw(app, w, rows - 1, &x->edit);
	else if (!notice_draw(app, w, rows - 1, &x->note))
		widget_text(app, w, rows - 1, 1, STYLE_DIM,
		            x->view == XV_LIVE ? "/ search  Enter open  c copy  g G first / last"
		                               : "/ search  Enter follow  Esc back  h live list  f forward  c copy  m more  x stop scan");
}

/* ---- navigation ---- */

static void go(struct xp *x, const struct explorer_target *t, bool remember)
{
	if (remember && x->view == XV_DOC) {
		if (x->nback == NAV_DEPTH) {
			memmove(x->back, x->back + 1, (NAV_DEPTH - 1) * sizeof(x->back[0]));
			x->nback--;
		}
		x->back[x->nback++] = x->here;
		x->nfwd = 0;
	} else if (remember) {
		x->nfwd = 0;
	}
	x->here = *t;
	x->view = XV_DOC;
	x->list.sel = 0;
	x->list.top = 0;
	explorer_open(x->ex, t);
}

static void go_back(struct xp *x)
{
	if (x->view != XV_DOC)
		return;
	if (x->nfwd < NAV_DEPTH)
		x->fwd[x->nfwd++] = x->here;
	if (!x->nback) {
		x->view = XV_LIVE;
		x->list.sel = 0;
		x->list.top = 0;
		return;
	}
	go(x, &x->back[--x->nback], false);
}

static void go_forward(struct xp *x)
{
	if (!x->nfwd)
		return;
	if (x->view == XV_DOC && x->nback < NAV_DEPTH)
		x->back[x->nback++] = x->here;
	go(x, &x->fwd[--x->nfwd], false);
}

/* OSC 52: the terminal puts the text on the clipboard (through tmux and SSH too). */
static void copy_to_clipboard(struct xp *x, const char *text)
{
	char b64[256];

	sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)text, strlen(text), sodium_base64_VARIANT_ORIGINAL);
	printf("\033]52;c;%s\a", b64);
	fflush(stdout);
	notice_set(&x->note, false, "copied %s", text);
}

static void copy_selected(struct xp *x)
{
	const struct explorer_target *t = x->list.sel < x->nlinks ? &x->links[x->list.sel].target : &x->here;
	char text[80];

	if (t->kind == DOC_ADDRESS)
		addr_text(text, sizeof(text), t->address);
	else if (t->kind == DOC_TX || t->kind == DOC_HASH || (t->kind == DOC_BLOCK && t->by_hash))
		hex_encode(text, sizeof(text), t->hash, 32, 1);
	else if (t->kind == DOC_BLOCK)
		snprintf(text, sizeof(text), "%llu", (unsigned long long)t->number);
	else
		return;
	copy_to_clipboard(x, text);
}

/* Saves a label for x->label_addr in the shared address book ("" removes it). */
static void save_label(struct xp *x, struct app *app, const char *label)
{
	struct address a;
	char err[256];

	if (app->book_readonly) {
		notice_set(&x->note, true, "the address book could not be read, so it is not changed: %s", app->book_error);
		return;
	}
	memcpy(a.b, x->label_addr, 20);
	if (addressbook_set(app->book, &a, label, err, sizeof(err)) != CD_OK ||
	    addressbook_save(app->book, err, sizeof(err)) != CD_OK) {
		notice_set(&x->note, true, "%s", err);
		return;
	}
	notice_set(&x->note, false, "%s", label[0] ? "label saved in the address book" : "label removed");
}

static int search_key(struct xp *x, struct app *app, int key)
{
	struct explorer_target t;
	char err[160];

	switch (line_edit_key(&x->edit, key)) {
	case EDIT_CANCEL:
		x->searching = false;
		x->labelling = false;
		break;
	case EDIT_DONE:
		x->searching = false;
		if (x->labelling) {
			x->labelling = false;
			save_label(x, app, x->edit.text);
			break;
		}
		if (explorer_parse_query(x->edit.text, &t, err, sizeof(err)) != 0) {
			notice_set(&x->note, true, "%s", err);
			break;
		}
		go(x, &t, true);
		break;
	case EDIT_CONTINUE:
		break;
	}
	return PANE_REDRAW;
}

/* ---- keys: one function per row of xp_keys ---- */

static int key_move(void *state, struct app *app, int key)
{
	struct xp *x = state;

	(void)app;
	/* vi's g and G are Home and End */
	if (key == 'g')
		key = KEY_HOME;
	else if (key == 'G')
		key = KEY_END;
	/* The links drawn last time are the list the keys move over. */
	return list_view_key(&x->list, key) ? PANE_REDRAW : PANE_IGNORED;
}

static int key_search(void *state, struct app *app, int key)
{
	struct xp *x = state;

	(void)app;
	(void)key;
	line_edit_start(&x->edit, "Search (block, hash, address)", "");
	x->searching = true;
	return PANE_REDRAW;
}

static int key_open(void *state, struct app *app, int key)
{
	struct xp *x = state;

	(void)app;
	(void)key;
	if (x->list.sel < x->nlinks) {
		struct explorer_target t = x->links[x->list.sel].target;

		go(x, &t, true);
	}
	return PANE_REDRAW;
}

static int key_back(void *state, struct app *app, int key)
{
	struct xp *x = state;

	(void)app;
	(void)key;
	if (x->view == XV_LIVE)
		return PANE_IGNORED;
	go_back(x);
	return PANE_REDRAW;
}

/* Back to the live block list from any depth; f comes back to what was on screen. */
static int key_live(void *state, struct app *app, int key)
{
	struct xp *x = state;

	(void)app;
	(void)key;
	if (x->view == XV_LIVE)
		return PANE_IGNORED;
	if (x->nfwd < NAV_DEPTH)
		x->fwd[x->nfwd++] = x->here;
	x->nback = 0;
	x->view = XV_LIVE;
	x->list.sel = 0;
	x->list.top = 0;
	return PANE_REDRAW;
}

static int key_forward(void *state, struct app *app, int key)
{
	(void)app;
	(void)key;
	go_forward(state);
	return PANE_REDRAW;
}

static int key_copy(void *state, struct app *app, int key)
{
	(void)app;
	(void)key;
	copy_selected(state);
	return PANE_REDRAW;
}

/* Label the selected address, else the address on screen. */
static int key_label(void *state, struct app *app, int key)
{
	struct xp *x = state;
	const struct explorer_target *t = x->list.sel < x->nlinks ? &x->links[x->list.sel].target : &x->here;
	struct address a;
	const char *old;

	(void)key;
	if (t->kind != DOC_ADDRESS)
		t = &x->here;
	if (t->kind != DOC_ADDRESS || x->view != XV_DOC) {
		notice_set(&x->note, true, "select an address first");
		return PANE_REDRAW;
	}
	memcpy(x->label_addr, t->address, 20);
	memcpy(a.b, t->address, 20);
	old = app->book ? addressbook_get(app->book, &a) : NULL;
	line_edit_start(&x->edit, "Label (empty removes)", old ? old : "");
	x->searching = true;
	x->labelling = true;
	return PANE_REDRAW;
}

static int key_step_block(void *state, struct app *app, int key)
{
	struct xp *x = state;
	const struct explorer_doc *d = explorer_doc(x->ex);
	uint64_t head;

	(void)app;
	if (x->view == XV_DOC && d->state == DOC_READY && d->target.kind == DOC_BLOCK && key == ']' &&
	    explorer_head(x->ex, &head) && d->block.number >= head) {
		/* nothing to open yet: stay here rather than show an empty page */
		notice_set(&x->note, false, "block %llu is the head: there is no next block yet",
		           (unsigned long long)d->block.number);
		return PANE_REDRAW;
	}
	if (x->view == XV_DOC && d->state == DOC_READY && d->target.kind == DOC_BLOCK &&
	    (key == ']' || d->block.number > 0)) {
		struct explorer_target t = { .kind = DOC_BLOCK,
		                             .number = key == ']' ? d->block.number + 1 : d->block.number - 1 };

		go(x, &t, true);
	}
	return PANE_REDRAW;
}

static int key_history(void *state, struct app *app, int key)
{
	struct xp *x = state;
	const struct explorer_doc *d = explorer_doc(x->ex);

	(void)app;
	if (x->view == XV_DOC && d->target.kind == DOC_ADDRESS) {
		if (key == 'm')
			explorer_history_more(x->ex);
		else
			explorer_history_cancel(x->ex);
	}
	return PANE_REDRAW;
}

static const struct pane_key xp_keys[] = {
	{ { '/' }, "search: block number, block or tx hash, address", key_search },
	{ { 'j', KEY_DOWN }, "next block or link", key_move },
	{ { 'k', KEY_UP }, "previous block or link", key_move },
	{ { KEY_PPAGE, KEY_NPAGE }, "a page up / down", key_move },
	{ { KEY_HOME, KEY_END }, "first / last block or link", key_move },
	{ { 'g', 'G' }, "first / last block or link (as in vi)", key_move },
	{ { KEY_MOUSE }, "mouse wheel: three up / down", key_move },
	{ { '\n', '\r', KEY_ENTER }, "open the selected block, transaction or address", key_open },
	{ { 27, KEY_BACKSPACE, 127 }, "back to what was viewed before", key_back },
	{ { 'h' }, "back to the live block list, from anywhere", key_live },
	{ { 'f' }, "forward again", key_forward },
	{ { '[', ']' }, "previous / next block", key_step_block },
	{ { 'c' }, "copy the selected hash or address (OSC 52)", key_copy },
	{ { 'b' }, "label the selected address (shared address book)", key_label },
	{ { 'm' }, "more address history", key_history },
	{ { 'x' }, "stop an address-history scan", key_history },
};

static int xp_key(void *state, struct app *app, int key)
{
	struct xp *x = state;

	if (!x->ex)
		return PANE_IGNORED;
	if (x->searching)
		return search_key(x, app, key);
	x->note.text[0] = '\0';
	return pane_key_run(xp_keys, sizeof(xp_keys) / sizeof(xp_keys[0]), x, app, key);
}

const struct pane_ops explorer_pane_ops = {
	.name = "Explorer",
	.init = xp_init,
	.fini = xp_fini,
	.draw = xp_draw,
	.key = xp_key,
	.rows = xp_keys,
	.nrows = sizeof(xp_keys) / sizeof(xp_keys[0]),
	.follow_node = xp_follow_node,
};
