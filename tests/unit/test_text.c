/*
 * text: what text_sanitize keeps, replaces and cuts, for every byte value
 * and any buffer size.
 */
#include <stdarg.h>
#include "common/text.h"
#include "tests/lib/test.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#define CANARY 0x5a

/* True when s[0..n) is well-formed UTF-8, by libunistring's reading (not ours). */
static bool valid_utf8(const unsigned char *s, size_t n)
{
	return u8_check(s, n) == NULL;
}

/* Every output must be safe to hand to a terminal: valid UTF-8, no C0, no DEL, no C1. */
static bool terminal_safe(const char *out, size_t n)
{
	const unsigned char *s = (const unsigned char *)out;

	if (!valid_utf8(s, n) || strlen(out) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			return false;
		if (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
			return false;
	}
	return true;
}

struct sanitize_case {
	const char *in;
	size_t len;
	const char *want;
};

#define SC(in, want) { in, sizeof(in) - 1, want }

static void check_cases(const struct sanitize_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char out[256];
		size_t got = text_sanitize(out, sizeof(out), c[i].in, c[i].len);

		CHECK_MSG(strcmp(out, c[i].want) == 0, "case %zu: \"%s\", expected \"%s\"", i, out, c[i].want);
		CHECK_MSG(got == strlen(c[i].want), "case %zu: returned %zu", i, got);
		CHECK_MSG(terminal_safe(out, got), "case %zu: unsafe output", i);
	}
}

static void plain_ascii_is_kept(void)
{
	static const struct sanitize_case c[] = {
		SC("", ""),
		SC("Geth/v1.13.5-stable/linux-amd64/go1.21.4", "Geth/v1.13.5-stable/linux-amd64/go1.21.4"),
		SC(" !~{}[]|\\\"'", " !~{}[]|\\\"'"),
	};

	check_cases(c, TEST_COUNT(c));
}

static void valid_multibyte_utf8_is_kept(void)
{
	static const struct sanitize_case c[] = {
		SC("caf\xc3\xa9", "caf\xc3\xa9"),                 /* 2 bytes: é */
		SC("\xc2\xa0nbsp", "\xc2\xa0nbsp"),               /* U+00A0, just past C1 */
		SC("\xe2\x82\xac 5", "\xe2\x82\xac 5"),           /* 3 bytes: € */
		SC("\xe0\xa0\x80", "\xe0\xa0\x80"),               /* U+0800, smallest 3-byte */
		SC("\xef\xbf\xbd", "\xef\xbf\xbd"),               /* U+FFFD */
		SC("\xf0\x9f\xa6\x80!", "\xf0\x9f\xa6\x80!"),     /* 4 bytes: U+1F980 */
		SC("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"),       /* U+10FFFF, the last code point */
	};

	check_cases(c, TEST_COUNT(c));
}

static void escape_sequences_lose_their_escape(void)
{
	static const struct sanitize_case c[] = {
		SC("\x1b[2J", "?[2J"),
		SC("a\x1b]52;c;aGk=\x07z", "a?]52;c;aGk=?z"),
		SC("\x1b" "c", "?c"),
		SC("\x9b" "2J", "?2J"),                  /* raw 8-bit CSI byte: invalid UTF-8 */
	};

	check_cases(c, TEST_COUNT(c));
}

static void c0_controls_del_and_nul_become_question_marks(void)
{
	static const struct sanitize_case c[] = {
		SC("a\x7f" "b", "a?b"),
		SC("a\0b", "a?b"),
		SC("\x01\x02\x08\x0b\x0c\x1f", "??????"),
		SC("bell\x07", "bell?"),
	};

	check_cases(c, TEST_COUNT(c));
}

static void c1_controls_become_one_question_mark_each(void)
{
	static const struct sanitize_case c[] = {
		SC("a\xc2\x80" "b", "a?b"),
		SC("a\xc2\x9b" "2J", "a?2J"),   /* U+009B, CSI as UTF-8 */
		SC("\xc2\x9d" "x", "?x"),        /* U+009D, OSC */
		SC("\xc2\x9f\xc2\x85", "??"),
	};

	check_cases(c, TEST_COUNT(c));
}

