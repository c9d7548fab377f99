/*
 * rlp — the RLP encoder (a growing buffer of nested lists) and the strict
 * decoder that accepts only canonical encodings. Contract in rlp.h.
 */
#include "common/rlp.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

/* ---- encoding ---- */

void rlp_buf_init(struct rlp_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void rlp_buf_free(struct rlp_buf *b)
{
	free(b->data);
	rlp_buf_init(b);
}

int rlp_buf_finish(const struct rlp_buf *b)
{
	return b->depth ? RLP_EOPEN : CD_OK;
}

/* Makes room for extra more bytes; aborts when memory runs out. */
static void buf_reserve(struct rlp_buf *b, size_t extra)
{
	size_t cap = b->cap ? b->cap : 64;

	if (extra > SIZE_MAX - b->len)
		xalloc_die(SIZE_MAX);
	if (b->len + extra <= b->cap)
		return;
	while (cap < b->len + extra) {
		if (cap > SIZE_MAX / 2)
			cap = b->len + extra;
		else
			cap *= 2;
	}
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

/* Bytes needed for v in minimal big-endian (0 for 0). */
static size_t be_len(uint64_t v)
{
	size_t n = 0;

	while (v) {
		n++;
		v >>= 8;
	}
	return n;
}

static size_t header_len(size_t n)
{
	return n < 56 ? 1 : 1 + be_len(n);
}

/* Writes the header of a payload of n bytes at dst; offset is 0x80 (string) or 0xc0 (list). */
static void header_write(uint8_t *dst, uint8_t offset, size_t n)
{
	size_t ll;

	if (n < 56) {
		dst[0] = (uint8_t)(offset + n);
		return;
	}
	ll = be_len(n);
	dst[0] = (uint8_t)(offset + 55 + ll);
	for (size_t i = 0; i < ll; i++)
		dst[ll - i] = (uint8_t)(n >> (8 * i));
}

int rlp_put_bytes(struct rlp_buf *b, const uint8_t *p, size_t n)
{
	size_t h;

	if (!p && n)
		return CD_EINVAL;
	if (n == 1 && p[0] < 0x80)
		return rlp_put_raw(b, p, 1);
	h = header_len(n);
	buf_reserve(b, h + n);
	header_write(b->data + b->len, 0x80, n);
	if (n)
		memcpy(b->data + b->len + h, p, n);
	b->len += h + n;
	return CD_OK;
}

int rlp_put_u64(struct rlp_buf *b, uint64_t v)
{
	uint8_t be[8];
	size_t n = be_len(v);

	for (size_t i = 0; i < n; i++)
		be[n - 1 - i] = (uint8_t)(v >> (8 * i));
	return rlp_put_bytes(b, be, n);
}

int rlp_put_u256(struct rlp_buf *b, struct u256 v)
{
	uint8_t be[32];
	size_t skip = 0;

	u256_to_be(v, be);
	while (skip < 32 && be[skip] == 0)
		skip++;
	return rlp_put_bytes(b, be + skip, 32 - skip);
}

int rlp_put_raw(struct rlp_buf *b, const uint8_t *p, size_t n)
{
	if (!p && n)
		return CD_EINVAL;
	if (n == 0)
		return CD_OK;
	buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return CD_OK;
}

int rlp_list_begin(struct rlp_buf *b)
{
	if (b->depth >= RLP_MAX_DEPTH)
		return RLP_EDEPTH;
	b->open[b->depth++] = b->len;
	return CD_OK;
}

int rlp_list_end(struct rlp_buf *b)
{
	size_t start, n, h;

	if (b->depth == 0)
		return CD_EINVAL;
	start = b->open[--b->depth];
	n = b->len - start;
	h = header_len(n);
	buf_reserve(b, h);
	/* The header goes in front of the payload written so far. */
	if (n)
		memmove(b->data + start + h, b->data + start, n);
	header_write(b->data + start, 0xc0, n);
	b->len += h;
	return CD_OK;
}

/* ---- decoding ---- */

int rlp_decode_item(struct rlp_item *out, size_t *used, const uint8_t *in, size_t len)
{
	uint8_t b;
	size_t hdr, n;

	if (!in || len == 0)
		return RLP_ETRUNC;
	b = in[0];
	if (b < 0x80) {
		out->is_list = 0;
		out->data = in;
		out->len = 1;
		if (used)
			*used = 1;
		return CD_OK;
	}
	if (b <= 0xb7 || (b >= 0xc0 && b <= 0xf7)) {
		hdr = 1;
		n = (size_t)(b - (b <= 0xb7 ? 0x80 : 0xc0));
		if (n > len - hdr)
			return RLP_ETRUNC;
		/* A lone byte below 0x80 is its own encoding. */
		if (b == 0x81 && in[1] < 0x80)
			return RLP_ENONCANON;
	} else {
		size_t ll = (size_t)(b - (b <= 0xbf ? 0xb7 : 0xf7));
		uint64_t v = 0;

		hdr = 1 + ll;
		if (ll > len - 1)
			return RLP_ETRUNC;
		if (in[1] == 0)
			return RLP_ENONCANON; /* leading zero in the length */
		for (size_t i = 0; i < ll; i++)
			v = v << 8 | in[1 + i];
		if (v < 56)
			return RLP_ENONCANON; /* fits the short form */
		if (v > (uint64_t)(len - hdr))
			return RLP_ETRUNC;
		n = (size_t)v;
	}
	out->is_list = b >= 0xc0;
	out->data = in + hdr;
	out->len = n;
	if (used)
		*used = hdr + n;
	return CD_OK;
}

/* Walks every item inside list, depth counting the lists already entered. */
static int rlp_validate(struct rlp_item list, unsigned depth)
{
	struct rlp_iter it = {list.data, list.len};
	struct rlp_item sub;
	int rc;

	if (depth > RLP_MAX_DEPTH)
		return RLP_EDEPTH;
	for (;;) {
		rc = rlp_list_next(&it, &sub);
		if (rc != 1)
			return rc;
		if (sub.is_list) {
			rc = rlp_validate(sub, depth + 1);
			if (rc)
				return rc;
		}
	}
}

int rlp_decode(struct rlp_item *out, const uint8_t *in, size_t len)
{
	struct rlp_item top;
	size_t used;
	int rc = rlp_decode_item(&top, &used, in, len);

	if (rc)
		return rc;
	if (used != len)
		return RLP_ETRAILING;
	if (top.is_list) {
		rc = rlp_validate(top, 1);
		if (rc)
			return rc;
	}
	*out = top;
	return CD_OK;
}

int rlp_iter_init(struct rlp_iter *it, struct rlp_item list)
{
	if (!list.is_list)
		return RLP_ETYPE;
	it->p = list.data;
	it->left = list.len;
	return CD_OK;
}

int rlp_list_next(struct rlp_iter *it, struct rlp_item *out)
{
	size_t used;
	int rc;

	if (it->left == 0)
		return 0;
	rc = rlp_decode_item(out, &used, it->p, it->left);
	if (rc)
		return rc;
	it->p += used;
	it->left -= used;
	return 1;
}

int rlp_list_count(struct rlp_item list, size_t *n)
{
	struct rlp_iter it;
	struct rlp_item sub;
	size_t count = 0;
	int rc = rlp_iter_init(&it, list);

	if (rc)
		return rc;
	for (;;) {
		rc = rlp_list_next(&it, &sub);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		count++;
	}
	*n = count;
	return CD_OK;
}

/* Shared checks for integer items: a string without leading zero bytes. */
static int rlp_int_check(struct rlp_item it, size_t width)
{
	if (it.is_list)
		return RLP_ETYPE;
	if (it.len > 0 && it.data[0] == 0)
		return RLP_ENONCANON;
	if (it.len > width)
		return RLP_EOVERFLOW;
	return CD_OK;
}

int rlp_item_u64(struct rlp_item it, uint64_t *out)
{
	uint64_t v = 0;
	int rc = rlp_int_check(it, 8);

	if (rc)
		return rc;
	for (size_t i = 0; i < it.len; i++)
		v = v << 8 | it.data[i];
	*out = v;
	return CD_OK;
}

int rlp_item_u256(struct rlp_item it, struct u256 *out)
{
	int rc = rlp_int_check(it, 32);

	if (rc)
		return rc;
	return u256_from_be(out, it.data, it.len) ? RLP_EOVERFLOW : CD_OK;
}
