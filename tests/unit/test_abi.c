/*
 * abi: selectors, encoding on public vectors, strict decoding of hostile
 * data, argument display, revert reasons and token logs.
 *
 * Vectors: tests/vectors/ethereum-tests/ABITests/basic_abi_tests.json and
 * tests/vectors/ethers.js/testcases/abi.json.gz (1024 cases: every
 * elementary type, tuples, nested and fixed arrays), each checked both ways:
 * encoding the value gives the bytes, decoding the bytes shows the value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/abi.h"
#include "common/address.h"
#include "common/hex.h"
#include "common/text.h"
#include "tests/lib/test.h"

/* Decodes hex into an exactly-sized heap buffer, so a decoder over-read trips ASan. */
static uint8_t *unhex(const char *s, size_t *len)
{
	size_t n = strlen(s);
	uint8_t *b = malloc(n / 2 + 1);

	if (!b || hex_decode(b, n / 2 + 1, len, s, n) != 0) {
		fprintf(stderr, "bad hex in test: %.40s\n", s);
		exit(2);
	}
	return realloc(b, *len ? *len : 1);
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);

	if (!b)
		abort();
	if (n)
		memcpy(b, p, n);
	return b;
}

static void to_hex(char *out, size_t cap, const uint8_t *p, size_t n)
{
	if (hex_encode(out, cap, p, n, 0) < 0)
		snprintf(out, cap, "(too long)");
}

static struct address addr(const char *s)
{
	struct address a;

	if (address_parse(&a, s, strlen(s)) != 0)
		abort();
	return a;
}

