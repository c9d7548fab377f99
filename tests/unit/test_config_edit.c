/*
 * Editing config.ini in place (config_edit_add / _remove / _pin): every byte
 * outside the edited section stays as written. The expected texts are
 * written out by hand below, line by line, not produced by the code under
 * test; each result is also loaded back with config_parse.
 */
#include "common/config.h"
#include "common/fsutil.h"
#include "tests/lib/test.h"

#include <string.h>

static const char FILE_TEXT[] =
	"# ops fleet\n"
	"\n"
	"[node \"a\"]   # first\n"
	"  url =   http://127.0.0.1:1\n"
	"  # between keys\n"
	"  chain_id=1\n"
	"\n"
	"# about b\n"
	"[node \"b\"]\n"
	"url = http://127.0.0.1:2\n"
	"pinned = no   ; later\n";

static char *edited;
static size_t edited_len;

static int pin(const char *text, const char *name, bool on)
{
	char err[256];

	fsutil_free_wiped(edited, edited_len);
	edited = NULL;
	return config_edit_pin(text, strlen(text), "t.ini", name, on, &edited, &edited_len, err, sizeof(err));
}

static bool loads(const char *text)
{
	struct config c;
	char err[256];
	int rc;

	config_init(&c);
	rc = config_parse(&c, text, strlen(text), "t.ini", err, sizeof(err));
	config_free(&c);
	return rc == 0;
}

static void pin_rewrites_the_line_keeping_its_comment(void)
{
	CHECK_INT(pin(FILE_TEXT, "b", true), CD_OK);
	CHECK_STR(edited, "# ops fleet\n"
			  "\n"
			  "[node \"a\"]   # first\n"
			  "  url =   http://127.0.0.1:1\n"
			  "  # between keys\n"
			  "  chain_id=1\n"
			  "\n"
			  "# about b\n"
			  "[node \"b\"]\n"
			  "url = http://127.0.0.1:2\n"
			  "pinned = yes   ; later\n");
	CHECK(loads(edited));
}

static void pin_adds_a_line_with_the_sections_indentation(void)
{
	CHECK_INT(pin(FILE_TEXT, "a", true), CD_OK);
	CHECK_STR(edited, "# ops fleet\n"
			  "\n"
			  "[node \"a\"]   # first\n"
			  "  url =   http://127.0.0.1:1\n"
			  "  # between keys\n"
			  "  chain_id=1\n"
			  "  pinned = yes\n"
			  "\n"
			  "# about b\n"
			  "[node \"b\"]\n"
			  "url = http://127.0.0.1:2\n"
			  "pinned = no   ; later\n");
	/* unpinning a section without the key changes nothing */
	CHECK_INT(pin(FILE_TEXT, "a", false), CD_OK);
	CHECK_STR(edited, FILE_TEXT);
}

static void pin_keeps_crlf_and_a_missing_last_newline(void)
{
	CHECK_INT(pin("[node \"x\"]\r\nurl = /tmp/x.ipc\r\n", "x", true), CD_OK);
	CHECK_STR(edited, "[node \"x\"]\r\nurl = /tmp/x.ipc\r\npinned = yes\r\n");
	CHECK_INT(pin("[node \"x\"]\nurl = /tmp/x.ipc", "x", true), CD_OK);
	CHECK_STR(edited, "[node \"x\"]\nurl = /tmp/x.ipc\npinned = yes\n");
	CHECK_INT(pin("[node \"x\"]\nurl = /tmp/x.ipc", "y", true), CD_ENOTFOUND);
}

