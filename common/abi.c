/*
 * abi — contract ABI encoding and decoding.
 *
 * A signature or parameter list is first parsed into a small tree of type
 * nodes held in a fixed array (no allocation): struct tnode. Encoding and
 * decoding both walk that tree. The decoder never trusts a word it reads:
 * every offset and length is checked against the bytes actually present
 * before it is used, and a work budget stops pathological inputs (offsets
 * that make nested arrays share their data) from taking long.
 */
#include <stdio.h>
#include <string.h>

#include "common/abi.h"
#include "common/hex.h"
#include "common/keccak.h"
#include "common/selectors.h"
#include "common/text.h"

enum tkind {
	T_UINT,
	T_INT,
	T_ADDRESS,
	T_BOOL,
	T_FBYTES,   /* bytes<N> */
	T_FUNCTION, /* 24 bytes, encoded like bytes24 */
	T_BYTES,
	T_STRING,
	T_TUPLE,
	T_DARRAY,   /* T[] */
	T_FARRAY    /* T[k] */
};

enum {
	MAX_STATIC_SIZE = 1 << 24, /* bytes; a larger static type is refused at parse time */
	DECODE_BUDGET = 1 << 16    /* values visited by one decode */
};

struct tnode {
	enum tkind kind;
	unsigned size;      /* bits of int/uint, bytes of bytes<N> */
	size_t len;         /* T[k]: k; tuple: component count */
	int child;          /* tuple: first component; arrays: element; else -1 */
	int next;           /* next component of the enclosing list, -1 at the end */
	bool dynamic;
	size_t ssize;       /* static size in bytes (when !dynamic) */
	const char *name;   /* parameter name inside the signature text, or NULL */
	size_t name_len;
};

struct sig {
	struct tnode n[ABI_MAX_TYPE_NODES];
	int count;
	const char *fname;  /* function name (NULL for a bare parameter list) */
	size_t fname_len;
	int first;          /* first parameter, -1 when none */
	size_t nparams;
};

static const uint8_t topic_transfer[32] = {
	0xdd, 0xf2, 0x52, 0xad, 0x1b, 0xe2, 0xc8, 0x9b, 0x69, 0xc2, 0xb0, 0x68, 0xfc, 0x37, 0x8d, 0xaa,
	0x95, 0x2b, 0xa7, 0xf1, 0x63, 0xc4, 0xa1, 0x16, 0x28, 0xf5, 0x5a, 0x4d, 0xf5, 0x23, 0xb3, 0xef
};
static const uint8_t topic_approval[32] = {
	0x8c, 0x5b, 0xe1, 0xe5, 0xeb, 0xec, 0x7d, 0x5b, 0xd1, 0x4f, 0x71, 0x42, 0x7d, 0x1e, 0x84, 0xf3,
	0xdd, 0x03, 0x14, 0xc0, 0xf7, 0xb2, 0x29, 0x1e, 0x5b, 0x20, 0x0a, 0xc8, 0xc7, 0xc3, 0xb9, 0x25
};
static const uint8_t topic_approval_for_all[32] = {
	0x17, 0x30, 0x7e, 0xab, 0x39, 0xab, 0x61, 0x07, 0xe8, 0x89, 0x98, 0x45, 0xad, 0x3d, 0x59, 0xbd,
	0x96, 0x53, 0xf2, 0x00, 0xf2, 0x20, 0x92, 0x04, 0x89, 0xca, 0x2b, 0x59, 0x37, 0x69, 0x6c, 0x31
};
static const uint8_t topic_transfer_single[32] = {
	0xc3, 0xd5, 0x81, 0x68, 0xc5, 0xae, 0x73, 0x97, 0x73, 0x1d, 0x06, 0x3d, 0x5b, 0xbf, 0x3d, 0x65,
	0x78, 0x54, 0x42, 0x73, 0x43, 0xf4, 0xc0, 0x83, 0x24, 0x0f, 0x7a, 0xac, 0xaa, 0x2d, 0x0f, 0x62
};
static const uint8_t topic_deposit[32] = {
	0xe1, 0xff, 0xfc, 0xc4, 0x92, 0x3d, 0x04, 0xb5, 0x59, 0xf4, 0xd2, 0x9a, 0x8b, 0xfc, 0x6c, 0xda,
	0x04, 0xeb, 0x5b, 0x0d, 0x3c, 0x46, 0x07, 0x51, 0xc2, 0x40, 0x2c, 0x5c, 0x5c, 0xc9, 0x10, 0x9c
};
static const uint8_t topic_withdrawal[32] = {
	0x7f, 0xcf, 0x53, 0x2c, 0x15, 0xf0, 0xa6, 0xdb, 0x0b, 0xd6, 0xd0, 0xe0, 0x38, 0xbe, 0xa7, 0x1d,
	0x30, 0xd8, 0x08, 0xc7, 0xd9, 0x8c, 0xb3, 0xbf, 0x72, 0x68, 0xa9, 0x5b, 0xf5, 0x08, 0x1b, 0x65
};

static const uint32_t SEL_ERROR = 0x08c379a0;  /* Error(string) */
static const uint32_t SEL_PANIC = 0x4e487b71;  /* Panic(uint256) */

/* ---- signature parsing ---------------------------------------------------------------- */

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void skip_ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n')
		(*p)++;
}

/* A decimal number without leading zeros, at most `max`; false when absent or out of range. */
static bool read_number(const char **p, size_t max, size_t *out)
{
	const char *s = *p;
	size_t v = 0;

	if (!is_digit(*s) || (*s == '0' && is_digit(s[1])))
		return false;
	while (is_digit(*s)) {
		v = v * 10 + (size_t)(*s - '0');
		if (v > max)
			return false;
		s++;
	}
	*p = s;
	*out = v;
	return true;
}

