/*
 * common/fsutil.c, the one way chaindeck writes a file durably, judged by the
 * kernel's view of the directory (stat, lstat, readdir) rather than by our
 * own reader:
 *   - writes: modes exact under umask 022 and 077, missing directories made
 *     0700, an exclusive create refuses an existing file, a symbolic link and
 *     a dangling one; failures (a read-only directory, a path through a file,
 *     a missing directory) leave the old file and no temporary behind;
 *   - crashes: every writer (fsutil_replace, config_save, addressbook_save,
 *     keystore_export, vault_save) killed in the middle of a save (SIGXFSZ from a file
 *     size limit, as abrupt as kill -9) leaves the old file and one
 *     "<name>.tmp-XXXXXX", which the next save removes once it is older than
 *     a minute, and keeps while it could be another process's save;
 *   - a failed directory sync after the rename (injected by wrapping fsync):
 *     a failure for every writer, the new file in place, nothing left over;
 *   - trust: the one check and message for files read back (as ssh);
 *   - reading (fsutil_read): bounds, NUL termination, what is not a regular
 *     file (a directory, a FIFO that must not hang the reader, /proc's
 *     files whose size lies), symbolic links, the wipe of a secret's buffer
 *     (seen by wrapping free); and every reader built on it (config, bearer
 *     file, vault, keystore, address book) refusing a FIFO with the same words;
 *   - directories and the XDG paths.
 * A full disk (ENOSPC) is not injected here: tests/integration/
 * vault_durability.sh does it in a private tmpfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "common/addressbook.h"
#include "common/config.h"
#include "common/fsutil.h"
#include "tests/lib/test.h"
#include "tests/lib/tmpdir.h"
#include "wallet/keystore.h"
#include "wallet/vault.h"

static const char *dir; /* the running case's, from test_tmpdir */

/*
 * fsync as the library sees it: the Makefile links this test with
 * -Wl,--wrap=fsync, so that a disk error can be given to the sync of a
 * directory (after the rename) or of a file (before it), which nothing else
 * can cause on demand. 0: the real fsync.
 */
int __real_fsync(int fd);
int __wrap_fsync(int fd);
static int fail_dir_sync, fail_file_sync;

/*
 * free as the library sees it (-Wl,--wrap=free, as fsync): while watch_free
 * is set, each block freed is examined first: whether its first watch_len
 * bytes were all zero (wiped), into freed_zero, and how many were seen.
 */
void __real_free(void *p);
void __wrap_free(void *p);
static int watch_free, freed_seen, freed_zero;
static size_t watch_len;

void __wrap_free(void *p)
{
	if (watch_free && p) {
		const unsigned char *c = p;
		int zero = 1;

		for (size_t i = 0; i < watch_len; i++)
			zero &= c[i] == 0;
		freed_zero = zero;
		freed_seen++;
	}
	__real_free(p);
}

int __wrap_fsync(int fd)
{
	struct stat st;

	if ((fail_dir_sync || fail_file_sync) && fstat(fd, &st) == 0) {
		int e = S_ISDIR(st.st_mode) ? fail_dir_sync : fail_file_sync;

		if (e) {
			errno = e;
			return -1;
		}
	}
	return __real_fsync(fd);
}

static void make_dir(void)
{
	dir = test_tmpdir("fsutil");
}

static void rm_dir(void)
{
	test_rmtree(dir);
}

static void at(char *out, size_t cap, const char *rel)
{
	snprintf(out, cap, "%s%s%s", dir, *rel ? "/" : "", rel);
}

