/*
 * fsutil — durable writes (atomic replace, exclusive create with a mode),
 * leftover-temporary cleanup, bounded whole-file reads, the ssh-like trust
 * check of files read back, directory creation, the home and XDG directories,
 * and the write on a worker thread for the loop. See fsutil.h for the
 * contracts.
 */
#include "common/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/errmsg.h"

enum {
	TMP_SUFFIX_LEN = 11,  /* ".tmp-XXXXXX" */
	STALE_SECONDS = 60    /* a temporary this old is no save in progress */
};

/* set_err, then rc, as one expression; set_err keeps errno, which fsutil_mkdirs' callers read. */
#define fail(err, errlen, rc, ...) (set_err(err, errlen, __VA_ARGS__), (rc))

int fsutil_sibling(char *out, size_t cap, const char *path, const char *name)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	int n = snprintf(out, cap, "%.*s%s", (int)dl, path, name);

	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* ---- directories and paths ---- */

/* The directory path is in ("." or "/" when there is none to take) into dir[cap]; -1 when too long. */
static int dir_of(char *dir, size_t cap, const char *path)
{
	const char *slash = strrchr(path, '/');
	int n;

	if (!slash)
		n = snprintf(dir, cap, ".");
	else if (slash == path)
		n = snprintf(dir, cap, "/");
	else
		n = snprintf(dir, cap, "%.*s", (int)(slash - path), path);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int fsutil_mkdirs(const char *dir, mode_t mode, char *err, size_t errlen)
{
	size_t n = strlen(dir);
	char *buf;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	buf = malloc(n + 1);
	if (!buf) {
		errno = ENOMEM;
		return fail(err, errlen, CD_EIO, "out of memory");
	}
	memcpy(buf, dir, n);
	buf[n] = '\0';
	for (char *p = buf + 1;; p++) {
		char c;

		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(buf, mode) == 0) {
			/* exactly mode: the umask may have taken bits away */
			if (chmod(buf, mode) != 0) {
				int rc = fail(err, errlen, CD_EIO, "%s: cannot set its mode: %s", buf, strerror(errno));

				free(buf);
				return rc;
			}
		} else {
			struct stat st;
			int e = errno;

			if (e == EEXIST && stat(buf, &st) == 0 && !S_ISDIR(st.st_mode))
				e = ENOTDIR;
			if (e != EEXIST) {
				int rc;

				errno = e;
				rc = fail(err, errlen, CD_EIO, "%s: cannot create directory: %s", buf, strerror(e));
				free(buf);
				return rc;
			}
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(buf);
	return CD_OK;
}

int fsutil_mkparents(const char *path, mode_t mode, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int rc;

	if (!slash || slash == path)
		return CD_OK;
	dir = strndup(path, (size_t)(slash - path));
	if (!dir) {
		errno = ENOMEM;
		return fail(err, errlen, CD_EIO, "out of memory");
	}
	rc = fsutil_mkdirs(dir, mode, err, errlen);
	free(dir);
	return rc;
}

const char *fsutil_home(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && home[0] == '/')
		return home;
	pw = getpwuid(getuid());
	if (pw && pw->pw_dir && pw->pw_dir[0] == '/')
		return pw->pw_dir;
	return NULL;
}

int fsutil_xdg_path(char *buf, size_t cap, enum fsutil_xdg which, const char *tail)
{
	static const struct {
		const char *var, *home_sub;
	} dirs[] = {
		[FSUTIL_XDG_CONFIG] = { "XDG_CONFIG_HOME", ".config" },
		[FSUTIL_XDG_STATE] = { "XDG_STATE_HOME", ".local/state" },
		[FSUTIL_XDG_DATA] = { "XDG_DATA_HOME", ".local/share" },
	};
	const char *base, *home;
	int n;

	if ((unsigned)which >= sizeof(dirs) / sizeof(dirs[0]))
		return CD_ENOTFOUND;
	base = getenv(dirs[which].var);
	if (base && base[0] == '/') {
		n = snprintf(buf, cap, "%s/%s", base, tail);
	} else {
		home = fsutil_home();
		if (!home)
			return CD_ENOTFOUND;
		n = snprintf(buf, cap, "%s/%s/%s", home, dirs[which].home_sub, tail);
	}
	if (n < 0 || (size_t)n >= cap)
		return CD_ESPACE;
	return n;
}

/* ---- writing ---- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w == 0)
			errno = EIO;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Whether name is "<base>.tmp-" and six characters of mkstemp's alphabet. */
static bool is_temporary_of(const char *name, const char *base)
{
	size_t bl = strlen(base);

	if (strncmp(name, base, bl) != 0 || strncmp(name + bl, ".tmp-", 5) != 0 || strlen(name) != bl + TMP_SUFFIX_LEN)
		return false;
	for (const char *p = name + bl + 5; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return false; /* not isalnum: the locale must not widen what is removed */
	return true;
}

/*
 * Removes temporaries of base in the directory dfd that a kill -9 left
 * behind: the user's regular files, older than STALE_SECONDS (a younger one
 * may be another process's save in progress). Best effort: a failure here
 * does not stop the save.
 */
static void remove_stale_temporaries(int dfd, const char *base)
{
	time_t now = time(NULL);
	int fd = dup(dfd);
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	for (struct dirent *de; (de = readdir(d)) != NULL;) {
		struct stat st;

		if (!is_temporary_of(de->d_name, base))
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    st.st_uid == geteuid() && st.st_mtime + STALE_SECONDS < now)
			(void)unlinkat(dfd, de->d_name, 0);
	}
	closedir(d);
}

/*
 * Moves the written temporary tmp to path without replacing anything: link(2)
 * fails with EEXIST on any entry, a dangling symbolic link included. Where
 * there are no hard links (FAT, some FUSE): check, then rename; a narrow race
 * remains there.
 */
static int move_exclusive(const char *tmp, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (link(tmp, path) == 0) {
		unlink(tmp);
		return CD_OK;
	}
	if (errno == EEXIST)
		return fail(err, errlen, CD_EEXIST, "%s already exists", path);
	/* NOLINTNEXTLINE(misc-redundant-expression): ENOTSUP == EOPNOTSUPP on Linux, not everywhere */
	if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != EMLINK)
		return fail(err, errlen, CD_EIO, "%s: cannot write: %s", path, strerror(errno));
	if (lstat(path, &st) == 0)
		return fail(err, errlen, CD_EEXIST, "%s already exists", path);
	if (rename(tmp, path) != 0)
		return fail(err, errlen, CD_EIO, "%s: cannot write: %s", path, strerror(errno));
	return CD_OK;
}

