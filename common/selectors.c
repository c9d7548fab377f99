/*
 * selectors — lookups in the generated table (build/gen/selectors_table.c),
 * which is sorted by selector, so every match of a selector is one contiguous run.
 */
#include <string.h>

#include "common/selectors.h"

static uint32_t entry_selector(const struct selector_entry *e)
{
	return (uint32_t)e->hash[0] << 24 | (uint32_t)e->hash[1] << 16 | (uint32_t)e->hash[2] << 8 | e->hash[3];
}

/* Index of the first row whose selector is >= sel. */
static size_t lower_bound(uint32_t sel)
{
	size_t lo = 0, hi = selectors_count();

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (entry_selector(selectors_entry(mid)) < sel)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Matches of kind with the given selector (and, when topic is not NULL, the full hash). */
static size_t lookup(uint32_t sel, const uint8_t *topic, int kind, const char **sigs, size_t max)
{
	size_t found = 0;

	for (size_t i = lower_bound(sel); i < selectors_count(); i++) {
		const struct selector_entry *e = selectors_entry(i);

		if (entry_selector(e) != sel)
			break;
		if (e->kind != kind || (topic && memcmp(e->hash, topic, 32) != 0))
			continue;
		if (found < max)
			sigs[found] = e->sig;
		found++;
	}
	return found;
}

size_t selectors_lookup(uint32_t selector, const char **sigs, size_t max)
{
	return lookup(selector, NULL, SELECTOR_FUNCTION, sigs, max);
}

size_t selectors_lookup_error(uint32_t selector, const char **sigs, size_t max)
{
	return lookup(selector, NULL, SELECTOR_ERROR, sigs, max);
}

size_t selectors_lookup_event(const uint8_t topic[32], const char **sigs, size_t max)
{
	uint32_t sel = (uint32_t)topic[0] << 24 | (uint32_t)topic[1] << 16 | (uint32_t)topic[2] << 8 | topic[3];

	return lookup(sel, topic, SELECTOR_EVENT, sigs, max);
}
