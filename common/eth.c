/*
 * eth — decoders from JSON-RPC results to typed structs.
 *
 * A decoder carries a struct dec: the first failure records a status and a
 * message ("<path><field>: <why>") and every later step becomes a no-op, so
 * the decoding code reads as a list of fields. The public functions free
 * whatever was built when d.rc is set, leaving the output zeroed.
 */
#include "common/eth.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/xalloc.h"

/* "0x" and 64 digits: the longest quantity accepted (leading zeros included). */
enum { QUANTITY_MAX_CHARS = 66, PPM = 1000000 };

struct dec {
	int rc;
	char *err;
	size_t errlen;
	char path[96]; /* "transactions[3].accessList[0]." */
};

static void dec_init(struct dec *d, char *err, size_t errlen)
{
	d->rc = CD_OK;
	d->err = err;
	d->errlen = err ? errlen : 0;
	d->path[0] = '\0';
	if (d->errlen)
		err[0] = '\0';
}

/* Records the first failure; field may be NULL for "the value at path". */
__attribute__((format(printf, 4, 5)))
static void fail(struct dec *d, int rc, const char *field, const char *fmt, ...)
{
	char why[64];
	va_list ap;
	size_t plen;

	if (d->rc)
		return;
	d->rc = rc;
	if (!d->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	plen = strlen(d->path);
	if (field)
		snprintf(d->err, d->errlen, "%s%s: %s", d->path, field, why);
	else if (plen)
		snprintf(d->err, d->errlen, "%.*s: %s", (int)(plen - 1), d->path, why);
	else
		snprintf(d->err, d->errlen, "result: %s", why);
}

/* Appends "name[i]." to the path; returns the mark to restore with pop(). */
static size_t push(struct dec *d, const char *name, size_t i)
{
	size_t mark = strlen(d->path);

	snprintf(d->path + mark, sizeof(d->path) - mark, "%s[%zu].", name, i);
	return mark;
}

static void pop(struct dec *d, size_t mark)
{
	d->path[mark] = '\0';
}

static const cJSON *member(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* Whether an optional member is there: absent and null both count as not set. */
static bool present(const cJSON *v)
{
	return v && !cJSON_IsNull(v);
}

static size_t array_len(const cJSON *a)
{
	const cJSON *e;
	size_t n = 0;

	cJSON_ArrayForEach(e, a)
		n++;
	return n;
}

/* xcalloc that treats 0 elements, or a decode that already failed, as "nothing" (NULL). */
static void *alloc_array(struct dec *d, size_t n, size_t size)
{
	if (d->rc || n == 0)
		return NULL;
	return xcalloc(n, size);
}

/* The text of a JSON string value, or NULL after recording why not. */
static const char *string_of(struct dec *d, const cJSON *v, const char *field)
{
	if (d->rc)
		return NULL;
	if (!v) {
		fail(d, CD_EPROTO, field, "missing");
		return NULL;
	}
	if (cJSON_IsNull(v)) {
		fail(d, CD_EPROTO, field, "null");
		return NULL;
	}
	if (!cJSON_IsString(v) || !v->valuestring) {
		fail(d, CD_EPROTO, field, "not a string");
		return NULL;
	}
	return v->valuestring;
}

/* ---- values ---- */

static void val_u256(struct dec *d, const cJSON *v, const char *field, struct u256 *out)
{
	const char *s = string_of(d, v, field);
	size_t len;
	int rc;

	if (!s)
		return;
	len = strlen(s);
	if (len > QUANTITY_MAX_CHARS) {
		fail(d, CD_EPROTO, field, "quantity too long");
		return;
	}
	rc = u256_parse_hex(out, s, len);
	if (rc == CD_ERANGE)
		fail(d, CD_EPROTO, field, "exceeds 256 bits");
	else if (rc != CD_OK)
		fail(d, CD_EPROTO, field, "not a hex quantity");
}

static void val_u64(struct dec *d, const cJSON *v, const char *field, uint64_t *out)
{
	struct u256 x = {{0}};

	val_u256(d, v, field, &x);
	if (d->rc)
		return;
	if (u256_to_u64(x, out) != CD_OK)
		fail(d, CD_EPROTO, field, "exceeds 64 bits");
}

/* DATA of exactly n bytes ("0x" required). */
static void val_fixed(struct dec *d, const cJSON *v, const char *field, uint8_t *out, size_t n)
{
	const char *s = string_of(d, v, field);
	size_t len;

	if (!s)
		return;
	len = strlen(s);
	if (len < 2 || s[0] != '0' || s[1] != 'x' || hex_decode_exact(out, n, s, len) != CD_OK)
		fail(d, CD_EPROTO, field, "not %zu bytes of hex", n);
}

/* DATA of any length into a malloc'd buffer (NULL when empty). */
static void val_data(struct dec *d, const cJSON *v, const char *field, uint8_t **out, size_t *outlen)
{
	const char *s = string_of(d, v, field);
	size_t len, n;
	uint8_t *buf;

	if (!s)
		return;
	len = strlen(s);
	if (len < 2 || s[0] != '0' || s[1] != 'x' || len % 2) {
		fail(d, CD_EPROTO, field, "not hex data");
		return;
	}
	n = (len - 2) / 2;
	buf = alloc_array(d, n, 1);
	if (d->rc)
		return;
	if (n && hex_decode(buf, n, NULL, s, len) != CD_OK) {
		free(buf);
		fail(d, CD_EPROTO, field, "not hex data");
		return;
	}
	*out = buf;
	*outlen = n;
}

static void val_bool(struct dec *d, const cJSON *v, const char *field, bool *out)
{
	if (d->rc)
		return;
	if (!cJSON_IsBool(v)) {
		fail(d, CD_EPROTO, field, v ? "not a boolean" : "missing");
		return;
	}
	*out = cJSON_IsTrue(v);
}

/* Parts per million of a ratio in [0, 1]; the JSON double is clamped, never trusted. */
static void val_ppm(struct dec *d, const cJSON *v, const char *field, uint32_t *out)
{
	double r;

	if (d->rc)
		return;
	if (!cJSON_IsNumber(v)) {
		fail(d, CD_EPROTO, field, v ? "not a number" : "missing");
		return;
	}
	r = v->valuedouble;
	if (!(r > 0.0))        /* also NaN and -inf */
		*out = 0;
	else if (r >= 1.0)     /* also +inf (1e999) */
		*out = PPM;
	else
		*out = (uint32_t)(r * PPM + 0.5);
}

/* ---- members: get_ requires the field, opt_ sets *has when present and not null ---- */

static void get_u64(struct dec *d, const cJSON *o, const char *key, uint64_t *out)
{
	val_u64(d, member(o, key), key, out);
}

static void get_u256(struct dec *d, const cJSON *o, const char *key, struct u256 *out)
{
	val_u256(d, member(o, key), key, out);
}

static void get_fixed(struct dec *d, const cJSON *o, const char *key, uint8_t *out, size_t n)
{
	val_fixed(d, member(o, key), key, out, n);
}

static void opt_u64(struct dec *d, const cJSON *o, const char *key, uint64_t *out, bool *has)
{
	const cJSON *v = member(o, key);

	*has = present(v);
	if (*has)
		val_u64(d, v, key, out);
}

static void opt_u256(struct dec *d, const cJSON *o, const char *key, struct u256 *out, bool *has)
{
	const cJSON *v = member(o, key);

	*has = present(v);
	if (*has)
		val_u256(d, v, key, out);
}

static void opt_fixed(struct dec *d, const cJSON *o, const char *key, uint8_t *out, size_t n, bool *has)
{
	const cJSON *v = member(o, key);

	*has = present(v);
	if (*has)
		val_fixed(d, v, key, out, n);
}

/* An optional array member; NULL when absent or null, failure when another type. */
static const cJSON *opt_array(struct dec *d, const cJSON *o, const char *key)
{
	const cJSON *v = member(o, key);

	if (d->rc || !present(v))
		return NULL;
	if (!cJSON_IsArray(v)) {
		fail(d, CD_EPROTO, key, "not an array");
		return NULL;
	}
	return v;
}

static const cJSON *get_array(struct dec *d, const cJSON *o, const char *key)
{
	const cJSON *v = opt_array(d, o, key);

	if (!v && !d->rc)
		fail(d, CD_EPROTO, key, member(o, key) ? "null" : "missing");
	return v;
}

/* An array of 32-byte hashes into a malloc'd array. */
static void hash_list(struct dec *d, const cJSON *arr, const char *key,
                      uint8_t (**out)[ETH_HASH_LEN], size_t *count)
{
	size_t n = array_len(arr), i = 0;
	uint8_t (*h)[ETH_HASH_LEN];
	const cJSON *e;

	h = alloc_array(d, n, sizeof(*h));
	if (d->rc)
		return;
	cJSON_ArrayForEach(e, arr) {
		char label[48];

		snprintf(label, sizeof(label), "%s[%zu]", key, i);
		val_fixed(d, e, label, h[i], ETH_HASH_LEN);
		i++;
	}
	if (d->rc) {
		free(h);
		return;
	}
	*out = h;
	*count = n;
}

/* A quantity that must be a type byte (EIP-2718: below 0x80). Absent means legacy. */
static void tx_type(struct dec *d, const cJSON *o, unsigned *out)
{
	uint64_t t = 0;
	bool has;

	opt_u64(d, o, "type", &t, &has);
	if (d->rc)
		return;
	if (t >= 0x80) {
		fail(d, CD_EPROTO, "type", "out of range");
		return;
	}
	*out = (unsigned)t;
}

static bool want_object(struct dec *d, const cJSON *v)
{
	if (d->rc)
		return false;
	if (!cJSON_IsObject(v)) {
		fail(d, CD_EPROTO, NULL, v ? "not an object" : "missing");
		return false;
	}
	return true;
}

/* ---- transactions ---- */

static void access_list_free(struct eth_access_entry *list, size_t n)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; i < n; i++)
		free(list[i].keys);
	free(list);
}

