/*
 * keccak — Keccak-f[1600] and the Keccak-256 sponge (Ethereum's padding),
 * one-shot and incremental. Contract in keccak.h.
 */
#include "common/keccak.h"

#include <string.h>

static const uint64_t keccak_rc[24] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
	0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
	0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
	0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
	0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
	0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
	0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

static uint64_t rol64(uint64_t x, unsigned n)
{
	return (x << n) | (x >> ((64 - n) & 63));
}

/* Keccak-f[1600]: lanes indexed x + 5*y. */
static void keccak_f1600(uint64_t a[25])
{
	uint64_t c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
	uint64_t b[25];

	for (int round = 0; round < 24; round++) {
		/* theta */
		c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
		c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
		c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
		c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
		c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
		d0 = c4 ^ rol64(c1, 1);
		d1 = c0 ^ rol64(c2, 1);
		d2 = c1 ^ rol64(c3, 1);
		d3 = c2 ^ rol64(c4, 1);
		d4 = c3 ^ rol64(c0, 1);

		/* rho and pi: b[y + 5*((2x + 3y) % 5)] = rol(a[x + 5y] ^ d[x], r[x][y]) */
		b[0] = a[0] ^ d0;
		b[10] = rol64(a[1] ^ d1, 1);
		b[20] = rol64(a[2] ^ d2, 62);
		b[5] = rol64(a[3] ^ d3, 28);
		b[15] = rol64(a[4] ^ d4, 27);
		b[16] = rol64(a[5] ^ d0, 36);
		b[1] = rol64(a[6] ^ d1, 44);
		b[11] = rol64(a[7] ^ d2, 6);
		b[21] = rol64(a[8] ^ d3, 55);
		b[6] = rol64(a[9] ^ d4, 20);
		b[7] = rol64(a[10] ^ d0, 3);
		b[17] = rol64(a[11] ^ d1, 10);
		b[2] = rol64(a[12] ^ d2, 43);
		b[12] = rol64(a[13] ^ d3, 25);
		b[22] = rol64(a[14] ^ d4, 39);
		b[23] = rol64(a[15] ^ d0, 41);
		b[8] = rol64(a[16] ^ d1, 45);
		b[18] = rol64(a[17] ^ d2, 15);
		b[3] = rol64(a[18] ^ d3, 21);
		b[13] = rol64(a[19] ^ d4, 8);
		b[14] = rol64(a[20] ^ d0, 18);
		b[24] = rol64(a[21] ^ d1, 2);
		b[9] = rol64(a[22] ^ d2, 61);
		b[19] = rol64(a[23] ^ d3, 56);
		b[4] = rol64(a[24] ^ d4, 14);

		/* chi */
		for (int y = 0; y < 25; y += 5) {
			uint64_t t0 = b[y], t1 = b[y + 1], t2 = b[y + 2], t3 = b[y + 3], t4 = b[y + 4];

			a[y] = t0 ^ (~t1 & t2);
			a[y + 1] = t1 ^ (~t2 & t3);
			a[y + 2] = t2 ^ (~t3 & t4);
			a[y + 3] = t3 ^ (~t4 & t0);
			a[y + 4] = t4 ^ (~t0 & t1);
		}

		/* iota */
		a[0] ^= keccak_rc[round];
	}
}

static uint64_t load64_le(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	       (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static void xor_byte(uint64_t st[25], size_t pos, uint8_t v)
{
	st[pos / 8] ^= (uint64_t)v << (8 * (pos % 8));
}

void keccak256_init(struct keccak_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

void keccak256_update(struct keccak_ctx *ctx, const uint8_t *in, size_t len)
{
	/* Finish a partial block byte by byte. */
	while (len > 0 && ctx->pos != 0) {
		xor_byte(ctx->st, ctx->pos++, *in++);
		len--;
		if (ctx->pos == KECCAK256_RATE) {
			keccak_f1600(ctx->st);
			ctx->pos = 0;
		}
	}
	/* Whole blocks a lane at a time. */
	while (len >= KECCAK256_RATE) {
		for (int i = 0; i < KECCAK256_RATE / 8; i++)
			ctx->st[i] ^= load64_le(in + 8 * i);
		keccak_f1600(ctx->st);
		in += KECCAK256_RATE;
		len -= KECCAK256_RATE;
	}
	while (len > 0) {
		xor_byte(ctx->st, ctx->pos++, *in++);
		len--;
	}
}

void keccak256_final(struct keccak_ctx *ctx, uint8_t out[32])
{
	xor_byte(ctx->st, ctx->pos, 0x01);
	xor_byte(ctx->st, KECCAK256_RATE - 1, 0x80);
	keccak_f1600(ctx->st);
	for (int i = 0; i < KECCAK256_SIZE; i++)
		out[i] = (uint8_t)(ctx->st[i / 8] >> (8 * (i % 8)));
	/* explicit_bzero, which the compiler may not drop: inputs may be secret. */
	explicit_bzero(ctx->st, sizeof(ctx->st));
	ctx->pos = 0;
}

void keccak256(uint8_t out[32], const uint8_t *in, size_t len)
{
	struct keccak_ctx ctx;

	keccak256_init(&ctx);
	if (len)
		keccak256_update(&ctx, in, len);
	keccak256_final(&ctx, out);
}
