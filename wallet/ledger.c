/*
 * ledger — the pure layers of Ledger support: HID framing, status words,
 * derivation paths, the Ethereum app's APDUs and answers, and replay files.
 * No I/O here (the device and the replay transport are in ledger_dev.c), so
 * everything below is tested on bytes recorded from real devices.
 * Contracts in ledger.h.
 */
#include "wallet/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/errmsg.h"
#include "common/hex.h"
#include "common/rlp.h"
#include "common/xalloc.h"
#include "wallet/hd.h"

/* set_err, then rc, as one expression. */
#define fail(err, errlen, rc, ...) (set_err(err, errlen, __VA_ARGS__), (rc))

enum {
	FIRST_HEADER = 7,   /* channel 2, tag 1, sequence 2, total length 2 */
	NEXT_HEADER = 5,
	CLA = 0xe0,
	INS_GET_ADDRESS = 0x02,
	INS_SIGN_TX = 0x04,
	INS_APP_CONFIG = 0x06,
	INS_SIGN_MESSAGE = 0x08,
	INS_SIGN_EIP712 = 0x0c,
	P1_FIRST = 0x00,
	P1_MORE = 0x80
};

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- framing --------------------------------------------------------------------------------- */

int ledger_frame_encode(uint16_t channel, const uint8_t *apdu, size_t len, uint8_t *out, size_t cap)
{
	size_t total = len + 2, per = LEDGER_REPORT_SIZE - NEXT_HEADER, n, off = 0;

	if (len == 0 || len > 0xffff)
		return CD_EINVAL;
	n = (total + per - 1) / per;
	if (n > cap / LEDGER_REPORT_SIZE || n > 0xffff)
		return CD_ESPACE;
	memset(out, 0, n * LEDGER_REPORT_SIZE);
	for (size_t i = 0; i < n; i++) {
		uint8_t *r = out + i * LEDGER_REPORT_SIZE;
		size_t room = per, at = NEXT_HEADER;

		r[0] = (uint8_t)(channel >> 8);
		r[1] = (uint8_t)channel;
		r[2] = LEDGER_TAG_APDU;
		r[3] = (uint8_t)(i >> 8);
		r[4] = (uint8_t)i;
		if (i == 0) {
			/* the 2-byte length is the first two bytes of the stream */
			r[5] = (uint8_t)(len >> 8);
			r[6] = (uint8_t)len;
			at = FIRST_HEADER;
			room = per - 2;
		}
		if (room > len - off)
			room = len - off;
		memcpy(r + at, apdu + off, room);
		off += room;
	}
	return (int)n;
}

void ledger_deframe_init(struct ledger_deframer *d, uint16_t channel)
{
	memset(d, 0, sizeof(*d));
	d->channel = channel;
}

int ledger_deframe_add(struct ledger_deframer *d, const uint8_t *report, size_t len, char *err, size_t errlen)
{
	size_t at = d->seq == 0 ? FIRST_HEADER : NEXT_HEADER, take;
	unsigned ch, seq;

	if (len < at || len > LEDGER_REPORT_SIZE)
		return fail(err, errlen, CD_EPROTO, "HID report of %zu bytes from the device", len);
	ch = (unsigned)report[0] << 8 | report[1];
	seq = (unsigned)report[3] << 8 | report[4];
	if (ch != d->channel)
		return fail(err, errlen, LEDGER_EFRAME, "HID report on channel 0x%04x, expected 0x%04x", ch,
			(unsigned)d->channel);
	if (report[2] != LEDGER_TAG_APDU)
		return fail(err, errlen, LEDGER_EFRAME, "HID report with tag 0x%02x, expected 0x05", report[2]);
	if (seq != d->seq)
		return fail(err, errlen, LEDGER_EFRAME, "HID report %u arrived, expected %u", seq,
			(unsigned)d->seq);
	if (d->seq == 0) {
		d->total = (size_t)report[5] << 8 | report[6];
		d->have = 0;
		if (d->total > LEDGER_ANSWER_MAX)
			return fail(err, errlen, CD_EPROTO, "the device announces a %zu-byte answer", d->total);
	}
	if (d->seq == 0xffff)
		return fail(err, errlen, LEDGER_EFRAME, "HID answer longer than 65535 reports");
	d->seq++;
	take = len - at;
	if (take > d->total - d->have)
		take = d->total - d->have; /* the rest is padding */
	memcpy(d->data + d->have, report + at, take);
	d->have += take;
	return d->have == d->total ? 1 : 0;
}

