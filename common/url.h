/* SPDX-License-Identifier: MIT */
/*
 * url — the one place node URLs are parsed, checked, masked for display and
 * handed to libcurl.
 *
 * A node URL is http://, https://, ipc:///path/to.ipc or a bare /path/to.ipc.
 * HTTP(S) URLs are parsed by libcurl's own URL parser (the CURLU API), so what
 * is accepted here is exactly what curl will connect to: the host, port and
 * scheme seen by the config, the node names and the display all come from the
 * same parse the transfer uses. The IPC forms (scheme in any case) are plain
 * absolute socket paths, never percent-decoded.
 *
 * Masking: a URL may carry credentials in four places, and all four are hidden
 * wherever a URL is shown or logged:
 *   - the userinfo: "user:***@" (a userinfo without a password is all secret: "***@");
 *   - query values named like a secret (key, apikey, token, secret, password,
 *     auth... in any case) or that look like a token;
 *   - path segments that look like a token: a provider key in the path, as in
 *     https://mainnet.infura.io/v3/KEY or https://eth-mainnet.g.alchemy.com/v2/KEY;
 *   - a fragment that looks like a token.
 * "Looks like a token": 16 or more hex digits, or 20 or more characters of the
 * base64url alphabet (which holds base58 and hex) with a digit or both letter
 * cases: long enough that no path word (v3, mainnet, ext/bc/C/rpc, a UUID-free
 * route) is taken for one, wide enough for every provider's key format.
 *
 * Messages never quote the URL (it may hold credentials).
 */
#ifndef CHAINDECK_URL_H
#define CHAINDECK_URL_H

#include <stdbool.h>
#include <stddef.h>

enum url_scheme { URL_HTTP, URL_HTTPS, URL_IPC };

struct url {
	enum url_scheme scheme;
	/*
	 * HTTP(S): the URL as curl normalised it (scheme lower case, "." and ".."
	 * resolved): what the transfer is given. May hold credentials. IPC: NULL.
	 */
	char *curl_url;
	char *host;        /* HTTP(S): as curl parsed it, IPv6 in brackets without zone; IPC: NULL */
	long port;         /* HTTP(S): the explicit port, 0 when none was written; IPC: 0 */
	char *ipc_path;    /* IPC: the absolute socket path; HTTP(S): NULL */
};

/*
 * Parses and checks text. Returns 0 and fills *out (free with url_free), or -1
 * with *why set to a static message that never quotes the URL and *out left
 * empty. Whitespace or control characters anywhere, a scheme other than
 * http/https/ipc, a missing or invalid host, a port outside 1..65535 and a
 * relative socket path are refused.
 */
int url_parse(const char *text, struct url *out, const char **why);
/* Wipes (curl_url may hold credentials) and frees what url_parse put in u; safe on a zeroed struct. */
void url_free(struct url *u);

/* Whether text is a node URL url_parse accepts; *why as url_parse. */
bool url_valid(const char *text, const char **why);

/*
 * A copy of text safe to show or log (see the top of this file). A URL that
 * does not parse comes back as its scheme and "***" (or "***" alone), since
 * where its secrets are cannot be told. Returns a malloc'd string the caller
 * frees; NULL only for a NULL text. Out of memory aborts.
 */
char *url_mask(const char *text);

/*
 * A short name for a node given by URL: host[:port] for HTTP(S) (never the
 * userinfo, path or query), the socket path for IPC. NULL when text does not
 * parse. malloc'd; out of memory aborts.
 */
char *url_node_name(const char *text);

/*
 * Whether the URL is plain HTTP to a host other than this machine's loopback
 * (localhost, 127.0.0.0/8 as a dotted quad, [::1]): what is sent would cross
 * the network in the clear. A URL that does not parse counts as insecure.
 */
bool url_plain_http_remote(const char *text);

/* Whether a string (a path segment, a query value) looks like an API key or token. */
bool url_looks_like_token(const char *s, size_t n);

#endif
