/*
 * eip712 — EIP-712 typed data: strict parsing of an eth_signTypedData_v4
 * document, its hashes (encodeType, typeHash, hashStruct, domain separator,
 * digest) and the decoded view shown before signing. Contract in eip712.h.
 *
 * Atomic values are range-checked and encoded by the ABI encoder
 * (common/abi.c): an EIP-712 atomic member is encoded exactly as the same
 * Solidity type in abi.encode.
 */
#include "wallet/eip712.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/abi.h"
#include "common/hex.h"
#include "common/keccak.h"
#include "common/text.h"
#include "common/xalloc.h"
#include "wallet/sign.h"

enum {
	TYPES_MAX = 256,        /* struct types in one document */
	MEMBERS_MAX = 256,      /* members of one struct type */
	NAME_MAX_LEN = 256,     /* a type or member name */
	DIMS_MAX = 8,           /* array dimensions of one member type */
	ARRAY_FIXED_MAX = 1000000,
	PATH_MAX_LEN = 12288    /* DEPTH_MAX levels of a name and an index */
};

/* JSON numbers are doubles: only integers JavaScript holds exactly are accepted. */
#define JSON_INT_MAX 9007199254740991.0

struct member {
	const char *name; /* borrowed from the cJSON tree */
	const char *type;
};

struct stype {
	const char *name;
	struct member *m;
	size_t n;
	char *enc;          /* encodeType, computed on first use */
	uint8_t hash[32];   /* its typeHash */
};

struct rows {
	struct eip712_field *v;
	size_t n, cap;
};

struct ctx {
	struct stype t[TYPES_MAX + 1]; /* + the EIP712Domain derived from the domain */
	size_t nt;
	char *err;
	size_t errcap;
	char path[PATH_MAX_LEN];
	size_t pathlen;
	size_t prefix;      /* length of "message." / "domain." in path: rows start after it */
	struct rows *rows;
	int rc;             /* CD_EINVAL once the document was refused */
};

static const struct {
	const char *name, *type;
} domain_std[] = {
	{"name", "string"},
	{"version", "string"},
	{"chainId", "uint256"},
	{"verifyingContract", "address"},
	{"salt", "bytes32"},
};
enum { DOMAIN_STD_N = sizeof(domain_std) / sizeof(domain_std[0]) };

/* ---- errors and paths ---------------------------------------------------------------------------- */

static int fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records "path: message" (the first error wins) and returns CD_EINVAL. */
static int fail(struct ctx *c, const char *fmt, ...)
{
	char msg[EIP712_ERR_MAX];
	va_list ap;

	if (c->rc != 0)
		return c->rc;
	c->rc = CD_EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->errcap == 0)
		return c->rc;
	{
		char raw[2 * EIP712_ERR_MAX];

		/* Keys and values quoted from the document may hold terminal escapes: sanitized. */
		if (c->pathlen)
			snprintf(raw, sizeof(raw), "%.*s: %s", EIP712_ERR_MAX / 2, c->path, msg);
		else
			snprintf(raw, sizeof(raw), "%s", msg);
		text_sanitize(c->err, c->errcap, raw, strlen(raw));
	}
	return c->rc;
}

/* Appends ".name" (or "name" on an empty path) or "[i]"; returns the old length to restore. */
static size_t path_push(struct ctx *c, const char *name, long index)
{
	size_t old = c->pathlen;
	int n;

	if (name)
		n = snprintf(c->path + old, sizeof(c->path) - old, "%s%s", old ? "." : "", name);
	else
		n = snprintf(c->path + old, sizeof(c->path) - old, "[%ld]", index);
	if (n < 0 || (size_t)n >= sizeof(c->path) - old)
		c->path[old] = '\0'; /* cannot happen within the limits; keep the shorter path */
	else
		c->pathlen = old + (size_t)n;
	return old;
}

static void path_pop(struct ctx *c, size_t old)
{
	c->pathlen = old;
	c->path[old] = '\0';
}

/* ---- the view ------------------------------------------------------------------------------------- */

static int add_row(struct ctx *c, const char *type, size_t typelen, char *value)
{
	struct rows *r = c->rows;
	struct eip712_field *f;
	const char *p = c->path + (c->pathlen >= c->prefix ? c->prefix : c->pathlen);

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;

		r->v = xrealloc(r->v, cap * sizeof(*r->v));
		r->cap = cap;
	}
	f = &r->v[r->n];
	f->path = xstrdup(p);
	f->type = xstrndup(type, typelen);
	f->value = value;
	r->n++;
	return 0;
}

static void rows_free(struct eip712_field *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].type);
		free(v[i].value);
	}
	free(v);
}

/* ---- text checks ---------------------------------------------------------------------------------- */

static bool is_ident(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NAME_MAX_LEN || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '$'))
			return false;
	}
	return true;
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	for (; i < n; i += k) {
		k = text_utf8_decode(s + i, n - i, &cp);
		if (k == 0)
			return false;
	}
	return true;
}

