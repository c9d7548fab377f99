/*
 * wallet — the wallet pane's model: the vault's accounts with their balances
 * and history, unlocking (on a worker thread: Argon2id takes about a second),
 * locking after an idle period, and sending: prepare a transaction (nonce,
 * fees from eth_feeHistory, gas estimate, a pre-send check with the revert
 * reason), sign exactly what was prepared, broadcast, and track it to N
 * confirmations, with speed-up and cancel by replacement. No curses.
 *
 * The vault's public part (addresses, labels) is readable while locked: the
 * wallet shows balances and history read-only until it is unlocked. Those
 * addresses are unverified until the unlock authenticates the file and
 * re-derives them from the keys: receiving needs an unlocked wallet.
 */
#ifndef CHAINDECK_WALLET_H
#define CHAINDECK_WALLET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/loop.h"
#include "common/u256.h"
#include "common/history.h"
#include "common/tokens.h"
#include "wallet/fees.h"
#include "wallet/vault.h"

enum wallet_state {
	WALLET_NO_VAULT,   /* nothing at the vault path: create one with `chaindeck wallet new` or restore */
	WALLET_BROKEN,     /* the file is there but cannot be read (message says why) */
	WALLET_LOCKED,
	WALLET_UNLOCKING,  /* Argon2id running on the worker */
	WALLET_UNLOCKED,
};

struct wallet_account {
	struct vault_account acct;
	bool has_balance;
	struct u256 balance;
	bool has_nonce;
	uint64_t nonce;          /* pending transaction count */
};

/* A transaction this wallet sent, followed until it has enough confirmations. */
enum wallet_tx_state {
	TX_PENDING,
	TX_INCLUDED,             /* in a block, fewer than the wanted confirmations */
	TX_CONFIRMED,
	TX_FAILED,               /* included with status 0 */
	TX_REPLACED,             /* another transaction with the same nonce was included */
};

struct wallet_sent {
	uint8_t hash[32];
	uint8_t from[20];
	uint8_t to[20];
	bool has_to;
	struct u256 value;
	bool token;              /* a call of transfer(token_to, token_amount) on the token contract `to` */
	uint8_t token_to[20];
	struct u256 token_amount;
	uint64_t nonce;
	uint64_t chain_id;
	uint64_t gas;
	bool eip1559;
	struct u256 max_fee, tip, gas_price;
	enum wallet_tx_state state;
	uint64_t block;          /* when included */
	uint64_t confirmations;
	uint64_t sent_at_block;  /* the head when it was sent */
	bool stuck;              /* pending for long, or its max fee is below the base fee */
	char note[80];           /* "speed-up of 0x…", "cancel of 0x…" */
};

struct wallet;

/*
 * Opens the vault at vault_path (absent is fine: WALLET_NO_VAULT) and follows
 * `node` for balances. changed(ud) runs on the loop thread when anything the
 * pane shows changed. NULL with a message on a bad node URL.
 */
struct wallet *wallet_new(struct loop *loop, const struct config *cfg, const struct config_node *node,
                          const char *vault_path, void (*changed)(void *ud), void *ud, char *err, size_t errlen);
void wallet_free(struct wallet *w);
/*
 * Follows another node: what belonged to the old one (chain id, balances,
 * nonces, history, rewards, token balances, a draft being prepared) is
 * dropped and read again from `node`; the vault and its state (unlocked
 * stays unlocked), labels and the sent transactions stay (each is followed
 * on its own chain: wallet_sent's chain_id). 0; -1 with a message in err,
 * the wallet staying on its node, when a transaction is being sent (its
 * answer must reach the node it went to) or the URL is bad.
 */
int wallet_follow_node(struct wallet *w, const struct config *cfg, const struct config_node *node, char *err,
                       size_t errlen);
/* The name of the node the wallet follows. */
const char *wallet_node_name(const struct wallet *w);

enum wallet_state wallet_state(const struct wallet *w);
/* The last thing worth telling the user ("wrong password", "locked after 5 min idle"); "" if none. */
const char *wallet_message(const struct wallet *w);
const char *wallet_vault_path(const struct wallet *w);
bool wallet_chain_id(const struct wallet *w, uint64_t *id);
/*
 * Whether a URL is plain HTTP to a host other than loopback (localhost,
 * 127.0.0.0/8, [::1]) — the host taken exactly, so "localhost.evil.example"
 * counts as remote. HTTPS and IPC are never insecure.
 */
