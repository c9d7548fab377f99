/*
 * rpc_codec on the recorded execution-apis exchanges and on hand-made
 * broken answers: every body gets a status, never a crash.
 */
#include "common/rpc_codec.h"
#include "tests/lib/test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURES "tests/vectors/execution-apis/tests"

/* ---- helpers ---- */

static int parse_str(const char *body, uint64_t id, cJSON **doc, struct rpc_reply *r)
{
	return rpc_codec_parse(body, strlen(body), id, doc, r);
}

/* Parses body for id and expects the codec to refuse it with want. */
static void expect_refused(const char *body, uint64_t id, int want)
{
	struct rpc_reply r;
	cJSON *doc = (cJSON *)1;
	int rc = parse_str(body, id, &doc, &r);

	CHECK_MSG(rc == want, "body %s: got %d (%s), expected %d", body, rc, cd_strerror(rc), want);
	CHECK(doc == NULL);
	CHECK(r.result == NULL);
	cJSON_Delete(doc == (cJSON *)1 ? NULL : doc);
}

/* One exchange of an .io file: the request and response lines. */
struct exchange {
	char *req;
	char *resp;
};

/* Splits an .io file into exchanges (in place). Returns the count, up to max. */
static size_t io_split(char *text, struct exchange *ex, size_t max)
{
	size_t n = 0;
	char *line = text, *next;

	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, ">> ", 3) == 0 && n < max) {
			ex[n].req = line + 3;
			ex[n].resp = NULL;
			n++;
		} else if (strncmp(line, "<< ", 3) == 0 && n > 0) {
			ex[n - 1].resp = line + 3;
		}
	}
	return n;
}

