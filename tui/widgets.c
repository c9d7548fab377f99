#include "tui/widgets.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/fmt.h"
#include "common/loop.h"
#include "tui/app.h"

int widget_label(struct app *app, WINDOW *w, int y, int x, const char *label, int width)
{
	wattrset(w, tui_attr(app, STYLE_LABEL));
	mvwprintw(w, y, x, "%-*.*s", width, width, label);
	wattrset(w, A_NORMAL);
	return x + width;
}

void widget_text(struct app *app, WINDOW *w, int y, int x, enum tui_style style, const char *text)
{
	int room = getmaxx(w) - x;

	if (room <= 0)
		return;
	wattrset(w, tui_attr(app, style));
	mvwaddnstr(w, y, x, text, room);
	wattrset(w, A_NORMAL);
}

void widget_bar(struct app *app, WINDOW *w, int y, int x, int width, uint64_t a, uint64_t b)
{
	int inner = width - 2, fill;

	if (inner < 1)
		return;
	if (a > b)
		a = b;
	fill = b ? (int)(a * (uint64_t)inner / b) : 0;
	wattrset(w, tui_attr(app, STYLE_DIM));
	mvwaddch(w, y, x, '[');
	for (int i = 0; i < inner; i++) {
		if (i < fill) {
			wattrset(w, tui_attr(app, STYLE_BAR));
			if (app->utf8)
				waddstr(w, "\xe2\x96\x88"); /* full block */
			else
				waddch(w, '#');
		} else {
			wattrset(w, tui_attr(app, STYLE_DIM));
			if (app->utf8)
				waddstr(w, "\xe2\x96\x91"); /* light shade */
			else
				waddch(w, '-');
		}
	}
	wattrset(w, tui_attr(app, STYLE_DIM));
	waddch(w, ']');
	wattrset(w, A_NORMAL);
}

void widget_status_text(struct app *app, char *buf, size_t cap)
{
	const struct fleet_node *n = app->fleet ? fleet_node(app->fleet, app->node_sel) : NULL;
	char chain[32] = "chain ?", head[48] = "head ?", state[200], ago[32];
	uint64_t now_ms = loop_now_ms();

	if (!n) {
		snprintf(buf, cap, "no node");
		return;
	}
	if (n->has_chain_id)
		snprintf(chain, sizeof(chain), "chain %llu", (unsigned long long)n->chain_id);
	if (n->has_head) {
		char num[32];
		time_t now = time(NULL);
		uint64_t age = (uint64_t)now > n->head_time ? (uint64_t)now - n->head_time : 0;

		snprintf(head, sizeof(head), "head #%s %s ago", fmt_count(num, sizeof(num), n->head_number),
		         fmt_duration(ago, sizeof(ago), age));
	}
	switch (n->conn) {
	case CONN_CONNECTING:
		snprintf(state, sizeof(state), "connecting...");
		break;
	case CONN_UP:
		/* Data older than two refresh periods is stale: say so rather than pretend. */
		if (n->last_ok_ms && now_ms - n->last_ok_ms > 2 * (uint64_t)app->cfg.refresh_ms)
			snprintf(state, sizeof(state), "STALE: no answer for %s",
			         fmt_duration(ago, sizeof(ago), (now_ms - n->last_ok_ms) / 1000));
		else
			snprintf(state, sizeof(state), "up");
		break;
	case CONN_DOWN: {
		struct tm tm;
		char when[16];

		localtime_r(&n->down_since, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		snprintf(state, sizeof(state), "DOWN since %s", when);
		break;
	}
	}
	snprintf(buf, cap, "%s | %s | %s | %s", n->name, chain, head, state);
}