/* A word holding v in its last 8 bytes. */
static void put_word(uint8_t *w, uint64_t v)
{
	memset(w, 0, 32);
	for (int i = 31; i >= 24; i--) {
		w[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* ---- selectors and signatures ------------------------------------------------------------ */

static void selectors_of_well_known_signatures(void)
{
	static const struct {
		const char *sig;
		uint32_t sel;
	} cases[] = {
		{ "transfer(address,uint256)", 0xa9059cbb },
		{ "approve(address,uint256)", 0x095ea7b3 },
		{ "balanceOf(address)", 0x70a08231 },
		{ "transferFrom(address,address,uint256)", 0x23b872dd },
		{ "totalSupply()", 0x18160ddd },
		{ "symbol()", 0x95d89b41 },
		{ "decimals()", 0x313ce567 },
		{ "name()", 0x06fdde03 },
		{ "Error(string)", 0x08c379a0 },
		{ "Panic(uint256)", 0x4e487b71 },
		{ "exactInputSingle((address,address,uint24,address,uint256,uint256,uint256,uint160))", 0x414bf389 },
		{ "aggregate3((address,bool,bytes)[])", 0x82ad56cb },
		/* names, spaces and bare uint are canonicalised first */
		{ "transfer(address to, uint256 amount)", 0xa9059cbb },
		{ "transfer(address,uint)", 0xa9059cbb },
		{ " approve ( address  spender , uint value ) ", 0x095ea7b3 },
	};

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		uint8_t s[4];

		CHECK_INT(abi_selector(cases[i].sig, s), CD_OK);
		CHECK_MSG(((uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 | s[3]) == cases[i].sel,
		          "%s: got %02x%02x%02x%02x", cases[i].sig, s[0], s[1], s[2], s[3]);
	}
}

static void event_topic_of_transfer(void)
{
	uint8_t t[32];
	char hex[80];

	CHECK_INT(abi_event_topic("Transfer(address indexed from, address indexed to, uint256 value)", t), CD_OK);
	to_hex(hex, sizeof(hex), t, 32);
	CHECK_STR(hex, "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

static void canonical_form_drops_names_and_widens_uint(void)
{
	char buf[128];

	CHECK_INT(abi_signature_canonical("f(uint a, int b, (uint,bytes)[] c, bool[2][] memory d)", buf, sizeof(buf)),
	          (int)strlen("f(uint256,int256,(uint256,bytes)[],bool[2][])"));
	CHECK_STR(buf, "f(uint256,int256,(uint256,bytes)[],bool[2][])");
	CHECK_INT(abi_signature_canonical("transfer(address,uint256)", buf, 10), CD_ESPACE);
}

static void malformed_signatures_are_rejected(void)
{
	static const char *const bad[] = {
		"", "transfer", "transfer(", "transfer(address", "transfer(address,)", "(address)x",
		"f(uint7)", "f(uint264)", "f(uint0)", "f(int08)", "f(bytes0)", "f(bytes33)", "f(bytes01)",
		"f(addr)", "f(address[)", "f(address[0])", "f(address[01])", "f(())", "f(uint256,,bool)",
		"1f()", "f()x", "f(fixed128x18)", "f(string[99999999999999999999])",
		"f(((((((((((((((((((uint256)))))))))))))))))))",
	};
	uint8_t s[4];

	for (size_t i = 0; i < TEST_COUNT(bad); i++)
		CHECK_MSG(abi_selector(bad[i], s) == CD_EINVAL, "accepted \"%s\"", bad[i]);
	CHECK_INT(abi_selector(NULL, s), CD_EINVAL);
	CHECK_INT(abi_selector("f()", s), CD_OK);
}

/* ---- encoding ------------------------------------------------------------------------------ */

static void encode_call_balance_of(void)
{
	struct abi_value v = { .kind = ABI_ADDRESS, .addr = addr("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045") };
	uint8_t out[64];
	size_t len = 0;
	char hex[200];

	CHECK_INT(abi_encode_call(out, sizeof(out), &len, "balanceOf(address)", &v, 1), CD_OK);
	CHECK_INT(len, 36);
	to_hex(hex, sizeof(hex), out, len);
	CHECK_STR(hex, "70a08231000000000000000000000000d8da6bf26964af9d7eed9e03e53415d37aa96045");
	CHECK_INT(abi_encode_call(out, 35, &len, "balanceOf(address)", &v, 1), CD_ESPACE);
	CHECK_INT(abi_encode_call(out, sizeof(out), &len, "symbol()", NULL, 0), CD_OK);
	CHECK_INT(len, 4);
}

static void encode_rejects_values_that_do_not_fit(void)
{
	uint8_t out[256], four[4] = { 1, 2, 3, 4 };
	size_t len;
	struct abi_value v = { .kind = ABI_UINT, .num = u256_from_u64(256) };
	struct abi_value b = { .kind = ABI_BYTES, .data = four, .len = 3 };
	struct abi_value i8 = { .kind = ABI_INT, .num = abi_int_from_i64(-128) };

	CHECK_INT(abi_encode("uint8", &v, 1, out, sizeof(out), &len), ABI_ETYPE);
	v.num = u256_from_u64(255);
	CHECK_INT(abi_encode("uint8", &v, 1, out, sizeof(out), &len), CD_OK);
	CHECK_INT(abi_encode("address", &v, 1, out, sizeof(out), &len), ABI_ETYPE);
	CHECK_INT(abi_encode("(uint8,uint8)", &v, 1, out, sizeof(out), &len), CD_EINVAL);
	CHECK_INT(abi_encode("bytes4", &b, 1, out, sizeof(out), &len), ABI_ETYPE);
	b.len = 4;
	CHECK_INT(abi_encode("bytes4", &b, 1, out, sizeof(out), &len), CD_OK);
	CHECK_INT(out[0] == 1 && out[3] == 4 && out[4] == 0 && out[31] == 0, 1);
	CHECK_INT(abi_encode("int8", &i8, 1, out, sizeof(out), &len), CD_OK);
	CHECK_INT(out[0] == 0xff && out[31] == 0x80, 1);
	i8.num = abi_int_from_i64(-129);
	CHECK_INT(abi_encode("int8", &i8, 1, out, sizeof(out), &len), ABI_ETYPE);
	i8.num = abi_int_from_i64(127);
	CHECK_INT(abi_encode("int8", &i8, 1, out, sizeof(out), &len), CD_OK);
	v.num = u256_from_u64(128); /* a uint for an int8 must be below 2^7 */
	CHECK_INT(abi_encode("int8", &v, 1, out, sizeof(out), &len), ABI_ETYPE);
	CHECK_INT(abi_encode("string", &b, 1, out, sizeof(out), &len), ABI_ETYPE);
	CHECK_INT(abi_encode("bytes", &b, 1, out, 63, &len), CD_ESPACE);
	CHECK_INT(abi_encode("bytes", &b, 1, out, 96, &len), CD_OK);
	CHECK_INT(len, 96);
}

/* Builds abi_values from a vector's JSON value (arrays of numbers, strings...). */
struct pool {
	struct abi_value *v[4096];
	uint8_t *bytes[4096];
	size_t nv, nb;
};

static void negate(struct u256 *x)
{
	uint8_t w[32];
	unsigned carry = 1;

	u256_to_be(*x, w);
	for (int i = 31; i >= 0; i--) {
		unsigned t = (uint8_t)~w[i] + carry;

		w[i] = (uint8_t)t;
		carry = t >> 8;
	}
	u256_from_be(x, w, 32);
}

static int number_value(const char *s, struct abi_value *out)
{
	bool neg = s[0] == '-';

	out->kind = neg ? ABI_INT : ABI_UINT;
	if (u256_parse_dec(&out->num, s + neg, strlen(s + neg)) != 0)
		return -1;
	if (neg)
		negate(&out->num);
	return 0;
}

/* Ethers' "verbose" tree: {type: number|address|boolean|hexstring|string|object|array, value}. */
static int verbose_value(struct pool *p, const cJSON *j, struct abi_value *out)
{
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(j, "type"));
	const cJSON *v = cJSON_GetObjectItem(j, "value");

	memset(out, 0, sizeof(*out));
	if (!t || !v)
		return -1;
	if (strcmp(t, "number") == 0)
		return number_value(v->valuestring, out);
	if (strcmp(t, "address") == 0) {
		out->kind = ABI_ADDRESS;
		return address_parse(&out->addr, v->valuestring, strlen(v->valuestring));
	}
	if (strcmp(t, "boolean") == 0) {
		out->kind = ABI_BOOL;
		out->b = cJSON_IsTrue(v);
		return 0;
	}
	if (strcmp(t, "hexstring") == 0 || strcmp(t, "string") == 0) {
		size_t n;

		if (p->nb == TEST_COUNT(p->bytes))
			return -1;
		if (t[0] == 'h') {
			out->kind = ABI_BYTES;
			p->bytes[p->nb] = unhex(v->valuestring, &n);
		} else {
			out->kind = ABI_STRING;
			n = strlen(v->valuestring);
			p->bytes[p->nb] = dup_bytes((const uint8_t *)v->valuestring, n);
		}
		out->data = p->bytes[p->nb++];
		out->len = n;
		return 0;
	}
	if (strcmp(t, "object") == 0 || strcmp(t, "array") == 0) {
		size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
		struct abi_value *items = calloc(n ? n : 1, sizeof(*items));
		const cJSON *e;

		if (!items || p->nv == TEST_COUNT(p->v))
			return -1;
		p->v[p->nv++] = items;
		cJSON_ArrayForEach(e, v) {
			if (verbose_value(p, e, &items[i++]) != 0)
				return -1;
		}
		out->kind = t[0] == 'o' ? ABI_TUPLE : ABI_ARRAY;
		out->items = items;
		out->count = n;
		return 0;
	}
	return -1;
}

static void pool_free(struct pool *p)
{
	for (size_t i = 0; i < p->nv; i++)
		free(p->v[i]);
	for (size_t i = 0; i < p->nb; i++)
		free(p->bytes[i]);
	p->nv = p->nb = 0;
}

static void append(char *out, size_t cap, size_t *pos, const char *s)
{
	size_t l = strlen(s);

	if (*pos + l < cap) {
		memcpy(out + *pos, s, l);
		*pos += l;
		out[*pos] = '\0';
	}
}

/* The display text abi_format_params should give for a verbose value. */
static void expect_text(const cJSON *j, char *out, size_t cap, size_t *pos)
{
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(j, "type"));
	const cJSON *v = cJSON_GetObjectItem(j, "value");
	char a[ADDRESS_TEXT_SIZE];
	struct address ad;

	if (strcmp(t, "number") == 0 || strcmp(t, "hexstring") == 0) {
		append(out, cap, pos, v->valuestring);
	} else if (strcmp(t, "address") == 0) {
		address_parse(&ad, v->valuestring, strlen(v->valuestring));
		address_format(&ad, a);
		append(out, cap, pos, a);
	} else if (strcmp(t, "boolean") == 0) {
		append(out, cap, pos, cJSON_IsTrue(v) ? "true" : "false");
	} else if (strcmp(t, "string") == 0) {
		size_t n = strlen(v->valuestring);
		char *s = malloc(n * 3 + 8);

		text_sanitize(s, n * 3 + 8, v->valuestring, n);
		append(out, cap, pos, "\"");
		append(out, cap, pos, s);
		append(out, cap, pos, "\"");
		free(s);
	} else {
		const cJSON *e;
		bool first = true;

		append(out, cap, pos, t[0] == 'o' ? "(" : "[");
		cJSON_ArrayForEach(e, v) {
			if (!first)
				append(out, cap, pos, ", ");
			first = false;
			expect_text(e, out, cap, pos);
		}
		append(out, cap, pos, t[0] == 'o' ? ")" : "]");
	}
}

static void basic_abi_tests_encode(void)
{
	char *text = test_read_file("tests/vectors/ethereum-tests/ABITests/basic_abi_tests.json", NULL);
	cJSON *doc = cJSON_Parse(text);
	const cJSON *c;
	int seen = 0;

	CHECK(doc != NULL);
	cJSON_ArrayForEach(c, doc) {
		const cJSON *types = cJSON_GetObjectItem(c, "types"), *args = cJSON_GetObjectItem(c, "args"), *t, *a;
		struct abi_value vals[8], inner[2][8];
		char sig[256] = "(", hex[4096];
		uint8_t out[1024], *raw[8];
		size_t n = 0, len, nraw = 0;

		for (t = types ? types->child : NULL, a = args ? args->child : NULL; t && a; t = t->next, a = a->next) {
			struct abi_value *v = &vals[n];

			strcat(sig, n ? "," : "");
			strcat(sig, t->valuestring);
			memset(v, 0, sizeof(*v));
			if (cJSON_IsNumber(a)) {
				v->kind = ABI_UINT;
				v->num = u256_from_u64((uint64_t)a->valuedouble);
			} else if (cJSON_IsArray(a)) {
				size_t k = 0;
				const cJSON *e;

				cJSON_ArrayForEach(e, a) {
					memset(&inner[n][k], 0, sizeof(inner[n][k]));
					inner[n][k].kind = ABI_UINT;
					inner[n][k++].num = u256_from_u64((uint64_t)e->valuedouble);
				}
				v->kind = ABI_ARRAY;
				v->items = inner[n];
				v->count = k;
			} else if (strncmp(t->valuestring, "address", 7) == 0) {
				v->kind = ABI_ADDRESS;
				v->addr = addr(a->valuestring);
			} else {
				/* bytes10 and bytes are given as text */
				v->kind = ABI_BYTES;
				v->data = raw[nraw++] = dup_bytes((const uint8_t *)a->valuestring, strlen(a->valuestring));
				v->len = strlen(a->valuestring);
			}
			n++;
		}
		strcat(sig, ")");
		CHECK_MSG(abi_encode(sig, vals, n, out, sizeof(out), &len) == CD_OK, "%s: %s", c->string, sig);
		to_hex(hex, sizeof(hex), out, len);
		CHECK_MSG(strcmp(hex, cJSON_GetStringValue(cJSON_GetObjectItem(c, "result"))) == 0, "%s: %s", c->string, hex);
		while (nraw)
			free(raw[--nraw]);
		seen++;
	}
	CHECK_INT(seen, 3);
	cJSON_Delete(doc);
	free(text);
}

static cJSON *ethers_cases(void)
{
	char *text = test_read_gz("tests/vectors/ethers.js/testcases/abi.json.gz", NULL);
	cJSON *doc = cJSON_Parse(text);

	free(text);
	if (!doc || cJSON_GetArraySize(doc) != 1024) {
		fprintf(stderr, "abi.json.gz: expected 1024 cases\n");
		exit(2);
	}
	return doc;
}

enum { BIG = 1 << 17 };

static void ethers_vectors_encode(void)
{
	cJSON *doc = ethers_cases();
	const cJSON *c;
	uint8_t *out = malloc(BIG);
	char *hex = malloc(2 * BIG + 3);
	struct pool *p = calloc(1, sizeof(*p));
	int ok = 0;

	cJSON_ArrayForEach(c, doc) {
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(c, "type"));
		const char *want = cJSON_GetStringValue(cJSON_GetObjectItem(c, "encoded"));
		char list[512];
		struct abi_value v;
		size_t len = 0;
		int rc;

		if (verbose_value(p, cJSON_GetObjectItem(c, "verbose"), &v) != 0) {
			CHECK_MSG(0, "%s: cannot read the vector", type);
			pool_free(p);
			continue;
		}
		snprintf(list, sizeof(list), "(%s)", type);
		rc = abi_encode(list, &v, 1, out, BIG, &len);
		CHECK_MSG(rc == CD_OK, "%s: %s", type, cd_strerror(rc));
		if (rc == CD_OK) {
			hex[0] = '0';
			hex[1] = 'x';
			to_hex(hex + 2, 2 * BIG + 1, out, len);
			CHECK_MSG(strcmp(hex, want) == 0, "%s: encoding differs", type);
			ok += strcmp(hex, want) == 0;
		}
		pool_free(p);
	}
	CHECK_INT(ok, 1024);
	free(p);
	free(hex);
	free(out);
	cJSON_Delete(doc);
}

static void ethers_vectors_decode_for_display(void)
{
	cJSON *doc = ethers_cases();
	const cJSON *c;
	char *got = malloc(BIG), *want = malloc(BIG);
	int ok = 0;

	cJSON_ArrayForEach(c, doc) {
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(c, "type"));
		size_t len, pos = 0;
		uint8_t *data = unhex(cJSON_GetStringValue(cJSON_GetObjectItem(c, "encoded")), &len);
		char list[512];
		int rc;

		snprintf(list, sizeof(list), "(%s)", type);
		rc = abi_format_params(list, data, len, got, BIG);
		want[0] = '\0';
		expect_text(cJSON_GetObjectItem(c, "verbose"), want, BIG, &pos);
		CHECK_MSG(rc == CD_OK, "%s: %s (%s)", type, cd_strerror(rc), got);
		CHECK_MSG(strcmp(got, want) == 0, "%s:\n  got  %.300s\n  want %.300s", type, got, want);
		ok += rc == CD_OK && strcmp(got, want) == 0;
		free(data);
	}
	CHECK_INT(ok, 1024);
	free(got);
	free(want);
	cJSON_Delete(doc);
}

/*
 * Every vector cut short, and every head word of it overwritten with hostile
 * values: decoding must fail or succeed, never read outside the (exactly
 * sized) buffer, and never take long.
 */
static void ethers_vectors_truncated_and_corrupted_never_overread(void)
{
	static const uint64_t hostile[] = { 0x20, 0x1f, 0xffffffff, UINT64_MAX, 1u << 20 };
	cJSON *doc = ethers_cases();
	const cJSON *c;
	char out[512];
	size_t decoded_cut = 0, tried = 0;

	cJSON_ArrayForEach(c, doc) {
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(c, "type"));
		size_t len;
		uint8_t *data = unhex(cJSON_GetStringValue(cJSON_GetObjectItem(c, "encoded")), &len);
		size_t step = len > 640 ? 31 : 1;
		char list[512];

		snprintf(list, sizeof(list), "(%s)", type);

		for (size_t n = 0; n < len; n += step) {
			uint8_t *cut = dup_bytes(data, n);
			int rc = abi_format_params(list, cut, n, out, sizeof(out));

			CHECK_MSG(rc == CD_OK || rc == CD_ESPACE || rc == ABI_EDECODE, "%s: %s", list, cd_strerror(rc));
			decoded_cut += rc != ABI_EDECODE;
			tried++;
			free(cut);
		}
		for (size_t w = 0; w + 32 <= len && w < 32 * 16; w += 32) {
			for (size_t h = 0; h < TEST_COUNT(hostile); h++) {
				uint8_t *bad = dup_bytes(data, len);

				put_word(bad + w, hostile[h]);
				if (h == 3)
					memset(bad + w, 0xff, 32);
				(void)abi_format_params(list, bad, len, out, sizeof(out));
				free(bad);
			}
		}
		free(data);
	}
	/* Cut data decodes now and then (dropping unread padding), but mostly not. */
	CHECK(tried > 10000);
	CHECK(decoded_cut < tried / 2);
	cJSON_Delete(doc);
}

