#include "common/fmt.h"

#include <stdio.h>
#include <string.h>

char *fmt_duration(char *buf, size_t cap, uint64_t s)
{
	if (s < 60)
		snprintf(buf, cap, "%llus", (unsigned long long)s);
	else if (s < 3600)
		snprintf(buf, cap, "%llum %02llus", (unsigned long long)(s / 60), (unsigned long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, cap, "%lluh %02llum", (unsigned long long)(s / 3600),
		         (unsigned long long)(s % 3600 / 60));
	else
		snprintf(buf, cap, "%llud %02lluh", (unsigned long long)(s / 86400),
		         (unsigned long long)(s % 86400 / 3600));
	return buf;
}

char *fmt_latency(char *buf, size_t cap, uint64_t us, int ascii)
{
	if (us < 1000)
		snprintf(buf, cap, "%llu %s", (unsigned long long)us, ascii ? "us" : "\xc2\xb5s");
	else if (us < 1000000)
		snprintf(buf, cap, "%llu.%llu ms", (unsigned long long)(us / 1000),
		         (unsigned long long)(us % 1000 / 100));
	else
		snprintf(buf, cap, "%llu.%02llu s", (unsigned long long)(us / 1000000),
		         (unsigned long long)(us % 1000000 / 10000));
	return buf;
}

char *fmt_count(char *buf, size_t cap, uint64_t v)
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	size_t o = 0;

	if (cap == 0)
		return buf;
	for (int i = 0; i < n && o + 1 < cap; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			if (o + 2 >= cap)
				break;
			buf[o++] = ',';
		}
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

char *fmt_units(char *buf, size_t cap, struct u256 v, unsigned decimals, const char *unit)
{
	char num[96];

	if (u256_format_units(v, decimals, num, sizeof(num)) < 0)
		snprintf(num, sizeof(num), "?");
	snprintf(buf, cap, "%s %s", num, unit);
	return buf;
}

char *fmt_percent(char *buf, size_t cap, uint64_t a, uint64_t b)
{
	uint64_t permille;

	if (b == 0) {
		snprintf(buf, cap, "-");
		return buf;
	}
	if (a > b)
		a = b;
	permille = a > UINT64_MAX / 1000 ? a / (b / 1000) : a * 1000 / b;
	snprintf(buf, cap, "%llu.%llu%%", (unsigned long long)(permille / 10), (unsigned long long)(permille % 10));
	return buf;
}
