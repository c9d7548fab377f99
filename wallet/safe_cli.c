/*
 * safe_cli — `chaindeck safe <command>`: create, inspect, propose, co-sign and
 * execute Safe multisig transactions against the user's node. Contract in
 * safe_cli.h; the Safe's data and hashing live in wallet/safe.
 *
 * The node is read one call at a time: each call runs the rpc client's
 * loop until its answer is in (a command-line tool has nothing else to do
 * meanwhile). Transactions (create, exec) are sent the one way chaindeck
 * sends: through the wallet model's draft and send (wallet/wallet_send.c),
 * the command running the loop until each step is done (send_tx). Safe
 * signatures use the key wallet_cli_account_key gives.
 */
#include "wallet/safe_cli.h"

#include <curl/curl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "common/abi.h"
#include "common/address.h"
#include "common/addressbook.h"
#include "common/config.h"
#include "common/eth.h"
#include "common/fsutil.h"
#include "common/hex.h"
#include "common/keccak.h"
#include "common/loop.h"
#include "common/rpc.h"
#include "common/safeview.h"
#include "common/text.h"
#include "common/u256.h"
#include "wallet/safe.h"
#include "wallet/vault.h"
#include "wallet/wallet.h"
#include "wallet/wallet_cli.h"

enum {
	EX_OK = WALLET_CLI_OK,
	EX_FAIL = WALLET_CLI_EFAIL,
	EX_USAGE = WALLET_CLI_EUSAGE,
	EX_NOTFOUND = WALLET_CLI_ENOTFOUND
};

enum { RECEIPT_WAIT_MS = 120000, RETURN_MAX = 1 << 16 };

struct opts {
	const char *rpc_url, *vault, *password_file, *from, *out, *owners, *to, *value, *data, *erc20,
		*amount, *add_owner, *remove_owner, *book;
	const char *threshold, *change_threshold, *salt, *nonce, *safe_tx_gas;
	bool allow_failure, offline, l2;
	char **args;
	int nargs;
};

struct ctx {
	struct opts o;
	struct loop *loop;
	struct rpc_client *rpc;
	uint64_t chain_id;
	char revert[512];  /* the last eth_call / eth_estimateGas revert, as text */
	struct config cfg; /* the configuration file's (its [safe "CHAINID"] sections) and the node used */
};

static int fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(int rc, const char *fmt, ...)
{
	va_list ap;

	fputs("chaindeck safe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return rc;
}

/* ---- the node, one call at a time --------------------------------------------------------------- */

struct sync {
	bool done;
	int status;      /* 0 ok, -1 transport, -2 the node's error */
	cJSON *result;
	char why[512];
};

static void on_reply(void *ud, const struct rpc_response *res)
{
	struct sync *s = ud;
	const struct rpc_reply *r;

	s->done = true;
	if (res->status != RPC_OK) {
		s->status = -1;
		snprintf(s->why, sizeof(s->why), "the node did not answer: %.400s", res->detail ? res->detail : "");
		return;
	}
	r = &res->reply[0];
	if (r->status != RPC_OK) {
		const cJSON *dj = r->data;
		uint8_t buf[2048];
		size_t len = 0;

		s->status = -2;
		/* The revert reason in error.data (hex), else the node's message. */
		if (cJSON_IsObject(dj))
			dj = cJSON_GetObjectItemCaseSensitive(dj, "data");
		if (cJSON_IsString(dj) &&
		    hex_decode(buf, sizeof(buf), &len, dj->valuestring, strlen(dj->valuestring)) == CD_OK)
			abi_decode_revert(buf, len, s->why, sizeof(s->why));
		else
			text_sanitize(s->why, sizeof(s->why), r->message ? r->message : "",
			              r->message ? strlen(r->message) : 0);
		return;
	}
	s->status = 0;
	s->result = cJSON_Duplicate(r->result, 1);
	if (!s->result) {
		s->status = -1;
		snprintf(s->why, sizeof(s->why), "out of memory");
	}
}

/* 0 with *result (the caller deletes it), or -1 / -2 with why (see struct sync). Takes params. */
static int call(struct ctx *x, const char *method, cJSON *params, cJSON **result, char *why, size_t cap)
{
	struct sync s;

	memset(&s, 0, sizeof(s));
	if (!rpc_call(x->rpc, method, params, on_reply, &s)) {
		snprintf(why, cap, "out of memory");
		return -1;
	}
	while (!s.done) {
		if (loop_run_once(x->loop, 1000) != 0) {
			snprintf(why, cap, "the event loop failed");
			return -1;
		}
	}
	snprintf(why, cap, "%s", s.why);
	*result = s.result;
	return s.status;
}

static cJSON *params_of(const char *a, const char *b)
{
	cJSON *p = cJSON_CreateArray();

	if (a)
		cJSON_AddItemToArray(p, cJSON_CreateString(a));
	if (b)
		cJSON_AddItemToArray(p, cJSON_CreateString(b));
	return p;
}

static int call_u256(struct ctx *x, const char *method, cJSON *params, struct u256 *v)
{
	cJSON *r = NULL;
	char why[512];
	int rc = call(x, method, params, &r, why, sizeof(why));

	if (rc == 0 && eth_decode_u256(r, v, NULL, 0) != 0) {
		snprintf(why, sizeof(why), "%s: not a quantity", method);
		rc = -1;
	}
	cJSON_Delete(r);
	if (rc != 0)
		return fail(EX_FAIL, "%s: %s", method, why);
	return 0;
}

static void addr_text(char out[ADDRESS_TEXT_SIZE], const struct address *a)
{
	address_format(a, out);
}

/* eth_getCode is not empty. */
static int has_code(struct ctx *x, const struct address *a, bool *yes)
{
	char t[ADDRESS_TEXT_SIZE], why[512];
	cJSON *r = NULL;
	int rc;

	addr_text(t, a);
	rc = call(x, "eth_getCode", params_of(t, "latest"), &r, why, sizeof(why));
	if (rc != 0 || !cJSON_IsString(r)) {
		cJSON_Delete(r);
		return fail(EX_FAIL, "eth_getCode: %s", rc ? why : "not a string");
	}
	*yes = strcmp(r->valuestring, "0x") != 0 && strcmp(r->valuestring, "") != 0;
	cJSON_Delete(r);
	return 0;
}

static cJSON *call_object(const struct address *from, const struct address *to, struct u256 value,
                          const uint8_t *data, size_t len)
{
	cJSON *o = cJSON_CreateObject();
	char t[ADDRESS_TEXT_SIZE], v[80];
	char *hex = malloc(2 * len + 3);

	if (from) {
		addr_text(t, from);
		cJSON_AddStringToObject(o, "from", t);
	}
	addr_text(t, to);
	cJSON_AddStringToObject(o, "to", t);
	u256_format_hex(value, v, sizeof(v));
	cJSON_AddStringToObject(o, "value", v);
	if (hex) {
		hex_encode(hex, 2 * len + 3, data, len, 1);
		cJSON_AddStringToObject(o, "data", hex);
	}
	free(hex);
	return o;
}

/*
 * eth_call: 0 with the return data in *ret (malloc'd), -2 when it reverts
 * (x->revert says why), else an exit status after saying why.
 */
static int eth_call_raw(struct ctx *x, const struct address *from, const struct address *to, struct u256 value,
                        const uint8_t *data, size_t len, uint8_t **ret, size_t *retlen)
{
	cJSON *p = cJSON_CreateArray(), *r = NULL;
	char why[512];
	int rc;

	*ret = NULL;
	*retlen = 0;
	cJSON_AddItemToArray(p, call_object(from, to, value, data, len));
	cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
	rc = call(x, "eth_call", p, &r, why, sizeof(why));
	if (rc == -2) {
		snprintf(x->revert, sizeof(x->revert), "%s", why);
		return -2;
	}
	if (rc != 0) {
		cJSON_Delete(r);
		return fail(EX_FAIL, "eth_call: %s", why);
	}
	*ret = malloc(RETURN_MAX);
	if (!*ret || !cJSON_IsString(r) ||
	    hex_decode(*ret, RETURN_MAX, retlen, r->valuestring, strlen(r->valuestring)) != CD_OK) {
		free(*ret);
		*ret = NULL;
		cJSON_Delete(r);
		return fail(EX_FAIL, "eth_call: the answer is not hex data");
	}
	cJSON_Delete(r);
	return 0;
}

/* A view call on the Safe that must not revert. */
static int view(struct ctx *x, const struct address *to, const uint8_t *data, size_t len, uint8_t **ret,
                size_t *retlen)
{
	int rc = eth_call_raw(x, NULL, to, u256_from_u64(0), data, len, ret, retlen);

	if (rc == -2) {
		char t[ADDRESS_TEXT_SIZE];

		addr_text(t, to);
		return fail(EX_FAIL, "%s does not answer as a Safe 1.4.1: %s", t, x->revert);
	}
	return rc;
}

static int view_sig(struct ctx *x, const struct address *to, const char *sig, uint8_t **ret, size_t *retlen)
{
	uint8_t data[4];

	abi_selector(sig, data);
	return view(x, to, data, 4, ret, retlen);
}

static int safe_uint(struct ctx *x, const struct address *safe, const char *sig, struct u256 *v)
{
	uint8_t *ret;
	size_t n;
	int rc = view_sig(x, safe, sig, &ret, &n);

	if (rc != 0)
		return rc;
	rc = abi_decode_uint(ret, n, 0, 256, v);
	free(ret);
	return rc == CD_OK ? 0 : fail(EX_FAIL, "%s: an answer that does not decode", sig);
}

/* getOwners(): *owners malloc'd. */
static int safe_owners(struct ctx *x, const struct address *safe, struct address **owners, size_t *n)
{
	uint8_t *ret;
	size_t len;
	int rc = view_sig(x, safe, "getOwners()", &ret, &len);

	*owners = NULL;
	*n = 0;
	if (rc != 0)
		return rc;
	*owners = calloc(SAFE_OWNERS_MAX * 4, sizeof(**owners));
	rc = *owners ? safeview_decode_owners(ret, len, *owners, SAFE_OWNERS_MAX * 4, n) : CD_ENOMEM;
	free(ret);
	if (rc != CD_OK) {
		free(*owners);
		*owners = NULL;
		*n = 0;
		return fail(EX_FAIL, "getOwners(): an answer that does not decode");
	}
	return 0;
}

static bool is_owner(const struct address *owners, size_t n, const struct address *a)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(owners[i].b, a->b, 20) == 0)
			return true;
	return false;
}

