/*
 * tx: transactions signed and decoded byte for byte against EIP-155, ethers
 * and the ethereum-tests vectors; JSON input, typed envelopes, access lists,
 * and the rules a node would reject named.
 */
#include "common/address.h"
#include "common/hex.h"
#include "common/keccak.h"
#include "common/u256.h"
#include "wallet/sign.h"
#include "wallet/tx.h"
#include "tests/lib/test.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TT_DIR "tests/vectors/ethereum-tests/TransactionTests"

/* The Anvil/Hardhat development key 0 and its address. */
static const char DEV_KEY[] = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char DEV_ADDR[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/* Decodes vector hex ("0x" optional) into a malloc'd buffer (never NULL). */
static uint8_t *unhex(const char *s, size_t *n)
{
	size_t len = s ? strlen(s) : 0;
	uint8_t *buf = malloc(len / 2 + 1);

	if (!buf)
		abort();
	*n = 0;
	CHECK_MSG(s && hex_decode(buf, len / 2 + 1, n, s, len) == CD_OK, "bad hex in vector: %.40s", s ? s : "(null)");
	return buf;
}

static void key_of(uint8_t key[32], const char *hex)
{
	CHECK(hex_decode_exact(key, 32, hex, strlen(hex)) == CD_OK);
}

static cJSON *load_json(const char *path, int gz)
{
	char *text = gz ? test_read_gz(path, NULL) : test_read_file(path, NULL);
	cJSON *root = cJSON_Parse(text);

	free(text);
	if (!root) {
		fprintf(stderr, "%s: not JSON\n", path);
		abort();
	}
	return root;
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int same_hex(const uint8_t *p, size_t n, const char *want)
{
	char *text = malloc(2 * n + 3);
	int same;

	if (!text)
		abort();
	hex_encode(text, 2 * n + 3, p, n, 1);
	same = want && strcasecmp(text, want) == 0;
	free(text);
	return same;
}

static struct tx json_tx(const char *text)
{
	struct tx t;
	char err[TX_ERR_MAX];
	cJSON *j = cJSON_Parse(text);

	CHECK_MSG(j != NULL, "bad JSON in test: %s", text);
	CHECK_MSG(tx_from_json(j, &t, err, sizeof(err)) == CD_OK, "%s: %s", text, err);
	cJSON_Delete(j);
	return t;
}

/* ---- EIP-155 example ---- */

/* The hex blocks of eip-155.md's Example, in order: signing data, signing hash, signed tx. */
static void eip155_example_signs_byte_for_byte(void)
{
	char *text = test_read_file("tests/vectors/ethereum-EIPs/EIPS/eip-155.md", NULL);
	const char *p = strstr(text, "### Example");
	char *blocks[3];
	size_t nb = 0, n;
	uint8_t key[32], hash[32], *payload, *want;
	struct tx t = { 0 };
	struct tx_raw raw;
	struct tx_sig sig;
	struct tx dec;
	char vtext[80];

	CHECK(p != NULL);
	while (p && nb < 3) {
		p = strstr(p, "```\n0x");
		if (!p)
			break;
		p += 4;
		n = strspn(p, "0x123456789abcdef");
		blocks[nb] = strndup(p, n);
		nb++;
	}
	CHECK_INT(nb, 3);
	if (nb != 3) {
		free(text);
		return;
	}
	t.type = TX_LEGACY;
	t.has_chain_id = true;
	t.chain_id = 1;
	t.nonce = 9;
	t.gas_price = u256_from_u64(20000000000ULL);
	t.gas = 21000;
	t.has_to = true;
	memset(t.to, 0x35, 20);
	t.value = u256_from_u64(1000000000000000000ULL);

	CHECK(tx_signing_payload(&t, &payload, &n) == CD_OK);
	CHECK_MSG(same_hex(payload, n, blocks[0]), "signing data differs");
	free(payload);
	CHECK(tx_signing_hash(&t, hash) == CD_OK);
	CHECK_MSG(same_hex(hash, 32, blocks[1]), "signing hash differs");
	memset(key, 0x46, 32);
	CHECK(tx_sign(&t, key, &raw) == CD_OK);
	CHECK_MSG(same_hex(raw.bytes, raw.len, blocks[2]), "signed tx differs");
	want = unhex(blocks[2], &n);
	keccak256(hash, want, n);
	CHECK(memcmp(hash, raw.hash, 32) == 0);
	CHECK(tx_decode(raw.bytes, raw.len, &dec, &sig, NULL, 0) == CD_OK);
	u256_format_dec(tx_sig_v(&dec, &sig), vtext, sizeof(vtext));
	CHECK_STR(vtext, "37");
	u256_format_dec(sig.r, vtext, sizeof(vtext));
	CHECK_STR(vtext, "18515461264373351373200002665853028612451056578545711640558177340181847433846");
	u256_format_dec(sig.s, vtext, sizeof(vtext));
	CHECK_STR(vtext, "46948507304638947509940763649030358759909902576025900602547168820602576006531");
	tx_free(&dec);
	tx_raw_free(&raw);
	free(want);
	for (size_t i = 0; i < nb; i++)
		free(blocks[i]);
	free(text);
}

/* ---- ethers.js transaction.json.gz ---- */

enum ethers_form { E_LEGACY, E_EIP155, E_BERLIN, E_LONDON, E_FORMS };
static const char *const ethers_unsigned[E_FORMS] = { "unsignedLegacy", "unsignedEip155", "unsignedBerlin", "unsignedLondon" };
static const char *const ethers_signed[E_FORMS] = { "signedLegacy", "signedEip155", "signedBerlin", "signedLondon" };

static struct u256 ethers_u256(const cJSON *o, const char *key)
{
	struct u256 v = u256_from_u64(0);
	const char *s = jstr(o, key);

	/* ethers writes zero as a bare "0x" */
	if (s && strcmp(s, "0x") != 0)
		CHECK(u256_parse_hex(&v, s, strlen(s)) == CD_OK);
	return v;
}

/*
 * The transaction of a case in one form. ethers fills absent fields with 0,
 * empty data, contract creation, and chain id 1 for typed forms; its EIP-155
 * form without a chain id, or with chain id 0, encodes the chain id as a
 * non-canonical 0x00, so *usable is 0 for those.
 */
static void ethers_tx(const cJSON *o, enum ethers_form form, struct tx *t, int *usable)
{
	const cJSON *v, *al, *e, *k;
	const char *s;
	uint64_t chain = 1;
	size_t n;

	memset(t, 0, sizeof(*t));
	*usable = 1;
	s = jstr(o, "chainId");
	if (s)
		chain = u256_to_u64(ethers_u256(o, "chainId"), &chain) == CD_OK ? chain : 0;
	if (form == E_EIP155 && (!s || chain == 0))
		*usable = 0;
	t->type = form == E_BERLIN ? TX_ACCESS_LIST : form == E_LONDON ? TX_DYNAMIC_FEE : TX_LEGACY;
	t->has_chain_id = form != E_LEGACY;
	t->chain_id = t->has_chain_id ? chain : 0;
	v = cJSON_GetObjectItemCaseSensitive(o, "nonce");
	t->nonce = cJSON_IsNumber(v) ? (uint64_t)v->valueint : 0;
	CHECK(u256_to_u64(ethers_u256(o, "gasLimit"), &t->gas) == CD_OK);
	t->gas_price = ethers_u256(o, "gasPrice");
	t->max_fee_per_gas = ethers_u256(o, "maxFeePerGas");
	t->max_priority_fee_per_gas = ethers_u256(o, "maxPriorityFeePerGas");
	t->value = ethers_u256(o, "value");
	s = jstr(o, "to");
	if (s) {
		t->has_to = true;
		CHECK(hex_decode_exact(t->to, 20, s, strlen(s)) == CD_OK);
	}
	s = jstr(o, "data");
	if (s && strlen(s) > 2) {
		t->data = unhex(s, &n);
		t->data_len = n;
	}
	al = cJSON_GetObjectItemCaseSensitive(o, "accessList");
	n = (size_t)cJSON_GetArraySize(al);
	if (form >= E_BERLIN && n) {
		t->access_list = calloc(n, sizeof(*t->access_list));
		t->access_count = n;
		n = 0;
		cJSON_ArrayForEach(e, al) {
			struct tx_access_entry *ent = &t->access_list[n++];
			const cJSON *keys = cJSON_GetObjectItemCaseSensitive(e, "storageKeys");
			size_t i = 0;

			s = jstr(e, "address");
			CHECK(s && hex_decode_exact(ent->address, 20, s, strlen(s)) == CD_OK);
			ent->key_count = (size_t)cJSON_GetArraySize(keys);
			ent->keys = ent->key_count ? calloc(ent->key_count, 32) : NULL;
			cJSON_ArrayForEach(k, keys) {
				CHECK(hex_decode_exact(ent->keys[i], 32, k->valuestring, strlen(k->valuestring)) == CD_OK);
				i++;
			}
		}
	}
}

static void ethers_vectors(int which)
{
	cJSON *root = load_json("tests/vectors/ethers.js/testcases/transaction.json.gz", 1);
	const cJSON *c;
	int total = 0, bad = 0;

	CHECK(cJSON_GetArraySize(root) == 896);
	cJSON_ArrayForEach(c, root) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(c, "transaction");
		const char *name = jstr(c, "name");
		uint8_t key[32];
		struct address me;

		key_of(key, jstr(c, "privateKey"));
		CHECK(sign_key_address(key, &me) == CD_OK);
		for (int f = 0; f < E_FORMS; f++) {
			struct tx t, dec;
			struct tx_sig sig;
			struct tx_raw raw;
			struct address from;
			uint8_t *p, *want;
			size_t n, wn;
			int usable, ok = 1;

			ethers_tx(o, (enum ethers_form)f, &t, &usable);
			if (!usable) {
				tx_free(&t);
				continue;
			}
			total++;
			if (which == 0) {
				/* the signing payload */
				ok = tx_signing_payload(&t, &p, &n) == CD_OK && same_hex(p, n, jstr(c, ethers_unsigned[f]));
				if (ok)
					free(p);
			} else if (which == 1) {
				/* signing gives ethers' bytes exactly */
				ok = tx_sign(&t, key, &raw) == CD_OK && same_hex(raw.bytes, raw.len, jstr(c, ethers_signed[f]));
				tx_raw_free(&raw);
			} else {
				/* ethers' signed bytes decode to the same transaction and recover the key's address */
				want = unhex(jstr(c, ethers_signed[f]), &wn);
				ok = tx_decode(want, wn, &dec, &sig, NULL, 0) == CD_OK &&
				     tx_recover_sender(&dec, &sig, &from) == CD_OK &&
				     memcmp(from.b, me.b, 20) == 0 &&
				     tx_encode_signed(&dec, &sig, &raw) == CD_OK &&
				     raw.len == wn && memcmp(raw.bytes, want, wn) == 0;
				if (ok)
					tx_raw_free(&raw);
				tx_free(&dec);
				free(want);
			}
			if (!ok) {
				bad++;
				if (bad <= 5)
					CHECK_MSG(0, "%s %s: mismatch", name, ethers_signed[f]);
			}
			tx_free(&t);
		}
	}
	CHECK_MSG(bad == 0, "%d of %d ethers cases differ", bad, total);
	CHECK_MSG(total > 3000, "only %d cases", total);
	cJSON_Delete(root);
}

static void ethers_signing_payloads_match(void) { ethers_vectors(0); }
static void ethers_signed_transactions_match_byte_for_byte(void) { ethers_vectors(1); }
static void ethers_signed_transactions_decode_reencode_and_recover(void) { ethers_vectors(2); }

/* ---- ethereum/tests TransactionTests ---- */

static const char *const FORKS[] = {
	"Frontier", "Homestead", "EIP150", "EIP158", "Byzantium", "Constantinople", "ConstantinopleFix",
	"Istanbul", "Berlin", "London", "Paris", "Shanghai", "Cancun", "Prague"
};

/* The result for the latest fork the file lists. */
static const cJSON *latest_result(const cJSON *result)
{
	const cJSON *best = NULL;

	for (size_t i = 0; i < TEST_COUNT(FORKS); i++) {
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(result, FORKS[i]);

		if (r)
			best = r;
	}
	return best;
}

/*
 * Everything a node on chain id 1 checks without state: strict decoding,
 * signature range, sender recovery, the chain id, and tx_check.
 */
static int tt_accept(const uint8_t *raw, size_t len, struct address *from, char *why, size_t whylen)
{
	struct tx t;
	struct tx_sig sig;
	int rc;

	rc = tx_decode(raw, len, &t, &sig, why, whylen);
	if (rc != CD_OK)
		return rc;
	rc = tx_recover_sender(&t, &sig, from);
	if (rc != CD_OK) {
		snprintf(why, whylen, "no sender recovers");
	} else if (t.has_chain_id && t.chain_id != 1) {
		snprintf(why, whylen, "chain id %llu", (unsigned long long)t.chain_id);
		rc = TX_ERULE;
	} else {
		rc = tx_check(&t, why, whylen);
	}
	tx_free(&t);
	return rc;
}

static void ethereum_tests_give_the_latest_fork_result(void)
{
	DIR *top = opendir(TT_DIR);
	struct dirent *d, *f;
	int valid = 0, invalid = 0, wrong = 0;

	CHECK(top != NULL);
	if (!top)
		return;
	for (d = readdir(top); d; d = readdir(top)) {
		char dir[512];
		DIR *sub;

		if (strncmp(d->d_name, "tt", 2) != 0)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", TT_DIR, d->d_name);
		sub = opendir(dir);
		CHECK(sub != NULL);
		if (!sub)
			continue;
		for (f = readdir(sub); f; f = readdir(sub)) {
			char path[1024];
			const cJSON *c;
			cJSON *root;

			if (!strstr(f->d_name, ".json"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, f->d_name);
			root = load_json(path, 0);
			cJSON_ArrayForEach(c, root) {
				const cJSON *res = latest_result(cJSON_GetObjectItemCaseSensitive(c, "result"));
				const char *txbytes = jstr(c, "txbytes");
				const char *exc = jstr(res, "exception");
				struct address from;
				char why[TX_ERR_MAX] = "";
				uint8_t *raw, hash[32];
				size_t n;
				int rc;

				CHECK_MSG(res && txbytes, "%s: no result or txbytes", path);
				if (!res || !txbytes)
					continue;
				raw = malloc(strlen(txbytes) / 2 + 1);
				if (!raw)
					abort();
				/* Some invalid cases are not even hex of whole bytes: those are rejections too. */
				if (hex_decode(raw, strlen(txbytes) / 2 + 1, &n, txbytes, strlen(txbytes)) != CD_OK) {
					rc = TX_EDECODE;
				} else {
					rc = tt_accept(raw, n, &from, why, sizeof(why));
				}
				if (exc) {
					invalid++;
					if (rc == CD_OK) {
						wrong++;
						CHECK_MSG(0, "%s (%s): accepted", path, exc);
					}
				} else {
					valid++;
					keccak256(hash, raw, n);
					if (rc != CD_OK) {
						wrong++;
						CHECK_MSG(0, "%s: rejected: %s", path, why);
					} else if (!same_hex(from.b, 20, jstr(res, "sender")) || !same_hex(hash, 32, jstr(res, "hash"))) {
						wrong++;
						CHECK_MSG(0, "%s: wrong sender or hash", path);
					}
				}
				free(raw);
			}
			cJSON_Delete(root);
		}
		closedir(sub);
	}
	closedir(top);
	CHECK_MSG(valid > 40 && invalid > 150, "only %d valid and %d invalid cases", valid, invalid);
	CHECK_INT(wrong, 0);
}

/* ---- JSON ---- */

static void json_eip1559_transaction_parses(void)
{
	struct tx t = json_tx("{\"from\":\"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\",\"chainId\":\"0x7a69\","
	                      "\"nonce\":\"0x0\",\"to\":\"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\","
	                      "\"value\":\"0x1\",\"gas\":\"0x5208\",\"maxFeePerGas\":\"0x77359400\","
	                      "\"maxPriorityFeePerGas\":\"0x3b9aca00\"}");
	uint64_t fee = 0;

	CHECK_INT(t.type, TX_DYNAMIC_FEE);
	CHECK(t.has_chain_id && t.chain_id == 31337);
	CHECK(t.has_to && t.to[0] == 0x70);
	CHECK(t.has_from && t.from[0] == 0xf3);
	CHECK_INT(t.gas, 21000);
	CHECK(u256_to_u64(t.max_fee_per_gas, &fee) == CD_OK && fee == 2000000000);
	CHECK(t.data == NULL && t.data_len == 0);
	CHECK(tx_check(&t, NULL, 0) == CD_OK);
	tx_free(&t);
}

static void json_type_follows_the_fee_style(void)
{
	struct tx t;

	t = json_tx("{\"chainId\":\"0x1\",\"nonce\":\"0x5\",\"gas\":\"0x5208\",\"gasPrice\":\"0x1\",\"to\":null}");
	CHECK_INT(t.type, TX_LEGACY);
	CHECK(t.has_chain_id && !t.has_to);
	tx_free(&t);
	t = json_tx("{\"chainId\":\"0x1\",\"nonce\":\"0x5\",\"gas\":\"0x5208\",\"gasPrice\":\"0x1\","
	            "\"accessList\":[{\"address\":\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\",\"storageKeys\":"
	            "[\"0x0000000000000000000000000000000000000000000000000000000000000001\"]}]}");
	CHECK_INT(t.type, TX_ACCESS_LIST);
	CHECK_INT(t.access_count, 1);
	CHECK(t.access_list && t.access_list[0].key_count == 1 && t.access_list[0].keys[0][31] == 1);
	tx_free(&t);
	t = json_tx("{\"type\":\"0x1\",\"chainId\":\"0x1\",\"nonce\":\"0x5\",\"gas\":\"0x5208\",\"gasPrice\":\"0x1\"}");
	CHECK_INT(t.type, TX_ACCESS_LIST);
	CHECK_INT(t.access_count, 0);
	tx_free(&t);
}

static void json_input_is_data_and_both_must_agree(void)
{
	struct tx t;

	t = json_tx("{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x10000\",\"gasPrice\":\"0x1\",\"input\":\"0xa9059cbb\"}");
	CHECK(t.data_len == 4 && t.data[0] == 0xa9);
	tx_free(&t);
	t = json_tx("{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x10000\",\"gasPrice\":\"0x1\","
	            "\"input\":\"0xA9059CBB\",\"data\":\"0xa9059cbb\"}");
	CHECK(t.data_len == 4 && t.data[3] == 0xbb);
	tx_free(&t);
	t = json_tx("{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x10000\",\"gasPrice\":\"0x1\",\"data\":\"0x\"}");
	CHECK(t.data == NULL && t.data_len == 0);
	tx_free(&t);
}

static void json_rejects_with_the_field_named(void)
{
	static const struct {
		const char *json, *err;
	} cases[] = {
		{ "[]", "transaction: must be a JSON object" },
		{ "{\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\"}", "chainId: missing" },
		{ "{\"chainId\":\"0x1\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\"}", "nonce: missing" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gasPrice\":\"0x1\"}", "gas: missing" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\"}", "gasPrice: missing" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\",\"maxFeePerGas\":\"0x1\","
		  "\"maxPriorityFeePerGas\":\"0x1\"}", "gasPrice: cannot be combined with maxFeePerGas" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"maxFeePerGas\":\"0x1\"}",
		  "maxPriorityFeePerGas: missing (maxFeePerGas needs it)" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"maxPriorityFeePerGas\":\"0x1\"}",
		  "maxFeePerGas: missing (maxPriorityFeePerGas needs it)" },
		{ "{\"type\":\"0x3\",\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\"}",
		  "type: unsupported transaction type 0x3" },
		{ "{\"type\":\"0x2\",\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\"}",
		  "gasPrice: not allowed in a type 2 transaction (use maxFeePerGas)" },
		{ "{\"type\":\"0x0\",\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"maxFeePerGas\":\"0x1\","
		  "\"maxPriorityFeePerGas\":\"0x1\"}", "maxFeePerGas: not allowed in a legacy transaction (use gasPrice)" },
		{ "{\"type\":\"0x0\",\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\",\"accessList\":[]}",
		  "accessList: not allowed in a legacy transaction" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\",\"gasLimit\":\"0x1\"}",
		  "gasLimit: unknown field" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"nonce\":\"0x1\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\"}",
		  "nonce: given twice" },
		{ "{\"chainId\":1,\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\"}", "chainId: must be a hex string" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"12\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\"}", "nonce: not a hex quantity" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x10000000000000000\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\"}",
		  "nonce: exceeds 64 bits" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0xg\"}", "gasPrice: not a hex quantity" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\",\"value\":"
		  "\"0x10000000000000000000000000000000000000000000000000000000000000000\"}", "value: exceeds 256 bits" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\",\"to\":\"0x1234\"}",
		  "to: not an address (0x followed by 40 hex digits)" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\",\"data\":\"0xabc\"}",
		  "data: not hex data (odd length or a stray character)" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\",\"data\":\"abcd\"}",
		  "data: hex data needs the 0x prefix" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\",\"data\":\"0x01\",\"input\":\"0x02\"}",
		  "input: differs from data" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\",\"accessList\":"
		  "[{\"address\":\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\",\"storageKeys\":[\"0x01\"]}]}",
		  "accessList[0].storageKeys[0]: must be 32 bytes of hex" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\",\"accessList\":"
		  "[{\"storageKeys\":[]}]}", "accessList[0].address: missing" },
		{ "{\"chainId\":\"0x1\",\"nonce\":\"0x0\",\"gas\":\"0x1\",\"gasPrice\":\"0x1\",\"accessList\":"
		  "[{\"address\":\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\",\"storageKeys\":[],\"x\":1}]}",
		  "accessList[0].x: unknown field" },
	};
	char err[TX_ERR_MAX];

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		cJSON *j = cJSON_Parse(cases[i].json);
		struct tx t;
		int rc;

		CHECK_MSG(j != NULL, "case %zu: bad JSON", i);
		strcpy(err, "untouched");
		rc = tx_from_json(j, &t, err, sizeof(err));
		CHECK_MSG(rc == CD_EINVAL, "case %zu: rc %d", i, rc);
		CHECK_STR(err, cases[i].err);
		CHECK(t.data == NULL && t.access_list == NULL);
		cJSON_Delete(j);
	}
}

/* ---- encoding edge cases ---- */

static struct tx base_1559(void)
{
	struct tx t = { 0 };

	t.type = TX_DYNAMIC_FEE;
	t.has_chain_id = true;
	t.chain_id = 1;
	t.gas = 21000;
	t.max_fee_per_gas = u256_from_u64(30000000000ULL);
	t.max_priority_fee_per_gas = u256_from_u64(1000000000ULL);
	t.has_to = true;
	memset(t.to, 0x11, 20);
	return t;
}

/* Signs, decodes and recovers; returns the decoded transaction (to free). */
static struct tx roundtrip(const struct tx *t, const uint8_t key[32], struct tx_raw *raw)
{
	struct tx dec = { 0 };
	struct tx_sig sig;
	struct address from, me;
	char err[TX_ERR_MAX] = "";

	CHECK(tx_sign(t, key, raw) == CD_OK);
	CHECK_MSG(tx_decode(raw->bytes, raw->len, &dec, &sig, err, sizeof(err)) == CD_OK, "decode: %s", err);
	CHECK(tx_recover_sender(&dec, &sig, &from) == CD_OK);
	CHECK(sign_key_address(key, &me) == CD_OK);
	CHECK(memcmp(from.b, me.b, 20) == 0);
	return dec;
}

static void u256_max_values_and_big_chain_ids_roundtrip(void)
{
	uint8_t key[32];
	struct tx t = base_1559(), d;
	struct tx_raw raw;
	struct u256 max;
	uint64_t v64;

	key_of(key, DEV_KEY);
	memset(&max, 0xff, sizeof(max));
	t.value = max;
	t.max_fee_per_gas = max;
	t.max_priority_fee_per_gas = max;
	t.nonce = UINT64_MAX - 1;
	t.chain_id = UINT64_MAX;
	d = roundtrip(&t, key, &raw);
	CHECK(u256_cmp(d.value, max) == 0 && u256_cmp(d.max_fee_per_gas, max) == 0);
	CHECK(d.nonce == UINT64_MAX - 1 && d.chain_id == UINT64_MAX);
	CHECK(tx_check(&d, NULL, 0) == TX_ERULE); /* 21000 * (2^256 - 1) overflows */
	tx_free(&d);
	tx_raw_free(&raw);

	/* legacy EIP-155 with the largest chain id: v = 35 + 2 * (2^64 - 1) + parity needs 65 bits */
	t.type = TX_LEGACY;
	t.gas_price = max;
	d = roundtrip(&t, key, &raw);
	CHECK(d.type == TX_LEGACY && d.has_chain_id && d.chain_id == UINT64_MAX);
	{
		struct tx_sig sig;
		struct tx again;

		CHECK(tx_decode(raw.bytes, raw.len, &again, &sig, NULL, 0) == CD_OK);
		CHECK(u256_to_u64(tx_sig_v(&again, &sig), &v64) == CD_ERANGE);
		tx_free(&again);
	}
	tx_free(&d);
	tx_raw_free(&raw);
}

static void pre_eip155_legacy_uses_v_27_or_28(void)
{
	uint8_t key[32];
	struct tx t = base_1559(), d;
	struct tx_raw raw;
	struct tx_sig sig;
	uint64_t v = 0;

	key_of(key, DEV_KEY);
	t.type = TX_LEGACY;
	t.has_chain_id = false;
	t.gas_price = u256_from_u64(1);
	d = roundtrip(&t, key, &raw);
	CHECK(!d.has_chain_id);
	tx_free(&d);
	CHECK(tx_decode(raw.bytes, raw.len, &d, &sig, NULL, 0) == CD_OK);
	CHECK(u256_to_u64(tx_sig_v(&d, &sig), &v) == CD_OK && (v == 27 || v == 28));
	tx_free(&d);
	tx_raw_free(&raw);
}

static void contract_creation_and_empty_data_encode_as_empty_strings(void)
{
	uint8_t key[32], *p;
	struct tx t = base_1559(), d;
	struct tx_raw raw;
	size_t n;
	uint8_t code[] = { 0x60, 0x01, 0x60, 0x00, 0x55 };

	key_of(key, DEV_KEY);
	t.has_to = false;
	/* [chainId, nonce, prio, max, gas, to = 0x80, value = 0x80, data = 0x80, [] ] */
	CHECK(tx_signing_payload(&t, &p, &n) == CD_OK);
	CHECK(n > 5 && p[0] == 0x02 && memcmp(p + n - 4, "\x80\x80\x80\xc0", 4) == 0);
	free(p);
	t.data = code;
	t.data_len = sizeof(code);
	t.gas = 100000;
	d = roundtrip(&t, key, &raw);
	CHECK(!d.has_to && d.data_len == sizeof(code) && memcmp(d.data, code, sizeof(code)) == 0);
	CHECK(tx_check(&d, NULL, 0) == CD_OK);
	tx_free(&d);
	tx_raw_free(&raw);
}

static void access_lists_roundtrip_in_both_typed_envelopes(void)
{
	uint8_t key[32], keys[3][32];
	struct tx_access_entry al[2];
	struct tx t = base_1559(), d;
	struct tx_raw raw;
	uint64_t need = 0;

	key_of(key, DEV_KEY);
	memset(keys, 0, sizeof(keys));
	keys[0][31] = 1;
	keys[1][0] = 0xff;
	memset(al, 0, sizeof(al));
	memset(al[0].address, 0xaa, 20);
	al[0].key_count = 2;
	al[0].keys = keys;
	memset(al[1].address, 0xbb, 20);
	t.access_list = al;
	t.access_count = 2;
	for (int type = TX_ACCESS_LIST; type <= TX_DYNAMIC_FEE; type++) {
		t.type = (enum tx_type)type;
		t.gas_price = u256_from_u64(7);
		d = roundtrip(&t, key, &raw);
		CHECK(d.type == t.type && d.access_count == 2);
		CHECK(d.access_list[0].key_count == 2 && d.access_list[1].key_count == 0);
		CHECK(memcmp(d.access_list[0].keys, keys, 64) == 0 && d.access_list[1].address[0] == 0xbb);
		tx_free(&d);
		tx_raw_free(&raw);
	}
	CHECK(tx_intrinsic_gas(&t, &need) == CD_OK);
	CHECK_INT(need, 21000 + 2 * 2400 + 2 * 1900);
	CHECK(tx_check(&t, NULL, 0) == TX_ERULE); /* 21000 gas is not enough */
	t.type = TX_LEGACY;
	CHECK(tx_sign(&t, key, &raw) == CD_EINVAL); /* legacy has no access list */
}

static void signatures_are_low_s_and_deterministic(void)
{
	uint8_t key[32];
	struct tx t = base_1559();
	struct tx_raw a, b;
	struct tx_sig sig;
	struct tx d;
	int low = 0, parity[2] = { 0, 0 };

	key_of(key, DEV_KEY);
	for (uint64_t nonce = 0; nonce < 200; nonce++) {
		t.nonce = nonce;
		t.type = (enum tx_type)(nonce % 3);
		t.gas_price = u256_from_u64(nonce + 1);
		CHECK(tx_sign(&t, key, &a) == CD_OK);
		CHECK(tx_sign(&t, key, &b) == CD_OK);
		CHECK(a.len == b.len && memcmp(a.bytes, b.bytes, a.len) == 0 && memcmp(a.hash, b.hash, 32) == 0);
		/* tx_decode refuses s > n/2, so decoding proves low s */
		if (tx_decode(a.bytes, a.len, &d, &sig, NULL, 0) == CD_OK) {
			low++;
			parity[sig.y_parity]++;
			tx_free(&d);
		}
		tx_raw_free(&a);
		tx_raw_free(&b);
	}
	CHECK_INT(low, 200);
	CHECK(parity[0] > 50 && parity[1] > 50); /* both recovery ids occur */
}

static void high_s_and_bad_v_are_rejected(void)
{
	uint8_t key[32];
	struct tx t = base_1559(), d;
	struct tx_raw raw, bad;
	struct tx_sig sig;
	struct u256 n;
	char err[TX_ERR_MAX];
	static const uint8_t N[32] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
		0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41
	};

	key_of(key, DEV_KEY);
	CHECK(tx_sign(&t, key, &raw) == CD_OK);
	CHECK(tx_decode(raw.bytes, raw.len, &d, &sig, NULL, 0) == CD_OK);
	/* (r, n - s, 1 - parity) is the same signature's malleable twin */
	u256_from_be(&n, N, 32);
	CHECK(u256_sub(&sig.s, n, sig.s) == CD_OK);
	sig.y_parity ^= 1;
	CHECK(tx_encode_signed(&d, &sig, &bad) == CD_OK);
	CHECK_INT(tx_decode(bad.bytes, bad.len, &t, NULL, err, sizeof(err)), TX_ESIG);
	CHECK_STR(err, "s: above n/2 (EIP-2 requires low s)");
	tx_raw_free(&bad);
	tx_free(&d);

	/* one byte short, one byte more, unknown type, an RLP string */
	CHECK_INT(tx_decode(raw.bytes, raw.len - 1, &d, NULL, NULL, 0), TX_EDECODE);
	{
		uint8_t *more = malloc(raw.len + 1);

		memcpy(more, raw.bytes, raw.len);
		more[raw.len] = 0;
		CHECK_INT(tx_decode(more, raw.len + 1, &d, NULL, err, sizeof(err)), TX_EDECODE);
		more[0] = 0x03;
		CHECK_INT(tx_decode(more, raw.len, &d, NULL, err, sizeof(err)), TX_EDECODE);
		CHECK_STR(err, "type: transaction type 0x03 not supported");
		CHECK_INT(tx_decode((const uint8_t *)"\x83" "abc", 4, &d, NULL, err, sizeof(err)), TX_EDECODE);
		free(more);
	}
	tx_raw_free(&raw);
}

