/*
 * The wallet's model. See wallet.h. The send path is in wallet_send.c.
 */
#include "wallet/wallet.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "common/abi.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/rpc.h"
#include "common/text.h"
#include "common/url.h"
#include "wallet/wallet_internal.h"
#include "wallet/wallet_safe.h"

#define HISTORY_PAGE 25

static void notify(struct wallet *w)
{
	if (w->changed)
		w->changed(w->ud);
}

void wallet_notify(struct wallet *w)
{
	notify(w);
}

void wallet_say(struct wallet *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->message, sizeof(w->message), fmt, ap);
	va_end(ap);
	notify(w);
}

/* ---- the vault ---- */

/* Reloads the account list from the vault (after open, unlock, derive, label). */
static void load_accounts(struct wallet *w)
{
	size_t n = w->vault ? vault_account_count(w->vault) : 0;
	struct wallet_account *a = calloc(n ? n : 1, sizeof(*a));

	if (!a)
		return;
	for (size_t i = 0; i < n; i++) {
		vault_account(w->vault, i, &a[i].acct);
		/* Keep balances already known for the same address. */
		for (size_t k = 0; k < w->naccounts; k++) {
			if (memcmp(w->accounts[k].acct.address.b, a[i].acct.address.b, 20) == 0) {
				a[i].has_balance = w->accounts[k].has_balance;
				a[i].balance = w->accounts[k].balance;
				a[i].has_nonce = w->accounts[k].has_nonce;
				a[i].nonce = w->accounts[k].nonce;
			}
		}
	}
	free(w->accounts);
	w->accounts = a;
	w->naccounts = n;
}

static void open_vault(struct wallet *w)
{
	char err[256];
	int rc = vault_open(&w->vault, w->vault_path, err, sizeof(err));

	if (rc == CD_ENOTFOUND) {
		w->state = WALLET_NO_VAULT;
		return;
	}
	if (rc != CD_OK) {
		w->state = WALLET_BROKEN;
		text_sanitize(w->message, sizeof(w->message), err, strlen(err));
		return;
	}
	w->state = WALLET_LOCKED;
	load_accounts(w);
}

/*
 * An unlock in flight. The worker posts it back to the loop when done; if the
 * wallet was freed meanwhile, w is NULL and the job only frees itself.
 */
struct unlock_job {
	struct wallet *w;
	struct vault *vault;     /* what the worker may touch: the vault and the loop, nothing else */
	struct loop *loop;
	char *password;          /* sodium_malloc'd; freed by the worker */
	int rc;
	char err[256];
};

static void unlock_done(void *ud)
{
	struct unlock_job *j = ud;
	struct wallet *w = j->w;

	if (!w) {
		free(j);
		return;
	}
	pthread_join(w->worker, NULL);
	w->job = NULL;
	w->tampered = j->rc == VAULT_ETAMPERED;
	if (j->rc == CD_OK) {
		w->state = WALLET_UNLOCKED;
		w->last_touch_ms = loop_now_ms();
		w->message[0] = '\0';
		load_accounts(w);
		log_msg(LOG_INFO, "wallet unlocked");
	} else {
		w->state = WALLET_LOCKED;
		/* "wrong password" and the like; the vault is unchanged. */
		snprintf(w->message, sizeof(w->message), "%.200s", j->rc == CD_EPASSWORD ? "wrong password" : j->err);
	}
	free(j);
	notify(w);
}

static void *unlock_worker(void *arg)
{
	struct unlock_job *j = arg;

	/* Only the vault is touched here; the loop thread leaves it alone while state is UNLOCKING. */
	j->rc = vault_unlock(j->vault, j->password, j->err, sizeof(j->err));
	sodium_free(j->password);
	j->password = NULL;
	if (loop_post(j->loop, unlock_done, j) != 0)
		abort(); /* out of memory: nothing sane is left to do */
	return NULL;
}

void wallet_unlock(struct wallet *w, const char *password)
{
	struct unlock_job *j;
	size_t len = strlen(password);

	if (w->state != WALLET_LOCKED || w->job)
		return;
	/* the unlock worker reads the handle's file image, which a finishing save replaces */
	if (w->save) {
		wallet_say(w, "the vault is still being saved: unlock again in a moment");
		return;
	}
	j = calloc(1, sizeof(*j));
	if (j)
		j->password = sodium_malloc(len + 1);
	if (!j || !j->password) {
		free(j);
		wallet_say(w, "out of memory");
		return;
	}
	memcpy(j->password, password, len + 1);
	j->w = w;
	j->vault = w->vault;
	j->loop = w->loop;
	w->state = WALLET_UNLOCKING;
	if (pthread_create(&w->worker, NULL, unlock_worker, j) != 0) {
		sodium_free(j->password);
		free(j);
		w->state = WALLET_LOCKED;
		wallet_say(w, "cannot start the unlock worker");
		return;
	}
	w->job = j;
	notify(w);
}

