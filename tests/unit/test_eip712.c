/*
 * eip712: typed-data hashing on public vectors, the decoded view, and the
 * refusal of malformed or ambiguous documents.
 *
 * Vectors: tests/vectors/ethereum-EIPs/assets/eip-712/mail.txt (the
 * specification's Mail example: request, every intermediate value, the
 * signature with the key Keccak-256("cow")) and
 * tests/vectors/ethers.js/testcases/typed-data.json.gz (130 random documents
 * with ethers' encodeData and digest).
 */
#include "common/address.h"
#include "common/hex.h"
#include "common/keccak.h"
#include "wallet/eip712.h"
#include "wallet/sign.h"
#include "tests/lib/test.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hex_is(const uint8_t *p, size_t n, const char *want)
{
	char *text = malloc(2 * n + 3);
	int ok;

	hex_encode(text, 2 * n + 3, p, n, 1);
	ok = strcasecmp(text, want) == 0;
	if (!ok)
		fprintf(stderr, "    got  %s\n    want %s\n", text, want);
	free(text);
	return ok;
}

/* The value of "key value" in the Mail vector file (malloc'd). */
static char *mail_value(const char *key)
{
	char *text = test_read_file("tests/vectors/ethereum-EIPs/assets/eip-712/mail.txt", NULL);
	char *line = text, *out = NULL;
	size_t k = strlen(key);

	while (line && *line && !out) {
		char *end = strchr(line, '\n');

		if (end)
			*end = '\0';
		if (strncmp(line, key, k) == 0 && line[k] == ' ')
			out = strdup(line + k + 1);
		line = end ? end + 1 : NULL;
	}
	free(text);
	if (!out) {
		fprintf(stderr, "mail.txt: no %s\n", key);
		abort();
	}
	return out;
}

static const char *row(const struct eip712_field *v, size_t n, const char *path, const char **type)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].path, path) == 0) {
			if (type)
				*type = v[i].type;
			return v[i].value;
		}
	return NULL;
}

static void spec_mail_example(void)
{
	char *req = mail_value("request");
	const char *keys[] = {"typeHash", "encodeData", "structHash", "domainSeparator", "signHash"};
	char *want[5];
	struct eip712 e;
	char err[EIP712_ERR_MAX];
	int rc;

	for (size_t i = 0; i < 5; i++)
		want[i] = mail_value(keys[i]);
	rc = eip712_parse(req, strlen(req), &e, err, sizeof(err));
	CHECK_MSG(rc == CD_OK, "parse: %s", err);
	if (rc == CD_OK) {
		char *et = mail_value("encodeType");

		CHECK_STR(e.encode_type, et);
		CHECK_STR(e.primary_type, "Mail");
		CHECK(hex_is(e.type_hash, 32, want[0]));
		CHECK(hex_is(e.encoded, e.encoded_len, want[1]));
		CHECK(hex_is(e.struct_hash, 32, want[2]));
		CHECK(hex_is(e.domain_separator, 32, want[3]));
		CHECK(hex_is(e.digest, 32, want[4]));
		free(et);
	}
	for (size_t i = 0; i < 5; i++)
		free(want[i]);
	eip712_free(&e);
	free(req);
}

static void spec_mail_signature(void)
{
	char *req = mail_value("request"), *want = mail_value("signature"), *addr = mail_value("address");
	uint8_t key[32], sig[65];
	char text[SIGN_HEX_SIZE], atext[ADDRESS_TEXT_SIZE];
	struct address who;
	struct eip712 e;
	char err[EIP712_ERR_MAX];

	keccak256(key, (const uint8_t *)"cow", 3);
	CHECK(eip712_parse(req, strlen(req), &e, err, sizeof(err)) == CD_OK);
	CHECK(eip712_sign(&e, key, sig) == CD_OK);
	sign_sig_format(sig, text);
	CHECK_STR(text, want);
	CHECK(eip712_recover(&e, sig, &who) == CD_OK);
	address_format(&who, atext);
	CHECK(strcasecmp(atext, addr) == 0);
	eip712_free(&e);
	free(req);
	free(want);
	free(addr);
}

