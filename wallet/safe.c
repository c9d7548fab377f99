/*
 * safe — Safe 1.4.1 multisig: canonical addresses, the SafeTx and its
 * EIP-712 hash (through wallet/eip712), calldata for the contract calls
 * chaindeck makes, CREATE2 prediction of a new Safe's address, and the
 * proposal file. Contract in safe.h.
 */
#include "wallet/safe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/abi.h"
#include "common/config.h"
#include "common/errmsg.h"
#include "common/hex.h"
#include "common/keccak.h"
#include "wallet/eip712.h"
#include "wallet/sign.h"

static void addr_const(struct address *a, const char *text)
{
	/* Constants below are checksummed and valid; a failure would be a typo caught by the tests. */
	if (address_parse(a, text, strlen(text)) != CD_OK)
		memset(a, 0, sizeof(*a));
}

void safe_canonical(struct safe_deployment *d)
{
	addr_const(&d->singleton, "0x41675C099F32341bf84BFc5382aF534df5C7461a");
	addr_const(&d->singleton_l2, "0x29fcB43b46531BcA003ddC8FCB67FFE91900C762");
	addr_const(&d->proxy_factory, "0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67");
	addr_const(&d->fallback_handler, "0xfd0732Dc9E303f09fCEf3a7388Ad10A83459Ec99");
	addr_const(&d->multi_send, "0x38869bf66a61cF6bDB996A6aE40D5853Fd43B526");
	addr_const(&d->multi_send_call_only, "0x9641d764fc13c8B624c04430C7356C1C7C8102e2");
}

bool safe_deployment_for(const struct config *cfg, uint64_t chain_id, struct safe_deployment *d)
{
	struct address *slot[CONFIG_SAFE_KEYS] = { &d->singleton, &d->singleton_l2, &d->proxy_factory,
	                                          &d->fallback_handler, &d->multi_send, &d->multi_send_call_only };

	safe_canonical(d);
	for (size_t i = 0; cfg && i < cfg->nsafes; i++) {
		if (cfg->safes[i].chain_id != chain_id)
			continue;
		for (int k = 0; k < CONFIG_SAFE_KEYS; k++)
			if (cfg->safes[i].set[k])
				memcpy(slot[k]->b, cfg->safes[i].addr[k], 20);
		return true;
	}
	return false;
}

void safe_tx_free(struct safe_tx *t)
{
	if (!t)
		return;
	free(t->data);
	memset(t, 0, sizeof(*t));
}

void safe_proposal_free(struct safe_proposal *p)
{
	if (!p)
		return;
	safe_tx_free(&p->tx);
	free(p->sigs);
	memset(p, 0, sizeof(*p));
}

/* ---- the EIP-712 hash ----------------------------------------------------------------------- */

char *safe_typed_data(uint64_t chain_id, const struct address *safe, const struct safe_tx *tx)
{
	char to[ADDRESS_TEXT_SIZE], sa[ADDRESS_TEXT_SIZE], gt[ADDRESS_TEXT_SIZE], rr[ADDRESS_TEXT_SIZE];
	char value[80], stg[80], bg[80], gp[80], nonce[80];
	char *data = malloc(2 * tx->data_len + 3), *out;
	size_t cap = 2 * tx->data_len + 2048;

	out = malloc(cap);
	if (!data || !out) {
		free(data);
		free(out);
		return NULL;
	}
	hex_encode(data, 2 * tx->data_len + 3, tx->data, tx->data_len, 1);
	address_format(&tx->to, to);
	address_format(safe, sa);
	address_format(&tx->gas_token, gt);
	address_format(&tx->refund_receiver, rr);
	u256_format_dec(tx->value, value, sizeof(value));
	u256_format_dec(tx->safe_tx_gas, stg, sizeof(stg));
	u256_format_dec(tx->base_gas, bg, sizeof(bg));
	u256_format_dec(tx->gas_price, gp, sizeof(gp));
	u256_format_dec(tx->nonce, nonce, sizeof(nonce));
	snprintf(out, cap,
		"{\"types\":{\"EIP712Domain\":[{\"name\":\"chainId\",\"type\":\"uint256\"},"
		"{\"name\":\"verifyingContract\",\"type\":\"address\"}],"
		"\"SafeTx\":[{\"name\":\"to\",\"type\":\"address\"},{\"name\":\"value\",\"type\":\"uint256\"},"
		"{\"name\":\"data\",\"type\":\"bytes\"},{\"name\":\"operation\",\"type\":\"uint8\"},"
		"{\"name\":\"safeTxGas\",\"type\":\"uint256\"},{\"name\":\"baseGas\",\"type\":\"uint256\"},"
		"{\"name\":\"gasPrice\",\"type\":\"uint256\"},{\"name\":\"gasToken\",\"type\":\"address\"},"
		"{\"name\":\"refundReceiver\",\"type\":\"address\"},{\"name\":\"nonce\",\"type\":\"uint256\"}]},"
		"\"primaryType\":\"SafeTx\","
		"\"domain\":{\"chainId\":\"%llu\",\"verifyingContract\":\"%s\"},"
		"\"message\":{\"to\":\"%s\",\"value\":\"%s\",\"data\":\"%s\",\"operation\":%u,"
		"\"safeTxGas\":\"%s\",\"baseGas\":\"%s\",\"gasPrice\":\"%s\",\"gasToken\":\"%s\","
		"\"refundReceiver\":\"%s\",\"nonce\":\"%s\"}}",
		(unsigned long long)chain_id, sa, to, value, data, (unsigned)tx->operation, stg, bg, gp, gt, rr, nonce);
	free(data);
	return out;
}

