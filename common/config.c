/*
 * config — the INI reader and writer for config.ini, the node list and its
 * precedence (--rpc-url, ETH_RPC_URL, the file), and the XDG paths. Contract
 * in config.h.
 */
#include "common/config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/address.h"
#include "common/fsutil.h"
#include "common/url.h"
#include "common/errmsg.h"
#include "common/hex.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

enum {
	NAME_MAX_LEN = CONFIG_NAME_MAX,
	ECHO_MAX = 40        /* longest key or section name quoted in a message */
};

enum {
	ALERT_STALL_S = 60,  /* [alerts] defaults set by config_init; 0 disables an alert */
	ALERT_MIN_PEERS = 1,
	ALERT_MAX_LAG = 5,
	ALERT_STALL_MAX = 86400,
	ALERT_MIN_PEERS_MAX = 100000,
	ALERT_MAX_LAG_MAX = 1000000
};

/* The largest chain_id accepted: 2^63. */
static const uint64_t CHAIN_ID_MAX = UINT64_C(1) << 63;

static const char DEFAULT_URL[] = "http://127.0.0.1:8545";
static const char DEFAULT_NAME[] = "local";

/* ---- small helpers ---------------------------------------------------- */

/* Frees a string that may hold a secret, wiping it first. */
static void free_secret(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool has_ctrl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* A copy of s[0..n) fit to quote in a message: printable ASCII, at most ECHO_MAX bytes. */
static void echo(char *out, size_t cap, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 4 < cap && i < ECHO_MAX; i++)
		out[o++] = ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) ? s[i] : '?';
	if (n > ECHO_MAX && o + 4 < cap) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* ---- nodes and whole configs ----------------------------------------- */

static void node_free(struct config_node *n)
{
	free(n->name);
	free_secret(n->url);
	free_secret(n->bearer);
	free(n->bearer_file);
	for (size_t i = 0; i < n->nheaders; i++)
		free_secret(n->headers[i]);
	free(n->headers);
	free(n->ca_file);
	free_secret(n->metrics_url);
	memset(n, 0, sizeof(*n));
}

static void node_copy(struct config_node *dst, const struct config_node *src)
{
	dst->name = xstrdup(src->name);
	dst->url = xstrdup(src->url);
	dst->bearer = xstrdup(src->bearer);
	dst->bearer_file = xstrdup(src->bearer_file);
	dst->nheaders = src->nheaders;
	dst->headers = src->nheaders ? xmalloc(src->nheaders * sizeof(char *)) : NULL;
	for (size_t i = 0; i < src->nheaders; i++)
		dst->headers[i] = xstrdup(src->headers[i]);
	dst->ca_file = xstrdup(src->ca_file);
	dst->metrics_url = xstrdup(src->metrics_url);
	dst->timeout_ms = src->timeout_ms;
	dst->connections = src->connections;
	dst->has_chain_id = src->has_chain_id;
	dst->chain_id = src->has_chain_id ? src->chain_id : 0;
	dst->pinned = src->pinned;
}

void config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->refresh_ms = CONFIG_REFRESH_MS;
	cfg->timeout_ms = CONFIG_TIMEOUT_MS;
	cfg->log_max_kib = CONFIG_LOG_MAX_KIB;
	cfg->bell = true;
	cfg->alert_stall_s = ALERT_STALL_S;
	cfg->alert_min_peers = ALERT_MIN_PEERS;
	cfg->alert_max_lag = ALERT_MAX_LAG;
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->nnodes; i++)
		node_free(&cfg->nodes[i]);
	free(cfg->nodes);
	free(cfg->safes);
	free(cfg->log_path);
	free(cfg->theme);
	free(cfg->alert_hook);
	config_init(cfg);
}

static void config_copy(struct config *dst, const struct config *src)
{
	*dst = *src;
	dst->nodes = src->nnodes ? xmalloc(src->nnodes * sizeof(*dst->nodes)) : NULL;
	for (size_t i = 0; i < src->nnodes; i++)
		node_copy(&dst->nodes[i], &src->nodes[i]);
	dst->safes = src->nsafes ? xmalloc(src->nsafes * sizeof(*dst->safes)) : NULL;
	if (src->nsafes)
		memcpy(dst->safes, src->safes, src->nsafes * sizeof(*dst->safes));
	dst->log_path = xstrdup(src->log_path);
	dst->theme = xstrdup(src->theme);
	dst->alert_hook = xstrdup(src->alert_hook);
}

static struct config_node *find_node(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nnodes; i++)
		if (strcmp(cfg->nodes[i].name, name) == 0)
			return &cfg->nodes[i];
	return NULL;
}

/* Takes over *node's contents (the caller's struct is emptied). */
static void push_node(struct config *cfg, struct config_node *node)
{
	cfg->nodes = xrealloc(cfg->nodes, (cfg->nnodes + 1) * sizeof(*cfg->nodes));
	cfg->nodes[cfg->nnodes++] = *node;
	memset(node, 0, sizeof(*node));
}

long config_node_timeout(const struct config *cfg, const struct config_node *node)
{
	return node->timeout_ms > 0 ? node->timeout_ms : cfg->timeout_ms;
}

/* ---- paths ------------------------------------------------------------ */

/* fsutil_xdg_path with config's codes. */
static int xdg_path(char *buf, size_t cap, enum fsutil_xdg which, const char *tail)
{
	int n = fsutil_xdg_path(buf, cap, which, tail);

	if (n == CD_ENOTFOUND)
		return CD_ENOTFOUND;
	if (n < 0)
		return CD_ESPACE;
	return n;
}

int config_default_path(char *buf, size_t cap)
{
	return xdg_path(buf, cap, FSUTIL_XDG_CONFIG, "chaindeck/config.ini");
}

int config_default_log_path(char *buf, size_t cap)
{
	return xdg_path(buf, cap, FSUTIL_XDG_STATE, "chaindeck/chaindeck.log");
}

/* ---- URLs: common/url.c parses them --------------------------------------- */

static int url_check(const char *url, const char **why)
{
	return url_valid(url, why) ? 0 : -1;
}

/* A node name for a URL-given node: host[:port] or the socket path. */
static char *url_name(const char *url)
{
	char *name = url_node_name(url);

	if (!name)
		abort(); /* only called on a URL url_check accepted */
	if (strlen(name) > NAME_MAX_LEN)
		name[NAME_MAX_LEN] = '\0';
	return name;
}

/* ---- validation shared by the parser and config_add_node -------------- */

static int name_check(const char *name, const char **why)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0) {
		*why = "empty node name";
		return -1;
	}
	if (n > NAME_MAX_LEN) {
		*why = "node name is longer than 63 bytes";
		return -1;
	}
	if (has_ctrl(name)) {
		*why = "node name contains control characters";
		return -1;
	}
	return 0;
}

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

/* "Name: value" with an HTTP token name and a non-empty value. */
static int header_check(const char *h, const char **why)
{
	const char *p = h;

	while (is_tchar(*p))
		p++;
	if (p == h || *p != ':') {
		*why = "header must look like 'Name: value'";
		return -1;
	}
	p++;
	while (is_space(*p))
		p++;
	if (*p == '\0') {
		*why = "header has an empty value";
		return -1;
	}
	if (has_ctrl(h)) {
		*why = "header contains control characters";
		return -1;
	}
	return 0;
}