static void spec_mail_view(void)
{
	char *req = mail_value("request");
	struct eip712 e;
	char err[EIP712_ERR_MAX];
	const char *type = NULL;
	uint64_t id = 0;

	CHECK(eip712_parse(req, strlen(req), &e, err, sizeof(err)) == CD_OK);
	CHECK_INT(e.ndomain, 4);
	CHECK_INT(e.nfields, 5);
	CHECK_STR(row(e.domain, e.ndomain, "name", NULL), "\"Ether Mail\"");
	CHECK_STR(row(e.domain, e.ndomain, "version", NULL), "\"1\"");
	CHECK_STR(row(e.domain, e.ndomain, "chainId", &type), "1");
	CHECK_STR(type, "uint256");
	CHECK_STR(row(e.domain, e.ndomain, "verifyingContract", NULL), "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC");
	CHECK_STR(row(e.fields, e.nfields, "from.name", NULL), "\"Cow\"");
	CHECK_STR(row(e.fields, e.nfields, "from.wallet", &type), "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826");
	CHECK_STR(type, "address");
	CHECK_STR(row(e.fields, e.nfields, "to.name", NULL), "\"Bob\"");
	CHECK_STR(row(e.fields, e.nfields, "contents", NULL), "\"Hello, Bob!\"");
	CHECK_STR(e.fields[0].path, "from.name");
	CHECK_STR(e.fields[4].path, "contents");
	CHECK(e.has_chain_id && u256_to_u64(e.chain_id, &id) == CD_OK && id == 1);
	CHECK(e.has_verifying_contract && e.verifying_contract.b[0] == 0xcc);
	eip712_free(&e);
	free(req);
}

/* Every ethers case, as a request without EIP712Domain (derived from the domain, as ethers does). */
static void ethers_typed_data_cases(void)
{
	char *text = test_read_gz("tests/vectors/ethers.js/testcases/typed-data.json.gz", NULL);
	cJSON *all = cJSON_Parse(text), *c;
	int n = 0, ok = 0;

	CHECK(cJSON_GetArraySize(all) == 130);
	cJSON_ArrayForEach(c, all) {
		const char *name = cJSON_GetObjectItem(c, "name")->valuestring;
		cJSON *doc = cJSON_CreateObject();
		char *json;
		struct eip712 e;
		char err[EIP712_ERR_MAX];
		int rc;

		cJSON_AddItemToObject(doc, "types", cJSON_Duplicate(cJSON_GetObjectItem(c, "types"), 1));
		cJSON_AddItemToObject(doc, "primaryType", cJSON_Duplicate(cJSON_GetObjectItem(c, "primaryType"), 1));
		cJSON_AddItemToObject(doc, "domain", cJSON_Duplicate(cJSON_GetObjectItem(c, "domain"), 1));
		cJSON_AddItemToObject(doc, "message", cJSON_Duplicate(cJSON_GetObjectItem(c, "data"), 1));
		json = cJSON_PrintUnformatted(doc);
		n++;
		rc = eip712_parse(json, strlen(json), &e, err, sizeof(err));
		CHECK_MSG(rc == CD_OK, "%s: %s", name, err);
		if (rc == CD_OK) {
			int good = hex_is(e.encoded, e.encoded_len, cJSON_GetObjectItem(c, "encoded")->valuestring) &&
				hex_is(e.digest, 32, cJSON_GetObjectItem(c, "digest")->valuestring);

			CHECK_MSG(good, "%s: encoding or digest differs", name);
			ok += good;
		}
		eip712_free(&e);
		free(json);
		/* The same request with EIP712Domain declared, as MetaMask sends it: the same digest. */
		{
			static const char *const std[][2] = {{"name", "string"}, {"version", "string"},
				{"chainId", "uint256"}, {"verifyingContract", "address"}, {"salt", "bytes32"}};
			cJSON *decl = cJSON_CreateArray();

			for (size_t k = 0; k < 5; k++)
				if (cJSON_GetObjectItem(cJSON_GetObjectItem(c, "domain"), std[k][0])) {
					cJSON *m = cJSON_CreateObject();

					cJSON_AddStringToObject(m, "name", std[k][0]);
					cJSON_AddStringToObject(m, "type", std[k][1]);
					cJSON_AddItemToArray(decl, m);
				}
			cJSON_AddItemToObject(cJSON_GetObjectItem(doc, "types"), "EIP712Domain", decl);
			json = cJSON_PrintUnformatted(doc);
			rc = eip712_parse(json, strlen(json), &e, err, sizeof(err));
			CHECK_MSG(rc == CD_OK && hex_is(e.digest, 32, cJSON_GetObjectItem(c, "digest")->valuestring),
				"%s with EIP712Domain declared: %s", name, rc == CD_OK ? "digest differs" : err);
			eip712_free(&e);
			free(json);
		}
		cJSON_Delete(doc);
	}
	CHECK_INT(ok, 130);
	fprintf(stderr, "    %d of %d ethers typed-data cases match\n", ok, n);
	cJSON_Delete(all);
	free(text);
}