/*
 * After a lock, the account list is the file's: the vault is read again from
 * disk (a change another chaindeck or the CLI saved meanwhile shows up), and
 * what was never saved is gone from the screen too. A save still in flight
 * keeps the handle; its end reloads the list.
 */
static void reload_after_lock(struct wallet *w)
{
	struct vault *fresh = NULL;
	char err[256];
	int rc;

	if (!w->save) {
		rc = vault_open(&fresh, w->vault_path, err, sizeof(err));
		if (rc == CD_OK) {
			vault_free(w->vault);
			w->vault = fresh;
		} else {
			/* removed or damaged behind our back: say so, keep the list as last read */
			text_sanitize(w->message, sizeof(w->message), err, strlen(err));
		}
	}
	load_accounts(w);
	if (w->selected >= w->naccounts)
		w->selected = 0;
}

void wallet_lock(struct wallet *w)
{
	if (w->state != WALLET_UNLOCKED)
		return;
	vault_lock(w->vault);
	w->state = WALLET_LOCKED;
	reload_after_lock(w);
	log_msg(LOG_INFO, "wallet locked");
	notify(w);
}

void wallet_touch(struct wallet *w)
{
	w->last_touch_ms = loop_now_ms();
}

/*
 * A durable write of the vault in flight, the wallet's files' one way
 * (fsutil_save_start, as the token list and the pending file): the loop
 * thread encrypted the image (vault_save_begin); the worker only writes a
 * copy of its bytes (fsync) and reports back on the loop thread, which then
 * commits the image to the handle or undoes the change. The handle stays with
 * the loop thread all along.
 */
struct save_job {
	struct fsutil_save *job;
	struct vault_image *img;
	char what[96];           /* "account 1 added", "label of account 0 set" */
};

/*
 * err for the status line: the pane shows the vault's path on its top line,
 * so a message that starts with that path names the file by its last
 * component, and the reason at the end still fits the line.
 */
static void vault_reason(const struct wallet *w, const char *err, char *out, size_t cap)
{
	const char *path = vault_path(w->vault), *base = strrchr(path, '/');
	size_t n = strlen(path);
	char tmp[256];

	if (n && strncmp(err, path, n) == 0 && strncmp(err + n, ": ", 2) == 0)
		snprintf(tmp, sizeof(tmp), "%s%s", base ? base + 1 : path, err + n);
	else
		snprintf(tmp, sizeof(tmp), "%s", err);
	text_sanitize(out, cap, tmp, strlen(tmp));
}

static void save_done(void *ud, int rc, const char *err)
{
	struct wallet *w = ud;
	struct save_job *j = w->save;

	w->save = NULL;
	if (rc == CD_OK) {
		vault_save_commit(w->vault, j->img);
		load_accounts(w);
		wallet_say(w, "%s and saved", j->what);
		log_msg(LOG_INFO, "vault saved");
	} else {
		char why[256];

		vault_image_free(j->img);
		/* The screen shows what is on disk: the change is undone. */
		if (vault_is_unlocked(w->vault) && vault_revert(w->vault, why, sizeof(why)) != CD_OK)
			log_msg(LOG_WARN, "vault revert failed: %s", why);
		load_accounts(w);
		vault_reason(w, err, why, sizeof(why));
		wallet_say(w, "NOT saved, undone (%s): %s", j->what, why);
		log_msg(LOG_WARN, "vault save failed");
	}
	free(j);
}

/* Starts the durable write of the vault as changed; the change is undone if it cannot start. */
static int start_save(struct wallet *w, const char *what)
{
	struct save_job *j = calloc(1, sizeof(*j));
	char err[256] = "", why[256];
	int rc;

	if (!j) {
		snprintf(err, sizeof(err), "out of memory");
		rc = CD_ENOMEM;
	} else {
		rc = vault_save_begin(w->vault, &j->img, err, sizeof(err));
	}
	if (rc == CD_OK) {
		const uint8_t *bytes;
		size_t len;
		unsigned flags = vault_image_bytes(j->img, &bytes, &len);
		char *copy = malloc(len ? len : 1); /* the job frees its data; the image stays for the commit */

		snprintf(j->what, sizeof(j->what), "%s", what);
		if (copy) {
			memcpy(copy, bytes, len);
			j->job = fsutil_save_start(w->loop, vault_path(w->vault), copy, len, flags, save_done, w);
		}
		if (j->job) {
			w->save = j;
			wallet_say(w, "%s: saving...", what);
			return 0;
		}
		snprintf(err, sizeof(err), copy ? "cannot start the save worker" : "out of memory");
	}
	if (j)
		vault_image_free(j->img);
	free(j);
	if (vault_revert(w->vault, why, sizeof(why)) != CD_OK)
		log_msg(LOG_WARN, "vault revert failed: %s", why);
	load_accounts(w);
	wallet_say(w, "NOT saved, undone (%s): %s", what, err);
	return -1;
}

