/*
 * fuzz_promtext — the Prometheus text-format parser, on what a node's metrics
 * endpoint may send.
 *
 * Properties: no crash or sanitizer report; every sample handed over has a
 * name that follows the format's grammar, at most PROMTEXT_MAX_LABELS labels,
 * NUL-terminated label values within PROMTEXT_MAX_VALUE bytes, and a value
 * that is either non-finite, out of range, or in millionths; a refusal comes
 * with a message naming the line.
 */
#include "tests/fuzz/fuzz_util.h"

#include "common/error.h"
#include "common/promtext.h"

static int check_sample(void *ud, const struct promtext_sample *s)
{
	(void)ud;
	fuzz_check(s->name_len > 0, "a sample without a name");
	for (size_t i = 0; i < s->name_len; i++) {
		char c = s->name[i];

		fuzz_check((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
		                   (i > 0 && c >= '0' && c <= '9'),
		           "a metric name outside the grammar");
	}
	fuzz_check(s->nlabels <= PROMTEXT_MAX_LABELS, "too many labels handed over");
	for (size_t i = 0; i < s->nlabels; i++) {
		fuzz_check(s->labels[i].name_len > 0, "an empty label name");
		fuzz_check(strlen(s->labels[i].value) <= PROMTEXT_MAX_VALUE, "a label value over the limit");
	}
	fuzz_check(s->finite || s->micro == 0, "a non-finite value with a number");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[160] = "";
	int rc = promtext_parse((const char *)data, size, check_sample, NULL, err, sizeof(err));

	fuzz_check(rc == 0 || rc == CD_EINVAL, "promtext_parse returned something else");
	if (rc == CD_EINVAL)
		fuzz_check(strncmp(err, "line ", 5) == 0, "a refusal without its line");
	return 0;
}
