/*
 * wallet_safe — Safe multisig accounts in the wallet model (contract in
 * wallet_safe.h): the watched list saved beside the vault, the Safes' state
 * from the node, the proposal directory read on a worker thread, the node
 * checks before a proposal is signed or executed, and creating a Safe (the
 * creation call safe_create_call builds, as `safe create`). Every node call is
 * asynchronous (rpc batches answered on the loop), every file read and write
 * runs on a worker thread (a scan thread here, fsutil_save_start for writes).
 */
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/abi.h"
#include "common/config.h"
#include "common/eth.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/safeview.h"
#include "common/text.h"
#include "common/tokens.h"
#include "wallet/wallet_internal.h"
#include "wallet/wallet_safe.h"

#define LIST_HEADER "chaindeck-safes 1\n"

struct scan_job;

struct wallet_safes {
	struct wallet *w;
	/* the watched list, as on disk once loaded */
	bool loaded;
	char load_error[300];
	struct address addr[WSAFE_MAX];
	uint64_t chain[WSAFE_MAX];
	size_t n;
	struct wallet_file file;
	char pending_note[120];           /* what to say once the list is saved */
	/* state of the Safes on the node's chain (index into addr[]) */
	struct wallet_safe_state st[WSAFE_MAX];
	size_t shown_idx[WSAFE_MAX];       /* wallet_safe(i) is st[shown_idx[i]] */
	size_t nshown;
	uint64_t poll_call;
	size_t poll_idx[WSAFE_MAX];
	size_t npoll;
	uint8_t poll_token[WSAFE_TOKENS][20]; /* the tokens asked for in the poll in flight */
	size_t npoll_tokens;
	/* the proposal directory */
	char dir[4096];
	struct wallet_safe_prop *props;
	size_t nprops;
	bool shown;
	struct scan_job *scan;
	pthread_t scan_thread;
	/* watching */
	uint64_t watch_call;
	struct address watch_addr;
	bool watch_quiet;                  /* watching a Safe just created: a failure is retried, not said */
	bool await_created;                /* a creation was sent: watch `created` once it answers */
	struct address created;
	uint64_t created_chain;
	/* the configuration's Safe contracts, per chain */
	struct config_safe *dep_cfg;
	size_t ndep_cfg;
	uint8_t *create_code;              /* the factory's proxyCreationCode() answer (ABI bytes) */
	size_t create_code_len;
	/* signing / executing */
	struct wallet_safe_action act;
	uint64_t act_gen;                  /* bumps when the action is cleared: a late save verdict is not its */
	uint64_t act_call;
	struct fsutil_save *act_save;      /* the signed file being written (never two at once) */
	void *act_save_ud;                 /* its context, freed here if the wallet goes first */
};

/* ---- small helpers ---- */

static struct wallet_safes *S(const struct wallet *w)
{
	return w->safes;
}

static void addr_hex(char out[ADDRESS_TEXT_SIZE], const uint8_t a[20])
{
	struct address ad;

	memcpy(ad.b, a, 20);
	address_format(&ad, out);
}

/* eth_call params {from?, to, data} at "latest". */
static cJSON *call_params(const uint8_t *from, const uint8_t to[20], const uint8_t *data, size_t len)
{
	cJSON *p = cJSON_CreateArray(), *o = cJSON_CreateObject();
	char t[ADDRESS_TEXT_SIZE];
	char *hex = malloc(2 * len + 3);

	if (!p || !o || !hex) {
		cJSON_Delete(p);
		cJSON_Delete(o);
		free(hex);
		return NULL;
	}
	if (from) {
		addr_hex(t, from);
		cJSON_AddStringToObject(o, "from", t);
	}
	addr_hex(t, to);
	cJSON_AddStringToObject(o, "to", t);
	hex_encode(hex, 2 * len + 3, data, len, 1);
	cJSON_AddStringToObject(o, "data", hex);
	free(hex);
	cJSON_AddItemToArray(p, o);
	cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
	return p;
}

static cJSON *addr_block_params(const uint8_t a[20])
{
	cJSON *p = cJSON_CreateArray();
	char t[ADDRESS_TEXT_SIZE];

	addr_hex(t, a);
	cJSON_AddItemToArray(p, cJSON_CreateString(t));
	cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
	return p;
}

/* Adds a call; false when it could not be (params freed either way). */
static bool add(struct rpc_batch *b, const char *method, cJSON *params)
{
	if (!params && strcmp(method, "eth_chainId") != 0)
		return false;
	return rpc_batch_add(b, method, params) == RPC_OK;
}

/* Reply i of a batch as bytes (an eth_call's answer): a malloc'd buffer, or NULL with why set. */
static uint8_t *reply_bytes(const struct rpc_response *res, size_t i, size_t *len, char *why, size_t cap)
{
	const struct rpc_reply *r = i < res->n ? &res->reply[i] : NULL;
	uint8_t *buf;

	*len = 0;
	if (!r) {
		snprintf(why, cap, "no answer");
		return NULL;
	}
	if (r->status != RPC_OK) {
		const cJSON *dj = r->data;
		uint8_t rb[2048];
		size_t rl = 0;

		if (cJSON_IsObject(dj))
			dj = cJSON_GetObjectItemCaseSensitive(dj, "data");
		if (cJSON_IsString(dj) && hex_decode(rb, sizeof(rb), &rl, dj->valuestring, strlen(dj->valuestring)) == CD_OK)
			abi_decode_revert(rb, rl, why, cap);
		else
			text_sanitize(why, cap, r->message ? r->message : "", r->message ? strlen(r->message) : 0);
		if (!why[0])
			snprintf(why, cap, "reverted without a reason");
		return NULL;
	}
	if (!cJSON_IsString(r->result)) {
		snprintf(why, cap, "not hex data");
		return NULL;
	}
	buf = malloc(strlen(r->result->valuestring) / 2 + 1);
	if (!buf || hex_decode(buf, strlen(r->result->valuestring) / 2 + 1, len, r->result->valuestring,
	                       strlen(r->result->valuestring)) != CD_OK) {
		free(buf);
		snprintf(why, cap, "not hex data");
		return NULL;
	}
	return buf;
}

static bool reply_u256(const struct rpc_response *res, size_t i, struct u256 *v)
{
	return i < res->n && res->reply[i].status == RPC_OK && eth_decode_u256(res->reply[i].result, v, NULL, 0) == 0;
}