static int node_check(const struct config_node *n, const char **why)
{
	if (name_check(n->name, why) != 0)
		return -1;
	if (!n->url) {
		*why = "node has no url";
		return -1;
	}
	if (url_check(n->url, why) != 0)
		return -1;
	if (n->bearer && (!*n->bearer || has_ctrl(n->bearer))) {
		*why = "bearer token is empty or contains control characters";
		return -1;
	}
	for (size_t i = 0; i < n->nheaders; i++)
		if (header_check(n->headers[i], why) != 0)
			return -1;
	if (n->nheaders > CONFIG_MAX_HEADERS) {
		*why = "too many headers (at most 32 per node)";
		return -1;
	}
	if (n->timeout_ms != 0 && (n->timeout_ms < 100 || n->timeout_ms > 600000)) {
		*why = "timeout must be between 100 and 600000 ms";
		return -1;
	}
	if (n->connections != 0 && (n->connections < 1 || n->connections > 16)) {
		*why = "connections must be between 1 and 16";
		return -1;
	}
	if (n->has_chain_id && (n->chain_id == 0 || n->chain_id > CHAIN_ID_MAX)) {
		*why = "chain_id must be between 1 and 2^63";
		return -1;
	}
	return 0;
}

int config_add_node(struct config *cfg, const struct config_node *node, char *err, size_t errlen)
{
	struct config_node copy;
	const char *why;

	if (node_check(node, &why) != 0) {
		set_err(err, errlen, "%s", why);
		return CD_EINVAL;
	}
	if (find_node(cfg, node->name)) {
		set_err(err, errlen, "a node named '%s' already exists", node->name);
		return CD_EEXIST;
	}
	if (cfg->nnodes >= CONFIG_MAX_NODES) {
		set_err(err, errlen, "too many nodes (at most %d)", CONFIG_MAX_NODES);
		return CD_EINVAL;
	}
	node_copy(&copy, node);
	if (copy.connections == 0)
		copy.connections = CONFIG_CONNECTIONS;
	push_node(cfg, &copy);
	return CD_OK;
}

int config_remove_node(struct config *cfg, const char *name)
{
	struct config_node *n = name ? find_node(cfg, name) : NULL;
	size_t i;

	if (!n)
		return CD_ENOTFOUND;
	i = (size_t)(n - cfg->nodes);
	node_free(n);
	memmove(&cfg->nodes[i], &cfg->nodes[i + 1], (cfg->nnodes - i - 1) * sizeof(*cfg->nodes));
	cfg->nnodes--;
	if (cfg->nnodes == 0) {
		free(cfg->nodes);
		cfg->nodes = NULL;
	}
	return CD_OK;
}

/*
 * The first line of a file holding a secret (a bearer token, a URL with a
 * password), trimmed; what names the file in messages. 0 or -1 with a
 * message in why_buf.
 */
static int read_secret_line(const char *path, const char *what, const char *noun, char **token, char *why_buf,
			    size_t cap)
{
	char *buf, why[300];
	size_t len, n, start = 0;
	/* a secret: every buffer that held it is wiped; a symbolic link is followed, as for the config */
	int rc = fsutil_read(path, 65536, FSUTIL_FOLLOW | FSUTIL_WIPE, &buf, &len, why, sizeof(why));

	if (rc != CD_OK) {
		snprintf(why_buf, cap, "cannot read %s: %.200s", what, rc == CD_ENOTFOUND ? strerror(ENOENT) : why);
		return -1;
	}
	for (n = 0; n < len && buf[n] != '\r' && buf[n] != '\n'; n++)
		;
	if (memchr(buf, '\0', n)) {
		snprintf(why_buf, cap, "%s has a NUL byte in its first line", what);
		fsutil_free_wiped(buf, len);
		return -1;
	}
	while (n > 0 && is_space(buf[n - 1]))
		n--;
	while (start < n && is_space(buf[start]))
		start++;
	if (start == n) {
		snprintf(why_buf, cap, "%s has no %s on its first line", what, noun);
		fsutil_free_wiped(buf, len);
		return -1;
	}
	*token = xstrndup(buf + start, n - start);
	fsutil_free_wiped(buf, len);
	if (has_ctrl(*token)) {
		free_secret(*token);
		*token = NULL;
		snprintf(why_buf, cap, "%s: its first line contains control characters", what);
		return -1;
	}
	return 0;
}

static int read_bearer_file(const char *path, char **token, char *why_buf, size_t cap)
{
	return read_secret_line(path, "bearer_file", "token", token, why_buf, cap);
}

int config_read_url_file(const char *path, char **url, char *err, size_t errlen)
{
	const char *why;
	char msg[300];

	if (read_secret_line(path, "the URL file", "URL", url, msg, sizeof(msg)) != 0) {
		set_err(err, errlen, "%s", msg);
		return CD_EIO;
	}
	if (url_check(*url, &why) != 0) {
		free_secret(*url);
		*url = NULL;
		set_err(err, errlen, "the URL file: %s", why);
		return CD_EINVAL;
	}
	return CD_OK;
}

/* ---- the parser -------------------------------------------------------- */

enum section { SEC_NONE, SEC_GENERAL, SEC_ALERTS, SEC_NODE, SEC_SAFE };

enum key_id {
	K_REFRESH, K_TIMEOUT, K_LOG, K_LOG_MAX, K_BELL, K_THEME,
	K_STALL, K_MIN_PEERS, K_MAX_LAG, K_HOOK,
	K_URL, K_BEARER, K_BEARER_FILE, K_HEADER, K_CA, K_CONNECTIONS, K_CHAIN_ID, K_PINNED, K_METRICS_URL,
	K_SAFE0, /* K_SAFE0 + enum config_safe_key */
};

const char *const config_safe_keys[CONFIG_SAFE_KEYS] = {
	"singleton", "singleton_l2", "proxy_factory", "fallback_handler", "multi_send", "multi_send_call_only"
};

struct key_def {
	const char *name;
	enum section sec;
	enum key_id id;
	bool repeat;
};

