/*
 * eth decoders on the recorded execution-apis results, checked field by field
 * against the JSON text, and on broken results: each gives a status and a
 * message naming the field, never a crash or a half-filled struct.
 */
#include "common/eth.h"
#include "common/hex.h"
#include "common/rpc_codec.h"
#include "tests/lib/rpcfixture.h"
#include "tests/lib/test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURES TEST_RPC_FIXTURES

/* ---- helpers ---- */

/* Whether bytes print as the given "0x..." text. */
static int hex_is(const uint8_t *b, size_t n, const char *want)
{
	char buf[1024];

	if (hex_encode(buf, sizeof(buf), b, n, 1) < 0)
		return 0;
	return strcmp(buf, want) == 0;
}

static int u256_is(struct u256 v, const char *want)
{
	char buf[80];

	return u256_format_hex(v, buf, sizeof(buf)) > 0 && strcmp(buf, want) == 0;
}

/* The string member key of o, or "" */
static const char *str_of(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));

	return s ? s : "";
}

#define CHECK_HEX(b, n, want) \
	CHECK_MSG(hex_is((b), (n), (want)), "%s != %s", #b, (want))
#define CHECK_U256(v, want) \
	CHECK_MSG(u256_is((v), (want)), "%s != %s", #v, (want))

/* Replaces (or adds, or with json NULL deletes) member key of o. */
static void set_member(cJSON *o, const char *key, const char *json)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	if (json)
		cJSON_AddItemToObject(o, key, cJSON_Parse(json));
}

/* ---- blocks ---- */

static void block_london_with_tx_hashes(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getBlockByNumber/get-block-london-fork.io", &doc);
	struct eth_block b;
	char err[ETH_ERR_MAX];

	CHECK_INT(eth_decode_block(res, &b, err, sizeof(err)), CD_OK);
	CHECK_INT(b.number, 0x1b);
	CHECK(b.has_hash);
	CHECK_HEX(b.hash, 32, "0xb82be38216daf4487ab4fcafe9413892e7140f6816276560ec10d94d039db1aa");
	CHECK_HEX(b.parent_hash, 32, "0xea412d6a2f9d9f21112e310261ff8cc2a1b0e4e4369f9d8feffb91da818d13af");
	CHECK_INT(b.gas_limit, 0xbebc200);
	CHECK_INT(b.gas_used, 0x23948);
	CHECK_INT(b.timestamp, 0x10e);
	CHECK(b.has_size && b.size == 0x4a5);
	CHECK(b.has_base_fee);
	CHECK_U256(b.base_fee, "0x3b9aca00");
	CHECK(b.has_difficulty);
	CHECK_U256(b.difficulty, "0x202c0");
	CHECK(b.has_miner && b.has_nonce && b.has_mix_hash && b.has_logs_bloom);
	CHECK_HEX(b.logs_bloom, 256, str_of(res, "logsBloom"));
	CHECK(b.extra_data == NULL && b.extra_data_len == 0);
	CHECK(!b.has_withdrawals && !b.has_withdrawals_root && !b.has_blob_gas);
	CHECK(!b.has_parent_beacon_root && !b.has_requests_hash);
	CHECK_INT(b.uncle_count, 0);
	CHECK_INT(b.tx_kind, ETH_BLOCK_TX_HASHES);
	CHECK_INT(b.tx_count, 4);
	CHECK(b.txs == NULL);
	if (b.tx_count == 4) {
		CHECK_HEX(b.tx_hashes[0], 32, "0x205405746564cbcf1dd53fb5ac92c7622d3792d82f03c59d9baddf2443d91864");
		CHECK_HEX(b.tx_hashes[3], 32, "0x8ce18e4a659a6098464a5d0f59196d4d3156d0e7eff9b2be37d674578e200eef");
	}
	eth_block_free(&b);
	CHECK(b.tx_hashes == NULL && b.tx_count == 0);
	cJSON_Delete(doc);
}

/* The execution-apis Shanghai block credits validator 5's withdrawal address 100 gwei. */
static void block_shanghai_decodes_its_withdrawals(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getBlockByNumber/get-block-shanghai-fork.io", &doc);
	struct eth_block b;

	CHECK_INT(eth_decode_block(res, &b, NULL, 0), CD_OK);
	CHECK(b.has_withdrawals);
	CHECK_INT(b.withdrawal_count, 1);
	if (b.withdrawal_count == 1) {
		CHECK_INT(b.withdrawals[0].index, 0);
		CHECK_INT(b.withdrawals[0].validator_index, 5);
		CHECK_HEX(b.withdrawals[0].address, 20, "0x3ae75c08b4c907eb63a8960c45b86e1e9ab6123c");
		CHECK_INT(b.withdrawals[0].amount_gwei, 100);
	}
	eth_block_free(&b);
	cJSON_Delete(doc);
}

static void block_cancun_has_blob_gas_and_beacon_root(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getBlockByNumber/get-block-cancun-fork.io", &doc);
	struct eth_block b;

	CHECK_INT(eth_decode_block(res, &b, NULL, 0), CD_OK);
	CHECK_INT(b.number, 0x2a);
	CHECK(b.has_blob_gas);
	CHECK_INT(b.blob_gas_used, 0x20000);
	CHECK_INT(b.excess_blob_gas, 0);
	CHECK(b.has_parent_beacon_root);
	CHECK_HEX(b.parent_beacon_root, 32, "0x83472eda6eb475906aeeb7f09e757ba9f6663b9f6a5bf8611d6306f677f67ebd");
	CHECK(b.has_withdrawals && b.withdrawal_count == 0);
	CHECK(b.has_withdrawals_root);
	CHECK_U256(b.difficulty, "0x0");
	CHECK(!b.has_requests_hash);
	CHECK_INT(b.tx_count, 4);
	eth_block_free(&b);
	cJSON_Delete(doc);
}

static void block_prague_has_requests_hash(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getBlockByNumber/get-block-prague-fork.io", &doc);
	struct eth_block b;

	CHECK_INT(eth_decode_block(res, &b, NULL, 0), CD_OK);
	CHECK(b.has_requests_hash);
	CHECK_HEX(b.requests_hash, 32, "0x57cac3e52cdcd73e52bd9e54956e0eae370f00ed41f68edc78266bdb46c3a543");
	CHECK_INT(b.tx_count, 6);
	eth_block_free(&b);
	cJSON_Delete(doc);
}

static void block_genesis_keeps_extra_data(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getBlockByNumber/get-genesis.io", &doc);
	struct eth_block b;

	CHECK_INT(eth_decode_block(res, &b, NULL, 0), CD_OK);
	CHECK_INT(b.number, 0);
	CHECK_INT(b.extra_data_len, 9);
	CHECK(b.extra_data && memcmp(b.extra_data, "hivechain", 9) == 0);
	CHECK(!b.has_base_fee);
	CHECK_INT(b.tx_kind, ETH_BLOCK_TX_HASHES);
	CHECK_INT(b.tx_count, 0);
	CHECK_HEX(b.nonce, 8, "0x0000000000000000");
	eth_block_free(&b);
	cJSON_Delete(doc);
}

/* Every full transaction re-encodes to the JSON text it came from. */
static void check_full_block(const char *name, uint64_t number, size_t ntx)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result(name, &doc), *jt;
	char err[ETH_ERR_MAX];
	struct eth_block b;
	size_t i = 0;

	CHECK_MSG(eth_decode_block(res, &b, err, sizeof(err)) == CD_OK, "%s: %s", name, err);
	CHECK_INT(b.number, number);
	CHECK_INT(b.tx_kind, ETH_BLOCK_TX_FULL);
	CHECK_INT(b.tx_count, ntx);
	CHECK(b.tx_hashes == NULL);
	cJSON_ArrayForEach(jt, cJSON_GetObjectItemCaseSensitive(res, "transactions")) {
		const struct eth_tx *t;
		char num[24];

		if (i >= b.tx_count)
			break;
		t = &b.txs[i++];
		CHECK_HEX(t->hash, 32, str_of(jt, "hash"));
		CHECK_HEX(t->from, 20, str_of(jt, "from"));
		CHECK_HEX(t->block_hash, 32, str_of(jt, "blockHash"));
		CHECK_HEX(t->input, t->input_len, str_of(jt, "input"));
		CHECK_U256(t->value, str_of(jt, "value"));
		CHECK_U256(t->gas_price, str_of(jt, "gasPrice"));
		CHECK_U256(t->v, str_of(jt, "v"));
		CHECK_U256(t->r, str_of(jt, "r"));
		CHECK_U256(t->s, str_of(jt, "s"));
		hex_format_u64(num, sizeof(num), t->nonce);
		CHECK_STR(num, str_of(jt, "nonce"));
		hex_format_u64(num, sizeof(num), t->gas);
		CHECK_STR(num, str_of(jt, "gas"));
		CHECK(t->has_block && t->block_number == number && t->tx_index == i - 1);
		CHECK_INT(t->has_to, cJSON_IsString(cJSON_GetObjectItemCaseSensitive(jt, "to")));
		CHECK_INT(t->type, ETH_TX_LEGACY);
	}
	eth_block_free(&b);
	CHECK(b.txs == NULL);
	cJSON_Delete(doc);
}