static void invalid_keys_are_refused(void)
{
	uint8_t key[32];
	struct tx t = base_1559();
	struct tx_raw raw;
	static const uint8_t N[32] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
		0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41
	};

	memset(key, 0, 32);
	CHECK_INT(tx_sign(&t, key, &raw), CD_EKEY);
	CHECK(raw.bytes == NULL);
	memcpy(key, N, 32);
	CHECK_INT(tx_sign(&t, key, &raw), CD_EKEY);
	t.type = TX_DYNAMIC_FEE;
	t.has_chain_id = false;
	key[31] = 1;
	CHECK_INT(tx_sign(&t, key, &raw), CD_EINVAL); /* typed without a chain id */
}

static void node_rules_name_what_is_wrong(void)
{
	static uint8_t big[TX_MAX_INITCODE + 1];
	struct tx t = base_1559();
	char err[TX_ERR_MAX];

	CHECK(tx_check(&t, err, sizeof(err)) == CD_OK);
	t.max_priority_fee_per_gas = u256_from_u64(30000000001ULL);
	CHECK_INT(tx_check(&t, err, sizeof(err)), TX_ERULE);
	CHECK_STR(err, "maxPriorityFeePerGas: above maxFeePerGas");
	t = base_1559();
	t.nonce = UINT64_MAX;
	CHECK_INT(tx_check(&t, err, sizeof(err)), TX_ERULE);
	CHECK_STR(err, "nonce: 2^64-1 is not usable (EIP-2681)");
	t = base_1559();
	t.gas = 20999;
	CHECK_INT(tx_check(&t, err, sizeof(err)), TX_ERULE);
	CHECK_STR(err, "gas: 20999 is below the intrinsic gas 21000");
	t = base_1559();
	t.has_to = false;
	t.data = big;
	t.data_len = sizeof(big);
	t.gas = 30000000;
	CHECK_INT(tx_check(&t, err, sizeof(err)), TX_ERULE);
	CHECK_STR(err, "data: 49153 bytes of init code, at most 49152 (EIP-3860)");
}

