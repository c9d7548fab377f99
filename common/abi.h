/* SPDX-License-Identifier: MIT */
/*
 * abi — the Solidity contract ABI: selectors, call encoding, strict decoding,
 * display of call arguments and revert reasons, and token event logs.
 *
 * Pure: no I/O, no allocation. Every byte string given to a decoder is
 * treated as hostile (it came from a node): nothing is read outside
 * data[0..len), offsets and lengths are range-checked before use, and values
 * that a Solidity decoder would reject (dirty high bits in an address, a bool
 * other than 0 or 1, an int that is not sign-extended) are rejected here too.
 *
 * Types are written as in signatures: uint<N>/int<N> (N = 8..256, step 8;
 * bare uint/int mean 256), address, bool, bytes<N> (1..32), bytes, string,
 * function (as bytes24), tuples "(T1,T2)", arrays T[] and T[k] of any of these.
 * Signatures are "name(T1,T2,...)"; where a function below accepts a
 * signature it also accepts parameter names and spaces
 * ("transfer(address to, uint256 amount)") and uses the names for display.
 */
#ifndef CHAINDECK_ABI_H
#define CHAINDECK_ABI_H

#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/address.h"
#include "common/eth.h"
#include "common/u256.h"

enum {
	/* and the shared CD_EINVAL (malformed signature or type text, or a bad
	 * argument) and CD_ESPACE (output buffer too small) */
	ABI_EDECODE = -301,  /* the data does not decode as the given types */
	ABI_ETYPE = -302,    /* a value does not fit its declared type */
	ABI_ENOMATCH = -303  /* the data is not what was looked for (another selector, not a token event) */
};

enum {
	ABI_SELECTOR_SIZE = 4,
	ABI_WORD = 32,
	ABI_MAX_PARAMS = 32,   /* top-level parameters in one signature */
	ABI_MAX_TYPE_NODES = 128, /* types in one signature, nested ones included */
	ABI_MAX_DEPTH = 16     /* nesting of tuples and array dimensions */
};

/*
 * Writes the canonical form of a signature (no names, no spaces, uint → uint256,
 * int → int256) into out (NUL-terminated). Returns its length, CD_EINVAL or CD_ESPACE.
 */
int abi_signature_canonical(const char *sig, char *out, size_t cap);

/*
 * The first 4 bytes of the Keccak-256 of the canonical form of sig:
 * abi_selector("transfer(address,uint256)", s) gives a9 05 9c bb.
 * Returns CD_OK or CD_EINVAL (out untouched).
 */
int abi_selector(const char *sig, uint8_t out[ABI_SELECTOR_SIZE]);
/* The full Keccak-256 of the canonical form: an event's topic 0. */
int abi_event_topic(const char *sig, uint8_t out[32]);

/*
 * A value to encode. Fields by kind:
 *   ABI_UINT      num (must fit the parameter's N bits)
 *   ABI_INT       num as a 256-bit two's complement (abi_int_from_i64 builds one);
 *                 must fit the parameter's N bits as a signed number. An ABI_UINT
 *                 is also accepted for int<N> when it is below 2^(N-1).
 *   ABI_ADDRESS   addr
 *   ABI_BOOL      b
 *   ABI_BYTES     data[0..len): for bytes and bytes<N> (then len must be N) — borrowed
 *   ABI_STRING    data[0..len): UTF-8 text, not checked — borrowed
 *   ABI_ARRAY     items[0..count): elements, for T[] and T[k] (count must be k)
 *   ABI_TUPLE     items[0..count): components, one per tuple member
 * Zero-initialise and set the fields of your kind; nothing is owned.
 */
enum abi_kind {
	ABI_UINT = 1,
	ABI_INT,
	ABI_ADDRESS,
	ABI_BOOL,
	ABI_BYTES,
	ABI_STRING,
	ABI_ARRAY,
	ABI_TUPLE
};

struct abi_value {
	enum abi_kind kind;
	struct u256 num;
	struct address addr;
	bool b;
	const uint8_t *data;
	size_t len;
	const struct abi_value *items;
	size_t count;
};

/* The 256-bit two's complement of v, for an ABI_INT value. */
struct u256 abi_int_from_i64(int64_t v);

/*
 * Encodes values for a parameter list "(T1,T2,...)" (a bare single type "T" is
 * taken as "(T)") into out[0..cap); *outlen gets the byte count.
 * Returns CD_OK, CD_EINVAL (bad type text, or n differs from the parameter
 * count), ABI_ETYPE (a value of the wrong kind, or out of range) or CD_ESPACE.
 */
int abi_encode(const char *types, const struct abi_value *args, size_t n,
               uint8_t *out, size_t cap, size_t *outlen);
/* The selector of sig followed by its encoded arguments: the data of an eth_call. */
int abi_encode_call(uint8_t *out, size_t cap, size_t *outlen, const char *sig,
                    const struct abi_value *args, size_t n);

/*
 * Word-level decoders for return data, each reading the head word at `index`
 * (word index, not byte offset) of data[0..len). Strict: a uint<bits> with
 * nonzero high bits, an address with nonzero padding, a bool other than 0/1
 * is ABI_EDECODE. bits is 8..256 in steps of 8.
 */
