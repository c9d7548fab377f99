/*
 * tokens — the token metadata cache. Entries live in one fixed array
 * allocated up front, so a pending request can point at its entry: an entry
 * waiting for an answer is never evicted, and tokens_free cancels every
 * request before the array goes away.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/abi.h"
#include "common/hex.h"
#include "common/loop.h"
#include "common/text.h"
#include "common/tokens.h"
#include "common/xalloc.h"

enum slot_state {
	SLOT_FREE = 0,
	SLOT_PENDING,
	SLOT_KNOWN,
	SLOT_NOT_TOKEN,
	SLOT_FAILED
};

struct slot {
	enum slot_state state;
	uint8_t addr[ADDRESS_SIZE];
	uint64_t call_id;       /* SLOT_PENDING: the batch in flight */
	uint64_t retry_at_ms;   /* SLOT_NOT_TOKEN, SLOT_FAILED */
	uint64_t last_used;     /* tick of the last tokens_get, for eviction */
	struct token_meta meta;
	struct tokens *owner;
};

struct tokens {
	struct rpc_client *rpc;
	void (*changed)(void *ud);
	void *ud;
	uint64_t not_token_retry_ms;
	uint64_t failure_retry_ms;
	uint64_t tick;
	size_t cap;
	struct slot *slots;
};

/* The three calls of a batch, in this order. */
static const char *const CALLS[3] = { "symbol()", "decimals()", "name()" };

struct tokens *tokens_new(struct rpc_client *rpc, void (*changed)(void *ud), void *ud)
{
	struct tokens *t = xcalloc(1, sizeof(*t));

	t->cap = TOKENS_DEFAULT_CAPACITY;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	t->rpc = rpc;
	t->changed = changed;
	t->ud = ud;
	t->not_token_retry_ms = TOKENS_DEFAULT_NOT_TOKEN_RETRY_MS;
	t->failure_retry_ms = TOKENS_DEFAULT_FAILURE_RETRY_MS;
	return t;
}

void tokens_free(struct tokens *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].state == SLOT_PENDING && t->rpc)
			rpc_cancel(t->rpc, t->slots[i].call_id);
	free(t->slots);
	free(t);
}

void tokens_set_retry(struct tokens *t, uint64_t not_token_ms, uint64_t failure_ms)
{
	if (!t)
		return;
	if (not_token_ms)
		t->not_token_retry_ms = not_token_ms;
	if (failure_ms)
		t->failure_retry_ms = failure_ms;
}

static void mark_failed(struct tokens *t, struct slot *s)
{
	s->state = SLOT_FAILED;
	s->call_id = 0;
	s->retry_at_ms = loop_now_ms() + t->failure_retry_ms;
	memset(&s->meta, 0, sizeof(s->meta));
	s->meta.state = TOKENS_FAILED;
}

/* ---- reading the answers ------------------------------------------------------------------ */

/* The bytes of an eth_call result ("0x..."), malloc'd; NULL when it is not hex data. */
static uint8_t *result_bytes(const struct rpc_reply *r, size_t *len)
{
	const char *s;
	size_t n;
	uint8_t *b;

	if (r->status != RPC_OK || !cJSON_IsString(r->result))
		return NULL;
	s = r->result->valuestring;
	n = strlen(s);
	b = xmalloc(n / 2 + 1);
	if (hex_decode(b, n / 2 + 1, len, s, n) != CD_OK) {
		free(b);
		return NULL;
	}
	return b;
}

/* symbol() / name(): an ABI string, or (old tokens) a bytes32 padded with NULs. */
static bool read_text(const uint8_t *d, size_t len, char *out, size_t cap)
{
	const uint8_t *p;
	size_t n;

	if (abi_decode_bytes(d, len, 0, &p, &n) != CD_OK) {
		if (len != 32)
			return false;
		p = d;
		n = 0;
		while (n < 32 && d[n] != 0)
			n++;
	}
	if (n == 0)
		return false;
	text_sanitize(out, cap, (const char *)p, n);
	return true;
}

