/*
 * widgets — small drawing helpers shared by the panes. Curses-side only.
 */
#ifndef CHAINDECK_WIDGETS_H
#define CHAINDECK_WIDGETS_H

#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "tui/screen.h"

struct app;

/* "Label        " in the label style at (y, x), padded to width; returns the column after it. */
int widget_label(struct app *app, WINDOW *w, int y, int x, const char *label, int width);
/* Text in a style at (y, x), cut to the window's width. */
void widget_text(struct app *app, WINDOW *w, int y, int x, enum tui_style style, const char *text);
/* A bar of `width` cells filled a/b of the way ("[#####-----]" in ASCII). */
void widget_bar(struct app *app, WINDOW *w, int y, int x, int width, uint64_t a, uint64_t b);
/* The status line's text for the selected node. */
void widget_status_text(struct app *app, char *buf, size_t cap);

#endif
