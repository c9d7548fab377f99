/*
 * addressbook: the file format and its error messages, set/get/remove, the
 * atomic save, and a book of thousands of entries.
 */
#include "common/addressbook.h"
#include "common/fsutil.h"
#include "tests/lib/test.h"
#include "tests/lib/tmpdir.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* EIP-55 test vectors. */
static const char A1[] = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
static const char A2[] = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";
static const char A3[] = "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB";
static const char A1_LOWER[] = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";
static const char A1_UPPER[] = "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED";
static const char A1_BADSUM[] = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";

/* ---- helpers ---- */

static struct address addr(const char *text)
{
	struct address a;

	memset(&a, 0, sizeof(a));
	if (address_parse(&a, text, strlen(text)) != CD_OK)
		test_fail(__FILE__, __LINE__, "test address %s does not parse", text);
	return a;
}

/* A distinct address for each i (the index in the first and last bytes). */
static struct address nth_addr(uint32_t i)
{
	struct address a;

	for (int k = 0; k < ADDRESS_SIZE; k++)
		a.b[k] = (uint8_t)(i * 2654435761u >> (k % 4 * 8)) ^ (uint8_t)(k * 31);
	a.b[0] = (uint8_t)(i >> 8);
	a.b[19] = (uint8_t)i;
	return a;
}

static int parse(struct addressbook *b, const char *text, char *err, size_t errlen)
{
	return addressbook_parse(b, text, strlen(text), "ab", err, errlen);
}

/* ---- cases ---- */

