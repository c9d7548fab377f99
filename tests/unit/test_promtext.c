/*
 * promtext: the strict Prometheus text-format parser on the format's own
 * examples (the exposition format documentation's sample), real client output
 * shapes (Go and Node clients' exponent notation), and malformed input, which
 * must be refused with the line number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/promtext.h"
#include "tests/lib/test.h"

struct seen {
	size_t n;
	char names[16][64];
	int64_t micro[16];
	bool finite[16], in_range[16];
	char labels[16][128];
};

static int collect(void *ud, const struct promtext_sample *s)
{
	struct seen *w = ud;

	if (w->n < 16) {
		size_t k = 0;

		snprintf(w->names[w->n], sizeof(w->names[0]), "%.*s", (int)s->name_len, s->name);
		w->micro[w->n] = s->micro;
		w->finite[w->n] = s->finite;
		w->in_range[w->n] = s->in_range;
		w->labels[w->n][0] = '\0';
		for (size_t i = 0; i < s->nlabels; i++)
			k += (size_t)snprintf(w->labels[w->n] + k, sizeof(w->labels[0]) - k, "%.*s=%s;",
			                      (int)s->labels[i].name_len, s->labels[i].name, s->labels[i].value);
	}
	w->n++;
	return 0;
}

static int parse(const char *text, struct seen *w, char *err, size_t cap)
{
	memset(w, 0, sizeof(*w));
	err[0] = '\0';
	return promtext_parse(text, strlen(text), collect, w, err, cap);
}

/* The example of the exposition format documentation (prometheus.io, "Text format example"). */
static void documentation_example(void)
{
	static const char text[] =
		"# HELP http_requests_total The total number of HTTP requests.\n"
		"# TYPE http_requests_total counter\n"
		"http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
		"http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n"
		"\n"
		"# Escaping in label values:\n"
		"msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
		"\n"
		"# Minimalistic line:\n"
		"metric_without_timestamp_and_labels 12.47\n"
		"\n"
		"# A weird metric from before the epoch:\n"
		"something_weird{problem=\"division by zero\"} +Inf -3982045\n"
		"\n"
		"# A histogram, which has a pretty complex representation in the text format:\n"
		"# HELP http_request_duration_seconds A histogram of the request duration.\n"
		"# TYPE http_request_duration_seconds histogram\n"
		"http_request_duration_seconds_bucket{le=\"0.05\"} 24054\n"
		"http_request_duration_seconds_bucket{le=\"+Inf\"} 144320\n"
		"http_request_duration_seconds_sum 53423\n"
		"http_request_duration_seconds_count 144320\n"
		"\n"
		"# Finally a summary, which has a complex representation, too:\n"
		"# HELP rpc_duration_seconds A summary of the RPC duration in seconds.\n"
		"# TYPE rpc_duration_seconds summary\n"
		"rpc_duration_seconds{quantile=\"0.01\"} 3102\n"
		"rpc_duration_seconds_sum 1.7560473e+07\n";
	struct seen w;
	char err[128];

	CHECK_INT(parse(text, &w, err, sizeof(err)), 0);
	CHECK_INT(w.n, 11);
	CHECK_STR(w.names[0], "http_requests_total");
	CHECK_STR(w.labels[0], "method=post;code=200;");
	CHECK_INT(w.micro[0], 1027000000);
	CHECK_STR(w.labels[2], "path=C:\\DIR\\FILE.TXT;error=Cannot find file:\n\"FILE.TXT\";");
	CHECK_INT(w.micro[2], 1458255915000000LL);
	CHECK_INT(w.micro[3], 12470000);
	CHECK(!w.finite[4]);
	CHECK_STR(w.labels[6], "le=+Inf;");
	CHECK_INT(w.micro[10], 17560473000000LL);
}

static void client_shapes(void)
{
	/* Go's client: exponent notation; Node's prom-client: plain decimals, a trailing comma. */
	static const char text[] = "process_start_time_seconds 1.70000000012e+09\n"
	                           "process_cpu_seconds_total{app=\"ethereumjs-client\",} 0.123456789\n"
	                           "process_resident_memory_bytes 1.23456789e+08\r\n"
	                           "go_gc_duration_seconds{quantile=\"0\"} 2.1e-05\n"
	                           "neg -1.5E2\n"
	                           "nan NaN\n"
	                           "huge 1e300\n"
	                           "tiny 1e-300";
	struct seen w;
	char err[128];

	CHECK_INT(parse(text, &w, err, sizeof(err)), 0);
	CHECK_INT(w.n, 8);
	CHECK_INT(w.micro[0], 1700000000120000LL);
	CHECK_INT(w.micro[1], 123456);
	CHECK_STR(w.labels[1], "app=ethereumjs-client;");
	CHECK_INT(w.micro[2], 123456789000000LL);
	CHECK_INT(w.micro[3], 21);
	CHECK_INT(w.micro[4], -150000000);
	CHECK(!w.finite[5]);
	CHECK(w.finite[6] && !w.in_range[6]);
	CHECK(w.in_range[7] && w.micro[7] == 0);
}

