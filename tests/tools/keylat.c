/*
 * keylat: key-to-screen latency of a full-screen program, measured through a pseudo-terminal.
 *
 *   keylat [OPTIONS] -- CMD [ARG...]
 *
 * CMD runs on the slave side of a new pty (--size, default 100x30; TERM=xterm-256color), in its own
 * session with the pty as its controlling terminal. Everything it writes is read from the master
 * all the time, so it never blocks on a full pty, and nothing is interpreted.
 *
 * Phases, each bounded in time:
 *   1. Ready: --ready-file FILE contains --ready-text TEXT (default "first full frame after"),
 *      within --start-timeout-ms. Without --ready-file: the first output, then --settle-ms of
 *      quiet.
 *   2. Idle window (--idle-ms, default 0: none): CMD is left alone, its output drained. Reported:
 *      its CPU time over the window (utime+stime of /proc/PID/stat, whole process), as a share of
 *      the wall time, and at the end VmRSS, VmHWM and the number of open file descriptors.
 *   3. With --send TEXT: TEXT is written to the master once, as typed input (e.g. "2/5\r": switch
 *      to the explorer and open block 5), and the presses start right after it, so they measure
 *      the program while it handles what TEXT asked for. --mark-text MARK: before each press the
 *      --ready-file is checked for MARK; mark_press= says how many presses were sent before it
 *      appeared (-1: never), so a caller knows the presses spanned the work TEXT started.
 *      --keys N (default 200) key presses, cycling through --key-chars (default "jk": j, k, ...).
 *      Before each: the output has been quiet for --quiet-ms (default 30), waited for at most
 *      --quiet-max-ms (a press sent after that counts in noisy=). Each press is one byte written to
 *      the master; its latency is the time from just before write() to the first output byte after
 *      it, on CLOCK_MONOTONIC. No output within --timeout-ms counts in timeouts= and not in the
 *      figures. No press starts after --keys-max-ms (default 0: no limit) from the first one:
 *      keys= then says how many were sent.
 *   4. Stop: 'q', up to 2 s for CMD to exit, then SIGTERM, then SIGKILL. CMD also gets SIGKILL if
 *      keylat dies (PR_SET_PDEATHSIG). SIGINT/SIGTERM/SIGHUP to keylat stop it the same way.
 *
 * Output on stdout, key=value lines: pid, ready_ms; with --idle-ms: idle_ms, idle_cpu_ms and
 * idle_cpu_pct (utime+stime, counted in clock ticks), idle_sched_ms and idle_sched_pct (the same
 * from the scheduler's ns count in /proc/PID/task/TID/schedstat), rss_kib, hwm_kib, fds; then keys,
 * timeouts, noisy, count, min_us, p50_us, p99_us, max_us, mean_us (percentiles by nearest rank;
 * "n/a" when no press was answered). --raw FILE gets every latency in µs, one per line, in press
 * order (-1 for a timeout).
 *
 * Exit status: 0 measured; 1 CMD not ready in time, died, or could not be run (the tail of its
 * output goes to stderr); 2 usage.
 */
/* posix_openpt, grantpt, unlockpt, ptsname (ncursesw's pkg-config flags set this already) */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 600
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define TAIL_SIZE 4096
#define EXIT_WAIT_MS 2000

struct opts {
	const char *ready_file;
	const char *ready_text;
	const char *key_chars;
	const char *raw_path;
	const char *send;
	const char *mark_text;
	long keys;
	long quiet_ms;
	long quiet_max_ms;
	long timeout_ms;
	long start_timeout_ms;
	long settle_ms;
	long idle_ms;
	long budget_ms;
	unsigned short cols;
	unsigned short rows;
	char **argv;
};