static void block_by_hash_with_full_txs(void)
{
	check_full_block("eth_getBlockByHash/get-block-by-hash.io", 1, 4);
}

static void block_latest_full_txs_with_eip155_v(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getBlockByNumber/get-latest.io", &doc);
	struct eth_block b;

	check_full_block("eth_getBlockByNumber/get-latest.io", 0x36, 4);
	check_full_block("eth_getBlockByNumber/get-finalized.io", 0x36, 4);
	check_full_block("eth_getBlockByNumber/get-safe.io", 0x36, 4);
	/* v = chainId * 2 + 35 with chain id 0xc72dd9d5e883e: needs more than 32 bits. */
	CHECK_INT(eth_decode_block(res, &b, NULL, 0), CD_OK);
	if (b.tx_count == 4) {
		CHECK_U256(b.txs[0].v, "0x18e5bb3abd10a0");
		CHECK(b.txs[0].has_chain_id && b.txs[0].chain_id == 0xc72dd9d5e883eULL);
		CHECK(!b.txs[0].has_to && b.txs[3].has_to);
		CHECK(!b.txs[0].has_y_parity);
	}
	eth_block_free(&b);
	cJSON_Delete(doc);
}

static void block_not_found_is_enull(void)
{
	static const char *const names[] = {
		"eth_getBlockByNumber/get-block-notfound.io",
		"eth_getBlockByHash/get-block-by-empty-hash.io",
		"eth_getBlockByHash/get-block-by-notfound-hash.io",
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(names); i++) {
		cJSON *doc;
		const cJSON *res = test_rpc_result(names[i], &doc);
		struct eth_block b;

		CHECK_INT(eth_decode_block(res, &b, NULL, 0), CD_ENOTFOUND);
		CHECK_INT(eth_decode_header(res, &b, NULL, 0), CD_ENOTFOUND);
		cJSON_Delete(doc);
	}
}

static void header_needs_no_transactions(void)
{
	cJSON *doc;
	cJSON *res = (cJSON *)test_rpc_result("eth_getBlockByNumber/get-block-shanghai-fork.io", &doc);
	char err[ETH_ERR_MAX];
	struct eth_block b;

	set_member(res, "transactions", NULL);
	set_member(res, "size", NULL);
	CHECK_INT(eth_decode_header(res, &b, err, sizeof(err)), CD_OK);
	CHECK_INT(b.number, 0x27);
	CHECK_INT(b.tx_kind, ETH_BLOCK_NO_TXS);
	CHECK(!b.has_size);
	eth_block_free(&b);
	CHECK_INT(eth_decode_block(res, &b, err, sizeof(err)), CD_EPROTO);
	CHECK_STR(err, "transactions: missing");
	cJSON_Delete(doc);
}

static void pending_block_may_lack_hash_miner_nonce(void)
{
	cJSON *doc;
	cJSON *res = (cJSON *)test_rpc_result("eth_getBlockByNumber/get-block-london-fork.io", &doc);
	struct eth_block b;

	set_member(res, "hash", "null");
	set_member(res, "miner", "null");
	set_member(res, "nonce", "null");
	set_member(res, "logsBloom", "null");
	CHECK_INT(eth_decode_block(res, &b, NULL, 0), CD_OK);
	CHECK(!b.has_hash && !b.has_miner && !b.has_nonce && !b.has_logs_bloom);
	CHECK_INT(b.number, 0x1b);
	eth_block_free(&b);
	cJSON_Delete(doc);
}

/* One broken block: a member replaced (or deleted with json NULL) and the message expected. */
struct block_break {
	const char *fixture;
	const char *key;
	const char *json;
	const char *err;
};

static void broken_blocks_name_the_field(void)
{
	static const struct block_break rows[] = {
		{"eth_getBlockByNumber/get-block-london-fork.io", "number", "\"0x10000000000000000\"", "number: exceeds 64 bits"},
		{"eth_getBlockByNumber/get-block-london-fork.io", "number", "27", "number: not a string"},
		{"eth_getBlockByNumber/get-block-london-fork.io", "number", NULL, "number: missing"},
		{"eth_getBlockByNumber/get-block-london-fork.io", "gasUsed", "\"0x\"", "gasUsed: not a hex quantity"},
		{"eth_getBlockByNumber/get-block-london-fork.io", "gasUsed", "\"23948\"", "gasUsed: not a hex quantity"},
		{"eth_getBlockByNumber/get-block-london-fork.io", "parentHash", "\"0xea41\"", "parentHash: not 32 bytes of hex"},
		{"eth_getBlockByNumber/get-block-london-fork.io", "parentHash", "null", "parentHash: null"},
		{"eth_getBlockByNumber/get-block-london-fork.io", "logsBloom", "\"0x00\"", "logsBloom: not 256 bytes of hex"},
		{"eth_getBlockByNumber/get-block-london-fork.io", "miner", "\"0xzz00000000000000000000000000000000000000\"", "miner: not 20 bytes of hex"},
		{"eth_getBlockByNumber/get-block-london-fork.io", "extraData", "\"0x123\"", "extraData: not hex data"},
		{"eth_getBlockByNumber/get-block-london-fork.io", "baseFeePerGas", "{}", "baseFeePerGas: not a string"},
		{"eth_getBlockByNumber/get-block-london-fork.io", "transactions", "{}", "transactions: not an array"},
		{"eth_getBlockByNumber/get-block-london-fork.io", "transactions", "[\"0x205405746564cbcf1dd53fb5ac92c7622d3792d82f03c59d9baddf2443d91864\",{}]", "transactions[1]: not a string"},
		{"eth_getBlockByNumber/get-block-london-fork.io", "uncles", "[1]", "uncles[0]: not a string"},
		{"eth_getBlockByNumber/get-block-cancun-fork.io", "excessBlobGas", NULL, "excessBlobGas: missing"},
		{"eth_getBlockByHash/get-block-by-hash.io", "transactions", "[{}, \"0x00\"]", "transactions[0].hash: missing"},
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(rows); i++) {
		cJSON *doc;
		cJSON *res = (cJSON *)test_rpc_result(rows[i].fixture, &doc);
		char err[ETH_ERR_MAX];
		struct eth_block b;
		int rc;

		set_member(res, rows[i].key, rows[i].json);
		rc = eth_decode_block(res, &b, err, sizeof(err));
		CHECK_MSG(rc == CD_EPROTO, "row %zu: rc %d", i, rc);
		CHECK_STR(err, rows[i].err);
		CHECK(b.tx_count == 0 && b.tx_hashes == NULL && b.txs == NULL && b.extra_data == NULL && b.number == 0);
		cJSON_Delete(doc);
	}
}

