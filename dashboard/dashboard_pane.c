/*
 * The dashboard pane: the fleet grid, one node's details, and the alert log.
 * It formats what dashboard/fleet.c holds and never talks to a node itself;
 * adding or removing a node goes through the fleet and the config file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/fmt.h"
#include "common/hex.h"
#include "common/log.h"
#include "dashboard/fleet.h"
#include "dashboard/fleetfile.h"
#include "tui/app.h"
#include "tui/pane.h"
#include "tui/widgets.h"

#define LABEL_W 10 /* label in columns 1..10, a space, the value from VALUE_X */
#define VALUE_X (LABEL_W + 2)

enum view { VIEW_GRID, VIEW_DETAIL, VIEW_NETWORK, VIEW_ALERTS };
enum prompt { PROMPT_NONE, PROMPT_ADD_NAME, PROMPT_ADD_URL, PROMPT_DELETE };

struct dash {
	enum view view;
	struct list_view list;  /* sel: the selected row in sorted order; top: the first row shown */
	struct list_view log;   /* the alert log's scrolling (no selection): top is the first alert shown */
	enum fleet_col sort_col;
	bool sort_desc;
	size_t *order;
	size_t order_cap;
	enum prompt prompt;
	struct line_edit edit;
	char new_name[CONFIG_NAME_MAX + 1];
	struct notice note;     /* feedback from the last action, until the next key */
	unsigned msg_seq;       /* app->fleet_msg_seq already shown */
};

_Static_assert(sizeof(((struct fleet_node *)0)->name) > CONFIG_NAME_MAX, "a node's name fits its fleet view");

/* What the URL prompt takes when left empty: shown in the prompt as a hint, never put in the field. */
static const char DEFAULT_URL[] = "http://127.0.0.1:8545";

struct column {
	enum fleet_col col;
	const char *title;
	int width;
	int priority;           /* lower shows first when the terminal is narrow */
};

