/*
 * screen — curses start and stop, colours and styles, and the frame around
 * the panes: tab bar, status line, help overlay. Contract in screen.h.
 */
#include "tui/screen.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "tui/app.h"
#include "tui/keys.h"
#include "tui/pane.h"
#include "tui/widgets.h"

static WINDOW *tab_win, *pane_win, *status_win;
static bool started;

/* One table for both modes: colour pair and attribute, or a plain attribute under NO_COLOR. */
static const struct {
	short fg, bg;
	int attr; /* with colour */
	int mono; /* without */
} style_map[] = {
	[STYLE_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[STYLE_TITLE] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[STYLE_LABEL] = { -1, -1, A_DIM, A_NORMAL },
	[STYLE_DIM] = { -1, -1, A_DIM, A_DIM },
	[STYLE_OK] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[STYLE_WARN] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[STYLE_BAD] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_REVERSE },
	[STYLE_TAB] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_NORMAL },
	[STYLE_TAB_ACTIVE] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD },
	[STYLE_STATUS] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE },
	[STYLE_BAR] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
};
#define NSTYLES (sizeof(style_map) / sizeof(style_map[0]))

int tui_attr(const struct app *app, enum tui_style style)
{
	if ((size_t)style >= NSTYLES)
		return A_NORMAL;
	if (!app->color)
		return style_map[style].mono;
	return style_map[style].attr | COLOR_PAIR((short)style + 1);
}

static void init_colors(struct app *app)
{
	const char *nc = getenv("NO_COLOR");

	/* no-color.org: present and not empty disables colour. */
	app->color = !(nc && *nc) && has_colors();
	if (!app->color)
		return;
	start_color();
	use_default_colors();
	for (size_t s = 0; s < NSTYLES; s++)
		init_pair((short)(s + 1), style_map[s].fg, style_map[s].bg);
}

static void make_windows(void)
{
	int rows = LINES, cols = COLS;
	int body = rows - 2 > 1 ? rows - 2 : 1;

	if (tab_win)
		delwin(tab_win);
	if (pane_win)
		delwin(pane_win);
	if (status_win)
		delwin(status_win);
	tab_win = newwin(1, cols, 0, 0);
	pane_win = newwin(body, cols, 1, 0);
	status_win = newwin(1, cols, rows > 1 ? rows - 1 : 0, 0);
}

int screen_init(struct app *app, char *err, size_t errlen)
{
	const char *cs;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "chaindeck needs a terminal (stdin and stdout must be a tty)");
		return -1;
	}
	if (screen_terminal_usable(err, errlen) != 0)
		return -1;
	cs = nl_langinfo(CODESET);
	app->utf8 = cs && strcmp(cs, "UTF-8") == 0;
	/* Short escape delay so Esc answers at once; honour a user's own setting. */
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	if (!initscr()) {
		snprintf(err, errlen, "cannot initialise the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	started = true;
	cbreak();
	noecho();
	nonl();
	curs_set(0);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* Clicks select tabs; the wheel (buttons 4 and 5) scrolls lists. */
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	init_colors(app);
	make_windows();
	return 0;
}

void screen_fini(void)
{
	if (!started)
		return;
	started = false;
	if (tab_win)
		delwin(tab_win);
	if (pane_win)
		delwin(pane_win);
	if (status_win)
		delwin(status_win);
	tab_win = pane_win = status_win = NULL;
	endwin();
}

void screen_resize(struct app *app)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	make_windows();
	clearok(curscr, TRUE);
	app_mark_dirty(app);
}

/* Tabs are " N Name " cells laid out left to right; the same walk draws and hit-tests. */
static int tab_width(const struct app *app, size_t i)
{
	return (int)strlen(app->panes[i]->name) + 5;
}

int screen_tab_at(const struct app *app, int x)
{
	int col = 1;

	for (size_t i = 0; i < app->npanes; i++) {
		int w = tab_width(app, i);

		if (x >= col && x < col + w)
			return (int)i;
		col += w + 1;
	}
	return -1;
}