static bool read_decimals(const uint8_t *d, size_t len, uint8_t *out)
{
	struct u256 v;
	uint64_t small;

	if (abi_decode_uint(d, len, 0, 256, &v) != CD_OK || u256_to_u64(v, &small) != 0 || small > 255)
		return false;
	*out = (uint8_t)small;
	return true;
}

static void on_batch(void *ud, const struct rpc_response *res)
{
	struct slot *s = ud;
	struct tokens *t = s->owner;
	struct token_meta m;
	bool answered = false;

	memset(&m, 0, sizeof(m));
	s->call_id = 0;
	if (res->status == RPC_OK && res->n == 3) {
		for (size_t i = 0; i < 3; i++) {
			const struct rpc_reply *r = &res->reply[i];
			size_t len = 0;
			uint8_t *d;

			answered = answered || r->status == RPC_OK || r->status == RPC_EREMOTE;
			d = result_bytes(r, &len);
			if (!d)
				continue;
			if (i == 0)
				m.has_symbol = read_text(d, len, m.symbol, sizeof(m.symbol));
			else if (i == 1)
				m.has_decimals = read_decimals(d, len, &m.decimals);
			else
				m.has_name = read_text(d, len, m.name, sizeof(m.name));
			free(d);
		}
	}
	if (m.has_symbol || m.has_decimals) {
		s->state = SLOT_KNOWN;
		m.state = TOKENS_KNOWN;
	} else if (answered) {
		s->state = SLOT_NOT_TOKEN;
		s->retry_at_ms = loop_now_ms() + t->not_token_retry_ms;
		memset(&m, 0, sizeof(m));
		m.state = TOKENS_NOT_TOKEN;
	} else {
		mark_failed(t, s);
		m = s->meta;
	}
	s->meta = m;
	if (t->changed)
		t->changed(t->ud);
}

/* ---- asking ----------------------------------------------------------------------------- */

static int send_request(struct tokens *t, struct slot *s)
{
	struct rpc_batch *b;
	char to[2 * ADDRESS_SIZE + 3];
	uint64_t id;

	if (!t->rpc) {
		mark_failed(t, s);
		return TOKENS_FAILED;
	}
	b = rpc_batch_new();
	hex_encode(to, sizeof(to), s->addr, ADDRESS_SIZE, 1);
	for (size_t i = 0; i < 3; i++) {
		uint8_t sel[ABI_SELECTOR_SIZE];
		char data[2 * ABI_SELECTOR_SIZE + 3];
		cJSON *call = cJSON_CreateObject(), *params = cJSON_CreateArray();

		if (!call || !params || abi_selector(CALLS[i], sel) != CD_OK) {
			cJSON_Delete(call);
			cJSON_Delete(params);
			rpc_batch_free(b);
			return CD_ENOMEM;
		}
		hex_encode(data, sizeof(data), sel, sizeof(sel), 1);
		cJSON_AddStringToObject(call, "to", to);
		cJSON_AddStringToObject(call, "data", data);
		cJSON_AddItemToArray(params, call);
		cJSON_AddItemToArray(params, cJSON_CreateString("latest"));
		if (rpc_batch_add(b, "eth_call", params) != 0) {
			rpc_batch_free(b);
			return CD_ENOMEM;
		}
	}
	s->owner = t;
	s->state = SLOT_PENDING;
	memset(&s->meta, 0, sizeof(s->meta));
	s->meta.state = TOKENS_PENDING;
	id = rpc_batch_send(t->rpc, b, on_batch, s);
	if (id == 0) {
		mark_failed(t, s);
		return TOKENS_FAILED;
	}
	/* rpc never calls back from inside send, but if it did the slot is already settled. */
	if (s->state == SLOT_PENDING)
		s->call_id = id;
	return TOKENS_REQUESTED;
}