void eth_tx_free(struct eth_tx *t)
{
	if (!t)
		return;
	free(t->input);
	free(t->blob_hashes);
	access_list_free(t->access_list, t->access_list_count);
	memset(t, 0, sizeof(*t));
}

static void dec_access_list(struct dec *d, const cJSON *arr, struct eth_tx *t)
{
	size_t n = array_len(arr), i = 0, mark;
	struct eth_access_entry *list;
	const cJSON *e;

	list = alloc_array(d, n, sizeof(*list));
	if (d->rc)
		return;
	/* Stored first so eth_tx_free releases a half-built list. */
	t->access_list = list;
	t->access_list_count = n;
	cJSON_ArrayForEach(e, arr) {
		mark = push(d, "accessList", i);
		if (want_object(d, e)) {
			get_fixed(d, e, "address", list[i].address, ETH_ADDR_LEN);
			hash_list(d, get_array(d, e, "storageKeys"), "storageKeys",
			          &list[i].keys, &list[i].key_count);
		}
		pop(d, mark);
		if (d->rc)
			return;
		i++;
	}
}

/* Checks the fields a known envelope type cannot do without. */
static void tx_require(struct dec *d, const struct eth_tx *t, bool has_authorizations)
{
	const char *missing = NULL;

	if (d->rc)
		return;
	switch (t->type) {
	case ETH_TX_LEGACY:
		if (!t->has_gas_price)
			missing = "gasPrice";
		else if (!t->has_v)
			missing = "v";
		break;
	case ETH_TX_ACCESS_LIST:
		if (!t->has_gas_price)
			missing = "gasPrice";
		break;
	case ETH_TX_DYNAMIC_FEE:
	case ETH_TX_BLOB:
	case ETH_TX_SET_CODE:
		if (!t->has_max_fees)
			missing = "maxFeePerGas";
		break;
	default:
		return; /* an L2's own type: only the common fields are known */
	}
	if (!missing && t->type != ETH_TX_LEGACY) {
		if (!t->has_chain_id)
			missing = "chainId";
		else if (!t->has_access_list)
			missing = "accessList";
		else if (!t->has_v && !t->has_y_parity)
			missing = "yParity";
	}
	if (!missing && !t->has_signature)
		missing = "r";
	if (!missing && t->type == ETH_TX_BLOB) {
		if (!t->has_max_fee_per_blob_gas)
			missing = "maxFeePerBlobGas";
		else if (!t->blob_hashes)
			missing = "blobVersionedHashes";
	}
	if (!missing && t->type == ETH_TX_SET_CODE && !has_authorizations)
		missing = "authorizationList";
	if (!missing && (t->type == ETH_TX_BLOB || t->type == ETH_TX_SET_CODE) && !t->has_to)
		missing = "to";
	if (missing)
		fail(d, CD_EPROTO, missing, "missing for type %u", t->type);
}