/* Calls fn on every exchange of every fixture; returns the number of files. */
static size_t each_fixture(void (*fn)(const char *path, const struct exchange *ex))
{
	DIR *top = opendir(FIXTURES), *sub;
	struct dirent *m, *f;
	size_t files = 0;

	CHECK_MSG(top != NULL, "cannot open %s", FIXTURES);
	if (!top)
		return 0;
	while ((m = readdir(top))) {
		char dir[512];

		if (m->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", FIXTURES, m->d_name);
		sub = opendir(dir);
		if (!sub)
			continue;
		while ((f = readdir(sub))) {
			struct exchange ex[8];
			char path[1024];
			size_t len, n, i;
			char *text;

			len = strlen(f->d_name);
			if (len < 4 || strcmp(f->d_name + len - 3, ".io") != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, f->d_name);
			text = test_read_file(path, NULL);
			n = io_split(text, ex, 8);
			CHECK_MSG(n > 0, "%s: no exchange", path);
			for (i = 0; i < n; i++) {
				CHECK_MSG(ex[i].resp != NULL, "%s: request without response", path);
				if (ex[i].resp)
					fn(path, &ex[i]);
			}
			free(text);
			files++;
		}
		closedir(sub);
	}
	closedir(top);
	return files;
}

static uint64_t request_id(const struct exchange *ex)
{
	cJSON *req = cJSON_Parse(ex->req);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(req, "id");
	uint64_t v = cJSON_IsNumber(id) ? (uint64_t)id->valuedouble : 0;

	cJSON_Delete(req);
	return v;
}

/* Reads the single exchange of a fixture file; caller frees *text. */
static const char *fixture_response(const char *name, char **text, uint64_t *id)
{
	char path[512];
	struct exchange ex[1];

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	*text = test_read_file(path, NULL);
	if (io_split(*text, ex, 1) != 1 || !ex[0].resp) {
		test_fail(__FILE__, __LINE__, "%s: no exchange", path);
		return "";
	}
	*id = request_id(&ex[0]);
	return ex[0].resp;
}

/* ---- requests ---- */

static void request_has_all_members(void)
{
	char *s = rpc_codec_request(7, "eth_blockNumber", NULL);

	CHECK_STR(s, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"eth_blockNumber\",\"params\":[]}");
	free(s);
}

static void request_keeps_params(void)
{
	cJSON *p = cJSON_CreateArray();
	char *s;

	cJSON_AddItemToArray(p, cJSON_CreateString("0x1b"));
	cJSON_AddItemToArray(p, cJSON_CreateFalse());
	s = rpc_codec_request(1, "eth_getBlockByNumber", p);
	CHECK_STR(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBlockByNumber\",\"params\":[\"0x1b\",false]}");
	free(s);
}

static void request_id_keeps_64_bits(void)
{
	char *s = rpc_codec_request(UINT64_MAX, "m", NULL);

	CHECK(s && strstr(s, "\"id\":18446744073709551615,"));
	free(s);
}

static void request_rejects_non_array_params(void)
{
	/* The object is consumed even on refusal: ASan reports a leak otherwise. */
	CHECK(rpc_codec_request(1, "m", cJSON_CreateObject()) == NULL);
	CHECK(rpc_codec_request(1, NULL, cJSON_CreateArray()) == NULL);
}

static void request_matches_fixture_text(void)
{
	char path[] = FIXTURES "/eth_chainId/get-chain-id.io";
	struct exchange ex[1];
	char *text, *s;

	text = test_read_file(path, NULL);
	CHECK_INT(io_split(text, ex, 1), 1);
	s = rpc_codec_request(1, "eth_chainId", NULL);
	/* The fixture omits "params"; ours always sends it. */
	CHECK_STR(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}");
	CHECK(strncmp(ex[0].req, s, strlen("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"")) == 0);
	free(s);
	free(text);
}

static void batch_is_an_array_in_order(void)
{
	struct rpc_codec_call calls[2] = {
		{3, "eth_chainId", NULL},
		{4, "eth_blockNumber", cJSON_CreateArray()},
	};
	char *s = rpc_codec_batch(calls, 2);

	CHECK_STR(s, "[{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_chainId\",\"params\":[]},"
	             "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"eth_blockNumber\",\"params\":[]}]");
	CHECK(calls[1].params == NULL);
	free(s);
}

static void batch_refuses_empty_and_bad_calls(void)
{
	struct rpc_codec_call calls[3] = {
		{1, "a", cJSON_CreateArray()},
		{2, "b", cJSON_CreateString("not an array")},
		{3, "c", cJSON_CreateArray()},
	};

	CHECK(rpc_codec_batch(calls, 0) == NULL);
	/* Every params is consumed even when one call is bad. */
	CHECK(rpc_codec_batch(calls, 3) == NULL);
	CHECK(calls[0].params == NULL && calls[1].params == NULL && calls[2].params == NULL);
}

/* ---- fixtures ---- */

static void check_fixture_exchange(const char *path, const struct exchange *ex)
{
	uint64_t id = request_id(ex);
	struct rpc_reply r;
	cJSON *doc, *plain;
	int rc;

	plain = cJSON_Parse(ex->resp);
	rc = parse_str(ex->resp, id, &doc, &r);
	CHECK_MSG(rc == RPC_OK, "%s: parse %d", path, rc);
	if (rc == RPC_OK) {
		if (cJSON_GetObjectItemCaseSensitive(plain, "error")) {
			CHECK_MSG(r.status == RPC_EREMOTE, "%s: status %d", path, r.status);
			CHECK_MSG(r.code != 0, "%s: code 0", path);
			CHECK_MSG(r.message && r.message[0], "%s: empty message", path);
		} else {
			char *a = cJSON_PrintUnformatted(r.result);
			char *b = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(plain, "result"));

			CHECK_MSG(r.status == RPC_OK, "%s: status %d", path, r.status);
			CHECK_MSG(a && b && strcmp(a, b) == 0, "%s: result differs", path);
			free(a);
			free(b);
		}
	}
	cJSON_Delete(doc);
	cJSON_Delete(plain);

	rc = parse_str(ex->resp, id + 1, &doc, &r);
	CHECK_MSG(rc == RPC_EID && doc == NULL, "%s: wrong id gave %d", path, rc);
}

static void fixtures_all_match_their_request(void)
{
	size_t files = each_fixture(check_fixture_exchange);

	CHECK_MSG(files >= 48, "only %zu fixture files", files);
}

static void fixture_error_gives_code_and_message(void)
{
	char *text;
	uint64_t id;
	const char *resp = fixture_response("eth_getLogs/filter-error-reversed-block-range.io", &text, &id);
	struct rpc_reply r;
	cJSON *doc;

	CHECK_INT(parse_str(resp, id, &doc, &r), RPC_OK);
	CHECK_INT(r.status, RPC_EREMOTE);
	CHECK_INT(r.code, -32602);
	CHECK_STR(r.message, "invalid block range params");
	CHECK(r.data == NULL);
	CHECK(r.result == NULL);
	cJSON_Delete(doc);
	free(text);
}

static void fixture_revert_keeps_error_data(void)
{
	char *text;
	uint64_t id;
	const char *resp = fixture_response("eth_call/call-revert-abi-error.io", &text, &id);
	struct rpc_reply r;
	cJSON *doc;

	CHECK_INT(parse_str(resp, id, &doc, &r), RPC_OK);
	CHECK_INT(r.status, RPC_EREMOTE);
	CHECK_INT(r.code, 3);
	CHECK_STR(r.message, "execution reverted: user error");
	CHECK(cJSON_IsString(r.data) && strncmp(r.data->valuestring, "0x08c379a0", 10) == 0);
	cJSON_Delete(doc);
	free(text);
}

static void fixture_null_result_is_success(void)
{
	char *text;
	uint64_t id;
	const char *resp = fixture_response("eth_getBlockByNumber/get-block-notfound.io", &text, &id);
	struct rpc_reply r;
	cJSON *doc;

	CHECK_INT(parse_str(resp, id, &doc, &r), RPC_OK);
	CHECK_INT(r.status, RPC_OK);
	CHECK(cJSON_IsNull(r.result));
	cJSON_Delete(doc);
	free(text);
}

static void fixture_scalar_result(void)
{
	char *text;
	uint64_t id;
	const char *resp = fixture_response("eth_blockNumber/simple-test.io", &text, &id);
	struct rpc_reply r;
	cJSON *doc;

	CHECK_INT(parse_str(resp, id, &doc, &r), RPC_OK);
	CHECK(cJSON_IsString(r.result));
	CHECK_STR(r.result->valuestring, "0x36");
	cJSON_Delete(doc);
	free(text);
}

/* ---- single responses: what is accepted ---- */

static void missing_jsonrpc_is_accepted(void)
{
	struct rpc_reply r;
	cJSON *doc;

	CHECK_INT(parse_str("{\"id\":5,\"result\":\"0x1\"}", 5, &doc, &r), RPC_OK);
	CHECK_INT(r.status, RPC_OK);
	cJSON_Delete(doc);
}

static void digit_string_id_matches(void)
{
	struct rpc_reply r;
	cJSON *doc;

	CHECK_INT(parse_str("{\"jsonrpc\":\"2.0\",\"id\":\"42\",\"result\":1}", 42, &doc, &r), RPC_OK);
	cJSON_Delete(doc);
}

static void trailing_whitespace_is_accepted(void)
{
	struct rpc_reply r;
	cJSON *doc;

	CHECK_INT(parse_str(" \r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":true}\r\n\t ", 1, &doc, &r), RPC_OK);
	CHECK(cJSON_IsTrue(r.result));
	cJSON_Delete(doc);
}

static void length_bounds_the_body(void)
{
	const char *body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":2}GARBAGE";
	struct rpc_reply r;
	cJSON *doc;

	CHECK_INT(rpc_codec_parse(body, strlen(body) - 7, 1, &doc, &r), RPC_OK);
	cJSON_Delete(doc);
}

static void null_id_error_is_the_nodes_refusal(void)
{
	struct rpc_reply r;
	cJSON *doc;

	CHECK_INT(parse_str("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"invalid request\"}}",
	                    9, &doc, &r), RPC_OK);
	CHECK_INT(r.status, RPC_EREMOTE);
	CHECK_INT(r.code, -32600);
	CHECK_STR(r.message, "invalid request");
	cJSON_Delete(doc);
}

static void non_integer_error_code_is_zero(void)
{
	static const char *const bodies[] = {
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"-32000\",\"message\":\"m\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1.5,\"message\":\"m\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1e300,\"message\":\"m\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-1e999,\"message\":\"m\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"message\":\"m\"}}",
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(bodies); i++) {
		struct rpc_reply r;
		cJSON *doc;

		CHECK_INT(parse_str(bodies[i], 1, &doc, &r), RPC_OK);
		CHECK_INT(r.status, RPC_EREMOTE);
		CHECK_INT(r.code, 0);
		CHECK_STR(r.message, "m");
		cJSON_Delete(doc);
	}
}

static void missing_error_message_is_empty(void)
{
	struct rpc_reply r;
	cJSON *doc;

	CHECK_INT(parse_str("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":7}}", 1, &doc, &r), RPC_OK);
	CHECK_INT(r.status, RPC_EREMOTE);
	CHECK_INT(r.code, -32000);
	CHECK_STR(r.message, "");
	cJSON_Delete(doc);
}

/* ---- single responses: what is refused ---- */

static void non_json_bodies_are_ejson(void)
{
	static const char *const bodies[] = {
		"",
		"   ",
		"hello",
		"<html><body><h1>502 Bad Gateway</h1></body></html>",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1} x",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}",
		"{'id':1}",
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(bodies); i++)
		expect_refused(bodies[i], 1, RPC_EJSON);
}

static void embedded_nul_is_ejson(void)
{
	static const char body[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}\0 ";
	struct rpc_reply r;
	cJSON *doc;

	CHECK_INT(rpc_codec_parse(body, sizeof(body) - 1, 1, &doc, &r), RPC_EJSON);
	CHECK(doc == NULL);
	CHECK_INT(rpc_codec_parse(NULL, 0, 1, &doc, &r), RPC_EJSON);
}

static void deep_nesting_is_ejson(void)
{
	size_t depth = 100000, i;
	char *body = malloc(2 * depth + 1);

	if (!body)
		return;
	for (i = 0; i < depth; i++) {
		body[i] = '[';
		body[depth + i] = ']';
	}
	body[2 * depth] = '\0';
	expect_refused(body, 1, RPC_EJSON);
	free(body);
}

static void non_response_json_is_eproto(void)
{
	static const char *const bodies[] = {
		"null",
		"true",
		"42",
		"\"0x1\"",
		"[]",
		"[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}]",
		"{}",
		"{\"jsonrpc\":\"2.0\",\"result\":\"0x1\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{\"code\":1,\"message\":\"m\"}}",
		"{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":1}",
		"{\"jsonrpc\":2.0,\"id\":1,\"result\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":[1],\"result\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":true,\"result\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"boom\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":null}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\",\"params\":{}}",
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(bodies); i++)
		expect_refused(bodies[i], 1, CD_EPROTO);
}

static void wrong_ids_are_eid(void)
{
	static const char *const bodies[] = {
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":-1,\"result\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":1e400,\"result\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":\"0x1\",\"result\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":\"1a\",\"result\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":\"\",\"result\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":\"99999999999999999999999\",\"result\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32000,\"message\":\"m\"}}",
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(bodies); i++)
		expect_refused(bodies[i], 1, RPC_EID);
}

static void huge_numbers_in_result_are_kept(void)
{
	struct rpc_reply r;
	cJSON *doc;

	CHECK_INT(parse_str("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[1e400,-1e400,123456789012345678901234567890]}",
	                    1, &doc, &r), RPC_OK);
	CHECK(cJSON_IsArray(r.result));
	cJSON_Delete(doc);
}

static void null_arguments_are_einval(void)
{
	struct rpc_reply r;
	cJSON *doc;

	CHECK_INT(rpc_codec_parse("{}", 2, 1, NULL, &r), CD_EINVAL);
	CHECK_INT(rpc_codec_parse("{}", 2, 1, &doc, NULL), CD_EINVAL);
	CHECK_INT(rpc_codec_parse_batch("[]", 2, NULL, 1, &doc, &r), CD_EINVAL);
}

static void status_strings_are_never_null(void)
{
	int s;

	for (s = -20; s <= 5; s++)
		CHECK(cd_strerror(s) != NULL && cd_strerror(s)[0] != '\0');
	CHECK_STR(cd_strerror(RPC_ETIMEOUT), "timeout");
}

/* ---- batches ---- */

static void batch_out_of_order_is_mapped_by_id(void)
{
	const char *body = "[{\"jsonrpc\":\"2.0\",\"id\":12,\"result\":\"c\"},"
	                   "{\"jsonrpc\":\"2.0\",\"id\":10,\"result\":\"a\"},"
	                   "{\"jsonrpc\":\"2.0\",\"id\":11,\"error\":{\"code\":-32601,\"message\":\"no such method\"}}]";
	uint64_t ids[3] = {10, 11, 12};
	struct rpc_reply r[3];
	cJSON *doc;

	CHECK_INT(rpc_codec_parse_batch(body, strlen(body), ids, 3, &doc, r), RPC_OK);
	CHECK_INT(r[0].status, RPC_OK);
	CHECK_STR(cJSON_GetStringValue(r[0].result), "a");
	CHECK_INT(r[1].status, RPC_EREMOTE);
	CHECK_INT(r[1].code, -32601);
	CHECK_STR(r[1].message, "no such method");
	CHECK_INT(r[2].status, RPC_OK);
	CHECK_STR(cJSON_GetStringValue(r[2].result), "c");
	cJSON_Delete(doc);
}

static void batch_missing_entry_is_eid(void)
{
	const char *body = "[{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"b\"}]";
	uint64_t ids[3] = {1, 2, 3};
	struct rpc_reply r[3];
	cJSON *doc;

	CHECK_INT(rpc_codec_parse_batch(body, strlen(body), ids, 3, &doc, r), RPC_OK);
	CHECK_INT(r[0].status, RPC_EID);
	CHECK(r[0].result == NULL);
	CHECK_INT(r[1].status, RPC_OK);
	CHECK_INT(r[2].status, RPC_EID);
	cJSON_Delete(doc);
}

static void batch_duplicate_answer_first_wins(void)
{
	const char *body = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"first\"},"
	                   "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"second\"},"
	                   "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"two\"}]";
	uint64_t ids[2] = {1, 2};
	struct rpc_reply r[2];
	cJSON *doc;

	CHECK_INT(rpc_codec_parse_batch(body, strlen(body), ids, 2, &doc, r), RPC_OK);
	CHECK_STR(cJSON_GetStringValue(r[0].result), "first");
	CHECK_STR(cJSON_GetStringValue(r[1].result), "two");
	cJSON_Delete(doc);
}

static void batch_repeated_request_id_shares_answer(void)
{
	const char *body = "[{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":\"x\"}]";
	uint64_t ids[2] = {5, 5};
	struct rpc_reply r[2];
	cJSON *doc;

	CHECK_INT(rpc_codec_parse_batch(body, strlen(body), ids, 2, &doc, r), RPC_OK);
	CHECK_STR(cJSON_GetStringValue(r[0].result), "x");
	CHECK_STR(cJSON_GetStringValue(r[1].result), "x");
	cJSON_Delete(doc);
}

static void batch_single_error_applies_to_all(void)
{
	const char *body = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"batch too large\"}}";
	uint64_t ids[3] = {1, 2, 3};
	struct rpc_reply r[3];
	cJSON *doc;
	size_t i;

	CHECK_INT(rpc_codec_parse_batch(body, strlen(body), ids, 3, &doc, r), RPC_OK);
	for (i = 0; i < 3; i++) {
		CHECK_INT(r[i].status, RPC_EREMOTE);
		CHECK_INT(r[i].code, -32600);
		CHECK_STR(r[i].message, "batch too large");
	}
	cJSON_Delete(doc);
}

static void batch_malformed_element_is_eproto_for_its_id(void)
{
	const char *body = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{}},"
	                   "42, null, \"x\", {\"id\":{}},"
	                   "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":2}]";
	uint64_t ids[2] = {1, 2};
	struct rpc_reply r[2];
	cJSON *doc;

	CHECK_INT(rpc_codec_parse_batch(body, strlen(body), ids, 2, &doc, r), RPC_OK);
	CHECK_INT(r[0].status, CD_EPROTO);
	CHECK(r[0].result == NULL);
	CHECK_INT(r[1].status, RPC_OK);
	cJSON_Delete(doc);
}