static void put(const char *rel, const char *text, mode_t mode)
{
	char p[512];
	FILE *f;

	at(p, sizeof(p), rel);
	f = fopen(p, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
}

static int no_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

/* The entries of dir/rel, sorted, separated by spaces; "<name>.tmp-XXXXXX" temporaries as "<name>.tmp-*". */
static void listing(const char *rel, char *out, size_t cap)
{
	char p[512];
	struct dirent **v;
	int n;

	at(p, sizeof(p), rel);
	out[0] = '\0';
	n = scandir(p, &v, no_dots, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = v[i]->d_name, *t = strstr(name, ".tmp-");
		size_t o = strlen(out);

		if (t && strlen(t) == 11)
			snprintf(out + o, cap - o, "%s%.*s.tmp-*", o ? " " : "", (int)(t - name), name);
		else
			snprintf(out + o, cap - o, "%s%s", o ? " " : "", name);
		free(v[i]);
	}
	if (n >= 0)
		free(v);
}

/* ---- writes ---- */

enum setup { NONE, OLD_FILE, DANGLING_LINK, LINK_TO_FILE, BLOCKER_FILE, READ_ONLY_DIR };

static const struct write_case {
	const char *name;
	enum setup setup;
	const char *rel;          /* the target, relative to the test directory */
	mode_t umask, mode;
	unsigned flags;
	int rc;
	const char *msg;          /* in err when rc != CD_OK */
	const char *check;        /* a file whose content is then ... */
	const char *content;      /* ... this (NULL: it must not exist) */
	mode_t want_mode;         /* of check, when not 0 */
	mode_t dir_mode;          /* of each directory created, when not 0 */
	const char *list_dir;     /* whose entries are then ... */
	const char *list;         /* ... exactly these: no temporary left */
} write_cases[] = {
	{ "replace, new file, umask 022", NONE, "f", 022, 0600, FSUTIL_MKDIR, CD_OK, NULL,
	  "f", "new\n", 0600, 0, "", "f" },
	{ "replace, new file, umask 077", NONE, "f", 077, 0600, FSUTIL_MKDIR, CD_OK, NULL,
	  "f", "new\n", 0600, 0, "", "f" },
	{ "replace over an old file", OLD_FILE, "f", 022, 0600, 0, CD_OK, NULL,
	  "f", "new\n", 0600, 0, "", "f" },
	{ "exclusive create 0644 under umask 077", NONE, "f", 077, 0644, FSUTIL_EXCLUSIVE, CD_OK, NULL,
	  "f", "new\n", 0644, 0, "", "f" },
	{ "exclusive create 0640 under umask 022", NONE, "f", 022, 0640, FSUTIL_EXCLUSIVE, CD_OK, NULL,
	  "f", "new\n", 0640, 0, "", "f" },
	{ "exclusive refuses an existing file", OLD_FILE, "f", 022, 0600, FSUTIL_EXCLUSIVE, CD_EEXIST,
	  "f already exists", "f", "old\n", 0600, 0, "", "f" },
	{ "exclusive refuses a dangling symbolic link", DANGLING_LINK, "f", 022, 0600, FSUTIL_EXCLUSIVE,
	  CD_EEXIST, "f already exists", "nowhere", NULL, 0, 0, "", "f" },
	{ "exclusive refuses a symbolic link to a file", LINK_TO_FILE, "f", 022, 0600, FSUTIL_EXCLUSIVE,
	  CD_EEXIST, "f already exists", "target", "old\n", 0600, 0, "", "f target" },
	{ "missing directories made 0700, umask 022", NONE, "a/b/f", 022, 0600, FSUTIL_MKDIR, CD_OK, NULL,
	  "a/b/f", "new\n", 0600, 0700, "a/b", "f" },
	{ "missing directories made 0700, umask 077", NONE, "a/b/f", 077, 0640, FSUTIL_MKDIR | FSUTIL_EXCLUSIVE,
	  CD_OK, NULL, "a/b/f", "new\n", 0640, 0700, "a/b", "f" },
	{ "without FSUTIL_MKDIR a missing directory fails", NONE, "a/f", 022, 0600, 0, CD_EIO,
	  "cannot open the directory: No such file or directory", "a/f", NULL, 0, 0, "", "" },
	{ "a path through a file fails", BLOCKER_FILE, "blocker/f", 022, 0600, FSUTIL_MKDIR, CD_EIO,
	  "Not a directory", "blocker", "old\n", 0600, 0, "", "blocker" },
	{ "a read-only directory fails, the old file stays", READ_ONLY_DIR, "ro/f", 022, 0600, 0, CD_EIO,
	  "ro/f: cannot create a file beside it: Permission denied", "ro/f", "old\n", 0600, 0, "ro", "f" },
	{ "not a file name", NONE, "sub/", 022, 0600, FSUTIL_MKDIR, CD_EIO, "not a file name",
	  "sub", NULL, 0, 0, "", "" },
};

static void run_write_case(const struct write_case *c)
{
	char path[512], p[512], err[512] = "", got[512];
	struct stat st;
	mode_t old;
	int rc;

	make_dir();
	switch (c->setup) {
	case NONE:
		break;
	case OLD_FILE:
		put("f", "old\n", 0600);
		break;
	case DANGLING_LINK:
		at(p, sizeof(p), "f");
		CHECK_INT(symlink("nowhere", p), 0);
		break;
	case LINK_TO_FILE:
		put("target", "old\n", 0600);
		at(p, sizeof(p), "f");
		CHECK_INT(symlink("target", p), 0);
		break;
	case BLOCKER_FILE:
		put("blocker", "old\n", 0600);
		break;
	case READ_ONLY_DIR:
		at(p, sizeof(p), "ro");
		CHECK_INT(mkdir(p, 0700), 0);
		put("ro/f", "old\n", 0600);
		chmod(p, 0500);
		break;
	}
	at(path, sizeof(path), c->rel);
	old = umask(c->umask);
	rc = fsutil_write(path, "new\n", 4, c->mode, c->flags, err, sizeof(err));
	umask(old);
	CHECK_MSG(rc == c->rc, "%s: rc %d, expected %d (%s)", c->name, rc, c->rc, err);
	if (c->msg)
		CHECK_MSG(strstr(err, c->msg) != NULL, "%s: message \"%s\" lacks \"%s\"", c->name, err, c->msg);
	at(p, sizeof(p), c->check);
	if (!c->content) {
		CHECK_MSG(lstat(p, &st) != 0 && errno == ENOENT, "%s: %s exists", c->name, c->check);
	} else {
		char *back = test_read_file(p, NULL);

		CHECK_MSG(strcmp(back, c->content) == 0, "%s: %s holds \"%s\"", c->name, c->check, back);
		free(back);
		CHECK_INT(lstat(p, &st), 0);
		if (c->want_mode)
			CHECK_MSG((st.st_mode & 07777) == c->want_mode, "%s: mode %03o, expected %03o", c->name,
			          (unsigned)(st.st_mode & 07777), (unsigned)c->want_mode);
	}
	if (c->dir_mode) {
		at(p, sizeof(p), "a");
		CHECK_INT(stat(p, &st), 0);
		CHECK_MSG((st.st_mode & 07777) == c->dir_mode, "%s: a is %03o", c->name, (unsigned)(st.st_mode & 07777));
		at(p, sizeof(p), "a/b");
		CHECK_INT(stat(p, &st), 0);
		CHECK_MSG((st.st_mode & 07777) == c->dir_mode, "%s: a/b is %03o", c->name, (unsigned)(st.st_mode & 07777));
	}
	listing(c->list_dir, got, sizeof(got));
	CHECK_MSG(strcmp(got, c->list) == 0, "%s: entries \"%s\", expected \"%s\"", c->name, got, c->list);
	rm_dir();
}

static void test_writes(void)
{
	for (size_t i = 0; i < TEST_COUNT(write_cases); i++) {
		int status;
		pid_t pid;

		if (write_cases[i].setup != READ_ONLY_DIR || geteuid() != 0) {
			run_write_case(&write_cases[i]);
			continue;
		}
		/* root writes anywhere: this case runs as nobody, in a child */
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			if (setgid(65534) != 0 || setuid(65534) != 0)
				_exit(2);
			run_write_case(&write_cases[i]);
			fflush(NULL);
			_exit(test_failures() > 0);
		}
		CHECK_INT(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
			fprintf(stdout, "  (skipped \"%s\": cannot become another user)\n", write_cases[i].name);
		else
			CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: failed as nobody (status %d)",
			          write_cases[i].name, status);
	}
}