static void broken_full_tx_in_block_is_named(void)
{
	cJSON *doc;
	cJSON *res = (cJSON *)test_rpc_result("eth_getBlockByHash/get-block-by-hash.io", &doc);
	cJSON *tx2 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "transactions"), 2);
	char err[ETH_ERR_MAX];
	struct eth_block b;

	set_member(tx2, "gas", "\"0x1ffffffffffffffff\"");
	CHECK_INT(eth_decode_block(res, &b, err, sizeof(err)), CD_EPROTO);
	CHECK_STR(err, "transactions[2].gas: exceeds 64 bits");
	CHECK(b.txs == NULL);
	cJSON_Delete(doc);
}

/* ---- transactions ---- */

static void tx_legacy_transfer(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getTransactionByHash/get-legacy-tx.io", &doc);
	struct eth_tx t;

	CHECK_INT(eth_decode_tx(res, &t, NULL, 0), CD_OK);
	CHECK_INT(t.type, ETH_TX_LEGACY);
	CHECK_HEX(t.hash, 32, "0x3fbac8b19b59077cd29bbacc3815d73577b45a4d976cae80b04c98c793684c07");
	CHECK_HEX(t.from, 20, "0x7435ed30a8b4aeb0877cef0c6e8cffe834eb865f");
	CHECK(t.has_to);
	CHECK_HEX(t.to, 20, "0xc7b99a164efd027a93f147376cc7da7c67c6bbe0");
	CHECK_INT(t.nonce, 0x3f);
	CHECK_INT(t.gas, 0x5208);
	CHECK_U256(t.value, "0x1");
	CHECK(t.has_gas_price);
	CHECK_U256(t.gas_price, "0x1");
	CHECK(t.input == NULL && t.input_len == 0);
	CHECK(t.has_v && t.has_signature && !t.has_y_parity);
	CHECK_U256(t.v, "0x1c");
	CHECK_U256(t.r, "0xce1cb09c08ecf5c7b63f0ebd9601ad68c83d1084e8b726b94503bbe0aa3b8ffd");
	CHECK(!t.has_chain_id && !t.has_access_list && !t.has_max_fees);
	CHECK(t.has_block && t.block_number == 3 && t.tx_index == 0);
	CHECK_HEX(t.block_hash, 32, "0xb8a651cb280e169015aef5235a141cb2d905058d1ff9bba788b7ad2c729c9837");
	eth_tx_free(&t);
	cJSON_Delete(doc);
}

static void tx_legacy_contract_creation(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getTransactionByHash/get-legacy-create.io", &doc);
	struct eth_tx t;

	CHECK_INT(eth_decode_tx(res, &t, NULL, 0), CD_OK);
	CHECK(!t.has_to);
	CHECK_INT(t.input_len, 60);
	CHECK_HEX(t.input, t.input_len, str_of(res, "input"));
	CHECK_INT(t.gas, 0x13a54);
	eth_tx_free(&t);
	CHECK(t.input == NULL);
	cJSON_Delete(doc);
}

static void tx_eip2930_access_list(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getTransactionByHash/get-access-list.io", &doc);
	struct eth_tx t;

	CHECK_INT(eth_decode_tx(res, &t, NULL, 0), CD_OK);
	CHECK_INT(t.type, ETH_TX_ACCESS_LIST);
	CHECK(t.has_chain_id && t.chain_id == 0xc72dd9d5e883eULL);
	CHECK(t.has_access_list);
	CHECK_INT(t.access_list_count, 1);
	if (t.access_list_count == 1) {
		CHECK_HEX(t.access_list[0].address, 20, "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df");
		CHECK_INT(t.access_list[0].key_count, 2);
		if (t.access_list[0].key_count == 2)
			CHECK_HEX(t.access_list[0].keys[1], 32,
			          "0x95104e47e1982aba633477f377b1511396c3fe83600224bcb0c78949be705b33");
	}
	CHECK(t.has_y_parity && t.y_parity == 0);
	/* r has 63 digits: a quantity, not fixed-width data. */
	CHECK_U256(t.r, "0x1e97c47fb0c7d9e7db3438a25220049eed0bc14e4a8f33bbeb333e552a367cf");
	CHECK_INT(t.nonce, 0x85);
	CHECK_INT(t.input_len, 12);
	eth_tx_free(&t);
	cJSON_Delete(doc);
}

static void tx_eip1559_fees(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getTransactionByHash/get-dynamic-fee.io", &doc);
	struct eth_tx t;

	CHECK_INT(eth_decode_tx(res, &t, NULL, 0), CD_OK);
	CHECK_INT(t.type, ETH_TX_DYNAMIC_FEE);
	CHECK(t.has_max_fees);
	CHECK_U256(t.max_fee_per_gas, "0x3b9aca01");
	CHECK_U256(t.max_priority_fee_per_gas, "0x1");
	CHECK(t.has_gas_price);
	CHECK_U256(t.gas_price, "0x3b9aca01");
	CHECK(t.has_y_parity && t.y_parity == 1);
	CHECK_INT(t.block_number, 0x1b);
	CHECK(!t.has_max_fee_per_blob_gas && t.blob_hash_count == 0);
	eth_tx_free(&t);
	cJSON_Delete(doc);
}

static void tx_eip4844_blob(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getTransactionByHash/get-blob-tx.io", &doc);
	struct eth_tx t;

	CHECK_INT(eth_decode_tx(res, &t, NULL, 0), CD_OK);
	CHECK_INT(t.type, ETH_TX_BLOB);
	CHECK(t.has_max_fee_per_blob_gas);
	CHECK_U256(t.max_fee_per_blob_gas, "0x20000");
	CHECK_U256(t.max_fee_per_gas, "0x813f23c");
	CHECK_INT(t.blob_hash_count, 1);
	if (t.blob_hash_count == 1)
		CHECK_HEX(t.blob_hashes[0], 32, "0x015a4cab4911426699ed34483de6640cf55a568afc5c5edffdcbd8bcd4452f68");
	CHECK_U256(t.value, "0x3");
	CHECK_INT(t.nonce, 0xc7);
	eth_tx_free(&t);
	CHECK(t.blob_hashes == NULL && t.access_list == NULL);
	cJSON_Delete(doc);
}

static void tx_eip7702_set_code(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getTransactionByHash/get-setcode-tx.io", &doc);
	struct eth_tx t;

	CHECK_INT(eth_decode_tx(res, &t, NULL, 0), CD_OK);
	CHECK_INT(t.type, ETH_TX_SET_CODE);
	CHECK_INT(t.authorization_count, 1);
	CHECK(t.has_access_list && t.access_list_count == 0 && t.access_list == NULL);
	CHECK_INT(t.tx_index, 1);
	eth_tx_free(&t);
	cJSON_Delete(doc);
}

static void tx_not_found_is_enull(void)
{
	static const char *const names[] = {
		"eth_getTransactionByHash/get-notfound-tx.io",
		"eth_getTransactionByHash/get-empty-tx.io",
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(names); i++) {
		cJSON *doc;
		const cJSON *res = test_rpc_result(names[i], &doc);
		char err[ETH_ERR_MAX];
		struct eth_tx t;

		CHECK_INT(eth_decode_tx(res, &t, err, sizeof(err)), CD_ENOTFOUND);
		CHECK_STR(err, "result: null (no such transaction)");
		cJSON_Delete(doc);
	}
}

