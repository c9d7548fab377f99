/*
 * rpc — the JSON-RPC client: requests queued per node and sent as curl
 * transfers on the loop (HTTP, HTTPS) or pipelined on one unix socket (IPC),
 * with timeouts, a response cap, back-off after failures and health for the
 * dashboard. Contract in rpc.h.
 */
#include "common/rpc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/url.h"
#include "common/xalloc.h"

#define DEFAULT_TIMEOUT_MS 5000L
#define DEFAULT_CONNECTIONS 4
#define MAX_CONNECTIONS 32
#define DEFAULT_MAX_RESPONSE ((size_t)64 << 20)
#define BACKOFF_FIRST_MS 250u
#define BACKOFF_MAX_MS 4000u
#define OVERSIZE_FIRST_MS 1000u        /* back-off after an answer refused for its size ... */
#define OVERSIZE_MAX_MS 30000u         /* ... doubling per refusal in a row, up to 30 s */
#define CAP_STATUS ((size_t)16 << 10)  /* a number, a short string, a small object */
#define CAP_HEADER ((size_t)1 << 20)   /* a block without its transactions' bodies, a peer list */
#define IDLE_EASY_MAX 8
#define PARSE_OFF_MIN ((size_t)256 << 10) /* answers this large are parsed on a thread of their own */
#define IPC_READ_MIN 65536u            /* free buffer space for one read */
#define IPC_READ_TURN ((size_t)4 << 20) /* bytes read per loop iteration at most */

enum req_state { REQ_QUEUED, REQ_RUNNING, REQ_FAILING };

struct req {
	struct loop_transfer xfer; /* first: the loop hands this pointer back */
	struct rpc_client *c;
	struct req *prev, *next;
	enum req_state state;
	uint64_t call_id;
	char *body;
	size_t body_len;
	uint64_t *ids;
	size_t n;
	bool is_batch;
	long timeout_ms;
	rpc_cb cb;
	void *ud;
	CURL *easy;
	char *resp;
	size_t resp_len, resp_cap;
	size_t max_response; /* this call's cap: its methods' (method_cap), at most the client's */
	bool too_big;
	uint64_t start_us;
	uint64_t timer_id;
	int fail_status;
	char detail[160];
	/* A large answer being parsed on its own thread (parse_worker), then handed back (parse_done). */
	struct loop *loop;       /* the worker's way back: c may be gone by then (c is NULL then) */
	pthread_t thread;
	bool joined;             /* the worker was joined already (rpc_client_free waits for it) */
	int parse_rc;
	long parse_http;
	cJSON *doc;
	struct rpc_reply *replies;
	/* rpc_call_decoded: run where the answer is parsed; its result goes to the callback */
	const struct rpc_decoder *dec;
	void *decoded;
};

struct req_list {
	struct req *head, *tail;
	size_t len;
};

struct ipc_conn {
	int fd;                  /* -1 when closed */
	bool connecting;
	char *wbuf;
	size_t wlen, woff, wcap;
	char *rbuf;
	size_t rlen, rcap;
	struct rpc_codec_framer frame; /* how far rbuf has been scanned: kept across reads */
};

struct rpc_client {
	struct loop *loop;
	char *url;               /* as curl normalised it, with credentials: never logged or shown */
	char *display_url;
	bool is_ipc;
	char *ipc_path;
	struct curl_slist *headers;
	char *ca_file;
	long timeout_ms;
	int connections;
	size_t max_response;
	struct req_list queued, active, parsing;
	uint64_t next_call_id, next_rpc_id;
	CURL *idle[IDLE_EASY_MAX];
	int nidle;
	struct ipc_conn ipc;
	rpc_notify_cb notify;
	void *notify_ud;
	/* health */
	bool up;
	unsigned failures;
	unsigned oversize;       /* answers refused for their size in a row: the back-off's exponent */
	uint64_t down_since_ms, retry_at_ms;
	char last_error[160];
};

struct rpc_batch {
	struct rpc_codec_call *calls;
	size_t n, cap;
};

/* ---- small helpers ---- */

static void list_push(struct req_list *l, struct req *r)
{
	r->next = NULL;
	r->prev = l->tail;
	if (l->tail)
		l->tail->next = r;
	else
		l->head = r;
	l->tail = r;
	l->len++;
}

static void list_remove(struct req_list *l, struct req *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		l->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		l->tail = r->prev;
	r->prev = r->next = NULL;
	l->len--;
}

static void set_health_ok(struct rpc_client *c)
{
	if (!c->up)
		log_msg(LOG_INFO, "rpc %s: reachable again", c->display_url);
	if (c->oversize)
		log_msg(LOG_INFO, "rpc %s: answers within their size caps again", c->display_url);
	c->up = true;
	c->failures = 0;
	c->oversize = 0;
	c->retry_at_ms = 0;
	c->down_since_ms = 0;
	c->last_error[0] = '\0';
}

