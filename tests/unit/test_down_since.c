/*
 * "DOWN since ...": the moment a node went down, with its date when that was
 * not today. The expected texts are the calendar's (date -u -d @T), not
 * derived from the code under test.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dashboard/fleet.h"
#include "tests/lib/test.h"

static void utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

/* 1700000000 is 2023-11-14 22:13:20 UTC. */
static void same_day_shows_the_time_alone(void)
{
	char buf[32];

	utc();
	CHECK_STR(fleet_format_since(1700000000, 1700000000 + 3600, buf, sizeof(buf)), "22:13:20");
	/* 2023-11-14 00:00:00 and 23:59:59 are the same day */
	CHECK_STR(fleet_format_since(1699920000, 1700006399, buf, sizeof(buf)), "00:00:00");
}

static void another_day_shows_the_date(void)
{
	char buf[32];

	utc();
	/* down at 22:13:20, now 2023-11-15 01:00:00: a time alone would read as this morning's future */
	CHECK_STR(fleet_format_since(1700000000, 1700010000, buf, sizeof(buf)), "2023-11-14 22:13:20");
	/* a year earlier, same day of the year */
	CHECK_STR(fleet_format_since(1668464000, 1700000000, buf, sizeof(buf)), "2022-11-14 22:13:20");
}

static void local_time_decides_the_day(void)
{
	char buf[32];

	/* 2023-11-14 22:13:20 UTC is 2023-11-15 07:13:20 at UTC+9 (POSIX TZ "JST-9": no time zone database needed); 2023-11-15 01:00 UTC is 10:00 there */
	setenv("TZ", "JST-9", 1);
	tzset();
	CHECK_STR(fleet_format_since(1700000000, 1700010000, buf, sizeof(buf)), "07:13:20");
	utc();
}

static const struct test_case cases[] = {
	{ "same_day_shows_the_time_alone", same_day_shows_the_time_alone },
	{ "another_day_shows_the_date", another_day_shows_the_date },
	{ "local_time_decides_the_day", local_time_decides_the_day },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