static void tx_pending_has_no_block(void)
{
	cJSON *doc;
	cJSON *res = (cJSON *)test_rpc_result("eth_getTransactionByHash/get-dynamic-fee.io", &doc);
	struct eth_tx t;

	set_member(res, "blockHash", "null");
	set_member(res, "blockNumber", "null");
	set_member(res, "transactionIndex", "null");
	CHECK_INT(eth_decode_tx(res, &t, NULL, 0), CD_OK);
	CHECK(!t.has_block && t.block_number == 0);
	eth_tx_free(&t);
	cJSON_Delete(doc);
}

static void tx_unknown_type_needs_common_fields_only(void)
{
	cJSON *doc;
	cJSON *res = (cJSON *)test_rpc_result("eth_getTransactionByHash/get-legacy-tx.io", &doc);
	struct eth_tx t;

	set_member(res, "type", "\"0x7e\"");
	set_member(res, "v", NULL);
	set_member(res, "r", NULL);
	set_member(res, "s", NULL);
	set_member(res, "gasPrice", NULL);
	CHECK_INT(eth_decode_tx(res, &t, NULL, 0), CD_OK);
	CHECK_INT(t.type, 0x7e);
	CHECK(!t.has_signature && !t.has_gas_price);
	eth_tx_free(&t);
	cJSON_Delete(doc);
}

