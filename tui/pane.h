/*
 * pane — what a pane is: a const table of operations, registered in one
 * array (tui/main.c). The shell owns the screen and the loop; a pane owns
 * its state, draws into the window it is given and answers keys.
 *
 * Handlers never draw outside draw(); they return what changed and the
 * shell redraws once per loop iteration.
 */
#ifndef CHAINDECK_PANE_H
#define CHAINDECK_PANE_H

#include <stddef.h>

#include <curses.h>

struct app;

/* What a key handler did. */
enum pane_reaction {
	PANE_IGNORED = 0,  /* not a key of this pane: the shell may try its own */
	PANE_CONSUMED = 1, /* handled, nothing visible changed */
	PANE_REDRAW = 2,   /* handled, redraw */
};

/* One row of the help screen: the key as shown, and what it does. */
struct key_help {
	const char *key;
	const char *help;
};

struct pane_ops {
	const char *name; /* tab title */
	/* Creates the pane's state; 0 or negative with a message in err. */
	int (*init)(struct app *app, void **state, char *err, size_t errlen);
	void (*fini)(void *state);
	/* Draws the whole pane into win (already erased). */
	void (*draw)(void *state, struct app *app, WINDOW *win);
	/* A key (wide-character code or KEY_*) for this pane; returns enum pane_reaction. */
	int (*key)(void *state, struct app *app, int key);
	const struct key_help *keys; /* this pane's keys, for the help screen */
	size_t nkeys;
};

extern const struct pane_ops dashboard_pane_ops;
extern const struct pane_ops explorer_pane_ops;
extern const struct pane_ops wallet_pane_ops;

#endif