/* The same digest with EIP712Domain declared (canonical order) as without it. */
static void declared_domain_equals_derived(void)
{
	char *req = mail_value("request");
	cJSON *doc = cJSON_Parse(req);
	char *json;
	struct eip712 a, b;
	char err[EIP712_ERR_MAX];

	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(doc, "types"), "EIP712Domain");
	json = cJSON_PrintUnformatted(doc);
	CHECK(eip712_parse(req, strlen(req), &a, err, sizeof(err)) == CD_OK);
	CHECK_MSG(eip712_parse(json, strlen(json), &b, err, sizeof(err)) == CD_OK, "%s", err);
	CHECK(memcmp(a.digest, b.digest, 32) == 0);
	eip712_free(&a);
	eip712_free(&b);
	free(json);
	cJSON_Delete(doc);
	free(req);
}

/* A one-field document: types T{<type> v}, message {"v": <value>}. */
static int one(const char *type, const char *value, struct eip712 *e, char *err)
{
	char json[4096];

	snprintf(json, sizeof(json),
		"{\"types\":{\"T\":[{\"name\":\"v\",\"type\":\"%s\"}]},\"primaryType\":\"T\","
		"\"domain\":{\"chainId\":1},\"message\":{\"v\":%s}}", type, value);
	return eip712_parse(json, strlen(json), e, err, EIP712_ERR_MAX);
}

/* Different spellings of one number give one digest; the view shows it in decimal. */
static void number_spellings(void)
{
	static const struct {
		const char *type, *a, *b, *shown;
	} t[] = {
		{"uint256", "1", "\"1\"", "1"},
		{"uint256", "\"0x01\"", "\"1\"", "1"},
		{"uint8", "255", "\"0xff\"", "255"},
		{"int8", "-128", "\"-128\"", "-128"},
		{"int8", "\"-0x80\"", "-128", "-128"},
		{"int256", "-1", "\"-1\"", "-1"},
		{"int64", "9007199254740991", "\"9007199254740991\"", "9007199254740991"},
		{"uint256", "\"115792089237316195423570985008687907853269984665640564039457584007913129639935\"",
			"\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"",
			"115792089237316195423570985008687907853269984665640564039457584007913129639935"},
		{"int256", "\"-57896044618658097711785492504343953926634992332820282019728792003956564819968\"",
			"\"-0x8000000000000000000000000000000000000000000000000000000000000000\"",
			"-57896044618658097711785492504343953926634992332820282019728792003956564819968"},
		{"int16", "\"-0\"", "0", "0"},
	};

	for (size_t i = 0; i < TEST_COUNT(t); i++) {
		struct eip712 a, b;
		char err[EIP712_ERR_MAX];
		int ra = one(t[i].type, t[i].a, &a, err);

		CHECK_MSG(ra == CD_OK, "%s %s: %s", t[i].type, t[i].a, err);
		CHECK_MSG(one(t[i].type, t[i].b, &b, err) == CD_OK, "%s %s: %s", t[i].type, t[i].b, err);
		CHECK_MSG(memcmp(a.digest, b.digest, 32) == 0, "%s: %s and %s differ", t[i].type, t[i].a, t[i].b);
		if (ra == CD_OK && a.nfields == 1)
			CHECK_STR(a.fields[0].value, t[i].shown);
		eip712_free(&a);
		eip712_free(&b);
	}
}