/* Digits only, no sign, no leading zero (a type's width or an array length). */
static bool parse_small(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (n == 0 || n > 7 || (s[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* ---- types ---------------------------------------------------------------------------------------- */

enum base_kind { B_UINT, B_INT, B_BOOL, B_ADDRESS, B_BYTESN, B_BYTES, B_STRING, B_STRUCT };

/* The base of a type text without array suffixes: an atomic or dynamic type, or a struct name. */
static bool base_builtin(const char *s, size_t n, enum base_kind *kind, unsigned *width)
{
	unsigned long w;

	*width = 0;
	if (n == 4 && memcmp(s, "bool", 4) == 0) {
		*kind = B_BOOL;
		return true;
	}
	if (n == 7 && memcmp(s, "address", 7) == 0) {
		*kind = B_ADDRESS;
		return true;
	}
	if (n == 6 && memcmp(s, "string", 6) == 0) {
		*kind = B_STRING;
		return true;
	}
	if (n == 5 && memcmp(s, "bytes", 5) == 0) {
		*kind = B_BYTES;
		return true;
	}
	if (n > 5 && memcmp(s, "bytes", 5) == 0 && parse_small(s + 5, n - 5, 32, &w) && w >= 1) {
		*kind = B_BYTESN;
		*width = (unsigned)w;
		return true;
	}
	if (n > 4 && memcmp(s, "uint", 4) == 0 && parse_small(s + 4, n - 4, 256, &w) && w >= 8 && w % 8 == 0) {
		*kind = B_UINT;
		*width = (unsigned)w;
		return true;
	}
	if (n > 3 && memcmp(s, "int", 3) == 0 && parse_small(s + 3, n - 3, 256, &w) && w >= 8 && w % 8 == 0) {
		*kind = B_INT;
		*width = (unsigned)w;
		return true;
	}
	return false;
}

/* Names that are type-like but not EIP-712 types get a pointed message. */
static bool looks_builtin(const char *s, size_t n)
{
	static const char *const prefixes[] = {"uint", "int", "bytes", "fixed", "ufixed"};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t k = strlen(prefixes[i]);

		if (n >= k && memcmp(s, prefixes[i], k) == 0) {
			bool digits = true;

			for (size_t j = k; j < n; j++)
				digits = digits && s[j] >= '0' && s[j] <= '9';
			if (digits)
				return true;
		}
	}
	return n == 8 && memcmp(s, "function", 8) == 0;
}

static long find_struct(const struct ctx *c, const char *s, size_t n)
{
	for (size_t i = 0; i < c->nt; i++)
		if (strlen(c->t[i].name) == n && memcmp(c->t[i].name, s, n) == 0)
			return (long)i;
	return -1;
}

/* The last array suffix of type[0..n): the element type's length and the fixed length (0: dynamic). */
static bool split_array(const char *type, size_t n, size_t *elemlen, unsigned long *fixed)
{
	size_t open;

	if (n == 0 || type[n - 1] != ']')
		return false;
	open = n - 1;
	while (open > 0 && type[open] != '[')
		open--;
	if (type[open] != '[')
		return false;
	*elemlen = open;
	*fixed = 0;
	if (open + 1 == n - 1)
		return true;
	return parse_small(type + open + 1, n - 2 - open, ARRAY_FIXED_MAX, fixed) && *fixed >= 1;
}

/* Checks a member's type text: well formed, and its base is a builtin or a struct of types. */
static int check_type(struct ctx *c, const char *type)
{
	size_t n = strlen(type), elemlen;
	unsigned long fixed;
	unsigned dims = 0, width;
	enum base_kind kind;

	while (n > 0 && type[n - 1] == ']') {
		if (!split_array(type, n, &elemlen, &fixed))
			return fail(c, "'%s' has a malformed array length (write T[] or T[k], k from 1)", type);
		if (++dims > DIMS_MAX)
			return fail(c, "'%s' has more than %d array dimensions", type, DIMS_MAX);
		n = elemlen;
	}
	if (n == 0)
		return fail(c, "'%s' is not a type", type);
	if (base_builtin(type, n, &kind, &width))
		return 0;
	if (n == 4 && memcmp(type, "uint", 4) == 0)
		return fail(c, "'uint' is not an EIP-712 type: write uint256");
	if (n == 3 && memcmp(type, "int", 3) == 0)
		return fail(c, "'int' is not an EIP-712 type: write int256");
	if (n == 12 && memcmp(type, "EIP712Domain", 12) == 0)
		return fail(c, "EIP712Domain cannot be the type of a member");
	if (find_struct(c, type, n) >= 0)
		return 0;
	if (looks_builtin(type, n))
		return fail(c, "'%.*s' is not an EIP-712 type (uint8..uint256, int8..int256 in steps of 8, "
			"bytes1..bytes32)", (int)n, type);
	return fail(c, "unknown type '%.*s' (not an EIP-712 type, and no struct of that name in types)",
		(int)n, type);
}

/*
 * No two members of obj share a name (cJSON keeps both; JavaScript keeps the
 * last). Callers first check every key is one of at most max known names, so
 * more keys than that means a duplicate and the quadratic walk stays small.
 */
static int check_unique_keys(struct ctx *c, const cJSON *obj, size_t max)
{
	size_t i = 0;

	/* Among the first max + 1 keys two are equal when there are more: look no further. */
	for (const cJSON *a = obj->child; a && i <= max; a = a->next, i++) {
		size_t j = i + 1;

		for (const cJSON *b = a->next; b && j <= max; b = b->next, j++)
			if (strcmp(a->string, b->string) == 0)
				return fail(c, "the key \"%.64s\" appears twice", a->string);
	}
	return 0;
}

static int load_struct(struct ctx *c, const cJSON *def, struct stype *st)
{
	size_t want;
	int i = 0;

	if (!cJSON_IsArray(def))
		return fail(c, "a struct type is a JSON array of {\"name\", \"type\"} members");
	want = (size_t)cJSON_GetArraySize(def);
	st->n = 0;
	if (want > MEMBERS_MAX)
		return fail(c, "more than %d members", MEMBERS_MAX);
	st->m = xcalloc(want ? want : 1, sizeof(*st->m));
	for (const cJSON *f = def->child; f && (size_t)i < want; f = f->next, i++) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(f, "type");
		size_t old = path_push(c, NULL, i);

		if (!cJSON_IsObject(f) || !cJSON_IsString(name) || !cJSON_IsString(type) ||
		    cJSON_GetArraySize(f) != 2)
			return fail(c, "a member is an object with exactly \"name\" and \"type\", both strings");
		if (!is_ident(name->valuestring))
			return fail(c, "member name \"%.64s\" is not an identifier", name->valuestring);
		for (size_t j = 0; j < (size_t)i; j++)
			if (strcmp(st->m[j].name, name->valuestring) == 0)
				return fail(c, "member \"%s\" is declared twice", name->valuestring);
		st->m[i].name = name->valuestring;
		st->m[i].type = type->valuestring;
		st->n++;
		path_pop(c, old);
	}
	return 0;
}

static int load_types(struct ctx *c, const cJSON *types, const cJSON **domain_def)
{
	size_t old;

	*domain_def = NULL;
	if (!cJSON_IsObject(types))
		return fail(c, "types must be a JSON object");
	if (cJSON_GetArraySize(types) > TYPES_MAX)
		return fail(c, "more than %d types", TYPES_MAX);
	if (check_unique_keys(c, types, TYPES_MAX) != 0)
		return c->rc;
	for (const cJSON *d = types->child; d; d = d->next) {
		if (strcmp(d->string, "EIP712Domain") == 0) {
			*domain_def = d;
			continue;
		}
		old = path_push(c, d->string, 0);
		if (!is_ident(d->string))
			return fail(c, "\"%.64s\" is not a valid struct name", d->string);
		{
			enum base_kind kind;
			unsigned width;
			size_t n = strlen(d->string);

			if (base_builtin(d->string, n, &kind, &width) || looks_builtin(d->string, n))
				return fail(c, "a struct cannot be named like the type %s", d->string);
		}
		c->t[c->nt].name = d->string;
		if (load_struct(c, d, &c->t[c->nt++]) != 0)
			return c->rc;
		path_pop(c, old);
	}
	/* Every member type of every struct resolves (after all names are known). */
	for (size_t i = 0; i < c->nt; i++) {
		size_t o1 = path_push(c, c->t[i].name, 0);

		for (size_t j = 0; j < c->t[i].n; j++) {
			size_t o2 = path_push(c, NULL, (long)j);
			size_t o3 = path_push(c, "type", 0);

			if (check_type(c, c->t[i].m[j].type) != 0)
				return c->rc;
			path_pop(c, o3);
			path_pop(c, o2);
		}
		path_pop(c, o1);
	}
	return 0;
}

/* The struct name at the base of a member type (array suffixes removed), or -1. */
static long member_struct(const struct ctx *c, const char *type)
{
	size_t n = strcspn(type, "[");

	return find_struct(c, type, n);
}

static void collect_deps(const struct ctx *c, size_t idx, bool *seen)
{
	if (seen[idx])
		return;
	seen[idx] = true;
	for (size_t j = 0; j < c->t[idx].n; j++) {
		long s = member_struct(c, c->t[idx].m[j].type);

		if (s >= 0)
			collect_deps(c, (size_t)s, seen);
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp((*(const struct stype *const *)a)->name, (*(const struct stype *const *)b)->name);
}

/* encodeType: the type, then the struct types it references, sorted by name. */
static int encode_type(struct ctx *c, size_t idx)
{
	struct stype *t = &c->t[idx];
	const struct stype *list[TYPES_MAX + 1];
	bool seen[TYPES_MAX + 1] = {false};
	size_t nl = 0, len = 0, pos = 0;
	char *s;

	if (t->enc)
		return 0;
	collect_deps(c, idx, seen);
	list[nl++] = t;
	for (size_t i = 0; i < c->nt; i++)
		if (seen[i] && i != idx)
			list[nl++] = &c->t[i];
	qsort(list + 1, nl - 1, sizeof(const struct stype *), cmp_names);
	for (size_t i = 0; i < nl; i++) {
		len += strlen(list[i]->name) + 2;
		for (size_t j = 0; j < list[i]->n; j++)
			len += strlen(list[i]->m[j].type) + strlen(list[i]->m[j].name) + 2;
	}
	s = xmalloc(len + 1);
	for (size_t i = 0; i < nl; i++) {
		pos += (size_t)sprintf(s + pos, "%s(", list[i]->name);
		for (size_t j = 0; j < list[i]->n; j++)
			pos += (size_t)sprintf(s + pos, "%s%s %s", j ? "," : "", list[i]->m[j].type,
				list[i]->m[j].name);
		s[pos++] = ')';
	}
	s[pos] = '\0';
	t->enc = s;
	keccak256(t->hash, (const uint8_t *)s, pos);
	return 0;
}

/* ---- values --------------------------------------------------------------------------------------- */

/* An integer value: a JSON integer within 2^53, or "[-]digits" / "[-]0xhex". */
static int parse_integer(struct ctx *c, const cJSON *v, const char *type, struct u256 *mag, bool *neg)
{
	*neg = false;
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		double a = d < 0 ? -d : d;

		if (!(a <= JSON_INT_MAX) || (double)(uint64_t)a != a)
			return fail(c, "%s: a JSON number must be an integer of at most 2^53 - 1 in magnitude "
				"(write larger numbers as a decimal or 0x string)", type);
		*neg = d < 0;
		*mag = u256_from_u64((uint64_t)a);
		return 0;
	}
	if (cJSON_IsString(v)) {
		const char *s = v->valuestring;
		size_t n = strlen(s);
		int rc;

		if (n > 0 && s[0] == '-') {
			*neg = true;
			s++;
			n--;
		}
		if (n >= 2 && s[0] == '0' && s[1] == 'x')
			rc = u256_parse_hex(mag, s, n);
		else
			rc = u256_parse_dec(mag, s, n);
		if (rc == CD_ERANGE)
			return fail(c, "%s: value out of range", type);
		if (rc != CD_OK)
			return fail(c, "%s: \"%.40s\" is not a number (decimal digits or 0x-hex, '-' for a "
				"negative int)", type, v->valuestring);
		if (u256_is_zero(*mag))
			*neg = false;
		return 0;
	}
	return fail(c, "%s: expected a number (a JSON integer or a decimal or 0x string)", type);
}

static char *fmt_integer(struct u256 mag, bool neg)
{
	char buf[82];

	buf[0] = '-';
	u256_format_dec(mag, buf + 1, sizeof(buf) - 1);
	return xstrdup(neg ? buf : buf + 1);
}

static char *fmt_hex(const uint8_t *b, size_t n)
{
	char *s = xmalloc(2 * n + 3);

	hex_encode(s, 2 * n + 3, b, n, 1);
	return s;
}

static char *fmt_string(const char *s, size_t n)
{
	size_t cap = n + 8;
	char *out = xmalloc(cap);

	out[0] = '"';
	n = text_sanitize(out + 1, cap - 3, s, n);
	out[1 + n] = '"';
	out[2 + n] = '\0';
	return out;
}

/* 0x-hex bytes: *out malloc'd (NULL for none); the "0x" is required. */
static int parse_hexbytes(struct ctx *c, const cJSON *v, const char *type, uint8_t **out, size_t *n)
{
	const char *s;
	size_t len;

	*out = NULL;
	*n = 0;
	if (!cJSON_IsString(v))
		return fail(c, "%s: expected a 0x-hex string", type);
	s = v->valuestring;
	len = strlen(s);
	if (len < 2 || s[0] != '0' || s[1] != 'x')
		return fail(c, "%s: expected a 0x-hex string", type);
	*out = xmalloc(len / 2 + 1);
	if (hex_decode(*out, len / 2 + 1, n, s, len) != CD_OK) {
		free(*out);
		*out = NULL;
		return fail(c, "%s: not hex (0x and an even number of hex digits)", type);
	}
	return 0;
}

static int encode_struct(struct ctx *c, size_t idx, const cJSON *v, unsigned depth, uint8_t word[32],
                         uint8_t **enc, size_t *enclen);

/* uintN / intN from a JSON number or decimal/hex string; negatives as two's complement. */
static int encode_integer(struct ctx *c, enum base_kind kind, const char *tname, const cJSON *v, uint8_t word[32],
                          char **shown)
{
	struct abi_value a;
	struct u256 mag;
	size_t outlen;
	bool neg;
	int rc;

	memset(&a, 0, sizeof(a));
	if (parse_integer(c, v, tname, &mag, &neg) != 0)
		return c->rc;
	if (neg && kind == B_UINT)
		return fail(c, "%s: a negative value for an unsigned type", tname);
	a.kind = ABI_UINT;
	a.num = mag;
	if (neg) {
		struct u256 max = {{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}};
		struct u256 lim = {{0, 0, 0, UINT64_C(1) << 63}};

		if (u256_cmp(mag, lim) > 0)
			return fail(c, "%s: value out of range", tname);
		/* Two's complement: (2^256 - 1 - mag) + 1, mag != 0. */
		u256_sub(&a.num, max, mag);
		u256_add(&a.num, a.num, u256_from_u64(1));
		a.kind = ABI_INT;
	}
	rc = abi_encode(tname, &a, 1, word, 32, &outlen);
	if (rc == ABI_ETYPE)
		return fail(c, "%s: value out of range", tname);
	if (rc != CD_OK || outlen != 32)
		return fail(c, "%s: cannot encode (%s)", tname, cd_strerror(rc));
	*shown = fmt_integer(mag, neg);
	return 0;
}

static int encode_bool(struct ctx *c, const char *tname, const cJSON *v, uint8_t word[32], char **shown)
{
	struct abi_value a;
	size_t outlen;

	memset(&a, 0, sizeof(a));
	if (!cJSON_IsBool(v))
		return fail(c, "bool: expected true or false");
	a.kind = ABI_BOOL;
	a.b = cJSON_IsTrue(v);
	if (abi_encode(tname, &a, 1, word, 32, &outlen) != CD_OK)
		return fail(c, "bool: cannot encode");
	*shown = xstrdup(a.b ? "true" : "false");
	return 0;
}

static int encode_address(struct ctx *c, const char *tname, const cJSON *v, uint8_t word[32], char **shown)
{
	struct abi_value a;
	size_t outlen;
	int rc;

	memset(&a, 0, sizeof(a));
	if (!cJSON_IsString(v))
		return fail(c, "address: expected a 0x string of 40 hex digits");
	rc = address_parse(&a.addr, v->valuestring, strlen(v->valuestring));
	if (rc != CD_OK)
		return fail(c, "address: \"%.50s\": %s", v->valuestring, cd_strerror(rc));
	a.kind = ABI_ADDRESS;
	if (abi_encode(tname, &a, 1, word, 32, &outlen) != CD_OK)
		return fail(c, "address: cannot encode");
	*shown = xmalloc(ADDRESS_TEXT_SIZE);
	address_format(&a.addr, *shown);
	return 0;
}

/* bytesN: exactly N bytes, left-aligned in the word. */
static int encode_bytesn(struct ctx *c, const char *tname, unsigned width, const cJSON *v, uint8_t word[32],
                         char **shown)
{
	struct abi_value a;
	uint8_t *bytes = NULL;
	size_t n, outlen;
	int rc;

	memset(&a, 0, sizeof(a));
	if (parse_hexbytes(c, v, tname, &bytes, &n) != 0)
		return c->rc;
	if (n != width) {
		free(bytes);
		return fail(c, "%s: expected exactly %u bytes, got %zu", tname, width, n);
	}
	a.kind = ABI_BYTES;
	a.data = bytes;
	a.len = n;
	rc = abi_encode(tname, &a, 1, word, 32, &outlen);
	*shown = fmt_hex(bytes, n);
	free(bytes);
	if (rc != CD_OK) {
		free(*shown);
		*shown = NULL;
		return fail(c, "%s: cannot encode", tname);
	}
	return 0;
}

/* The dynamic types, bytes and string, are encoded as the keccak256 of their contents. */
static int encode_dynamic(struct ctx *c, enum base_kind kind, const char *tname, const cJSON *v, uint8_t word[32],
                          char **shown)
{
	uint8_t *bytes = NULL;
	size_t n;

	if (kind == B_BYTES) {
		if (parse_hexbytes(c, v, tname, &bytes, &n) != 0)
			return c->rc;
		keccak256(word, bytes, n);
		*shown = fmt_hex(bytes, n);
		free(bytes);
		return 0;
	}
	if (!cJSON_IsString(v))
		return fail(c, "string: expected a JSON string");
	n = strlen(v->valuestring);
	if (!utf8_valid((const unsigned char *)v->valuestring, n))
		return fail(c, "string: not valid UTF-8");
	keccak256(word, (const uint8_t *)v->valuestring, n);
	*shown = fmt_string(v->valuestring, n);
	return 0;
}

/* An atomic or dynamic value into its 32-byte word; one row of the view. */
static int encode_leaf(struct ctx *c, const char *type, size_t tlen, const cJSON *v, uint8_t word[32])
{
	char tname[16];
	enum base_kind kind;
	unsigned width;
	char *shown = NULL;
	int rc = 0;

	if (!base_builtin(type, tlen, &kind, &width) || tlen >= sizeof(tname))
		return fail(c, "internal: not a builtin type");
	memcpy(tname, type, tlen);
	tname[tlen] = '\0';
	switch (kind) {
	case B_UINT:
	case B_INT:
		rc = encode_integer(c, kind, tname, v, word, &shown);
		break;
	case B_BOOL:
		rc = encode_bool(c, tname, v, word, &shown);
		break;
	case B_ADDRESS:
		rc = encode_address(c, tname, v, word, &shown);
		break;
	case B_BYTESN:
		rc = encode_bytesn(c, tname, width, v, word, &shown);
		break;
	case B_BYTES:
	case B_STRING:
		rc = encode_dynamic(c, kind, tname, v, word, &shown);
		break;
	case B_STRUCT:
		return fail(c, "internal: struct as a leaf");
	}
	if (rc != 0)
		return rc;
	return add_row(c, type, tlen, shown);
}

/* encodeData of a member value of type[0..tlen) into its 32-byte word. */
static int encode_value(struct ctx *c, const char *type, size_t tlen, const cJSON *v, unsigned depth,
                        uint8_t word[32])
{
	size_t elemlen = 0;
	unsigned long fixed = 0;
	long s;

	if (depth > EIP712_DEPTH_MAX)
		return fail(c, "nested more than %d levels deep", EIP712_DEPTH_MAX);
	if (tlen > 0 && type[tlen - 1] == ']') {
		struct keccak_ctx k;
		long i = 0;
		int count;

		if (!split_array(type, tlen, &elemlen, &fixed)) /* checked when the types were loaded */
			return fail(c, "'%.*s' has a malformed array length", (int)tlen, type);
		if (!cJSON_IsArray(v))
			return fail(c, "%.*s: expected a JSON array", (int)tlen, type);
		count = cJSON_GetArraySize(v);
		if (fixed && (unsigned long)count != fixed)
			return fail(c, "%.*s: expected %lu items, got %d", (int)tlen, type, fixed, count);
		if (count == 0) {
			keccak256(word, NULL, 0);
			return add_row(c, type, tlen, xstrdup("[]"));
		}
		keccak256_init(&k);
		for (const cJSON *it = v->child; it; it = it->next, i++) {
			uint8_t w[32];
			size_t old = path_push(c, NULL, i);

			if (encode_value(c, type, elemlen, it, depth + 1, w) != 0)
				return c->rc;
			keccak256_update(&k, w, 32);
			path_pop(c, old);
		}
		keccak256_final(&k, word);
		return 0;
	}
	s = find_struct(c, type, tlen);
	if (s >= 0)
		return encode_struct(c, (size_t)s, v, depth + 1, word, NULL, NULL);
	return encode_leaf(c, type, tlen, v, word);
}

/*
 * hashStruct of v as struct type idx into word. When enc is given, *enc gets
 * typeHash ‖ encodeData (malloc'd), for the primary type.
 */
static int encode_struct(struct ctx *c, size_t idx, const cJSON *v, unsigned depth, uint8_t word[32],
                         uint8_t **enc, size_t *enclen)
{
	const struct stype *t = &c->t[idx];
	struct keccak_ctx k;
	uint8_t *buf = NULL;

	if (depth > EIP712_DEPTH_MAX)
		return fail(c, "nested more than %d levels deep", EIP712_DEPTH_MAX);
	if (!cJSON_IsObject(v))
		return fail(c, "%s: expected a JSON object", t->name);
	/* Unknown keys first: that also bounds the duplicate check by the member count. */
	for (const cJSON *f = v->child; f; f = f->next) {
		bool known = false;

		for (size_t j = 0; j < t->n && !known; j++)
			known = strcmp(t->m[j].name, f->string) == 0;
		if (!known)
			return fail(c, "\"%.64s\" is not a member of %s", f->string, t->name);
	}
	if (check_unique_keys(c, v, t->n) != 0)
		return c->rc;
	if (encode_type(c, idx) != 0)
		return c->rc;
	if (enc) {
		buf = xmalloc(32 * (t->n + 1));
		memcpy(buf, t->hash, 32);
	}
	keccak256_init(&k);
	keccak256_update(&k, t->hash, 32);
	/* An empty nested struct is one line "{}"; an empty domain or message has none. */
	if (t->n == 0 && c->pathlen >= c->prefix && add_row(c, t->name, strlen(t->name), xstrdup("{}")) != 0) {
		free(buf);
		return c->rc;
	}
	for (size_t j = 0; j < t->n; j++) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(v, t->m[j].name);
		size_t old = path_push(c, t->m[j].name, 0);
		uint8_t w[32];

		if (!m) {
			free(buf);
			return fail(c, "missing (a member of %s of type %s)", t->name, t->m[j].type);
		}
		if (encode_value(c, t->m[j].type, strlen(t->m[j].type), m, depth, w) != 0) {
			free(buf);
			return c->rc;
		}
		keccak256_update(&k, w, 32);
		if (buf)
			memcpy(buf + 32 * (j + 1), w, 32);
		path_pop(c, old);
	}
	keccak256_final(&k, word);
	if (enc) {
		*enc = buf;
		*enclen = 32 * (t->n + 1);
	}
	return 0;
}

/* ---- the domain ----------------------------------------------------------------------------------- */

/* The EIP712Domain struct: checked against the standard fields and the domain, or derived from it. */
static int load_domain(struct ctx *c, const cJSON *def, const cJSON *domain, struct stype *d)
{
	size_t last = 0;
	bool any = false;

	d->name = "EIP712Domain";
	if (!cJSON_IsObject(domain))
		return fail(c, "domain must be a JSON object");
	for (const cJSON *f = domain->child; f; f = f->next) {
		bool std = false;

		for (size_t i = 0; i < DOMAIN_STD_N && !std; i++)
			std = strcmp(f->string, domain_std[i].name) == 0;
		if (!std)
			return fail(c, "domain: \"%.64s\" is not an EIP712Domain field (name, version, chainId, "
				"verifyingContract, salt); tools disagree on how to hash it", f->string);
	}
	if (check_unique_keys(c, domain, DOMAIN_STD_N) != 0)
		return c->rc;
	if (def) {
		size_t old = path_push(c, "types", 0);
		size_t o2 = path_push(c, "EIP712Domain", 0);

		if (load_struct(c, def, d) != 0)
			return c->rc;
		for (size_t j = 0; j < d->n; j++) {
			size_t i;

			for (i = 0; i < DOMAIN_STD_N; i++)
				if (strcmp(d->m[j].name, domain_std[i].name) == 0)
					break;
			if (i == DOMAIN_STD_N)
				return fail(c, "\"%s\" is not an EIP712Domain field (name, version, chainId, "
					"verifyingContract, salt)", d->m[j].name);
			if (strcmp(d->m[j].type, domain_std[i].type) != 0)
				return fail(c, "%s must have type %s, not %.40s", d->m[j].name, domain_std[i].type,
					d->m[j].type);
			if (any && i <= last)
				return fail(c, "fields must come in the order name, version, chainId, "
					"verifyingContract, salt");
			if (!cJSON_GetObjectItemCaseSensitive(domain, d->m[j].name))
				return fail(c, "declares %s but the domain has no %s", d->m[j].name, d->m[j].name);
			last = i;
			any = true;
		}
		for (const cJSON *f = domain->child; f; f = f->next) {
			bool declared = false;

			for (size_t j = 0; j < d->n && !declared; j++)
				declared = strcmp(d->m[j].name, f->string) == 0;
			if (!declared)
				return fail(c, "the domain has %s but EIP712Domain does not declare it", f->string);
		}
		path_pop(c, o2);
		path_pop(c, old);
	} else {
		d->m = xcalloc(DOMAIN_STD_N, sizeof(*d->m));
		for (size_t i = 0; i < DOMAIN_STD_N; i++)
			if (cJSON_GetObjectItemCaseSensitive(domain, domain_std[i].name)) {
				d->m[d->n].name = domain_std[i].name;
				d->m[d->n++].type = domain_std[i].type;
			}
	}
	/* An empty domain hashes as EIP712Domain() in ethers and alloy alike: accepted. */
	return 0;
}

/* chainId and verifyingContract, for callers that check them against the active chain. */
static void domain_extras(struct ctx *c, const cJSON *domain, struct eip712 *e)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(domain, "chainId");
	const cJSON *vc = cJSON_GetObjectItemCaseSensitive(domain, "verifyingContract");
	bool neg;

	if (id && parse_integer(c, id, "uint256", &e->chain_id, &neg) == 0)
		e->has_chain_id = true;
	if (cJSON_IsString(vc) &&
	    address_parse(&e->verifying_contract, vc->valuestring, strlen(vc->valuestring)) == CD_OK)
		e->has_verifying_contract = true;
}