static void json_transaction_signs_like_the_struct(void)
{
	uint8_t key[32];
	struct tx a = json_tx("{\"chainId\":\"0x1\",\"nonce\":\"0x9\",\"gasPrice\":\"0x4a817c800\",\"gas\":\"0x5208\","
	                      "\"to\":\"0x3535353535353535353535353535353535353535\",\"value\":\"0xde0b6b3a7640000\"}");
	struct tx_raw raw;
	struct tx d;
	struct tx_sig sig;
	struct address from;
	char text[ADDRESS_TEXT_SIZE];

	/* EIP-155's example again, through JSON */
	memset(key, 0x46, 32);
	CHECK(tx_sign(&a, key, &raw) == CD_OK);
	CHECK(same_hex(raw.bytes, raw.len, "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a"
	                                   "76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067"
	                                   "cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"));
	tx_raw_free(&raw);
	tx_free(&a);

	key_of(key, DEV_KEY);
	a = base_1559();
	CHECK(tx_sign(&a, key, &raw) == CD_OK);
	CHECK(tx_decode(raw.bytes, raw.len, &d, &sig, NULL, 0) == CD_OK);
	CHECK(tx_recover_sender(&d, &sig, &from) == CD_OK);
	address_format(&from, text);
	CHECK_STR(text, DEV_ADDR);
	tx_free(&d);
	tx_raw_free(&raw);
}

