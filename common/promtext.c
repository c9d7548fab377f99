/*
 * The strict Prometheus text-format parser (contract in promtext.h): one
 * pass over the input, line by line, no allocation but one scratch buffer
 * for unescaped label values.
 */
#include "common/promtext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/xalloc.h"

struct cursor {
	const char *p, *end;  /* the current line, without its newline */
	size_t line;
	char *err;
	size_t errlen;
};

static int fail(struct cursor *c, const char *what)
{
	snprintf(c->err, c->errlen, "line %zu: %s", c->line, what);
	return CD_EINVAL;
}

static bool name_start(char ch, bool colon)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || (colon && ch == ':');
}

static bool name_char(char ch, bool colon)
{
	return name_start(ch, colon) || (ch >= '0' && ch <= '9');
}

static void skip_blank(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* A metric (colon true) or label name at c->p; its length, 0 if none. */
static size_t take_name(struct cursor *c, bool colon)
{
	const char *s = c->p;

	if (s >= c->end || !name_start(*s, colon))
		return 0;
	while (c->p < c->end && name_char(*c->p, colon))
		c->p++;
	return (size_t)(c->p - s);
}

/* A quoted label value at c->p into out (cap bytes): 0 or negative. */
static int take_label_value(struct cursor *c, char *out, size_t cap)
{
	size_t n = 0;

	if (c->p >= c->end || *c->p != '"')
		return fail(c, "a label value must be in double quotes");
	c->p++;
	for (;;) {
		char ch;

		if (c->p >= c->end)
			return fail(c, "unterminated label value");
		ch = *c->p++;
		if (ch == '"')
			break;
		if (ch == '\\') {
			if (c->p >= c->end)
				return fail(c, "unterminated label value");
			ch = *c->p++;
			if (ch == 'n')
				ch = '\n';
			else if (ch != '\\' && ch != '"')
				return fail(c, "invalid escape in a label value (only \\\\, \\\" and \\n)");
		} else if ((unsigned char)ch < 0x20 || ch == 0x7f) {
			return fail(c, "control character in a label value");
		}
		if (n + 1 >= cap)
			return fail(c, "label value too long");
		out[n++] = ch;
	}
	out[n] = '\0';
	return 0;
}

/* Multiplies *v by 10 and adds d, unless it would pass limit: false then. */
static bool mul10_add(uint64_t *v, unsigned d, uint64_t limit)
{
	if (*v > (limit - d) / 10)
		return false;
	*v = *v * 10 + d;
	return true;
}

/* The sample value at c->p: a token up to a blank or the end of the line. */
static int take_value(struct cursor *c, struct promtext_sample *s)
{
	const char *t = c->p, *e;
	size_t len;
	bool neg = false, any = false, big = false;
	uint64_t mant = 0, lim = (uint64_t)INT64_MAX;
	int64_t exp10 = 6; /* millionths */

	while (c->p < c->end && *c->p != ' ' && *c->p != '\t')
		c->p++;
	e = c->p;
	len = (size_t)(e - t);
	s->finite = true;
	s->in_range = true;
	s->micro = 0;
	if ((len == 3 && memcmp(t, "NaN", 3) == 0) || (len == 4 && (memcmp(t, "+Inf", 4) == 0 || memcmp(t, "-Inf", 4) == 0)) ||
	    (len == 3 && memcmp(t, "Inf", 3) == 0)) {
		s->finite = false;
		return 0;
	}
	if (t < e && (*t == '+' || *t == '-'))
		neg = *t++ == '-';
	/* Significant digits into mant (beyond 18 digits they only move the exponent). */
	for (; t < e && *t >= '0' && *t <= '9'; t++) {
		any = true;
		if (!big && !mul10_add(&mant, (unsigned)(*t - '0'), UINT64_MAX / 100))
			big = true;
		if (big)
			exp10++;
	}
	if (t < e && *t == '.') {
		for (t++; t < e && *t >= '0' && *t <= '9'; t++) {
			any = true;
			if (!big && mul10_add(&mant, (unsigned)(*t - '0'), UINT64_MAX / 100))
				exp10--;
			else
				big = true;
		}
	}
	if (!any)
		return fail(c, "a sample needs a number as its value");
	if (t < e && (*t == 'e' || *t == 'E')) {
		bool eneg = false, edig = false;
		int64_t x = 0;

		t++;
		if (t < e && (*t == '+' || *t == '-'))
			eneg = *t++ == '-';
		for (; t < e && *t >= '0' && *t <= '9'; t++) {
			edig = true;
			if (x < 100000)
				x = x * 10 + (*t - '0');
		}
		if (!edig)
			return fail(c, "exponent without digits");
		exp10 += eneg ? -x : x;
	}
	if (t != e)
		return fail(c, "malformed number");
	/* mant × 10^exp10, in 63 bits or out of range. */
	while (exp10 < 0 && mant) {
		mant /= 10;
		exp10++;
	}
	while (exp10 > 0 && mant) {
		if (mant > lim / 10) {
			s->in_range = false;
			return 0;
		}
		mant *= 10;
		exp10--;
	}
	if (mant > lim) {
		s->in_range = false;
		return 0;
	}
	s->micro = neg ? -(int64_t)mant : (int64_t)mant;
	return 0;
}

static int parse_comment(struct cursor *c)
{
	static const char *const types[] = { "counter", "gauge", "histogram", "summary", "untyped" };
	bool help, type;

	c->p++; /* '#' */
	skip_blank(c);
	help = c->end - c->p >= 4 && memcmp(c->p, "HELP", 4) == 0 && (c->end - c->p == 4 || c->p[4] == ' ' || c->p[4] == '\t');
	type = c->end - c->p >= 4 && memcmp(c->p, "TYPE", 4) == 0 && (c->end - c->p == 4 || c->p[4] == ' ' || c->p[4] == '\t');
	if (!help && !type)
		return 0; /* any other comment */
	c->p += 4;
	skip_blank(c);
	if (!take_name(c, true))
		return fail(c, help ? "# HELP needs a metric name" : "# TYPE needs a metric name");
	if (help) {
		/* Docstring: escapes \\ and \n only. */
		for (const char *q = c->p; q < c->end; q++) {
			if (*q == '\\' && (q + 1 >= c->end || (q[1] != '\\' && q[1] != 'n')))
				return fail(c, "invalid escape in # HELP (only \\\\ and \\n)");
			if (*q == '\\')
				q++;
		}
		return 0;
	}
	skip_blank(c);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t n = strlen(types[i]);

		if ((size_t)(c->end - c->p) >= n && memcmp(c->p, types[i], n) == 0) {
			c->p += n;
			skip_blank(c);
			if (c->p == c->end)
				return 0;
		}
	}
	return fail(c, "# TYPE must be counter, gauge, histogram, summary or untyped");
}

