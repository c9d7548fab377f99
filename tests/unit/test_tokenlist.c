/*
 * The token list file (wallet/tokenlist.c) and the atomic replace under it
 * (common/fsutil.c): a list written by hand in the documented format is read
 * back, bad lines are refused by line number, a file others could write (or a
 * symlink) is refused, a save is mode 0600 and a failed save leaves the old
 * file as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/hex.h"
#include "tests/lib/test.h"
#include "tests/lib/tmpdir.h"
#include "wallet/tokenlist.h"

static const char *dir; /* the running case's, from test_tmpdir */

static void make_dir(void)
{
	dir = test_tmpdir("tokenlist");
}

static void put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void test_reads_a_hand_written_list(void)
{
	struct tokenlist l;
	char path[300], err[300];
	uint8_t cdt[20];
	size_t n;
	const struct tokenlist_entry *e;

	make_dir();
	snprintf(path, sizeof(path), "%s/tokens", dir);
	put(path,
	    "# chaindeck watched tokens: chain-id address decimals symbol\n"
	    "\n"
	    "31337 0x5FbDB2315678afecb367f032d93F642f64180aa3 18 CDT\n"
	    "1 0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48 6 USDC\r\n"
	    "1 0x9f8F72aA9304c8B593d555F12eF6589cC3A579A2 18 Maker Token\n",
	    0600);
	CHECK_INT(tokenlist_load(&l, path, err, sizeof(err)), 0);
	CHECK_INT(l.n, 3);
	hex_decode(cdt, sizeof(cdt), &n, "5fbdb2315678afecb367f032d93f642f64180aa3", 40);
	e = tokenlist_find(&l, 31337, cdt);
	CHECK(e != NULL);
	if (e) {
		CHECK_INT(e->decimals, 18);
		CHECK_STR(e->symbol, "CDT");
	}
	CHECK(tokenlist_find(&l, 1, cdt) == NULL); /* per chain */
	CHECK_INT(l.v[1].decimals, 6);
	CHECK_STR(l.v[1].symbol, "USDC");
	CHECK_STR(l.v[2].symbol, "Maker Token");
	unlink(path);
	rmdir(dir);
}

static void test_refuses_bad_lines(void)
{
	static const char *const bad[] = {
		"31337 0x5fbdb2315678afecb367f032d93f642f64180aa3 256 CDT\n",   /* decimals > 255 */
		"31337 0x5fbdb2315678afecb367f032d93f642f64180aa 18 CDT\n",     /* short address */
		"31337 0x5FbDB2315678afecb367f032d93F642f64180aA3 18 CDT\n",    /* broken EIP-55 checksum */
		"31337 0x5fbdb2315678afecb367f032d93f642f64180aa3 18\n",        /* no symbol */
		"0 0x5fbdb2315678afecb367f032d93f642f64180aa3 18 CDT\n",        /* chain 0 */
		"x 0x5fbdb2315678afecb367f032d93f642f64180aa3 18 CDT\n",
	};
	struct tokenlist l;
	char err[200];

	for (size_t i = 0; i < TEST_COUNT(bad); i++) {
		char text[300];

		snprintf(text, sizeof(text), "# head\n%s", bad[i]);
		CHECK_MSG(tokenlist_parse(&l, text, strlen(text), err, sizeof(err)) == -1, "accepted: %s", bad[i]);
		CHECK_MSG(strstr(err, "line 2") != NULL, "error names the line: %s", err);
	}
}

static void test_refuses_files_others_could_write(void)
{
	struct tokenlist l;
	char path[300], link[300], err[300];

	make_dir();
	snprintf(path, sizeof(path), "%s/tokens", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	put(path, "1 0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48 6 USDC\n", 0664);
	CHECK_INT(tokenlist_load(&l, path, err, sizeof(err)), -1);
	/* the one trust check and message of common/fsutil.h, as for the config and the address book */
	CHECK_MSG(strstr(err, "not loaded: writable by its group (fix: chmod go-w '") != NULL, "%s", err);
	chmod(path, 0646);
	CHECK_INT(tokenlist_load(&l, path, err, sizeof(err)), -1);
	CHECK_MSG(strstr(err, "not loaded: writable by every user (fix: chmod go-w '") != NULL, "%s", err);
	chmod(path, 0644); /* readable by others is fine: nothing secret, nothing they could change */
	CHECK_INT(tokenlist_load(&l, path, err, sizeof(err)), 0);
	CHECK_INT(l.n, 1);
	if (geteuid() == 0 && chown(path, 65534, 65534) == 0) {
		/* another user's file, even one only they can write */
		chmod(path, 0600);
		CHECK_INT(tokenlist_load(&l, path, err, sizeof(err)), -1);
		CHECK_MSG(strstr(err, "owned by another user") != NULL, "%s", err);
		CHECK(chown(path, 0, 0) == 0);
	}
	CHECK_INT(symlink(path, link), 0);
	CHECK_INT(tokenlist_load(&l, link, err, sizeof(err)), -1);
	CHECK_MSG(strstr(err, "symbolic link") != NULL, "%s", err);
	unlink(link);
	unlink(path);
	/* absent: an empty list */
	CHECK_INT(tokenlist_load(&l, path, err, sizeof(err)), 0);
	CHECK_INT(l.n, 0);
	rmdir(dir);
}

static void test_replace_is_private_and_keeps_the_old_file_on_failure(void)
{
	char path[300], err[300], *back;
	size_t len;
	struct stat st;

	make_dir();
	snprintf(path, sizeof(path), "%s/sub/tokens", dir);
	CHECK_INT(fsutil_replace(path, "one\n", 4, err, sizeof(err)), CD_OK);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	back = test_read_file(path, &len);
	CHECK_STR(back, "one\n");
	free(back);
	if (geteuid() != 0) {
		/* a directory we cannot write: the save fails, says why, and the old content stays */
		char sub[300];

		snprintf(sub, sizeof(sub), "%s/sub", dir);
		chmod(sub, 0500);
		CHECK_INT(fsutil_replace(path, "two\n", 4, err, sizeof(err)), CD_EIO);
		CHECK_MSG(strstr(err, "Permission denied") != NULL, "%s", err);
		back = test_read_file(path, &len);
		CHECK_STR(back, "one\n");
		free(back);
		chmod(sub, 0700);
	}
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		{ "reads a hand-written list", test_reads_a_hand_written_list },
		{ "refuses bad lines by number", test_refuses_bad_lines },
		{ "refuses files others could write", test_refuses_files_others_could_write },
		{ "replace is 0600, a failed one keeps the old file", test_replace_is_private_and_keeps_the_old_file_on_failure },
	};

	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
