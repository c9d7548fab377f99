/*
 * rlp: the ethereum-tests and ethers RLP vectors both ways, and every
 * non-canonical or truncated encoding refused.
 */
#include "common/hex.h"
#include "common/rlp.h"
#include "tests/lib/test.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes vector hex ("0x" optional) into a malloc'd buffer (never NULL). */
static uint8_t *unhex(const char *s, size_t *n)
{
	size_t len = s ? strlen(s) : 0;
	uint8_t *buf = malloc(len / 2 + 1);

	if (!buf)
		abort();
	*n = 0;
	CHECK_MSG(s && hex_decode(buf, len / 2 + 1, n, s, len) == CD_OK, "bad hex in vector");
	return buf;
}

static cJSON *load_json(const char *path, int gz)
{
	char *text = gz ? test_read_gz(path, NULL) : test_read_file(path, NULL);
	cJSON *root = cJSON_Parse(text);

	free(text);
	if (!root) {
		printf("cannot parse %s\n", path);
		exit(2);
	}
	return root;
}

/* "#digits" as minimal big-endian bytes of any width (the vectors include 2^256). */
static size_t bigint_be(const char *digits, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (const char *p = digits; *p; p++) {
		unsigned carry = (unsigned)(*p - '0');

		for (size_t i = 0; i < n; i++) {
			unsigned x = out[cap - 1 - i] * 10u + carry;

			out[cap - 1 - i] = (uint8_t)x;
			carry = x >> 8;
		}
		if (carry && n < cap)
			out[cap - 1 - n++] = (uint8_t)carry;
	}
	memmove(out, out + cap - n, n);
	return n;
}

/* Encodes bytes given as text: "0x..." is hex, anything else is taken literally. */
static void put_text(struct rlp_buf *b, const char *s)
{
	size_t n;
	uint8_t *bytes;

	if (strncmp(s, "0x", 2) != 0) {
		CHECK_INT(rlp_put_bytes(b, (const uint8_t *)s, strlen(s)), CD_OK);
		return;
	}
	bytes = unhex(s, &n);
	CHECK_INT(rlp_put_bytes(b, bytes, n), CD_OK);
	free(bytes);
}

/* Builds the encoding of a vector's "in" value (ethereum/tests conventions:
 * numbers are integers, "#digits" is a big integer, arrays are lists). */
static void encode_json(struct rlp_buf *b, const cJSON *v)
{
	const cJSON *e;

	if (cJSON_IsArray(v)) {
		CHECK_INT(rlp_list_begin(b), CD_OK);
		cJSON_ArrayForEach(e, v)
			encode_json(b, e);
		CHECK_INT(rlp_list_end(b), CD_OK);
	} else if (cJSON_IsNumber(v)) {
		CHECK(v->valueint >= 0);
		CHECK_INT(rlp_put_u64(b, (uint64_t)v->valueint), CD_OK);
	} else if (cJSON_IsString(v) && v->valuestring[0] == '#') {
		uint8_t be[64];
		size_t n = bigint_be(v->valuestring + 1, be, sizeof(be));
		struct u256 x;

		if (n <= 32) {
			CHECK_INT(u256_from_be(&x, be, n), CD_OK);
			CHECK_INT(rlp_put_u256(b, x), CD_OK);
		} else {
			CHECK_INT(rlp_put_bytes(b, be, n), CD_OK);
		}
	} else if (cJSON_IsString(v)) {
		put_text(b, v->valuestring);
	} else {
		CHECK_MSG(0, "unexpected JSON type in vector");
	}
}