/* ---- a save killed half-way, for every writer ---- */

static int save_fsutil(const char *path, int gen, char *err, size_t errlen)
{
	char data[4096];

	memset(data, 'x', sizeof(data));
	snprintf(data, sizeof(data), "generation %d\n", gen);
	return fsutil_replace(path, data, sizeof(data), err, errlen);
}

static int save_config(const char *path, int gen, char *err, size_t errlen)
{
	char text[128];
	struct config cfg;
	int rc;

	config_init(&cfg);
	snprintf(text, sizeof(text), "[node gen%d]\nurl = http://127.0.0.1:8545\n", gen);
	rc = config_parse(&cfg, text, strlen(text), "fixture", err, errlen);
	if (rc == 0)
		rc = config_save(&cfg, path, err, errlen);
	config_free(&cfg);
	return rc;
}

static int save_addressbook(const char *path, int gen, char *err, size_t errlen)
{
	struct addressbook *b = addressbook_new();
	struct address a;
	char label[32];
	int rc;

	if (!b)
		abort();
	snprintf(label, sizeof(label), "generation %d", gen);
	address_parse(&a, "0x5FbDB2315678afecb367f032d93F642f64180aa3", 42);
	rc = addressbook_load(b, path, err, errlen);
	if (rc == 0)
		rc = addressbook_set(b, &a, label, err, errlen);
	if (rc == 0)
		rc = addressbook_save(b, err, errlen);
	addressbook_free(b);
	return rc;
}

static int save_keystore(const char *path, int gen, char *err, size_t errlen)
{
	uint8_t key[KEYSTORE_KEY_SIZE];

	memset(key, 0x11, sizeof(key));
	key[31] = (uint8_t)gen;
	return keystore_export(path, key, (const uint8_t *)"pw", 2, KEYSTORE_LIGHT | KEYSTORE_OVERWRITE, NULL, err,
	                       errlen);
}

/* gen 1 creates the vault (an exclusive create), later ones change account 0's label and save. */
static int save_vault(const char *path, int gen, char *err, size_t errlen)
{
	static const struct vault_opts fast = { 1, 8192, false };
	static const char mnemonic[] = "test test test test test test test test test test test junk";
	struct vault *v = NULL;
	char label[32];
	int rc;

	if (gen == 1) {
		rc = vault_create(&v, path, "pw", mnemonic, NULL, &fast, err, errlen);
		vault_free(v);
		return rc;
	}
	snprintf(label, sizeof(label), "generation %d", gen);
	rc = vault_open(&v, path, err, errlen);
	if (rc == CD_OK)
		rc = vault_unlock(v, "pw", err, errlen);
	if (rc == CD_OK)
		rc = vault_set_label(v, 0, label, err, errlen);
	if (rc == CD_OK)
		rc = vault_save(v, err, errlen);
	vault_free(v);
	return rc;
}

static const struct writer {
	const char *name, *file;
	int (*save)(const char *path, int gen, char *err, size_t errlen);
} writers[] = {
	{ "fsutil_replace", "data", save_fsutil },
	{ "config_save", "config.ini", save_config },
	{ "addressbook_save", "addressbook", save_addressbook },
	{ "keystore_export", "key.json", save_keystore },
	{ "vault_save", "vault", save_vault },
};

