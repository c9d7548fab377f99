/*
 * fsutil — atomic replace of small private files, reading them back only
 * when no other user could have written them, and the same replace on a
 * worker thread for the loop. See fsutil.h for the contracts.
 */
#include "common/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

int fsutil_sibling(char *out, size_t cap, const char *path, const char *name)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	int n = snprintf(out, cap, "%.*s%s", (int)dl, path, name);

	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Creates dir and its missing parents, 0700; -1 with errno if one is not a directory. */
static int mkdir_parents(char *dir)
{
	for (char *p = dir + 1;; p++) {
		char c;

		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0) {
			struct stat st;
			int e = errno;

			if (e == EEXIST && stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
				e = ENOTDIR;
			if (e != EEXIST) {
				*p = c;
				errno = e;
				return -1;
			}
		}
		*p = c;
		if (c == '\0')
			return 0;
	}
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int fsutil_replace(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char dir[4096], tmp[4200];
	int fd, dfd, e;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return fail(err, errlen, FSUTIL_EIO, "%s: path too long", path);
	if (strcmp(dir, ".") != 0 && strcmp(dir, "/") != 0 && mkdir_parents(dir) != 0)
		return fail(err, errlen, FSUTIL_EIO, "%s: cannot create directory: %s", dir, strerror(errno));
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, slash ? slash + 1 : path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return fail(err, errlen, FSUTIL_EIO, "%s: cannot create a temporary file: %s", dir, strerror(errno));
	if (fchmod(fd, 0600) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		return fail(err, errlen, FSUTIL_EIO, "%s: cannot write: %s", path, strerror(e));
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		return fail(err, errlen, FSUTIL_EIO, "%s: cannot write: %s", path, strerror(e));
	}
	/* The rename is only durable once the directory is: a failure here is a failure (see fsutil.h). */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) != 0) {
		e = errno;
		if (dfd >= 0)
			close(dfd);
		return fail(err, errlen, FSUTIL_EIO, "%s: written, but syncing the directory failed (%s): it may not survive a crash",
		            path, strerror(e));
	}
	close(dfd);
	return FSUTIL_OK;
}

int fsutil_read_private(const char *path, size_t max, char **out, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	size_t n = 0;
	int fd;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return FSUTIL_ENOENT;
	if (fd < 0)
		return fail(err, errlen, errno == ELOOP ? FSUTIL_EPERM : FSUTIL_EIO, "%s: cannot open: %s", path,
		            errno == ELOOP ? "it is a symbolic link" : strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errlen, FSUTIL_EIO, "%s: not a regular file", path);
	}
	if (st.st_uid != geteuid()) {
		close(fd);
		return fail(err, errlen, FSUTIL_EPERM, "%s: owned by another user (uid %u): not loaded", path,
		            (unsigned)st.st_uid);
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		return fail(err, errlen, FSUTIL_EPERM, "%s: writable by group or others (mode %03o): not loaded; chmod 600 it",
		            path, (unsigned)(st.st_mode & 0777));
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return fail(err, errlen, FSUTIL_ETOOBIG, "%s: larger than %zu bytes", path, max);
	}
	buf = malloc((size_t)st.st_size + 2);
	if (!buf) {
		close(fd);
		return fail(err, errlen, FSUTIL_EIO, "out of memory");
	}
	/* at most one byte past the size: a file that grows meanwhile is refused */
	while (n < (size_t)st.st_size + 1) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			free(buf);
			return fail(err, errlen, FSUTIL_EIO, "%s: cannot read: %s", path, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > (size_t)st.st_size) {
		free(buf);
		return fail(err, errlen, FSUTIL_EIO, "%s: changed while being read", path);
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return FSUTIL_OK;
}

/* ---- on a worker thread ---- */

struct fsutil_save {
	struct loop *loop;
	pthread_t thread;
	bool joined;
	bool orphaned;
	char *path;
	char *data;
	size_t len;
	int rc;
	char err[300];
	void (*done)(void *ud, int rc, const char *err);
	void *ud;
};

static void save_done(void *ud)
{
	struct fsutil_save *s = ud;

	if (!s->joined)
		pthread_join(s->thread, NULL);
	if (!s->orphaned)
		s->done(s->ud, s->rc, s->err);
	free(s->path);
	free(s);
}

static void *save_thread(void *arg)
{
	struct fsutil_save *s = arg;

	s->rc = fsutil_replace(s->path, s->data, s->len, s->err, sizeof(s->err));
	free(s->data);
	s->data = NULL;
	if (loop_post(s->loop, save_done, s) != 0)
		abort(); /* out of memory: the result cannot be handed back */
	return NULL;
}

struct fsutil_save *fsutil_save_start(struct loop *loop, const char *path, char *data, size_t len,
                                      void (*done)(void *ud, int rc, const char *err), void *ud)
{
	struct fsutil_save *s = calloc(1, sizeof(*s));

	if (s)
		s->path = strdup(path);
	if (!s || !s->path) {
		free(s);
		free(data);
		return NULL;
	}
	s->loop = loop;
	s->data = data;
	s->len = len;
	s->done = done;
	s->ud = ud;
	if (pthread_create(&s->thread, NULL, save_thread, s) != 0) {
		free(s->path);
		free(s);
		free(data);
		return NULL;
	}
	return s;
}

void fsutil_save_orphan(struct fsutil_save *s)
{
	if (!s)
		return;
	pthread_join(s->thread, NULL);
	s->joined = true;
	s->orphaned = true;
}
