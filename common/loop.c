/*
 * loop — the event loop: curl_multi_poll() over the transfers and the watched
 * file descriptors, a table of one-shot timers, work posted from other
 * threads, and the signal flags. Contract in loop.h.
 */
#include "common/loop.h"
#include "common/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOOP_MAX_FDS 256

struct fd_watch {
	int fd;
	short events;
	loop_fd_cb cb;
	void *ud;
};

struct timer {
	uint64_t id;
	uint64_t due_ms;
	loop_timer_cb cb;
	void *ud;
};

struct posted {
	loop_timer_cb cb;
	void *ud;
	struct posted *next;
};

struct loop {
	CURLM *multi;
	pthread_mutex_t post_lock;
	struct posted *post_head, *post_tail;
	struct fd_watch fds[LOOP_MAX_FDS];
	unsigned nfds;
	struct timer *timers;
	size_t ntimers, cap_timers;
	uint64_t next_timer_id;
};

static volatile sig_atomic_t sig_int, sig_term, sig_winch, sig_hup;

static void on_signal(int sig)
{
	switch (sig) {
	case SIGINT:
		sig_int = 1;
		break;
	case SIGTERM:
		sig_term = 1;
		break;
	case SIGWINCH:
		sig_winch = 1;
		break;
	case SIGHUP:
		sig_hup = 1;
		break;
	default:
		break;
	}
}

void loop_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

bool loop_take_signal(int sig)
{
	volatile sig_atomic_t *flag;

	switch (sig) {
	case SIGINT:
		flag = &sig_int;
		break;
	case SIGTERM:
		flag = &sig_term;
		break;
	case SIGWINCH:
		flag = &sig_winch;
		break;
	case SIGHUP:
		flag = &sig_hup;
		break;
	default:
		return false;
	}
	if (!*flag)
		return false;
	*flag = 0;
	return true;
}

uint64_t loop_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t loop_now_ms(void)
{
	return loop_now_us() / 1000u;
}

struct loop *loop_new(void)
{
	struct loop *loop = xcalloc(1, sizeof(*loop));

	loop->multi = curl_multi_init();
	if (!loop->multi) {
		free(loop);
		return NULL;
	}
	pthread_mutex_init(&loop->post_lock, NULL);
	loop->next_timer_id = 1;
	return loop;
}

static void run_posted(struct loop *loop);

void loop_free(struct loop *loop)
{
	if (!loop)
		return;
	curl_multi_cleanup(loop->multi);
	run_posted(loop);
	pthread_mutex_destroy(&loop->post_lock);
	free(loop->timers);
	free(loop);
}

int loop_add_transfer(struct loop *loop, CURL *easy)
{
	return curl_multi_add_handle(loop->multi, easy) == CURLM_OK ? 0 : -1;
}

void loop_remove_transfer(struct loop *loop, CURL *easy)
{
	curl_multi_remove_handle(loop->multi, easy);
}

int loop_watch_fd(struct loop *loop, int fd, short events, loop_fd_cb cb, void *ud)
{
	for (unsigned i = 0; i < loop->nfds; i++) {
		if (loop->fds[i].fd == fd) {
			loop->fds[i].events = events;
			loop->fds[i].cb = cb;
			loop->fds[i].ud = ud;
			return 0;
		}
	}
	if (loop->nfds == LOOP_MAX_FDS)
		return -1;
	loop->fds[loop->nfds++] = (struct fd_watch){ fd, events, cb, ud };
	return 0;
}

void loop_unwatch_fd(struct loop *loop, int fd)
{
	for (unsigned i = 0; i < loop->nfds; i++) {
		if (loop->fds[i].fd == fd) {
			loop->fds[i] = loop->fds[--loop->nfds];
			return;
		}
	}
}

uint64_t loop_timer_add(struct loop *loop, uint64_t ms, loop_timer_cb cb, void *ud)
{
	uint64_t now, due;

	if (loop->ntimers == loop->cap_timers) {
		size_t cap = loop->cap_timers ? loop->cap_timers * 2 : 64;

		loop->timers = xrealloc(loop->timers, cap * sizeof(*loop->timers));
		loop->cap_timers = cap;
	}
	now = loop_now_ms();
	/* A delay past the end of time means never, not a wrapped "already due". */
	due = ms > UINT64_MAX - now ? UINT64_MAX : now + ms;
	loop->timers[loop->ntimers] = (struct timer){
		.id = loop->next_timer_id++, .due_ms = due, .cb = cb, .ud = ud,
	};
	return loop->timers[loop->ntimers++].id;
}

void loop_timer_cancel(struct loop *loop, uint64_t id)
{
	for (size_t i = 0; i < loop->ntimers; i++) {
		if (loop->timers[i].id == id) {
			loop->timers[i] = loop->timers[--loop->ntimers];
			return;
		}
	}
}

void loop_wakeup(struct loop *loop)
{
	curl_multi_wakeup(loop->multi);
}

