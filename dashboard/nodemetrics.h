/*
 * nodemetrics — a node's own Prometheus endpoint (config key metrics_url),
 * scraped on a slower period than the JSON-RPC poll, asynchronously on the
 * loop's curl multi handle, and read with the strict parser of
 * common/promtext.h.
 *
 * What is taken, where the endpoint has it: process_start_time_seconds
 * (uptime), process_cpu_seconds_total (CPU share between two scrapes),
 * process_resident_memory_bytes, and the client's own peer count and head
 * (geth/Erigon p2p_peers and chain_head_block, Nethermind, Besu and reth
 * equivalents). Everything else is ignored. A failed scrape keeps the last
 * figures and says why.
 */
#ifndef CHAINDECK_NODEMETRICS_H
#define CHAINDECK_NODEMETRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/loop.h"

/* Figures from the node's own endpoint, kept in its struct fleet_node. */
struct fleet_own {
	bool configured;           /* a metrics_url is set */
	bool ok;                   /* the last scrape was read */
	uint64_t scrapes;          /* scrapes read so far */
	char error[160];           /* why the last scrape failed, "" if it did not (never quotes the URL) */
	bool has_start;
	uint64_t start_s;          /* process_start_time_seconds, unix seconds */
	bool has_cpu;
	uint64_t cpu_ms;           /* process_cpu_seconds_total */
	bool has_cpu_share;
	uint64_t cpu_permille;     /* CPU time per wall time between the last two scrapes, 1000 = one core */
	bool has_rss;
	uint64_t rss_bytes;
	bool has_peers;
	uint64_t peers;
	bool has_head;
	uint64_t head;
	uint64_t at_ms;            /* loop_now_ms() of the last read scrape */
};

struct nodemetrics;

/*
 * Starts scraping cn->metrics_url every period_ms into *own (which must stay
 * put until nodemetrics_free); changed(ud) after each scrape. NULL with a
 * message when curl cannot be set up.
 */
struct nodemetrics *nodemetrics_new(struct loop *loop, const struct config_node *cn, uint64_t period_ms,
                                    struct fleet_own *own, void (*changed)(void *ud), void *ud, char *err,
                                    size_t errlen);
/* Stops (a scrape in flight is cancelled). NULL is fine. */
void nodemetrics_free(struct nodemetrics *m);

/* Reads one scrape's text into own (pure: the unit tests' and the fuzzer's way in). 0 or CD_EINVAL. */
int nodemetrics_read(struct fleet_own *own, const char *text, size_t len, uint64_t now_ms, char *err,
                     size_t errlen);

#endif
