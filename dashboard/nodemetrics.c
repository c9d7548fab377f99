/*
 * Scraping a node's own metrics endpoint on the loop (contract in
 * nodemetrics.h): one transfer at a time per node, a bounded body, the
 * figures picked out by name.
 */
#include "dashboard/nodemetrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/promtext.h"
#include "common/xalloc.h"

#define BODY_MAX (8u << 20)  /* geth's full registry is a few hundred KiB */
#define SCRAPE_TIMEOUT_MS 5000L

struct nodemetrics {
	struct loop_transfer xfer; /* CURLOPT_PRIVATE points here */
	struct loop *loop;
	CURL *easy;                /* non-NULL while a scrape is in flight */
	char *url, *ca_file;
	uint64_t period_ms, timer;
	struct fleet_own *own;
	void (*changed)(void *ud);
	void *ud;
	char *body;
	size_t len;
	bool too_big;
};

/* Names that carry the client's own peer count and head, by client. */
static const char *const peer_names[] = { "p2p_peers", "nethermind_sync_peers", "besu_peers_connected",
	                                  "reth_network_connected_peers", NULL };
static const char *const head_names[] = { "chain_head_block", "besu_blockchain_height", "nethermind_blocks",
	                                  "reth_blockchain_tree_canonical_chain_height", NULL };

static bool named(const struct promtext_sample *s, const char *const *names)
{
	for (; *names; names++) {
		if (promtext_is(s, *names))
			return true;
	}
	return false;
}

struct pick {
	struct fleet_own v;
};

static int take(void *ud, const struct promtext_sample *s)
{
	struct fleet_own *o = &((struct pick *)ud)->v;
	uint64_t v;

	if (!s->finite || !s->in_range || s->micro < 0)
		return 0;
	v = (uint64_t)s->micro;
	if (promtext_is(s, "process_start_time_seconds")) {
		o->has_start = true;
		o->start_s = v / 1000000;
	} else if (promtext_is(s, "process_cpu_seconds_total")) {
		o->has_cpu = true;
		o->cpu_ms = v / 1000;
	} else if (promtext_is(s, "process_resident_memory_bytes")) {
		o->has_rss = true;
		o->rss_bytes = v / 1000000;
	} else if (named(s, peer_names) && !o->has_peers) {
		o->has_peers = true;
		o->peers = v / 1000000;
	} else if (named(s, head_names) && !o->has_head) {
		o->has_head = true;
		o->head = v / 1000000;
	}
	return 0;
}

int nodemetrics_read(struct fleet_own *own, const char *text, size_t len, uint64_t now_ms, char *err,
                     size_t errlen)
{
	struct pick p;
	int rc;

	memset(&p, 0, sizeof(p));
	rc = promtext_parse(text, len, take, &p, err, errlen);
	if (rc != 0)
		return rc;
	/* CPU share from this scrape and the previous one, when both had the counter and time went on. */
	p.v.has_cpu_share = false;
	if (p.v.has_cpu && own->ok && own->has_cpu && now_ms > own->at_ms && p.v.cpu_ms >= own->cpu_ms) {
		p.v.has_cpu_share = true;
		p.v.cpu_permille = (p.v.cpu_ms - own->cpu_ms) * 1000 / (now_ms - own->at_ms);
	} else if (own->has_cpu_share && p.v.has_cpu) {
		p.v.has_cpu_share = own->has_cpu_share;
		p.v.cpu_permille = own->cpu_permille;
	}
	p.v.configured = own->configured;
	p.v.ok = true;
	p.v.scrapes = own->scrapes + 1;
	p.v.error[0] = '\0';
	p.v.at_ms = now_ms;
	*own = p.v;
	return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct nodemetrics *m = ud;
	size_t n = size * nmemb;

	if (m->len + n > BODY_MAX) {
		m->too_big = true;
		return 0; /* aborts the transfer */
	}
	m->body = xrealloc(m->body, m->len + n + 1);
	memcpy(m->body + m->len, data, n);
	m->len += n;
	return n;
}

static void schedule(struct nodemetrics *m);

static void finish(struct nodemetrics *m, const char *why)
{
	if (why) {
		m->own->ok = false;
		snprintf(m->own->error, sizeof(m->own->error), "%.150s", why);
	}
	free(m->body);
	m->body = NULL;
	m->len = 0;
	m->too_big = false;
	schedule(m);
	if (m->changed)
		m->changed(m->ud);
}

static void on_done(struct loop_transfer *t, CURLcode result)
{
	struct nodemetrics *m = (struct nodemetrics *)t;
	long status = 0;
	char err[100], why[200];

	curl_easy_getinfo(m->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(m->easy);
	m->easy = NULL;
	if (m->too_big) {
		finish(m, "metrics endpoint: answer over 8 MiB");
		return;
	}
	if (result != CURLE_OK) {
		snprintf(why, sizeof(why), "metrics endpoint: %s", curl_easy_strerror(result));
		finish(m, why);
		return;
	}
	if (status != 200) {
		snprintf(why, sizeof(why), "metrics endpoint: HTTP status %ld", status);
		finish(m, why);
		return;
	}
	if (nodemetrics_read(m->own, m->body ? m->body : "", m->len, loop_now_ms(), err, sizeof(err)) != 0) {
		snprintf(why, sizeof(why), "metrics endpoint: not the Prometheus text format: %s", err);
		finish(m, why);
		return;
	}
	finish(m, NULL);
}

static void scrape(void *ud)
{
	struct nodemetrics *m = ud;
	CURL *e;

	m->timer = 0;
	if (m->easy)
		return;
	e = curl_easy_init();
	if (!e) {
		finish(m, "metrics endpoint: cannot set up a transfer");
		return;
	}
	curl_easy_setopt(e, CURLOPT_URL, m->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)&m->xfer);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, m);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, SCRAPE_TIMEOUT_MS);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
	if (m->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, m->ca_file);
	m->easy = e;
	if (loop_add_transfer(m->loop, e) != 0) {
		curl_easy_cleanup(e);
		m->easy = NULL;
		finish(m, "metrics endpoint: cannot start a transfer");
	}
}

static void schedule(struct nodemetrics *m)
{
	if (!m->timer)
		m->timer = loop_timer_add(m->loop, m->period_ms, scrape, m);
}

struct nodemetrics *nodemetrics_new(struct loop *loop, const struct config_node *cn, uint64_t period_ms,
                                    struct fleet_own *own, void (*changed)(void *ud), void *ud, char *err,
                                    size_t errlen)
{
	struct nodemetrics *m = xcalloc(1, sizeof(*m));

	(void)err;
	(void)errlen;
	m->xfer.done = on_done;
	m->loop = loop;
	m->url = xstrdup(cn->metrics_url);
	m->ca_file = xstrdup(cn->ca_file);
	m->period_ms = period_ms ? period_ms : 10000;
	m->own = own;
	m->changed = changed;
	m->ud = ud;
	own->configured = true;
	/* The first scrape at once: uptime is wanted from the start. */
	m->timer = loop_timer_add(loop, 0, scrape, m);
	return m;
}

void nodemetrics_free(struct nodemetrics *m)
{
	if (!m)
		return;
	if (m->timer)
		loop_timer_cancel(m->loop, m->timer);
	if (m->easy) {
		loop_remove_transfer(m->loop, m->easy);
		curl_easy_cleanup(m->easy);
	}
	free(m->body);
	if (m->url) {
		memset(m->url, 0, strlen(m->url)); /* may hold credentials */
		free(m->url);
	}
	free(m->ca_file);
	free(m);
}
