/* SPDX-License-Identifier: MIT */
/*
 * selectors — the table of well-known signatures, generated at build time.
 *
 * common/selectors.txt lists canonical signatures (functions, and lines
 * starting "error " or "event "); tools/gen_selectors computes each selector
 * with our Keccak-256 and emits a table sorted by selector. Different
 * signatures can share a selector (collisions exist in the wild): lookups
 * return every match, in the order of the source file.
 *
 * Returned strings are canonical signatures without the "error "/"event "
 * keyword, static for the life of the program.
 */
#ifndef CHAINDECK_SELECTORS_H
#define CHAINDECK_SELECTORS_H

#include <stddef.h>
#include <stdint.h>

enum selector_kind {
	SELECTOR_FUNCTION = 1,
	SELECTOR_ERROR = 2,
	SELECTOR_EVENT = 3
};

/* One row of the generated table. */
struct selector_entry {
	uint8_t hash[32];   /* Keccak-256 of sig; the selector is the first 4 bytes */
	uint8_t kind;       /* enum selector_kind */
	const char *sig;
};

/*
 * Function signatures whose selector is `selector` (big-endian: 0xa9059cbb is
 * transfer(address,uint256)). Fills sigs[0..min(count, max)) and returns the
 * number of matches (0 when unknown); sigs may be NULL when max is 0.
 */
size_t selectors_lookup(uint32_t selector, const char **sigs, size_t max);
/* The same for custom errors (revert data). */
size_t selectors_lookup_error(uint32_t selector, const char **sigs, size_t max);
/* Event signatures whose topic 0 (the full 32-byte hash) is topic. */
size_t selectors_lookup_event(const uint8_t topic[32], const char **sigs, size_t max);

/* Rows in the table (every kind), and row i of it in selector order; NULL past the end. */
size_t selectors_count(void);
const struct selector_entry *selectors_entry(size_t i);

#endif