static struct slot *find(struct tokens *t, const uint8_t addr[ADDRESS_SIZE])
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].state != SLOT_FREE && memcmp(t->slots[i].addr, addr, ADDRESS_SIZE) == 0)
			return &t->slots[i];
	return NULL;
}

/* A free slot, or the least recently used one that is not waiting for an answer. */
static struct slot *take_slot(struct tokens *t)
{
	struct slot *victim = NULL;

	for (size_t i = 0; i < t->cap; i++) {
		struct slot *s = &t->slots[i];

		if (s->state == SLOT_FREE)
			return s;
		if (s->state != SLOT_PENDING && (!victim || s->last_used < victim->last_used))
			victim = s;
	}
	if (victim)
		memset(victim, 0, sizeof(*victim));
	return victim;
}

int tokens_get(struct tokens *t, const uint8_t addr[ADDRESS_SIZE], struct token_meta *out)
{
	struct slot *s;
	int rc;

	if (!t || !addr || !out)
		return CD_EINVAL;
	memset(out, 0, sizeof(*out));
	s = find(t, addr);
	if (s) {
		s->last_used = ++t->tick;
		if ((s->state == SLOT_NOT_TOKEN || s->state == SLOT_FAILED) && loop_now_ms() >= s->retry_at_ms) {
			rc = send_request(t, s);
			*out = s->meta;
			return rc;
		}
		*out = s->meta;
		return s->meta.state;
	}
	s = take_slot(t);
	if (!s) {
		out->state = TOKENS_BUSY;
		return TOKENS_BUSY;
	}
	memcpy(s->addr, addr, ADDRESS_SIZE);
	s->last_used = ++t->tick;
	rc = send_request(t, s);
	if (rc == CD_ENOMEM) {
		memset(s, 0, sizeof(*s));
		return rc;
	}
	*out = s->meta;
	return rc;
}

/* ---- display ------------------------------------------------------------------------------- */

/* Copies an integer with thousands separators: "1234567" → "1,234,567". */
static size_t group_digits(char *out, const char *digits, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	return o;
}

int tokens_format_amount(const struct token_meta *meta, struct u256 amount, char *buf, size_t cap)
{
	/* decimals ≤ 255: "0." + 255 digits; 78 integer digits grouped need 104. */
	char num[2 + 255 + 1], text[400];
	size_t len;
	const char *dot;

	if (!buf || cap == 0)
		return CD_ESPACE;
	if (meta && meta->state == TOKENS_KNOWN && meta->has_decimals) {
		size_t intlen;

		if (u256_format_units(amount, meta->decimals, num, sizeof(num)) < 0)
			num[0] = '\0';
		dot = strchr(num, '.');
		intlen = dot ? (size_t)(dot - num) : strlen(num);
		len = group_digits(text, num, intlen);
		if (dot) {
			memcpy(text + len, dot, strlen(dot));
			len += strlen(dot);
		}
		text[len] = '\0';
		if (meta->has_symbol) {
			text[len++] = ' ';
			memcpy(text + len, meta->symbol, strlen(meta->symbol) + 1);
			len += strlen(meta->symbol);
		}
	} else {
		u256_format_dec(amount, num, sizeof(num));
		len = (size_t)snprintf(text, sizeof(text), "%s units", num);
	}
	if (len < cap) {
		memcpy(buf, text, len + 1);
		return (int)len;
	}
	text_sanitize(buf, cap, text, len);
	return CD_ESPACE;
}