/* Whether two file images differ (a vault is binary: no string compare). */
static int differ(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen != blen || memcmp(a, b, alen) != 0;
}

/* Sets the mtime of every "<file>.tmp-XXXXXX" in dir to two minutes ago; returns how many. */
static int age_temporaries(const char *file)
{
	struct timespec ts[2];
	struct dirent **v;
	int n, aged = 0;

	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 120;
	ts[1] = ts[0];
	n = scandir(dir, &v, no_dots, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = v[i]->d_name;
		struct stat st;

		if (strncmp(name, file, strlen(file)) == 0 && strncmp(name + strlen(file), ".tmp-", 5) == 0 &&
		    strlen(name) == strlen(file) + 11) {
			char p[512];

			snprintf(p, sizeof(p), "%s/%s", dir, name);
			CHECK_INT(lstat(p, &st), 0);
			CHECK_MSG(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600, "%s is %o", name, (unsigned)st.st_mode);
			CHECK_INT(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW), 0);
			aged++;
		}
		free(v[i]);
	}
	if (n >= 0)
		free(v);
	return aged;
}

static void crash_one(const struct writer *w)
{
	char path[512], err[512] = "", got[512], want[512], *before, *after;
	size_t blen, alen;
	int status;
	pid_t pid;

	make_dir();
	at(path, sizeof(path), w->file);
	CHECK_MSG(w->save(path, 1, err, sizeof(err)) == 0, "%s: first save: %s", w->name, err);
	before = test_read_file(path, &blen);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct rlimit core = { 0, 0 }, fsize = { 16, 16 };

		/* a file size limit stops the child with SIGXFSZ in the middle of writing its temporary */
		setrlimit(RLIMIT_CORE, &core);
		setrlimit(RLIMIT_FSIZE, &fsize);
		signal(SIGXFSZ, SIG_DFL);
		w->save(path, 2, err, sizeof(err));
		_exit(0);
	}
	CHECK(pid > 0);
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ, "%s: the save was not killed (status %d)",
	          w->name, status);
	after = test_read_file(path, &alen);
	CHECK_MSG(!differ(before, blen, after, alen), "%s: the file changed in a killed save", w->name);
	free(after);
	snprintf(want, sizeof(want), "%s %s.tmp-*", w->file, w->file);
	listing("", got, sizeof(got));
	CHECK_MSG(strcmp(got, want) == 0, "%s: after the kill \"%s\", expected \"%s\"", w->name, got, want);

	/* a young temporary may be a save in progress elsewhere: kept */
	CHECK_MSG(w->save(path, 3, err, sizeof(err)) == 0, "%s: third save: %s", w->name, err);
	listing("", got, sizeof(got));
	CHECK_MSG(strcmp(got, want) == 0, "%s: a young temporary was removed: \"%s\"", w->name, got);

	/* older than a minute: the next save removes it */
	CHECK_INT(age_temporaries(w->file), 1);
	CHECK_MSG(w->save(path, 4, err, sizeof(err)) == 0, "%s: fourth save: %s", w->name, err);
	listing("", got, sizeof(got));
	CHECK_MSG(strcmp(got, w->file) == 0, "%s: leftover not cleaned: \"%s\"", w->name, got);
	after = test_read_file(path, &alen);
	CHECK_MSG(differ(before, blen, after, alen), "%s: the fourth save did not land", w->name);
	free(after);
	free(before);
	rm_dir();
}

static void test_killed_saves(void)
{
	for (size_t i = 0; i < TEST_COUNT(writers); i++)
		crash_one(&writers[i]);
}

/*
 * The one answer to "the rename happened but the directory sync failed",
 * for every writer: a failure, never "saved"; the new file is in place and no
 * temporary is left. EINVAL (a filesystem that cannot sync directories)
 * counts as success. A failed sync of the file itself (before the rename)
 * leaves the old file.
 */
static void test_sync_failures(void)
{
	static const struct {
		int dir_errno, file_errno;
		int ok;           /* the save succeeds */
		int new_in_place; /* the target holds the new content afterwards */
		const char *msg;  /* in the message of fsutil_replace */
	} cases[] = {
		{ EIO, 0, 0, 1, "written, but syncing its directory failed (Input/output error): it may not survive a crash" },
		{ ENOSPC, 0, 0, 1, "written, but syncing its directory failed (No space left on device)" },
		{ EINVAL, 0, 1, 1, NULL },
		{ 0, EIO, 0, 0, "cannot write: Input/output error" },
	};
	char path[512], err[512], got[512], *before, *after;
	size_t blen, alen;

	for (size_t w = 0; w < TEST_COUNT(writers); w++) {
		for (size_t i = 0; i < TEST_COUNT(cases); i++) {
			int rc;

			make_dir();
			at(path, sizeof(path), writers[w].file);
			CHECK_MSG(writers[w].save(path, 1, err, sizeof(err)) == 0, "%s: %s", writers[w].name, err);
			before = test_read_file(path, &blen);
			fail_dir_sync = cases[i].dir_errno;
			fail_file_sync = cases[i].file_errno;
			err[0] = '\0';
			rc = writers[w].save(path, 2, err, sizeof(err));
			fail_dir_sync = fail_file_sync = 0;
			CHECK_MSG((rc == 0) == cases[i].ok, "%s, case %zu: rc %d (%s)", writers[w].name, i, rc, err);
			if (cases[i].msg && w == 0)
				CHECK_MSG(strstr(err, cases[i].msg) != NULL, "case %zu: \"%s\"", i, err);
			if (!cases[i].ok)
				CHECK_MSG(strstr(err, path) != NULL, "%s, case %zu: the message does not name the file: %s",
				          writers[w].name, i, err);
			after = test_read_file(path, &alen);
			CHECK_MSG(differ(before, blen, after, alen) == cases[i].new_in_place, "%s, case %zu: %s content",
			          writers[w].name, i, cases[i].new_in_place ? "old" : "new");
			listing("", got, sizeof(got));
			CHECK_MSG(strcmp(got, writers[w].file) == 0, "%s, case %zu: entries \"%s\"", writers[w].name, i, got);
			free(before);
			free(after);
			rm_dir();
		}
	}
}