static void set_health_failed(struct rpc_client *c, const char *why)
{
	uint64_t now = loop_now_ms();
	unsigned shift = c->failures < 5 ? c->failures : 5;
	uint64_t delay = (uint64_t)BACKOFF_FIRST_MS << shift;

	if (delay > BACKOFF_MAX_MS)
		delay = BACKOFF_MAX_MS;
	if (c->up || c->failures == 0) {
		c->down_since_ms = now;
		log_msg(LOG_WARN, "rpc %s: %s", c->display_url, why);
	}
	c->up = false;
	c->failures++;
	c->retry_at_ms = now + delay;
	snprintf(c->last_error, sizeof(c->last_error), "%.159s", why);
}

/* A cap in words, as short as it is exact: "256 bytes", "16 KiB", "1152 KiB", "64 MiB". */
static void cap_words(char *buf, size_t cap, size_t n)
{
	if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
		snprintf(buf, cap, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, cap, "%zu KiB", n >> 10);
	else
		snprintf(buf, cap, "%zu bytes", n);
}

/*
 * An answer refused for its size. The node is reachable, so this is not a transport failure, but
 * asking again at once would download up to the cap on every poll: back off, 1 s doubling to 30 s
 * while every answer is refused, and let the calls made meanwhile fail at once (RPC_EBACKOFF)
 * saying why. Logged on the first refusal of a run only, so the log does not grow with each poll.
 */
static void set_health_oversize(struct rpc_client *c, const char *why)
{
	unsigned shift = c->oversize < 6 ? c->oversize : 6;
	uint64_t delay = (uint64_t)OVERSIZE_FIRST_MS << shift;

	if (delay > OVERSIZE_MAX_MS)
		delay = OVERSIZE_MAX_MS;
	if (c->oversize == 0)
		log_msg(LOG_WARN, "rpc %s: %s; backing off", c->display_url, why);
	c->oversize++;
	c->failures = 0;
	c->retry_at_ms = loop_now_ms() + delay;
	snprintf(c->last_error, sizeof(c->last_error), "%.159s", why);
}

static void req_free(struct req *r)
{
	if (!r)
		return;
	if (r->decoded) /* decoded, but the callback never took it */
		r->dec->discard(r->decoded);
	free(r->body);
	free(r->ids);
	free(r->resp);
	free(r);
}

static void release_easy(struct rpc_client *c, CURL *easy)
{
	if (!easy)
		return;
	if (c->nidle < IDLE_EASY_MAX) {
		curl_easy_reset(easy);
		c->idle[c->nidle++] = easy;
	} else {
		curl_easy_cleanup(easy);
	}
}

/* Calls the callback with a transport/codec failure and frees the request. */
static void deliver_failure(struct req *r, int status, long http_status, const char *detail)
{
	struct rpc_response res = {
		.status = status, .http_status = http_status,
		.elapsed_us = r->start_us ? loop_now_us() - r->start_us : 0, .detail = detail,
	};

	r->cb(r->ud, &res);
	req_free(r);
}

/*
 * Frees a parsed answer. A large one (a full block of tens of MB is millions of cJSON nodes) is
 * freed on a thread of its own, so the loop does not stall for the tens of ms that takes.
 */
static void *delete_worker(void *arg)
{
	cJSON_Delete(arg);
	return NULL;
}

static void doc_free(cJSON *doc, bool large)
{
	pthread_t t;
	pthread_attr_t at;

	if (!doc)
		return;
	if (large && pthread_attr_init(&at) == 0) {
		bool started = pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED) == 0 &&
		               pthread_create(&t, &at, delete_worker, doc) == 0;

		pthread_attr_destroy(&at);
		if (started)
			return;
	}
	cJSON_Delete(doc);
}

/* Hands a parsed answer (rc from rpc_codec_parse*) to the callback and frees the request. */
static void deliver_parsed(struct req *r, int rc, cJSON *doc, struct rpc_reply *replies, long http_status)
{
	bool large = r->resp_len >= PARSE_OFF_MIN;
	struct rpc_response res = {
		.http_status = http_status, .elapsed_us = loop_now_us() - r->start_us,
	};

	if (rc == RPC_OK) {
		res.status = RPC_OK;
		res.reply = replies;
		res.n = r->n;
		res.detail = "ok";
		res.decoded = r->decoded;
		r->decoded = NULL;
		r->cb(r->ud, &res);
		doc_free(doc, large);
		free(replies);
		req_free(r);
		return;
	}
	free(replies);
	if (http_status != 0 && http_status != 200) {
		char why[64];

		snprintf(why, sizeof(why), "HTTP %ld", http_status);
		deliver_failure(r, RPC_EHTTP, http_status, why);
		return;
	}
	deliver_failure(r, rc, http_status, cd_strerror(rc));
}

/* Parses body as the answer to r: a single call's or a batch's. replies: r->n of them, malloc'd. */
static int parse_answer(const struct req *r, const char *body, size_t len, cJSON **doc, struct rpc_reply **replies)
{
	*replies = xcalloc(r->n, sizeof(**replies));
	*doc = NULL;
	if (r->is_batch)
		return rpc_codec_parse_batch(body, len, r->ids, r->n, doc, *replies);
	return rpc_codec_parse(body, len, r->ids[0], doc, *replies);
}