/* An address with no code is an account, not a Safe: say that rather than "does not decode". */
static int require_contract(struct ctx *x, const struct address *safe)
{
	char t[ADDRESS_TEXT_SIZE];
	bool yes = false;
	int rc = has_code(x, safe, &yes);

	if (rc == 0 && !yes) {
		addr_text(t, safe);
		rc = fail(EX_FAIL, "%s has no contract code on chain %llu: it is not a Safe", t,
		          (unsigned long long)x->chain_id);
	}
	return rc;
}

/* ---- sending, as the send form does: chain, nonce, gas, fees, tx_check, sign, broadcast ----- */

static int wait_receipt(struct ctx *x, const uint8_t hash[32], struct eth_receipt *rcpt)
{
	char h[70], why[512];
	uint64_t until = loop_now_ms() + RECEIPT_WAIT_MS;

	hex_encode(h, sizeof(h), hash, 32, 1);
	for (;;) {
		cJSON *r = NULL;
		int rc = call(x, "eth_getTransactionReceipt", params_of(h, NULL), &r, why, sizeof(why));

		if (rc == 0 && r && !cJSON_IsNull(r)) {
			rc = eth_decode_receipt(r, rcpt, why, sizeof(why));
			cJSON_Delete(r);
			if (rc != 0)
				return fail(EX_FAIL, "the receipt of %s does not decode: %s", h, why);
			return 0;
		}
		cJSON_Delete(r);
		if (loop_now_ms() > until)
			return fail(EX_FAIL, "transaction %s: no receipt after %d s; it may still be mined", h,
			            RECEIPT_WAIT_MS / 1000);
		usleep(200000);
	}
}

/* The wallet model reports changes through this; the command looks at its state after each loop turn instead. */
static void wallet_changed(void *ud)
{
	(void)ud;
}

/* Runs the loop until the wallet leaves state `busy` (an unlock) or the draft leaves `dbusy`. */
static void wait_unlock(struct ctx *x, struct wallet *w)
{
	while (wallet_state(w) == WALLET_UNLOCKING && loop_run_once(x->loop, 200) == 0)
		;
}

static void wait_draft(struct ctx *x, struct wallet *w, enum wallet_draft_state busy)
{
	while (wallet_draft(w)->state == busy && loop_run_once(x->loop, 200) == 0)
		;
}

/* The vault, unlocked, and the index of account `from` in it: 0, or an exit status after saying why. */
static int open_wallet(struct ctx *x, const struct address *from, struct wallet **out, size_t *idx)
{
	char path[4096], err[512] = "", *pw = NULL, ft[ADDRESS_TEXT_SIZE];
	struct wallet *w;
	size_t i, n;
	int rc;

	*out = NULL;
	if (x->o.vault)
		snprintf(path, sizeof(path), "%s", x->o.vault);
	else if (vault_default_path(path, sizeof(path)) != CD_OK)
		return fail(EX_USAGE, "no vault path: set HOME or XDG_DATA_HOME, or give --vault");
	w = wallet_new(x->loop, &x->cfg, &x->cfg.nodes[0], path, wallet_changed, NULL, err, sizeof(err));
	if (!w)
		return fail(EX_FAIL, "%s", err);
	*out = w;
	if (wallet_state(w) == WALLET_NO_VAULT)
		return fail(EX_NOTFOUND, "%s: no vault there", path);
	if (wallet_state(w) == WALLET_BROKEN)
		return fail(EX_FAIL, "%s", wallet_message(w));
	addr_text(ft, from);
	n = wallet_account_count(w);
	for (i = 0; i < n && memcmp(wallet_account(w, i)->acct.address.b, from->b, 20) != 0; i++)
		;
	if (i == n)
		return fail(EX_NOTFOUND, "%s is not an account of the vault", ft);
	rc = wallet_cli_vault_password(x->o.password_file, &pw);
	if (rc != 0)
		return rc;
	wallet_unlock(w, pw);
	wallet_cli_password_free(pw);
	wait_unlock(x, w);
	if (wallet_state(w) != WALLET_UNLOCKED)
		return fail(wallet_tampered(w) ? EX_FAIL : WALLET_CLI_EPASSWORD, "%s", wallet_message(w));
	*idx = i;
	return 0;
}

/*
 * Sends `data` to the contract `to` from account `from` the one way chaindeck
 * sends a transaction: the wallet's own draft (nonce, fees from the fee
 * history, gas estimate, the pre-send check with the revert reason), signed
 * exactly as prepared after the node's chain id is checked again, broadcast
 * and recorded as sent beside the vault -- as the pane's send and its Safe
 * executions are. This command only waits for each step, then for the receipt.
 */
static int send_tx(struct ctx *x, const struct address *from, const struct address *to, const uint8_t *data,
                   size_t len, struct eth_receipt *rcpt)
{
	struct wallet_send_form f;
	const struct wallet_draft *d;
	struct wallet *w = NULL;
	size_t idx = 0;
	char h[70];
	int rc = open_wallet(x, from, &w, &idx);

	if (rc != 0)
		goto out;
	memset(&f, 0, sizeof(f));
	f.from = idx;
	memcpy(f.to, to->b, 20);
	snprintf(f.amount, sizeof(f.amount), "0");
	f.level = FEE_NORMAL;
	f.data = data;
	f.data_len = len;
	wallet_prepare(w, &f);
	wait_draft(x, w, DRAFT_PREPARING);
	d = wallet_draft(w);
	if (d->state != DRAFT_READY) {
		rc = fail(EX_FAIL, "not sent: %s", d->message);
		goto out;
	}
	if (!d->precheck_ok) {
		rc = fail(EX_FAIL, "the node's pre-send check says it would fail: %s: not sent", d->message);
		goto out;
	}
	wallet_send(w);
	wait_draft(x, w, DRAFT_SENDING);
	d = wallet_draft(w);
	if (d->state != DRAFT_SENT) {
		rc = fail(EX_FAIL, "not sent: %s", d->message);
		goto out;
	}
	hex_encode(h, sizeof(h), d->sent_hash, 32, 1);
	fprintf(stderr, "chaindeck safe: sent %s, waiting for its receipt\n", h);
	rc = wait_receipt(x, d->sent_hash, rcpt);
out:
	wallet_free(w);
	return rc;
}