struct child {
	pid_t pid;
	int master;
	int exited;    /* reaped */
	int status;    /* its wait status, once reaped */
	int closed;    /* the pty has no writer any more */
	unsigned char tail[TAIL_SIZE];
	size_t tail_len;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void usage(FILE *out)
{
	fputs("usage: keylat [--ready-file FILE] [--ready-text TEXT] [--keys N] [--key-chars CHARS]\n"
	      "              [--quiet-ms MS] [--quiet-max-ms MS] [--timeout-ms MS]\n"
	      "              [--start-timeout-ms MS] [--settle-ms MS] [--idle-ms MS] [--keys-max-ms MS]\n"
	      "              [--size COLSxROWS] [--raw FILE] [--send TEXT]\n"
	      "              [--mark-text MARK] -- CMD [ARG...]\n",
	      out);
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_size(const char *s, unsigned short *cols, unsigned short *rows)
{
	char *end;
	long c, r;

	errno = 0;
	c = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != 'x' || c < 10 || c > 1000)
		return -1;
	s = end + 1;
	r = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || r < 5 || r > 1000)
		return -1;
	*cols = (unsigned short)c;
	*rows = (unsigned short)r;
	return 0;
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	int i;

	*o = (struct opts){
		.ready_text = "first full frame after", .key_chars = "jk", .keys = 200, .quiet_ms = 30,
		.quiet_max_ms = 3000, .timeout_ms = 2000, .start_timeout_ms = 20000, .settle_ms = 500,
		.cols = 100, .rows = 30,
	};
	i = 1;
	while (i < argc) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (!v) {
			fprintf(stderr, "keylat: %s needs a value\n", a);
			return -1;
		}
		if (strcmp(a, "--ready-file") == 0)
			o->ready_file = v;
		else if (strcmp(a, "--ready-text") == 0)
			o->ready_text = v;
		else if (strcmp(a, "--key-chars") == 0)
			o->key_chars = v;
		else if (strcmp(a, "--raw") == 0)
			o->raw_path = v;
		else if (strcmp(a, "--send") == 0)
			o->send = v;
		else if (strcmp(a, "--mark-text") == 0)
			o->mark_text = v;
		else if (strcmp(a, "--keys") == 0)
			bad = parse_long(v, 0, 1000000, &o->keys);
		else if (strcmp(a, "--quiet-ms") == 0)
			bad = parse_long(v, 1, 60000, &o->quiet_ms);
		else if (strcmp(a, "--quiet-max-ms") == 0)
			bad = parse_long(v, 1, 600000, &o->quiet_max_ms);
		else if (strcmp(a, "--timeout-ms") == 0)
			bad = parse_long(v, 1, 600000, &o->timeout_ms);
		else if (strcmp(a, "--start-timeout-ms") == 0)
			bad = parse_long(v, 1, 3600000, &o->start_timeout_ms);
		else if (strcmp(a, "--settle-ms") == 0)
			bad = parse_long(v, 1, 600000, &o->settle_ms);
		else if (strcmp(a, "--idle-ms") == 0)
			bad = parse_long(v, 0, 86400000, &o->idle_ms);
		else if (strcmp(a, "--keys-max-ms") == 0)
			bad = parse_long(v, 0, 86400000, &o->budget_ms);
		else if (strcmp(a, "--size") == 0)
			bad = parse_size(v, &o->cols, &o->rows);
		else {
			fprintf(stderr, "keylat: unknown option %s\n", a);
			return -1;
		}
		if (bad) {
			fprintf(stderr, "keylat: bad value for %s: %s\n", a, v);
			return -1;
		}
		i += 2;
	}
	if (i >= argc) {
		fprintf(stderr, "keylat: no command\n");
		return -1;
	}
	if (o->key_chars[0] == '\0') {
		fprintf(stderr, "keylat: --key-chars is empty\n");
		return -1;
	}
	o->argv = argv + i;
	return 0;
}

/* ---- the child on a pty ---- */

static void child_exec(const char *slave_name, const struct winsize *ws, pid_t parent, char **argv)
{
	int fd;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (setsid() < 0)
		_exit(127);
	fd = open(slave_name, O_RDWR);
	if (fd < 0)
		_exit(127);
	if (ioctl(fd, TIOCSCTTY, 0) != 0)
		_exit(127);
	ioctl(fd, TIOCSWINSZ, ws);
	if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
		_exit(127);
	if (fd > STDERR_FILENO)
		close(fd);
	setenv("TERM", "xterm-256color", 1);
	unsetenv("LINES");
	unsetenv("COLUMNS");
	execvp(argv[0], argv);
	dprintf(STDERR_FILENO, "keylat: cannot run %s: %s\r\n", argv[0], strerror(errno));
	_exit(127);
}