static int typed(uint64_t chain_id, const struct address *safe, const struct safe_tx *tx, struct eip712 *e,
                 char *err, size_t errlen)
{
	char *doc, why[EIP712_ERR_MAX] = "";
	int rc;

	if (tx->operation > SAFE_OP_DELEGATECALL) {
		set_err(err, errlen, "operation must be 0 (call) or 1 (delegatecall)");
		return CD_EINVAL;
	}
	if (tx->data_len > SAFE_DATA_MAX) {
		set_err(err, errlen, "data: more than %d bytes", SAFE_DATA_MAX);
		return CD_EINVAL;
	}
	doc = safe_typed_data(chain_id, safe, tx);
	if (!doc) {
		set_err(err, errlen, "out of memory");
		return CD_ENOMEM;
	}
	rc = eip712_parse(doc, strlen(doc), e, why, sizeof(why));
	free(doc);
	if (rc != CD_OK) {
		set_err(err, errlen, "SafeTx: %s", why);
		return rc;
	}
	return CD_OK;
}

int safe_tx_hash(uint64_t chain_id, const struct address *safe, const struct safe_tx *tx, uint8_t hash[32],
                 char *err, size_t errlen)
{
	struct eip712 e;
	int rc = typed(chain_id, safe, tx, &e, err, errlen);

	if (rc != CD_OK)
		return rc;
	memcpy(hash, e.digest, 32);
	eip712_free(&e);
	return CD_OK;
}

int safe_sign(const struct safe_proposal *p, const uint8_t priv[32], uint8_t sig[65])
{
	struct eip712 e;
	int rc = typed(p->chain_id, &p->safe, &p->tx, &e, NULL, 0);

	if (rc != CD_OK)
		return rc;
	/* Sign only the hash the proposal's own fields give, never the stored one. */
	if (memcmp(e.digest, p->hash, 32) != 0) {
		eip712_free(&e);
		return CD_EINVAL;
	}
	rc = eip712_sign(&e, priv, sig);
	eip712_free(&e);
	return rc;
}

int safe_recover(const uint8_t hash[32], const uint8_t sig[65], struct address *out)
{
	/* The contract reads v 27/28 as a plain ECDSA signature; other v values mean other schemes. */
	if (sig[64] != 27 && sig[64] != 28)
		return SAFE_ESIG;
	return sign_recover_digest(hash, sig, sig[64] - 27, out) == CD_OK ? CD_OK : SAFE_ESIG;
}