/* Two's complement words, checked against the ABI's definition written out. */
static void negative_int_word(void)
{
	struct eip712 e;
	char err[EIP712_ERR_MAX];

	CHECK(one("int8", "-2", &e, err) == CD_OK);
	CHECK(e.encoded_len == 64 &&
	      hex_is(e.encoded + 32, 32, "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"));
	eip712_free(&e);
}

static void bad_documents_refused(void)
{
	static const struct {
		const char *type, *value, *msg;
	} t[] = {
		{"uint", "1", "write uint256"},
		{"int", "1", "write int256"},
		{"uint7", "1", "not an EIP-712 type"},
		{"uint264", "1", "not an EIP-712 type"},
		{"uint08", "1", "not an EIP-712 type"},
		{"bytes0", "\"0x\"", "not an EIP-712 type"},
		{"bytes33", "\"0x\"", "not an EIP-712 type"},
		{"fixed128x18", "1", "unknown type"},
		{"Persn", "{}", "unknown type 'Persn'"},
		{"uint8[0]", "[]", "malformed array length"},
		{"uint8[01]", "[1]", "malformed array length"},
		{"uint8[", "[1]", "unknown type"},
		{"uint8[2]", "[1]", "expected 2 items, got 1"},
		{"uint8[]", "1", "expected a JSON array"},
		{"uint8", "256", "out of range"},
		{"uint8", "-1", "negative value"},
		{"int8", "128", "out of range"},
		{"int8", "-129", "out of range"},
		{"int256", "\"-0x8000000000000000000000000000000000000000000000000000000000000001\"", "out of range"},
		{"int256", "\"-115792089237316195423570985008687907853269984665640564039457584007913129639935\"", "out of range"},
		{"uint256", "\"0x10000000000000000000000000000000000000000000000000000000000000000\"", "out of range"},
		{"uint256", "9007199254740993", "2^53 - 1"},
		{"uint256", "1.5", "must be an integer"},
		{"uint256", "\"1.5\"", "is not a number"},
		{"uint256", "\" 1\"", "is not a number"},
		{"uint256", "\"\"", "is not a number"},
		{"uint256", "\"0x\"", "is not a number"},
		{"uint256", "true", "expected a number"},
		{"bool", "1", "expected true or false"},
		{"bool", "\"true\"", "expected true or false"},
		{"address", "\"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD827\"", "checksum"},
		{"address", "\"0xcd2a3d9f938e13cd947ec05abc7fe734df8dd8\"", "address"},
		{"address", "\"0xCD2a3d9F938E13cd947Ec05AbC7FE734Df8DD826\"", "checksum"},
		{"bytes4", "\"0x010203\"", "exactly 4 bytes, got 3"},
		{"bytes4", "\"0x0102030405\"", "exactly 4 bytes"},
		{"bytes4", "\"01020304\"", "0x-hex"},
		{"bytes", "\"0x123\"", "not hex"},
		{"bytes", "\"hello\"", "0x-hex"},
		{"string", "1", "expected a JSON string"},
		{"string", "\"\\u0000\"", "NUL"},
		{"string", "\"\\ud800\"", ""},
	};

	for (size_t i = 0; i < TEST_COUNT(t); i++) {
		struct eip712 e;
		char err[EIP712_ERR_MAX] = "";
		int rc = one(t[i].type, t[i].value, &e, err);

		CHECK_MSG(rc == CD_EINVAL, "%s %s accepted", t[i].type, t[i].value);
		CHECK_MSG(strstr(err, t[i].msg) != NULL, "%s %s: \"%s\" lacks \"%s\"", t[i].type, t[i].value,
			err, t[i].msg);
		CHECK(e.fields == NULL && e.encoded == NULL);
	}
}

