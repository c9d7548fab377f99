/*
 * log — the process-wide log file: opened safely (no symlinks, not another
 * user's file), each line one write under a lock so lines from several
 * threads stay whole, hostile text escaped. Contract in log.h.
 */
#include "common/log.h"
#include "common/text.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fsutil.h"

enum {
	MSG_MAX = 8192,           /* formatted message bytes kept */
	LINE_MAX_BYTES = MSG_MAX * 4 + 64 /* worst case: every byte escaped to \xNN */
};

/* The one process-wide state: guarded by lock. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int log_fd = -1;
static enum log_level log_min = LOG_INFO;
static char *log_path;                              /* for rotation: the name log_fd was opened as */
static unsigned long log_max = LOG_MAX_DEFAULT;
static unsigned long log_size;                      /* bytes in log_fd's file, as far as we know */

static const char *const level_names[] = {
	[LOG_ERROR] = "ERROR",
	[LOG_WARN] = "WARN",
	[LOG_INFO] = "INFO",
	[LOG_DEBUG] = "DEBUG",
};

const char *log_open_strerror(int rc)
{
	switch (rc) {
	case LOG_ESYMLINK:
		return "it is a symbolic link (not followed: give the file itself)";
	case LOG_EOWNER:
		return "it belongs to another user (not appended to)";
	case LOG_ELINKED:
		return "it has other hard links (not appended to)";
	default:
		return strerror(rc < 0 ? -rc : rc);
	}
}

int log_open(const char *path, enum log_level min)
{
	struct stat st;
	int fd, rc;

	if (!path || !*path || (unsigned)min > LOG_DEBUG)
		return -EINVAL;
	if (fsutil_mkparents(path, 0700, NULL, 0) != CD_OK)
		return -errno;
	/*
	 * Never through a symbolic link (a --log path in a shared directory must not
	 * append node-controlled text to another file), never a file of another
	 * user's or one with other names (a hard link to some file of ours). What is
	 * checked is the file opened, by its descriptor: nothing can be swapped in
	 * between the check and the writes, and the mode is tightened on that same
	 * descriptor.
	 */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errno == ELOOP ? LOG_ESYMLINK : -errno;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = 0;
	if (!S_ISREG(st.st_mode))
		rc = -EINVAL;
	else if (st.st_uid != geteuid())
		rc = LOG_EOWNER;
	else if (st.st_nlink != 1)
		rc = LOG_ELINKED;
	if (rc != 0) {
		close(fd);
		return rc;
	}
	/* An older file may have been created with a looser umask. */
	if (st.st_mode & 077)
		(void)fchmod(fd, 0600);

	pthread_mutex_lock(&lock);
	if (log_fd >= 0)
		close(log_fd);
	log_fd = fd;
	log_min = min;
	free(log_path);
	log_path = strdup(path); /* without it (no memory), no rotation: the log still works */
	log_size = (unsigned long)st.st_size;
	pthread_mutex_unlock(&lock);
	return 0;
}

void log_set_max_size(unsigned long bytes)
{
	pthread_mutex_lock(&lock);
	log_max = bytes < LOG_MAX_MIN ? LOG_MAX_MIN : bytes;
	pthread_mutex_unlock(&lock);
}

/*
 * Under lock: "<path>" becomes "<path>.1" and a fresh "<path>" takes the next lines. rename
 * replaces "<path>.1" itself, never what a link there points to; the new file is created with
 * O_EXCL | O_NOFOLLOW, so nothing planted at the name in between is written to.
 */
static void rotate(void)
{
	char rotated[4096];
	int fd;

	if (!log_path || snprintf(rotated, sizeof(rotated), "%s.1", log_path) >= (int)sizeof(rotated))
		return;
	log_size = 0; /* whatever happens: the next try is a cap's worth of lines later */
	if (rename(log_path, rotated) != 0)
		return;
	fd = open(log_path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
	if (fd < 0)
		return; /* go on in the renamed file */
	close(log_fd);
	log_fd = fd;
}

void log_close(void)
{
	pthread_mutex_lock(&lock);
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	free(log_path);
	log_path = NULL;
	pthread_mutex_unlock(&lock);
}

bool log_enabled(enum log_level lvl)
{
	bool on;

	pthread_mutex_lock(&lock);
	on = log_fd >= 0 && lvl <= log_min;
	pthread_mutex_unlock(&lock);
	return on;
}

int log_level_parse(const char *s, enum log_level *out)
{
	static const struct {
		const char *name;
		enum log_level lvl;
	} names[] = {
		{ "error", LOG_ERROR }, { "warn", LOG_WARN }, { "warning", LOG_WARN },
		{ "info", LOG_INFO }, { "debug", LOG_DEBUG },
	};

	if (!s)
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(s, names[i].name) == 0) {
			*out = names[i].lvl;
			return 0;
		}
	}
	return -1;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len = text_utf8_decode(s, n, &cp);

	if (len == 0)
		return 0;
	/* C1 controls (U+0080..U+009F): some terminals act on them. */
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;
	/* Bidi controls: a log read in a terminal would show the rest of the line reordered. */
	if (cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return len;
}

/* Appends msg[0..n) to out with control characters and invalid bytes escaped; returns bytes written. */
static size_t escape(char *out, const char *msg, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)msg;
	size_t o = 0, i = 0, len;

	while (i < n) {
		if (s[i] == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
			i++;
			continue;
		}
		len = (s[i] < 0x20 || s[i] == 0x7f) ? 0 : utf8_len(s + i, n - i);
		if (len == 0) {
			/* An invalid lead byte consumes just itself; the rest is looked at again. */
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = digits[s[i] >> 4];
			out[o++] = digits[s[i] & 0xf];
			i++;
			continue;
		}
		memcpy(out + o, s + i, len);
		o += len;
		i += len;
	}
	return o;
}

static void write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return; /* nowhere to report a failing log */
		}
		buf += w;
		n -= (size_t)w;
	}
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	char msg[MSG_MAX];
	static char line[LINE_MAX_BYTES]; /* guarded by lock */
	struct timespec ts;
	struct tm tm;
	va_list ap;
	size_t mlen, n;
	int saved_errno = errno, w;

	if ((unsigned)lvl > LOG_DEBUG || !log_enabled(lvl)) {
		errno = saved_errno;
		return;
	}
	va_start(ap, fmt);
	w = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w < 0) {
		errno = saved_errno;
		return;
	}
	mlen = (size_t)w;
	if (mlen >= sizeof(msg)) {
		mlen = sizeof(msg) - 4;
		memcpy(msg + mlen, "...", 3);
		mlen += 3;
	}

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);

	pthread_mutex_lock(&lock);
	if (log_fd >= 0) {
		n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
		n += (size_t)snprintf(line + n, sizeof(line) - n, ".%03ldZ %s ",
				      ts.tv_nsec / 1000000L, level_names[lvl]);
		n += escape(line + n, msg, mlen);
		line[n++] = '\n';
		if (log_size > 0 && log_size + n > log_max)
			rotate();
		write_all(log_fd, line, n);
		log_size += n;
	}
	pthread_mutex_unlock(&lock);
	errno = saved_errno;
}