int safe_proposal_add_signature(struct safe_proposal *p, const struct address *owner, const uint8_t sig[65],
                                char *err, size_t errlen)
{
	struct address who;
	char text[ADDRESS_TEXT_SIZE];
	struct safe_signature *n;

	if (safe_recover(p->hash, sig, &who) != CD_OK || memcmp(who.b, owner->b, 20) != 0) {
		address_format(owner, text);
		set_err(err, errlen, "the signature of %s is not %s's signature of the SafeTx hash", text, text);
		return SAFE_ESIG;
	}
	for (size_t i = 0; i < p->nsigs; i++) {
		if (memcmp(p->sigs[i].owner.b, owner->b, 20) == 0) {
			memcpy(p->sigs[i].sig, sig, 65);
			return CD_OK;
		}
	}
	if (p->nsigs >= SAFE_OWNERS_MAX) {
		set_err(err, errlen, "more than %d signatures", SAFE_OWNERS_MAX);
		return CD_EINVAL;
	}
	n = realloc(p->sigs, (p->nsigs + 1) * sizeof(*n));
	if (!n) {
		set_err(err, errlen, "out of memory");
		return CD_ENOMEM;
	}
	p->sigs = n;
	n[p->nsigs].owner = *owner;
	memcpy(n[p->nsigs].sig, sig, 65);
	p->nsigs++;
	return CD_OK;
}

/* ---- the proposal file ---------------------------------------------------------------------- */

static void add_u256(cJSON *o, const char *name, struct u256 v)
{
	char buf[80];

	u256_format_dec(v, buf, sizeof(buf));
	cJSON_AddStringToObject(o, name, buf);
}

static void add_addr(cJSON *o, const char *name, const struct address *a)
{
	char buf[ADDRESS_TEXT_SIZE];

	address_format(a, buf);
	cJSON_AddStringToObject(o, name, buf);
}

static void add_hex(cJSON *o, const char *name, const uint8_t *b, size_t n)
{
	char *buf = malloc(2 * n + 3);

	if (!buf)
		return; /* the missing member makes the caller's check fail */
	hex_encode(buf, 2 * n + 3, b, n, 1);
	cJSON_AddStringToObject(o, name, buf);
	free(buf);
}

char *safe_proposal_to_json(const struct safe_proposal *p)
{
	cJSON *o = cJSON_CreateObject(), *sigs;
	char chain[24], *text = NULL, *out;
	size_t n;

	if (!o)
		return NULL;
	snprintf(chain, sizeof(chain), "%llu", (unsigned long long)p->chain_id);
	cJSON_AddStringToObject(o, "chainId", chain);
	add_addr(o, "safe", &p->safe);
	add_addr(o, "to", &p->tx.to);
	add_u256(o, "value", p->tx.value);
	add_hex(o, "data", p->tx.data, p->tx.data_len);
	cJSON_AddNumberToObject(o, "operation", p->tx.operation);
	add_u256(o, "safeTxGas", p->tx.safe_tx_gas);
	add_u256(o, "baseGas", p->tx.base_gas);
	add_u256(o, "gasPrice", p->tx.gas_price);
	add_addr(o, "gasToken", &p->tx.gas_token);
	add_addr(o, "refundReceiver", &p->tx.refund_receiver);
	add_u256(o, "nonce", p->tx.nonce);
	add_hex(o, "safeTxHash", p->hash, 32);
	sigs = cJSON_AddArrayToObject(o, "signatures");
	for (size_t i = 0; sigs && i < p->nsigs; i++) {
		cJSON *s = cJSON_CreateObject();

		if (!s)
			break;
		add_addr(s, "owner", &p->sigs[i].owner);
		add_hex(s, "signature", p->sigs[i].sig, 65);
		cJSON_AddItemToArray(sigs, s);
	}
	if (cJSON_GetArraySize(o) == 14 && sigs && (size_t)cJSON_GetArraySize(sigs) == p->nsigs)
		text = cJSON_Print(o);
	cJSON_Delete(o);
	if (!text)
		return NULL;
	n = strlen(text);
	out = realloc(text, n + 2);
	if (!out) {
		free(text);
		return NULL;
	}
	out[n] = '\n';
	out[n + 1] = '\0';
	return out;
}