/* ---- the document --------------------------------------------------------------------------------- */

/* Refuses what cJSON would silently change: NUL bytes, and "\u0000" escapes that cut a string short. */
static bool raw_text_ok(const char *s, size_t len)
{
	bool in_str = false;

	if (memchr(s, '\0', len))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!in_str) {
			in_str = s[i] == '"';
			continue;
		}
		if (s[i] == '"') {
			in_str = false;
		} else if (s[i] == '\\' && i + 1 < len) {
			if (s[i + 1] == 'u' && i + 5 < len && memcmp(s + i + 2, "0000", 4) == 0)
				return false;
			i++;
		}
	}
	return true;
}

static void ctx_free(struct ctx *c)
{
	for (size_t i = 0; i < c->nt; i++) {
		free(c->t[i].m);
		free(c->t[i].enc);
	}
}

void eip712_free(struct eip712 *e)
{
	if (!e)
		return;
	free(e->primary_type);
	free(e->encode_type);
	free(e->encoded);
	rows_free(e->domain, e->ndomain);
	rows_free(e->fields, e->nfields);
	memset(e, 0, sizeof(*e));
}

/* The top level holds exactly types, primaryType, domain and message, each once. */
static int check_top_level(struct ctx *c, const cJSON *doc)
{
	static const char *const top[] = {"types", "primaryType", "domain", "message"};
	int rc;

	if (!cJSON_IsObject(doc))
		return fail(c, "the document is not a JSON object");
	for (const cJSON *f = doc->child; f; f = f->next) {
		bool known = false;

		for (size_t i = 0; i < 4 && !known; i++)
			known = strcmp(f->string, top[i]) == 0;
		if (!known)
			return fail(c, "unknown key \"%.64s\" (a request has types, primaryType, domain and message)",
				f->string);
	}
	rc = check_unique_keys(c, doc, 4);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < 4; i++)
		if (!cJSON_GetObjectItemCaseSensitive(doc, top[i]))
			return fail(c, "missing \"%s\"", top[i]);
	return 0;
}