static bool word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

static int new_node(struct sig *g, enum tkind kind)
{
	struct tnode *t;

	if (g->count >= ABI_MAX_TYPE_NODES)
		return -1;
	t = &g->n[g->count];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->child = -1;
	t->next = -1;
	return g->count++;
}

static int parse_list(struct sig *g, const char **p, int depth, bool names, int *first, size_t *count);

/* An elementary type name at *p; returns its node or -1. */
static int parse_elementary(struct sig *g, const char **p)
{
	const char *s = *p, *e = s;
	size_t n, num = 0;
	int id;

	while (is_ident_start(*e) || is_digit(*e))
		e++;
	n = (size_t)(e - s);
	if (n >= 4 && memcmp(s, "uint", 4) == 0) {
		const char *d = s + 4;

		if (d == e)
			num = 256;
		else if (!read_number(&d, 256, &num) || d != e || num % 8 != 0 || num == 0)
			return -1;
		id = new_node(g, T_UINT);
	} else if (n >= 3 && memcmp(s, "int", 3) == 0) {
		const char *d = s + 3;

		if (d == e)
			num = 256;
		else if (!read_number(&d, 256, &num) || d != e || num % 8 != 0 || num == 0)
			return -1;
		id = new_node(g, T_INT);
	} else if (word_is(s, n, "address")) {
		id = new_node(g, T_ADDRESS);
	} else if (word_is(s, n, "bool")) {
		id = new_node(g, T_BOOL);
	} else if (word_is(s, n, "string")) {
		id = new_node(g, T_STRING);
	} else if (word_is(s, n, "bytes")) {
		id = new_node(g, T_BYTES);
	} else if (word_is(s, n, "function")) {
		id = new_node(g, T_FUNCTION);
		num = 24;
	} else if (n > 5 && memcmp(s, "bytes", 5) == 0) {
		const char *d = s + 5;

		if (!read_number(&d, 32, &num) || d != e || num == 0)
			return -1;
		id = new_node(g, T_FBYTES);
	} else {
		return -1;
	}
	if (id < 0)
		return -1;
	g->n[id].size = (unsigned)num;
	g->n[id].ssize = 32;
	*p = e;
	return id;
}

/* A type with its array suffixes; returns its node or -1. */
static int parse_type(struct sig *g, const char **p, int depth)
{
	const char *s = *p;
	int id;

	if (depth > ABI_MAX_DEPTH)
		return -1;
	if (*s == '(') {
		int first;
		size_t count, total = 0;
		bool dyn = false;

		s++;
		if (parse_list(g, &s, depth + 1, false, &first, &count) != 0 || count == 0 || *s != ')')
			return -1;
		s++;
		id = new_node(g, T_TUPLE);
		if (id < 0)
			return -1;
		g->n[id].child = first;
		g->n[id].len = count;
		for (int c = first; c >= 0; c = g->n[c].next) {
			dyn = dyn || g->n[c].dynamic;
			total += g->n[c].dynamic ? 0 : g->n[c].ssize;
		}
		g->n[id].dynamic = dyn;
		g->n[id].ssize = dyn ? 0 : total;
	} else {
		id = parse_elementary(g, &s);
		if (id < 0)
			return -1;
		g->n[id].dynamic = g->n[id].kind == T_BYTES || g->n[id].kind == T_STRING;
		if (g->n[id].dynamic)
			g->n[id].ssize = 0;
	}
	while (*s == '[') {
		int arr;
		size_t k = 0;

		s++;
		if (*s == ']') {
			arr = new_node(g, T_DARRAY);
		} else {
			if (!read_number(&s, MAX_STATIC_SIZE, &k) || k == 0 || *s != ']')
				return -1;
			arr = new_node(g, T_FARRAY);
		}
		if (arr < 0 || ++depth > ABI_MAX_DEPTH)
			return -1;
		s++;
		g->n[arr].child = id;
		g->n[arr].len = k;
		if (g->n[arr].kind == T_DARRAY || g->n[id].dynamic) {
			g->n[arr].dynamic = true;
		} else {
			if (k > MAX_STATIC_SIZE / g->n[id].ssize)
				return -1;
			g->n[arr].ssize = k * g->n[id].ssize;
		}
		id = arr;
	}
	if (!g->n[id].dynamic && g->n[id].ssize > MAX_STATIC_SIZE)
		return -1;
	*p = s;
	return id;
}

/*
 * Comma-separated types up to ')' (not consumed). With names, each type may be
 * followed by words ("indexed", "memory", a parameter name); the last word that
 * is not a data-location keyword becomes the name.
 */
static int parse_list(struct sig *g, const char **p, int depth, bool names, int *first, size_t *count)
{
	const char *s = *p;
	int prev = -1;
	size_t total = 0;

	*first = -1;
	skip_ws(&s);
	if (*s == ')') {
		*count = 0;
		*p = s;
		return 0;
	}
	for (;;) {
		int id;

		skip_ws(&s);
		id = parse_type(g, &s, depth);
		if (id < 0)
			return -1;
		if (names) {
			for (;;) {
				const char *w;

				skip_ws(&s);
				if (!is_ident_start(*s))
					break;
				w = s;
				while (is_ident_start(*s) || is_digit(*s))
					s++;
				if (word_is(w, (size_t)(s - w), "indexed") || word_is(w, (size_t)(s - w), "memory") ||
				    word_is(w, (size_t)(s - w), "calldata") || word_is(w, (size_t)(s - w), "storage"))
					continue;
				g->n[id].name = w;
				g->n[id].name_len = (size_t)(s - w);
			}
		}
		skip_ws(&s);
		if (prev < 0)
			*first = id;
		else
			g->n[prev].next = id;
		prev = id;
		if (++total > ABI_MAX_PARAMS && depth <= 1)
			return -1;
		if (*s != ',')
			break;
		s++;
	}
	*count = total;
	*p = s;
	return 0;
}