static void round_trip_keeps_every_entry(void)
{
	const char *dir = test_tmpdir("abook");
	char path[128], err[256] = "";
	struct addressbook *b = addressbook_new(), *c = addressbook_new();
	struct address a1 = addr(A1), a2 = addr(A2), a3 = addr(A3);
	char *text;

	snprintf(path, sizeof(path), "%s/sub/addressbook", dir);
	CHECK_INT(addressbook_load(b, path, err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_set(b, &a2, "Exchange hot wallet", err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_set(b, &a1, "Treasury \xc3\xa9t\xc3\xa9 \xf0\x9f\x90\xb3", err, sizeof(err)),
		CD_OK);
	CHECK_INT(addressbook_set(b, &a3, "#not a comment", err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_save(b, err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_load(c, path, err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_count(c), 3);
	CHECK_STR(addressbook_get(c, &a1), "Treasury \xc3\xa9t\xc3\xa9 \xf0\x9f\x90\xb3");
	CHECK_STR(addressbook_get(c, &a2), "Exchange hot wallet");
	CHECK_STR(addressbook_get(c, &a3), "#not a comment");
	CHECK_STR(addressbook_path(c), path);
	/* EIP-55 addresses in address order, under the header */
	text = test_read_file(path, NULL);
	CHECK_STR(text, "# chaindeck address book: ADDRESS<TAB>LABEL per line\n"
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tTreasury \xc3\xa9t\xc3\xa9 \xf0\x9f\x90\xb3\n"
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB\t#not a comment\n"
		"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359\tExchange hot wallet\n");
	free(text);
	addressbook_free(b);
	addressbook_free(c);
	test_rmtree(dir);
}

static void missing_file_is_an_empty_book(void)
{
	const char *dir = test_tmpdir("abook");
	char path[128], err[256] = "";
	struct addressbook *b = addressbook_new();
	struct address a1 = addr(A1);

	snprintf(path, sizeof(path), "%s/none/addressbook", dir);
	CHECK_INT(addressbook_load(b, path, err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_count(b), 0);
	CHECK(addressbook_get(b, &a1) == NULL);
	CHECK(addressbook_entry(b, 0, NULL) == NULL);
	CHECK_STR(addressbook_path(b), path);
	CHECK(access(path, F_OK) != 0); /* loading creates nothing */
	addressbook_free(b);
	test_rmtree(dir);
}

static void comments_blank_lines_and_crlf_are_accepted(void)
{
	struct addressbook *b = addressbook_new();
	struct address a1 = addr(A1), a2 = addr(A2);
	char err[256] = "", text[512];

	snprintf(text, sizeof(text), "# header\n\n   \n\t# indented comment\r\n%s\tOne\r\n%s\tTwo words  ",
		A1, A2);
	CHECK_INT(parse(b, text, err, sizeof(err)), CD_OK);
	CHECK_STR(err, "");
	CHECK_INT(addressbook_count(b), 2);
	CHECK_STR(addressbook_get(b, &a1), "One");
	CHECK_STR(addressbook_get(b, &a2), "Two words  ");
	CHECK_INT(parse(b, "", err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_count(b), 0);
	addressbook_free(b);
}

static void malformed_lines_are_reported_with_their_line(void)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{ "# ok\n0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe\tshort\n",
		  "ab:2: not an address (\"0x\" + 40 hex digits)" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd\tlong\n",
		  "ab:1: not an address (\"0x\" + 40 hex digits)" },
		{ "\n\n5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tno 0x\n",
		  "ab:3: not an address (\"0x\" + 40 hex digits)" },
		{ "0xZZAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tnot hex\n",
		  "ab:1: not an address (\"0x\" + 40 hex digits)" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD\tbad sum\n",
		  "ab:1: wrong EIP-55 checksum in the address (mixed case that is not the checksum)" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n", "ab:1: missing label (ADDRESS<TAB>LABEL)" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\t\n", "ab:1: missing label" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed Treasury\n",
		  "ab:1: expected a tab between the address and the label" },
		{ " 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tindented\n", "ab:1: white space before the address" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\t"
		  "12345678901234567890123456789012345678901234567890123456789012345\n",
		  "ab:1: label is longer than 64 bytes" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tbell\a\n", "ab:1: label contains a control character" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\t\x1b[31mred\n",
		  "ab:1: label contains a control character" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tC1 \xc2\x9b\n", "ab:1: label contains a control character" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tcr\rin the middle\n",
		  "ab:1: label contains a control character" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\ttwo\ttabs\n", "ab:1: label contains a tab" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tbad \xff utf8\n", "ab:1: label is not valid UTF-8" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\toverlong \xc0\xaf\n", "ab:1: label is not valid UTF-8" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tcut \xe2\x82\n", "ab:1: label is not valid UTF-8" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tflip \xe2\x80\xae" "delif\n",
		  "ab:1: label contains a bidirectional or line-separator character" },
		{ "hello world\n", "ab:1: not an address (\"0x\" + 40 hex digits)" },
	};

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		struct addressbook *b = addressbook_new();
		char err[256] = "";

		CHECK_INT(parse(b, cases[i].text, err, sizeof(err)), CD_EINVAL);
		CHECK_MSG(strcmp(err, cases[i].err) == 0, "case %zu: \"%s\", expected \"%s\"", i, err,
			cases[i].err);
		addressbook_free(b);
	}
}

static void embedded_nul_is_a_control_character(void)
{
	static const char text[] = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tnul\0here\n";
	struct addressbook *b = addressbook_new();
	char err[256] = "";

	CHECK_INT(addressbook_parse(b, text, sizeof(text) - 1, "ab", err, sizeof(err)), CD_EINVAL);
	CHECK_STR(err, "ab:1: label contains a control character");
	addressbook_free(b);
}

static void wrong_checksum_file_names_the_checksum_and_path(void)
{
	const char *dir = test_tmpdir("abook");
	char path[128], text[256], err[512] = "", want[256];
	struct addressbook *b = addressbook_new();

	snprintf(path, sizeof(path), "%s/addressbook", dir);
	snprintf(text, sizeof(text), "# mine\n%s\tgood\n%s\tbad\n", A2, A1_BADSUM);
	test_write_file(path, text);
	CHECK_INT(addressbook_load(b, path, err, sizeof(err)), CD_EINVAL);
	snprintf(want, sizeof(want), "%s:3: ", path);
	CHECK_MSG(strncmp(err, want, strlen(want)) == 0, "\"%s\" does not start with \"%s\"", err, want);
	CHECK(strstr(err, "checksum") != NULL);
	addressbook_free(b);
	test_rmtree(dir);
}

static void duplicate_addresses_are_refused_naming_both_lines(void)
{
	struct addressbook *b = addressbook_new();
	char text[512], err[256] = "";

	/* the same bytes in two spellings */
	snprintf(text, sizeof(text), "%s\tfirst\n%s\tother\n#\n%s\tsecond\n", A1, A2, A1_LOWER);
	CHECK_INT(parse(b, text, err, sizeof(err)), CD_EINVAL);
	CHECK_STR(err, "ab:4: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed is already on line 1");
	addressbook_free(b);
}

static void failed_load_leaves_the_book_unchanged(void)
{
	const char *dir = test_tmpdir("abook");
	char good[128], bad[128], text[256], err[256] = "";
	struct addressbook *b = addressbook_new();
	struct address a1 = addr(A1), a2 = addr(A2);

	snprintf(good, sizeof(good), "%s/good", dir);
	snprintf(bad, sizeof(bad), "%s/bad", dir);
	snprintf(text, sizeof(text), "%s\tkept\n", A1);
	test_write_file(good, text);
	snprintf(text, sizeof(text), "%s\tnew\n%s\n", A2, A1);
	test_write_file(bad, text);
	CHECK_INT(addressbook_load(b, good, err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_load(b, bad, err, sizeof(err)), CD_EINVAL);
	CHECK_INT(addressbook_count(b), 1);
	CHECK_STR(addressbook_get(b, &a1), "kept");
	CHECK(addressbook_get(b, &a2) == NULL);
	CHECK_STR(addressbook_path(b), good);
	/* a directory is not a book either */
	CHECK_INT(addressbook_load(b, dir, err, sizeof(err)), FSUTIL_ENOTFILE); /* fsutil's code, passed on */
	CHECK(strstr(err, "not a regular file") != NULL);
	CHECK_STR(addressbook_path(b), good);
	addressbook_free(b);
	test_rmtree(dir);
}

/* Labels name payment recipients: a book another user could have written is not read (as ssh would). */
static void load_refuses_a_book_another_user_could_have_written(void)
{
	const char *dir = test_tmpdir("abook");
	char path[128], text[256], fix[200], err[512] = "";
	struct addressbook *b = addressbook_new();
	struct address a1 = addr(A1);

	snprintf(path, sizeof(path), "%s/addressbook", dir);
	snprintf(text, sizeof(text), "%s\tmy savings\n", A1);
	test_write_file(path, text);
	snprintf(fix, sizeof(fix), "(fix: chmod go-w '%s')", path);
	CHECK_INT(chmod(path, 0666), 0);
	CHECK_INT(addressbook_load(b, path, err, sizeof(err)), CD_EPERM);
	CHECK_MSG(strncmp(err, path, strlen(path)) == 0 && strstr(err, "writable by every user") && strstr(err, fix),
	          "%s", err);
	CHECK_INT(chmod(path, 0660), 0);
	CHECK_INT(addressbook_load(b, path, err, sizeof(err)), CD_EPERM);
	CHECK_MSG(strstr(err, "writable by its group") != NULL, "%s", err);
	CHECK_INT(addressbook_count(b), 0);
	CHECK(addressbook_get(b, &a1) == NULL);
	if (geteuid() == 0) {
		CHECK_INT(chmod(path, 0600), 0);
		CHECK_INT(chown(path, 65534, 65534), 0);
		CHECK_INT(addressbook_load(b, path, err, sizeof(err)), CD_EPERM);
		CHECK_MSG(strstr(err, "owned by another user") != NULL, "%s", err);
	}
	CHECK_INT(chmod(path, 0644), 0);
	if (geteuid() == 0)
		CHECK_INT(chown(path, 0, 0), 0);
	CHECK_INT(addressbook_load(b, path, err, sizeof(err)), CD_OK);
	CHECK_STR(addressbook_get(b, &a1), "my savings");
	addressbook_free(b);
	test_rmtree(dir);
}

static void set_replaces_and_empty_or_null_removes(void)
{
	struct addressbook *b = addressbook_new();
	struct address a1 = addr(A1), a2 = addr(A2), a;
	char err[256] = "";

	CHECK_INT(addressbook_set(b, &a1, "old", err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_set(b, &a2, "two", err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_set(b, &a1, "new", err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_count(b), 2);
	CHECK_STR(addressbook_get(b, &a1), "new");
	CHECK_INT(addressbook_set(b, &a1, "", err, sizeof(err)), CD_OK);
	CHECK(addressbook_get(b, &a1) == NULL);
	CHECK_INT(addressbook_count(b), 1);
	CHECK_STR(addressbook_entry(b, 0, &a), "two");
	CHECK(memcmp(a.b, a2.b, ADDRESS_SIZE) == 0);
	CHECK_INT(addressbook_set(b, &a2, NULL, err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_count(b), 0);
	/* removing what is not there changes nothing */
	CHECK_INT(addressbook_set(b, &a2, NULL, err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_count(b), 0);
	addressbook_free(b);
}

static void set_accepts_a_label_from_the_book_itself(void)
{
	struct addressbook *b = addressbook_new();
	char err[256] = "";
	struct address a1 = addr(A1);

	CHECK_INT(addressbook_set(b, &a1, "shared", err, sizeof(err)), CD_OK);
	/* enough insertions to move the array while the label points into it */
	for (uint32_t i = 0; i < 100; i++) {
		struct address a = nth_addr(i);

		CHECK_INT(addressbook_set(b, &a, addressbook_get(b, &a1), err, sizeof(err)), CD_OK);
	}
	CHECK_INT(addressbook_set(b, &a1, addressbook_get(b, &a1), err, sizeof(err)), CD_OK);
	for (uint32_t i = 0; i < 100; i++) {
		struct address a = nth_addr(i);

		CHECK_STR(addressbook_get(b, &a), "shared");
	}
	addressbook_free(b);
}

static void set_refuses_bad_labels_and_keeps_the_book(void)
{
	static const struct {
		const char *label;
		const char *err;
	} cases[] = {
		{ "12345678901234567890123456789012345678901234567890123456789012345",
		  "label is longer than 64 bytes" },
		{ "line\nbreak", "label contains a control character" },
		{ "tab\there", "label contains a tab" },
		{ "esc \x1b]0;title\a", "label contains a control character" },
		{ "del \x7f", "label contains a control character" },
		{ "c1 \xc2\x85", "label contains a control character" },
		{ "\xed\xa0\x80 surrogate", "label is not valid UTF-8" },
		{ "\xf4\x90\x80\x80 beyond", "label is not valid UTF-8" },
		{ "lsep \xe2\x80\xa8", "label contains a bidirectional or line-separator character" },
		{ "isolate \xe2\x81\xa6", "label contains a bidirectional or line-separator character" },
	};
	struct addressbook *b = addressbook_new();
	struct address a1 = addr(A1);
	char err[256];

	CHECK_INT(addressbook_set(b, &a1, "kept", err, sizeof(err)), CD_OK);
	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		err[0] = '\0';
		CHECK_INT(addressbook_set(b, &a1, cases[i].label, err, sizeof(err)), CD_EINVAL);
		CHECK_MSG(strcmp(err, cases[i].err) == 0, "case %zu: \"%s\", expected \"%s\"", i, err,
			cases[i].err);
		CHECK_INT(addressbook_check_label(cases[i].label, NULL, 0), CD_EINVAL);
	}
	CHECK_STR(addressbook_get(b, &a1), "kept");
	CHECK_INT(addressbook_count(b), 1);
	/* exactly 64 bytes, and multi-byte characters, are fine */
	CHECK_INT(addressbook_set(b, &a1, "1234567890123456789012345678901234567890123456789012345678901234",
		err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_check_label("\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x91", err, sizeof(err)),
		CD_OK);
	addressbook_free(b);
}

static void save_is_0600_in_a_0700_directory_with_no_temporary_left(void)
{
	const char *dir = test_tmpdir("abook");
	char sub[128], path[160], err[256] = "";
	struct addressbook *b = addressbook_new();
	struct address a1 = addr(A1);
	struct stat st;
	mode_t old = umask(0);

	snprintf(sub, sizeof(sub), "%s/a/chaindeck", dir);
	snprintf(path, sizeof(path), "%s/addressbook", sub);
	CHECK_INT(addressbook_load(b, path, err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_set(b, &a1, "x", err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_save(b, err, sizeof(err)), CD_OK);
	/* saving again replaces the file */
	CHECK_INT(addressbook_set(b, &a1, "y", err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_save(b, err, sizeof(err)), CD_OK);
	umask(old);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	CHECK_INT(stat(sub, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0700);
	CHECK_INT(test_dir_entries(sub), 1);
	addressbook_free(b);
	test_rmtree(dir);
}

static void failed_save_leaves_no_temporary_and_says_why(void)
{
	const char *dir = test_tmpdir("abook");
	char sub[128], path[160], err[256] = "";
	struct addressbook *b = addressbook_new();
	struct address a1 = addr(A1);

	CHECK_INT(addressbook_save(b, err, sizeof(err)), CD_EINVAL); /* never loaded: no path */
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(path, sizeof(path), "%s/book", sub);
	CHECK_INT(addressbook_load(b, path, err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_set(b, &a1, "x", err, sizeof(err)), CD_OK);
	/* a directory where the file should be: the rename fails and the temporary goes */
	CHECK_INT(mkdir(sub, 0700), 0);
	CHECK_INT(mkdir(path, 0700), 0);
	CHECK_INT(addressbook_save(b, err, sizeof(err)), CD_EIO);
	CHECK(strncmp(err, path, strlen(path)) == 0);
	CHECK(strstr(err, "cannot write") != NULL);
	CHECK_INT(test_dir_entries(sub), 1);
	/* a file where the directory should be */
	CHECK_INT(rmdir(path), 0);
	CHECK_INT(rmdir(sub), 0);
	test_write_file(sub, "");
	CHECK_INT(addressbook_save(b, err, sizeof(err)), CD_EIO);
	CHECK(strstr(err, "cannot create directory") != NULL);
	addressbook_free(b);
	test_rmtree(dir);
}

static void a_path_through_a_file_does_not_load(void)
{
	const char *dir = test_tmpdir("abook");
	char blocker[128], path[160], err[256] = "";
	struct addressbook *b = addressbook_new();

	snprintf(blocker, sizeof(blocker), "%s/file", dir);
	test_write_file(blocker, "");
	snprintf(path, sizeof(path), "%s/addressbook", blocker);
	CHECK_INT(addressbook_load(b, path, err, sizeof(err)), CD_EIO);
	CHECK(strstr(err, "Not a directory") != NULL);
	CHECK(addressbook_path(b) == NULL);
	addressbook_free(b);
	test_rmtree(dir);
}

static void lookups_ignore_the_case_the_address_was_written_in(void)
{
	struct addressbook *b = addressbook_new();
	struct address lower = addr(A1_LOWER), upper = addr(A1_UPPER), mixed = addr(A1), a;
	char text[256], err[256] = "";

	snprintf(text, sizeof(text), "%s\tfrom lowercase\n", A1_LOWER);
	CHECK_INT(parse(b, text, err, sizeof(err)), CD_OK);
	CHECK_STR(addressbook_get(b, &mixed), "from lowercase");
	CHECK_STR(addressbook_get(b, &upper), "from lowercase");
	CHECK_STR(addressbook_get(b, &lower), "from lowercase");
	CHECK_INT(addressbook_set(b, &upper, "set through uppercase", err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_count(b), 1);
	CHECK_STR(addressbook_entry(b, 0, &a), "set through uppercase");
	CHECK(memcmp(a.b, mixed.b, ADDRESS_SIZE) == 0);
	addressbook_free(b);
}

static void thousands_of_entries_stay_sorted_and_found(void)
{
	enum { N = 5000 };
	const char *dir = test_tmpdir("abook");
	char path[128], label[32], err[256] = "";
	struct addressbook *b = addressbook_new(), *c = addressbook_new();
	struct address prev, a;

	snprintf(path, sizeof(path), "%s/addressbook", dir);
	CHECK_INT(addressbook_load(b, path, err, sizeof(err)), CD_OK);
	for (uint32_t i = 0; i < N; i++) {
		a = nth_addr(i);
		snprintf(label, sizeof(label), "entry %u", (unsigned)i);
		CHECK_INT(addressbook_set(b, &a, label, err, sizeof(err)), CD_OK);
	}
	CHECK_INT(addressbook_count(b), N);
	CHECK_INT(addressbook_save(b, err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_load(c, path, err, sizeof(err)), CD_OK);
	CHECK_INT(addressbook_count(c), N);
	for (uint32_t i = 0; i < N; i++) {
		a = nth_addr(i);
		snprintf(label, sizeof(label), "entry %u", (unsigned)i);
		CHECK_STR(addressbook_get(c, &a), label);
	}
	for (size_t i = 0; i < addressbook_count(c); i++) {
		CHECK(addressbook_entry(c, i, &a) != NULL);
		if (i > 0)
			CHECK(memcmp(prev.b, a.b, ADDRESS_SIZE) < 0);
		prev = a;
	}
	a = nth_addr(N);
	CHECK(addressbook_get(c, &a) == NULL);
	addressbook_free(b);
	addressbook_free(c);
	test_rmtree(dir);
}

static void default_path_follows_xdg(void)
{
	char *old_xdg = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
	char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	char buf[128], tiny[8];

	setenv("XDG_DATA_HOME", "/x/data", 1);
	setenv("HOME", "/h", 1);
	CHECK_INT(addressbook_default_path(buf, sizeof(buf)), (int)strlen("/x/data/chaindeck/addressbook"));
	CHECK_STR(buf, "/x/data/chaindeck/addressbook");
	setenv("XDG_DATA_HOME", "relative/ignored", 1);
	CHECK(addressbook_default_path(buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "/h/.local/share/chaindeck/addressbook");
	unsetenv("XDG_DATA_HOME");
	CHECK(addressbook_default_path(buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "/h/.local/share/chaindeck/addressbook");
	CHECK_INT(addressbook_default_path(tiny, sizeof(tiny)), CD_ESPACE);
	if (old_xdg)
		setenv("XDG_DATA_HOME", old_xdg, 1);
	if (old_home)
		setenv("HOME", old_home, 1);
	else
		unsetenv("HOME");
	free(old_xdg);
	free(old_home);
}

static void oversized_text_is_refused_unparsed(void)
{
	size_t n = (size_t)ADDRESSBOOK_FILE_MAX + 1;
	char *text = malloc(n), err[256] = "";
	struct addressbook *b = addressbook_new();

	CHECK(text != NULL);
	if (!text)
		return;
	memset(text, '\n', n);
	CHECK_INT(addressbook_parse(b, text, n, "ab", err, sizeof(err)), CD_EINVAL);
	CHECK(strstr(err, "larger than") != NULL);
	CHECK_INT(addressbook_parse(b, text, n - 1, "ab", err, sizeof(err)), CD_OK);
	free(text);
	addressbook_free(b);
}

/* Random mutations of a valid file: every outcome is a clean status, and a book that
 * loads holds only valid labels. */
static void mutated_files_never_crash(void)
{
	static const char seed[] =
		"# c\n0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tTreasury \xc3\xa9\n"
		"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359\tHot\r\n\n"
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB\t\xf0\x9f\x90\xb3 whale\n";
	static const char bytes[] = "\t\n\r #0xX\x80\xc2\xe2\xf0\xff\x1b\x00" "aAfF9";
	struct addressbook *b = addressbook_new();
	uint32_t rng = 12345;
	char buf[sizeof(seed) + 64], err[256];
	size_t ok = 0;

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = sizeof(seed) - 1;
		int edits;

		memcpy(buf, seed, len);
		rng = rng * 1103515245u + 12345u;
		edits = 1 + (int)(rng >> 16) % 4;
		for (int e = 0; e < edits; e++) {
			size_t at;

			rng = rng * 1103515245u + 12345u;
			at = (rng >> 8) % len;
			switch ((rng >> 4) % 3) {
			case 0: /* overwrite */
				buf[at] = bytes[(rng >> 20) % (sizeof(bytes) - 1)];
				break;
			case 1: /* delete */
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			default: /* insert */
				if (len < sizeof(buf)) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = bytes[(rng >> 20) % (sizeof(bytes) - 1)];
					len++;
				}
				break;
			}
		}
		err[0] = '\0';
		if (addressbook_parse(b, buf, len, "f", err, sizeof(err)) == CD_OK) {
			ok++;
			for (size_t i = 0; i < addressbook_count(b); i++)
				CHECK_INT(addressbook_check_label(addressbook_entry(b, i, NULL), NULL, 0),
					CD_OK);
		} else {
			CHECK(strncmp(err, "f:", 2) == 0);
		}
	}
	CHECK(ok > 0);
	addressbook_free(b);
}

static const struct test_case cases[] = {
	{ "round_trip_keeps_every_entry", round_trip_keeps_every_entry },
	{ "missing_file_is_an_empty_book", missing_file_is_an_empty_book },
	{ "comments_blank_lines_and_crlf_are_accepted", comments_blank_lines_and_crlf_are_accepted },
	{ "malformed_lines_are_reported_with_their_line", malformed_lines_are_reported_with_their_line },
	{ "embedded_nul_is_a_control_character", embedded_nul_is_a_control_character },
	{ "wrong_checksum_file_names_the_checksum_and_path", wrong_checksum_file_names_the_checksum_and_path },
	{ "duplicate_addresses_are_refused_naming_both_lines", duplicate_addresses_are_refused_naming_both_lines },
	{ "failed_load_leaves_the_book_unchanged", failed_load_leaves_the_book_unchanged },
	{ "set_replaces_and_empty_or_null_removes", set_replaces_and_empty_or_null_removes },
	{ "set_accepts_a_label_from_the_book_itself", set_accepts_a_label_from_the_book_itself },
	{ "set_refuses_bad_labels_and_keeps_the_book", set_refuses_bad_labels_and_keeps_the_book },
	{ "save_is_0600_in_a_0700_directory_with_no_temporary_left",
	  save_is_0600_in_a_0700_directory_with_no_temporary_left },
	{ "failed_save_leaves_no_temporary_and_says_why", failed_save_leaves_no_temporary_and_says_why },
	{ "a_path_through_a_file_does_not_load", a_path_through_a_file_does_not_load },
	{ "lookups_ignore_the_case_the_address_was_written_in",
	  lookups_ignore_the_case_the_address_was_written_in },
	{ "thousands_of_entries_stay_sorted_and_found", thousands_of_entries_stay_sorted_and_found },
	{ "default_path_follows_xdg", default_path_follows_xdg },
	{ "oversized_text_is_refused_unparsed", oversized_text_is_refused_unparsed },
	{ "mutated_files_never_crash", mutated_files_never_crash },
	{ "load_refuses_a_book_another_user_could_have_written", load_refuses_a_book_another_user_could_have_written },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
