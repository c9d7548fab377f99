/* SPDX-License-Identifier: MIT */
/*
 * history — an address's transactions and token transfers, newest first,
 * from the node alone (no indexer), a page at a time.
 *
 * Methods, fastest first; in HISTORY_AUTO each is probed once per node and
 * the answer kept in the caller's struct history_caps:
 *   ots    ots_searchTransactionsBefore (Otterscan API: Erigon, anvil, reth)
 *   trace  trace_filter with fromAddress / toAddress over growing block windows
 *   scan   a bounded backward scan of full blocks (blockfetch: batches over
 *          parallel connections), at most scan_limit blocks per page
 * Every method adds the ERC-20/721 Transfer logs naming the address (eth_getLogs
 * with the address as topic 1 or 2) over the same blocks, and fills in what its
 * source lacks (receipt status, block timestamp), so the methods give the same
 * entries for the same address. One difference is inherent: ots and trace
 * also find transactions that touch the address only inside the call
 * (HISTORY_TX_INTERNAL); the scan sees a transaction's top-level from and to.
 *
 * Paging. A page covers whole blocks: every matching entry of every block in
 * it. The next page is asked with before_block = the page's next_before.
 * page_size is a target: a page stops at the first block boundary at or after
 * page_size entries (a single block with more entries comes whole). A scan
 * page may hold fewer (even none) with more = true: scan_limit blocks were
 * scanned and older blocks remain.
 *
 * Order: block descending, then transaction index descending; within one
 * transaction its own entry comes first, then its token transfers by log index.
 * A successful transaction that moved no ETH but has token entries (a token
 * transfer() call) is given by its token entries alone: no "0 ETH" entry.
 *
 * Everything runs on the loop thread; history_start returns at once. Node data
 * that does not decode or does not add up ends the page with CD_EPROTO and
 * a message naming what was wrong.
 */
#ifndef CHAINDECK_HISTORY_H
#define CHAINDECK_HISTORY_H

#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/eth.h"
#include "common/rpc.h"
#include "common/u256.h"

struct history;

enum history_method {
	HISTORY_AUTO = 0, /* the fastest method the node offers */
	HISTORY_OTS,
	HISTORY_TRACE,
	HISTORY_SCAN
};

enum history_status {
	HISTORY_OK = 0,
	HISTORY_ERPC = -601 /* transport failure or an error answer from the node */
	/* and the shared CD_EPROTO (the node's answer is malformed or inconsistent),
	 * CD_EUNSUPPORTED (the forced method is not offered by the node) */
};

enum history_kind {
	HISTORY_TX_OUT = 0,  /* sent by the address (from == address), contract creations included */
	HISTORY_TX_IN,       /* sent to the address (to == address, from != address) */
	HISTORY_TX_INTERNAL, /* touches the address only inside the call (ots, trace) */
	HISTORY_TOKEN_OUT,   /* a Transfer log with the address as sender */
	HISTORY_TOKEN_IN     /* a Transfer log with the address as recipient (and not as sender) */
};

/* What a node offers, learnt by probing. One per node, zeroed by its owner
 * before first use; the caller owns it and keeps it alive while a history
 * started with it runs. */
enum history_support {
	HISTORY_SUPPORT_UNKNOWN = 0,
	HISTORY_SUPPORT_YES,
	HISTORY_SUPPORT_NO
};
struct history_caps {
	enum history_support ots;
	enum history_support trace;
};

/*
 * One entry. Transaction entries (HISTORY_TX_*): from/to/value are the
 * transaction's, selector its input's first 4 bytes. Token entries: token is
 * the contract that logged the Transfer, from/to/value the Transfer's sender,
 * recipient and amount (base units; for ERC-721 the token id), log_index the
 * log's position in the block; selector is not set.
 */
struct history_entry {
	enum history_kind kind;
	uint8_t tx_hash[ETH_HASH_LEN];
	uint64_t block_number;
	uint64_t tx_index;
	uint64_t log_index;        /* token entries */
	uint64_t timestamp;        /* block time in seconds; 0 when unknown */
	uint8_t from[ETH_ADDR_LEN];
	bool has_to;               /* false for a contract creation */
	uint8_t to[ETH_ADDR_LEN];
	struct u256 value;         /* wei, or the token amount */
	bool has_selector;
	uint8_t selector[4];
	uint8_t token[ETH_ADDR_LEN];
	bool nft;                  /* token entries: an ERC-721 Transfer (token id indexed): value is the token id */
	bool has_status;
	uint8_t status;            /* receipt status: 1 success, 0 reverted */
};

