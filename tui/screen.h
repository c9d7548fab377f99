/*
 * screen — curses setup and the frame around the panes: the tab bar (top
 * row), the status line (bottom row) and the help overlay. Only the loop
 * thread calls these.
 */
#ifndef CHAINDECK_SCREEN_H
#define CHAINDECK_SCREEN_H

#include <curses.h>

struct app;

/* Semantic styles; tui_attr maps them to colours, or to plain attributes under NO_COLOR. */
enum tui_style {
	STYLE_NORMAL,
	STYLE_TITLE,
	STYLE_LABEL,
	STYLE_DIM,
	STYLE_OK,
	STYLE_WARN,
	STYLE_BAD,
	STYLE_TAB,
	STYLE_TAB_ACTIVE,
	STYLE_STATUS,
	STYLE_BAR,
};

/*
 * 0 when $TERM names a terminal known to terminfo that can move the cursor and clear the screen;
 * else -1 with a message in err that names TERM and suggests one (TERM=dumb draws one frozen line).
 * In tui/termcheck.c, apart: <term.h> defines macros (lines, columns, bell) that clash with ours.
 */
int screen_terminal_usable(char *err, size_t errlen);
/* Starts curses. 0, or -1 with a message in err (not a terminal, an unusable TERM; too small is fine). */
int screen_init(struct app *app, char *err, size_t errlen);
/* Restores the terminal. Safe to call twice. */
void screen_fini(void);
/* Picks up a new terminal size (after SIGWINCH). */
void screen_resize(struct app *app);
/* A key while the help is shown: true when it scrolled the help (which is then not closed). */
bool screen_help_key(struct app *app, int key);
/* Draws everything and flushes once. */
void screen_draw(struct app *app);
/* The pane whose tab is at column x of the top row, or -1. */
int screen_tab_at(const struct app *app, int x);

int tui_attr(const struct app *app, enum tui_style style);

#endif
