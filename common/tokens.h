/* SPDX-License-Identifier: MIT */
/*
 * tokens — an asynchronous cache of ERC-20 metadata (symbol, decimals, name)
 * per contract address, on one rpc client.
 *
 * tokens_get() answers from the cache at once; for an address it has not
 * seen it sends one JSON-RPC batch of eth_call symbol(), decimals() and
 * name() and answers "requested". When the answer arrives the entry is
 * filled and changed(ud) runs (on the loop thread, never from inside
 * tokens_get), so a pane can mark itself dirty and read the cache again on
 * its next draw.
 *
 * symbol() may return a string or, on old tokens (MKR), a bytes32: both are
 * read. A contract that answers none of the three usably is cached as "not a
 * token" and asked again after a while; a node that could not be reached is
 * asked again sooner. Text from the contract is sanitized (text_sanitize)
 * before it is stored. The cache holds a bounded number of entries and drops
 * the least recently used one that is not waiting for an answer.
 *
 * No curses; includes only common/.
 */
#ifndef CHAINDECK_TOKENS_H
#define CHAINDECK_TOKENS_H

#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/address.h"
#include "common/rpc.h"
#include "common/u256.h"

struct tokens;

/* What tokens_get returns (and meta->state holds). */
enum token_state {
	TOKENS_KNOWN = 0,      /* meta filled: at least a symbol or decimals */
	TOKENS_PENDING = 1,    /* a request was already in flight */
	TOKENS_REQUESTED = 2,  /* not seen before (or due for a retry): a request was just sent */
	TOKENS_NOT_TOKEN = 3,  /* the contract answered, but not as a token; asked again later */
	TOKENS_FAILED = 4,     /* the node could not be asked; asked again soon */
	TOKENS_BUSY = 5        /* every slot of the cache waits for an answer: nothing could be
	                        * dropped to make room; ask again once answers have come */
	/* or a shared code of common/error.h: CD_ENOMEM, CD_EINVAL, CD_ESPACE
	 * (tokens_format_amount: buffer too small; the text is cut) */
};

enum {
	TOKENS_SYMBOL_MAX = 32,   /* bytes, NUL included; longer symbols are cut with "..." */
	TOKENS_NAME_MAX = 64,
	TOKENS_DEFAULT_CAPACITY = 512,
	TOKENS_DEFAULT_NOT_TOKEN_RETRY_MS = 10 * 60 * 1000,
	TOKENS_DEFAULT_FAILURE_RETRY_MS = 15 * 1000
};

/* A copy of one entry; the caller owns it. Fields without their has_ flag are zero/empty. */
struct token_meta {
	enum token_state state;
	bool has_symbol;
	bool has_decimals;
	bool has_name;
	uint8_t decimals;
	char symbol[TOKENS_SYMBOL_MAX];  /* sanitized UTF-8, NUL-terminated */
	char name[TOKENS_NAME_MAX];      /* sanitized UTF-8, NUL-terminated */
};

/*
 * A cache on rpc (borrowed: it must outlive the cache; NULL gives a cache
 * whose every lookup is TOKENS_FAILED). changed may be NULL.
 * Returns NULL when out of memory.
 */
struct tokens *tokens_new(struct rpc_client *rpc, void (*changed)(void *ud), void *ud);
/* Cancels outstanding requests (changed is not called) and frees. NULL is fine. */
void tokens_free(struct tokens *t);

/* Retry delays in milliseconds; 0 leaves a delay as it is. */
void tokens_set_retry(struct tokens *t, uint64_t not_token_ms, uint64_t failure_ms);

/*
 * Metadata of the contract at addr (20 bytes). Fills *out (always: state is
 * the return value when it is not negative) and returns a token_state, or
 * CD_ENOMEM / CD_EINVAL. A full cache is TOKENS_BUSY (not an error: nothing
 * is lost, the address is simply not asked about yet). Never blocks and never calls changed().
 */
int tokens_get(struct tokens *t, const uint8_t addr[ADDRESS_SIZE], struct token_meta *out);

/*
 * An amount for display, exact: "1,234.5 USDC" with the token's decimals and
 * symbol; without a symbol just "1,234.5"; when the decimals are unknown
 * (meta NULL, pending, not a token) the raw integer: "1234500 units".
 * Writes a NUL-terminated string; returns its length, or CD_ESPACE when it
 * had to be cut (it then ends in "...").
 */
int tokens_format_amount(const struct token_meta *meta, struct u256 amount, char *buf, size_t cap);

/*
 * The same in at most width columns (ASCII): when the whole text is wider,
 * fraction digits are dropped and "..." marks where, while the integer part
 * and the symbol always stay whole (a symbol is never cut). When even that
 * does not fit, the whole text is written. The length written, or
 * CD_ESPACE when cap is too small.
 */
int tokens_format_amount_fit(const struct token_meta *meta, struct u256 amount, size_t width, char *buf, size_t cap);

/*
 * The eth_call parameters for token.balanceOf(owner) at "latest" (caller owns
 * them; NULL on no memory), and the answer read back: false when it is not a
 * 32-byte word.
 */
cJSON *tokens_balance_params(const uint8_t token[ADDRESS_SIZE], const uint8_t owner[ADDRESS_SIZE]);
bool tokens_balance_decode(const cJSON *result, struct u256 *out);

/*
 * The eth_call parameters of a call without arguments ("decimals()",
 * "symbol()") to token at "latest" (NULL on no memory), and the answers read
 * back exactly as the cache reads them: decimals a 32-byte word up to 255,
 * symbol an ABI string or a NUL-padded bytes32, sanitized. false when the
 * answer is not that.
 */
cJSON *tokens_call_params(const uint8_t token[ADDRESS_SIZE], const char *signature);
bool tokens_decimals_decode(const cJSON *result, uint8_t *out);
bool tokens_symbol_decode(const cJSON *result, char *out, size_t cap);

#endif
