/*
 * rpc_codec — JSON-RPC 2.0 requests and responses, bytes in, bytes out.
 *
 * Response rules (a node is untrusted, so every rule is checked):
 *   - the body must be one JSON value with nothing but whitespace after it,
 *     else RPC_EJSON;
 *   - a response is an object with an "id" and exactly one of "result" and
 *     "error"; "jsonrpc" may be absent (some proxies drop it) but if present
 *     must be "2.0"; "error" must be an object; anything else is CD_EPROTO;
 *   - an id matches when it is a JSON number equal to the request id, or a
 *     string of decimal digits with that value. Ids are compared as JSON
 *     numbers are read (doubles), so callers keep ids below 2^53;
 *   - an error answer with "id":null is the node rejecting a request it could
 *     not read: it is taken as that request's error, not as a stranger's reply;
 *   - error.code that is not an integer is reported as code 0.
 */
#include "common/rpc_codec.h"
#include "common/xalloc.h"

#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* 2^53: every integer up to here is exact in a double. */
#define ID_EXACT_LIMIT 9007199254740992.0

/* ---- requests ---- */

/* Builds one request object; consumes params whatever happens. */
static cJSON *request_object(uint64_t id, const char *method, cJSON *params)
{
	char idbuf[24];
	cJSON *obj, *item;

	if (!method || (params && !cJSON_IsArray(params))) {
		cJSON_Delete(params);
		return NULL;
	}
	if (!params && !(params = cJSON_CreateArray()))
		return NULL;
	obj = cJSON_CreateObject();
	if (!obj) {
		cJSON_Delete(params);
		return NULL;
	}
	/* A raw number keeps all 64 bits; cJSON's doubles would round above 2^53. */
	snprintf(idbuf, sizeof(idbuf), "%" PRIu64, id);
	if (!cJSON_AddStringToObject(obj, "jsonrpc", "2.0")
	    || !(item = cJSON_CreateRaw(idbuf))) {
		cJSON_Delete(params);
		cJSON_Delete(obj);
		return NULL;
	}
	cJSON_AddItemToObject(obj, "id", item);
	if (!cJSON_AddStringToObject(obj, "method", method)) {
		cJSON_Delete(params);
		cJSON_Delete(obj);
		return NULL;
	}
	cJSON_AddItemToObject(obj, "params", params);
	return obj;
}

char *rpc_codec_request(uint64_t id, const char *method, cJSON *params)
{
	cJSON *obj = request_object(id, method, params);
	char *s;

	if (!obj)
		return NULL;
	s = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	return s;
}

char *rpc_codec_batch(struct rpc_codec_call *calls, size_t n)
{
	cJSON *arr = NULL, *obj;
	char *s = NULL;
	size_t i;

	if (!calls)
		return NULL;
	if (n > 0)
		arr = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		cJSON *params = calls[i].params;

		calls[i].params = NULL;
		if (!arr) {
			cJSON_Delete(params);
			continue;
		}
		obj = request_object(calls[i].id, calls[i].method, params);
		if (!obj) {
			cJSON_Delete(arr);
			arr = NULL;
			continue;
		}
		cJSON_AddItemToArray(arr, obj);
	}
	if (arr) {
		s = cJSON_PrintUnformatted(arr);
		cJSON_Delete(arr);
	}
	return s;
}

/* ---- responses ---- */

static bool is_json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Parses exactly one JSON value; trailing non-space bytes make it not JSON. */
static int parse_body(const char *body, size_t len, cJSON **doc)
{
	const char *end = NULL;
	cJSON *root;

	*doc = NULL;
	if (!body || len == 0)
		return RPC_EJSON;
	root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (!root)
		return RPC_EJSON;
	if (end) {
		for (; end < body + len; end++) {
			if (!is_json_space(*end)) {
				cJSON_Delete(root);
				return RPC_EJSON;
			}
		}
	}
	*doc = root;
	return RPC_OK;
}

/* Whether a JSON id (number or decimal string) equals want. */
static bool id_equals(const cJSON *id, uint64_t want)
{
	if (cJSON_IsNumber(id)) {
		double d = id->valuedouble;

		if (!(d >= 0.0 && d < ID_EXACT_LIMIT * 2048.0))
			return false;
		return d == (double)want && (uint64_t)d == want;
	}
	if (cJSON_IsString(id) && id->valuestring) {
		const char *p = id->valuestring;
		uint64_t v = 0;

		if (*p == '\0')
			return false;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return false;
			if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
				return false;
			v = v * 10 + (uint64_t)(*p - '0');
		}
		return v == want;
	}
	return false;
}

