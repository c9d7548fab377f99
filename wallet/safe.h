/*
 * safe — Safe (formerly Gnosis Safe) 1.4.1 multisig accounts: the canonical
 * contract addresses, the Safe transaction (SafeTx) and its EIP-712 hash,
 * calldata for the calls chaindeck makes, the proxy address a creation will
 * give, and the proposal file co-owners pass between machines.
 *
 * The SafeTx hash is the EIP-712 digest of
 *   SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,
 *          uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,
 *          uint256 nonce)
 * in the domain {chainId, verifyingContract: the Safe}; it is built through
 * wallet/eip712 from the eth_signTypedData_v4 document safe_typed_data()
 * returns, so what an owner signs is exactly what any EIP-712 signer would.
 * It equals the contract's own getTransactionHash(...).
 *
 * The proposal file (plain JSON, every member required, no other member):
 *   {"chainId": "31337", "safe": "0x…", "to": "0x…", "value": "WEI",
 *    "data": "0x…", "operation": 0, "safeTxGas": "0", "baseGas": "0",
 *    "gasPrice": "0", "gasToken": "0x0…0", "refundReceiver": "0x0…0",
 *    "nonce": "N", "safeTxHash": "0x…",
 *    "signatures": [{"owner": "0x…", "signature": "0x" + 130 digits}]}
 * Numbers are decimal strings (operation: the JSON number 0 or 1). On read
 * the hash is recomputed from the fields and must equal safeTxHash, and
 * every signature must recover (as the contract's ecrecover path does, v 27
 * or 28) to its owner, once per owner.
 *
 * No curses, no I/O.
 */
#ifndef CHAINDECK_SAFE_H
#define CHAINDECK_SAFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/address.h"
#include "common/u256.h"

enum {
	/* and the shared CD_EINVAL (malformed input; err says which field) */
	SAFE_ESIG = -1601 /* a signature that is malformed or not by its owner */
};

enum {
	SAFE_ERR_MAX = 256,
	SAFE_DATA_MAX = 1 << 16,    /* bytes of SafeTx data accepted */
	SAFE_OWNERS_MAX = 64,
	SAFE_FILE_MAX = 1 << 18     /* bytes of proposal JSON accepted */
};

/* The contracts a Safe is made of. */
struct safe_deployment {
	struct address singleton;        /* Safe (the mastercopy proxies delegatecall) */
	struct address singleton_l2;     /* SafeL2 (emits events for every transaction) */
	struct address proxy_factory;    /* SafeProxyFactory */
	struct address fallback_handler; /* CompatibilityFallbackHandler */
	struct address multi_send;
	struct address multi_send_call_only;
};

/* The canonical 1.4.1 addresses, the same on every chain where Safe is deployed. */
void safe_canonical(struct safe_deployment *d);
/*
 * The addresses on chain_id: the canonical ones, each replaced by the one the
 * configuration's [safe "CHAINID"] section names for that chain (cfg may be
 * NULL). Returns whether the configuration named any.
 */
struct config;
bool safe_deployment_for(const struct config *cfg, uint64_t chain_id, struct safe_deployment *d);

enum safe_operation { SAFE_OP_CALL = 0, SAFE_OP_DELEGATECALL = 1 };

struct safe_tx {
	struct address to;
	struct u256 value;
	uint8_t *data;       /* owned (malloc'd); NULL when data_len is 0 */
	size_t data_len;
	uint8_t operation;   /* enum safe_operation */
	struct u256 safe_tx_gas, base_gas, gas_price;
	struct address gas_token, refund_receiver;
	struct u256 nonce;
};

struct safe_signature {
	struct address owner;
	uint8_t sig[65];     /* r || s || v, v 27 or 28 */
};

struct safe_proposal {
	uint64_t chain_id;
	struct address safe;
	struct safe_tx tx;
	uint8_t hash[32];                /* the SafeTx hash */
	struct safe_signature *sigs;     /* owned; NULL when none */
	size_t nsigs;
};

void safe_tx_free(struct safe_tx *t);
void safe_proposal_free(struct safe_proposal *p);

/* The eth_signTypedData_v4 document of tx (malloc'd, NUL-terminated), NULL when out of memory. */
char *safe_typed_data(uint64_t chain_id, const struct address *safe, const struct safe_tx *tx);

/* The SafeTx hash (see above). CD_OK or an error with err set. */
int safe_tx_hash(uint64_t chain_id, const struct address *safe, const struct safe_tx *tx, uint8_t hash[32],
                 char *err, size_t errlen);

/* Signs p's SafeTx hash with priv (EIP-712, v = 27 + recid) into sig. */
int safe_sign(const struct safe_proposal *p, const uint8_t priv[32], uint8_t sig[65]);

/* The signer of sig over hash (v must be 27 or 28, as an EOA signature for the Safe). */
int safe_recover(const uint8_t hash[32], const uint8_t sig[65], struct address *out);