/*
 * Parses "name(T1,T2)" (with_name) or "(T1,T2)" / "T" (a parameter list).
 * Returns 0 or CD_EINVAL.
 */
static int sig_parse(struct sig *g, const char *text, bool with_name)
{
	const char *s = text;
	size_t count;

	memset(g, 0, sizeof(*g));
	g->first = -1;
	if (!text)
		return CD_EINVAL;
	skip_ws(&s);
	if (with_name) {
		if (!is_ident_start(*s))
			return CD_EINVAL;
		g->fname = s;
		while (is_ident_start(*s) || is_digit(*s))
			s++;
		g->fname_len = (size_t)(s - g->fname);
		if (g->fname_len > 256)
			return CD_EINVAL;
		skip_ws(&s);
		if (*s != '(')
			return CD_EINVAL;
	}
	if (*s == '(') {
		s++;
		if (parse_list(g, &s, 1, true, &g->first, &count) != 0 || *s != ')')
			return CD_EINVAL;
		s++;
	} else {
		g->first = parse_type(g, &s, 1);
		if (g->first < 0)
			return CD_EINVAL;
		count = 1;
	}
	skip_ws(&s);
	if (*s != '\0')
		return CD_EINVAL;
	g->nparams = count;
	return 0;
}

/* ---- canonical text ------------------------------------------------------------------- */

struct out {
	char *buf;
	size_t cap;
	size_t pos;
	bool cut;
};

static void out_put(struct out *o, const char *s, size_t n)
{
	if (o->cut)
		return;
	if (o->cap == 0 || n > o->cap - 1 - o->pos) {
		size_t room = o->cap ? o->cap - 1 - o->pos : 0;

		if (room)
			memcpy(o->buf + o->pos, s, room);
		o->pos += room;
		o->cut = true;
		return;
	}
	memcpy(o->buf + o->pos, s, n);
	o->pos += n;
}

static void out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

/* NUL-terminates; a cut text ends in "..." on a UTF-8 character boundary. */
static void out_finish(struct out *o)
{
	if (o->cap == 0)
		return;
	if (o->cut) {
		size_t p = o->pos;

		p = o->cap >= 4 ? (p < o->cap - 4 ? p : o->cap - 4) : 0;
		while (p > 0 && ((unsigned char)o->buf[p] & 0xc0) == 0x80)
			p--;
		if (o->cap >= 4) {
			memcpy(o->buf + p, "...", 3);
			p += 3;
		}
		o->pos = p;
	}
	o->buf[o->pos] = '\0';
}

static void canon_type(const struct sig *g, int id, struct out *o)
{
	const struct tnode *t = &g->n[id];
	char num[16];

	switch (t->kind) {
	case T_UINT:
	case T_INT:
		snprintf(num, sizeof(num), "%s%u", t->kind == T_UINT ? "uint" : "int", t->size);
		out_str(o, num);
		break;
	case T_ADDRESS: out_str(o, "address"); break;
	case T_BOOL: out_str(o, "bool"); break;
	case T_FBYTES:
		snprintf(num, sizeof(num), "bytes%u", t->size);
		out_str(o, num);
		break;
	case T_FUNCTION: out_str(o, "function"); break;
	case T_BYTES: out_str(o, "bytes"); break;
	case T_STRING: out_str(o, "string"); break;
	case T_TUPLE:
		out_str(o, "(");
		for (int c = t->child; c >= 0; c = g->n[c].next) {
			canon_type(g, c, o);
			if (g->n[c].next >= 0)
				out_str(o, ",");
		}
		out_str(o, ")");
		break;
	case T_DARRAY:
	case T_FARRAY:
		canon_type(g, t->child, o);
		if (t->kind == T_DARRAY) {
			out_str(o, "[]");
		} else {
			snprintf(num, sizeof(num), "[%zu]", t->len);
			out_str(o, num);
		}
		break;
	}
}

static void canon_sig(const struct sig *g, struct out *o)
{
	out_put(o, g->fname, g->fname_len);
	out_str(o, "(");
	for (int c = g->first; c >= 0; c = g->n[c].next) {
		canon_type(g, c, o);
		if (g->n[c].next >= 0)
			out_str(o, ",");
	}
	out_str(o, ")");
}

int abi_signature_canonical(const char *sig, char *out, size_t cap)
{
	struct sig g;
	struct out o = { out, cap, 0, false };

	if (sig_parse(&g, sig, true) != 0)
		return CD_EINVAL;
	canon_sig(&g, &o);
	if (o.cut)
		return CD_ESPACE;
	out[o.pos] = '\0';
	return (int)o.pos;
}

/* Keccak-256 of the canonical form of a parsed signature, hashed as it is written. */
static void sig_hash(const struct sig *g, uint8_t out[32])
{
	/* Canonical text is never longer than ~16 bytes per type node plus the name. */
	char buf[ABI_MAX_TYPE_NODES * 16 + 512];
	struct out o = { buf, sizeof(buf), 0, false };

	canon_sig(g, &o);
	keccak256(out, (const uint8_t *)buf, o.pos);
}