static void batch_refusals(void)
{
	static const struct {
		const char *body;
		int want;
	} rows[] = {
		{"<html>502</html>", RPC_EJSON},
		{"[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}", RPC_EJSON},
		{"", RPC_EJSON},
		{"\"batch\"", CD_EPROTO},
		{"{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":1}", CD_EPROTO},
		{"{\"foo\":1}", CD_EPROTO},
	};
	uint64_t ids[2] = {1, 2};
	size_t i;

	for (i = 0; i < TEST_COUNT(rows); i++) {
		struct rpc_reply r[2];
		cJSON *doc = (cJSON *)1;
		int rc = rpc_codec_parse_batch(rows[i].body, strlen(rows[i].body), ids, 2, &doc, r);

		CHECK_MSG(rc == rows[i].want, "%s: got %d", rows[i].body, rc);
		CHECK(doc == NULL);
		CHECK_INT(r[0].status, rows[i].want);
		CHECK(r[0].result == NULL && r[1].result == NULL);
	}
}

static void batch_lone_answer_for_one_id(void)
{
	const char *body = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"b\"}";
	uint64_t ids[2] = {1, 2};
	struct rpc_reply r[2];
	cJSON *doc;

	CHECK_INT(rpc_codec_parse_batch(body, strlen(body), ids, 2, &doc, r), RPC_OK);
	CHECK_INT(r[0].status, RPC_EID);
	CHECK_INT(r[1].status, RPC_OK);
	cJSON_Delete(doc);
}