/*
 * Adds (owner, sig) to p after checking that sig recovers to owner over
 * p->hash. An owner that has signed already has its signature replaced.
 */
int safe_proposal_add_signature(struct safe_proposal *p, const struct address *owner, const uint8_t sig[65],
                                char *err, size_t errlen);

/*
 * The proposal as JSON text (malloc'd, ending in a newline), NULL when out of memory.
 * safe_proposal_parse reads it back with every field validated (see above).
 */
char *safe_proposal_to_json(const struct safe_proposal *p);
int safe_proposal_parse(const char *json, size_t len, struct safe_proposal *out, char *err, size_t errlen);

/*
 * Calldata builders. Each writes a malloc'd buffer to *out (*len bytes) and
 * returns CD_OK, or CD_EINVAL / CD_ENOMEM.
 */
/* setup(owners, threshold, to 0, data "", fallbackHandler, paymentToken 0, payment 0, paymentReceiver 0). */
int safe_encode_setup(const struct address *owners, size_t nowners, uint64_t threshold,
                      const struct address *fallback_handler, uint8_t **out, size_t *len);
/* SafeProxyFactory.createProxyWithNonce(singleton, initializer, saltNonce). */
int safe_encode_create_proxy(const struct address *singleton, const uint8_t *initializer, size_t init_len,
                             struct u256 salt_nonce, uint8_t **out, size_t *len);
/*
 * execTransaction with the signatures packed as the contract wants them:
 * sorted by owner address, ascending, 65 bytes each.
 */
int safe_encode_exec(const struct safe_tx *tx, const struct safe_signature *sigs, size_t nsigs,
                     uint8_t **out, size_t *len);
int safe_encode_add_owner(const struct address *owner, uint64_t threshold, uint8_t **out, size_t *len);
/* prev is the owner before owner in the Safe's linked list (safe_prev_owner). */
int safe_encode_remove_owner(const struct address *prev, const struct address *owner, uint64_t threshold,
                             uint8_t **out, size_t *len);
int safe_encode_change_threshold(uint64_t threshold, uint8_t **out, size_t *len);
/* ERC-20 transfer(to, amount). */
int safe_encode_erc20_transfer(const struct address *to, struct u256 amount, uint8_t **out, size_t *len);
/* getTransactionHash(...) of tx: what the contract answers is the SafeTx hash. */
int safe_encode_get_tx_hash(const struct safe_tx *tx, uint8_t **out, size_t *len);
/* checkSignatures(dataHash, data, signatures) with the packed, sorted signatures. */
int safe_encode_check_signatures(const uint8_t hash[32], const struct safe_signature *sigs, size_t nsigs,
                                 uint8_t **out, size_t *len);

/*
 * What tx's data does, for a screen: "transfer(to: 0x…, amount: N)",
 * "addOwnerWithThreshold(…)", "removeOwner(…)", "changeThreshold(…)" decoded
 * from the bytes; "" for no data; else "N bytes of call data". Returns out.
 */
char *safe_describe_call(const struct safe_tx *tx, char *out, size_t cap);

/*
 * The owner before owner in owners (getOwners() order; the first one's is the
 * sentinel 0x…01). false when owner is not in the list.
 */
bool safe_prev_owner(const struct address *owners, size_t n, const struct address *owner, struct address *prev);

/*
 * A list of owners "0xA…,0xB…,0xC…" into out[0..max): each an address
 * (checksum checked when mixed-case), none twice. CD_OK, or CD_EINVAL with
 * err saying which one is wrong.
 */
int safe_parse_owners(const char *list, struct address *out, size_t max, size_t *n, char *err, size_t errlen);

/*
 * A Safe's creation, as `chaindeck safe create` and the wallet pane make it:
 * the call of d's factory createProxyWithNonce(d's singleton, setup(owners,
 * threshold, d's fallback handler), salt) in *data (malloc'd, *len bytes) and
 * the address it will deploy (safe_predict_address with creation_code, the
 * factory's own proxyCreationCode() answer: an ABI bytes). CD_OK, CD_EINVAL
 * (creation_code does not decode) or CD_ENOMEM.
 */
int safe_create_call(const struct safe_deployment *d, const struct address *owners, size_t n, uint64_t threshold,
                     struct u256 salt, const uint8_t *creation_code_abi, size_t abi_len, uint8_t **data, size_t *len,
                     struct address *predicted);

/*
 * The address SafeProxyFactory.createProxyWithNonce(singleton, initializer,
 * salt) deploys: CREATE2 from the factory with salt keccak256(keccak256(
 * initializer) ‖ saltNonce) and init code proxyCreationCode ‖ uint256(singleton).
 */
void safe_predict_address(const struct address *factory, const struct address *singleton,
                          const uint8_t *creation_code, size_t code_len, const uint8_t *initializer,
                          size_t init_len, struct u256 salt_nonce, struct address *out);

#endif