/* Every member of o is one of names, none twice, all present. */
static int check_members(const cJSON *o, const char *const *names, size_t n, const char *what, char *err,
                         size_t errlen)
{
	unsigned seen[16] = { 0 };

	for (const cJSON *m = o->child; m; m = m->next) {
		size_t i;

		for (i = 0; i < n; i++)
			if (m->string && strcmp(m->string, names[i]) == 0)
				break;
		if (i == n) {
			set_err(err, errlen, "%s: unknown member \"%.40s\"", what, m->string ? m->string : "");
			return CD_EINVAL;
		}
		if (seen[i]++) {
			set_err(err, errlen, "%s: \"%s\" given twice", what, names[i]);
			return CD_EINVAL;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!seen[i]) {
			set_err(err, errlen, "%s: \"%s\" is missing", what, names[i]);
			return CD_EINVAL;
		}
	}
	return CD_OK;
}

static const char *str_member(const cJSON *o, const char *name)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(m) ? m->valuestring : NULL;
}

static int get_addr(const cJSON *o, const char *name, struct address *a, char *err, size_t errlen)
{
	const char *s = str_member(o, name);
	int rc;

	if (!s) {
		set_err(err, errlen, "\"%s\": not a string", name);
		return CD_EINVAL;
	}
	rc = address_parse(a, s, strlen(s));
	if (rc != CD_OK) {
		set_err(err, errlen, "\"%s\": %s", name, cd_strerror(rc));
		return CD_EINVAL;
	}
	return CD_OK;
}

static int get_dec(const cJSON *o, const char *name, struct u256 *v, char *err, size_t errlen)
{
	const char *s = str_member(o, name);
	size_t n = s ? strlen(s) : 0;

	/* Plain decimal digits, no sign, no leading zero: one text per number. */
	if (!s || n == 0 || strspn(s, "0123456789") != n || (n > 1 && s[0] == '0') ||
	    u256_parse_dec(v, s, n) != 0) {
		set_err(err, errlen, "\"%s\": not a decimal number in a string", name);
		return CD_EINVAL;
	}
	return CD_OK;
}

static int get_bytes(const cJSON *o, const char *name, uint8_t *buf, size_t cap, size_t *len, char *err,
                     size_t errlen)
{
	const char *s = str_member(o, name);

	if (!s || strncmp(s, "0x", 2) != 0 || hex_decode(buf, cap, len, s, strlen(s)) != CD_OK) {
		set_err(err, errlen, "\"%s\": not 0x-hex of at most %zu bytes", name, cap);
		return CD_EINVAL;
	}
	return CD_OK;
}

/* The SafeTx fields and the chain id, each checked as it is read. */
static int parse_tx_fields(const cJSON *o, struct safe_proposal *p, char *err, size_t errlen)
{
	const cJSON *op;
	struct u256 chain;
	int rc = get_dec(o, "chainId", &chain, err, errlen);

	if (rc == CD_OK && (u256_to_u64(chain, &p->chain_id) != 0 || p->chain_id == 0)) {
		set_err(err, errlen, "\"chainId\": out of range");
		rc = CD_EINVAL;
	}
	if (rc == CD_OK)
		rc = get_addr(o, "safe", &p->safe, err, errlen);
	if (rc == CD_OK)
		rc = get_addr(o, "to", &p->tx.to, err, errlen);
	if (rc == CD_OK)
		rc = get_dec(o, "value", &p->tx.value, err, errlen);
	if (rc == CD_OK) {
		p->tx.data = malloc(SAFE_DATA_MAX);
		if (!p->tx.data) {
			set_err(err, errlen, "out of memory");
			return CD_ENOMEM;
		}
		rc = get_bytes(o, "data", p->tx.data, SAFE_DATA_MAX, &p->tx.data_len, err, errlen);
		if (rc == CD_OK && p->tx.data_len == 0) {
			free(p->tx.data);
			p->tx.data = NULL;
		}
	}
	op = cJSON_GetObjectItemCaseSensitive(o, "operation");
	if (rc == CD_OK && (!cJSON_IsNumber(op) || (op->valuedouble != 0 && op->valuedouble != 1))) {
		set_err(err, errlen, "\"operation\": must be the number 0 (call) or 1 (delegatecall)");
		rc = CD_EINVAL;
	}
	if (rc == CD_OK)
		p->tx.operation = op->valuedouble == 1 ? SAFE_OP_DELEGATECALL : SAFE_OP_CALL;
	if (rc == CD_OK)
		rc = get_dec(o, "safeTxGas", &p->tx.safe_tx_gas, err, errlen);
	if (rc == CD_OK)
		rc = get_dec(o, "baseGas", &p->tx.base_gas, err, errlen);
	if (rc == CD_OK)
		rc = get_dec(o, "gasPrice", &p->tx.gas_price, err, errlen);
	if (rc == CD_OK)
		rc = get_addr(o, "gasToken", &p->tx.gas_token, err, errlen);
	if (rc == CD_OK)
		rc = get_addr(o, "refundReceiver", &p->tx.refund_receiver, err, errlen);
	if (rc == CD_OK)
		rc = get_dec(o, "nonce", &p->tx.nonce, err, errlen);
	return rc;
}