int tokens_format_amount_fit(const struct token_meta *meta, struct u256 amount, size_t width, char *buf, size_t cap)
{
	char text[400];
	int n = tokens_format_amount(meta, amount, text, sizeof(text));
	size_t len, numlen, intlen, keep;
	const char *sp, *dot;

	if (n < 0)
		return CD_ESPACE;
	len = (size_t)n;
	sp = strchr(text, ' ');
	numlen = sp ? (size_t)(sp - text) : len;
	dot = memchr(text, '.', numlen);
	intlen = dot ? (size_t)(dot - text) : numlen;
	if (len > width && dot && width > len - numlen + 3 && (keep = width - (len - numlen) - 3) > intlen + 1) {
		/* "1,234.5678901234 CDT" → "1,234.56... CDT": digits dropped, marked, the symbol whole */
		char cut[400];
		int m = snprintf(cut, sizeof(cut), "%.*s...%s", (int)keep, text, text + numlen);

		if (m < 0 || (size_t)m >= cap)
			return CD_ESPACE;
		memcpy(buf, cut, (size_t)m + 1);
		return m;
	}
	if (len >= cap)
		return CD_ESPACE;
	memcpy(buf, text, len + 1);
	return (int)len;
}

cJSON *tokens_balance_params(const uint8_t token[ADDRESS_SIZE], const uint8_t owner[ADDRESS_SIZE])
{
	struct abi_value arg = { .kind = ABI_ADDRESS };
	uint8_t data[4 + 32];
	size_t len = 0;
	char to[2 * ADDRESS_SIZE + 3], hexdata[2 * sizeof(data) + 3];
	cJSON *call = cJSON_CreateObject(), *p = cJSON_CreateArray();

	if (!call || !p) {
		cJSON_Delete(call);
		cJSON_Delete(p);
		return NULL;
	}
	memcpy(arg.addr.b, owner, ADDRESS_SIZE);
	abi_encode_call(data, sizeof(data), &len, "balanceOf(address)", &arg, 1);
	hex_encode(to, sizeof(to), token, ADDRESS_SIZE, 1);
	hex_encode(hexdata, sizeof(hexdata), data, len, 1);
	cJSON_AddStringToObject(call, "to", to);
	cJSON_AddStringToObject(call, "data", hexdata);
	cJSON_AddItemToArray(p, call);
	cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
	return p;
}

bool tokens_balance_decode(const cJSON *result, struct u256 *out)
{
	uint8_t word[64];
	size_t len = 0;

	return cJSON_IsString(result) &&
	       hex_decode(word, sizeof(word), &len, result->valuestring, strlen(result->valuestring)) == CD_OK &&
	       len == 32 && u256_from_be(out, word, 32) == CD_OK;
}

cJSON *tokens_call_params(const uint8_t token[ADDRESS_SIZE], const char *signature)
{
	uint8_t sel[ABI_SELECTOR_SIZE];
	char to[2 * ADDRESS_SIZE + 3], data[2 * ABI_SELECTOR_SIZE + 3];
	cJSON *call = cJSON_CreateObject(), *p = cJSON_CreateArray();

	if (!call || !p || abi_selector(signature, sel) != CD_OK) {
		cJSON_Delete(call);
		cJSON_Delete(p);
		return NULL;
	}
	hex_encode(to, sizeof(to), token, ADDRESS_SIZE, 1);
	hex_encode(data, sizeof(data), sel, sizeof(sel), 1);
	cJSON_AddStringToObject(call, "to", to);
	cJSON_AddStringToObject(call, "data", data);
	cJSON_AddItemToArray(p, call);
	cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
	return p;
}

/* The bytes of an eth_call result, malloc'd; NULL when it is not hex data. */
static uint8_t *json_bytes(const cJSON *result, size_t *len)
{
	struct rpc_reply r = { .status = RPC_OK, .result = result };

	return result_bytes(&r, len);
}

bool tokens_decimals_decode(const cJSON *result, uint8_t *out)
{
	size_t len = 0;
	uint8_t *d = json_bytes(result, &len);
	bool ok = d && len == 32 && read_decimals(d, len, out);

	free(d);
	return ok;
}

bool tokens_symbol_decode(const cJSON *result, char *out, size_t cap)
{
	size_t len = 0;
	uint8_t *d = json_bytes(result, &len);
	bool ok = d && read_text(d, len, out, cap);

	free(d);
	return ok;
}
