/*
 * eip712 — EIP-712 typed structured data: the eth_signTypedData_v4 request
 * (types, primaryType, domain, message), its hashes and a decoded view of it
 * for the confirmation a user reads before signing.
 *
 * What is hashed is exactly what the view shows, and every document that is
 * accepted hashes the same in every common implementation (MetaMask's
 * eth-sig-util, ethers' TypedDataEncoder, cast/alloy). Where those disagree
 * or a document is ambiguous, it is refused with a message naming the place:
 *   - types: struct and field names are identifiers; field types are the
 *     EIP-712 atomic types (uint8..uint256, int8..int256 in steps of 8,
 *     bytes1..bytes32, bool, address), bytes, string, a struct named in
 *     types, or arrays of any of these (T[], T[k] with k >= 1, nested). The
 *     aliases uint/int, unknown types and duplicate names are refused.
 *   - EIP712Domain: only the standard fields (string name, string version,
 *     uint256 chainId, address verifyingContract, bytes32 salt), in that
 *     order, each declared iff the domain holds it. When types does not
 *     declare EIP712Domain, it is the standard fields the domain holds (as
 *     ethers and alloy derive it). Other domain fields are refused: some
 *     implementations would hash them and others silently drop them.
 *   - values: every field of a struct present, no field that its type does
 *     not declare, no duplicate JSON keys, no "\u0000" in text.
 *     uintN/intN: a JSON integer up to 2^53 - 1 in magnitude, or a string of
 *     decimal digits or 0x-hex, with a leading '-' for a negative intN;
 *     within the type's range. bool: true/false. address: "0x" + 40 hex
 *     digits (mixed case must be the EIP-55 checksum). bytesN: 0x-hex of
 *     exactly N bytes. bytes: 0x-hex. string: valid UTF-8 text. Arrays: a
 *     JSON array (of exactly k items for T[k]). Structs: a JSON object.
 *   - primaryType must name a struct of types other than EIP712Domain.
 *
 * Hashing follows the specification: encodeType lists the primary type then
 * its dependencies sorted by name; hashStruct(s) = keccak256(typeHash ‖
 * encodeData(s)); the digest is keccak256(0x19 0x01 ‖ domainSeparator ‖
 * hashStruct(message)).
 *
 * No curses, no I/O.
 */
#ifndef CHAINDECK_EIP712_H
#define CHAINDECK_EIP712_H

#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/address.h"
#include "common/u256.h"

/* Errors are the shared codes of common/error.h: CD_EINVAL (the document is
 * malformed or ambiguous; the message says where). Out of memory aborts
 * (common/xalloc.h). */

enum {
	EIP712_ERR_MAX = 256,        /* a message always fits */
	EIP712_DOC_MAX = 1 << 20,    /* bytes of JSON accepted */
	EIP712_DEPTH_MAX = 32        /* nesting of structs and arrays in a value */
};

/* One line of the decoded view: where, what type, and the value as text. */
struct eip712_field {
	char *path;  /* "from.name", "items[2].amount", "chainId" */
	char *type;  /* the declared type of the leaf: "string", "uint256", "Person[]" for an empty array */
	char *value; /* decimal numbers (with a sign for a negative int), EIP-55 addresses,
	                true/false, 0x-hex bytes, strings in double quotes, sanitized for a
	                terminal (text_sanitize); "[]" for an empty array, "{}" for an empty
	                nested struct (an empty domain or message has no line at all) */
};

/* A parsed, validated request. Read the members; free with eip712_free. */
struct eip712 {
	char *primary_type;
	char *encode_type;              /* encodeType(primaryType), the text its typeHash hashes */
	uint8_t type_hash[32];
	uint8_t domain_separator[32];   /* hashStruct(EIP712Domain, domain) */
	uint8_t struct_hash[32];        /* hashStruct(primaryType, message) */
	uint8_t digest[32];             /* what is signed */
	uint8_t *encoded;               /* typeHash ‖ encodeData(primaryType, message) */
	size_t encoded_len;
	/* The domain fields that are present. */
	bool has_chain_id;
	struct u256 chain_id;
	bool has_verifying_contract;
	struct address verifying_contract;
	/* The decoded view: the domain's fields in order, then the message's leaves in order. */
	struct eip712_field *domain;
	size_t ndomain;
	struct eip712_field *fields;
	size_t nfields;
};

/*
 * Parses and validates json[0..len) (need not be NUL-terminated; at most
 * EIP712_DOC_MAX bytes), computes every hash and the view. Returns CD_OK
 * with *out filled, or an error with a message in err (NUL-terminated, when
 * errcap > 0) and *out zeroed.
 */
int eip712_parse(const char *json, size_t len, struct eip712 *out, char *err, size_t errcap);

/*
 * Signs e->digest with priv (wallet/sign): sig gets r || s || v with v = 27 + recid,
 * as eth_signTypedData_v4 and cast return it. CD_OK or the sign module's error.
 */
int eip712_sign(const struct eip712 *e, const uint8_t priv[32], uint8_t sig[65]);

/* The signer of sig (v 0, 1, 27 or 28) over e->digest; a SIGN_ status. */
int eip712_recover(const struct eip712 *e, const uint8_t sig[65], struct address *out);

/* Frees what eip712_parse allocated and zeroes *e. Safe on a zeroed struct. */
void eip712_free(struct eip712 *e);

#endif