/* The file's safeTxHash must be the hash of its own fields: otherwise the file was altered. */
static int check_file_hash(const cJSON *o, struct safe_proposal *p, char *err, size_t errlen)
{
	uint8_t hash[32];
	size_t n;
	int rc;

	if (get_bytes(o, "safeTxHash", hash, 32, &n, err, errlen) != CD_OK || n != 32) {
		set_err(err, errlen, "\"safeTxHash\": not 0x + 64 hex digits");
		return CD_EINVAL;
	}
	rc = safe_tx_hash(p->chain_id, &p->safe, &p->tx, p->hash, err, errlen);
	if (rc == CD_OK && memcmp(hash, p->hash, 32) != 0) {
		set_err(err, errlen, "\"safeTxHash\" is not the hash of the file's fields: the file was altered");
		rc = CD_EINVAL;
	}
	return rc;
}

/* The "signatures" array: at most one per owner, each added (and so checked against its owner). */
static int parse_signatures(const cJSON *o, struct safe_proposal *p, char *err, size_t errlen)
{
	static const char *const sig_names[] = { "owner", "signature" };
	const cJSON *sigs = cJSON_GetObjectItemCaseSensitive(o, "signatures");
	size_t n;
	int rc = CD_OK;

	if (!cJSON_IsArray(sigs)) {
		set_err(err, errlen, "\"signatures\": not an array");
		return CD_EINVAL;
	}
	if (cJSON_GetArraySize(sigs) > SAFE_OWNERS_MAX) {
		set_err(err, errlen, "\"signatures\": more than %d", SAFE_OWNERS_MAX);
		return CD_EINVAL;
	}
	for (const cJSON *s = sigs->child; s && rc == CD_OK; s = s->next) {
		struct address owner;
		uint8_t sig[65];

		if (!cJSON_IsObject(s)) {
			set_err(err, errlen, "\"signatures\": an item is not an object");
			return CD_EINVAL;
		}
		rc = check_members(s, sig_names, 2, "signature", err, errlen);
		if (rc == CD_OK)
			rc = get_addr(s, "owner", &owner, err, errlen);
		if (rc == CD_OK && (get_bytes(s, "signature", sig, 65, &n, err, errlen) != CD_OK || n != 65)) {
			set_err(err, errlen, "\"signature\": not 0x + 130 hex digits");
			rc = CD_EINVAL;
		}
		for (size_t i = 0; rc == CD_OK && i < p->nsigs; i++) {
			if (memcmp(p->sigs[i].owner.b, owner.b, 20) == 0) {
				set_err(err, errlen, "\"signatures\": an owner signed twice");
				rc = CD_EINVAL;
			}
		}
		if (rc == CD_OK)
			rc = safe_proposal_add_signature(p, &owner, sig, err, errlen);
	}
	return rc;
}

static int parse_doc(const cJSON *o, struct safe_proposal *p, char *err, size_t errlen)
{
	static const char *const names[] = {
		"chainId", "safe", "to", "value", "data", "operation", "safeTxGas", "baseGas", "gasPrice",
		"gasToken", "refundReceiver", "nonce", "safeTxHash", "signatures"
	};
	int rc;

	if (!cJSON_IsObject(o)) {
		set_err(err, errlen, "not a JSON object");
		return CD_EINVAL;
	}
	rc = check_members(o, names, sizeof(names) / sizeof(names[0]), "proposal", err, errlen);
	if (rc == CD_OK)
		rc = parse_tx_fields(o, p, err, errlen);
	if (rc == CD_OK)
		rc = check_file_hash(o, p, err, errlen);
	if (rc == CD_OK)
		rc = parse_signatures(o, p, err, errlen);
	return rc;
}