static void malformed_is_refused_with_the_line(void)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "ok 1\n1bad 2\n", "line 2: a sample must start" },
		{ "m{a=\"x} 1\n", "line 1: unterminated label value" },
		{ "m{a=\"\\t\"} 1\n", "line 1: invalid escape" },
		{ "m{a=x} 1\n", "line 1: a label value must be in double quotes" },
		{ "m{a=\"1\",a=\"2\"} 1\n", "line 1: repeated label name" },
		{ "m{a=\"1\" b=\"2\"} 1\n", "line 1: expected ',' or '}'" },
		{ "m\n", "line 1: expected a blank" },
		{ "m 1x\n", "line 1: malformed number" },
		{ "m abc\n", "line 1: a sample needs a number" },
		{ "m 1 12 13\n", "line 1: unexpected text after the value" },
		{ "m 1 -\n", "line 1: unexpected text after the value" },
		{ "m 1e\n", "line 1: exponent without digits" },
		{ "# TYPE m stuff\n", "line 1: # TYPE must be" },
		{ "# TYPE\n", "line 1: # TYPE needs a metric name" },
		{ "# HELP m bad \\q escape\n", "line 1: invalid escape in # HELP" },
		{ "m{a=\"x\ny\"} 1\n", "line 1: unterminated label value" },
		{ "m{1a=\"x\"} 1\n", "line 1: malformed label name" },
		{ "m{a:b=\"x\"} 1\n", "line 1: expected '=' after a label name" },
	};
	struct seen w;
	char err[128];

	for (size_t i = 0; i < TEST_COUNT(bad); i++) {
		CHECK_MSG(parse(bad[i].text, &w, err, sizeof(err)) == CD_EINVAL, "accepted: %s", bad[i].text);
		CHECK_MSG(strncmp(err, bad[i].err, strlen(bad[i].err)) == 0, "%s: said '%s', expected '%s...'", bad[i].text,
		          err, bad[i].err);
	}
	{
		char nul[] = "m 1\nx\0y 2\n";

		memset(&w, 0, sizeof(w));
		CHECK(promtext_parse(nul, sizeof(nul) - 1, collect, &w, err, sizeof(err)) == CD_EINVAL);
		CHECK_STR(err, "line 2: NUL byte");
	}
}

static void limits(void)
{
	size_t n = PROMTEXT_MAX_LINE + 10;
	char *line = malloc(n + 1), err[128];
	struct seen w;

	if (!line)
		abort();
	memset(line, 'a', n);
	line[n] = '\0';
	CHECK(parse(line, &w, err, sizeof(err)) == CD_EINVAL);
	CHECK_STR(err, "line 1: line too long");
	free(line);
	{
		char text[4096];
		size_t k = (size_t)snprintf(text, sizeof(text), "m{");

		for (int i = 0; i <= PROMTEXT_MAX_LABELS; i++)
			k += (size_t)snprintf(text + k, sizeof(text) - k, "l%d=\"v\",", i);
		snprintf(text + k, sizeof(text) - k, "} 1\n");
		CHECK(parse(text, &w, err, sizeof(err)) == CD_EINVAL);
		CHECK_STR(err, "line 1: too many labels");
	}
}

static int stop_at_second(void *ud, const struct promtext_sample *s)
{
	(void)s;
	return ++*(int *)ud == 2 ? 7 : 0;
}

static void callback_stops(void)
{
	int n = 0;
	char err[64];

	CHECK_INT(promtext_parse("a 1\nb 2\nc 3\n", 12, stop_at_second, &n, err, sizeof(err)), 7);
	CHECK_INT(n, 2);
}

static const struct test_case cases[] = {
	{ "documentation_example", documentation_example },
	{ "client_shapes", client_shapes },
	{ "malformed_is_refused_with_the_line", malformed_is_refused_with_the_line },
	{ "limits", limits },
	{ "callback_stops", callback_stops },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
