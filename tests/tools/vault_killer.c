/*
 * vault_killer: SIGKILLs a process in the middle of vault_save, many times, and checks after each
 * kill that the vault on disk is the old one or the new one, never neither.
 *
 *   vault_killer VAULT PASSWORD_FILE ITERATIONS SEED [MAX_SECONDS]
 *
 * The vault is opened and unlocked once (Argon2id runs here, not in the loop). Every iteration
 * forks a child that owns a copy of the unlocked handle; the child tells the parent it is about to
 * start (one byte on a pipe), then sets account 0's label to "new-<i>" and calls vault_save. The
 * parent waits a random delay after that byte (busy-waiting on CLOCK_MONOTONIC, so microseconds
 * mean microseconds), spread uniformly over 0 .. 1.2 x the measured duration of a save, and sends
 * SIGKILL. A child that finished before the signal must have written the new label.
 *
 * After each kill a fresh handle must open the file (public part), show account 0 with the label
 * before the iteration ("old") or "new-<i>" ("new"), the same account count and address, and
 * unlock with the password (which authenticates the whole file and re-derives every address).
 * vault.c names its temporary "<vault>.tmp-XXXXXX" and removes it on every failure it sees, but a
 * SIGKILL between mkstemp and rename leaves it behind: such files are counted, must be regular
 * files of mode 0600, and are left in place so later iterations prove they are ignored.
 *
 * The delay range follows the save's duration as the kill loop sees it: unkilled saves, 10 before
 * the loop and one every 5 kills, each timed from the ready byte's arrival to the end of
 * vault_save (the child sends its CLOCK_MONOTONIC end time) while the parent spins as in a kill;
 * the range is 0 .. 1.2 x the median of the last 15. Disk latency drifts under load, so a fixed
 * figure would aim at the wrong window.
 *
 * Output on stdout, key=value lines: one line per problem ("FAIL iteration N: ..."), then
 * calibrations, save_us_min, save_us_median, save_us_max (over every timed save), iterations,
 * killed, finished (saves that beat the signal), old, new, tmp_left (temporaries present at the
 * end), new_by_delay (new/total in the delay thirds 0-0.4, 0.4-0.8, 0.8-1.2 of a save), last_label,
 * failures.
 * Exit status: 0 every check held; 1 a check failed; 2 usage or setup failure.
 */
#include <dirent.h>
#include <sodium.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/address.h"
#include "wallet/vault.h"

#define CALIBRATION 10  /* unkilled saves before the loop */
#define RECALIBRATE 5   /* then one every this many kills */
#define WINDOW 15       /* the delay range follows the median of the last this many */
#define MAX_CAL 1000

static int failures;

static void failf(long it, const char *what, const char *detail)
{
	failures++;
	printf("FAIL iteration %ld: %s%s%s\n", it, what, detail && *detail ? ": " : "", detail ? detail : "");
	fflush(stdout);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: reproducible from the seed, independent of libc's rand */
static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int read_password(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f || !fgets(out, (int)cap, f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	return 0;
}

/* Counts "<base>.tmp-*" beside the vault; each must be a regular file of mode 0600. */
static int count_temps(const char *dir, const char *base, long it)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t bl = strlen(base);
	int n = 0;

	if (!d) {
		failf(it, "cannot list the vault directory", strerror(errno));
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || strcmp(e->d_name, base) == 0)
			continue;
		if (strncmp(e->d_name, base, bl) != 0 || strncmp(e->d_name + bl, ".tmp-", 5) != 0) {
			failf(it, "unexpected file beside the vault", e->d_name);
			continue;
		}
		n++;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 07777) != 0600)
			failf(it, "leftover temporary is not a regular 0600 file", e->d_name);
	}
	closedir(d);
	return n;
}

/*
 * Runs one child save of label. With a delay, SIGKILLs the child delay_ns after its ready byte
 * arrived. With UINT64_MAX, lets it finish and sets *elapsed_ns to the time from the ready byte's
 * arrival to the end of vault_save (the child sends its CLOCK_MONOTONIC end time), the parent
 * spinning meanwhile as it does in a kill, so both see the same load. Returns the wait status.
 */
