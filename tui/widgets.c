/*
 * widgets — the drawing helpers the panes share: labels, key-value rows,
 * bars, sparklines, list rows, the line editor and notices.
 */
#include "tui/widgets.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/fmt.h"
#include "common/loop.h"
#include "dashboard/fleet.h"
#include "tui/app.h"

int widget_label(struct app *app, WINDOW *w, int y, int x, const char *label, int width)
{
	wattrset(w, tui_attr(app, STYLE_LABEL));
	mvwprintw(w, y, x, "%-*.*s", width, width, label);
	wattrset(w, A_NORMAL);
	return x + width;
}

void widget_kv(struct app *app, WINDOW *w, int *y, int label_w, const char *label, enum tui_style st,
               const char *value)
{
	if (*y >= 0 && *y < getmaxy(w) - 1) {
		widget_label(app, w, *y, 1, label, label_w);
		widget_text(app, w, *y, label_w + 2, st, value);
	}
	(*y)++;
}

void widget_text(struct app *app, WINDOW *w, int y, int x, enum tui_style style, const char *text)
{
	int room = getmaxx(w) - x, chars = 0;
	size_t bytes = 0;

	if (room <= 0)
		return;
	/* waddnstr counts bytes: cut after `room` characters, not bytes, so UTF-8 text keeps its end. */
	for (; text[bytes]; bytes++) {
		if (((unsigned char)text[bytes] & 0xc0) != 0x80 && chars++ == room)
			break;
	}
	wattrset(w, tui_attr(app, style));
	mvwaddnstr(w, y, x, text, (int)bytes);
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

void widget_sparkline(struct app *app, WINDOW *w, int y, int x, int width, const struct stats_ring *r)
{
	static const char *const blocks[8] = { "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	                                       "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" };
	static const char ascii[8] = { '_', '.', ',', '-', '=', '+', '*', '#' };
	size_t n = r->count < (size_t)width ? r->count : (size_t)width;
	uint64_t max = 0, v;

	if (width <= 0)
		return;
	for (size_t i = 0; i < n; i++) {
		stats_ring_get(r, i, &v);
		if (v > max)
			max = v;
	}
	wattrset(w, tui_attr(app, STYLE_BAR));
	wmove(w, y, x);
	for (size_t i = n; i-- > 0;) {
		unsigned level;

		stats_ring_get(r, i, &v);
		level = max ? (unsigned)(v * 7 / max) : 0;
		if (app->utf8)
			waddstr(w, blocks[level]);
		else
			waddch(w, (chtype)ascii[level]);
	}
	wattrset(w, A_NORMAL);
}

bool list_view_key(struct list_view *v, int key)
{
	switch (key) {
	case 'j':
	case KEY_DOWN:
		list_view_move(v, LIST_DOWN);
		return true;
	case 'k':
	case KEY_UP:
		list_view_move(v, LIST_UP);
		return true;
	case KEY_NPAGE:
		list_view_move(v, LIST_PAGE_DOWN);
		return true;
	case KEY_PPAGE:
		list_view_move(v, LIST_PAGE_UP);
		return true;
	case KEY_HOME:
		list_view_move(v, LIST_HOME);
		return true;
	case KEY_END:
		list_view_move(v, LIST_END);
		return true;
	case KEY_MOUSE: {
		MEVENT ev;

		if (getmouse(&ev) != OK)
			return false;
		if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
			for (int i = 0; i < 3; i++)
				list_view_move(v, ev.bstate & BUTTON4_PRESSED ? LIST_UP : LIST_DOWN);
			return true;
		}
		ungetmouse(&ev); /* a click: the shell's (tabs) */
		return false;
	}
	default:
		return false;
	}
}

bool list_view_scroll_key(struct list_view *v, int key)
{
	static const struct {
		int key;
		enum list_move m;
	} map[] = {
		{ 'j', LIST_DOWN },         { KEY_DOWN, LIST_DOWN }, { 'k', LIST_UP },      { KEY_UP, LIST_UP },
		{ KEY_NPAGE, LIST_PAGE_DOWN }, { ' ', LIST_PAGE_DOWN }, { KEY_PPAGE, LIST_PAGE_UP },
		{ KEY_HOME, LIST_HOME },    { KEY_END, LIST_END },
	};

	if (key == KEY_MOUSE) {
		MEVENT ev;

		if (getmouse(&ev) != OK)
			return false;
		if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
			for (int i = 0; i < 3; i++)
				list_view_scroll(v, ev.bstate & BUTTON4_PRESSED ? LIST_UP : LIST_DOWN);
			return true;
		}
		ungetmouse(&ev);
		return false;
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].key == key) {
			list_view_scroll(v, map[i].m);
			return true;
		}
	}
	return false;
}

