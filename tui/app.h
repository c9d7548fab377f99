/*
 * app — the state the shell shares with its panes. One per process, owned
 * by main(); panes get a pointer, never a global.
 *
 * main() is the composition root: it builds every model (the fleet, the
 * explorer's and the wallet's models) and hands them to the panes here, which
 * only use them.
 * The models are opaque to this header: a pane includes the model headers it
 * needs.
 */
#ifndef CHAINDECK_APP_H
#define CHAINDECK_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/addressbook.h"
#include "common/config.h"
#include "common/loop.h"
#include "tui/listview.h"

#define APP_MAX_PANES 8

struct pane_ops;
struct fleet;
struct fleetfile;
struct explorer;
struct wallet;

struct app {
	struct loop *loop;
	struct config cfg;
	char config_path[4096];       /* where node changes are saved; "" when there is no home */
	char vault_path[4096];        /* the wallet's vault; "" when there is no home */
	struct addressbook *book;     /* labels shared by the wallet and the explorer */
	bool book_readonly;           /* it could not be read: never saved over (no data lost) */
	char book_error[256];
	struct fleet *fleet;
	size_t node_sel;              /* the dashboard's selected node: the status line, explorer follow it */
	bool nodes_from_file;         /* the nodes are the config file's (no --rpc-url, no ETH_RPC_URL) */
	struct fleetfile *fleetfile;  /* node edits to the config file, and its reload (SIGHUP, a change on disk) */
	char fleet_msg[200];          /* what fleetfile said last, for the dashboard's message line */
	bool fleet_msg_bad;
	unsigned fleet_msg_seq;       /* grows with every message */
	struct explorer *explorer;    /* the explorer's model, on the selected node; NULL without nodes */
	char explorer_node[64];       /* the name of the node it follows */
	struct wallet *wallet;        /* the wallet's model, on the selected node; NULL without a node or a home */
	const struct pane_ops *const *panes;
	size_t npanes;
	void *pane_state[APP_MAX_PANES];
	size_t active;
	bool show_help;
	struct list_view help_view;   /* the help overlay's scrolling: its lines and rows at the last draw */
	bool quit;
	bool dirty;
	bool color;                   /* false under NO_COLOR or on a terminal without colours */
	bool utf8;                    /* false: ASCII fallback for bars and symbols */
};

/* Marks the screen for a redraw at the end of this loop iteration. */
void app_mark_dirty(struct app *app);
/*
 * Selects node i of the fleet (the dashboard's selection): the explorer's
 * model is rebuilt on that node when it follows another one, the wallet's
 * model is pointed at it (wallet_follow_node), then every pane with
 * follow_node is told. A node whose model cannot be built, or a wallet that
 * is sending a transaction, is reported in the log and stays where it was.
 */
void app_select_node(struct app *app, size_t i);
/* The same as a model's changed(ud) callback, with ud the struct app. */
void app_changed(void *app);

#endif