static int child_save(struct vault *v, const char *label, uint64_t delay_ns, uint64_t *elapsed_ns)
{
	int fds[2], status = 0;
	char b;
	pid_t pid;
	uint64_t t0, end = 0;
	size_t got = 0;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char err[512];
		int rc;

		close(fds[0]);
		if (write(fds[1], "x", 1) != 1)
			_exit(4);
		rc = vault_set_label(v, 0, label, err, sizeof(err));
		if (rc == CD_OK)
			rc = vault_save(v, err, sizeof(err));
		if (rc != CD_OK) {
			fprintf(stderr, "child: %s\n", err);
			_exit(3);
		}
		if (delay_ns == UINT64_MAX) {
			end = now_ns();
			if (write(fds[1], &end, sizeof(end)) != (ssize_t)sizeof(end))
				_exit(4);
		}
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &b, 1) != 1) {
		close(fds[0]);
		waitpid(pid, &status, 0);
		return -1;
	}
	t0 = now_ns();
	if (delay_ns != UINT64_MAX) {
		while (now_ns() - t0 < delay_ns)
			;
		kill(pid, SIGKILL);
	} else {
		fcntl(fds[0], F_SETFL, O_NONBLOCK);
		while (got < sizeof(end)) {
			ssize_t r = read(fds[0], (char *)&end + got, sizeof(end) - got);

			if (r > 0)
				got += (size_t)r;
			else if (r == 0 || (errno != EAGAIN && errno != EINTR))
				break;
		}
		*elapsed_ns = got == sizeof(end) && end > t0 ? end - t0 : 1000;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* One unkilled save, timed; its label becomes the current one. 0 or -1. */
static int calibrate(struct vault *v, uint64_t *out, long k, char *cur, size_t curcap)
{
	char label[32];
	int st;

	snprintf(label, sizeof(label), "calibrate-%ld", k);
	st = child_save(v, label, UINT64_MAX, out);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	snprintf(cur, curcap, "%s", label);
	return 0;
}

/* The median of the last (at most) WINDOW calibrations. */
static uint64_t window_median(const uint64_t *all, long n)
{
	uint64_t w[WINDOW];
	long k = n < WINDOW ? n : WINDOW;

	memcpy(w, all + (n - k), (size_t)k * sizeof(w[0]));
	qsort(w, (size_t)k, sizeof(w[0]), cmp_u64);
	return w[k / 2];
}

int main(int argc, char **argv)
{
	char pw[1100], err[512], dir[4096], base[256], cur[VAULT_LABEL_MAX + 1];
	struct vault *v = NULL;
	struct vault_account a0;
	size_t count;
	static uint64_t cal[MAX_CAL];
	uint64_t save_ns, deadline, elapsed;
	long ncal, iterations, it, killed = 0, finished = 0, old_n = 0, new_n = 0, done = 0;
	long bucket_new[3] = { 0, 0, 0 }, bucket_all[3] = { 0, 0, 0 };
	const char *path, *slash;
	int rc, temps = 0;

	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: vault_killer VAULT PASSWORD_FILE ITERATIONS SEED [MAX_SECONDS]\n");
		return 2;
	}
	path = argv[1];
	iterations = strtol(argv[3], NULL, 10);
	rng_state = strtoull(argv[4], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
	deadline = now_ns() + (uint64_t)(argc == 6 ? strtol(argv[5], NULL, 10) : 40) * 1000000000ull;
	slash = strrchr(path, '/');
	if (!slash || (size_t)(slash - path) >= sizeof(dir) || strlen(slash + 1) >= sizeof(base)) {
		fprintf(stderr, "vault_killer: give the vault as DIR/NAME\n");
		return 2;
	}
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	snprintf(base, sizeof(base), "%s", slash + 1);
	if (read_password(argv[2], pw, sizeof(pw)) != 0) {
		fprintf(stderr, "vault_killer: cannot read %s\n", argv[2]);
		return 2;
	}
	rc = vault_open(&v, path, err, sizeof(err));
	if (rc == CD_OK)
		rc = vault_unlock(v, pw, err, sizeof(err));
	if (rc != CD_OK || vault_account(v, 0, &a0) != CD_OK) {
		fprintf(stderr, "vault_killer: %s\n", err);
		return 2;
	}
	count = vault_account_count(v);

	/* a save's duration, as the kill loop sees it */
	for (ncal = 0; ncal < CALIBRATION; ncal++) {
		if (calibrate(v, &cal[ncal], ncal, cur, sizeof(cur)) != 0) {
			fprintf(stderr, "vault_killer: a calibration save failed\n");
			return 2;
		}
	}

	for (it = 0; it < iterations && now_ns() < deadline; it++) {
		char label[32], detail[700];
		struct vault *w = NULL;
		struct vault_account a;
		uint64_t delay;
		int st, b, n;
		struct stat vs;

		if (it % RECALIBRATE == 0 && it > 0 && ncal < MAX_CAL) {
			if (calibrate(v, &cal[ncal], ncal, cur, sizeof(cur)) != 0)
				failf(it, "a calibration save failed", NULL);
			else
				ncal++;
		}
		save_ns = window_median(cal, ncal);
		delay = (rng() % 1000000ull) * (save_ns * 12 / 10) / 1000000ull;
		b = (int)(delay * 3 / (save_ns * 12 / 10 + 1));

		snprintf(label, sizeof(label), "new-%ld", it);
		st = child_save(v, label, delay, &elapsed);
		done++;
		if (st < 0) {
			failf(it, "fork or pipe failed", strerror(errno));
			continue;
		}
		if (WIFSIGNALED(st)) {
			killed++;
		} else if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			finished++;
		} else {
			snprintf(detail, sizeof(detail), "exit status %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
			failf(it, "the save failed on its own", detail);
		}

		if (stat(path, &vs) != 0 || !S_ISREG(vs.st_mode) || (vs.st_mode & 07777) != 0600)
			failf(it, "the vault is missing or not a regular 0600 file", path);
		rc = vault_open(&w, path, err, sizeof(err));
		if (rc != CD_OK) {
			failf(it, "the vault does not open", err);
			continue;
		}
		if (vault_account_count(w) != count || vault_account(w, 0, &a) != CD_OK ||
			memcmp(&a.address, &a0.address, sizeof(a0.address)) != 0) {
			failf(it, "the account list changed", NULL);
			vault_free(w);
			continue;
		}
		if (strcmp(a.label, cur) == 0) {
			old_n++;
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
				failf(it, "the save completed but the old label is on disk", cur);
		} else if (strcmp(a.label, label) == 0) {
			new_n++;
			bucket_new[b < 3 ? b : 2]++;
			snprintf(cur, sizeof(cur), "%s", label);
		} else {
			snprintf(detail, sizeof(detail), "label \"%s\", expected \"%s\" or \"%s\"", a.label, cur, label);
			failf(it, "neither old nor new", detail);
			snprintf(cur, sizeof(cur), "%s", a.label);
		}
		bucket_all[b < 3 ? b : 2]++;
		rc = vault_unlock(w, pw, err, sizeof(err));
		if (rc != CD_OK)
			failf(it, "the vault does not unlock", err);
		vault_free(w);
		n = count_temps(dir, base, it);
		temps = n;
	}
	qsort(cal, (size_t)ncal, sizeof(cal[0]), cmp_u64);
	printf("calibrations=%ld\nsave_us_min=%llu\nsave_us_median=%llu\nsave_us_max=%llu\n", ncal,
		(unsigned long long)(cal[0] / 1000), (unsigned long long)(cal[ncal / 2] / 1000),
		(unsigned long long)(cal[ncal - 1] / 1000));
	printf("iterations=%ld\nkilled=%ld\nfinished=%ld\nold=%ld\nnew=%ld\ntmp_left=%d\n", done, killed, finished,
		old_n, new_n, temps);
	printf("new_by_delay=%ld/%ld,%ld/%ld,%ld/%ld\n", bucket_new[0], bucket_all[0], bucket_new[1], bucket_all[1],
		bucket_new[2], bucket_all[2]);
	printf("last_label=%s\nfailures=%d\n", cur, failures);
	vault_free(v);
	sodium_memzero(pw, sizeof(pw));
	return failures ? 1 : 0;
}
