/* SPDX-License-Identifier: MIT */
/*
 * config — the configuration file ($XDG_CONFIG_HOME/chaindeck/config.ini) and
 * the list of nodes to talk to.
 *
 * The file is a small, strict INI dialect:
 *
 *     # comment                 ; comment
 *     [general]
 *     refresh = 1000            ; poll interval, ms (100..60000)
 *     timeout = 5000            ; default per-call timeout, ms (100..600000)
 *     log = ~/chaindeck.log     ; absolute or ~/ path
 *     bell = on                 ; on|off (also yes|no, true|false)
 *     theme = default
 *
 *     [alerts]                  ; thresholds; 0 turns an alert off
 *     stall = 60                ; head unchanged for this many seconds (0..86400)
 *     min_peers = 1             ; fewer peers than this (0..100000)
 *     max_lag = 5               ; more blocks behind the best head (0..1000000)
 *     hook = ~/bin/on-alert     ; command run for every alert: absolute or ~/ path
 *
 *     [node "mainnet"]          ; [node mainnet] works too
 *     url = https://user:pass@rpc.example.org:8545   ; http(s)://, ipc:///path or /path
 *     bearer = TOKEN            ; or bearer_file = /path (first line of the file)
 *     header = X-Api-Key: abc   ; repeatable
 *     ca = /path/ca.pem
 *     timeout = 3000
 *     connections = 4           ; 1..16
 *     chain_id = 1              ; expected chain: decimal or 0x-hex, 1..2^63
 *     pinned = yes              ; yes|no (also on|off, true|false)
 *     metrics_url = http://127.0.0.1:6060/debug/metrics/prometheus  ; the node's own metrics
 *
 *     [safe "100"]              ; Safe 1.4.1 contracts on chain 100 (decimal or 0x-hex)
 *     singleton = 0x…           ; Safe; any key not given keeps its canonical address
 *     singleton_l2 = 0x…        ; SafeL2
 *     proxy_factory = 0x…       ; SafeProxyFactory
 *     fallback_handler = 0x…    ; CompatibilityFallbackHandler
 *     multi_send = 0x…
 *     multi_send_call_only = 0x…
 *     (addresses as 0x and 40 hex digits; a mixed-case one must carry a valid
 *     EIP-55 checksum)
 *
 * Values may be written "quoted" (escapes \" and \\); an unquoted value ends at
 * a ';' or '#' that starts it or follows white space. Unknown sections and keys,
 * repeated keys, out-of-range numbers and the like are errors, reported as
 * "name:line: message". Messages never quote a URL or a token. Each section
 * may appear once ([node] once per name); every section is optional.
 *
 * Ownership: every string and array in these structs is malloc'd and owned by
 * the struct config; config_free releases everything (tokens are wiped first).
 * Out of memory aborts.
 */
#ifndef CHAINDECK_CONFIG_H
#define CHAINDECK_CONFIG_H

#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Errors are the shared codes of common/error.h: CD_EINVAL (malformed file,
 * invalid value or argument), CD_EEXIST (a node with that name already
 * exists), CD_ENOTFOUND (no such node; or no home directory to put a default
 * path in), CD_EIO (reading or writing a file failed; the message says why),
 * CD_ESPACE (caller's buffer too small), CD_EPERM (the file belongs to another
 * user or is writable by group/others).
 */

enum {
	CONFIG_REFRESH_MS = 1000,  /* defaults set by config_init */
	CONFIG_TIMEOUT_MS = 5000,
	CONFIG_LOG_MAX_KIB = 10240, /* 10 MiB: the log's cap before it rotates */
	CONFIG_CONNECTIONS = 4,
	CONFIG_MAX_NODES = 1024,
	CONFIG_MAX_HEADERS = 32,
	CONFIG_NAME_MAX = 63,      /* bytes per node name: the one limit, from the file to the screen */
	CONFIG_MAX_LINE = 4096,    /* bytes per line, without the newline */
	CONFIG_MAX_FILE = 1 << 20  /* bytes per file (config and bearer_file) */
};

