/* SPDX-License-Identifier: MIT */
/*
 * u256 — exact unsigned 256-bit integers, for every amount, quantity and fee.
 *
 * Values are plain structs passed by value. Every operation that could
 * overflow, underflow or divide by zero returns an error instead of wrapping;
 * the output is left unchanged on error. No floating point anywhere.
 */
#ifndef CHAINDECK_U256_H
#define CHAINDECK_U256_H

#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* w[0] is the least significant 64-bit limb. */
struct u256 {
	uint64_t w[4];
};

enum {
	/* and the shared CD_EINVAL (malformed text), CD_ERANGE (does not fit in
	 * 256 bits, or in the asked width), CD_ESPACE (output buffer too small) */
	U256_EDIVZERO = -101,
	U256_EPRECISION = -102 /* more fractional digits than the unit has decimals */
};

struct u256 u256_from_u64(uint64_t v);
bool u256_is_zero(struct u256 a);
/* -1, 0 or 1. */
int u256_cmp(struct u256 a, struct u256 b);
/* Fails with CD_ERANGE when a does not fit in 64 bits. */
int u256_to_u64(struct u256 a, uint64_t *out);

int u256_add(struct u256 *out, struct u256 a, struct u256 b);
int u256_sub(struct u256 *out, struct u256 a, struct u256 b); /* CD_ERANGE when b > a */
int u256_mul(struct u256 *out, struct u256 a, struct u256 b);
/* q and r may be NULL. */
int u256_divmod(struct u256 *q, struct u256 *r, struct u256 a, struct u256 b);

/* Big-endian bytes. from_be accepts up to 32 bytes (shorter input is left-padded). */
void u256_to_be(struct u256 a, uint8_t out[32]);
int u256_from_be(struct u256 *out, const uint8_t *in, size_t len);

/*
 * Text. Parsers take a length (the text need not be NUL-terminated) and reject
 * empty input, signs, spaces and stray characters.
 * parse_hex: a JSON-RPC QUANTITY, "0x" prefix required, 1..64 hex digits
 * (leading zeros accepted, as some nodes send them).
 * parse_dec: decimal digits only.
 */
int u256_parse_hex(struct u256 *out, const char *s, size_t len);
int u256_parse_dec(struct u256 *out, const char *s, size_t len);
/* Writes a NUL-terminated string: "0x0", "0x1a" (minimal); returns its length or CD_ESPACE.
 * 67 bytes always suffice for hex, 79 for decimal. */
int u256_format_hex(struct u256 a, char *buf, size_t cap);
int u256_format_dec(struct u256 a, char *buf, size_t cap);

/*
 * Units: "1.5" with decimals 18 is 1500000000000000000. Accepts "1", "1.", ".5", "0.1";
 * more fractional digits than decimals is U256_EPRECISION (never rounded).
 * format_units writes the exact value with trailing fractional zeros trimmed ("1.5", "0", "0.000001").
 * u256_unit_decimals maps "wei" (0), "gwei" (9), "ether"/"eth" (18); -1 for anything else.
 */
int u256_parse_units(struct u256 *out, const char *s, size_t len, unsigned decimals);
int u256_format_units(struct u256 a, unsigned decimals, char *buf, size_t cap);
int u256_unit_decimals(const char *unit);

#endif