static int parse_sample(struct cursor *c, char *scratch, int (*cb)(void *, const struct promtext_sample *), void *ud)
{
	struct promtext_sample s;
	size_t used = 0;
	int rc;

	memset(&s, 0, sizeof(s));
	s.name = c->p;
	s.name_len = take_name(c, true);
	if (!s.name_len)
		return fail(c, "a sample must start with a metric name");
	if (c->p < c->end && *c->p == '{') {
		c->p++;
		for (;;) {
			struct promtext_label *l;

			skip_blank(c);
			if (c->p < c->end && *c->p == '}') {
				c->p++;
				break;
			}
			if (s.nlabels == PROMTEXT_MAX_LABELS)
				return fail(c, "too many labels");
			l = &s.labels[s.nlabels];
			l->name = c->p;
			l->name_len = take_name(c, false);
			if (!l->name_len)
				return fail(c, "malformed label name");
			for (size_t k = 0; k < s.nlabels; k++) {
				if (s.labels[k].name_len == l->name_len && memcmp(s.labels[k].name, l->name, l->name_len) == 0)
					return fail(c, "repeated label name");
			}
			skip_blank(c);
			if (c->p >= c->end || *c->p != '=')
				return fail(c, "expected '=' after a label name");
			c->p++;
			skip_blank(c);
			l->value = scratch + used;
			if ((rc = take_label_value(c, l->value, PROMTEXT_MAX_VALUE + 1)) != 0)
				return rc;
			used += strlen(l->value) + 1;
			s.nlabels++;
			skip_blank(c);
			if (c->p < c->end && *c->p == ',') {
				c->p++;
				continue;
			}
			if (c->p < c->end && *c->p == '}') {
				c->p++;
				break;
			}
			return fail(c, "expected ',' or '}' after a label");
		}
	}
	if (c->p >= c->end || (*c->p != ' ' && *c->p != '\t'))
		return fail(c, "expected a blank and the value after the metric name");
	skip_blank(c);
	if ((rc = take_value(c, &s)) != 0)
		return rc;
	skip_blank(c);
	if (c->p < c->end) {
		const char *t = c->p;

		const char *digits;

		if (*t == '-' || *t == '+')
			t++;
		digits = t;
		for (; t < c->end && *t >= '0' && *t <= '9'; t++)
			;
		c->p = t;
		skip_blank(c);
		if (t == digits || c->p != c->end)
			return fail(c, "unexpected text after the value (a timestamp is an integer)");
	}
	return cb(ud, &s);
}

int promtext_parse(const char *text, size_t len, int (*cb)(void *ud, const struct promtext_sample *s), void *ud,
                   char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	char *scratch = xmalloc(PROMTEXT_MAX_LABELS * (PROMTEXT_MAX_VALUE + 1));
	struct cursor c = { .err = err, .errlen = errlen };
	int rc = 0;

	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		c.line++;
		c.p = p;
		c.end = le;
		if ((size_t)(le - p) > PROMTEXT_MAX_LINE) {
			rc = fail(&c, "line too long");
			break;
		}
		if (memchr(p, '\0', (size_t)(le - p))) {
			rc = fail(&c, "NUL byte");
			break;
		}
		if (c.end > c.p && c.end[-1] == '\r')
			c.end--;
		skip_blank(&c);
		if (c.p == c.end)
			;
		else if (*c.p == '#')
			rc = parse_comment(&c);
		else
			rc = parse_sample(&c, scratch, cb, ud);
		p = nl ? nl + 1 : end;
	}
	free(scratch);
	return rc;
}

bool promtext_is(const struct promtext_sample *s, const char *name)
{
	return strlen(name) == s->name_len && memcmp(s->name, name, s->name_len) == 0;
}

const char *promtext_label(const struct promtext_sample *s, const char *name)
{
	for (size_t i = 0; i < s->nlabels; i++) {
		if (strlen(name) == s->labels[i].name_len && memcmp(s->labels[i].name, name, s->labels[i].name_len) == 0)
			return s->labels[i].value;
	}
	return NULL;
}