/* Whole documents: structure, domain, members. */
static void bad_structure_refused(void)
{
	static const struct {
		const char *json, *msg;
	} t[] = {
		{"[]", "not a JSON object"},
		{"{", "not valid JSON"},
		{"{\"types\":{},\"primaryType\":\"T\",\"domain\":{\"chainId\":1}}", "missing \"message\""},
		{"{\"types\":{\"T\":[]},\"primaryType\":\"T\",\"domain\":{\"chainId\":1},\"message\":{},\"x\":1}",
			"unknown key \"x\""},
		{"{\"types\":{\"T\":[]},\"types\":{},\"primaryType\":\"T\",\"domain\":{\"chainId\":1},\"message\":{}}",
			"appears twice"},
		{"{\"types\":{\"T\":[]},\"primaryType\":\"U\",\"domain\":{\"chainId\":1},\"message\":{}}",
			"primaryType \"U\" is not a struct"},
		{"{\"types\":{\"T\":[]},\"primaryType\":\"EIP712Domain\",\"domain\":{\"chainId\":1},\"message\":{}}",
			"not supported"},
		{"{\"types\":{\"T\":[]},\"primaryType\":\"T\",\"domain\":{\"chainId\":1,\"httpOrigin\":\"x\"},\"message\":{}}",
			"\"httpOrigin\" is not an EIP712Domain field"},
		{"{\"types\":{\"EIP712Domain\":[{\"name\":\"version\",\"type\":\"string\"},{\"name\":\"name\",\"type\":\"string\"}],"
			"\"T\":[]},\"primaryType\":\"T\",\"domain\":{\"name\":\"a\",\"version\":\"1\"},\"message\":{}}",
			"in the order name, version"},
		{"{\"types\":{\"EIP712Domain\":[{\"name\":\"chainId\",\"type\":\"uint64\"}],"
			"\"T\":[]},\"primaryType\":\"T\",\"domain\":{\"chainId\":1},\"message\":{}}",
			"chainId must have type uint256"},
		{"{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"version\",\"type\":\"string\"}],"
			"\"T\":[]},\"primaryType\":\"T\",\"domain\":{\"name\":\"a\"},\"message\":{}}",
			"declares version but the domain has no version"},
		{"{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"}],"
			"\"T\":[]},\"primaryType\":\"T\",\"domain\":{\"name\":\"a\",\"chainId\":1},\"message\":{}}",
			"the domain has chainId but EIP712Domain does not declare it"},
		{"{\"types\":{\"T\":[]},\"primaryType\":\"T\",\"domain\":{\"chainId\":-1},\"message\":{}}",
			"domain.chainId: uint256: a negative value"},
		{"{\"types\":{\"T\":[]},\"primaryType\":\"T\",\"domain\":{\"verifyingContract\":\"0x12\"},\"message\":{}}",
			"domain.verifyingContract: address"},
		{"{\"types\":{\"T\":[]},\"primaryType\":\"T\",\"domain\":{\"salt\":\"0x12\"},\"message\":{}}",
			"domain.salt: bytes32: expected exactly 32 bytes"},
		{"{\"types\":{\"T\":[{\"name\":\"a\",\"type\":\"uint8\"}]},\"primaryType\":\"T\",\"domain\":{\"chainId\":1},"
			"\"message\":{}}", "message.a: missing"},
		{"{\"types\":{\"T\":[{\"name\":\"a\",\"type\":\"uint8\"}]},\"primaryType\":\"T\",\"domain\":{\"chainId\":1},"
			"\"message\":{\"a\":1,\"b\":2}}", "\"b\" is not a member of T"},
		{"{\"types\":{\"T\":[{\"name\":\"a\",\"type\":\"uint8\"}]},\"primaryType\":\"T\",\"domain\":{\"chainId\":1},"
			"\"message\":{\"a\":1,\"a\":2}}", "\"a\" appears twice"},
		{"{\"types\":{\"T\":[{\"name\":\"a\",\"type\":\"uint8\"},{\"name\":\"a\",\"type\":\"uint8\"}]},\"primaryType\":\"T\","
			"\"domain\":{\"chainId\":1},\"message\":{\"a\":1}}", "member \"a\" is declared twice"},
		{"{\"types\":{\"T\":[{\"name\":\"a b\",\"type\":\"uint8\"}]},\"primaryType\":\"T\",\"domain\":{\"chainId\":1},"
			"\"message\":{}}", "not an identifier"},
		{"{\"types\":{\"T\":[{\"name\":\"a\",\"type\":\"uint8\",\"x\":1}]},\"primaryType\":\"T\",\"domain\":{\"chainId\":1},"
			"\"message\":{}}", "exactly \"name\" and \"type\""},
		{"{\"types\":{\"uint8\":[]},\"primaryType\":\"uint8\",\"domain\":{\"chainId\":1},\"message\":{}}",
			"cannot be named like the type"},
		{"{\"types\":{\"T\":[{\"name\":\"a\",\"type\":\"EIP712Domain\"}],\"EIP712Domain\":[{\"name\":\"chainId\","
			"\"type\":\"uint256\"}]},\"primaryType\":\"T\",\"domain\":{\"chainId\":1},\"message\":{}}",
			"EIP712Domain cannot be the type"},
		{"{\"types\":{\"T\":[{\"name\":\"a\",\"type\":\"T\"}]},\"primaryType\":\"T\",\"domain\":{\"chainId\":1},"
			"\"message\":{\"a\":{\"a\":{\"a\":1}}}}", "message.a.a.a: T: expected a JSON object"},
	};

	for (size_t i = 0; i < TEST_COUNT(t); i++) {
		struct eip712 e;
		char err[EIP712_ERR_MAX] = "";
		int rc = eip712_parse(t[i].json, strlen(t[i].json), &e, err, sizeof(err));

		CHECK_MSG(rc == CD_EINVAL, "accepted: %s", t[i].json);
		CHECK_MSG(strstr(err, t[i].msg) != NULL, "\"%s\" lacks \"%s\"", err, t[i].msg);
	}
}

