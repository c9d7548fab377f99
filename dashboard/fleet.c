/*
 * The fleet's runtime: polling and probing each node, fetching what fork
 * detection needs, keeping the alert log and running the alert hook.
 * The pure evaluation lives in fleet_eval.c.
 */
#include "dashboard/fleet.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/eth.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/rpc.h"
#include "common/text.h"

extern char **environ;

/* The probe: one trial call per namespace (cheap, or invalid on purpose: "invalid params" still means offered). */
enum probe_method {
	P_MODULES,
	P_NET,
	P_ADMIN,
	P_TXPOOL,
	P_OTS,
	P_TRACE,
	P_DEBUG,
	P_COINBASE,
	P_CONTROL,
	P_COUNT
};

static const struct {
	const char *method;
	const char *arg; /* one string parameter, or NULL for none */
	int ns;          /* enum fleet_ns, or -1 */
} probes[P_COUNT] = {
	[P_MODULES] = { "rpc_modules", NULL, -1 },
	[P_NET] = { "net_version", NULL, NS_NET },
	[P_ADMIN] = { "admin_nodeInfo", NULL, NS_ADMIN },
	[P_TXPOOL] = { "txpool_status", NULL, NS_TXPOOL },
	[P_OTS] = { "ots_getApiLevel", NULL, NS_OTS },
	[P_TRACE] = { "trace_block", "0x0", NS_TRACE },
	[P_DEBUG] = { "debug_getRawHeader", "0x0", NS_DEBUG },
	[P_COINBASE] = { "eth_coinbase", NULL, -1 },
	/* No node has it: the node's own answer to an unknown method, to compare the trial calls with. */
	[P_CONTROL] = { "chaindeck_noSuchMethod", NULL, -1 },
};

#define POLL_MAX 16 /* rows of polls[] (below) */
#define ALERT_LOG 256
#define MAX_HOOKS 8     /* hook runs at once */
#define HOOK_QUEUE 1024 /* alerts waiting for a free run; beyond that the oldest is dropped, logged by name */
#define HOOK_DRAIN_MS 50

struct node_rt {
	struct fleet_node view;
	char broken[160];             /* why this poll's chain id or head block was unusable; "" if fine */
	struct fleet *fleet;
	struct rpc_client *rpc;
	uint64_t poll_call;           /* call ids in flight, 0 if none */
	uint64_t probe_call;
	uint64_t fetch_call;
	/* The fork search's step in flight: our block and the leader's at bisect_height. */
	uint64_t bisect_mine_call, bisect_theirs_call;
	struct node_rt *bisect_theirs;   /* whom bisect_theirs_call went to */
	uint64_t bisect_height;
	uint8_t bisect_hash[2][32];      /* ours, the leader's */
	unsigned bisect_have;            /* bits: 1 ours, 2 the leader's */
	int slot[POLL_MAX];           /* batch index of each polls[] row in the poll in flight, -1 if not asked */
	struct fleet_sync_window sync;
	struct nodemetrics *own;      /* scraper of metrics_url, or NULL */
};

struct fleet {
	struct loop *loop;
	const struct config *cfg;
	struct node_rt **nodes;
	size_t n, cap;
	uint64_t refresh_ms;
	uint64_t timer;
	size_t focus;
	void (*changed)(void *ud);
	void *ud;
	struct fleet_alert alerts[ALERT_LOG];
	size_t alert_head, nalerts;
	uint64_t alert_seq;
	pid_t hooks[MAX_HOOKS];
	size_t nhooks;
	struct prop_table *prop;      /* first report of each block hash */
	struct fleet_alert *queue;      /* HOOK_QUEUE alerts waiting for the hook, oldest at queue_head */
	size_t queue_head, nqueue;
	uint64_t drain_timer;           /* while alerts wait: looks for a finished run every HOOK_DRAIN_MS */
	struct fleet_hook_stats hook;
	char hook_problem[320];         /* why the hook cannot run; "" when it can */
};

static void notify(struct fleet *f)
{
	if (f->changed)
		f->changed(f->ud);
}

static void notify_ud(void *f)
{
	notify(f);
}

static struct fleet_rules rules_of(const struct fleet *f)
{
	struct fleet_rules r = {
		.stall_s = f->cfg->alert_stall_s > 0 ? (uint64_t)f->cfg->alert_stall_s : 0,
		.min_peers = f->cfg->alert_min_peers > 0 ? (uint64_t)f->cfg->alert_min_peers : 0,
		.max_lag = f->cfg->alert_max_lag > 0 ? (uint64_t)f->cfg->alert_max_lag : 0,
	};

	return r;
}

/* ---- alerts ---- */

static void reap_hooks(struct fleet *f)
{
	for (size_t i = 0; i < f->nhooks;) {
		int st;

		if (waitpid(f->hooks[i], &st, WNOHANG) == 0) {
			i++;
			continue;
		}
		f->hooks[i] = f->hooks[--f->nhooks];
	}
}

/*
 * Runs the hook with the alert in its environment; never waits for it.
 * The CHAINDECK_* variables it sees are exactly the five of this alert: any
 * inherited from chaindeck's own environment are dropped (a stale
 * CHAINDECK_MESSAGE placed before ours would be the one getenv finds). The
 * hook starts with default signal handling and nothing blocked: chaindeck
 * ignores SIGPIPE, and an ignored signal would stay ignored across exec,
 * breaking every pipeline in a hook script.
 */
