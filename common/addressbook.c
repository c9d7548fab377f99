/*
 * addressbook — labels for addresses. Contract and file format in addressbook.h.
 */
#include "common/addressbook.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/text.h"
#include "common/errmsg.h"
#include "common/xalloc.h"

struct entry {
	struct address addr;
	size_t line; /* where it was read from, for duplicate messages while parsing */
	char label[ADDRESSBOOK_LABEL_MAX + 1];
};

struct addressbook {
	struct entry *v; /* sorted by addr, no two equal */
	size_t n, cap;
	char *path;
};

static const char header[] = "# chaindeck address book: ADDRESS<TAB>LABEL per line\n";

/* ---- memory ---------------------------------------------------------------------------------- */

/* ---- the book -------------------------------------------------------------------------------- */

struct addressbook *addressbook_new(void)
{
	struct addressbook *b = xrealloc(NULL, sizeof(*b));

	memset(b, 0, sizeof(*b));
	return b;
}

void addressbook_free(struct addressbook *book)
{
	if (!book)
		return;
	free(book->v);
	free(book->path);
	free(book);
}

size_t addressbook_count(const struct addressbook *book)
{
	return book ? book->n : 0;
}

const char *addressbook_path(const struct addressbook *book)
{
	return book ? book->path : NULL;
}

const char *addressbook_entry(const struct addressbook *book, size_t i, struct address *addr)
{
	if (!book || i >= book->n)
		return NULL;
	if (addr)
		*addr = book->v[i].addr;
	return book->v[i].label;
}

/* Index of addr, or where it would be inserted; *found says which. */
static size_t find(const struct addressbook *b, const struct address *addr, bool *found)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(b->v[mid].addr.b, addr->b, ADDRESS_SIZE);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

const char *addressbook_get(const struct addressbook *book, const struct address *addr)
{
	bool found;
	size_t i;

	if (!book || !addr)
		return NULL;
	i = find(book, addr, &found);
	return found ? book->v[i].label : NULL;
}

/* ---- labels ---------------------------------------------------------------------------------- */

/*
 * Checks s[0..len) as a label; NULL if it is one, else why not. Strict UTF-8
 * (no overlong forms, surrogates or code points beyond U+10FFFF).
 */
static const char *label_problem(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	if (len == 0)
		return "missing label";
	if (len > ADDRESSBOOK_LABEL_MAX)
		return "label is longer than 64 bytes";
	while (i < len) {
		unsigned char c = u[i];
		uint32_t cp;
		size_t n;

		if (c == '\t')
			return "label contains a tab";
		if (c < 0x20 || c == 0x7f)
			return "label contains a control character";
		if (c < 0x80) {
			i++;
			continue;
		}
		n = text_utf8_decode(u + i, len - i, &cp);
		if (n == 0)
			return "label is not valid UTF-8";
		if (cp <= 0x9f)
			return "label contains a control character";
		if (cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return "label contains a bidirectional or line-separator character";
		i += n;
	}
	return NULL;
}

int addressbook_check_label(const char *label, char *err, size_t errlen)
{
	const char *why;

	if (!label) {
		set_err(err, errlen, "missing label");
		return CD_EINVAL;
	}
	/* bound the scan: anything past the limit is too long whatever it holds */
	why = label_problem(label, strnlen(label, ADDRESSBOOK_LABEL_MAX + 1));
	if (why) {
		set_err(err, errlen, "%s", why);
		return CD_EINVAL;
	}
	return CD_OK;
}

int addressbook_set(struct addressbook *book, const struct address *addr, const char *label,
		    char *err, size_t errlen)
{
	char copy[ADDRESSBOOK_LABEL_MAX + 1];
	bool found;
	size_t i, len;

	if (!book || !addr) {
		set_err(err, errlen, "no book or no address");
		return CD_EINVAL;
	}
	i = find(book, addr, &found);
	if (!label || !label[0]) {
		if (found) {
			memmove(&book->v[i], &book->v[i + 1], (book->n - i - 1) * sizeof(book->v[0]));
			book->n--;
		}
		return CD_OK;
	}
	if (addressbook_check_label(label, err, errlen) != CD_OK)
		return CD_EINVAL;
	/* copy first: label may point into the book, which the insertion below can move */
	len = strlen(label);
	memcpy(copy, label, len + 1);
	if (!found) {
		if (book->n == book->cap) {
			book->cap = book->cap ? 2 * book->cap : 16;
			book->v = xrealloc(book->v, book->cap * sizeof(book->v[0]));
		}
		memmove(&book->v[i + 1], &book->v[i], (book->n - i) * sizeof(book->v[0]));
		book->n++;
		memset(&book->v[i], 0, sizeof(book->v[i]));
		book->v[i].addr = *addr;
	}
	memcpy(book->v[i].label, copy, len + 1);
	return CD_OK;
}

/* ---- parsing --------------------------------------------------------------------------------- */

static int entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c = memcmp(a->addr.b, b->addr.b, ADDRESS_SIZE);

	if (c != 0)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* One entry line s[0..len) (no newline, not blank, not a comment) into *e; NULL or why not. */
static const char *parse_entry(struct entry *e, const char *s, size_t len)
{
	const char *tab = memchr(s, '\t', len), *space;
	const char *why;
	size_t alen, llen;
	int rc;

	/* the address ends at the tab; without one, at a space (to say what is wrong) */
	space = memchr(s, ' ', tab ? (size_t)(tab - s) : len);
	alen = space ? (size_t)(space - s) : tab ? (size_t)(tab - s) : len;
	rc = address_parse(&e->addr, s, alen);
	if (rc == ADDRESS_EBADCHECKSUM)
		return "wrong EIP-55 checksum in the address (mixed case that is not the checksum)";
	if (rc != CD_OK)
		return "not an address (\"0x\" + 40 hex digits)";
	if (space)
		return "expected a tab between the address and the label";
	if (!tab)
		return "missing label (ADDRESS<TAB>LABEL)";
	llen = len - alen - 1;
	why = label_problem(tab + 1, llen);
	if (why)
		return why;
	/* a no-op on a label that passed label_problem; kept so that nothing unsafe can reach a screen */
	text_sanitize(e->label, sizeof(e->label), tab + 1, llen);
	return NULL;
}

int addressbook_parse(struct addressbook *book, const char *text, size_t len,
		      const char *name_for_errors, char *err, size_t errlen)
{
	const char *name = name_for_errors ? name_for_errors : "addressbook";
	struct entry *v = NULL;
	size_t n = 0, cap = 0, pos = 0, line = 0;

	if (!book || (!text && len > 0)) {
		set_err(err, errlen, "%s: no book or no text", name);
		return CD_EINVAL;
	}
	if (len > ADDRESSBOOK_FILE_MAX) {
		set_err(err, errlen, "%s: larger than %d bytes", name, ADDRESSBOOK_FILE_MAX);
		return CD_EINVAL;
	}
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos, k = 0;
		const char *why;

		pos += l + (nl ? 1 : 0);
		line++;
		if (l > 0 && s[l - 1] == '\r')
			l--;
		while (k < l && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (k == l || s[k] == '#')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, cap * sizeof(v[0]));
		}
		memset(&v[n], 0, sizeof(v[n]));
		v[n].line = line;
		why = k > 0 ? "white space before the address" : parse_entry(&v[n], s, l);
		if (why) {
			set_err(err, errlen, "%s:%zu: %s", name, line, why);
			free(v);
			return CD_EINVAL;
		}
		n++;
	}
	if (n > 1)
		qsort(v, n, sizeof(v[0]), entry_cmp);
	for (size_t i = 1; i < n; i++) {
		if (memcmp(v[i - 1].addr.b, v[i].addr.b, ADDRESS_SIZE) == 0) {
			char a[ADDRESS_TEXT_SIZE];

			address_format(&v[i].addr, a);
			set_err(err, errlen, "%s:%zu: %s is already on line %zu", name, v[i].line, a,
				v[i - 1].line);
			free(v);
			return CD_EINVAL;
		}
	}
	free(book->v);
	book->v = v;
	book->n = n;
	book->cap = cap;
	return CD_OK;
}

