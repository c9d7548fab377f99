/*
 * gen_selectors — turns common/selectors.txt into the C table behind
 * common/selectors.h.
 *
 *   gen_selectors INPUT.txt OUTPUT.c
 *
 * Input: one canonical signature per line ("transfer(address,uint256)"),
 * optionally preceded by "error " or "event "; '#' starts a comment; blank
 * lines are skipped. Any malformed line, or the same signature twice, is
 * reported as "file:line: message" and nothing is written (exit status 1).
 * Rows are sorted by selector; signatures that share one are all kept, in file order.
 *
 * A build tool: it runs on the host, links only common/keccak.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/keccak.h"

enum {
	LINE_MAX_LEN = 1024,
	MAX_DEPTH = 16,
	KIND_FUNCTION = 1,
	KIND_ERROR = 2,
	KIND_EVENT = 3
};

struct entry {
	uint8_t hash[32];
	int kind;
	size_t line;
	char *sig;
};

struct input {
	const char *file;
	size_t line;
	int errors;
};

static void complain(struct input *in, const char *msg, const char *detail)
{
	fprintf(stderr, "%s:%zu: %s%s%s\n", in->file, in->line, msg, detail ? ": " : "", detail ? detail : "");
	in->errors++;
}

static int is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads a decimal number without leading zeros; 0 when absent or malformed. */
static unsigned long read_number(const char **p)
{
	const char *s = *p;
	unsigned long v = 0;

	if (!is_digit(*s) || (*s == '0' && is_digit(s[1])))
		return 0;
	while (is_digit(*s)) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 1000000)
			return 0;
		s++;
	}
	*p = s;
	return v;
}

static const char *parse_params(const char **p, int depth);

/* One type in canonical form; returns NULL or an error message. */
static const char *parse_type(const char **p, int depth)
{
	const char *s = *p;

	if (depth > MAX_DEPTH)
		return "types nested too deeply";
	if (*s == '(') {
		const char *err;

		s++;
		if (*s == ')')
			return "empty tuple";
		err = parse_params(&s, depth + 1);
		if (err)
			return err;
		if (*s != ')')
			return "expected ')' after tuple";
		s++;
	} else if (strncmp(s, "uint", 4) == 0 || strncmp(s, "int", 3) == 0) {
		unsigned long bits;

		s += *s == 'u' ? 4 : 3;
		if (!is_digit(*s))
			return "integer types need their width (uint256, int256)";
		bits = read_number(&s);
		if (bits < 8 || bits > 256 || bits % 8 != 0)
			return "integer width must be 8..256 in steps of 8";
	} else if (strncmp(s, "bytes", 5) == 0) {
		s += 5;
		if (is_digit(*s)) {
			unsigned long n = read_number(&s);

			if (n < 1 || n > 32)
				return "bytes<N> needs N in 1..32";
		}
	} else if (strncmp(s, "address", 7) == 0) {
		s += 7;
	} else if (strncmp(s, "bool", 4) == 0) {
		s += 4;
	} else if (strncmp(s, "string", 6) == 0) {
		s += 6;
	} else if (strncmp(s, "function", 8) == 0) {
		s += 8;
	} else {
		return "unknown type";
	}
	while (*s == '[') {
		s++;
		if (*s != ']' && read_number(&s) == 0)
			return "array length must be a positive number";
		if (*s != ']')
			return "expected ']'";
		s++;
	}
	if (*s == '\0')
		return "expected ')'";
	if (*s != ',' && *s != ')')
		return "unexpected text after a type (canonical form has no spaces or names)";
	*p = s;
	return NULL;
}

/* A comma-separated list of types up to (not including) ')'. */
static const char *parse_params(const char **p, int depth)
{
	const char *s = *p;

	for (;;) {
		const char *err = parse_type(&s, depth);

		if (err)
			return err;
		if (*s != ',')
			break;
		s++;
	}
	*p = s;
	return NULL;
}