static void batch_of_fixture_responses(void)
{
	/* Three recorded answers, renumbered and shuffled as a node may return them. */
	const char *body = "[{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":false},"
	                   "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0xc72dd9d5e883e\"},"
	                   "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"0x36\"}]";
	uint64_t ids[3] = {1, 2, 3};
	struct rpc_reply r[3];
	cJSON *doc;

	CHECK_INT(rpc_codec_parse_batch(body, strlen(body), ids, 3, &doc, r), RPC_OK);
	CHECK_STR(cJSON_GetStringValue(r[0].result), "0xc72dd9d5e883e");
	CHECK_STR(cJSON_GetStringValue(r[1].result), "0x36");
	CHECK(cJSON_IsFalse(r[2].result));
	cJSON_Delete(doc);
}

static void unsupported_errors_are_told_from_passing_failures(void)
{
	static const struct {
		int status;
		long code;
		const char *message;
		bool unsupported;
	} rows[] = {
		{ RPC_EREMOTE, -32601, "the method net_peerCount does not exist/is not available", true },
		{ RPC_EREMOTE, -32004, "", true },
		{ RPC_EREMOTE, -32000, "Method Not Found", true },
		{ RPC_EREMOTE, -32603, "admin API is disabled", true },
		{ RPC_EREMOTE, -32000, "\"pending\" is not yet supported", true },
		{ RPC_EREMOTE, -32000, "execution reverted", false },
		{ RPC_EREMOTE, -32602, "invalid argument 0: hex string without 0x prefix", false },
		{ RPC_OK, 0, "not found", false },
		{ RPC_EID, 0, "not found", false },
	};

	for (size_t i = 0; i < TEST_COUNT(rows); i++) {
		struct rpc_reply r = { .status = rows[i].status, .code = rows[i].code, .message = rows[i].message };

		CHECK_MSG(rpc_reply_unsupported(&r) == rows[i].unsupported, "row %zu: %s", i, rows[i].message);
	}
	CHECK(!rpc_reply_unsupported(NULL));
}


