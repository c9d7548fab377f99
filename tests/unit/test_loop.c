/*
 * loop: timer order and cancellation, fd watches, waits bounded by
 * max_wait and timers, and wake-ups and posts from other threads.
 */
#include "common/loop.h"
#include "tests/lib/test.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Upper bound for anything that should be "soon": generous for loaded CI machines. */
#define SOON_MS 2000

static struct loop *new_loop(void)
{
	struct loop *loop = loop_new();

	CHECK(loop != NULL);
	return loop;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* ---- timers ---- */

struct fire_log {
	int order[16];
	int n;
};

struct fire {
	struct fire_log *log;
	int tag;
};

static void on_fire(void *ud)
{
	struct fire *f = ud;

	if (f->log->n < 16)
		f->log->order[f->log->n] = f->tag;
	f->log->n++;
}

static void timers_due_in_one_iteration_fire_in_due_order(void)
{
	struct loop *loop = new_loop();
	struct fire_log log = { { 0 }, 0 };
	struct fire f[5] = { { &log, 30 }, { &log, 10 }, { &log, 50 }, { &log, 20 }, { &log, 40 } };

	for (int i = 0; i < 5; i++)
		CHECK(loop_timer_add(loop, (uint64_t)f[i].tag, on_fire, &f[i]) != 0);
	/* Let all of them fall due before the loop looks, so one iteration runs them all. */
	sleep_ms(80);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(log.n, 5);
	for (int i = 0; i < 5 && i < log.n; i++)
		CHECK_MSG(log.order[i] == (i + 1) * 10, "fired %d-th: %d", i, log.order[i]);
	loop_free(loop);
}

static void timers_due_at_once_fire_in_the_order_they_were_added(void)
{
	struct loop *loop = new_loop();
	struct fire_log log = { { 0 }, 0 };
	struct fire f[6];
	uint64_t id[6];

	for (int i = 0; i < 6; i++) {
		f[i] = (struct fire){ &log, i };
		id[i] = loop_timer_add(loop, 0, on_fire, &f[i]);
	}
	/* Cancelling one reshuffles the table; the rest must keep their order. */
	loop_timer_cancel(loop, id[1]);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(log.n, 5);
	for (int i = 0, want = 0; i < log.n && i < 5; i++, want++) {
		if (want == 1)
			want++;
		CHECK_MSG(log.order[i] == want, "fired %d-th: %d, expected %d", i, log.order[i], want);
	}
	loop_free(loop);
}

static void timers_across_iterations_fire_in_due_order(void)
{
	struct loop *loop = new_loop();
	struct fire_log log = { { 0 }, 0 };
	struct fire f[3] = { { &log, 3 }, { &log, 1 }, { &log, 2 } };
	uint64_t deadline = loop_now_ms() + SOON_MS;

	loop_timer_add(loop, 60, on_fire, &f[0]);
	loop_timer_add(loop, 20, on_fire, &f[1]);
	loop_timer_add(loop, 40, on_fire, &f[2]);
	while (log.n < 3 && loop_now_ms() < deadline)
		CHECK_INT(loop_run_once(loop, 1000), 0);
	CHECK_INT(log.n, 3);
	CHECK(log.order[0] == 1 && log.order[1] == 2 && log.order[2] == 3);
	loop_free(loop);
}

static void zero_ms_timer_runs_on_the_next_iteration_not_inside_add(void)
{
	struct loop *loop = new_loop();
	struct fire_log log = { { 0 }, 0 };
	struct fire f = { &log, 1 };
	uint64_t t0;

	CHECK(loop_timer_add(loop, 0, on_fire, &f) != 0);
	CHECK_INT(log.n, 0);
	t0 = loop_now_ms();
	/* A due timer shortens the wait: this must not sleep for 10 s. */
	CHECK_INT(loop_run_once(loop, 10000), 0);
	CHECK(loop_now_ms() - t0 < SOON_MS);
	CHECK_INT(log.n, 1);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(log.n, 1);
	loop_free(loop);
}

static void timer_ids_are_nonzero_and_distinct(void)
{
	struct loop *loop = new_loop();
	struct fire_log log = { { 0 }, 0 };
	struct fire f = { &log, 1 };
	uint64_t ids[100];

	/* More than the table's first allocation, so it grows. */
	for (int i = 0; i < 100; i++) {
		ids[i] = loop_timer_add(loop, 100000, on_fire, &f);
		CHECK(ids[i] != 0);
		for (int j = 0; j < i; j++)
			CHECK(ids[i] != ids[j]);
	}
	loop_free(loop);
}

static void cancel_prevents_firing(void)
{
	struct loop *loop = new_loop();
	struct fire_log log = { { 0 }, 0 };
	struct fire a = { &log, 1 }, b = { &log, 2 };
	uint64_t id;

	id = loop_timer_add(loop, 0, on_fire, &a);
	loop_timer_add(loop, 0, on_fire, &b);
	loop_timer_cancel(loop, id);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(log.n, 1);
	CHECK_INT(log.order[0], 2);
	loop_free(loop);
}

static void cancel_of_a_fired_or_unknown_id_is_harmless(void)
{
	struct loop *loop = new_loop();
	struct fire_log log = { { 0 }, 0 };
	struct fire a = { &log, 1 }, b = { &log, 2 };
	uint64_t id;

	id = loop_timer_add(loop, 0, on_fire, &a);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(log.n, 1);
	loop_timer_add(loop, 0, on_fire, &b);
	loop_timer_cancel(loop, id);
	loop_timer_cancel(loop, id);
	loop_timer_cancel(loop, 0);
	loop_timer_cancel(loop, 987654321);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(log.n, 2);
	CHECK_INT(log.order[1], 2);
	loop_free(loop);
}

struct chain {
	struct loop *loop;
	int fired;
	int child_fired;
	uint64_t child_id;
};

static void on_child(void *ud)
{
	struct chain *c = ud;

	c->child_fired++;
}

static void on_parent_adds_a_timer(void *ud)
{
	struct chain *c = ud;

	c->fired++;
	c->child_id = loop_timer_add(c->loop, 0, on_child, c);
}

static void timer_callback_can_add_a_timer(void)
{
	struct loop *loop = new_loop();
	struct chain c = { loop, 0, 0, 0 };

	loop_timer_add(loop, 0, on_parent_adds_a_timer, &c);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(c.fired, 1);
	CHECK(c.child_id != 0);
	/* Added during the iteration: waits for the next one, so a 0 ms re-arm cannot starve the loop. */
	CHECK_INT(c.child_fired, 0);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(c.child_fired, 1);
	CHECK_INT(c.fired, 1);
	loop_free(loop);
}

struct canceller {
	struct loop *loop;
	uint64_t victim;
	int fired;
};

static void on_cancel_victim(void *ud)
{
	struct canceller *c = ud;

	c->fired++;
	loop_timer_cancel(c->loop, c->victim);
}

static void timer_cancelling_another_due_timer_stops_it(void)
{
	struct loop *loop = new_loop();
	struct fire_log log = { { 0 }, 0 };
	struct fire v = { &log, 1 };
	struct canceller c = { loop, 0, 0 };

	/* The canceller is due first; the victim is due by the time the loop looks too. */
	loop_timer_add(loop, 0, on_cancel_victim, &c);
	c.victim = loop_timer_add(loop, 1, on_fire, &v);
	sleep_ms(10);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(c.fired, 1);
	CHECK_INT(log.n, 0);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(log.n, 0);
	loop_free(loop);
}

static void timer_cancelling_itself_is_harmless(void)
{
	struct loop *loop = new_loop();
	struct canceller c = { loop, 0, 0 };

	c.victim = loop_timer_add(loop, 0, on_cancel_victim, &c);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(c.fired, 1);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(c.fired, 1);
	loop_free(loop);
}

static void huge_timer_delay_neither_fires_nor_spins(void)
{
	struct loop *loop = new_loop();
	struct fire_log log = { { 0 }, 0 };
	struct fire f = { &log, 1 };
	uint64_t t0;

	CHECK(loop_timer_add(loop, UINT64_MAX, on_fire, &f) != 0);
	CHECK(loop_timer_add(loop, UINT64_MAX - 5, on_fire, &f) != 0);
	t0 = loop_now_ms();
	CHECK_INT(loop_run_once(loop, 100), 0);
	CHECK_INT(log.n, 0);
	/* Nor does it make the loop spin with a zero wait. */
	CHECK_MSG(loop_now_ms() - t0 >= 50, "returned after %llu ms", (unsigned long long)(loop_now_ms() - t0));
	loop_free(loop);
}

/* ---- waiting ---- */

static void run_once_returns_within_max_wait_when_idle(void)
{
	struct loop *loop = new_loop();
	uint64_t t0 = loop_now_ms(), dt;

	CHECK_INT(loop_run_once(loop, 100), 0);
	dt = loop_now_ms() - t0;
	CHECK_MSG(dt < SOON_MS, "waited %llu ms for a 100 ms max", (unsigned long long)dt);
	/* It does wait, rather than spinning: a loose lower bound. */
	CHECK_MSG(dt >= 50, "returned after %llu ms for a 100 ms max", (unsigned long long)dt);
	t0 = loop_now_ms();
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK(loop_now_ms() - t0 < SOON_MS);
	loop_free(loop);
}

static void run_once_wakes_for_a_timer_due_before_max_wait(void)
{
	struct loop *loop = new_loop();
	struct fire_log log = { { 0 }, 0 };
	struct fire f = { &log, 1 };
	uint64_t t0 = loop_now_ms();

	loop_timer_add(loop, 50, on_fire, &f);
	while (log.n == 0 && loop_now_ms() - t0 < SOON_MS)
		CHECK_INT(loop_run_once(loop, 10000), 0);
	CHECK_INT(log.n, 1);
	CHECK(loop_now_ms() - t0 < SOON_MS);
	loop_free(loop);
}

/* ---- file descriptors ---- */

struct fd_seen {
	int calls;
	int fd;
	short revents;
	int drain;
};

static void on_fd(void *ud, int fd, short revents)
{
	struct fd_seen *s = ud;
	char buf[64];

	s->calls++;
	s->fd = fd;
	s->revents = revents;
	if (s->drain && read(fd, buf, sizeof(buf)) < 0)
		s->drain = -1;
}

static void watched_pipe_fires_pollin_after_a_write(void)
{
	struct loop *loop = new_loop();
	struct fd_seen s = { 0, -1, 0, 1 };
	int p[2];

	CHECK(pipe(p) == 0);
	CHECK_INT(loop_watch_fd(loop, p[0], POLLIN, on_fd, &s), 0);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(s.calls, 0);
	CHECK_INT(write(p[1], "x", 1), 1);
	CHECK_INT(loop_run_once(loop, SOON_MS), 0);
	CHECK_INT(s.calls, 1);
	CHECK_INT(s.fd, p[0]);
	CHECK(s.revents & POLLIN);
	/* Drained: no more calls. */
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(s.calls, 1);
	loop_free(loop);
	close(p[0]);
	close(p[1]);
}

static void watched_pipe_reports_the_writer_closing(void)
{
	struct loop *loop = new_loop();
	struct fd_seen s = { 0, -1, 0, 0 };
	int p[2];

	/* EOF on stdin or an IPC pipe must reach the owner, or it polls a dead fd forever. */
	CHECK(pipe(p) == 0);
	CHECK_INT(loop_watch_fd(loop, p[0], POLLIN, on_fd, &s), 0);
	close(p[1]);
	CHECK_INT(loop_run_once(loop, 200), 0);
	CHECK_INT(s.calls, 1);
	CHECK_MSG(s.revents & (POLLIN | POLLHUP), "revents 0x%x", (unsigned)s.revents);
	loop_free(loop);
	close(p[0]);
}

static void unwatch_stops_callbacks(void)
{
	struct loop *loop = new_loop();
	struct fd_seen s = { 0, -1, 0, 0 };
	int p[2];

	CHECK(pipe(p) == 0);
	CHECK_INT(write(p[1], "x", 1), 1);
	CHECK_INT(loop_watch_fd(loop, p[0], POLLIN, on_fd, &s), 0);
	CHECK_INT(loop_run_once(loop, 0), 0);
	CHECK_INT(s.calls, 1);
	loop_unwatch_fd(loop, p[0]);
	/* Still readable (not drained), but nobody asks any more. */
	CHECK_INT(loop_run_once(loop, 20), 0);
	CHECK_INT(s.calls, 1);
	loop_unwatch_fd(loop, p[0]);
	loop_unwatch_fd(loop, 12345);
	loop_free(loop);
	close(p[0]);
	close(p[1]);
}

struct unwatcher {
	struct loop *loop;
	int other_fd;
	int calls;
};

static void on_unwatch_other(void *ud, int fd, short revents)
{
	struct unwatcher *u = ud;

	(void)fd;
	(void)revents;
	u->calls++;
	loop_unwatch_fd(u->loop, u->other_fd);
}

static void callback_unwatching_another_ready_fd_prevents_its_callback(void)
{
	struct loop *loop = new_loop();
	int a[2], b[2];
	struct unwatcher ua, ub;

	CHECK(pipe(a) == 0 && pipe(b) == 0);
	ua = (struct unwatcher){ loop, b[0], 0 };
	ub = (struct unwatcher){ loop, a[0], 0 };
	CHECK_INT(loop_watch_fd(loop, a[0], POLLIN, on_unwatch_other, &ua), 0);
	CHECK_INT(loop_watch_fd(loop, b[0], POLLIN, on_unwatch_other, &ub), 0);
	CHECK_INT(write(a[1], "x", 1), 1);
	CHECK_INT(write(b[1], "x", 1), 1);
	CHECK_INT(loop_run_once(loop, SOON_MS), 0);
	/* Both were ready; whichever ran first unwatched the other. */
	CHECK_MSG(ua.calls + ub.calls == 1, "a %d, b %d", ua.calls, ub.calls);
	loop_free(loop);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static void callback_unwatching_and_closing_another_fd_is_safe(void)
{
	struct loop *loop = new_loop();
	struct fd_seen s[3] = { { 0, -1, 0, 0 }, { 0, -1, 0, 0 }, { 0, -1, 0, 0 } };
	struct unwatcher u;
	int a[2], p[3][2];

	/* Unwatching one fd moves the last entry into its slot; the others must still run once. */
	CHECK(pipe(a) == 0);
	for (int i = 0; i < 3; i++) {
		CHECK(pipe(p[i]) == 0);
		CHECK_INT(write(p[i][1], "x", 1), 1);
	}
	u = (struct unwatcher){ loop, p[0][0], 0 };
	CHECK_INT(loop_watch_fd(loop, a[0], POLLIN, on_unwatch_other, &u), 0);
	for (int i = 0; i < 3; i++)
		CHECK_INT(loop_watch_fd(loop, p[i][0], POLLIN, on_fd, &s[i]), 0);
	CHECK_INT(write(a[1], "x", 1), 1);
	CHECK_INT(loop_run_once(loop, SOON_MS), 0);
	CHECK_INT(u.calls, 1);
	CHECK_INT(s[0].calls, 0);
	CHECK_INT(s[1].calls, 1);
	CHECK_INT(s[2].calls, 1);
	CHECK_INT(s[1].fd, p[1][0]);
	CHECK_INT(s[2].fd, p[2][0]);
	loop_free(loop);
	close(a[0]);
	close(a[1]);
	for (int i = 0; i < 3; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
}

static void rewatching_an_fd_replaces_its_callback(void)
{
	struct loop *loop = new_loop();
	struct fd_seen first = { 0, -1, 0, 0 }, second = { 0, -1, 0, 1 };
	int p[2];

	CHECK(pipe(p) == 0);
	CHECK_INT(loop_watch_fd(loop, p[0], POLLIN, on_fd, &first), 0);
	CHECK_INT(loop_watch_fd(loop, p[0], POLLIN, on_fd, &second), 0);
	CHECK_INT(write(p[1], "x", 1), 1);
	CHECK_INT(loop_run_once(loop, SOON_MS), 0);
	CHECK_INT(first.calls, 0);
	CHECK_INT(second.calls, 1);
	loop_free(loop);
	close(p[0]);
	close(p[1]);
}

static void watching_for_pollout_fires_on_a_writable_pipe(void)
{
	struct loop *loop = new_loop();
	struct fd_seen s = { 0, -1, 0, 0 };
	int p[2];

	CHECK(pipe(p) == 0);
	CHECK_INT(loop_watch_fd(loop, p[1], POLLOUT, on_fd, &s), 0);
	CHECK_INT(loop_run_once(loop, SOON_MS), 0);
	CHECK_INT(s.calls, 1);
	CHECK(s.revents & POLLOUT);
	CHECK(!(s.revents & POLLIN));
	loop_free(loop);
	close(p[0]);
	close(p[1]);
}

/* ---- wakeup ---- */

static void *wake_later(void *arg)
{
	sleep_ms(50);
	loop_wakeup(arg);
	return NULL;
}

static void wakeup_from_another_thread_ends_the_wait_early(void)
{
	struct loop *loop = new_loop();
	pthread_t th;
	uint64_t t0, dt;

	t0 = loop_now_ms();
	CHECK(pthread_create(&th, NULL, wake_later, loop) == 0);
	CHECK_INT(loop_run_once(loop, 10000), 0);
	dt = loop_now_ms() - t0;
	pthread_join(th, NULL);
	CHECK_MSG(dt < 5000, "woke after %llu ms", (unsigned long long)dt);
	loop_free(loop);
}

static void wakeup_before_the_wait_is_not_lost(void)
{
	struct loop *loop = new_loop();
	uint64_t t0;

	loop_wakeup(loop);
	t0 = loop_now_ms();
	CHECK_INT(loop_run_once(loop, 10000), 0);
	CHECK(loop_now_ms() - t0 < 5000);
	loop_free(loop);
}

/* ---- posting from a worker ---- */

struct post_probe {
	struct loop *loop;
	pthread_t loop_thread;
	int ran;
	bool on_loop_thread;
	int order[3];
};

static void posted_cb(void *ud)
{
	struct post_probe *p = ud;

	p->on_loop_thread = pthread_equal(pthread_self(), p->loop_thread);
	p->ran++;
}

static void *post_later(void *arg)
{
	struct post_probe *p = arg;

	sleep_ms(50);
	loop_post(p->loop, posted_cb, p);
	return NULL;
}

static void post_from_a_worker_runs_on_the_loop_thread(void)
{
	struct post_probe p = { .loop = new_loop(), .loop_thread = pthread_self() };
	pthread_t th;
	uint64_t t0 = loop_now_ms();

	CHECK(pthread_create(&th, NULL, post_later, &p) == 0);
	while (!p.ran && loop_now_ms() - t0 < 5000)
		CHECK_INT(loop_run_once(p.loop, 10000), 0);
	pthread_join(th, NULL);
	CHECK_INT(p.ran, 1);
	CHECK(p.on_loop_thread);
	CHECK_MSG(loop_now_ms() - t0 < 5000, "posted callback after %llu ms", (unsigned long long)(loop_now_ms() - t0));
	loop_free(p.loop);
}

static struct post_probe *order_probe;
static int order_n;

static void order_a(void *ud)
{
	(void)ud;
	order_probe->order[order_n++] = 1;
}

static void order_b(void *ud)
{
	(void)ud;
	order_probe->order[order_n++] = 2;
}

static void posts_run_in_order_and_once(void)
{
	struct post_probe p = { .loop = new_loop() };

	order_probe = &p;
	order_n = 0;
	CHECK_INT(loop_post(p.loop, order_a, NULL), 0);
	CHECK_INT(loop_post(p.loop, order_b, NULL), 0);
	CHECK_INT(loop_run_once(p.loop, 0), 0);
	CHECK_INT(order_n, 2);
	CHECK(p.order[0] == 1 && p.order[1] == 2);
	CHECK_INT(loop_run_once(p.loop, 0), 0);
	CHECK_INT(order_n, 2);
	loop_free(p.loop);
}

static void unrun_posts_run_when_the_loop_is_freed(void)
{
	struct post_probe p = { .loop = new_loop() };

	/* Their owners release what they carry there: nothing leaks, nothing is lost. */
	order_probe = &p;
	order_n = 0;
	CHECK_INT(loop_post(p.loop, order_a, NULL), 0);
	loop_free(p.loop);
	CHECK_INT(order_n, 1);
}

/* ---- signals ---- */

static void signal_is_taken_once_per_delivery(int sig)
{
	loop_catch_signals();
	while (loop_take_signal(sig))
		;
	CHECK(!loop_take_signal(sig));
	CHECK(raise(sig) == 0);
	CHECK(loop_take_signal(sig));
	CHECK(!loop_take_signal(sig));
}

static void sigwinch_is_taken_once(void)
{
	signal_is_taken_once_per_delivery(SIGWINCH);
}

static void sigint_is_taken_once(void)
{
	signal_is_taken_once_per_delivery(SIGINT);
}

static void sigterm_is_taken_once(void)
{
	signal_is_taken_once_per_delivery(SIGTERM);
}

static void signals_are_kept_apart(void)
{
	loop_catch_signals();
	while (loop_take_signal(SIGINT) || loop_take_signal(SIGWINCH) || loop_take_signal(SIGTERM))
		;
	CHECK(raise(SIGWINCH) == 0);
	CHECK(!loop_take_signal(SIGINT));
	CHECK(!loop_take_signal(SIGTERM));
	CHECK(loop_take_signal(SIGWINCH));
	CHECK(!loop_take_signal(SIGUSR1));
}

static void sigpipe_is_ignored(void)
{
	int p[2];

	loop_catch_signals();
	CHECK(pipe(p) == 0);
	close(p[0]);
	/* Without the handler this write would kill the test binary. */
	CHECK_INT(write(p[1], "x", 1), -1);
	close(p[1]);
}

struct killer {
	pthread_t target;
	int sig;
};

static void *signal_later(void *arg)
{
	struct killer *k = arg;

	sleep_ms(50);
	pthread_kill(k->target, k->sig);
	return NULL;
}

static void signal_during_a_wait_ends_it_without_error(void)
{
	struct loop *loop = new_loop();
	struct killer k = { pthread_self(), SIGWINCH };
	pthread_t th;
	uint64_t t0, dt;

	loop_catch_signals();
	while (loop_take_signal(SIGWINCH))
		;
	t0 = loop_now_ms();
	CHECK(pthread_create(&th, NULL, signal_later, &k) == 0);
	CHECK_INT(loop_run_once(loop, 10000), 0);
	dt = loop_now_ms() - t0;
	pthread_join(th, NULL);
	/* A resize must be handled promptly, not after the full wait. */
	CHECK_MSG(dt < 5000, "returned after %llu ms", (unsigned long long)dt);
	CHECK(loop_take_signal(SIGWINCH));
	loop_free(loop);
}

static const struct test_case cases[] = {
	{ "timers_due_in_one_iteration_fire_in_due_order", timers_due_in_one_iteration_fire_in_due_order },
	{ "timers_due_at_once_fire_in_the_order_they_were_added",
	  timers_due_at_once_fire_in_the_order_they_were_added },
	{ "timers_across_iterations_fire_in_due_order", timers_across_iterations_fire_in_due_order },
	{ "zero_ms_timer_runs_on_the_next_iteration_not_inside_add",
	  zero_ms_timer_runs_on_the_next_iteration_not_inside_add },
	{ "timer_ids_are_nonzero_and_distinct", timer_ids_are_nonzero_and_distinct },
	{ "cancel_prevents_firing", cancel_prevents_firing },
	{ "cancel_of_a_fired_or_unknown_id_is_harmless", cancel_of_a_fired_or_unknown_id_is_harmless },
	{ "timer_callback_can_add_a_timer", timer_callback_can_add_a_timer },
	{ "timer_cancelling_another_due_timer_stops_it", timer_cancelling_another_due_timer_stops_it },
	{ "timer_cancelling_itself_is_harmless", timer_cancelling_itself_is_harmless },
	{ "huge_timer_delay_neither_fires_nor_spins", huge_timer_delay_neither_fires_nor_spins },
	{ "run_once_returns_within_max_wait_when_idle", run_once_returns_within_max_wait_when_idle },
	{ "run_once_wakes_for_a_timer_due_before_max_wait", run_once_wakes_for_a_timer_due_before_max_wait },
	{ "watched_pipe_fires_pollin_after_a_write", watched_pipe_fires_pollin_after_a_write },
	{ "watched_pipe_reports_the_writer_closing", watched_pipe_reports_the_writer_closing },
	{ "unwatch_stops_callbacks", unwatch_stops_callbacks },
	{ "callback_unwatching_another_ready_fd_prevents_its_callback",
	  callback_unwatching_another_ready_fd_prevents_its_callback },
	{ "callback_unwatching_and_closing_another_fd_is_safe", callback_unwatching_and_closing_another_fd_is_safe },
	{ "rewatching_an_fd_replaces_its_callback", rewatching_an_fd_replaces_its_callback },
	{ "watching_for_pollout_fires_on_a_writable_pipe", watching_for_pollout_fires_on_a_writable_pipe },
	{ "wakeup_from_another_thread_ends_the_wait_early", wakeup_from_another_thread_ends_the_wait_early },
	{ "wakeup_before_the_wait_is_not_lost", wakeup_before_the_wait_is_not_lost },
	{ "post_from_a_worker_runs_on_the_loop_thread", post_from_a_worker_runs_on_the_loop_thread },
	{ "posts_run_in_order_and_once", posts_run_in_order_and_once },
	{ "unrun_posts_run_when_the_loop_is_freed", unrun_posts_run_when_the_loop_is_freed },
	{ "sigwinch_is_taken_once", sigwinch_is_taken_once },
	{ "sigint_is_taken_once", sigint_is_taken_once },
	{ "sigterm_is_taken_once", sigterm_is_taken_once },
	{ "signals_are_kept_apart", signals_are_kept_apart },
	{ "sigpipe_is_ignored", sigpipe_is_ignored },
	{ "signal_during_a_wait_ends_it_without_error", signal_during_a_wait_ends_it_without_error },
};

int main(int argc, char **argv)
{
	int rc;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 2;
	rc = test_main(argc, argv, cases, TEST_COUNT(cases));
	curl_global_cleanup();
	return rc;
}