/* An eth_call answer that is one uint256 word. */
static bool reply_word(const struct rpc_response *res, size_t i, struct u256 *v)
{
	char why[100];
	size_t len;
	uint8_t *b = reply_bytes(res, i, &len, why, sizeof(why));
	bool ok = b && abi_decode_uint(b, len, 0, 256, v) == CD_OK;

	free(b);
	return ok;
}

/* The four Safe reads + the balance of a, added to b in that order. */
static bool add_safe_reads(struct rpc_batch *b, const uint8_t a[20])
{
	for (size_t i = 0; i < SAFEVIEW_CALLS; i++)
		if (!add(b, "eth_call", tokens_call_params(a, safeview_call_sigs[i])))
			return false;
	return add(b, "eth_getBalance", addr_block_params(a));
}

/* The answers of add_safe_reads from reply `at` on into st; false with st->error set. */
static bool take_safe_reads(const struct rpc_response *res, size_t at, struct wallet_safe_state *st)
{
	uint8_t *b;
	size_t len;
	char why[160] = "";
	struct u256 thr;
	bool ok;

	b = reply_bytes(res, at, &len, why, sizeof(why));
	ok = b && safeview_decode_version(b, len, st->version, sizeof(st->version)) == CD_OK;
	free(b);
	if (ok) {
		b = reply_bytes(res, at + 1, &len, why, sizeof(why));
		ok = b && safeview_decode_owners(b, len, st->owners, SAFE_OWNERS_MAX, &st->nowners) == CD_OK;
		free(b);
	}
	ok = ok && reply_word(res, at + 2, &thr) && u256_to_u64(thr, &st->threshold) == 0 &&
	     reply_word(res, at + 3, &st->nonce) && reply_u256(res, at + 4, &st->balance);
	if (!ok) {
		snprintf(st->error, sizeof(st->error), "does not answer as a Safe%s%.150s", why[0] ? ": " : "", why);
		st->has_state = false;
		return false;
	}
	st->error[0] = '\0';
	st->has_state = true;
	return true;
}

/* ---- the watched list, saved beside the vault ---- */

static char *render_list(struct wallet *w, size_t *len)
{
	struct wallet_safes *s = S(w);
	size_t cap = sizeof(LIST_HEADER) + s->n * 80;
	char *out = malloc(cap), t[ADDRESS_TEXT_SIZE];
	size_t o;

	if (!out)
		return NULL;
	o = (size_t)snprintf(out, cap, "%s", LIST_HEADER);
	for (size_t i = 0; i < s->n; i++) {
		addr_hex(t, s->addr[i].b);
		o += (size_t)snprintf(out + o, cap - o, "%llu %s\n", (unsigned long long)s->chain[i], t);
	}
	*len = o;
	return out;
}

static void list_saved(struct wallet *w, int rc, const char *err)
{
	struct wallet_safes *s = S(w);
	char why[300];

	if (rc == CD_OK) {
		if (s->pending_note[0])
			wallet_say(w, "%s: saved", s->pending_note);
	} else {
		text_sanitize(why, sizeof(why), err, strlen(err));
		/* Not on disk: it is not shown as watched (the screen shows what the file holds). */
		if (s->n)
			s->n--;
		wallet_say(w, "the Safe list was NOT saved (%s): not watched", why);
	}
	s->pending_note[0] = '\0';
}

/* Parses the list file; 0, or -1 with err set (the list is then never overwritten). */
static int parse_list(struct wallet_safes *s, const char *text, size_t len, char *err, size_t cap)
{
	const char *p = text, *end = text + len;
	size_t line = 1;

	if (len < strlen(LIST_HEADER) || memcmp(text, LIST_HEADER, strlen(LIST_HEADER)) != 0) {
		snprintf(err, cap, "not a chaindeck Safe list (first line is not \"chaindeck-safes 1\")");
		return -1;
	}
	p += strlen(LIST_HEADER);
	s->n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char buf[128], *sp;
		struct u256 cu;
		uint64_t chain = 0;

		line++;
		if (l == 0 || l >= sizeof(buf) || s->n == WSAFE_MAX) {
			snprintf(err, cap, "line %zu: %s", line, s->n == WSAFE_MAX ? "more Safes than the list holds"
			                                                           : "not \"CHAINID 0xADDRESS\"");
			return -1;
		}
		memcpy(buf, p, l);
		buf[l] = '\0';
		sp = strchr(buf, ' ');
		if (!sp || sp == buf || strspn(buf, "0123456789") != (size_t)(sp - buf) ||
		    u256_parse_dec(&cu, buf, (size_t)(sp - buf)) != CD_OK || u256_to_u64(cu, &chain) != 0 || chain == 0 ||
		    address_parse(&s->addr[s->n], sp + 1, strlen(sp + 1)) != CD_OK) {
			snprintf(err, cap, "line %zu: not \"CHAINID 0xADDRESS\"", line);
			return -1;
		}
		s->chain[s->n++] = chain;
		p += l + 1;
	}
	return 0;
}

/* ---- the scan: list file (once) and proposal directory, on a worker thread ---- */

struct scan_job {
	struct wallet_safes *s;           /* NULL once orphaned */
	struct loop *loop;
	bool read_list;
	char list_path[4096];
	char dir[4096];
	/* results */
	int list_rc;
	char *list_text;
	size_t list_len;
	char list_err[300];
	struct wallet_safe_prop *props;
	size_t nprops;
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct wallet_safe_prop *)a)->name, ((const struct wallet_safe_prop *)b)->name);
}

