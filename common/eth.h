/* SPDX-License-Identifier: MIT */
/*
 * eth — typed views of eth_ results.
 *
 * Each decoder reads the "result" of a reply (a cJSON value it only borrows)
 * into a plain struct that owns all its memory, so the cJSON document may be
 * freed as soon as the decoder returns.
 *
 * Decoding is total: a wrong type, a missing required field, malformed or
 * overlong hex, or a number out of range gives a negative status and, when
 * err is not NULL, a NUL-terminated message naming the field
 * ("transactions[2].gas: exceeds 64 bits"). On any error the output struct is
 * left zeroed with nothing to free; partial results are never reported.
 * err may be NULL; ETH_ERR_MAX bytes hold any message whole.
 *
 * Quantities that always fit (block numbers, timestamps, gas, nonces, indexes,
 * chain ids) are uint64_t; amounts and fees are struct u256. Optional or
 * nullable fields come with a has_ flag; a field whose flag is false is zero.
 * Variable-length bytes are malloc'd and owned by the struct (NULL when
 * empty); each struct with owned memory has a _free function that releases it
 * and zeroes the struct (safe on a zeroed struct and on NULL).
 */
#ifndef CHAINDECK_ETH_H
#define CHAINDECK_ETH_H

#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/u256.h"

enum {
	ETH_HASH_LEN = 32,
	ETH_ADDR_LEN = 20,
	ETH_BLOOM_LEN = 256,
	ETH_MAX_TOPICS = 4,
	ETH_ERR_MAX = 160
};

/*
 * The decoders return CD_OK or a shared code of common/error.h: CD_EPROTO (the
 * value does not have the expected shape; see err), CD_ENOTFOUND (the result
 * is JSON null: the node knows no such block/tx/receipt).
 */

/* EIP-2718 envelope types the decoder knows; other types are kept by number. */
enum eth_tx_type {
	ETH_TX_LEGACY = 0,
	ETH_TX_ACCESS_LIST = 1, /* EIP-2930 */
	ETH_TX_DYNAMIC_FEE = 2, /* EIP-1559 */
	ETH_TX_BLOB = 3,        /* EIP-4844 */
	ETH_TX_SET_CODE = 4     /* EIP-7702 */
};

struct eth_access_entry {
	uint8_t address[ETH_ADDR_LEN];
	size_t key_count;
	uint8_t (*keys)[ETH_HASH_LEN]; /* key_count storage keys, owned; NULL when none */
};

/*
 * A transaction (eth_getTransactionByHash, or an entry of a full block).
 * Required per type: 0: gasPrice, v, r, s. 1: gasPrice, chainId, accessList.
 * 2: chainId, accessList, maxFeePerGas, maxPriorityFeePerGas. 3: as 2 plus
 * maxFeePerBlobGas, blobVersionedHashes and a "to". 4: as 2 plus
 * authorizationList and a "to". Types 1..4 need r, s and v or yParity.
 * Unknown types (an L2's own) need only the common fields.
 */
struct eth_tx {
	unsigned type;                 /* 0..0x7f; a missing "type" (old nodes) reads as 0 */
	uint8_t hash[ETH_HASH_LEN];
	uint8_t from[ETH_ADDR_LEN];
	bool has_to;                   /* false: contract creation ("to": null) */
	uint8_t to[ETH_ADDR_LEN];
	uint64_t nonce;
	uint64_t gas;
	struct u256 value;
	uint8_t *input;                /* owned; NULL when input_len is 0 */
	size_t input_len;

	bool has_gas_price;            /* types 0, 1; for later types the effective price, when sent */
	struct u256 gas_price;
	bool has_max_fees;             /* types 2, 3, 4 */
	struct u256 max_fee_per_gas;
	struct u256 max_priority_fee_per_gas;
	bool has_max_fee_per_blob_gas; /* type 3 */
	struct u256 max_fee_per_blob_gas;
	size_t blob_hash_count;        /* type 3 */
	uint8_t (*blob_hashes)[ETH_HASH_LEN]; /* owned; NULL when none */
	bool has_chain_id;
	uint64_t chain_id;
	bool has_access_list;
	size_t access_list_count;
	struct eth_access_entry *access_list; /* owned; NULL when none */
	size_t authorization_count;    /* type 4: entries of authorizationList (not decoded further) */

	bool has_signature;            /* r and s present */
	struct u256 r, s;
	bool has_v;
	struct u256 v;                 /* legacy EIP-155 v can exceed 64 bits */
	bool has_y_parity;
	uint8_t y_parity;              /* 0 or 1 */