static const struct key_def keys[] = {
	{ "refresh", SEC_GENERAL, K_REFRESH, false },
	{ "timeout", SEC_GENERAL, K_TIMEOUT, false },
	{ "log", SEC_GENERAL, K_LOG, false },
	{ "log_max_kib", SEC_GENERAL, K_LOG_MAX, false },
	{ "bell", SEC_GENERAL, K_BELL, false },
	{ "theme", SEC_GENERAL, K_THEME, false },
	{ "stall", SEC_ALERTS, K_STALL, false },
	{ "min_peers", SEC_ALERTS, K_MIN_PEERS, false },
	{ "max_lag", SEC_ALERTS, K_MAX_LAG, false },
	{ "hook", SEC_ALERTS, K_HOOK, false },
	{ "url", SEC_NODE, K_URL, false },
	{ "bearer", SEC_NODE, K_BEARER, false },
	{ "bearer_file", SEC_NODE, K_BEARER_FILE, false },
	{ "header", SEC_NODE, K_HEADER, true },
	{ "ca", SEC_NODE, K_CA, false },
	{ "timeout", SEC_NODE, K_TIMEOUT, false },
	{ "connections", SEC_NODE, K_CONNECTIONS, false },
	{ "chain_id", SEC_NODE, K_CHAIN_ID, false },
	{ "pinned", SEC_NODE, K_PINNED, false },
	{ "metrics_url", SEC_NODE, K_METRICS_URL, false },
	{ "singleton", SEC_SAFE, K_SAFE0 + CONFIG_SAFE_SINGLETON, false },
	{ "singleton_l2", SEC_SAFE, K_SAFE0 + CONFIG_SAFE_SINGLETON_L2, false },
	{ "proxy_factory", SEC_SAFE, K_SAFE0 + CONFIG_SAFE_PROXY_FACTORY, false },
	{ "fallback_handler", SEC_SAFE, K_SAFE0 + CONFIG_SAFE_FALLBACK_HANDLER, false },
	{ "multi_send", SEC_SAFE, K_SAFE0 + CONFIG_SAFE_MULTI_SEND, false },
	{ "multi_send_call_only", SEC_SAFE, K_SAFE0 + CONFIG_SAFE_MULTI_SEND_CALL_ONLY, false },
};

/* Where one node's section is in the text (config_edit_*): byte offsets. */
struct section_span {
	const char *name;           /* the node looked for */
	bool found;
	size_t start, end;          /* its header line .. the end of its last key line */
	size_t last_key;            /* the start of its last key line */
	bool has_pin;
	size_t pin_start, pin_end;  /* its "pinned =" line */
};

struct parser {
	struct config *cfg;
	const char *file;
	size_t line;
	bool read_files;        /* config_load: read bearer_file */
	enum section sec;
	bool seen_general;
	bool seen_alerts;
	unsigned seen;          /* bit per key_id in the current section */
	struct config_node node;/* the node section being read */
	struct config_safe safe;/* the safe section being read */
	size_t node_line;
	char *err;
	size_t errlen;
	size_t line_start, line_next; /* byte offsets of the current line and of the next one */
	struct section_span *track;   /* config_edit_*: the section to locate, or NULL */
	bool in_tracked;              /* the current section is that one */
};

static int perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_err(p->err, p->errlen, "%s:%zu: %s", p->file, p->line, msg);
	return CD_EINVAL;
}
/* The same, with its result in sight of static analysis, which does not follow variadic calls:
 * callers leave out-values unset when perr is what they return. */
#define perr(...) (perr(__VA_ARGS__), CD_EINVAL)

/* Ends the current section; a finished node is checked and added. */
static int end_section(struct parser *p)
{
	const char *why;
	size_t line = p->line;
	int rc = 0;

	if (p->sec == SEC_SAFE) {
		bool any = false;

		for (int k = 0; k < CONFIG_SAFE_KEYS; k++)
			any = any || p->safe.set[k];
		p->sec = SEC_NONE;
		if (!any) {
			p->line = p->node_line;
			rc = perr(p, "[safe \"%" PRIu64 "\"] names no address (keys: singleton, singleton_l2, proxy_factory, "
			          "fallback_handler, multi_send, multi_send_call_only)", p->safe.chain_id);
			p->line = line;
			return rc;
		}
		p->cfg->safes = xrealloc(p->cfg->safes, (p->cfg->nsafes + 1) * sizeof(*p->cfg->safes));
		p->cfg->safes[p->cfg->nsafes++] = p->safe;
		return 0;
	}
	if (p->sec != SEC_NODE)
		return 0;
	p->line = p->node_line;
	if (!p->node.url) {
		rc = perr(p, "node '%s' has no url", p->node.name);
	} else if (node_check(&p->node, &why) != 0) {
		rc = perr(p, "node '%s': %s", p->node.name, why);
	} else if (p->cfg->nnodes >= CONFIG_MAX_NODES) {
		rc = perr(p, "too many nodes (at most %d)", CONFIG_MAX_NODES);
	} else {
		push_node(p->cfg, &p->node);
	}
	p->line = line;
	node_free(&p->node);
	p->sec = SEC_NONE;
	return rc;
}

/* Reads a "quoted" string starting at *s (on the quote) into a new string; advances *s past it. */
static int parse_quoted(struct parser *p, const char **s, const char *end, char **out)
{
	const char *q = *s + 1;
	struct sbuf b = { 0 };

	sbuf_add(&b, "", 0);
	for (; q < end && *q != '"'; q++) {
		if (*q == '\\') {
			if (q + 1 < end && (q[1] == '"' || q[1] == '\\')) {
				q++;
			} else {
				free_secret(b.s);
				return perr(p, "unknown escape in quoted value (only \\\" and \\\\)");
			}
		}
		sbuf_add(&b, q, 1);
	}
	if (q >= end) {
		free_secret(b.s);
		return perr(p, "unterminated quoted value");
	}
	*s = q + 1;
	*out = b.s;
	return 0;
}

/* Whether s[0..end) is only white space, maybe followed by a comment. */
static bool only_comment(const char *s, const char *end)
{
	while (s < end && is_space(*s))
		s++;
	return s == end || *s == ';' || *s == '#';
}

static int parse_chain_id(struct parser *p, const char *v, uint64_t *out);

/* [safe "CHAINID"] (quotes optional): the Safe contracts of one chain, once per chain. */
static int parse_safe_section(struct parser *p, const char *s, const char *end)
{
	char *name = NULL;
	uint64_t chain = 0;
	int rc;

	while (s < end && is_space(*s))
		s++;
	if (s < end && *s == '"') {
		if ((rc = parse_quoted(p, &s, end, &name)) != 0)
			return rc;
	} else {
		const char *n0 = s;

		while (s < end && !is_space(*s) && *s != ']' && *s != '"')
			s++;
		name = xstrndup(n0, (size_t)(s - n0));
	}
	while (s < end && is_space(*s))
		s++;
	if (s >= end || *s != ']' || !only_comment(s + 1, end) || !*name) {
		free(name);
		return perr(p, "malformed section header: use [safe \"CHAINID\"]");
	}
	rc = parse_chain_id(p, name, &chain);
	free(name);
	if (rc != 0)
		return perr(p, "[safe \"...\"]: the name must be a chain id (decimal or 0x-hex, 1..2^63)");
	for (size_t i = 0; i < p->cfg->nsafes; i++)
		if (p->cfg->safes[i].chain_id == chain)
			return perr(p, "duplicate section [safe \"%" PRIu64 "\"]", chain);
	memset(&p->safe, 0, sizeof(p->safe));
	p->safe.chain_id = chain;
	p->sec = SEC_SAFE;
	p->seen = 0;
	p->node_line = p->line;
	return 0;
}

/* A [safe] key: a contract address, checksum checked when mixed-case. */
static int apply_safe_key(struct parser *p, enum key_id id, char *v)
{
	struct address a;
	int k = (int)id - K_SAFE0;
	int rc = address_parse(&a, v, strlen(v));

	if (rc != CD_OK)
		return perr(p, "%s: not an address (0x and 40 hex digits, a valid EIP-55 checksum when mixed-case): %s",
		            config_safe_keys[k], cd_strerror(rc));
	p->safe.set[k] = true;
	memcpy(p->safe.addr[k], a.b, 20);
	return 0;
}