static void scan_dir(struct scan_job *j)
{
	DIR *d = opendir(j->dir);
	struct dirent *e;

	j->props = calloc(WSAFE_PROPS_MAX, sizeof(*j->props));
	if (!d || !j->props) {
		if (d)
			closedir(d);
		return;
	}
	while ((e = readdir(d)) && j->nprops < WSAFE_PROPS_MAX) {
		struct wallet_safe_prop *pr = &j->props[j->nprops];
		size_t nl = strlen(e->d_name);
		char path[4096 + 256 + 2], err[SAFE_ERR_MAX] = "", *text = NULL;
		size_t len = 0;
		int rc;

		if (nl < 6 || nl >= sizeof(pr->name) || strcmp(e->d_name + nl - 5, ".json") != 0 || e->d_name[0] == '.')
			continue;
		snprintf(pr->name, sizeof(pr->name), "%s", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", j->dir, e->d_name);
		rc = fsutil_read(path, SAFE_FILE_MAX, 0, &text, &len, err, sizeof(err));
		if (rc == CD_OK)
			rc = safe_proposal_parse(text, len, &pr->p, err, sizeof(err));
		free(text);
		pr->ok = rc == CD_OK;
		if (!pr->ok) {
			char raw[sizeof(pr->error)];

			snprintf(raw, sizeof(raw), "refused: %s", err[0] ? err : "cannot be read");
			text_sanitize(pr->error, sizeof(pr->error), raw, strlen(raw));
		}
		j->nprops++;
	}
	closedir(d);
	qsort(j->props, j->nprops, sizeof(*j->props), name_cmp);
}

static void free_props(struct wallet_safe_prop *props, size_t n)
{
	for (size_t i = 0; props && i < n; i++)
		safe_proposal_free(&props[i].p);
	free(props);
}

static void scan_done(void *ud)
{
	struct scan_job *j = ud;
	struct wallet_safes *s = j->s;

	if (s) {
		pthread_join(s->scan_thread, NULL);
		s->scan = NULL;
		if (j->read_list) {
			s->loaded = true;
			if (j->list_rc == CD_OK &&
			    parse_list(s, j->list_text, j->list_len, s->load_error, sizeof(s->load_error)) != 0)
				s->n = 0;
			else if (j->list_rc != CD_OK && j->list_rc != CD_ENOTFOUND)
				text_sanitize(s->load_error, sizeof(s->load_error), j->list_err, strlen(j->list_err));
			if (s->load_error[0]) {
				s->file.path[0] = '\0'; /* never overwritten while it cannot be read */
				wallet_say(s->w, "the Safe list is not loaded: %s", s->load_error);
			}
		}
		free_props(s->props, s->nprops);
		s->props = j->props;
		s->nprops = j->nprops;
		j->props = NULL;
		wallet_notify(s->w);
	}
	free_props(j->props, j->nprops);
	free(j->list_text);
	free(j);
}

static void *scan_worker(void *arg)
{
	struct scan_job *j = arg;

	if (j->read_list) {
		j->list_rc = fsutil_read(j->list_path, 1 << 16, 0, &j->list_text, &j->list_len, j->list_err,
		                         sizeof(j->list_err));
	}
	if (j->dir[0])
		scan_dir(j);
	loop_post(j->loop, scan_done, j);
	return NULL;
}

static void scan_start(struct wallet_safes *s)
{
	struct scan_job *j;

	if (s->scan)
		return;
	j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->s = s;
	j->loop = s->w->loop;
	j->read_list = !s->loaded && s->file.path[0];
	snprintf(j->list_path, sizeof(j->list_path), "%s", s->file.path);
	snprintf(j->dir, sizeof(j->dir), "%s", s->dir);
	if (!j->read_list && !s->loaded)
		s->loaded = true; /* no vault directory: nothing to load, nothing to save */
	s->scan = j;
	if (pthread_create(&s->scan_thread, NULL, scan_worker, j) != 0) {
		s->scan = NULL;
		free(j);
	}
}

/* ---- the Safes' state, every refresh ---- */

static void on_poll(void *ud, const struct rpc_response *res)
{
	struct wallet *w = ud;
	struct wallet_safes *s = S(w);

	s->poll_call = 0;
	if (res->status != RPC_OK) {
		for (size_t k = 0; k < s->npoll; k++)
			text_sanitize(s->st[s->poll_idx[k]].error, sizeof(s->st[0].error), res->detail, strlen(res->detail));
		wallet_notify(w);
		return;
	}
	for (size_t k = 0; k < s->npoll; k++) {
		struct wallet_safe_state *st = &s->st[s->poll_idx[k]];
		size_t at = k * (SAFEVIEW_CALLS + 1 + s->npoll_tokens);

		take_safe_reads(res, at, st);
		st->ntokens = s->npoll_tokens;
		for (size_t j = 0; j < s->npoll_tokens; j++) {
			size_t i = at + SAFEVIEW_CALLS + 1 + j;

			memcpy(st->token[j], s->poll_token[j], 20);
			st->token_ok[j] = i < res->n && res->reply[i].status == RPC_OK &&
			                  tokens_balance_decode(res->reply[i].result, &st->token_balance[j]);
		}
	}
	wallet_notify(w);
}

/* Which Safes are shown: those of the node's chain. */
static void update_shown(struct wallet *w)
{
	struct wallet_safes *s = S(w);

	s->nshown = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (w->has_chain_id && s->chain[i] != w->chain_id)
			continue;
		if (memcmp(s->st[i].addr.b, s->addr[i].b, 20) != 0 || s->st[i].chain_id != s->chain[i]) {
			memset(&s->st[i], 0, sizeof(s->st[i]));
			s->st[i].addr = s->addr[i];
			s->st[i].chain_id = s->chain[i];
		}
		s->shown_idx[s->nshown++] = i;
	}
}

static void note_created(struct wallet *w);
static void on_watch(void *ud, const struct rpc_response *res);

void wallet_safes_tick(struct wallet *w)
{
	struct wallet_safes *s = S(w);
	struct rpc_batch *b;

	if (!s)
		return;
	note_created(w);
	if (s->await_created && !s->watch_call && s->loaded && s->file.path[0] && w->has_chain_id &&
	    w->chain_id == s->created_chain) {
		b = rpc_batch_new();
		if (b && add(b, "eth_chainId", NULL) && add_safe_reads(b, s->created.b)) {
			s->watch_addr = s->created;
			s->watch_quiet = true;
			s->watch_call = rpc_batch_send(w->rpc, b, on_watch, w);
		} else {
			rpc_batch_free(b);
		}
	}
	if (s->shown)
		scan_start(s);
	update_shown(w);
	if (s->poll_call || !w->has_chain_id || s->nshown == 0)
		return;
	b = rpc_batch_new();
	if (!b)
		return;
	s->npoll = 0;
	/* The tokens the wallet watches (`t`, the token list for this chain, those seen in history). */
	s->npoll_tokens = w->ntokens < WSAFE_TOKENS ? w->ntokens : WSAFE_TOKENS;
	memcpy(s->poll_token, w->token_addr, s->npoll_tokens * 20);
	for (size_t k = 0; k < s->nshown; k++) {
		const uint8_t *a = s->addr[s->shown_idx[k]].b;
		bool ok = add_safe_reads(b, a);

		for (size_t j = 0; ok && j < s->npoll_tokens; j++)
			ok = add(b, "eth_call", tokens_balance_params(s->poll_token[j], a));
		if (!ok) {
			rpc_batch_free(b);
			return;
		}
		s->poll_idx[s->npoll++] = s->shown_idx[k];
	}
	s->poll_call = rpc_batch_send(w->rpc, b, on_poll, w);
}

