/*
 * log: file creation and modes, line format, escaping of hostile text,
 * levels, and lines that stay whole when threads log at once.
 */
#include "common/log.h"
#include "tests/lib/test.h"
#include "tests/lib/tmpdir.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *tmpdir; /* the running case's, from test_tmpdir */
static char logpath[128];

/* A fresh directory and a log path two levels below it (the parents do not exist yet). */
static const char *fresh_log(void)
{
	tmpdir = test_tmpdir("log");
	snprintf(logpath, sizeof(logpath), "%s/state/chaindeck/test.log", tmpdir);
	return logpath;
}

static void cleanup(void)
{
	log_close();
	test_rmtree(tmpdir);
}

static char *contents(void)
{
	return test_read_file(logpath, NULL);
}

/* The message part of the single line in the log: after "<timestamp> <LEVEL> ", without the newline. */
static char *only_message(void)
{
	char *all = contents(), *p, *msg;
	size_t n;

	p = strchr(all, ' ');
	p = p ? strchr(p + 1, ' ') : NULL;
	if (!p) {
		free(all);
		return strdup("(malformed line)");
	}
	n = strcspn(p + 1, "\n");
	if (p[1 + n] != '\n' || p[2 + n] != '\0') {
		free(all);
		return strdup("(not exactly one line)");
	}
	msg = strndup(p + 1, n);
	free(all);
	return msg;
}

