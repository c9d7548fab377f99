/*
 * stopwatch: run a command and time it on CLOCK_MONOTONIC, from just before fork() to an end
 * point, so every figure of `make bench` includes process start (exec, dynamic linking) alike.
 *
 *   stopwatch OUT -- CMD [ARG...]
 *       end point: CMD exits. OUT gets "us=N status=S".
 *   stopwatch OUT --until FILE TEXT -- CMD [ARG...]
 *       end point: FILE contains TEXT (watched with inotify on FILE's directory, no busy polling).
 *       OUT gets "us=N pid=P"; the stopwatch then waits for CMD to exit. If CMD exits before TEXT
 *       appears, OUT gets "us=-1 status=S".
 *
 * OUT is written to OUT.tmp and renamed, so a reader that sees OUT sees all of it.
 * Exit status: CMD's (128+signal if killed), 125 on a usage or system error.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int put_result(const char *out, const char *text)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", out) >= (int)sizeof tmp)
		return -1;
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fputs(text, f);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, out);
}

/* 1 if the file at path contains text, 0 if not (or not there yet). */
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

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 125;
}

static pid_t start(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "stopwatch: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

int main(int argc, char **argv)
{
	const char *out, *until_file = NULL, *until_text = NULL;
	char line[256], dir[4096];
	char **cmd;
	int i = 2, status = 0, ifd = -1;
	uint64_t t0;
	pid_t pid;

	if (argc < 4)
		goto usage;
	out = argv[1];
	if (strcmp(argv[i], "--until") == 0) {
		if (argc < 7)
			goto usage;
		until_file = argv[3];
		until_text = argv[4];
		i = 5;
	}
	if (strcmp(argv[i], "--") != 0 || i + 1 >= argc)
		goto usage;
	cmd = argv + i + 1;

	if (until_file) {
		/* watch the directory before the clock starts: FILE may not exist yet */
		const char *slash = strrchr(until_file, '/');

		if (!slash)
			snprintf(dir, sizeof dir, ".");
		else if (slash == until_file)
			snprintf(dir, sizeof dir, "/");
		else
			snprintf(dir, sizeof dir, "%.*s", (int)(slash - until_file), until_file);
		ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (ifd < 0 || inotify_add_watch(ifd, dir, IN_CREATE | IN_MODIFY | IN_MOVED_TO) < 0) {
			fprintf(stderr, "stopwatch: inotify on %s: %s\n", dir, strerror(errno));
			return 125;
		}
	}

	t0 = now_us();
	pid = start(cmd);
	if (pid < 0) {
		fprintf(stderr, "stopwatch: fork: %s\n", strerror(errno));
		return 125;
	}

	if (until_file) {
		struct pollfd p = { .fd = ifd, .events = POLLIN };
		char ev[8192];

		for (;;) {
			int r = poll(&p, 1, 100);
			uint64_t t1;

			if (r > 0)
				while (read(ifd, ev, sizeof ev) > 0)
					;
			t1 = now_us();
			if (file_has(until_file, until_text)) {
				snprintf(line, sizeof line, "us=%llu pid=%ld\n",
					 (unsigned long long)(t1 - t0), (long)pid);
				break;
			}
			if (r == 0 && waitpid(pid, &status, WNOHANG) == pid) {
				snprintf(line, sizeof line, "us=-1 status=%d\n", exit_code(status));
				put_result(out, line);
				return exit_code(status);
			}
		}
		close(ifd);
		if (put_result(out, line) != 0)
			fprintf(stderr, "stopwatch: %s: %s\n", out, strerror(errno));
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		return exit_code(status);
	}

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "stopwatch: waitpid: %s\n", strerror(errno));
			return 125;
		}
	}
	snprintf(line, sizeof line, "us=%llu status=%d\n",
		 (unsigned long long)(now_us() - t0), exit_code(status));
	if (put_result(out, line) != 0)
		fprintf(stderr, "stopwatch: %s: %s\n", out, strerror(errno));
	return exit_code(status);

usage:
	fprintf(stderr, "usage: stopwatch OUT [--until FILE TEXT] -- CMD [ARG...]\n");
	return 125;
}