void widget_scroll_marks(struct app *app, WINDOW *w, int y_top, int y_bottom, int x_end, const struct list_view *v)
{
	const char *up = app->utf8 ? " more \xe2\x86\x91 " : " more ^ ";
	const char *down = app->utf8 ? " more \xe2\x86\x93 " : " more v ";
	int width = 8; /* both marks are 8 columns wide */

	if (x_end < width)
		return;
	if (v->top > 0)
		widget_text(app, w, y_top, x_end - width, STYLE_TITLE, up);
	if (v->top + (v->page ? v->page : 1) < v->count)
		widget_text(app, w, y_bottom, x_end - width, STYLE_TITLE, down);
}

const char *widget_more(const struct app *app)
{
	return app->utf8 ? "\xe2\x80\xa6" : "~";
}

void widget_fit(const struct app *app, char *text, size_t cap, size_t width)
{
	size_t cols = 0, i = 0, cut = 0;
	const char *more = widget_more(app);

	if (!width)
		return;
	for (; text[i]; i++) {
		if (((unsigned char)text[i] & 0xc0) == 0x80)
			continue;
		if (cols == width - 1)
			cut = i; /* where the mark goes if the text turns out too wide */
		if (++cols > width)
			break;
	}
	if (cols <= width) {
		for (; cols < width && i + 1 < cap; cols++)
			text[i++] = ' ';
		text[i] = '\0';
		return;
	}
	if (cut + strlen(more) < cap)
		snprintf(text + cut, cap - cut, "%s", more);
	else
		text[cut] = '\0';
}

void widget_list_row(struct app *app, WINDOW *w, int y, bool selected, enum tui_style style, const char *text)
{
	if (selected) {
		wattrset(w, tui_attr(app, STYLE_TAB_ACTIVE));
		mvwhline(w, y, 0, ' ', getmaxx(w));
		wattrset(w, A_NORMAL);
	}
	widget_text(app, w, y, 1, selected ? STYLE_TAB_ACTIVE : style, text);
}

/*
 * ncurses keeps every byte it reads from the terminal in its own input queue
 * (one int per byte, so typed text sits there as UTF-32-like words) and never
 * clears a slot, only moves its indexes. The one public way to write that
 * queue is ungetch: pushing zeros until it is full overwrites every slot; then
 * flushinp empties it (and the terminal's pending input, which may hold more of
 * what was typed). Typeahead after a password is dropped on purpose.
 */
static void wipe_curses_input(void)
{
	for (int i = 0; i < 4096 && ungetch(0) == OK; i++)
		;
	flushinp();
}

void line_edit_wipe(struct line_edit *e)
{
	sodium_memzero(e->text, sizeof(e->text));
	e->len = 0;
	if (e->secret)
		wipe_curses_input();
}

void line_edit_start(struct line_edit *e, const char *prompt, const char *initial)
{
	/* Nothing of an earlier (secret) text may stay behind the new one's terminator. */
	sodium_memzero(e->text, sizeof(e->text));
	e->secret = false;
	snprintf(e->prompt, sizeof(e->prompt), "%s", prompt);
	snprintf(e->text, sizeof(e->text), "%s", initial ? initial : "");
	e->len = strlen(e->text);
}