static int parse_section(struct parser *p, const char *s, const char *end)
{
	const char *w, *name_start;
	char shown[ECHO_MAX + 8];
	char *name = NULL;
	int rc;

	if ((rc = end_section(p)) != 0)
		return rc;
	p->in_tracked = false;
	s++; /* '[' */
	while (s < end && is_space(*s))
		s++;
	w = s;
	while (s < end && !is_space(*s) && *s != ']' && *s != '"')
		s++;
	if (((size_t)(s - w) == 7 && memcmp(w, "general", 7) == 0) ||
	    ((size_t)(s - w) == 6 && memcmp(w, "alerts", 6) == 0)) {
		bool general = w[0] == 'g';
		bool *seen = general ? &p->seen_general : &p->seen_alerts;

		while (s < end && is_space(*s))
			s++;
		if (s >= end || *s != ']' || !only_comment(s + 1, end))
			return perr(p, "malformed section header");
		if (*seen)
			return perr(p, "duplicate section [%s]", general ? "general" : "alerts");
		*seen = true;
		p->sec = general ? SEC_GENERAL : SEC_ALERTS;
		p->seen = 0;
		return 0;
	}
	if ((size_t)(s - w) == 4 && memcmp(w, "safe", 4) == 0)
		return parse_safe_section(p, s, end);
	if ((size_t)(s - w) != 4 || memcmp(w, "node", 4) != 0) {
		echo(shown, sizeof(shown), w, (size_t)(s - w));
		return perr(p, "unknown section [%s] (expected [general], [alerts], [node \"name\"] or [safe \"chain id\"])",
		            shown);
	}
	while (s < end && is_space(*s))
		s++;
	if (s < end && *s == '"') {
		if ((rc = parse_quoted(p, &s, end, &name)) != 0)
			return rc;
	} else {
		name_start = s;
		while (s < end && !is_space(*s) && *s != ']' && *s != '"')
			s++;
		name = xstrndup(name_start, (size_t)(s - name_start));
	}
	while (s < end && is_space(*s))
		s++;
	if (s >= end || *s != ']' || !only_comment(s + 1, end)) {
		free(name);
		return perr(p, "malformed section header");
	}
	if (!*name) {
		free(name);
		return perr(p, "missing node name: use [node \"name\"]");
	}
	const char *why;
	if (name_check(name, &why) != 0) {
		free(name);
		return perr(p, "%s", why);
	}
	if (find_node(p->cfg, name)) {
		echo(shown, sizeof(shown), name, strlen(name));
		free(name);
		return perr(p, "duplicate node name '%s'", shown);
	}
	p->sec = SEC_NODE;
	p->seen = 0;
	p->node_line = p->line;
	memset(&p->node, 0, sizeof(p->node));
	p->node.name = name;
	p->node.connections = CONFIG_CONNECTIONS;
	if (p->track && strcmp(name, p->track->name) == 0) {
		p->in_tracked = true;
		p->track->found = true;
		p->track->start = p->line_start;
		p->track->end = p->line_next;
		p->track->last_key = p->line_start;
	}
	return 0;
}

/* Digits only, then a range check. */
static int parse_number(struct parser *p, const char *key, const char *v, long lo, long hi, long *out)
{
	long n = 0;
	const char *s = v;

	if (!*s)
		return perr(p, "%s must be a number between %ld and %ld", key, lo, hi);
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return perr(p, "%s must be a number between %ld and %ld", key, lo, hi);
		if (n <= hi)
			n = n * 10 + (*s - '0');
	}
	if (n < lo || n > hi)
		return perr(p, "%s is out of range (%ld..%ld)", key, lo, hi);
	*out = n;
	return 0;
}

/* An absolute path, or ~/... expanded with $HOME. */
static int parse_path(struct parser *p, const char *key, const char *v, char **out)
{
	if (v[0] == '/') {
		*out = xstrdup(v);
		return 0;
	}
	if (v[0] == '~' && v[1] == '/') {
		const char *home = fsutil_home();
		size_t hl;

		if (!home)
			return perr(p, "%s: cannot expand '~' without a home directory", key);
		hl = strlen(home);
		*out = xmalloc(hl + strlen(v));
		memcpy(*out, home, hl);
		memcpy(*out + hl, v + 1, strlen(v)); /* the rest of v after '~', with its terminator */
		return 0;
	}
	return perr(p, "%s must be an absolute path or start with ~/", key);
}

/* on|yes|true or off|no|false: 0, or -1 for anything else. */
static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false")) {
		*out = false;
		return 0;
	}
	return -1;
}

/* A chain id: decimal or 0x-hex digits only, 1..2^63. */
static int parse_chain_id(struct parser *p, const char *v, uint64_t *out)
{
	const char *s = v;
	unsigned base = 10;
	uint64_t n = 0;
	bool big = false;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return perr(p, "chain_id must be a decimal or 0x-hex number");
	for (; *s; s++) {
		/* Not a digit: (unsigned)-1, which no base admits. */
		unsigned d = (unsigned)hex_digit_value(*s);

		if (d >= base)
			return perr(p, "chain_id must be a decimal or 0x-hex number");
		if (n > (CHAIN_ID_MAX - d) / base)
			big = true;
		else
			n = n * base + d;
	}
	if (big || n == 0 || n > CHAIN_ID_MAX)
		return perr(p, "chain_id is out of range (1..2^63)");
	*out = n;
	return 0;
}

static int set_string(char **slot, char *v, bool secret)
{
	if (secret)
		free_secret(*slot);
	else
		free(*slot);
	*slot = v;
	return 0;
}

/* A [general] key: how the program runs. */
static int apply_general_key(struct parser *p, enum key_id id, char *v)
{
	struct config *cfg = p->cfg;
	char *path = NULL;
	long num;
	int rc;

	switch (id) {
	case K_REFRESH:
		if ((rc = parse_number(p, "refresh", v, 100, 60000, &num)) != 0)
			return rc;
		cfg->refresh_ms = num;
		return 0;
	case K_TIMEOUT:
		if ((rc = parse_number(p, "timeout", v, 100, 600000, &num)) != 0)
			return rc;
		cfg->timeout_ms = num;
		return 0;
	case K_LOG:
		if ((rc = parse_path(p, "log", v, &path)) != 0)
			return rc;
		return set_string(&cfg->log_path, path, false);
	case K_LOG_MAX:
		if ((rc = parse_number(p, "log_max_kib", v, 64, 1048576, &num)) != 0)
			return rc;
		cfg->log_max_kib = num;
		return 0;
	case K_BELL:
		if (parse_bool(v, &cfg->bell) != 0)
			return perr(p, "bell must be on or off");
		return 0;
	case K_THEME:
		return set_string(&cfg->theme, xstrdup(v), false);
	default:
		break;
	}
	return perr(p, "internal error: unhandled key");
}