void wallet_safes_shown(struct wallet *w, bool shown)
{
	if (!S(w))
		return;
	S(w)->shown = shown;
	if (shown)
		scan_start(S(w));
}

/* ---- setup ---- */

void wallet_safes_init(struct wallet *w, const struct config *cfg)
{
	struct wallet_safes *s = calloc(1, sizeof(*s));

	if (!s)
		return;
	if (cfg && cfg->nsafes) {
		s->dep_cfg = calloc(cfg->nsafes, sizeof(*s->dep_cfg));
		if (s->dep_cfg) {
			memcpy(s->dep_cfg, cfg->safes, cfg->nsafes * sizeof(*s->dep_cfg));
			s->ndep_cfg = cfg->nsafes;
		}
	}
	w->safes = s;
	s->w = w;
	s->file.w = w;
	s->file.render = render_list;
	s->file.saved = list_saved;
	if (fsutil_sibling(s->file.path, sizeof(s->file.path), w->vault_path, "safes") != 0)
		s->file.path[0] = '\0';
	if (fsutil_xdg_path(s->dir, sizeof(s->dir), FSUTIL_XDG_DATA, "chaindeck/safe") <= 0)
		s->dir[0] = '\0';
	scan_start(s);
}

void wallet_safes_free(struct wallet *w)
{
	struct wallet_safes *s = S(w);

	if (!s)
		return;
	if (s->scan) {
		pthread_join(s->scan_thread, NULL);
		s->scan->s = NULL; /* its result, posted to the loop, is dropped there */
	}
	fsutil_save_orphan(s->file.job);
	if (s->act_save) {
		fsutil_save_orphan(s->act_save);
		free(s->act_save_ud);
	}
	wallet_safe_action_clear(w);
	free_props(s->props, s->nprops);
	free(s->dep_cfg);
	free(s->create_code);
	free(s);
	w->safes = NULL;
}

void wallet_safes_node_changed(struct wallet *w)
{
	struct wallet_safes *s = S(w);

	if (!s)
		return;
	/* The old client is freed: its calls never answer. */
	s->poll_call = s->watch_call = s->act_call = 0;
	for (size_t i = 0; i < WSAFE_MAX; i++)
		memset(&s->st[i], 0, sizeof(s->st[i]));
	if (s->act.state == WSAFE_CHECKING)
		wallet_safe_action_clear(w);
	s->nshown = 0;
}

size_t wallet_safe_count(const struct wallet *w)
{
	update_shown((struct wallet *)w);
	return S(w) ? S(w)->nshown : 0;
}

const struct wallet_safe_state *wallet_safe(const struct wallet *w, size_t i)
{
	return S(w) && i < S(w)->nshown ? &S(w)->st[S(w)->shown_idx[i]] : NULL;
}

bool wallet_safes_loaded(const struct wallet *w, const char **error)
{
	if (error)
		*error = S(w) ? S(w)->load_error : "";
	return S(w) && S(w)->loaded;
}

const char *wallet_safe_dir(const struct wallet *w)
{
	return S(w) ? S(w)->dir : "";
}

/* ---- watching ---- */

static void on_watch(void *ud, const struct rpc_response *res)
{
	struct wallet *w = ud;
	struct wallet_safes *s = S(w);
	struct wallet_safe_state st;
	struct u256 chain;
	uint64_t cid = 0;
	char t[ADDRESS_TEXT_SIZE];

	s->watch_call = 0;
	addr_hex(t, s->watch_addr.b);
	memset(&st, 0, sizeof(st));
	/* A Safe just created is tried again every refresh until it answers (its transaction may be pending). */
	if (s->watch_quiet && (res->status != RPC_OK || !take_safe_reads(res, 1, &st)))
		return;
	if (s->watch_quiet)
		s->await_created = false;
	if (res->status != RPC_OK) {
		wallet_say(w, "%s not watched: the node did not answer: %.100s", t, res->detail);
		return;
	}
	if (!reply_u256(res, 0, &chain) || u256_to_u64(chain, &cid) != 0) {
		wallet_say(w, "%s not watched: the node gives no chain id", t);
		return;
	}
	if (!s->watch_quiet && !take_safe_reads(res, 1, &st)) {
		wallet_say(w, "%s not watched: %.150s", t, st.error);
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->chain[i] == cid && memcmp(s->addr[i].b, s->watch_addr.b, 20) == 0) {
			wallet_say(w, "%s is watched already", t);
			return;
		}
	if (s->n == WSAFE_MAX || s->file.job) {
		wallet_say(w, "%s not watched: %s", t, s->n == WSAFE_MAX ? "the list is full" : "the list is being saved");
		return;
	}
	s->addr[s->n] = s->watch_addr;
	s->chain[s->n] = cid;
	s->st[s->n] = st;
	s->st[s->n].addr = s->watch_addr;
	s->st[s->n].chain_id = cid;
	s->n++;
	snprintf(s->pending_note, sizeof(s->pending_note), "Safe %s (%s, %llu of %zu) %swatched", t, st.version,
	         (unsigned long long)st.threshold, st.nowners, s->watch_quiet ? "created and " : "");
	wallet_say(w, "%s: saving...", s->pending_note);
	wallet_file_save(&s->file);
}

