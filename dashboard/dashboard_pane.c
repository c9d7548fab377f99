/*
 * The dashboard pane: a status view of the selected node. It only formats
 * what dashboard/fleet.c holds; it never talks to a node itself.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/fmt.h"
#include "common/hex.h"
#include "tui/app.h"
#include "tui/pane.h"
#include "tui/widgets.h"

#define LABEL_W 11

static const char not_offered[] = "n/a \xe2\x80\x94 not offered by this node";
static const char not_offered_ascii[] = "n/a - not offered by this node";

static const char *na(const struct app *app)
{
	return app->utf8 ? not_offered : not_offered_ascii;
}

static int dash_init(struct app *app, void **state, char *err, size_t errlen)
{
	(void)app;
	(void)err;
	(void)errlen;
	*state = NULL;
	return 0;
}

static void dash_fini(void *state)
{
	(void)state;
}

static void row_status(struct app *app, WINDOW *w, int y, const struct fleet_node *n)
{
	char line[256], when[16];
	struct tm tm;

	widget_label(app, w, y, 1, "Status", LABEL_W);
	switch (n->conn) {
	case CONN_CONNECTING:
		widget_text(app, w, y, LABEL_W + 1, STYLE_WARN, "connecting...");
		break;
	case CONN_UP:
		widget_text(app, w, y, LABEL_W + 1, STYLE_OK, app->utf8 ? "\xe2\x97\x8f up" : "* up");
		break;
	case CONN_DOWN:
		localtime_r(&n->down_since, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		snprintf(line, sizeof(line), "DOWN since %s \xe2\x80\x94 %s", when, n->last_error);
		if (!app->utf8)
			snprintf(line, sizeof(line), "DOWN since %s - %s", when, n->last_error);
		widget_text(app, w, y, LABEL_W + 1, STYLE_BAD, line);
		break;
	}
}

static void row_head(struct app *app, WINDOW *w, int y, const struct fleet_node *n, enum tui_style st)
{
	char line[256], num[32], full[70], hash[24], age[32], gas[16];
	uint64_t now = (uint64_t)time(NULL);

	widget_label(app, w, y, 1, "Head", LABEL_W);
	if (!n->has_head) {
		widget_text(app, w, y, LABEL_W + 1, STYLE_DIM, "-");
		return;
	}
	hex_encode(full, sizeof(full), n->head_hash, sizeof(n->head_hash), 1);
	/* 0x + 8 digits .. last 6: enough to compare by eye, and it fits 80 columns. */
	snprintf(hash, sizeof(hash), "%.10s..%s", full, full + 60);
	snprintf(line, sizeof(line), "#%s  %s  %s ago  %zu txs  gas %s", fmt_count(num, sizeof(num), n->head_number),
	         hash, fmt_duration(age, sizeof(age), now > n->head_time ? now - n->head_time : 0), n->head_tx_count,
	         fmt_percent(gas, sizeof(gas), n->head_gas_used, n->head_gas_limit));
	widget_text(app, w, y, LABEL_W + 1, st, line);
}

static void row_sync(struct app *app, WINDOW *w, int y, const struct fleet_node *n, enum tui_style st)
{
	char line[160], cur[32], hi[32], pct[16], eta[32];
	int cols = getmaxx(w), barw;

	widget_label(app, w, y, 1, "Sync", LABEL_W);
	if (n->syncing_cap == CAP_NO) {
		widget_text(app, w, y, LABEL_W + 1, STYLE_DIM, na(app));
		return;
	}
	if (n->syncing_cap == CAP_UNKNOWN) {
		widget_text(app, w, y, LABEL_W + 1, STYLE_DIM, "-");
		return;
	}
	if (!n->syncing) {
		widget_text(app, w, y, LABEL_W + 1, st == STYLE_DIM ? st : STYLE_OK, "synced");
		return;
	}
	barw = cols - LABEL_W - 1 - 48;
	if (barw > 30)
		barw = 30;
	if (barw >= 6)
		widget_bar(app, w, y, LABEL_W + 1, barw, n->sync_current, n->sync_highest);
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
	widget_text(app, w, y, LABEL_W + 2 + barw, STYLE_WARN, line);
}