int safe_proposal_parse(const char *json, size_t len, struct safe_proposal *out, char *err, size_t errlen)
{
	cJSON *doc;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > SAFE_FILE_MAX) {
		set_err(err, errlen, "larger than %d bytes", SAFE_FILE_MAX);
		return CD_EINVAL;
	}
	doc = cJSON_ParseWithLength(json, len);
	if (!doc) {
		set_err(err, errlen, "not JSON");
		return CD_EINVAL;
	}
	rc = parse_doc(doc, out, err, errlen);
	cJSON_Delete(doc);
	if (rc != CD_OK)
		safe_proposal_free(out);
	return rc;
}

/* ---- calldata ------------------------------------------------------------------------------- */

static struct abi_value v_addr(const struct address *a)
{
	struct abi_value v;

	memset(&v, 0, sizeof(v));
	v.kind = ABI_ADDRESS;
	v.addr = *a;
	return v;
}

static struct abi_value v_uint(struct u256 n)
{
	struct abi_value v;

	memset(&v, 0, sizeof(v));
	v.kind = ABI_UINT;
	v.num = n;
	return v;
}

static struct abi_value v_bytes(const uint8_t *b, size_t n)
{
	struct abi_value v;

	memset(&v, 0, sizeof(v));
	v.kind = ABI_BYTES;
	v.data = b;
	v.len = n;
	return v;
}

static int encode(const char *sig, const struct abi_value *args, size_t n, size_t extra, uint8_t **out,
                  size_t *len)
{
	size_t cap = 4 + 32 * 32 + extra;
	uint8_t *buf = malloc(cap);
	int rc;

	*out = NULL;
	*len = 0;
	if (!buf)
		return CD_ENOMEM;
	rc = abi_encode_call(buf, cap, len, sig, args, n);
	if (rc != CD_OK) {
		free(buf);
		return CD_EINVAL;
	}
	*out = buf;
	return CD_OK;
}

int safe_encode_setup(const struct address *owners, size_t nowners, uint64_t threshold,
                      const struct address *fallback_handler, uint8_t **out, size_t *len)
{
	struct abi_value items[SAFE_OWNERS_MAX], args[8];
	struct address zero;

	if (nowners == 0 || nowners > SAFE_OWNERS_MAX || threshold == 0 || threshold > nowners)
		return CD_EINVAL;
	memset(&zero, 0, sizeof(zero));
	memset(args, 0, sizeof(args));
	for (size_t i = 0; i < nowners; i++)
		items[i] = v_addr(&owners[i]);
	args[0].kind = ABI_ARRAY;
	args[0].items = items;
	args[0].count = nowners;
	args[1] = v_uint(u256_from_u64(threshold));
	args[2] = v_addr(&zero);
	args[3] = v_bytes(NULL, 0);
	args[4] = v_addr(fallback_handler);
	args[5] = v_addr(&zero);
	args[6] = v_uint(u256_from_u64(0));
	args[7] = v_addr(&zero);
	return encode("setup(address[],uint256,address,bytes,address,address,uint256,address)", args, 8,
	              32 * nowners, out, len);
}

int safe_encode_create_proxy(const struct address *singleton, const uint8_t *initializer, size_t init_len,
                             struct u256 salt_nonce, uint8_t **out, size_t *len)
{
	struct abi_value args[3] = { v_addr(singleton), v_bytes(initializer, init_len), v_uint(salt_nonce) };

	return encode("createProxyWithNonce(address,bytes,uint256)", args, 3, init_len, out, len);
}

static int cmp_sig(const void *a, const void *b)
{
	return memcmp(((const struct safe_signature *)a)->owner.b, ((const struct safe_signature *)b)->owner.b, 20);
}

