/*
 * fees — the money arithmetic of sending, exact and pure: fee suggestions
 * from eth_feeHistory, the "max" amount, replacement fee bumps, and the
 * EIP-681 payment link. All amounts in wei (u256); no floating point.
 */
#ifndef CHAINDECK_FEES_H
#define CHAINDECK_FEES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/eth.h"
#include "common/u256.h"

enum fee_level { FEE_SLOW, FEE_NORMAL, FEE_FAST, FEE_LEVELS };

/* The reward percentiles asked of eth_feeHistory, one per level. */
extern const unsigned fees_percentiles[FEE_LEVELS];

struct fee_suggestion {
	bool eip1559;                   /* false: a legacy gas price */
	struct u256 max_fee[FEE_LEVELS];      /* EIP-1559: max fee per gas */
	struct u256 priority_fee[FEE_LEVELS]; /* EIP-1559: tip */
	struct u256 gas_price[FEE_LEVELS];    /* legacy */
	struct u256 base_fee;           /* the next block's base fee (EIP-1559) */
};

/*
 * From a fee history asked with fees_percentiles: the tip of each level is
 * the median of that percentile's rewards over the blocks that held
 * transactions (empty blocks, gasUsedRatio 0, report zero rewards nobody
 * paid), never below the least non-zero reward a block paid at that
 * percentile, and at least 1 wei: no level, slow included, is ever a zero
 * tip while blocks pay more. Its max fee is 2 × the next base fee + the tip,
 * which survives five full blocks of base-fee growth (1.125^5 < 2). Without base fees (a
 * chain without EIP-1559) use fees_suggest_legacy. 0, or -1 when the
 * history has no usable data.
 */
int fees_suggest_1559(const struct eth_fee_history *h, struct fee_suggestion *out);
/* Legacy: slow = gas price, normal = +10 %, fast = +25 % (rounded up). */
void fees_suggest_legacy(struct u256 gas_price, struct fee_suggestion *out);

/*
 * The most that can be sent: balance − gas × fee per gas (the max fee, as
 * that is what the node reserves). CD_ERANGE (an underflow) when the
 * fee alone exceeds the balance.
 */
int fees_max_amount(struct u256 balance, uint64_t gas, struct u256 fee_per_gas, struct u256 *out);
/* gas × fee per gas + value: what the confirmation screen calls the total. */
int fees_total(uint64_t gas, struct u256 fee_per_gas, struct u256 value, struct u256 *out);

/*
 * A replacement's fee: at least old × 110 % + 1 wei (nodes require a 10 %
 * bump of both the max fee and the tip), and at least want. Applied to each
 * of max fee and tip (or the gas price).
 */
int fees_bump(struct u256 old, struct u256 want, struct u256 *out);

/*
 * EIP-681: "ethereum:0xADDR@CHAINID" for a plain payment address, with
 * "?value=WEI" when value is not zero. Returns the length, or -1 when cap is too small.
 */
int fees_eip681(char *out, size_t cap, const uint8_t address[20], uint64_t chain_id, struct u256 value);

#endif
