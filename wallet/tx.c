/*
 * tx — transaction encoding, signing and strict decoding.
 *
 * One field order table lives in put_fields (encoding) and decode_fields
 * (decoding); the signing payload and the signed transaction differ only in
 * their tail (EIP-155's chainId, 0, 0 versus v/yParity, r, s).
 */
#include "wallet/tx.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/errmsg.h"
#include "common/hex.h"
#include "common/keccak.h"
#include "common/rlp.h"
#include "common/xalloc.h"
#include "wallet/sign.h"

/* The secp256k1 group order n, and n / 2 (the largest low s), big-endian. */
static const uint8_t CURVE_N[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41
};
static const uint8_t CURVE_HALF_N[32] = {
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0
};

/* Gas schedule (Shanghai/Cancun). */
enum {
	GAS_TX = 21000,
	GAS_CREATE = 32000,
	GAS_DATA_ZERO = 4,
	GAS_DATA_NONZERO = 16,
	GAS_INITCODE_WORD = 2,
	GAS_ACCESS_ADDRESS = 2400,
	GAS_ACCESS_KEY = 1900
};

static void clear_err(char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
}

void tx_free(struct tx *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->access_count && t->access_list; i++)
		free(t->access_list[i].keys);
	free(t->access_list);
	free(t->data);
	memset(t, 0, sizeof(*t));
}

void tx_raw_free(struct tx_raw *r)
{
	if (!r)
		return;
	free(r->bytes);
	memset(r, 0, sizeof(*r));
}

/* ---- JSON ---- */

static const char *const json_fields[] = {
	"type", "chainId", "nonce", "to", "from", "value", "data", "input",
	"gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "accessList"
};

/* An optional member counts as set when present and not null. */
static const cJSON *opt_member(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return v && !cJSON_IsNull(v) ? v : NULL;
}

/* Rejects unknown and repeated members: a typo must not be silently left unsigned. */
static int check_members(const cJSON *o, const char *const *known, size_t n, const char *path,
                         char *err, size_t errlen)
{
	const cJSON *m, *p;
	size_t i;

	cJSON_ArrayForEach(m, o) {
		for (i = 0; i < n; i++)
			if (m->string && strcmp(m->string, known[i]) == 0)
				break;
		if (i == n) {
			set_err(err, errlen, "%s%.40s: unknown field", path, m->string ? m->string : "?");
			return CD_EINVAL;
		}
		for (p = o->child; p != m; p = p->next)
			if (strcmp(p->string, m->string) == 0) {
				set_err(err, errlen, "%s%s: given twice", path, m->string);
				return CD_EINVAL;
			}
	}
	return CD_OK;
}

static int json_text(const cJSON *v, const char *name, const char **s, size_t *len, char *err, size_t errlen)
{
	if (!cJSON_IsString(v) || !v->valuestring) {
		set_err(err, errlen, "%s: must be a hex string", name);
		return CD_EINVAL;
	}
	*s = v->valuestring;
	*len = strlen(v->valuestring);
	return CD_OK;
}

static int json_u64(const cJSON *v, const char *name, uint64_t *out, char *err, size_t errlen)
{
	const char *s;
	size_t len;
	int rc;

	if (json_text(v, name, &s, &len, err, errlen) != CD_OK)
		return CD_EINVAL;
	rc = hex_parse_u64(out, s, len);
	if (rc == CD_ERANGE) {
		set_err(err, errlen, "%s: exceeds 64 bits", name);
		return CD_EINVAL;
	}
	if (rc != CD_OK) {
		set_err(err, errlen, "%s: not a hex quantity", name);
		return CD_EINVAL;
	}
	return CD_OK;
}

static int json_u256(const cJSON *v, const char *name, struct u256 *out, char *err, size_t errlen)
{
	const char *s;
	size_t len;
	int rc;

	if (json_text(v, name, &s, &len, err, errlen) != CD_OK)
		return CD_EINVAL;
	rc = u256_parse_hex(out, s, len);
	if (rc == CD_ERANGE || (rc == CD_EINVAL && len > 66)) {
		set_err(err, errlen, "%s: exceeds 256 bits", name);
		return CD_EINVAL;
	}
	if (rc != CD_OK) {
		set_err(err, errlen, "%s: not a hex quantity", name);
		return CD_EINVAL;
	}
	return CD_OK;
}

static int json_required_u64(const cJSON *o, const char *name, uint64_t *out, char *err, size_t errlen)
{
	const cJSON *v = opt_member(o, name);

	if (!v) {
		set_err(err, errlen, "%s: missing", name);
		return CD_EINVAL;
	}
	return json_u64(v, name, out, err, errlen);
}

