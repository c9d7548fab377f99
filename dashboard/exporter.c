/*
 * The /metrics HTTP server: libmicrohttpd with its internal polling thread,
 * serving refcounted snapshots the loop publishes (contract in exporter.h).
 */
#include "dashboard/exporter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "dashboard/metrics.h"

struct snap {
	struct exporter *owner;
	unsigned refs;   /* under owner->lock */
	size_t len;
	char *text;
};

struct exporter {
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	struct snap *cur; /* NULL until the first publish */
	uint64_t scrapes;
	uint16_t port;
};

/* Drops one reference; the caller holds e->lock. */
static void snap_unref_locked(struct snap *s)
{
	if (s && --s->refs == 0) {
		free(s->text);
		free(s);
	}
}

/* libmicrohttpd is done with a response built on s. */
static void snap_release(void *cls)
{
	struct snap *s = cls;
	struct exporter *e = s->owner;

	pthread_mutex_lock(&e->lock);
	snap_unref_locked(s);
	pthread_mutex_unlock(&e->lock);
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **req)
{
	struct exporter *e = cls;
	struct MHD_Response *r;
	struct snap *s;
	enum MHD_Result rc;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)req;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (strcmp(url, "/") == 0)
		return reply_text(c, MHD_HTTP_OK, "chaindeck: the metrics are at /metrics\n");
	if (strcmp(url, "/metrics") != 0)
		return reply_text(c, MHD_HTTP_NOT_FOUND, "not found: the metrics are at /metrics\n");
	pthread_mutex_lock(&e->lock);
	s = e->cur;
	if (s) {
		s->refs++;
		e->scrapes++;
	}
	pthread_mutex_unlock(&e->lock);
	if (!s)
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "no metrics yet\n");
	r = MHD_create_response_from_buffer_with_free_callback_cls(s->len, s->text, snap_release, s);
	if (!r) {
		snap_release(s);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, METRICS_CONTENT_TYPE);
	rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

static int parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 5)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int exporter_parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len, bool *loopback, char *err,
                        size_t errlen)
{
	char host[64];
	const char *colon, *port_s;
	size_t hlen;
	uint16_t port;

	memset(ss, 0, sizeof(*ss));
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (!close || close[1] != ':')
			goto bad;
		hlen = (size_t)(close - spec - 1);
		if (hlen >= sizeof(host))
			goto bad;
		memcpy(host, spec + 1, hlen);
		host[hlen] = '\0';
		port_s = close + 2;
	} else if ((colon = strrchr(spec, ':')) != NULL) {
		hlen = (size_t)(colon - spec);
		if (hlen >= sizeof(host) || memchr(spec, ':', hlen))
			goto bad; /* an IPv6 address needs brackets */
		memcpy(host, spec, hlen);
		host[hlen] = '\0';
		port_s = colon + 1;
	} else {
		snprintf(host, sizeof(host), "127.0.0.1");
		port_s = spec;
	}
	if (parse_port(port_s, &port) != 0) {
		snprintf(err, errlen, "--metrics %s: the port must be a number from 0 to 65535", spec);
		return -1;
	}
	if (strcmp(host, "localhost") == 0 || host[0] == '\0')
		snprintf(host, sizeof(host), "127.0.0.1");
	if (spec[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			goto bad;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		*len = sizeof(*a);
		*loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			goto bad;
		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		*len = sizeof(*a);
		*loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	}
	return 0;
bad:
	snprintf(err, errlen, "--metrics %s: expected ADDR:PORT with a numeric address (127.0.0.1:9464, "
	                      "[::1]:9464) or a port alone", spec);
	return -1;
}

struct exporter *exporter_start(const char *spec, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool loopback;
	struct exporter *e;
	const union MHD_DaemonInfo *info;
	char shown[80];

	if (exporter_parse_addr(spec, &ss, &len, &loopback, err, errlen) != 0)
		return NULL;
	e = xcalloc(1, sizeof(*e));
	pthread_mutex_init(&e->lock, NULL);
	/* One internal thread polls every connection; it reads snapshots only. */
	e->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
	                             (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
	                             0, NULL, NULL, on_request, e, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	                             MHD_OPTION_CONNECTION_LIMIT, (unsigned)64, MHD_OPTION_CONNECTION_TIMEOUT,
	                             (unsigned)30, MHD_OPTION_END);
	if (!e->daemon) {
		int saved = errno;

		snprintf(err, errlen, "--metrics %s: cannot listen there%s%s", spec, saved ? ": " : "",
		         saved ? strerror(saved) : "");
		pthread_mutex_destroy(&e->lock);
		free(e);
		return NULL;
	}
	info = MHD_get_daemon_info(e->daemon, MHD_DAEMON_INFO_BIND_PORT);
	e->port = info ? info->port : 0;
	if (ss.ss_family == AF_INET6) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, a, sizeof(a));
		snprintf(shown, sizeof(shown), "[%s]:%u", a, e->port);
	} else {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, a, sizeof(a));
		snprintf(shown, sizeof(shown), "%s:%u", a, e->port);
	}
	if (loopback)
		log_msg(LOG_INFO, "metrics served at http://%s/metrics", shown);
	else
		log_msg(LOG_WARN, "metrics served at http://%s/metrics, which is not a loopback address: other hosts "
		                  "can read the node names and figures (there is no authentication)", shown);
	return e;
}

void exporter_publish(struct exporter *e, char *text, size_t len)
{
	struct snap *s = xcalloc(1, sizeof(*s)), *old;

	s->owner = e;
	s->refs = 1;
	s->text = text;
	s->len = len;
	pthread_mutex_lock(&e->lock);
	old = e->cur;
	e->cur = s;
	snap_unref_locked(old);
	pthread_mutex_unlock(&e->lock);
}

uint16_t exporter_port(const struct exporter *e)
{
	return e->port;
}

uint64_t exporter_scrapes(struct exporter *e)
{
	uint64_t n;

	pthread_mutex_lock(&e->lock);
	n = e->scrapes;
	pthread_mutex_unlock(&e->lock);
	return n;
}

void exporter_stop(struct exporter *e)
{
	if (!e)
		return;
	/* Stopping releases every response still queued (snap_release), then the thread is gone. */
	MHD_stop_daemon(e->daemon);
	pthread_mutex_lock(&e->lock);
	snap_unref_locked(e->cur);
	e->cur = NULL;
	pthread_mutex_unlock(&e->lock);
	pthread_mutex_destroy(&e->lock);
	free(e);
}