static void dec_tx(struct dec *d, const cJSON *o, struct eth_tx *t)
{
	bool has_max, has_prio, has_r, has_s, has_bh, has_bn, has_ti;
	const cJSON *arr, *auths = NULL;
	uint64_t yp = 0;

	if (!want_object(d, o))
		return;
	tx_type(d, o, &t->type);
	get_fixed(d, o, "hash", t->hash, ETH_HASH_LEN);
	get_fixed(d, o, "from", t->from, ETH_ADDR_LEN);
	opt_fixed(d, o, "to", t->to, ETH_ADDR_LEN, &t->has_to);
	get_u64(d, o, "nonce", &t->nonce);
	get_u64(d, o, "gas", &t->gas);
	get_u256(d, o, "value", &t->value);
	val_data(d, member(o, "input"), "input", &t->input, &t->input_len);

	opt_u256(d, o, "gasPrice", &t->gas_price, &t->has_gas_price);
	opt_u256(d, o, "maxFeePerGas", &t->max_fee_per_gas, &has_max);
	opt_u256(d, o, "maxPriorityFeePerGas", &t->max_priority_fee_per_gas, &has_prio);
	if (!d->rc && has_max != has_prio)
		fail(d, CD_EPROTO, has_max ? "maxPriorityFeePerGas" : "maxFeePerGas", "missing");
	t->has_max_fees = has_max && has_prio;
	opt_u256(d, o, "maxFeePerBlobGas", &t->max_fee_per_blob_gas, &t->has_max_fee_per_blob_gas);
	opt_u64(d, o, "chainId", &t->chain_id, &t->has_chain_id);

	arr = opt_array(d, o, "accessList");
	t->has_access_list = arr != NULL;
	if (arr)
		dec_access_list(d, arr, t);
	arr = opt_array(d, o, "blobVersionedHashes");
	if (arr)
		hash_list(d, arr, "blobVersionedHashes", &t->blob_hashes, &t->blob_hash_count);
	if (!d->rc && arr && !t->blob_hashes && t->type == ETH_TX_BLOB)
		fail(d, CD_EPROTO, "blobVersionedHashes", "empty");
	auths = opt_array(d, o, "authorizationList");
	if (auths) {
		const cJSON *e;

		cJSON_ArrayForEach(e, auths) {
			if (!cJSON_IsObject(e))
				fail(d, CD_EPROTO, "authorizationList", "entry not an object");
			t->authorization_count++;
		}
	}

	opt_u256(d, o, "v", &t->v, &t->has_v);
	opt_u256(d, o, "r", &t->r, &has_r);
	opt_u256(d, o, "s", &t->s, &has_s);
	if (!d->rc && has_r != has_s)
		fail(d, CD_EPROTO, has_r ? "s" : "r", "missing");
	t->has_signature = has_r && has_s;
	opt_u64(d, o, "yParity", &yp, &t->has_y_parity);
	if (!d->rc && yp > 1)
		fail(d, CD_EPROTO, "yParity", "not 0 or 1");
	t->y_parity = (uint8_t)yp;

	opt_fixed(d, o, "blockHash", t->block_hash, ETH_HASH_LEN, &has_bh);
	opt_u64(d, o, "blockNumber", &t->block_number, &has_bn);
	opt_u64(d, o, "transactionIndex", &t->tx_index, &has_ti);
	if (!d->rc && !(has_bh == has_bn && has_bn == has_ti))
		fail(d, CD_EPROTO, has_bh ? (has_bn ? "transactionIndex" : "blockNumber") : "blockHash",
		     "null while the block is known");
	t->has_block = has_bh && has_bn && has_ti;
	tx_require(d, t, auths != NULL);
}

