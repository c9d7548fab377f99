/* SPDX-License-Identifier: MIT */
/*
 * promtext — a small, strict parser of the Prometheus text exposition format
 * (version 0.0.4), for the metrics a node serves about itself (geth's
 * /debug/metrics/prometheus, EthereumJS --prometheus, ...). Outside input:
 * anything malformed is refused with the line number, never guessed at.
 *
 * Accepted: "# HELP name text", "# TYPE name counter|gauge|histogram|summary|
 * untyped", other "#" comments, empty lines, and samples
 * "name{label="value",...} value [timestamp]" where names follow the format's
 * grammar, label values use only the escapes \\ \" \n, the value is a decimal
 * or exponent number, NaN, +Inf or -Inf, and the optional timestamp is an
 * integer. Spaces or tabs separate tokens. Limits: PROMTEXT_MAX_LINE bytes per
 * line, PROMTEXT_MAX_LABELS labels per sample, label values of at most
 * PROMTEXT_MAX_VALUE bytes. No floating point: values are read exactly as
 * millionths in 64 bits.
 */
#ifndef CHAINDECK_PROMTEXT_H
#define CHAINDECK_PROMTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROMTEXT_MAX_LINE 65536
#define PROMTEXT_MAX_LABELS 32
#define PROMTEXT_MAX_VALUE 1024

struct promtext_label {
	const char *name;   /* into the input, name_len bytes (not NUL-terminated) */
	size_t name_len;
	char *value;        /* unescaped, NUL-terminated; valid during the callback */
};

struct promtext_sample {
	const char *name;   /* into the input, name_len bytes */
	size_t name_len;
	struct promtext_label labels[PROMTEXT_MAX_LABELS];
	size_t nlabels;
	/* The value in millionths (1.5 → 1500000), when finite and within ±9.2e12. */
	bool finite;        /* false for NaN and ±Inf */
	bool in_range;      /* false when finite but beyond what 64 bits of millionths hold */
	int64_t micro;
};

/*
 * Parses text[0..len), calling cb for each sample in order; cb returns 0 to
 * go on, anything else to stop (returned as is). Returns 0, a callback's
 * value, or CD_EINVAL with "line N: what is wrong" in err.
 */
int promtext_parse(const char *text, size_t len, int (*cb)(void *ud, const struct promtext_sample *s), void *ud,
                   char *err, size_t errlen);

/* Whether s is called name (a NUL-terminated string). */
bool promtext_is(const struct promtext_sample *s, const char *name);
/* The value of label name in s, or NULL. */
const char *promtext_label(const struct promtext_sample *s, const char *name);

#endif