static void draw_node(struct app *app, WINDOW *w, const struct fleet_node *n, size_t idx, size_t count)
{
	enum tui_style st = n->conn == CONN_UP ? STYLE_NORMAL : STYLE_DIM; /* last known values when down */
	char line[256], a[48], b[48], c[48];
	uint64_t p50, p99;
	int y = 1;

	snprintf(line, sizeof(line), "%s  (%zu/%zu)", n->name, idx + 1, count);
	widget_label(app, w, y, 1, "Node", LABEL_W);
	widget_text(app, w, y, LABEL_W + 1, STYLE_TITLE, line);
	widget_text(app, w, y, LABEL_W + 3 + (int)strlen(line), STYLE_DIM, n->url);
	y++;
	row_status(app, w, y++, n);
	y++;

	widget_label(app, w, y, 1, "Client", LABEL_W);
	widget_text(app, w, y++, LABEL_W + 1, st, n->client[0] ? n->client : "-");
	widget_label(app, w, y, 1, "Chain id", LABEL_W);
	snprintf(line, sizeof(line), "%llu", (unsigned long long)n->chain_id);
	widget_text(app, w, y++, LABEL_W + 1, st, n->has_chain_id ? line : "-");
	row_head(app, w, y++, n, st);
	row_sync(app, w, y++, n, st);

	widget_label(app, w, y, 1, "Peers", LABEL_W);
	snprintf(line, sizeof(line), "%llu", (unsigned long long)n->peers);
	if (n->peers_cap == CAP_NO)
		widget_text(app, w, y++, LABEL_W + 1, STYLE_DIM, na(app));
	else
		widget_text(app, w, y++, LABEL_W + 1, n->peers_cap == CAP_YES ? st : STYLE_DIM,
		            n->peers_cap == CAP_YES ? line : "-");

	widget_label(app, w, y, 1, "Latency", LABEL_W);
	if (n->latency_us.count && stats_ring_percentile(&n->latency_us, 50, &p50) &&
	    stats_ring_percentile(&n->latency_us, 99, &p99)) {
		snprintf(line, sizeof(line), "%s  (p50 %s, p99 %s over %zu polls)",
		         fmt_latency(a, sizeof(a), n->last_latency_us, !app->utf8), fmt_latency(b, sizeof(b), p50, !app->utf8),
		         fmt_latency(c, sizeof(c), p99, !app->utf8), n->latency_us.count);
		widget_text(app, w, y++, LABEL_W + 1, st, line);
	} else {
		widget_text(app, w, y++, LABEL_W + 1, STYLE_DIM, "-");
	}
	widget_label(app, w, y, 1, "Uptime", LABEL_W);
	snprintf(line, sizeof(line), "%s  (%llu of %llu polls answered)",
	         fmt_percent(a, sizeof(a), n->polls_ok, n->polls_total), (unsigned long long)n->polls_ok,
	         (unsigned long long)n->polls_total);
	widget_text(app, w, y++, LABEL_W + 1, STYLE_NORMAL, line);
	y++;

	widget_label(app, w, y, 1, "Gas price", LABEL_W);
	if (n->gas_price_cap == CAP_YES)
		widget_text(app, w, y++, LABEL_W + 1, st, fmt_units(line, sizeof(line), n->gas_price, 9, "gwei"));
	else
		widget_text(app, w, y++, LABEL_W + 1, STYLE_DIM, n->gas_price_cap == CAP_NO ? na(app) : "-");
	widget_label(app, w, y, 1, "Base fee", LABEL_W);
	if (n->has_base_fee)
		widget_text(app, w, y++, LABEL_W + 1, st, fmt_units(line, sizeof(line), n->base_fee, 9, "gwei"));
	else
		widget_text(app, w, y++, LABEL_W + 1, STYLE_DIM,
		            n->has_head ? "n/a (no EIP-1559 base fee on this chain)" : "-");
	widget_label(app, w, y, 1, "Txpool", LABEL_W);
	if (n->txpool_cap == CAP_YES) {
		snprintf(line, sizeof(line), "%s pending, %s queued", fmt_count(a, sizeof(a), n->txpool_pending),
		         fmt_count(b, sizeof(b), n->txpool_queued));
		widget_text(app, w, y++, LABEL_W + 1, st, line);
	} else {
		widget_text(app, w, y++, LABEL_W + 1, STYLE_DIM, n->txpool_cap == CAP_NO ? na(app) : "-");
	}
}

static void dash_draw(void *state, struct app *app, WINDOW *w)
{
	size_t count = fleet_count(app->fleet);
	const struct fleet_node *n = fleet_node(app->fleet, app->node_sel);

	(void)state;
	if (!n) {
		widget_text(app, w, 1, 1, STYLE_DIM, "no nodes configured");
		return;
	}
	draw_node(app, w, n, app->node_sel, count);
	if (count > 1)
		widget_text(app, w, getmaxy(w) - 1, 1, STYLE_DIM, "j/k: next/previous node   r: poll now");
	else
		widget_text(app, w, getmaxy(w) - 1, 1, STYLE_DIM, "r: poll now   ?: help");
}

static int dash_key(void *state, struct app *app, int key)
{
	size_t count = fleet_count(app->fleet);

	(void)state;
	switch (key) {
	case 'j':
	case KEY_DOWN:
		if (count)
			app->node_sel = (app->node_sel + 1) % count;
		return PANE_REDRAW;
	case 'k':
	case KEY_UP:
		if (count)
			app->node_sel = (app->node_sel + count - 1) % count;
		return PANE_REDRAW;
	case 'r':
		fleet_poll_now(app->fleet);
		return PANE_CONSUMED;
	default:
		return PANE_IGNORED;
	}
}

static const struct key_help dash_keys[] = {
	{ "j / Down", "next node" },
	{ "k / Up", "previous node" },
	{ "r", "poll every node now" },
};

const struct pane_ops dashboard_pane_ops = {
	.name = "Dashboard",
	.init = dash_init,
	.fini = dash_fini,
	.draw = dash_draw,
	.key = dash_key,
	.keys = dash_keys,
	.nkeys = sizeof(dash_keys) / sizeof(dash_keys[0]),
};