static int run_hook(struct fleet *f, const struct fleet_alert *a)
{
	const char *hook = f->cfg->alert_hook;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t def, none;
	char kind[64], node[96], state[48], text[256], when[64];
	char *argv[2];
	char **envp;
	size_t nenv = 0, n = 0;
	pid_t pid;
	int rc;

	while (environ[nenv])
		nenv++;
	envp = calloc(nenv + 6, sizeof(*envp));
	if (!envp)
		return -1;
	for (size_t i = 0; i < nenv; i++)
		if (strncmp(environ[i], "CHAINDECK_", 10) != 0)
			envp[n++] = environ[i];
	nenv = n;
	snprintf(kind, sizeof(kind), "CHAINDECK_ALERT=%s", fleet_alert_name(a->kind));
	snprintf(node, sizeof(node), "CHAINDECK_NODE=%s", a->node);
	snprintf(state, sizeof(state), "CHAINDECK_STATE=%s", a->resolved ? "resolved" : "raised");
	snprintf(text, sizeof(text), "CHAINDECK_MESSAGE=%s", a->text);
	snprintf(when, sizeof(when), "CHAINDECK_TIME=%lld", (long long)a->when);
	envp[nenv++] = kind;
	envp[nenv++] = node;
	envp[nenv++] = state;
	envp[nenv++] = text;
	envp[nenv++] = when;
	argv[0] = (char *)hook;
	argv[1] = NULL;
	/* The terminal belongs to the screen: the hook gets /dev/null for all three streams. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawn(&pid, hook, &fa, &attr, argv, envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	if (rc != 0) {
		log_msg(LOG_WARN, "alert hook %s: %s; not run for: %s", hook, strerror(rc), a->text);
		snprintf(f->hook_problem, sizeof(f->hook_problem), "alert hook %s: %s", hook, strerror(rc));
		f->hook.failed++;
		return -1;
	}
	f->hooks[f->nhooks++] = pid;
	f->hook.ran++;
	return 0;
}

/*
 * Whether the hook can run: an executable regular file. Checked at start
 * and again before a run while it is known to be unusable, so fixing it
 * (chmod +x) takes effect without a restart.
 */
static bool hook_check(struct fleet *f)
{
	const char *hook = f->cfg->alert_hook;
	struct stat st;

	if (!hook)
		return false;
	if (stat(hook, &st) != 0)
		snprintf(f->hook_problem, sizeof(f->hook_problem), "alert hook %s: %s", hook, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		snprintf(f->hook_problem, sizeof(f->hook_problem), "alert hook %s: not a regular file", hook);
	else if (access(hook, X_OK) != 0)
		snprintf(f->hook_problem, sizeof(f->hook_problem), "alert hook %s: not executable (%s)", hook,
		         strerror(errno));
	else
		f->hook_problem[0] = '\0';
	return f->hook_problem[0] == '\0';
}

static void drain_hooks(struct fleet *f);

static void on_drain(void *ud)
{
	struct fleet *f = ud;

	f->drain_timer = 0;
	drain_hooks(f);
}

/*
 * Starts queued hook runs, oldest first, while fewer than MAX_HOOKS run.
 * While alerts still wait, a timer looks again soon: a finished run frees
 * its place within HOOK_DRAIN_MS, not at the next poll.
 */
static void drain_hooks(struct fleet *f)
{
	bool changed = false;

	reap_hooks(f);
	while (f->nqueue && f->nhooks < MAX_HOOKS) {
		struct fleet_alert *a = &f->queue[f->queue_head];

		if (f->hook_problem[0] && !hook_check(f)) {
			/* Nothing can run it: each alert is logged as not delivered, none waits forever. */
			log_msg(LOG_WARN, "%s; not run for: %s", f->hook_problem, a->text);
			f->hook.failed++;
		} else {
			run_hook(f, a);
		}
		f->queue_head = (f->queue_head + 1) % HOOK_QUEUE;
		f->nqueue--;
		changed = true;
	}
	f->hook.queued = f->nqueue;
	f->hook.running = f->nhooks;
	if (f->nqueue && !f->drain_timer)
		f->drain_timer = loop_timer_add(f->loop, HOOK_DRAIN_MS, on_drain, f);
	if (changed)
		notify(f);
}

/* Queues the hook for an alert; a full queue drops its oldest alert, named in the log. */
static void queue_hook(struct fleet *f, const struct fleet_alert *a)
{
	if (!f->cfg->alert_hook || !f->queue)
		return;
	if (f->nqueue == HOOK_QUEUE) {
		const struct fleet_alert *old = &f->queue[f->queue_head];

		log_msg(LOG_WARN, "alert hook: queue full (%d alerts waiting, %d running): dropped the oldest, %s %s %s: %s",
		        HOOK_QUEUE, MAX_HOOKS, old->resolved ? "resolved" : "raised", fleet_alert_name(old->kind), old->node,
		        old->text);
		f->queue_head = (f->queue_head + 1) % HOOK_QUEUE;
		f->nqueue--;
		f->hook.dropped++;
	}
	f->queue[(f->queue_head + f->nqueue) % HOOK_QUEUE] = *a;
	f->nqueue++;
	drain_hooks(f);
}

const char *fleet_hook_problem(const struct fleet *f)
{
	return f->hook_problem[0] ? f->hook_problem : NULL;
}

struct fleet_hook_stats fleet_hook_stats(const struct fleet *f)
{
	struct fleet_hook_stats s = f->hook;

	s.queued = f->nqueue;
	s.running = f->nhooks;
	return s;
}

static void add_alert(struct fleet *f, const struct fleet_node *n, enum fleet_alert_kind k, bool resolved)
{
	struct fleet_rules r = rules_of(f);
	struct fleet_alert *a = &f->alerts[f->alert_head];

	memset(a, 0, sizeof(*a));
	a->when = time(NULL);
	a->kind = k;
	a->resolved = resolved;
	snprintf(a->node, sizeof(a->node), "%s", n->name);
	fleet_describe(n, k, resolved, &r, a->text, sizeof(a->text));
	f->alert_head = (f->alert_head + 1) % ALERT_LOG;
	if (f->nalerts < ALERT_LOG)
		f->nalerts++;
	f->alert_seq++;
	log_msg(resolved ? LOG_INFO : LOG_WARN, "alert: %s", a->text);
	queue_hook(f, a);
}

size_t fleet_alert_count(const struct fleet *f)
{
	return f->nalerts;
}

const struct fleet_alert *fleet_alert(const struct fleet *f, size_t i)
{
	if (i >= f->nalerts)
		return NULL;
	return &f->alerts[(f->alert_head + ALERT_LOG - 1 - i) % ALERT_LOG];
}

uint64_t fleet_alert_seq(const struct fleet *f)
{
	return f->alert_seq;
}

/* ---- evaluation across nodes ---- */

static void fetch_hash(struct fleet *f, size_t leader, uint64_t height);
static void fork_search(struct fleet *f, struct node_rt *n);

static void evaluate(struct fleet *f)
{
	struct fleet_node *views[f->n ? f->n : 1];
	struct fleet_rules r = rules_of(f);
	uint64_t now = loop_now_ms(), height;
	size_t need;

	for (size_t i = 0; i < f->n; i++)
		views[i] = &f->nodes[i]->view;
	fleet_compare(views, f->n, &need, &height);
	if (need != SIZE_MAX)
		fetch_hash(f, need, height);
	for (size_t i = 0; i < f->n; i++) {
		struct fleet_node *v = views[i];
		unsigned raised, cleared;

		fork_search(f, f->nodes[i]);
		fleet_debounce(v, fleet_conditions(v, &r, now), fleet_unknown(v), now, 2 * f->refresh_ms, &raised,
		               &cleared);
		for (int k = 0; k < ALERT_KINDS; k++) {
			if (raised & (1u << k))
				add_alert(f, v, (enum fleet_alert_kind)k, false);
			else if (cleared & (1u << k))
				add_alert(f, v, (enum fleet_alert_kind)k, true);
		}
	}
}

static void on_fetched(void *ud, const struct rpc_response *res)
{
	struct node_rt *n = ud;
	struct eth_block b;

	n->fetch_call = 0;
	if (res->status != RPC_OK || res->reply[0].status != RPC_OK)
		return;
	if (eth_decode_header(res->reply[0].result, &b, NULL, 0) != 0)
		return;
	if (b.has_hash) {
		struct fleet_head h = { .number = b.number, .time = b.timestamp };

		memcpy(h.hash, b.hash, sizeof(h.hash));
		fleet_note_head(&n->view, &h);
	}
	eth_block_free(&b);
	evaluate(n->fleet);
	notify(n->fleet);
}

/* Asks the chain's leader for its block at a height another node is at. */
static void fetch_hash(struct fleet *f, size_t leader, uint64_t height)
{
	struct node_rt *n = f->nodes[leader];
	char num[24];
	cJSON *p;

	if (n->fetch_call)
		return;
	hex_format_u64(num, sizeof(num), height);
	p = cJSON_CreateArray();
	cJSON_AddItemToArray(p, cJSON_CreateString(num));
	cJSON_AddItemToArray(p, cJSON_CreateFalse());
	n->fetch_call = rpc_call(n->rpc, "eth_getBlockByNumber", p, on_fetched, n);
}

/*
 * Where a fork split: bisection on block hashes between the highest height
 * both nodes agree on and the height where they were seen to differ. One
 * step asks both nodes for their block at the probe height (one call each,
 * in parallel); heights in the recent heads are not asked. A failed answer
 * ends the search with the range found so far; FLEET_FORK_STEPS bounds it.
 */
static struct node_rt *node_named(struct fleet *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->nodes[i]->view.name, name) == 0)
			return f->nodes[i];
	return NULL;
}