/* ---- hand-made malformed data ------------------------------------------------------------- */

struct bad_case {
	const char *name;
	const char *types;
	const char *hex;
};

static void malformed_shapes_are_rejected(void)
{
	static const struct bad_case cases[] = {
		{ "empty data for a uint", "uint256", "" },
		{ "truncated word", "uint256", "00000000000000000000000000000000000000000000000000000000000001" },
		{ "second word missing", "(uint256,uint256)", "0000000000000000000000000000000000000000000000000000000000000001" },
		{ "uint8 with high bits", "uint8", "0000000000000000000000000000000000000000000000000000000000000100" },
		{ "int8 not sign-extended", "int8", "0000000000000000000000000000000000000000000000000000000000000080" },
		{ "negative int8 with a clear byte", "int8", "ff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80" },
		{ "address with dirty padding", "address", "000000000000000000000001d8da6bf26964af9d7eed9e03e53415d37aa96045" },
		{ "bool of 2", "bool", "0000000000000000000000000000000000000000000000000000000000000002" },
		{ "bytes4 with dirty padding", "bytes4", "1234567800000000000000000000000000000000000000000000000000000001" },
		{ "string offset past the end", "string", "0000000000000000000000000000000000000000000000000000000000000040"
		                                          "0000000000000000000000000000000000000000000000000000000000000000" },
		{ "string offset with high bits", "string", "0100000000000000000000000000000000000000000000000000000000000020"
		                                            "0000000000000000000000000000000000000000000000000000000000000000" },
		{ "string length beyond data", "string", "0000000000000000000000000000000000000000000000000000000000000020"
		                                         "0000000000000000000000000000000000000000000000000000000000000021"
		                                         "6161616161616161616161616161616161616161616161616161616161616161" },
		{ "string length 2^64-1", "string", "0000000000000000000000000000000000000000000000000000000000000020"
		                                    "000000000000000000000000000000000000000000000000ffffffffffffffff" },
		{ "string length 2^255", "string", "0000000000000000000000000000000000000000000000000000000000000020"
		                                   "8000000000000000000000000000000000000000000000000000000000000000" },
		{ "array length beyond data", "uint256[]", "0000000000000000000000000000000000000000000000000000000000000020"
		                                           "0000000000000000000000000000000000000000000000000000000000000002"
		                                           "0000000000000000000000000000000000000000000000000000000000000001" },
		{ "array length that overflows when multiplied", "uint256[]",
		  "0000000000000000000000000000000000000000000000000000000000000020"
		  "0000000000000000000000000000000000000000000000000800000000000001" },
		{ "fixed array beyond data", "uint256[3]", "0000000000000000000000000000000000000000000000000000000000000001"
		                                           "0000000000000000000000000000000000000000000000000000000000000002" },
		{ "dynamic tuple offset past the end", "(uint256,string)", "00000000000000000000000000000000000000000000000000000000000000ff" },
	};
	char out[256];

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		size_t len;
		uint8_t *data = unhex(cases[i].hex, &len);
		int rc = abi_format_params(cases[i].types, data, len, out, sizeof(out));

		CHECK_MSG(rc == ABI_EDECODE, "%s: %s (%s)", cases[i].name, cd_strerror(rc), out);
		CHECK_MSG(strncmp(out, "<undecodable: ", 14) == 0, "%s: %s", cases[i].name, out);
		free(data);
	}
}