/* Re-encodes a decoded tree: strict decoding means this reproduces the input. */
static void reencode(struct rlp_buf *b, struct rlp_item it)
{
	struct rlp_iter iter;
	struct rlp_item sub;

	if (!it.is_list) {
		CHECK_INT(rlp_put_bytes(b, it.data, it.len), CD_OK);
		return;
	}
	CHECK_INT(rlp_iter_init(&iter, it), CD_OK);
	CHECK_INT(rlp_list_begin(b), CD_OK);
	for (;;) {
		int rc = rlp_list_next(&iter, &sub);

		CHECK(rc >= 0);
		if (rc <= 0)
			break;
		reencode(b, sub);
	}
	CHECK_INT(rlp_list_end(b), CD_OK);
}

/* Checks a decoded item against a vector's value, as encode_json reads it. */
static void match_json(const cJSON *v, struct rlp_item it, const char *name)
{
	if (cJSON_IsArray(v)) {
		struct rlp_iter iter;
		struct rlp_item sub;
		const cJSON *e;
		size_t count = 0;

		CHECK_MSG(it.is_list, "%s: expected a list", name);
		if (!it.is_list)
			return;
		CHECK_INT(rlp_list_count(it, &count), CD_OK);
		CHECK_MSG(count == (size_t)cJSON_GetArraySize(v), "%s: list of %zu items", name, count);
		rlp_iter_init(&iter, it);
		cJSON_ArrayForEach(e, v) {
			if (rlp_list_next(&iter, &sub) != 1)
				return;
			match_json(e, sub, name);
		}
	} else if (cJSON_IsNumber(v)) {
		uint64_t n = 0;

		CHECK_INT(rlp_item_u64(it, &n), CD_OK);
		CHECK_MSG(n == (uint64_t)v->valueint, "%s: integer %llu", name, (unsigned long long)n);
	} else if (cJSON_IsString(v) && v->valuestring[0] == '#') {
		uint8_t be[64];
		size_t n = bigint_be(v->valuestring + 1, be, sizeof(be));
		struct u256 x, want;

		CHECK_MSG(!it.is_list && it.len == n && memcmp(it.data, be, n) == 0, "%s: big integer differs", name);
		if (n <= 32) {
			CHECK_INT(rlp_item_u256(it, &x), CD_OK);
			CHECK_INT(u256_from_be(&want, be, n), CD_OK);
			CHECK(u256_cmp(x, want) == 0);
		} else {
			CHECK_INT(rlp_item_u256(it, &x), RLP_EOVERFLOW);
		}
	} else if (cJSON_IsString(v)) {
		const char *s = v->valuestring;
		size_t n = strlen(s);
		uint8_t *bytes = NULL;

		if (strncmp(s, "0x", 2) == 0)
			bytes = unhex(s, &n);
		CHECK_MSG(!it.is_list, "%s: expected a string", name);
		CHECK_MSG(it.len == n && memcmp(it.data, bytes ? bytes : (const uint8_t *)s, n) == 0,
			  "%s: bytes differ", name);
		free(bytes);
	}
}

static void check_bytes(const struct rlp_buf *b, const uint8_t *want, size_t n, const char *name)
{
	CHECK_INT(rlp_buf_finish(b), CD_OK);
	CHECK_MSG(b->len == n && memcmp(b->data, want, n) == 0, "%s: encoding differs (%zu bytes, expected %zu)",
		  name, b->len, n);
}

/* Decodes want strictly, compares with in, and re-encodes it. */
static void check_decode(const cJSON *in, const uint8_t *want, size_t n, const char *name)
{
	struct rlp_item top;
	struct rlp_buf b;
	int rc = rlp_decode(&top, want, n);

	CHECK_MSG(rc == CD_OK, "%s: decode failed: %s", name, cd_strerror(rc));
	if (rc)
		return;
	if (in)
		match_json(in, top, name);
	rlp_buf_init(&b);
	reencode(&b, top);
	check_bytes(&b, want, n, name);
	rlp_buf_free(&b);
}