static void tx_quantity_with_leading_zeros_is_accepted(void)
{
	cJSON *doc;
	cJSON *res = (cJSON *)test_rpc_result("eth_getTransactionByHash/get-legacy-tx.io", &doc);
	struct eth_tx t;

	set_member(res, "value", "\"0x0000000000000000000000000000000000000000000000000000000000000001\"");
	set_member(res, "gasPrice", "\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"");
	CHECK_INT(eth_decode_tx(res, &t, NULL, 0), CD_OK);
	CHECK_U256(t.value, "0x1");
	CHECK_U256(t.gas_price, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
	eth_tx_free(&t);
	cJSON_Delete(doc);
}

struct tx_break {
	const char *fixture;
	const char *key;
	const char *json; /* NULL deletes the member */
	const char *err;
};

static void broken_txs_name_the_field(void)
{
	static const struct tx_break rows[] = {
		{"eth_getTransactionByHash/get-legacy-tx.io", "gas", "\"0x1ffffffffffffffff\"", "gas: exceeds 64 bits"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "value", "\"0x10000000000000000000000000000000000000000000000000000000000000000\"", "value: quantity too long"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "value", "\"0x00000000000000000000000000000000000000000000000000000000000000001\"", "value: quantity too long"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "value", "1", "value: not a string"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "value", "\"-0x1\"", "value: not a hex quantity"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "nonce", "null", "nonce: null"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "nonce", "\"0x3g\"", "nonce: not a hex quantity"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "hash", "\"0x3fbac8b19b59077cd29bbacc3815d73577b45a4d976cae80b04c98c793684c\"", "hash: not 32 bytes of hex"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "hash", "\"3fbac8b19b59077cd29bbacc3815d73577b45a4d976cae80b04c98c793684c07\"", "hash: not 32 bytes of hex"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "hash", "[]", "hash: not a string"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "from", NULL, "from: missing"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "to", "\"0x1234\"", "to: not 20 bytes of hex"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "input", "\"0x123\"", "input: not hex data"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "input", "\"0xzz\"", "input: not hex data"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "input", "\"\"", "input: not hex data"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "input", NULL, "input: missing"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "type", "\"0x80\"", "type: out of range"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "v", NULL, "v: missing for type 0"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "gasPrice", NULL, "gasPrice: missing for type 0"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "s", NULL, "s: missing"},
		{"eth_getTransactionByHash/get-legacy-tx.io", "blockNumber", "null", "blockNumber: null while the block is known"},
		{"eth_getTransactionByHash/get-access-list.io", "accessList", "{}", "accessList: not an array"},
		{"eth_getTransactionByHash/get-access-list.io", "accessList", NULL, "accessList: missing for type 1"},
		{"eth_getTransactionByHash/get-access-list.io", "accessList", "[{\"address\":\"0x00\",\"storageKeys\":[]}]", "accessList[0].address: not 20 bytes of hex"},
		{"eth_getTransactionByHash/get-access-list.io", "accessList", "[{\"address\":\"0x7dcd17433742f4c0ca53122ab541d0ba67fc27df\",\"storageKeys\":[\"0x01\"]}]", "accessList[0].storageKeys[0]: not 32 bytes of hex"},
		{"eth_getTransactionByHash/get-access-list.io", "accessList", "[{\"address\":\"0x7dcd17433742f4c0ca53122ab541d0ba67fc27df\"}]", "accessList[0].storageKeys: missing"},
		{"eth_getTransactionByHash/get-access-list.io", "accessList", "[7]", "accessList[0]: not an object"},
		{"eth_getTransactionByHash/get-access-list.io", "chainId", NULL, "chainId: missing for type 1"},
		{"eth_getTransactionByHash/get-access-list.io", "chainId", "\"0x10000000000000000\"", "chainId: exceeds 64 bits"},
		{"eth_getTransactionByHash/get-access-list.io", "yParity", "\"0x2\"", "yParity: not 0 or 1"},
		{"eth_getTransactionByHash/get-dynamic-fee.io", "maxFeePerGas", NULL, "maxFeePerGas: missing"},
		{"eth_getTransactionByHash/get-dynamic-fee.io", "maxPriorityFeePerGas", "true", "maxPriorityFeePerGas: not a string"},
		{"eth_getTransactionByHash/get-blob-tx.io", "maxFeePerBlobGas", NULL, "maxFeePerBlobGas: missing for type 3"},
		{"eth_getTransactionByHash/get-blob-tx.io", "blobVersionedHashes", NULL, "blobVersionedHashes: missing for type 3"},
		{"eth_getTransactionByHash/get-blob-tx.io", "blobVersionedHashes", "[]", "blobVersionedHashes: empty"},
		{"eth_getTransactionByHash/get-blob-tx.io", "blobVersionedHashes", "[\"0x01\"]", "blobVersionedHashes[0]: not 32 bytes of hex"},
		{"eth_getTransactionByHash/get-blob-tx.io", "to", "null", "to: missing for type 3"},
		{"eth_getTransactionByHash/get-setcode-tx.io", "authorizationList", NULL, "authorizationList: missing for type 4"},
		{"eth_getTransactionByHash/get-setcode-tx.io", "authorizationList", "[1]", "authorizationList: entry not an object"},
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(rows); i++) {
		cJSON *doc;
		cJSON *res = (cJSON *)test_rpc_result(rows[i].fixture, &doc);
		char err[ETH_ERR_MAX];
		struct eth_tx t;
		int rc;

		set_member(res, rows[i].key, rows[i].json);
		rc = eth_decode_tx(res, &t, err, sizeof(err));
		CHECK_MSG(rc == CD_EPROTO, "row %zu (%s): rc %d", i, rows[i].err, rc);
		CHECK_STR(err, rows[i].err);
		/* Nothing half-built survives a failure. */
		CHECK(t.input == NULL && t.access_list == NULL && t.blob_hashes == NULL && t.nonce == 0);
		cJSON_Delete(doc);
	}
}

static void tx_not_an_object(void)
{
	static const char *const bodies[] = {"[]", "\"0x1\"", "1", "true"};
	size_t i;

	for (i = 0; i < TEST_COUNT(bodies); i++) {
		cJSON *j = cJSON_Parse(bodies[i]);
		char err[ETH_ERR_MAX];
		struct eth_tx t;

		CHECK_INT(eth_decode_tx(j, &t, err, sizeof(err)), CD_EPROTO);
		CHECK_STR(err, "result: not an object");
		cJSON_Delete(j);
	}
	CHECK_INT(eth_decode_tx(NULL, &(struct eth_tx){0}, NULL, 0), CD_EPROTO);
}

static void short_error_buffers_are_truncated_safely(void)
{
	cJSON *j = cJSON_Parse("{}");
	char err[8];
	struct eth_tx t;

	memset(err, 'x', sizeof(err));
	CHECK_INT(eth_decode_tx(j, &t, err, sizeof(err)), CD_EPROTO);
	CHECK_STR(err, "hash: m");
	CHECK_INT(eth_decode_tx(j, &t, err, 1), CD_EPROTO);
	CHECK_STR(err, "");
	CHECK_INT(eth_decode_tx(j, &t, err, 0), CD_EPROTO);
	cJSON_Delete(j);
}

/* ---- receipts and logs ---- */

static void receipt_eip2930_with_log(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getTransactionReceipt/get-access-list.io", &doc);
	struct eth_receipt r;

	CHECK_INT(eth_decode_receipt(res, &r, NULL, 0), CD_OK);
	CHECK_INT(r.type, 1);
	CHECK(r.has_status && r.status == 1 && !r.has_root);
	CHECK_INT(r.cumulative_gas_used, 0xca9c);
	CHECK_INT(r.gas_used, 0xca9c);
	CHECK(r.has_effective_gas_price);
	CHECK_U256(r.effective_gas_price, "0x1");
	CHECK(!r.has_contract_address && r.has_to);
	CHECK_HEX(r.tx_hash, 32, "0x695ad02907c9e13ab7c69963f723fa46ac13cd5e2314f61eab2cb2f07b946faa");
	CHECK_INT(r.block_number, 0x18);
	CHECK_HEX(r.logs_bloom, 256, str_of(res, "logsBloom"));
	CHECK(!r.has_blob_gas_used && !r.has_blob_gas_price);
	CHECK_INT(r.log_count, 1);
	if (r.log_count == 1) {
		const struct eth_log *l = &r.logs[0];

		CHECK_HEX(l->address, 20, "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df");
		CHECK_INT(l->topic_count, 2);
		CHECK_HEX(l->topics[0], 32, "0x00000000000000000000000000000000000000000000000000000000656d6974");
		CHECK_INT(l->data_len, 32);
		CHECK(l->data && l->data[31] == 0x0f);
		CHECK(l->has_block && l->block_number == 0x18);
		CHECK(l->has_tx && l->tx_index == 0);
		CHECK(l->has_log_index && l->log_index == 0);
		CHECK(!l->removed);
	}
	eth_receipt_free(&r);
	CHECK(r.logs == NULL && r.log_count == 0);
	cJSON_Delete(doc);
}

static void receipt_pre_byzantium_has_root_not_status(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getTransactionReceipt/get-legacy-receipt.io", &doc);
	struct eth_receipt r;

	CHECK_INT(eth_decode_receipt(res, &r, NULL, 0), CD_OK);
	CHECK(!r.has_status && r.has_root);
	CHECK_HEX(r.root, 32, "0x09ebe9c3ee77cd8d23faf37c62cf702b3c00e71dcadbef4d21355f35921b49ca");
	CHECK_INT(r.gas_used, 0x5208);
	CHECK_INT(r.log_count, 0);
	CHECK(r.logs == NULL);
	eth_receipt_free(&r);
	cJSON_Delete(doc);
}

static void receipt_contract_creation(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getTransactionReceipt/get-legacy-contract.io", &doc);
	struct eth_receipt r;

	CHECK_INT(eth_decode_receipt(res, &r, NULL, 0), CD_OK);
	CHECK(!r.has_to);
	CHECK(r.has_contract_address);
	CHECK_HEX(r.contract_address, 20, "0x9344b07175800259691961298ca11c824e65032d");
	CHECK_INT(r.gas_used, 0x102d3);
	eth_receipt_free(&r);
	cJSON_Delete(doc);
}

static void receipt_blob_gas(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getTransactionReceipt/get-blob-tx.io", &doc);
	struct eth_receipt r;

	CHECK_INT(eth_decode_receipt(res, &r, NULL, 0), CD_OK);
	CHECK_INT(r.type, 3);
	CHECK(r.has_blob_gas_used && r.blob_gas_used == 0x20000);
	CHECK(r.has_blob_gas_price);
	CHECK_U256(r.blob_gas_price, "0x1");
	CHECK_U256(r.effective_gas_price, "0x813f23c");
	eth_receipt_free(&r);
	cJSON_Delete(doc);
}

static void receipts_all_fixtures_decode(void)
{
	static const char *const names[] = {
		"eth_getTransactionReceipt/get-dynamic-fee.io",
		"eth_getTransactionReceipt/get-legacy-input.io",
		"eth_getTransactionReceipt/get-setcode-tx.io",
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(names); i++) {
		cJSON *doc;
		const cJSON *res = test_rpc_result(names[i], &doc);
		char err[ETH_ERR_MAX];
		struct eth_receipt r;

		CHECK_MSG(eth_decode_receipt(res, &r, err, sizeof(err)) == CD_OK, "%s: %s", names[i], err);
		CHECK_HEX(r.tx_hash, 32, str_of(res, "transactionHash"));
		CHECK_HEX(r.block_hash, 32, str_of(res, "blockHash"));
		eth_receipt_free(&r);
		cJSON_Delete(doc);
	}
}

static void receipt_not_found_is_enull(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getTransactionReceipt/get-notfound-tx.io", &doc);
	struct eth_receipt r;

	CHECK_INT(eth_decode_receipt(res, &r, NULL, 0), CD_ENOTFOUND);
	cJSON_Delete(doc);
}

static void broken_receipts_name_the_field(void)
{
	static const struct tx_break rows[] = {
		{"eth_getTransactionReceipt/get-access-list.io", "status", "\"0x2\"", "status: not 0 or 1"},
		{"eth_getTransactionReceipt/get-access-list.io", "status", NULL, "status: missing (and no root)"},
		{"eth_getTransactionReceipt/get-access-list.io", "logs", "null", "logs: null"},
		{"eth_getTransactionReceipt/get-access-list.io", "logs", "[{}]", "logs[0].address: missing"},
		{"eth_getTransactionReceipt/get-access-list.io", "cumulativeGasUsed", "\"0xfffffffffffffffff\"", "cumulativeGasUsed: exceeds 64 bits"},
		{"eth_getTransactionReceipt/get-access-list.io", "contractAddress", "\"0x\"", "contractAddress: not 20 bytes of hex"},
		{"eth_getTransactionReceipt/get-blob-tx.io", "blobGasUsed", "\"0x1ffffffffffffffff\"", "blobGasUsed: exceeds 64 bits"},
		{"eth_getTransactionReceipt/get-legacy-receipt.io", "root", "\"0x09\"", "root: not 32 bytes of hex"},
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(rows); i++) {
		cJSON *doc;
		cJSON *res = (cJSON *)test_rpc_result(rows[i].fixture, &doc);
		char err[ETH_ERR_MAX];
		struct eth_receipt r;

		set_member(res, rows[i].key, rows[i].json);
		CHECK_INT(eth_decode_receipt(res, &r, err, sizeof(err)), CD_EPROTO);
		CHECK_STR(err, rows[i].err);
		CHECK(r.logs == NULL && r.log_count == 0);
		cJSON_Delete(doc);
	}
}

static void logs_by_contract_address(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_getLogs/contract-addr.io", &doc);
	struct eth_log *logs = NULL;
	size_t n = 0;

	CHECK_INT(eth_decode_logs(res, &logs, &n, NULL, 0), CD_OK);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(logs[0].block_number, 2);
		CHECK_INT(logs[0].log_index, 0xa);
		CHECK_INT(logs[0].tx_index, 2);
		CHECK_HEX(logs[0].tx_hash, 32, "0x5bc704d4eb4ce7fe319705d2f888516961426a177f2799c9f934b5df7466dd33");
		CHECK_INT(logs[1].block_number, 4);
		CHECK_HEX(logs[1].topics[1], 32, "0x95b7276947f6331672b0c63eca28c1d39f25286d5e2793d6a487837ff1475ba0");
		CHECK(logs[1].data_len == 32 && logs[1].data[31] == 1);
	}
	eth_logs_free(logs, n);
	cJSON_Delete(doc);
}

static void logs_every_filter_fixture(void)
{
	static const char *const names[] = {
		"eth_getLogs/filter-with-blockHash.io",
		"eth_getLogs/filter-with-blockHash-and-topics.io",
		"eth_getLogs/topic-exact-match.io",
		"eth_getLogs/topic-null-wildcard.io",
		"eth_getLogs/topic-wildcard.io",
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(names); i++) {
		cJSON *doc;
		const cJSON *res = test_rpc_result(names[i], &doc);
		struct eth_log *logs = NULL;
		size_t n = 0;

		CHECK_INT(eth_decode_logs(res, &logs, &n, NULL, 0), CD_OK);
		CHECK_INT(n, 1);
		if (n == 1) {
			CHECK_HEX(logs[0].block_hash, 32, "0x98f797a6af91ea770ab3a99d89c17a3a46d14c76db6bb711b18156a3493d2c94");
			CHECK_INT(logs[0].topic_count, 2);
		}
		eth_logs_free(logs, n);
		cJSON_Delete(doc);
	}
}

static void pending_log_has_null_positions(void)
{
	cJSON *j = cJSON_Parse("{\"address\":\"0x7dcd17433742f4c0ca53122ab541d0ba67fc27df\",\"topics\":[],"
	                       "\"data\":\"0x\",\"blockNumber\":null,\"blockHash\":null,\"transactionHash\":null,"
	                       "\"transactionIndex\":null,\"logIndex\":null}");
	struct eth_log l;

	CHECK_INT(eth_decode_log(j, &l, NULL, 0), CD_OK);
	CHECK(!l.has_block && !l.has_tx && !l.has_log_index && !l.removed);
	CHECK(l.topic_count == 0 && l.data == NULL);
	eth_log_free(&l);
	cJSON_Delete(j);
}

static void broken_logs_name_the_field(void)
{
	static const struct {
		const char *json;
		const char *err;
	} rows[] = {
		{"{}", "result: not an array"},
		{"[1]", "logs[0]: not an object"},
		{"[{\"address\":\"0x7dcd17433742f4c0ca53122ab541d0ba67fc27df\",\"topics\":[\"0x00000000000000000000000000000000000000000000000000000000656d6974\","
		 "\"0x00000000000000000000000000000000000000000000000000000000656d6974\",\"0x00000000000000000000000000000000000000000000000000000000656d6974\","
		 "\"0x00000000000000000000000000000000000000000000000000000000656d6974\",\"0x00000000000000000000000000000000000000000000000000000000656d6974\"],"
		 "\"data\":\"0x\"}]", "logs[0].topics: more than 4"},
		{"[{\"address\":\"0x7dcd17433742f4c0ca53122ab541d0ba67fc27df\",\"topics\":[\"0x01\"],\"data\":\"0x\"}]",
		 "logs[0].topics[0]: not 32 bytes of hex"},
		{"[{\"address\":\"0x7dcd17433742f4c0ca53122ab541d0ba67fc27df\",\"topics\":[],\"data\":\"0x\",\"removed\":\"no\"}]",
		 "logs[0].removed: not a boolean"},
		{"[{\"address\":\"0x7dcd17433742f4c0ca53122ab541d0ba67fc27df\",\"topics\":[],\"data\":\"0x\",\"blockHash\":null,\"blockNumber\":\"0x4\"}]",
		 "logs[0].blockHash: null while the block is known"},
		{"[{\"address\":\"0x7dcd17433742f4c0ca53122ab541d0ba67fc27df\",\"topics\":[],\"data\":\"0x00\"},"
		 "{\"address\":\"0x7dcd17433742f4c0ca53122ab541d0ba67fc27df\",\"topics\":[],\"data\":7}]",
		 "logs[1].data: not a string"},
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(rows); i++) {
		cJSON *j = cJSON_Parse(rows[i].json);
		struct eth_log *logs = (struct eth_log *)1;
		char err[ETH_ERR_MAX];
		size_t n = 99;

		CHECK(j != NULL);
		CHECK_INT(eth_decode_logs(j, &logs, &n, err, sizeof(err)), CD_EPROTO);
		CHECK_STR(err, rows[i].err);
		CHECK(logs == NULL && n == 0);
		cJSON_Delete(j);
	}
}

/* ---- small results ---- */

static void syncing_false(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_syncing/check-syncing.io", &doc);
	struct eth_syncing s;

	CHECK_INT(eth_decode_syncing(res, &s, NULL, 0), CD_OK);
	CHECK(!s.syncing);
	cJSON_Delete(doc);
}

static void syncing_object_ignores_extra_fields(void)
{
	cJSON *j = cJSON_Parse("{\"startingBlock\":\"0x0\",\"currentBlock\":\"0x1a2b\",\"highestBlock\":\"0x1f00\","
	                       "\"pulledStates\":\"0x5\",\"healingTrienodes\":\"0x0\",\"txIndexRemainingBlocks\":\"0x1\"}");
	struct eth_syncing s;

	CHECK_INT(eth_decode_syncing(j, &s, NULL, 0), CD_OK);
	CHECK(s.syncing);
	CHECK_INT(s.starting_block, 0);
	CHECK_INT(s.current_block, 0x1a2b);
	CHECK_INT(s.highest_block, 0x1f00);
	cJSON_Delete(j);
}

static void syncing_refusals(void)
{
	static const struct {
		const char *json;
		const char *err;
	} rows[] = {
		{"true", "result: neither false nor an object"},
		{"0", "result: neither false nor an object"},
		{"null", "result: neither false nor an object"},
		{"{\"startingBlock\":\"0x0\",\"highestBlock\":\"0x1\"}", "currentBlock: missing"},
		{"{\"startingBlock\":\"0x0\",\"currentBlock\":1,\"highestBlock\":\"0x1\"}", "currentBlock: not a string"},
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(rows); i++) {
		cJSON *j = cJSON_Parse(rows[i].json);
		char err[ETH_ERR_MAX];
		struct eth_syncing s;

		CHECK_INT(eth_decode_syncing(j, &s, err, sizeof(err)), CD_EPROTO);
		CHECK_STR(err, rows[i].err);
		CHECK(!s.syncing && s.current_block == 0);
		cJSON_Delete(j);
	}
}

static void chain_id_and_block_number(void)
{
	cJSON *doc1, *doc2;
	const cJSON *cid = test_rpc_result("eth_chainId/get-chain-id.io", &doc1);
	const cJSON *num = test_rpc_result("eth_blockNumber/simple-test.io", &doc2);
	uint64_t v = 0;

	CHECK_INT(eth_decode_u64(cid, &v, NULL, 0), CD_OK);
	CHECK(v == 0xc72dd9d5e883eULL);
	CHECK_INT(eth_decode_u64(num, &v, NULL, 0), CD_OK);
	CHECK_INT(v, 0x36);
	cJSON_Delete(doc1);
	cJSON_Delete(doc2);
}

static void scalar_refusals(void)
{
	static const struct {
		const char *json;
		const char *err64;
		const char *err256;
	} rows[] = {
		{"\"0x10000000000000000\"", "result: exceeds 64 bits", NULL},
		{"\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"", "result: exceeds 64 bits", NULL},
		{"\"0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"", "result: quantity too long", "result: quantity too long"},
		{"\"0x\"", "result: not a hex quantity", "result: not a hex quantity"},
		{"\"0X\"", "result: not a hex quantity", "result: not a hex quantity"},
		{"\"12\"", "result: not a hex quantity", "result: not a hex quantity"},
		{"\"0x 1\"", "result: not a hex quantity", "result: not a hex quantity"},
		{"18", "result: not a string", "result: not a string"},
		{"1e999", "result: not a string", "result: not a string"},
		{"null", "result: null", "result: null"},
		{"[\"0x1\"]", "result: not a string", "result: not a string"},
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(rows); i++) {
		cJSON *j = cJSON_Parse(rows[i].json);
		char err[ETH_ERR_MAX];
		struct u256 w;
		uint64_t v = 7;

		CHECK_INT(eth_decode_u64(j, &v, err, sizeof(err)), CD_EPROTO);
		CHECK_STR(err, rows[i].err64);
		CHECK_INT(v, 0);
		if (rows[i].err256) {
			CHECK_INT(eth_decode_u256(j, &w, err, sizeof(err)), CD_EPROTO);
			CHECK_STR(err, rows[i].err256);
		} else {
			CHECK_INT(eth_decode_u256(j, &w, err, sizeof(err)), CD_OK);
		}
		cJSON_Delete(j);
	}
}

static void fee_history_fixture(void)
{
	cJSON *doc;
	const cJSON *res = test_rpc_result("eth_feeHistory/fee-history.io", &doc);
	struct eth_fee_history f;
	char err[ETH_ERR_MAX];

	CHECK_MSG(eth_decode_fee_history(res, &f, err, sizeof(err)) == CD_OK, "%s", err);
	CHECK_INT(f.oldest_block, 0x1b);
	CHECK_INT(f.block_count, 1);
	CHECK_INT(f.base_fee_count, 2);
	if (f.base_fee_count == 2) {
		CHECK_U256(f.base_fee[0], "0x3b9aca00");
		CHECK_U256(f.base_fee[1], "0x342a385a");
	}
	/* 0.00072868 of the gas limit: 728.68 ppm, rounded to nearest. */
	CHECK(f.gas_used_ratio_ppm && f.gas_used_ratio_ppm[0] == 729);
	CHECK_INT(f.percentile_count, 2);
	if (f.percentile_count == 2) {
		CHECK_U256(f.reward[0], "0x1");
		CHECK_U256(f.reward[1], "0x1");
	}
	CHECK(f.has_blob);
	CHECK(f.base_fee_per_blob_gas && u256_is_zero(f.base_fee_per_blob_gas[1]));
	CHECK(f.blob_gas_used_ratio_ppm && f.blob_gas_used_ratio_ppm[0] == 0);
	eth_fee_history_free(&f);
	CHECK(f.base_fee == NULL && f.reward == NULL);
	cJSON_Delete(doc);
}

static void fee_history_ratio_is_clamped_ppm(void)
{
	static const struct {
		const char *ratio;
		uint32_t ppm;
	} rows[] = {
		{"0", 0}, {"1", 1000000}, {"0.5", 500000}, {"0.0000004", 0}, {"0.0000006", 1},
		{"0.999999", 999999}, {"0.9999996", 1000000}, {"1.5", 1000000}, {"-0.25", 0},
		{"1e999", 1000000}, {"-1e999", 0}, {"5e-324", 0}, {"2.5e-1", 250000},
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(rows); i++) {
		char json[256];
		cJSON *j;
		struct eth_fee_history f;

		snprintf(json, sizeof(json), "{\"oldestBlock\":\"0x1\",\"baseFeePerGas\":[\"0x1\",\"0x2\"],"
		         "\"gasUsedRatio\":[%s]}", rows[i].ratio);
		j = cJSON_Parse(json);
		CHECK_INT(eth_decode_fee_history(j, &f, NULL, 0), CD_OK);
		CHECK_MSG(f.gas_used_ratio_ppm && f.gas_used_ratio_ppm[0] == rows[i].ppm, "ratio %s: %u",
		          rows[i].ratio, f.gas_used_ratio_ppm ? f.gas_used_ratio_ppm[0] : 0);
		CHECK(f.percentile_count == 0 && f.reward == NULL && !f.has_blob);
		eth_fee_history_free(&f);
		cJSON_Delete(j);
	}
}

static void fee_history_refusals(void)
{
	static const struct {
		const char *json;
		const char *err;
	} rows[] = {
		{"[]", "result: not an object"},
		{"{\"baseFeePerGas\":[\"0x1\",\"0x2\"],\"gasUsedRatio\":[0.5]}", "oldestBlock: missing"},
		{"{\"oldestBlock\":\"0x1\",\"baseFeePerGas\":[\"0x1\"],\"gasUsedRatio\":[0.5]}",
		 "baseFeePerGas: 1 entries, expected 2"},
		{"{\"oldestBlock\":\"0x1\",\"gasUsedRatio\":[0.5]}", "baseFeePerGas: missing"},
		{"{\"oldestBlock\":\"0x1\",\"baseFeePerGas\":[\"0x1\",2],\"gasUsedRatio\":[0.5]}",
		 "baseFeePerGas[1]: not a string"},
		{"{\"oldestBlock\":\"0x1\",\"baseFeePerGas\":[\"0x1\",\"0x2\"],\"gasUsedRatio\":[\"0.5\"]}",
		 "gasUsedRatio[0]: not a number"},
		{"{\"oldestBlock\":\"0x1\",\"baseFeePerGas\":[\"0x1\",\"0x2\"],\"gasUsedRatio\":0.5}",
		 "gasUsedRatio: not an array"},
		{"{\"oldestBlock\":\"0x1\",\"baseFeePerGas\":[\"0x1\",\"0x2\"],\"gasUsedRatio\":[0.5],\"reward\":[]}",
		 "reward: 0 rows, expected 1"},
		{"{\"oldestBlock\":\"0x1\",\"baseFeePerGas\":[\"0x1\",\"0x2\",\"0x3\"],\"gasUsedRatio\":[0.5,0.5],"
		 "\"reward\":[[\"0x1\",\"0x2\"],[\"0x1\"]]}", "reward[1]: not a row of 2"},
		{"{\"oldestBlock\":\"0x1\",\"baseFeePerGas\":[\"0x1\",\"0x2\"],\"gasUsedRatio\":[0.5],\"reward\":[[\"0x\"]]}",
		 "reward[0][0]: not a hex quantity"},
		{"{\"oldestBlock\":\"0x1\",\"baseFeePerGas\":[\"0x1\",\"0x2\"],\"gasUsedRatio\":[0.5],\"reward\":[7]}",
		 "reward[0]: not an array"},
		{"{\"oldestBlock\":\"0x1\",\"baseFeePerGas\":[\"0x1\",\"0x2\"],\"gasUsedRatio\":[0.5],"
		 "\"baseFeePerBlobGas\":[\"0x1\",\"0x2\"]}", "blobGasUsedRatio: missing"},
		{"{\"oldestBlock\":\"0x1\",\"baseFeePerGas\":[\"0x1\",\"0x2\"],\"gasUsedRatio\":[0.5],"
		 "\"baseFeePerBlobGas\":[\"0x1\",\"0x2\"],\"blobGasUsedRatio\":[]}", "blobGasUsedRatio: 0 entries, expected 1"},
		{"{\"oldestBlock\":\"0x1\",\"baseFeePerGas\":[\"0x1\",\"0x2\"],\"gasUsedRatio\":[]}",
		 "baseFeePerGas: 2 entries, expected at most 1"},
	};
	size_t i;

	for (i = 0; i < TEST_COUNT(rows); i++) {
		cJSON *j = cJSON_Parse(rows[i].json);
		char err[ETH_ERR_MAX];
		struct eth_fee_history f;

		CHECK(j != NULL);
		CHECK_INT(eth_decode_fee_history(j, &f, err, sizeof(err)), CD_EPROTO);
		CHECK_STR(err, rows[i].err);
		CHECK(f.base_fee == NULL && f.gas_used_ratio_ppm == NULL && f.reward == NULL && f.block_count == 0);
		cJSON_Delete(j);
	}
}

static void fee_history_empty_range(void)
{
	cJSON *j = cJSON_Parse("{\"oldestBlock\":\"0x0\",\"gasUsedRatio\":[],\"baseFeePerGas\":[\"0x7\"]}");
	struct eth_fee_history f;

	CHECK_INT(eth_decode_fee_history(j, &f, NULL, 0), CD_OK);
	CHECK_INT(f.block_count, 0);
	CHECK_INT(f.base_fee_count, 1);
	eth_fee_history_free(&f);
	cJSON_Delete(j);
}

/* ---- totality: every decoder on every value of every fixture ---- */

static size_t decoded_ok;

static void decode_everything(const cJSON *v)
{
	const cJSON *c;
	struct eth_block b;
	struct eth_tx t;
	struct eth_receipt r;
	struct eth_log l, *logs;
	struct eth_syncing s;
	struct eth_fee_history f;
	struct u256 w;
	uint64_t u;
	size_t n;

	if (eth_decode_block(v, &b, NULL, 0) == CD_OK)
		decoded_ok++;
	eth_block_free(&b);
	if (eth_decode_header(v, &b, NULL, 0) == CD_OK)
		decoded_ok++;
	eth_block_free(&b);
	if (eth_decode_tx(v, &t, NULL, 0) == CD_OK)
		decoded_ok++;
	eth_tx_free(&t);
	if (eth_decode_receipt(v, &r, NULL, 0) == CD_OK)
		decoded_ok++;
	eth_receipt_free(&r);
	if (eth_decode_log(v, &l, NULL, 0) == CD_OK)
		decoded_ok++;
	eth_log_free(&l);
	if (eth_decode_logs(v, &logs, &n, NULL, 0) == CD_OK)
		decoded_ok++;
	eth_logs_free(logs, n);
	if (eth_decode_syncing(v, &s, NULL, 0) == CD_OK)
		decoded_ok++;
	if (eth_decode_fee_history(v, &f, NULL, 0) == CD_OK)
		decoded_ok++;
	eth_fee_history_free(&f);
	if (eth_decode_u64(v, &u, NULL, 0) == CD_OK)
		decoded_ok++;
	if (eth_decode_u256(v, &w, NULL, 0) == CD_OK)
		decoded_ok++;
	cJSON_ArrayForEach(c, v)
		decode_everything(c);
}

static void every_decoder_on_every_fixture_value(void)
{
	DIR *top = opendir(FIXTURES), *sub;
	struct dirent *m, *e;
	size_t files = 0;

	CHECK(top != NULL);
	if (!top)
		return;
	decoded_ok = 0;
	while ((m = readdir(top))) {
		char dir[512];

		if (m->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", FIXTURES, m->d_name);
		sub = opendir(dir);
		if (!sub)
			continue;
		while ((e = readdir(sub))) {
			char path[1024], *text, *line;

			if (!strstr(e->d_name, ".io"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			text = test_read_file(path, NULL);
			for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
				cJSON *doc;

				if (strncmp(line, "<< ", 3) != 0)
					continue;
				doc = cJSON_Parse(line + 3);
				decode_everything(doc);
				cJSON_Delete(doc);
			}
			free(text);
			files++;
		}
		closedir(sub);
	}
	closedir(top);
	CHECK(files >= 48);
	/* Blocks, txs, receipts, logs, quantities: plenty decode, the rest must fail cleanly. */
	CHECK_MSG(decoded_ok > 200, "only %zu decodes succeeded", decoded_ok);
}

static const struct test_case cases[] = {
	{"block_london_with_tx_hashes", block_london_with_tx_hashes},
	{"block_shanghai_decodes_its_withdrawals", block_shanghai_decodes_its_withdrawals},
	{"block_cancun_has_blob_gas_and_beacon_root", block_cancun_has_blob_gas_and_beacon_root},
	{"block_prague_has_requests_hash", block_prague_has_requests_hash},
	{"block_genesis_keeps_extra_data", block_genesis_keeps_extra_data},
	{"block_by_hash_with_full_txs", block_by_hash_with_full_txs},
	{"block_latest_full_txs_with_eip155_v", block_latest_full_txs_with_eip155_v},
	{"block_not_found_is_enull", block_not_found_is_enull},
	{"header_needs_no_transactions", header_needs_no_transactions},
	{"pending_block_may_lack_hash_miner_nonce", pending_block_may_lack_hash_miner_nonce},
	{"broken_blocks_name_the_field", broken_blocks_name_the_field},
	{"broken_full_tx_in_block_is_named", broken_full_tx_in_block_is_named},
	{"tx_legacy_transfer", tx_legacy_transfer},
	{"tx_legacy_contract_creation", tx_legacy_contract_creation},
	{"tx_eip2930_access_list", tx_eip2930_access_list},
	{"tx_eip1559_fees", tx_eip1559_fees},
	{"tx_eip4844_blob", tx_eip4844_blob},
	{"tx_eip7702_set_code", tx_eip7702_set_code},
	{"tx_not_found_is_enull", tx_not_found_is_enull},
	{"tx_pending_has_no_block", tx_pending_has_no_block},
	{"tx_unknown_type_needs_common_fields_only", tx_unknown_type_needs_common_fields_only},
	{"tx_quantity_with_leading_zeros_is_accepted", tx_quantity_with_leading_zeros_is_accepted},
	{"broken_txs_name_the_field", broken_txs_name_the_field},
	{"tx_not_an_object", tx_not_an_object},
	{"short_error_buffers_are_truncated_safely", short_error_buffers_are_truncated_safely},
	{"receipt_eip2930_with_log", receipt_eip2930_with_log},
	{"receipt_pre_byzantium_has_root_not_status", receipt_pre_byzantium_has_root_not_status},
	{"receipt_contract_creation", receipt_contract_creation},
	{"receipt_blob_gas", receipt_blob_gas},
	{"receipts_all_fixtures_decode", receipts_all_fixtures_decode},
	{"receipt_not_found_is_enull", receipt_not_found_is_enull},
	{"broken_receipts_name_the_field", broken_receipts_name_the_field},
	{"logs_by_contract_address", logs_by_contract_address},
	{"logs_every_filter_fixture", logs_every_filter_fixture},
	{"pending_log_has_null_positions", pending_log_has_null_positions},
	{"broken_logs_name_the_field", broken_logs_name_the_field},
	{"syncing_false", syncing_false},
	{"syncing_object_ignores_extra_fields", syncing_object_ignores_extra_fields},
	{"syncing_refusals", syncing_refusals},
	{"chain_id_and_block_number", chain_id_and_block_number},
	{"scalar_refusals", scalar_refusals},
	{"fee_history_fixture", fee_history_fixture},
	{"fee_history_ratio_is_clamped_ppm", fee_history_ratio_is_clamped_ppm},
	{"fee_history_refusals", fee_history_refusals},
	{"fee_history_empty_range", fee_history_empty_range},
	{"every_decoder_on_every_fixture_value", every_decoder_on_every_fixture_value},
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