struct config_node {
	char *name;         /* unique, non-empty, printable, at most CONFIG_NAME_MAX bytes */
	char *url;          /* validated: http://, https://, ipc:///path or /path; may hold credentials */
	char *bearer;       /* token for "Authorization: Bearer", or NULL */
	char *bearer_file;  /* where bearer was read from, or NULL; config_save writes this instead of the token */
	char **headers;     /* nheaders "Name: value" strings */
	size_t nheaders;
	char *ca_file;      /* CA bundle for TLS, or NULL for the system's */
	long timeout_ms;    /* 0: inherit struct config.timeout_ms (see config_node_timeout) */
	int connections;    /* 1..16 */
	bool has_chain_id;  /* chain_id = N: the chain this node must be on (a mismatch is flagged) */
	uint64_t chain_id;
	bool pinned;        /* pinned = yes: kept at the top of the fleet grid */
	char *metrics_url;  /* the node's own Prometheus endpoint (http/https), or NULL; may hold credentials */
};

/* [safe "CHAINID"]: the Safe contracts' addresses on one chain; a key not given is not set. */
enum config_safe_key {
	CONFIG_SAFE_SINGLETON, CONFIG_SAFE_SINGLETON_L2, CONFIG_SAFE_PROXY_FACTORY, CONFIG_SAFE_FALLBACK_HANDLER,
	CONFIG_SAFE_MULTI_SEND, CONFIG_SAFE_MULTI_SEND_CALL_ONLY, CONFIG_SAFE_KEYS
};
struct config_safe {
	uint64_t chain_id;
	bool set[CONFIG_SAFE_KEYS];
	uint8_t addr[CONFIG_SAFE_KEYS][20];
};
/* The key names, in enum config_safe_key order. */
extern const char *const config_safe_keys[CONFIG_SAFE_KEYS];

struct config {
	struct config_safe *safes;  /* [safe "CHAINID"] sections, one per chain */
	size_t nsafes;
	struct config_node *nodes;
	size_t nnodes;
	long refresh_ms;
	long timeout_ms;
	char *log_path;     /* NULL: the default (config_default_log_path) */
	long log_max_kib;   /* log_max_kib = N: the log's size cap in KiB before it rotates to <log>.1 */
	bool bell;
	char *theme;        /* free text, NULL when unset */
	/* [alerts] */
	long alert_stall_s;    /* stall = S: head unchanged for S seconds (default 60; 0 disables) */
	long alert_min_peers;  /* min_peers = N: fewer peers than N (default 1; 0 disables) */
	long alert_max_lag;    /* max_lag = N: more than N blocks behind the best head (default 5; 0 disables) */
	char *alert_hook;      /* hook = /path/cmd: run for every alert, or NULL */
};

/*
 * Sets the defaults: no nodes, refresh 1000 ms, timeout 5000 ms, bell on;
 * alerts: stall 60 s, min_peers 1, max_lag 5, no hook. Allocates nothing.
 */
void config_init(struct config *cfg);
/* Releases everything config_init/load/parse/add put in cfg and leaves it as config_init does. */
void config_free(struct config *cfg);

/*
 * $XDG_CONFIG_HOME/chaindeck/config.ini, else $HOME/.config/chaindeck/config.ini
 * (a relative XDG_CONFIG_HOME is ignored, as the XDG spec says; with no HOME,
 * the password database's home). Returns the length, CD_ENOTFOUND or CD_ESPACE.
 */
int config_default_path(char *buf, size_t cap);
/* $XDG_STATE_HOME/chaindeck/chaindeck.log, else $HOME/.local/state/chaindeck/chaindeck.log; as above. */
int config_default_log_path(char *buf, size_t cap);

/*
 * Reads and parses the file at path on top of cfg (file values replace
 * cfg's; the file's nodes are appended) and reads every bearer_file. A
 * missing file is not an error: returns 0 and leaves cfg alone. A file owned
 * by another user (root excepted) or writable by group or others is not read:
 * CD_EPERM, with a message naming the file and the chmod/chown that fixes
 * it (the file names a command to run). On any error returns negative, writes
 * "path:line: message" (or "path: message") to err and leaves cfg unchanged.
 */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);
/*
 * As config_load on text[len] (which may hold any bytes), without touching
 * the file system: a bearer_file is recorded in the node but not read
 * (bearer stays NULL). name_for_errors prefixes messages. "~/" in paths is
 * expanded with $HOME.
 */
int config_parse(struct config *cfg, const char *text, size_t len, const char *name_for_errors,
		 char *err, size_t errlen);