static void ethereum_valid_vectors_encode_and_decode(void)
{
	cJSON *root = load_json("tests/vectors/ethereum-tests/RLPTests/rlptest.json", 0);
	const cJSON *t;
	int count = 0;

	cJSON_ArrayForEach(t, root) {
		const cJSON *in = cJSON_GetObjectItemCaseSensitive(t, "in");
		size_t n;
		uint8_t *want = unhex(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "out")), &n);
		struct rlp_buf b;

		rlp_buf_init(&b);
		if (strcmp(t->string, "bytestring00") == 0) {
			/* cJSON strings end at NUL, so "\u0000" reads as "": encode the byte itself. */
			static const uint8_t zero = 0;

			CHECK_INT(rlp_put_bytes(&b, &zero, 1), CD_OK);
			in = NULL;
		} else {
			encode_json(&b, in);
		}
		check_bytes(&b, want, n, t->string);
		check_decode(in, want, n, t->string);
		rlp_buf_free(&b);
		free(want);
		count++;
	}
	CHECK_INT(count, 28);
	cJSON_Delete(root);
}

static void ethereum_invalid_vectors_are_all_rejected(void)
{
	cJSON *root = load_json("tests/vectors/ethereum-tests/RLPTests/invalidRLPTest.json", 0);
	const cJSON *t;
	int count = 0;

	cJSON_ArrayForEach(t, root) {
		size_t n;
		uint8_t *bytes = unhex(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "out")), &n);
		struct rlp_item top;
		int rc = rlp_decode(&top, bytes, n);

		CHECK_MSG(rc < 0, "%s: accepted", t->string);
		free(bytes);
		count++;
	}
	CHECK_INT(count, 26);
	cJSON_Delete(root);
}

static void ethereum_random_vector_decodes(void)
{
	cJSON *root = load_json("tests/vectors/ethereum-tests/RLPTests/RandomRLPTests/example.json", 0);
	const cJSON *t;

	cJSON_ArrayForEach(t, root) {
		size_t n;
		uint8_t *bytes = unhex(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "out")), &n);

		CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "in")), "VALID");
		check_decode(NULL, bytes, n, t->string);
		free(bytes);
	}
	cJSON_Delete(root);
}

static void ethers_vectors_encode_and_decode(void)
{
	cJSON *root = load_json("tests/vectors/ethers.js/testcases/rlp.json.gz", 1);
	const cJSON *t;
	int count = 0;

	cJSON_ArrayForEach(t, root) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "name"));
		const cJSON *in = cJSON_GetObjectItemCaseSensitive(t, "decoded");
		size_t n;
		uint8_t *want = unhex(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "encoded")), &n);
		struct rlp_buf b;

		rlp_buf_init(&b);
		encode_json(&b, in);
		check_bytes(&b, want, n, name ? name : "?");
		check_decode(in, want, n, name ? name : "?");
		rlp_buf_free(&b);
		free(want);
		count++;
	}
	CHECK_INT(count, 61);
	cJSON_Delete(root);
}

struct bad_case {
	const char *hex;
	int err;
};

static void check_rejects(const struct bad_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len;
		uint8_t *bytes = unhex(c[i].hex, &len);
		struct rlp_item top = {7, NULL, 7};

		CHECK_MSG(rlp_decode(&top, bytes, len) == c[i].err, "%s: got %d, expected %d", c[i].hex,
			  rlp_decode(&top, bytes, len), c[i].err);
		CHECK(top.is_list == 7 && top.len == 7);
		free(bytes);
	}
}

static void single_byte_must_encode_as_itself(void)
{
	static const struct bad_case bad[] = {
		{"0x8100", RLP_ENONCANON}, {"0x817f", RLP_ENONCANON}, {"0xc28100", RLP_ENONCANON},
	};
	struct rlp_item it;

	check_rejects(bad, TEST_COUNT(bad));
	CHECK_INT(rlp_decode(&it, (const uint8_t *)"\x81\x80", 2), CD_OK);
	CHECK(!it.is_list && it.len == 1 && it.data[0] == 0x80);
	CHECK_INT(rlp_decode(&it, (const uint8_t *)"\x7f", 1), CD_OK);
	CHECK(!it.is_list && it.len == 1 && it.data[0] == 0x7f);
}