int loop_post(struct loop *loop, loop_timer_cb cb, void *ud)
{
	struct posted *p = xmalloc(sizeof(*p));

	p->cb = cb;
	p->ud = ud;
	p->next = NULL;
	pthread_mutex_lock(&loop->post_lock);
	if (loop->post_tail)
		loop->post_tail->next = p;
	else
		loop->post_head = p;
	loop->post_tail = p;
	pthread_mutex_unlock(&loop->post_lock);
	curl_multi_wakeup(loop->multi);
	return 0;
}

/* Runs what other threads posted, in order; what they post meanwhile waits for the next iteration. */
static void run_posted(struct loop *loop)
{
	struct posted *list;

	pthread_mutex_lock(&loop->post_lock);
	list = loop->post_head;
	loop->post_head = loop->post_tail = NULL;
	pthread_mutex_unlock(&loop->post_lock);
	while (list) {
		struct posted *p = list;

		list = p->next;
		p->cb(p->ud);
		free(p);
	}
}

static int next_timeout(const struct loop *loop, long max_wait_ms)
{
	uint64_t now = loop_now_ms();
	uint64_t wait = max_wait_ms < 0 ? 0 : (uint64_t)max_wait_ms;

	/* Compare unsigned: a far-off timer must not turn into a negative (zero) wait. */
	for (size_t i = 0; i < loop->ntimers; i++) {
		uint64_t due = loop->timers[i].due_ms;
		uint64_t left = due <= now ? 0 : due - now;

		if (left < wait)
			wait = left;
	}
	return wait > INT_MAX ? INT_MAX : (int)wait;
}

/*
 * Runs every timer due now, earliest due first (ties in the order they were
 * added). Timers added by callbacks wait for the next iteration.
 */
static void run_timers(struct loop *loop)
{
	uint64_t now = loop_now_ms();
	uint64_t limit = loop->next_timer_id;

	for (;;) {
		size_t best = loop->ntimers;
		struct timer t;

		/* Rescanned after each callback: it may have added or cancelled timers. */
		for (size_t i = 0; i < loop->ntimers; i++) {
			const struct timer *c = &loop->timers[i];

			if (c->id >= limit || c->due_ms > now)
				continue;
			if (best == loop->ntimers || c->due_ms < loop->timers[best].due_ms ||
			    (c->due_ms == loop->timers[best].due_ms && c->id < loop->timers[best].id))
				best = i;
		}
		if (best == loop->ntimers)
			return;
		t = loop->timers[best];
		loop->timers[best] = loop->timers[--loop->ntimers];
		t.cb(t.ud);
	}
}

static void run_transfers(struct loop *loop)
{
	int running, left;
	CURLMsg *msg;

	curl_multi_perform(loop->multi, &running);
	while ((msg = curl_multi_info_read(loop->multi, &left)) != NULL) {
		struct loop_transfer *t = NULL;
		CURL *easy = msg->easy_handle;
		CURLcode rc = msg->data.result;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
		curl_multi_remove_handle(loop->multi, easy);
		if (t && t->done)
			t->done(t, rc);
	}
}

/*
 * curl_multi_poll reports only POLLIN / POLLPRI / POLLOUT of the fds it is given, never POLLHUP
 * or POLLERR: a terminal or socket that hung up would read as "ready, nothing there" for ever.
 * One poll of just the ready fds, without waiting, gives each callback the whole of its revents.
 */
static void ready_revents(struct fd_watch *ready, unsigned n)
{
	struct pollfd p[LOOP_MAX_FDS];

	for (unsigned i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = ready[i].fd, .events = (short)ready[i].events };
	if (n == 0 || poll(p, n, 0) < 0)
		return;
	for (unsigned i = 0; i < n; i++)
		ready[i].events = (short)(ready[i].events | p[i].revents);
}

int loop_run_once(struct loop *loop, long max_wait_ms)
{
	struct curl_waitfd extra[LOOP_MAX_FDS];
	struct fd_watch ready[LOOP_MAX_FDS];
	unsigned n = loop->nfds, nready = 0;
	int numfds = 0;

	for (unsigned i = 0; i < n; i++) {
		extra[i].fd = loop->fds[i].fd;
		extra[i].events = (short)loop->fds[i].events;
		extra[i].revents = 0;
	}
	if (curl_multi_poll(loop->multi, extra, n, next_timeout(loop, max_wait_ms), &numfds) != CURLM_OK)
		return -1;

	/* Callbacks may change the watch table: act on a snapshot, re-checking membership. */
	for (unsigned i = 0; i < n; i++) {
		if (extra[i].revents) {
			ready[nready] = loop->fds[i];
			ready[nready].events = extra[i].revents;
			nready++;
		}
	}
	ready_revents(ready, nready);
	for (unsigned i = 0; i < nready; i++) {
		bool still = false;

		for (unsigned j = 0; j < loop->nfds; j++) {
			if (loop->fds[j].fd == ready[i].fd && loop->fds[j].cb == ready[i].cb &&
			    loop->fds[j].ud == ready[i].ud)
				still = true;
		}
		if (still)
			ready[i].cb(ready[i].ud, ready[i].fd, ready[i].events);
	}
	run_posted(loop);
	run_transfers(loop);
	run_timers(loop);
	return 0;
}