/* r || s || v of each signature, sorted by owner: what checkSignatures walks. malloc'd. */
static uint8_t *pack_signatures(const struct safe_signature *sigs, size_t nsigs)
{
	struct safe_signature *sorted = malloc((nsigs ? nsigs : 1) * sizeof(*sorted));
	uint8_t *packed = malloc(nsigs * 65 + 1);

	if (!sorted || !packed) {
		free(sorted);
		free(packed);
		return NULL;
	}
	if (nsigs)
		memcpy(sorted, sigs, nsigs * sizeof(*sorted));
	qsort(sorted, nsigs, sizeof(*sorted), cmp_sig);
	for (size_t i = 0; i < nsigs; i++)
		memcpy(packed + 65 * i, sorted[i].sig, 65);
	free(sorted);
	return packed;
}

/* The SafeTx fields as the contract's functions take them, then `tail` more. */
static void tx_args(const struct safe_tx *tx, struct abi_value *args)
{
	args[0] = v_addr(&tx->to);
	args[1] = v_uint(tx->value);
	args[2] = v_bytes(tx->data, tx->data_len);
	args[3] = v_uint(u256_from_u64(tx->operation));
	args[4] = v_uint(tx->safe_tx_gas);
	args[5] = v_uint(tx->base_gas);
	args[6] = v_uint(tx->gas_price);
	args[7] = v_addr(&tx->gas_token);
	args[8] = v_addr(&tx->refund_receiver);
}

int safe_encode_exec(const struct safe_tx *tx, const struct safe_signature *sigs, size_t nsigs,
                     uint8_t **out, size_t *len)
{
	struct abi_value args[10];
	uint8_t *packed = pack_signatures(sigs, nsigs);
	int rc;

	if (!packed)
		return CD_ENOMEM;
	tx_args(tx, args);
	args[9] = v_bytes(packed, nsigs * 65);
	rc = encode("execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)",
	            args, 10, tx->data_len + nsigs * 65 + 64, out, len);
	free(packed);
	return rc;
}

int safe_encode_get_tx_hash(const struct safe_tx *tx, uint8_t **out, size_t *len)
{
	struct abi_value args[10];

	tx_args(tx, args);
	args[9] = v_uint(tx->nonce);
	return encode("getTransactionHash(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,uint256)",
	              args, 10, tx->data_len + 64, out, len);
}

int safe_encode_check_signatures(const uint8_t hash[32], const struct safe_signature *sigs, size_t nsigs,
                                 uint8_t **out, size_t *len)
{
	struct abi_value args[3];
	uint8_t *packed = pack_signatures(sigs, nsigs);
	int rc;

	if (!packed)
		return CD_ENOMEM;
	memset(args, 0, sizeof(args));
	args[0].kind = ABI_BYTES;
	args[0].data = hash;
	args[0].len = 32;
	args[1] = v_bytes(NULL, 0);
	args[2] = v_bytes(packed, nsigs * 65);
	rc = encode("checkSignatures(bytes32,bytes,bytes)", args, 3, nsigs * 65 + 64, out, len);
	free(packed);
	return rc;
}

int safe_encode_add_owner(const struct address *owner, uint64_t threshold, uint8_t **out, size_t *len)
{
	struct abi_value args[2] = { v_addr(owner), v_uint(u256_from_u64(threshold)) };

	return encode("addOwnerWithThreshold(address,uint256)", args, 2, 0, out, len);
}

int safe_encode_remove_owner(const struct address *prev, const struct address *owner, uint64_t threshold,
                             uint8_t **out, size_t *len)
{
	struct abi_value args[3] = { v_addr(prev), v_addr(owner), v_uint(u256_from_u64(threshold)) };

	return encode("removeOwner(address,address,uint256)", args, 3, 0, out, len);
}

int safe_encode_change_threshold(uint64_t threshold, uint8_t **out, size_t *len)
{
	struct abi_value args[1] = { v_uint(u256_from_u64(threshold)) };

	return encode("changeThreshold(uint256)", args, 1, 0, out, len);
}

int safe_encode_erc20_transfer(const struct address *to, struct u256 amount, uint8_t **out, size_t *len)
{
	struct abi_value args[2] = { v_addr(to), v_uint(amount) };

	return encode("transfer(address,uint256)", args, 2, 0, out, len);
}

bool safe_prev_owner(const struct address *owners, size_t n, const struct address *owner, struct address *prev)
{
	for (size_t i = 0; i < n; i++) {
		if (memcmp(owners[i].b, owner->b, 20) != 0)
			continue;
		if (i == 0) {
			memset(prev, 0, sizeof(*prev));
			prev->b[19] = 1; /* SENTINEL_OWNERS */
		} else {
			*prev = owners[i - 1];
		}
		return true;
	}
	return false;
}