static void lengths_must_be_minimal(void)
{
	static const struct bad_case bad[] = {
		{"0xb800", RLP_ENONCANON},      /* leading zero in the length */
		{"0xb90038" "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
		 RLP_ENONCANON},                 /* 56 in two bytes */
		{"0xb837" "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
		 RLP_ENONCANON},                 /* 55 in the long form */
		{"0xf800", RLP_ENONCANON},
		{"0xf801c0", RLP_ENONCANON},
	};

	check_rejects(bad, TEST_COUNT(bad));
}

static void lengths_must_fit_the_input(void)
{
	static const struct bad_case bad[] = {
		{"0x", RLP_ETRUNC},
		{"0x836162", RLP_ETRUNC},
		{"0xb8", RLP_ETRUNC},
		{"0xb9ffff00", RLP_ETRUNC},
		{"0xbfffffffffffffffff00", RLP_ETRUNC}, /* a 2^64-1 length must not wrap */
		{"0xffffffffffffffffff00", RLP_ETRUNC},
		{"0xc3836162", RLP_ETRUNC},             /* item runs past its list */
		{"0xc28301", RLP_ETRUNC},               /* list payload ends inside an item */
		{"0xc3c30102", RLP_ETRUNC},             /* inner list longer than the outer one */
	};

	check_rejects(bad, TEST_COUNT(bad));
}

static void trailing_bytes_are_rejected(void)
{
	static const struct bad_case bad[] = {
		{"0x8000", RLP_ETRAILING}, {"0xc0c0", RLP_ETRAILING}, {"0x0101", RLP_ETRAILING},
		{"0xc10101", RLP_ETRAILING},
	};

	check_rejects(bad, TEST_COUNT(bad));
}

static void encoder_nesting_is_bounded_and_balanced(void)
{
	struct rlp_buf b;
	struct rlp_item it;

	rlp_buf_init(&b);
	for (int i = 0; i < RLP_MAX_DEPTH; i++)
		CHECK_INT(rlp_list_begin(&b), CD_OK);
	CHECK_INT(rlp_list_begin(&b), RLP_EDEPTH);
	CHECK_INT(rlp_buf_finish(&b), RLP_EOPEN);
	for (int i = 0; i < RLP_MAX_DEPTH; i++)
		CHECK_INT(rlp_list_end(&b), CD_OK);
	CHECK_INT(rlp_list_end(&b), CD_EINVAL);
	CHECK_INT(rlp_buf_finish(&b), CD_OK);
	/* The deepest tree the limit allows decodes. */
	CHECK_INT(rlp_decode(&it, b.data, b.len), CD_OK);
	rlp_buf_free(&b);
}

static void nesting_deeper_than_the_limit_is_rejected(void)
{
	struct rlp_buf b;
	struct rlp_item it;

	rlp_buf_init(&b);
	for (int i = 0; i < RLP_MAX_DEPTH; i++)
		rlp_list_begin(&b);
	for (int i = 0; i < RLP_MAX_DEPTH; i++)
		rlp_list_end(&b);
	CHECK_INT(rlp_decode(&it, b.data, b.len), CD_OK);
	/* Wrap the whole thing in one more list, past the encoder's own limit. */
	{
		struct rlp_buf outer;

		rlp_buf_init(&outer);
		rlp_list_begin(&outer);
		rlp_put_raw(&outer, b.data, b.len);
		rlp_list_end(&outer);
		CHECK_INT(rlp_decode(&it, outer.data, outer.len), RLP_EDEPTH);
		rlp_buf_free(&outer);
	}
	rlp_buf_free(&b);
}

