/*
 * keys — the shell's key bindings as data. The help overlay, `--keys`
 * and the man page's key list all come from this one table.
 */
#ifndef CHAINDECK_KEYS_H
#define CHAINDECK_KEYS_H

#include <stddef.h>
#include <stdio.h>

#include "tui/pane.h"

struct app;

/* Routes one key: help overlay first, then the active pane, then the global table. */
void keys_dispatch(struct app *app, int key);
/* The global bindings as help rows (static storage). */
const struct key_help *keys_global_help(size_t *n);
/* Prints every binding, global and per pane, as a plain table (for --keys and docs). */
void keys_print(FILE *out, const struct pane_ops *const *panes, size_t npanes);

#endif