static void remove_takes_exactly_the_section(void)
{
	char err[256];

	fsutil_free_wiped(edited, edited_len);
	CHECK_INT(config_edit_remove(FILE_TEXT, strlen(FILE_TEXT), "t.ini", "a", &edited, &edited_len, err,
				     sizeof(err)), CD_OK);
	/* the comment after a's last key is b's, and stays */
	CHECK_STR(edited, "# ops fleet\n"
			  "\n"
			  "# about b\n"
			  "[node \"b\"]\n"
			  "url = http://127.0.0.1:2\n"
			  "pinned = no   ; later\n");
	fsutil_free_wiped(edited, edited_len);
	CHECK_INT(config_edit_remove(FILE_TEXT, strlen(FILE_TEXT), "t.ini", "b", &edited, &edited_len, err,
				     sizeof(err)), CD_OK);
	/* the last section: the comment before it stays (it may say more than the section did) */
	CHECK_STR(edited, "# ops fleet\n"
			  "\n"
			  "[node \"a\"]   # first\n"
			  "  url =   http://127.0.0.1:1\n"
			  "  # between keys\n"
			  "  chain_id=1\n"
			  "\n"
			  "# about b\n");
	CHECK(loads(edited));
}

static void add_appends_after_a_blank_line_and_refuses_what_the_file_would(void)
{
	struct config_node n = { .name = "c", .url = "http://127.0.0.1:3", .has_chain_id = true, .chain_id = 5 };
	char err[256];

	fsutil_free_wiped(edited, edited_len);
	CHECK_INT(config_edit_add(FILE_TEXT, strlen(FILE_TEXT), "t.ini", &n, &edited, &edited_len, err, sizeof(err)),
		  CD_OK);
	CHECK(strncmp(edited, FILE_TEXT, strlen(FILE_TEXT)) == 0);
	CHECK_STR(edited + strlen(FILE_TEXT), "\n[node \"c\"]\nurl = http://127.0.0.1:3\nchain_id = 5\n");
	fsutil_free_wiped(edited, edited_len);
	edited = NULL;
	/* a file that does not exist yet */
	CHECK_INT(config_edit_add(NULL, 0, "t.ini", &n, &edited, &edited_len, err, sizeof(err)), CD_OK);
	CHECK_STR(edited, "[node \"c\"]\nurl = http://127.0.0.1:3\nchain_id = 5\n");
	n.name = "b";
	CHECK_INT(config_edit_add(FILE_TEXT, strlen(FILE_TEXT), "t.ini", &n, &edited, &edited_len, err, sizeof(err)),
		  CD_EEXIST);
	n.name = "d";
	n.url = "http://127.0.0.1:8545http://user:PW@host";
	CHECK_INT(config_edit_add(FILE_TEXT, strlen(FILE_TEXT), "t.ini", &n, &edited, &edited_len, err, sizeof(err)),
		  CD_EINVAL);
	CHECK(!strstr(err, "PW"));
	n.url = "http://127.0.0.1:3";
	n.name = "0123456789012345678901234567890123456789012345678901234567890123"; /* 64 bytes */
	CHECK_INT(config_edit_add(FILE_TEXT, strlen(FILE_TEXT), "t.ini", &n, &edited, &edited_len, err, sizeof(err)),
		  CD_EINVAL);
	CHECK_STR(err, "node name is longer than 63 bytes");
}

static void an_invalid_file_is_not_edited(void)
{
	CHECK_INT(pin("[node \"x\"]\nurl = /tmp/x.ipc\nbogus\n", "x", true), CD_EINVAL);
}

static const struct test_case cases[] = {
	{ "pin_rewrites_the_line_keeping_its_comment", pin_rewrites_the_line_keeping_its_comment },
	{ "pin_adds_a_line_with_the_sections_indentation", pin_adds_a_line_with_the_sections_indentation },
	{ "pin_keeps_crlf_and_a_missing_last_newline", pin_keeps_crlf_and_a_missing_last_newline },
	{ "remove_takes_exactly_the_section", remove_takes_exactly_the_section },
	{ "add_appends_after_a_blank_line_and_refuses_what_the_file_would",
	  add_appends_after_a_blank_line_and_refuses_what_the_file_would },
	{ "an_invalid_file_is_not_edited", an_invalid_file_is_not_edited },
};

int main(int argc, char **argv)
{
	int rc = test_main(argc, argv, cases, TEST_COUNT(cases));

	fsutil_free_wiped(edited, edited_len);
	return rc;
}