/* Offsets that all point at the same words make a uint256[][][][] look huge: the budget stops it. */
static void shared_offsets_do_not_blow_up(void)
{
	enum { WORDS = 1100 };
	uint8_t *data = calloc(WORDS, 32);
	char out[256];
	int rc;

	/* word 0: offset 0x20 to the array; word 1: length 1000; words 2..: each element's offset 0 */
	put_word(data, 0x20);
	put_word(data + 32, 1000);
	for (size_t i = 2; i < WORDS; i++)
		put_word(data + 32 * i, 0);
	rc = abi_format_params("uint256[][][][]", data, WORDS * 32, out, sizeof(out));
	CHECK(rc == ABI_EDECODE || rc == CD_ESPACE);
	free(data);
}

static void word_decoders_check_bounds_and_padding(void)
{
	size_t len;
	uint8_t *d = unhex("0000000000000000000000000000000000000000000000000000000000000040"
	                   "0000000000000000000000000000000000000000000000000000000000000001"
	                   "0000000000000000000000000000000000000000000000000000000000000003"
	                   "5553440000000000000000000000000000000000000000000000000000000000", &len);
	struct u256 u;
	struct address a;
	const uint8_t *p;
	size_t n;
	bool b;
	uint64_t v;

	CHECK_INT(abi_decode_uint(d, len, 1, 8, &u), CD_OK);
	CHECK_INT(u256_to_u64(u, &v), 0);
	CHECK_INT(v, 1);
	CHECK_INT(abi_decode_uint(d, len, 4, 256, &u), ABI_EDECODE);
	CHECK_INT(abi_decode_uint(d, len, 0, 7, &u), CD_EINVAL);
	CHECK_INT(abi_decode_uint(d, len, 3, 248, &u), ABI_EDECODE);
	CHECK_INT(abi_decode_bool(d, len, 1, &b), CD_OK);
	CHECK(b);
	CHECK_INT(abi_decode_bool(d, len, 0, &b), ABI_EDECODE);
	CHECK_INT(abi_decode_address(d, len, 1, &a), CD_OK);
	CHECK_INT(abi_decode_address(d, len, 3, &a), ABI_EDECODE);
	CHECK_INT(abi_decode_bytes(d, len, 0, &p, &n), CD_OK);
	CHECK_INT(n, 3);
	CHECK(p == d + 96 && memcmp(p, "USD", 3) == 0);
	CHECK_INT(abi_decode_bytes(d, len, 1, &p, &n), ABI_EDECODE);  /* offset 1: not room for a length */
	CHECK_INT(abi_decode_bytes(d, 98, 0, &p, &n), ABI_EDECODE);     /* the string needs all 3 bytes */
	CHECK_INT(abi_decode_bytes(d, 99, 0, &p, &n), CD_OK);          /* ...but not its padding */
	CHECK_INT(abi_decode_bytes(NULL, 0, 0, &p, &n), ABI_EDECODE);
	free(d);
}

