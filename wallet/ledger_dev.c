/*
 * ledger_dev — a Ledger device handle: the USB HID transport through hidapi
 * (hidraw backend), or the replay of a recorded exchange in its place, and
 * the Ethereum app's operations on top of either. Contracts in ledger.h.
 *
 * Every call here blocks until the device answers (the user may take a
 * minute to confirm): callers on a UI run them on a worker thread. A handle
 * keeps all of its state; nothing is shared between handles but hidapi's
 * one-time initialisation.
 */
#include "wallet/ledger.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include <hidapi/hidapi.h>

#include "common/errmsg.h"
#include "common/fsutil.h"
#include "common/hex.h"
#include "common/xalloc.h"

#define fail(err, errlen, rc, ...) (set_err(err, errlen, __VA_ARGS__), (rc))

enum {
	REPLAY_FILE_MAX = 4 * 1024 * 1024,
	DESC_MAX = 128
};

struct ledger {
	int timeout_ms;
	atomic_bool cancel;   /* ledger_cancel: set by another thread */
	char desc[DESC_MAX];
	/* a device ... */
	hid_device *hid;
	/* ... or a replay */
	char *replay_path;
	struct ledger_replay replay;
	size_t next;
};

/* ---- hidapi ---------------------------------------------------------------------------------- */

static pthread_once_t hid_once = PTHREAD_ONCE_INIT;
static int hid_init_rc;

