/*
 * keys — the shell's key table, the routing of a key (help overlay, active
 * pane, global table), and the pane key rows' names and help text.
 */
#include "tui/keys.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "tui/app.h"
#include "tui/screen.h"

struct key_action {
	int key;
	struct key_help help; /* an empty help.key hides an alias from the help screen */
	void (*fn)(struct app *app, int key);
};

static void act_next(struct app *app, int key)
{
	(void)key;
	app->active = (app->active + 1) % app->npanes;
}

static void act_prev(struct app *app, int key)
{
	(void)key;
	app->active = (app->active + app->npanes - 1) % app->npanes;
}

static void act_goto(struct app *app, int key)
{
	size_t i = (size_t)(key - '1');

	if (i < app->npanes)
		app->active = i;
}

static void act_help(struct app *app, int key)
{
	(void)key;
	app->show_help = true;
	app->help_view.top = 0;
}

static void act_quit(struct app *app, int key)
{
	(void)key;
	app->quit = true;
}

static void act_redraw(struct app *app, int key)
{
	(void)app;
	(void)key;
	clearok(curscr, TRUE);
}

static void act_mouse(struct app *app, int key)
{
	MEVENT ev;
	int tab;

	(void)key;
	if (getmouse(&ev) != OK || ev.y != 0)
		return;
	tab = screen_tab_at(app, ev.x);
	if (tab >= 0)
		app->active = (size_t)tab;
}

static const struct key_action global_keys[] = {
	{ '\t', { "Tab", "next pane" }, act_next },
	{ KEY_BTAB, { "S-Tab", "previous pane" }, act_prev },
	{ '1', { "1 2 3", "wallet, explorer, dashboard" }, act_goto },
	{ '2', { "", "" }, act_goto },
	{ '3', { "", "" }, act_goto },
	{ '?', { "?", "this help" }, act_help },
	{ 'q', { "q", "quit" }, act_quit },
	{ 12, { "Ctrl-L", "redraw the screen" }, act_redraw },
	{ KEY_MOUSE, { "click", "a tab selects its pane" }, act_mouse },
};

#define NGLOBAL (sizeof(global_keys) / sizeof(global_keys[0]))

const struct key_help *keys_global_help(size_t *n)
{
	static struct key_help rows[NGLOBAL];
	size_t k = 0;

	for (size_t i = 0; i < NGLOBAL; i++) {
		if (global_keys[i].help.key[0])
			rows[k++] = global_keys[i].help;
	}
	*n = k;
	return rows;
}

void keys_dispatch(struct app *app, int key)
{
	const struct pane_ops *p = app->panes[app->active];
	int r;

	if (app->show_help) {
		/* a help taller than the terminal scrolls with the list keys; any other key but a
		 * resize (which only redraws it) closes it */
		if (key != KEY_RESIZE && !screen_help_key(app, key))
			app->show_help = false;
		app_mark_dirty(app);
		return;
	}
	if (key == KEY_RESIZE)
		return;
	r = p->key ? p->key(app->pane_state[app->active], app, key) : PANE_IGNORED;
	if (r != PANE_IGNORED) {
		if (r & PANE_REDRAW)
			app_mark_dirty(app);
		return;
	}
	for (size_t i = 0; i < NGLOBAL; i++) {
		if (global_keys[i].key == key) {
			global_keys[i].fn(app, key);
			app_mark_dirty(app);
			return;
		}
	}
}

/* The name a key code is shown by; NULL for a code that is not a key of its own. */
static const char *code_name(int code, char *buf, size_t cap)
{
	static const struct {
		int code;
		const char *name;
	} names[] = {
		{ 27, "Esc" },           { '\n', "Enter" },        { '\r', "Enter" },      { KEY_ENTER, "Enter" },
		{ KEY_BACKSPACE, "Bksp" }, { 127, "Bksp" },         { 8, "Bksp" },           { '\t', "Tab" },
		{ KEY_BTAB, "S-Tab" },   { KEY_UP, "Up" },          { KEY_DOWN, "Down" },    { KEY_LEFT, "Left" },
		{ KEY_RIGHT, "Right" },  { KEY_PPAGE, "PgUp" },     { KEY_NPAGE, "PgDn" },   { KEY_HOME, "Home" },
		{ KEY_END, "End" },      { KEY_MOUSE, "wheel" },    { ' ', "Space" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].code == code)
			return names[i].name;
	}
	if (code > 0 && code < 32)
		snprintf(buf, cap, "Ctrl-%c", '@' + code);
	else if (code > 32 && code < 127)
		snprintf(buf, cap, "%c", code);
	else
		return NULL;
	return buf;
}

void pane_key_label(const struct pane_key *row, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < PANE_KEY_CODES && row->codes[i] && len < cap; i++) {
		char one[16], other[16];
		const char *name = code_name(row->codes[i], one, sizeof(one));
		bool seen = false;

		/* "Enter" once for \n, \r and KEY_ENTER. */
		for (size_t j = 0; name && j < i && !seen; j++) {
			const char *prev = code_name(row->codes[j], other, sizeof(other));

			seen = prev && strcmp(prev, name) == 0;
		}
		if (name && !seen)
			len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? " " : "", name);
	}
}

const struct pane_key *pane_key_find(const struct pane_key *rows, size_t n, int key)
{
	for (size_t r = 0; r < n; r++) {
		for (size_t i = 0; i < PANE_KEY_CODES && rows[r].codes[i]; i++) {
			if (rows[r].codes[i] == key)
				return &rows[r];
		}
	}
	return NULL;
}

int pane_key_run(const struct pane_key *rows, size_t n, void *state, struct app *app, int key)
{
	const struct pane_key *row = pane_key_find(rows, n, key);

	return row ? row->fn(state, app, key) : PANE_IGNORED;
}

size_t pane_help_count(const struct pane_ops *p)
{
	return p->nrows;
}

void pane_help_row(const struct pane_ops *p, size_t i, char *key, size_t cap, const char **help)
{
	pane_key_label(&p->rows[i], key, cap);
	*help = p->rows[i].help;
}

void keys_print(FILE *out, const struct pane_ops *const *panes, size_t npanes)
{
	size_t n;
	const struct key_help *g = keys_global_help(&n);

	fprintf(out, "Everywhere:\n");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-10s %s\n", g[i].key, g[i].help);
	for (size_t p = 0; p < npanes; p++) {
		size_t count = pane_help_count(panes[p]);

		if (!count)
			continue;
		fprintf(out, "%s pane:\n", panes[p]->name);
		for (size_t i = 0; i < count; i++) {
			char key[64];
			const char *help;

			pane_help_row(panes[p], i, key, sizeof(key), &help);
			fprintf(out, "  %-10s %s\n", key, help);
		}
	}
}
