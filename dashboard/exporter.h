/*
 * exporter — serves the latest metrics snapshot over HTTP at /metrics
 * (libmicrohttpd, in its own thread).
 *
 * The loop renders the text (dashboard/metrics.h) and hands it over with
 * exporter_publish; the server thread only ever reads the snapshot it was
 * given, never the fleet. Publishing swaps a pointer under a mutex held for
 * a few instructions; a scrape in progress keeps its reference to the old
 * snapshot until its response is sent. So the loop never waits on a scraper,
 * and a scraper never sees a half-written text.
 */
#ifndef CHAINDECK_EXPORTER_H
#define CHAINDECK_EXPORTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct exporter;

/*
 * Parses where to listen: "ADDR:PORT", "[IPV6]:PORT", "localhost:PORT" or a
 * bare "PORT" (loopback). ADDR is a numeric address: no name lookups. Fills
 * ss/len and whether the address is loopback. 0, or -1 with a message.
 */
int exporter_parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len, bool *loopback, char *err,
                        size_t errlen);

/*
 * Starts listening on spec (as above) and serving; until the first publish
 * /metrics answers 503. A non-loopback address is logged as a warning. NULL
 * with a message when the address is bad or cannot be bound.
 */
struct exporter *exporter_start(const char *spec, char *err, size_t errlen);
/* Replaces the snapshot with text[0..len) (malloc'd; the exporter owns it from now on). */
void exporter_publish(struct exporter *e, char *text, size_t len);
/* The port actually bound (useful with port 0). */
uint16_t exporter_port(const struct exporter *e);
/* Scrapes of /metrics served so far. */
uint64_t exporter_scrapes(struct exporter *e);
/* Stops the server (waiting for its thread) and frees everything. NULL is fine. */
void exporter_stop(struct exporter *e);

#endif