static int child_start(struct child *c, const struct opts *o)
{
	struct winsize ws = { .ws_row = o->rows, .ws_col = o->cols };
	char name[256];
	const char *p;
	pid_t parent = getpid();
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0) {
		perror("keylat: posix_openpt");
		return -1;
	}
	if (fcntl(m, F_SETFD, FD_CLOEXEC) != 0 || grantpt(m) != 0 || unlockpt(m) != 0) {
		perror("keylat: pty setup");
		close(m);
		return -1;
	}
	p = ptsname(m);
	if (!p || strlen(p) >= sizeof name) {
		fprintf(stderr, "keylat: ptsname failed\n");
		close(m);
		return -1;
	}
	snprintf(name, sizeof name, "%s", p);
	if (ioctl(m, TIOCSWINSZ, &ws) != 0) {
		perror("keylat: TIOCSWINSZ");
		close(m);
		return -1;
	}
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0) {
		perror("keylat: fork");
		close(m);
		return -1;
	}
	if (c->pid == 0)
		child_exec(name, &ws, parent, o->argv);
	if (fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK) != 0) {
		perror("keylat: O_NONBLOCK");
		close(m);
		return -1;
	}
	c->master = m;
	return 0;
}

static void keep_tail(struct child *c, const unsigned char *buf, size_t n)
{
	if (n >= TAIL_SIZE) {
		memcpy(c->tail, buf + n - TAIL_SIZE, TAIL_SIZE);
		c->tail_len = TAIL_SIZE;
		return;
	}
	if (c->tail_len + n > TAIL_SIZE) {
		size_t drop = c->tail_len + n - TAIL_SIZE;

		memmove(c->tail, c->tail + drop, c->tail_len - drop);
		c->tail_len -= drop;
	}
	memcpy(c->tail + c->tail_len, buf, n);
	c->tail_len += n;
}

/* Reaps the child if it has exited. 1 if it is gone (now or before). */
static int child_reap(struct child *c)
{
	pid_t r;

	if (c->exited)
		return 1;
	r = waitpid(c->pid, &c->status, WNOHANG);
	if (r == c->pid) {
		c->exited = 1;
		return 1;
	}
	return 0;
}

/*
 * Waits at most wait_ms for output, then reads all there is. 1: output came (*first: the time it
 * was seen); 0: none within wait_ms; -1: the pty was closed (the child is gone) or keylat was told
 * to stop.
 */