static void fork_cancel(struct node_rt *n)
{
	if (n->bisect_mine_call)
		rpc_cancel(n->rpc, n->bisect_mine_call);
	if (n->bisect_theirs_call && n->bisect_theirs)
		rpc_cancel(n->bisect_theirs->rpc, n->bisect_theirs_call);
	n->bisect_mine_call = n->bisect_theirs_call = 0;
	n->bisect_theirs = NULL;
	n->bisect_have = 0;
}

/* Both hashes at the probe height are in: one step of the bisection. */
static void fork_both(struct node_rt *n)
{
	struct fleet_node *v = &n->view;

	if (n->bisect_have != 3)
		return;
	n->bisect_have = 0;
	if (v->forked && v->fork_state == FORK_SEARCHING && fleet_fork_probe(v) == n->bisect_height)
		fleet_fork_step(v, memcmp(n->bisect_hash[0], n->bisect_hash[1], 32) != 0);
	evaluate(n->fleet);
	notify(n->fleet);
}

static bool block_hash_of(const struct rpc_response *res, uint64_t height, uint8_t out[32])
{
	struct eth_block b;
	bool ok;

	if (res->status != RPC_OK || res->reply[0].status != RPC_OK)
		return false;
	if (eth_decode_header(res->reply[0].result, &b, NULL, 0) != 0)
		return false;
	ok = b.has_hash && b.number == height;
	if (ok)
		memcpy(out, b.hash, 32);
	eth_block_free(&b);
	return ok;
}

static void fork_answer(struct node_rt *n, int side, const struct rpc_response *res)
{
	if (!block_hash_of(res, n->bisect_height, n->bisect_hash[side])) {
		struct fleet_node *v = &n->view;

		fork_cancel(n);
		fleet_fork_give_up(v);
		log_msg(LOG_WARN, "node %s: fork search stopped at #%llu..#%llu: %s did not give its block", v->name,
		        (unsigned long long)v->fork_lo, (unsigned long long)v->fork_hi, side ? v->fork_with : v->name);
		evaluate(n->fleet);
		notify(n->fleet);
		return;
	}
	n->bisect_have |= 1u << side;
	fork_both(n);
}

static void on_fork_mine(void *ud, const struct rpc_response *res)
{
	struct node_rt *n = ud;

	n->bisect_mine_call = 0;
	fork_answer(n, 0, res);
}

static void on_fork_theirs(void *ud, const struct rpc_response *res)
{
	struct node_rt *n = ud;

	n->bisect_theirs_call = 0;
	n->bisect_theirs = NULL;
	fork_answer(n, 1, res);
}