static const struct test_case cases[] = {
	{ "eip155_example_signs_byte_for_byte", eip155_example_signs_byte_for_byte },
	{ "ethers_signing_payloads_match", ethers_signing_payloads_match },
	{ "ethers_signed_transactions_match_byte_for_byte", ethers_signed_transactions_match_byte_for_byte },
	{ "ethers_signed_transactions_decode_reencode_and_recover", ethers_signed_transactions_decode_reencode_and_recover },
	{ "ethereum_tests_give_the_latest_fork_result", ethereum_tests_give_the_latest_fork_result },
	{ "json_eip1559_transaction_parses", json_eip1559_transaction_parses },
	{ "json_type_follows_the_fee_style", json_type_follows_the_fee_style },
	{ "json_input_is_data_and_both_must_agree", json_input_is_data_and_both_must_agree },
	{ "json_rejects_with_the_field_named", json_rejects_with_the_field_named },
	{ "json_transaction_signs_like_the_struct", json_transaction_signs_like_the_struct },
	{ "u256_max_values_and_big_chain_ids_roundtrip", u256_max_values_and_big_chain_ids_roundtrip },
	{ "pre_eip155_legacy_uses_v_27_or_28", pre_eip155_legacy_uses_v_27_or_28 },
	{ "contract_creation_and_empty_data_encode_as_empty_strings", contract_creation_and_empty_data_encode_as_empty_strings },
	{ "access_lists_roundtrip_in_both_typed_envelopes", access_lists_roundtrip_in_both_typed_envelopes },
	{ "signatures_are_low_s_and_deterministic", signatures_are_low_s_and_deterministic },
	{ "high_s_and_bad_v_are_rejected", high_s_and_bad_v_are_rejected },
	{ "invalid_keys_are_refused", invalid_keys_are_refused },
	{ "node_rules_name_what_is_wrong", node_rules_name_what_is_wrong },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
