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

/* One row of the global key table's help: the key as shown, and what it does. */
struct key_help {
	const char *key;
	const char *help;
};

#define PANE_KEY_CODES 6

/*
 * One key binding of a pane, as data: the codes it answers (wide-character
 * codes or KEY_*, 0-terminated), what it does in words, and the function that
 * does it (fn gets the code pressed, so one row may bind several related keys).
 * The help screen, `--keys` and the man page check all read these rows, and the
 * names shown are made from the codes (pane_key_name), so what the help says a
 * key is and the key that acts cannot differ.
 */
struct pane_key {
	int codes[PANE_KEY_CODES];
	const char *help;
	int (*fn)(void *state, struct app *app, int key); /* returns enum pane_reaction */
};

struct pane_ops {
	const char *name; /* tab title */
	/* Creates the pane's state; 0 or negative with a message in err. */
	int (*init)(struct app *app, void **state, char *err, size_t errlen);
	void (*fini)(void *state);
	/* Draws the whole pane into win (already erased). */
	void (*draw)(void *state, struct app *app, WINDOW *win);
	/*
	 * A key (wide-character code or KEY_*) for this pane; returns enum pane_reaction.
	 * A pane with rows runs pane_key_run from here once its modal state (a prompt)
	 * has had its say.
	 */
	int (*key)(void *state, struct app *app, int key);
	const struct pane_key *rows; /* this pane's bindings: the only place a pane declares its keys */
	size_t nrows;
	/*
	 * The dashboard selected another node and main rebuilt the models that follow
	 * it (app->explorer): drop what belonged to the old one. NULL: the pane does not follow.
	 */
	void (*follow_node)(void *state, struct app *app);
};

/* The row of `rows` that binds `key`, or NULL. */
const struct pane_key *pane_key_find(const struct pane_key *rows, size_t n, int key);
/* Runs the row of `rows` that binds `key`; PANE_IGNORED when none does. */
int pane_key_run(const struct pane_key *rows, size_t n, void *state, struct app *app, int key);
/* A row's keys as shown ("Esc Bksp h"): each code's name once, in the row's order. */
void pane_key_label(const struct pane_key *row, char *buf, size_t cap);
/* The pane's help rows, made from its bindings: row i, into key/cap. */
size_t pane_help_count(const struct pane_ops *p);
void pane_help_row(const struct pane_ops *p, size_t i, char *key, size_t cap, const char **help);

#endif