static int json_address(const cJSON *v, const char *name, uint8_t out[ADDRESS_SIZE], char *err, size_t errlen)
{
	struct address a;
	const char *s;
	size_t len;
	int rc;

	if (!cJSON_IsString(v) || !v->valuestring) {
		set_err(err, errlen, "%s: must be an address string", name);
		return CD_EINVAL;
	}
	s = v->valuestring;
	len = strlen(s);
	rc = address_parse(&a, s, len);
	if (rc != CD_OK) {
		set_err(err, errlen, "%s: %s", name, cd_strerror(rc));
		return CD_EINVAL;
	}
	memcpy(out, a.b, ADDRESS_SIZE);
	return CD_OK;
}

/* DATA hex into a malloc'd buffer (NULL when empty). */
static int json_bytes(const cJSON *v, const char *name, uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	const char *s;
	size_t len, n = 0;
	uint8_t *buf;

	*out = NULL;
	*outlen = 0;
	if (json_text(v, name, &s, &len, err, errlen) != CD_OK)
		return CD_EINVAL;
	if (len < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
		set_err(err, errlen, "%s: hex data needs the 0x prefix", name);
		return CD_EINVAL;
	}
	if (len == 2)
		return CD_OK;
	buf = xmalloc(len / 2);
	if (hex_decode(buf, len / 2, &n, s, len) != CD_OK) {
		free(buf);
		set_err(err, errlen, "%s: not hex data (odd length or a stray character)", name);
		return CD_EINVAL;
	}
	*out = buf;
	*outlen = n;
	return CD_OK;
}

static int json_access_list(const cJSON *a, struct tx *t, char *err, size_t errlen)
{
	static const char *const entry_fields[] = { "address", "storageKeys" };
	const cJSON *e, *keys, *k;
	char name[96], path[40];
	size_t n = 0, i = 0, j;
	int rc;

	if (!cJSON_IsArray(a)) {
		set_err(err, errlen, "accessList: must be an array");
		return CD_EINVAL;
	}
	cJSON_ArrayForEach(e, a)
		n++;
	if (n == 0)
		return CD_OK;
	t->access_list = xcalloc(n, sizeof(*t->access_list));
	t->access_count = n;
	cJSON_ArrayForEach(e, a) {
		struct tx_access_entry *ent = &t->access_list[i];

		snprintf(path, sizeof(path), "accessList[%zu].", i);
		if (!cJSON_IsObject(e)) {
			set_err(err, errlen, "accessList[%zu]: must be an object", i);
			return CD_EINVAL;
		}
		rc = check_members(e, entry_fields, 2, path, err, errlen);
		if (rc != CD_OK)
			return rc;
		snprintf(name, sizeof(name), "%saddress", path);
		if (!opt_member(e, "address")) {
			set_err(err, errlen, "%s: missing", name);
			return CD_EINVAL;
		}
		rc = json_address(opt_member(e, "address"), name, ent->address, err, errlen);
		if (rc != CD_OK)
			return rc;
		keys = opt_member(e, "storageKeys");
		if (!keys) {
			set_err(err, errlen, "%sstorageKeys: missing", path);
			return CD_EINVAL;
		}
		if (!cJSON_IsArray(keys)) {
			set_err(err, errlen, "%sstorageKeys: must be an array", path);
			return CD_EINVAL;
		}
		cJSON_ArrayForEach(k, keys)
			ent->key_count++;
		if (ent->key_count) {
			ent->keys = xcalloc(ent->key_count, sizeof(*ent->keys));
		}
		j = 0;
		cJSON_ArrayForEach(k, keys) {
			snprintf(name, sizeof(name), "%sstorageKeys[%zu]", path, j);
			if (!cJSON_IsString(k) || !k->valuestring ||
			    hex_decode_exact(ent->keys[j], 32, k->valuestring, strlen(k->valuestring)) != CD_OK) {
				set_err(err, errlen, "%s: must be 32 bytes of hex", name);
				return CD_EINVAL;
			}
			j++;
		}
		i++;
	}
	return CD_OK;
}

static const char *type_name(enum tx_type type)
{
	switch (type) {
	case TX_LEGACY: return "legacy";
	case TX_ACCESS_LIST: return "type 1";
	default: return "type 2";
	}
}

/*
 * The transaction's type, from "type" or from which fee fields it has, and
 * whether those fee fields (gasPrice, maxFeePerGas with
 * maxPriorityFeePerGas, accessList) fit that type. Sets t->type.
 */