int abi_selector(const char *sig, uint8_t out[ABI_SELECTOR_SIZE])
{
	struct sig g;
	uint8_t h[32];

	if (sig_parse(&g, sig, true) != 0)
		return CD_EINVAL;
	sig_hash(&g, h);
	memcpy(out, h, ABI_SELECTOR_SIZE);
	return CD_OK;
}

int abi_event_topic(const char *sig, uint8_t out[32])
{
	struct sig g;

	if (sig_parse(&g, sig, true) != 0)
		return CD_EINVAL;
	sig_hash(&g, out);
	return CD_OK;
}

/* ---- encoding ------------------------------------------------------------------------- */

struct u256 abi_int_from_i64(int64_t v)
{
	struct u256 r;
	uint64_t fill = v < 0 ? UINT64_MAX : 0;

	r.w[0] = (uint64_t)v;
	r.w[1] = r.w[2] = r.w[3] = fill;
	return r;
}

/* True when the 32-byte word holds a uint of `bits` bits (high bytes zero). */
static bool word_fits_uint(const uint8_t w[32], unsigned bits)
{
	for (unsigned i = 0; i < 32 - bits / 8; i++)
		if (w[i] != 0)
			return false;
	return true;
}

/* True when the word is a sign-extended int of `bits` bits. */
static bool word_fits_int(const uint8_t w[32], unsigned bits)
{
	unsigned top = 32 - bits / 8;
	uint8_t fill = (w[top] & 0x80) ? 0xff : 0x00;

	for (unsigned i = 0; i < top; i++)
		if (w[i] != fill)
			return false;
	return true;
}

