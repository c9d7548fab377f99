/*
 * The wallet model's state, shared by wallet.c (vault, balances, history)
 * and wallet_send.c (drafts, signing, tracking). Not for other modules.
 */
#ifndef CHAINDECK_WALLET_INTERNAL_H
#define CHAINDECK_WALLET_INTERNAL_H

#include <pthread.h>

#include "common/fsutil.h"
#include "common/rpc.h"
#include "wallet/eip712.h"
#include "wallet/tokenlist.h"
#include "wallet/wallet.h"

struct unlock_job;
struct ledger_job;
struct wallet;
struct wallet_safes;

/*
 * A file of the wallet's saved on the worker thread (fsutil_save_start, as
 * the vault is: see save_done in wallet.c). A
 * change while a save is in flight is saved again when it ends, so the last
 * state always reaches the disk and two writes never overlap.
 */
struct wallet_file {
	char path[4096];
	struct fsutil_save *job;
	bool again;
	struct wallet *w;
	char *(*render)(struct wallet *w, size_t *len);
	void (*saved)(struct wallet *w, int rc, const char *err);  /* may be NULL */
};
struct save_job;

#define WALLET_MAX_SENT 64

struct wallet {
	struct loop *loop;
	struct rpc_client *rpc;
	void (*changed)(void *ud);
	void *ud;
	uint64_t refresh_ms;
	uint64_t timer;
	char message[240];
	char vault_path[4096];
	char node_name[64];           /* the node followed (wallet_follow_node) */
	bool insecure;

	struct vault *vault;
	enum wallet_state state;
	pthread_t worker;
	struct unlock_job *job;       /* the unlock in flight, or NULL */
	struct save_job *save;        /* the vault write in flight (derive, label), or NULL */
	pthread_t ledger_worker;
	struct ledger_job *ledger;    /* a draft being signed, or an address shown, on a Ledger, or NULL */
	char device_note[240];        /* what the last wallet_device_show came to ("" none) */
	size_t device_note_for;       /* the account it is about */
	bool tampered;                /* the last unlock found the file modified (VAULT_ETAMPERED) */
	uint64_t last_touch_ms;
	uint64_t lock_after_ms;

	struct wallet_account *accounts;
	size_t naccounts;
	uint64_t balance_call;
	uint64_t balance_ok_ms;       /* when the node last answered the balance poll; 0 = never */
	bool balance_failed;          /* the last balance poll got no answer */
	bool has_chain_id;
	uint64_t chain_id;

	size_t selected;
	struct history *hist;
	struct history_caps caps;
	struct history_entry *history;
	size_t nhistory;
	struct history_rewards *rewards_job; /* the rewards search in flight, or NULL */
	struct history_reward *rewards;      /* of the selected account over [rewards_from, rewards_to] */
	size_t nrewards;
	bool has_rewards;                    /* the search over that range finished */
	uint64_t rewards_from, rewards_to;
	struct tokens *tokens;
	uint8_t token_addr[WALLET_MAX_TOKENS][20];    /* watched: user-added, then seen in history */
	bool token_known[WALLET_MAX_TOKENS];
	struct u256 token_balance[WALLET_MAX_TOKENS]; /* of the selected account */
	size_t ntokens;
	uint64_t token_call;
	struct tokenlist tokenlist;   /* watched tokens with their remembered decimals, per chain */
	struct wallet_file tokens_file;
	char tokenlist_error[240];    /* why the file was not loaded, "" if it was */
	uint64_t token_check_call;    /* `t`: is it an ERC-20? */
	uint8_t token_check_addr[20];
	char token_note[200];         /* what to say once the token list is saved */
	bool simulate_unsupported;    /* the node answered eth_simulateV1 with "no such method" */

	struct wallet_draft draft;
	uint64_t draft_gen;           /* bumps with every new draft: late answers for an old one are dropped */
	uint64_t draft_call;
	void *draft_ud;                /* draft_call's context: freed here when the call is cancelled */
	struct wallet_sent sent[WALLET_MAX_SENT];
	uint8_t *sent_data[WALLET_MAX_SENT];
	size_t sent_data_len[WALLET_MAX_SENT];
	uint8_t *sent_raw[WALLET_MAX_SENT];          /* the signed bytes: what the pending file keeps */
	size_t sent_raw_len[WALLET_MAX_SENT];
	bool sent_resend[WALLET_MAX_SENT];           /* read back at start: handed to the node again once */
	struct wallet_file pending_file;              /* sent, unconfirmed transactions (wallet/pending.h) */
	size_t nsent;
	uint64_t track_call;
	uint64_t confirmations_wanted;
	bool has_head;
	uint64_t head;
	bool has_base_fee;
	struct u256 base_fee;
	struct wallet_safes *safes;   /* wallet_safe.c: watched Safes and proposals */
};

void wallet_notify(struct wallet *w);
/* Saves f (now, or again after the save in flight). */
void wallet_file_save(struct wallet_file *f);
/* Remembers a token's decimals and symbol for the chain, the first time: 1 added (a save starts), 0 known, -1 full. */
int wallet_remember_token(struct wallet *w, const struct tokenlist_entry *e);
void wallet_notify_cb(void *ud);
void wallet_say(struct wallet *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* wallet_send.c: stops a signing on a Ledger (wallet_free: before the vault goes). */
void wallet_device_stop(struct wallet *w);
/*
 * wallet_send.c: signs an EIP-712 request (domain separator, struct hash) in
 * the hashed mode on the Ledger of hardware account `from`, on the worker
 * that signs drafts (one device job at a time: wallet_device_busy). done runs
 * on the loop thread with CD_OK and sig (r || s || v, v 27/28, not yet
 * checked against `from`) or the error (LEDGER_ECANCEL after
 * wallet_device_cancel) and its message; never when wallet_device_stop or
 * wallet_free dropped the job first. 0, or -1 with err set (busy, not a
 * hardware account).
 */
typedef void wallet_typed_done_fn(void *ud, int rc, const char *err, const uint8_t sig[65]);
int wallet_device_sign_typed(struct wallet *w, const uint8_t from[20], const uint8_t domain_separator[32],
	const uint8_t struct_hash[32], wallet_typed_done_fn *done, void *ud, char *err, size_t errlen);
/* wallet_send.c: follows sent transactions (every refresh), frees drafts and sent data. */
void wallet_track_tick(struct wallet *w);
void wallet_send_free(struct wallet *w);
/*
 * wallet_send.c: the private key of our account `addr`, found by that address
 * (never by a list position) and checked to derive it. 0, or -1 with err set.
 */
int wallet_key_of(struct wallet *w, const uint8_t addr[20], uint8_t key[32], char *err, size_t errlen);
/* wallet_send.c: loads the pending transactions saved beside the vault (in wallet_new). */
void wallet_send_init(struct wallet *w);

#endif