static const struct column columns[] = {
	{ COL_NAME, "NODE", 14, 0 },   { COL_CLIENT, "CLIENT", 18, 9 }, { COL_CHAIN, "CHAIN", 7, 6 },
	{ COL_HEAD, "HEAD", 10, 1 },   { COL_LAG, "LAG", 6, 2 },        { COL_AGE, "AGE", 7, 3 },
	{ COL_SYNC, "SYNC", 6, 5 },    { COL_PEERS, "PEERS", 5, 4 },    { COL_P50, "P50", 8, 7 },
	{ COL_P99, "P99", 8, 10 },     { COL_UPTIME, "UP%", 6, 8 },     { COL_POOL, "POOL", 9, 11 },
	{ COL_FEE, "FEE", 12, 12 },    { COL_STATUS, "STATUS", 9, 0 },  { COL_PROP, "PROP l/50/95", 18, 12 },
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

static const char *na(const struct app *app)
{
	return app->utf8 ? "n/a \xe2\x80\x94 not offered by this node" : "n/a - not offered by this node";
}

static int dash_init(struct app *app, void **state, char *err, size_t errlen)
{
	struct dash *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* One node: its details are the whole story. Several: the grid first. */
	d->view = fleet_count(app->fleet) > 1 ? VIEW_GRID : VIEW_DETAIL;
	d->sort_col = COL_NAME;
	if (d->view == VIEW_DETAIL)
		fleet_set_focus(app->fleet, app->node_sel);
	/* An alert hook that cannot run is said at once, not found out in an outage. */
	if (fleet_hook_problem(app->fleet))
		notice_set(&d->note, true, "%s: alerts will not run it (fix it, then they will)",
		           fleet_hook_problem(app->fleet));
	*state = d;
	return 0;
}

static void dash_fini(void *state)
{
	struct dash *d = state;

	if (!d)
		return;
	free(d->order);
	free(d);
}

/* Recomputes the sorted order; keeps the cursor on the same node. */
static void refresh_order(struct dash *d, struct app *app)
{
	size_t n = fleet_count(app->fleet);

	if (n > d->order_cap) {
		size_t *p = realloc(d->order, n * sizeof(*p));

		if (!p)
			return;
		d->order = p;
		d->order_cap = n;
	}
	fleet_order(app->fleet, d->sort_col, d->sort_desc, d->order);
	for (size_t i = 0; i < n; i++) {
		if (d->order[i] == app->node_sel)
			d->list.sel = i;
	}
	list_view_set_count(&d->list, n);
}

/* ---- cells ---- */

static enum tui_style status_cell(const struct fleet_node *n, char *buf, size_t cap)
{
	static const char *const words[ALERT_KINDS] = {
		[ALERT_DOWN] = "DOWN", [ALERT_FORK] = "FORK", [ALERT_CHAIN] = "CHAIN?",
		[ALERT_STALLED] = "STALLED", [ALERT_LAG] = "LAGGING", [ALERT_LOW_PEERS] = "PEERS",
	};
	static const enum fleet_alert_kind worst_first[] = { ALERT_DOWN, ALERT_FORK, ALERT_CHAIN,
	                                                     ALERT_STALLED, ALERT_LAG, ALERT_LOW_PEERS };

	for (size_t i = 0; i < sizeof(worst_first) / sizeof(worst_first[0]); i++) {
		if (n->conditions & (1u << worst_first[i])) {
			snprintf(buf, cap, "%s", words[worst_first[i]]);
			return worst_first[i] == ALERT_DOWN || worst_first[i] == ALERT_FORK ||
			               worst_first[i] == ALERT_CHAIN
			           ? STYLE_BAD
			           : STYLE_WARN;
		}
	}
	if (n->conn == CONN_CONNECTING) {
		snprintf(buf, cap, "...");
		return STYLE_DIM;
	}
	if (n->syncing) {
		snprintf(buf, cap, "syncing");
		return STYLE_WARN;
	}
	snprintf(buf, cap, "ok");
	return STYLE_OK;
}

/* Milliseconds as seconds with one decimal ("0.4", "12.0"): the grid has room for three. */
static void secs1(char *buf, size_t cap, uint64_t ms)
{
	snprintf(buf, cap, "%llu.%llu", (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000 / 100));
}

/* "last/p50/p95" in seconds; " ts" when measured against the block timestamp (alone on its chain). */
static enum tui_style prop_cell(const struct fleet_node *n, char *buf, size_t cap)
{
	char a[24], b[24], c[24];
	uint64_t p50, p95;

	if (!prop_percentile(&n->prop, 50, &p50) || !prop_percentile(&n->prop, 95, &p95))
		return STYLE_NORMAL;
	secs1(a, sizeof(a), n->prop.last_ms);
	secs1(b, sizeof(b), p50);
	secs1(c, sizeof(c), p95);
	snprintf(buf, cap, "%s/%s/%s%s", a, b, c, n->prop.kind == PROP_TIMESTAMP ? " ts" : "");
	return STYLE_NORMAL;
}

/*
 * A grid cell, at most width columns: numbers are formatted to fit (a unit,
 * never a cut digit); text is cut by the caller with a visible mark.
 */
static enum tui_style cell(const struct app *app, const struct fleet_node *n, enum fleet_col col, char *buf,
                           size_t cap, size_t width)
{
	uint64_t v;
	char t[48];

	buf[0] = '\0';
	switch (col) {
	case COL_NAME:
		snprintf(buf, cap, "%s%s", n->pinned ? "^" : "", n->name);
		return STYLE_NORMAL;
	case COL_CLIENT:
		/* "Geth/v1.14.0-stable/linux-amd64/go1.22" → the part before the second slash. */
		snprintf(buf, cap, "%s", n->client[0] ? n->client : "-");
		if (strchr(buf, '/') && strchr(strchr(buf, '/') + 1, '/'))
			*strchr(strchr(buf, '/') + 1, '/') = '\0';
		return STYLE_NORMAL;
	case COL_CHAIN:
		if (n->has_chain_id)
			fmt_count_fit(buf, cap, n->chain_id, width);
		return n->conditions & (1u << ALERT_CHAIN) ? STYLE_BAD : STYLE_NORMAL;
	case COL_HEAD:
		/* With thousands separators where they fit, plain digits next, a unit last. */
		if (n->has_head && strlen(fmt_count(buf, cap, n->head_number)) > width)
			fmt_count_fit(buf, cap, n->head_number, width);
		return n->forked ? STYLE_BAD : STYLE_NORMAL;
	case COL_LAG:
		if (n->has_lag)
			fmt_count_fit(buf, cap, n->lag_blocks, width);
		return n->conditions & (1u << ALERT_LAG) ? STYLE_WARN : STYLE_NORMAL;
	case COL_AGE:
		if (n->has_head)
			fleet_head_age(buf, cap, n->head_time, (uint64_t)time(NULL), false);
		return n->conditions & (1u << ALERT_STALLED) ? STYLE_WARN : STYLE_NORMAL;
	case COL_SYNC:
		if (n->syncing_cap == CAP_NO)
			snprintf(buf, cap, "n/a");
		else if (n->syncing)
			fmt_percent(buf, cap, n->sync_current, n->sync_highest);
		else if (n->syncing_cap == CAP_YES)
			snprintf(buf, cap, "100%%");
		return n->syncing ? STYLE_WARN : STYLE_NORMAL;
	case COL_PEERS:
		/* The node's error this poll: the detail view says which (detail_peers). */
		if (n->peers_error[0]) {
			snprintf(buf, cap, "error");
			return STYLE_WARN;
		}
		if (n->peers_cap == CAP_NO)
			snprintf(buf, cap, "n/a");
		else if (n->peers_cap == CAP_YES)
			fmt_count_fit(buf, cap, n->peers, width);
		return n->conditions & (1u << ALERT_LOW_PEERS) ? STYLE_WARN : STYLE_NORMAL;
	case COL_P50:
	case COL_P99:
		if (stats_ring_percentile(&n->latency_us, col == COL_P50 ? 50 : 99, &v))
			fmt_latency(buf, cap, v, !app->utf8);
		return STYLE_NORMAL;
	case COL_UPTIME:
		if (n->polls_total) {
			v = stats_ratio_bp(n->polls_ok, n->polls_total);
			snprintf(buf, cap, "%llu.%llu", (unsigned long long)(v / 100), (unsigned long long)(v % 100 / 10));
		}
		return STYLE_NORMAL;
	case COL_POOL:
		if (n->txpool_error[0]) {
			snprintf(buf, cap, "error");
			return STYLE_WARN;
		}
		if (n->txpool_cap == CAP_YES || n->txpool_from_pending) {
			char q[24];
			/* pending/queued: each shortened to its share of the cell when both do not fit. */
			size_t half = width > 1 ? (width - 1) / 2 : 1;

			if (n->txpool_cap == CAP_YES)
				snprintf(q, sizeof(q), "%llu", (unsigned long long)n->txpool_queued);
			else
				snprintf(q, sizeof(q), "?");
			snprintf(buf, cap, "%llu/%s", (unsigned long long)n->txpool_pending, q);
			if (strlen(buf) > width) {
				if (n->txpool_cap == CAP_YES)
					fmt_count_fit(q, sizeof(q), n->txpool_queued, width - 1 - half);
				snprintf(buf, cap, "%s/%s", fmt_count_fit(t, sizeof(t), n->txpool_pending, half), q);
			}
		}
		return STYLE_NORMAL;
	case COL_FEE:
		/* One format for every fee: gwei, shortened with a mark where it is longer (the detail is exact). */
		if (n->has_base_fee || n->gas_price_cap == CAP_YES)
			fmt_units_fit(buf, cap, n->has_base_fee ? n->base_fee : n->gas_price, 9, "gwei", width,
			              widget_more(app));
		return STYLE_NORMAL;
	case COL_STATUS:
		return status_cell(n, buf, cap);
	case COL_PROP:
		return prop_cell(n, buf, cap);
	case COL_COUNT:
		break;
	}
	return STYLE_NORMAL;
}

/* The name column is as wide as the longest name, within bounds. */
static int name_width(struct app *app)
{
	int w = 8;

	for (size_t i = 0; i < fleet_count(app->fleet); i++) {
		int l = (int)strlen(fleet_node(app->fleet, i)->name) + 1;

		if (l > w)
			w = l;
	}
	return w > 24 ? 24 : w;
}

static int col_width(const struct column *c, int namew)
{
	return c->col == COL_NAME ? namew : c->width;
}

/* Which columns fit: by priority, then shown in table order. */
static void visible_columns(int cols, int namew, bool show[NCOLUMNS])
{
	int used = 0;

	memset(show, 0, NCOLUMNS * sizeof(show[0]));
	for (int prio = 0; prio <= 12; prio++) {
		for (size_t i = 0; i < NCOLUMNS; i++) {
			if (columns[i].priority != prio)
				continue;
			if (used + col_width(&columns[i], namew) + 1 <= cols - 1) {
				show[i] = true;
				used += col_width(&columns[i], namew) + 1;
			}
		}
	}
}

static void draw_grid(struct dash *d, struct app *app, WINDOW *w)
{
	int rows = getmaxy(w), cols = getmaxx(w), y = 0, x;
	size_t n = fleet_count(app->fleet), body = rows > 3 ? (size_t)rows - 3 : 1;
	bool show[NCOLUMNS];
	char buf[128];
	int namew = name_width(app);

	visible_columns(cols, namew, show);
	list_view_follow(&d->list, body);
	x = 1;
	for (size_t c = 0; c < NCOLUMNS; c++) {
		if (!show[c])
			continue;
		snprintf(buf, sizeof(buf), "%s%s", columns[c].title,
		         columns[c].col == d->sort_col ? (d->sort_desc ? "v" : "^") : "");
		widget_text(app, w, y, x, columns[c].col == d->sort_col ? STYLE_TITLE : STYLE_LABEL, buf);
		x += col_width(&columns[c], namew) + 1;
	}
	y++;
	for (size_t r = d->list.top; r < n && (size_t)y <= body; r++, y++) {
		const struct fleet_node *node = fleet_node(app->fleet, d->order[r]);
		bool sel = r == d->list.sel;

		if (sel) {
			wattrset(w, tui_attr(app, STYLE_TAB_ACTIVE));
			mvwhline(w, y, 0, ' ', cols);
			wattrset(w, A_NORMAL);
		}
		x = 1;
		for (size_t c = 0; c < NCOLUMNS; c++) {
			enum tui_style st;
			size_t cw = (size_t)col_width(&columns[c], namew);

			if (!show[c])
				continue;
			st = cell(app, node, columns[c].col, buf, sizeof(buf), cw);
			if (!buf[0])
				snprintf(buf, sizeof(buf), "-");
			/* Text longer than its column ends in a mark; numbers were made to fit above. */
			widget_fit(app, buf, sizeof(buf), cw);
			widget_text(app, w, y, x, sel ? STYLE_TAB_ACTIVE : st, buf);
			x += col_width(&columns[c], namew) + 1;
		}
	}
	if (fleet_hook_problem(app->fleet) && rows > 3)
		widget_text(app, w, rows - 2, 1, STYLE_BAD, fleet_hook_problem(app->fleet));
	snprintf(buf, sizeof(buf), "%zu node%s", n, n == 1 ? "" : "s");
	widget_text(app, w, rows - 1, 1, STYLE_DIM, buf);
	widget_text(app, w, rows - 1, 12, STYLE_DIM,
	            "Enter details  s/S sort  p pin  a add  d remove  l alerts");
}

/* ---- one node ---- */

static void row_status(struct app *app, WINDOW *w, int y, const struct fleet_node *n)
{
	char line[256], when[32];

	widget_label(app, w, y, 1, "Status", LABEL_W);
	switch (n->conn) {
	case CONN_CONNECTING:
		widget_text(app, w, y, VALUE_X, STYLE_WARN, "connecting...");
		break;
	case CONN_UP:
		status_cell(n, when, sizeof(when));
		snprintf(line, sizeof(line), "%s %s", app->utf8 ? "\xe2\x97\x8f up" : "* up",
		         n->conditions ? when : "");
		widget_text(app, w, y, VALUE_X, n->conditions ? STYLE_WARN : STYLE_OK, line);
		break;
	case CONN_DOWN:
		fleet_format_since(n->down_since, time(NULL), when, sizeof(when));
		snprintf(line, sizeof(line), "DOWN since %s %s %s", when, app->utf8 ? "\xe2\x80\x94" : "-",
		         n->last_error);
		widget_text(app, w, y, VALUE_X, STYLE_BAD, line);
		break;
	}
}

static void row_head(struct app *app, WINDOW *w, int y, const struct fleet_node *n, enum tui_style st)
{
	char line[256], num[32], full[70], hash[24], age[64], gas[16];

	widget_label(app, w, y, 1, "Head", LABEL_W);
	if (!n->has_head) {
		widget_text(app, w, y, VALUE_X, STYLE_DIM, "-");
		return;
	}
	hex_encode(full, sizeof(full), n->head_hash, sizeof(n->head_hash), 1);
	/* 0x + 8 digits .. last 6: enough to compare by eye, and it fits 80 columns. */
	snprintf(hash, sizeof(hash), "%.10s..%s", full, full + 60);
	snprintf(line, sizeof(line), "#%s  %s  %s  %zu txs  gas %s", fmt_count(num, sizeof(num), n->head_number),
	         hash, fleet_head_age(age, sizeof(age), n->head_time, (uint64_t)time(NULL), true), n->head_tx_count,
	         fmt_percent(gas, sizeof(gas), n->head_gas_used, n->head_gas_limit));
	widget_text(app, w, y, VALUE_X, st, line);
}

static void row_sync(struct app *app, WINDOW *w, int y, const struct fleet_node *n, enum tui_style st)
{
	char line[160], cur[32], hi[32], pct[16], eta[32];
	int cols = getmaxx(w), barw;

	widget_label(app, w, y, 1, "Sync", LABEL_W);
	if (n->syncing_cap != CAP_YES) {
		widget_text(app, w, y, VALUE_X, STYLE_DIM, n->syncing_cap == CAP_NO ? na(app) : "-");
		return;
	}
	if (!n->syncing) {
		widget_text(app, w, y, VALUE_X, st == STYLE_DIM ? st : STYLE_OK, "synced");
		return;
	}
	barw = cols - VALUE_X - 48;
	if (barw > 30)
		barw = 30;
	if (barw >= 6)
		widget_bar(app, w, y, VALUE_X, barw, n->sync_current, n->sync_highest);
	else
		barw = -1;
	snprintf(line, sizeof(line), "%s  %s / %s", fmt_percent(pct, sizeof(pct), n->sync_current, n->sync_highest),
	         fmt_count(cur, sizeof(cur), n->sync_current), fmt_count(hi, sizeof(hi), n->sync_highest));
	if (n->sync_rate_milli) {
		size_t l = strlen(line);

		snprintf(line + l, sizeof(line) - l, "  %llu.%llu blk/s", (unsigned long long)(n->sync_rate_milli / 1000),
		         (unsigned long long)(n->sync_rate_milli % 1000 / 100));
	}
	if (n->has_sync_eta) {
		size_t l = strlen(line);

		snprintf(line + l, sizeof(line) - l, "  ETA %s", fmt_duration(eta, sizeof(eta), n->sync_eta_s));
	}
	widget_text(app, w, y, VALUE_X + 1 + barw, STYLE_WARN, line);
}

static void row_offers(struct app *app, WINDOW *w, int y, const struct fleet_node *n)
{
	char yes[96] = "", no[96] = "", line[220];

	widget_label(app, w, y, 1, "Offers", LABEL_W);
	if (!n->probed) {
		widget_text(app, w, y, VALUE_X, STYLE_DIM, "-");
		return;
	}
	for (int ns = 0; ns < NS_COUNT; ns++) {
		char *dst = (n->ns_offered & (1u << ns)) ? yes : no;
		size_t l = strlen(dst);

		if (!(n->ns_known & (1u << ns)))
			continue;
		snprintf(dst + l, sizeof(yes) - l, "%s%s", l ? " " : "", fleet_ns_name((enum fleet_ns)ns));
	}
	snprintf(line, sizeof(line), "%s%s%s", yes, no[0] ? "   not offered: " : "", no);
	widget_text(app, w, y, VALUE_X, STYLE_NORMAL, line);
}

static void row_lag(struct app *app, WINDOW *w, int y, const struct fleet_node *n)
{
	char line[256], lagt[64];

	widget_label(app, w, y, 1, "Lag", LABEL_W);
	if (n->forked) {
		char where[96];

		snprintf(line, sizeof(line), "FORK at #%llu: hash differs from %s (%s)", (unsigned long long)n->fork_height,
		         n->fork_with, fleet_fork_text(n, where, sizeof(where)));
		widget_text(app, w, y, VALUE_X, STYLE_BAD, line);
		return;
	}
	if (!n->has_lag) {
		widget_text(app, w, y, VALUE_X, STYLE_DIM, "-");
		return;
	}
	snprintf(line, sizeof(line), "%llu blocks, %s behind the best head of chain %llu%s",
	         (unsigned long long)n->lag_blocks, fleet_lag_text(n, lagt, sizeof(lagt)), (unsigned long long)n->chain_id,
	         n->lag_uncertain ? " (at least: a node that stopped answering was higher)" : "");
	widget_text(app, w, y, VALUE_X, n->conditions & (1u << ALERT_LAG) ? STYLE_WARN : STYLE_NORMAL, line);
}

/* How a sparkline's newest value is written after it. */
enum spark_unit { SPARK_SECONDS, SPARK_COUNT, SPARK_LATENCY, SPARK_PPM };

static void row_spark(struct app *app, WINDOW *w, int y, const char *label, const struct stats_ring *r,
                      enum spark_unit unit)
{
	int cols = getmaxx(w), width = cols - VALUE_X - 1 - 16;
	uint64_t last;
	char buf[48], v[40];

	widget_label(app, w, y, 1, label, LABEL_W);
	if (!r->count || width < 8) {
		widget_text(app, w, y, VALUE_X, STYLE_DIM, "-");
		return;
	}
	if (width > 60)
		width = 60;
	widget_sparkline(app, w, y, VALUE_X, width, r);
	stats_ring_get(r, 0, &last);
	switch (unit) {
	case SPARK_SECONDS:
		fmt_duration(v, sizeof(v), last);
		break;
	case SPARK_LATENCY:
		fmt_latency(v, sizeof(v), last, !app->utf8);
		break;
	case SPARK_PPM:
		fmt_percent(v, sizeof(v), last, 1000000);
		break;
	case SPARK_COUNT:
		fmt_count(v, sizeof(v), last);
		break;
	}
	snprintf(buf, sizeof(buf), " %s", v);
	widget_text(app, w, y, VALUE_X + (r->count < (size_t)width ? (int)r->count : width), STYLE_DIM, buf);
}

/*
 * The detail's label/value rows, as text: each fills buf and returns its
 * style, given st, the style of a value (dim when the node is down and the
 * values are the last known ones). No drawing here.
 */
typedef enum tui_style (*detail_text_fn)(const struct app *app, const struct fleet_node *n, enum tui_style st,
                                         char *buf, size_t cap);

static enum tui_style detail_client(const struct app *app, const struct fleet_node *n, enum tui_style st,
                                    char *buf, size_t cap)
{
	(void)app;
	snprintf(buf, cap, "%s", n->client[0] ? n->client : "-");
	return st;
}

static enum tui_style detail_chain(const struct app *app, const struct fleet_node *n, enum tui_style st,
                                   char *buf, size_t cap)
{
	bool wrong = n->conditions & (1u << ALERT_CHAIN);

	(void)app;
	snprintf(buf, cap, "-");
	if (n->has_chain_id) {
		snprintf(buf, cap, "%llu", (unsigned long long)n->chain_id);
		if (wrong)
			fleet_describe(n, ALERT_CHAIN, false, &(struct fleet_rules){ 0 }, buf, cap);
	}
	return wrong ? STYLE_BAD : st;
}

static enum tui_style detail_peers(const struct app *app, const struct fleet_node *n, enum tui_style st,
                                   char *buf, size_t cap)
{
	if (n->peers_cap == CAP_NO) {
		snprintf(buf, cap, "%s", na(app));
		return STYLE_DIM;
	}
	if (n->peers_error[0]) {
		snprintf(buf, cap, "error: %s", n->peers_error);
		return STYLE_BAD;
	}
	if (n->peers_cap == CAP_YES)
		snprintf(buf, cap, "%llu", (unsigned long long)n->peers);
	else
		snprintf(buf, cap, "-");
	return n->conditions & (1u << ALERT_LOW_PEERS) ? STYLE_WARN : n->peers_cap == CAP_YES ? st : STYLE_DIM;
}

static enum tui_style detail_latency(const struct app *app, const struct fleet_node *n, enum tui_style st,
                                     char *buf, size_t cap)
{
	char a[48], b[48], c[48];
	uint64_t p50, p99;

	if (!stats_ring_percentile(&n->latency_us, 50, &p50) || !stats_ring_percentile(&n->latency_us, 99, &p99)) {
		snprintf(buf, cap, "-");
		return STYLE_DIM;
	}
	snprintf(buf, cap, "%s  (p50 %s, p99 %s over %zu polls)",
	         fmt_latency(a, sizeof(a), n->last_latency_us, !app->utf8), fmt_latency(b, sizeof(b), p50, !app->utf8),
	         fmt_latency(c, sizeof(c), p99, !app->utf8), n->latency_us.count);
	return st;
}

static enum tui_style detail_uptime(const struct app *app, const struct fleet_node *n, enum tui_style st,
                                    char *buf, size_t cap)
{
	char a[48];

	(void)app;
	(void)st; /* answered polls count while the node is down too */
	snprintf(buf, cap, "%s  (%llu of %llu polls answered)", fmt_percent(a, sizeof(a), n->polls_ok, n->polls_total),
	         (unsigned long long)n->polls_ok, (unsigned long long)n->polls_total);
	return STYLE_NORMAL;
}

static enum tui_style detail_gas_price(const struct app *app, const struct fleet_node *n, enum tui_style st,
                                       char *buf, size_t cap)
{
	if (n->gas_price_cap == CAP_YES) {
		fmt_units(buf, cap, n->gas_price, 9, "gwei");
		return st;
	}
	snprintf(buf, cap, "%s", n->gas_price_cap == CAP_NO ? na(app) : "-");
	return STYLE_DIM;
}

static enum tui_style detail_base_fee(const struct app *app, const struct fleet_node *n, enum tui_style st,
                                      char *buf, size_t cap)
{
	(void)app;
	if (n->has_base_fee) {
		fmt_units(buf, cap, n->base_fee, 9, "gwei");
		return st;
	}
	snprintf(buf, cap, "%s", n->has_head ? "n/a (no EIP-1559 base fee on this chain)" : "-");
	return STYLE_DIM;
}

static enum tui_style detail_txpool(const struct app *app, const struct fleet_node *n, enum tui_style st,
                                    char *buf, size_t cap)
{
	char a[48], b[48];

	if (n->txpool_error[0]) {
		snprintf(buf, cap, "error: %s", n->txpool_error);
		return STYLE_BAD;
	}
	if (n->txpool_cap == CAP_YES) {
		snprintf(buf, cap, "%s pending, %s queued", fmt_count(a, sizeof(a), n->txpool_pending),
		         fmt_count(b, sizeof(b), n->txpool_queued));
		return st;
	}
	if (n->txpool_from_pending) {
		snprintf(buf, cap, "%s in the pending block (no txpool_status on this node)",
		         fmt_count(a, sizeof(a), n->txpool_pending));
		return st;
	}
	snprintf(buf, cap, "%s", n->txpool_cap == CAP_NO ? na(app) : "-");
	return STYLE_DIM;
}

static enum tui_style detail_mining(const struct app *app, const struct fleet_node *n, enum tui_style st,
                                    char *buf, size_t cap)
{
	char cb[48] = "-", rate[96];

	if (n->mining_cap == CAP_NO && n->hashrate_cap == CAP_NO) {
		snprintf(buf, cap, "%s", na(app));
		return STYLE_DIM;
	}
	if (n->has_coinbase)
		hex_encode(cb, sizeof(cb), n->coinbase, sizeof(n->coinbase), 1);
	u256_format_dec(n->hashrate, rate, sizeof(rate));
	snprintf(buf, cap, "%s  hashrate %s H/s  coinbase %s",
	         n->mining_cap == CAP_YES ? (n->mining ? "mining" : "not mining") : "?",
	         n->hashrate_cap == CAP_YES ? rate : "?", cb);
	return st;
}

static enum tui_style detail_propagation(const struct app *app, const struct fleet_node *n, enum tui_style st,
                                         char *buf, size_t cap)
{
	char a[48], b[48], c[48];
	uint64_t p50, p95;

	if (!prop_percentile(&n->prop, 50, &p50) || !prop_percentile(&n->prop, 95, &p95)) {
		snprintf(buf, cap, "- (measured from the next new block on)");
		return STYLE_DIM;
	}
	snprintf(buf, cap, "%s  (p50 %s, p95 %s over %zu blocks; %s)",
	         fmt_latency(a, sizeof(a), n->prop.last_ms * 1000, !app->utf8),
	         fmt_latency(b, sizeof(b), p50 * 1000, !app->utf8), fmt_latency(c, sizeof(c), p95 * 1000, !app->utf8),
	         n->prop.count,
	         n->prop.kind == PROP_TIMESTAMP ? "arrival after the block timestamp: no other node on this chain"
	                                        : "after the first node of this chain to report each block");
	return st;
}

/*
 * The recent propagation delays as a histogram: one row per bucket up to the
 * highest one used, a bar as long as its share. From y, at most until max_y.
 */
static int row_prop_hist(struct app *app, WINDOW *w, int y, int max_y, const struct fleet_node *n)
{
	size_t count[PROP_BUCKETS + 1] = { 0 }, top = 0, most = 1;
	int width = getmaxx(w) - VALUE_X - 24;
	char line[400], bound[24]; /* a bar of 50 cells of 3 bytes, the bound and the count */

	if (!n->prop.count || width < 4 || y >= max_y)
		return y;
	if (width > 50)
		width = 50;
	for (size_t i = 0; i < n->prop.count; i++) {
		size_t b = 0;

		while (b < PROP_BUCKETS && n->prop.recent_ms[i] > prop_bounds_ms[b])
			b++;
		count[b]++;
	}
	for (size_t b = 0; b <= PROP_BUCKETS; b++) {
		if (count[b])
			top = b;
		if (count[b] > most)
			most = count[b];
	}
	widget_label(app, w, y, 1, "Prop. hist", LABEL_W);
	for (size_t b = 0; b <= top && y < max_y; b++, y++) {
		int len = (int)(count[b] * (size_t)width / most), k = 0;

		if (b < PROP_BUCKETS)
			snprintf(bound, sizeof(bound), "<= %s", fmt_latency(line, sizeof(line),
			                                                  (uint64_t)prop_bounds_ms[b] * 1000, !app->utf8));
		else
			snprintf(bound, sizeof(bound), "> %s", fmt_latency(line, sizeof(line),
			                                                 (uint64_t)prop_bounds_ms[PROP_BUCKETS - 1] * 1000,
			                                                 !app->utf8));
		k = snprintf(line, sizeof(line), "%-10s ", bound);
		for (int i = 0; i < len && k + 4 < (int)sizeof(line); i++)
			k += snprintf(line + k, sizeof(line) - (size_t)k, "%s", app->utf8 ? "\xe2\x96\x88" : "#");
		snprintf(line + k, sizeof(line) - (size_t)k, " %zu", count[b]);
		widget_text(app, w, y, VALUE_X, STYLE_NORMAL, line);
	}
	return y;
}

/* The node's own process figures (metrics_url): uptime, CPU, memory. */
static enum tui_style detail_process(const struct app *app, const struct fleet_node *n, enum tui_style st,
                                     char *buf, size_t cap)
{
	const struct fleet_own *o = &n->own;
	uint64_t now = (uint64_t)time(NULL);
	char up[48] = "", cpu[48] = "", mem[48] = "";
	size_t k;

	(void)app;
	if (!o->scrapes) {
		snprintf(buf, cap, "%s", o->error[0] ? o->error : "asking its metrics endpoint...");
		return o->error[0] ? STYLE_WARN : STYLE_DIM;
	}
	if (o->has_start)
		snprintf(up, sizeof(up), "running for %s", fmt_duration(mem, sizeof(mem), now > o->start_s ? now - o->start_s : 0));
	if (o->has_cpu_share)
		snprintf(cpu, sizeof(cpu), "CPU %llu.%llu %%", (unsigned long long)(o->cpu_permille / 10),
		         (unsigned long long)(o->cpu_permille % 10));
	mem[0] = '\0';
	if (o->has_rss)
		snprintf(mem, sizeof(mem), "memory %llu MiB", (unsigned long long)(o->rss_bytes >> 20));
	k = (size_t)snprintf(buf, cap, "%s", up[0] ? up : "no process_start_time_seconds");
	if (cpu[0] && k < cap)
		k += (size_t)snprintf(buf + k, cap - k, ", %s", cpu);
	if (mem[0] && k < cap)
		k += (size_t)snprintf(buf + k, cap - k, ", %s", mem);
	if (!o->ok && k < cap)
		snprintf(buf + k, cap - k, "  (last scrape failed: %s)", o->error);
	return o->ok ? st : STYLE_WARN;
}

/* What the client's own metrics say about peers and head, beside the JSON-RPC figures. */
static enum tui_style detail_client_says(const struct app *app, const struct fleet_node *n, enum tui_style st,
                                         char *buf, size_t cap)
{
	const struct fleet_own *o = &n->own;
	char a[48], b[48];
	size_t k = 0;

	(void)app;
	if (!o->has_peers && !o->has_head) {
		snprintf(buf, cap, "%s", o->scrapes ? "no peer or head figure among its metrics" : "-");
		return STYLE_DIM;
	}
	if (o->has_peers) {
		snprintf(a, sizeof(a), "%llu", (unsigned long long)n->peers);
		k += (size_t)snprintf(buf + k, cap - k, "peers %llu (JSON-RPC %s)", (unsigned long long)o->peers,
		                      n->peers_cap == CAP_YES ? a : "n/a");
	}
	if (o->has_head && k < cap) {
		snprintf(b, sizeof(b), "#%s", fmt_count(a, sizeof(a), n->head_number));
		snprintf(buf + k, cap - k, "%shead #%s (JSON-RPC %s)", k ? ", " : "", fmt_count(a, sizeof(a), o->head),
		         n->has_head ? b : "-");
	}
	return st;
}

struct detail_row {
	const char *label;
	detail_text_fn text;
};

/* Draws rows from y on; returns the row after them. */
static int draw_detail_rows(struct app *app, WINDOW *w, int y, const struct fleet_node *n, enum tui_style st,
                            const struct detail_row *rows, size_t count)
{
	char line[256];

	for (size_t i = 0; i < count; i++) {
		enum tui_style s = rows[i].text(app, n, st, line, sizeof(line));

		widget_kv(app, w, &y, LABEL_W, rows[i].label, s, line);
	}
	return y;
}

static void draw_detail(struct app *app, WINDOW *w, const struct fleet_node *n, size_t pos, size_t count)
{
	static const struct detail_row ident[] = { { "Client", detail_client }, { "Chain id", detail_chain } };
	static const struct detail_row health[] = {
		{ "Peers", detail_peers }, { "Latency", detail_latency }, { "Prop delay", detail_propagation },
		{ "Uptime", detail_uptime },
		{ "Gas price", detail_gas_price }, { "Base fee", detail_base_fee }, { "Txpool", detail_txpool },
	};
	static const struct detail_row mining[] = { { "Mining", detail_mining } };
	static const struct detail_row own[] = { { "Process", detail_process }, { "Own says", detail_client_says } };
	enum tui_style st = n->conn == CONN_UP ? STYLE_NORMAL : STYLE_DIM; /* last known values when down */
	char line[256];
	int y = 0, rows = getmaxy(w);

	/* The position j/k move through: the grid's order, not the config file's. */
	snprintf(line, sizeof(line), "%s  (%zu/%zu)", n->name, pos + 1, count);
	widget_label(app, w, y, 1, "Node", LABEL_W);
	widget_text(app, w, y, VALUE_X, STYLE_TITLE, line);
	widget_text(app, w, y++, VALUE_X + 2 + (int)strlen(line), STYLE_DIM, n->url);
	row_status(app, w, y++, n);
	y = draw_detail_rows(app, w, y, n, st, ident, sizeof(ident) / sizeof(ident[0]));
	row_head(app, w, y++, n, st);
	row_sync(app, w, y++, n, st);
	row_lag(app, w, y++, n);
	y = draw_detail_rows(app, w, y, n, st, health, sizeof(health) / sizeof(health[0]));
	if (n->pow && y < rows - 1)
		y = draw_detail_rows(app, w, y, n, st, mining, 1);
	if (n->own.configured && y < rows - 2)
		y = draw_detail_rows(app, w, y, n, st, own, 2);
	if (y < rows - 1)
		row_offers(app, w, y++, n);
	if (y < rows - 1)
		row_spark(app, w, y++, "Block time", &n->block_time_s, SPARK_SECONDS);
	if (y < rows - 1)
		row_spark(app, w, y++, "Peers", &n->peers_hist, SPARK_COUNT);
	if (y < rows - 1)
		row_spark(app, w, y++, "Latency", &n->latency_us, SPARK_LATENCY);
	if (y < rows - 1)
		row_spark(app, w, y++, "Gas used", &n->gas_used_ppm, SPARK_PPM);
	row_prop_hist(app, w, y, rows - 1, n);
}

/*
 * An enode URL in at most width columns: what an operator needs is the
 * start of the node id and the host:port, so a long id is shortened in its
 * middle with a mark, never the address at the end.
 */
static void enode_fit(const struct app *app, const char *enode, char *buf, size_t cap, size_t width)
{
	const char *at = strrchr(enode, '@'), *id = strstr(enode, "://");
	size_t head, tail;

	id = id ? id + 3 : enode;
	if (strlen(enode) <= width || !at || at < id) {
		snprintf(buf, cap, "%s", enode);
		widget_fit(app, buf, cap, width);
		return;
	}
	/* Keep "enode://" + some of the id + mark + the last 4 id digits + "@host:port". */
	head = (size_t)(id - enode);
	tail = strlen(at) + 4;
	if (width > head + tail + 1 + 4 && (size_t)(at - id) > 8) {
		size_t keep = width - head - tail - 1;

		if (keep > (size_t)(at - id) - 4)
			keep = (size_t)(at - id) - 4;
		snprintf(buf, cap, "%.*s%s%s", (int)(head + keep), enode, widget_more(app), at - 4);
		return;
	}
	snprintf(buf, cap, "%s", enode);
	widget_fit(app, buf, cap, width);
}

static void draw_network(struct app *app, WINDOW *w, const struct fleet_node *n)
{
	int y = 0, rows = getmaxy(w), cols = getmaxx(w);
	char line[512], full[70];

	widget_text(app, w, y++, 1, STYLE_TITLE, n->name);
	if (n->enode[0])
		enode_fit(app, n->enode, line, sizeof(line), cols > VALUE_X + 1 ? (size_t)(cols - VALUE_X - 1) : 1);
	widget_kv(app, w, &y, LABEL_W, "Enode", n->enode[0] ? STYLE_NORMAL : STYLE_DIM,
	            n->enode[0] ? line : (n->admin_cap == CAP_NO ? "n/a (admin_nodeInfo not offered)" : "-"));
	y++;
	widget_text(app, w, y++, 1, STYLE_LABEL, "Recent heads");
	for (size_t i = 0; i < n->nrecent && i < 6 && y < rows / 2; i++, y++) {
		const struct fleet_head *h = &n->recent[(n->recent_head + FLEET_RECENT - 1 - i) % FLEET_RECENT];

		hex_encode(full, sizeof(full), h->hash, sizeof(h->hash), 1);
		snprintf(line, sizeof(line), "#%-10llu %s", (unsigned long long)h->number, full);
		widget_text(app, w, y, 3, STYLE_NORMAL, line);
	}
	y++;
	widget_text(app, w, y++, 1, STYLE_LABEL, "Peers (admin_peers)");
	if (n->admin_cap != CAP_YES) {
		widget_text(app, w, y, 3, STYLE_DIM, n->admin_cap == CAP_NO ? na(app) : "-");
		return;
	}
	if (!n->has_peer_list || n->npeer_list == 0) {
		widget_text(app, w, y, 3, STYLE_DIM, n->has_peer_list ? "no peers" : "asking...");
		return;
	}
	for (size_t i = 0; i < n->npeer_list && y < rows - 1; i++, y++) {
		const struct fleet_peer *p = &n->peer_list[i];

		snprintf(line, sizeof(line), "%-3s %-22.22s %-28.28s %s", p->inbound ? "in" : "out", p->remote, p->name,
		         p->protocols);
		widget_text(app, w, y, 3, STYLE_NORMAL, line);
	}
}

/* The alert log: a title row, the alerts, the key row; scrolls (key_move) when they do not fit. */
static void draw_alerts(struct dash *d, struct app *app, WINDOW *w)
{
	size_t n = fleet_alert_count(app->fleet);
	int y = 0, rows = getmaxy(w);
	char line[300], when[16];

	list_view_frame(&d->log, n, rows > 2 ? (size_t)rows - 2 : 1);
	widget_text(app, w, y++, 1, STYLE_TITLE, "Alerts (newest first)");
	if (app->cfg.alert_hook) {
		struct fleet_hook_stats hs = fleet_hook_stats(app->fleet);
		const char *problem = fleet_hook_problem(app->fleet);

		if (problem)
			snprintf(line, sizeof(line), "Hook: %s: alerts do not reach it", problem);
		else
			snprintf(line, sizeof(line), "Hook: %s  ready  %llu run, %zu running, %zu waiting, %llu dropped",
			         app->cfg.alert_hook, (unsigned long long)hs.ran, hs.running, hs.queued,
			         (unsigned long long)hs.dropped);
		widget_text(app, w, y++, 1, problem || hs.dropped ? STYLE_BAD : STYLE_DIM, line);
	}
	if (!n)
		widget_text(app, w, y, 1, STYLE_DIM, "none so far");
	for (size_t i = d->log.top; i < n && y < rows - 1; i++, y++) {
		const struct fleet_alert *a = fleet_alert(app->fleet, i);
		struct tm tm;

		localtime_r(&a->when, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		snprintf(line, sizeof(line), "%s  %-8s %s", when, a->resolved ? "cleared" : "ALERT", a->text);
		widget_text(app, w, y, 1, a->resolved ? STYLE_DIM : STYLE_WARN, line);
	}
}

static void dash_draw(void *state, struct app *app, WINDOW *w)
{
	struct dash *d = state;
	size_t count = fleet_count(app->fleet);
	const struct fleet_node *n;
	int rows = getmaxy(w);

	refresh_order(d, app);
	if (app->fleet_msg_seq != d->msg_seq) {
		d->msg_seq = app->fleet_msg_seq;
		notice_set(&d->note, app->fleet_msg_bad, "%s", app->fleet_msg);
	}
	n = fleet_node(app->fleet, app->node_sel);
	if (!n && d->view != VIEW_ALERTS) {
		widget_text(app, w, 1, 1, STYLE_DIM, "no nodes: press a to add one");
	} else {
		switch (d->view) {
		case VIEW_GRID:
			draw_grid(d, app, w);
			break;
		case VIEW_DETAIL:
			draw_detail(app, w, n, d->list.sel, count);
			break;
		case VIEW_NETWORK:
			draw_network(app, w, n);
			break;
		case VIEW_ALERTS:
			draw_alerts(d, app, w);
			break;
		}
	}
	if (d->prompt != PROMPT_NONE) {
		line_edit_draw(app, w, rows - 1, &d->edit);
	} else if (d->note.text[0]) {
		wmove(w, rows - 1, 0);
		wclrtoeol(w);
		notice_draw(app, w, rows - 1, &d->note);
	} else if (d->view != VIEW_GRID) {
		wmove(w, rows - 1, 0);
		wclrtoeol(w);
		widget_text(app, w, rows - 1, 1, STYLE_DIM,
		            d->view == VIEW_ALERTS ? "Esc back  j/k scroll"
		                                   : "Esc grid  j/k node  v network/status  l alerts  r poll");
	}
	if (d->view == VIEW_ALERTS)
		widget_scroll_marks(app, w, 0, rows - 1, getmaxx(w), &d->log);
}

/* ---- actions ---- */

/* The file, the session and the fleet in one step (dashboard/fleetfile.c): never one without the others. */
static void add_node(struct dash *d, struct app *app, const char *url)
{
	struct config_node cn = { .name = d->new_name, .url = (char *)(url[0] ? url : DEFAULT_URL) };
	char err[300];

	if (fleetfile_add(app->fleetfile, &cn, err, sizeof(err)) != 0) {
		notice_set(&d->note, true, "not added: %s", err);
		return;
	}
	notice_set(&d->note, false, "added %s", d->new_name);
	app_select_node(app, fleet_count(app->fleet) - 1);
}

static void remove_node(struct dash *d, struct app *app)
{
	size_t sel = app->node_sel;

	(void)d;
	if (!fleet_node(app->fleet, sel))
		return;
	fleetfile_remove(app->fleetfile, sel);
	app_select_node(app, sel < fleet_count(app->fleet) || sel == 0 ? sel : sel - 1);
}

static int prompt_key(struct dash *d, struct app *app, int key)
{
	char hint[sizeof(d->edit.prompt)];

	if (d->prompt == PROMPT_DELETE) {
		if (key == 'y' || key == 'Y')
			remove_node(d, app);
		else
			notice_set(&d->note, false, "%s", "nothing removed");
		d->prompt = PROMPT_NONE;
		return PANE_REDRAW;
	}
	switch (line_edit_key(&d->edit, key)) {
	case EDIT_CANCEL:
		d->prompt = PROMPT_NONE;
		break;
	case EDIT_DONE:
		if (d->prompt == PROMPT_ADD_NAME) {
			if (!d->edit.text[0]) {
				notice_set(&d->note, true, "%s", "a node needs a name");
				d->prompt = PROMPT_NONE;
				break;
			}
			/* Refused here, before a URL is asked for: the name is what is wrong. */
			if (d->edit.len > CONFIG_NAME_MAX) {
				notice_set(&d->note, true, "not added: a node name is at most %d bytes (this one has %zu)",
				           CONFIG_NAME_MAX, d->edit.len);
				d->prompt = PROMPT_NONE;
				break;
			}
			if (config_node_find(&app->cfg, d->edit.text)) {
				notice_set(&d->note, true, "not added: a node named '%s' is already watched", d->edit.text);
				d->prompt = PROMPT_NONE;
				break;
			}
			memcpy(d->new_name, d->edit.text, d->edit.len + 1);
			/* Empty: what is typed is the whole URL; Enter alone takes the default the prompt names. */
			snprintf(hint, sizeof(hint), "URL (Enter: %s)", DEFAULT_URL);
			line_edit_start(&d->edit, hint, "");
			d->prompt = PROMPT_ADD_URL;
		} else {
			d->prompt = PROMPT_NONE;
			add_node(d, app, d->edit.text);
		}
		break;
	case EDIT_CONTINUE:
		break;
	}
	return PANE_REDRAW;
}

static void set_view(struct dash *d, struct app *app, enum view v)
{
	d->view = v;
	fleet_set_focus(app->fleet, v == VIEW_GRID || v == VIEW_ALERTS ? SIZE_MAX : app->node_sel);
}

/* ---- keys: one function per row of dash_keys ---- */

static int key_move(void *state, struct app *app, int key)
{
	struct dash *d = state;

	if (d->view == VIEW_ALERTS) /* the keys scroll the log, not the nodes */
		return list_view_scroll_key(&d->log, key) ? PANE_REDRAW : PANE_IGNORED;
	if (!list_view_key(&d->list, key))
		return PANE_IGNORED; /* a click, not the wheel: the shell's */
	if (fleet_count(app->fleet))
		app_select_node(app, d->order[d->list.sel]);
	if (d->view != VIEW_GRID)
		set_view(d, app, d->view); /* the detail follows the selected node */
	return PANE_REDRAW;
}

static int key_details(void *state, struct app *app, int key)
{
	struct dash *d = state;

	(void)key;
	if (d->view == VIEW_GRID && fleet_count(app->fleet))
		set_view(d, app, VIEW_DETAIL);
	return PANE_REDRAW;
}

static int key_back(void *state, struct app *app, int key)
{
	struct dash *d = state;

	(void)key;
	if (d->view == VIEW_GRID)
		return PANE_IGNORED;
	set_view(d, app, VIEW_GRID);
	return PANE_REDRAW;
}

static int key_network(void *state, struct app *app, int key)
{
	struct dash *d = state;

	(void)key;
	if (d->view == VIEW_DETAIL || d->view == VIEW_NETWORK)
		set_view(d, app, d->view == VIEW_DETAIL ? VIEW_NETWORK : VIEW_DETAIL);
	return PANE_REDRAW;
}

static int key_alerts(void *state, struct app *app, int key)
{
	struct dash *d = state;

	(void)key;
	set_view(d, app, d->view == VIEW_ALERTS ? VIEW_GRID : VIEW_ALERTS);
	d->log.top = 0; /* opens on the newest */
	return PANE_REDRAW;
}

static int key_sort(void *state, struct app *app, int key)
{
	struct dash *d = state;

	(void)app;
	if (key == 's')
		d->sort_col = (enum fleet_col)((d->sort_col + 1) % COL_COUNT);
	else
		d->sort_desc = !d->sort_desc;
	return PANE_REDRAW;
}

static int key_pin(void *state, struct app *app, int key)
{
	struct dash *d = state;
	const struct fleet_node *n = fleet_node(app->fleet, app->node_sel);

	(void)key;
	(void)d;
	if (n)
		fleetfile_pin(app->fleetfile, app->node_sel, !n->pinned);
	return PANE_REDRAW;
}

static int key_add(void *state, struct app *app, int key)
{
	struct dash *d = state;

	(void)app;
	(void)key;
	line_edit_start(&d->edit, "New node name", "");
	d->prompt = PROMPT_ADD_NAME;
	return PANE_REDRAW;
}

static int key_remove(void *state, struct app *app, int key)
{
	struct dash *d = state;
	const struct fleet_node *n = fleet_node(app->fleet, app->node_sel);

	(void)key;
	if (!n)
		return PANE_CONSUMED;
	snprintf(d->edit.prompt, sizeof(d->edit.prompt), "Remove %.30s? (y/n)", n->name);
	d->edit.text[0] = '\0';
	d->edit.len = 0;
	d->prompt = PROMPT_DELETE;
	return PANE_REDRAW;
}

static int key_poll(void *state, struct app *app, int key)
{
	(void)state;
	(void)key;
	fleet_poll_now(app->fleet);
	return PANE_CONSUMED;
}

static const struct pane_key dash_keys[] = {
	{ { 'j', KEY_DOWN }, "next node", key_move },
	{ { 'k', KEY_UP }, "previous node", key_move },
	{ { KEY_PPAGE, KEY_NPAGE }, "a page of nodes up / down", key_move },
	{ { KEY_HOME, KEY_END }, "first / last node", key_move },
	{ { KEY_MOUSE }, "mouse wheel: three nodes up / down", key_move },
	{ { '\n', '\r', KEY_ENTER }, "the selected node's details", key_details },
	{ { 'v' }, "details: status / network (enode, heads, peers)", key_network },
	{ { 27, KEY_BACKSPACE, 127, 'h' }, "back to the grid", key_back },
	{ { 's', 'S' }, "sort by the next column / reverse", key_sort },
	{ { 'p' }, "pin or unpin the selected node (pinned sort first)", key_pin },
	{ { 'a' }, "add a node (saved to the config file)", key_add },
	{ { 'd' }, "remove the selected node (asks first)", key_remove },
	{ { 'l' }, "alert log", key_alerts },
	{ { 'r' }, "poll every node now", key_poll },
};

static int dash_key(void *state, struct app *app, int key)
{
	struct dash *d = state;

	if (d->prompt != PROMPT_NONE)
		return prompt_key(d, app, key);
	d->note.text[0] = '\0';
	refresh_order(d, app);
	return pane_key_run(dash_keys, sizeof(dash_keys) / sizeof(dash_keys[0]), d, app, key);
}

const struct pane_ops dashboard_pane_ops = {
	.name = "Dashboard",
	.init = dash_init,
	.fini = dash_fini,
	.draw = dash_draw,
	.key = dash_key,
	.rows = dash_keys,
	.nrows = sizeof(dash_keys) / sizeof(dash_keys[0]),
};
