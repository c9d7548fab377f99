/*
 * termcheck — refuses a terminal the full-screen interface cannot use, before curses starts:
 * TERM unset, unknown to terminfo, or without cursor addressing (TERM=dumb). Curses would start
 * on such a terminal anyway and draw a single frozen line. Kept apart from screen.c because
 * <term.h> defines capability macros (lines, columns, bell) that clash with ordinary names.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <term.h>
#include <unistd.h>

#include "tui/screen.h"

static bool has_cap(const char *name)
{
	const char *s = tigetstr(name);

	return s && s != (const char *)-1;
}

int screen_terminal_usable(char *err, size_t errlen)
{
	const char *term = getenv("TERM");
	const char *hint = "set TERM to your terminal's type, e.g. TERM=xterm-256color";
	int errret = 0;
	bool ok;

	if (!term || !*term) {
		snprintf(err, errlen, "TERM is not set, so the terminal's type is unknown: %s", hint);
		return -1;
	}
	if (setupterm(NULL, STDOUT_FILENO, &errret) != OK) {
		snprintf(err, errlen, "the terminal type TERM=%s is unknown to terminfo: %s", term, hint);
		return -1;
	}
	ok = has_cap("cup") && has_cap("clear");
	del_curterm(cur_term);
	if (!ok) {
		snprintf(err, errlen,
		         "the terminal type TERM=%s cannot move the cursor, which the full-screen interface "
		         "needs: %s",
		         term, hint);
		return -1;
	}
	return 0;
}
