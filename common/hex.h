/* SPDX-License-Identifier: MIT */
/*
 * hex — hexadecimal data and JSON-RPC quantities.
 */
#ifndef CHAINDECK_HEX_H
#define CHAINDECK_HEX_H

#include "common/error.h"

#include <stddef.h>
#include <stdint.h>

/* Errors are the shared codes of common/error.h: CD_EINVAL (not hex, odd
 * length, missing prefix), CD_ESPACE (output too small), CD_ERANGE (a
 * quantity that does not fit). */

/*
 * Decodes DATA text ("0x" prefix optional, even number of digits, either case)
 * into out[cap]; *outlen gets the byte count. Returns CD_OK or an error.
 */
int hex_decode(uint8_t *out, size_t cap, size_t *outlen, const char *s, size_t len);
/* Like hex_decode but requires exactly `want` bytes (a hash, an address). */
int hex_decode_exact(uint8_t *out, size_t want, const char *s, size_t len);
/* The value (0..15) of one hex digit of either case, or -1 for any other char.
 * The one place a hex digit is decoded: every parser here uses it. */
int hex_digit_value(char c);
/* Writes lowercase hex, "0x"-prefixed when prefix != 0, NUL-terminated.
 * Needs 2*n+3 bytes; returns the string length or CD_ESPACE. */
int hex_encode(char *out, size_t cap, const uint8_t *in, size_t n, int prefix);
/* A QUANTITY ("0x" and at least one digit required; leading zeros allowed,
 * at most 16 significant digits, else CD_ERANGE) into 64 bits. */
int hex_parse_u64(uint64_t *out, const char *s, size_t len);
/* "0x" + minimal digits (1..16), NUL-terminated: 19 bytes always suffice.
 * Returns the length, or CD_ESPACE when cap is too small for this value. */
int hex_format_u64(char *out, size_t cap, uint64_t v);

#endif