int wallet_safe_watch(struct wallet *w, const uint8_t addr[20])
{
	struct wallet_safes *s = S(w);
	struct rpc_batch *b;

	if (!s) {
		wallet_say(w, "out of memory");
		return -1;
	}
	if (!s->loaded || !s->file.path[0]) {
		wallet_say(w, "%s", !s->loaded ? "the Safe list is still being read: try again in a moment"
		                               : s->load_error[0] ? "the Safe list cannot be read: not changed"
		                                                  : "no vault directory to keep the Safe list in");
		return -1;
	}
	if (s->watch_call) {
		wallet_say(w, "a Safe is being checked already");
		return -1;
	}
	s->watch_quiet = false;
	b = rpc_batch_new();
	if (!b || !add(b, "eth_chainId", NULL) || !add_safe_reads(b, addr)) {
		rpc_batch_free(b);
		wallet_say(w, "out of memory");
		return -1;
	}
	memcpy(s->watch_addr.b, addr, 20);
	s->watch_call = rpc_batch_send(w->rpc, b, on_watch, w);
	wallet_say(w, "checking that it is a Safe...");
	return s->watch_call ? 0 : -1;
}

/* ---- proposals ---- */

/* A proposal for this Safe's address (on any chain: one for another chain is listed to be refused), or refused. */
static bool prop_belongs(const struct wallet_safe_prop *pr, const struct wallet_safe_state *st)
{
	return !pr->ok || memcmp(pr->p.safe.b, st->addr.b, 20) == 0;
}

size_t wallet_safe_prop_count(const struct wallet *w, size_t safe)
{
	const struct wallet_safe_state *st = wallet_safe(w, safe);
	size_t n = 0;

	for (size_t i = 0; st && i < S(w)->nprops; i++)
		n += prop_belongs(&S(w)->props[i], st);
	return n;
}

const struct wallet_safe_prop *wallet_safe_prop(const struct wallet *w, size_t safe, size_t k)
{
	const struct wallet_safe_state *st = wallet_safe(w, safe);

	for (size_t i = 0; st && i < S(w)->nprops; i++)
		if (prop_belongs(&S(w)->props[i], st) && k-- == 0)
			return &S(w)->props[i];
	return NULL;
}

/* ---- signing and executing: the checks on the node ---- */

/* A creation whose draft went out: its Safe is to be watched once it answers. */
static void note_created(struct wallet *w)
{
	struct wallet_safes *s = S(w);
	const struct wallet_draft *d = wallet_draft(w);
	struct wallet_safe_action *a = &s->act;

	if (a->kind != WSAFE_CREATE || a->state != WSAFE_READY || d->state != DRAFT_SENT || !a->exec_data ||
	    d->data_len != a->exec_len || memcmp(d->data, a->exec_data, a->exec_len) != 0)
		return;
	s->await_created = true;
	s->created = a->predicted;
	s->created_chain = d->chain_id;
}

void wallet_safe_action_clear(struct wallet *w)
{
	struct wallet_safes *s = S(w);

	if (!s)
		return;
	note_created(w);
	if (s->act_call)
		rpc_cancel(w->rpc, s->act_call);
	s->act_call = 0;
	/* A signed file being written is left to finish (never waited for here); its verdict then goes to the message line. */
	s->act_gen++;
	safe_proposal_free(&s->act.p);
	free(s->act.exec_data);
	memset(&s->act, 0, sizeof(s->act));
}

const struct wallet_safe_action *wallet_safe_action(const struct wallet *w)
{
	return S(w) ? &S(w)->act : NULL;
}

static void refuse(struct wallet *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void refuse(struct wallet *w, const char *fmt, ...)
{
	struct wallet_safes *s = S(w);
	va_list ap;

	va_start(ap, fmt);
	text_sanitize_vf(s->act.message, sizeof(s->act.message), fmt, ap);
	va_end(ap);
	s->act.state = WSAFE_REFUSED;
	wallet_notify(w);
}

/*
 * Sends the batch of an action's first checks (ok: every call of it was added) and marks the
 * action checking; a batch that could not be built refuses the action. 0, or -1 when refused.
 */
static int send_checks(struct wallet *w, struct rpc_batch *b, bool ok, rpc_cb cb)
{
	struct wallet_safes *s = S(w);

	if (!ok) {
		rpc_batch_free(b);
		refuse(w, "out of memory");
		return -1;
	}
	s->act.state = WSAFE_CHECKING;
	s->act_call = rpc_batch_send(w->rpc, b, cb, w);
	wallet_notify(w);
	return 0;
}

static bool is_owner(const struct address *owners, size_t n, const uint8_t a[20])
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(owners[i].b, a, 20) == 0)
			return true;
	return false;
}

static bool has_signed(const struct safe_proposal *p, const uint8_t a[20])
{
	for (size_t i = 0; i < p->nsigs; i++)
		if (memcmp(p->sigs[i].owner.b, a, 20) == 0)
			return true;
	return false;
}

/* The owners' signatures only, in a malloc'd array (NULL: no memory). */
static struct safe_signature *owner_sigs(const struct safe_proposal *p, const struct address *owners, size_t n,
                                         size_t *nuse)
{
	struct safe_signature *use = calloc(p->nsigs ? p->nsigs : 1, sizeof(*use));

	*nuse = 0;
	for (size_t i = 0; use && i < p->nsigs; i++)
		if (is_owner(owners, n, p->sigs[i].owner.b))
			use[(*nuse)++] = p->sigs[i];
	return use;
}

static void on_exec_checks(void *ud, const struct rpc_response *res)
{
	struct wallet *w = ud;
	struct wallet_safes *s = S(w);
	struct wallet_safe_action *a = &s->act;
	char why[300] = "";
	uint8_t *b;
	size_t len;
	bool ok = false;

	s->act_call = 0;
	if (res->status != RPC_OK) {
		refuse(w, "the node did not answer: %.200s", res->detail);
		return;
	}
	b = reply_bytes(res, 0, &len, why, sizeof(why));
	free(b);
	if (!b) {
		refuse(w, "the Safe rejects the signatures (checkSignatures: %.200s): not sent", why);
		return;
	}
	b = reply_bytes(res, 1, &len, why, sizeof(why));
	if (!b) {
		refuse(w, "execTransaction would revert: %.200s: not sent", why);
		return;
	}
	if (abi_decode_bool(b, len, 0, &ok) != CD_OK)
		snprintf(why, sizeof(why), "an answer that does not decode");
	free(b);
	if (!ok) {
		char inner[200] = "no reason given";

		b = reply_bytes(res, 2, &len, inner, sizeof(inner));
		free(b);
		refuse(w, "the Safe transaction's own call would fail (%.150s): executing it would only record "
		          "ExecutionFailure and use the nonce: not sent", b ? "no reason given" : inner);
		return;
	}
	a->state = WSAFE_READY;
	snprintf(a->message, sizeof(a->message), "checkSignatures and a simulated execTransaction pass");
	{
		/* The execution is a normal send of the execTransaction call: the wallet's draft and confirmation. */
		struct wallet_send_form f;

		memset(&f, 0, sizeof(f));
		f.from = a->account;
		memcpy(f.to, a->p.safe.b, 20);
		snprintf(f.amount, sizeof(f.amount), "0");
		f.level = FEE_NORMAL;
		f.data = a->exec_data;
		f.data_len = a->exec_len;
		wallet_prepare(w, &f);
	}
	wallet_notify(w);
}