/* Recursive types hash (encodeType lists a type once); data nested past the limit is refused. */
static void recursion_and_depth(void)
{
	char json[8192];
	size_t n = 0;
	struct eip712 e;
	char err[EIP712_ERR_MAX];

	n += (size_t)snprintf(json + n, sizeof(json) - n,
		"{\"types\":{\"Node\":[{\"name\":\"v\",\"type\":\"uint8\"},{\"name\":\"kids\",\"type\":\"Node[]\"}]},"
		"\"primaryType\":\"Node\",\"domain\":{\"chainId\":1},\"message\":");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(json + n, sizeof(json) - n, "{\"v\":%d,\"kids\":[", i);
	n += (size_t)snprintf(json + n, sizeof(json) - n, "{\"v\":1,\"kids\":[]}");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(json + n, sizeof(json) - n, "]}");
	n += (size_t)snprintf(json + n, sizeof(json) - n, "}");
	CHECK(eip712_parse(json, n, &e, err, sizeof(err)) == CD_EINVAL);
	CHECK_MSG(strstr(err, "levels deep") != NULL, "%s", err);

	snprintf(json, sizeof(json),
		"{\"types\":{\"Node\":[{\"name\":\"v\",\"type\":\"uint8\"},{\"name\":\"kids\",\"type\":\"Node[]\"}]},"
		"\"primaryType\":\"Node\",\"domain\":{\"chainId\":1},\"message\":{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[]}]}}");
	CHECK_MSG(eip712_parse(json, strlen(json), &e, err, sizeof(err)) == CD_OK, "%s", err);
	CHECK_STR(e.encode_type, "Node(uint8 v,Node[] kids)");
	CHECK_INT(e.nfields, 3);
	CHECK_STR(e.fields[1].path, "kids[0].v");
	CHECK_STR(e.fields[2].path, "kids[0].kids");
	CHECK_STR(e.fields[2].value, "[]");
	eip712_free(&e);
}