static int json_type(const cJSON *j, const cJSON *gp, const cJSON *mf, const cJSON *mp, const cJSON *al,
                     struct tx *t, char *err, size_t errlen)
{
	const cJSON *v = opt_member(j, "type");
	uint64_t type;
	int rc;

	if (gp && (mf || mp)) {
		set_err(err, errlen, "gasPrice: cannot be combined with %s", mf ? "maxFeePerGas" : "maxPriorityFeePerGas");
		return CD_EINVAL;
	}
	if (mf && !mp) {
		set_err(err, errlen, "maxPriorityFeePerGas: missing (maxFeePerGas needs it)");
		return CD_EINVAL;
	}
	if (mp && !mf) {
		set_err(err, errlen, "maxFeePerGas: missing (maxPriorityFeePerGas needs it)");
		return CD_EINVAL;
	}
	if (v) {
		rc = json_u64(v, "type", &type, err, errlen);
		if (rc != CD_OK)
			return rc;
		if (type > TX_DYNAMIC_FEE) {
			set_err(err, errlen, "type: unsupported transaction type 0x%llx", (unsigned long long)type);
			return CD_EINVAL;
		}
		t->type = (enum tx_type)type;
	} else if (mf) {
		t->type = TX_DYNAMIC_FEE;
	} else {
		t->type = al ? TX_ACCESS_LIST : TX_LEGACY;
	}
	if (t->type == TX_DYNAMIC_FEE) {
		if (gp) {
			set_err(err, errlen, "gasPrice: not allowed in a type 2 transaction (use maxFeePerGas)");
			return CD_EINVAL;
		}
		if (!mf) {
			set_err(err, errlen, "maxFeePerGas: missing");
			return CD_EINVAL;
		}
	} else {
		if (mf) {
			set_err(err, errlen, "maxFeePerGas: not allowed in a %s transaction (use gasPrice)",
			        type_name(t->type));
			return CD_EINVAL;
		}
		if (!gp) {
			set_err(err, errlen, "gasPrice: missing");
			return CD_EINVAL;
		}
	}
	if (t->type == TX_LEGACY && al) {
		set_err(err, errlen, "accessList: not allowed in a legacy transaction");
		return CD_EINVAL;
	}
	return CD_OK;
}

/* The numbers and addresses: chainId, nonce, gas, the fees present, value, to, from. */
static int json_scalars(const cJSON *j, const cJSON *gp, const cJSON *mf, const cJSON *mp, struct tx *t,
                        char *err, size_t errlen)
{
	const cJSON *v;
	int rc = json_required_u64(j, "chainId", &t->chain_id, err, errlen);

	if (rc != CD_OK)
		return rc;
	t->has_chain_id = true;
	rc = json_required_u64(j, "nonce", &t->nonce, err, errlen);
	if (rc == CD_OK)
		rc = json_required_u64(j, "gas", &t->gas, err, errlen);
	if (rc == CD_OK && gp)
		rc = json_u256(gp, "gasPrice", &t->gas_price, err, errlen);
	if (rc == CD_OK && mf)
		rc = json_u256(mf, "maxFeePerGas", &t->max_fee_per_gas, err, errlen);
	if (rc == CD_OK && mp)
		rc = json_u256(mp, "maxPriorityFeePerGas", &t->max_priority_fee_per_gas, err, errlen);
	v = opt_member(j, "value");
	if (rc == CD_OK && v)
		rc = json_u256(v, "value", &t->value, err, errlen);
	v = opt_member(j, "to");
	if (rc == CD_OK && v) {
		rc = json_address(v, "to", t->to, err, errlen);
		t->has_to = rc == CD_OK;
	}
	v = opt_member(j, "from");
	if (rc == CD_OK && v) {
		rc = json_address(v, "from", t->from, err, errlen);
		t->has_from = rc == CD_OK;
	}
	return rc;
}

/* The call data, as "data" or "input" (both accepted, and then they must agree). */
static int json_call_data(const cJSON *j, struct tx *t, char *err, size_t errlen)
{
	const cJSON *data = opt_member(j, "data"), *input = opt_member(j, "input");
	uint8_t *b = NULL;
	size_t n = 0;
	int rc;

	if (data) {
		rc = json_bytes(data, "data", &t->data, &t->data_len, err, errlen);
		if (rc != CD_OK)
			return rc;
	}
	if (!input)
		return CD_OK;
	rc = json_bytes(input, "input", &b, &n, err, errlen);
	if (rc != CD_OK)
		return rc;
	if (data && (n != t->data_len || (n && memcmp(b, t->data, n) != 0))) {
		free(b);
		set_err(err, errlen, "input: differs from data");
		return CD_EINVAL;
	}
	if (data) {
		free(b);
	} else {
		t->data = b;
		t->data_len = n;
	}
	return CD_OK;
}