static uint64_t ask_block(struct node_rt *to, uint64_t height, rpc_cb cb, void *ud)
{
	char num[24];
	cJSON *p = cJSON_CreateArray();

	hex_format_u64(num, sizeof(num), height);
	cJSON_AddItemToArray(p, cJSON_CreateString(num));
	cJSON_AddItemToArray(p, cJSON_CreateFalse());
	return rpc_call(to->rpc, "eth_getBlockByNumber", p, cb, ud);
}

static void fork_search(struct fleet *f, struct node_rt *n)
{
	struct fleet_node *v = &n->view;
	struct node_rt *leader;
	uint64_t h;

	if (!v->forked || v->fork_state != FORK_SEARCHING) {
		fork_cancel(n);
		return;
	}
	if (n->bisect_mine_call || n->bisect_theirs_call)
		return;
	leader = node_named(f, v->fork_with);
	if (!leader) {
		fleet_fork_give_up(v);
		return;
	}
	/* Steps the recent heads answer cost nothing; the rest ask both nodes. */
	while (v->fork_state == FORK_SEARCHING) {
		h = fleet_fork_probe(v);
		n->bisect_height = h;
		n->bisect_have = 0;
		if (fleet_hash_at(v, h, n->bisect_hash[0]))
			n->bisect_have |= 1;
		if (fleet_hash_at(&leader->view, h, n->bisect_hash[1]))
			n->bisect_have |= 2;
		if (n->bisect_have != 3)
			break;
		fleet_fork_step(v, memcmp(n->bisect_hash[0], n->bisect_hash[1], 32) != 0);
	}
	if (v->fork_state != FORK_SEARCHING)
		return;
	if (!(n->bisect_have & 1)) {
		n->bisect_mine_call = ask_block(n, n->bisect_height, on_fork_mine, n);
		if (!n->bisect_mine_call)
			fleet_fork_give_up(v);
	}
	if (!(n->bisect_have & 2) && v->fork_state == FORK_SEARCHING) {
		n->bisect_theirs_call = ask_block(leader, n->bisect_height, on_fork_theirs, n);
		if (n->bisect_theirs_call)
			n->bisect_theirs = leader;
		else
			fleet_fork_give_up(v);
	}
	if (v->fork_state != FORK_SEARCHING)
		fork_cancel(n);
}

/* ---- polling ---- */

static bool json_u64(const cJSON *j, uint64_t *out)
{
	return eth_decode_u64(j, out, NULL, 0) == 0;
}

static bool json_u256(const cJSON *j, struct u256 *out)
{
	return eth_decode_u256(j, out, NULL, 0) == 0;
}

static void sanitize_into(char *dst, size_t cap, const cJSON *s)
{
	if (cJSON_IsString(s))
		text_sanitize(dst, cap, s->valuestring, strlen(s->valuestring));
	else if (cap)
		dst[0] = '\0';
}