static void deliver_body(struct req *r, const char *body, size_t len, long http_status)
{
	struct rpc_reply *replies;
	cJSON *doc;
	int rc = parse_answer(r, body, len, &doc, &replies);

	if (rc == RPC_OK && r->dec)
		r->decoded = r->dec->decode(&replies[0]);
	deliver_parsed(r, rc, doc, replies, http_status);
}

/*
 * Large answers: parsing 60 MB takes the loop hundreds of ms, in which no key is answered. The
 * answer is parsed on a thread of its own, which touches nothing but the request's own buffers
 * (the client may even be freed meanwhile: rpc_client_free joins the thread and leaves the request
 * to parse_done, which then only frees it), and handed back to the loop with loop_post.
 */
static void parse_done(void *ud)
{
	struct req *r = ud;
	struct rpc_client *c = r->c;

	if (!r->joined)
		pthread_join(r->thread, NULL);
	if (!c) { /* cancelled or the client freed: nobody to tell */
		doc_free(r->doc, true);
		free(r->replies);
		req_free(r);
		return;
	}
	list_remove(&c->parsing, r);
	deliver_parsed(r, r->parse_rc, r->doc, r->replies, r->parse_http);
}

static void *parse_worker(void *arg)
{
	struct req *r = arg;

	r->parse_rc = parse_answer(r, r->resp ? r->resp : "", r->resp_len, &r->doc, &r->replies);
	if (r->parse_rc == RPC_OK && r->dec)
		r->decoded = r->dec->decode(&r->replies[0]);
	loop_post(r->loop, parse_done, r);
	return NULL;
}

/* 0 when r's answer went to a parse thread (r is then on c->parsing), -1 to parse it here. */
static int parse_off_loop(struct rpc_client *c, struct req *r, long http_status)
{
	if (r->resp_len < PARSE_OFF_MIN)
		return -1;
	r->loop = c->loop;
	r->parse_http = http_status;
	r->state = REQ_RUNNING;
	list_push(&c->parsing, r);
	if (pthread_create(&r->thread, NULL, parse_worker, r) != 0) {
		list_remove(&c->parsing, r);
		return -1;
	}
	return 0;
}

/* ---- HTTP ---- */

static void pump(struct rpc_client *c);

static size_t on_http_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct req *r = ud;
	size_t n = size * nmemb;

	if (r->resp_len + n > r->max_response) {
		r->too_big = true;
		return 0;
	}
	if (r->resp_len + n + 1 > r->resp_cap) {
		size_t cap = r->resp_cap ? r->resp_cap : 4096;

		while (cap < r->resp_len + n + 1)
			cap *= 2;
		r->resp = xrealloc(r->resp, cap);
		r->resp_cap = cap;
	}
	memcpy(r->resp + r->resp_len, ptr, n);
	r->resp_len += n;
	r->resp[r->resp_len] = '\0';
	return n;
}

static bool curl_is_connect_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static void on_http_done(struct loop_transfer *t, CURLcode rc)
{
	struct req *r = (struct req *)t;
	struct rpc_client *c = r->c;
	long http = 0;
	char why[160];

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &http);
	list_remove(&c->active, r);
	if (rc == CURLE_OK) {
		set_health_ok(c);
		release_easy(c, r->easy);
		r->easy = NULL;
		if (parse_off_loop(c, r, http) != 0)
			deliver_body(r, r->resp ? r->resp : "", r->resp_len, http);
	} else if (r->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		char cw[32];

		cap_words(cw, sizeof(cw), r->max_response);
		snprintf(why, sizeof(why), "answer over %s refused", cw);
		set_health_oversize(c, why);
		release_easy(c, r->easy);
		r->easy = NULL;
		deliver_failure(r, RPC_ETOOBIG, http, why);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		snprintf(why, sizeof(why), "no answer within %ld ms", r->timeout_ms);
		set_health_failed(c, why);
		release_easy(c, r->easy);
		r->easy = NULL;
		deliver_failure(r, RPC_ETIMEOUT, http, why);
	} else {
		long oserr = 0;

		curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &oserr);
		/* The system's word ("Connection refused") says more, in less room, than curl's. */
		if (oserr)
			snprintf(why, sizeof(why), "%s", strerror((int)oserr));
		else
			snprintf(why, sizeof(why), "%s", curl_easy_strerror(rc));
		set_health_failed(c, why);
		release_easy(c, r->easy);
		r->easy = NULL;
		deliver_failure(r, curl_is_connect_error(rc) ? RPC_ECONNECT : CD_EPROTO, http, why);
	}
	pump(c);
}

static int http_start(struct rpc_client *c, struct req *r)
{
	CURL *e = c->nidle ? c->idle[--c->nidle] : curl_easy_init();

	if (!e)
		return -1;
	curl_easy_setopt(e, CURLOPT_URL, c->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)&r->xfer);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_http_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, r->timeout_ms);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->max_response);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
	if (c->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
	r->easy = e;
	r->xfer.done = on_http_done;
	r->start_us = loop_now_us();
	if (loop_add_transfer(c->loop, e) != 0) {
		r->easy = NULL;
		release_easy(c, e);
		return -1;
	}
	return 0;
}

