/*
 * fuzz_addressbook — the address book file, as addressbook_parse reads it.
 *
 * Properties: any bytes give CD_OK or an error with a message; a
 * failed parse leaves the book's earlier entries untouched; an accepted book
 * holds entries in strictly increasing address order, each found again by
 * lookup, each label valid by addressbook_check_label and safe on a screen.
 */
#include "tests/fuzz/fuzz_util.h"

#include "common/addressbook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addressbook *book = addressbook_new();
	struct address prev = {{0}}, a = {{0}};
	char err[256];
	size_t count;
	int rc;

	/* One entry first, so a failed parse has something to keep. */
	memset(a.b, 0xab, sizeof(a.b));
	fuzz_check(addressbook_set(book, &a, "before", NULL, 0) == CD_OK, "addressbook_set failed");
	err[0] = '\0';
	rc = addressbook_parse(book, (const char *)data, size, "fuzz", err, sizeof(err));
	fuzz_check(fuzz_terminated(err, sizeof(err)), "addressbook message not terminated");
	count = addressbook_count(book);
	if (rc != CD_OK) {
		const char *l = addressbook_get(book, &a);

		fuzz_check(err[0] != '\0', "addressbook error without a message");
		fuzz_check(count == 1 && l && strcmp(l, "before") == 0, "failed parse changed the book");
		addressbook_free(book);
		return 0;
	}
	for (size_t i = 0; i < count; i++) {
		struct address at;
		const char *label = addressbook_entry(book, i, &at);

		fuzz_check(label != NULL, "entry without a label");
		fuzz_check(i == 0 || memcmp(prev.b, at.b, sizeof(at.b)) < 0, "entries out of order");
		fuzz_check(addressbook_get(book, &at) == label, "lookup does not find the entry");
		fuzz_check(addressbook_check_label(label, NULL, 0) == CD_OK, "stored label invalid");
		fuzz_check(strlen(label) >= 1 && strlen(label) <= ADDRESSBOOK_LABEL_MAX, "label length");
		fuzz_check(fuzz_screen_safe(label, strlen(label)), "label not screen-safe");
		prev = at;
	}
	fuzz_check(addressbook_entry(book, count, NULL) == NULL, "entry past the end");
	addressbook_free(book);
	return 0;
}