static int parse_json(const cJSON *j, struct tx *t, char *err, size_t errlen)
{
	const cJSON *gp, *mf, *mp, *al;
	int rc;

	if (!cJSON_IsObject(j)) {
		set_err(err, errlen, "transaction: must be a JSON object");
		return CD_EINVAL;
	}
	rc = check_members(j, json_fields, sizeof(json_fields) / sizeof(json_fields[0]), "", err, errlen);
	if (rc != CD_OK)
		return rc;
	gp = opt_member(j, "gasPrice");
	mf = opt_member(j, "maxFeePerGas");
	mp = opt_member(j, "maxPriorityFeePerGas");
	al = opt_member(j, "accessList");
	rc = json_type(j, gp, mf, mp, al, t, err, errlen);
	if (rc == CD_OK)
		rc = json_scalars(j, gp, mf, mp, t, err, errlen);
	if (rc == CD_OK)
		rc = json_call_data(j, t, err, errlen);
	if (rc == CD_OK && al)
		rc = json_access_list(al, t, err, errlen);
	return rc;
}

int tx_from_json(const cJSON *j, struct tx *out, char *err, size_t errlen)
{
	int rc;

	if (!out)
		return CD_EINVAL;
	memset(out, 0, sizeof(*out));
	clear_err(err, errlen);
	rc = parse_json(j, out, err, errlen);
	if (rc != CD_OK)
		tx_free(out);
	return rc;
}

/* ---- encoding ---- */

static int check_shape(const struct tx *t)
{
	size_t i;

	if (!t || t->type > TX_DYNAMIC_FEE)
		return CD_EINVAL;
	if (t->type != TX_LEGACY && !t->has_chain_id)
		return CD_EINVAL;
	if (t->type == TX_LEGACY && t->access_count)
		return CD_EINVAL;
	if (t->data_len && !t->data)
		return CD_EINVAL;
	if (t->access_count && !t->access_list)
		return CD_EINVAL;
	for (i = 0; i < t->access_count; i++)
		if (t->access_list[i].key_count && !t->access_list[i].keys)
			return CD_EINVAL;
	return CD_OK;
}

struct u256 tx_sig_v(const struct tx *t, const struct tx_sig *sig)
{
	struct u256 v = u256_from_u64(sig->y_parity), c;

	if (t->type != TX_LEGACY)
		return v;
	if (!t->has_chain_id)
		return u256_from_u64(27u + sig->y_parity);
	/* 35 + 2 * chainId + yParity can exceed 64 bits; it cannot exceed 256. */
	c = u256_from_u64(t->chain_id);
	u256_add(&c, c, c);
	u256_add(&v, v, c);
	u256_add(&v, v, u256_from_u64(35));
	return v;
}

/* The whole envelope: type byte, then the field list; sig NULL gives the signing payload. */
static int put_tx(struct rlp_buf *b, const struct tx *t, const struct tx_sig *sig)
{
	uint8_t type = (uint8_t)t->type;
	size_t i, k;
	int rc = 0;

	if (t->type != TX_LEGACY)
		rc |= rlp_put_raw(b, &type, 1);
	rc |= rlp_list_begin(b);
	if (t->type != TX_LEGACY)
		rc |= rlp_put_u64(b, t->chain_id);
	rc |= rlp_put_u64(b, t->nonce);
	if (t->type == TX_DYNAMIC_FEE) {
		rc |= rlp_put_u256(b, t->max_priority_fee_per_gas);
		rc |= rlp_put_u256(b, t->max_fee_per_gas);
	} else {
		rc |= rlp_put_u256(b, t->gas_price);
	}
	rc |= rlp_put_u64(b, t->gas);
	rc |= rlp_put_bytes(b, t->has_to ? t->to : NULL, t->has_to ? ADDRESS_SIZE : 0);
	rc |= rlp_put_u256(b, t->value);
	rc |= rlp_put_bytes(b, t->data, t->data_len);
	if (t->type != TX_LEGACY) {
		rc |= rlp_list_begin(b);
		for (i = 0; i < t->access_count; i++) {
			const struct tx_access_entry *e = &t->access_list[i];

			rc |= rlp_list_begin(b);
			rc |= rlp_put_bytes(b, e->address, ADDRESS_SIZE);
			rc |= rlp_list_begin(b);
			for (k = 0; k < e->key_count; k++)
				rc |= rlp_put_bytes(b, e->keys[k], 32);
			rc |= rlp_list_end(b);
			rc |= rlp_list_end(b);
		}
		rc |= rlp_list_end(b);
	}
	if (sig) {
		rc |= rlp_put_u256(b, tx_sig_v(t, sig));
		rc |= rlp_put_u256(b, sig->r);
		rc |= rlp_put_u256(b, sig->s);
	} else if (t->type == TX_LEGACY && t->has_chain_id) {
		rc |= rlp_put_u64(b, t->chain_id);
		rc |= rlp_put_bytes(b, NULL, 0);
		rc |= rlp_put_bytes(b, NULL, 0);
	}
	rc |= rlp_list_end(b);
	rc |= rlp_buf_finish(b);
	return rc ? CD_EINVAL : CD_OK;
}