/* ---- IPC ---- */

static void ipc_on_fd(void *ud, int fd, short revents);

static void ipc_fail_all(struct rpc_client *c, int status, const char *why)
{
	struct req_list dead = { 0 };

	if (c->ipc.fd >= 0) {
		loop_unwatch_fd(c->loop, c->ipc.fd);
		close(c->ipc.fd);
		c->ipc.fd = -1;
	}
	c->ipc.connecting = false;
	c->ipc.wlen = c->ipc.woff = 0;
	c->ipc.rlen = 0;
	memset(&c->ipc.frame, 0, sizeof(c->ipc.frame));
	/* As over HTTP, an answer over the cap is no transport failure: the node backs off. */
	if (status != RPC_ETOOBIG)
		set_health_failed(c, why);
	else
		set_health_oversize(c, why);
	/* Take the running requests out first: callbacks may queue new calls (which see the back-off). */
	for (struct req *next, *a = c->active.head; a; a = next) {
		next = a->next;
		if (a->state != REQ_RUNNING)
			continue;
		list_remove(&c->active, a);
		list_push(&dead, a);
	}
	while (dead.head) {
		struct req *r = dead.head;

		list_remove(&dead, r);
		if (r->timer_id)
			loop_timer_cancel(c->loop, r->timer_id);
		deliver_failure(r, status, 0, why);
	}
}

static void ipc_update_watch(struct rpc_client *c)
{
	short ev = POLLIN;

	if (c->ipc.connecting || c->ipc.woff < c->ipc.wlen)
		ev |= POLLOUT;
	loop_watch_fd(c->loop, c->ipc.fd, ev, ipc_on_fd, c);
}

static int ipc_connect(struct rpc_client *c, char *why, size_t whylen)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(c->ipc_path) >= sizeof(sa.sun_path)) {
		snprintf(why, whylen, "IPC path too long");
		return -1;
	}
	memcpy(sa.sun_path, c->ipc_path, strlen(c->ipc_path) + 1); /* fits: checked above */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, whylen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (errno != EINPROGRESS && errno != EAGAIN) {
			snprintf(why, whylen, "cannot connect to IPC socket (%s)", strerror(errno));
			close(fd);
			return -1;
		}
		c->ipc.connecting = true;
	}
	c->ipc.fd = fd;
	if (loop_watch_fd(c->loop, fd, POLLIN | POLLOUT, ipc_on_fd, c) != 0) {
		snprintf(why, whylen, "too many open sockets");
		close(fd);
		c->ipc.fd = -1;
		return -1;
	}
	return 0;
}

static int ipc_append(struct ipc_conn *ic, const char *data, size_t len)
{
	if (ic->woff == ic->wlen)
		ic->woff = ic->wlen = 0;
	if (ic->wlen + len + 1 > ic->wcap) {
		size_t cap = ic->wcap ? ic->wcap : 4096;

		while (cap < ic->wlen + len + 1)
			cap *= 2;
		ic->wbuf = xrealloc(ic->wbuf, cap);
		ic->wcap = cap;
	}
	memcpy(ic->wbuf + ic->wlen, data, len);
	ic->wlen += len;
	ic->wbuf[ic->wlen++] = '\n';
	return 0;
}

static void ipc_on_timeout(void *ud)
{
	struct req *r = ud;
	struct rpc_client *c = r->c;
	char why[96];

	r->timer_id = 0;
	list_remove(&c->active, r);
	snprintf(why, sizeof(why), "no answer within %ld ms", r->timeout_ms);
	set_health_failed(c, why);
	deliver_failure(r, RPC_ETIMEOUT, 0, why);
}

static int ipc_start(struct rpc_client *c, struct req *r)
{
	if (ipc_append(&c->ipc, r->body, r->body_len) != 0)
		return -1;
	r->start_us = loop_now_us();
	r->timer_id = loop_timer_add(c->loop, (uint64_t)r->timeout_ms, ipc_on_timeout, r);
	ipc_update_watch(c);
	return 0;
}

/* The id a response carries (the first element's, for a batch), or 0. */
static uint64_t response_id(const cJSON *doc)
{
	const cJSON *obj = cJSON_IsArray(doc) ? cJSON_GetArrayItem(doc, 0) : doc;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(obj, "id");

	if (cJSON_IsNumber(id) && id->valuedouble >= 1 && id->valuedouble < 9007199254740992.0)
		return (uint64_t)id->valuedouble;
	return 0;
}

/* A pushed eth_subscription message: {"method":"eth_subscription","params":{"subscription":ID,"result":X}}. */
static bool dispatch_notification(struct rpc_client *c, const cJSON *doc)
{
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(doc, "method");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(doc, "params");
	const cJSON *sub = cJSON_GetObjectItemCaseSensitive(params, "subscription");

	if (!cJSON_IsString(method) || !cJSON_IsString(sub) || cJSON_GetObjectItemCaseSensitive(doc, "id"))
		return false;
	if (c->notify)
		c->notify(c->notify_ud, sub->valuestring, cJSON_GetObjectItemCaseSensitive(params, "result"));
	return true;
}