/* An [alerts] key: when the dashboard raises an alert, and what it runs then. */
static int apply_alerts_key(struct parser *p, enum key_id id, char *v)
{
	struct config *cfg = p->cfg;
	char *path = NULL;
	long num;
	int rc;

	switch (id) {
	case K_STALL:
		rc = parse_number(p, "stall", v, 0, ALERT_STALL_MAX, &num);
		if (rc != 0)
			return rc;
		cfg->alert_stall_s = num;
		return 0;
	case K_MIN_PEERS:
		rc = parse_number(p, "min_peers", v, 0, ALERT_MIN_PEERS_MAX, &num);
		if (rc != 0)
			return rc;
		cfg->alert_min_peers = num;
		return 0;
	case K_MAX_LAG:
		rc = parse_number(p, "max_lag", v, 0, ALERT_MAX_LAG_MAX, &num);
		if (rc != 0)
			return rc;
		cfg->alert_max_lag = num;
		return 0;
	case K_HOOK:
		rc = parse_path(p, "hook", v, &path);
		if (rc != 0)
			return rc;
		return set_string(&cfg->alert_hook, path, false);
	default:
		break;
	}
	return perr(p, "internal error: unhandled key");
}

/* bearer_file: the path, and (when files are read) the token in it. */
static int apply_bearer_file(struct parser *p, struct config_node *n, char *v)
{
	char *path = NULL, why[256];
	int rc;

	if (n->bearer)
		return perr(p, "give either bearer or bearer_file, not both");
	if ((rc = parse_path(p, "bearer_file", v, &path)) != 0)
		return rc;
	set_string(&n->bearer_file, path, false);
	if (p->read_files && read_bearer_file(path, &n->bearer, why, sizeof(why)) != 0)
		return perr(p, "%s", why);
	return 0;
}

/* A [node "name"] key: how to reach the node, and what to expect of it. */
static int apply_node_key(struct parser *p, enum key_id id, char *v)
{
	struct config_node *n = &p->node;
	const char *why;
	char *path = NULL;
	long num;
	int rc;

	switch (id) {
	case K_TIMEOUT:
		if ((rc = parse_number(p, "timeout", v, 100, 600000, &num)) != 0)
			return rc;
		n->timeout_ms = num;
		return 0;
	case K_URL:
		if (url_check(v, &why) != 0)
			return perr(p, "%s", why);
		return set_string(&n->url, xstrdup(v), true);
	case K_BEARER:
		if (n->bearer_file)
			return perr(p, "give either bearer or bearer_file, not both");
		return set_string(&n->bearer, xstrdup(v), true);
	case K_BEARER_FILE:
		return apply_bearer_file(p, n, v);
	case K_HEADER:
		if (header_check(v, &why) != 0)
			return perr(p, "%s", why);
		if (n->nheaders >= CONFIG_MAX_HEADERS)
			return perr(p, "too many headers (at most %d per node)", CONFIG_MAX_HEADERS);
		n->headers = xrealloc(n->headers, (n->nheaders + 1) * sizeof(char *));
		n->headers[n->nheaders++] = xstrdup(v);
		return 0;
	case K_CA:
		if ((rc = parse_path(p, "ca", v, &path)) != 0)
			return rc;
		return set_string(&n->ca_file, path, false);
	case K_CONNECTIONS:
		if ((rc = parse_number(p, "connections", v, 1, 16, &num)) != 0)
			return rc;
		n->connections = (int)num;
		return 0;
	case K_CHAIN_ID:
		rc = parse_chain_id(p, v, &n->chain_id);
		if (rc != 0)
			return rc;
		n->has_chain_id = true;
		return 0;
	case K_PINNED:
		if (parse_bool(v, &n->pinned) != 0)
			return perr(p, "pinned must be yes or no");
		return 0;
	case K_METRICS_URL: {
		struct url u;

		if (url_parse(v, &u, &why) != 0)
			return perr(p, "metrics_url: %s", why);
		rc = u.scheme == URL_IPC;
		url_free(&u);
		if (rc)
			return perr(p, "metrics_url must be an http:// or https:// URL");
		return set_string(&n->metrics_url, xstrdup(v), true);
	}
	default:
		break;
	}
	return perr(p, "internal error: unhandled key");
}

/* One key's value into the configuration, by the section the key belongs to. */
static int apply_key(struct parser *p, const struct key_def *k, char *v)
{
	switch (k->sec) {
	case SEC_GENERAL:
		return apply_general_key(p, k->id, v);
	case SEC_ALERTS:
		return apply_alerts_key(p, k->id, v);
	case SEC_NODE:
		return apply_node_key(p, k->id, v);
	case SEC_SAFE:
		return apply_safe_key(p, k->id, v);
	default:
		break;
	}
	return perr(p, "internal error: unhandled key");
}

static int parse_key_value(struct parser *p, const char *s, const char *end)
{
	const char *k = s, *kend, *v, *vend;
	const struct key_def *def = NULL;
	char shown[ECHO_MAX + 8], sec_shown[ECHO_MAX + 16];
	char *value = NULL;
	int rc;

	while (s < end && *s != '=' && !is_space(*s))
		s++;
	kend = s;
	while (s < end && is_space(*s))
		s++;
	if (s >= end || *s != '=' || kend == k)
		return perr(p, "expected 'key = value', a [section] or a comment");
	echo(shown, sizeof(shown), k, (size_t)(kend - k));
	if (p->sec == SEC_NONE)
		return perr(p, "key '%s' outside a section", shown);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (keys[i].sec == p->sec && strlen(keys[i].name) == (size_t)(kend - k) &&
		    memcmp(keys[i].name, k, (size_t)(kend - k)) == 0) {
			def = &keys[i];
			break;
		}
	}
	if (!def) {
		if (p->sec == SEC_GENERAL)
			return perr(p, "unknown key '%s' in [general]", shown);
		if (p->sec == SEC_ALERTS)
			return perr(p, "unknown key '%s' in [alerts]", shown);
		if (p->sec == SEC_SAFE)
			return perr(p, "unknown key '%s' in [safe \"%" PRIu64 "\"] (keys: singleton, singleton_l2, "
			            "proxy_factory, fallback_handler, multi_send, multi_send_call_only)", shown, p->safe.chain_id);
		echo(sec_shown, sizeof(sec_shown), p->node.name, strlen(p->node.name));
		return perr(p, "unknown key '%s' in [node \"%s\"]", shown, sec_shown);
	}
	if (!def->repeat && (p->seen & (1u << def->id)))
		return perr(p, "duplicate key '%s'", def->name);
	p->seen |= 1u << def->id;

	v = s + 1;
	while (v < end && is_space(*v))
		v++;
	if (v < end && *v == '"') {
		if ((rc = parse_quoted(p, &v, end, &value)) != 0)
			return rc;
		if (!only_comment(v, end)) {
			free_secret(value);
			return perr(p, "unexpected text after the closing quote");
		}
	} else {
		/* A comment starts at ';' or '#' that begins the value or follows white space. */
		for (vend = v; vend < end; vend++)
			if ((*vend == ';' || *vend == '#') && (vend == v || is_space(vend[-1])))
				break;
		while (vend > v && is_space(vend[-1]))
			vend--;
		value = xstrndup(v, (size_t)(vend - v));
	}
	if (!*value) {
		free(value);
		return perr(p, "missing value for '%s'", def->name);
	}
	if (has_ctrl(value)) {
		free_secret(value);
		return perr(p, "control character in the value of '%s'", def->name);
	}
	rc = apply_key(p, def, value);
	free_secret(value);
	if (rc == 0 && p->in_tracked) {
		p->track->end = p->line_next;
		p->track->last_key = p->line_start;
		if (def->id == K_PINNED) {
			p->track->has_pin = true;
			p->track->pin_start = p->line_start;
			p->track->pin_end = p->line_next;
		}
	}
	return rc;
}

