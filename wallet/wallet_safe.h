/*
 * wallet_safe — Safe multisig accounts in the wallet pane's model: the Safes
 * the user watches, their state read from the node, the proposal files
 * waiting in $XDG_DATA_HOME/chaindeck/safe/, and the checks before an owner
 * account of the vault signs one or an account executes one. No curses.
 *
 * Durable data: the watched Safes are kept in "safes" beside the vault
 * (one "CHAINID 0xADDRESS" line each, after a "chaindeck-safes 1" line),
 * written with fsutil on a worker thread as the token list is; a Safe is
 * listed as watched only once that write succeeded. The file and the
 * proposal directory are read on a worker thread too: the loop never waits
 * for a disk.
 *
 * Proposal files are exactly those `chaindeck safe propose` writes
 * (wallet/safe.h): each is validated on read (fields, hash, signatures);
 * one that fails is listed as refused with the reason, never used.
 *
 * Signing (wallet_safe_check with WSAFE_SIGN, then wallet_safe_sign) and
 * executing (WSAFE_EXEC, then the wallet's own send: the execTransaction call
 * becomes a normal draft with the confirmation of any send) both start with
 * checks on the node: the chain id, the Safe's nonce, its owners and
 * threshold, and its own getTransactionHash of the file's fields; executing
 * also asks the contract's checkSignatures and simulates execTransaction.
 * Creating (wallet_safe_create) checks the factory and singleton and that the
 * predicted address is free, then sends the factory call as a normal draft.
 */
#ifndef CHAINDECK_WALLET_SAFE_H
#define CHAINDECK_WALLET_SAFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/address.h"
#include "common/u256.h"
#include "wallet/safe.h"

struct wallet;

#define WSAFE_MAX 32       /* watched Safes */
#define WSAFE_PROPS_MAX 64 /* proposal files read from the directory */
#define WSAFE_TOKENS 32    /* token balances read per Safe: the wallet's watched tokens */

struct wallet_safe_state {
	struct address addr;
	uint64_t chain_id;
	bool has_state;            /* the node answered every read below */
	char error[200];           /* why not, "" when it did */
	char version[32];
	struct address owners[SAFE_OWNERS_MAX];
	size_t nowners;
	uint64_t threshold;
	struct u256 nonce;
	struct u256 balance;
	/* balanceOf(the Safe) of the tokens the wallet watches on this chain (`t`), as last read */
	size_t ntokens;
	uint8_t token[WSAFE_TOKENS][20];
	bool token_ok[WSAFE_TOKENS];
	struct u256 token_balance[WSAFE_TOKENS];
};

struct wallet_safe_prop {
	char name[256];            /* the file's name in the directory */
	bool ok;                   /* parsed and its hash and signatures check out */
	char error[300];           /* why it is refused, when not ok */
	struct safe_proposal p;    /* when ok */
};

/*
 * Reads the watched list and the proposal directory (worker thread); called
 * from wallet_new. cfg's [safe "CHAINID"] sections (copied) name the Safe
 * contracts where they are not at the canonical addresses.
 */
struct config;
void wallet_safes_init(struct wallet *w, const struct config *cfg);
void wallet_safes_free(struct wallet *w);
/* The node changed (wallet_follow_node): what was read from the old one is dropped. */
void wallet_safes_node_changed(struct wallet *w);
/* Every refresh: reads the Safes of the node's chain; while shown, the proposal directory again. */
void wallet_safes_tick(struct wallet *w);
/* Whether the Safe screen is shown: proposal files are read again every refresh while it is. */
void wallet_safes_shown(struct wallet *w, bool shown);

/* Watched Safes on the node's chain (all of them while the chain id is unknown). */
size_t wallet_safe_count(const struct wallet *w);
const struct wallet_safe_state *wallet_safe(const struct wallet *w, size_t i);
/* Whether the list file was read (watching waits for it), and why not when it could not be. */
bool wallet_safes_loaded(const struct wallet *w, const char **error);
/* The proposal directory ("" when there is no home). */
const char *wallet_safe_dir(const struct wallet *w);

/*
 * Starts checking that addr answers as a Safe (VERSION(), getOwners(),
 * getThreshold(), nonce()) on the node's chain; then it is added to the list
 * and the list is saved. The verdict comes as the wallet's message ("...
 * watched: saved" only once it is on disk). 0 started, -1 message set.
 */
int wallet_safe_watch(struct wallet *w, const uint8_t addr[20]);

/* Proposal files of Safe i's address (whatever their chain), and those refused, whatever their Safe. */
size_t wallet_safe_prop_count(const struct wallet *w, size_t safe);
const struct wallet_safe_prop *wallet_safe_prop(const struct wallet *w, size_t safe, size_t k);

enum wsafe_kind { WSAFE_SIGN, WSAFE_EXEC, WSAFE_CREATE };
enum wsafe_check { WSAFE_NONE, WSAFE_CHECKING, WSAFE_READY, WSAFE_REFUSED, WSAFE_SIGNING, WSAFE_SIGNED };

/* The proposal being signed or executed, after its checks. */
struct wallet_safe_action {
	enum wsafe_kind kind;
	enum wsafe_check state;
	char message[300];         /* the refusal, or what happened */
	char name[256];            /* its file */
	struct safe_proposal p;    /* a copy of the file's proposal as read */
	size_t account;            /* SIGN: the owner account that signs; EXEC: the account that pays */
	uint8_t account_addr[20];
	uint64_t threshold;
	size_t nowner_sigs;        /* signatures by current owners */
	uint8_t *exec_data;        /* EXEC, CREATE, READY: the call the draft sends to call_to (owned) */
	size_t exec_len;
	struct address call_to;    /* EXEC: the Safe; CREATE: the factory */
	/* CREATE: the new Safe */
	struct safe_deployment dep;
	struct address owners[SAFE_OWNERS_MAX];
	size_t nowners;
	struct u256 salt;
	struct address predicted;  /* where it will be (CREATE2), free of code when checked */
};

/*
 * Starts the checks for proposal k of Safe i: SIGN with the first account
 * of the vault that owns the Safe and has not signed yet; EXEC paid by
 * account `payer`. 0 started (state CHECKING, then READY or REFUSED with the
 * reason), -1 refused at once (message set).
 */
int wallet_safe_check(struct wallet *w, enum wsafe_kind kind, size_t safe, size_t k, size_t payer);
const struct wallet_safe_action *wallet_safe_action(const struct wallet *w);
/*
 * Starts creating a Safe with these owners and threshold, paid by account
 * `payer`, the way `chaindeck safe create` does (safe_create_call): the
 * factory and singleton must have code, the predicted address must be free
 * (else the next salt is tried). READY means the wallet's draft of the
 * factory call is being prepared: the send's confirmation follows. Once it is
 * sent the new Safe is watched as soon as it answers. 0 started, -1 refused.
 */
int wallet_safe_create(struct wallet *w, size_t payer, const struct address *owners, size_t n, uint64_t threshold);
void wallet_safe_action_clear(struct wallet *w);
/*
 * Signs the READY SIGN action's SafeTx hash with its account (unlocked) and
 * writes the file with the signature added on a worker thread: SIGNED once it
 * is on disk, REFUSED (message) when it is not. 0 started, -1 message set.
 */
int wallet_safe_sign(struct wallet *w);

#endif