/* ---- framing an IPC stream ---- */

/*
 * Three values as a node could send them over IPC: an answer whose string holds quotes,
 * brackets and an escaped backslash, a batch answer, and a subscription push, with white space
 * between. Strings are where a naive bracket count goes wrong.
 */
static const char frame_stream_text[] =
	"  {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"a \\\"quoted\\\" ] } [ {\\\\\",\"b\":\"\\\"}\"}\n"
	"[{\"id\":2,\"result\":[1,[2,{}]]},{\"id\":3,\"result\":\"\\\\\"}]\r\n\t"
	"{\"method\":\"eth_subscription\",\"params\":{\"subscription\":\"0x1\",\"result\":{\"n\":\"}\"}}}";

/* Where each value of s ends, by cJSON's own parser: the oracle for the framer. */
static size_t cjson_value_ends(const char *s, size_t len, size_t *ends, size_t max)
{
	size_t n = 0, off = 0;

	while (n < max) {
		const char *end = NULL;
		cJSON *v;

		while (off < len && strchr(" \t\r\n", s[off]))
			off++;
		if (off == len)
			break;
		v = cJSON_ParseWithLengthOpts(s + off, len - off, &end, false);
		if (!v)
			break;
		cJSON_Delete(v);
		off = (size_t)(end - s);
		ends[n++] = off;
	}
	return n;
}