static void invalid_utf8_becomes_question_marks(void)
{
	static const struct sanitize_case c[] = {
		SC("\xc0\xaf", "??"),                 /* overlong '/' */
		SC("\xc1\xbf", "??"),                 /* overlong */
		SC("\xe0\x80\xaf", "???"),            /* overlong 3-byte */
		SC("\xf0\x80\x80\xaf", "????"),       /* overlong 4-byte */
		SC("\xed\xa0\x80", "???"),            /* surrogate U+D800 */
		SC("\xed\xbf\xbf", "???"),            /* surrogate U+DFFF */
		SC("\xf4\x90\x80\x80", "????"),       /* U+110000 */
		SC("\xf5\x80\x80\x80", "????"),
		SC("\xf8\xff\xfe", "???"),
		SC("\x80", "?"),                      /* lone continuation */
		SC("a\xc3", "a?"),                    /* truncated at the end */
		SC("\xe2\x82z", "??z"),               /* truncated in the middle */
		SC("\xf0\x9f\xa6", "???"),
		SC("\xc3\xc3\xa9", "?\xc3\xa9"),      /* a lead byte does not swallow the next character */
	};

	check_cases(c, TEST_COUNT(c));
}

static void newline_and_tab_become_spaces(void)
{
	static const struct sanitize_case c[] = {
		SC("a\nb", "a b"),
		SC("a\tb", "a b"),
		SC("line\r\n", "line  "),
	};

	check_cases(c, TEST_COUNT(c));
}

static void long_text_is_cut_with_an_ellipsis(void)
{
	char out[8];

	CHECK_INT(text_sanitize(out, sizeof(out), "abcdefghij", 10), 7);
	CHECK_STR(out, "abcd...");
	/* Exactly fitting text is not cut. */
	CHECK_INT(text_sanitize(out, sizeof(out), "abcdefg", 7), 7);
	CHECK_STR(out, "abcdefg");
	CHECK_INT(text_sanitize(out, sizeof(out), "abcdefgh", 8), 7);
	CHECK_STR(out, "abcd...");
}

static void cut_never_splits_a_multibyte_character(void)
{
	/* Each of these puts a multi-byte character across the cut for some cap. */
	static const char *in[] = {
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		"a\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac",
		"ab\xf0\x9f\xa6\x80\xf0\x9f\xa6\x80\xf0\x9f\xa6\x80",
		"\xf0\x9f\xa6\x80x\xc3\xa9y\xe2\x82\xac\x1b[0m\xf0\x9f\xa6\x80zz",
	};

	for (size_t k = 0; k < TEST_COUNT(in); k++) {
		size_t len = strlen(in[k]);

		for (size_t cap = 1; cap <= len + 1; cap++) {
			char out[64];
			size_t got = text_sanitize(out, cap, in[k], len);

			CHECK_MSG(got < cap, "in %zu cap %zu: %zu bytes", k, cap, got);
			CHECK_MSG(terminal_safe(out, got), "in %zu cap %zu: unsafe", k, cap);
			if (got >= 3 && strcmp(out + got - 3, "...") == 0) {
				/* What precedes the ellipsis is a prefix of the sanitised whole. */
				char full[64];

				text_sanitize(full, sizeof(full), in[k], len);
				CHECK_MSG(strncmp(out, full, got - 3) == 0, "in %zu cap %zu: not a prefix", k, cap);
			}
		}
	}
}