/* Changes need an unlocked vault and no save in flight (one write at a time, in order). */
static bool may_change(struct wallet *w)
{
	if (w->state != WALLET_UNLOCKED) {
		wallet_say(w, "unlock the wallet first (u)");
		return false;
	}
	if (w->save) {
		wallet_say(w, "the vault is still being saved: try again in a moment");
		return false;
	}
	return true;
}

int wallet_derive(struct wallet *w)
{
	char err[256], what[96];

	if (!may_change(w))
		return -1;
	if (vault_derive(w->vault, 1, err, sizeof(err)) != CD_OK) {
		wallet_say(w, "%s", err);
		return -1;
	}
	snprintf(what, sizeof(what), "account %zu added", vault_account_count(w->vault) - 1);
	return start_save(w, what);
}

int wallet_set_label(struct wallet *w, size_t i, const char *label)
{
	char err[256], what[96];

	if (!may_change(w))
		return -1;
	if (vault_set_label(w->vault, i, label, err, sizeof(err)) != CD_OK) {
		wallet_say(w, "%s", err);
		return -1;
	}
	snprintf(what, sizeof(what), "label of account %zu set", i);
	return start_save(w, what);
}

bool wallet_saving(const struct wallet *w)
{
	return w->save != NULL;
}

/* ---- balances, chain id ---- */

static void watch_listed(struct wallet *w);

static void on_balances(void *ud, const struct rpc_response *res)
{
	struct wallet *w = ud;

	w->balance_call = 0;
	if (res->status != RPC_OK || (res->n > 1 && res->reply[1].status != RPC_OK)) {
		/* No answer: the figures on screen are from before; the pane marks them stale. */
		w->balance_failed = true;
		notify(w);
		return;
	}
	w->balance_failed = false;
	w->balance_ok_ms = loop_now_ms();
	/* Replies: chain id, then per account balance and pending nonce. */
	if (res->reply[0].status == RPC_OK && eth_decode_u64(res->reply[0].result, &w->chain_id, NULL, 0) == 0) {
		if (!w->has_chain_id) {
			w->has_chain_id = true;
			watch_listed(w);
		}
	}
	for (size_t i = 0; i < w->naccounts && 1 + 2 * i + 1 < res->n; i++) {
		const struct rpc_reply *b = &res->reply[1 + 2 * i], *n = &res->reply[2 + 2 * i];
		struct wallet_account before = w->accounts[i];

		w->accounts[i].has_balance = b->status == RPC_OK &&
		                             eth_decode_u256(b->result, &w->accounts[i].balance, NULL, 0) == 0;
		w->accounts[i].has_nonce = n->status == RPC_OK &&
		                           eth_decode_u64(n->result, &w->accounts[i].nonce, NULL, 0) == 0;
		/* The selected account's balance or nonce moved: its history has something new. */
		if (i == w->selected && !w->hist && before.has_balance && w->accounts[i].has_balance &&
		    (u256_cmp(before.balance, w->accounts[i].balance) != 0 || before.nonce != w->accounts[i].nonce))
			wallet_select(w, i);
	}
	notify(w);
}

static void poll_balances(struct wallet *w)
{
	struct rpc_batch *b;

	if (w->balance_call)
		return;
	b = rpc_batch_new();
	if (!b)
		return;
	rpc_batch_add(b, "eth_chainId", NULL);
	for (size_t i = 0; i < w->naccounts; i++) {
		char a[48];
		cJSON *p1 = cJSON_CreateArray(), *p2 = cJSON_CreateArray();

		hex_encode(a, sizeof(a), w->accounts[i].acct.address.b, 20, 1);
		cJSON_AddItemToArray(p1, cJSON_CreateString(a));
		cJSON_AddItemToArray(p1, cJSON_CreateString("latest"));
		cJSON_AddItemToArray(p2, cJSON_CreateString(a));
		cJSON_AddItemToArray(p2, cJSON_CreateString("pending"));
		rpc_batch_add(b, "eth_getBalance", p1);
		rpc_batch_add(b, "eth_getTransactionCount", p2);
	}
	w->balance_call = rpc_batch_send(w->rpc, b, on_balances, w);
}