	bool has_block;                /* false while pending: the three fields below were null */
	uint8_t block_hash[ETH_HASH_LEN];
	uint64_t block_number;
	uint64_t tx_index;
};

/*
 * A log (eth_getLogs, or a receipt's logs). Pending logs may carry null
 * block, transaction and index fields: the has_ flags say which were set.
 */
struct eth_log {
	uint8_t address[ETH_ADDR_LEN];
	size_t topic_count;            /* 0..4 */
	uint8_t topics[ETH_MAX_TOPICS][ETH_HASH_LEN];
	uint8_t *data;                 /* owned; NULL when data_len is 0 */
	size_t data_len;
	bool has_block;                /* blockHash and blockNumber */
	uint8_t block_hash[ETH_HASH_LEN];
	uint64_t block_number;
	bool has_tx;                   /* transactionHash and transactionIndex */
	uint8_t tx_hash[ETH_HASH_LEN];
	uint64_t tx_index;
	bool has_log_index;
	uint64_t log_index;
	bool removed;                  /* false when absent */
};

/* eth_getTransactionReceipt. Either status (Byzantium on) or root (before) is present, or both. */
struct eth_receipt {
	uint8_t tx_hash[ETH_HASH_LEN];
	uint64_t tx_index;
	uint8_t block_hash[ETH_HASH_LEN];
	uint64_t block_number;
	uint8_t from[ETH_ADDR_LEN];
	bool has_to;                   /* false for a contract creation */
	uint8_t to[ETH_ADDR_LEN];
	unsigned type;                 /* a missing "type" reads as 0 */
	uint64_t cumulative_gas_used;
	uint64_t gas_used;
	bool has_effective_gas_price;  /* absent from pre-London nodes */
	struct u256 effective_gas_price;
	bool has_contract_address;
	uint8_t contract_address[ETH_ADDR_LEN];
	bool has_status;
	uint8_t status;                /* 1 success, 0 failure */
	bool has_root;
	uint8_t root[ETH_HASH_LEN];    /* pre-Byzantium post-state root */
	uint8_t logs_bloom[ETH_BLOOM_LEN];
	bool has_blob_gas_used;        /* blob transactions (EIP-4844) */
	uint64_t blob_gas_used;
	bool has_blob_gas_price;
	struct u256 blob_gas_price;
	size_t log_count;
	struct eth_log *logs;          /* owned; NULL when none */
};

enum eth_block_txs {
	ETH_BLOCK_NO_TXS = 0,   /* no "transactions" member (a header) */
	ETH_BLOCK_TX_HASHES,    /* asked with full = false; also an empty list */
	ETH_BLOCK_TX_FULL       /* asked with full = true and at least one transaction */
};

/* eth_getBlockByNumber / eth_getBlockByHash, and eth_getHeaderBy* through eth_decode_header. */
/* An EIP-4895 withdrawal: a consensus-layer payment credited to an address by the block. */
struct eth_withdrawal {
	uint64_t index;
	uint64_t validator_index;
	uint8_t address[ETH_ADDR_LEN];
	uint64_t amount_gwei;          /* in gwei, as the consensus layer counts (× 10^9 for wei) */
};

struct eth_block {
	uint64_t number;
	bool has_hash;                 /* false for a pending block */
	uint8_t hash[ETH_HASH_LEN];
	uint8_t parent_hash[ETH_HASH_LEN];
	uint8_t sha3_uncles[ETH_HASH_LEN];
	uint8_t state_root[ETH_HASH_LEN];
	uint8_t transactions_root[ETH_HASH_LEN];
	uint8_t receipts_root[ETH_HASH_LEN];
	bool has_logs_bloom;           /* false for a pending block */
	uint8_t logs_bloom[ETH_BLOOM_LEN];
	bool has_miner;                /* false for a pending block */
	uint8_t miner[ETH_ADDR_LEN];
	bool has_nonce;
	uint8_t nonce[8];
	bool has_mix_hash;
	uint8_t mix_hash[ETH_HASH_LEN];
	bool has_difficulty;
	struct u256 difficulty;
	bool has_total_difficulty;
	struct u256 total_difficulty;
	uint8_t *extra_data;           /* owned; NULL when extra_data_len is 0 */
	size_t extra_data_len;
	bool has_size;                 /* headers carry no size */
	uint64_t size;
	uint64_t gas_limit;
	uint64_t gas_used;
	uint64_t timestamp;
	bool has_base_fee;             /* London on */
	struct u256 base_fee;
	bool has_withdrawals_root;     /* Shanghai on */
	uint8_t withdrawals_root[ETH_HASH_LEN];
	bool has_withdrawals;
	size_t withdrawal_count;
	struct eth_withdrawal *withdrawals; /* owned; withdrawal_count entries, NULL when none */
	bool has_blob_gas;             /* Cancun on: blobGasUsed and excessBlobGas */
	uint64_t blob_gas_used;
	uint64_t excess_blob_gas;
	bool has_parent_beacon_root;
	uint8_t parent_beacon_root[ETH_HASH_LEN];
	bool has_requests_hash;        /* Prague on */
	uint8_t requests_hash[ETH_HASH_LEN];
	size_t uncle_count;

