/*
 * The wallet model's state, shared by wallet.c (vault, balances, history)
 * and wallet_send.c (drafts, signing, tracking). Not for other modules.
 */
#ifndef CHAINDECK_WALLET_INTERNAL_H
#define CHAINDECK_WALLET_INTERNAL_H

#include <pthread.h>

#include "common/rpc.h"
#include "wallet/wallet.h"

struct unlock_job;

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
	bool insecure;

	struct vault *vault;
	enum wallet_state state;
	pthread_t worker;
	struct unlock_job *job;       /* the unlock in flight, or NULL */
	uint64_t last_touch_ms;
	uint64_t lock_after_ms;

	struct wallet_account *accounts;
	size_t naccounts;
	uint64_t balance_call;
	bool has_chain_id;
	uint64_t chain_id;

	size_t selected;
	struct history *hist;
	struct history_caps caps;
	struct history_entry *history;
	size_t nhistory;
	struct tokens *tokens;
	uint8_t token_addr[WALLET_MAX_TOKENS][20];    /* watched: user-added, then seen in history */
	bool token_known[WALLET_MAX_TOKENS];
	struct u256 token_balance[WALLET_MAX_TOKENS]; /* of the selected account */
	size_t ntokens;
	uint64_t token_call;
	bool simulate_unsupported;    /* the node answered eth_simulateV1 with "no such method" */

	struct wallet_draft draft;
	uint64_t draft_gen;           /* bumps with every new draft: late answers for an old one are dropped */
	uint64_t draft_call;
	void *draft_ud;                /* draft_call's context: freed here when the call is cancelled */
	struct wallet_sent sent[WALLET_MAX_SENT];
	uint8_t *sent_data[WALLET_MAX_SENT];
	size_t sent_data_len[WALLET_MAX_SENT];
	size_t nsent;
	uint64_t track_call;
	uint64_t confirmations_wanted;
	bool has_head;
	uint64_t head;
	bool has_base_fee;
	struct u256 base_fee;
};

void wallet_notify(struct wallet *w);
void wallet_notify_cb(void *ud);
void wallet_say(struct wallet *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* wallet_send.c: follows sent transactions (every refresh), frees drafts and sent data. */
void wallet_track_tick(struct wallet *w);
void wallet_send_free(struct wallet *w);

#endif