/* ---- shared steps ------------------------------------------------------------------------------- */

static int parse_addr(const char *s, struct address *a, const char *what)
{
	int rc;

	if (!s)
		return fail(EX_USAGE, "%s is required", what);
	rc = address_parse(a, s, strlen(s));
	if (rc != CD_OK)
		return fail(EX_USAGE, "%s %.60s: %s", what, s, cd_strerror(rc));
	return 0;
}

static int parse_dec(const char *s, struct u256 *v, const char *what)
{
	size_t n = strlen(s);

	if (n == 0 || strspn(s, "0123456789") != n || u256_parse_dec(v, s, n) != 0)
		return fail(EX_USAGE, "%s %.60s: not a decimal number", what, s);
	return 0;
}

static int parse_small(const char *s, uint64_t *v, const char *what)
{
	struct u256 u;
	int rc = parse_dec(s, &u, what);

	if (rc == 0 && (u256_to_u64(u, v) != 0 || *v == 0 || *v > SAFE_OWNERS_MAX))
		return fail(EX_USAGE, "%s %.60s: must be 1..%d", what, s, SAFE_OWNERS_MAX);
	return rc;
}

static int connect_node(struct ctx *x)
{
	struct config cfg;
	struct rpc_opts ro;
	char path[4096], err[512] = "";
	const char *urls[1] = { x->o.rpc_url };
	struct u256 chain;
	int rc;

	/* The file is read (and validated) even with --rpc-url: it may name the Safe contracts' addresses. */
	config_init(&cfg);
	if (config_default_path(path, sizeof(path)) > 0 && access(path, F_OK) == 0 &&
	    config_load(&cfg, path, err, sizeof(err)) != 0) {
		config_free(&cfg);
		return fail(EX_FAIL, "%s", err);
	}
	if (config_apply_overrides(&cfg, urls, x->o.rpc_url ? 1 : 0, getenv("ETH_RPC_URL"), err, sizeof(err)) != 0 ||
	    cfg.nnodes == 0) {
		config_free(&cfg);
		return fail(EX_USAGE, "%s", err[0] ? err : "no node");
	}
	memset(&ro, 0, sizeof(ro));
	ro.url = cfg.nodes[0].url;
	ro.bearer = cfg.nodes[0].bearer;
	ro.headers = (const char *const *)cfg.nodes[0].headers;
	ro.nheaders = cfg.nodes[0].nheaders;
	ro.ca_file = cfg.nodes[0].ca_file;
	ro.timeout_ms = 30000;
	ro.connections = 1;
	x->rpc = rpc_client_new(x->loop, &ro, err, sizeof(err));
	x->cfg = cfg;
	if (!x->rpc)
		return fail(EX_USAGE, "%s", err);
	rc = call_u256(x, "eth_chainId", NULL, &chain);
	if (rc == 0 && (u256_to_u64(chain, &x->chain_id) != 0 || x->chain_id == 0))
		rc = fail(EX_FAIL, "the node's chain id is out of range");
	return rc;
}

static int check_contract_hash(struct ctx *x, const struct safe_proposal *p)
{
	uint8_t *data, *ret;
	size_t len, n;
	int rc;

	if (safe_encode_get_tx_hash(&p->tx, &data, &len) != CD_OK)
		return fail(EX_FAIL, "cannot encode getTransactionHash");
	rc = view(x, &p->safe, data, len, &ret, &n);
	free(data);
	if (rc != 0)
		return rc;
	rc = ret && n == 32 && memcmp(ret, p->hash, 32) == 0 ? 0
		: fail(EX_FAIL, "the Safe's own getTransactionHash differs from the proposal's SafeTx hash: not signing or sending");
	free(ret);
	return rc;
}

static int read_proposal(const char *path, struct safe_proposal *p)
{
	char *text = NULL, err[SAFE_ERR_MAX] = "";
	size_t len = 0;
	/* Any file the user names: what it says is validated field by field and checked against the Safe. */
	int rc = fsutil_read(path, SAFE_FILE_MAX, FSUTIL_FOLLOW, &text, &len, err, sizeof(err));

	memset(p, 0, sizeof(*p));
	if (rc == CD_ENOTFOUND)
		return fail(EX_NOTFOUND, "%s: no such file", path);
	if (rc != CD_OK)
		return fail(EX_FAIL, "%s", err);
	rc = safe_proposal_parse(text, len, p, err, sizeof(err));
	free(text);
	if (rc != CD_OK)
		return fail(EX_FAIL, "%s: refused: %s", path, err);
	return 0;
}

static int write_proposal(const char *path, const struct safe_proposal *p)
{
	char err[512] = "", *text = safe_proposal_to_json(p);
	int rc;

	if (!text)
		return fail(EX_FAIL, "out of memory");
	rc = fsutil_replace(path, text, strlen(text), err, sizeof(err));
	free(text);
	return rc == CD_OK ? 0 : fail(EX_FAIL, "%s: not saved: %s", path, err);
}

/* The online checks every co-signer and the executor make: chain, nonce not used, hash as the contract computes. */
static int check_online(struct ctx *x, const struct safe_proposal *p, struct u256 *safe_nonce)
{
	int rc;

	if (p->chain_id != x->chain_id)
		return fail(EX_FAIL, "the proposal is for chain %llu but the node is on chain %llu",
		            (unsigned long long)p->chain_id, (unsigned long long)x->chain_id);
	rc = safe_uint(x, &p->safe, "nonce()", safe_nonce);
	if (rc != 0)
		return rc;
	if (u256_cmp(p->tx.nonce, *safe_nonce) < 0) {
		char a[80], b[80];

		u256_format_dec(p->tx.nonce, a, sizeof(a));
		u256_format_dec(*safe_nonce, b, sizeof(b));
		return fail(EX_FAIL, "nonce %s is already used (the Safe's nonce is %s): this proposal can never execute",
		            a, b);
	}
	return check_contract_hash(x, p);
}

/* What is about to be signed or executed, on stderr: the decoded call, its nonce and hash. */
static void show_proposal(const struct safe_proposal *p)
{
	char a[ADDRESS_TEXT_SIZE], v[100], n[80], h[70], call[1100];

	addr_text(a, &p->safe);
	fprintf(stderr, "  Safe       %s (chain %llu)\n", a, (unsigned long long)p->chain_id);
	addr_text(a, &p->tx.to);
	fprintf(stderr, "  to         %s\n", a);
	u256_format_units(p->tx.value, 18, v, sizeof(v));
	fprintf(stderr, "  value      %s ETH\n", v);
	fprintf(stderr, "  operation  %s\n", p->tx.operation ? "DELEGATECALL (runs code as the Safe itself)" : "call");
	safe_describe_call(&p->tx, call, sizeof(call));
	if (p->tx.data_len)
		fprintf(stderr, "  %s %s\n", call[strlen(call) - 1] == ')' ? "call      " : "data      ", call);
	u256_format_dec(p->tx.nonce, n, sizeof(n));
	fprintf(stderr, "  nonce      %s\n", n);
	hex_encode(h, sizeof(h), p->hash, 32, 1);
	fprintf(stderr, "  safeTxHash %s\n", h);
}

/* ---- commands ---------------------------------------------------------------------------------- */