static void ipc_dispatch(struct rpc_client *c, const char *text, size_t len)
{
	cJSON *doc = cJSON_ParseWithLength(text, len);
	uint64_t id = response_id(doc);

	if (!id && doc && dispatch_notification(c, doc)) {
		cJSON_Delete(doc);
		return;
	}
	cJSON_Delete(doc);
	for (struct req *r = c->active.head; r && id; r = r->next) {
		bool match = false;

		for (size_t i = 0; i < r->n && !match; i++)
			match = r->ids[i] == id;
		if (!match || r->state != REQ_RUNNING)
			continue;
		list_remove(&c->active, r);
		if (r->timer_id)
			loop_timer_cancel(c->loop, r->timer_id);
		deliver_body(r, text, len, 0);
		return;
	}
	log_msg(LOG_DEBUG, "rpc %s: dropped an IPC message nobody waits for", c->display_url);
}

/* An answer over the cap: the stream cannot be resynchronised past it, so the connection goes. */
static void ipc_fail_too_big(struct rpc_client *c)
{
	char why[96], cw[32];

	cap_words(cw, sizeof(cw), c->max_response);
	snprintf(why, sizeof(why), "answer over %s refused", cw);
	ipc_fail_all(c, RPC_ETOOBIG, why);
}

/*
 * Hands every complete value in the buffer to ipc_dispatch, then drops what the framer is done
 * with, so the buffer holds only the value still arriving. The framer goes on where the last
 * read stopped: a large answer arriving in many reads is scanned once, and the buffer is
 * compacted once per read, not once per value. False when the connection failed meanwhile.
 */
static bool ipc_take_values(struct rpc_client *c)
{
	struct ipc_conn *ic = &c->ipc;
	size_t start, done;
	long span;

	while ((span = rpc_codec_frame(&ic->frame, ic->rbuf, ic->rlen, &start)) > 0) {
		if ((size_t)span > c->max_response) {
			ipc_fail_too_big(c);
			return false;
		}
		set_health_ok(c);
		ipc_dispatch(c, ic->rbuf + start, (size_t)span);
		/* A callback may have failed the connection, which empties the buffer. */
		if (ic->fd < 0 || ic->rlen == 0)
			return false;
	}
	if (span < 0) {
		ipc_fail_all(c, RPC_EJSON, "IPC stream is not JSON");
		return false;
	}
	done = rpc_codec_frame_done(&ic->frame);
	if (done > 0) {
		memmove(ic->rbuf, ic->rbuf + done, ic->rlen - done);
		ic->rlen -= done;
		rpc_codec_frame_drop(&ic->frame, done);
	}
	return true;
}

/*
 * Reads what the node sent, taking complete values after each read: the buffer then holds only
 * the value still arriving, so the cap applies to one answer, as over HTTP. At most
 * IPC_READ_TURN bytes per call: a node that pushes without pause cannot hold the loop.
 */