static void cut_at_cap_of_a_multibyte_string_keeps_whole_characters(void)
{
	char out[7];

	/* "ééé" is 6 bytes and needs 7 with the NUL; "éééé" must become "é..." in 7. */
	CHECK_INT(text_sanitize(out, sizeof(out), "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8), 5);
	CHECK_STR(out, "\xc3\xa9...");
	CHECK_INT(text_sanitize(out, sizeof(out), "\xc3\xa9\xc3\xa9\xc3\xa9", 6), 6);
	CHECK_STR(out, "\xc3\xa9\xc3\xa9\xc3\xa9");
}

static void tiny_caps_never_overflow(void)
{
	static const struct {
		size_t cap;
		const char *want;
	} c[] = {
		{ 1, "" }, { 2, "" }, { 3, "" }, { 4, "..." }, { 5, "a..." },
	};
	const char *in = "abcdef";

	for (size_t i = 0; i < TEST_COUNT(c); i++) {
		char buf[16];

		memset(buf, CANARY, sizeof(buf));
		CHECK_INT(text_sanitize(buf, c[i].cap, in, strlen(in)), strlen(c[i].want));
		CHECK_MSG(strcmp(buf, c[i].want) == 0, "cap %zu: \"%s\"", c[i].cap, buf);
		CHECK_MSG((unsigned char)buf[c[i].cap] == CANARY, "cap %zu: wrote past the buffer", c[i].cap);
	}
}

static void cap_zero_writes_nothing(void)
{
	char buf[1] = { CANARY };

	CHECK_INT(text_sanitize(buf, 0, "abc", 3), 0);
	CHECK((unsigned char)buf[0] == CANARY);
}

static void tiny_caps_with_multibyte_input_never_overflow(void)
{
	const char *in = "\xf0\x9f\xa6\x80\xf0\x9f\xa6\x80";

	for (size_t cap = 1; cap <= 9; cap++) {
		char buf[16];
		size_t got;

		memset(buf, CANARY, sizeof(buf));
		got = text_sanitize(buf, cap, in, strlen(in));
		CHECK_MSG(got < cap, "cap %zu: %zu bytes", cap, got);
		CHECK_MSG(terminal_safe(buf, got), "cap %zu: unsafe", cap);
		CHECK_MSG((unsigned char)buf[cap] == CANARY, "cap %zu: wrote past the buffer", cap);
	}
}

static void every_byte_value_gives_safe_output(void)
{
	/* All one- and two-byte inputs, and a sweep of three-byte ones. */
	char in[3], out[32];

	for (int a = 0; a < 256; a++) {
		in[0] = (char)a;
		CHECK_MSG(terminal_safe(out, text_sanitize(out, sizeof(out), in, 1)), "byte %02x", a);
		for (int b = 0; b < 256; b++) {
			in[1] = (char)b;
			CHECK_MSG(terminal_safe(out, text_sanitize(out, sizeof(out), in, 2)), "bytes %02x %02x", a, b);
			for (int c = 0x70; c < 0xc0; c += 7) {
				in[2] = (char)c;
				CHECK_MSG(terminal_safe(out, text_sanitize(out, sizeof(out), in, 3)),
				          "bytes %02x %02x %02x", a, b, c);
			}
		}
	}
}

static void input_is_read_only_up_to_len(void)
{
	char out[16];

	CHECK_INT(text_sanitize(out, sizeof(out), "abc\x1b[2Jxyz", 3), 3);
	CHECK_STR(out, "abc");
}

/*
 * text_utf8_decode against libunistring's u8_mbtoucr on every pair of first
 * and second bytes (where the overlong, surrogate and U+10FFFF limits lie),
 * each followed by third and fourth bytes from both sides of every
 * continuation-byte boundary, and cut short at each length: same length (0
 * for whatever libunistring refuses), same code point.
 */
static void utf8_decode_agrees_with_libunistring(void)
{
	static const unsigned char later[] = { 0x00, 0x41, 0x7f, 0x80, 0x81, 0x9f, 0xa0, 0xbe, 0xbf,
	                                       0xc0, 0xc2, 0xdf, 0xe0, 0xef, 0xf0, 0xf4, 0xf5, 0xff };
	unsigned long mismatches = 0;
	char first[64] = "";

	for (unsigned b0 = 0; b0 < 256; b0++)
		for (unsigned b1 = 0; b1 < 256; b1++)
			for (size_t t = 0; t < sizeof(later); t++)
				for (size_t f = 0; f < sizeof(later); f += 3) {
					unsigned char s[4] = { (unsigned char)b0, (unsigned char)b1, later[t], later[f] };

					for (size_t len = (f == 0 ? 1 : 4); len <= 4; len++) {
						uint32_t cp = 0xffffffffu;
						ucs4_t uc = 0;
						size_t n = text_utf8_decode(s, len, &cp);
						int r = u8_mbtoucr(&uc, s, len);

						if (n != (r > 0 ? (size_t)r : 0) || (n > 0 && cp != uc) ||
						    (n == 0 && cp != 0xffffffffu)) {
							if (mismatches++ == 0)
								snprintf(first, sizeof(first), "%02x %02x %02x %02x len %zu",
								         s[0], s[1], s[2], s[3], len);
						}
					}
				}
	CHECK_MSG(mismatches == 0, "%lu inputs differ, first %s", mismatches, first);
}

/*
 * Bidi controls reorder the text around them without printing anything: every code point that
 * libunistring gives the Unicode Bidi_Control property is removed, between visible text, and
 * every other printable one stays.
 */
static void bidi_controls_are_removed(void)
{
	unsigned long kept_bidi = 0, lost = 0, bidi = 0;
	char first[64] = "";

	for (ucs4_t uc = 0xa0; uc < 0x110000; uc++) {
		uint8_t in[16] = "a", enc[6];
		char out[32];
		int n = u8_uctomb(enc, uc, sizeof(enc));
		size_t got;

		if (n <= 0)
			continue; /* surrogates */
		memcpy(in + 1, enc, (size_t)n);
		in[1 + n] = 'b';
		got = text_sanitize(out, sizeof(out), (const char *)in, (size_t)n + 2);
		if (uc_is_property_bidi_control(uc)) {
			bidi++;
			if (strcmp(out, "ab") != 0 && kept_bidi++ == 0)
				snprintf(first, sizeof(first), "U+%04X kept (%zu bytes out)", (unsigned)uc, got);
		} else if (got != (size_t)n + 2 || memcmp(out, in, got) != 0) {
			if (lost++ == 0 && !first[0])
				snprintf(first, sizeof(first), "U+%04X changed", (unsigned)uc);
		}
	}
	CHECK_MSG(bidi == 12, "libunistring knows %lu bidi controls", bidi);
	CHECK_MSG(kept_bidi == 0 && lost == 0, "%lu bidi controls kept, %lu other characters changed; first %s",
	          kept_bidi, lost, first);
	/* The right-to-left override of a spoofed client name, and a whole run of them. */
	check_cases((const struct sanitize_case[]){
		SC("Geth/\xe2\x80\xaev1.14", "Geth/v1.14"),
		SC("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x80\xae\xe2\x81\xa6\xe2\x81\xa7"
		   "\xe2\x81\xa8\xe2\x81\xa9\xe2\x80\x8e\xe2\x80\x8f\xd8\x9cx", "x"),
	}, 2);
}

static size_t sanitize_f(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static size_t sanitize_f(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = text_sanitize_vf(dst, cap, fmt, ap);
	va_end(ap);
	return n;
}

/* A formatted message is sanitized as a whole: what the format quotes is node text like any other. */
static void a_formatted_message_is_sanitized(void)
{
	char out[64];

	CHECK_INT(sanitize_f(out, sizeof(out), "node said: %s (%d)", "\x1b[2Jbad\xe2\x80\xaename", 7), 26);
	CHECK_STR(out, "node said: ?[2Jbadname (7)");
	sanitize_f(out, 12, "%s", "a long message that is cut");
	CHECK_STR(out, "a long m...");
}

static const struct test_case cases[] = {
	{ "a_formatted_message_is_sanitized", a_formatted_message_is_sanitized },
	{ "plain_ascii_is_kept", plain_ascii_is_kept },
	{ "valid_multibyte_utf8_is_kept", valid_multibyte_utf8_is_kept },
	{ "escape_sequences_lose_their_escape", escape_sequences_lose_their_escape },
	{ "c0_controls_del_and_nul_become_question_marks", c0_controls_del_and_nul_become_question_marks },
	{ "c1_controls_become_one_question_mark_each", c1_controls_become_one_question_mark_each },
	{ "invalid_utf8_becomes_question_marks", invalid_utf8_becomes_question_marks },
	{ "utf8_decode_agrees_with_libunistring", utf8_decode_agrees_with_libunistring },
	{ "newline_and_tab_become_spaces", newline_and_tab_become_spaces },
	{ "long_text_is_cut_with_an_ellipsis", long_text_is_cut_with_an_ellipsis },
	{ "cut_never_splits_a_multibyte_character", cut_never_splits_a_multibyte_character },
	{ "cut_at_cap_of_a_multibyte_string_keeps_whole_characters",
	  cut_at_cap_of_a_multibyte_string_keeps_whole_characters },
	{ "tiny_caps_never_overflow", tiny_caps_never_overflow },
	{ "cap_zero_writes_nothing", cap_zero_writes_nothing },
	{ "tiny_caps_with_multibyte_input_never_overflow", tiny_caps_with_multibyte_input_never_overflow },
	{ "every_byte_value_gives_safe_output", every_byte_value_gives_safe_output },
	{ "input_is_read_only_up_to_len", input_is_read_only_up_to_len },
	{ "bidi_controls_are_removed", bidi_controls_are_removed },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