int tx_signing_payload(const struct tx *t, uint8_t **out, size_t *len)
{
	struct rlp_buf b;

	if (!out || !len || check_shape(t) != CD_OK)
		return CD_EINVAL;
	*out = NULL;
	*len = 0;
	rlp_buf_init(&b);
	if (put_tx(&b, t, NULL) != CD_OK) {
		rlp_buf_free(&b);
		return CD_EINVAL;
	}
	*out = b.data;
	*len = b.len;
	return CD_OK;
}

int tx_signing_hash(const struct tx *t, uint8_t hash[32])
{
	uint8_t *p;
	size_t n;
	int rc;

	if (!hash)
		return CD_EINVAL;
	rc = tx_signing_payload(t, &p, &n);
	if (rc != CD_OK)
		return rc;
	keccak256(hash, p, n);
	free(p);
	return CD_OK;
}

int tx_encode_signed(const struct tx *t, const struct tx_sig *sig, struct tx_raw *out)
{
	struct rlp_buf b;

	if (!out || !sig || sig->y_parity > 1 || check_shape(t) != CD_OK)
		return CD_EINVAL;
	memset(out, 0, sizeof(*out));
	rlp_buf_init(&b);
	if (put_tx(&b, t, sig) != CD_OK) {
		rlp_buf_free(&b);
		return CD_EINVAL;
	}
	out->bytes = b.data;
	out->len = b.len;
	keccak256(out->hash, out->bytes, out->len);
	return CD_OK;
}

int tx_sign(const struct tx *t, const uint8_t priv[32], struct tx_raw *out)
{
	uint8_t hash[32], rs[64];
	struct tx_sig sig;
	int recid = 0, rc;

	if (!out || !priv)
		return CD_EINVAL;
	memset(out, 0, sizeof(*out));
	rc = tx_signing_hash(t, hash);
	if (rc != CD_OK)
		return rc;
	rc = sign_digest(hash, priv, rs, &recid);
	if (rc != CD_OK)
		return rc;
	sig.y_parity = (uint8_t)recid;
	u256_from_be(&sig.r, rs, 32);
	u256_from_be(&sig.s, rs + 32, 32);
	sodium_memzero(rs, sizeof(rs));
	rc = tx_encode_signed(t, &sig, out);
	sodium_memzero(&sig, sizeof(sig));
	return rc;
}

/* ---- decoding ---- */

struct dec {
	int rc;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4)))
