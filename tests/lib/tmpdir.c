/*
 * tmpdir — the tests' scratch directories: made with mkdtemp, removed with
 * nftw (no shell, no links followed). Contract in tmpdir.h.
 */
#include "tests/lib/tmpdir.h"
#include "tests/lib/test.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char made[4096];

static const char *tmp_root(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

const char *test_tmpdir(const char *tag)
{
	int n = snprintf(made, sizeof(made), "%s/chaindeck-%s-XXXXXX", tmp_root(), tag);

	if (n < 0 || (size_t)n >= sizeof(made) || !mkdtemp(made)) {
		perror("test_tmpdir: mkdtemp");
		exit(2);
	}
	return made;
}

/* A test may have taken a directory's permissions away: give them back, top down, first. */
static int open_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_D || type == FTW_DNR)
		chmod(path, 0700);
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	if (remove(path) != 0)
		perror(path);
	return 0; /* go on with the rest */
}

void test_rmtree(const char *dir)
{
	if (!dir || !made[0] || strcmp(dir, made) != 0) {
		test_fail(__FILE__, __LINE__, "test_rmtree: %s is not the directory test_tmpdir made",
		          dir ? dir : "(null)");
		return;
	}
	nftw(dir, open_one, 16, FTW_PHYS);
	if (nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		test_fail(__FILE__, __LINE__, "test_rmtree: cannot walk %s", dir);
	made[0] = '\0';
}

void test_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

size_t test_dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}