/* ---- status words ---------------------------------------------------------------------------- */

int ledger_status_error(unsigned sw, char *err, size_t errlen)
{
	switch (sw) {
	case LEDGER_SW_OK:
		return CD_OK;
	case LEDGER_SW_LOCKED:
		return fail(err, errlen, LEDGER_ELOCKED,
			"the Ledger is locked (status 0x5515): unlock it with its PIN and open the Ethereum app");
	case LEDGER_SW_CLA:
	case LEDGER_SW_INS:
	case LEDGER_SW_APP:
		return fail(err, errlen, LEDGER_ENOAPP,
			"the Ethereum app is not open on the Ledger (status 0x%04x): open it and try again", sw);
	case LEDGER_SW_REFUSED:
		return fail(err, errlen, LEDGER_EREFUSED, "refused on the Ledger (status 0x6985)");
	case LEDGER_SW_BLIND:
		return fail(err, errlen, LEDGER_EBLIND,
			"the Ethereum app refuses to sign this without blind signing (status 0x6a80): "
			"enable \"Blind signing\" in the app's settings on the device");
	default:
		return fail(err, errlen, LEDGER_ESTATUS, "the Ledger answered with status 0x%04x", sw);
	}
}

/* ---- paths ----------------------------------------------------------------------------------- */

int ledger_path_parse(struct ledger_path *out, const char *text, char *err, size_t errlen)
{
	struct hd_path hp;
	char buf[HD_PATH_TEXT_SIZE + 3];
	char why[160] = "";

	memset(out, 0, sizeof(*out));
	if (!text || strlen(text) > HD_PATH_TEXT_SIZE)
		return fail(err, errlen, CD_EINVAL, "not a derivation path");
	/* hd's one parser; Ledger's own tools write paths without the "m/" */
	snprintf(buf, sizeof(buf), "%s%s", text[0] == 'm' ? "" : "m/", text);
	if (hd_path_parse(&hp, buf, why, sizeof(why)) != CD_OK)
		return fail(err, errlen, CD_EINVAL, "derivation path \"%s\": %s", text, why);
	if (hp.len == 0 || hp.len > LEDGER_PATH_MAX)
		return fail(err, errlen, CD_EINVAL, "derivation path \"%s\": the Ethereum app takes 1 to %d levels",
			text, LEDGER_PATH_MAX);
	memcpy(out->index, hp.index, hp.len * sizeof(hp.index[0]));
	out->len = hp.len;
	return CD_OK;
}

int ledger_path_format(char *out, size_t cap, const struct ledger_path *p)
{
	struct hd_path hp;
	int rc;

	memset(&hp, 0, sizeof(hp));
	memcpy(hp.index, p->index, p->len * sizeof(p->index[0]));
	hp.len = p->len;
	rc = hd_path_format(out, cap, &hp);
	return rc < 0 ? rc : CD_OK;
}

int ledger_path_for(struct ledger_path *out, const char *style, uint32_t i, char *err, size_t errlen)
{
	char text[HD_PATH_TEXT_SIZE];
	const char *at;

	if (i >= HD_HARDENED)
		return fail(err, errlen, CD_EINVAL, "account index %u too large", (unsigned)i);
	if (strcmp(style, "live") == 0) {
		snprintf(text, sizeof(text), "m/44'/60'/%u'/0/0", (unsigned)i);
	} else if (strcmp(style, "legacy") == 0) {
		snprintf(text, sizeof(text), "m/44'/60'/0'/%u", (unsigned)i);
	} else {
		at = strstr(style, "{i}");
		if (!at || strstr(at + 3, "{i}"))
			return fail(err, errlen, CD_EINVAL,
				"path style \"%s\": live, legacy, or a path with one {i} (m/44'/60'/0'/0/{i})", style);
		if (strlen(style) + 10 >= sizeof(text))
			return fail(err, errlen, CD_EINVAL, "path template too long");
		snprintf(text, sizeof(text), "%.*s%u%s", (int)(at - style), style, (unsigned)i, at + 3);
	}
	return ledger_path_parse(out, text, err, errlen);
}

/* ---- APDUs ----------------------------------------------------------------------------------- */

static void apdu_head(struct ledger_apdu *a, uint8_t ins, uint8_t p1, uint8_t p2)
{
	a->b[0] = CLA;
	a->b[1] = ins;
	a->b[2] = p1;
	a->b[3] = p2;
	a->b[4] = 0;
	a->len = 5;
}

