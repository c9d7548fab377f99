/*
 * nodemetrics_read: which figures are taken from a node's own metrics, on a
 * geth-shaped scrape (names as geth's /debug/metrics/prometheus writes them),
 * the CPU share between two scrapes, and a malformed scrape leaving the last
 * figures alone.
 */
#include <string.h>

#include "common/error.h"
#include "dashboard/nodemetrics.h"
#include "tests/lib/test.h"

static const char geth[] =
	"# TYPE chain_head_block gauge\n"
	"chain_head_block 19000000\n"
	"# TYPE p2p_peers gauge\n"
	"p2p_peers 25\n"
	"# TYPE process_cpu_seconds_total counter\n"
	"process_cpu_seconds_total 100.5\n"
	"# TYPE process_resident_memory_bytes gauge\n"
	"process_resident_memory_bytes 2.147483648e+09\n"
	"# TYPE process_start_time_seconds gauge\n"
	"process_start_time_seconds 1.7e+09\n";

static void geth_scrape(void)
{
	struct fleet_own o = { .configured = true };
	char err[128];

	CHECK_INT(nodemetrics_read(&o, geth, strlen(geth), 10000, err, sizeof(err)), 0);
	CHECK(o.ok && o.configured && o.scrapes == 1);
	CHECK(o.has_start && o.start_s == 1700000000);
	CHECK(o.has_cpu && o.cpu_ms == 100500);
	CHECK(!o.has_cpu_share); /* one scrape: no share yet */
	CHECK(o.has_rss && o.rss_bytes == 2147483648ull);
	CHECK(o.has_peers && o.peers == 25);
	CHECK(o.has_head && o.head == 19000000);
}

static void cpu_share_between_scrapes(void)
{
	static const char later[] = "process_cpu_seconds_total 101.0\n";
	struct fleet_own o = { .configured = true };
	char err[128];

	CHECK_INT(nodemetrics_read(&o, geth, strlen(geth), 10000, err, sizeof(err)), 0);
	/* 0.5 s of CPU over 2 s of wall time: 25 % of a core */
	CHECK_INT(nodemetrics_read(&o, later, strlen(later), 12000, err, sizeof(err)), 0);
	CHECK(o.has_cpu_share);
	CHECK_INT(o.cpu_permille, 250);
	CHECK(!o.has_start && !o.has_peers); /* each scrape stands alone */
	CHECK_INT(o.scrapes, 2);
}

static void malformed_keeps_the_last(void)
{
	static const char bad[] = "p2p_peers 26\nnot a metric line\n";
	struct fleet_own o = { .configured = true };
	char err[128];

	CHECK_INT(nodemetrics_read(&o, geth, strlen(geth), 10000, err, sizeof(err)), 0);
	CHECK(nodemetrics_read(&o, bad, strlen(bad), 11000, err, sizeof(err)) == CD_EINVAL);
	CHECK_STR(err, "line 2: a sample needs a number as its value");
	CHECK(o.has_peers && o.peers == 25 && o.scrapes == 1);
}

static const struct test_case cases[] = {
	{ "geth_scrape", geth_scrape },
	{ "cpu_share_between_scrapes", cpu_share_between_scrapes },
	{ "malformed_keeps_the_last", malformed_keeps_the_last },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
