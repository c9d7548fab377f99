/*
 * keys — the global key table and its dispatch; --keys and the help overlay
 * print from the same rows. Contract in keys.h.
 */
#include "tui/keys.h"

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

void keys_print(FILE *out, const struct pane_ops *const *panes, size_t npanes)
{
	size_t n;
	const struct key_help *g = keys_global_help(&n);

	fprintf(out, "Everywhere:\n");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-10s %s\n", g[i].key, g[i].help);
	for (size_t p = 0; p < npanes; p++) {
		if (!panes[p]->nkeys)
			continue;
		fprintf(out, "%s pane:\n", panes[p]->name);
		for (size_t i = 0; i < panes[p]->nkeys; i++)
			fprintf(out, "  %-10s %s\n", panes[p]->keys[i].key, panes[p]->keys[i].help);
	}
}
