/*
 * metrics — the fleet's figures in the Prometheus text exposition format
 * (version 0.0.4), for the exporter (dashboard/exporter.h).
 *
 * One series per node, labelled {node="NAME",chain_id="ID"} (chain_id is ""
 * until the node said it). Label values are escaped as the format requires
 * (backslash, double quote, newline). No URL, header or token ever goes into
 * a label or a value: only the configured node name, the chain id and fixed
 * words. A figure a node has not given (or does not offer) has no series,
 * never a made-up zero. Values are written from integers: no floating point.
 */
#ifndef CHAINDECK_METRICS_H
#define CHAINDECK_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "common/sbuf.h"
#include "dashboard/fleet.h"

/* The Content-Type of what metrics_render writes. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Appends s escaped as a label value (without the surrounding quotes). */
void metrics_escape_label(struct sbuf *out, const char *s);

/* The moment of a rendering: ages are against the wall clock, the stall measure against the loop's. */
struct metrics_now {
	uint64_t wall_s;  /* unix seconds */
	uint64_t mono_ms; /* loop_now_ms() */
};

/* Appends the exposition of nodes[0..n) at t, with chaindeck_build_info{version=version}. */
void metrics_render(const struct fleet_node *const *nodes, size_t n, const struct metrics_now *t,
                    const char *version, struct sbuf *out);
/* The same over a live fleet. */
void metrics_render_fleet(const struct fleet *f, const struct metrics_now *t, const char *version,
                          struct sbuf *out);

#endif