static void draw_tabs(struct app *app)
{
	int col = 1;
	const char *title = " chaindeck ";

	wbkgdset(tab_win, ' ' | tui_attr(app, STYLE_TAB));
	werase(tab_win);
	for (size_t i = 0; i < app->npanes; i++) {
		int w = tab_width(app, i);

		wattrset(tab_win, tui_attr(app, i == app->active ? STYLE_TAB_ACTIVE : STYLE_TAB));
		mvwprintw(tab_win, 0, col, " %zu %s  ", i + 1, app->panes[i]->name);
		col += w + 1;
	}
	wattrset(tab_win, tui_attr(app, STYLE_TAB));
	if (COLS - col > (int)strlen(title) + 8)
		mvwprintw(tab_win, 0, COLS - (int)strlen(title) - 8, "%s? help", title);
	wnoutrefresh(tab_win);
}

static void draw_status(struct app *app)
{
	char line[512];

	wbkgdset(status_win, ' ' | tui_attr(app, STYLE_STATUS));
	werase(status_win);
	wattrset(status_win, tui_attr(app, STYLE_STATUS));
	widget_status_text(app, line, sizeof(line));
	mvwaddnstr(status_win, 0, 1, line, COLS > 2 ? COLS - 2 : 0);
	wnoutrefresh(status_win);
}

/* Help line i: the global keys, then "<Pane> pane:", then the pane's keys. */
static void help_line(struct app *app, WINDOW *win, int y, int w, size_t i)
{
	const struct pane_ops *p = app->panes[app->active];
	size_t nglobal;
	const struct key_help *global = keys_global_help(&nglobal);
	char key[64];
	const char *help;

	if (i == nglobal) {
		wattrset(win, tui_attr(app, STYLE_LABEL));
		mvwprintw(win, y, 2, "%s pane:", p->name);
		return;
	}
	if (i < nglobal) {
		snprintf(key, sizeof(key), "%s", global[i].key);
		help = global[i].help;
	} else {
		pane_help_row(p, i - nglobal - 1, key, sizeof(key), &help);
	}
	wattrset(win, tui_attr(app, STYLE_TITLE));
	mvwprintw(win, y, 2, "%-10s", key);
	wattrset(win, tui_attr(app, STYLE_NORMAL));
	mvwaddnstr(win, y, 13, help, w - 15);
}

/*
 * The help overlay. When the terminal is too short for every line, it scrolls (help_key) and
 * says so: "more" marks on its frame and how to scroll at the bottom.
 */
static void draw_help(struct app *app)
{
	const struct pane_ops *p = app->panes[app->active];
	size_t nglobal, lines, rows;
	int h, w, y = 1;
	WINDOW *win;

	keys_global_help(&nglobal);
	lines = nglobal + (pane_help_count(p) ? 1 + pane_help_count(p) : 0);
	rows = lines + 2;
	h = (int)rows < LINES - 2 ? (int)rows : LINES - 2;
	w = COLS < 80 ? COLS : 80; /* 80 columns show a help text of 65 characters whole */
	if (h < 3 || w < 20)
		return;
	list_view_frame(&app->help_view, lines, (size_t)(h - 2));
	win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	if (!win)
		return;
	werase(win);
	box(win, 0, 0);
	wattrset(win, tui_attr(app, STYLE_TITLE));
	mvwprintw(win, 0, 2, " Keys %s %s ", app->utf8 ? "\xe2\x80\x94" : "-", p->name);
	for (size_t i = app->help_view.top; i < lines && y < h - 1; i++, y++)
		help_line(app, win, y, w, i);
	wattrset(win, tui_attr(app, STYLE_DIM));
	mvwaddnstr(win, h - 1, 2, lines > (size_t)(h - 2) ? " j/k scrolls, others close " : " any key closes ", w - 4);
	wattrset(win, A_NORMAL);
	widget_scroll_marks(app, win, 0, h - 1, w - 1, &app->help_view);
	wnoutrefresh(win);
	delwin(win);
}

bool screen_help_key(struct app *app, int key)
{
	if (app->help_view.count <= app->help_view.page)
		return false;
	return list_view_scroll_key(&app->help_view, key);
}

void screen_draw(struct app *app)
{
	const struct pane_ops *p = app->panes[app->active];

	draw_tabs(app);
	werase(pane_win);
	wattrset(pane_win, A_NORMAL);
	if (LINES >= 3 && COLS >= 20)
		p->draw(app->pane_state[app->active], app, pane_win);
	else
		mvwaddstr(pane_win, 0, 0, "terminal too small");
	wnoutrefresh(pane_win);
	draw_status(app);
	if (app->show_help)
		draw_help(app);
	doupdate();
}
