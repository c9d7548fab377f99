/*
 * explorer — the block explorer's model. No curses: the pane formats it.
 *
 * It follows the chain head of one node — by eth_subscribe("newHeads") over
 * IPC, else eth_newBlockFilter + eth_getFilterChanges, else polling — and
 * keeps the recent blocks, marking those a reorg replaced. It holds one
 * document at a time (a block, a transaction or an address), fetched on
 * demand and kept live: confirmations grow, a pending transaction is looked
 * for again at every new head, a document on a replaced block is reloaded.
 */
#ifndef CHAINDECK_EXPLORER_H
#define CHAINDECK_EXPLORER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/eth.h"
#include "common/loop.h"
#include "common/u256.h"
#include "common/history.h"
#include "common/tokens.h"
#include "common/safeview.h"

enum explorer_follow {
	FOLLOW_STARTING = 0,
	FOLLOW_SUBSCRIPTION,  /* eth_subscribe newHeads (IPC) */
	FOLLOW_FILTER,        /* eth_newBlockFilter + eth_getFilterChanges */
	FOLLOW_POLL,          /* eth_blockNumber every refresh */
};

struct explorer_block_row {
	uint64_t number;
	uint8_t hash[32];
	uint8_t parent[32];
	uint64_t timestamp;
	size_t tx_count;
	uint64_t gas_used, gas_limit;
	bool has_base_fee;
	struct u256 base_fee;
	bool has_miner;
	uint8_t miner[20];
	bool replaced;        /* a reorg took it off the chain */
};

enum explorer_doc_kind {
	DOC_NONE,
	DOC_BLOCK,            /* by number or by hash */
	DOC_TX,
	DOC_ADDRESS,
	DOC_HASH,             /* a 32-byte hash: a transaction if there is one, else a block */
};

/* What to show: the result of a search or of following a link. */
struct explorer_target {
	enum explorer_doc_kind kind;
	bool by_hash;         /* DOC_BLOCK: hash rather than number */
	uint64_t number;
	uint8_t hash[32];
	uint8_t address[20];
};

enum explorer_doc_state {
	DOC_LOADING,
	DOC_READY,
	DOC_NOT_FOUND,
	DOC_ERROR,
};

struct explorer_token_balance {
	uint8_t token[20];
	bool known;           /* balance below is valid */
	struct u256 balance;
	bool erc721;          /* answers ERC-165 supportsInterface(0x80ac58cd): balance counts tokens */
};

#define EXPLORER_MAX_TOKENS 32

struct explorer_doc {
	struct explorer_target target;    /* DOC_HASH resolves to DOC_TX or DOC_BLOCK */
	enum explorer_doc_state state;
	char message[200];                /* error or not-found text, displayable */
	bool hash_search;                 /* a searched hash that was not a transaction, looked up as a block */
	bool reorged;                     /* reloaded because a reorg replaced the block it was on */
	uint64_t reorged_block;           /* ... that block's height */

	/* DOC_BLOCK: the block with full transactions; receipts where the node has eth_getBlockReceipts. */
	struct eth_block block;
	struct eth_receipt *receipts;     /* block.tx_count entries, or NULL */

	/* DOC_TX */
	struct eth_tx tx;
	bool has_receipt;                 /* false while pending */
	struct eth_receipt receipt;
	bool has_block_time;
	uint64_t block_time;
	enum { REVERT_NONE, REVERT_LOADING, REVERT_READY } revert_state;
	char revert[384];                 /* decoded revert reason, sanitized */

	/* DOC_ADDRESS */
	bool has_balance, has_nonce, has_code;
	struct u256 balance;
	uint64_t nonce;
	size_t code_size;
	struct history_entry *history;    /* newest first */
	size_t nhistory;
	bool history_running, history_more, history_failed;
	enum history_method history_method;
	uint64_t history_done, history_total;
	char history_message[160];
	struct explorer_token_balance tokens[EXPLORER_MAX_TOKENS];
	size_t ntokens;
	/* a contract that answers VERSION(), getOwners(), getThreshold() and nonce() like a Safe */
	bool is_safe;
	char safe_version[40];
	struct address safe_owners[SAFEVIEW_OWNERS_MAX];
	size_t safe_nowners;
	struct u256 safe_threshold, safe_nonce;
};

struct explorer;

/*
 * Follows the node `node` (its own rpc client, with parallel connections) at
 * cfg->refresh_ms. changed(ud) runs on the loop thread when anything a pane
 * shows changed. NULL with a message on a bad node URL.
 */
struct explorer *explorer_new(struct loop *loop, const struct config *cfg, const struct config_node *node,
                              void (*changed)(void *ud), void *ud, char *err, size_t errlen);
void explorer_free(struct explorer *e);

enum explorer_follow explorer_follow_mode(const struct explorer *e);
/* The head, once known. */
bool explorer_head(const struct explorer *e, uint64_t *number);
/* Recent blocks, newest first (a replaced block follows the one that replaced it). */
size_t explorer_block_count(const struct explorer *e);
const struct explorer_block_row *explorer_block(const struct explorer *e, size_t i);
/* How many reorgs were seen, and the last error from following (or ""). */
uint64_t explorer_reorgs(const struct explorer *e);
const char *explorer_follow_error(const struct explorer *e);

/*
 * Classifies a search: a block number (decimal, or 0x-hex up to 16 digits),
 * a 32-byte hash (transaction or block), or an address. An address whose
 * mixed case does not match its EIP-55 checksum is refused ("wrong EIP-55
 * checksum"), never silently accepted. 0, or -1 with a message.
 */
int explorer_parse_query(const char *text, struct explorer_target *out, char *err, size_t errlen);

/* Shows t (replacing the current document) and starts fetching it. */
void explorer_open(struct explorer *e, const struct explorer_target *t);
const struct explorer_doc *explorer_doc(const struct explorer *e);
/* DOC_ADDRESS: fetches the next page of history; cancels a running scan. */
void explorer_history_more(struct explorer *e);
void explorer_history_cancel(struct explorer *e);
/* Token metadata for formatting amounts (symbol, decimals). */
struct tokens *explorer_tokens(struct explorer *e);

#endif