static long error_code(const cJSON *code)
{
	double d;

	if (!cJSON_IsNumber(code))
		return 0;
	d = code->valuedouble;
	/* Within ±2^53 so the conversion is exact and in range of any long. */
	if (!(d >= -ID_EXACT_LIMIT && d <= ID_EXACT_LIMIT))
		return 0;
	if ((double)(long long)d != d)
		return 0;
	if ((long long)d > LONG_MAX || (long long)d < LONG_MIN)
		return 0;
	return (long)d;
}

/*
 * Checks the shape of one response object and fills *out (status RPC_OK or
 * RPC_EREMOTE). Returns RPC_OK or CD_EPROTO; *id gets the "id" member.
 */
static int check_response(const cJSON *obj, const cJSON **id, struct rpc_reply *out)
{
	const cJSON *ver, *result, *error;

	memset(out, 0, sizeof(*out));
	out->status = CD_EPROTO;
	*id = NULL;
	if (!cJSON_IsObject(obj))
		return CD_EPROTO;
	/* The id first, so a batch can tell which call a malformed answer was for. */
	*id = cJSON_GetObjectItemCaseSensitive(obj, "id");
	if (!*id || !(cJSON_IsNumber(*id) || cJSON_IsString(*id) || cJSON_IsNull(*id)))
		return CD_EPROTO;
	ver = cJSON_GetObjectItemCaseSensitive(obj, "jsonrpc");
	if (ver && !(cJSON_IsString(ver) && strcmp(ver->valuestring, "2.0") == 0))
		return CD_EPROTO;
	result = cJSON_GetObjectItemCaseSensitive(obj, "result");
	error = cJSON_GetObjectItemCaseSensitive(obj, "error");
	if ((result != NULL) == (error != NULL))
		return CD_EPROTO;
	if (result) {
		out->status = RPC_OK;
		out->result = result;
		return RPC_OK;
	}
	if (!cJSON_IsObject(error))
		return CD_EPROTO;
	{
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(error, "message");

		out->status = RPC_EREMOTE;
		out->code = error_code(cJSON_GetObjectItemCaseSensitive(error, "code"));
		out->message = cJSON_IsString(msg) && msg->valuestring ? msg->valuestring : "";
		out->data = cJSON_GetObjectItemCaseSensitive(error, "data");
	}
	return RPC_OK;
}

static void reply_status(struct rpc_reply *out, int status)
{
	memset(out, 0, sizeof(*out));
	out->status = status;
}

int rpc_codec_parse(const char *body, size_t len, uint64_t expect_id, cJSON **doc, struct rpc_reply *out)
{
	const cJSON *id;
	cJSON *root;
	int rc;

	if (!doc || !out)
		return CD_EINVAL;
	*doc = NULL;
	rc = parse_body(body, len, &root);
	if (rc != RPC_OK) {
		reply_status(out, rc);
		return rc;
	}
	rc = check_response(root, &id, out);
	if (rc == RPC_OK && !id_equals(id, expect_id)
	    && !(cJSON_IsNull(id) && out->status == RPC_EREMOTE))
		rc = RPC_EID;
	if (rc != RPC_OK) {
		cJSON_Delete(root);
		reply_status(out, rc);
		return rc;
	}
	*doc = root;
	return RPC_OK;
}

/* Index of the first request whose id matches and is still unanswered, or n. */
static size_t find_slot(const cJSON *id, const uint64_t *ids, const bool *done, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!done[i] && id_equals(id, ids[i]))
			return i;
	return n;
}

/*
 * Gives one array element to the request(s) it answers. An element whose
 * id answers a request but whose shape is wrong makes that reply CD_EPROTO;
 * an element matching nothing (a duplicate, a stranger, garbage) is ignored.
 * A caller that put the same id twice in its batch gets the answer in both.
 */
static void assign_element(const cJSON *el, const uint64_t *ids, bool *done, size_t n,
                           struct rpc_reply *out)
{
	struct rpc_reply r;
	const cJSON *id;
	size_t i, first;