bool wallet_url_insecure(const char *url);
/* Whether the node is reached over plain HTTP on a non-loopback address (warn before signing). */
bool wallet_node_insecure(const struct wallet *w);

/* Starts unlocking with password (copied into guarded memory at once; the caller wipes its copy). */
void wallet_unlock(struct wallet *w, const char *password);
/* Locks, and reads the vault file again: the accounts shown are the file's, never an unsaved change. */
void wallet_lock(struct wallet *w);
/* The user did something: postpones the idle lock. */
void wallet_touch(struct wallet *w);

/*
 * Whether the balances shown are stale: they were known once, and the last
 * poll got no answer or the newest answer is older than two refresh periods
 * (the dashboard's rule). age_ms: how old the newest answer is.
 */
bool wallet_balances_stale(const struct wallet *w, uint64_t *age_ms);
size_t wallet_account_count(const struct wallet *w);
const struct wallet_account *wallet_account(const struct wallet *w, size_t i);
/*
 * Adds the next HD account / sets account i's label (unlocked only), then
 * writes the vault durably on a worker thread. The account list shows the
 * change once it is on disk; the message says "... saving...", then "... and
 * saved" only after the write (fsync included) succeeded, or "NOT saved,
 * undone (...): why" after a failure, when the change is dropped again so
 * the screen shows what the file holds. One save at a time: a change while
 * one is in flight is refused with a message. 0 when the save started, -1
 * with the message set.
 */
int wallet_derive(struct wallet *w);
int wallet_set_label(struct wallet *w, size_t i, const char *label);
/* Whether a vault write is in flight. */
bool wallet_saving(const struct wallet *w);

/* The account whose history is shown; starts (or restarts) fetching it. */
void wallet_select(struct wallet *w, size_t i);
size_t wallet_history_count(const struct wallet *w);
const struct history_entry *wallet_history(const struct wallet *w, size_t i);
bool wallet_history_busy(const struct wallet *w);
/*
 * Rewards of the selected account (common/history.h: fee recipient tips,
 * proof-of-work issuance, withdrawals), newest first, over the newest
 * WALLET_REWARD_BLOCKS blocks of the range its history page covers. The
 * range is valid once wallet_rewards_range is true; busy while searching.
 */
#define WALLET_REWARD_BLOCKS 2048
size_t wallet_reward_count(const struct wallet *w);
const struct history_reward *wallet_reward(const struct wallet *w, size_t i);
bool wallet_rewards_range(const struct wallet *w, uint64_t *from, uint64_t *to, struct u256 *total);
bool wallet_rewards_busy(const struct wallet *w);
struct tokens *wallet_tokens(struct wallet *w);

/*
 * Token balances of the selected account: every token seen in its history
 * plus those in the token list (wallet/tokenlist.h, saved beside the vault)
 * for the node's chain. known is false until the token answered balanceOf.
 */
#define WALLET_MAX_TOKENS 32
size_t wallet_token_count(const struct wallet *w);
bool wallet_token(const struct wallet *w, size_t i, uint8_t addr[20], struct u256 *balance);
/*
 * Starts checking that addr answers decimals(), symbol() and balanceOf() like
 * an ERC-20 token. The verdict comes as the wallet's message: a token is
 * watched for every account and its decimals and symbol are remembered for
 * the chain in the token list ("saved" once the file is on disk); anything
 * else is refused and says which call did not answer. 0 when the check
 * started, -1 (message set) when it could not.
 */
int wallet_add_token(struct wallet *w, const uint8_t addr[20]);
/*
 * What to show for a token: the decimals and symbol remembered in the token
 * list for the node's chain when there are some (what amounts are signed
 * with), else the node's answer from the cache (tokens_get). The state of *out.
 */
int wallet_token_meta(struct wallet *w, const uint8_t addr[20], struct token_meta *out);

/*
 * The EIP-681 link for receiving on account i, made from the address its key
 * gives (vault_verified_address), never from the file's bytes alone. Returns
 * its length, or WALLET_LINK_NO_CHAIN before the chain id is known,
 * WALLET_LINK_UNVERIFIED while locked (the file's address is unverified: a
 * receive screen asks to unlock), WALLET_LINK_TAMPERED when the file's address
 * is not its key's.
 */