/* ---- token balances of the selected account ---- */

static void on_token_balances(void *ud, const struct rpc_response *res)
{
	struct wallet *w = ud;

	w->token_call = 0;
	if (res->status != RPC_OK)
		return;
	for (size_t i = 0; i < res->n && i < w->ntokens; i++)
		w->token_known[i] = res->reply[i].status == RPC_OK &&
		                    tokens_balance_decode(res->reply[i].result, &w->token_balance[i]);
	notify(w);
}

static void poll_token_balances(struct wallet *w)
{
	struct rpc_batch *b;

	if (w->token_call || !w->ntokens || w->selected >= w->naccounts)
		return;
	b = rpc_batch_new();
	if (!b)
		return;
	for (size_t i = 0; i < w->ntokens; i++) {
		struct token_meta meta;

		tokens_get(w->tokens, w->token_addr[i], &meta);
		rpc_batch_add(b, "eth_call",
		              tokens_balance_params(w->token_addr[i], w->accounts[w->selected].acct.address.b));
	}
	w->token_call = rpc_batch_send(w->rpc, b, on_token_balances, w);
}

static int watch_token(struct wallet *w, const uint8_t addr[20])
{
	for (size_t i = 0; i < w->ntokens; i++) {
		if (memcmp(w->token_addr[i], addr, 20) == 0)
			return 0;
	}
	if (w->ntokens == WALLET_MAX_TOKENS)
		return -1;
	memcpy(w->token_addr[w->ntokens], addr, 20);
	w->token_known[w->ntokens] = false;
	w->ntokens++;
	return 0;
}

/* ---- the token list: remembered decimals and symbols, saved beside the vault ---- */

static void file_saved(void *ud, int rc, const char *err)
{
	struct wallet_file *f = ud;

	f->job = NULL;
	if (f->saved)
		f->saved(f->w, rc, err);
	if (f->again) {
		f->again = false;
		wallet_file_save(f);
	}
}

void wallet_file_save(struct wallet_file *f)
{
	char *data;
	size_t len = 0;

	if (!f->path[0])
		return;
	if (f->job) {
		f->again = true;
		return;
	}
	data = f->render(f->w, &len);
	if (!data) {
		if (f->saved)
			f->saved(f->w, -1, "out of memory");
		return;
	}
	f->job = fsutil_save_start(f->w->loop, f->path, data, len, FSUTIL_MKDIR, file_saved, f);
	if (!f->job && f->saved)
		f->saved(f->w, -1, "cannot start the writer thread");
}

static char *render_tokens(struct wallet *w, size_t *len)
{
	return tokenlist_render(&w->tokenlist, len);
}

static void tokens_saved(struct wallet *w, int rc, const char *err)
{
	char why[300];

	if (rc == CD_OK) {
		if (w->token_note[0])
			wallet_say(w, "%s: saved", w->token_note);
	} else {
		text_sanitize(why, sizeof(why), err, strlen(err));
		wallet_say(w, "the token list was NOT saved: %s", why);
	}
	w->token_note[0] = '\0';
}

int wallet_remember_token(struct wallet *w, const struct tokenlist_entry *e)
{
	int rc;

	if (w->tokenlist_error[0])
		return 0; /* a list that could not be read is not overwritten */
	rc = tokenlist_add(&w->tokenlist, e);
	if (rc == 1)
		wallet_file_save(&w->tokens_file);
	return rc;
}

int wallet_token_meta(struct wallet *w, const uint8_t addr[20], struct token_meta *out)
{
	const struct tokenlist_entry *e = w->has_chain_id ? tokenlist_find(&w->tokenlist, w->chain_id, addr) : NULL;
	int rc = tokens_get(w->tokens, addr, out);

	if (!e)
		return rc;
	out->state = TOKENS_KNOWN;
	out->has_decimals = true;
	out->decimals = e->decimals;
	out->has_symbol = true;
	snprintf(out->symbol, sizeof(out->symbol), "%s", e->symbol);
	return TOKENS_KNOWN;
}

/* Watches the list's tokens of the node's chain (once the chain id is known). */
static void watch_listed(struct wallet *w)
{
	for (size_t i = 0; i < w->tokenlist.n; i++)
		if (w->tokenlist.v[i].chain_id == w->chain_id)
			watch_token(w, w->tokenlist.v[i].addr);
}