/* ---- display of call input -------------------------------------------------------------- */

static void format_args_of_a_transfer(void)
{
	size_t len;
	uint8_t *d = unhex("a9059cbb000000000000000000000000d8da6bf26964af9d7eed9e03e53415d37aa96045"
	                   "00000000000000000000000000000000000000000000000000000000000f4240", &len);
	char out[256];

	CHECK_INT(abi_format_args("transfer(address to,uint256 amount)", d, len, out, sizeof(out)), CD_OK);
	CHECK_STR(out, "to=0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045, amount=1000000");
	CHECK_INT(abi_format_args("transfer(address,uint256)", d, len, out, sizeof(out)), CD_OK);
	CHECK_STR(out, "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045, 1000000");
	CHECK_INT(abi_format_args("approve(address,uint256)", d, len, out, sizeof(out)), ABI_ENOMATCH);
	CHECK_STR(out, "<undecodable: selector mismatch>");
	CHECK_INT(abi_format_args("transfer(address,uint256)", d, len - 1, out, sizeof(out)), ABI_EDECODE);
	CHECK_STR(out, "<undecodable: truncated data>");
	CHECK_INT(abi_format_args("transfer(address,uint256)", d, 3, out, sizeof(out)), ABI_ENOMATCH);
	CHECK_INT(abi_format_args("transfer(address,uint256", d, len, out, sizeof(out)), CD_EINVAL);
	CHECK_STR(out, "");
	/* Cut output ends in "..." and says so. */
	CHECK_INT(abi_format_args("transfer(address,uint256)", d, len, out, 20), CD_ESPACE);
	CHECK_STR(out, "0xd8dA6BF26964aF...");
	free(d);
}