static void ipc_read(struct rpc_client *c)
{
	struct ipc_conn *ic = &c->ipc;
	size_t turn = 0;

	while (turn < IPC_READ_TURN) {
		ssize_t got;

		if (ic->rcap - ic->rlen < IPC_READ_MIN) {
			/* rlen <= max_response here, so the largest buffer still has IPC_READ_MIN free */
			size_t cap = ic->rcap ? ic->rcap * 2 : 2 * IPC_READ_MIN;

			if (cap > c->max_response + IPC_READ_MIN)
				cap = c->max_response + IPC_READ_MIN;
			ic->rbuf = xrealloc(ic->rbuf, cap);
			ic->rcap = cap;
		}
		got = read(ic->fd, ic->rbuf + ic->rlen, ic->rcap - ic->rlen);
		if (got > 0) {
			ic->rlen += (size_t)got;
			turn += (size_t)got;
			if (!ipc_take_values(c))
				return;
			if (ic->rlen > c->max_response) {
				ipc_fail_too_big(c);
				return;
			}
			continue;
		}
		if (got == 0) {
			ipc_fail_all(c, RPC_ECONNECT, "IPC connection closed by the node");
			return;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		ipc_fail_all(c, RPC_ECONNECT, "IPC read failed");
		return;
	}
}

static void ipc_on_fd(void *ud, int fd, short revents)
{
	struct rpc_client *c = ud;
	struct ipc_conn *ic = &c->ipc;

	(void)fd;
	if (ic->connecting && (revents & (POLLOUT | POLLERR | POLLHUP))) {
		int err = 0;
		socklen_t elen = sizeof(err);

		getsockopt(ic->fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		if (err) {
			char why[128];

			snprintf(why, sizeof(why), "cannot connect to IPC socket (%s)", strerror(err));
			ipc_fail_all(c, RPC_ECONNECT, why);
			return;
		}
		ic->connecting = false;
	}
	if (revents & POLLIN) {
		ipc_read(c);
		if (ic->fd < 0)
			return;
	} else if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
		ipc_fail_all(c, RPC_ECONNECT, "IPC connection lost");
		return;
	}
	while (!ic->connecting && ic->woff < ic->wlen) {
		ssize_t put = send(ic->fd, ic->wbuf + ic->woff, ic->wlen - ic->woff, MSG_NOSIGNAL);

		if (put > 0) {
			ic->woff += (size_t)put;
			continue;
		}
		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		ipc_fail_all(c, RPC_ECONNECT, "IPC write failed");
		return;
	}
	ipc_update_watch(c);
}

/* ---- queueing ---- */

static void on_deferred_failure(void *ud)
{
	struct req *r = ud;

	r->timer_id = 0;
	list_remove(&r->c->active, r);
	deliver_failure(r, r->fail_status, 0, r->detail);
}

/* Fails r on the next loop iteration: callbacks never run inside rpc_call. */
static void fail_later(struct rpc_client *c, struct req *r, int status, const char *why)
{
	r->state = REQ_FAILING;
	r->fail_status = status;
	snprintf(r->detail, sizeof(r->detail), "%.159s", why);
	list_push(&c->active, r);
	r->timer_id = loop_timer_add(c->loop, 0, on_deferred_failure, r);
}

static void pump(struct rpc_client *c)
{
	struct req *r;
	char why[256];

	while (c->queued.head) {
		r = c->queued.head;
		if (c->retry_at_ms && loop_now_ms() < c->retry_at_ms) {
			/* The analyzer does not know that a list's head has no prev: after rpc_cancel unlinks
			 * and frees a request it takes it for the head still. */
			list_remove(&c->queued, r); /* NOLINT(clang-analyzer-unix.Malloc): see above */
			if (c->oversize)
				snprintf(why, sizeof(why), "%s, retry in %llu s", c->last_error,
				         (unsigned long long)((c->retry_at_ms - loop_now_ms() + 999) / 1000));
			else
				snprintf(why, sizeof(why), "node unreachable, retrying shortly: %s", c->last_error);
			fail_later(c, r, RPC_EBACKOFF, why);
			continue;
		}
		if (c->is_ipc) {
			if (c->ipc.fd < 0 && ipc_connect(c, why, sizeof(why)) != 0) {
				set_health_failed(c, why);
				list_remove(&c->queued, r);
				fail_later(c, r, RPC_ECONNECT, why);
				continue;
			}
		} else {
			size_t running = 0;

			for (struct req *a = c->active.head; a; a = a->next)
				running += a->state == REQ_RUNNING;
			if (running >= (size_t)c->connections)
				return;
		}
		list_remove(&c->queued, r); /* NOLINT(clang-analyzer-unix.Malloc): as above */
		r->state = REQ_RUNNING;
		list_push(&c->active, r);
		if ((c->is_ipc ? ipc_start(c, r) : http_start(c, r)) != 0) {
			list_remove(&c->active, r);
			fail_later(c, r, CD_ENOMEM, "out of memory");
		}
	}
}

static uint64_t submit(struct rpc_client *c, struct req *r)
{
	r->c = c;
	r->call_id = ++c->next_call_id;
	r->state = REQ_QUEUED;
	list_push(&c->queued, r);
	pump(c);
	return r->call_id;
}

/* ---- response caps ---- */

/*
 * The largest answer a method can reasonably have, so a hostile node costs the little a status
 * poll needs, not the client's whole cap: numbers and short strings get CAP_STATUS, a block
 * without transaction bodies, a transaction, fee history, peer lists and the calls whose error
 * may carry revert data (eth_estimateGas, eth_sendRawTransaction) CAP_HEADER; a full block
 * (eth_getBlockBy* with true), receipts, logs, traces, eth_call and any method not listed get
 * the client's max_response (64 MiB by default), which the caller caps everything at.
 */
static size_t method_cap(const char *method, const cJSON *params)
{
	static const char *const status[] = {
		"eth_blockNumber", "eth_chainId", "net_version", "net_peerCount", "net_listening",
		"web3_clientVersion", "eth_syncing", "eth_gasPrice", "eth_maxPriorityFeePerGas",
		"eth_blobBaseFee", "txpool_status", "eth_mining", "eth_hashrate", "eth_coinbase",
		"eth_getBalance", "eth_getTransactionCount", "eth_getBlockTransactionCountByNumber",
		"eth_getBlockTransactionCountByHash", "eth_getStorageAt", "rpc_modules", "eth_newBlockFilter",
		"eth_subscribe",
	};
	/* and calls whose error may carry revert data: eth_estimateGas, eth_sendRawTransaction */
	static const char *const header[] = {
		"eth_getTransactionByHash", "eth_feeHistory", "admin_peers", "admin_nodeInfo",
		"eth_getCode", "debug_getRawHeader", "eth_estimateGas", "eth_sendRawTransaction",
	};

	for (size_t i = 0; i < sizeof(status) / sizeof(status[0]); i++) {
		if (strcmp(method, status[i]) == 0)
			return CAP_STATUS;
	}
	for (size_t i = 0; i < sizeof(header) / sizeof(header[0]); i++) {
		if (strcmp(method, header[i]) == 0)
			return CAP_HEADER;
	}
	if (strcmp(method, "eth_getBlockByNumber") == 0 || strcmp(method, "eth_getBlockByHash") == 0) {
		const cJSON *full = cJSON_GetArrayItem(params, 1);

		if (!cJSON_IsTrue(full))
			return CAP_HEADER;
	}
	return SIZE_MAX;
}

/* A single call's cap, or a batch's: the sum of its calls' caps, at most the client's. */
static size_t calls_cap(const struct rpc_client *c, const struct rpc_codec_call *calls, size_t n)
{
	size_t sum = 0;

	for (size_t i = 0; i < n && sum < c->max_response; i++) {
		size_t one = method_cap(calls[i].method, calls[i].params);

		sum = one > c->max_response - sum ? c->max_response : sum + one;
	}
	return sum < c->max_response ? sum : c->max_response;
}

/* ---- public API ---- */

struct rpc_client *rpc_client_new(struct loop *loop, const struct rpc_opts *opts, char *err, size_t errlen)
{
	struct rpc_client *c;
	const char *url = opts ? opts->url : NULL;
	struct url parsed;
	const char *why;
	char line[1024];

	if (!url || !*url) {
		snprintf(err, errlen, "no node URL given");
		return NULL;
	}
	/* The one parse (libcurl's): what was checked is what the transfer is given. */
	if (url_parse(url, &parsed, &why) != 0) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	/* calloc, not xcalloc, so the analyser sees the lists start empty; the policy is xalloc's */
	c = calloc(1, sizeof(*c));
	if (!c) {
		xalloc_die(sizeof(*c));
		return NULL; /* not reached: said for cppcheck, which does not read _Noreturn */
	}
	c->loop = loop;
	c->ipc.fd = -1;
	c->up = true;
	c->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	c->connections = opts->connections > 0 ? opts->connections : DEFAULT_CONNECTIONS;
	if (c->connections > MAX_CONNECTIONS)
		c->connections = MAX_CONNECTIONS;
	c->max_response = opts->max_response ? opts->max_response : DEFAULT_MAX_RESPONSE;
	c->display_url = url_mask(url);
	c->ca_file = xstrdup(opts->ca_file);
	c->is_ipc = parsed.scheme == URL_IPC;
	if (c->is_ipc) {
		c->url = xstrdup(url);
		c->ipc_path = xstrdup(parsed.ipc_path);
	} else {
		c->url = xstrdup(parsed.curl_url);
	}
	url_free(&parsed);
	c->headers = curl_slist_append(NULL, "Content-Type: application/json");
	if (opts->bearer && *opts->bearer) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", opts->bearer);
		c->headers = curl_slist_append(c->headers, line);
		explicit_bzero(line, sizeof(line));
	}
	for (size_t i = 0; i < opts->nheaders; i++)
		c->headers = curl_slist_append(c->headers, opts->headers[i]);
	/* Some proxies answer "Expect: 100-continue" slowly; JSON-RPC bodies never need it. */
	c->headers = curl_slist_append(c->headers, "Expect:");
	if (!c->headers) { /* the strings above are xalloc'd: only curl can still fail */
		snprintf(err, errlen, "out of memory");
		rpc_client_free(c);
		return NULL;
	}
	return c;
}