static void apdu_put(struct ledger_apdu *a, const uint8_t *p, size_t n)
{
	/* callers size every APDU below 255 data bytes: an overflow is a bug, not input */
	if (n > LEDGER_APDU_MAX - a->len)
		abort();
	memcpy(a->b + a->len, p, n);
	a->len += n;
	a->b[4] = (uint8_t)(a->len - 5);
}

static void apdu_put_path(struct ledger_apdu *a, const struct ledger_path *p)
{
	uint8_t b[1 + 4 * LEDGER_PATH_MAX];

	b[0] = (uint8_t)p->len;
	for (size_t i = 0; i < p->len; i++)
		put_be32(b + 1 + 4 * i, p->index[i]);
	apdu_put(a, b, 1 + 4 * p->len);
}

void ledger_apdu_app_config(struct ledger_apdu *a)
{
	apdu_head(a, INS_APP_CONFIG, 0, 0);
}

int ledger_parse_app_config(const uint8_t *data, size_t len, struct ledger_app_config *out,
	char *err, size_t errlen)
{
	if (len < 4)
		return fail(err, errlen, CD_EPROTO, "app configuration of %zu bytes, expected 4", len);
	out->flags = data[0];
	out->major = data[1];
	out->minor = data[2];
	out->patch = data[3];
	return CD_OK;
}

void ledger_apdu_get_address(struct ledger_apdu *a, const struct ledger_path *p, bool display,
	bool has_chain_id, uint64_t chain_id)
{
	apdu_head(a, INS_GET_ADDRESS, display ? 1 : 0, 0);
	apdu_put_path(a, p);
	if (has_chain_id) {
		uint8_t c[8];

		put_be32(c, (uint32_t)(chain_id >> 32));
		put_be32(c + 4, (uint32_t)chain_id);
		apdu_put(a, c, 8);
	}
}

int ledger_parse_address(const uint8_t *data, size_t len, struct ledger_address *out,
	char *err, size_t errlen)
{
	char text[2 + 40 + 1];
	struct address from_key;
	size_t klen, alen;

	memset(out, 0, sizeof(*out));
	if (len < 1 || data[0] != 65 || len < 1 + 65 + 1)
		return fail(err, errlen, CD_EPROTO, "the address answer has no 65-byte public key");
	klen = data[0];
	alen = data[1 + klen];
	if (alen != 40 || len < 1 + klen + 1 + alen)
		return fail(err, errlen, CD_EPROTO, "the address answer has no 40-digit address");
	if (data[1] != 0x04)
		return fail(err, errlen, CD_EPROTO, "the public key is not uncompressed (0x04...)");
	memcpy(out->pubkey, data + 1, 65);
	text[0] = '0';
	text[1] = 'x';
	memcpy(text + 2, data + 1 + klen + 1, 40);
	text[42] = '\0';
	/* mixed case must be the EIP-55 checksum, as address_parse holds every address to */
	if (address_parse(&out->address, text, 42) != CD_OK)
		return fail(err, errlen, CD_EPROTO, "the device's address text is not a valid address");
	address_from_pubkey(&from_key, out->pubkey + 1);
	if (memcmp(from_key.b, out->address.b, ADDRESS_SIZE) != 0)
		return fail(err, errlen, CD_EPROTO, "the device's address is not the address of its public key");
	return CD_OK;
}

/*
 * Where a legacy EIP-155 payload's chainId, 0, 0 tail starts (0 when the
 * payload has none): hw-app-eth's vrsOffset. The tail is the last three items
 * of the payload's list.
 */
static size_t eip155_tail_offset(const uint8_t *payload, size_t len)
{
	struct rlp_item list, it;
	struct rlp_iter iter;
	const uint8_t *starts[3] = { NULL, NULL, NULL };
	size_t count = 0;

	if (len == 0 || payload[0] < 0xc0)
		return 0; /* typed (0x01, 0x02 ...) or not a list */
	if (rlp_decode(&list, payload, len) != CD_OK || rlp_iter_init(&iter, list) != CD_OK)
		return 0;
	for (;;) {
		const uint8_t *at = iter.p;

		if (rlp_list_next(&iter, &it) != 1)
			break;
		starts[0] = starts[1];
		starts[1] = starts[2];
		starts[2] = at;
		count++;
	}
	if (count <= 6)
		return 0; /* pre-EIP-155: six fields, no tail */
	/* the tail begins at the encoding of the chain id, the third item from the end */
	return (size_t)(starts[0] - payload);
}

