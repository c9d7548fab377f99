/*
 * The explorer pane. Live blocks, block / transaction / address views and
 * search arrive with the explorer; until then the pane says so.
 */
#include "tui/app.h"
#include "tui/pane.h"
#include "tui/widgets.h"

static int explorer_init(struct app *app, void **state, char *err, size_t errlen)
{
	(void)app;
	(void)err;
	(void)errlen;
	*state = NULL;
	return 0;
}

static void explorer_fini(void *state)
{
	(void)state;
}

static void explorer_draw(void *state, struct app *app, WINDOW *w)
{
	(void)state;
	widget_text(app, w, 1, 2, STYLE_TITLE, "Block explorer");
	widget_text(app, w, 3, 2, STYLE_DIM, "Coming soon: live blocks, transactions, addresses and search.");
}

const struct pane_ops explorer_pane_ops = {
	.name = "Explorer",
	.init = explorer_init,
	.fini = explorer_fini,
	.draw = explorer_draw,
};
