/*
 * chaindeck — entry point: arguments, startup stages, and the loop that owns
 * the screen.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <curl/curl.h>

#include "common/config.h"
#include "common/log.h"
#include "common/sbuf.h"
#include "common/loop.h"
#include "dashboard/exporter.h"
#include "dashboard/fleet.h"
#include "dashboard/metrics.h"
#include "dashboard/fleetfile.h"
#include "explorer/explorer.h"
#include "wallet/vault.h"
#include "wallet/wallet.h"
#include "tui/app.h"
#include "tui/keys.h"
#include "tui/pane.h"
#include "tui/screen.h"
#include "wallet/safe_cli.h"
#include "wallet/wallet_cli.h"

#define MAX_RPC_URLS 64

/* The panes, in tab order (keys 1 2 3). Each *_pane.c defines its table; only here are they named. */
extern const struct pane_ops wallet_pane_ops;
extern const struct pane_ops explorer_pane_ops;
extern const struct pane_ops dashboard_pane_ops;

static const struct pane_ops *const pane_registry[] = {
	&wallet_pane_ops,
	&explorer_pane_ops,
	&dashboard_pane_ops,
};
#define NPANES (sizeof(pane_registry) / sizeof(pane_registry[0]))
/* Startup shows the dashboard (pane_registry[2]): the nodes' health comes first. */
#define START_PANE 2

struct options {
	const char *config_path;
	const char *vault_path;
	const char *log_path;
	const char *rpc_urls[MAX_RPC_URLS];
	bool rpc_url_is_file[MAX_RPC_URLS]; /* --rpc-url-file: rpc_urls[i] names a file holding the URL */
	size_t nrpc;
	const char *metrics_addr; /* --metrics ADDR:PORT, or NULL */
	bool headless;            /* --headless: no terminal, no panes; the fleet, its alerts and metrics */
};

struct ctx {
	struct app app;
	struct options opt;
	uint64_t tick_timer;
	uint64_t start_us;
	bool first_full_frame;
	uint64_t alert_seq;   /* the fleet's alert count already announced */
	char harden_failed[256]; /* what harden_process could not do, or "" */
	struct exporter *exporter;
	uint64_t metrics_timer;
	char *file_urls[MAX_RPC_URLS]; /* the URLs read from --rpc-url-file (secrets: wiped when freed) */
};

void app_mark_dirty(struct app *app)
{
	app->dirty = true;
}

void app_changed(void *app)
{
	app_mark_dirty(app);
}

/* The session config's node of that name (the fleet's nodes are the session config's). */
static const struct config_node *config_node_named(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nnodes; i++) {
		if (strcmp(cfg->nodes[i].name, name) == 0)
			return &cfg->nodes[i];
	}
	return NULL;
}

/* Builds the explorer's model on the node of that name; the old one stays on failure. */
static int explorer_follow(struct app *app, const char *name, char *err, size_t errlen)
{
	const struct config_node *cn = config_node_named(&app->cfg, name);
	struct explorer *e;

	if (!cn) {
		snprintf(err, errlen, "node %s is not in the session's configuration", name);
		return -1;
	}
	e = explorer_new(app->loop, &app->cfg, cn, app_changed, app, err, errlen);
	if (!e)
		return -1;
	explorer_free(app->explorer);
	app->explorer = e;
	snprintf(app->explorer_node, sizeof(app->explorer_node), "%s", name);
	return 0;
}