static void format_signed_ints_and_nested_values(void)
{
	size_t len;
	/* (int8 -1, (bool true, bytes2 0xbeef)), string "a\x1b[31m" */
	uint8_t *d = unhex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	                   "0000000000000000000000000000000000000000000000000000000000000001"
	                   "beef000000000000000000000000000000000000000000000000000000000000"
	                   "0000000000000000000000000000000000000000000000000000000000000080"
	                   "0000000000000000000000000000000000000000000000000000000000000006"
	                   "611b5b33316d0000000000000000000000000000000000000000000000000000", &len);
	char out[256];

	CHECK_INT(abi_format_params("(int8,(bool,bytes2),string)", d, len, out, sizeof(out)), CD_OK);
	CHECK_STR(out, "-1, (true, 0xbeef), \"a?[31m\"");
	free(d);
}

/* ---- revert data ------------------------------------------------------------------------- */

static void revert_reasons(void)
{
	static const struct {
		const char *hex;
		int rc;
		const char *want;
	} cases[] = {
		{ "", CD_OK, "reverted without a reason" },
		{ "08c379a0"
		  "0000000000000000000000000000000000000000000000000000000000000020"
		  "000000000000000000000000000000000000000000000000000000000000001a"
		  "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000",
		  CD_OK, "Error(string): \"Not enough Ether provided.\"" },
		{ "08c379a0"
		  "0000000000000000000000000000000000000000000000000000000000000020"
		  "0000000000000000000000000000000000000000000000000000000000000004"
		  "1b5b324a00000000000000000000000000000000000000000000000000000000",
		  CD_OK, "Error(string): \"?[2J\"" },
		{ "08c379a0"
		  "0000000000000000000000000000000000000000000000000000000000000020"
		  "00000000000000000000000000000000000000000000000000000000000000ff",
		  ABI_EDECODE, "Error(string) with malformed data (68 bytes)" },
		{ "4e487b710000000000000000000000000000000000000000000000000000000000000011",
		  CD_OK, "Panic(0x11): arithmetic overflow or underflow" },
		{ "4e487b710000000000000000000000000000000000000000000000000000000000000012",
		  CD_OK, "Panic(0x12): division or modulo by zero" },
		{ "4e487b710000000000000000000000000000000000000000000000000000000000000001",
		  CD_OK, "Panic(0x01): assertion failed" },
		{ "4e487b710000000000000000000000000000000000000000000000000000000000000032",
		  CD_OK, "Panic(0x32): array index out of bounds" },
		{ "4e487b710000000000000000000000000000000000000000000000000000000000000099",
		  CD_OK, "Panic(0x99): unknown panic code" },
		{ "4e487b710100000000000000000000000000000000000000000000000000000000000000",
		  CD_OK, "Panic(0x100000000000000000000000000000000000000000000000000000000000000): unknown panic code" },
		{ "4e487b7100", ABI_EDECODE, "Panic(uint256) with malformed data (5 bytes)" },
		{ "deadbeef", CD_OK, "0xdeadbeef (custom error)" },
		{ "e450d38c"
		  "000000000000000000000000d8da6bf26964af9d7eed9e03e53415d37aa96045"
		  "0000000000000000000000000000000000000000000000000000000000000005"
		  "000000000000000000000000000000000000000000000000000000000000000a",
		  CD_OK, "ERC20InsufficientBalance(0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045, 5, 10) (custom error 0xe450d38c)" },
		{ "e450d38c00", CD_OK,
		  "0xe450d38c (custom error) ERC20InsufficientBalance(address,uint256,uint256) with undecodable arguments" },
		{ "08c3", CD_OK, "malformed revert data 0x08c3" },
	};
	char out[256];

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		size_t len;
		uint8_t *d = unhex(cases[i].hex, &len);
		int rc = abi_decode_revert(d, len, out, sizeof(out));

		CHECK_MSG(rc == cases[i].rc, "case %zu: %s", i, cd_strerror(rc));
		CHECK_STR(out, cases[i].want);
		free(d);
	}
}