static int drain(struct child *c, long wait_ms, uint64_t *first)
{
	struct pollfd pfd = { .fd = c->master, .events = POLLIN };
	unsigned char buf[65536];
	uint64_t seen;
	int got = 0;
	int r;

	if (c->closed || stop_signal)
		return -1;
	r = poll(&pfd, 1, wait_ms > INT_MAX ? INT_MAX : (int)wait_ms);
	seen = now_us();
	if (r < 0)
		return errno == EINTR && !stop_signal ? 0 : -1;
	if (r == 0)
		return 0;
	for (;;) {
		ssize_t n = read(c->master, buf, sizeof buf);

		if (n > 0) {
			keep_tail(c, buf, (size_t)n);
			got = 1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		/* EIO (Linux) or end of file: nobody has the slave open any more */
		c->closed = 1;
		break;
	}
	if (got) {
		if (first)
			*first = seen;
		return 1;
	}
	if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
		c->closed = 1;
	return c->closed ? -1 : 0;
}

/* Drains for ms (whether or not output comes). -1 if the child went away. */
static int drain_for(struct child *c, long ms)
{
	uint64_t end = now_us() + (uint64_t)ms * 1000u;

	for (;;) {
		uint64_t t = now_us();

		if (t >= end)
			return 0;
		if (drain(c, (long)((end - t + 999) / 1000), NULL) < 0)
			return -1;
	}
}

/* Waits for quiet_ms without output. 0: quiet; 1: still not after max_ms; -1: the child is gone. */
static int wait_quiet(struct child *c, long quiet_ms, long max_ms)
{
	uint64_t end = now_us() + (uint64_t)max_ms * 1000u;

	for (;;) {
		int r = drain(c, quiet_ms, NULL);

		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		if (now_us() >= end)
			return 1;
	}
}

static int file_has(const char *path, const char *text)
{
	static char buf[1 << 20];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

/* 0 when ready, -1 otherwise (message on stderr). */
static int wait_ready(struct child *c, const struct opts *o)
{
	uint64_t end = now_us() + (uint64_t)o->start_timeout_ms * 1000u;
	int seen_output = 0;

	while (now_us() < end) {
		int r;

		if (o->ready_file) {
			if (file_has(o->ready_file, o->ready_text))
				return 0;
			r = drain(c, 10, NULL);
		} else {
			r = drain(c, seen_output ? o->settle_ms : 50, NULL);
			if (r == 0 && seen_output)
				return 0;
			if (r > 0)
				seen_output = 1;
		}
		if (r < 0) {
			fprintf(stderr, "keylat: %s before it was ready\n",
			        stop_signal ? "stopped" : "the command went away");
			return -1;
		}
	}
	if (o->ready_file)
		fprintf(stderr, "keylat: %s has no \"%s\" after %ld ms\n", o->ready_file, o->ready_text,
		        o->start_timeout_ms);
	else
		fprintf(stderr, "keylat: no output, or never quiet, within %ld ms\n", o->start_timeout_ms);
	return -1;
}

/* ---- /proc ---- */

/* utime+stime of the whole process in clock ticks, or -1. */
static long long proc_cpu_ticks(pid_t pid)
{
	char path[64], buf[4096];
	unsigned long long ut, st;
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* the name (field 2) may hold spaces and parentheses: fields count from the last ')' */
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	/* after ')': state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt,
	 * then utime(14) stime(15) */
	if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

/*
 * Time on CPU in ns, summed over the live threads of the process (first field of
 * /proc/PID/task/TID/schedstat: the scheduler's own count, not sampled at clock ticks), or -1.
 */
static long long proc_sched_ns(pid_t pid)
{
	char path[128], buf[256];
	struct dirent *e;
	long long sum = 0;
	int found = 0;
	DIR *d;

	snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
	d = opendir(path);
	if (!d)
		return -1;
	for (e = readdir(d); e; e = readdir(d)) {
		unsigned long long ns;
		ssize_t n;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof path, "/proc/%ld/task/%s/schedstat", (long)pid, e->d_name) >=
		    (int)sizeof path)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		if (sscanf(buf, "%llu", &ns) == 1) {
			sum += (long long)ns;
			found = 1;
		}
	}
	closedir(d);
	return found ? sum : -1;
}

/* A "Name:   N kB" line of /proc/PID/status, in kB, or -1. */
static long proc_status_kb(pid_t pid, const char *name)
{
	char path[64], line[256];
	size_t len = strlen(name);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, name, len) == 0 && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static long proc_fd_count(pid_t pid)
{
	char path[64];
	struct dirent *e;
	long n = 0;
	DIR *d;

	snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
	d = opendir(path);
	if (!d)
		return -1;
	for (e = readdir(d); e; e = readdir(d)) {
		if (e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n;
}

/* ---- figures ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* nearest rank: the smallest value with at least p % of the values at or below it */
static uint64_t percentile(const uint64_t *sorted, size_t n, unsigned p)
{
	size_t rank = (n * p + 99) / 100;

	return sorted[rank > 0 ? rank - 1 : 0];
}

static void report_keys(const uint64_t *lat, size_t n, long sent, long timeouts, long noisy)
{
	uint64_t *s;
	uint64_t sum = 0;

	printf("keys=%ld\ntimeouts=%ld\nnoisy=%ld\ncount=%zu\n", sent, timeouts, noisy, n);
	if (n == 0) {
		printf("min_us=n/a\np50_us=n/a\np99_us=n/a\nmax_us=n/a\nmean_us=n/a\n");
		return;
	}
	s = malloc(n * sizeof(*s));
	if (!s) {
		printf("min_us=n/a\np50_us=n/a\np99_us=n/a\nmax_us=n/a\nmean_us=n/a\n");
		return;
	}
	memcpy(s, lat, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_u64);
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	printf("min_us=%llu\np50_us=%llu\np99_us=%llu\nmax_us=%llu\nmean_us=%llu\n",
	       (unsigned long long)s[0], (unsigned long long)percentile(s, n, 50),
	       (unsigned long long)percentile(s, n, 99), (unsigned long long)s[n - 1],
	       (unsigned long long)(sum / n));
	free(s);
}

/* ---- the phases ---- */

/* The idle window. 0 or -1 (the child went away). */
static int idle_window(struct child *c, long ms)
{
	long long t0, t1, s0, s1;
	uint64_t w0, w1;
	double cpu_ms, wall_ms;
	long tck = sysconf(_SC_CLK_TCK);

	if (tck <= 0)
		tck = 100;
	w0 = now_us();
	t0 = proc_cpu_ticks(c->pid);
	s0 = proc_sched_ns(c->pid);
	if (drain_for(c, ms) < 0)
		return -1;
	t1 = proc_cpu_ticks(c->pid);
	s1 = proc_sched_ns(c->pid);
	w1 = now_us();
	if (t0 < 0 || t1 < 0)
		return -1;
	cpu_ms = (double)(t1 - t0) * 1000.0 / (double)tck;
	wall_ms = (double)(w1 - w0) / 1000.0;
	printf("idle_ms=%.0f\nidle_cpu_ms=%.0f\nidle_cpu_pct=%.2f\n", wall_ms, cpu_ms,
	       wall_ms > 0 ? 100.0 * cpu_ms / wall_ms : 0.0);
	if (s0 >= 0 && s1 >= s0)
		printf("idle_sched_ms=%.1f\nidle_sched_pct=%.3f\n", (double)(s1 - s0) / 1e6,
		       wall_ms > 0 ? 100.0 * ((double)(s1 - s0) / 1e6) / wall_ms : 0.0);
	else
		printf("idle_sched_ms=n/a\nidle_sched_pct=n/a\n");
	printf("rss_kib=%ld\nhwm_kib=%ld\nfds=%ld\n", proc_status_kb(c->pid, "VmRSS"),
	       proc_status_kb(c->pid, "VmHWM"), proc_fd_count(c->pid));
	fflush(stdout);
	return 0;
}

/* The key presses. 0, or -1 if the child went away (figures so far are still printed). */
static int press_keys(struct child *c, const struct opts *o, FILE *raw)
{
	size_t nchars = strlen(o->key_chars);
	uint64_t *lat = malloc((size_t)(o->keys > 0 ? o->keys : 1) * sizeof(*lat));
	long sent = 0, timeouts = 0, noisy = 0, mark = -1;
	uint64_t start = now_us();
	size_t n = 0;
	int rc = 0;

	if (!lat) {
		fprintf(stderr, "keylat: out of memory\n");
		return -1;
	}
	for (long i = 0; i < o->keys; i++) {
		unsigned char key = (unsigned char)o->key_chars[(size_t)i % nchars];
		uint64_t t0, t1 = 0;
		ssize_t w;
		int q, r;

		if (o->budget_ms > 0 && now_us() - start >= (uint64_t)o->budget_ms * 1000u) {
			fprintf(stderr, "keylat: --keys-max-ms %ld reached after %ld of %ld presses\n", o->budget_ms,
			        sent, o->keys);
			break;
		}
		q = wait_quiet(c, o->quiet_ms, o->quiet_max_ms);
		if (q < 0) {
			rc = -1;
			break;
		}
		noisy += q;
		if (mark < 0 && o->mark_text && o->ready_file && file_has(o->ready_file, o->mark_text) == 1)
			mark = sent;
		t0 = now_us();
		w = write(c->master, &key, 1);
		if (w != 1) {
			fprintf(stderr, "keylat: write to the pty: %s\n", w < 0 ? strerror(errno) : "short");
			rc = -1;
			break;
		}
		sent++;
		for (;;) {
			uint64_t waited = now_us() - t0;

			if (waited >= (uint64_t)o->timeout_ms * 1000u) {
				r = 0;
				break;
			}
			r = drain(c, (long)(((uint64_t)o->timeout_ms * 1000u - waited + 999) / 1000), &t1);
			if (r != 0)
				break;
		}
		if (r < 0) {
			rc = -1;
			break;
		}
		if (r == 0) {
			timeouts++;
			if (raw)
				fprintf(raw, "-1\n");
			continue;
		}
		lat[n++] = t1 - t0;
		if (raw)
			fprintf(raw, "%llu\n", (unsigned long long)(t1 - t0));
	}
	if (rc < 0)
		fprintf(stderr, "keylat: %s after %ld key presses\n",
		        stop_signal ? "stopped" : "the command went away", sent);
	if (o->mark_text)
		printf("mark_press=%ld\n", mark);
	report_keys(lat, n, sent, timeouts, noisy);
	free(lat);
	return rc;
}

/* Writes TEXT to the master as typed input (the pty is never full: drain() empties the other side). */
static int send_text(struct child *c, const char *text)
{
	size_t len = strlen(text), off = 0;

	while (off < len) {
		ssize_t w = write(c->master, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "keylat: write to the pty: %s\n", w < 0 ? strerror(errno) : "short");
			return -1;
		}
		off += (size_t)w;
	}
	printf("sent_bytes=%zu\n", len);
	fflush(stdout);
	return 0;
}

/* 'q', then SIGTERM, then SIGKILL, each with a bounded wait; always reaps. */
static void child_stop(struct child *c)
{
	static const int sigs[] = { 0, SIGTERM, SIGKILL };

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		uint64_t end = now_us() + EXIT_WAIT_MS * 1000u;

		if (child_reap(c))
			break;
		if (sigs[i] == 0) {
			if (c->closed || write(c->master, "q", 1) != 1)
				continue;
		} else {
			kill(c->pid, sigs[i]);
		}
		while (!child_reap(c) && now_us() < end) {
			/* keep reading so it can finish writing its last frame */
			if (c->closed || drain(c, 20, NULL) < 0) {
				struct timespec ts = { 0, 10 * 1000000L };

				nanosleep(&ts, NULL);
			}
		}
	}
	if (!c->exited && waitpid(c->pid, &c->status, 0) == c->pid)
		c->exited = 1;
}

static void print_tail(const struct child *c)
{
	fputs("keylat: last output of the command (escaped):\n", stderr);
	for (size_t i = 0; i < c->tail_len; i++) {
		unsigned char ch = c->tail[i];

		if (ch == '\n' || (ch >= 0x20 && ch < 0x7f))
			fputc(ch, stderr);
		else if (ch != '\r')
			fprintf(stderr, "\\x%02x", ch);
	}
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	static struct child c;
	struct sigaction sa;
	struct opts o;
	FILE *raw = NULL;
	uint64_t t_start;
	int rc = 0;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (parse_opts(&o, argc, argv) != 0) {
		usage(stderr);
		return 2;
	}
	if (o.raw_path) {
		raw = fopen(o.raw_path, "we");
		if (!raw) {
			perror(o.raw_path);
			return 2;
		}
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	c.master = -1;
	t_start = now_us();
	if (child_start(&c, &o) != 0) {
		if (raw)
			fclose(raw);
		return 1;
	}
	printf("pid=%ld\n", (long)c.pid);
	fflush(stdout);
	if (wait_ready(&c, &o) != 0) {
		rc = 1;
	} else {
		printf("ready_ms=%.1f\n", (double)(now_us() - t_start) / 1000.0);
		fflush(stdout);
		if (o.idle_ms > 0 && idle_window(&c, o.idle_ms) != 0) {
			fprintf(stderr, "keylat: %s during the idle window\n",
			        stop_signal ? "stopped" : "the command went away");
			rc = 1;
		}
		if (rc == 0 && o.send && send_text(&c, o.send) != 0)
			rc = 1;
		if (rc == 0 && o.keys > 0 && press_keys(&c, &o, raw) != 0)
			rc = 1;
	}
	child_stop(&c);
	if (rc != 0 && !stop_signal) {
		if (c.exited && WIFEXITED(c.status))
			fprintf(stderr, "keylat: the command exited with status %d\n", WEXITSTATUS(c.status));
		else if (c.exited && WIFSIGNALED(c.status))
			fprintf(stderr, "keylat: the command was killed by signal %d\n", WTERMSIG(c.status));
		print_tail(&c);
	}
	if (raw && fclose(raw) != 0)
		rc = 1;
	close(c.master);
	fflush(stdout);
	return rc;
}
