/* SPDX-License-Identifier: MIT */
/*
 * fmt — human-readable figures for any front end: durations, counts,
 * amounts in a unit. Pure functions; each writes a NUL-terminated string
 * into buf and returns buf, cutting (never overflowing) when cap is small.
 */
#ifndef CHAINDECK_FMT_H
#define CHAINDECK_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "common/u256.h"

/* "0s", "59s", "1m 05s", "2h 03m", "3d 04h". */
char *fmt_duration(char *buf, size_t cap, uint64_t seconds);
/* Microseconds as "850 µs" / "12.3 ms" / "1.25 s" (ASCII "us" when ascii != 0). */
char *fmt_latency(char *buf, size_t cap, uint64_t us, int ascii);
/* 1234567 as "1,234,567". */
char *fmt_count(char *buf, size_t cap, uint64_t v);
/* An exact amount with a unit suffix: fmt_units(.., wei, 9, "gwei") → "1.5 gwei". */
char *fmt_units(char *buf, size_t cap, struct u256 v, unsigned decimals, const char *unit);
/*
 * fmt_units shortened to `width` columns, never silently: when the exact text
 * is wider, fraction digits are dropped (then the integer part goes to
 * d.ddde<exponent>) and `more` — one column, "…" or "~" — marks the cut right
 * after the digits: 9999.999883862 ETH at width 15 is "9999.99988… ETH".
 * Digits are never rounded: what is shown is a prefix of the exact amount.
 */
char *fmt_units_fit(char *buf, size_t cap, struct u256 v, unsigned decimals, const char *unit, size_t width,
                    const char *more);
/* A ratio a/b as a percentage with one decimal ("62.5%"); "-" when b is 0. */
char *fmt_percent(char *buf, size_t cap, uint64_t a, uint64_t b);

/*
 * A count in at most `width` columns: exact when it fits, else in a unit
 * (k, M, G, T, P, E: powers of 1000) with its digits cut, never rounded up
 * (18446744073709551615 at width 5 is "18.4E"); never silently cut. '#'s
 * when not even one digit and a unit fit.
 */
char *fmt_count_fit(char *buf, size_t cap, uint64_t v, size_t width);

/*
 * An amount of wei as exact text within `width` columns: in the unit of
 * `decimals` (18 ETH, 9 gwei, 0 wei) if it fits, else in the next smaller of
 * those that fits exactly (168000 wei at width 14 reads "0.000168 gwei"); when
 * none does, fmt_units_fit in the first unit, its cut marked with `more`.
 */
char *fmt_wei_fit(char *buf, size_t cap, struct u256 wei, unsigned decimals, size_t width, const char *more);
/*
 * a/b as a percentage with two decimals, rounded half up and then marked with a
 * leading "~" ("~0.07%"); exact ones have no mark ("0.77%"); "-" when b is 0.
 * At most 8 columns.
 */
char *fmt_percent_fit(char *buf, size_t cap, uint64_t a, uint64_t b);

#endif