/* Only "<name>.tmp-" and six letters or digits, regular, the user's, are ours to remove. */
static void test_cleanup_leaves_other_files_alone(void)
{
	static const char *const keep[] = {
		"data.tmp-backup1", "data.tmp-abc12", "other.tmp-AbC123", "data.tmp-Ab.123", "data.bak",
	};
	char path[512], p[512], err[512];
	struct timespec ts[2];
	struct stat st;

	make_dir();
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 3600;
	ts[1] = ts[0];
	for (size_t i = 0; i < TEST_COUNT(keep); i++) {
		put(keep[i], "keep\n", 0600);
		at(p, sizeof(p), keep[i]);
		CHECK_INT(utimensat(AT_FDCWD, p, ts, 0), 0);
	}
	at(p, sizeof(p), "data.tmp-LnK000");
	CHECK_INT(symlink("data.bak", p), 0);
	CHECK_INT(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW), 0);
	at(p, sizeof(p), "data.tmp-Dir000");
	CHECK_INT(mkdir(p, 0700), 0);
	CHECK_INT(utimensat(AT_FDCWD, p, ts, 0), 0);
	put("data.tmp-Old000", "stale\n", 0600);
	at(p, sizeof(p), "data.tmp-Old000");
	CHECK_INT(utimensat(AT_FDCWD, p, ts, 0), 0);

	at(path, sizeof(path), "data");
	CHECK_INT(fsutil_replace(path, "x", 1, err, sizeof(err)), CD_OK);
	at(p, sizeof(p), "data.tmp-Old000");
	CHECK_MSG(access(p, F_OK) != 0, "the stale temporary is still there");
	for (size_t i = 0; i < TEST_COUNT(keep); i++) {
		at(p, sizeof(p), keep[i]);
		CHECK_MSG(access(p, F_OK) == 0, "%s was removed", keep[i]);
	}
	at(p, sizeof(p), "data.tmp-LnK000");
	CHECK_MSG(lstat(p, &st) == 0, "a symbolic link was removed");
	at(p, sizeof(p), "data.tmp-Dir000");
	CHECK_MSG(lstat(p, &st) == 0, "a directory was removed");
	rm_dir();
}

/* ---- trust ---- */

static void test_trust(void)
{
	static const struct {
		mode_t mode;
		int rc;
		const char *who; /* NULL, or who may write it, as the message says */
	} cases[] = {
		{ 0600, CD_OK, NULL },
		{ 0644, CD_OK, NULL },
		{ 0400, CD_OK, NULL },
		{ 0664, CD_EPERM, "its group" },
		{ 0620, CD_EPERM, "its group" },
		{ 0646, CD_EPERM, "every user" },
		{ 0666, CD_EPERM, "every user" },
	};
	char path[512], lnk[512], err[512], want[1200], *text;
	size_t len;
	struct stat st;

	make_dir();
	at(path, sizeof(path), "f");
	at(lnk, sizeof(lnk), "link");
	put("f", "text\n", 0600);
	CHECK_INT(symlink("f", lnk), 0);
	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		CHECK_INT(chmod(path, cases[i].mode), 0);
		CHECK_INT(stat(path, &st), 0);
		err[0] = '\0';
		CHECK_INT(fsutil_check_trusted(&st, path, err, sizeof(err)), cases[i].rc);
		CHECK_INT(fsutil_read(path, 100, FSUTIL_TRUSTED, &text, &len, err, sizeof(err)), cases[i].rc);
		if (cases[i].rc == CD_OK) {
			CHECK_STR(text, "text\n");
		} else {
			snprintf(want, sizeof(want), "%s: not loaded: writable by %s (fix: chmod go-w '%s')", path,
			         cases[i].who, path);
			CHECK_STR(err, want);
			CHECK(text == NULL);
		}
		free(text);
		/* through the link: refused unless asked to follow, then the same verdict */
		CHECK_INT(fsutil_read(lnk, 100, FSUTIL_TRUSTED, &text, &len, err, sizeof(err)), CD_EPERM);
		CHECK_MSG(strstr(err, "symbolic link") != NULL, "%s", err);
		CHECK_INT(fsutil_read(lnk, 100, FSUTIL_FOLLOW | FSUTIL_TRUSTED, &text, &len, err, sizeof(err)), cases[i].rc);
		free(text);
	}
	chmod(path, 0600);
	CHECK_INT(fsutil_read(path, 4, FSUTIL_TRUSTED, &text, &len, err, sizeof(err)), FSUTIL_ETOOBIG);
	at(path, sizeof(path), "absent");
	CHECK_INT(fsutil_read(path, 100, FSUTIL_TRUSTED, &text, &len, err, sizeof(err)), CD_ENOTFOUND);
	/* another user's file (only root can make one): refused; root's own is trusted, as ssh does */
	if (geteuid() == 0) {
		at(path, sizeof(path), "f");
		CHECK_INT(chown(path, 65534, 65534), 0);
		CHECK_INT(stat(path, &st), 0);
		CHECK_INT(fsutil_check_trusted(&st, path, err, sizeof(err)), CD_EPERM);
		snprintf(want, sizeof(want),
		         "%s: not loaded: owned by another user (uid 65534, you are 0) (if it is yours: chown 0 '%s')", path,
		         path);
		CHECK_STR(err, want);
	}
	rm_dir();
}