static void on_token_check(void *ud, const struct rpc_response *res)
{
	struct wallet *w = ud;
	const uint8_t *checked = w->token_check_addr;
	struct tokenlist_entry e = { 0 };
	const struct tokenlist_entry *known;
	char a[43], missing[80];
	struct u256 bal;
	uint64_t chain;

	w->token_check_call = 0;
	hex_encode(a, sizeof(a), checked, 20, 1);
	if (res->status != RPC_OK || res->n != 4) {
		wallet_say(w, "cannot check %s: the node did not answer (%s)", a, res->detail ? res->detail : "");
		return;
	}
	if (res->reply[0].status != RPC_OK || eth_decode_u64(res->reply[0].result, &chain, NULL, 0) != 0 ||
	    chain != w->chain_id) {
		wallet_say(w, "cannot check %s: the node's chain id changed", a);
		return;
	}
	snprintf(missing, sizeof(missing), "%s%s%s",
	         res->reply[1].status != RPC_OK || !tokens_decimals_decode(res->reply[1].result, &e.decimals)
	                 ? " decimals()" : "",
	         res->reply[2].status != RPC_OK ||
	                         !tokens_symbol_decode(res->reply[2].result, e.symbol, sizeof(e.symbol))
	                 ? " symbol()" : "",
	         res->reply[3].status != RPC_OK || !tokens_balance_decode(res->reply[3].result, &bal) ? " balanceOf()"
	                                                                                             : "");
	if (missing[0]) {
		wallet_say(w, "%s: not an ERC-20 token, no answer to%s", a, missing);
		return;
	}
	e.chain_id = chain;
	memcpy(e.addr, checked, 20);
	known = tokenlist_find(&w->tokenlist, chain, e.addr);
	if (known && known->decimals != e.decimals) {
		wallet_say(w, "%s: the node now says %u decimals, but %u were remembered for it: amounts use %u", a,
		           e.decimals, known->decimals, known->decimals);
		watch_token(w, e.addr);
		poll_token_balances(w);
		return;
	}
	if (watch_token(w, e.addr) != 0) {
		wallet_say(w, "at most %d tokens", WALLET_MAX_TOKENS);
		return;
	}
	poll_token_balances(w);
	snprintf(w->token_note, sizeof(w->token_note), "watching %s (%s, %u decimals) for every account", e.symbol, a,
	         e.decimals);
	if (known) {
		wallet_say(w, "%s: already in the token list", w->token_note);
		w->token_note[0] = '\0';
	} else if (w->tokenlist_error[0]) {
		wallet_say(w, "%s for this session only: %s", w->token_note, w->tokenlist_error);
		w->token_note[0] = '\0';
	} else if (wallet_remember_token(w, &e) < 0) {
		wallet_say(w, "%s for this session only: the token list is full", w->token_note);
		w->token_note[0] = '\0';
	} else {
		wallet_say(w, "%s: saving...", w->token_note);
	}
}

int wallet_add_token(struct wallet *w, const uint8_t addr[20])
{
	struct rpc_batch *b;
	uint8_t owner[20] = { 0 };

	if (!w->has_chain_id) {
		wallet_say(w, "the node's chain id is not known yet: try again in a moment");
		return -1;
	}
	if (w->token_check_call) {
		wallet_say(w, "still checking the last token");
		return -1;
	}
	b = rpc_batch_new();
	if (!b) {
		wallet_say(w, "out of memory");
		return -1;
	}
	memcpy(w->token_check_addr, addr, 20);
	if (w->selected < w->naccounts)
		memcpy(owner, w->accounts[w->selected].acct.address.b, 20);
	rpc_batch_add(b, "eth_chainId", NULL);
	rpc_batch_add(b, "eth_call", tokens_call_params(addr, "decimals()"));
	rpc_batch_add(b, "eth_call", tokens_call_params(addr, "symbol()"));
	rpc_batch_add(b, "eth_call", tokens_balance_params(addr, owner));
	w->token_check_call = rpc_batch_send(w->rpc, b, on_token_check, w);
	if (!w->token_check_call) {
		wallet_say(w, "cannot ask the node");
		return -1;
	}
	wallet_say(w, "checking that it answers like an ERC-20 token...");
	return 0;
}

size_t wallet_token_count(const struct wallet *w)
{
	return w->ntokens;
}

bool wallet_token(const struct wallet *w, size_t i, uint8_t addr[20], struct u256 *balance)
{
	if (i >= w->ntokens)
		return false;
	memcpy(addr, w->token_addr[i], 20);
	*balance = w->token_balance[i];
	return w->token_known[i];
}

bool wallet_balances_stale(const struct wallet *w, uint64_t *age_ms)
{
	uint64_t age = w->balance_ok_ms ? loop_now_ms() - w->balance_ok_ms : 0;

	if (age_ms)
		*age_ms = age;
	return w->balance_ok_ms && (w->balance_failed || age > 2 * w->refresh_ms);
}

