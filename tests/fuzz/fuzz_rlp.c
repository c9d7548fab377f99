/*
 * fuzz_rlp — RLP decoding of hostile bytes.
 *
 * Properties: rlp_decode never reads outside the input; an accepted input is
 * a tree that the iterators walk without error, whose list counts agree with
 * the walk, and that re-encodes to exactly the input bytes (decoding accepts
 * only canonical encodings). Scalars read from accepted strings re-encode to
 * the same string. rlp_decode_item on any prefix stays in bounds.
 */
#include "tests/fuzz/fuzz_util.h"

#include "common/rlp.h"
#include "common/u256.h"

/* Re-encodes item into b, checking the iterators on the way; depth is bounded by the decoder. */
static void reencode(struct rlp_buf *b, struct rlp_item item, unsigned depth)
{
	struct rlp_iter it;
	struct rlp_item child;
	size_t count = 0, walked = 0;
	int rc;

	fuzz_check(depth <= RLP_MAX_DEPTH, "accepted tree deeper than RLP_MAX_DEPTH");
	if (!item.is_list) {
		uint64_t v64;
		struct u256 v256;

		fuzz_check(rlp_put_bytes(b, item.data, item.len) == CD_OK, "rlp_put_bytes failed");
		fuzz_check(rlp_iter_init(&it, item) == RLP_ETYPE, "iterating a string");
		if (rlp_item_u64(item, &v64) == CD_OK) {
			struct rlp_buf one = {0};

			fuzz_check(rlp_put_u64(&one, v64) == CD_OK && rlp_buf_finish(&one) == CD_OK,
				   "rlp_put_u64 failed");
			/* The scalar's encoding is the item's: same payload bytes. */
			struct rlp_item back;

			fuzz_check(rlp_decode(&back, one.data, one.len) == CD_OK && back.len == item.len &&
				   (item.len == 0 || memcmp(back.data, item.data, item.len) == 0),
				   "u64 scalar does not round-trip");
			rlp_buf_free(&one);
		}
		if (rlp_item_u256(item, &v256) == CD_OK) {
			struct rlp_buf one = {0};
			struct rlp_item back;

			fuzz_check(rlp_put_u256(&one, v256) == CD_OK && rlp_buf_finish(&one) == CD_OK,
				   "rlp_put_u256 failed");
			fuzz_check(rlp_decode(&back, one.data, one.len) == CD_OK && back.len == item.len &&
				   (item.len == 0 || memcmp(back.data, item.data, item.len) == 0),
				   "u256 scalar does not round-trip");
			rlp_buf_free(&one);
		}
		return;
	}
	fuzz_check(rlp_item_u64(item, &(uint64_t){0}) == RLP_ETYPE, "a list read as a scalar");
	fuzz_check(rlp_list_count(item, &count) == CD_OK, "rlp_list_count failed on an accepted list");
	fuzz_check(rlp_iter_init(&it, item) == CD_OK, "rlp_iter_init failed on a list");
	fuzz_check(rlp_list_begin(b) == CD_OK, "rlp_list_begin failed");
	for (;;) {
		rc = rlp_list_next(&it, &child);
		if (rc != 1)
			break;
		fuzz_check(child.data >= item.data && child.data + child.len <= item.data + item.len,
			   "child outside its list");
		reencode(b, child, depth + 1);
		walked++;
	}
	fuzz_check(rc == 0, "rlp_list_next failed on an accepted list");
	fuzz_check(walked == count, "rlp_list_count disagrees with the walk");
	fuzz_check(rlp_list_end(b) == CD_OK, "rlp_list_end failed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rlp_item top, first;
	size_t used = 0;
	int rc;

	rc = rlp_decode(&top, data, size);
	fuzz_check(cd_strerror(rc) != NULL, "cd_strerror returned NULL");
	if (rc == CD_OK) {
		struct rlp_buf b;

		fuzz_check(top.data >= data && top.data + top.len <= data + size, "item outside input");
		rlp_buf_init(&b);
		reencode(&b, top, 0);
		fuzz_check(rlp_buf_finish(&b) == CD_OK, "rlp_buf_finish with lists open");
		fuzz_check(b.len == size && memcmp(b.data, data, size) == 0,
			   "accepted RLP does not re-encode to itself");
		rlp_buf_free(&b);
	}

	rc = rlp_decode_item(&first, &used, data, size);
	if (rc == CD_OK) {
		fuzz_check(used > 0 && used <= size, "rlp_decode_item used out of range");
		fuzz_check(first.data >= data && first.data + first.len <= data + used,
			   "first item outside its encoding");
		/* The items after the first must also stay in bounds when walked one by one. */
		if (first.is_list) {
			struct rlp_iter it;
			struct rlp_item child;

			if (rlp_iter_init(&it, first) == CD_OK) {
				while (rlp_list_next(&it, &child) == 1)
					fuzz_check(child.data + child.len <= first.data + first.len,
						   "child past its list");
			}
		}
	}
	return 0;
}