/* EXEC after the first checks: the contract's checkSignatures and a simulated execTransaction. */
static void exec_checks(struct wallet *w, const struct wallet_safe_state *st)
{
	struct wallet_safes *s = S(w);
	struct wallet_safe_action *a = &s->act;
	struct safe_signature *use;
	struct rpc_batch *b = rpc_batch_new();
	uint8_t *cs = NULL;
	size_t nuse = 0, cs_len = 0;
	bool ok;

	use = owner_sigs(&a->p, st->owners, st->nowners, &nuse);
	a->nowner_sigs = nuse;
	if (!use || !b) {
		free(use);
		rpc_batch_free(b);
		refuse(w, "out of memory");
		return;
	}
	if (nuse < a->threshold) {
		free(use);
		rpc_batch_free(b);
		refuse(w, "%zu owner signature%s of the %llu this Safe needs: not sent", nuse, nuse == 1 ? "" : "s",
		       (unsigned long long)a->threshold);
		return;
	}
	ok = safe_encode_check_signatures(a->p.hash, use, nuse, &cs, &cs_len) == CD_OK &&
	     safe_encode_exec(&a->p.tx, use, nuse, &a->exec_data, &a->exec_len) == CD_OK;
	free(use);
	ok = ok && add(b, "eth_call", call_params(NULL, a->p.safe.b, cs, cs_len)) &&
	     add(b, "eth_call", call_params(a->account_addr, a->p.safe.b, a->exec_data, a->exec_len));
	/* Why the inner call would fail, when it would: the same call made from the Safe. */
	if (ok) {
		cJSON *p = call_params(a->p.safe.b, a->p.tx.to.b, a->p.tx.data ? a->p.tx.data : (const uint8_t *)"",
		                       a->p.tx.data_len);
		char v[80];

		if (p) {
			u256_format_hex(a->p.tx.value, v, sizeof(v));
			cJSON_AddStringToObject(cJSON_GetArrayItem(p, 0), "value", v);
		}
		ok = add(b, "eth_call", p);
	}
	free(cs);
	if (!ok) {
		rpc_batch_free(b);
		refuse(w, "out of memory");
		return;
	}
	s->act_call = rpc_batch_send(w->rpc, b, on_exec_checks, w);
}

static void on_first_checks(void *ud, const struct rpc_response *res)
{
	struct wallet *w = ud;
	struct wallet_safes *s = S(w);
	struct wallet_safe_action *a = &s->act;
	struct wallet_safe_state st;
	struct u256 chain;
	uint64_t cid = 0;
	uint8_t *b;
	size_t len;
	char why[200] = "", x[80], y[80];

	s->act_call = 0;
	if (res->status != RPC_OK) {
		refuse(w, "the node did not answer: %.200s", res->detail);
		return;
	}
	memset(&st, 0, sizeof(st));
	if (!reply_u256(res, 0, &chain) || u256_to_u64(chain, &cid) != 0) {
		refuse(w, "the node gives no chain id");
		return;
	}
	if (cid != a->p.chain_id) {
		refuse(w, "wrong chain: the proposal is for chain %llu but the node is on chain %llu: not %s",
		       (unsigned long long)a->p.chain_id, (unsigned long long)cid, a->kind == WSAFE_SIGN ? "signed" : "sent");
		return;
	}
	if (!take_safe_reads(res, 1, &st)) {
		refuse(w, "the Safe %.200s", st.error);
		return;
	}
	a->threshold = st.threshold;
	u256_format_dec(a->p.tx.nonce, x, sizeof(x));
	u256_format_dec(st.nonce, y, sizeof(y));
	if (u256_cmp(a->p.tx.nonce, st.nonce) < 0) {
		refuse(w, "nonce %s is already used (the Safe's nonce is %s): this proposal can never execute", x, y);
		return;
	}
	if (a->kind == WSAFE_EXEC && u256_cmp(a->p.tx.nonce, st.nonce) != 0) {
		refuse(w, "the proposal has nonce %s but the Safe executes nonce %s next: not sent", x, y);
		return;
	}
	b = reply_bytes(res, 1 + SAFEVIEW_CALLS + 1, &len, why, sizeof(why));
	if (!b || len != 32 || memcmp(b, a->p.hash, 32) != 0) {
		free(b);
		refuse(w, "the Safe's own getTransactionHash differs from the file's SafeTx hash%s%.100s: refused",
		       why[0] ? ": " : "", why);
		return;
	}
	free(b);
	if (a->kind == WSAFE_SIGN) {
		size_t i;

		for (i = 0; i < w->naccounts; i++) {
			const uint8_t *ad = w->accounts[i].acct.address.b;

			if (is_owner(st.owners, st.nowners, ad) && !has_signed(&a->p, ad))
				break;
		}
		if (i == w->naccounts) {
			bool any = false;

			for (size_t k = 0; k < w->naccounts; k++)
				any = any || is_owner(st.owners, st.nowners, w->accounts[k].acct.address.b);
			refuse(w, "%s", any ? "every owner account of this vault has signed this proposal already"
			                    : "no account of this vault is an owner of this Safe: not signing");
			return;
		}
		a->account = i;
		memcpy(a->account_addr, w->accounts[i].acct.address.b, 20);
		a->nowner_sigs = 0;
		for (size_t k = 0; k < a->p.nsigs; k++)
			a->nowner_sigs += is_owner(st.owners, st.nowners, a->p.sigs[k].owner.b);
		a->state = WSAFE_READY;
		snprintf(a->message, sizeof(a->message), "chain, nonce, owner and the Safe's own SafeTx hash check out");
		wallet_notify(w);
		return;
	}
	exec_checks(w, &st);
}

