/*
 * listview — selection and scrolling arithmetic of the panes' lists (the
 * wallet's accounts, the explorer's blocks and documents, the dashboard's
 * nodes). No curses: see tui/listview.h for the contract.
 */
#include "tui/listview.h"

void list_view_set_count(struct list_view *v, size_t count)
{
	v->count = count;
	if (!count)
		v->sel = 0;
	else if (v->sel >= count)
		v->sel = count - 1;
}

bool list_view_move(struct list_view *v, enum list_move m)
{
	size_t old = v->sel, page = v->page ? v->page : 1;

	if (!v->count)
		return false;
	switch (m) {
	case LIST_UP:
		if (v->sel)
			v->sel--;
		break;
	case LIST_DOWN:
		if (v->sel + 1 < v->count)
			v->sel++;
		break;
	case LIST_PAGE_UP:
		v->sel = v->sel > page ? v->sel - page : 0;
		break;
	case LIST_PAGE_DOWN:
		v->sel = v->count - 1 - v->sel > page ? v->sel + page : v->count - 1;
		break;
	case LIST_HOME:
		v->sel = 0;
		break;
	case LIST_END:
		v->sel = v->count - 1;
		break;
	}
	return v->sel != old;
}

void list_view_show(struct list_view *v, size_t line, size_t visible, size_t lines)
{
	if (!visible)
		visible = 1;
	if (line < v->top)
		v->top = line;
	else if (line >= v->top + visible)
		v->top = line - visible + 1;
	/* No blank rows below the last line when the view could show more of the list. */
	if (lines <= visible)
		v->top = 0;
	else if (v->top > lines - visible)
		v->top = lines - visible;
}

static size_t last_top(const struct list_view *v)
{
	size_t page = v->page ? v->page : 1;

	return v->count > page ? v->count - page : 0;
}

bool list_view_scroll(struct list_view *v, enum list_move m)
{
	size_t old = v->top, page = v->page ? v->page : 1, end = last_top(v);

	switch (m) {
	case LIST_UP:
		if (v->top)
			v->top--;
		break;
	case LIST_DOWN:
		v->top++;
		break;
	case LIST_PAGE_UP:
		v->top = v->top > page ? v->top - page : 0;
		break;
	case LIST_PAGE_DOWN:
		v->top += page;
		break;
	case LIST_HOME:
		v->top = 0;
		break;
	case LIST_END:
		v->top = end;
		break;
	}
	if (v->top > end)
		v->top = end;
	return v->top != old;
}

void list_view_frame(struct list_view *v, size_t lines, size_t visible)
{
	v->count = lines;
	v->page = visible ? visible : 1;
	v->sel = 0;
	if (v->top > last_top(v))
		v->top = last_top(v);
}

void list_view_follow(struct list_view *v, size_t visible)
{
	v->page = visible ? visible : 1;
	list_view_set_count(v, v->count);
	list_view_show(v, v->sel, visible, v->count);
}
