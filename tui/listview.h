/*
 * listview — the selection and scrolling of a list: which item is selected,
 * which line is shown first, and how the keys move them. Plain arithmetic
 * with no curses, so it is unit-tested on its own (tests/unit/test_listview.c);
 * tui/widgets.c maps keys and the mouse wheel onto it and draws the rows.
 *
 * Contract: after any call, sel < count (or sel == 0 when count == 0), and
 * after list_view_show/list_view_follow the given line lies within
 * [top, top + visible) and top never leaves blank rows below the last line.
 */
#ifndef CHAINDECK_LISTVIEW_H
#define CHAINDECK_LISTVIEW_H

#include <stdbool.h>
#include <stddef.h>

struct list_view {
	size_t count; /* selectable items */
	size_t sel;   /* the selected item */
	size_t top;   /* the first line shown */
	size_t page;  /* rows the list had on its last draw: what PgUp/PgDn move by */
};

enum list_move { LIST_UP, LIST_DOWN, LIST_PAGE_UP, LIST_PAGE_DOWN, LIST_HOME, LIST_END };

/* Sets the number of items; the selection is kept, or moved to the last item if it fell off. */
void list_view_set_count(struct list_view *v, size_t count);
/* Moves the selection (a page is v->page rows, at least 1). True when the selection changed. */
bool list_view_move(struct list_view *v, enum list_move m);
/*
 * Scrolls a view of `visible` rows over `lines` lines so that `line` is on it,
 * moving top as little as possible. For lists whose items take one line each,
 * list_view_follow does it for the selection.
 */
void list_view_show(struct list_view *v, size_t line, size_t visible, size_t lines);
/* One line per item: keeps the selection on a view of `visible` rows and remembers the page. */
void list_view_follow(struct list_view *v, size_t visible);
/*
 * A view with no selection (a help text, a log): count is its lines and page the rows it had on
 * its last draw (list_view_frame sets both). list_view_scroll moves top itself by a line, a page
 * or to either end, never leaving blank rows below the last line; true when top changed.
 */
bool list_view_scroll(struct list_view *v, enum list_move m);
/* Before drawing such a view: its lines and rows now, top clamped to them (after a resize too). */
void list_view_frame(struct list_view *v, size_t lines, size_t visible);

#endif