static void on_tick(void *ud)
{
	struct wallet *w = ud;

	w->timer = loop_timer_add(w->loop, w->refresh_ms, on_tick, w);
	/* A poll that hangs never calls back: the stale marker and its age still have to show. */
	if (wallet_balances_stale(w, NULL))
		notify(w);
	poll_balances(w);
	poll_token_balances(w);
	wallet_track_tick(w);
	wallet_safes_tick(w);
	if (w->state == WALLET_UNLOCKED && w->lock_after_ms && loop_now_ms() - w->last_touch_ms > w->lock_after_ms) {
		wallet_lock(w);
		wallet_say(w, "locked after %llu min without a key press", (unsigned long long)(w->lock_after_ms / 60000));
	}
}

/* ---- history of the selected account ---- */

static void on_hist_entries(void *ud, const struct history_entry *e, size_t n)
{
	struct wallet *w = ud;
	struct history_entry *grown = realloc(w->history, (w->nhistory + n) * sizeof(*grown));

	if (!grown)
		return;
	w->history = grown;
	memcpy(w->history + w->nhistory, e, n * sizeof(*e));
	w->nhistory += n;
	/* Tokens that moved through the account get a balance line. */
	for (size_t i = 0; i < n; i++) {
		if (e[i].kind == HISTORY_TOKEN_IN || e[i].kind == HISTORY_TOKEN_OUT)
			watch_token(w, e[i].token);
	}
	poll_token_balances(w);
	notify(w);
}

static void on_rewards_done(void *ud, int status, const char *message, const struct history_reward *r, size_t n)
{
	struct wallet *w = ud;

	history_rewards_cancel(w->rewards_job); /* frees it: its callback has run */
	w->rewards_job = NULL;
	free(w->rewards);
	w->rewards = NULL;
	w->nrewards = 0;
	if (status != HISTORY_OK) {
		text_sanitize(w->message, sizeof(w->message), message, strlen(message));
		notify(w);
		return;
	}
	if (n) {
		w->rewards = malloc(n * sizeof(*w->rewards));
		if (!w->rewards) {
			notify(w);
			return;
		}
		memcpy(w->rewards, r, n * sizeof(*r));
		w->nrewards = n;
	}
	w->has_rewards = true;
	notify(w);
}

/* Rewards over the blocks the history page covered (the newest WALLET_REWARD_BLOCKS of them). */
static void start_rewards(struct wallet *w, const struct history_result *r)
{
	struct history_rewards_opts o = { .on_done = on_rewards_done, .ud = w, .chain_id = w->chain_id };
	uint64_t lo = r->more ? r->next_before : 0;

	if (w->selected >= w->naccounts || lo > r->head)
		return;
	if (r->head - lo >= WALLET_REWARD_BLOCKS)
		lo = r->head - WALLET_REWARD_BLOCKS + 1;
	memcpy(o.address, w->accounts[w->selected].acct.address.b, 20);
	o.from = lo;
	o.to = r->head;
	w->rewards_from = o.from;
	w->rewards_to = o.to;
	w->rewards_job = history_rewards_start(w->rpc, &o);
}

static void on_hist_done(void *ud, const struct history_result *r)
{
	struct wallet *w = ud;

	if (r->status == HISTORY_OK)
		start_rewards(w, r);
	history_free(w->hist);
	w->hist = NULL;
	if (r->status != HISTORY_OK)
		text_sanitize(w->message, sizeof(w->message), r->message, strlen(r->message));
	notify(w);
}

size_t wallet_reward_count(const struct wallet *w)
{
	return w->nrewards;
}

const struct history_reward *wallet_reward(const struct wallet *w, size_t i)
{
	return i < w->nrewards ? &w->rewards[i] : NULL;
}

bool wallet_rewards_range(const struct wallet *w, uint64_t *from, uint64_t *to, struct u256 *total)
{
	*from = w->rewards_from;
	*to = w->rewards_to;
	*total = u256_from_u64(0);
	for (size_t i = 0; i < w->nrewards; i++) {
		struct u256 t;

		if (u256_add(&t, *total, w->rewards[i].total) == CD_OK)
			*total = t;
	}
	return w->has_rewards;
}

bool wallet_rewards_busy(const struct wallet *w)
{
	return w->rewards_job != NULL;
}

