/* SPDX-License-Identifier: MIT */
/*
 * rlp — Recursive Length Prefix, the byte encoding of Ethereum transactions.
 *
 * Encoding appends to a growable buffer (struct rlp_buf); lists are opened and
 * closed around their items and get their header when closed. Decoding is
 * strict: only the one canonical encoding of a value is accepted, so bytes
 * that decode also re-encode to themselves (which transaction hashes rely on).
 * Decoded items borrow from the input buffer and live as long as it.
 */
#ifndef CHAINDECK_RLP_H
#define CHAINDECK_RLP_H

#include "common/error.h"

#include <stddef.h>
#include <stdint.h>

#include "common/u256.h"

enum {
	/* and the shared CD_EINVAL: bad argument, or list_end without list_begin */
	RLP_ETRUNC = -201,    /* a length runs past the end of the input (or of its list) */
	RLP_ENONCANON = -202, /* a valid value encoded non-canonically */
	RLP_ETRAILING = -203, /* bytes after the top-level item */
	RLP_EDEPTH = -204,    /* lists nested deeper than RLP_MAX_DEPTH */
	RLP_ETYPE = -205,     /* a list where a string was expected, or the reverse */
	RLP_EOVERFLOW = -206, /* an integer wider than the asked type */
	RLP_EOPEN = -207      /* finishing a buffer with lists still open */
};

enum {
	RLP_MAX_DEPTH = 64
};

/* ---- encoding ---- */

/*
 * The encoder's buffer. Zero-initialise or call rlp_buf_init; data is malloc'd
 * and owned by the buffer until rlp_buf_free (or taken by the caller after
 * rlp_buf_finish). Allocation failure aborts.
 */
struct rlp_buf {
	uint8_t *data;
	size_t len, cap;
	size_t open[RLP_MAX_DEPTH]; /* payload start of each open list */
	unsigned depth;
};

void rlp_buf_init(struct rlp_buf *b);
/* Frees data and resets b to empty. */
void rlp_buf_free(struct rlp_buf *b);
/* RLP_EOPEN while lists are open; else CD_OK, and b->data[0..b->len) is the encoding. */
int rlp_buf_finish(const struct rlp_buf *b);

/* A byte string (n may be 0; p may be NULL then). */
int rlp_put_bytes(struct rlp_buf *b, const uint8_t *p, size_t n);
/* An integer as minimal big-endian bytes: 0 is the empty string (0x80). */
int rlp_put_u64(struct rlp_buf *b, uint64_t v);
int rlp_put_u256(struct rlp_buf *b, struct u256 v);
/* Appends an already-encoded item verbatim (the caller vouches for it). */
int rlp_put_raw(struct rlp_buf *b, const uint8_t *p, size_t n);
/* Opens a list: every put until the matching list_end becomes its payload. RLP_EDEPTH when too deep. */
int rlp_list_begin(struct rlp_buf *b);
/* Closes the innermost list and writes its header. CD_EINVAL when no list is open. */
int rlp_list_end(struct rlp_buf *b);

/* ---- decoding ---- */

/* One item: for a string, its bytes; for a list, its payload (the encoded items). */
struct rlp_item {
	int is_list;
	const uint8_t *data;
	size_t len;
};

/*
 * Decodes a whole buffer that must hold exactly one item, and validates the
 * entire tree (every nested item canonical, lengths consistent, depth at most
 * RLP_MAX_DEPTH). Returns CD_OK or the first error; *out is set only on success.
 */
int rlp_decode(struct rlp_item *out, const uint8_t *in, size_t len);

/*
 * Decodes the one item at the start of in[0..len): checks its header and that
 * its payload fits, but does not walk a list's payload. *used (may be NULL)
 * gets the item's full encoded size, header included.
 */
int rlp_decode_item(struct rlp_item *out, size_t *used, const uint8_t *in, size_t len);

/* A cursor over the items of a list. */
struct rlp_iter {
	const uint8_t *p;
	size_t left;
};

/* Starts iterating list; RLP_ETYPE when it is a string. */
int rlp_iter_init(struct rlp_iter *it, struct rlp_item list);
/* 1 and *out set when an item was read, 0 at the end of the list, or a negative error. */
int rlp_list_next(struct rlp_iter *it, struct rlp_item *out);
/* Number of items directly inside list, or a negative error. */
int rlp_list_count(struct rlp_item list, size_t *n);

/*
 * Scalars from a string item, as transactions encode them: big-endian, no
 * leading zero bytes (so 0 is the empty string; a lone 0x00 is RLP_ENONCANON).
 * RLP_ETYPE for a list, RLP_EOVERFLOW when wider than the type.
 */
int rlp_item_u64(struct rlp_item it, uint64_t *out);
int rlp_item_u256(struct rlp_item it, struct u256 *out);

#endif