/* A deep copy of a proposal (through its own file format: what is checked is what the file says). */
static int copy_proposal(const struct safe_proposal *from, struct safe_proposal *to)
{
	char *json = safe_proposal_to_json(from), err[SAFE_ERR_MAX];
	int rc = json ? safe_proposal_parse(json, strlen(json), to, err, sizeof(err)) : CD_ENOMEM;

	free(json);
	return rc;
}

int wallet_safe_check(struct wallet *w, enum wsafe_kind kind, size_t safe, size_t k, size_t payer)
{
	struct wallet_safes *s = S(w);
	const struct wallet_safe_prop *pr = wallet_safe_prop(w, safe, k);
	struct wallet_safe_action *a;
	struct rpc_batch *b;
	uint8_t *gh = NULL;
	size_t gl = 0;
	bool ok;

	if (!s || !pr)
		return -1;
	wallet_safe_action_clear(w);
	a = &s->act;
	a->kind = kind;
	snprintf(a->name, sizeof(a->name), "%s", pr->name);
	if (!pr->ok) {
		refuse(w, "%s: %s", pr->name, pr->error);
		return -1;
	}
	if (kind == WSAFE_EXEC) {
		a->call_to = pr->p.safe;
		if (payer >= w->naccounts) {
			refuse(w, "no account to pay for the execution");
			return -1;
		}
		a->account = payer;
		memcpy(a->account_addr, w->accounts[payer].acct.address.b, 20);
	}
	if (copy_proposal(&pr->p, &a->p) != CD_OK) {
		refuse(w, "out of memory");
		return -1;
	}
	b = rpc_batch_new();
	ok = b && safe_encode_get_tx_hash(&a->p.tx, &gh, &gl) == CD_OK && add(b, "eth_chainId", NULL) &&
	     add_safe_reads(b, a->p.safe.b) && add(b, "eth_call", call_params(NULL, a->p.safe.b, gh, gl));
	free(gh);
	return send_checks(w, b, ok, on_first_checks);
}

/* ---- signing ---- */

struct sign_save {
	struct wallet *w;
	uint64_t gen;
	uint8_t owner[20];
	char name[256];
};

static void sign_saved(void *ud, int rc, const char *err)
{
	struct sign_save *ss = ud;
	struct wallet *w = ss->w;
	struct wallet_safes *s = S(w);
	char t[ADDRESS_TEXT_SIZE];

	s->act_save = NULL;
	s->act_save_ud = NULL;
	addr_hex(t, ss->owner);
	if (ss->gen != s->act_gen) {
		/* The screen was left meanwhile: the verdict goes to the message line. */
		if (rc == CD_OK)
			wallet_say(w, "signed by %s and saved to %.150s", t, ss->name);
		else
			wallet_say(w, "signed but NOT saved to %.100s: %.150s", ss->name, err);
		free(ss);
		scan_start(s);
		return;
	}
	free(ss);
	if (rc == CD_OK) {
		s->act.state = WSAFE_SIGNED;
		snprintf(s->act.message, sizeof(s->act.message), "signed by %s and saved to %.150s", t, s->act.name);
		log_msg(LOG_INFO, "wallet: Safe proposal %s signed by %s", s->act.name, t);
		scan_start(s);
	} else {
		refuse(w, "signed but NOT saved to %.100s: %.150s", s->act.name, err);
	}
	wallet_notify(w);
}

int wallet_safe_sign(struct wallet *w)
{
	struct wallet_safes *s = S(w);
	struct wallet_safe_action *a = s ? &s->act : NULL;
	struct address owner;
	uint8_t *key, sig[65];
	char err[SAFE_ERR_MAX] = "", path[4096 + 260], *json;
	struct sign_save *ss;
	int rc;

	if (!a || a->kind != WSAFE_SIGN || a->state != WSAFE_READY)
		return -1;
	if (w->state != WALLET_UNLOCKED) {
		wallet_say(w, "unlock first: u");
		return -1;
	}
	if (s->act_save) {
		wallet_say(w, "the last signature is still being saved: try again in a moment");
		return -1;
	}
	key = sodium_malloc(32);
	if (!key) {
		refuse(w, "out of memory");
		return -1;
	}
	/* The key of the account shown, found by its address and checked to derive it. */
	rc = wallet_key_of(w, a->account_addr, key, err, sizeof(err));
	if (rc == 0 && safe_sign(&a->p, key, sig) != CD_OK) {
		rc = -1;
		snprintf(err, sizeof(err), "cannot sign the SafeTx hash");
	}
	sodium_free(key);
	memcpy(owner.b, a->account_addr, 20);
	if (rc == 0 && safe_proposal_add_signature(&a->p, &owner, sig, err, sizeof(err)) != CD_OK)
		rc = -1;
	if (rc != 0) {
		refuse(w, "not signed: %.200s", err);
		return -1;
	}
	json = safe_proposal_to_json(&a->p);
	snprintf(path, sizeof(path), "%s/%s", s->dir, a->name);
	if (!json) {
		refuse(w, "signed but NOT saved: out of memory");
		return -1;
	}
	ss = calloc(1, sizeof(*ss));
	if (!ss) {
		free(json);
		refuse(w, "signed but NOT saved: out of memory");
		return -1;
	}
	ss->w = w;
	ss->gen = s->act_gen;
	memcpy(ss->owner, a->account_addr, 20);
	snprintf(ss->name, sizeof(ss->name), "%s", a->name);
	a->state = WSAFE_SIGNING;
	s->act_save = fsutil_save_start(w->loop, path, json, strlen(json), FSUTIL_MKDIR, sign_saved, ss);
	s->act_save_ud = ss;
	if (!s->act_save) {
		free(ss);
		s->act_save_ud = NULL;
		refuse(w, "signed but NOT saved: cannot start the writer thread");
		return -1;
	}
	wallet_notify(w);
	return 0;
}

/* ---- creating ---- */

static void create_check_free(struct wallet *w);