/* create's flags: --from, --threshold, --salt and --owners, a list of distinct addresses at least --threshold long. */
static int create_parse_flags(const struct opts *o, struct address *from, uint64_t *threshold, struct u256 *salt,
                              struct address owners[SAFE_OWNERS_MAX], size_t *n)
{
	int rc;

	if (!o->owners || !o->threshold || !o->from)
		return fail(EX_USAGE, "create needs --owners A,B,C --threshold N --from ADDRESS");
	rc = parse_addr(o->from, from, "--from");
	if (rc == 0)
		rc = parse_small(o->threshold, threshold, "--threshold");
	if (rc == 0 && o->salt)
		rc = parse_dec(o->salt, salt, "--salt");
	if (rc == 0) {
		char err[200];

		if (safe_parse_owners(o->owners, owners, SAFE_OWNERS_MAX, n, err, sizeof(err)) != CD_OK)
			rc = fail(EX_USAGE, "--owners: %s", err);
	}
	if (rc != 0)
		return rc;
	if (*threshold > *n)
		return fail(EX_USAGE, "--threshold %llu is more than the %zu owners", (unsigned long long)*threshold, *n);
	return 0;
}

/* The Safe 1.4.1 factory and singleton (canonical, or the configuration's) must be deployed on the node's chain. */
static int create_check_deployment(struct ctx *x, const struct safe_deployment *d, bool configured)
{
	char t[ADDRESS_TEXT_SIZE];
	const char *where = configured ? "the address the configuration names" : "its canonical address";
	bool yes = false;
	int rc = has_code(x, &d->proxy_factory, &yes);

	addr_text(t, &d->proxy_factory);
	if (rc == 0 && !yes)
		rc = fail(EX_FAIL, "no SafeProxyFactory 1.4.1 at %s (%s) on chain %llu", where, t,
		          (unsigned long long)x->chain_id);
	if (rc == 0 && (rc = has_code(x, &d->singleton, &yes)) == 0 && !yes) {
		addr_text(t, &d->singleton);
		rc = fail(EX_FAIL, "no %s 1.4.1 singleton at %s (%s) on chain %llu", x->o.l2 ? "SafeL2" : "Safe", where, t,
		          (unsigned long long)x->chain_id);
	}
	return rc;
}

/* The factory call that creates the Safe (*data) and the address it will have, which must be free. */
static int create_predict(struct ctx *x, const struct safe_deployment *d, const struct address *owners, size_t n,
                          uint64_t threshold, struct u256 salt, uint8_t **data, size_t *len,
                          struct address *predicted)
{
	uint8_t *ret = NULL;
	size_t retlen;
	char t[ADDRESS_TEXT_SIZE];
	bool yes = false;
	int rc;

	/* The factory's own proxyCreationCode: the prediction uses the code that will run. */
	rc = view_sig(x, &d->proxy_factory, "proxyCreationCode()", &ret, &retlen);
	if (rc != 0)
		return rc;
	rc = safe_create_call(d, owners, n, threshold, salt, ret, retlen, data, len, predicted);
	free(ret);
	if (rc == CD_EINVAL)
		return fail(EX_FAIL, "proxyCreationCode(): an answer that does not decode");
	if (rc != CD_OK)
		return fail(EX_FAIL, "cannot encode the Safe's setup");
	addr_text(t, predicted);
	rc = has_code(x, predicted, &yes);
	if (rc == 0 && yes)
		rc = fail(EX_FAIL, "a Safe with these owners, threshold and salt exists already at %s: give another --salt", t);
	return rc;
}

/* The address after: code there, and the owners and threshold asked for. */
static int create_verify(struct ctx *x, const struct address *predicted, const struct address *owners, size_t n,
                         uint64_t threshold)
{
	struct address *got = NULL;
	struct u256 thr;
	size_t ngot = 0;
	char t[ADDRESS_TEXT_SIZE];
	bool yes = false;
	int rc;

	addr_text(t, predicted);
	rc = has_code(x, predicted, &yes);
	if (rc == 0 && !yes)
		rc = fail(EX_FAIL, "the transaction succeeded but there is no Safe at the predicted %s", t);
	if (rc == 0)
		rc = safe_owners(x, predicted, &got, &ngot);
	if (rc == 0)
		rc = safe_uint(x, predicted, "getThreshold()", &thr);
	if (rc == 0) {
		bool same = ngot == n && u256_cmp(thr, u256_from_u64(threshold)) == 0;

		for (size_t i = 0; same && i < n; i++)
			same = is_owner(got, ngot, &owners[i]);
		if (!same)
			rc = fail(EX_FAIL, "the Safe at %s does not have the owners and threshold asked for", t);
	}
	free(got);
	return rc;
}

static int cmd_create(struct ctx *x)
{
	struct safe_deployment d;
	struct address owners[SAFE_OWNERS_MAX], from, predicted;
	struct u256 salt = u256_from_u64(0);
	struct eth_receipt rcpt;
	uint64_t threshold = 0;
	uint8_t *data = NULL;
	size_t n = 0, len = 0;
	char t[ADDRESS_TEXT_SIZE];
	bool configured = false;
	int rc;

	memset(&rcpt, 0, sizeof(rcpt));
	rc = create_parse_flags(&x->o, &from, &threshold, &salt, owners, &n);
	if (rc == 0)
		rc = connect_node(x);
	if (rc == 0) {
		configured = safe_deployment_for(&x->cfg, x->chain_id, &d);
		/* --l2: the proxy delegates to SafeL2, which also emits an event for every transaction. */
		if (x->o.l2)
			d.singleton = d.singleton_l2;
		rc = create_check_deployment(x, &d, configured);
	}
	if (rc == 0)
		rc = create_predict(x, &d, owners, n, threshold, salt, &data, &len, &predicted);
	if (rc == 0) {
		addr_text(t, &predicted);
		fprintf(stderr, "chaindeck safe: creating a %llu-of-%zu %s at %s\n", (unsigned long long)threshold, n,
		        x->o.l2 ? "SafeL2" : "Safe", t);
		rc = send_tx(x, &from, &d.proxy_factory, data, len, &rcpt);
	}
	if (rc == 0 && (!rcpt.has_status || rcpt.status != 1))
		rc = fail(EX_FAIL, "the creation transaction failed (receipt status 0)");
	if (rc == 0)
		rc = create_verify(x, &predicted, owners, n, threshold);
	if (rc == 0)
		printf("%s\n", t);
	eth_receipt_free(&rcpt);
	free(data);
	return rc;
}

static void print_labelled(const char *key, const struct address *a, const struct addressbook *book)
{
	char t[ADDRESS_TEXT_SIZE], lab[256];
	const char *l = book ? addressbook_get(book, a) : NULL;

	addr_text(t, a);
	if (l) {
		text_sanitize(lab, sizeof(lab), l, strlen(l));
		printf("%s\t%s\t%s\n", key, t, lab);
	} else {
		printf("%s\t%s\n", key, t);
	}
}

static int storage_address(struct ctx *x, const struct address *safe, const char *slot_hex, struct address *a)
{
	char t[ADDRESS_TEXT_SIZE], why[512];
	cJSON *p, *r = NULL;
	uint8_t word[32];
	int rc;

	addr_text(t, safe);
	p = params_of(t, slot_hex);
	cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
	rc = call(x, "eth_getStorageAt", p, &r, why, sizeof(why));
	if (rc != 0 || !cJSON_IsString(r) ||
	    hex_decode_exact(word, 32, r->valuestring, strlen(r->valuestring)) != CD_OK) {
		cJSON_Delete(r);
		return fail(EX_FAIL, "eth_getStorageAt: %s", rc ? why : "not a 32-byte word");
	}
	cJSON_Delete(r);
	memcpy(a->b, word + 12, 20);
	return 0;
}

/* The address book whose labels info prints: --book, else the default one if there is one. */
static int info_load_book(const struct opts *o, struct addressbook *book)
{
	char path[4096], err[512] = "";
	const char *bp = o->book;

	if (!bp && addressbook_default_path(path, sizeof(path)) > 0)
		bp = path;
	if (bp && addressbook_load(book, bp, err, sizeof(err)) != 0)
		return fail(EX_FAIL, "%s", err);
	return 0;
}