	check_response(el, &id, &r);
	if (!id)
		return;
	first = find_slot(id, ids, done, n);
	if (first == n)
		return;
	for (i = first; i < n; i++) {
		if (!done[i] && ids[i] == ids[first]) {
			out[i] = r;
			done[i] = true;
		}
	}
}

int rpc_codec_parse_batch(const char *body, size_t len, const uint64_t *ids, size_t n,
                          cJSON **doc, struct rpc_reply *out)
{
	const cJSON *el, *id;
	struct rpc_reply whole;
	bool *done;
	cJSON *root;
	size_t i;
	int rc;

	if (!doc || (n > 0 && (!ids || !out)))
		return CD_EINVAL;
	*doc = NULL;
	for (i = 0; i < n; i++)
		reply_status(&out[i], RPC_EID);
	rc = parse_body(body, len, &root);
	if (rc != RPC_OK) {
		for (i = 0; i < n; i++)
			reply_status(&out[i], rc);
		return rc;
	}

	if (cJSON_IsObject(root)) {
		/*
		 * Not an array: a node refusing the whole batch sends one error
		 * (usually with "id":null). An error that answers none of our ids
		 * applies to every call; anything else is read as a one-element
		 * batch.
		 */
		bool matches = false;

		rc = check_response(root, &id, &whole);
		for (i = 0; rc == RPC_OK && i < n && !matches; i++)
			matches = id_equals(id, ids[i]);
		if (rc == RPC_OK && whole.status == RPC_EREMOTE && !matches) {
			for (i = 0; i < n; i++)
				out[i] = whole;
			*doc = root;
			return RPC_OK;
		}
		if (!matches) {
			cJSON_Delete(root);
			for (i = 0; i < n; i++)
				reply_status(&out[i], CD_EPROTO);
			return CD_EPROTO;
		}
	} else if (!cJSON_IsArray(root)) {
		cJSON_Delete(root);
		for (i = 0; i < n; i++)
			reply_status(&out[i], CD_EPROTO);
		return CD_EPROTO;
	}

	done = xcalloc(n ? n : 1, sizeof(*done));
	if (cJSON_IsObject(root)) {
		assign_element(root, ids, done, n, out);
	} else {
		cJSON_ArrayForEach(el, root)
			assign_element(el, ids, done, n, out);
	}
	free(done);
	*doc = root;
	return RPC_OK;
}

/* strstr, ignoring ASCII case. */
static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; hay && *hay; hay++) {
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	}
	return false;
}

bool rpc_reply_unsupported(const struct rpc_reply *r)
{
	static const char *const words[] = { "not found", "not supported", "unsupported", "not available",
	                                     "does not exist", "not enabled", "disabled", "unknown method", "not yet supported",
	                                     "not implemented" };

	if (!r || r->status != RPC_EREMOTE)
		return false;
	if (r->code == -32601 || r->code == -32004)
		return true;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (contains_ci(r->message, words[i]))
			return true;
	}
	return false;
}

long rpc_codec_frame(struct rpc_codec_framer *f, const char *buf, size_t len, size_t *start)
{
	size_t i = f->pos;

	for (; i < len; i++) {
		char ch = buf[i];

		if (f->depth == 0) {
			if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
				continue;
			if (ch != '{' && ch != '[') {
				f->pos = i;
				return -1;
			}
			f->start = i;
			f->depth = 1;
			continue;
		}
		if (f->in_str) {
			if (f->esc)
				f->esc = false;
			else if (ch == '\\')
				f->esc = true;
			else if (ch == '"')
				f->in_str = false;
			continue;
		}
		if (ch == '"') {
			f->in_str = true;
		} else if (ch == '{' || ch == '[') {
			f->depth++;
		} else if ((ch == '}' || ch == ']') && --f->depth == 0) {
			f->pos = i + 1;
			*start = f->start;
			return (long)(i + 1 - f->start);
		}
	}
	f->pos = len;
	return 0;
}

size_t rpc_codec_frame_done(const struct rpc_codec_framer *f)
{
	return f->depth ? f->start : f->pos;
}

void rpc_codec_frame_drop(struct rpc_codec_framer *f, size_t n)
{
	f->pos -= n;
	if (f->depth)
		f->start -= n;
}
