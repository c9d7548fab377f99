/* SPDX-License-Identifier: MIT */
/*
 * loop — the one event loop. One thread owns it; everything it calls back
 * runs on that thread.
 *
 * It waits in curl_multi_poll() on every transfer's sockets plus the extra
 * file descriptors registered here (stdin, IPC sockets), with the timeout
 * set by the nearest timer. Nothing it runs may block.
 *
 * From another thread only loop_post() (a worker handing a result back) and
 * loop_wakeup() may be called; loop_now_ms() and loop_now_us() only read the
 * clock. Signal handlers installed by loop_catch_signals() only set flags;
 * the loop's owner reads them with loop_take_signal().
 */
#ifndef CHAINDECK_LOOP_H
#define CHAINDECK_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>

struct loop;

/*
 * A transfer the loop drives on its curl multi handle. Embed it in your own
 * request struct, set CURLOPT_PRIVATE of the easy handle to point at it, and
 * add the easy handle with loop_add_transfer(). When the transfer ends the
 * loop removes the easy handle from the multi handle and calls done() once.
 */
struct loop_transfer {
	void (*done)(struct loop_transfer *t, CURLcode result);
};

typedef void (*loop_fd_cb)(void *ud, int fd, short revents);
typedef void (*loop_timer_cb)(void *ud);

/* Returns NULL on allocation failure (curl_global_init is the caller's). */
struct loop *loop_new(void);
/*
 * Frees the loop. Transfers still attached are removed without callbacks.
 * Work posted from other threads and not yet run is run now, so its owner
 * can release what it carries; such a callback must not expect anything else
 * of the loop.
 */
void loop_free(struct loop *loop);

/* Monotonic milliseconds since an arbitrary point. */
uint64_t loop_now_ms(void);
/* Monotonic microseconds since an arbitrary point. */
uint64_t loop_now_us(void);

/* Adds an easy handle whose CURLOPT_PRIVATE is a struct loop_transfer *. 0 or -1. */
int loop_add_transfer(struct loop *loop, CURL *easy);
/* Removes it without calling done() (cancel). */
void loop_remove_transfer(struct loop *loop, CURL *easy);

/*
 * Watches fd for events (POLLIN / POLLOUT). One watch per fd: watching an fd
 * again replaces its events and callback. 0, or -1 when the table is full.
 * The callback's revents hold POLLHUP / POLLERR / POLLNVAL too when poll says so.
 */
int loop_watch_fd(struct loop *loop, int fd, short events, loop_fd_cb cb, void *ud);
void loop_unwatch_fd(struct loop *loop, int fd);

/*
 * A one-shot timer after `ms` milliseconds (0 = on the next iteration).
 * Returns its id (never 0), or 0 on allocation failure. Cancelling an id that
 * already fired or was cancelled is harmless.
 */
uint64_t loop_timer_add(struct loop *loop, uint64_t ms, loop_timer_cb cb, void *ud);
void loop_timer_cancel(struct loop *loop, uint64_t id);

/* Thread-safe: makes a sleeping loop_run_once() return early. */
void loop_wakeup(struct loop *loop);

/*
 * Thread-safe: queues cb(ud) to run on the loop thread during the next
 * iteration, and wakes the loop. This is how a worker thread hands a result
 * back. Returns 0: out of memory aborts (xalloc.h), so cb always runs.
 */
int loop_post(struct loop *loop, loop_timer_cb cb, void *ud);

/*
 * One iteration: waits at most max_wait_ms (less if a timer is due sooner),
 * then runs ready fd callbacks, finished transfers and due timers.
 * Returns 0, or -1 if the multi handle failed.
 */
int loop_run_once(struct loop *loop, long max_wait_ms);

/*
 * Installs SIGINT, SIGTERM, SIGWINCH, SIGHUP (reload the configuration) and
 * SIGPIPE (ignored) handlers that only set flags.
 */
void loop_catch_signals(void);
/* True once per delivery of sig (SIGINT, SIGTERM, SIGWINCH or SIGHUP) since the last call. */
bool loop_take_signal(int sig);

#endif