static void integers_encode_minimally(void)
{
	static const struct {
		uint64_t v;
		const char *hex;
	} v[] = {
		{0, "0x80"}, {1, "0x01"}, {0x7f, "0x7f"}, {0x80, "0x8180"}, {0xff, "0x81ff"}, {0x100, "0x820100"},
		{1000, "0x8203e8"}, {UINT64_MAX, "0x88ffffffffffffffff"},
	};

	for (size_t i = 0; i < TEST_COUNT(v); i++) {
		struct rlp_buf b;
		size_t n;
		uint8_t *want = unhex(v[i].hex, &n);
		struct rlp_item it;
		uint64_t back = 42;

		rlp_buf_init(&b);
		CHECK_INT(rlp_put_u64(&b, v[i].v), CD_OK);
		check_bytes(&b, want, n, v[i].hex);
		CHECK_INT(rlp_decode(&it, b.data, b.len), CD_OK);
		CHECK_INT(rlp_item_u64(it, &back), CD_OK);
		CHECK(back == v[i].v);
		rlp_buf_free(&b);
		rlp_buf_init(&b);
		CHECK_INT(rlp_put_u256(&b, u256_from_u64(v[i].v)), CD_OK);
		check_bytes(&b, want, n, v[i].hex);
		rlp_buf_free(&b);
		free(want);
	}
}

static void u256_extremes_encode_in_33_bytes_at_most(void)
{
	struct u256 max = {{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}}, back;
	struct rlp_buf b;
	struct rlp_item it;

	rlp_buf_init(&b);
	CHECK_INT(rlp_put_u256(&b, max), CD_OK);
	CHECK_INT(b.len, 33);
	CHECK(b.data[0] == 0xa0 && b.data[1] == 0xff && b.data[32] == 0xff);
	CHECK_INT(rlp_decode(&it, b.data, b.len), CD_OK);
	CHECK_INT(rlp_item_u256(it, &back), CD_OK);
	CHECK(u256_cmp(back, max) == 0);
	rlp_buf_free(&b);
}

static void integer_items_reject_leading_zeros_lists_and_width(void)
{
	static const struct {
		const char *hex;
		int u64_err, u256_err;
	} v[] = {
		{"0x00", RLP_ENONCANON, RLP_ENONCANON},
		{"0x820001", RLP_ENONCANON, RLP_ENONCANON},
		{"0xc0", RLP_ETYPE, RLP_ETYPE},
		{"0x89010000000000000000", RLP_EOVERFLOW, CD_OK},
		{"0xa1010000000000000000000000000000000000000000000000000000000000000000", RLP_EOVERFLOW, RLP_EOVERFLOW},
	};

	for (size_t i = 0; i < TEST_COUNT(v); i++) {
		size_t n;
		uint8_t *bytes = unhex(v[i].hex, &n);
		struct rlp_item it;
		uint64_t x = 42;
		struct u256 y;

		CHECK_INT(rlp_decode(&it, bytes, n), CD_OK);
		CHECK_MSG(rlp_item_u64(it, &x) == v[i].u64_err, "%s as u64", v[i].hex);
		CHECK_MSG(rlp_item_u256(it, &y) == v[i].u256_err, "%s as u256", v[i].hex);
		CHECK(x == 42);
		free(bytes);
	}
}