static void creates_file_0600_and_parents_0700(void)
{
	struct stat st;
	char parent[160];

	CHECK_INT(log_open(fresh_log(), LOG_INFO), 0);
	CHECK_INT(stat(logpath, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	snprintf(parent, sizeof(parent), "%s/state/chaindeck", tmpdir);
	CHECK_INT(stat(parent, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0700);
	cleanup();
}

static void lines_have_utc_timestamp_and_level(void)
{
	char *all;

	CHECK_INT(log_open(fresh_log(), LOG_DEBUG), 0);
	log_msg(LOG_WARN, "peer count %d", 3);
	log_msg(LOG_ERROR, "down");
	log_msg(LOG_INFO, "up");
	log_msg(LOG_DEBUG, "dbg");
	all = contents();
	/* 2026-11-22T11:30:00.123Z WARN peer count 3 */
	int y, mo, d, h, mi, s, ms, n = 0;
	char lvl[8];
	const char *p = all;
	const char *want_lvl[] = { "WARN", "ERROR", "INFO", "DEBUG" };
	const char *want_msg[] = { "peer count 3", "down", "up", "dbg" };

	for (int i = 0; i < 4; i++) {
		CHECK_MSG(sscanf(p, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ %7s %n", &y, &mo, &d, &h, &mi, &s, &ms, lvl, &n) == 8,
			  "line %d does not parse: %.60s", i, p);
		CHECK(p[4] == '-' && p[10] == 'T' && p[19] == '.' && p[23] == 'Z' && p[24] == ' ');
		CHECK_STR(lvl, want_lvl[i]);
		CHECK(strncmp(p + n, want_msg[i], strlen(want_msg[i])) == 0);
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	CHECK(p && *p == '\0');
	free(all);
	cleanup();
}

static void control_characters_are_escaped(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "a\nb", "a\\x0ab" },
		{ "fake\n2026-01-01T00:00:00.000Z ERROR pwned", "fake\\x0a2026-01-01T00:00:00.000Z ERROR pwned" },
		{ "\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m" },
		{ "cr\rtab\tdel\x7f", "cr\\x0dtab\\x09del\\x7f" },
		{ "back\\slash", "back\\\\slash" },
		{ "utf8 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 ok", "utf8 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 ok" },
		{ "c1 \xc2\x9b" "31m", "c1 \\xc2\\x9b31m" },
		{ "raw \x9b bytes \xff", "raw \\x9b bytes \\xff" },
		{ "overlong \xc0\xaf", "overlong \\xc0\\xaf" },
		{ "surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80" },
		{ "cut \xe2\x82", "cut \\xe2\\x82" },
		{ "rlo Geth/\xe2\x80\xae" "v1", "rlo Geth/\\xe2\\x80\\xaev1" },
		{ "isolate \xe2\x81\xa6" "x alm \xd8\x9c", "isolate \\xe2\\x81\\xa6x alm \\xd8\\x9c" },
	};

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		char *msg;

		CHECK_INT(log_open(fresh_log(), LOG_INFO), 0);
		log_msg(LOG_INFO, "%s", cases[i].in);
		msg = only_message();
		CHECK_MSG(strcmp(msg, cases[i].want) == 0, "case %zu: got \"%s\"", i, msg);
		free(msg);
		cleanup();
	}
}

static void below_minimum_level_is_not_written(void)
{
	char *all;

	CHECK_INT(log_open(fresh_log(), LOG_WARN), 0);
	CHECK(log_enabled(LOG_ERROR));
	CHECK(log_enabled(LOG_WARN));
	CHECK(!log_enabled(LOG_INFO));
	log_msg(LOG_INFO, "hidden");
	log_msg(LOG_DEBUG, "hidden");
	all = contents();
	CHECK_STR(all, "");
	free(all);
	cleanup();
}

static void closed_log_is_a_no_op(void)
{
	char *all;

	CHECK_INT(log_open(fresh_log(), LOG_DEBUG), 0);
	log_close();
	CHECK(!log_enabled(LOG_ERROR));
	log_msg(LOG_ERROR, "after close");
	log_close();
	all = contents();
	CHECK_STR(all, "");
	free(all);
	cleanup();
}

static void appends_and_tightens_mode_of_existing_file(void)
{
	struct stat st;
	char *all;
	FILE *f;

	CHECK_INT(log_open(fresh_log(), LOG_INFO), 0);
	log_close();
	f = fopen(logpath, "w");
	fputs("earlier line\n", f);
	fclose(f);
	chmod(logpath, 0644);
	CHECK_INT(log_open(logpath, LOG_INFO), 0);
	log_msg(LOG_INFO, "later");
	CHECK_INT(stat(logpath, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	all = contents();
	CHECK(strncmp(all, "earlier line\n", 13) == 0);
	CHECK(strstr(all, " INFO later\n") != NULL);
	free(all);
	cleanup();
}

static void long_messages_are_cut_with_ellipsis(void)
{
	char *big = malloc(20000), *msg;

	memset(big, 'x', 19999);
	big[19999] = '\0';
	CHECK_INT(log_open(fresh_log(), LOG_INFO), 0);
	log_msg(LOG_INFO, "%s", big);
	msg = only_message();
	CHECK_INT(strlen(msg), 8191);
	CHECK(strcmp(msg + strlen(msg) - 3, "...") == 0);
	free(msg);
	free(big);
	cleanup();
}

static void log_msg_keeps_errno(void)
{
	CHECK_INT(log_open(fresh_log(), LOG_INFO), 0);
	errno = ENOSPC;
	log_msg(LOG_INFO, "x");
	CHECK_INT(errno, ENOSPC);
	errno = EPIPE;
	log_msg(LOG_DEBUG, "filtered");
	CHECK_INT(errno, EPIPE);
	cleanup();
}

static void open_failure_is_negative_and_keeps_previous_log(void)
{
	char bad[200];
	char *all;

	CHECK_INT(log_open(fresh_log(), LOG_INFO), 0);
	snprintf(bad, sizeof(bad), "%s/sub", logpath); /* parent is a regular file */
	CHECK(log_open(bad, LOG_INFO) < 0);
	CHECK(log_open("", LOG_INFO) < 0);
	log_msg(LOG_INFO, "still here");
	all = contents();
	CHECK(strstr(all, " INFO still here\n") != NULL);
	free(all);
	cleanup();
}

/* Writes text to path (created 0600); the test's own file, made without log.c. */
static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
}

/* A --log path in a shared directory that someone made a symbolic link: never followed. */
static void refuses_a_symbolic_link_and_leaves_its_target_alone(void)
{
	char target[160], dangling[160];
	struct stat st;
	char *t;

	fresh_log();
	snprintf(target, sizeof(target), "%s/precious", tmpdir);
	snprintf(dangling, sizeof(dangling), "%s/not-yet", tmpdir);
	snprintf(logpath, sizeof(logpath), "%s/link.log", tmpdir);
	put_file(target, "keep me\n");
	CHECK_INT(symlink(target, logpath), 0);
	CHECK_INT(log_open(logpath, LOG_INFO), LOG_ESYMLINK);
	log_msg(LOG_ERROR, "node text");
	t = test_read_file(target, NULL);
	CHECK_STR(t, "keep me\n");
	free(t);
	CHECK_INT(stat(target, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	/* a link to a file that does not exist yet: not created through the link either */
	CHECK_INT(unlink(logpath), 0);
	CHECK_INT(symlink(dangling, logpath), 0);
	CHECK_INT(log_open(logpath, LOG_INFO), LOG_ESYMLINK);
	CHECK(access(dangling, F_OK) != 0);
	CHECK(strstr(log_open_strerror(LOG_ESYMLINK), "symbolic link") != NULL);
	cleanup();
}

/* Another name for one of the user's files (a hard link) is not appended to. */
static void refuses_a_file_with_other_hard_links(void)
{
	char other[160];
	char *t;

	fresh_log();
	snprintf(other, sizeof(other), "%s/precious", tmpdir);
	snprintf(logpath, sizeof(logpath), "%s/hard.log", tmpdir);
	put_file(other, "keep me\n");
	CHECK_INT(link(other, logpath), 0);
	CHECK_INT(log_open(logpath, LOG_INFO), LOG_ELINKED);
	log_msg(LOG_ERROR, "node text");
	t = test_read_file(other, NULL);
	CHECK_STR(t, "keep me\n");
	free(t);
	cleanup();
}

/* A file another user owns (made in a shared directory beforehand) is not appended to or chmod-ed. */
static void refuses_a_file_owned_by_another_user(void)
{
	struct stat st;
	char *t;

	if (geteuid() != 0) {
		/* Only root can give a file away; the check itself is the same fstat as above. */
		fprintf(stdout, "  (skipped: making a file owned by another user needs root)\n");
		return;
	}
	fresh_log();
	snprintf(logpath, sizeof(logpath), "%s/theirs.log", tmpdir);
	put_file(logpath, "theirs\n");
	CHECK_INT(chmod(logpath, 0666), 0);
	CHECK_INT(chown(logpath, 65534, 65534), 0);
	CHECK_INT(log_open(logpath, LOG_INFO), LOG_EOWNER);
	log_msg(LOG_ERROR, "node text");
	t = test_read_file(logpath, NULL);
	CHECK_STR(t, "theirs\n");
	free(t);
	CHECK_INT(stat(logpath, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0666);
	CHECK(strstr(log_open_strerror(LOG_EOWNER), "another user") != NULL);
	cleanup();
}

enum { THREADS = 4, LINES = 500 };

static void *logger_thread(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < LINES; i++)
		log_msg(LOG_INFO, "thread %ld line %d %s", id, i, "payload-payload-payload-payload");
	return NULL;
}

static void concurrent_lines_stay_whole(void)
{
	pthread_t t[THREADS];
	char *all, *line, *save = NULL;
	int count = 0, bad = 0;

	CHECK_INT(log_open(fresh_log(), LOG_INFO), 0);
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, logger_thread, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	all = contents();
	for (line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long id;
		int n, end = 0;

		count++;
		if (sscanf(line + 25, "INFO thread %ld line %d payload-payload-payload-payload%n", &id, &n, &end) != 2 ||
		    line[25 + end] != '\0')
			bad++;
	}
	CHECK_INT(count, THREADS * LINES);
	CHECK_INT(bad, 0);
	free(all);
	cleanup();
}

static void level_names_parse(void)
{
	static const struct {
		const char *s;
		int rc;
		enum log_level lvl;
	} cases[] = {
		{ "error", 0, LOG_ERROR }, { "WARN", 0, LOG_WARN }, { "warning", 0, LOG_WARN },
		{ "Info", 0, LOG_INFO }, { "debug", 0, LOG_DEBUG }, { "trace", -1, LOG_INFO },
		{ "", -1, LOG_INFO },
	};

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		enum log_level lvl = LOG_INFO;

		CHECK_MSG(log_level_parse(cases[i].s, &lvl) == cases[i].rc, "\"%s\"", cases[i].s);
		CHECK_MSG(lvl == cases[i].lvl, "\"%s\"", cases[i].s);
	}
	CHECK_INT(log_level_parse(NULL, NULL), -1);
}

/* Bytes in the file at path (stat's word, not ours), or -1. */
static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Line k's sequence number: lines are "... INFO line <k> <padding>". -1 when there is none. */
static long seq_of(const char *line)
{
	const char *p = strstr(line, " INFO line ");

	return p ? strtol(p + 11, NULL, 10) : -1;
}

/*
 * Writing past the cap: the file is renamed to <path>.1 and a new one started, again and again;
 * neither file ever exceeds the cap, every line is whole, and the lines of .1 then the current
 * file are the last ones written, in order, with none missing between them.
 */
static void rotates_at_the_cap_and_keeps_one_old_file(void)
{
	char old[200], pad[101];
	char *a, *b;
	long want, prev = -1, lines = 0;
	struct stat st;

	fresh_log();
	memset(pad, 'x', 100);
	pad[100] = '\0';
	snprintf(old, sizeof(old), "%s.1", logpath);
	log_set_max_size(8192);
	CHECK_INT(log_open(logpath, LOG_INFO), 0);
	for (want = 0; want < 500; want++) { /* about 75 KiB: nine rotations */
		log_msg(LOG_INFO, "line %ld %s", want, pad);
		CHECK_MSG(file_size(logpath) <= 8192, "after line %ld: %ld bytes", want, file_size(logpath));
	}
	CHECK_MSG(file_size(old) > 8192 - 200 && file_size(old) <= 8192, "%s: %ld bytes", old, file_size(old));
	CHECK(file_size(logpath) > 0);
	CHECK_INT(stat(old, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(stat(logpath, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	/* no <path>.2: one old file only */
	snprintf(old + strlen(old) - 1, 2, "2");
	CHECK(access(old, F_OK) != 0);
	snprintf(old + strlen(old) - 1, 2, "1");
	a = test_read_file(old, NULL);
	b = test_read_file(logpath, NULL);
	for (char *text = a; text; text = text == a ? b : NULL) {
		for (char *line = text, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
			long k;

			*nl = '\0';
			k = seq_of(line);
			CHECK_MSG(k >= 0 && strlen(line) > 100 && strcmp(line + strlen(line) - 100, pad) == 0,
			          "a broken line: %.60s", line);
			CHECK_MSG(prev < 0 || k == prev + 1, "line %ld follows line %ld", k, prev);
			prev = k;
			lines++;
		}
	}
	CHECK_INT(prev, 499);
	CHECK_MSG(lines > 60, "only %ld lines kept", lines);
	free(a);
	free(b);
	log_set_max_size(LOG_MAX_DEFAULT);
	cleanup();
}

/* A log already over the cap when opened is rotated by the first line; a link at <path>.1 is replaced, not followed. */
static void rotation_of_an_old_file_never_writes_through_a_link(void)
{
	char old[200], target[200], big[9000];
	char *t;

	fresh_log();
	CHECK_INT(log_open(logpath, LOG_INFO), 0); /* makes the directories */
	log_close();
	memset(big, 'o', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	put_file(logpath, big);
	snprintf(old, sizeof(old), "%s.1", logpath);
	snprintf(target, sizeof(target), "%s/precious", tmpdir);
	put_file(target, "keep me\n");
	CHECK_INT(symlink(target, old), 0);
	log_set_max_size(8192);
	CHECK_INT(log_open(logpath, LOG_INFO), 0);
	log_msg(LOG_INFO, "after the old lines");
	t = test_read_file(target, NULL);
	CHECK_STR(t, "keep me\n");
	free(t);
	CHECK_INT(file_size(old), (long)strlen(big));
	t = test_read_file(logpath, NULL);
	CHECK(strstr(t, " INFO after the old lines\n") != NULL && strchr(t, 'o') == strstr(t, "old"));
	free(t);
	log_set_max_size(LOG_MAX_DEFAULT);
	cleanup();
}

static const struct test_case cases[] = {
	{ "creates_file_0600_and_parents_0700", creates_file_0600_and_parents_0700 },
	{ "lines_have_utc_timestamp_and_level", lines_have_utc_timestamp_and_level },
	{ "control_characters_are_escaped", control_characters_are_escaped },
	{ "below_minimum_level_is_not_written", below_minimum_level_is_not_written },
	{ "closed_log_is_a_no_op", closed_log_is_a_no_op },
	{ "appends_and_tightens_mode_of_existing_file", appends_and_tightens_mode_of_existing_file },
	{ "long_messages_are_cut_with_ellipsis", long_messages_are_cut_with_ellipsis },
	{ "log_msg_keeps_errno", log_msg_keeps_errno },
	{ "open_failure_is_negative_and_keeps_previous_log", open_failure_is_negative_and_keeps_previous_log },
	{ "concurrent_lines_stay_whole", concurrent_lines_stay_whole },
	{ "level_names_parse", level_names_parse },
	{ "rotates_at_the_cap_and_keeps_one_old_file", rotates_at_the_cap_and_keeps_one_old_file },
	{ "rotation_of_an_old_file_never_writes_through_a_link", rotation_of_an_old_file_never_writes_through_a_link },
	{ "refuses_a_symbolic_link_and_leaves_its_target_alone", refuses_a_symbolic_link_and_leaves_its_target_alone },
	{ "refuses_a_file_with_other_hard_links", refuses_a_file_with_other_hard_links },
	{ "refuses_a_file_owned_by_another_user", refuses_a_file_owned_by_another_user },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