void wallet_select(struct wallet *w, size_t i)
{
	struct history_opts o = { .page_size = HISTORY_PAGE, .method = HISTORY_AUTO, .caps = &w->caps,
	                          .on_entries = on_hist_entries, .on_done = on_hist_done, .ud = w };

	if (i >= w->naccounts)
		return;
	history_cancel(w->hist);
	w->hist = NULL;
	free(w->history);
	w->history = NULL;
	w->nhistory = 0;
	history_rewards_cancel(w->rewards_job);
	w->rewards_job = NULL;
	free(w->rewards);
	w->rewards = NULL;
	w->nrewards = 0;
	w->has_rewards = false;
	if (w->selected != i) {
		memset(w->token_known, 0, sizeof(w->token_known));
		if (w->token_call)
			rpc_cancel(w->rpc, w->token_call);
		w->token_call = 0;
	}
	w->selected = i;
	memcpy(o.address, w->accounts[i].acct.address.b, 20);
	w->hist = history_start(w->rpc, &o);
	notify(w);
}

size_t wallet_history_count(const struct wallet *w)
{
	return w->nhistory;
}

const struct history_entry *wallet_history(const struct wallet *w, size_t i)
{
	return i < w->nhistory ? &w->history[i] : NULL;
}

bool wallet_history_busy(const struct wallet *w)
{
	return w->hist != NULL;
}

struct tokens *wallet_tokens(struct wallet *w)
{
	return w->tokens;
}

int wallet_receive_link(const struct wallet *w, size_t i, char *out, size_t cap)
{
	struct address a;

	if (i >= w->naccounts)
		return WALLET_LINK_NO_CHAIN;
	if (w->tampered)
		return WALLET_LINK_TAMPERED;
	if (w->state != WALLET_UNLOCKED)
		return WALLET_LINK_UNVERIFIED;
	/* The address the key gives, compared with the file's: never the file's bytes alone. */
	if (vault_verified_address(w->vault, i, &a, NULL, 0) != CD_OK ||
	    memcmp(a.b, w->accounts[i].acct.address.b, 20) != 0)
		return WALLET_LINK_TAMPERED;
	if (!w->has_chain_id)
		return WALLET_LINK_NO_CHAIN;
	return fees_eip681(out, cap, a.b, w->chain_id, u256_from_u64(0));
}

bool wallet_backup_pending(const struct wallet *w)
{
	return w->vault && vault_backup_pending(w->vault);
}

bool wallet_tampered(const struct wallet *w)
{
	return w->tampered;
}

/* ---- life ---- */

/*
 * Plain HTTP to anything but loopback: what is signed would cross the network
 * in the clear. The host is the one curl connects to (common/url.h).
 */
bool wallet_url_insecure(const char *url)
{
	return url_plain_http_remote(url);
}

/* A client for the node, or NULL with "node NAME: why" in err. */
static struct rpc_client *node_client(struct loop *loop, const struct config *cfg, const struct config_node *node,
                                      char *err, size_t errlen)
{
	struct rpc_opts o = {
		.url = node->url, .bearer = node->bearer, .headers = (const char *const *)node->headers,
		.nheaders = node->nheaders, .ca_file = node->ca_file, .timeout_ms = config_node_timeout(cfg, node),
		.connections = node->connections,
	};
	char why[256];
	struct rpc_client *c = rpc_client_new(loop, &o, why, sizeof(why));

	if (!c)
		snprintf(err, errlen, "node %s: %s", node->name, why);
	return c;
}

int wallet_follow_node(struct wallet *w, const struct config *cfg, const struct config_node *node, char *err,
                       size_t errlen)
{
	struct rpc_client *c;
	struct tokens *t;

	if (w->draft.state == DRAFT_SENDING) {
		snprintf(err, errlen, "a transaction is being sent through %s: the wallet stays on it", w->node_name);
		return -1;
	}
	c = node_client(w->loop, cfg, node, err, errlen);
	t = c ? tokens_new(c, wallet_notify_cb, w) : NULL;
	if (!t) {
		if (c)
			snprintf(err, errlen, "out of memory");
		rpc_client_free(c);
		return -1;
	}
	/* The draft's call is cancelled on the old client before it goes (its context is freed then). */
	wallet_draft_clear(w);
	history_cancel(w->hist);
	w->hist = NULL;
	history_rewards_cancel(w->rewards_job);
	w->rewards_job = NULL;
	tokens_free(w->tokens);
	rpc_client_free(w->rpc); /* cancels the polls: their callbacks never run */
	w->rpc = c;
	wallet_safes_node_changed(w);
	w->tokens = t;
	w->balance_call = w->token_call = w->token_check_call = w->track_call = 0;
	w->balance_ok_ms = 0;
	w->balance_failed = false;
	w->has_chain_id = false;
	w->chain_id = 0;
	w->has_head = w->has_base_fee = false;
	w->simulate_unsupported = false;
	memset(&w->caps, 0, sizeof(w->caps));
	for (size_t i = 0; i < w->naccounts; i++)
		w->accounts[i].has_balance = w->accounts[i].has_nonce = false;
	/* The watched tokens are the new chain's list (watch_listed once its chain id is known). */
	w->ntokens = 0;
	memset(w->token_known, 0, sizeof(w->token_known));
	w->insecure = wallet_url_insecure(node->url);
	snprintf(w->node_name, sizeof(w->node_name), "%s", node->name);
	poll_balances(w);
	if (w->selected < w->naccounts)
		wallet_select(w, w->selected);
	else
		notify(w);
	return 0;
}