static int parse_into(struct config *cfg, const char *text, size_t len, const char *file,
		      bool read_files, struct section_span *track, char *err, size_t errlen)
{
	struct parser p = {
		.cfg = cfg, .file = file ? file : "config", .read_files = read_files,
		.err = err, .errlen = errlen, .track = track,
	};
	const char *s = text, *end = text + len;
	int rc = 0;

	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *lend = nl ? nl : end, *b = s, *e = lend;

		p.line++;
		p.line_start = (size_t)(s - text);
		p.line_next = nl ? (size_t)(nl + 1 - text) : len;
		if (memchr(s, '\0', (size_t)(lend - s))) {
			rc = perr(&p, "NUL byte in line");
			break;
		}
		if ((size_t)(lend - s) > CONFIG_MAX_LINE) {
			rc = perr(&p, "line too long (more than %d bytes)", CONFIG_MAX_LINE);
			break;
		}
		if (e > b && e[-1] == '\r')
			e--;
		while (b < e && is_space(*b))
			b++;
		while (e > b && is_space(e[-1]))
			e--;
		if (b < e && *b == '[')
			rc = parse_section(&p, b, e);
		else if (b < e && *b != ';' && *b != '#')
			rc = parse_key_value(&p, b, e);
		if (rc != 0)
			break;
		s = nl ? nl + 1 : end;
	}
	if (rc == 0)
		rc = end_section(&p);
	node_free(&p.node);
	return rc;
}

/* Parses on top of a copy of cfg; cfg changes only on success. */
static int parse_atomic(struct config *cfg, const char *text, size_t len, const char *file,
			bool read_files, char *err, size_t errlen)
{
	struct config tmp;
	int rc;

	if (!text && len > 0) {
		set_err(err, errlen, "%s: no text", file ? file : "config");
		return CD_EINVAL;
	}
	config_copy(&tmp, cfg);
	rc = parse_into(&tmp, text ? text : "", len, file, read_files, NULL, err, errlen);
	if (rc != 0) {
		config_free(&tmp);
		return rc;
	}
	config_free(cfg);
	*cfg = tmp;
	return 0;
}

int config_parse(struct config *cfg, const char *text, size_t len, const char *name_for_errors,
		 char *err, size_t errlen)
{
	return parse_atomic(cfg, text, len, name_for_errors, false, err, errlen);
}

int config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!path || !*path) {
		set_err(err, errlen, "no config path");
		return CD_EINVAL;
	}
	/*
	 * It names the alert hook, a command chaindeck runs: only the user (or
	 * root) may have written it (FSUTIL_TRUSTED). It may hold bearer tokens
	 * and URLs with passwords (FSUTIL_WIPE). A symbolic link (dotfiles) is
	 * followed: the check applies to the file it leads to.
	 */
	rc = fsutil_read(path, CONFIG_MAX_FILE, FSUTIL_FOLLOW | FSUTIL_TRUSTED | FSUTIL_WIPE, &text, &len, err,
			 errlen);
	if (rc == CD_ENOTFOUND)
		return 0;
	if (rc != CD_OK)
		return rc;
	rc = parse_atomic(cfg, text, len, path, true, err, errlen);
	fsutil_free_wiped(text, len);
	return rc;
}

/* ---- node selection ------------------------------------------------------ */

int config_apply_overrides(struct config *cfg, const char *const *rpc_urls, size_t n,
			   const char *eth_rpc_url_env, char *err, size_t errlen)
{
	const char *single[1];
	const char *const *urls = rpc_urls;
	struct config_node *nodes = NULL;
	size_t count = n;
	bool use_default = false;
	const char *why;

	if (n == 0 && eth_rpc_url_env && *eth_rpc_url_env) {
		single[0] = eth_rpc_url_env;
		urls = single;
		count = 1;
	}
	if (count == 0) {
		if (cfg->nnodes > 0)
			return 0;
		single[0] = DEFAULT_URL;
		urls = single;
		count = 1;
		use_default = true;
	}
	if (count > CONFIG_MAX_NODES) {
		set_err(err, errlen, "too many nodes (at most %d)", CONFIG_MAX_NODES);
		return CD_EINVAL;
	}
	for (size_t i = 0; i < count; i++) {
		if (!urls[i] || url_check(urls[i], &why) != 0) {
			if (!urls[i])
				why = "empty url";
			if (urls == rpc_urls)
				set_err(err, errlen, "--rpc-url #%zu: %s", i + 1, why);
			else
				set_err(err, errlen, "ETH_RPC_URL: %s", why);
			return CD_EINVAL;
		}
	}

	nodes = xmalloc(count * sizeof(*nodes));
	for (size_t i = 0; i < count; i++) {
		struct config_node *nd = &nodes[i];
		char *base = use_default ? xstrdup(DEFAULT_NAME) : url_name(urls[i]);

		memset(nd, 0, sizeof(*nd));
		nd->url = xstrdup(urls[i]);
		nd->connections = CONFIG_CONNECTIONS;
		nd->name = xstrdup(base);
		/* Repeats of one host get " (2)", " (3)"... */
		for (unsigned k = 2; ; k++) {
			bool taken = false;

			for (size_t j = 0; j < i; j++)
				if (strcmp(nodes[j].name, nd->name) == 0)
					taken = true;
			if (!taken)
				break;
			free(nd->name);
			nd->name = xmalloc(strlen(base) + 16);
			sprintf(nd->name, "%s (%u)", base, k);
		}
		free(base);
	}
	for (size_t i = 0; i < cfg->nnodes; i++)
		node_free(&cfg->nodes[i]);
	free(cfg->nodes);
	cfg->nodes = nodes;
	cfg->nnodes = count;
	return 0;
}

/* ---- saving ------------------------------------------------------------ */

/* Writes v so the parser reads it back unchanged: quoted when it must be. */
static void put_value(struct sbuf *b, const char *v)
{
	bool quote = !*v || is_space(v[0]) || is_space(v[strlen(v) - 1]) || v[0] == '"';

	for (const char *s = v; *s && !quote; s++)
		if ((*s == ';' || *s == '#') && (s == v || is_space(s[-1])))
			quote = true;
	if (!quote) {
		sbuf_str(b, v);
		return;
	}
	sbuf_str(b, "\"");
	for (const char *s = v; *s; s++) {
		if (*s == '"' || *s == '\\')
			sbuf_str(b, "\\");
		sbuf_add(b, s, 1);
	}
	sbuf_str(b, "\"");
}