static void free_list(struct rpc_client *c, struct req_list *l)
{
	while (l->head) {
		struct req *r = l->head;

		list_remove(l, r);
		if (r->easy) {
			loop_remove_transfer(c->loop, r->easy);
			curl_easy_cleanup(r->easy);
		}
		if (r->timer_id)
			loop_timer_cancel(c->loop, r->timer_id);
		req_free(r);
	}
}

void rpc_client_free(struct rpc_client *c)
{
	if (!c)
		return;
	free_list(c, &c->queued);
	free_list(c, &c->active);
	/* Answers being parsed: wait for their threads; the parse_done each posted frees them. */
	while (c->parsing.head) {
		struct req *r = c->parsing.head;

		list_remove(&c->parsing, r);
		pthread_join(r->thread, NULL);
		r->joined = true;
		r->c = NULL;
	}
	for (int i = 0; i < c->nidle; i++)
		curl_easy_cleanup(c->idle[i]);
	if (c->ipc.fd >= 0) {
		loop_unwatch_fd(c->loop, c->ipc.fd);
		close(c->ipc.fd);
	}
	free(c->ipc.wbuf);
	free(c->ipc.rbuf);
	curl_slist_free_all(c->headers);
	if (c->url)
		explicit_bzero(c->url, strlen(c->url));
	free(c->url);
	free(c->display_url);
	free(c->ipc_path);
	free(c->ca_file);
	free(c);
}

const char *rpc_client_url(const struct rpc_client *c)
{
	return c->display_url;
}

void rpc_client_on_notify(struct rpc_client *c, rpc_notify_cb cb, void *ud)
{
	c->notify = cb;
	c->notify_ud = ud;
}

bool rpc_client_is_ipc(const struct rpc_client *c)
{
	return c->is_ipc;
}