/* The document as JSON with a valid top level, or NULL with the reason recorded. */
static cJSON *parse_document(struct ctx *c, const char *json, size_t len)
{
	cJSON *doc;

	if (len > EIP712_DOC_MAX) {
		fail(c, "the document is larger than %d bytes", EIP712_DOC_MAX);
		return NULL;
	}
	if (!raw_text_ok(json, len)) {
		fail(c, "the document holds a NUL character");
		return NULL;
	}
	doc = cJSON_ParseWithLength(json, len);
	if (!doc) {
		fail(c, "not valid JSON");
		return NULL;
	}
	if (check_top_level(c, doc) != 0) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

/* The index of primaryType's struct, or -1: it must name a message struct, not EIP712Domain. */
static long primary_struct(struct ctx *c, const cJSON *primary)
{
	long pidx;

	if (!cJSON_IsString(primary)) {
		fail(c, "primaryType must be a string");
		return -1;
	}
	if (strcmp(primary->valuestring, "EIP712Domain") == 0) {
		fail(c, "primaryType EIP712Domain is not supported: it signs a domain without a message");
		return -1;
	}
	pidx = find_struct(c, primary->valuestring, strlen(primary->valuestring));
	if (pidx < 0)
		fail(c, "primaryType \"%.64s\" is not a struct in types", primary->valuestring);
	return pidx;
}

/* The domain separator and the domain's rows: the derived or declared EIP712Domain struct sits after the
 * message types. */
static int encode_domain(struct ctx *c, const cJSON *domain_def, const cJSON *domain, struct rows *dom,
                         struct eip712 *out)
{
	if (load_domain(c, domain_def, domain, &c->t[c->nt]) != 0) {
		c->nt++; /* so ctx_free frees its members */
		return -1;
	}
	c->nt++;
	c->rows = dom;
	path_push(c, "domain", 0);
	c->prefix = c->pathlen + 1;
	if (encode_struct(c, c->nt - 1, domain, 0, out->domain_separator, NULL, NULL) != 0)
		return -1;
	path_pop(c, 0);
	domain_extras(c, domain, out);
	return 0;
}

/* The message's struct hash, its encoding and its rows. */
static int encode_message(struct ctx *c, size_t pidx, const cJSON *message, struct rows *msg, struct eip712 *out)
{
	c->rows = msg;
	path_push(c, "message", 0);
	c->prefix = c->pathlen + 1;
	if (encode_struct(c, pidx, message, 0, out->struct_hash, &out->encoded, &out->encoded_len) != 0)
		return -1;
	path_pop(c, 0);
	return 0;
}

/* keccak256(0x19 0x01 || domainSeparator || hashStruct(message)), and the primary type's name and encoding. */
static void finish_digest(struct ctx *c, size_t pidx, const char *primary, struct eip712 *out)
{
	uint8_t pre[66] = {0x19, 0x01};

	memcpy(pre + 2, out->domain_separator, 32);
	memcpy(pre + 34, out->struct_hash, 32);
	keccak256(out->digest, pre, sizeof(pre));
	memcpy(out->type_hash, c->t[pidx].hash, 32);
	out->primary_type = xstrdup(primary);
	out->encode_type = xstrdup(c->t[pidx].enc);
}

int eip712_parse(const char *json, size_t len, struct eip712 *out, char *err, size_t errcap)
{
	struct ctx *c = xcalloc(1, sizeof(*c));
	struct rows dom = {0}, msg = {0};
	const cJSON *domain_def, *primary;
	cJSON *doc = NULL;
	long pidx;
	int rc;

	memset(out, 0, sizeof(*out));
	if (errcap)
		err[0] = '\0';
	c->err = err;
	c->errcap = errcap;
	doc = parse_document(c, json, len);
	if (!doc)
		goto out;

	path_push(c, "types", 0);
	if (load_types(c, cJSON_GetObjectItemCaseSensitive(doc, "types"), &domain_def) != 0)
		goto out;
	path_pop(c, 0);

	primary = cJSON_GetObjectItemCaseSensitive(doc, "primaryType");
	pidx = primary_struct(c, primary);
	if (pidx < 0)
		goto out;
	if (encode_domain(c, domain_def, cJSON_GetObjectItemCaseSensitive(doc, "domain"), &dom, out) != 0)
		goto out;
	if (encode_message(c, (size_t)pidx, cJSON_GetObjectItemCaseSensitive(doc, "message"), &msg, out) != 0)
		goto out;
	finish_digest(c, (size_t)pidx, primary->valuestring, out);
out:
	rc = c->rc;
	out->domain = dom.v;
	out->ndomain = dom.n;
	out->fields = msg.v;
	out->nfields = msg.n;
	if (rc != 0)
		eip712_free(out);
	ctx_free(c);
	free(c);
	cJSON_Delete(doc);
	return rc;
}

/* ---- signatures ----------------------------------------------------------------------------------- */

int eip712_sign(const struct eip712 *e, const uint8_t priv[32], uint8_t sig[65])
{
	int recid, rc;

	rc = sign_digest(e->digest, priv, sig, &recid);
	if (rc == CD_OK)
		sig[64] = (uint8_t)(27 + recid);
	return rc;
}

int eip712_recover(const struct eip712 *e, const uint8_t sig[65], struct address *out)
{
	int v = sig[64] >= 27 ? sig[64] - 27 : sig[64];

	if (v != 0 && v != 1)
		return SIGN_EBADSIG;
	return sign_recover_digest(e->digest, sig, v, out);
}
