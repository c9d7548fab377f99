/* The list widget's selection and scroll arithmetic (tui/listview.c). */
#include "tui/listview.h"
#include "tests/lib/test.h"

/* Thirty accounts on a view of ten rows: moving down past the last row scrolls by one. */
static void down_past_the_view_scrolls(void)
{
	struct list_view v = { 0 };

	list_view_set_count(&v, 30);
	for (int i = 0; i < 12; i++) {
		list_view_move(&v, LIST_DOWN);
		list_view_follow(&v, 10);
		CHECK(v.sel >= v.top && v.sel < v.top + 10);
	}
	CHECK_INT(v.sel, 12);
	CHECK_INT(v.top, 3);
}

static void up_above_the_view_scrolls(void)
{
	struct list_view v = { .sel = 20, .top = 15 };

	list_view_set_count(&v, 30);
	list_view_follow(&v, 10);
	CHECK_INT(v.top, 15);
	for (int i = 0; i < 6; i++)
		list_view_move(&v, LIST_UP);
	list_view_follow(&v, 10);
	CHECK_INT(v.sel, 14);
	CHECK_INT(v.top, 14);
}

static void ends_stop_and_do_not_wrap(void)
{
	struct list_view v = { 0 };

	list_view_set_count(&v, 3);
	CHECK(!list_view_move(&v, LIST_UP));
	CHECK_INT(v.sel, 0);
	list_view_move(&v, LIST_END);
	CHECK_INT(v.sel, 2);
	CHECK(!list_view_move(&v, LIST_DOWN));
	CHECK_INT(v.sel, 2);
	list_view_move(&v, LIST_HOME);
	CHECK_INT(v.sel, 0);
}

static void pages_move_by_the_visible_rows(void)
{
	struct list_view v = { 0 };

	list_view_set_count(&v, 30);
	list_view_follow(&v, 8);
	list_view_move(&v, LIST_PAGE_DOWN);
	CHECK_INT(v.sel, 8);
	list_view_move(&v, LIST_PAGE_DOWN);
	list_view_move(&v, LIST_PAGE_DOWN);
	list_view_move(&v, LIST_PAGE_DOWN);
	CHECK_INT(v.sel, 29); /* stops at the last item */
	list_view_follow(&v, 8);
	CHECK_INT(v.top, 22);
	list_view_move(&v, LIST_PAGE_UP);
	CHECK_INT(v.sel, 21);
	list_view_follow(&v, 8);
	CHECK_INT(v.top, 21);
	list_view_move(&v, LIST_PAGE_UP);
	list_view_move(&v, LIST_PAGE_UP);
	list_view_move(&v, LIST_PAGE_UP);
	CHECK_INT(v.sel, 0);
}

static void empty_list_is_safe(void)
{
	struct list_view v = { .sel = 5, .top = 4 };

	list_view_set_count(&v, 0);
	CHECK_INT(v.sel, 0);
	CHECK(!list_view_move(&v, LIST_DOWN));
	CHECK(!list_view_move(&v, LIST_END));
	list_view_follow(&v, 10);
	CHECK_INT(v.top, 0);
	list_view_follow(&v, 0); /* a window with no room for rows */
	CHECK_INT(v.top, 0);
}

static void shrinking_keeps_the_selection_in_range(void)
{
	struct list_view v = { 0 };

	list_view_set_count(&v, 30);
	list_view_move(&v, LIST_END);
	list_view_follow(&v, 10);
	CHECK_INT(v.top, 20);
	list_view_set_count(&v, 5);
	CHECK_INT(v.sel, 4);
	list_view_follow(&v, 10);
	CHECK_INT(v.top, 0); /* everything fits again: nothing scrolled off */
}