const char *wallet_node_name(const struct wallet *w)
{
	return w->node_name;
}

struct wallet *wallet_new(struct loop *loop, const struct config *cfg, const struct config_node *node,
                          const char *vault_path, void (*changed)(void *ud), void *ud, char *err, size_t errlen)
{
	struct wallet *w = calloc(1, sizeof(*w));
	char why[256];

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->loop = loop;
	w->changed = changed;
	w->ud = ud;
	w->refresh_ms = cfg->refresh_ms > 0 ? (uint64_t)cfg->refresh_ms : 1000;
	w->lock_after_ms = 5 * 60 * 1000;
	w->confirmations_wanted = 3;
	snprintf(w->vault_path, sizeof(w->vault_path), "%s", vault_path);
	w->insecure = wallet_url_insecure(node->url);
	snprintf(w->node_name, sizeof(w->node_name), "%s", node->name);
	w->rpc = node_client(loop, cfg, node, err, errlen);
	if (!w->rpc) {
		free(w);
		return NULL;
	}
	w->tokens = tokens_new(w->rpc, wallet_notify_cb, w);
	w->tokens_file.w = w;
	w->tokens_file.render = render_tokens;
	w->tokens_file.saved = tokens_saved;
	if (tokenlist_path(vault_path, w->tokens_file.path, sizeof(w->tokens_file.path)) == 0 &&
	    tokenlist_load(&w->tokenlist, w->tokens_file.path, why, sizeof(why)) != 0) {
		/* Not overwritten while unreadable: the user may want what is in it. */
		text_sanitize(w->tokenlist_error, sizeof(w->tokenlist_error), why, strlen(why));
		log_msg(LOG_WARN, "wallet: token list: %s", w->tokenlist_error);
	}
	open_vault(w);
	wallet_send_init(w);
	wallet_safes_init(w, cfg);
	if (w->tokenlist_error[0] && w->state != WALLET_BROKEN)
		snprintf(w->message, sizeof(w->message), "%s", w->tokenlist_error);
	poll_balances(w);
	w->timer = loop_timer_add(loop, w->refresh_ms, on_tick, w);
	if (w->naccounts)
		wallet_select(w, 0);
	return w;
}

void wallet_notify_cb(void *ud)
{
	notify(ud);
}

void wallet_free(struct wallet *w)
{
	if (!w)
		return;
	/* A signing on a Ledger: stop waiting for the device, orphan its job. */
	wallet_device_stop(w);
	/* An unlock in progress: wait for it so the vault is not freed under it, and orphan its job. */
	if (w->job) {
		pthread_join(w->worker, NULL);
		w->job->w = NULL;
	}
	/* A save in progress: let the write finish (the file stays whole), orphan its job. */
	if (w->save) {
		fsutil_save_orphan(w->save->job);
		vault_image_free(w->save->img);
		free(w->save);
		w->save = NULL;
	}
	if (w->timer)
		loop_timer_cancel(w->loop, w->timer);
	fsutil_save_orphan(w->tokens_file.job);
	if (w->token_check_call)
		rpc_cancel(w->rpc, w->token_check_call);
	history_cancel(w->hist);
	history_rewards_cancel(w->rewards_job);
	wallet_send_free(w);
	wallet_safes_free(w);
	tokens_free(w->tokens);
	rpc_client_free(w->rpc);
	vault_free(w->vault);
	free(w->accounts);
	free(w->history);
	free(w->rewards);
	free(w);
}

enum wallet_state wallet_state(const struct wallet *w)
{
	return w->state;
}

const char *wallet_message(const struct wallet *w)
{
	return w->message;
}

const char *wallet_vault_path(const struct wallet *w)
{
	return w->vault_path;
}

bool wallet_chain_id(const struct wallet *w, uint64_t *id)
{
	*id = w->chain_id;
	return w->has_chain_id;
}

bool wallet_node_insecure(const struct wallet *w)
{
	return w->insecure;
}

size_t wallet_account_count(const struct wallet *w)
{
	return w->naccounts;
}

const struct wallet_account *wallet_account(const struct wallet *w, size_t i)
{
	return i < w->naccounts ? &w->accounts[i] : NULL;
}