enum { WALLET_LINK_NO_CHAIN = -1, WALLET_LINK_UNVERIFIED = -2, WALLET_LINK_TAMPERED = -3 };
int wallet_receive_link(const struct wallet *w, size_t i, char *out, size_t cap);
/* The vault's mnemonic backup was never checked (vault_backup_pending): the pane reminds. */
bool wallet_backup_pending(const struct wallet *w);
/* The last unlock failed because the vault file does not authenticate (modified or damaged). */
bool wallet_tampered(const struct wallet *w);

size_t wallet_sent_count(const struct wallet *w);
const struct wallet_sent *wallet_sent(const struct wallet *w, size_t i);

/* ---- sending ---- */

/* What the user filled in on the send form. */
struct wallet_send_form {
	size_t from;                 /* account index */
	uint8_t to[20];              /* recipient */
	bool token;                  /* an ERC-20 transfer rather than ETH */
	uint8_t token_addr[20];
	char amount[80];             /* "1.5", "0.000001", or "max" */
	enum fee_level level;
	bool custom_fees;            /* use max_fee / tip (EIP-1559) or gas_price (legacy) below */
	struct u256 max_fee, tip, gas_price;
	bool custom_nonce;
	char nonce_text[32];         /* as typed: wallet_prepare reads it strictly (decimal digits only) */
	/*
	 * A contract call rather than a payment (not with token): `to` gets this
	 * call data with `amount` ETH. wallet_prepare copies it into the draft;
	 * the caller keeps its buffer.
	 */
	const uint8_t *data;
	size_t data_len;
};

enum wallet_draft_state {
	DRAFT_NONE,
	DRAFT_PREPARING,             /* asking the node: nonce, fees, gas, pre-send check */
	DRAFT_READY,                 /* everything on the confirmation screen is known */
	DRAFT_ERROR,                 /* message says what is wrong; nothing was signed */
	DRAFT_SENDING,               /* checking the chain id, signing, broadcasting */
	DRAFT_SENT,
};

/* A transaction ready for the confirmation screen: exactly what will be signed. */
struct wallet_draft {
	enum wallet_draft_state state;
	char message[240];           /* error, or the pre-send check's verdict */
	bool precheck_ok;            /* eth_call + eth_estimateGas found no revert */
	size_t from;
	uint8_t from_addr[20];
	uint8_t recipient[20];       /* who gets the value or the tokens */
	bool token;
	uint8_t token_addr[20];
	struct u256 token_amount;    /* base units */
	uint8_t token_decimals;      /* remembered for the token on this chain (token list): the amount was read with them */
	char token_symbol[TOKENS_SYMBOL_MAX];
	uint64_t chain_id;
	uint64_t nonce;
	uint64_t gas;
	bool eip1559;
	struct u256 max_fee, tip, gas_price;
	struct fee_suggestion levels;
	enum fee_level level;        /* the level the fees come from, unless custom_fees */
	bool custom_fees;
	struct u256 value;           /* wei sent with the transaction */
	uint8_t *data;               /* owned; call data (token transfer), NULL when none */
	size_t data_len;
	/*
	 * The call data decoded for the confirmation, "" when there is none:
	 * "transfer(address,uint256): 0x…, 2500000000000000000", a method from
	 * the selector table with its arguments, or the bare selector. An ERC-20
	 * transfer also sets token, token_addr (the transaction's to), recipient
	 * and token_amount from the data itself.
	 */
	char call[240];
	struct u256 max_total;       /* gas × max fee (or gas price) + value: the most it can cost */
	struct u256 balance;
	bool replaces;               /* a speed-up or cancel of sent[replaced] */
	size_t replaced;
	struct u256 old_max_fee, old_tip, old_gas_price; /* replaces: the fees of the pending transaction */
	uint8_t sent_hash[32];       /* DRAFT_SENT */
};

/*
 * Starts preparing a draft from the form (replacing any draft). While a
 * draft is DRAFT_SENDING, this, wallet_prepare_replacement and
 * wallet_draft_clear leave it alone (the message says so): a transaction on
 * its way is always tracked.
 */