int eth_decode_tx(const cJSON *j, struct eth_tx *out, char *err, size_t errlen)
{
	struct dec d;

	dec_init(&d, err, errlen);
	if (!out)
		return CD_EPROTO;
	memset(out, 0, sizeof(*out));
	if (cJSON_IsNull(j)) {
		fail(&d, CD_ENOTFOUND, NULL, "null (no such transaction)");
		return d.rc;
	}
	dec_tx(&d, j, out);
	if (d.rc)
		eth_tx_free(out);
	return d.rc;
}

/* ---- logs ---- */

void eth_log_free(struct eth_log *l)
{
	if (!l)
		return;
	free(l->data);
	memset(l, 0, sizeof(*l));
}

void eth_logs_free(struct eth_log *logs, size_t count)
{
	size_t i;

	if (!logs)
		return;
	for (i = 0; i < count; i++)
		eth_log_free(&logs[i]);
	free(logs);
}

static void dec_log(struct dec *d, const cJSON *o, struct eth_log *l)
{
	bool has_bh, has_bn, has_th, has_ti;
	const cJSON *topics, *removed, *e;

	if (!want_object(d, o))
		return;
	get_fixed(d, o, "address", l->address, ETH_ADDR_LEN);
	topics = get_array(d, o, "topics");
	if (!d->rc && array_len(topics) > ETH_MAX_TOPICS)
		fail(d, CD_EPROTO, "topics", "more than %d", ETH_MAX_TOPICS);
	if (!d->rc) {
		cJSON_ArrayForEach(e, topics) {
			char label[16];

			snprintf(label, sizeof(label), "topics[%zu]", l->topic_count);
			val_fixed(d, e, label, l->topics[l->topic_count], ETH_HASH_LEN);
			l->topic_count++;
		}
	}
	val_data(d, member(o, "data"), "data", &l->data, &l->data_len);
	opt_fixed(d, o, "blockHash", l->block_hash, ETH_HASH_LEN, &has_bh);
	opt_u64(d, o, "blockNumber", &l->block_number, &has_bn);
	opt_fixed(d, o, "transactionHash", l->tx_hash, ETH_HASH_LEN, &has_th);
	opt_u64(d, o, "transactionIndex", &l->tx_index, &has_ti);
	opt_u64(d, o, "logIndex", &l->log_index, &l->has_log_index);
	if (!d->rc && has_bh != has_bn)
		fail(d, CD_EPROTO, has_bh ? "blockNumber" : "blockHash", "null while the block is known");
	if (!d->rc && has_th != has_ti)
		fail(d, CD_EPROTO, has_th ? "transactionIndex" : "transactionHash",
		     "null while the transaction is known");
	l->has_block = has_bh && has_bn;
	l->has_tx = has_th && has_ti;
	removed = member(o, "removed");
	if (present(removed))
		val_bool(d, removed, "removed", &l->removed);
}

