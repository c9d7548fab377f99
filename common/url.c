/*
 * url — node URLs: one parser (libcurl's CURLU) for checking, naming, masking
 * and handing a URL to the transfer. See url.h for the contract.
 */
#include "common/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "common/hex.h"
#include "common/sbuf.h"
#include "common/xalloc.h"

/* ---- parsing ---- */

static bool has_space_or_ctrl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* One part of a parsed URL as curl holds it (percent-encoding kept), or NULL when absent. */
static char *part(CURLU *h, CURLUPart which)
{
	char *s = NULL;

	if (curl_url_get(h, which, &s, 0) != CURLUE_OK)
		return NULL;
	return s;
}

static const char *curl_why(CURLUcode rc)
{
	switch (rc) {
	case CURLUE_OUT_OF_MEMORY:
		xalloc_die(0);
	case CURLUE_BAD_PORT_NUMBER:
		return "url port is not a number between 1 and 65535";
	case CURLUE_NO_HOST:
		return "url has no host";
	case CURLUE_BAD_IPV6:
		return "url has a malformed IPv6 host";
	case CURLUE_BAD_HOSTNAME:
		return "url has an invalid host";
	case CURLUE_UNSUPPORTED_SCHEME:
	case CURLUE_BAD_SCHEME:
	case CURLUE_NO_SCHEME:
		return "unsupported url scheme (use http://, https://, ipc:// or a socket path)";
	case CURLUE_BAD_LOGIN:
	case CURLUE_BAD_USER:
	case CURLUE_BAD_PASSWORD:
		return "url has a malformed user name or password";
	default:
		return "url is malformed";
	}
}

/* Parses an http(s) URL into a CURLU handle: NULL with *why on failure. */
static CURLU *parse_http(const char *text, char **scheme, const char **why)
{
	CURLU *h = curl_url();
	CURLUcode rc;

	if (!h)
		xalloc_die(0);
	*scheme = NULL;
	rc = curl_url_set(h, CURLUPART_URL, text, 0);
	if (rc != CURLUE_OK) {
		/* Without one of our schemes, the scheme is the problem whatever curl tripped on first. */
		bool ours = strncasecmp(text, "http://", 7) == 0 || strncasecmp(text, "https://", 8) == 0 ||
		            strncasecmp(text, "http:/", 6) == 0 || strncasecmp(text, "https:/", 7) == 0;

		*why = ours ? curl_why(rc) : curl_why(CURLUE_UNSUPPORTED_SCHEME);
		curl_url_cleanup(h);
		return NULL;
	}
	*scheme = part(h, CURLUPART_SCHEME);
	if (!*scheme || (strcmp(*scheme, "http") != 0 && strcmp(*scheme, "https") != 0)) {
		*why = curl_why(CURLUE_UNSUPPORTED_SCHEME);
		curl_free(*scheme);
		*scheme = NULL;
		curl_url_cleanup(h);
		return NULL;
	}
	return h;
}

int url_parse(const char *text, struct url *out, const char **why)
{
	CURLU *h;
	char *scheme, *s;

	memset(out, 0, sizeof(*out));
	if (!text || !*text) {
		*why = "empty url";
		return -1;
	}
	if (has_space_or_ctrl(text)) {
		*why = "url contains spaces or control characters";
		return -1;
	}
	if (text[0] == '/' || strncasecmp(text, "ipc://", 6) == 0) {
		const char *path = text[0] == '/' ? text : text + 6;

		if (path[0] != '/' || path[1] == '\0') {
			*why = "ipc url needs an absolute socket path (ipc:///path/geth.ipc)";
			return -1;
		}
		out->scheme = URL_IPC;
		out->ipc_path = xstrdup(path);
		return 0;
	}
	h = parse_http(text, &scheme, why);
	if (!h)
		return -1;
	out->scheme = strcmp(scheme, "https") == 0 ? URL_HTTPS : URL_HTTP;
	curl_free(scheme);
	s = part(h, CURLUPART_PORT);
	if (s) {
		out->port = strtol(s, NULL, 10);
		curl_free(s);
		if (out->port < 1 || out->port > 65535) {
			*why = curl_why(CURLUE_BAD_PORT_NUMBER);
			curl_url_cleanup(h);
			memset(out, 0, sizeof(*out));
			return -1;
		}
	}
	s = part(h, CURLUPART_HOST);
	out->host = xstrdup(s ? s : "");
	curl_free(s);
	s = part(h, CURLUPART_URL);
	if (!s)
		abort();
	out->curl_url = xstrdup(s);
	explicit_bzero(s, strlen(s));
	curl_free(s);
	curl_url_cleanup(h);
	return 0;
}