/*
 * Reads s the way the IPC reader does: in pieces of the sizes cut() gives, appending each to a
 * buffer, taking every complete value, then dropping what the framer is done with. Returns the
 * number of values; ends[] their end offsets in s. Checks that every value parses.
 */
static size_t frame_in_pieces(const char *s, size_t len, size_t (*cut)(size_t i), size_t *ends, size_t max)
{
	struct rpc_codec_framer f = { 0 };
	char *buf = malloc(len + 1);
	size_t blen = 0, dropped = 0, fed = 0, n = 0;

	for (size_t i = 0; fed < len; i++) {
		size_t piece = cut(i), start, done;
		long span;

		if (piece > len - fed)
			piece = len - fed;
		memcpy(buf + blen, s + fed, piece);
		blen += piece;
		fed += piece;
		while ((span = rpc_codec_frame(&f, buf, blen, &start)) > 0) {
			cJSON *v = cJSON_ParseWithLength(buf + start, (size_t)span);

			CHECK_MSG(v != NULL, "value %zu does not parse", n);
			cJSON_Delete(v);
			if (n < max)
				ends[n] = dropped + start + (size_t)span;
			n++;
		}
		CHECK_INT(span, 0);
		done = rpc_codec_frame_done(&f);
		memmove(buf, buf + done, blen - done);
		blen -= done;
		dropped += done;
		rpc_codec_frame_drop(&f, done);
	}
	free(buf);
	return n;
}