static void put_kv(struct sbuf *b, const char *key, const char *v)
{
	sbuf_str(b, key);
	sbuf_str(b, " = ");
	put_value(b, v);
	sbuf_str(b, "\n");
}

static void put_num(struct sbuf *b, const char *key, long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%ld", v);
	put_kv(b, key, num);
}

static void render_node(struct sbuf *b, const struct config_node *n);

static void render(const struct config *cfg, struct sbuf *b)
{
	sbuf_str(b, "# chaindeck configuration. Rewritten by chaindeck when nodes are added or removed.\n\n");
	sbuf_str(b, "[general]\n");
	put_num(b, "refresh", cfg->refresh_ms);
	put_num(b, "timeout", cfg->timeout_ms);
	if (cfg->log_path)
		put_kv(b, "log", cfg->log_path);
	if (cfg->log_max_kib != CONFIG_LOG_MAX_KIB)
		put_num(b, "log_max_kib", cfg->log_max_kib);
	put_kv(b, "bell", cfg->bell ? "on" : "off");
	if (cfg->theme)
		put_kv(b, "theme", cfg->theme);
	if (cfg->alert_stall_s != ALERT_STALL_S || cfg->alert_min_peers != ALERT_MIN_PEERS ||
	    cfg->alert_max_lag != ALERT_MAX_LAG || cfg->alert_hook) {
		sbuf_str(b, "\n[alerts]\n");
		if (cfg->alert_stall_s != ALERT_STALL_S)
			put_num(b, "stall", cfg->alert_stall_s);
		if (cfg->alert_min_peers != ALERT_MIN_PEERS)
			put_num(b, "min_peers", cfg->alert_min_peers);
		if (cfg->alert_max_lag != ALERT_MAX_LAG)
			put_num(b, "max_lag", cfg->alert_max_lag);
		if (cfg->alert_hook)
			put_kv(b, "hook", cfg->alert_hook);
	}
	for (size_t i = 0; i < cfg->nnodes; i++) {
		sbuf_str(b, "\n");
		render_node(b, &cfg->nodes[i]);
	}
	/* The Safe addresses the user named are kept when chaindeck rewrites the file. */
	for (size_t i = 0; i < cfg->nsafes; i++) {
		char head[64], t[ADDRESS_TEXT_SIZE];

		snprintf(head, sizeof(head), "\n[safe \"%" PRIu64 "\"]\n", cfg->safes[i].chain_id);
		sbuf_str(b, head);
		for (int k = 0; k < CONFIG_SAFE_KEYS; k++) {
			struct address a;

			if (!cfg->safes[i].set[k])
				continue;
			memcpy(a.b, cfg->safes[i].addr[k], 20);
			address_format(&a, t);
			put_kv(b, config_safe_keys[k], t);
		}
	}
}

/* One [node "name"] section and its keys. */
static void render_node(struct sbuf *b, const struct config_node *n)
{
	sbuf_str(b, "[node \"");
	for (const char *s = n->name; *s; s++) {
		if (*s == '"' || *s == '\\')
			sbuf_str(b, "\\");
		sbuf_add(b, s, 1);
	}
	sbuf_str(b, "\"]\n");
	put_kv(b, "url", n->url);
	if (n->bearer_file)
		put_kv(b, "bearer_file", n->bearer_file);
	else if (n->bearer)
		put_kv(b, "bearer", n->bearer);
	for (size_t h = 0; h < n->nheaders; h++)
		put_kv(b, "header", n->headers[h]);
	if (n->ca_file)
		put_kv(b, "ca", n->ca_file);
	if (n->metrics_url)
		put_kv(b, "metrics_url", n->metrics_url);
	if (n->timeout_ms > 0)
		put_num(b, "timeout", n->timeout_ms);
	if (n->connections > 0 && n->connections != CONFIG_CONNECTIONS)
		put_num(b, "connections", n->connections);
	if (n->has_chain_id) {
		char num[32];

		snprintf(num, sizeof(num), "%" PRIu64, n->chain_id);
		put_kv(b, "chain_id", num);
	}
	if (n->pinned)
		put_kv(b, "pinned", "yes");
}

/* Checks what render() would write reads back: no value may break the file format. */
static int save_check(const struct config *cfg, const char **why)
{
	if (cfg->refresh_ms < 100 || cfg->refresh_ms > 60000) {
		*why = "refresh out of range";
		return -1;
	}
	if (cfg->timeout_ms < 100 || cfg->timeout_ms > 600000) {
		*why = "timeout out of range";
		return -1;
	}
	if ((cfg->log_path && (has_ctrl(cfg->log_path) || cfg->log_path[0] != '/')) ||
	    (cfg->theme && (has_ctrl(cfg->theme) || !*cfg->theme))) {
		*why = "log or theme is not a valid value";
		return -1;
	}
	if (cfg->alert_stall_s < 0 || cfg->alert_stall_s > ALERT_STALL_MAX ||
	    cfg->alert_min_peers < 0 || cfg->alert_min_peers > ALERT_MIN_PEERS_MAX ||
	    cfg->alert_max_lag < 0 || cfg->alert_max_lag > ALERT_MAX_LAG_MAX) {
		*why = "an alert threshold is out of range";
		return -1;
	}
	if (cfg->alert_hook && (has_ctrl(cfg->alert_hook) || cfg->alert_hook[0] != '/')) {
		*why = "the alert hook must be an absolute path";
		return -1;
	}
	for (size_t i = 0; i < cfg->nnodes; i++) {
		const struct config_node *n = &cfg->nodes[i];

		if (node_check(n, why) != 0)
			return -1;
		if ((n->bearer_file && (has_ctrl(n->bearer_file) || n->bearer_file[0] != '/')) ||
		    (n->ca_file && (has_ctrl(n->ca_file) || n->ca_file[0] != '/'))) {
			*why = "bearer_file and ca must be absolute paths";
			return -1;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(cfg->nodes[j].name, n->name) == 0) {
				*why = "duplicate node names";
				return -1;
			}
		}
	}
	return 0;
}

int config_save(const struct config *cfg, const char *path, char *err, size_t errlen)
{
	struct sbuf b = { 0 };
	const char *why;
	int rc;

	if (!path || !*path) {
		set_err(err, errlen, "no config path");
		return CD_EINVAL;
	}
	if (save_check(cfg, &why) != 0) {
		set_err(err, errlen, "%s: not saved: %s", path, why);
		return CD_EINVAL;
	}
	render(cfg, &b);
	/* The one durable write (common/fsutil.h): 0600, fsync'd, the directory too. */
	rc = fsutil_replace(path, b.s ? b.s : "", b.len, err, errlen);
	free_secret(b.s);
	return rc;
}

/* ---- editing the file in place ------------------------------------------- */