/*
 * Cuts data into APDUs of INS ins: the first carries head (the path and what
 * follows it) and data's start, up to LEDGER_CHUNK bytes in all; the others
 * LEDGER_CHUNK bytes of data, except that a chunk that would reach tail (> 0)
 * takes all the rest.
 */
static int chunk_apdus(uint8_t ins, const uint8_t *head, size_t headlen, const uint8_t *data, size_t len,
	size_t tail, struct ledger_apdu **out, size_t *n)
{
	struct ledger_apdu *v = NULL;
	size_t cnt = 0, cap = 0, off = 0;

	*out = NULL;
	*n = 0;
	do {
		bool first = off == 0;
		size_t max = first ? LEDGER_CHUNK - headlen : LEDGER_CHUNK;
		size_t take = len - off < max ? len - off : max;

		if (tail != 0 && off + take >= tail)
			take = len - off;
		if (take + (first ? headlen : 0) > 255) {
			free(v);
			return CD_ERANGE;
		}
		if (cnt == cap) {
			cap = cap ? cap * 2 : 4;
			v = xrealloc(v, cap * sizeof(*v));
		}
		apdu_head(&v[cnt], ins, first ? P1_FIRST : P1_MORE, 0);
		if (first)
			apdu_put(&v[cnt], head, headlen);
		apdu_put(&v[cnt], data + off, take);
		cnt++;
		off += take;
	} while (off < len);
	*out = v;
	*n = cnt;
	return CD_OK;
}

static size_t path_bytes(const struct ledger_path *p, uint8_t *b)
{
	b[0] = (uint8_t)p->len;
	for (size_t i = 0; i < p->len; i++)
		put_be32(b + 1 + 4 * i, p->index[i]);
	return 1 + 4 * p->len;
}

int ledger_apdus_sign_tx(const struct ledger_path *p, const uint8_t *payload, size_t len,
	struct ledger_apdu **out, size_t *n)
{
	uint8_t head[1 + 4 * LEDGER_PATH_MAX];
	size_t hl = path_bytes(p, head);

	*out = NULL;
	*n = 0;
	if (len == 0)
		return CD_EINVAL;
	return chunk_apdus(INS_SIGN_TX, head, hl, payload, len, eip155_tail_offset(payload, len), out, n);
}

int ledger_apdus_sign_message(const struct ledger_path *p, const uint8_t *msg, size_t len,
	struct ledger_apdu **out, size_t *n)
{
	uint8_t head[1 + 4 * LEDGER_PATH_MAX + 4];
	size_t hl = path_bytes(p, head);

	*out = NULL;
	*n = 0;
	if (len > 0xffffffffu)
		return CD_EINVAL;
	put_be32(head + hl, (uint32_t)len);
	return chunk_apdus(INS_SIGN_MESSAGE, head, hl + 4, msg, len, 0, out, n);
}

void ledger_apdu_sign_eip712_hashed(struct ledger_apdu *a, const struct ledger_path *p,
	const uint8_t domain_separator[32], const uint8_t struct_hash[32])
{
	apdu_head(a, INS_SIGN_EIP712, 0, 0);
	apdu_put_path(a, p);
	apdu_put(a, domain_separator, 32);
	apdu_put(a, struct_hash, 32);
}

int ledger_parse_sig(const uint8_t *data, size_t len, struct ledger_sig *out, char *err, size_t errlen)
{
	if (len != 65)
		return fail(err, errlen, CD_EPROTO, "a signature answer of %zu bytes, expected 65", len);
	out->v = data[0];
	memcpy(out->r, data + 1, 32);
	memcpy(out->s, data + 33, 32);
	return CD_OK;
}