void app_select_node(struct app *app, size_t i)
{
	const struct fleet_node *n = fleet_node(app->fleet, i);
	char err[256];

	app->node_sel = i;
	app_mark_dirty(app);
	if (!n || strcmp(n->name, app->explorer_node) == 0)
		return;
	if (explorer_follow(app, n->name, err, sizeof(err)) != 0) {
		log_msg(LOG_WARN, "the explorer stays on %s: %s", app->explorer_node, err);
		return;
	}
	log_msg(LOG_INFO, "the explorer follows %s", n->name);
	if (app->wallet) {
		const struct config_node *cn = config_node_named(&app->cfg, n->name);

		if (cn && wallet_follow_node(app->wallet, &app->cfg, cn, err, sizeof(err)) == 0)
			log_msg(LOG_INFO, "the wallet follows %s", n->name);
		else
			log_msg(LOG_WARN, "the wallet stays on %s: %s", wallet_node_name(app->wallet),
			        cn ? err : "the node is not in the session's configuration");
	}
	for (size_t p = 0; p < app->npanes; p++) {
		if (app->panes[p]->follow_node)
			app->panes[p]->follow_node(app->pane_state[p], app);
	}
}

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: chaindeck [options]\n"
	        "A terminal cockpit for Ethereum-family nodes: wallet, block explorer, node dashboard.\n"
	        "\n"
	        "Options:\n"
	        "  -r, --rpc-url URL   node to watch (repeatable): http://, https://, ipc:///path or /path.ipc;\n"
	        "                      replaces the nodes of the config file and ETH_RPC_URL\n"
	        "      --rpc-url-file FILE\n"
	        "                      the same, the URL read from the first line of FILE: a password\n"
	        "                      in it never shows in the process list (ps)\n"
	        "  -c, --config PATH   config file (default $XDG_CONFIG_HOME/chaindeck/config.ini)\n"
	        "      --log PATH      log file (default $XDG_STATE_HOME/chaindeck/chaindeck.log)\n"
	        "      --vault PATH    wallet vault (default $XDG_DATA_HOME/chaindeck/vault)\n"
	        "      --metrics ADDR:PORT  serve Prometheus metrics at http://ADDR:PORT/metrics\n"
	        "                      (a port alone: 127.0.0.1; other addresses are logged as a warning)\n"
	        "      --headless      no terminal: watch the nodes, raise alerts and serve --metrics until\n"
	        "                      SIGTERM or SIGINT; SIGHUP reloads the config file\n"
	        "      --keys          print the key bindings and exit\n"
	        "  -h, --help          show this help and exit\n"
	        "  -V, --version       show the version and exit\n"
	        "\n"
	        "Without --rpc-url, the node comes from ETH_RPC_URL, else the config file,\n"
	        "else http://127.0.0.1:8545. NO_COLOR turns colours off.\n");
}

