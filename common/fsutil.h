/* SPDX-License-Identifier: MIT */
/*
 * fsutil — the one way chaindeck puts a file on disk durably, decides whether
 * a file it reads may be trusted, creates directories and finds the XDG
 * directories.
 *
 * Writing (fsutil_write, fsutil_replace): the new content goes to a temporary
 * file beside the target, named "<name>.tmp-XXXXXX" (six random characters),
 * which gets its mode, is written and fsync'd, then moved into place: rename
 * over the target, or, with FSUTIL_EXCLUSIVE, link(2) so that nothing already
 * there (a file, a symbolic link, a dangling one) is ever replaced. Then the
 * directory is fsync'd. A reader sees the old file or the new one, never a mix.
 *
 * What a failure means:
 *   - before the move: the target is untouched and the temporary removed;
 *   - the move happened but the directory fsync failed: CD_EIO, with a
 *     message saying the content is written but may not survive a crash. The
 *     new file stays in place (undoing it would take another rename and
 *     another directory sync, which can fail the same way); what is not known
 *     is whether a crash now would bring the old directory entry back. So the
 *     caller must not say "saved": it keeps the data as unsaved and the next
 *     save writes it again. This is the only answer, for every file chaindeck
 *     writes. A filesystem that cannot sync directories at all (fsync gives
 *     EINVAL) offers nothing more and counts as success.
 * Either way a failure means "not known to be on disk".
 *
 * Leftovers: only a kill -9 (or a crash) between creating the temporary and
 * moving it can leave one. Every write first removes the temporaries of the
 * same target that are older than a minute (regular files of the user, named
 * as above); younger ones may belong to a save running right now in another
 * process and are left alone.
 *
 * Reading (fsutil_read): the one way chaindeck reads a whole small file:
 * bounded in size, a regular file only (a FIFO or device never hangs it),
 * no symbolic link unless asked, optionally wiped when it may hold a secret,
 * and every failure a message that names the file.
 *
 * Trust (fsutil_check_trusted, fsutil_read with FSUTIL_TRUSTED): as ssh decides for its
 * own files, a file that steers the program must belong to the user running
 * chaindeck (or to root) and must not be writable by group or others;
 * otherwise another user could have written it.
 *
 * fsutil_save_start() runs fsutil_write on a worker thread (disk syncs can
 * take long and must never block the loop) and reports on the loop thread:
 * the one way the interface saves a file (the wallet's vault, token list and
 * pending transactions).
 */
#ifndef CHAINDECK_FSUTIL_H
#define CHAINDECK_FSUTIL_H

#include "common/error.h"

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "common/loop.h"

/*
 * Errors are the shared codes of common/error.h -- CD_ENOTFOUND (fsutil_read:
 * there is no such file, err untouched; fsutil_xdg_path: no home directory to
 * start from), CD_EIO (err says what failed), CD_EPERM (the file's owner or
 * mode is not safe, see above), CD_EEXIST (FSUTIL_EXCLUSIVE: something is
 * already at the path), CD_ESPACE (the caller's buffer is too small) -- and
 * this module's own:
 */
enum {
	FSUTIL_ETOOBIG = -801,  /* fsutil_read: larger than asked for */
	FSUTIL_ENOTFILE = -802  /* fsutil_read: a directory, FIFO or device, not a regular file */
};

/* Flags of fsutil_write and fsutil_read. */
enum {
	FSUTIL_EXCLUSIVE = 1u << 0, /* write: never replace anything at the path (CD_EEXIST) */
	FSUTIL_MKDIR = 1u << 1,     /* write: create missing parent directories, mode 0700 */
	FSUTIL_FOLLOW = 1u << 2,    /* read: follow a symbolic link (default: refuse one) */
	FSUTIL_TRUSTED = 1u << 3,   /* read: refuse a file fsutil_check_trusted refuses (CD_EPERM) */
	FSUTIL_WIPE = 1u << 4       /* read: it may hold a secret: wipe what a failure frees; free with fsutil_free_wiped */
};

/*
 * Writes len bytes of data to path as described above, the file with exactly
 * mode (whatever the umask). flags: FSUTIL_EXCLUSIVE, FSUTIL_MKDIR. Returns
 * CD_OK, CD_EEXIST (exclusive and something is there; nothing written)
 * or CD_EIO, with err set on failure. Not on the loop thread.
 */
int fsutil_write(const char *path, const void *data, size_t len, mode_t mode, unsigned flags, char *err,
                 size_t errlen);