int eth_decode_log(const cJSON *j, struct eth_log *out, char *err, size_t errlen)
{
	struct dec d;

	dec_init(&d, err, errlen);
	if (!out)
		return CD_EPROTO;
	memset(out, 0, sizeof(*out));
	dec_log(&d, j, out);
	if (d.rc)
		eth_log_free(out);
	return d.rc;
}

/* An array of logs; on failure nothing is left allocated. */
static void dec_log_list(struct dec *d, const cJSON *arr, const char *key,
                         struct eth_log **out, size_t *count)
{
	size_t n = array_len(arr), i = 0, mark;
	struct eth_log *logs;
	const cJSON *e;

	logs = alloc_array(d, n, sizeof(*logs));
	if (d->rc)
		return;
	cJSON_ArrayForEach(e, arr) {
		mark = push(d, key, i);
		dec_log(d, e, &logs[i]);
		pop(d, mark);
		if (d->rc)
			break;
		i++;
	}
	if (d->rc) {
		eth_logs_free(logs, n);
		return;
	}
	*out = logs;
	*count = n;
}

int eth_decode_logs(const cJSON *j, struct eth_log **out, size_t *count, char *err, size_t errlen)
{
	struct dec d;

	dec_init(&d, err, errlen);
	if (!out || !count)
		return CD_EPROTO;
	*out = NULL;
	*count = 0;
	if (!cJSON_IsArray(j)) {
		fail(&d, CD_EPROTO, NULL, j ? "not an array" : "missing");
		return d.rc;
	}
	/* Log paths read "logs[3].data", as in a receipt. */
	dec_log_list(&d, j, "logs", out, count);
	return d.rc;
}

/* ---- receipts ---- */

void eth_receipt_free(struct eth_receipt *r)
{
	if (!r)
		return;
	eth_logs_free(r->logs, r->log_count);
	memset(r, 0, sizeof(*r));
}

static void dec_receipt(struct dec *d, const cJSON *o, struct eth_receipt *r)
{
	uint64_t status = 0;

	if (!want_object(d, o))
		return;
	get_fixed(d, o, "transactionHash", r->tx_hash, ETH_HASH_LEN);
	get_u64(d, o, "transactionIndex", &r->tx_index);
	get_fixed(d, o, "blockHash", r->block_hash, ETH_HASH_LEN);
	get_u64(d, o, "blockNumber", &r->block_number);
	get_fixed(d, o, "from", r->from, ETH_ADDR_LEN);
	opt_fixed(d, o, "to", r->to, ETH_ADDR_LEN, &r->has_to);
	tx_type(d, o, &r->type);
	get_u64(d, o, "cumulativeGasUsed", &r->cumulative_gas_used);
	get_u64(d, o, "gasUsed", &r->gas_used);
	opt_u256(d, o, "effectiveGasPrice", &r->effective_gas_price, &r->has_effective_gas_price);
	opt_fixed(d, o, "contractAddress", r->contract_address, ETH_ADDR_LEN, &r->has_contract_address);
	opt_u64(d, o, "status", &status, &r->has_status);
	if (!d->rc && status > 1)
		fail(d, CD_EPROTO, "status", "not 0 or 1");
	r->status = (uint8_t)status;
	opt_fixed(d, o, "root", r->root, ETH_HASH_LEN, &r->has_root);
	if (!d->rc && !r->has_status && !r->has_root)
		fail(d, CD_EPROTO, "status", "missing (and no root)");
	get_fixed(d, o, "logsBloom", r->logs_bloom, ETH_BLOOM_LEN);
	opt_u64(d, o, "blobGasUsed", &r->blob_gas_used, &r->has_blob_gas_used);
	opt_u256(d, o, "blobGasPrice", &r->blob_gas_price, &r->has_blob_gas_price);
	dec_log_list(d, get_array(d, o, "logs"), "logs", &r->logs, &r->log_count);
}

int eth_decode_receipt(const cJSON *j, struct eth_receipt *out, char *err, size_t errlen)
{
	struct dec d;

	dec_init(&d, err, errlen);
	if (!out)
		return CD_EPROTO;
	memset(out, 0, sizeof(*out));
	if (cJSON_IsNull(j)) {
		fail(&d, CD_ENOTFOUND, NULL, "null (no such receipt)");
		return d.rc;
	}
	dec_receipt(&d, j, out);
	if (d.rc)
		eth_receipt_free(out);
	return d.rc;
}