/* 0: go on; 1: done, exit 0; -1: usage error. */
static int parse_args(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rpc-url", required_argument, NULL, 'r' },
		{ "rpc-url-file", required_argument, NULL, 'F' },
		{ "config", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'L' },
		{ "vault", required_argument, NULL, 'W' },
		{ "keys", no_argument, NULL, 'K' },
		{ "metrics", required_argument, NULL, 'M' },
		{ "headless", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	for (;;) {
		ch = getopt_long(argc, argv, "r:c:hV", longopts, NULL);
		if (ch == -1)
			break;
		switch (ch) {
		case 'r':
		case 'F':
			if (o->nrpc == MAX_RPC_URLS) {
				fprintf(stderr, "chaindeck: at most %d --rpc-url and --rpc-url-file options\n", MAX_RPC_URLS);
				return -1;
			}
			o->rpc_url_is_file[o->nrpc] = ch == 'F';
			o->rpc_urls[o->nrpc++] = optarg;
			break;
		case 'c':
			o->config_path = optarg;
			break;
		case 'L':
			o->log_path = optarg;
			break;
		case 'W':
			o->vault_path = optarg;
			break;
		case 'M':
			o->metrics_addr = optarg;
			break;
		case 'H':
			o->headless = true;
			break;
		case 'K':
			keys_print(stdout, pane_registry, NPANES);
			return 1;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf("chaindeck %s (%s)\n", CHAINDECK_VERSION, CHAINDECK_DESCRIBE);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "chaindeck: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

/*
 * Before anything secret enters the process (a bearer token from the config,
 * a password typed in the wallet pane or read by a `wallet` command): no core
 * dump (RLIMIT_CORE 0) and not dumpable (PR_SET_DUMPABLE 0), which also keeps
 * other processes of the same user from attaching with ptrace or reading
 * /proc/PID/mem. For the rest of the process: secrets may stay in memory after
 * a lock. A setting that fails is reported in why (both are still tried).
 */
static int harden_process(char *why, size_t cap)
{
	struct rlimit rl = { 0, 0 };
	int rc = 0;

	why[0] = '\0';
	if (setrlimit(RLIMIT_CORE, &rl) != 0) {
		snprintf(why, cap, "cannot turn core dumps off (setrlimit RLIMIT_CORE): %s", strerror(errno));
		rc = -1;
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		size_t n = strlen(why);

		snprintf(why + n, cap - n, "%scannot make the process non-dumpable (prctl PR_SET_DUMPABLE): %s",
		         n ? "; " : "", strerror(errno));
		rc = -1;
	}
	return rc;
}

/* ---- startup stages, unwound in reverse ---- */

static int st_config_up(struct ctx *x, char *err, size_t errlen)
{
	const char *env = getenv("ETH_RPC_URL");

	config_init(&x->app.cfg);
	for (size_t i = 0; i < x->opt.nrpc; i++) {
		char why[400];

		if (!x->opt.rpc_url_is_file[i])
			continue;
		if (config_read_url_file(x->opt.rpc_urls[i], &x->file_urls[i], why, sizeof(why)) != CD_OK) {
			snprintf(err, errlen, "--rpc-url-file %s: %s", x->opt.rpc_urls[i], why);
			return -1;
		}
		x->opt.rpc_urls[i] = x->file_urls[i];
	}
	if (x->opt.config_path)
		snprintf(x->app.config_path, sizeof(x->app.config_path), "%s", x->opt.config_path);
	else if (config_default_path(x->app.config_path, sizeof(x->app.config_path)) < 0)
		x->app.config_path[0] = '\0';
	if (x->app.config_path[0] && config_load(&x->app.cfg, x->app.config_path, err, errlen) != 0)
		return -1;
	if (config_apply_overrides(&x->app.cfg, x->opt.rpc_urls, x->opt.nrpc, env, err, errlen) != 0)
		return -1;
	/* A reload brings the file's nodes in only when the session's nodes are the file's. */
	x->app.nodes_from_file = x->opt.nrpc == 0 && !(env && *env);
	if (x->opt.vault_path)
		snprintf(x->app.vault_path, sizeof(x->app.vault_path), "%s", x->opt.vault_path);
	else if (vault_default_path(x->app.vault_path, sizeof(x->app.vault_path)) < 0)
		x->app.vault_path[0] = '\0';
	return 0;
}

static void st_config_down(struct ctx *x)
{
	config_free(&x->app.cfg);
	for (size_t i = 0; i < MAX_RPC_URLS; i++) {
		if (x->file_urls[i])
			explicit_bzero(x->file_urls[i], strlen(x->file_urls[i]));
		free(x->file_urls[i]);
		x->file_urls[i] = NULL;
	}
}

static int st_log_up(struct ctx *x, char *err, size_t errlen)
{
	char path[4096];
	const char *p = x->opt.log_path ? x->opt.log_path : x->app.cfg.log_path;
	int rc;

	if (!p) {
		if (config_default_log_path(path, sizeof(path)) < 0)
			return 0; /* no home: run without a log */
		p = path;
	}
	log_set_max_size(x->app.cfg.log_max_kib > 0 ? (unsigned long)x->app.cfg.log_max_kib * 1024 : LOG_MAX_DEFAULT);
	rc = log_open(p, LOG_INFO);
	if (rc != 0) {
		snprintf(err, errlen, "cannot open the log file %s: %s", p, log_open_strerror(rc));
		return -1;
	}
	log_msg(LOG_INFO, "chaindeck %s starting with %zu node(s)", CHAINDECK_VERSION, x->app.cfg.nnodes);
	if (x->harden_failed[0])
		log_msg(LOG_WARN, "%s", x->harden_failed);
	return 0;
}

static void st_log_down(struct ctx *x)
{
	(void)x;
	log_msg(LOG_INFO, "chaindeck exiting");
	log_close();
}

static int st_book_up(struct ctx *x, char *err, size_t errlen)
{
	char path[4096];

	(void)err;
	(void)errlen;
	x->app.book = addressbook_new();
	if (addressbook_default_path(path, sizeof(path)) < 0) {
		x->app.book_readonly = true;
		return 0;
	}
	/* A damaged book is reported and left alone: saving over it would lose its labels. */
	if (addressbook_load(x->app.book, path, x->app.book_error, sizeof(x->app.book_error)) != CD_OK) {
		log_msg(LOG_WARN, "address book: %s", x->app.book_error);
		x->app.book_readonly = true;
	}
	return 0;
}

static void st_book_down(struct ctx *x)
{
	addressbook_free(x->app.book);
}

static int st_curl_up(struct ctx *x, char *err, size_t errlen)
{
	(void)x;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "cannot initialise libcurl");
		return -1;
	}
	return 0;
}

static void st_curl_down(struct ctx *x)
{
	(void)x;
	curl_global_cleanup();
}

static int st_loop_up(struct ctx *x, char *err, size_t errlen)
{
	x->app.loop = loop_new();
	if (!x->app.loop) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	loop_catch_signals();
	return 0;
}

static void st_loop_down(struct ctx *x)
{
	loop_free(x->app.loop);
}

static int st_fleet_up(struct ctx *x, char *err, size_t errlen)
{
	x->app.fleet = fleet_new(x->app.loop, &x->app.cfg, app_changed, &x->app, err, errlen);
	return x->app.fleet ? 0 : -1;
}

static void st_fleet_down(struct ctx *x)
{
	fleet_free(x->app.fleet);
}

static void fleetfile_said(void *ud, bool bad, const char *msg)
{
	struct app *app = ud;

	snprintf(app->fleet_msg, sizeof(app->fleet_msg), "%s", msg);
	app->fleet_msg_bad = bad;
	app->fleet_msg_seq++;
	app_mark_dirty(app);
}

/* A reload moved the nodes: the selection stays on the node it was on, or the nearest one. */
static void fleetfile_nodes_changed(void *ud)
{
	struct app *app = ud;
	size_t n = fleet_count(app->fleet), sel = app->node_sel < n ? app->node_sel : (n ? n - 1 : 0);

	for (size_t i = 0; i < n; i++)
		if (strcmp(fleet_node(app->fleet, i)->name, app->explorer_node) == 0)
			sel = i;
	app_select_node(app, sel);
}

/* Without a terminal there is no selection to keep, and no explorer or wallet to move. */
static void fleetfile_nodes_changed_headless(void *ud)
{
	(void)ud;
}

static int st_fleetfile_up(struct ctx *x, char *err, size_t errlen)
{
	static const struct fleetfile_ops ops = { fleetfile_said, fleetfile_nodes_changed };
	static const struct fleetfile_ops headless_ops = { fleetfile_said, fleetfile_nodes_changed_headless };

	(void)err;
	(void)errlen;
	x->app.fleetfile = fleetfile_new(x->app.loop, x->app.config_path, &x->app.cfg, x->app.fleet,
	                                 x->app.nodes_from_file, x->opt.headless ? &headless_ops : &ops, &x->app);
	return 0;
}

static void st_fleetfile_down(struct ctx *x)
{
	fleetfile_free(x->app.fleetfile);
	x->app.fleetfile = NULL;
}

/* The explorer's model, on the selected node (the first at startup); none without nodes. */
static int st_explorer_up(struct ctx *x, char *err, size_t errlen)
{
	const struct fleet_node *n = fleet_node(x->app.fleet, x->app.node_sel);

	if (x->opt.headless)
		return 0;
	return n ? explorer_follow(&x->app, n->name, err, errlen) : 0;
}

static void st_explorer_down(struct ctx *x)
{
	explorer_free(x->app.explorer);
	x->app.explorer = NULL;
}

/*
 * The wallet's model, on the selected node (the first at startup); none
 * without a node or without a place for the vault.
 */
static int st_wallet_up(struct ctx *x, char *err, size_t errlen)
{
	const struct fleet_node *n = fleet_node(x->app.fleet, x->app.node_sel);
	const struct config_node *cn = n ? config_node_named(&x->app.cfg, n->name) : NULL;

	if (!cn || !x->app.vault_path[0] || x->opt.headless)
		return 0;
	x->app.wallet = wallet_new(x->app.loop, &x->app.cfg, cn, x->app.vault_path, app_changed, &x->app, err, errlen);
	return x->app.wallet ? 0 : -1;
}

static void st_wallet_down(struct ctx *x)
{
	wallet_free(x->app.wallet);
	x->app.wallet = NULL;
}

static int st_panes_up(struct ctx *x, char *err, size_t errlen)
{
	if (x->opt.headless)
		return 0;
	x->app.panes = pane_registry;
	x->app.npanes = NPANES;
	x->app.active = START_PANE;
	for (size_t i = 0; i < NPANES; i++) {
		if (pane_registry[i]->init(&x->app, &x->app.pane_state[i], err, errlen) != 0) {
			while (i-- > 0)
				pane_registry[i]->fini(x->app.pane_state[i]);
			return -1;
		}
	}
	return 0;
}

static void st_panes_down(struct ctx *x)
{
	if (x->opt.headless)
		return;
	for (size_t i = NPANES; i-- > 0;)
		pane_registry[i]->fini(x->app.pane_state[i]);
}

static void on_input(void *ud, int fd, short revents)
{
	struct app *app = ud;
	wint_t wch;

	(void)fd;
	/*
	 * The terminal went away (ssh dropped, the window closed): nothing can reach the user any
	 * more, so quit; a hung-up terminal would read as "no key" for ever. SIGHUP cannot say it, as
	 * it reloads the config.
	 */
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		log_msg(LOG_WARN, "terminal closed");
		app->quit = true;
		return;
	}
	while (!app->quit) {
		if (wget_wch(stdscr, &wch) == ERR)
			break;
		keys_dispatch(app, (int)wch);
	}
}

static void on_tick(void *ud)
{
	struct ctx *x = ud;

	/* Ages and staleness change with time alone. */
	app_mark_dirty(&x->app);
	x->tick_timer = loop_timer_add(x->app.loop, 1000, on_tick, x);
}

static int st_screen_up(struct ctx *x, char *err, size_t errlen)
{
	if (x->opt.headless)
		return 0;
	if (screen_init(&x->app, err, errlen) != 0)
		return -1;
	refresh();
	loop_watch_fd(x->app.loop, STDIN_FILENO, POLLIN, on_input, &x->app);
	x->tick_timer = loop_timer_add(x->app.loop, 1000, on_tick, x);
	app_mark_dirty(&x->app);
	return 0;
}

static void st_screen_down(struct ctx *x)
{
	if (x->opt.headless)
		return;
	loop_timer_cancel(x->app.loop, x->tick_timer);
	loop_unwatch_fd(x->app.loop, STDIN_FILENO);
	screen_fini();
}

/*
 * The metrics snapshot: rendered on the loop thread once per refresh period
 * (at most once a second, so ages stay current) and handed to the exporter,
 * whose thread serves it. Rendering reads the fleet; serving never does.
 */
static void publish_metrics(struct ctx *x)
{
	struct sbuf b = { 0 };
	struct metrics_now t = { .wall_s = (uint64_t)time(NULL), .mono_ms = loop_now_ms() };

	metrics_render_fleet(x->app.fleet, &t, CHAINDECK_VERSION, &b);
	exporter_publish(x->exporter, b.s, b.len);
}

static void on_metrics_tick(void *ud)
{
	struct ctx *x = ud;
	long ms = x->app.cfg.refresh_ms;

	publish_metrics(x);
	x->metrics_timer = loop_timer_add(x->app.loop, (uint64_t)(ms > 0 && ms < 1000 ? ms : 1000), on_metrics_tick, x);
}

static int st_metrics_up(struct ctx *x, char *err, size_t errlen)
{
	if (!x->opt.metrics_addr)
		return 0;
	x->exporter = exporter_start(x->opt.metrics_addr, err, errlen);
	if (!x->exporter)
		return -1;
	on_metrics_tick(x);
	return 0;
}

static void st_metrics_down(struct ctx *x)
{
	if (!x->exporter)
		return;
	loop_timer_cancel(x->app.loop, x->metrics_timer);
	exporter_stop(x->exporter);
	x->exporter = NULL;
}

struct stage {
	const char *name;
	int (*up)(struct ctx *x, char *err, size_t errlen);
	void (*down)(struct ctx *x);
};

static const struct stage stages[] = {
	{ "config", st_config_up, st_config_down },
	{ "log", st_log_up, st_log_down },
	{ "book", st_book_up, st_book_down },
	{ "curl", st_curl_up, st_curl_down },
	{ "loop", st_loop_up, st_loop_down },
	{ "fleet", st_fleet_up, st_fleet_down },
	{ "fleetfile", st_fleetfile_up, st_fleetfile_down },
	{ "metrics", st_metrics_up, st_metrics_down },
	{ "explorer", st_explorer_up, st_explorer_down },
	{ "wallet", st_wallet_up, st_wallet_down },
	{ "panes", st_panes_up, st_panes_down },
	{ "screen", st_screen_up, st_screen_down },
};
#define NSTAGES (sizeof(stages) / sizeof(stages[0]))

/* Logs once how long it took to show a node's live data: `make bench` reads this line. */
static void note_first_full_frame(struct ctx *x)
{
	const struct fleet_node *n = fleet_node(x->app.fleet, x->app.node_sel);

	if (x->first_full_frame || !n || !n->has_chain_id || !n->has_head)
		return;
	x->first_full_frame = true;
	log_msg(LOG_INFO, "first full frame after %llu us", (unsigned long long)(loop_now_us() - x->start_us));
}

/* A new alert rings the terminal bell (when the config wants it); cleared ones do not. */
static void ring_for_alerts(struct ctx *x)
{
	uint64_t seq = fleet_alert_seq(x->app.fleet);
	bool raised = false;

	for (uint64_t i = 0; x->alert_seq + i < seq && i < fleet_alert_count(x->app.fleet); i++)
		raised |= !fleet_alert(x->app.fleet, (size_t)i)->resolved;
	x->alert_seq = seq;
	if (raised && x->app.cfg.bell)
		beep();
}

static void run(struct ctx *x)
{
	struct app *app = &x->app;

	while (!app->quit) {
		/* A draw may ask for another (a view scrolling to its selection): then do not sleep. */
		if (loop_run_once(app->loop, app->dirty ? 0 : 1000) != 0) {
			log_msg(LOG_ERROR, "event loop failed");
			break;
		}
		if (loop_take_signal(SIGINT) || loop_take_signal(SIGTERM))
			app->quit = true;
		if (loop_take_signal(SIGWINCH))
			screen_resize(app);
		if (loop_take_signal(SIGHUP))
			fleetfile_reload(app->fleetfile);
		ring_for_alerts(x);
		if (app->dirty && !app->quit) {
			app->dirty = false;
			screen_draw(app);
			note_first_full_frame(x);
		}
	}
}

/* No terminal: the loop runs the fleet (alerts, hook) and the metrics until told to stop. */
static void run_headless(struct ctx *x)
{
	struct app *app = &x->app;

	log_msg(LOG_INFO, "running headless");
	while (!app->quit) {
		if (loop_run_once(app->loop, 1000) != 0) {
			log_msg(LOG_ERROR, "event loop failed");
			break;
		}
		if (loop_take_signal(SIGINT) || loop_take_signal(SIGTERM))
			app->quit = true;
		else if (loop_take_signal(SIGHUP))
			fleetfile_reload(app->fleetfile);
	}
}

int main(int argc, char **argv)
{
	static struct ctx x;
	char err[512] = "";
	size_t up = 0;
	int rc;

	/* First of all, for the screen and the `wallet` commands alike: said on stderr and in the log. */
	if (harden_process(x.harden_failed, sizeof(x.harden_failed)) != 0)
		fprintf(stderr, "chaindeck: warning: %s\n", x.harden_failed);
	/* the scriptable wallet: no config, log or terminal setup */
	if (argc > 1 && strcmp(argv[1], "wallet") == 0)
		return wallet_cli_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "safe") == 0)
		return safe_cli_main(argc - 1, argv + 1);
	x.start_us = loop_now_us();
	setlocale(LC_ALL, "");
	rc = parse_args(&x.opt, argc, argv);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	for (; up < NSTAGES; up++) {
		if (stages[up].up(&x, err, sizeof(err)) != 0)
			break;
	}
	if (up == NSTAGES && x.opt.headless)
		run_headless(&x);
	else if (up == NSTAGES)
		run(&x);
	while (up-- > 0)
		stages[up].down(&x);
	if (err[0]) {
		fprintf(stderr, "chaindeck: %s\n", err);
		return 1;
	}
	return 0;
}