static void hid_init_once(void)
{
	hid_init_rc = hid_init();
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The Ledger's APDU interface: vendor 0x2c97 and usage page 0xffa0, or
 * interface 0 where the backend reports no usage page (hw-transport-node-hid's
 * rule too).
 */
static int hid_open_first(struct ledger *l, char *err, size_t errlen)
{
	struct hid_device_info *list, *d;
	char path[512] = "";

	pthread_once(&hid_once, hid_init_once);
	if (hid_init_rc != 0)
		return fail(err, errlen, LEDGER_ENODEV, "no Ledger found: USB HID (hidapi) cannot be initialised here");
	list = hid_enumerate(LEDGER_VENDOR_ID, 0);
	for (d = list; d; d = d->next) {
		if (d->usage_page == LEDGER_USAGE_PAGE || (d->usage_page == 0 && d->interface_number == 0)) {
			snprintf(path, sizeof(path), "%s", d->path);
			if (d->product_string)
				snprintf(l->desc, sizeof(l->desc), "%ls", d->product_string);
			break;
		}
	}
	hid_free_enumeration(list);
	if (!path[0])
		return fail(err, errlen, LEDGER_ENODEV,
			"no Ledger found: connect it, unlock it and open the Ethereum app "
			"(on Linux the udev rule of Ledger must give you access: see the README)");
	l->hid = hid_open_path(path);
	if (!l->hid)
		return fail(err, errlen, LEDGER_ENODEV,
			"cannot open the Ledger at %s: no permission? (on Linux install Ledger's udev rule: see the README)",
			path);
	if (!l->desc[0])
		snprintf(l->desc, sizeof(l->desc), "Ledger");
	return CD_OK;
}

static int hid_xfer(struct ledger *l, const struct ledger_apdu *a, uint8_t *ans, size_t *anslen,
	char *err, size_t errlen)
{
	uint8_t reports[LEDGER_REPORT_SIZE * 8];
	struct ledger_deframer d;
	long long deadline = now_ms() + l->timeout_ms;
	int n = ledger_frame_encode(LEDGER_CHANNEL, a->b, a->len, reports, sizeof(reports));

	if (n < 0)
		return fail(err, errlen, CD_EINVAL, "APDU of %zu bytes cannot be framed", a->len);
	for (int i = 0; i < n; i++) {
		uint8_t out[1 + LEDGER_REPORT_SIZE];

		out[0] = 0; /* report id: the device has only one */
		memcpy(out + 1, reports + (size_t)i * LEDGER_REPORT_SIZE, LEDGER_REPORT_SIZE);
		if (hid_write(l->hid, out, sizeof(out)) < 0)
			return fail(err, errlen, CD_EIO, "writing to the Ledger failed: %ls",
				hid_error(l->hid) ? hid_error(l->hid) : L"unknown error");
	}
	ledger_deframe_init(&d, LEDGER_CHANNEL);
	for (;;) {
		uint8_t in[LEDGER_REPORT_SIZE];
		long long left = deadline - now_ms();
		int got, rc;

		if (atomic_load(&l->cancel))
			return fail(err, errlen, LEDGER_ECANCEL, "cancelled while waiting for the Ledger");
		if (left <= 0)
			return fail(err, errlen, LEDGER_ETIMEOUT, "the Ledger did not answer within %d s",
				l->timeout_ms / 1000);
		got = hid_read_timeout(l->hid, in, sizeof(in), left > 1000 ? 1000 : (int)left);
		if (got < 0)
			return fail(err, errlen, CD_EIO, "reading from the Ledger failed (disconnected?)");
		if (got == 0)
			continue;
		rc = ledger_deframe_add(&d, in, (size_t)got, err, errlen);
		if (rc < 0)
			return rc;
		if (rc == 1)
			break;
	}
	memcpy(ans, d.data, d.total);
	*anslen = d.total;
	return CD_OK;
}

/* ---- replay ---------------------------------------------------------------------------------- */

static int replay_open(struct ledger *l, const char *path, char *err, size_t errlen)
{
	char *text = NULL, why[LEDGER_ERR_MAX] = "";
	size_t len = 0;
	int rc = fsutil_read(path, REPLAY_FILE_MAX, FSUTIL_FOLLOW, &text, &len, why, sizeof(why));

	if (rc != CD_OK)
		return fail(err, errlen, rc == CD_ENOTFOUND ? CD_ENOTFOUND : CD_EIO,
			"Ledger replay file %s: %s", path, why[0] ? why : cd_strerror(rc));
	rc = ledger_replay_parse(text, len, &l->replay, why, sizeof(why));
	free(text);
	if (rc != CD_OK)
		return fail(err, errlen, rc, "Ledger replay file %s: %s", path, why);
	l->replay_path = xstrdup(path);
	{
		const char *base = strrchr(path, '/');

		snprintf(l->desc, sizeof(l->desc), "replay of %s", base ? base + 1 : path);
	}
	return CD_OK;
}

static int replay_xfer(struct ledger *l, const struct ledger_apdu *a, uint8_t *ans, size_t *anslen,
	char *err, size_t errlen)
{
	const struct ledger_replay_step *st;
	char sent[2 * LEDGER_APDU_MAX + 1], want[2 * LEDGER_APDU_MAX + 1];

	hex_encode(sent, sizeof(sent), a->b, a->len, 0);
	if (l->next >= l->replay.n)
		return fail(err, errlen, LEDGER_EREPLAY,
			"Ledger replay %s: the recording has no more exchanges, but chaindeck sent %s",
			l->replay_path, sent);
	st = &l->replay.steps[l->next];
	if (st->apdu_len > LEDGER_APDU_MAX || st->apdu_len != a->len || memcmp(st->apdu, a->b, a->len) != 0) {
		if (st->apdu_len > LEDGER_APDU_MAX)
			snprintf(want, sizeof(want), "(%zu bytes: longer than any APDU)", st->apdu_len);
		else
			hex_encode(want, sizeof(want), st->apdu, st->apdu_len, 0);
		return fail(err, errlen, LEDGER_EREPLAY,
			"Ledger replay %s line %u: chaindeck sent  %s  but the recording has  %s", l->replay_path,
			st->line, sent, want);
	}
	if (!st->answer) {
		/* a device that has not answered yet: wait as for one */
		long long deadline = now_ms() + l->timeout_ms;
		struct timespec tick = { 0, 50 * 1000 * 1000 };

		while (!atomic_load(&l->cancel) && now_ms() < deadline)
			nanosleep(&tick, NULL);
		if (atomic_load(&l->cancel))
			return fail(err, errlen, LEDGER_ECANCEL, "cancelled while waiting for the Ledger");
		return fail(err, errlen, LEDGER_ETIMEOUT, "the Ledger did not answer within %d s", l->timeout_ms / 1000);
	}
	memcpy(ans, st->answer, st->answer_len);
	*anslen = st->answer_len;
	l->next++;
	return CD_OK;
}

/* ---- handle ---------------------------------------------------------------------------------- */

int ledger_open(struct ledger **out, const char *replay_path, int timeout_ms, char *err, size_t errlen)
{
	struct ledger *l = xcalloc(1, sizeof(*l));
	int rc;

	*out = NULL;
	l->timeout_ms = timeout_ms > 0 ? timeout_ms : LEDGER_TIMEOUT_MS;
	atomic_init(&l->cancel, false);
	rc = replay_path ? replay_open(l, replay_path, err, errlen) : hid_open_first(l, err, errlen);
	if (rc != CD_OK) {
		ledger_close(l);
		return rc;
	}
	*out = l;
	return CD_OK;
}

void ledger_cancel(struct ledger *l)
{
	if (l)
		atomic_store(&l->cancel, true);
}

void ledger_close(struct ledger *l)
{
	if (!l)
		return;
	if (l->hid)
		hid_close(l->hid);
	ledger_replay_free(&l->replay);
	free(l->replay_path);
	free(l);
}

const char *ledger_description(const struct ledger *l)
{
	return l->desc;
}

int ledger_exchange(struct ledger *l, const struct ledger_apdu *a, uint8_t *out, size_t cap,
	size_t *outlen, unsigned *sw, char *err, size_t errlen)
{
	uint8_t ans[LEDGER_ANSWER_MAX];
	size_t n = 0;
	unsigned w;
	int rc;

	*outlen = 0;
	if (sw)
		*sw = 0;
	if (atomic_load(&l->cancel))
		return fail(err, errlen, LEDGER_ECANCEL, "cancelled before the Ledger was asked");
	rc = l->hid ? hid_xfer(l, a, ans, &n, err, errlen) : replay_xfer(l, a, ans, &n, err, errlen);
	if (rc != CD_OK)
		return rc;
	if (n < 2)
		return fail(err, errlen, CD_EPROTO, "the Ledger's answer has no status word");
	w = (unsigned)ans[n - 2] << 8 | ans[n - 1];
	if (sw)
		*sw = w;
	rc = ledger_status_error(w, err, errlen);
	if (rc != CD_OK)
		return rc;
	if (n - 2 > cap)
		return fail(err, errlen, CD_EPROTO, "the Ledger's answer is %zu bytes, more than expected", n - 2);
	memcpy(out, ans, n - 2);
	*outlen = n - 2;
	return CD_OK;
}

/* ---- operations ------------------------------------------------------------------------------ */

int ledger_get_app_config(struct ledger *l, struct ledger_app_config *out, char *err, size_t errlen)
{
	struct ledger_apdu a;
	uint8_t ans[LEDGER_ANSWER_MAX];
	size_t n;
	int rc;

	ledger_apdu_app_config(&a);
	rc = ledger_exchange(l, &a, ans, sizeof(ans), &n, NULL, err, errlen);
	return rc != CD_OK ? rc : ledger_parse_app_config(ans, n, out, err, errlen);
}

int ledger_get_address(struct ledger *l, const struct ledger_path *p, bool display, bool has_chain_id,
	uint64_t chain_id, struct ledger_address *out, char *err, size_t errlen)
{
	struct ledger_apdu a;
	uint8_t ans[LEDGER_ANSWER_MAX];
	size_t n;
	int rc;

	ledger_apdu_get_address(&a, p, display, has_chain_id, chain_id);
	rc = ledger_exchange(l, &a, ans, sizeof(ans), &n, NULL, err, errlen);
	return rc != CD_OK ? rc : ledger_parse_address(ans, n, out, err, errlen);
}

/* Sends apdus in order; the last answer is the signature. */
static int sign_sequence(struct ledger *l, const struct ledger_apdu *v, size_t cnt, struct ledger_sig *sig,
	char *err, size_t errlen)
{
	uint8_t ans[LEDGER_ANSWER_MAX];
	size_t n = 0;
	int rc;

	for (size_t i = 0; i < cnt; i++) {
		rc = ledger_exchange(l, &v[i], ans, sizeof(ans), &n, NULL, err, errlen);
		if (rc != CD_OK)
			return rc;
		if (i + 1 < cnt && n != 0)
			return fail(err, errlen, CD_EPROTO, "the Ledger answered chunk %zu of %zu with data", i + 1, cnt);
	}
	return ledger_parse_sig(ans, n, sig, err, errlen);
}

int ledger_sign_tx(struct ledger *l, const struct ledger_path *p, const struct tx *t,
	struct tx_raw *out, char *err, size_t errlen)
{
	struct ledger_apdu *v = NULL;
	struct ledger_sig sig;
	struct tx_sig ts;
	uint8_t *payload = NULL;
	size_t len = 0, cnt = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = tx_signing_payload(t, &payload, &len);
	if (rc != CD_OK)
		return fail(err, errlen, rc, "the transaction cannot be encoded");
	rc = ledger_apdus_sign_tx(p, payload, len, &v, &cnt);
	free(payload);
	if (rc != CD_OK)
		return fail(err, errlen, rc, "the transaction cannot be cut into APDUs");
	rc = sign_sequence(l, v, cnt, &sig, err, errlen);
	free(v);
	if (rc != CD_OK)
		return rc;
	memset(&ts, 0, sizeof(ts));
	rc = ledger_tx_parity(t, sig.v, &ts.y_parity, err, errlen);
	if (rc != CD_OK)
		return rc;
	u256_from_be(&ts.r, sig.r, 32);
	u256_from_be(&ts.s, sig.s, 32);
	rc = tx_encode_signed(t, &ts, out);
	if (rc != CD_OK)
		return fail(err, errlen, rc, "the device's signature does not encode: %s", cd_strerror(rc));
	return CD_OK;
}

/* r || s || v (27/28) from the app's v, r, s. */
static int sig65(const struct ledger_sig *s, uint8_t out[65], char *err, size_t errlen)
{
	uint8_t v = s->v;

	if (v == 0 || v == 1)
		v = (uint8_t)(v + 27);
	if (v != 27 && v != 28)
		return fail(err, errlen, CD_EPROTO, "the device returned v = %u, expected 27 or 28", s->v);
	memcpy(out, s->r, 32);
	memcpy(out + 32, s->s, 32);
	out[64] = v;
	return CD_OK;
}

int ledger_sign_message(struct ledger *l, const struct ledger_path *p, const uint8_t *msg, size_t len,
	uint8_t sig[65], char *err, size_t errlen)
{
	struct ledger_apdu *v = NULL;
	struct ledger_sig s;
	size_t cnt = 0;
	int rc = ledger_apdus_sign_message(p, msg, len, &v, &cnt);

	if (rc != CD_OK)
		return fail(err, errlen, rc, "the message cannot be cut into APDUs");
	rc = sign_sequence(l, v, cnt, &s, err, errlen);
	free(v);
	return rc != CD_OK ? rc : sig65(&s, sig, err, errlen);
}

int ledger_sign_eip712_hashed(struct ledger *l, const struct ledger_path *p,
	const uint8_t domain_separator[32], const uint8_t struct_hash[32], uint8_t sig[65],
	char *err, size_t errlen)
{
	struct ledger_apdu a;
	struct ledger_sig s;
	int rc;

	ledger_apdu_sign_eip712_hashed(&a, p, domain_separator, struct_hash);
	rc = sign_sequence(l, &a, 1, &s, err, errlen);
	return rc != CD_OK ? rc : sig65(&s, sig, err, errlen);
}