int abi_decode_uint(const uint8_t *data, size_t len, size_t index, unsigned bits, struct u256 *out);
int abi_decode_address(const uint8_t *data, size_t len, size_t index, struct address *out);
int abi_decode_bool(const uint8_t *data, size_t len, size_t index, bool *out);
/*
 * A bytes or string whose head word at `index` holds its offset (from the
 * start of data): *ptr points into data (borrowed, not NUL-terminated), *n is
 * its length. The offset and the length are checked against len.
 */
int abi_decode_bytes(const uint8_t *data, size_t len, size_t index, const uint8_t **ptr, size_t *n);

/*
 * Formats data[0..len) decoded as the parameter list `types` ("(address,uint256)")
 * for display, e.g. "0x5aAe…eAed, 1000000". Numbers are decimal (ints with
 * a sign), addresses EIP-55, bools true/false, bytes 0x-hex, strings quoted
 * and sanitized (text_sanitize), tuples "(a, b)", arrays "[a, b]"; named
 * parameters come out as "to=0x…, amount=1000000".
 * Returns CD_OK; CD_ESPACE when the text was cut (out then ends in "...");
 * ABI_EDECODE when the data does not decode (out then holds
 * "<undecodable: reason>"); CD_EINVAL for bad type text (out gets "").
 * cap must be at least 1 for out to be written.
 */
int abi_format_params(const char *types, const uint8_t *data, size_t len, char *out, size_t cap);
/*
 * The same for call input (or custom error data): data starts with the 4-byte
 * selector, which must be the selector of sig (else ABI_ENOMATCH with
 * "<undecodable: selector mismatch>"); the arguments follow.
 */
int abi_format_args(const char *sig, const uint8_t *data, size_t len, char *out, size_t cap);

/*
 * Revert data as text:
 *   ""                         → "reverted without a reason"
 *   Error(string)              → "Error(string): <message, sanitized>"
 *   Panic(uint256)             → "Panic(0x11): arithmetic overflow or underflow"
 *   any other 4-byte selector  → "0x<selector> (custom error)"; when the selector
 *                                table knows it and its arguments decode,
 *                                "Name(<args>) (custom error 0x<selector>)", else
 *                                "0x<selector> (custom error) Name(types) with undecodable arguments"
 *   fewer than 4 bytes         → "malformed revert data 0x…"
 * Always writes something (cut with "..." when cap is small). Returns CD_OK,
 * CD_ESPACE (cut) or ABI_EDECODE (Error/Panic with malformed payload; the text says so).
 */
int abi_decode_revert(const uint8_t *data, size_t len, char *out, size_t cap);
/* The meaning of a Solidity panic code ("division or modulo by zero"); NULL when unknown. */
const char *abi_panic_reason(uint64_t code);

/*
 * Token events in a log. The event's contract is log->address.
 *   ERC20_TRANSFER     Transfer(address indexed from, address indexed to, uint256 value)
 *   ERC20_APPROVAL     Approval(address indexed owner, address indexed spender, uint256 value)
 *                      (from = owner, to = spender, amount = value)
 *   ERC721_TRANSFER    Transfer with tokenId indexed too (4 topics, no data)
 *   ERC721_APPROVAL    Approval with tokenId indexed (from = owner, to = approved)
 *   APPROVAL_FOR_ALL   ApprovalForAll(address indexed owner, address indexed operator, bool approved)
 *                      (ERC-721 and ERC-1155; from = owner, to = operator)
 *   ERC1155_TRANSFER_SINGLE  TransferSingle(address indexed operator, address indexed from,
 *                      address indexed to, uint256 id, uint256 value)
 *   WETH_DEPOSIT       Deposit(address indexed dst, uint256 wad) (to = dst)
 *   WETH_WITHDRAWAL    Withdrawal(address indexed src, uint256 wad) (from = src)
 */
enum abi_token_kind {
	ABI_TOKEN_NONE = 0,
	ABI_TOKEN_ERC20_TRANSFER,
	ABI_TOKEN_ERC20_APPROVAL,
	ABI_TOKEN_ERC721_TRANSFER,
	ABI_TOKEN_ERC721_APPROVAL,
	ABI_TOKEN_APPROVAL_FOR_ALL,
	ABI_TOKEN_ERC1155_TRANSFER_SINGLE,
	ABI_TOKEN_WETH_DEPOSIT,
	ABI_TOKEN_WETH_WITHDRAWAL
};

struct abi_token_event {
	enum abi_token_kind kind;
	struct address token;     /* the emitting contract */
	struct address from;      /* from / owner */
	struct address to;        /* to / spender / approved / operator (ApprovalForAll) */
	struct address operator;  /* ERC-1155 TransferSingle only */
	struct u256 amount;       /* ERC-20 value, ERC-1155 value, WETH wad */
	struct u256 token_id;     /* ERC-721 tokenId, ERC-1155 id */
	bool approved;            /* ApprovalForAll */
};

/* A short name for a kind ("ERC-20 Transfer"). Never NULL. */
const char *abi_token_kind_name(enum abi_token_kind kind);

/*
 * Decodes a token event. Returns CD_OK with *out filled; ABI_ENOMATCH when topic 0
 * is not one of the events above or the topic/data shape matches none of them
 * (a Transfer with 2 topics, say); ABI_EDECODE when the shape matches but a
 * value is malformed (an address topic with dirty padding). *out is zeroed
 * unless CD_OK.
 */
int abi_decode_token_log(const struct eth_log *log, struct abi_token_event *out);

#endif