int fsutil_write(const char *path, const void *data, size_t len, mode_t mode, unsigned flags, char *err,
                 size_t errlen)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t plen = strlen(path);
	char dir[4096], *tmp;
	struct stat st;
	int fd, dfd, rc;

	if (!*base)
		return fail(err, errlen, CD_EIO, "%s: not a file name", path);
	if (dir_of(dir, sizeof(dir), path) != 0)
		return fail(err, errlen, CD_EIO, "%s: path too long", path);
	if ((flags & FSUTIL_MKDIR) && fsutil_mkdirs(dir, 0700, err, errlen) != CD_OK)
		return CD_EIO;
	/* Opened first: the directory synced at the end is the one the file went into. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return fail(err, errlen, CD_EIO, "%s: cannot open the directory: %s", dir, strerror(errno));
	remove_stale_temporaries(dfd, base);
	/* Refused early for a clear answer; the link below decides atomically. */
	if ((flags & FSUTIL_EXCLUSIVE) && fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		close(dfd);
		return fail(err, errlen, CD_EEXIST, "%s already exists", path);
	}
	tmp = malloc(plen + TMP_SUFFIX_LEN + 1);
	if (!tmp) {
		close(dfd);
		return fail(err, errlen, CD_EIO, "out of memory");
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp-XXXXXX", TMP_SUFFIX_LEN + 1);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = fail(err, errlen, CD_EIO, "%s: cannot create a file beside it: %s", path, strerror(errno));
		goto out;
	}
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		rc = fail(err, errlen, CD_EIO, "%s: cannot write: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) != 0) {
		rc = fail(err, errlen, CD_EIO, "%s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (flags & FSUTIL_EXCLUSIVE) {
		rc = move_exclusive(tmp, path, err, errlen);
	} else {
		rc = CD_OK;
		if (rename(tmp, path) != 0)
			rc = fail(err, errlen, CD_EIO, "%s: cannot write: %s", path, strerror(errno));
	}
	if (rc != CD_OK) {
		unlink(tmp);
		goto out;
	}
	/* The move is durable only once the directory is: see fsutil.h for why a failure here is a failure. */
	if (fsync(dfd) != 0 && errno != EINVAL)
		rc = fail(err, errlen, CD_EIO,
		          "%s: written, but syncing its directory failed (%s): it may not survive a crash", path,
		          strerror(errno));
out:
	free(tmp);
	close(dfd);
	return rc;
}