/* Dependencies sorted by name after the primary type (the specification's Transaction example). */
static void encode_type_sorts_dependencies(void)
{
	const char *json =
		"{\"types\":{\"Transaction\":[{\"name\":\"from\",\"type\":\"Person\"},{\"name\":\"to\",\"type\":\"Person\"},"
		"{\"name\":\"tx\",\"type\":\"Asset\"}],\"Person\":[{\"name\":\"wallet\",\"type\":\"address\"},"
		"{\"name\":\"name\",\"type\":\"string\"}],\"Asset\":[{\"name\":\"token\",\"type\":\"address\"},"
		"{\"name\":\"amount\",\"type\":\"uint256\"}],\"Unused\":[]},\"primaryType\":\"Transaction\","
		"\"domain\":{\"chainId\":1},\"message\":{\"from\":{\"wallet\":\"0x0000000000000000000000000000000000000001\","
		"\"name\":\"a\"},\"to\":{\"wallet\":\"0x0000000000000000000000000000000000000002\",\"name\":\"b\"},"
		"\"tx\":{\"token\":\"0x0000000000000000000000000000000000000003\",\"amount\":\"5\"}}}";
	struct eip712 e;
	char err[EIP712_ERR_MAX];

	CHECK_MSG(eip712_parse(json, strlen(json), &e, err, sizeof(err)) == CD_OK, "%s", err);
	CHECK_STR(e.encode_type, "Transaction(Person from,Person to,Asset tx)Asset(address token,uint256 amount)"
		"Person(address wallet,string name)");
	eip712_free(&e);
}

/* Text from the document never reaches a terminal raw. */
static void view_is_sanitized(void)
{
	struct eip712 e;
	char err[EIP712_ERR_MAX];

	CHECK(one("string", "\"a\\u001b[31mb\\nc\"", &e, err) == CD_OK);
	CHECK(e.nfields == 1 && strchr(e.fields[0].value, 0x1b) == NULL && strchr(e.fields[0].value, '\n') == NULL);
	eip712_free(&e);
	/* and neither does an error message quoting the document */
	{
		const char *json = "{\"types\":{\"T\":[]},\"primaryType\":\"T\",\"domain\":{},"
			"\"message\":{\"\\u001b]0;pwned\\u0007\":1}}";

		CHECK(eip712_parse(json, strlen(json), &e, err, sizeof(err)) == CD_EINVAL);
		CHECK_MSG(strchr(err, 0x1b) == NULL && strchr(err, 0x07) == NULL && strstr(err, "pwned"), "%s", err);
	}
}

static const struct test_case cases[] = {
	{ "the specification's Mail example: every hash", spec_mail_example },
	{ "the specification's Mail example: the signature", spec_mail_signature },
	{ "the specification's Mail example: the decoded view", spec_mail_view },
	{ "ethers.js typed-data vectors: encodeData and digest (domain derived and declared)", ethers_typed_data_cases },
	{ "declared EIP712Domain hashes as the derived one", declared_domain_equals_derived },
	{ "number spellings give one digest", number_spellings },
	{ "negative ints are sign-extended", negative_int_word },
	{ "bad values refused with a clear message", bad_documents_refused },
	{ "bad documents refused with a clear message", bad_structure_refused },
	{ "recursive types and the nesting limit", recursion_and_depth },
	{ "encodeType sorts dependencies by name", encode_type_sorts_dependencies },
	{ "the view is safe for a terminal", view_is_sanitized },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
