/*
 * fees — fee levels from eth_feeHistory, totals, "max" amounts, replacement
 * bumps and EIP-681 links, all in exact u256 wei. Contract in fees.h.
 */
#include "wallet/fees.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/address.h"

const unsigned fees_percentiles[FEE_LEVELS] = { 10, 50, 90 };

static int cmp_u256(const void *a, const void *b)
{
	return u256_cmp(*(const struct u256 *)a, *(const struct u256 *)b);
}

/* Multiplies by num/den rounding up; false on overflow. */
static bool scale_up(struct u256 v, unsigned num, unsigned den, struct u256 *out)
{
	struct u256 p, q, r;

	if (u256_mul(&p, v, u256_from_u64(num)) != CD_OK ||
	    u256_divmod(&q, &r, p, u256_from_u64(den)) != CD_OK)
		return false;
	if (!u256_is_zero(r) && u256_add(&q, q, u256_from_u64(1)) != CD_OK)
		return false;
	*out = q;
	return true;
}

int fees_suggest_1559(const struct eth_fee_history *h, struct fee_suggestion *out)
{
	struct u256 *col;

	memset(out, 0, sizeof(*out));
	if (!h->base_fee_count || h->percentile_count != FEE_LEVELS || !h->block_count)
		return -1;
	out->eip1559 = true;
	/* baseFeePerGas has one entry more than the blocks: the last is the next block's. */
	out->base_fee = h->base_fee[h->base_fee_count - 1];
	col = calloc(h->block_count, sizeof(*col));
	if (!col)
		return -1;
	for (int lvl = 0; lvl < FEE_LEVELS; lvl++) {
		struct u256 tip = u256_from_u64(0), two_base, least_paid = u256_from_u64(0);
		bool paid = false;
		size_t m = 0;

		for (size_t b = 0; b < h->block_count; b++) {
			struct u256 r = h->reward[b * h->percentile_count + (size_t)lvl];

			if (!u256_is_zero(r) && (!paid || u256_cmp(r, least_paid) < 0)) {
				least_paid = r;
				paid = true;
			}
			/* An empty block reports zero rewards that nobody paid: it does not vote. */
			if (h->gas_used_ratio_ppm && h->gas_used_ratio_ppm[b] == 0)
				continue;
			col[m++] = r;
		}
		if (m) {
			qsort(col, m, sizeof(*col), cmp_u256);
			tip = col[m / 2];
		}
		/* Never below what recent blocks actually paid at this percentile, and never 0: a zero tip stalls. */
		if (u256_is_zero(tip) && paid)
			tip = least_paid;
		if (u256_is_zero(tip))
			tip = u256_from_u64(1);
		if (u256_add(&two_base, out->base_fee, out->base_fee) != CD_OK ||
		    u256_add(&out->max_fee[lvl], two_base, tip) != CD_OK) {
			free(col);
			return -1;
		}
		out->priority_fee[lvl] = tip;
	}
	free(col);
	/* Levels never invert, whatever the percentiles did. */
	for (int lvl = 1; lvl < FEE_LEVELS; lvl++) {
		if (u256_cmp(out->priority_fee[lvl], out->priority_fee[lvl - 1]) < 0) {
			out->priority_fee[lvl] = out->priority_fee[lvl - 1];
			out->max_fee[lvl] = out->max_fee[lvl - 1];
		}
	}
	return 0;
}

void fees_suggest_legacy(struct u256 gas_price, struct fee_suggestion *out)
{
	memset(out, 0, sizeof(*out));
	out->gas_price[FEE_SLOW] = gas_price;
	if (!scale_up(gas_price, 110, 100, &out->gas_price[FEE_NORMAL]))
		out->gas_price[FEE_NORMAL] = gas_price;
	if (!scale_up(gas_price, 125, 100, &out->gas_price[FEE_FAST]))
		out->gas_price[FEE_FAST] = gas_price;
}

int fees_total(uint64_t gas, struct u256 fee_per_gas, struct u256 value, struct u256 *out)
{
	struct u256 fee;
	int rc = u256_mul(&fee, u256_from_u64(gas), fee_per_gas);

	if (rc != CD_OK)
		return rc;
	return u256_add(out, fee, value);
}

int fees_max_amount(struct u256 balance, uint64_t gas, struct u256 fee_per_gas, struct u256 *out)
{
	struct u256 fee;
	int rc = u256_mul(&fee, u256_from_u64(gas), fee_per_gas);

	if (rc != CD_OK)
		return rc;
	return u256_sub(out, balance, fee);
}

int fees_bump(struct u256 old, struct u256 want, struct u256 *out)
{
	struct u256 bumped;

	if (!scale_up(old, 110, 100, &bumped) || u256_add(&bumped, bumped, u256_from_u64(1)) != CD_OK)
		return CD_ERANGE;
	*out = u256_cmp(want, bumped) > 0 ? want : bumped;
	return CD_OK;
}

int fees_eip681(char *out, size_t cap, const uint8_t address[20], uint64_t chain_id, struct u256 value)
{
	struct address a;
	char text[ADDRESS_TEXT_SIZE], wei[80] = "";
	int n;

	memcpy(a.b, address, 20);
	address_format(&a, text);
	if (!u256_is_zero(value)) {
		memcpy(wei, "?value=", 7);
		u256_format_dec(value, wei + 7, sizeof(wei) - 7);
	}
	n = snprintf(out, cap, "ethereum:%s@%llu%s", text, (unsigned long long)chain_id, wei);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}