/* ---- blocks ---- */

void eth_block_free(struct eth_block *b)
{
	size_t i;

	if (!b)
		return;
	free(b->extra_data);
	free(b->withdrawals);
	free(b->tx_hashes);
	if (b->txs) {
		for (i = 0; i < b->tx_count; i++)
			eth_tx_free(&b->txs[i]);
		free(b->txs);
	}
	memset(b, 0, sizeof(*b));
}

/* Transactions as hashes or as objects, decided by the first entry; no mixing. */
static void dec_block_txs(struct dec *d, const cJSON *arr, struct eth_block *b)
{
	size_t n = array_len(arr), i = 0, mark;
	const cJSON *e;

	if (d->rc)
		return;
	if (n == 0 || cJSON_IsString(arr->child)) {
		b->tx_kind = ETH_BLOCK_TX_HASHES;
		hash_list(d, arr, "transactions", &b->tx_hashes, &b->tx_count);
		return;
	}
	b->tx_kind = ETH_BLOCK_TX_FULL;
	b->txs = alloc_array(d, n, sizeof(*b->txs));
	if (d->rc)
		return;
	/* Counted up front so eth_block_free releases every entry begun. */
	b->tx_count = n;
	cJSON_ArrayForEach(e, arr) {
		mark = push(d, "transactions", i);
		dec_tx(d, e, &b->txs[i]);
		pop(d, mark);
		if (d->rc)
			return;
		i++;
	}
}

/* EIP-4895 withdrawals: who the block credits outside any transaction (rewards on proof of stake). */
static void dec_withdrawals(struct dec *d, const cJSON *arr, struct eth_block *b)
{
	const cJSON *e;
	size_t i = 0, n = array_len(arr), mark;

	b->withdrawals = alloc_array(d, n, sizeof(*b->withdrawals));
	if (d->rc)
		return;
	b->withdrawal_count = n;
	cJSON_ArrayForEach(e, arr) {
		struct eth_withdrawal *w = &b->withdrawals[i];

		mark = push(d, "withdrawals", i++);
		if (want_object(d, e)) {
			get_u64(d, e, "index", &w->index);
			get_u64(d, e, "validatorIndex", &w->validator_index);
			get_fixed(d, e, "address", w->address, ETH_ADDR_LEN);
			get_u64(d, e, "amount", &w->amount_gwei);
		}
		pop(d, mark);
		if (d->rc)
			return;
	}
}

static void dec_block(struct dec *d, const cJSON *o, struct eth_block *b, bool need_txs)
{
	bool has_blob_used, has_excess;
	const cJSON *arr;

	if (!want_object(d, o))
		return;
	get_u64(d, o, "number", &b->number);
	opt_fixed(d, o, "hash", b->hash, ETH_HASH_LEN, &b->has_hash);
	get_fixed(d, o, "parentHash", b->parent_hash, ETH_HASH_LEN);
	get_fixed(d, o, "sha3Uncles", b->sha3_uncles, ETH_HASH_LEN);
	get_fixed(d, o, "stateRoot", b->state_root, ETH_HASH_LEN);
	get_fixed(d, o, "transactionsRoot", b->transactions_root, ETH_HASH_LEN);
	get_fixed(d, o, "receiptsRoot", b->receipts_root, ETH_HASH_LEN);
	opt_fixed(d, o, "logsBloom", b->logs_bloom, ETH_BLOOM_LEN, &b->has_logs_bloom);
	opt_fixed(d, o, "miner", b->miner, ETH_ADDR_LEN, &b->has_miner);
	opt_fixed(d, o, "nonce", b->nonce, sizeof(b->nonce), &b->has_nonce);
	opt_fixed(d, o, "mixHash", b->mix_hash, ETH_HASH_LEN, &b->has_mix_hash);
	opt_u256(d, o, "difficulty", &b->difficulty, &b->has_difficulty);
	opt_u256(d, o, "totalDifficulty", &b->total_difficulty, &b->has_total_difficulty);
	val_data(d, member(o, "extraData"), "extraData", &b->extra_data, &b->extra_data_len);
	opt_u64(d, o, "size", &b->size, &b->has_size);
	get_u64(d, o, "gasLimit", &b->gas_limit);
	get_u64(d, o, "gasUsed", &b->gas_used);
	get_u64(d, o, "timestamp", &b->timestamp);
	opt_u256(d, o, "baseFeePerGas", &b->base_fee, &b->has_base_fee);
	opt_fixed(d, o, "withdrawalsRoot", b->withdrawals_root, ETH_HASH_LEN, &b->has_withdrawals_root);
	arr = opt_array(d, o, "withdrawals");
	b->has_withdrawals = arr != NULL;
	if (arr)
		dec_withdrawals(d, arr, b);
	opt_u64(d, o, "blobGasUsed", &b->blob_gas_used, &has_blob_used);
	opt_u64(d, o, "excessBlobGas", &b->excess_blob_gas, &has_excess);
	if (!d->rc && has_blob_used != has_excess)
		fail(d, CD_EPROTO, has_blob_used ? "excessBlobGas" : "blobGasUsed", "missing");
	b->has_blob_gas = has_blob_used && has_excess;
	opt_fixed(d, o, "parentBeaconBlockRoot", b->parent_beacon_root, ETH_HASH_LEN,
	          &b->has_parent_beacon_root);
	opt_fixed(d, o, "requestsHash", b->requests_hash, ETH_HASH_LEN, &b->has_requests_hash);

	arr = opt_array(d, o, "uncles");
	if (arr) {
		uint8_t (*uncles)[ETH_HASH_LEN] = NULL;

		/* Checked as hashes, kept only as a count. */
		hash_list(d, arr, "uncles", &uncles, &b->uncle_count);
		free(uncles);
	}

	arr = need_txs ? get_array(d, o, "transactions") : opt_array(d, o, "transactions");
	if (arr)
		dec_block_txs(d, arr, b);
}