/* The factory call for the current salt, and whether its address is free (eth_getCode there). */
static void on_created_free(void *ud, const struct rpc_response *res)
{
	struct wallet *w = ud;
	struct wallet_safes *s = S(w);
	struct wallet_safe_action *a = &s->act;
	const struct rpc_reply *r = res->status == RPC_OK && res->n == 1 ? &res->reply[0] : NULL;
	struct wallet_send_form f;

	s->act_call = 0;
	if (!r || r->status != RPC_OK || !cJSON_IsString(r->result)) {
		refuse(w, "the node did not answer eth_getCode%s%.200s", res->status != RPC_OK ? ": " : "",
		       res->status != RPC_OK ? res->detail : "");
		return;
	}
	if (strcmp(r->result->valuestring, "0x") != 0 && r->result->valuestring[0]) {
		/* Taken (the same owners and threshold made a Safe before): the next salt, as --salt N would. */
		if (u256_cmp(a->salt, u256_from_u64(16)) >= 0) {
			refuse(w, "Safes with these owners and threshold exist at salts 0..16 already: not created");
			return;
		}
		u256_add(&a->salt, a->salt, u256_from_u64(1));
		create_check_free(w);
		return;
	}
	a->state = WSAFE_READY;
	snprintf(a->message, sizeof(a->message), "the factory and singleton are deployed; the address is free");
	memset(&f, 0, sizeof(f));
	f.from = a->account;
	memcpy(f.to, a->call_to.b, 20);
	snprintf(f.amount, sizeof(f.amount), "0");
	f.level = FEE_NORMAL;
	f.data = a->exec_data;
	f.data_len = a->exec_len;
	wallet_prepare(w, &f);
	wallet_notify(w);
}

static void create_check_free(struct wallet *w)
{
	struct wallet_safes *s = S(w);
	struct wallet_safe_action *a = &s->act;
	struct rpc_batch *b = rpc_batch_new();
	int rc;

	free(a->exec_data);
	a->exec_data = NULL;
	rc = safe_create_call(&a->dep, a->owners, a->nowners, a->threshold, a->salt, s->create_code, s->create_code_len,
	                     &a->exec_data, &a->exec_len, &a->predicted);
	if (rc != CD_OK || !b || !add(b, "eth_getCode", addr_block_params(a->predicted.b))) {
		rpc_batch_free(b);
		refuse(w, "%s", rc == CD_EINVAL ? "the factory's proxyCreationCode() does not decode" : "out of memory");
		return;
	}
	s->act_call = rpc_batch_send(w->rpc, b, on_created_free, w);
}

static bool reply_has_code(const struct rpc_response *res, size_t i)
{
	return i < res->n && res->reply[i].status == RPC_OK && cJSON_IsString(res->reply[i].result) &&
	       strcmp(res->reply[i].result->valuestring, "0x") != 0 && res->reply[i].result->valuestring[0];
}

static void on_create_checks(void *ud, const struct rpc_response *res)
{
	struct wallet *w = ud;
	struct wallet_safes *s = S(w);
	struct wallet_safe_action *a = &s->act;
	struct u256 chain;
	uint64_t cid = 0;
	char why[200] = "", t[ADDRESS_TEXT_SIZE];

	s->act_call = 0;
	if (res->status != RPC_OK) {
		refuse(w, "the node did not answer: %.200s", res->detail);
		return;
	}
	if (!reply_u256(res, 0, &chain) || u256_to_u64(chain, &cid) != 0 || cid != a->p.chain_id) {
		refuse(w, "the node is no longer on chain %llu: not created", (unsigned long long)a->p.chain_id);
		return;
	}
	if (!reply_has_code(res, 1) || !reply_has_code(res, 2)) {
		addr_hex(t, reply_has_code(res, 1) ? a->dep.singleton.b : a->dep.proxy_factory.b);
		refuse(w, "no Safe 1.4.1 %s at %s on chain %llu (the config file can name its address: [safe \"%llu\"])",
		       reply_has_code(res, 1) ? "singleton" : "SafeProxyFactory", t, (unsigned long long)cid,
		       (unsigned long long)cid);
		return;
	}
	free(s->create_code);
	s->create_code = reply_bytes(res, 3, &s->create_code_len, why, sizeof(why));
	if (!s->create_code) {
		refuse(w, "proxyCreationCode(): %.200s", why);
		return;
	}
	create_check_free(w);
}

int wallet_safe_create(struct wallet *w, size_t payer, const struct address *owners, size_t n, uint64_t threshold)
{
	struct wallet_safes *s = S(w);
	struct wallet_safe_action *a;
	struct rpc_batch *b;
	struct config cfg;
	bool ok;

	if (!s)
		return -1;
	wallet_safe_action_clear(w);
	a = &s->act;
	a->kind = WSAFE_CREATE;
	snprintf(a->name, sizeof(a->name), "(a new Safe)");
	if (payer >= w->naccounts || n == 0 || n > SAFE_OWNERS_MAX || threshold == 0 || threshold > n) {
		refuse(w, "%s", payer >= w->naccounts ? "no account to pay for the creation"
		                                      : "the threshold must be 1 to the number of owners");
		return -1;
	}
	if (!w->has_chain_id) {
		refuse(w, "the node's chain id is not known yet: try again in a moment");
		return -1;
	}
	a->account = payer;
	memcpy(a->account_addr, w->accounts[payer].acct.address.b, 20);
	memcpy(a->owners, owners, n * sizeof(*owners));
	a->nowners = n;
	a->threshold = threshold;
	a->salt = u256_from_u64(0);
	a->p.chain_id = w->chain_id;
	/* The contracts of this chain: canonical, or as the configuration names them. */
	config_init(&cfg);
	cfg.safes = s->dep_cfg;
	cfg.nsafes = s->ndep_cfg;
	safe_deployment_for(&cfg, w->chain_id, &a->dep);
	a->call_to = a->dep.proxy_factory;
	b = rpc_batch_new();
	ok = b && add(b, "eth_chainId", NULL) && add(b, "eth_getCode", addr_block_params(a->dep.proxy_factory.b)) &&
	     add(b, "eth_getCode", addr_block_params(a->dep.singleton.b)) &&
	     add(b, "eth_call", tokens_call_params(a->dep.proxy_factory.b, "proxyCreationCode()"));
	return send_checks(w, b, ok, on_create_checks);
}