/* fsutil_write(path, data, len, 0600, FSUTIL_MKDIR, ...): a private file, replaced. */
int fsutil_replace(const char *path, const void *data, size_t len, char *err, size_t errlen);

/*
 * Creates directory dir and its missing parents with mode (exactly, whatever
 * the umask); existing ones are left as they are. CD_OK, or CD_EIO
 * with err set (may be NULL) and errno saying why (ENOTDIR when a component
 * is not a directory).
 */
int fsutil_mkdirs(const char *dir, mode_t mode, char *err, size_t errlen);

/* fsutil_mkdirs of the directory path is in (nothing to do for "name" or "/name"). */
int fsutil_mkparents(const char *path, mode_t mode, char *err, size_t errlen);

/*
 * Whether the file st describes (an fstat of the opened file, so the file
 * checked is the file read) may be trusted, as above. CD_OK, or
 * CD_EPERM with a message that names path, says what is wrong and gives
 * the command that fixes it:
 *   "PATH: not loaded: writable by its group (fix: chmod go-w 'PATH')".
 */
int fsutil_check_trusted(const struct stat *st, const char *path, char *err, size_t errlen);

/*
 * Reads the regular file path whole (at most max bytes) into a malloc'd *out
 * of *len bytes with a NUL after them. Opened with O_NONBLOCK (a FIFO or a
 * device is refused, never waited on) and O_NOFOLLOW unless flags has
 * FSUTIL_FOLLOW. flags: FSUTIL_FOLLOW, FSUTIL_TRUSTED, FSUTIL_WIPE (above).
 * The buffer is allocated once, from the opened file's size, so no copy of
 * the content is left behind by a reallocation. Returns CD_OK;
 * CD_ENOTFOUND (no such file: often no error at all, so err is left as it
 * is and the caller words it; errno is ENOENT); CD_EPERM (a symbolic link refused, or
 * untrusted); FSUTIL_ETOOBIG; FSUTIL_ENOTFILE; CD_EIO (cannot open or
 * read, changed size while read, out of memory with errno ENOMEM). On
 * failure *out is NULL, *len 0 and err (may be NULL) says what, naming path:
 *   "PATH: cannot open: Permission denied", "PATH: not a regular file",
 *   "PATH: larger than MAX bytes", "PATH: not loaded: it is a symbolic link".
 */
int fsutil_read(const char *path, size_t max, unsigned flags, char **out, size_t *len, char *err, size_t errlen);

/* Wipes len bytes of buf (explicit_bzero: never optimised away), then frees it. NULL is fine. */
void fsutil_free_wiped(char *buf, size_t len);

/*
 * path with its last component replaced by name: ("/a/vault", "tokens") →
 * "/a/tokens"; a path without '/' gives name alone. -1 when it does not fit.
 */
int fsutil_sibling(char *out, size_t cap, const char *path, const char *name);

/* The home directory: $HOME if absolute, else the password database's if absolute, else NULL. */
const char *fsutil_home(void);

enum fsutil_xdg {
	FSUTIL_XDG_CONFIG, /* $XDG_CONFIG_HOME, else ~/.config */
	FSUTIL_XDG_STATE,  /* $XDG_STATE_HOME, else ~/.local/state */
	FSUTIL_XDG_DATA    /* $XDG_DATA_HOME, else ~/.local/share */
};

/*
 * "<base>/<tail>" in buf, base the XDG directory which: the variable when it
 * is absolute (a relative or empty one is ignored, as the XDG spec says), else
 * the default under fsutil_home(). Returns the length, CD_ENOTFOUND or
 * CD_ESPACE.
 */
int fsutil_xdg_path(char *buf, size_t cap, enum fsutil_xdg which, const char *tail);

struct fsutil_save;

/*
 * Writes data (taken over: freed by the job) to path with
 * fsutil_write(path, data, len, 0600, flags, ...) on a new thread: flags
 * FSUTIL_MKDIR gives fsutil_replace, FSUTIL_EXCLUSIVE a create that never
 * replaces. done(ud, rc, err) runs later on the loop thread (never from
 * inside this call), exactly once unless the job is orphaned; rc is
 * fsutil_write's, so CD_OK means the file is durably on disk. NULL (data
 * freed, done not called) when the thread cannot start. Two saves of one path
 * must not overlap: start the next from done.
 */
struct fsutil_save *fsutil_save_start(struct loop *loop, const char *path, char *data, size_t len, unsigned flags,
                                      void (*done)(void *ud, int rc, const char *err), void *ud);
/* Waits for the write to end and drops the callback (the owner is going away). On the loop thread. */
void fsutil_save_orphan(struct fsutil_save *s);

#endif