void safe_predict_address(const struct address *factory, const struct address *singleton,
                          const uint8_t *creation_code, size_t code_len, const uint8_t *initializer,
                          size_t init_len, struct u256 salt_nonce, struct address *out)
{
	struct keccak_ctx k;
	uint8_t pre[64], salt[32], buf[85], word[32], code_hash[32];

	keccak256(pre, initializer, init_len);
	u256_to_be(salt_nonce, pre + 32);
	keccak256(salt, pre, 64);
	keccak256_init(&k);
	keccak256_update(&k, creation_code, code_len);
	memset(word, 0, 12);
	memcpy(word + 12, singleton->b, 20);
	keccak256_update(&k, word, 32);
	keccak256_final(&k, code_hash);
	buf[0] = 0xff;
	memcpy(buf + 1, factory->b, 20);
	memcpy(buf + 21, salt, 32);
	memcpy(buf + 53, code_hash, 32);
	keccak256(word, buf, 85);
	memcpy(out->b, word + 12, 20);
}

char *safe_describe_call(const struct safe_tx *tx, char *out, size_t cap)
{
	static const char *const known[] = {
		"transfer(address to, uint256 amount)",
		"addOwnerWithThreshold(address owner, uint256 threshold)",
		"removeOwner(address prevOwner, address owner, uint256 threshold)",
		"changeThreshold(uint256 threshold)"
	};
	char args[1024];

	if (tx->data_len == 0) {
		snprintf(out, cap, "%s", "");
		return out;
	}
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (abi_format_args(known[i], tx->data, tx->data_len, args, sizeof(args)) == CD_OK) {
			snprintf(out, cap, "%.*s(%s)", (int)strcspn(known[i], "("), known[i], args);
			return out;
		}
	}
	snprintf(out, cap, "%zu bytes of call data", tx->data_len);
	return out;
}

int safe_create_call(const struct safe_deployment *d, const struct address *owners, size_t n, uint64_t threshold,
                     struct u256 salt, const uint8_t *creation_code_abi, size_t abi_len, uint8_t **data, size_t *len,
                     struct address *predicted)
{
	const uint8_t *code;
	size_t code_len, init_len;
	uint8_t *init = NULL;
	int rc;

	*data = NULL;
	*len = 0;
	if (abi_decode_bytes(creation_code_abi, abi_len, 0, &code, &code_len) != CD_OK || code_len == 0)
		return CD_EINVAL;
	rc = safe_encode_setup(owners, n, threshold, &d->fallback_handler, &init, &init_len);
	if (rc == CD_OK)
		rc = safe_encode_create_proxy(&d->singleton, init, init_len, salt, data, len);
	if (rc == CD_OK)
		safe_predict_address(&d->proxy_factory, &d->singleton, code, code_len, init, init_len, salt, predicted);
	free(init);
	return rc;
}

int safe_parse_owners(const char *list, struct address *out, size_t max, size_t *n, char *err, size_t errlen)
{
	const char *s = list;

	*n = 0;
	for (;;) {
		size_t l = strcspn(s, ",");
		const char *b = s, *e = s + l;
		int rc;

		while (b < e && *b == ' ')
			b++;
		while (e > b && e[-1] == ' ')
			e--;
		if (*n == max) {
			snprintf(err, errlen, "at most %zu owners", max);
			return CD_EINVAL;
		}
		rc = address_parse(&out[*n], b, (size_t)(e - b));
		if (rc != CD_OK) {
			snprintf(err, errlen, "owner %zu (%.*s): %s", *n + 1, (int)((e - b) > 50 ? 50 : (e - b)), b,
			         cd_strerror(rc));
			return CD_EINVAL;
		}
		for (size_t i = 0; i < *n; i++) {
			if (memcmp(out[i].b, out[*n].b, 20) == 0) {
				snprintf(err, errlen, "owner %zu (%.*s) is named twice", *n + 1, (int)(e - b), b);
				return CD_EINVAL;
			}
		}
		(*n)++;
		if (!s[l])
			return CD_OK;
		s += l + 1;
	}
}
