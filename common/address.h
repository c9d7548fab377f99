/* SPDX-License-Identifier: MIT */
/*
 * address — 20-byte Ethereum account addresses and their EIP-55 text form.
 */
#ifndef CHAINDECK_ADDRESS_H
#define CHAINDECK_ADDRESS_H

#include "common/error.h"

#include <stddef.h>
#include <stdint.h>

enum {
	ADDRESS_EFORMAT = -401,     /* not "0x" + 40 hex digits */
	ADDRESS_EBADCHECKSUM = -402 /* mixed case that is not the EIP-55 checksum */
};

enum {
	ADDRESS_SIZE = 20,
	ADDRESS_TEXT_SIZE = 43 /* "0x" + 40 digits + NUL */
};

struct address {
	uint8_t b[20];
};

/*
 * Parses "0x" + 40 hex digits (s need not be NUL-terminated). All-lowercase or
 * all-uppercase digits carry no checksum and are accepted; mixed case must be
 * the exact EIP-55 checksum, else ADDRESS_EBADCHECKSUM. *out is set only on success.
 */
int address_parse(struct address *out, const char *s, size_t len);

/* Writes the EIP-55 checksummed text ("0x5aAe..."), NUL-terminated, into out. */
void address_format(const struct address *a, char out[ADDRESS_TEXT_SIZE]);

/* The address of an uncompressed secp256k1 public key given as X || Y
 * (64 bytes, without the 0x04 prefix): the last 20 bytes of its Keccak-256. */
void address_from_pubkey(struct address *out, const uint8_t pub[64]);

#endif