/* ---- reading ---- */

static void test_read(void)
{
	static const char bin[8] = { 's', 'e', 'c', '\0', 'r', 'e', 't', '\n' };
	char path[512], lnk[512], err[512], want[1024], *text;
	size_t len;
	int fd;

	make_dir();
	at(path, sizeof(path), "f");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	CHECK_INT((int)write(fd, bin, sizeof(bin)), (int)sizeof(bin));
	close(fd);

	/* exactly max: whole, a NUL after it, a NUL inside kept */
	CHECK_INT(fsutil_read(path, sizeof(bin), 0, &text, &len, err, sizeof(err)), CD_OK);
	CHECK_INT((int)len, (int)sizeof(bin));
	CHECK(text && memcmp(text, bin, sizeof(bin)) == 0 && text[len] == '\0');
	free(text);
	/* one byte over */
	CHECK_INT(fsutil_read(path, sizeof(bin) - 1, 0, &text, &len, err, sizeof(err)), FSUTIL_ETOOBIG);
	snprintf(want, sizeof(want), "%s: larger than 7 bytes", path);
	CHECK_STR(err, want);
	CHECK(text == NULL && len == 0);
	/* empty */
	put("empty", "", 0600);
	at(path, sizeof(path), "empty");
	CHECK_INT(fsutil_read(path, 10, 0, &text, &len, err, sizeof(err)), CD_OK);
	CHECK(text && len == 0 && text[0] == '\0');
	free(text);
	/* absent: err untouched, the caller words it */
	at(path, sizeof(path), "absent");
	snprintf(err, sizeof(err), "untouched");
	CHECK_INT(fsutil_read(path, 10, 0, &text, &len, err, sizeof(err)), CD_ENOTFOUND);
	CHECK_STR(err, "untouched");
	CHECK(text == NULL);
	/* a directory, a FIFO (O_NONBLOCK: no writer, no hang; the alarm kills a reader that waits) */
	at(path, sizeof(path), "sub");
	CHECK_INT(mkdir(path, 0700), 0);
	CHECK_INT(fsutil_read(path, 10, 0, &text, &len, err, sizeof(err)), FSUTIL_ENOTFILE);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	CHECK_STR(err, want);
	at(path, sizeof(path), "fifo");
	CHECK_INT(mkfifo(path, 0600), 0);
	alarm(10);
	CHECK_INT(fsutil_read(path, 10, 0, &text, &len, err, sizeof(err)), FSUTIL_ENOTFILE);
	alarm(0);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	CHECK_STR(err, want);
	/* a symbolic link: refused unless asked to follow */
	at(path, sizeof(path), "f");
	at(lnk, sizeof(lnk), "link");
	CHECK_INT(symlink("f", lnk), 0);
	CHECK_INT(fsutil_read(lnk, 100, 0, &text, &len, err, sizeof(err)), CD_EPERM);
	snprintf(want, sizeof(want), "%s: not loaded: it is a symbolic link", lnk);
	CHECK_STR(err, want);
	CHECK_INT(fsutil_read(lnk, 100, FSUTIL_FOLLOW, &text, &len, err, sizeof(err)), CD_OK);
	CHECK(len == sizeof(bin) && memcmp(text, bin, len) == 0);
	free(text);
	/* the kernel says 0 bytes and gives more: refused, not cut at the size it said */
	CHECK_INT(fsutil_read("/proc/self/status", 1 << 16, FSUTIL_FOLLOW, &text, &len, err, sizeof(err)), CD_EIO);
	CHECK_STR(err, "/proc/self/status: changed while being read");
	/* unreadable (root reads anything: only as another user) */
	if (geteuid() != 0) {
		CHECK_INT(chmod(path, 0), 0);
		CHECK_INT(fsutil_read(path, 100, 0, &text, &len, err, sizeof(err)), CD_EIO);
		snprintf(want, sizeof(want), "%s: cannot open: Permission denied", path);
		CHECK_STR(err, want);
	}
	rm_dir();
}

