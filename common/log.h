/* SPDX-License-Identifier: MIT */
/*
 * log — the log file. Never the terminal: curses owns it.
 *
 * The logger is the program's one piece of process-wide state (as in tmux's
 * log.c). Every function is thread-safe: a worker thread may log while the
 * loop thread does. Each line is written with one write(2) to a file opened
 * O_APPEND, so lines never interleave.
 *
 * The file is capped and rotated (log_set_max_size): at most two files,
 * path and path.1, each up to the cap.
 *
 * Line format: "2026-11-22T11:30:00.123Z WARN message" (UTC). In the message,
 * control characters (C0, DEL, C1), bidi controls (U+202E and the like, byte
 * by byte) and bytes that are not valid UTF-8 become \xNN and a backslash becomes \\, so text from a node can neither inject
 * terminal escapes nor fake a line. Messages longer than 8 KiB are cut and end
 * in "...".
 */
#ifndef CHAINDECK_LOG_H
#define CHAINDECK_LOG_H

#include <stdbool.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* log_open's refusals, beside -errno (all below any errno value). */
enum {
	LOG_ESYMLINK = -10001, /* path is a symbolic link: not followed */
	LOG_EOWNER = -10002,   /* the file belongs to another user */
	LOG_ELINKED = -10003   /* the file has more than one name (hard links) */
};

/*
 * Opens (or switches to) the log at path, keeping lines at min or more severe.
 * Creates missing parent directories 0700 and the file 0600 (O_CREAT, never
 * through a symbolic link: O_NOFOLLOW), appends to an existing regular file
 * of the caller's with a single name, tightening its mode to 0600 through the
 * open descriptor. Returns 0, or negative (-errno, or one of the LOG_E* codes
 * above) with the previous log, if any, still open.
 */
int log_open(const char *path, enum log_level min);
/* Words for log_open's negative result: "it is a symbolic link (...)", or strerror's. */
const char *log_open_strerror(int rc);
/*
 * The log's size cap, in bytes (LOG_MAX_DEFAULT until set; at least LOG_MAX_MIN). A line that
 * would take the file past it first rotates: the file is renamed to "<path>.1" (replacing an
 * older one) and a new, empty file is created at path (0600, O_EXCL, never through a link), so
 * the log takes at most twice the cap on disk. If the new file cannot be made, lines go on to
 * the old one (now "<path>.1"), and the next rotation is tried after another cap's worth.
 */
enum { LOG_MAX_MIN = 4096 };
#define LOG_MAX_DEFAULT ((unsigned long)10 << 20)
void log_set_max_size(unsigned long bytes);
/* Closes the log; later log_msg calls do nothing. Safe when not open. */
void log_close(void);
/* Whether a line at lvl would be written: lets callers skip costly formatting. */
bool log_enabled(enum log_level lvl);
/* Formats and writes one line; a no-op when the log is closed or lvl is below min. Keeps errno. */
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "error", "warn", "info", "debug" (any case; "warning" too) into *out; 0 or -1. */
int log_level_parse(const char *s, enum log_level *out);

#endif
