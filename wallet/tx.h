/*
 * tx — Ethereum transactions to sign: build, encode, sign, decode, recover.
 *
 * Three envelopes: legacy (type 0, with an EIP-155 chain id or, for old
 * transactions only, without), EIP-2930 (type 1, access list) and EIP-1559
 * (type 2). The signing payload is the RLP of the fields (prefixed by the
 * type byte for typed transactions); its Keccak-256 is what the key signs.
 * The signed raw transaction carries v = 35 + 2 * chainId + yParity (EIP-155),
 * v = 27 + yParity (pre-155), or yParity itself (typed); the transaction hash
 * is the Keccak-256 of the raw bytes.
 *
 * Ownership: a struct tx owns its data and access list (malloc'd, NULL when
 * empty); tx_free releases them and zeroes the struct (safe on a zeroed
 * struct and on NULL). A struct tx_raw owns its bytes; tx_raw_free likewise.
 * Private keys are read from the caller's memory only and never copied.
 *
 * Errors: a negative status and, when err is not NULL, a NUL-terminated
 * message naming the field ("maxFeePerGas: not a hex quantity"); TX_ERR_MAX
 * bytes hold any message whole. Outputs are left zeroed on error.
 */
#ifndef CHAINDECK_TX_H
#define CHAINDECK_TX_H

#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/address.h"
#include "common/u256.h"

enum tx_type {
	TX_LEGACY = 0,
	TX_ACCESS_LIST = 1, /* EIP-2930 */
	TX_DYNAMIC_FEE = 2  /* EIP-1559 */
};

enum {
	/* and the shared CD_EINVAL (a field is missing, malformed or not allowed;
	 * see err), CD_EKEY (private key is zero or not below the curve order) */
	TX_EDECODE = -1401,  /* raw bytes are not a well-formed signed transaction; see err */
	TX_ESIG = -1402,     /* signature out of range, or no sender recovers from it */
	TX_ERULE = -1403     /* well-formed, but a node would refuse it (tx_check); see err */
};

enum {
	TX_ERR_MAX = 160,
	TX_MAX_INITCODE = 49152 /* EIP-3860: largest contract-creation data */
};

struct tx_access_entry {
	uint8_t address[ADDRESS_SIZE];
	size_t key_count;
	uint8_t (*keys)[32]; /* key_count storage keys, owned; NULL when none */
};

struct tx {
	enum tx_type type;
	bool has_chain_id;          /* always true for typed; false: a pre-EIP-155 legacy transaction */
	uint64_t chain_id;
	uint64_t nonce;
	struct u256 gas_price;      /* types 0 and 1 */
	struct u256 max_priority_fee_per_gas; /* type 2 */
	struct u256 max_fee_per_gas;          /* type 2 */
	uint64_t gas;
	bool has_to;                /* false: contract creation */
	uint8_t to[ADDRESS_SIZE];
	struct u256 value;
	uint8_t *data;              /* owned; NULL when data_len is 0 */
	size_t data_len;
	size_t access_count;        /* types 1 and 2 */
	struct tx_access_entry *access_list; /* owned; NULL when none */
	bool has_from;              /* tx_from_json only: the "from" the caller named, not signed */
	uint8_t from[ADDRESS_SIZE];
};

/* A signature as transactions carry it: yParity and r, s (at most 32 bytes each). */
struct tx_sig {
	uint8_t y_parity; /* 0 or 1 */
	struct u256 r, s;
};

/* A signed raw transaction. */
struct tx_raw {
	uint8_t *bytes;   /* owned */
	size_t len;
	uint8_t hash[32]; /* the transaction hash: Keccak-256 of bytes */
};

void tx_free(struct tx *t);
void tx_raw_free(struct tx_raw *r);

/*
 * Parses eth_signTransaction's parameter object. Hex quantities: chainId,
 * nonce, gas (64-bit); value, gasPrice, maxFeePerGas, maxPriorityFeePerGas
 * (256-bit). "to" (absent or null: contract creation), "from" (optional,
 * kept in has_from/from), "data" or "input" (both only if equal), optional
 * "accessList" and "type" ("0x0", "0x1", "0x2").
 * Required: chainId (a JSON transaction is always replay-protected), nonce,
 * gas, and one fee style: gasPrice (types 0, 1) or maxFeePerGas with
 * maxPriorityFeePerGas (type 2). Without "type" the fee style decides, and a
 * gasPrice transaction with an accessList is type 1. Both fee styles, a fee
 * style that does not match "type", an unknown type, an accessList on type
 * 0, any unknown member, JSON numbers instead of hex strings, and bad hex are
 * all CD_EINVAL with the field named. On success *out must be tx_free'd.
 */
int tx_from_json(const cJSON *j, struct tx *out, char *err, size_t errlen);

/*
 * The signing payload: RLP of the unsigned fields (EIP-155 appends
 * chainId, 0, 0), with the 0x01/0x02 prefix for typed transactions.
 * *out is malloc'd, the caller frees it. CD_EINVAL for an inconsistent
 * struct (unknown type, typed without chain id, access list on legacy,
 * data_len without data).
 */
int tx_signing_payload(const struct tx *t, uint8_t **out, size_t *len);
/* Keccak-256 of the signing payload: the digest the key signs. */
int tx_signing_hash(const struct tx *t, uint8_t hash[32]);

/* The signed raw transaction for t with sig, and its hash. *out is set only on success. */
int tx_encode_signed(const struct tx *t, const struct tx_sig *sig, struct tx_raw *out);

/*
 * Signs t with priv (RFC 6979, low s) and encodes the raw transaction: the
 * same transaction and key always give the same bytes. CD_EKEY for an
 * invalid key. Stateless node rules are not applied here: call tx_check
 * before showing a transaction for confirmation.
 */
int tx_sign(const struct tx *t, const uint8_t priv[32], struct tx_raw *out);

/*
 * Strictly decodes a signed raw transaction (legacy RLP list, or 0x01/0x02
 * followed by one): canonical RLP only, exact field count, 20-byte or empty
 * "to", 20-byte access-list addresses and 32-byte keys, 64-bit nonce, gas and
 * chain id, legacy v of 27/28 or 35 + 2 * chainId + {0,1}, yParity 0 or 1,
 * 1 <= r < n and 1 <= s <= n/2. sig may be NULL. TX_EDECODE or TX_ESIG with a
 * message; on success *t must be tx_free'd.
 */
int tx_decode(const uint8_t *raw, size_t len, struct tx *t, struct tx_sig *sig, char *err, size_t errlen);

/* The sender: the address that signed t's signing hash with sig (TX_ESIG when none). */
int tx_recover_sender(const struct tx *t, const struct tx_sig *sig, struct address *from);

/* The legacy v value (27/28, or 35 + 2 * chainId + yParity); for typed transactions, yParity. */
struct u256 tx_sig_v(const struct tx *t, const struct tx_sig *sig);

/*
 * Intrinsic gas (Shanghai/Cancun rules): 21000, +32000 for a creation, 4 per
 * zero and 16 per other data byte, 2 per 32-byte word of init code, 2400 per
 * access-list address and 1900 per storage key. TX_ERULE if it overflows.
 */
int tx_intrinsic_gas(const struct tx *t, uint64_t *gas);

/*
 * The stateless rules a node applies before looking at accounts: nonce below
 * 2^64 - 1 (EIP-2681), gas at least the intrinsic gas, init code at most
 * TX_MAX_INITCODE bytes, priority fee not above max fee, and gas times the
 * fee cap within 256 bits. TX_ERULE with the reason, else CD_OK.
 */
int tx_check(const struct tx *t, char *err, size_t errlen);

#endif