int fsutil_replace(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	return fsutil_write(path, data, len, 0600, FSUTIL_MKDIR, err, errlen);
}

/* ---- reading ---- */

int fsutil_check_trusted(const struct stat *st, const char *path, char *err, size_t errlen)
{
	uid_t me = geteuid();

	if (st->st_uid != me && st->st_uid != 0)
		return fail(err, errlen, CD_EPERM,
		            "%s: not loaded: owned by another user (uid %lu, you are %lu) "
		            "(if it is yours: chown %lu '%s')",
		            path, (unsigned long)st->st_uid, (unsigned long)me, (unsigned long)me, path);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return fail(err, errlen, CD_EPERM, "%s: not loaded: writable by %s (fix: chmod go-w '%s')", path,
		            (st->st_mode & S_IWOTH) ? "every user" : "its group", path);
	return CD_OK;
}

void fsutil_free_wiped(char *buf, size_t len)
{
	if (!buf)
		return;
	explicit_bzero(buf, len);
	free(buf);
}

/* Closes fd and frees buf (wiped when flags say so), then fails as fail() does. */
static int read_fail(int fd, char *buf, size_t n, unsigned flags, char *err, size_t errlen, int rc, const char *fmt,
                     ...) __attribute__((format(printf, 8, 9)));

static int read_fail(int fd, char *buf, size_t n, unsigned flags, char *err, size_t errlen, int rc, const char *fmt,
                     ...)
{
	va_list ap;
	int e = errno;

	if (fd >= 0)
		close(fd);
	if (flags & FSUTIL_WIPE)
		fsutil_free_wiped(buf, n);
	else
		free(buf);
	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	errno = e;
	return rc;
}

int fsutil_read(const char *path, size_t max, unsigned flags, char **out, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	size_t n = 0, size;
	int fd, rc;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | ((flags & FSUTIL_FOLLOW) ? 0 : O_NOFOLLOW));
	if (fd < 0 && errno == ENOENT)
		return CD_ENOTFOUND; /* often no error at all (an empty list): the caller words it */
	if (fd < 0 && errno == ELOOP && !(flags & FSUTIL_FOLLOW))
		return fail(err, errlen, CD_EPERM, "%s: not loaded: it is a symbolic link", path);
	if (fd < 0)
		return fail(err, errlen, CD_EIO, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0)
		return read_fail(fd, NULL, 0, flags, err, errlen, CD_EIO, "%s: cannot read: %s", path,
		                 strerror(errno));
	if (!S_ISREG(st.st_mode))
		return read_fail(fd, NULL, 0, flags, err, errlen, FSUTIL_ENOTFILE, "%s: not a regular file", path);
	if (flags & FSUTIL_TRUSTED) {
		rc = fsutil_check_trusted(&st, path, err, errlen);
		if (rc != CD_OK) {
			close(fd);
			return rc;
		}
	}
	if (st.st_size < 0 || (uintmax_t)st.st_size > max)
		return read_fail(fd, NULL, 0, flags, err, errlen, FSUTIL_ETOOBIG, "%s: larger than %zu bytes", path, max);
	size = (size_t)st.st_size;
	buf = malloc(size + 2);
	if (!buf) {
		errno = ENOMEM;
		return read_fail(fd, NULL, 0, flags, err, errlen, CD_EIO, "%s: out of memory", path);
	}
	/* at most one byte past the size: a file that grows meanwhile is refused */
	while (n < size + 1) {
		ssize_t r = read(fd, buf + n, size + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return read_fail(fd, buf, n, flags, err, errlen, CD_EIO, "%s: cannot read: %s", path,
			                 strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n != size)
		return read_fail(-1, buf, n, flags, err, errlen, CD_EIO, "%s: changed while being read", path);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return CD_OK;
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
	unsigned flags;
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

	s->rc = fsutil_write(s->path, s->data, s->len, 0600, s->flags, s->err, sizeof(s->err));
	free(s->data);
	s->data = NULL;
	if (loop_post(s->loop, save_done, s) != 0)
		abort(); /* out of memory: the result cannot be handed back */
	return NULL;
}

struct fsutil_save *fsutil_save_start(struct loop *loop, const char *path, char *data, size_t len, unsigned flags,
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
	s->flags = flags;
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
