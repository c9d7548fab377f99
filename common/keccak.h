/* SPDX-License-Identifier: MIT */
/*
 * keccak — Keccak-256 as Ethereum uses it: the original Keccak padding
 * (0x01 ... 0x80), not the FIPS 202 SHA3-256 padding (0x06). Pure, no
 * allocation; a context may be copied to hash a common prefix twice.
 */
#ifndef CHAINDECK_KECCAK_H
#define CHAINDECK_KECCAK_H

#include <stddef.h>
#include <stdint.h>

enum {
	KECCAK256_RATE = 136, /* bytes absorbed per permutation */
	KECCAK256_SIZE = 32   /* digest bytes */
};

/* Incremental state; treat the members as private. */
struct keccak_ctx {
	uint64_t st[25];
	size_t pos; /* bytes absorbed into the current block, 0..RATE-1 */
};

/* One-shot digest of in[0..len). in may be NULL when len is 0. */
void keccak256(uint8_t out[32], const uint8_t *in, size_t len);

void keccak256_init(struct keccak_ctx *ctx);
/* Absorbs len more bytes; any split of the input gives the same digest. */
void keccak256_update(struct keccak_ctx *ctx, const uint8_t *in, size_t len);
/* Writes the digest and wipes the state; call keccak256_init before reusing ctx. */
void keccak256_final(struct keccak_ctx *ctx, uint8_t out[32]);

#endif
