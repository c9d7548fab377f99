/* SPDX-License-Identifier: MIT */
/*
 * fsutil — the one way chaindeck replaces a small private file on disk and
 * reads one back.
 *
 * fsutil_replace() is an atomic replace: the new content goes to a temporary
 * file in the same directory (mode 0600), which is fsync'd, renamed over the
 * target, and then the directory is fsync'd. A reader sees the old file or
 * the new one, never a mix. The contract on failure:
 *   - before the rename: the target is untouched, the temporary file removed;
 *   - the rename happened but the directory fsync failed: reported as a
 *     failure ("may or may not be saved"): after a crash the directory entry
 *     may still point at the old content, so the caller must not say "saved".
 * Either way a failure means "not known to be on disk".
 *
 * fsutil_read_private() refuses, as ssh does, a file that another user could
 * have written: not a regular file, a symlink, owned by someone else, or
 * writable by group or others.
 *
 * fsutil_save_start() runs fsutil_replace on a worker thread (disk syncs can
 * take long and must never block the loop) and reports on the loop thread.
 */
#ifndef CHAINDECK_FSUTIL_H
#define CHAINDECK_FSUTIL_H

#include <stddef.h>

#include "common/loop.h"

enum {
	FSUTIL_OK = 0,
	FSUTIL_ENOENT = 1,     /* fsutil_read_private: there is no such file */
	FSUTIL_EIO = -1,       /* err says what failed */
	FSUTIL_EPERM = -2,     /* fsutil_read_private: the file's owner or mode is not safe */
	FSUTIL_ETOOBIG = -3
};

/*
 * Replaces path with len bytes of data, mode 0600, creating missing parent
 * directories (0700). FSUTIL_OK, or FSUTIL_EIO with err set (see above).
 */
int fsutil_replace(const char *path, const void *data, size_t len, char *err, size_t errlen);

/*
 * Reads path (at most max bytes) into a malloc'd, NUL-terminated *out. Does
 * not follow a symlink. FSUTIL_OK, FSUTIL_ENOENT (*out NULL), or a negative
 * code with err set.
 */
int fsutil_read_private(const char *path, size_t max, char **out, size_t *len, char *err, size_t errlen);

/*
 * path with its last component replaced by name: ("/a/vault", "tokens") →
 * "/a/tokens"; a path without '/' gives name alone. -1 when it does not fit.
 */
int fsutil_sibling(char *out, size_t cap, const char *path, const char *name);

struct fsutil_save;

/*
 * Writes data (taken over: freed by the job) to path with fsutil_replace on
 * a new thread. done(ud, rc, err) runs later on the loop thread, exactly once
 * unless the job is orphaned. NULL (data freed, done not called) when the
 * thread cannot start. Two saves of one path must not overlap: start the next
 * from done.
 */
struct fsutil_save *fsutil_save_start(struct loop *loop, const char *path, char *data, size_t len,
                                      void (*done)(void *ud, int rc, const char *err), void *ud);
/* Waits for the write to end and drops the callback (the owner is going away). On the loop thread. */
void fsutil_save_orphan(struct fsutil_save *s);

#endif