void url_free(struct url *u)
{
	if (!u)
		return;
	if (u->curl_url)
		explicit_bzero(u->curl_url, strlen(u->curl_url));
	free(u->curl_url);
	free(u->host);
	free(u->ipc_path);
	memset(u, 0, sizeof(*u));
}

bool url_valid(const char *text, const char **why)
{
	struct url u;

	if (url_parse(text, &u, why) != 0)
		return false;
	url_free(&u);
	return true;
}

/* ---- masking ---- */

bool url_looks_like_token(const char *s, size_t n)
{
	size_t hex = 0;
	bool digit = false, upper = false, lower = false;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			digit = true;
		else if (c >= 'a' && c <= 'z')
			lower = true;
		else if (c >= 'A' && c <= 'Z')
			upper = true;
		else if (c != '-' && c != '_')
			return false;
		hex += hex_digit_value(c) >= 0;
	}
	if (hex == n && n >= 16)
		return true;
	return n >= 20 && (digit || (upper && lower));
}

/* A query parameter whose name says its value is a secret (any case; '-' and '_' ignored). */
static bool secret_name(const char *name, size_t n)
{
	static const char *const exact[] = {
		"auth", "pass", "pwd", "sig", "signature", "jwt", "credential", "credentials", "session",
	};
	static const char *const suffix[] = { "key", "token", "secret", "password", "passwd" };
	char norm[64];
	size_t len = 0;

	for (size_t i = 0; i < n && len < sizeof(norm) - 1; i++) {
		char c = name[i];

		if (c == '-' || c == '_')
			continue;
		norm[len++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	norm[len] = '\0';
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcmp(norm, exact[i]) == 0)
			return true;
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		size_t sl = strlen(suffix[i]);

		if (len >= sl && strcmp(norm + len - sl, suffix[i]) == 0)
			return true;
	}
	return false;
}

/* The path with every token-like segment replaced by "***". */
static void mask_path(struct sbuf *b, const char *path)
{
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, "/");

		if (n > 0 && url_looks_like_token(p, n))
			sbuf_str(b, "***");
		else
			sbuf_add(b, p, n);
		p += n;
		if (*p == '/') {
			sbuf_add(b, "/", 1);
			p++;
		}
	}
}

static void mask_query(struct sbuf *b, const char *q)
{
	const char *s = q;

	while (*s) {
		size_t n = strcspn(s, "&");
		const char *eq = memchr(s, '=', n);

		if (eq) {
			size_t nl = (size_t)(eq - s), vl = n - nl - 1;

			sbuf_add(b, s, nl + 1);
			if (secret_name(s, nl) || url_looks_like_token(eq + 1, vl))
				sbuf_str(b, "***");
			else
				sbuf_add(b, eq + 1, vl);
		} else if (url_looks_like_token(s, n) || secret_name(s, n)) {
			sbuf_str(b, "***");
		} else {
			sbuf_add(b, s, n);
		}
		s += n;
		if (*s == '&') {
			sbuf_add(b, "&", 1);
			s++;
		}
	}
}

/* The parts of a parsed URL that a masked copy shows; curl's strings (NULL when absent). */
struct url_parts {
	char *scheme, *user, *pass, *host, *zone, *port, *path, *query, *frag;
};

static void parts_take(CURLU *h, char *scheme, struct url_parts *u)
{
	u->scheme = scheme;
	u->user = part(h, CURLUPART_USER);
	u->pass = part(h, CURLUPART_PASSWORD);
	u->host = part(h, CURLUPART_HOST);
	u->zone = part(h, CURLUPART_ZONEID);
	u->port = part(h, CURLUPART_PORT);
	u->path = part(h, CURLUPART_PATH);
	u->query = part(h, CURLUPART_QUERY);
	u->frag = part(h, CURLUPART_FRAGMENT);
}