/* A new head hash: its first report, and n's delay to it (not for a first head after start or recovery). */
static void note_propagation(struct node_rt *n, const struct eth_block *b)
{
	struct fleet *f = n->fleet;
	struct fleet_node *v = &n->view;
	struct timespec ts;
	size_t others = 0;

	if (!v->has_chain_id)
		return;
	for (size_t i = 0; i < f->n; i++) {
		const struct fleet_node *o = &f->nodes[i]->view;

		others += o != v && o->conn == CONN_UP && o->has_chain_id && o->chain_id == v->chain_id;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	prop_note(f->prop, &v->prop, v->chain_id, b->hash, b->timestamp, others, v->has_head && v->conn == CONN_UP,
	          loop_now_ms(), (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static void take_block(struct node_rt *n, const cJSON *result)
{
	struct fleet_node *v = &n->view;
	struct eth_block b;
	char err[128];
	bool new_head;

	if (eth_decode_block(result, &b, err, sizeof(err)) != 0) {
		log_msg(LOG_WARN, "node %s: latest block: %s", v->name, err);
		snprintf(n->broken, sizeof(n->broken), "unreadable head block: %.120s", err);
		return;
	}
	new_head = !v->has_head || b.number != v->head_number || memcmp(b.hash, v->head_hash, 32) != 0;
	if (new_head && v->has_head && b.number > v->head_number && b.timestamp >= v->head_time)
		stats_ring_push(&v->block_time_s, (b.timestamp - v->head_time) / (b.number - v->head_number));
	if (new_head) {
		struct fleet_head h = { .number = b.number, .time = b.timestamp };

		if (!v->has_head || b.number != v->head_number)
			v->head_changed_ms = loop_now_ms();
		memcpy(h.hash, b.hash, sizeof(h.hash));
		fleet_note_head(v, &h);
		note_propagation(n, &b);
		if (b.gas_limit)
			stats_ring_push(&v->gas_used_ppm, b.gas_used * 1000000 / b.gas_limit);
	}
	v->has_head = true;
	v->head_number = b.number;
	memcpy(v->head_hash, b.hash, sizeof(v->head_hash));
	v->head_time = b.timestamp;
	v->head_gas_used = b.gas_used;
	v->head_gas_limit = b.gas_limit;
	v->head_tx_count = b.tx_count;
	v->has_base_fee = b.has_base_fee;
	if (b.has_base_fee)
		v->base_fee = b.base_fee;
	v->pow = b.has_difficulty && !u256_is_zero(b.difficulty);
	eth_block_free(&b);
}

static void take_syncing(struct node_rt *n, const cJSON *result)
{
	struct fleet_node *v = &n->view;
	struct eth_syncing s;
	uint64_t now = loop_now_ms(), rate;
	char err[128];

	if (eth_decode_syncing(result, &s, err, sizeof(err)) != 0) {
		log_msg(LOG_WARN, "node %s: eth_syncing: %s", v->name, err);
		return;
	}
	v->syncing_cap = CAP_YES;
	v->syncing = s.syncing;
	if (!s.syncing) {
		fleet_sync_reset(&n->sync);
		v->sync_rate_milli = 0;
		v->has_sync_eta = false;
		return;
	}
	v->sync_start = s.starting_block;
	v->sync_current = s.current_block;
	v->sync_highest = s.highest_block;
	v->has_sync_eta = false;
	if (fleet_sync_sample(&n->sync, now, s.starting_block, s.current_block, &rate)) {
		v->sync_rate_milli = rate;
		v->has_sync_eta = stats_eta_s(s.current_block, s.highest_block, rate, &v->sync_eta_s);
	}
}

static void take_txpool(struct fleet_node *v, const cJSON *result)
{
	uint64_t p, q;

	if (json_u64(cJSON_GetObjectItemCaseSensitive(result, "pending"), &p) &&
	    json_u64(cJSON_GetObjectItemCaseSensitive(result, "queued"), &q)) {
		v->txpool_cap = CAP_YES;
		v->txpool_from_pending = false;
		v->txpool_pending = p;
		v->txpool_queued = q;
	}
}

static void take_peers(struct fleet_node *v, const cJSON *result)
{
	const cJSON *p;

	if (!cJSON_IsArray(result))
		return;
	v->admin_cap = CAP_YES;
	v->has_peer_list = true;
	v->npeer_list = 0;
	cJSON_ArrayForEach(p, result)
	{
		struct fleet_peer *e;
		const cJSON *net = cJSON_GetObjectItemCaseSensitive(p, "network");
		const cJSON *caps = cJSON_GetObjectItemCaseSensitive(p, "caps"), *c;
		const cJSON *inbound = cJSON_GetObjectItemCaseSensitive(net, "inbound");
		size_t used = 0;

		if (v->npeer_list == FLEET_MAX_PEERS)
			break;
		e = &v->peer_list[v->npeer_list++];
		memset(e, 0, sizeof(*e));
		sanitize_into(e->name, sizeof(e->name), cJSON_GetObjectItemCaseSensitive(p, "name"));
		sanitize_into(e->remote, sizeof(e->remote), cJSON_GetObjectItemCaseSensitive(net, "remoteAddress"));
		e->inbound = cJSON_IsTrue(inbound);
		cJSON_ArrayForEach(c, caps)
		{
			char one[24];

			if (!cJSON_IsString(c))
				continue;
			text_sanitize(one, sizeof(one), c->valuestring, strlen(c->valuestring));
			if (used + strlen(one) + 2 > sizeof(e->protocols))
				break;
			used += (size_t)snprintf(e->protocols + used, sizeof(e->protocols) - used, "%s%s", used ? " " : "", one);
		}
	}
}

static void take_client(struct node_rt *n, const cJSON *result)
{
	sanitize_into(n->view.client, sizeof(n->view.client), result);
}

static void take_chain(struct node_rt *n, const cJSON *result)
{
	struct fleet_node *v = &n->view;
	uint64_t u;

	if (!json_u64(result, &u)) {
		snprintf(n->broken, sizeof(n->broken), "unreadable chain id");
		return;
	}
	if (!v->has_chain_id && !v->first_chain_id)
		v->first_chain_id = u;
	v->chain_changed = v->first_chain_id != u;
	v->has_chain_id = true;
	v->chain_id = u;
}

static void take_gas_price(struct node_rt *n, const cJSON *result)
{
	if (json_u256(result, &n->view.gas_price))
		n->view.gas_price_cap = CAP_YES;
}

static void take_peer_count(struct node_rt *n, const cJSON *result)
{
	struct fleet_node *v = &n->view;
	uint64_t u;

	if (json_u64(result, &u)) {
		v->peers_cap = CAP_YES;
		v->peers = u;
		stats_ring_push(&v->peers_hist, u);
	}
}

static void take_txpool_status(struct node_rt *n, const cJSON *result)
{
	take_txpool(&n->view, result);
}

static void take_pending_count(struct node_rt *n, const cJSON *result)
{
	uint64_t u;

	if (json_u64(result, &u)) {
		n->view.txpool_pending = u;
		n->view.txpool_queued = 0;
	}
}

static void take_mining(struct node_rt *n, const cJSON *result)
{
	if (cJSON_IsBool(result)) {
		n->view.mining_cap = CAP_YES;
		n->view.mining = cJSON_IsTrue(result);
	}
}

static void take_hashrate(struct node_rt *n, const cJSON *result)
{
	if (json_u256(result, &n->view.hashrate))
		n->view.hashrate_cap = CAP_YES;
}

static void take_admin_peers(struct node_rt *n, const cJSON *result)
{
	take_peers(&n->view, result);
}

/* txpool_status refused for good: the pending block's transaction count stands in for it. */
static void refused_txpool(struct node_rt *n)
{
	if (n->view.txpool_cap == CAP_NO)
		n->view.txpool_from_pending = true;
}

/* The fallback refused too (EthereumJS: "pending" not supported): not offered, not zero. */
static void refused_pending_count(struct node_rt *n)
{
	n->view.txpool_from_pending = false;
	log_msg(LOG_INFO, "node %s: no pending block either", n->view.name);
}

static bool want_pending_count(const struct node_rt *n)
{
	return n->view.txpool_from_pending;
}

static bool want_if_pow(const struct node_rt *n)
{
	return n->view.pow;
}

/* The peer list is long: only for the node the dashboard shows in detail, once the probe found admin_. */
static bool want_if_focused(const struct node_rt *n)
{
	const struct fleet *f = n->fleet;

	return f->focus < f->n && f->nodes[f->focus] == n && n->view.admin_cap == CAP_YES;
}

#define NO_CAP ((size_t)-1)

/*
 * Everything a poll asks, one row per method, in batch order (a reply is taken
 * in this order too: eth_getBlockByNumber sets `pow`, which the next poll's
 * eth_mining and eth_hashrate rows look at).
 *   params    the call's parameters as JSON text
 *   required  without a readable answer the poll failed: the node is down for us
 *   cap       offsetof the fleet_cap in struct fleet_node that an answer "not
 *             offered" turns to CAP_NO, after which the method is not asked again;
 *             NO_CAP for methods every node must answer
 *   wanted    an extra condition for asking at all (NULL: none)
 *   take      reads a successful result into the node's view
 *   refused   runs after an error answer (NULL: nothing more to do)
 */
static const struct poll_def {
	const char *method;
	const char *params;
	bool required;
	size_t cap;
	bool (*wanted)(const struct node_rt *n);
	void (*take)(struct node_rt *n, const cJSON *result);
	void (*refused)(struct node_rt *n);
} polls[] = {
	{ "web3_clientVersion", "[]", false, NO_CAP, NULL, take_client, NULL },
	{ "eth_chainId", "[]", true, NO_CAP, NULL, take_chain, NULL },
	{ "eth_getBlockByNumber", "[\"latest\",false]", true, NO_CAP, NULL, take_block, NULL },
	{ "eth_syncing", "[]", false, offsetof(struct fleet_node, syncing_cap), NULL, take_syncing, NULL },
	{ "eth_gasPrice", "[]", false, offsetof(struct fleet_node, gas_price_cap), NULL, take_gas_price, NULL },
	{ "net_peerCount", "[]", false, offsetof(struct fleet_node, peers_cap), NULL, take_peer_count, NULL },
	{ "txpool_status", "[]", false, offsetof(struct fleet_node, txpool_cap), NULL, take_txpool_status,
	  refused_txpool },
	{ "eth_getBlockTransactionCountByNumber", "[\"pending\"]", false, NO_CAP, want_pending_count,
	  take_pending_count, refused_pending_count },
	{ "eth_mining", "[]", false, offsetof(struct fleet_node, mining_cap), want_if_pow, take_mining, NULL },
	{ "eth_hashrate", "[]", false, offsetof(struct fleet_node, hashrate_cap), want_if_pow, take_hashrate, NULL },
	{ "admin_peers", "[]", false, offsetof(struct fleet_node, admin_cap), want_if_focused, take_admin_peers, NULL },
};
#define NPOLLS (sizeof(polls) / sizeof(polls[0]))
_Static_assert(NPOLLS <= POLL_MAX, "node_rt.slot has a place for every row of polls[]");

static enum fleet_cap *cap_of(struct fleet_node *v, const struct poll_def *d)
{
	return d->cap == NO_CAP ? NULL : (enum fleet_cap *)((char *)v + d->cap);
}

/* Whether this poll should ask d at all: not once the node said it does not offer it. */
static bool wanted(struct node_rt *n, const struct poll_def *d)
{
	const enum fleet_cap *cap = cap_of(&n->view, d);

	if (cap && *cap == CAP_NO)
		return false;
	return !d->wanted || d->wanted(n);
}

/* The chain id and the head block are what a poll is for: without them the node is not usable. */
static void note_broken(struct node_rt *n, const struct poll_def *d, const struct rpc_reply *r)
{
	char msg[120];

	if (n->broken[0])
		return;
	if (r->status == RPC_EREMOTE) {
		text_sanitize(msg, sizeof(msg), r->message ? r->message : "", r->message ? strlen(r->message) : 0);
		snprintf(n->broken, sizeof(n->broken), "%s answered with an error: %s", d->method, msg);
	} else {
		snprintf(n->broken, sizeof(n->broken), "%s: %s", d->method, cd_strerror(r->status));
	}
}

/*
 * Where the node's error for a figure the detail view shows is kept: a
 * passing error ("-32000 ...") is shown as an error with its message, not as
 * a figure the node never gave. NULL for the other calls.
 */
_Static_assert(sizeof(((struct fleet_node *)0)->peers_error) == sizeof(((struct fleet_node *)0)->txpool_error),
               "error_slot's texts have one size");

static char *error_slot(struct fleet_node *v, const struct poll_def *d)
{
	if (d->take == take_peer_count)
		return v->peers_error;
	if (d->take == take_txpool_status)
		return v->txpool_error;
	return NULL;
}

static void take_reply(struct node_rt *n, const struct poll_def *d, const struct rpc_reply *r)
{
	struct fleet_node *v = &n->view;
	enum fleet_cap *cap = cap_of(v, d);
	char *slot = error_slot(v, d);

	if (slot) {
		slot[0] = '\0';
		if (r->status == RPC_EREMOTE && !rpc_reply_unsupported(r)) {
			char msg[100];

			text_sanitize(msg, sizeof(msg), r->message ? r->message : "", r->message ? strlen(r->message) : 0);
			snprintf(slot, sizeof(v->peers_error), "%ld %s", r->code, msg);
		}
	}

	if (d->required && r->status != RPC_OK)
		note_broken(n, d, r);
	if (r->status == RPC_EREMOTE) {
		if (cap && rpc_reply_unsupported(r)) {
			*cap = CAP_NO;
			log_msg(LOG_INFO, "node %s: %s not offered", v->name, d->method);
		}
		if (d->refused)
			d->refused(n);
		return;
	}
	if (r->status == RPC_OK)
		d->take(n, r->result);
}

static void probe(struct node_rt *n);

/* A poll that did not give a usable chain id and head: the node is down for our purposes, with the reason. */
static void poll_failed(struct node_rt *n, const char *why)
{
	struct fleet_node *v = &n->view;

	/* A node that comes back may have restarted: its sync rate starts over. */
	fleet_sync_reset(&n->sync);
	v->sync_rate_milli = 0;
	v->has_sync_eta = false;
	if (v->conn != CONN_DOWN) {
		v->down_since = time(NULL);
		v->conn = CONN_DOWN;
		v->probed = false; /* it may come back as something else */
	}
	text_sanitize(v->last_error, sizeof(v->last_error), why, strlen(why));
	evaluate(n->fleet);
	notify(n->fleet);
}

static void on_poll(void *ud, const struct rpc_response *res)
{
	struct node_rt *n = ud;
	struct fleet_node *v = &n->view;

	n->poll_call = 0;
	v->polls_total++;
	if (res->status != RPC_OK) {
		poll_failed(n, res->detail);
		return;
	}
	/*
	 * A node can answer every call and still be useless: errors, ids that do
	 * not match, values that do not parse. Only a readable chain id and head
	 * make the poll a success; other answers still update what they can.
	 */
	n->broken[0] = '\0';
	for (size_t m = 0; m < NPOLLS; m++) {
		if (n->slot[m] >= 0 && (size_t)n->slot[m] < res->n)
			take_reply(n, &polls[m], &res->reply[n->slot[m]]);
		else if (polls[m].required)
			snprintf(n->broken, sizeof(n->broken), "%s: no answer in the batch", polls[m].method);
	}
	if (n->broken[0]) {
		poll_failed(n, n->broken);
		return;
	}
	v->polls_ok++;
	v->conn = CONN_UP;
	v->last_error[0] = '\0';
	v->last_ok_ms = loop_now_ms();
	v->last_latency_us = res->elapsed_us;
	stats_ring_push(&v->latency_us, res->elapsed_us);
	fleet_note_latency(v, res->elapsed_us);
	if (!v->probed && !n->probe_call)
		probe(n);
	evaluate(n->fleet);
	notify(n->fleet);
}

static void poll_node(struct node_rt *n)
{
	struct rpc_batch *b;
	int k = 0;

	if (n->poll_call)
		return;
	b = rpc_batch_new();
	if (!b)
		return;
	for (size_t m = 0; m < NPOLLS; m++) {
		n->slot[m] = -1;
		if (!wanted(n, &polls[m]))
			continue;
		if (rpc_batch_add(b, polls[m].method, cJSON_Parse(polls[m].params)) != RPC_OK)
			continue;
		n->slot[m] = k++;
	}
	n->poll_call = rpc_batch_send(n->rpc, b, on_poll, n);
}

static void set_ns(struct fleet_node *v, int ns, bool offered)
{
	unsigned bit = 1u << ns;

	v->ns_known |= bit;
	if (offered)
		v->ns_offered |= bit;
	else
		v->ns_offered &= ~bit;
}

/*
 * Whether a trial call's error says the node has no such method: "method not
 * found" in any of its usual words (rpc_reply_unsupported), or the very error,
 * code and message, the node gives for a method no node has. Some nodes answer
 * an unknown method with -32602 "invalid params" (anvil over IPC), which alone
 * would read as "offered, called wrongly".
 */
static bool unknown_method(const struct rpc_reply *r, const struct rpc_reply *control)
{
	if (rpc_reply_unsupported(r))
		return true;
	return r->status == RPC_EREMOTE && control->status == RPC_EREMOTE && r->code == control->code &&
	       strcmp(r->message ? r->message : "", control->message ? control->message : "") == 0;
}

static void on_probe(void *ud, const struct rpc_response *res)
{
	struct node_rt *n = ud;
	struct fleet_node *v = &n->view;

	n->probe_call = 0;
	if (res->status != RPC_OK || res->n != P_COUNT)
		return;
	v->probed = true;
	set_ns(v, NS_ETH, true);
	set_ns(v, NS_WEB3, v->client[0] != '\0');
	/* rpc_modules first: what the node says it has ... */
	if (res->reply[P_MODULES].status == RPC_OK && cJSON_IsObject(res->reply[P_MODULES].result)) {
		for (int ns = 0; ns < NS_COUNT; ns++) {
			if (cJSON_GetObjectItemCaseSensitive(res->reply[P_MODULES].result, fleet_ns_name((enum fleet_ns)ns)))
				set_ns(v, ns, true);
		}
	}
	/* ... then what it does: a trial call answered "no such method" wins. */
	for (int p = P_NET; p < P_COUNT; p++) {
		const struct rpc_reply *r = &res->reply[p];
		bool offered = r->status == RPC_OK ||
		               (r->status == RPC_EREMOTE && !unknown_method(r, &res->reply[P_CONTROL]));

		if (probes[p].ns >= 0 && (r->status == RPC_OK || r->status == RPC_EREMOTE))
			set_ns(v, probes[p].ns, offered);
	}
	if (res->reply[P_ADMIN].status == RPC_OK) {
		v->admin_cap = CAP_YES;
		sanitize_into(v->enode, sizeof(v->enode),
		              cJSON_GetObjectItemCaseSensitive(res->reply[P_ADMIN].result, "enode"));
	} else {
		v->admin_cap = CAP_NO;
	}
	if (res->reply[P_COINBASE].status == RPC_OK && cJSON_IsString(res->reply[P_COINBASE].result)) {
		const char *s = res->reply[P_COINBASE].result->valuestring;

		v->has_coinbase = hex_decode_exact(v->coinbase, sizeof(v->coinbase), s, strlen(s)) == CD_OK;
	}
	notify(n->fleet);
}

static void probe(struct node_rt *n)
{
	struct rpc_batch *b = rpc_batch_new();

	if (!b)
		return;
	for (int p = 0; p < P_COUNT; p++) {
		cJSON *params = cJSON_CreateArray();

		if (params && probes[p].arg)
			cJSON_AddItemToArray(params, cJSON_CreateString(probes[p].arg));
		rpc_batch_add(b, probes[p].method, params);
	}
	n->probe_call = rpc_batch_send(n->rpc, b, on_probe, n);
}

static void on_tick(void *ud)
{
	struct fleet *f = ud;

	f->timer = loop_timer_add(f->loop, f->refresh_ms, on_tick, f);
	drain_hooks(f);
	fleet_poll_now(f);
	/* Time alone can raise a condition (a stalled head). */
	evaluate(f);
}

void fleet_poll_now(struct fleet *f)
{
	for (size_t i = 0; i < f->n; i++)
		poll_node(f->nodes[i]);
}

/* ---- nodes ---- */

static struct node_rt *node_new(struct fleet *f, const struct config_node *cn, char *err, size_t errlen)
{
	struct node_rt *n = calloc(1, sizeof(*n));
	struct rpc_opts o = {
		.url = cn->url, .bearer = cn->bearer, .headers = (const char *const *)cn->headers,
		.nheaders = cn->nheaders, .ca_file = cn->ca_file,
		.timeout_ms = config_node_timeout(f->cfg, cn), .connections = cn->connections,
	};
	char why[256];

	if (!n) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n->fleet = f;
	n->rpc = rpc_client_new(f->loop, &o, why, sizeof(why));
	if (!n->rpc) {
		snprintf(err, errlen, "node %s: %s", cn->name, why);
		free(n);
		return NULL;
	}
	snprintf(n->view.name, sizeof(n->view.name), "%s", cn->name);
	snprintf(n->view.url, sizeof(n->view.url), "%s", rpc_client_url(n->rpc));
	n->view.pinned = cn->pinned;
	n->view.has_expected_chain_id = cn->has_chain_id;
	n->view.expected_chain_id = cn->chain_id;
	/* The node's own metrics: ten refresh periods apart, at least a second. */
	if (cn->metrics_url)
		n->own = nodemetrics_new(f->loop, cn, f->refresh_ms * 10 > 1000 ? f->refresh_ms * 10 : 1000, &n->view.own,
		                         notify_ud, f, err, errlen);
	return n;
}

static void node_free(struct node_rt *n)
{
	if (!n)
		return;
	nodemetrics_free(n->own);
	rpc_client_free(n->rpc);
	free(n);
}

static int push_node(struct fleet *f, struct node_rt *n)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, sized as one */
		struct node_rt **p = realloc(f->nodes, cap * sizeof(*p));

		if (!p)
			return -1;
		f->nodes = p;
		f->cap = cap;
	}
	n->view.index = f->n;
	f->nodes[f->n++] = n;
	return 0;
}

int fleet_add_node(struct fleet *f, const struct config_node *cn, char *err, size_t errlen)
{
	struct node_rt *n = node_new(f, cn, err, errlen);

	if (!n)
		return -1;
	if (push_node(f, n) != 0) {
		node_free(n);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	poll_node(n);
	notify(f);
	return 0;
}

void fleet_remove_node(struct fleet *f, size_t i)
{
	if (i >= f->n)
		return;
	fork_cancel(f->nodes[i]);
	/* A search that asked this node for its blocks stops where it is. */
	for (size_t k = 0; k < f->n; k++) {
		if (f->nodes[k]->bisect_theirs == f->nodes[i]) {
			f->nodes[k]->bisect_theirs = NULL;
			f->nodes[k]->bisect_theirs_call = 0;
			fork_cancel(f->nodes[k]);
			fleet_fork_give_up(&f->nodes[k]->view);
		}
	}
	node_free(f->nodes[i]);
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, sized as one */
	memmove(f->nodes + i, f->nodes + i + 1, (f->n - i - 1) * sizeof(*f->nodes));
	f->n--;
	for (size_t k = 0; k < f->n; k++)
		f->nodes[k]->view.index = k;
	if (f->focus != SIZE_MAX && f->focus >= f->n)
		f->focus = f->n ? f->n - 1 : SIZE_MAX;
	evaluate(f);
	notify(f);
}

void fleet_set_pinned(struct fleet *f, size_t i, bool pinned)
{
	if (i < f->n)
		f->nodes[i]->view.pinned = pinned;
}

void fleet_set_focus(struct fleet *f, size_t i)
{
	f->focus = i < f->n ? i : SIZE_MAX;
}

struct fleet *fleet_new(struct loop *loop, const struct config *cfg, void (*changed)(void *ud), void *ud,
                        char *err, size_t errlen)
{
	struct fleet *f = calloc(1, sizeof(*f));

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->loop = loop;
	f->cfg = cfg;
	f->focus = SIZE_MAX;
	f->prop = prop_table_new();
	f->refresh_ms = cfg->refresh_ms > 0 ? (uint64_t)cfg->refresh_ms : 1000;
	f->changed = changed;
	f->ud = ud;
	if (cfg->alert_hook) {
		f->queue = calloc(HOOK_QUEUE, sizeof(*f->queue));
		if (!f->queue) {
			snprintf(err, errlen, "out of memory");
			free(f);
			return NULL;
		}
		if (!hook_check(f))
			log_msg(LOG_WARN, "%s: alerts will not run it until that is fixed", f->hook_problem);
	}
	for (size_t i = 0; i < cfg->nnodes; i++) {
		struct node_rt *n = node_new(f, &cfg->nodes[i], err, errlen);

		if (!n || push_node(f, n) != 0) {
			node_free(n);
			fleet_free(f);
			return NULL;
		}
	}
	fleet_poll_now(f);
	f->timer = loop_timer_add(loop, f->refresh_ms, on_tick, f);
	return f;
}

void fleet_free(struct fleet *f)
{
	if (!f)
		return;
	if (f->timer)
		loop_timer_cancel(f->loop, f->timer);
	if (f->drain_timer)
		loop_timer_cancel(f->loop, f->drain_timer);
	for (size_t i = 0; i < f->n; i++)
		node_free(f->nodes[i]);
	reap_hooks(f);
	prop_table_free(f->prop);
	if (f->nqueue)
		log_msg(LOG_WARN, "alert hook: %zu alerts still waiting at exit were not run", f->nqueue);
	free(f->queue);
	free(f->nodes);
	free(f);
}

size_t fleet_count(const struct fleet *f)
{
	return f->n;
}

const struct fleet_node *fleet_node(const struct fleet *f, size_t i)
{
	return i < f->n ? &f->nodes[i]->view : NULL;
}

void fleet_order(const struct fleet *f, enum fleet_col col, bool descending, size_t *order)
{
	const struct fleet_node *views[f->n ? f->n : 1];

	for (size_t i = 0; i < f->n; i++)
		views[i] = &f->nodes[i]->view;
	fleet_sort(views, f->n, col, descending, order);
}