/* The Safe's address, chain and VERSION(). */
static int info_print_version(struct ctx *x, const struct address *safe)
{
	uint8_t *ret = NULL;
	size_t len;
	char v[64], t[ADDRESS_TEXT_SIZE];
	int rc = view_sig(x, safe, "VERSION()", &ret, &len);

	if (rc == 0 && safeview_decode_version(ret, len, v, sizeof(v)) != CD_OK)
		rc = fail(EX_FAIL, "VERSION(): an answer that does not decode");
	if (rc == 0) {
		addr_text(t, safe);
		printf("safe\t%s\nchain\t%llu\nversion\t%s\n", t, (unsigned long long)x->chain_id, v);
	}
	free(ret);
	return rc;
}

/* Threshold, owners, nonce and balance. */
static int info_print_state(struct ctx *x, const struct address *safe, const struct addressbook *book)
{
	struct address *owners = NULL;
	struct u256 thr, nonce, bal;
	size_t n = 0;
	char num[100], t[ADDRESS_TEXT_SIZE];
	int rc = safe_owners(x, safe, &owners, &n);

	if (rc == 0)
		rc = safe_uint(x, safe, "getThreshold()", &thr);
	if (rc == 0)
		rc = safe_uint(x, safe, "nonce()", &nonce);
	if (rc == 0) {
		u256_format_dec(thr, num, sizeof(num));
		printf("threshold\t%s of %zu\n", num, n);
		for (size_t i = 0; i < n; i++)
			print_labelled("owner", &owners[i], book);
		u256_format_dec(nonce, num, sizeof(num));
		printf("nonce\t%s\n", num);
		addr_text(t, safe);
		rc = call_u256(x, "eth_getBalance", params_of(t, "latest"), &bal);
	}
	if (rc == 0) {
		u256_format_units(bal, 18, num, sizeof(num));
		printf("balance\t%s ETH\n", num);
	}
	free(owners);
	return rc;
}

/* The enabled modules: getModulesPaginated(SENTINEL_MODULES, 100). */
static int info_print_modules(struct ctx *x, const struct address *safe, const struct addressbook *book)
{
	struct abi_value args[2];
	struct address a;
	struct u256 off, cnt;
	uint8_t *ret = NULL, data[4 + 64];
	size_t dlen, len;
	uint64_t o, c;
	int rc;

	memset(args, 0, sizeof(args));
	args[0].kind = ABI_ADDRESS;
	args[0].addr.b[19] = 1;
	args[1].kind = ABI_UINT;
	args[1].num = u256_from_u64(100);
	if (abi_encode_call(data, sizeof(data), &dlen, "getModulesPaginated(address,uint256)", args, 2) != CD_OK)
		return fail(EX_FAIL, "cannot encode getModulesPaginated");
	rc = view(x, safe, data, dlen, &ret, &len);
	if (rc != 0)
		return rc;
	if (abi_decode_uint(ret, len, 0, 256, &off) != CD_OK || u256_to_u64(off, &o) != 0 || o % 32 ||
	    abi_decode_uint(ret, len, o / 32, 256, &cnt) != CD_OK || u256_to_u64(cnt, &c) != 0 || c > 100) {
		rc = fail(EX_FAIL, "getModulesPaginated: an answer that does not decode");
	} else {
		if (c == 0)
			printf("modules\tnone\n");
		for (uint64_t i = 0; i < c && rc == 0; i++) {
			if (abi_decode_address(ret, len, o / 32 + 1 + i, &a) != CD_OK)
				rc = fail(EX_FAIL, "getModulesPaginated: an answer that does not decode");
			else
				print_labelled("module", &a, book);
		}
	}
	free(ret);
	return rc;
}

/* An address the Safe keeps in a storage slot (guard, fallback handler), or "none". */
static int info_print_slot(struct ctx *x, const struct address *safe, const char *slot_hex, const char *key,
                           const struct addressbook *book)
{
	struct address a, zero;
	int rc = storage_address(x, safe, slot_hex, &a);

	memset(&zero, 0, sizeof(zero));
	if (rc != 0)
		return rc;
	if (memcmp(a.b, zero.b, 20) == 0)
		printf("%s\tnone\n", key);
	else
		print_labelled(key, &a, book);
	return 0;
}

static int cmd_info(struct ctx *x)
{
	/* keccak256("guard_manager.guard.address") and keccak256("fallback_manager.handler.address"). */
	static const char guard_slot[] = "0x4a204f620c8c5ccdca3fd54d003badd85ba500436a431f0cbda4f558c93c34c8";
	static const char handler_slot[] = "0x6c9a6c4a39284e37ed1cf53d337577d14212a4870fb976a4366c693b939918d5";
	struct address safe;
	struct addressbook *book = addressbook_new();
	int rc;

	if (!book)
		return fail(EX_FAIL, "out of memory");
	rc = parse_addr(x->o.args[0], &safe, "SAFE");
	if (rc == 0)
		rc = info_load_book(&x->o, book);
	if (rc == 0)
		rc = connect_node(x);
	if (rc == 0)
		rc = require_contract(x, &safe);
	if (rc == 0)
		rc = info_print_version(x, &safe);
	if (rc == 0)
		rc = info_print_state(x, &safe, book);
	if (rc == 0)
		rc = info_print_modules(x, &safe, book);
	if (rc == 0)
		rc = info_print_slot(x, &safe, guard_slot, "guard", book);
	if (rc == 0)
		rc = info_print_slot(x, &safe, handler_slot, "fallbackHandler", book);
	addressbook_free(book);
	return rc;
}

/* The flags propose takes go together as its usage says; an existing --out is never overwritten. */
static int propose_check_flags(const struct opts *o)
{
	int kinds = !!o->to + !!o->add_owner + !!o->remove_owner + !!o->change_threshold;
	struct stat st;

	if (kinds != 1)
		return fail(EX_USAGE, "propose needs exactly one of --to, --add-owner, --remove-owner, --change-threshold");
	if ((o->value || o->data || o->erc20) && !o->to)
		return fail(EX_USAGE, "--value, --data and --erc20 go with --to");
	if (o->data && o->erc20)
		return fail(EX_USAGE, "--data and --erc20 exclude each other");
	if (!!o->erc20 != !!o->amount)
		return fail(EX_USAGE, "--erc20 TOKEN goes with --amount N");
	if (o->erc20 && o->value)
		return fail(EX_USAGE, "an ERC-20 transfer sends no ETH: drop --value");
	if (o->threshold && !o->add_owner && !o->remove_owner)
		return fail(EX_USAGE, "--threshold goes with --add-owner or --remove-owner");
	if (o->out && lstat(o->out, &st) == 0)
		return fail(EX_USAGE, "%s exists: a proposal is never overwritten", o->out);
	return 0;
}

/* What propose's flags say without asking the node: the Safe, a threshold, safe-tx-gas, value and data. */
static int propose_parse_flags(const struct opts *o, struct safe_proposal *p, uint64_t *threshold)
{
	int rc = parse_addr(o->args[0], &p->safe, "SAFE");

	if (rc == 0 && o->threshold)
		rc = parse_small(o->threshold, threshold, "--threshold");
	if (rc == 0 && o->change_threshold)
		rc = parse_small(o->change_threshold, threshold, "--change-threshold");
	if (rc == 0 && o->safe_tx_gas)
		rc = parse_dec(o->safe_tx_gas, &p->tx.safe_tx_gas, "--safe-tx-gas");
	if (rc == 0 && o->value) {
		if (u256_parse_units(&p->tx.value, o->value, strlen(o->value), 18) != 0)
			rc = fail(EX_USAGE, "--value %.60s: not an amount of ether", o->value);
	}
	if (rc == 0 && o->data) {
		size_t l = strlen(o->data);

		p->tx.data = malloc(l / 2 + 1);
		if (!p->tx.data || strncmp(o->data, "0x", 2) != 0 ||
		    hex_decode(p->tx.data, l / 2 + 1, &p->tx.data_len, o->data, l) != CD_OK ||
		    p->tx.data_len > SAFE_DATA_MAX)
			rc = fail(EX_USAGE, "--data: not 0x-hex of at most %d bytes", SAFE_DATA_MAX);
	}
	return rc;
}