/* Appends code point cp as UTF-8 if it fits. */
static void put_utf8(struct line_edit *e, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			return;
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else if (cp < 0x110000) {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	} else {
		return;
	}
	if (e->len + n >= sizeof(e->text))
		return;
	memcpy(e->text + e->len, b, n);
	e->len += n;
	e->text[e->len] = '\0';
}

enum line_edit_result line_edit_key(struct line_edit *e, int key)
{
	switch (key) {
	case 27:
		return EDIT_CANCEL;
	case '\n':
	case '\r':
	case KEY_ENTER:
		return EDIT_DONE;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		/* Remove one whole UTF-8 character. */
		while (e->len > 0 && ((unsigned char)e->text[e->len - 1] & 0xc0) == 0x80)
			e->len--;
		if (e->len > 0)
			e->len--;
		e->text[e->len] = '\0';
		return EDIT_CONTINUE;
	case 21: /* Ctrl-U */
		e->len = 0;
		e->text[0] = '\0';
		return EDIT_CONTINUE;
	default:
		/* Printable characters only: no control codes, no function keys. */
		if ((key >= 32 && key < 127) || (key >= 160 && key < KEY_MIN) || key > KEY_MAX)
			put_utf8(e, (unsigned)key);
		return EDIT_CONTINUE;
	}
}

void line_edit_draw(struct app *app, WINDOW *w, int y, const struct line_edit *e)
{
	int cols = getmaxx(w), room = cols - (int)strlen(e->prompt) - 4;
	const char *shown = e->text;
	char stars[64] = "";

	if (room < 4)
		return;
	if (e->secret) {
		/* Only the count of characters, capped: not even the length leaks beyond that. */
		size_t n = 0;

		for (size_t i = 0; i < e->len; i++)
			n += ((unsigned char)e->text[i] & 0xc0) != 0x80;
		if (n > sizeof(stars) - 1)
			n = sizeof(stars) - 1;
		memset(stars, '*', n);
		stars[n] = '\0';
		shown = stars;
	}
	/* Keep the end visible: skip whole characters from the front. */
	while ((int)strlen(shown) > room) {
		shown++;
		while (((unsigned char)*shown & 0xc0) == 0x80)
			shown++;
	}
	wmove(w, y, 0);
	wclrtoeol(w);
	widget_text(app, w, y, 1, STYLE_TITLE, e->prompt);
	widget_text(app, w, y, (int)strlen(e->prompt) + 2, STYLE_NORMAL, shown);
	wattrset(w, tui_attr(app, STYLE_TAB_ACTIVE));
	waddch(w, ' ');
	wattrset(w, A_NORMAL);
}

void notice_set(struct notice *n, bool bad, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(n->text, sizeof(n->text), fmt, ap);
	va_end(ap);
	n->bad = bad;
}

bool notice_draw(struct app *app, WINDOW *w, int y, const struct notice *n)
{
	if (!n->text[0])
		return false;
	widget_text(app, w, y, 1, n->bad ? STYLE_BAD : STYLE_OK, n->text);
	return true;
}

void widget_status_text(struct app *app, char *buf, size_t cap)
{
	const struct fleet_node *n = app->fleet ? fleet_node(app->fleet, app->node_sel) : NULL;
	char chain[32] = "chain ?", head[96] = "head ?", state[200], ago[32];
	uint64_t now_ms = loop_now_ms();

	if (!n) {
		snprintf(buf, cap, "no node");
		return;
	}
	if (n->has_chain_id)
		snprintf(chain, sizeof(chain), "chain %llu", (unsigned long long)n->chain_id);
	if (n->has_head) {
		char num[32], age[64];

		snprintf(head, sizeof(head), "head #%s %s", fmt_count(num, sizeof(num), n->head_number),
		         fleet_head_age(age, sizeof(age), n->head_time, (uint64_t)time(NULL), true));
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
		char when[32];

		snprintf(state, sizeof(state), "DOWN since %s",
		         fleet_format_since(n->down_since, time(NULL), when, sizeof(when)));
		break;
	}
	}
	snprintf(buf, cap, "%s | %s | %s | %s", n->name, chain, head, state);
}