static int decode_block(const cJSON *j, struct eth_block *out, bool need_txs, char *err, size_t errlen)
{
	struct dec d;

	dec_init(&d, err, errlen);
	if (!out)
		return CD_EPROTO;
	memset(out, 0, sizeof(*out));
	if (cJSON_IsNull(j)) {
		fail(&d, CD_ENOTFOUND, NULL, "null (no such block)");
		return d.rc;
	}
	dec_block(&d, j, out, need_txs);
	if (d.rc)
		eth_block_free(out);
	return d.rc;
}

int eth_decode_block(const cJSON *j, struct eth_block *out, char *err, size_t errlen)
{
	return decode_block(j, out, true, err, errlen);
}

int eth_decode_header(const cJSON *j, struct eth_block *out, char *err, size_t errlen)
{
	return decode_block(j, out, false, err, errlen);
}

/* ---- scalars and small results ---- */

int eth_decode_u64(const cJSON *j, uint64_t *out, char *err, size_t errlen)
{
	uint64_t v = 0;
	struct dec d;

	dec_init(&d, err, errlen);
	if (!out)
		return CD_EPROTO;
	val_u64(&d, j, "result", &v);
	*out = d.rc ? 0 : v;
	return d.rc;
}

int eth_decode_u256(const cJSON *j, struct u256 *out, char *err, size_t errlen)
{
	struct u256 v = {{0}};
	struct dec d;

	dec_init(&d, err, errlen);
	if (!out)
		return CD_EPROTO;
	val_u256(&d, j, "result", &v);
	*out = d.rc ? u256_from_u64(0) : v;
	return d.rc;
}

int eth_decode_syncing(const cJSON *j, struct eth_syncing *out, char *err, size_t errlen)
{
	struct dec d;

	dec_init(&d, err, errlen);
	if (!out)
		return CD_EPROTO;
	memset(out, 0, sizeof(*out));
	if (cJSON_IsFalse(j))
		return CD_OK;
	if (!cJSON_IsObject(j)) {
		fail(&d, CD_EPROTO, NULL, "neither false nor an object");
		return d.rc;
	}
	out->syncing = true;
	get_u64(&d, j, "startingBlock", &out->starting_block);
	get_u64(&d, j, "currentBlock", &out->current_block);
	get_u64(&d, j, "highestBlock", &out->highest_block);
	if (d.rc)
		memset(out, 0, sizeof(*out));
	return d.rc;
}

void eth_fee_history_free(struct eth_fee_history *f)
{
	if (!f)
		return;
	free(f->base_fee);
	free(f->gas_used_ratio_ppm);
	free(f->reward);
	free(f->base_fee_per_blob_gas);
	free(f->blob_gas_used_ratio_ppm);
	memset(f, 0, sizeof(*f));
}

/* An array of quantities of exactly n entries into a malloc'd array. */
static struct u256 *u256_list(struct dec *d, const cJSON *arr, const char *key, size_t n)
{
	struct u256 *v;
	const cJSON *e;
	size_t i = 0;

	if (d->rc)
		return NULL;
	if (array_len(arr) != n) {
		fail(d, CD_EPROTO, key, "%zu entries, expected %zu", array_len(arr), n);
		return NULL;
	}
	v = alloc_array(d, n, sizeof(*v));
	cJSON_ArrayForEach(e, arr) {
		char label[48];

		if (d->rc)
			break;
		snprintf(label, sizeof(label), "%s[%zu]", key, i);
		val_u256(d, e, label, &v[i]);
		i++;
	}
	return v;
}