	enum eth_block_txs tx_kind;
	size_t tx_count;
	uint8_t (*tx_hashes)[ETH_HASH_LEN]; /* ETH_BLOCK_TX_HASHES: tx_count hashes, owned */
	struct eth_tx *txs;                 /* ETH_BLOCK_TX_FULL: tx_count transactions, owned */
};

/* eth_syncing: false, or an object of which only these three fields are read. */
struct eth_syncing {
	bool syncing;
	uint64_t starting_block;
	uint64_t current_block;
	uint64_t highest_block;
};

/*
 * eth_feeHistory. block_count is the length of gasUsedRatio; base_fee has
 * block_count + 1 entries (the last is the next block's). Ratios are parts
 * per million, rounded to nearest and clamped to 0..1000000.
 */
struct eth_fee_history {
	uint64_t oldest_block;
	size_t block_count;
	size_t base_fee_count;            /* block_count + 1, or 0 when block_count is 0 */
	struct u256 *base_fee;            /* owned */
	uint32_t *gas_used_ratio_ppm;     /* block_count entries, owned */
	size_t percentile_count;          /* columns of reward; 0 when none were asked */
	struct u256 *reward;              /* block_count * percentile_count, row-major, owned */
	bool has_blob;                    /* baseFeePerBlobGas and blobGasUsedRatio (Cancun on) */
	struct u256 *base_fee_per_blob_gas;  /* base_fee_count entries, owned */
	uint32_t *blob_gas_used_ratio_ppm;   /* block_count entries, owned */
};

/* A QUANTITY result (eth_chainId, eth_blockNumber, eth_getTransactionCount). */
int eth_decode_u64(const cJSON *j, uint64_t *out, char *err, size_t errlen);
/* A QUANTITY result that may need 256 bits (eth_getBalance, eth_gasPrice). */
int eth_decode_u256(const cJSON *j, struct u256 *out, char *err, size_t errlen);

/* Needs "transactions": hashes or full objects, not mixed. JSON null gives CD_ENOTFOUND. */
int eth_decode_block(const cJSON *j, struct eth_block *out, char *err, size_t errlen);
/* Like eth_decode_block but "transactions" is optional (ETH_BLOCK_NO_TXS when absent). */
int eth_decode_header(const cJSON *j, struct eth_block *out, char *err, size_t errlen);
/* Frees what a decoded block owns, its transactions included, and zeroes it. */
void eth_block_free(struct eth_block *b);

/* JSON null gives CD_ENOTFOUND. */
int eth_decode_tx(const cJSON *j, struct eth_tx *out, char *err, size_t errlen);
void eth_tx_free(struct eth_tx *t);

/* JSON null gives CD_ENOTFOUND. */
int eth_decode_receipt(const cJSON *j, struct eth_receipt *out, char *err, size_t errlen);
void eth_receipt_free(struct eth_receipt *r);

int eth_decode_log(const cJSON *j, struct eth_log *out, char *err, size_t errlen);
void eth_log_free(struct eth_log *l);
/* An array of logs (eth_getLogs). *out is a malloc'd array of *count logs (NULL when
 * empty), freed with eth_logs_free. */
int eth_decode_logs(const cJSON *j, struct eth_log **out, size_t *count, char *err, size_t errlen);
void eth_logs_free(struct eth_log *logs, size_t count);

int eth_decode_syncing(const cJSON *j, struct eth_syncing *out, char *err, size_t errlen);

int eth_decode_fee_history(const cJSON *j, struct eth_fee_history *out, char *err, size_t errlen);
void eth_fee_history_free(struct eth_fee_history *f);

#endif