const struct config_node *config_node_find(const struct config *cfg, const char *name)
{
	return name ? find_node(cfg, name) : NULL;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool config_node_same(const struct config_node *a, const struct config_node *b)
{
	if (!same_str(a->name, b->name) || !same_str(a->url, b->url) || !same_str(a->bearer, b->bearer) ||
	    !same_str(a->bearer_file, b->bearer_file) || !same_str(a->ca_file, b->ca_file) ||
	    !same_str(a->metrics_url, b->metrics_url) || a->timeout_ms != b->timeout_ms || a->connections != b->connections || a->has_chain_id != b->has_chain_id ||
	    (a->has_chain_id && a->chain_id != b->chain_id) || a->nheaders != b->nheaders)
		return false;
	for (size_t i = 0; i < a->nheaders; i++)
		if (strcmp(a->headers[i], b->headers[i]) != 0)
			return false;
	return true;
}

/* Parses text (no file read) and finds name's section in it. 0, or the parser's error. */
static int locate(const char *text, size_t len, const char *file, const char *name, struct section_span *sp,
		  char *err, size_t errlen)
{
	struct config cfg;
	int rc;

	memset(sp, 0, sizeof(*sp));
	sp->name = name;
	config_init(&cfg);
	rc = parse_into(&cfg, text ? text : "", text ? len : 0, file, false, sp, err, errlen);
	config_free(&cfg);
	return rc;
}

/* The edited text must still be a valid file; it goes to *out only then. */
static int finish_edit(struct sbuf *b, const char *file, char **out, size_t *outlen, char *err, size_t errlen)
{
	struct config cfg;
	int rc;

	sbuf_add(b, "", 0);
	config_init(&cfg);
	rc = parse_into(&cfg, b->s, b->len, file, false, NULL, err, errlen);
	config_free(&cfg);
	if (rc != 0) {
		fsutil_free_wiped(b->s, b->len);
		return rc;
	}
	*out = b->s;
	*outlen = b->len;
	return CD_OK;
}

/* Whether the line at text[at..] is empty or white space; *next is where the line after it starts. */
static bool blank_line(const char *text, size_t len, size_t at, size_t *next)
{
	size_t i = at;

	while (i < len && (is_space(text[i]) || text[i] == '\r'))
		i++;
	if (i < len && text[i] != '\n')
		return false;
	*next = i < len ? i + 1 : len;
	return at < len;
}

int config_edit_add(const char *text, size_t len, const char *file, const struct config_node *node, char **out,
		    size_t *outlen, char *err, size_t errlen)
{
	struct section_span sp;
	struct sbuf b = { 0 };
	const char *why;
	int rc;

	if (node_check(node, &why) != 0) {
		set_err(err, errlen, "%s", why);
		return CD_EINVAL;
	}
	if ((node->bearer_file && node->bearer_file[0] != '/') || (node->ca_file && node->ca_file[0] != '/')) {
		set_err(err, errlen, "bearer_file and ca must be absolute paths");
		return CD_EINVAL;
	}
	if ((rc = locate(text, len, file, node->name, &sp, err, errlen)) != 0)
		return rc;
	if (sp.found) {
		set_err(err, errlen, "a node named '%s' already exists in %s", node->name, file);
		return CD_EEXIST;
	}
	if (len > 0) {
		sbuf_add(&b, text, len);
		if (text[len - 1] != '\n')
			sbuf_str(&b, "\n");
		if (!(b.len >= 2 && b.s[b.len - 2] == '\n'))
			sbuf_str(&b, "\n"); /* a blank line before the new section */
	}
	render_node(&b, node);
	return finish_edit(&b, file, out, outlen, err, errlen);
}

/* locate, for an edit of a node that must be there: CD_ENOTFOUND when the file has no such node. */
static int locate_node(const char *text, size_t len, const char *file, const char *name, struct section_span *sp,
		       char *err, size_t errlen)
{
	int rc = locate(text, len, file, name, sp, err, errlen);

	if (rc == 0 && !sp->found) {
		set_err(err, errlen, "no node named '%s' in %s", name, file);
		return CD_ENOTFOUND;
	}
	return rc;
}

int config_edit_remove(const char *text, size_t len, const char *file, const char *name, char **out,
		       size_t *outlen, char *err, size_t errlen)
{
	struct section_span sp;
	struct sbuf b = { 0 };
	size_t from, to, next;
	int rc;

	if ((rc = locate_node(text, len, file, name, &sp, err, errlen)) != 0)
		return rc;
	/* The section, and the blank lines after it; at the end of the file, the blank lines before it. */
	from = sp.start;
	to = sp.end;
	while (blank_line(text, len, to, &next))
		to = next;
	if (to >= len) {
		while (from > 0) {
			size_t prev = from - 1;

			while (prev > 0 && text[prev - 1] != '\n')
				prev--;
			if (!blank_line(text, len, prev, &next))
				break;
			from = prev;
		}
	}
	sbuf_add(&b, text, from);
	sbuf_add(&b, text + to, len - to);
	return finish_edit(&b, file, out, outlen, err, errlen);
}

int config_edit_pin(const char *text, size_t len, const char *file, const char *name, bool pinned, char **out,
		    size_t *outlen, char *err, size_t errlen)
{
	struct section_span sp;
	struct sbuf b = { 0 };
	const char *word = pinned ? "yes" : "no";
	size_t i;
	int rc;

	if ((rc = locate_node(text, len, file, name, &sp, err, errlen)) != 0)
		return rc;
	if (sp.has_pin) {
		/* Its indentation, the new value, then whatever followed the old value (a comment) and the newline. */
		size_t vstart, vend, eol = sp.pin_end;

		sbuf_add(&b, text, sp.pin_start);
		for (i = sp.pin_start; is_space(text[i]); i++)
			;
		sbuf_add(&b, text + sp.pin_start, i - sp.pin_start);
		sbuf_str(&b, "pinned = ");
		sbuf_str(&b, word);
		while (eol > sp.pin_start && (text[eol - 1] == '\n' || text[eol - 1] == '\r'))
			eol--;
		vstart = (size_t)((const char *)memchr(text + i, '=', eol - i) - text) + 1;
		while (vstart < eol && is_space(text[vstart]))
			vstart++;
		for (vend = vstart; vend < eol && text[vend] != '"'; vend++)
			if ((text[vend] == ';' || text[vend] == '#') && (vend == vstart || is_space(text[vend - 1])))
				break;
		if (vend < eol && text[vend] != '"') {
			while (vend > vstart && is_space(text[vend - 1]))
				vend--;
			sbuf_add(&b, text + vend, eol - vend);
		}
		sbuf_add(&b, text + eol, len - eol);
		return finish_edit(&b, file, out, outlen, err, errlen);
	}
	sbuf_add(&b, text, sp.end);
	if (pinned) {
		bool crlf = sp.end >= 2 && text[sp.end - 2] == '\r' && text[sp.end - 1] == '\n';

		if (sp.end > 0 && text[sp.end - 1] != '\n')
			sbuf_str(&b, "\n");
		for (i = sp.last_key; is_space(text[i]); i++)
			;
		sbuf_add(&b, text + sp.last_key, i - sp.last_key);
		sbuf_str(&b, "pinned = yes");
		sbuf_str(&b, crlf ? "\r\n" : "\n");
	}
	sbuf_add(&b, text + sp.end, len - sp.end);
	return finish_edit(&b, file, out, outlen, err, errlen);
}