static size_t cut_one(size_t i)
{
	(void)i;
	return 1;
}

static size_t cut_odd(size_t i)
{
	return 1 + (i * 7919u) % 13u;
}

static size_t cut_all(size_t i)
{
	(void)i;
	return (size_t)-1;
}

static size_t cut_at;

static size_t cut_two(size_t i)
{
	return i == 0 ? cut_at : (size_t)-1;
}

static void frame_finds_the_values_cjson_finds(void)
{
	size_t len = sizeof(frame_stream_text) - 1, want[8], got[8];
	size_t nwant = cjson_value_ends(frame_stream_text, len, want, 8);
	size_t (*cuts[])(size_t) = { cut_all, cut_one, cut_odd };

	CHECK_INT(nwant, 3);
	for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
		CHECK_INT(frame_in_pieces(frame_stream_text, len, cuts[c], got, 8), nwant);
		for (size_t i = 0; i < nwant; i++)
			CHECK_MSG(got[i] == want[i], "cut %zu: value %zu ends at %zu, cJSON says %zu", c, i, got[i], want[i]);
	}
	/* Every place a read can end: in a string, after a backslash, between values. */
	for (cut_at = 0; cut_at <= len; cut_at++) {
		CHECK_INT(frame_in_pieces(frame_stream_text, len, cut_two, got, 8), nwant);
		for (size_t i = 0; i < nwant; i++)
			CHECK_MSG(got[i] == want[i], "cut at %zu: value %zu ends at %zu, cJSON says %zu", cut_at, i, got[i], want[i]);
	}
}

/*
 * A 4 MiB answer arriving one byte per read. Each call may look only at the byte it has not
 * seen: the framer's position reaches the end of the buffer every time, and once a byte has been
 * examined, spoiling it in the buffer changes nothing (a reader that rescans from byte 0 would
 * trip over the spoiled opening brace at once, and would examine n^2/2 = 8 * 10^12 bytes).
 */
static void frame_examines_each_byte_once(void)
{
	const size_t payload = (size_t)4 << 20;
	const char *head = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"", *tail = "\"}";
	size_t hlen = strlen(head), len = hlen + payload + strlen(tail), examined = 0, start = 0;
	char *answer = malloc(len + 1), *buf = malloc(len + 1);
	struct rpc_codec_framer f = { 0 };
	long span = 0;
	cJSON *doc;

	memcpy(answer, head, hlen);
	memcpy(answer + hlen + payload, tail, strlen(tail) + 1);
	/* the payload is a valid string body: letters, brackets, and escaped quotes or backslashes */
	for (size_t i = 0; i < payload; i += 4)
		memcpy(answer + hlen + i, i / 4 % 2 ? "a]\\\\" : "{[\\\"", 4);
	doc = cJSON_ParseWithLength(answer, len);
	CHECK_MSG(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "result")), "test answer is not valid JSON");
	cJSON_Delete(doc);

	for (size_t n = 1; n <= len && span == 0; n++) {
		size_t before = f.pos;

		buf[n - 1] = answer[n - 1];
		span = rpc_codec_frame(&f, buf, n, &start);
		examined += f.pos - before;
		if (span == 0)
			CHECK_INT(f.pos, n);
		buf[n - 1] = 'x'; /* spoil what was seen */
		if (span != 0)
			CHECK_INT(n, len);
	}
	CHECK_INT(span, (long)len);
	CHECK_INT(start, 0);
	CHECK_INT(examined, len);
	free(answer);
	free(buf);
}