void rpc_client_health(const struct rpc_client *c, struct rpc_health *out)
{
	memset(out, 0, sizeof(*out));
	out->up = c->up;
	out->failures = c->failures;
	out->oversize = c->oversize;
	out->down_since_ms = c->down_since_ms;
	out->retry_at_ms = c->retry_at_ms;
	out->queued = c->queued.len;
	out->inflight = c->active.len;
	snprintf(out->last_error, sizeof(out->last_error), "%s", c->last_error);
}

static uint64_t call_new(struct rpc_client *c, const char *method, cJSON *params, long timeout_ms,
                         const struct rpc_decoder *dec, rpc_cb cb, void *ud)
{
	struct req *r;

	if (!c || !method || !cb || (params && !cJSON_IsArray(params)) || (dec && (!dec->decode || !dec->discard))) {
		cJSON_Delete(params);
		return 0;
	}
	r = xcalloc(1, sizeof(*r));
	r->ids = xmalloc(sizeof(*r->ids));
	r->ids[0] = ++c->next_rpc_id;
	r->n = 1;
	r->max_response = calls_cap(c, &(struct rpc_codec_call){ .method = method, .params = params }, 1);
	r->body = rpc_codec_request(r->ids[0], method, params);
	if (!r->body) {
		req_free(r);
		return 0;
	}
	r->body_len = strlen(r->body);
	r->timeout_ms = timeout_ms > 0 ? timeout_ms : c->timeout_ms;
	r->cb = cb;
	r->ud = ud;
	r->dec = dec;
	return submit(c, r);
}

uint64_t rpc_call_timeout(struct rpc_client *c, const char *method, cJSON *params, long timeout_ms,
                          rpc_cb cb, void *ud)
{
	return call_new(c, method, params, timeout_ms, NULL, cb, ud);
}

uint64_t rpc_call(struct rpc_client *c, const char *method, cJSON *params, rpc_cb cb, void *ud)
{
	return rpc_call_timeout(c, method, params, 0, cb, ud);
}

uint64_t rpc_call_decoded(struct rpc_client *c, const char *method, cJSON *params, const struct rpc_decoder *dec,
                          rpc_cb cb, void *ud)
{
	return call_new(c, method, params, 0, dec, cb, ud);
}

struct rpc_batch *rpc_batch_new(void)
{
	return xcalloc(1, sizeof(struct rpc_batch));
}

int rpc_batch_add(struct rpc_batch *b, const char *method, cJSON *params)
{
	if (!b || !method || (params && !cJSON_IsArray(params))) {
		cJSON_Delete(params);
		return CD_EINVAL;
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8;

		b->calls = xrealloc(b->calls, cap * sizeof(*b->calls));
		b->cap = cap;
	}
	b->calls[b->n++] = (struct rpc_codec_call){ .method = method, .params = params };
	return RPC_OK;
}

size_t rpc_batch_size(const struct rpc_batch *b)
{
	return b ? b->n : 0;
}

void rpc_batch_free(struct rpc_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		cJSON_Delete(b->calls[i].params);
	free(b->calls);
	free(b);
}

uint64_t rpc_batch_send(struct rpc_client *c, struct rpc_batch *b, rpc_cb cb, void *ud)
{
	struct req *r;

	if (!c || !b || !cb || b->n == 0) {
		rpc_batch_free(b);
		return 0;
	}
	r = xcalloc(1, sizeof(*r));
	r->ids = xcalloc(b->n, sizeof(*r->ids));
	for (size_t i = 0; i < b->n; i++)
		r->ids[i] = b->calls[i].id = ++c->next_rpc_id;
	r->n = b->n;
	r->is_batch = true;
	r->max_response = calls_cap(c, b->calls, b->n);
	r->body = rpc_codec_batch(b->calls, b->n);
	/* The codec owns the params now. */
	for (size_t i = 0; i < b->n; i++)
		b->calls[i].params = NULL;
	rpc_batch_free(b);
	if (!r->body) {
		req_free(r);
		return 0;
	}
	r->body_len = strlen(r->body);
	r->timeout_ms = c->timeout_ms;
	r->cb = cb;
	r->ud = ud;
	return submit(c, r);
}

int rpc_cancel(struct rpc_client *c, uint64_t call_id)
{
	struct req_list *lists[2] = { &c->queued, &c->active };

	/* Being parsed: the thread still uses it; parse_done frees it, telling nobody. */
	for (struct req *r = c->parsing.head; r; r = r->next) {
		if (r->call_id == call_id) {
			list_remove(&c->parsing, r);
			r->c = NULL;
			return 0;
		}
	}

	for (int l = 0; l < 2; l++) {
		for (struct req *r = lists[l]->head; r; r = r->next) {
			if (r->call_id != call_id)
				continue;
			list_remove(lists[l], r);
			if (r->easy) {
				loop_remove_transfer(c->loop, r->easy);
				release_easy(c, r->easy);
			}
			if (r->timer_id)
				loop_timer_cancel(c->loop, r->timer_id);
			req_free(r);
			pump(c);
			return 0;
		}
	}
	return -1;
}