/* The Safe as it is now (owners, threshold, nonce), and the proposal's chain and nonce from it and --nonce. */
static int propose_read_safe(struct ctx *x, struct safe_proposal *p, struct address **owners, size_t *n,
                             struct u256 *thr)
{
	struct u256 nonce;
	int rc = connect_node(x);

	if (rc == 0)
		rc = require_contract(x, &p->safe);
	if (rc == 0)
		rc = safe_owners(x, &p->safe, owners, n);
	if (rc == 0)
		rc = safe_uint(x, &p->safe, "getThreshold()", thr);
	if (rc == 0)
		rc = safe_uint(x, &p->safe, "nonce()", &nonce);
	if (rc != 0)
		return rc;
	p->chain_id = x->chain_id;
	p->tx.nonce = nonce;
	if (x->o.nonce) {
		rc = parse_dec(x->o.nonce, &p->tx.nonce, "--nonce");
		if (rc == 0 && u256_cmp(p->tx.nonce, nonce) < 0)
			rc = fail(EX_USAGE, "--nonce %s is already used: the Safe's nonce is past it", x->o.nonce);
	}
	return rc;
}

/* --to X: a plain call, or with --erc20 a transfer(X, amount) in the token's own decimals. */
static int propose_call(struct ctx *x, struct safe_proposal *p)
{
	struct address who, token;
	struct u256 dec, amount;
	uint8_t *ret = NULL;
	size_t len;
	uint64_t d = 0;
	int rc = parse_addr(x->o.to, &who, "--to");

	if (rc != 0)
		return rc;
	if (!x->o.erc20) {
		p->tx.to = who;
		return 0;
	}
	rc = parse_addr(x->o.erc20, &token, "--erc20");
	if (rc == 0)
		rc = view_sig(x, &token, "decimals()", &ret, &len);
	if (rc == 0 && (abi_decode_uint(ret, len, 0, 8, &dec) != CD_OK || u256_to_u64(dec, &d) != 0))
		rc = fail(EX_FAIL, "the token's decimals() does not decode");
	free(ret);
	if (rc == 0 && u256_parse_units(&amount, x->o.amount, strlen(x->o.amount), (unsigned)d) != 0)
		rc = fail(EX_USAGE, "--amount %.60s: not an amount with the token's %llu decimals",
		          x->o.amount, (unsigned long long)d);
	if (rc == 0) {
		p->tx.to = token;
		rc = safe_encode_erc20_transfer(&who, amount, &p->tx.data, &p->tx.data_len) == CD_OK
			? 0 : fail(EX_FAIL, "cannot encode the transfer");
	}
	return rc;
}

/* Owner management: the Safe calls itself; the owners and threshold after must still make sense. */
static int propose_owner_change(const struct opts *o, struct safe_proposal *p, const struct address *owners,
                                size_t n, struct u256 thr, uint64_t threshold)
{
	struct address who;
	uint64_t cur;
	int rc = 0;

	p->tx.to = p->safe;
	u256_to_u64(thr, &cur);
	if (o->add_owner) {
		rc = parse_addr(o->add_owner, &who, "--add-owner");
		if (rc == 0 && is_owner(owners, n, &who))
			rc = fail(EX_USAGE, "%s is an owner already", o->add_owner);
		if (rc == 0 && threshold > n + 1)
			rc = fail(EX_USAGE, "--threshold is more than the %zu owners there would be", n + 1);
		if (rc == 0)
			rc = safe_encode_add_owner(&who, threshold ? threshold : cur, &p->tx.data, &p->tx.data_len);
	} else if (o->remove_owner) {
		struct address prev;

		rc = parse_addr(o->remove_owner, &who, "--remove-owner");
		if (rc == 0 && !safe_prev_owner(owners, n, &who, &prev))
			rc = fail(EX_USAGE, "%s is not an owner", o->remove_owner);
		if (rc == 0 && n == 1)
			rc = fail(EX_USAGE, "a Safe keeps at least one owner");
		if (rc == 0 && !threshold)
			threshold = cur < n - 1 ? cur : n - 1;
		if (rc == 0 && threshold > n - 1)
			rc = fail(EX_USAGE, "--threshold is more than the %zu owners there would be", n - 1);
		if (rc == 0)
			rc = safe_encode_remove_owner(&prev, &who, threshold, &p->tx.data, &p->tx.data_len);
	} else {
		if (threshold > n)
			rc = fail(EX_USAGE, "--change-threshold is more than the %zu owners", n);
		if (rc == 0)
			rc = safe_encode_change_threshold(threshold, &p->tx.data, &p->tx.data_len);
	}
	return rc;
}

/* Hash the finished proposal, have the Safe confirm the hash, save it, then show it and print the hash. */
static int propose_save(struct ctx *x, struct safe_proposal *p)
{
	char err[SAFE_ERR_MAX] = "", h[70], default_out[4096];
	int rc;

	if (p->tx.data_len == 0) {
		free(p->tx.data);
		p->tx.data = NULL;
	}
	if (safe_tx_hash(p->chain_id, &p->safe, &p->tx, p->hash, err, sizeof(err)) != CD_OK)
		return fail(EX_FAIL, "%s", err);
	rc = check_contract_hash(x, p);
	if (rc == 0 && !x->o.out) {
		/* The wallet pane's proposal directory, under a name that says which Safe, nonce and hash. */
		char a[ADDRESS_TEXT_SIZE], n[80], tail[200], *text;

		addr_text(a, &p->safe);
		u256_format_dec(p->tx.nonce, n, sizeof(n));
		hex_encode(h, sizeof(h), p->hash, 32, 1);
		snprintf(tail, sizeof(tail), "chaindeck/safe/%s-%s-%.10s.json", a, n, h);
		if (fsutil_xdg_path(default_out, sizeof(default_out), FSUTIL_XDG_DATA, tail) <= 0)
			return fail(EX_FAIL, "no home directory for the proposal: give --out FILE");
		text = safe_proposal_to_json(p);
		if (!text)
			return fail(EX_FAIL, "out of memory");
		rc = fsutil_write(default_out, text, strlen(text), 0600, FSUTIL_MKDIR | FSUTIL_EXCLUSIVE, err, sizeof(err));
		free(text);
		if (rc == CD_EEXIST)
			return fail(EX_FAIL, "%s exists: a proposal is never overwritten", default_out);
		if (rc != CD_OK)
			return fail(EX_FAIL, "%s: not saved: %s", default_out, err);
		fprintf(stderr, "chaindeck safe: proposal written to %s\n", default_out);
	} else if (rc == 0) {
		rc = write_proposal(x->o.out, p);
	}
	if (rc == 0) {
		show_proposal(p);
		hex_encode(h, sizeof(h), p->hash, 32, 1);
		printf("%s\n", h);
	}
	return rc;
}

static int cmd_propose(struct ctx *x)
{
	struct safe_proposal p;
	struct address *owners = NULL;
	struct u256 thr;
	uint64_t threshold = 0;
	size_t n = 0;
	int rc;

	memset(&p, 0, sizeof(p));
	rc = propose_check_flags(&x->o);
	if (rc != 0)
		return rc;
	rc = propose_parse_flags(&x->o, &p, &threshold);
	if (rc == 0)
		rc = propose_read_safe(x, &p, &owners, &n, &thr);
	if (rc == 0)
		rc = x->o.to ? propose_call(x, &p) : propose_owner_change(&x->o, &p, owners, n, thr, threshold);
	if (rc == 0)
		rc = propose_save(x, &p);
	free(owners);
	safe_proposal_free(&p);
	return rc;
}