static void panic_reasons_cover_every_solidity_code(void)
{
	static const uint64_t codes[] = { 0x00, 0x01, 0x11, 0x12, 0x21, 0x22, 0x31, 0x32, 0x41, 0x51 };

	for (size_t i = 0; i < TEST_COUNT(codes); i++)
		CHECK_MSG(abi_panic_reason(codes[i]) != NULL, "0x%02llx", (unsigned long long)codes[i]);
	CHECK(abi_panic_reason(0x02) == NULL);
}

static void revert_text_is_cut_safely(void)
{
	size_t len;
	uint8_t *d = unhex("08c379a0"
	                   "0000000000000000000000000000000000000000000000000000000000000020"
	                   "000000000000000000000000000000000000000000000000000000000000001a"
	                   "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000", &len);
	char out[24];

	CHECK_INT(abi_decode_revert(d, len, out, sizeof(out)), CD_ESPACE);
	CHECK(strlen(out) < sizeof(out));
	CHECK(strlen(out) >= 3 && strcmp(out + strlen(out) - 3, "...") == 0);
	free(d);
}

/* ---- token logs --------------------------------------------------------------------------- */

static void topic_of(uint8_t t[32], const char *sig)
{
	if (abi_event_topic(sig, t) != 0)
		abort();
}

static void topic_addr(uint8_t t[32], const char *a)
{
	struct address x = addr(a);

	memset(t, 0, 32);
	memcpy(t + 12, x.b, 20);
}

static const char *const A = "0x1111111111111111111111111111111111111111";
static const char *const B = "0x2222222222222222222222222222222222222222";
static const char *const C = "0x3333333333333333333333333333333333333333";
static const char *const TOKEN = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";

static void make_log(struct eth_log *l, const char *event, size_t ntopics, uint8_t *data, size_t dlen)
{
	memset(l, 0, sizeof(*l));
	memcpy(l->address, addr(TOKEN).b, 20);
	topic_of(l->topics[0], event);
	l->topic_count = ntopics;
	if (ntopics > 1)
		topic_addr(l->topics[1], A);
	if (ntopics > 2)
		topic_addr(l->topics[2], B);
	if (ntopics > 3)
		topic_addr(l->topics[3], C);
	l->data = data;
	l->data_len = dlen;
}

static bool same_addr(const struct address *a, const char *s)
{
	return memcmp(a->b, addr(s).b, 20) == 0;
}

static void erc20_transfer_and_approval_logs(void)
{
	uint8_t data[32];
	struct eth_log l;
	struct abi_token_event e;
	uint64_t v;

	put_word(data, 1234500);
	make_log(&l, "Transfer(address,address,uint256)", 3, data, 32);
	CHECK_INT(abi_decode_token_log(&l, &e), CD_OK);
	CHECK_INT(e.kind, ABI_TOKEN_ERC20_TRANSFER);
	CHECK(same_addr(&e.token, TOKEN) && same_addr(&e.from, A) && same_addr(&e.to, B));
	CHECK_INT(u256_to_u64(e.amount, &v), 0);
	CHECK_INT(v, 1234500);
	CHECK_STR(abi_token_kind_name(e.kind), "ERC-20 Transfer");

	make_log(&l, "Approval(address,address,uint256)", 3, data, 32);
	CHECK_INT(abi_decode_token_log(&l, &e), CD_OK);
	CHECK_INT(e.kind, ABI_TOKEN_ERC20_APPROVAL);
	CHECK(same_addr(&e.from, A) && same_addr(&e.to, B));
}

static void erc721_logs_carry_the_token_id_in_topic_3(void)
{
	struct eth_log l;
	struct abi_token_event e;
	uint64_t v;

	make_log(&l, "Transfer(address,address,uint256)", 4, NULL, 0);
	put_word(l.topics[3], 42);
	CHECK_INT(abi_decode_token_log(&l, &e), CD_OK);
	CHECK_INT(e.kind, ABI_TOKEN_ERC721_TRANSFER);
	CHECK(same_addr(&e.from, A) && same_addr(&e.to, B));
	CHECK_INT(u256_to_u64(e.token_id, &v), 0);
	CHECK_INT(v, 42);
	CHECK(u256_is_zero(e.amount));

	make_log(&l, "Approval(address,address,uint256)", 4, NULL, 0);
	CHECK_INT(abi_decode_token_log(&l, &e), CD_OK);
	CHECK_INT(e.kind, ABI_TOKEN_ERC721_APPROVAL);
}

