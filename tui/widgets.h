/*
 * widgets — small drawing helpers shared by the panes. Curses-side only.
 */
#ifndef CHAINDECK_WIDGETS_H
#define CHAINDECK_WIDGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "common/stats.h"
#include "tui/listview.h"
#include "tui/screen.h"

struct app;

/* "Label        " in the label style at (y, x), padded to width; returns the column after it. */
int widget_label(struct app *app, WINDOW *w, int y, int x, const char *label, int width);
/*
 * One row of a details view: the label (label style) in columns 1..label_w, a
 * space, the value from column label_w + 2. Drawn only when 0 <= *y and *y is
 * above the window's last row (the pane's hint line); *y advances either way,
 * so a view scrolled above row 0, or taller than the window, lays out the same.
 * The explorer uses label_w 12 (a 66-character hash from column 14 ends at 79),
 * the dashboard 10; the wallet's rows (a 13-wide label, values from column 14)
 * are this with label_w 12.
 */
void widget_kv(struct app *app, WINDOW *w, int *y, int label_w, const char *label, enum tui_style st,
               const char *value);
/* Text in a style at (y, x), cut to the window's width. */
void widget_text(struct app *app, WINDOW *w, int y, int x, enum tui_style style, const char *text);
/* A bar of `width` cells filled a/b of the way ("[#####-----]" in ASCII). */
void widget_bar(struct app *app, WINDOW *w, int y, int x, int width, uint64_t a, uint64_t b);
/* The newest `width` samples of a ring as a sparkline, oldest left; scaled to the samples' maximum. */
void widget_sparkline(struct app *app, WINDOW *w, int y, int x, int width, const struct stats_ring *r);

/*
 * The panes' one list widget (tui/listview.h holds the arithmetic). A key
 * moves the selection: j/k and the arrows by one, PgUp/PgDn by a page,
 * Home/End to the ends, the mouse wheel by three. True when the key was one
 * of these (consumed); a mouse event that is not the wheel is put back for
 * the shell (tab clicks).
 */
bool list_view_key(struct list_view *v, int key);
/* The same keys for a view with no selection (list_view_scroll): true when the key scrolls it. */
bool list_view_scroll_key(struct list_view *v, int key);
/*
 * The "more" marks of a scrolled view on rows y_top and y_bottom, right-aligned at column x_end:
 * "more ↑" when lines are hidden above, "more ↓" when below (ASCII: ^ and v). Draws nothing for a
 * view that shows everything.
 */
void widget_scroll_marks(struct app *app, WINDOW *w, int y_top, int y_bottom, int x_end, const struct list_view *v);
/* The mark of a shortened figure (fmt_units_fit): an ellipsis, or "~" on a terminal without UTF-8. */
const char *widget_more(const struct app *app);
/*
 * Makes text exactly `width` columns (a table cell): cut, with widget_more's
 * mark in the last column when anything was cut, or padded with spaces.
 * printf's %-24s pads by bytes, which misaligns UTF-8 text.
 */
void widget_fit(const struct app *app, char *text, size_t cap, size_t width);
/* One row of a list: highlighted across the window's width when selected. */
void widget_list_row(struct app *app, WINDOW *w, int y, bool selected, enum tui_style style, const char *text);

/*
 * A one-line text editor for prompts. Feed it keys; it answers whether the
 * user finished (Enter), cancelled (Esc) or goes on. Text is UTF-8.
 */
enum line_edit_result { EDIT_CONTINUE, EDIT_DONE, EDIT_CANCEL };
struct line_edit {
	char prompt[48];
	char text[512];
	size_t len;
	bool secret;          /* drawn as '*': a password; wipe with line_edit_wipe after use */
};
void line_edit_start(struct line_edit *e, const char *prompt, const char *initial);
enum line_edit_result line_edit_key(struct line_edit *e, int key);
/*
 * Zeroes the text (a password must not linger in memory); for a secret one also
 * overwrites and empties ncurses' input queue, which held the typed bytes.
 */
void line_edit_wipe(struct line_edit *e);
/* Draws "prompt: text_" on row y, scrolled so the end of the text shows. */
void line_edit_draw(struct app *app, WINDOW *w, int y, const struct line_edit *e);

/* A pane's one-line feedback ("saved", "wrong EIP-55 checksum"), shown until the next key. */
struct notice {
	char text[200];
	bool bad;
};
void notice_set(struct notice *n, bool bad, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Draws it on row y in green or red; false (and draws nothing) when there is none. */
bool notice_draw(struct app *app, WINDOW *w, int y, const struct notice *n);

/* The status line's text for the selected node. */
void widget_status_text(struct app *app, char *buf, size_t cap);

#endif