static void list_header_grows_past_55_bytes(void)
{
	static const uint8_t blob[60] = {0};
	struct rlp_buf b;
	struct rlp_item it, sub;
	struct rlp_iter iter;

	rlp_buf_init(&b);
	CHECK_INT(rlp_list_begin(&b), CD_OK);
	CHECK_INT(rlp_put_bytes(&b, blob, 54), CD_OK); /* 55-byte payload: short header */
	CHECK_INT(rlp_list_end(&b), CD_OK);
	CHECK(b.len == 56 && b.data[0] == 0xf7 && b.data[1] == 0xb6);
	rlp_buf_free(&b);

	rlp_buf_init(&b);
	CHECK_INT(rlp_list_begin(&b), CD_OK);
	CHECK_INT(rlp_put_bytes(&b, blob, 55), CD_OK); /* 56-byte payload: long header */
	CHECK_INT(rlp_list_end(&b), CD_OK);
	CHECK(b.len == 58 && b.data[0] == 0xf8 && b.data[1] == 56 && b.data[2] == 0xb7);
	CHECK_INT(rlp_decode(&it, b.data, b.len), CD_OK);
	CHECK_INT(rlp_iter_init(&iter, it), CD_OK);
	CHECK_INT(rlp_list_next(&iter, &sub), 1);
	CHECK(!sub.is_list && sub.len == 55);
	CHECK_INT(rlp_list_next(&iter, &sub), 0);
	CHECK_INT(rlp_iter_init(&iter, sub), RLP_ETYPE);
	rlp_buf_free(&b);
}

static void bad_arguments_are_reported(void)
{
	struct rlp_buf b;

	rlp_buf_init(&b);
	CHECK_INT(rlp_put_bytes(&b, NULL, 3), CD_EINVAL);
	CHECK_INT(rlp_put_raw(&b, NULL, 3), CD_EINVAL);
	CHECK_INT(rlp_put_bytes(&b, NULL, 0), CD_OK);
	CHECK(b.len == 1 && b.data[0] == 0x80);
	rlp_buf_free(&b);
	CHECK(b.data == NULL && b.len == 0);
	CHECK_STR(cd_strerror(RLP_ENONCANON), "non-canonical RLP encoding");
}

/* A signed legacy transaction is a list of nine fields: the decoder's real job. */
static void legacy_transaction_fields_decode(void)
{
	cJSON *root = load_json("tests/vectors/ethereum-tests/TransactionTests/ttData/dataTx_bcValidBlockTest.json", 0);
	const cJSON *t = root->child;
	size_t n, count = 0;
	uint8_t *tx = unhex(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "txbytes")), &n);
	struct rlp_item top, f[9];
	struct rlp_iter iter;
	uint64_t nonce = 1, gas = 0, v = 0;
	struct u256 price, value, r;

	CHECK_INT(rlp_decode(&top, tx, n), CD_OK);
	CHECK_INT(rlp_list_count(top, &count), CD_OK);
	CHECK_INT(count, 9);
	CHECK_INT(rlp_iter_init(&iter, top), CD_OK);
	for (int i = 0; i < 9; i++)
		CHECK_INT(rlp_list_next(&iter, &f[i]), 1);
	CHECK_INT(rlp_item_u64(f[0], &nonce), CD_OK);
	CHECK(nonce == 0);
	CHECK_INT(rlp_item_u256(f[1], &price), CD_OK);
	CHECK(u256_cmp(price, u256_from_u64(0x32)) == 0);
	CHECK_INT(rlp_item_u64(f[2], &gas), CD_OK);
	CHECK(gas == 0x013880);
	CHECK(!f[3].is_list && f[3].len == 0); /* empty "to": contract creation */
	CHECK_INT(rlp_item_u256(f[4], &value), CD_OK);
	CHECK(u256_is_zero(value));
	CHECK(!f[5].is_list && f[5].len == 0x1ae);
	CHECK_INT(rlp_item_u64(f[6], &v), CD_OK);
	CHECK(v == 27 || v == 28);
	CHECK_INT(rlp_item_u256(f[7], &r), CD_OK);
	CHECK(!u256_is_zero(r));
	free(tx);
	cJSON_Delete(root);
}