static void frame_refuses_what_is_not_an_object_or_array(void)
{
	static const char *const bad[] = { "x", "  \"str\"", "42", "\n\n}", "null" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rpc_codec_framer f = { 0 };
		size_t start;

		CHECK_MSG(rpc_codec_frame(&f, bad[i], strlen(bad[i]), &start) == -1, "stream \"%s\" accepted", bad[i]);
	}
	{
		/* garbage after a good value: the value first, then the refusal */
		struct rpc_codec_framer f = { 0 };
		const char *s = "{\"id\":1} ?";
		size_t start = 99;

		CHECK_INT(rpc_codec_frame(&f, s, strlen(s), &start), 8);
		CHECK_INT(start, 0);
		CHECK_INT(rpc_codec_frame(&f, s, strlen(s), &start), -1);
		CHECK_INT(f.pos, 9);
	}
}

static const struct test_case cases[] = {
	{ "unsupported_errors_are_told_from_passing_failures", unsupported_errors_are_told_from_passing_failures },
	{"request_has_all_members", request_has_all_members},
	{"request_keeps_params", request_keeps_params},
	{"request_id_keeps_64_bits", request_id_keeps_64_bits},
	{"request_rejects_non_array_params", request_rejects_non_array_params},
	{"request_matches_fixture_text", request_matches_fixture_text},
	{"batch_is_an_array_in_order", batch_is_an_array_in_order},
	{"batch_refuses_empty_and_bad_calls", batch_refuses_empty_and_bad_calls},
	{"fixtures_all_match_their_request", fixtures_all_match_their_request},
	{"fixture_error_gives_code_and_message", fixture_error_gives_code_and_message},
	{"fixture_revert_keeps_error_data", fixture_revert_keeps_error_data},
	{"fixture_null_result_is_success", fixture_null_result_is_success},
	{"fixture_scalar_result", fixture_scalar_result},
	{"missing_jsonrpc_is_accepted", missing_jsonrpc_is_accepted},
	{"digit_string_id_matches", digit_string_id_matches},
	{"trailing_whitespace_is_accepted", trailing_whitespace_is_accepted},
	{"length_bounds_the_body", length_bounds_the_body},
	{"null_id_error_is_the_nodes_refusal", null_id_error_is_the_nodes_refusal},
	{"non_integer_error_code_is_zero", non_integer_error_code_is_zero},
	{"missing_error_message_is_empty", missing_error_message_is_empty},
	{"non_json_bodies_are_ejson", non_json_bodies_are_ejson},
	{"embedded_nul_is_ejson", embedded_nul_is_ejson},
	{"deep_nesting_is_ejson", deep_nesting_is_ejson},
	{"non_response_json_is_eproto", non_response_json_is_eproto},
	{"wrong_ids_are_eid", wrong_ids_are_eid},
	{"huge_numbers_in_result_are_kept", huge_numbers_in_result_are_kept},
	{"null_arguments_are_einval", null_arguments_are_einval},
	{"status_strings_are_never_null", status_strings_are_never_null},
	{"batch_out_of_order_is_mapped_by_id", batch_out_of_order_is_mapped_by_id},
	{"batch_missing_entry_is_eid", batch_missing_entry_is_eid},
	{"batch_duplicate_answer_first_wins", batch_duplicate_answer_first_wins},
	{"batch_repeated_request_id_shares_answer", batch_repeated_request_id_shares_answer},
	{"batch_single_error_applies_to_all", batch_single_error_applies_to_all},
	{"batch_malformed_element_is_eproto_for_its_id", batch_malformed_element_is_eproto_for_its_id},
	{"batch_refusals", batch_refusals},
	{"batch_lone_answer_for_one_id", batch_lone_answer_for_one_id},
	{"batch_of_fixture_responses", batch_of_fixture_responses},
	{"frame_finds_the_values_cjson_finds", frame_finds_the_values_cjson_finds},
	{"frame_examines_each_byte_once", frame_examines_each_byte_once},
	{"frame_refuses_what_is_not_an_object_or_array", frame_refuses_what_is_not_an_object_or_array},
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