/*
 * FSUTIL_WIPE: the buffer of a secret is zero when it is freed, by
 * fsutil_free_wiped and on the failure path inside fsutil_read (/proc's
 * "Name:..." read past the size it claims). Without the flag the same
 * failure frees the content as it was: the check sees the difference.
 */
static void test_read_wipes(void)
{
	char path[512], err[512], *text;
	size_t len;

	make_dir();
	put("token", "s3cr3t-bearer-token\n", 0600);
	at(path, sizeof(path), "token");
	CHECK_INT(fsutil_read(path, 100, FSUTIL_WIPE, &text, &len, err, sizeof(err)), CD_OK);
	CHECK_INT((int)len, 20);
	watch_len = len;
	freed_seen = freed_zero = 0;
	watch_free = 1;
	fsutil_free_wiped(text, len);
	watch_free = 0;
	CHECK_INT(freed_seen, 1);
	CHECK_MSG(freed_zero, "fsutil_free_wiped freed the secret unwiped");

	watch_len = 1; /* the size said 0: one byte read ("N" of "Name:") in a buffer of two */
	for (int wipe = 0; wipe <= 1; wipe++) {
		freed_seen = freed_zero = 0;
		watch_free = 1;
		CHECK_INT(fsutil_read("/proc/self/status", 1 << 16, FSUTIL_FOLLOW | (wipe ? FSUTIL_WIPE : 0u), &text, &len,
		                      err, sizeof(err)),
		          CD_EIO);
		watch_free = 0;
		CHECK_INT(freed_seen, 1);
		CHECK_MSG(freed_zero == wipe, "FSUTIL_WIPE %d: the buffer freed was %s", wipe,
		          freed_zero ? "wiped" : "not wiped");
	}
	rm_dir();
}

/*
 * Every reader of a whole file goes through fsutil_read: each refuses a FIFO
 * at its path at once (no writer ever comes: a blocking open would wait for
 * ever, and the alarm ends the test) with the same words.
 */
static int read_config(const char *path, char *err, size_t errlen)
{
	struct config cfg;
	int rc;

	config_init(&cfg);
	rc = config_load(&cfg, path, err, errlen);
	config_free(&cfg);
	return rc;
}