/* Frees the parts, wiping the credentials first. */
static void parts_free(struct url_parts *u)
{
	if (u->pass)
		explicit_bzero(u->pass, strlen(u->pass));
	if (u->user)
		explicit_bzero(u->user, strlen(u->user));
	curl_free(u->scheme);
	curl_free(u->user);
	curl_free(u->pass);
	curl_free(u->host);
	curl_free(u->zone);
	curl_free(u->port);
	curl_free(u->path);
	curl_free(u->query);
	curl_free(u->frag);
}

/* "scheme://", the user without the password (or "***@" alone), the host and the port. */
static void mask_authority(struct sbuf *b, const struct url_parts *u)
{
	sbuf_str(b, u->scheme);
	sbuf_str(b, "://");
	if (u->user && u->pass && *u->user) {
		sbuf_str(b, u->user);
		sbuf_str(b, ":***@");
	} else if (u->user || u->pass) {
		sbuf_str(b, "***@");
	}
	if (u->host && u->zone && u->host[0] == '[') {
		sbuf_add(b, u->host, strlen(u->host) - 1);
		sbuf_str(b, "%25");
		sbuf_str(b, u->zone);
		sbuf_str(b, "]");
	} else if (u->host) {
		sbuf_str(b, u->host);
	}
	if (u->port) {
		sbuf_str(b, ":");
		sbuf_str(b, u->port);
	}
}

/* Where the secrets of an unparsable URL are cannot be told: only a plain scheme is kept. */
static void mask_unparsed(struct sbuf *b, const char *text)
{
	const char *sep = strstr(text, "://");
	size_t sl = sep ? (size_t)(sep - text) : 0;

	if (sep && sl > 0 && sl < 16 && strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+.-") == sl)
		sbuf_add(b, text, sl + 3);
	sbuf_str(b, "***");
}

char *url_mask(const char *text)
{
	struct sbuf b = { 0 };
	struct url_parts u;
	CURLU *h;
	char *scheme;
	const char *why, *after;

	if (!text)
		return NULL;
	sbuf_add(&b, "", 0);
	if (text[0] == '/' || strncasecmp(text, "ipc://", 6) == 0 || !*text) {
		/* A socket path is no secret; an empty text has none. */
		sbuf_str(&b, text);
		return b.s;
	}
	h = parse_http(text, &scheme, &why);
	if (!h) {
		mask_unparsed(&b, text);
		return b.s;
	}
	parts_take(h, scheme, &u);
	mask_authority(&b, &u);
	/* curl gives every URL a path: show "/" only when one was written (after "scheme://"). */
	after = strstr(text, "//");
	if (u.path && (strcmp(u.path, "/") != 0 || (after && strchr(after + 2, '/'))))
		mask_path(&b, u.path);
	if (u.query) {
		sbuf_str(&b, "?");
		mask_query(&b, u.query);
	}
	if (u.frag) {
		sbuf_str(&b, "#");
		if (url_looks_like_token(u.frag, strlen(u.frag)))
			sbuf_str(&b, "***");
		else
			sbuf_str(&b, u.frag);
	}
	parts_free(&u);
	curl_url_cleanup(h);
	return b.s;
}

/* ---- naming and classing ---- */

char *url_node_name(const char *text)
{
	struct url u;
	const char *why;
	char *name;

	if (url_parse(text, &u, &why) != 0)
		return NULL;
	if (u.scheme == URL_IPC) {
		name = xstrdup(u.ipc_path);
	} else {
		size_t n = strlen(u.host) + 8;

		name = xmalloc(n);
		if (u.port)
			snprintf(name, n, "%s:%ld", u.host, u.port);
		else
			snprintf(name, n, "%s", u.host);
	}
	url_free(&u);
	return name;
}

/* 127.0.0.0/8 written as a dotted quad: four parts of digits, the first 127. */
static bool loopback_v4(const char *h)
{
	int dots = 0;

	if (strncmp(h, "127.", 4) != 0 || strspn(h, "0123456789.") != strlen(h))
		return false;
	for (const char *c = h; *c; c++)
		dots += *c == '.';
	return dots == 3;
}

bool url_plain_http_remote(const char *text)
{
	struct url u;
	const char *why;
	bool remote;

	if (url_parse(text, &u, &why) != 0)
		return true;
	if (u.scheme != URL_HTTP) {
		url_free(&u);
		return false;
	}
	remote = !(strcasecmp(u.host, "localhost") == 0 || strcmp(u.host, "[::1]") == 0 || loopback_v4(u.host));
	url_free(&u);
	return remote;
}