static void erc1155_and_approval_for_all_and_weth_logs(void)
{
	uint8_t data[64];
	struct eth_log l;
	struct abi_token_event e;
	uint64_t id, val;

	put_word(data, 7);
	put_word(data + 32, 300);
	make_log(&l, "TransferSingle(address,address,address,uint256,uint256)", 4, data, 64);
	CHECK_INT(abi_decode_token_log(&l, &e), CD_OK);
	CHECK_INT(e.kind, ABI_TOKEN_ERC1155_TRANSFER_SINGLE);
	CHECK(same_addr(&e.operator, A) && same_addr(&e.from, B) && same_addr(&e.to, C));
	CHECK(u256_to_u64(e.token_id, &id) == 0 && id == 7);
	CHECK(u256_to_u64(e.amount, &val) == 0 && val == 300);

	put_word(data, 1);
	make_log(&l, "ApprovalForAll(address,address,bool)", 3, data, 32);
	CHECK_INT(abi_decode_token_log(&l, &e), CD_OK);
	CHECK_INT(e.kind, ABI_TOKEN_APPROVAL_FOR_ALL);
	CHECK(e.approved && same_addr(&e.from, A) && same_addr(&e.to, B));
	put_word(data, 2);
	CHECK_INT(abi_decode_token_log(&l, &e), ABI_EDECODE);

	put_word(data, 5);
	make_log(&l, "Deposit(address,uint256)", 2, data, 32);
	CHECK_INT(abi_decode_token_log(&l, &e), CD_OK);
	CHECK_INT(e.kind, ABI_TOKEN_WETH_DEPOSIT);
	CHECK(same_addr(&e.to, A));
	make_log(&l, "Withdrawal(address,uint256)", 2, data, 32);
	CHECK_INT(abi_decode_token_log(&l, &e), CD_OK);
	CHECK_INT(e.kind, ABI_TOKEN_WETH_WITHDRAWAL);
	CHECK(same_addr(&e.from, A));
}

static void odd_token_logs_are_not_decoded(void)
{
	uint8_t data[64] = { 0 };
	struct eth_log l;
	struct abi_token_event e;

	make_log(&l, "Transfer(address,address,uint256)", 2, data, 32);
	CHECK_INT(abi_decode_token_log(&l, &e), ABI_ENOMATCH);
	CHECK_INT(e.kind, ABI_TOKEN_NONE);
	make_log(&l, "Transfer(address,address,uint256)", 3, data, 31);
	CHECK_INT(abi_decode_token_log(&l, &e), ABI_ENOMATCH);
	make_log(&l, "Transfer(address,address,uint256)", 3, data, 64);
	CHECK_INT(abi_decode_token_log(&l, &e), ABI_ENOMATCH);
	make_log(&l, "Transfer(address,address,uint256)", 4, data, 32);
	CHECK_INT(abi_decode_token_log(&l, &e), ABI_ENOMATCH);
	make_log(&l, "Transfer(address,address,uint256)", 3, NULL, 32);
	CHECK_INT(abi_decode_token_log(&l, &e), ABI_ENOMATCH);
	make_log(&l, "Transfer(address,address,uint256)", 0, data, 32);
	CHECK_INT(abi_decode_token_log(&l, &e), ABI_ENOMATCH);
	make_log(&l, "Swap(address,uint256,uint256,uint256,uint256,address)", 3, data, 32);
	CHECK_INT(abi_decode_token_log(&l, &e), ABI_ENOMATCH);
	/* the right shape with an address topic that has dirty padding */
	make_log(&l, "Transfer(address,address,uint256)", 3, data, 32);
	l.topics[2][0] = 1;
	CHECK_INT(abi_decode_token_log(&l, &e), ABI_EDECODE);
	CHECK_INT(e.kind, ABI_TOKEN_NONE);
	CHECK_INT(abi_decode_token_log(NULL, &e), CD_EINVAL);
}

static const struct test_case cases[] = {
	{ "selectors of well-known signatures", selectors_of_well_known_signatures },
	{ "event topic of Transfer", event_topic_of_transfer },
	{ "canonical form drops names and widens uint", canonical_form_drops_names_and_widens_uint },
	{ "malformed signatures are rejected", malformed_signatures_are_rejected },
	{ "encode_call balanceOf", encode_call_balance_of },
	{ "encode rejects values that do not fit", encode_rejects_values_that_do_not_fit },
	{ "ethereum/tests basic_abi_tests encode", basic_abi_tests_encode },
	{ "ethers.js abi vectors encode", ethers_vectors_encode },
	{ "ethers.js abi vectors decode for display", ethers_vectors_decode_for_display },
	{ "truncated and corrupted vectors never over-read", ethers_vectors_truncated_and_corrupted_never_overread },
	{ "malformed shapes are rejected", malformed_shapes_are_rejected },
	{ "shared offsets do not blow up", shared_offsets_do_not_blow_up },
	{ "word decoders check bounds and padding", word_decoders_check_bounds_and_padding },
	{ "format_args of a transfer", format_args_of_a_transfer },
	{ "format signed ints and nested values", format_signed_ints_and_nested_values },
	{ "revert reasons", revert_reasons },
	{ "panic reasons cover every Solidity code", panic_reasons_cover_every_solidity_code },
	{ "revert text is cut safely", revert_text_is_cut_safely },
	{ "ERC-20 Transfer and Approval logs", erc20_transfer_and_approval_logs },
	{ "ERC-721 logs carry the token id in topic 3", erc721_logs_carry_the_token_id_in_topic_3 },
	{ "ERC-1155, ApprovalForAll and WETH logs", erc1155_and_approval_for_all_and_weth_logs },
	{ "odd token logs are not decoded", odd_token_logs_are_not_decoded },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