void wallet_prepare(struct wallet *w, const struct wallet_send_form *f);
/*
 * A draft that replaces sent transaction i: same nonce, same call (cancel:
 * 0 ETH to oneself, no data), and fees from the node's fee history at
 * fees->level, each raised to at least the +10 % a node requires of a
 * replacement. With fees->custom_fees the given fees, refused when below
 * that minimum. fees NULL: the normal level. Only the fee fields of fees are read.
 */
void wallet_prepare_replacement(struct wallet *w, size_t i, bool cancel, const struct wallet_send_form *fees);
const struct wallet_draft *wallet_draft(const struct wallet *w);
/*
 * Signs exactly the READY draft and broadcasts it — after checking that the
 * node is still on the draft's chain id. Needs an unlocked wallet.
 */
void wallet_send(struct wallet *w);
/*
 * A draft from a hardware (Ledger) account is signed on the device, on a
 * worker thread: the draft stays DRAFT_SENDING and this is true while the
 * device is asked (the user confirms there). wallet_device_cancel stops
 * waiting: the draft fails with "cancelled" and nothing is sent. The device's
 * refusal, a timeout, or a signature from another account fail it plainly.
 * CHAINDECK_LEDGER_REPLAY (wallet/ledger.h) replaces the device.
 */
bool wallet_draft_on_device(const struct wallet *w);
void wallet_device_cancel(struct wallet *w);
/*
 * Asks the Ledger to show hardware account i's address (on the network of
 * the node's chain id) for the user to compare and approve, on a worker; the
 * outcome goes to wallet_device_note: approved and the same address, refused,
 * another address (then do not use it), or why the device could not be asked.
 * wallet_device_busy while it waits; wallet_device_cancel stops waiting.
 */
void wallet_device_show(struct wallet *w, size_t i);
bool wallet_device_busy(const struct wallet *w);
/* The outcome for account i ("" when the last one was about another account, or none). */
const char *wallet_device_note(const struct wallet *w, size_t i);
void wallet_draft_clear(struct wallet *w);
/* Confirmations a sent transaction needs to count as confirmed. */
void wallet_set_confirmations(struct wallet *w, uint64_t n);

/*
 * A typed-data (EIP-712) request to sign with an account of the vault
 * (wallet/wallet_typed.c). wallet_typed_open starts reading the JSON file (an
 * eth_signTypedData_v4 request) on a worker thread for account `account` and
 * returns at once (NULL: no memory, no such account); the wallet's changed
 * callback runs when it was read: READY with the decoded request
 * (wallet_typed_doc), or ERROR with the message. wallet_typed_sign signs the
 * digest of exactly that decoded request (READY, unlocked): 0 and SIGNED with
 * the signature (r || s || v as 0x-hex, v 27/28 as eth_signTypedData_v4 and
 * cast give it), or -1 with the message. For a hardware (Ledger) account it
 * returns 0 in DEVICE: the device is asked on a worker (hashed mode: domain
 * separator and struct hash), the message says to confirm there, and the
 * changed callback runs when it answered: SIGNED (the signature verified as
 * the account's), or READY again with why not (refused, timeout, cancelled,
 * another signer). wallet_typed_cancel stops waiting (true when it was
 * waiting). Free with wallet_typed_free (safe while a read or the device is
 * in flight, and before the wallet is freed).
 */
enum wallet_typed_state { TYPED_READING, TYPED_READY, TYPED_ERROR, TYPED_DEVICE, TYPED_SIGNED };
struct wallet_typed;
struct eip712;
struct wallet_typed *wallet_typed_open(struct wallet *w, size_t account, const char *path);
void wallet_typed_free(struct wallet_typed *t);
enum wallet_typed_state wallet_typed_state(const struct wallet_typed *t);
const char *wallet_typed_message(const struct wallet_typed *t);
const struct eip712 *wallet_typed_doc(const struct wallet_typed *t);  /* READY, DEVICE or SIGNED; else NULL */
const uint8_t *wallet_typed_from(const struct wallet_typed *t);       /* the signing account's address */
const char *wallet_typed_signature(const struct wallet_typed *t);     /* SIGNED; else NULL */
int wallet_typed_sign(struct wallet_typed *t);
bool wallet_typed_cancel(struct wallet_typed *t);

#endif
