/* SPDX-License-Identifier: MIT */
/*
 * addressbook — the user's labels for addresses, shared by the wallet and the
 * explorer.
 *
 * The file ($XDG_DATA_HOME/chaindeck/addressbook, see addressbook_default_path)
 * is small and strict, one entry per line:
 *
 *     # comment (the first non-blank character is '#')
 *     0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed<TAB>Treasury multisig
 *
 * The address is "0x" + 40 hex digits: all lowercase or all uppercase, or
 * mixed case that is the exact EIP-55 checksum (anything else is refused, so
 * a mistyped address is caught). Exactly one tab separates it from the label,
 * which runs to the end of the line. A label is 1..ADDRESSBOOK_LABEL_MAX bytes
 * of valid UTF-8 with no control character (C0, DEL, C1: so no tab, newline or
 * terminal escape) and none of Unicode's bidirectional or line-separator
 * format characters (U+061C, U+200E, U+200F, U+2028..U+202E, U+2066..U+2069),
 * which could make one label display as another. Blank lines are allowed; a
 * line may end in "\r\n"; each address may appear once. Addresses are compared
 * as bytes, so the case they are written in does not matter. Files are at most
 * ADDRESSBOOK_FILE_MAX bytes.
 *
 * A book is an opaque handle. Entries are kept sorted by address bytes;
 * lookups are a binary search. Out of memory aborts. Functions are not
 * thread-safe on one book; separate books are independent.
 *
 * Errors: functions return CD_OK or a negative ADDRESSBOOK_E*, and
 * when they take err[errlen] write a one-line English message into it (always
 * NUL-terminated when errlen > 0; err may be NULL when errlen is 0).
 */
#ifndef CHAINDECK_ADDRESSBOOK_H
#define CHAINDECK_ADDRESSBOOK_H

#include "common/error.h"

#include <stddef.h>

#include "common/address.h"

/*
 * Errors are the shared codes of common/error.h: CD_EINVAL (malformed file,
 * invalid label or argument), CD_ENOTFOUND (no home directory to put the
 * default path in), CD_EIO (reading or writing a file failed; the message
 * names it and why), CD_ESPACE (caller's buffer too small), CD_EPERM (the
 * file belongs to another user or is writable by group/others).
 */

enum {
	ADDRESSBOOK_LABEL_MAX = 64,       /* bytes, without the NUL */
	ADDRESSBOOK_FILE_MAX = 4 << 20    /* bytes per file; larger files are refused unread */
};

struct addressbook;

/* An empty book with no path. Never NULL (out of memory aborts). Free with addressbook_free. */
struct addressbook *addressbook_new(void);
/* Frees the book and every string it handed out. NULL is a no-op. */
void addressbook_free(struct addressbook *book);

/*
 * $XDG_DATA_HOME/chaindeck/addressbook, else $HOME/.local/share/chaindeck/addressbook
 * (a relative XDG_DATA_HOME is ignored, as the XDG spec says; with no HOME,
 * the password database's home). Returns the length written, CD_ENOTFOUND
 * or CD_ESPACE.
 */
int addressbook_default_path(char *buf, size_t cap);

/*
 * Reads the file at path and replaces the book's entries with it; the book
 * remembers path for addressbook_save. A missing file is an empty book. On
 * any error returns negative, writes "path:line: message" (or "path: message")
 * and leaves the book (entries and path) unchanged. A file owned by another
 * user (root excepted) or writable by group or others is not read:
 * CD_EPERM, with a message naming the file and the chmod/chown fix.
 */
int addressbook_load(struct addressbook *book, const char *path, char *err, size_t errlen);

/*
 * As addressbook_load on text[0..len) (any bytes; need not be NUL-terminated),
 * without touching the file system or the book's path. name_for_errors
 * prefixes messages (NULL: "addressbook").
 */
int addressbook_parse(struct addressbook *book, const char *text, size_t len,
		      const char *name_for_errors, char *err, size_t errlen);

/*
 * The label of addr, or NULL if the book has none. The string belongs to the
 * book: valid until the next addressbook_set, load, parse or free.
 */
const char *addressbook_get(const struct addressbook *book, const struct address *addr);

/*
 * Sets addr's label (NUL-terminated), replacing any earlier one; a NULL or ""
 * label removes the entry (removing an absent entry is not an error). An
 * invalid label (see above) is CD_EINVAL with a message saying why,
 * and the book is unchanged. Strings returned earlier by addressbook_get and
 * addressbook_entry become invalid. Only memory changes: see addressbook_save.
 */
int addressbook_set(struct addressbook *book, const struct address *addr, const char *label,
		    char *err, size_t errlen);

/*
 * Checks a label as addressbook_set does, without changing anything: 0, or
 * CD_EINVAL with a message ("label is longer than 64 bytes", ...).
 */
int addressbook_check_label(const char *label, char *err, size_t errlen);

/* Number of entries. */
size_t addressbook_count(const struct addressbook *book);

/*
 * Entry i (0 <= i < count) in address order: its address into *addr (when not
 * NULL); returns its label, owned by the book as for addressbook_get, or NULL
 * when i is out of range.
 */
const char *addressbook_entry(const struct addressbook *book, size_t i, struct address *addr);

/*
 * Writes the whole book to the path given to addressbook_load, atomically and
 * durably with fsutil_replace (common/fsutil.h): a temporary file in the same
 * directory (the directory, and any missing parent, created 0700), mode 0600,
 * fsync, rename over the path, fsync of the directory. Addresses are written
 * in EIP-55 form, in address order, under a one-line header comment; comments
 * of an earlier file are not kept, and changes another process made to the
 * file since it was loaded are overwritten. CD_EINVAL if the book has
 * no path; CD_EIO with a message if writing fails: before the rename
 * the file is untouched and no temporary file is left; when only the
 * directory sync failed the new content may or may not survive a crash, and
 * it is still reported as a failure.
 */
int addressbook_save(const struct addressbook *book, char *err, size_t errlen);

/* The path the book loads from and saves to, or NULL before addressbook_load. */
const char *addressbook_path(const struct addressbook *book);

#endif
