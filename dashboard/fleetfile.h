/*
 * fleetfile — the fleet's nodes and the config file, kept in step both ways.
 *
 * From the interface to the file: adding, removing or pinning a node edits
 * that node's section of the file in place (config_edit_*: comments, spacing
 * and every other section stay as the user wrote them) and writes the file
 * durably on a worker thread (fsutil_save_start); the result comes back
 * through say(). A node the file would refuse (a taken name, a malformed URL)
 * is refused before it joins the session, and names are unique in the
 * session too. A removal or pin touches the file's section only when it is
 * the very node on screen (same name, same URL).
 *
 * From the file to the session: a change of the file (inotify on its
 * directory, and on the directory of its target when it is a symbolic link,
 * watched by the loop) or fleetfile_reload (SIGHUP) reloads it. An invalid
 * file is reported through say() and the session keeps running on the
 * configuration it has. A valid one: nodes the file gained are added, nodes
 * it lost are removed, nodes whose settings changed are restarted, pins and
 * [alerts] thresholds, the hook and the bell take effect at once ([general]
 * refresh, timeout, log and theme need a restart, which the message says).
 * Nodes given by --rpc-url, --rpc-url-file or ETH_RPC_URL are not the file's:
 * a reload leaves them alone. A file with no node leaves the nodes as they are.
 *
 * No curses. Everything runs on the loop thread.
 */
#ifndef CHAINDECK_FLEETFILE_H
#define CHAINDECK_FLEETFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/config.h"
#include "common/loop.h"
#include "dashboard/fleet.h"

struct fleetfile_ops {
	/* A message for the operator (also logged). Never quotes a URL. */
	void (*say)(void *ud, bool bad, const char *msg);
	/* A reload added or removed nodes: indices moved. */
	void (*nodes_changed)(void *ud);
};

struct fleetfile;

/*
 * path "" (no home directory): changes stay in the session. session is the
 * session's configuration (its nodes are the fleet's), nodes_from_file false
 * when the nodes came from --rpc-url or ETH_RPC_URL. Never NULL (out of
 * memory aborts); a watch that cannot be set up is logged, and SIGHUP still
 * reloads.
 */
struct fleetfile *fleetfile_new(struct loop *loop, const char *path, struct config *session, struct fleet *fleet,
                                bool nodes_from_file, const struct fleetfile_ops *ops, void *ud);
/*
 * Waits for a write in flight and writes an edit still queued behind it (on
 * the calling thread: the interface is gone by then), then frees.
 */
void fleetfile_free(struct fleetfile *ff);

/* Adds cn to the file, the session and the fleet (at the end): 0, or negative with a message, nothing added. */
int fleetfile_add(struct fleetfile *ff, const struct config_node *cn, char *err, size_t errlen);
/* Removes fleet node i from the fleet, the session and (when it is the file's) the file. */
void fleetfile_remove(struct fleetfile *ff, size_t i);
/* Pins or unpins fleet node i, in the file too when it is the file's. */
void fleetfile_pin(struct fleetfile *ff, size_t i, bool pinned);
/* Reloads the file now (SIGHUP): always says what happened. After a write in flight, when there is one. */
void fleetfile_reload(struct fleetfile *ff);

#endif