static void word_from_size(uint8_t w[32], size_t v)
{
	memset(w, 0, 32);
	for (int i = 31; i >= 24; i--) {
		w[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

static int encode_value(const struct sig *g, int id, const struct abi_value *v,
                        uint8_t *out, size_t cap, size_t *used);

/*
 * A sequence as a tuple encodes it: heads, then the tails of dynamic members.
 * Members are the list starting at `id` (repeat false) or `id` count times (arrays).
 */
static int encode_seq(const struct sig *g, int id, bool repeat, const struct abi_value *vals, size_t count,
                      uint8_t *out, size_t cap, size_t *used)
{
	size_t head = 0, tail, hpos = 0;
	int c = id;

	for (size_t i = 0; i < count; i++) {
		const struct tnode *t = &g->n[c];
		size_t hs = t->dynamic ? 32 : t->ssize;

		if (hs > cap - head)
			return CD_ESPACE;
		head += hs;
		c = repeat ? id : t->next;
	}
	tail = head;
	c = id;
	for (size_t i = 0; i < count; i++) {
		const struct tnode *t = &g->n[c];
		size_t u;
		int rc;

		if (t->dynamic) {
			word_from_size(out + hpos, tail);
			rc = encode_value(g, c, &vals[i], out + tail, cap - tail, &u);
			if (rc != 0)
				return rc;
			tail += u;
			hpos += 32;
		} else {
			rc = encode_value(g, c, &vals[i], out + hpos, cap - hpos, &u);
			if (rc != 0)
				return rc;
			hpos += u;
		}
		c = repeat ? id : t->next;
	}
	*used = tail;
	return 0;
}

static int encode_value(const struct sig *g, int id, const struct abi_value *v,
                        uint8_t *out, size_t cap, size_t *used)
{
	const struct tnode *t = &g->n[id];
	uint8_t w[32];
	size_t n, padded;
	int rc;

	switch (t->kind) {
	case T_UINT:
		if (v->kind != ABI_UINT)
			return ABI_ETYPE;
		u256_to_be(v->num, w);
		if (!word_fits_uint(w, t->size))
			return ABI_ETYPE;
		break;
	case T_INT:
		if (v->kind != ABI_INT && v->kind != ABI_UINT)
			return ABI_ETYPE;
		u256_to_be(v->num, w);
		/* An ABI_UINT is a non-negative number: its top bit must be clear. */
		if (!word_fits_int(w, t->size) || (v->kind == ABI_UINT && (w[0] & 0x80)))
			return ABI_ETYPE;
		break;
	case T_ADDRESS:
		if (v->kind != ABI_ADDRESS)
			return ABI_ETYPE;
		memset(w, 0, 12);
		memcpy(w + 12, v->addr.b, 20);
		break;
	case T_BOOL:
		if (v->kind != ABI_BOOL)
			return ABI_ETYPE;
		memset(w, 0, 32);
		w[31] = v->b ? 1 : 0;
		break;
	case T_FBYTES:
	case T_FUNCTION:
		if (v->kind != ABI_BYTES || v->len != t->size || !v->data)
			return ABI_ETYPE;
		memset(w, 0, 32);
		memcpy(w, v->data, v->len);
		break;
	case T_BYTES:
	case T_STRING:
		if (v->kind != (t->kind == T_BYTES ? ABI_BYTES : ABI_STRING) || (v->len && !v->data))
			return ABI_ETYPE;
		if (cap < 32 || v->len > cap - 32)
			return CD_ESPACE;
		padded = (v->len + 31) / 32 * 32;
		if (padded > cap - 32)
			return CD_ESPACE;
		word_from_size(out, v->len);
		if (v->len)
			memcpy(out + 32, v->data, v->len);
		memset(out + 32 + v->len, 0, padded - v->len);
		*used = 32 + padded;
		return 0;
	case T_TUPLE:
		if (v->kind != ABI_TUPLE || v->count != t->len || !v->items)
			return ABI_ETYPE;
		return encode_seq(g, t->child, false, v->items, v->count, out, cap, used);
	case T_FARRAY:
		if (v->kind != ABI_ARRAY || v->count != t->len || !v->items)
			return ABI_ETYPE;
		return encode_seq(g, t->child, true, v->items, v->count, out, cap, used);
	case T_DARRAY:
		if (v->kind != ABI_ARRAY || (v->count && !v->items))
			return ABI_ETYPE;
		if (cap < 32)
			return CD_ESPACE;
		word_from_size(out, v->count);
		rc = encode_seq(g, t->child, true, v->items, v->count, out + 32, cap - 32, &n);
		if (rc != 0)
			return rc;
		*used = 32 + n;
		return 0;
	}
	if (cap < 32)
		return CD_ESPACE;
	memcpy(out, w, 32);
	*used = 32;
	return 0;
}

static int encode_params(const struct sig *g, const struct abi_value *args, size_t n,
                         uint8_t *out, size_t cap, size_t *outlen)
{
	if (n != g->nparams || (n && !args))
		return CD_EINVAL;
	if (n == 0) {
		*outlen = 0;
		return 0;
	}
	return encode_seq(g, g->first, false, args, n, out, cap, outlen);
}

int abi_encode(const char *types, const struct abi_value *args, size_t n,
               uint8_t *out, size_t cap, size_t *outlen)
{
	struct sig g;

	if (sig_parse(&g, types, false) != 0)
		return CD_EINVAL;
	return encode_params(&g, args, n, out, cap, outlen);
}

int abi_encode_call(uint8_t *out, size_t cap, size_t *outlen, const char *sig,
                    const struct abi_value *args, size_t n)
{
	struct sig g;
	uint8_t h[32];
	size_t len;
	int rc;

	if (sig_parse(&g, sig, true) != 0)
		return CD_EINVAL;
	if (cap < ABI_SELECTOR_SIZE)
		return CD_ESPACE;
	sig_hash(&g, h);
	rc = encode_params(&g, args, n, out + ABI_SELECTOR_SIZE, cap - ABI_SELECTOR_SIZE, &len);
	if (rc != 0)
		return rc;
	memcpy(out, h, ABI_SELECTOR_SIZE);
	*outlen = len + ABI_SELECTOR_SIZE;
	return 0;
}

/* ---- word decoders ---------------------------------------------------------------------- */

/* The head word at index, or NULL when it is not all inside data. */
static const uint8_t *word_at(const uint8_t *data, size_t len, size_t index)
{
	if (!data || index >= len / 32)
		return NULL;
	return data + index * 32;
}

/* A word read as a size: false when it exceeds `max` (never trusts the high bytes). */
static bool word_size(const uint8_t w[32], size_t max, size_t *out)
{
	uint64_t v = 0;

	for (int i = 0; i < 24; i++)
		if (w[i] != 0)
			return false;
	for (int i = 24; i < 32; i++)
		v = v << 8 | w[i];
	if (v > max)
		return false;
	*out = (size_t)v;
	return true;
}

int abi_decode_uint(const uint8_t *data, size_t len, size_t index, unsigned bits, struct u256 *out)
{
	const uint8_t *w = word_at(data, len, index);

	if (bits < 8 || bits > 256 || bits % 8 != 0)
		return CD_EINVAL;
	if (!w || !word_fits_uint(w, bits))
		return ABI_EDECODE;
	return u256_from_be(out, w, 32) == 0 ? CD_OK : ABI_EDECODE;
}

int abi_decode_address(const uint8_t *data, size_t len, size_t index, struct address *out)
{
	const uint8_t *w = word_at(data, len, index);

	if (!w || !word_fits_uint(w, 160))
		return ABI_EDECODE;
	memcpy(out->b, w + 12, 20);
	return CD_OK;
}

int abi_decode_bool(const uint8_t *data, size_t len, size_t index, bool *out)
{
	const uint8_t *w = word_at(data, len, index);

	if (!w || !word_fits_uint(w, 8) || w[31] > 1)
		return ABI_EDECODE;
	*out = w[31] == 1;
	return CD_OK;
}

/* A length-prefixed byte string at data[off..len). */
static int bytes_at(const uint8_t *data, size_t len, size_t off, const uint8_t **ptr, size_t *n)
{
	size_t blen;

	if (off > len || len - off < 32)
		return ABI_EDECODE;
	if (!word_size(data + off, len - off - 32, &blen))
		return ABI_EDECODE;
	*ptr = data + off + 32;
	*n = blen;
	return CD_OK;
}

int abi_decode_bytes(const uint8_t *data, size_t len, size_t index, const uint8_t **ptr, size_t *n)
{
	const uint8_t *w = word_at(data, len, index);
	size_t off;

	if (!w || !word_size(w, len, &off))
		return ABI_EDECODE;
	return bytes_at(data, len, off, ptr, n);
}

/* ---- decoding for display -------------------------------------------------------------- */

struct dec {
	const struct sig *g;
	struct out o;
	int err;
	const char *why;
	unsigned budget;
};

static void dec_fail(struct dec *d, const char *why)
{
	if (d->err == 0) {
		d->err = ABI_EDECODE;
		d->why = why;
	}
}

static void put_hex(struct out *o, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char chunk[64];

	out_str(o, "0x");
	while (n > 0 && !o->cut) {
		size_t k = n > sizeof(chunk) / 2 ? sizeof(chunk) / 2 : n;

		for (size_t i = 0; i < k; i++) {
			chunk[2 * i] = digits[p[i] >> 4];
			chunk[2 * i + 1] = digits[p[i] & 15];
		}
		out_put(o, chunk, 2 * k);
		p += k;
		n -= k;
	}
}

static void put_int(struct out *o, const uint8_t w[32], bool is_signed)
{
	uint8_t v[32];
	struct u256 u;
	char num[80];
	bool neg = is_signed && (w[0] & 0x80);

	memcpy(v, w, 32);
	if (neg) {
		unsigned carry = 1;

		for (int i = 31; i >= 0; i--) {
			unsigned x = (uint8_t)~v[i] + carry;

			v[i] = (uint8_t)x;
			carry = x >> 8;
		}
		out_str(o, "-");
	}
	u256_from_be(&u, v, 32);
	u256_format_dec(u, num, sizeof(num));
	out_str(o, num);
}

static void put_string(struct out *o, const uint8_t *p, size_t n)
{
	size_t room, w;

	out_str(o, "\"");
	if (o->cut)
		return;
	room = o->cap - o->pos;
	/* Leave room for the closing quote and the NUL. */
	if (room < 3) {
		o->cut = true;
		return;
	}
	w = text_sanitize(o->buf + o->pos, room - 1, (const char *)p, n);
	if (w + 2 >= room) {
		/* text_sanitize filled the space: it may have cut (its "..." stays). */
		o->pos += w;
		o->cut = true;
		return;
	}
	o->pos += w;
	out_str(o, "\"");
}

static void dec_value(struct dec *d, int id, const uint8_t *base, size_t len, int depth);

/* Members of a tuple (repeat false) or count elements of an array, encoded at base[0..len). */
static void dec_seq(struct dec *d, int id, bool repeat, size_t count, const uint8_t *base, size_t len,
                    int depth, bool top)
{
	size_t hpos = 0;
	int c = id;

	for (size_t i = 0; i < count && d->err == 0 && !d->o.cut; i++) {
		const struct tnode *t = &d->g->n[c];

		if (i > 0)
			out_str(&d->o, ", ");
		if (top && t->name) {
			out_put(&d->o, t->name, t->name_len);
			out_str(&d->o, "=");
		}
		if (t->dynamic) {
			size_t off;

			if (hpos > len || len - hpos < 32) {
				dec_fail(d, "truncated head");
				return;
			}
			if (!word_size(base + hpos, len, &off)) {
				dec_fail(d, "offset out of range");
				return;
			}
			dec_value(d, c, base + off, len - off, depth + 1);
			hpos += 32;
		} else {
			if (hpos > len || len - hpos < t->ssize) {
				dec_fail(d, "truncated data");
				return;
			}
			dec_value(d, c, base + hpos, len - hpos, depth + 1);
			hpos += t->ssize;
		}
		c = repeat ? id : t->next;
	}
}

/* A value of one word (static, not a tuple or array): checked for clean padding, then written. */
static void dec_word(struct dec *d, const struct tnode *t, const uint8_t *base)
{
	struct address a;
	char text[ADDRESS_TEXT_SIZE];

	switch (t->kind) {
	case T_UINT:
		if (!word_fits_uint(base, t->size))
			dec_fail(d, "uint with dirty high bits");
		else
			put_int(&d->o, base, false);
		break;
	case T_INT:
		if (!word_fits_int(base, t->size))
			dec_fail(d, "int not sign-extended");
		else
			put_int(&d->o, base, true);
		break;
	case T_ADDRESS:
		if (!word_fits_uint(base, 160)) {
			dec_fail(d, "address with dirty padding");
			break;
		}
		memcpy(a.b, base + 12, 20);
		address_format(&a, text);
		out_str(&d->o, text);
		break;
	case T_BOOL:
		if (!word_fits_uint(base, 8) || base[31] > 1)
			dec_fail(d, "bool not 0 or 1");
		else
			out_str(&d->o, base[31] ? "true" : "false");
		break;
	case T_FBYTES:
	case T_FUNCTION:
		for (size_t i = t->size; i < 32; i++) {
			if (base[i] != 0) {
				dec_fail(d, "bytes<N> with dirty padding");
				return;
			}
		}
		put_hex(&d->o, base, t->size);
		break;
	default:
		dec_fail(d, "not a one-word type");
		break;
	}
}

/* bytes or string: a length word, then the bytes. */
static void dec_bytes(struct dec *d, const struct tnode *t, const uint8_t *base, size_t len)
{
	const uint8_t *p;
	size_t n;

	if (bytes_at(base, len, 0, &p, &n) != 0) {
		dec_fail(d, "length out of range");
		return;
	}
	if (t->kind == T_BYTES)
		put_hex(&d->o, p, n);
	else
		put_string(&d->o, p, n);
}

/* A tuple, a fixed array, or a dynamic array (a length word, then its elements). */
static void dec_compound(struct dec *d, const struct tnode *t, const uint8_t *base, size_t len, int depth)
{
	const struct tnode *e;
	size_t hs, n;

	switch (t->kind) {
	case T_TUPLE:
		out_str(&d->o, "(");
		dec_seq(d, t->child, false, t->len, base, len, depth, false);
		out_str(&d->o, ")");
		break;
	case T_FARRAY:
		out_str(&d->o, "[");
		dec_seq(d, t->child, true, t->len, base, len, depth, false);
		out_str(&d->o, "]");
		break;
	default:
		e = &d->g->n[t->child];
		hs = e->dynamic ? 32 : e->ssize;
		if (len < 32 || !word_size(base, (len - 32) / hs, &n)) {
			dec_fail(d, "array length out of range");
			break;
		}
		out_str(&d->o, "[");
		dec_seq(d, t->child, true, n, base + 32, len - 32, depth, false);
		out_str(&d->o, "]");
		break;
	}
}

/* One value of type id at base[0..len): within the budget and depth, then by its kind. */
static void dec_value(struct dec *d, int id, const uint8_t *base, size_t len, int depth)
{
	const struct tnode *t = &d->g->n[id];

	if (d->budget == 0) {
		dec_fail(d, "too many values");
		return;
	}
	d->budget--;
	if (depth > 2 * ABI_MAX_DEPTH + 2) {
		dec_fail(d, "nested too deeply");
		return;
	}
	if (!t->dynamic && len < t->ssize) {
		dec_fail(d, "truncated data");
		return;
	}
	switch (t->kind) {
	case T_BYTES:
	case T_STRING:
		dec_bytes(d, t, base, len);
		break;
	case T_TUPLE:
	case T_FARRAY:
	case T_DARRAY:
		dec_compound(d, t, base, len, depth);
		break;
	default:
		dec_word(d, t, base);
		break;
	}
}

/* Formats data as the parameters of g into out. */
static int format_params(const struct sig *g, const uint8_t *data, size_t len, char *out, size_t cap)
{
	struct dec d = { .g = g, .o = { out, cap, 0, false }, .budget = DECODE_BUDGET };

	if (!data)
		len = 0;
	dec_seq(&d, g->first, false, g->nparams, data, len, 0, true);
	if (d.err != 0) {
		struct out o = { out, cap, 0, false };

		out_str(&o, "<undecodable: ");
		out_str(&o, d.why);
		out_str(&o, ">");
		out_finish(&o);
		return d.err;
	}
	out_finish(&d.o);
	return d.o.cut ? CD_ESPACE : CD_OK;
}

static void write_message(char *out, size_t cap, const char *msg)
{
	struct out o = { out, cap, 0, false };

	out_str(&o, msg);
	out_finish(&o);
}

int abi_format_params(const char *types, const uint8_t *data, size_t len, char *out, size_t cap)
{
	struct sig g;

	if (sig_parse(&g, types, false) != 0) {
		if (cap)
			out[0] = '\0';
		return CD_EINVAL;
	}
	return format_params(&g, data, len, out, cap);
}

int abi_format_args(const char *sig, const uint8_t *data, size_t len, char *out, size_t cap)
{
	struct sig g;
	uint8_t h[32];

	if (sig_parse(&g, sig, true) != 0) {
		if (cap)
			out[0] = '\0';
		return CD_EINVAL;
	}
	sig_hash(&g, h);
	if (!data || len < ABI_SELECTOR_SIZE || memcmp(data, h, ABI_SELECTOR_SIZE) != 0) {
		write_message(out, cap, "<undecodable: selector mismatch>");
		return ABI_ENOMATCH;
	}
	return format_params(&g, data + ABI_SELECTOR_SIZE, len - ABI_SELECTOR_SIZE, out, cap);
}

/* ---- revert data ------------------------------------------------------------------------ */

const char *abi_panic_reason(uint64_t code)
{
	switch (code) {
	case 0x00: return "generic compiler panic";
	case 0x01: return "assertion failed";
	case 0x11: return "arithmetic overflow or underflow";
	case 0x12: return "division or modulo by zero";
	case 0x21: return "invalid enum value";
	case 0x22: return "invalid storage byte array encoding";
	case 0x31: return "pop() on an empty array";
	case 0x32: return "array index out of bounds";
	case 0x41: return "out of memory";
	case 0x51: return "call to an uninitialized function";
	default: return NULL;
	}
}

static uint32_t read_selector(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A known custom error with its arguments: "Name(args) (custom error 0x12345678)". */
static bool format_known_error(const char *sig, const uint8_t *data, size_t len, struct out *o)
{
	struct sig g;
	char sel[32];

	if (sig_parse(&g, sig, true) != 0)
		return false;
	/* Decode into the caller's buffer after the name; roll back if it fails. */
	{
		size_t start = o->pos;
		struct dec d;

		out_put(o, g.fname, g.fname_len);
		out_str(o, "(");
		d = (struct dec){ .g = &g, .o = *o, .budget = DECODE_BUDGET };
		dec_seq(&d, g.first, false, g.nparams, data + 4, len - 4, 0, true);
		if (d.err != 0) {
			o->pos = start;
			o->cut = false;
			return false;
		}
		*o = d.o;
	}
	snprintf(sel, sizeof(sel), ") (custom error 0x%08x)", (unsigned)read_selector(data));
	out_str(o, sel);
	return true;
}

int abi_decode_revert(const uint8_t *data, size_t len, char *out, size_t cap)
{
	struct out o = { out, cap, 0, false };
	char buf[96];
	int rc = CD_OK;
	uint32_t sel = data && len >= 4 ? read_selector(data) : 0;

	if (!data || len == 0) {
		out_str(&o, "reverted without a reason");
	} else if (len < 4) {
		out_str(&o, "malformed revert data ");
		put_hex(&o, data, len);
	} else if (sel == SEL_ERROR) {
		const uint8_t *p;
		size_t n;

		if (abi_decode_bytes(data + 4, len - 4, 0, &p, &n) == 0) {
			out_str(&o, "Error(string): ");
			put_string(&o, p, n);
		} else {
			snprintf(buf, sizeof(buf), "Error(string) with malformed data (%zu bytes)", len);
			out_str(&o, buf);
			rc = ABI_EDECODE;
		}
	} else if (sel == SEL_PANIC) {
		struct u256 code;
		uint64_t c64;
		char hex[80];

		if (abi_decode_uint(data + 4, len - 4, 0, 256, &code) == 0) {
			const char *why = NULL;

			if (u256_to_u64(code, &c64) == 0) {
				snprintf(hex, sizeof(hex), "0x%02llx", (unsigned long long)c64);
				why = abi_panic_reason(c64);
			} else {
				u256_format_hex(code, hex, sizeof(hex));
			}
			out_str(&o, "Panic(");
			out_str(&o, hex);
			out_str(&o, "): ");
			out_str(&o, why ? why : "unknown panic code");
		} else {
			snprintf(buf, sizeof(buf), "Panic(uint256) with malformed data (%zu bytes)", len);
			out_str(&o, buf);
			rc = ABI_EDECODE;
		}
	} else {
		const char *sigs[4];
		size_t n = selectors_lookup_error(sel, sigs, 4);
		bool done = false;

		for (size_t i = 0; i < n && i < 4 && !done; i++)
			done = format_known_error(sigs[i], data, len, &o);
		if (!done) {
			snprintf(buf, sizeof(buf), "0x%08x (custom error)", (unsigned)sel);
			out_str(&o, buf);
			if (n > 0) {
				out_str(&o, " ");
				out_str(&o, sigs[0]);
				out_str(&o, " with undecodable arguments");
			}
		}
	}
	out_finish(&o);
	if (rc == CD_OK && o.cut)
		rc = CD_ESPACE;
	return rc;
}

/* ---- token logs ------------------------------------------------------------------------- */

const char *abi_token_kind_name(enum abi_token_kind kind)
{
	switch (kind) {
	case ABI_TOKEN_ERC20_TRANSFER: return "ERC-20 Transfer";
	case ABI_TOKEN_ERC20_APPROVAL: return "ERC-20 Approval";
	case ABI_TOKEN_ERC721_TRANSFER: return "ERC-721 Transfer";
	case ABI_TOKEN_ERC721_APPROVAL: return "ERC-721 Approval";
	case ABI_TOKEN_APPROVAL_FOR_ALL: return "ApprovalForAll";
	case ABI_TOKEN_ERC1155_TRANSFER_SINGLE: return "ERC-1155 TransferSingle";
	case ABI_TOKEN_WETH_DEPOSIT: return "WETH Deposit";
	case ABI_TOKEN_WETH_WITHDRAWAL: return "WETH Withdrawal";
	case ABI_TOKEN_NONE: break;
	}
	return "not a token event";
}

static bool topic_address(const uint8_t topic[32], struct address *out)
{
	if (!word_fits_uint(topic, 160))
		return false;
	memcpy(out->b, topic + 12, 20);
	return true;
}

static int decode_token_log(const struct eth_log *log, struct abi_token_event *e)
{
	const uint8_t (*t)[32] = log->topics;
	size_t nt = log->topic_count, nd = log->data_len;
	const uint8_t *data = log->data;
	struct address *first = &e->from, *second = &e->to;

	if (nt == 0 || nt > ETH_MAX_TOPICS || (nd > 0 && !data))
		return ABI_ENOMATCH;
	memcpy(e->token.b, log->address, 20);
	if (memcmp(t[0], topic_transfer, 32) == 0 || memcmp(t[0], topic_approval, 32) == 0) {
		bool transfer = memcmp(t[0], topic_transfer, 32) == 0;

		if (nt == 3 && nd == 32) {
			e->kind = transfer ? ABI_TOKEN_ERC20_TRANSFER : ABI_TOKEN_ERC20_APPROVAL;
			u256_from_be(&e->amount, data, 32);
		} else if (nt == 4 && nd == 0) {
			e->kind = transfer ? ABI_TOKEN_ERC721_TRANSFER : ABI_TOKEN_ERC721_APPROVAL;
			u256_from_be(&e->token_id, t[3], 32);
		} else {
			return ABI_ENOMATCH;
		}
	} else if (memcmp(t[0], topic_approval_for_all, 32) == 0) {
		if (nt != 3 || nd != 32)
			return ABI_ENOMATCH;
		if (abi_decode_bool(data, nd, 0, &e->approved) != 0)
			return ABI_EDECODE;
		e->kind = ABI_TOKEN_APPROVAL_FOR_ALL;
	} else if (memcmp(t[0], topic_transfer_single, 32) == 0) {
		if (nt != 4 || nd != 64)
			return ABI_ENOMATCH;
		if (!topic_address(t[1], &e->operator))
			return ABI_EDECODE;
		u256_from_be(&e->token_id, data, 32);
		u256_from_be(&e->amount, data + 32, 32);
		e->kind = ABI_TOKEN_ERC1155_TRANSFER_SINGLE;
		if (!topic_address(t[2], &e->from) || !topic_address(t[3], &e->to))
			return ABI_EDECODE;
		return CD_OK;
	} else if (memcmp(t[0], topic_deposit, 32) == 0 || memcmp(t[0], topic_withdrawal, 32) == 0) {
		bool deposit = memcmp(t[0], topic_deposit, 32) == 0;

		if (nt != 2 || nd != 32)
			return ABI_ENOMATCH;
		if (!topic_address(t[1], deposit ? &e->to : &e->from))
			return ABI_EDECODE;
		u256_from_be(&e->amount, data, 32);
		e->kind = deposit ? ABI_TOKEN_WETH_DEPOSIT : ABI_TOKEN_WETH_WITHDRAWAL;
		return CD_OK;
	} else {
		return ABI_ENOMATCH;
	}
	if (!topic_address(t[1], first) || !topic_address(t[2], second))
		return ABI_EDECODE;
	return CD_OK;
}

int abi_decode_token_log(const struct eth_log *log, struct abi_token_event *out)
{
	struct abi_token_event e;
	int rc;

	memset(&e, 0, sizeof(e));
	rc = log ? decode_token_log(log, &e) : CD_EINVAL;
	if (rc != CD_OK)
		memset(&e, 0, sizeof(e));
	*out = e;
	return rc;
}