/* A list that grows taller than the view after a resize keeps no blank rows at the bottom. */
static void no_blank_rows_below_the_end(void)
{
	struct list_view v = { 0 };

	list_view_set_count(&v, 30);
	list_view_move(&v, LIST_END);
	list_view_follow(&v, 5);
	CHECK_INT(v.top, 25);
	list_view_follow(&v, 20); /* the terminal grew */
	CHECK_INT(v.top, 10);
	CHECK(v.sel >= v.top && v.sel < v.top + 20);
}

/* Documents: a selected line among non-selectable lines, in a view with a fixed header. */
static void show_keeps_a_document_line_visible(void)
{
	struct list_view v = { 0 };

	list_view_show(&v, 40, 15, 60);
	CHECK_INT(v.top, 26);
	list_view_show(&v, 30, 15, 60);
	CHECK_INT(v.top, 26); /* already visible: no jump */
	list_view_show(&v, 3, 15, 60);
	CHECK_INT(v.top, 3);
	list_view_show(&v, 59, 15, 60);
	CHECK_INT(v.top, 45);
}

/* Seven nodes at the bottom of a 5-row view, then the terminal grows to 97 rows: all seven show. */
static void growing_the_view_at_the_end_shows_every_item(void)
{
	struct list_view v = { 0 };

	list_view_set_count(&v, 7);
	list_view_follow(&v, 5);
	list_view_move(&v, LIST_END);
	list_view_follow(&v, 5);
	CHECK_INT(v.top, 2);
	list_view_follow(&v, 97);
	CHECK_INT(v.top, 0);
	CHECK_INT(v.sel, 6);
}

/* A view with no selection (the help, the alert log): top moves itself and stops at the end. */
static void scrolling_a_text_moves_top_and_stops_at_the_end(void)
{
	struct list_view v = { 0 };

	list_view_frame(&v, 20, 6);
	CHECK(!list_view_scroll(&v, LIST_UP));
	CHECK(list_view_scroll(&v, LIST_DOWN));
	CHECK_INT(v.top, 1);
	CHECK(list_view_scroll(&v, LIST_PAGE_DOWN));
	CHECK_INT(v.top, 7);
	CHECK(list_view_scroll(&v, LIST_END));
	CHECK_INT(v.top, 14); /* the last 6 of 20 lines */
	CHECK(!list_view_scroll(&v, LIST_DOWN));
	CHECK(!list_view_scroll(&v, LIST_PAGE_DOWN));
	CHECK_INT(v.top, 14);
	CHECK(list_view_scroll(&v, LIST_PAGE_UP));
	CHECK_INT(v.top, 8);
	CHECK(list_view_scroll(&v, LIST_HOME));
	CHECK_INT(v.top, 0);
	/* scrolled to the end, then the terminal grows: no blank rows, everything from the top */
	list_view_scroll(&v, LIST_END);
	list_view_frame(&v, 20, 30);
	CHECK_INT(v.top, 0);
	/* a text that fits does not scroll */
	CHECK(!list_view_scroll(&v, LIST_DOWN));
	CHECK(!list_view_scroll(&v, LIST_END));
}

static const struct test_case cases[] = {
	{ "down_past_the_view_scrolls", down_past_the_view_scrolls },
	{ "up_above_the_view_scrolls", up_above_the_view_scrolls },
	{ "ends_stop_and_do_not_wrap", ends_stop_and_do_not_wrap },
	{ "pages_move_by_the_visible_rows", pages_move_by_the_visible_rows },
	{ "empty_list_is_safe", empty_list_is_safe },
	{ "shrinking_keeps_the_selection_in_range", shrinking_keeps_the_selection_in_range },
	{ "no_blank_rows_below_the_end", no_blank_rows_below_the_end },
	{ "show_keeps_a_document_line_visible", show_keeps_a_document_line_visible },
	{ "growing_the_view_at_the_end_shows_every_item", growing_the_view_at_the_end_shows_every_item },
	{ "scrolling_a_text_moves_top_and_stops_at_the_end", scrolling_a_text_moves_top_and_stops_at_the_end },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
