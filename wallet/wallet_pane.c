/*
 * The wallet pane. Accounts, balances, sending and receiving arrive with the
 * wallet; until then the pane says so.
 */
#include "tui/app.h"
#include "tui/pane.h"
#include "tui/widgets.h"

static int wallet_init(struct app *app, void **state, char *err, size_t errlen)
{
	(void)app;
	(void)err;
	(void)errlen;
	*state = NULL;
	return 0;
}

static void wallet_fini(void *state)
{
	(void)state;
}

static void wallet_draw(void *state, struct app *app, WINDOW *w)
{
	(void)state;
	widget_text(app, w, 1, 2, STYLE_TITLE, "Wallet");
	widget_text(app, w, 3, 2, STYLE_DIM, "Coming soon: accounts, balances, history, send and receive.");
}

const struct pane_ops wallet_pane_ops = {
	.name = "Wallet",
	.init = wallet_init,
	.fini = wallet_fini,
	.draw = wallet_draw,
};