/*
 * Node selection, as the product defines it: the n rpc_urls (from repeated
 * --rpc-url) replace cfg's nodes; else a non-empty eth_rpc_url_env
 * (ETH_RPC_URL) replaces them; else the file's nodes stay; else one node
 * "local" at http://127.0.0.1:8545. URL-given nodes are named after their
 * host[:port] (never their credentials), or their socket path, with " (2)",
 * " (3)"... for repeats. On error (a bad URL) returns CD_EINVAL with a
 * message and leaves cfg unchanged.
 */
int config_apply_overrides(struct config *cfg, const char *const *rpc_urls, size_t n,
			   const char *eth_rpc_url_env, char *err, size_t errlen);

/*
 * Appends a deep copy of node after validating it (name, url, ranges, a
 * chain_id of 1..2^63 when has_chain_id; a timeout_ms of 0 inherits,
 * connections 0 means the default). Returns
 * CD_EEXIST for a taken name, CD_EINVAL for invalid fields.
 */
int config_add_node(struct config *cfg, const struct config_node *node, char *err, size_t errlen);
/* Removes and frees the node called name; CD_ENOTFOUND if there is none. */
int config_remove_node(struct config *cfg, const char *name);
/* The node's effective per-call timeout in ms. */
long config_node_timeout(const struct config *cfg, const struct config_node *node);
/* The node called name, or NULL. */
const struct config_node *config_node_find(const struct config *cfg, const char *name);
/* Whether a and b are the same node reached the same way: every field but pinned. */
bool config_node_same(const struct config_node *a, const struct config_node *b);

/*
 * --rpc-url-file: the URL on the first line of the file at path (trimmed),
 * read as a secret (never left in freed memory) so that a password in it
 * never shows in the process list. *url is malloc'd. CD_OK; CD_EIO (cannot
 * read, empty) or CD_EINVAL (not a valid URL), with a message that never
 * quotes the URL.
 */
int config_read_url_file(const char *path, char **url, char *err, size_t errlen);

/*
 * Editing the file as its user wrote it. Each function takes the file's text
 * (text[len]; NULL and 0 for a file that does not exist yet) and gives in
 * *out (*outlen bytes, NUL-terminated, malloc'd; it may hold secrets: free it
 * with fsutil_free_wiped) the same text with only one node's section
 * changed: every other byte (comments, spacing, order, other sections) is
 * kept. file names the file in messages. The text must parse before and
 * after the edit; otherwise CD_EINVAL with the parser's "file:line: message"
 * and *out untouched.
 *
 *   config_edit_add     appends node's section (written as config_save
 *                       writes one), after a blank line. CD_EEXIST when the
 *                       file has a node of that name, CD_EINVAL for an invalid
 *                       node: the file is never given what it would refuse.
 *   config_edit_remove  deletes exactly the section's lines: its header
 *                       through its last key line (comments between its keys
 *                       included; a comment after its last key belongs to what
 *                       follows and stays), and the blank lines after it (at
 *                       the end of the file: before it). CD_ENOTFOUND.
 *   config_edit_pin     rewrites the section's "pinned =" line (keeping its
 *                       indentation and a comment after the value), or adds
 *                       "pinned = yes" after its last key line; unpinning a
 *                       section without one changes nothing. CD_ENOTFOUND.
 */
int config_edit_add(const char *text, size_t len, const char *file, const struct config_node *node, char **out,
		    size_t *outlen, char *err, size_t errlen);
int config_edit_remove(const char *text, size_t len, const char *file, const char *name, char **out,
		       size_t *outlen, char *err, size_t errlen);
int config_edit_pin(const char *text, size_t len, const char *file, const char *name, bool pinned, char **out,
		    size_t *outlen, char *err, size_t errlen);

/* URLs are checked, named and masked by common/url.h (url_mask shows one safely). */

/*
 * Writes the whole of cfg to path, atomically and durably, mode 0600, missing
 * directories created 0700: fsutil_replace (common/fsutil.h). Comments of an
 * earlier file are not kept (the interface edits the file with config_edit_*
 * instead); [alerts] is written only when a threshold
 * differs from its default or a hook is set.
 * Returns 0, or CD_EIO / CD_EINVAL with a message. CD_EIO means
 * "not known to be saved": before the rename path is untouched and no
 * temporary is left; when only the directory sync after it failed, the new
 * file is in place but may not survive a crash (fsutil.h).
 */
int config_save(const struct config *cfg, const char *path, char *err, size_t errlen);

#endif