static int read_bearer(const char *path, char *err, size_t errlen)
{
	char conf[600], text[700];
	int fd, rc;

	snprintf(conf, sizeof(conf), "%s.ini", path);
	snprintf(text, sizeof(text), "[node a]\nurl = https://h\nbearer_file = %s\n", path);
	fd = open(conf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	rc = read_config(conf, err, errlen);
	unlink(conf);
	return rc;
}

static int read_vault(const char *path, char *err, size_t errlen)
{
	struct vault *v = NULL;
	int rc = vault_open(&v, path, err, errlen);

	vault_free(v);
	return rc;
}

static int read_keystore(const char *path, char *err, size_t errlen)
{
	uint8_t key[KEYSTORE_KEY_SIZE];

	return keystore_decrypt_file(path, (const uint8_t *)"pw", 2, key, NULL, err, errlen);
}

static int read_addressbook(const char *path, char *err, size_t errlen)
{
	struct addressbook *b = addressbook_new();
	int rc;

	if (!b)
		abort();
	rc = addressbook_load(b, path, err, errlen);
	addressbook_free(b);
	return rc;
}

static void test_readers_refuse_a_fifo(void)
{
	static const struct {
		const char *name;
		int (*read)(const char *path, char *err, size_t errlen);
	} readers[] = {
		{ "config_load", read_config },
		{ "bearer_file", read_bearer },
		{ "vault_open", read_vault },
		{ "keystore_decrypt_file", read_keystore },
		{ "addressbook_load", read_addressbook },
	};
	char path[512], err[1024];

	make_dir();
	at(path, sizeof(path), "fifo");
	CHECK_INT(mkfifo(path, 0600), 0);
	for (size_t i = 0; i < TEST_COUNT(readers); i++) {
		int rc;

		err[0] = '\0';
		alarm(10);
		rc = readers[i].read(path, err, sizeof(err));
		alarm(0);
		CHECK_MSG(rc != 0, "%s: a FIFO was read", readers[i].name);
		CHECK_MSG(strstr(err, "not a regular file") != NULL, "%s: \"%s\"", readers[i].name, err);
	}
	rm_dir();
}

/* ---- directories and paths ---- */

static void test_mkdirs(void)
{
	static const struct {
		mode_t umask, mode;
	} cases[] = { { 022, 0700 }, { 077, 0700 }, { 077, 0755 }, { 022, 0750 } };
	char p[512], q[512], err[512];
	struct stat st;

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		mode_t old;

		make_dir();
		at(p, sizeof(p), "x/y/z/");
		old = umask(cases[i].umask);
		CHECK_INT(fsutil_mkdirs(p, cases[i].mode, err, sizeof(err)), CD_OK);
		umask(old);
		at(q, sizeof(q), "x/y/z");
		CHECK_INT(stat(q, &st), 0);
		CHECK_MSG((st.st_mode & 07777) == cases[i].mode, "umask %03o mode %03o: got %03o", (unsigned)cases[i].umask,
		          (unsigned)cases[i].mode, (unsigned)(st.st_mode & 07777));
		at(q, sizeof(q), "x");
		CHECK_INT(stat(q, &st), 0);
		CHECK_INT(st.st_mode & 07777, cases[i].mode);
		rm_dir();
	}
	/* an existing directory keeps its mode; a file on the way is ENOTDIR */
	make_dir();
	at(p, sizeof(p), "open");
	CHECK_INT(mkdir(p, 0755), 0);
	at(p, sizeof(p), "open/sub/file");
	CHECK_INT(fsutil_mkparents(p, 0700, err, sizeof(err)), CD_OK);
	at(q, sizeof(q), "open");
	CHECK_INT(stat(q, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0755);
	at(q, sizeof(q), "open/sub");
	CHECK_INT(stat(q, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0700);
	put("plain", "x", 0600);
	at(p, sizeof(p), "plain/sub");
	errno = 0;
	CHECK_INT(fsutil_mkdirs(p, 0700, err, sizeof(err)), CD_EIO);
	CHECK_INT(errno, ENOTDIR);
	CHECK_MSG(strstr(err, "plain: cannot create directory: Not a directory") != NULL, "%s", err);
	CHECK_INT(fsutil_mkparents("file-here", 0700, NULL, 0), CD_OK);
	rm_dir();
}

static void test_xdg_paths(void)
{
	static const struct {
		enum fsutil_xdg which;
		const char *var, *value, *home, *want; /* want NULL: the password database's home + tail */
	} cases[] = {
		{ FSUTIL_XDG_CONFIG, "XDG_CONFIG_HOME", "/x/conf", "/h", "/x/conf/chaindeck/f" },
		{ FSUTIL_XDG_CONFIG, "XDG_CONFIG_HOME", NULL, "/h", "/h/.config/chaindeck/f" },
		{ FSUTIL_XDG_CONFIG, "XDG_CONFIG_HOME", "", "/h", "/h/.config/chaindeck/f" },
		{ FSUTIL_XDG_STATE, "XDG_STATE_HOME", "/x/state", "/h", "/x/state/chaindeck/f" },
		{ FSUTIL_XDG_STATE, "XDG_STATE_HOME", "rel/state", "/h", "/h/.local/state/chaindeck/f" },
		{ FSUTIL_XDG_DATA, "XDG_DATA_HOME", "/x/data", "/h", "/x/data/chaindeck/f" },
		{ FSUTIL_XDG_DATA, "XDG_DATA_HOME", NULL, "/h", "/h/.local/share/chaindeck/f" },
		{ FSUTIL_XDG_DATA, "XDG_DATA_HOME", NULL, "relative/home", NULL },
	};
	const char *names[] = { "HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME" };
	char *saved[4], buf[512], want[512];
	struct passwd *pw = getpwuid(getuid());

	for (size_t i = 0; i < 4; i++)
		saved[i] = getenv(names[i]) ? strdup(getenv(names[i])) : NULL;
	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		for (size_t j = 1; j < 4; j++)
			unsetenv(names[j]);
		setenv("HOME", cases[i].home, 1);
		if (cases[i].value)
			setenv(cases[i].var, cases[i].value, 1);
		if (cases[i].want)
			snprintf(want, sizeof(want), "%s", cases[i].want);
		else if (pw && pw->pw_dir && pw->pw_dir[0] == '/')
			snprintf(want, sizeof(want), "%s/.local/share/chaindeck/f", pw->pw_dir);
		else
			continue;
		CHECK_INT(fsutil_xdg_path(buf, sizeof(buf), cases[i].which, "chaindeck/f"), (long long)strlen(want));
		CHECK_STR(buf, want);
		CHECK_INT(fsutil_xdg_path(buf, 8, cases[i].which, "chaindeck/f"), CD_ESPACE);
	}
	for (size_t i = 0; i < 4; i++) {
		if (saved[i])
			setenv(names[i], saved[i], 1);
		else
			unsetenv(names[i]);
		free(saved[i]);
	}
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		{ "writes: modes, exclusive create, failures leave nothing behind", test_writes },
		{ "a killed save of every writer: old file kept, temporary cleaned by a later save", test_killed_saves },
		{ "a failed sync: the one answer, for every writer", test_sync_failures },
		{ "cleanup removes only stale temporaries of the target", test_cleanup_leaves_other_files_alone },
		{ "trust: the one check and message, symbolic links", test_trust },
		{ "reading: bounds, NUL, not a regular file, links, a size that lies", test_read },
		{ "reading a secret: its buffer is wiped before it is freed", test_read_wipes },
		{ "every reader (config, bearer file, vault, keystore, address book) refuses a FIFO at once",
		  test_readers_refuse_a_fifo },
		{ "directories: exact modes under any umask, ENOTDIR", test_mkdirs },
		{ "XDG paths", test_xdg_paths },
	};

	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
