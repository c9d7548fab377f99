/*
 * fmt — figures as people read them: durations, latencies, counts with
 * separators, exact amounts in a unit, percentages. Contract in fmt.h.
 */
#include "common/fmt.h"

#include <stdio.h>
#include <string.h>

/*
 * snprintf cuts at a byte; when it cut inside a multi-byte UTF-8 character
 * ("µ", a unit like "Ξ"), drop the partial character so a short buffer still
 * holds valid text for the terminal.
 */
static void trim_partial_utf8(char *buf, size_t cap, int wanted)
{
	size_t n, lead;
	unsigned char c;
	size_t need;

	if (cap == 0 || wanted < 0 || (size_t)wanted < cap)
		return;
	n = strlen(buf);
	lead = n;
	while (lead > 0 && n - lead < 3 && ((unsigned char)buf[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead == 0)
		return;
	c = (unsigned char)buf[lead - 1];
	if (c < 0xc0)
		return;
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	if (n - (lead - 1) < need)
		buf[lead - 1] = '\0';
}

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
		trim_partial_utf8(buf, cap, snprintf(buf, cap, "%llu %s", (unsigned long long)us,
		                                     ascii ? "us" : "\xc2\xb5s"));
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
	/* Room for any ERC-20 amount: decimals is a uint8, so "0." + 255 digits at most. */
	char num[2 + 255 + 1];

	if (u256_format_units(v, decimals, num, sizeof(num)) < 0)
		snprintf(num, sizeof(num), "?");
	trim_partial_utf8(buf, cap, snprintf(buf, cap, "%s %s", num, unit));
	return buf;
}

/* Display columns of UTF-8 text: one per code point (the units and markers here are narrow). */
static size_t columns_of(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

char *fmt_units_fit(char *buf, size_t cap, struct u256 v, unsigned decimals, const char *unit, size_t width,
                    const char *more)
{
	char num[2 + 255 + 1], sci[48];
	const char *dot;
	size_t len, intlen, ulen = unit && unit[0] ? 1 + columns_of(unit) : 0, room;

	if (u256_format_units(v, decimals, num, sizeof(num)) < 0)
		snprintf(num, sizeof(num), "?");
	len = strlen(num);
	if (len + ulen <= width) {
		trim_partial_utf8(buf, cap, snprintf(buf, cap, "%s%s%s", num, ulen ? " " : "", ulen ? unit : ""));
		return buf;
	}
	/* Columns left for the digits, after the unit and the one-column marker. */
	room = width > ulen + 1 ? width - ulen - 1 : 0;
	dot = strchr(num, '.');
	intlen = dot ? (size_t)(dot - num) : len;
	if (room >= intlen + 2) {
		num[room] = '\0'; /* whole integer part, a dot, some of the fraction */
	} else if (room >= intlen) {
		num[intlen] = '\0'; /* the integer part alone */
	} else {
		/* The integer part does not fit: its leading digits times a power of ten. */
		int elen = snprintf(sci, sizeof(sci), "e%zu", intlen - 1);
		size_t keep = room > (size_t)elen + 2 ? room - (size_t)elen - 2 : 0; /* digits after "d." */

		if (room < (size_t)elen + 1) {
			num[0] = '\0'; /* no room for any digit: the marker alone says something is cut */
		} else {
			if (keep > intlen - 1)
				keep = intlen - 1;
			snprintf(sci, sizeof(sci), "%c%s%.*s", num[0], keep ? "." : "", (int)keep, num + 1);
			snprintf(sci + strlen(sci), sizeof(sci) - strlen(sci), "e%zu", intlen - 1);
			snprintf(num, sizeof(num), "%s", sci);
		}
	}
	trim_partial_utf8(buf, cap, snprintf(buf, cap, "%s%s%s%s", num, more, ulen ? " " : "", ulen ? unit : ""));
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

char *fmt_count_fit(char *buf, size_t cap, uint64_t v, size_t width)
{
	static const char suffix[] = "kMGTPE";
	uint64_t div = 1;
	int len;

	len = snprintf(buf, cap, "%llu", (unsigned long long)v);
	if (len >= 0 && (size_t)len <= width)
		return buf;
	/* The largest unit first that still leaves a digit before the point; the shortest that fits wins. */
	for (size_t u = 0; u < sizeof(suffix) - 1; u++) {
		uint64_t whole, tenths;

		div *= 1000;
		whole = v / div;
		tenths = v % div / (div / 10);
		if (whole == 0)
			break;
		/* Digits are cut, never rounded up: 1999 is "1.9k", a prefix of the exact figure. */
		if (whole < 100 && (size_t)snprintf(buf, cap, "%llu.%llu%c", (unsigned long long)whole,
		                                    (unsigned long long)tenths, suffix[u]) <= width)
			return buf;
		if ((size_t)snprintf(buf, cap, "%llu%c", (unsigned long long)whole, suffix[u]) <= width)
			return buf;
	}
	/* Not even that fits: a row of '#' as wide as the cell, never a cut number. */
	snprintf(buf, cap, "%.*s", (int)(width < cap ? width : cap - 1), "################");
	return buf;
}

char *fmt_wei_fit(char *buf, size_t cap, struct u256 wei, unsigned decimals, size_t width, const char *more)
{
	static const struct {
		unsigned decimals;
		const char *unit;
	} units[] = { { 18, "ETH" }, { 9, "gwei" }, { 0, "wei" } };
	size_t first = decimals >= 18 ? 0 : decimals >= 9 ? 1 : 2;

	for (size_t i = first; i < sizeof(units) / sizeof(units[0]); i++) {
		fmt_units(buf, cap, wei, units[i].decimals, units[i].unit);
		if (columns_of(buf) <= width)
			return buf; /* exact */
	}
	return fmt_units_fit(buf, cap, wei, units[first].decimals, units[first].unit, width, more);
}

char *fmt_percent_fit(char *buf, size_t cap, uint64_t a, uint64_t b)
{
	struct u256 scaled, q, r, twice;
	uint64_t h;

	if (b == 0) {
		snprintf(buf, cap, "-");
		return buf;
	}
	if (a > b)
		a = b;
	/* hundredths of a percent, rounded half up; exact when nothing is left over */
	u256_mul(&scaled, u256_from_u64(a), u256_from_u64(10000));
	u256_divmod(&q, &r, scaled, u256_from_u64(b));
	u256_add(&twice, r, r);
	u256_to_u64(q, &h);
	if (u256_cmp(twice, u256_from_u64(b)) >= 0)
		h++;
	snprintf(buf, cap, "%s%llu.%02llu%%", u256_is_zero(r) ? "" : "~", (unsigned long long)(h / 100),
	         (unsigned long long)(h % 100));
	return buf;
}