int ledger_tx_parity(const struct tx *t, uint8_t v, uint8_t *parity, char *err, size_t errlen)
{
	uint8_t cid[8];
	size_t n = 0, take;
	uint32_t trunc = 0;
	unsigned low;

	if (t->type != TX_LEGACY) {
		if (v > 1)
			return fail(err, errlen, CD_EPROTO, "the device returned v = %u for a typed transaction", v);
		*parity = v;
		return CD_OK;
	}
	if (!t->has_chain_id) {
		if (v != 27 && v != 28)
			return fail(err, errlen, CD_EPROTO, "the device returned v = %u, expected 27 or 28", v);
		*parity = (uint8_t)(v - 27);
		return CD_OK;
	}
	/* The app reads at most the first four bytes of the chain id's minimal big-endian encoding. */
	for (int i = 7; i >= 0; i--) {
		uint8_t b = (uint8_t)(t->chain_id >> (8 * i));

		if (n == 0 && b == 0)
			continue;
		cid[n++] = b;
	}
	take = n < 4 ? n : 4;
	for (size_t i = 0; i < take; i++)
		trunc = trunc << 8 | cid[i];
	low = (unsigned)((35u + 2u * trunc) & 0xff);
	if (v == low || v == ((low + 1) & 0xff)) {
		*parity = (uint8_t)((v - low) & 0xff);
		return CD_OK;
	}
	return fail(err, errlen, CD_EPROTO,
		"the device returned v = 0x%02x, which fits no signature for chain id %llu (expected 0x%02x or 0x%02x)",
		v, (unsigned long long)t->chain_id, low, (low + 1) & 0xff);
}

/* ---- replay files ---------------------------------------------------------------------------- */

void ledger_replay_free(struct ledger_replay *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->steps[i].apdu);
		free(r->steps[i].answer);
	}
	free(r->steps);
	memset(r, 0, sizeof(*r));
}

/* The hex after "=> " or "<= " (spaces around it allowed) into a malloc'd buffer. */
static int line_hex(const char *s, size_t len, uint8_t **out, size_t *outlen)
{
	size_t a = 0, b = len;
	uint8_t *buf;

	while (a < b && (s[a] == ' ' || s[a] == '\t'))
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r'))
		b--;
	if (a == b || (b - a) % 2 != 0)
		return CD_EINVAL;
	buf = xmalloc((b - a) / 2);
	if (hex_decode(buf, (b - a) / 2, outlen, s + a, b - a) != CD_OK || *outlen != (b - a) / 2) {
		free(buf);
		return CD_EINVAL;
	}
	*out = buf;
	return CD_OK;
}

int ledger_replay_parse(const char *text, size_t len, struct ledger_replay *out, char *err, size_t errlen)
{
	size_t pos = 0, cap = 0;
	unsigned line = 0;
	bool open = false; /* an "=>" waits for its "<=" */

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos, a = 0;

		pos += l + (nl ? 1 : 0);
		line++;
		while (a < l && (s[a] == ' ' || s[a] == '\t'))
			a++;
		if (l - a >= 2 && s[a] == '=' && s[a + 1] == '>') {
			struct ledger_replay_step *st;

			if (open) {
				unsigned at = out->steps[out->n - 1].line;

				ledger_replay_free(out);
				return fail(err, errlen, CD_EINVAL, "line %u: \"=>\" before the answer to line %u", line, at);
			}
			if (out->n == cap) {
				cap = cap ? cap * 2 : 8;
				out->steps = xrealloc(out->steps, cap * sizeof(*out->steps));
			}
			st = &out->steps[out->n];
			memset(st, 0, sizeof(*st));
			st->line = line;
			if (line_hex(s + a + 2, l - a - 2, &st->apdu, &st->apdu_len) != CD_OK || st->apdu_len < 5) {
				free(st->apdu); /* not counted in out->n yet */
				ledger_replay_free(out);
				return fail(err, errlen, CD_EINVAL, "line %u: an APDU is hex of at least 5 bytes", line);
			}
			out->n++;
			open = true;
		} else if (l - a >= 2 && s[a] == '<' && s[a + 1] == '=') {
			struct ledger_replay_step *st;

			if (!open) {
				ledger_replay_free(out);
				return fail(err, errlen, CD_EINVAL, "line %u: an answer without an \"=>\" before it", line);
			}
			st = &out->steps[out->n - 1];
			if (line_hex(s + a + 2, l - a - 2, &st->answer, &st->answer_len) != CD_OK ||
					st->answer_len < 2 || st->answer_len > LEDGER_ANSWER_MAX) {
				ledger_replay_free(out);
				return fail(err, errlen, CD_EINVAL,
					"line %u: an answer is hex of 2 to %d bytes (data, then the status word)", line,
					LEDGER_ANSWER_MAX);
			}
			open = false;
		}
		/* anything else (comments, case names, descriptions) is not part of the exchange */
	}
	/* still open here: the last APDU is never answered (see ledger.h) */
	return CD_OK;
}