static uint32_t *ppm_list(struct dec *d, const cJSON *arr, const char *key, size_t n)
{
	uint32_t *v;
	const cJSON *e;
	size_t i = 0;

	if (d->rc)
		return NULL;
	v = alloc_array(d, n, sizeof(*v));
	cJSON_ArrayForEach(e, arr) {
		char label[48];

		if (d->rc)
			break;
		snprintf(label, sizeof(label), "%s[%zu]", key, i);
		val_ppm(d, e, label, &v[i]);
		i++;
	}
	return v;
}

static void dec_rewards(struct dec *d, const cJSON *arr, struct eth_fee_history *f)
{
	size_t cols = 0, i = 0, j;
	const cJSON *row, *e;

	if (d->rc)
		return;
	if (array_len(arr) != f->block_count) {
		fail(d, CD_EPROTO, "reward", "%zu rows, expected %zu", array_len(arr), f->block_count);
		return;
	}
	if (f->block_count == 0)
		return;
	if (!cJSON_IsArray(arr->child)) {
		fail(d, CD_EPROTO, "reward[0]", "not an array");
		return;
	}
	cols = array_len(arr->child);
	if (cols > SIZE_MAX / sizeof(struct u256) / f->block_count) {
		fail(d, CD_EPROTO, "reward", "too large");
		return;
	}
	f->reward = alloc_array(d, f->block_count * cols, sizeof(*f->reward));
	f->percentile_count = cols;
	cJSON_ArrayForEach(row, arr) {
		char label[48];

		if (d->rc)
			return;
		snprintf(label, sizeof(label), "reward[%zu]", i);
		if (!cJSON_IsArray(row) || array_len(row) != cols) {
			fail(d, CD_EPROTO, label, "not a row of %zu", cols);
			return;
		}
		j = 0;
		cJSON_ArrayForEach(e, row) {
			snprintf(label, sizeof(label), "reward[%zu][%zu]", i, j);
			val_u256(d, e, label, &f->reward[i * cols + j]);
			j++;
		}
		i++;
	}
}

static void dec_fee_history(struct dec *d, const cJSON *o, struct eth_fee_history *f)
{
	const cJSON *ratios, *fees, *blob_fees, *blob_ratios, *rewards;

	if (!want_object(d, o))
		return;
	get_u64(d, o, "oldestBlock", &f->oldest_block);
	ratios = opt_array(d, o, "gasUsedRatio");
	fees = opt_array(d, o, "baseFeePerGas");
	rewards = opt_array(d, o, "reward");
	blob_fees = opt_array(d, o, "baseFeePerBlobGas");
	blob_ratios = opt_array(d, o, "blobGasUsedRatio");
	if (d->rc)
		return;
	f->block_count = array_len(ratios);
	f->base_fee_count = f->block_count ? f->block_count + 1 : array_len(fees);
	if (f->block_count == 0 && f->base_fee_count > 1)
		fail(d, CD_EPROTO, "baseFeePerGas", "%zu entries, expected at most 1", f->base_fee_count);
	if (!d->rc && f->block_count && !fees)
		fail(d, CD_EPROTO, "baseFeePerGas", "missing");
	f->base_fee = u256_list(d, fees, "baseFeePerGas", f->base_fee_count);
	f->gas_used_ratio_ppm = ppm_list(d, ratios, "gasUsedRatio", f->block_count);
	if (rewards)
		dec_rewards(d, rewards, f);
	if (!d->rc && (blob_fees != NULL) != (blob_ratios != NULL))
		fail(d, CD_EPROTO, blob_fees ? "blobGasUsedRatio" : "baseFeePerBlobGas", "missing");
	if (!d->rc && blob_ratios && array_len(blob_ratios) != f->block_count)
		fail(d, CD_EPROTO, "blobGasUsedRatio", "%zu entries, expected %zu",
		     array_len(blob_ratios), f->block_count);
	f->has_blob = blob_fees && blob_ratios;
	if (f->has_blob) {
		f->base_fee_per_blob_gas = u256_list(d, blob_fees, "baseFeePerBlobGas", f->base_fee_count);
		f->blob_gas_used_ratio_ppm = ppm_list(d, blob_ratios, "blobGasUsedRatio", f->block_count);
	}
}

int eth_decode_fee_history(const cJSON *j, struct eth_fee_history *out, char *err, size_t errlen)
{
	struct dec d;

	dec_init(&d, err, errlen);
	if (!out)
		return CD_EPROTO;
	memset(out, 0, sizeof(*out));
	dec_fee_history(&d, j, out);
	if (d.rc)
		eth_fee_history_free(out);
	return d.rc;
}