/* How a page ended; valid during on_done only. */
struct history_result {
	int status;                  /* enum history_status */
	enum history_method method;  /* the method that served the page (or failed) */
	bool more;                   /* older history may exist: ask with before_block = next_before */
	uint64_t next_before;
	uint64_t head;               /* the head block the page was computed against */
	const char *message;         /* "" on success; else displayable words (node text sanitized) */
};

struct history_opts {
	uint8_t address[ETH_ADDR_LEN];
	uint64_t before_block;        /* entries in blocks < before_block; 0 = up to the head */
	size_t page_size;             /* target entries per page; 0 = 25, at most 1000 */
	uint64_t scan_limit;          /* blocks a scan page covers; 0 = 10000 */
	enum history_method method;
	struct history_caps *caps;    /* optional: probe results kept across pages */
	/* The page's entries, at most once per page, sorted; borrowed for the call. */
	void (*on_entries)(void *ud, const struct history_entry *e, size_t n);
	/* Optional: work done out of total (scan: blocks; trace: blocks searched). */
	void (*on_progress)(void *ud, enum history_method m, uint64_t done, uint64_t total);
	/* The end of the page, exactly once unless cancelled or freed first. */
	void (*on_done)(void *ud, const struct history_result *r);
	void *ud;
};

/*
 * Starts fetching one page. NULL on bad options (no on_done, an unknown
 * method) or no memory; then no callback runs. Callbacks never run inside
 * history_start. c (and caps, when given) must outlive the handle.
 */
struct history *history_start(struct rpc_client *c, const struct history_opts *o);
/*
 * Stops and frees: no callback runs after this returns. Safe from inside any
 * of this history's callbacks, on a finished history, and on NULL.
 */
void history_cancel(struct history *h);
/* Frees a history whose on_done has run (from on_done or later); the same as history_cancel. */
void history_free(struct history *h);

/*
 * Rewards: what blocks paid the address outside any transaction to it, found
 * from the blocks themselves (blockfetch over a range, no indexer):
 *   - as the block's fee recipient (miner / coinbase): the priority fees,
 *     sum over its transactions of (effective gas price - base fee) x gas used,
 *     from the block's receipts (eth_getBlockReceipts; before London, when
 *     there is no base fee, the whole gas price); and on proof of work the
 *     block's issuance (the mainnet schedule, with 1/32 of it per uncle
 *     included; another PoW chain's is not known: block_reward_known false).
 *     Rewards paid to the miners of uncles are not counted.
 *   - EIP-4895 withdrawals to the address (proof of stake), gwei x 10^9.
 * One entry per block that paid anything (or named the address as fee
 * recipient), newest first. Asynchronous on the loop thread like history.
 */
struct history_reward {
	uint64_t block_number;
	uint64_t timestamp;
	bool fee_recipient;          /* the block's fee recipient is the address */
	struct u256 tips;            /* priority fees, wei */
	bool block_reward_known;     /* false: a proof-of-work block of a chain whose schedule is unknown */
	struct u256 block_reward;    /* proof-of-work issuance for the block (and its uncles), wei */
	struct u256 withdrawals;     /* withdrawals to the address, wei */
	struct u256 total;           /* tips + block_reward + withdrawals */
};

struct history_rewards_opts {
	uint8_t address[ETH_ADDR_LEN];
	uint64_t from, to;           /* the blocks searched, inclusive; from <= to */
	uint64_t chain_id;           /* picks the proof-of-work schedule; 0 when unknown */
	/*
	 * The end, exactly once unless cancelled first: status HISTORY_OK with the
	 * entries (borrowed for the call), else an error and a displayable message.
	 */
	void (*on_done)(void *ud, int status, const char *message, const struct history_reward *r, size_t n);
	void *ud;
};

struct history_rewards;
/* Starts the search; NULL on bad options or no memory (then no callback runs). */
struct history_rewards *history_rewards_start(struct rpc_client *c, const struct history_rewards_opts *o);
/* Stops and frees; no callback runs after it. Safe on NULL and from inside on_done. */
void history_rewards_cancel(struct history_rewards *r);
/* The proof-of-work issuance of Ethereum mainnet's block `number` with `uncles` uncles (0 after the merge). */
struct u256 history_pow_reward(uint64_t number, size_t uncles);

/* "ots", "trace", "scan", "auto". */
const char *history_method_name(enum history_method m);

#endif