static int cmd_sign(struct ctx *x)
{
	struct safe_proposal p;
	struct address from, *owners = NULL;
	struct u256 nonce;
	uint8_t sig[65], *key = NULL;
	size_t n = 0;
	char err[SAFE_ERR_MAX] = "", hex[140];
	const char *path = x->o.args[0];
	int rc;

	if (!x->o.from)
		return fail(EX_USAGE, "sign needs --from OWNER");
	rc = parse_addr(x->o.from, &from, "--from");
	if (rc != 0)
		return rc;
	rc = read_proposal(path, &p);
	if (rc != 0)
		return rc;
	if (x->o.offline) {
		/* An air-gapped signer: the file's own hash is checked (read_proposal), the rest cannot be. */
		fputs("chaindeck safe: offline: the chain, the nonce, the Safe's owners and its own hash are NOT "
		      "checked against a node; compare the safeTxHash below with the proposer's\n", stderr);
	} else {
		rc = connect_node(x);
		if (rc == 0)
			rc = check_online(x, &p, &nonce);
		if (rc == 0)
			rc = safe_owners(x, &p.safe, &owners, &n);
		if (rc == 0 && !is_owner(owners, n, &from))
			rc = fail(EX_FAIL, "%s is not an owner of this Safe: not signing", x->o.from);
		if (rc != 0)
			goto out;
	}
	fputs("chaindeck safe: signing this Safe transaction:\n", stderr);
	show_proposal(&p);
	rc = wallet_cli_account_key(x->o.vault, x->o.password_file, x->o.from, &key);
	if (rc != 0)
		goto out;
	if (safe_sign(&p, key, sig) != CD_OK) {
		rc = fail(EX_FAIL, "cannot sign the SafeTx hash");
		goto out;
	}
	if (safe_proposal_add_signature(&p, &from, sig, err, sizeof(err)) != CD_OK) {
		rc = fail(EX_FAIL, "%s", err);
		goto out;
	}
	rc = write_proposal(path, &p);
	if (rc == 0) {
		hex_encode(hex, sizeof(hex), sig, 65, 1);
		printf("%s\n", hex);
	}
out:
	wallet_cli_key_free(key);
	free(owners);
	safe_proposal_free(&p);
	return rc;
}

/* The Safe event in the receipt's logs: 1 ExecutionSuccess, 0 ExecutionFailure, -1 neither. */
static int execution_event(const struct eth_receipt *r, const struct address *safe, const uint8_t hash[32])
{
	uint8_t ok[32], bad[32];

	abi_event_topic("ExecutionSuccess(bytes32,uint256)", ok);
	abi_event_topic("ExecutionFailure(bytes32,uint256)", bad);
	for (size_t i = 0; i < r->log_count; i++) {
		const struct eth_log *l = &r->logs[i];

		/* event ExecutionSuccess / ExecutionFailure(bytes32 indexed txHash, uint256 payment) */
		if (memcmp(l->address, safe->b, 20) != 0 || l->topic_count != 2 || memcmp(l->topics[1], hash, 32) != 0)
			continue;
		if (memcmp(l->topics[0], ok, 32) == 0)
			return 1;
		if (memcmp(l->topics[0], bad, 32) == 0)
			return 0;
	}
	return -1;
}

/* The Safe as exec needs it: on the proposal's chain, executing its nonce next, and its owners and threshold. */
static int exec_read_safe(struct ctx *x, const struct safe_proposal *p, struct address **owners, size_t *n,
                          uint64_t *threshold)
{
	struct u256 nonce, thr;
	char a[80], b[80];
	int rc = connect_node(x);

	if (rc == 0)
		rc = check_online(x, p, &nonce);
	if (rc == 0 && u256_cmp(p->tx.nonce, nonce) != 0) {
		u256_format_dec(p->tx.nonce, a, sizeof(a));
		u256_format_dec(nonce, b, sizeof(b));
		rc = fail(EX_FAIL, "the proposal has nonce %s but the Safe executes nonce %s next", a, b);
	}
	if (rc == 0)
		rc = safe_owners(x, &p->safe, owners, n);
	if (rc == 0)
		rc = safe_uint(x, &p->safe, "getThreshold()", &thr);
	if (rc == 0 && u256_to_u64(thr, threshold) != 0)
		rc = fail(EX_FAIL, "getThreshold(): out of range");
	return rc;
}

/* Signatures of current owners only (each checked against its owner when the file was read), enough of them. */
static int exec_owner_signatures(const struct safe_proposal *p, const struct address *owners, size_t n,
                                 uint64_t threshold, struct safe_signature **use, size_t *nuse)
{
	*nuse = 0;
	*use = calloc(p->nsigs ? p->nsigs : 1, sizeof(**use));
	if (!*use)
		return fail(EX_FAIL, "out of memory");
	for (size_t i = 0; i < p->nsigs; i++) {
		if (is_owner(owners, n, &p->sigs[i].owner))
			(*use)[(*nuse)++] = p->sigs[i];
		else
			fprintf(stderr, "chaindeck safe: ignoring a signature by a non-owner\n");
	}
	if (*nuse < threshold)
		return fail(EX_FAIL, "%zu owner signature%s of the %llu this Safe needs: not sent", *nuse,
		            *nuse == 1 ? "" : "s", (unsigned long long)threshold);
	return 0;
}

/* The contract's own verdict on the signatures: checkSignatures must not revert. */
static int exec_check_signatures(struct ctx *x, const struct safe_proposal *p, const struct safe_signature *use,
                                 size_t nuse)
{
	uint8_t *data = NULL, *ret = NULL;
	size_t len, retlen;
	int rc;

	if (safe_encode_check_signatures(p->hash, use, nuse, &data, &len) != CD_OK)
		return fail(EX_FAIL, "cannot encode checkSignatures");
	rc = eth_call_raw(x, NULL, &p->safe, u256_from_u64(0), data, len, &ret, &retlen);
	free(data);
	free(ret);
	if (rc == -2)
		return fail(EX_FAIL, "the Safe rejects the signatures (checkSignatures: %s): not sent", x->revert);
	return rc;
}

/* The contract's verdict on the whole execution, simulated from --from; *data (the caller's to free) is the
 * call to send. */
static int exec_simulate(struct ctx *x, const struct address *from, const struct safe_proposal *p,
                         const struct safe_signature *use, size_t nuse, uint8_t **data, size_t *len)
{
	uint8_t *ret = NULL;
	size_t retlen;
	bool ok = false;
	int rc;

	if (safe_encode_exec(&p->tx, use, nuse, data, len) != CD_OK)
		return fail(EX_FAIL, "cannot encode execTransaction");
	rc = eth_call_raw(x, from, &p->safe, u256_from_u64(0), *data, *len, &ret, &retlen);
	if (rc == -2)
		rc = fail(EX_FAIL, "execTransaction would revert: %s: not sent", x->revert);
	else if (rc == 0 && abi_decode_bool(ret, retlen, 0, &ok) != CD_OK)
		rc = fail(EX_FAIL, "execTransaction: an answer that does not decode");
	free(ret);
	if (rc == 0 && !ok) {
		uint8_t *r2 = NULL;
		size_t l2;
		int why = eth_call_raw(x, &p->safe, &p->tx.to, p->tx.value, p->tx.data, p->tx.data_len, &r2, &l2);

		free(r2);
		fprintf(stderr, "chaindeck safe: the Safe transaction's call would fail (%s); executing it records "
		        "ExecutionFailure and uses nonce\n", why == -2 ? x->revert : "no reason given");
		if (!x->o.allow_failure)
			rc = fail(EX_FAIL, "not sent: give --allow-failure to execute it anyway");
	}
	return rc;
}