static void dfail(struct dec *d, int rc, const char *fmt, ...)
{
	va_list ap;

	if (d->rc)
		return;
	d->rc = rc;
	if (!d->err || !d->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(d->err, d->errlen, fmt, ap);
	va_end(ap);
}

/* The next item of it; records "<name>: missing" at the end of the list. */
static struct rlp_item next_item(struct dec *d, struct rlp_iter *it, const char *name)
{
	struct rlp_item item = { 0, NULL, 0 };
	int rc;

	if (d->rc)
		return item;
	rc = rlp_list_next(it, &item);
	if (rc == 0)
		dfail(d, TX_EDECODE, "%s: missing", name);
	else if (rc < 0)
		dfail(d, TX_EDECODE, "%s: %s", name, cd_strerror(rc));
	return item;
}

static uint64_t item_u64(struct dec *d, struct rlp_item it, const char *name)
{
	uint64_t v = 0;
	int rc;

	if (d->rc)
		return 0;
	rc = rlp_item_u64(it, &v);
	if (rc == RLP_EOVERFLOW)
		dfail(d, TX_EDECODE, "%s: exceeds 64 bits", name);
	else if (rc != CD_OK)
		dfail(d, TX_EDECODE, "%s: %s", name, cd_strerror(rc));
	return v;
}

static struct u256 item_u256(struct dec *d, struct rlp_item it, const char *name)
{
	struct u256 v = u256_from_u64(0);
	int rc;

	if (d->rc)
		return v;
	rc = rlp_item_u256(it, &v);
	if (rc == RLP_EOVERFLOW)
		dfail(d, TX_EDECODE, "%s: exceeds 256 bits", name);
	else if (rc != CD_OK)
		dfail(d, TX_EDECODE, "%s: %s", name, cd_strerror(rc));
	return v;
}

/* A string item of exactly n bytes. */
static void item_fixed(struct dec *d, struct rlp_item it, uint8_t *out, size_t n, const char *name)
{
	if (d->rc)
		return;
	if (it.is_list)
		dfail(d, TX_EDECODE, "%s: a list, expected %zu bytes", name, n);
	else if (it.len != n)
		dfail(d, TX_EDECODE, "%s: %zu bytes, expected %zu", name, it.len, n);
	else
		memcpy(out, it.data, n);
}

static void decode_access_list(struct dec *d, struct rlp_item list, struct tx *t)
{
	struct rlp_iter it, ent_it, key_it;
	struct rlp_item ent, keys, key;
	char name[96];
	size_t n = 0, nent, i, k;

	if (d->rc)
		return;
	if (rlp_iter_init(&it, list) != CD_OK || rlp_list_count(list, &n) != CD_OK) {
		dfail(d, TX_EDECODE, "accessList: a string, expected a list");
		return;
	}
	if (n == 0)
		return;
	t->access_list = xcalloc(n, sizeof(*t->access_list));
	t->access_count = n;
	for (i = 0; i < n && !d->rc; i++) {
		struct tx_access_entry *e = &t->access_list[i];

		snprintf(name, sizeof(name), "accessList[%zu]", i);
		ent = next_item(d, &it, name);
		if (d->rc)
			return;
		if (rlp_iter_init(&ent_it, ent) != CD_OK || rlp_list_count(ent, &nent) != CD_OK || nent != 2) {
			dfail(d, TX_EDECODE, "%s: expected a list of address and storage keys", name);
			return;
		}
		snprintf(name, sizeof(name), "accessList[%zu].address", i);
		item_fixed(d, next_item(d, &ent_it, name), e->address, ADDRESS_SIZE, name);
		snprintf(name, sizeof(name), "accessList[%zu].storageKeys", i);
		keys = next_item(d, &ent_it, name);
		if (d->rc)
			return;
		if (rlp_iter_init(&key_it, keys) != CD_OK || rlp_list_count(keys, &e->key_count) != CD_OK) {
			dfail(d, TX_EDECODE, "%s: a string, expected a list", name);
			return;
		}
		if (e->key_count) {
			e->keys = xcalloc(e->key_count, sizeof(*e->keys));
		}
		for (k = 0; k < e->key_count && !d->rc; k++) {
			snprintf(name, sizeof(name), "accessList[%zu].storageKeys[%zu]", i, k);
			key = next_item(d, &key_it, name);
			item_fixed(d, key, e->keys[k], 32, name);
		}
	}
}

/* r and s as transactions require them: 1 <= r < n, 1 <= s <= n/2 (EIP-2). */
static void check_rs(struct dec *d, const struct tx_sig *sig)
{
	struct u256 n, half;

	if (d->rc)
		return;
	u256_from_be(&n, CURVE_N, 32);
	u256_from_be(&half, CURVE_HALF_N, 32);
	if (u256_is_zero(sig->r) || u256_cmp(sig->r, n) >= 0)
		dfail(d, TX_ESIG, "r: not in 1..n-1");
	else if (u256_is_zero(sig->s))
		dfail(d, TX_ESIG, "s: zero");
	else if (u256_cmp(sig->s, half) > 0)
		dfail(d, TX_ESIG, "s: above n/2 (EIP-2 requires low s)");
}

/* Legacy v: 27/28, or 35 + 2 * chainId + yParity with a 64-bit chain id. */
static void decode_legacy_v(struct dec *d, struct u256 v, struct tx *t, struct tx_sig *sig)
{
	struct u256 rest, q, r;
	uint64_t small;

	if (d->rc)
		return;
	if (u256_to_u64(v, &small) == CD_OK && (small == 27 || small == 28)) {
		t->has_chain_id = false;
		sig->y_parity = (uint8_t)(small - 27);
		return;
	}
	if (u256_sub(&rest, v, u256_from_u64(35)) != CD_OK) {
		dfail(d, TX_ESIG, "v: neither 27/28 nor 35 + 2 * chainId + {0,1}");
		return;
	}
	u256_divmod(&q, &r, rest, u256_from_u64(2));
	if (u256_to_u64(q, &t->chain_id) != CD_OK) {
		dfail(d, TX_ESIG, "v: its chain id exceeds 64 bits");
		return;
	}
	t->has_chain_id = true;
	sig->y_parity = (uint8_t)r.w[0];
}

static void decode_fields(struct dec *d, struct rlp_item list, struct tx *t, struct tx_sig *sig)
{
	static const size_t field_count[] = { 9, 11, 12 };
	struct rlp_iter it;
	struct rlp_item item;
	size_t n = 0;
	uint64_t parity;

	if (!list.is_list || rlp_iter_init(&it, list) != CD_OK || rlp_list_count(list, &n) != CD_OK) {
		dfail(d, TX_EDECODE, "transaction: an RLP string, expected a list");
		return;
	}
	if (n != field_count[t->type]) {
		dfail(d, TX_EDECODE, "transaction: %zu fields, a %s transaction has %zu", n,
		      type_name(t->type), field_count[t->type]);
		return;
	}
	if (t->type != TX_LEGACY) {
		t->chain_id = item_u64(d, next_item(d, &it, "chainId"), "chainId");
		t->has_chain_id = true;
	}
	t->nonce = item_u64(d, next_item(d, &it, "nonce"), "nonce");
	if (t->type == TX_DYNAMIC_FEE) {
		t->max_priority_fee_per_gas = item_u256(d, next_item(d, &it, "maxPriorityFeePerGas"),
		                                        "maxPriorityFeePerGas");
		t->max_fee_per_gas = item_u256(d, next_item(d, &it, "maxFeePerGas"), "maxFeePerGas");
	} else {
		t->gas_price = item_u256(d, next_item(d, &it, "gasPrice"), "gasPrice");
	}
	t->gas = item_u64(d, next_item(d, &it, "gas"), "gas");
	item = next_item(d, &it, "to");
	if (!d->rc && !item.is_list && item.len == 0) {
		t->has_to = false;
	} else {
		item_fixed(d, item, t->to, ADDRESS_SIZE, "to");
		t->has_to = true;
	}
	t->value = item_u256(d, next_item(d, &it, "value"), "value");
	item = next_item(d, &it, "data");
	if (!d->rc && item.is_list) {
		dfail(d, TX_EDECODE, "data: a list, expected bytes");
	} else if (!d->rc && item.len) {
		t->data = xmalloc(item.len);
		memcpy(t->data, item.data, item.len);
		t->data_len = item.len;
	}
	if (t->type != TX_LEGACY)
		decode_access_list(d, next_item(d, &it, "accessList"), t);
	if (t->type == TX_LEGACY) {
		decode_legacy_v(d, item_u256(d, next_item(d, &it, "v"), "v"), t, sig);
	} else {
		parity = item_u64(d, next_item(d, &it, "yParity"), "yParity");
		if (!d->rc && parity > 1)
			dfail(d, TX_ESIG, "yParity: %llu, expected 0 or 1", (unsigned long long)parity);
		sig->y_parity = (uint8_t)parity;
	}
	sig->r = item_u256(d, next_item(d, &it, "r"), "r");
	sig->s = item_u256(d, next_item(d, &it, "s"), "s");
	check_rs(d, sig);
}

int tx_decode(const uint8_t *raw, size_t len, struct tx *t, struct tx_sig *sig, char *err, size_t errlen)
{
	struct dec d = { CD_OK, err, errlen };
	struct tx_sig tmp;
	struct rlp_item list;
	const uint8_t *body = raw;
	size_t body_len = len;
	int rc;

	if (!t)
		return CD_EINVAL;
	memset(t, 0, sizeof(*t));
	memset(&tmp, 0, sizeof(tmp));
	clear_err(err, errlen);
	if (!raw || len == 0) {
		dfail(&d, TX_EDECODE, "transaction: empty");
		return d.rc;
	}
	if (raw[0] < 0x80) {
		if (raw[0] != TX_ACCESS_LIST && raw[0] != TX_DYNAMIC_FEE) {
			dfail(&d, TX_EDECODE, "type: transaction type 0x%02x not supported", raw[0]);
			return d.rc;
		}
		t->type = (enum tx_type)raw[0];
		body++;
		body_len--;
	} else if (raw[0] < 0xc0) {
		dfail(&d, TX_EDECODE, "transaction: an RLP string, expected a list or a typed envelope");
		return d.rc;
	}
	rc = rlp_decode(&list, body, body_len);
	if (rc != CD_OK) {
		dfail(&d, TX_EDECODE, "transaction: %s", cd_strerror(rc));
		tx_free(t); /* the contract: outputs are left zeroed on error (the type was set above) */
		return d.rc;
	}
	decode_fields(&d, list, t, &tmp);
	if (d.rc) {
		tx_free(t);
		return d.rc;
	}
	if (sig)
		*sig = tmp;
	return CD_OK;
}

int tx_recover_sender(const struct tx *t, const struct tx_sig *sig, struct address *from)
{
	uint8_t hash[32], rs[64];
	int rc;

	if (!sig || !from || sig->y_parity > 1)
		return CD_EINVAL;
	rc = tx_signing_hash(t, hash);
	if (rc != CD_OK)
		return rc;
	u256_to_be(sig->r, rs);
	u256_to_be(sig->s, rs + 32);
	rc = sign_recover_digest(hash, rs, sig->y_parity, from);
	return rc == CD_OK ? CD_OK : TX_ESIG;
}

/* ---- node rules ---- */

static int add_gas(uint64_t *acc, uint64_t count, uint64_t unit)
{
	if (count && unit > (UINT64_MAX - *acc) / count)
		return TX_ERULE;
	*acc += count * unit;
	return CD_OK;
}

int tx_intrinsic_gas(const struct tx *t, uint64_t *gas)
{
	uint64_t g = GAS_TX, zeros = 0, keys = 0;
	size_t i;
	int rc = CD_OK;

	if (!gas || check_shape(t) != CD_OK)
		return CD_EINVAL;
	for (i = 0; i < t->data_len; i++)
		zeros += t->data[i] == 0;
	rc |= add_gas(&g, zeros, GAS_DATA_ZERO);
	rc |= add_gas(&g, t->data_len - zeros, GAS_DATA_NONZERO);
	if (!t->has_to) {
		rc |= add_gas(&g, 1, GAS_CREATE);
		rc |= add_gas(&g, t->data_len / 32 + (t->data_len % 32 != 0), GAS_INITCODE_WORD);
	}
	for (i = 0; i < t->access_count; i++)
		keys += t->access_list[i].key_count;
	rc |= add_gas(&g, t->access_count, GAS_ACCESS_ADDRESS);
	rc |= add_gas(&g, keys, GAS_ACCESS_KEY);
	if (rc)
		return TX_ERULE;
	*gas = g;
	return CD_OK;
}

int tx_check(const struct tx *t, char *err, size_t errlen)
{
	struct u256 product, cap;
	uint64_t need = 0;

	clear_err(err, errlen);
	if (check_shape(t) != CD_OK) {
		set_err(err, errlen, "transaction: inconsistent fields");
		return CD_EINVAL;
	}
	if (t->nonce == UINT64_MAX) {
		set_err(err, errlen, "nonce: 2^64-1 is not usable (EIP-2681)");
		return TX_ERULE;
	}
	if (!t->has_to && t->data_len > TX_MAX_INITCODE) {
		set_err(err, errlen, "data: %zu bytes of init code, at most %d (EIP-3860)", t->data_len,
		        TX_MAX_INITCODE);
		return TX_ERULE;
	}
	if (tx_intrinsic_gas(t, &need) != CD_OK) {
		set_err(err, errlen, "gas: the intrinsic gas exceeds 64 bits");
		return TX_ERULE;
	}
	if (t->gas < need) {
		set_err(err, errlen, "gas: %llu is below the intrinsic gas %llu", (unsigned long long)t->gas,
		        (unsigned long long)need);
		return TX_ERULE;
	}
	cap = t->type == TX_DYNAMIC_FEE ? t->max_fee_per_gas : t->gas_price;
	if (t->type == TX_DYNAMIC_FEE && u256_cmp(t->max_priority_fee_per_gas, t->max_fee_per_gas) > 0) {
		set_err(err, errlen, "maxPriorityFeePerGas: above maxFeePerGas");
		return TX_ERULE;
	}
	if (u256_mul(&product, cap, u256_from_u64(t->gas)) != CD_OK) {
		set_err(err, errlen, "gas: gas times %s exceeds 256 bits",
		        t->type == TX_DYNAMIC_FEE ? "maxFeePerGas" : "gasPrice");
		return TX_ERULE;
	}
	return CD_OK;
}