static void leading_zero_nonce_is_rejected(void)
{
	cJSON *root = load_json("tests/vectors/ethereum-tests/TransactionTests/ttNonce/TransactionWithLeadingZerosNonce.json", 0);
	const cJSON *t = root->child;
	size_t n;
	uint8_t *tx = unhex(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "txbytes")), &n);
	struct rlp_item top, nonce;
	struct rlp_iter iter;
	uint64_t v;

	/* The envelope is well-formed RLP; the nonce integer is what is non-canonical. */
	CHECK_INT(rlp_decode(&top, tx, n), CD_OK);
	CHECK_INT(rlp_iter_init(&iter, top), CD_OK);
	CHECK_INT(rlp_list_next(&iter, &nonce), 1);
	CHECK_INT(rlp_item_u64(nonce, &v), RLP_ENONCANON);
	free(tx);
	cJSON_Delete(root);
}

/*
 * Whatever bytes arrive, decoding returns a status; and anything it accepts
 * is canonical, so re-encoding the decoded tree gives back the same bytes.
 */
static void arbitrary_bytes_decode_safely_and_canonically(void)
{
	uint64_t seed = 0x2545f4914f6cdd1dULL;
	uint8_t buf[48];
	int accepted = 0;

	for (int round = 0; round < 200000; round++) {
		size_t n;
		uint8_t *exact;
		struct rlp_item top;
		struct rlp_buf b;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		n = (size_t)(seed >> 58) % sizeof(buf);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			/* Mostly small lengths and list headers, so some inputs are valid. */
			buf[i] = (uint8_t)(seed >> 56);
			if ((seed >> 40) % 3 == 0)
				buf[i] = (uint8_t)(0xc0 + (seed >> 50) % 8);
			else if ((seed >> 40) % 3 == 1)
				buf[i] = (uint8_t)(0x80 + (seed >> 50) % 8);
		}
		/* An exact-size heap copy, so a sanitizer build sees any over-read. */
		exact = malloc(n ? n : 1);
		if (!exact)
			abort();
		memcpy(exact, buf, n);
		if (rlp_decode(&top, exact, n) == CD_OK) {
			accepted++;
			rlp_buf_init(&b);
			reencode(&b, top);
			CHECK_MSG(b.len == n && memcmp(b.data, buf, n) == 0, "round %d: accepted bytes do not re-encode", round);
			rlp_buf_free(&b);
		}
		free(exact);
		if (test_failures())
			return;
	}
	CHECK_MSG(accepted > 1000, "only %d inputs accepted", accepted);
}

static const struct test_case cases[] = {
	{"ethereum_valid_vectors_encode_and_decode", ethereum_valid_vectors_encode_and_decode},
	{"ethereum_invalid_vectors_are_all_rejected", ethereum_invalid_vectors_are_all_rejected},
	{"ethereum_random_vector_decodes", ethereum_random_vector_decodes},
	{"ethers_vectors_encode_and_decode", ethers_vectors_encode_and_decode},
	{"single_byte_must_encode_as_itself", single_byte_must_encode_as_itself},
	{"lengths_must_be_minimal", lengths_must_be_minimal},
	{"lengths_must_fit_the_input", lengths_must_fit_the_input},
	{"trailing_bytes_are_rejected", trailing_bytes_are_rejected},
	{"encoder_nesting_is_bounded_and_balanced", encoder_nesting_is_bounded_and_balanced},
	{"nesting_deeper_than_the_limit_is_rejected", nesting_deeper_than_the_limit_is_rejected},
	{"integers_encode_minimally", integers_encode_minimally},
	{"u256_extremes_encode_in_33_bytes_at_most", u256_extremes_encode_in_33_bytes_at_most},
	{"integer_items_reject_leading_zeros_lists_and_width", integer_items_reject_leading_zeros_lists_and_width},
	{"list_header_grows_past_55_bytes", list_header_grows_past_55_bytes},
	{"bad_arguments_are_reported", bad_arguments_are_reported},
	{"arbitrary_bytes_decode_safely_and_canonically", arbitrary_bytes_decode_safely_and_canonically},
	{"legacy_transaction_fields_decode", legacy_transaction_fields_decode},
	{"leading_zero_nonce_is_rejected", leading_zero_nonce_is_rejected},
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