/* ---- files ----------------------------------------------------------------------------------- */

int addressbook_default_path(char *buf, size_t cap)
{
	int n = fsutil_xdg_path(buf, cap, FSUTIL_XDG_DATA, "chaindeck/addressbook");

	if (n == CD_ENOTFOUND)
		return CD_ENOTFOUND;
	if (n < 0)
		return CD_ESPACE;
	return n;
}

int addressbook_load(struct addressbook *book, const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	int rc;

	if (!book || !path || !path[0]) {
		set_err(err, errlen, "no address book path");
		return CD_EINVAL;
	}
	/*
	 * Its labels name the recipients of payments: only the user (or root) may
	 * have written them (fsutil_check_trusted). A symbolic link is followed, as
	 * for the config: the check applies to the file it leads to.
	 */
	rc = fsutil_read(path, ADDRESSBOOK_FILE_MAX, FSUTIL_FOLLOW | FSUTIL_TRUSTED, &buf, &n, err, errlen);
	if (rc == CD_ENOTFOUND) {
		free(book->v);
		book->v = NULL;
		book->n = book->cap = 0;
		free(book->path);
		book->path = xstrdup(path);
		return CD_OK;
	}
	if (rc != CD_OK)
		return rc;
	rc = addressbook_parse(book, buf, n, path, err, errlen);
	free(buf);
	if (rc == CD_OK) {
		free(book->path);
		book->path = xstrdup(path);
	}
	return rc;
}

/* The whole file's text, malloc'd; *len gets its length. */
static char *render(const struct addressbook *b, size_t *len)
{
	size_t cap = sizeof(header) + b->n * (ADDRESS_TEXT_SIZE + ADDRESSBOOK_LABEL_MAX + 2), o;
	char *s = xrealloc(NULL, cap);

	memcpy(s, header, sizeof(header) - 1);
	o = sizeof(header) - 1;
	for (size_t i = 0; i < b->n; i++) {
		char a[ADDRESS_TEXT_SIZE];
		size_t l = strlen(b->v[i].label);

		address_format(&b->v[i].addr, a);
		memcpy(s + o, a, ADDRESS_TEXT_SIZE - 1);
		o += ADDRESS_TEXT_SIZE - 1;
		s[o++] = '\t';
		memcpy(s + o, b->v[i].label, l);
		o += l;
		s[o++] = '\n';
	}
	*len = o;
	return s;
}

int addressbook_save(const struct addressbook *book, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int rc;

	if (!book || !book->path) {
		set_err(err, errlen, "no address book path: load one first");
		return CD_EINVAL;
	}
	/* The one durable write (common/fsutil.h): 0600, fsync'd, the directory too. */
	text = render(book, &len);
	rc = fsutil_replace(book->path, text, len, err, errlen);
	free(text);
	return rc;
}