/* The outcome from the receipt: reverted, or the Safe's ExecutionSuccess / ExecutionFailure event. */
static int exec_report(const struct eth_receipt *rcpt, const struct safe_proposal *p)
{
	char h[70];
	int ev;

	hex_encode(h, sizeof(h), rcpt->tx_hash, 32, 1);
	if (!rcpt->has_status || rcpt->status != 1)
		return fail(EX_FAIL, "transaction %s reverted", h);
	ev = execution_event(rcpt, &p->safe, p->hash);
	if (ev == 1) {
		printf("ExecutionSuccess\t%s\n", h);
		return 0;
	}
	if (ev == 0) {
		printf("ExecutionFailure\t%s\n", h);
		return fail(EX_FAIL, "the Safe executed the transaction but its call failed (ExecutionFailure)");
	}
	return fail(EX_FAIL, "transaction %s has neither ExecutionSuccess nor ExecutionFailure from the Safe", h);
}

static int cmd_exec(struct ctx *x)
{
	struct safe_proposal p;
	struct address from, *owners = NULL;
	struct safe_signature *use = NULL;
	struct eth_receipt rcpt;
	uint8_t *data = NULL;
	size_t n = 0, nuse = 0, len = 0;
	uint64_t threshold = 0;
	int rc;

	memset(&rcpt, 0, sizeof(rcpt));
	if (!x->o.from)
		return fail(EX_USAGE, "exec needs --from ADDRESS (the account that pays the gas)");
	rc = parse_addr(x->o.from, &from, "--from");
	if (rc != 0)
		return rc;
	rc = read_proposal(x->o.args[0], &p);
	if (rc != 0)
		return rc;
	rc = exec_read_safe(x, &p, &owners, &n, &threshold);
	if (rc == 0)
		rc = exec_owner_signatures(&p, owners, n, threshold, &use, &nuse);
	if (rc == 0)
		rc = exec_check_signatures(x, &p, use, nuse);
	if (rc == 0)
		rc = exec_simulate(x, &from, &p, use, nuse, &data, &len);
	if (rc == 0) {
		fputs("chaindeck safe: executing this Safe transaction:\n", stderr);
		show_proposal(&p);
		rc = send_tx(x, &from, &p.safe, data, len, &rcpt);
	}
	if (rc == 0)
		rc = exec_report(&rcpt, &p);
	eth_receipt_free(&rcpt);
	free(data);
	free(use);
	free(owners);
	safe_proposal_free(&p);
	return rc;
}

/* ---- dispatch ------------------------------------------------------------------------------------ */

struct command {
	const char *name;
	int (*run)(struct ctx *x);
	int nargs;
	const char *usage;
};

static const struct command commands[] = {
	{ "create", cmd_create, 0, "create --owners A,B,C --threshold N --from ADDRESS [--salt N] [--l2]" },
	{ "info", cmd_info, 1, "info SAFE [--book PATH]" },
	{ "propose", cmd_propose, 1,
	  "propose SAFE [--out FILE] [--nonce N] [--safe-tx-gas N] (--to X [--value ETH] [--data HEX | --erc20 TOKEN "
	  "--amount N] | --add-owner X [--threshold N] | --remove-owner X [--threshold N] | --change-threshold N)" },
	{ "sign", cmd_sign, 1, "sign FILE --from OWNER [--offline]" },
	{ "exec", cmd_exec, 1, "exec FILE --from ADDRESS [--allow-failure]" },
};

static void usage(FILE *f)
{
	fputs("usage: chaindeck safe COMMAND [--rpc-url URL] [--vault PATH] [--password-file F] ...\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  chaindeck safe %s\n", commands[i].usage);
	fputs("exit status: 0 ok, 1 error or refusal, 2 usage, 3 wrong password, 4 not found\n", f);
}

/* The command's options into *o. Returns -1 to go on and run it, else the exit status (--help, a bad option
 * or a wrong number of arguments). */
static int parse_options(int argc, char **argv, const struct command *cmd, struct opts *o)
{
	enum {
		O_RPC = 256, O_VAULT, O_PWFILE, O_FROM, O_OUT, O_OWNERS, O_THRESHOLD, O_SALT, O_TO, O_VALUE, O_DATA,
		O_ERC20, O_AMOUNT, O_NONCE, O_ADD, O_REMOVE, O_CHANGE, O_STG, O_BOOK, O_ALLOW, O_OFFLINE, O_L2, O_HELP
	};
	static const struct option longopts[] = {
		{ "rpc-url", required_argument, NULL, O_RPC },
		{ "vault", required_argument, NULL, O_VAULT },
		{ "password-file", required_argument, NULL, O_PWFILE },
		{ "from", required_argument, NULL, O_FROM },
		{ "out", required_argument, NULL, O_OUT },
		{ "owners", required_argument, NULL, O_OWNERS },
		{ "threshold", required_argument, NULL, O_THRESHOLD },
		{ "salt", required_argument, NULL, O_SALT },
		{ "to", required_argument, NULL, O_TO },
		{ "value", required_argument, NULL, O_VALUE },
		{ "data", required_argument, NULL, O_DATA },
		{ "erc20", required_argument, NULL, O_ERC20 },
		{ "amount", required_argument, NULL, O_AMOUNT },
		{ "nonce", required_argument, NULL, O_NONCE },
		{ "add-owner", required_argument, NULL, O_ADD },
		{ "remove-owner", required_argument, NULL, O_REMOVE },
		{ "change-threshold", required_argument, NULL, O_CHANGE },
		{ "safe-tx-gas", required_argument, NULL, O_STG },
		{ "book", required_argument, NULL, O_BOOK },
		{ "allow-failure", no_argument, NULL, O_ALLOW },
		{ "offline", no_argument, NULL, O_OFFLINE },
		{ "l2", no_argument, NULL, O_L2 },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	opterr = 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_RPC: o->rpc_url = optarg; break;
		case O_VAULT: o->vault = optarg; break;
		case O_PWFILE: o->password_file = optarg; break;
		case O_FROM: o->from = optarg; break;
		case O_OUT: o->out = optarg; break;
		case O_OWNERS: o->owners = optarg; break;
		case O_THRESHOLD: o->threshold = optarg; break;
		case O_SALT: o->salt = optarg; break;
		case O_TO: o->to = optarg; break;
		case O_VALUE: o->value = optarg; break;
		case O_DATA: o->data = optarg; break;
		case O_ERC20: o->erc20 = optarg; break;
		case O_AMOUNT: o->amount = optarg; break;
		case O_NONCE: o->nonce = optarg; break;
		case O_ADD: o->add_owner = optarg; break;
		case O_REMOVE: o->remove_owner = optarg; break;
		case O_CHANGE: o->change_threshold = optarg; break;
		case O_STG: o->safe_tx_gas = optarg; break;
		case O_BOOK: o->book = optarg; break;
		case O_ALLOW: o->allow_failure = true; break;
		case O_OFFLINE: o->offline = true; break;
		case O_L2: o->l2 = true; break;
		case O_HELP:
			printf("usage: chaindeck safe %s\n", cmd->usage);
			return EX_OK;
		default:
			return fail(EX_USAGE, "bad option '%.40s'; usage: chaindeck safe %s", argv[optind - 1], cmd->usage);
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (o->nargs != cmd->nargs)
		return fail(EX_USAGE, "usage: chaindeck safe %s", cmd->usage);
	return -1;
}

/* Runs the command with libcurl and an event loop for the node, and tears them down after. */
static int run_command(const struct command *cmd, struct ctx *x)
{
	int rc;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return fail(EX_FAIL, "cannot initialise libcurl");
	x->loop = loop_new();
	if (!x->loop) {
		curl_global_cleanup();
		return fail(EX_FAIL, "out of memory");
	}
	config_init(&x->cfg);
	rc = cmd->run(x);
	config_free(&x->cfg);
	rpc_client_free(x->rpc);
	loop_free(x->loop);
	curl_global_cleanup();
	return rc;
}

int safe_cli_main(int argc, char **argv)
{
	const struct command *cmd = NULL;
	struct ctx x;
	int rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EX_USAGE : EX_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			cmd = &commands[i];
	if (!cmd) {
		usage(stderr);
		return fail(EX_USAGE, "unknown command '%.40s'", argv[1]);
	}
	memset(&x, 0, sizeof(x));
	rc = parse_options(argc, argv, cmd, &x.o);
	if (rc >= 0)
		return rc;
	return run_command(cmd, &x);
}