static const char *check_signature(const char *s)
{
	const char *err;

	if (!is_ident_start(*s))
		return "a signature starts with a name";
	while (is_ident_start(*s) || is_digit(*s))
		s++;
	if (*s != '(')
		return "expected '(' after the name";
	s++;
	if (*s != ')') {
		err = parse_params(&s, 1);
		if (err)
			return err;
		if (*s != ')')
			return "expected ')'";
	}
	s++;
	if (*s != '\0')
		return "unexpected text after ')'";
	return NULL;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = memcmp(x->hash, y->hash, 4);

	if (c != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static char *trim(char *s)
{
	char *end;
	char *hash = strchr(s, '#');

	if (hash)
		*hash = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

static int read_entries(FILE *f, struct input *in, struct entry **out, size_t *count)
{
	char buf[LINE_MAX_LEN + 2];
	struct entry *v = NULL;
	size_t n = 0, alloc = 0;

	while (fgets(buf, sizeof(buf), f)) {
		char *s;
		const char *err;
		int kind = KIND_FUNCTION;
		bool dup;

		in->line++;
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			int c;

			complain(in, "line too long", NULL);
			do {
				c = fgetc(f);
			} while (c != EOF && c != '\n');
			continue;
		}
		s = trim(buf);
		if (*s == '\0')
			continue;
		if (strncmp(s, "error ", 6) == 0) {
			kind = KIND_ERROR;
			s += 6;
		} else if (strncmp(s, "event ", 6) == 0) {
			kind = KIND_EVENT;
			s += 6;
		}
		err = check_signature(s);
		if (err) {
			complain(in, err, s);
			continue;
		}
		dup = false;
		for (size_t i = 0; i < n && !dup; i++) {
			dup = v[i].kind == kind && strcmp(v[i].sig, s) == 0;
			if (dup) {
				fprintf(stderr, "%s:%zu: duplicate signature %s (first on line %zu)\n", in->file, in->line, s, v[i].line);
				in->errors++;
			}
		}
		if (dup)
			continue;
		if (n == alloc) {
			struct entry *nv;

			alloc = alloc ? alloc * 2 : 256;
			nv = realloc(v, alloc * sizeof(*v));
			if (!nv) {
				fprintf(stderr, "gen_selectors: out of memory\n");
				exit(1);
			}
			v = nv;
		}
		v[n].sig = strdup(s);
		if (!v[n].sig) {
			fprintf(stderr, "gen_selectors: out of memory\n");
			exit(1);
		}
		v[n].kind = kind;
		v[n].line = in->line;
		keccak256(v[n].hash, (const uint8_t *)s, strlen(s));
		n++;
	}
	*out = v;
	*count = n;
	return ferror(f) ? -1 : 0;
}

static int write_table(FILE *f, const char *src, const struct entry *v, size_t n)
{
	static const char *const kinds[] = { "", "SELECTOR_FUNCTION", "SELECTOR_ERROR", "SELECTOR_EVENT" };

	fprintf(f, "/* Generated by tools/gen_selectors from %s. Do not edit. */\n", src);
	fprintf(f, "#include \"common/selectors.h\"\n\n");
	fprintf(f, "static const struct selector_entry table[%zu] = {\n", n);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "\t{ {");
		for (size_t j = 0; j < 32; j++)
			fprintf(f, "%s0x%02x", j ? "," : " ", v[i].hash[j]);
		fprintf(f, " }, %s, \"%s\" },\n", kinds[v[i].kind], v[i].sig);
	}
	fprintf(f, "};\n\n");
	fprintf(f, "size_t selectors_count(void)\n{\n\treturn %zu;\n}\n\n", n);
	fprintf(f, "const struct selector_entry *selectors_entry(size_t i)\n{\n"
	           "\treturn i < %zu ? &table[i] : NULL;\n}\n", n);
	return ferror(f) ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct input in = { 0 };
	struct entry *v = NULL;
	size_t n = 0;
	FILE *f;
	int rc = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: gen_selectors INPUT.txt OUTPUT.c\n");
		return 2;
	}
	in.file = argv[1];
	f = fopen(argv[1], "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (read_entries(f, &in, &v, &n) != 0) {
		fprintf(stderr, "%s: read error\n", argv[1]);
		in.errors++;
	}
	fclose(f);
	if (in.errors == 0 && n == 0) {
		fprintf(stderr, "%s:%zu: no signatures\n", in.file, in.line);
		in.errors++;
	}
	if (in.errors == 0) {
		qsort(v, n, sizeof(*v), cmp_entry);
		f = fopen(argv[2], "w");
		if (!f) {
			fprintf(stderr, "%s: %s\n", argv[2], strerror(errno));
			rc = 1;
		} else {
			if (write_table(f, argv[1], v, n) != 0)
				rc = 1;
			if (fclose(f) != 0)
				rc = 1;
			if (rc) {
				fprintf(stderr, "%s: write error\n", argv[2]);
				remove(argv[2]);
			}
		}
	} else {
		fprintf(stderr, "%s: %d error%s\n", in.file, in.errors, in.errors == 1 ? "" : "s");
		rc = 1;
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].sig);
	free(v);
	return rc;
}
