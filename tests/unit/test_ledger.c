/*
 * test_ledger — the Ledger layers (wallet/ledger.h) held to exchanges recorded
 * from real devices by Ledger's own library (tests/vectors/ledger/): HID
 * reports byte for byte, every APDU byte for byte, every answer parsed to the
 * r, s, v, address and public key that library returns; then the status
 * words, the replay transport and its mismatch report.
 */
#include "wallet/ledger.h"
#include "tests/lib/test.h"
#include "tests/lib/tmpdir.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/rlp.h"

#define ETH_APP "tests/vectors/ledger/eth-app.txt"
#define HID_FRAMES "tests/vectors/ledger/hid-frames.txt"

/* ---- the vector files: "case NAME" blocks of "key value" lines ------------------------------ */

struct vcase {
	char name[160];
	char *block;       /* the case's text, for ledger_replay_parse */
	size_t blocklen;
};

static size_t load_cases(const char *path, struct vcase *out, size_t max, char **textp)
{
	size_t len = 0, n = 0;
	char *text = test_read_file(path, &len), *p = text;

	*textp = text;
	while ((p = strstr(p, "\ncase ")) != NULL && n < max) {
		char *name = p + 6, *nl = strchr(name, '\n'), *next;

		if (!nl)
			break;
		snprintf(out[n].name, sizeof(out[n].name), "%.*s", (int)(nl - name), name);
		next = strstr(nl, "\ncase ");
		out[n].block = nl + 1;
		out[n].blocklen = next ? (size_t)(next - nl - 1) : strlen(nl + 1);
		n++;
		p = nl;
	}
	return n;
}

static const struct vcase *find_case(const struct vcase *c, size_t n, const char *prefix)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(c[i].name, prefix, strlen(prefix)) == 0)
			return &c[i];
	return NULL;
}

/* The value of "key VALUE" in a case (the k-th such line, from 0), malloc'd; NULL when absent. */
static char *field_n(const struct vcase *c, const char *key, int k)
{
	size_t kl = strlen(key);
	const char *p = c->block, *end = c->block + c->blocklen;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (l > kl && strncmp(p, key, kl) == 0 && p[kl] == ' ' && k-- == 0) {
			char *v = malloc(l - kl);

			memcpy(v, p + kl + 1, l - kl - 1);
			v[l - kl - 1] = '\0';
			return v;
		}
		p += l + 1;
	}
	return NULL;
}

static char *field(const struct vcase *c, const char *key)
{
	return field_n(c, key, 0);
}

/* "name=value" from the case's expect line, into out (empty when absent). */
static void expect_of(const struct vcase *c, const char *name, char *out, size_t cap)
{
	char *e = field(c, "expect"), *p;
	size_t nl = strlen(name);

	out[0] = '\0';
	if (!e)
		return;
	for (p = e; (p = strstr(p, name)) != NULL; p++) {
		if ((p == e || p[-1] == ' ') && p[nl] == '=') {
			size_t l = strcspn(p + nl + 1, " ");

			snprintf(out, cap, "%.*s", (int)l, p + nl + 1);
			break;
		}
	}
	free(e);
}

static uint8_t *unhex(const char *s, size_t *len)
{
	size_t l = strlen(s);
	uint8_t *b = malloc(l / 2 + 1);

	if (hex_decode(b, l / 2 + 1, len, s, l) != CD_OK) {
		free(b);
		return NULL;
	}
	return b;
}

static void hexof(const uint8_t *b, size_t n, char *out, size_t cap)
{
	hex_encode(out, cap, b, n, 0);
}

static struct vcase cases_eth[32];
static size_t ncases_eth;
static char *eth_text;

static void load_eth(void)
{
	if (!eth_text)
		ncases_eth = load_cases(ETH_APP, cases_eth, 32, &eth_text);
}

static int replay_of(const struct vcase *c, struct ledger_replay *r)
{
	char err[LEDGER_ERR_MAX];

	return ledger_replay_parse(c->block, c->blocklen, r, err, sizeof(err));
}

/* ---- framing --------------------------------------------------------------------------------- */

static void test_framing_matches_recorded_reports(void)
{
	struct vcase c[8];
	char *text;
	size_t n = load_cases(HID_FRAMES, c, 8, &text);
	int seen = 0;

	CHECK_INT(n, 4);
	for (size_t i = 0; i < n; i++) {
		char *apdu = field(&c[i], "apdu"), *answer = field(&c[i], "answer");
		uint8_t want[LEDGER_REPORT_SIZE * 4], got[LEDGER_REPORT_SIZE * 4];
		size_t nrep = 0;
		char *r;

		while ((r = field_n(&c[i], "report", (int)nrep)) != NULL) {
			size_t l = 0;
			uint8_t *b = unhex(r, &l);

			CHECK_MSG(b && l == LEDGER_REPORT_SIZE, "%s: report %zu is not 64 bytes", c[i].name, nrep);
			if (b && l == LEDGER_REPORT_SIZE)
				memcpy(want + nrep * LEDGER_REPORT_SIZE, b, LEDGER_REPORT_SIZE);
			free(b);
			free(r);
			nrep++;
		}
		if (apdu) {
			size_t l = 0;
			uint8_t *b = unhex(apdu, &l);
			int k = ledger_frame_encode(LEDGER_CHANNEL, b, l, got, sizeof(got));

			CHECK_MSG(k == (int)nrep, "%s: %d reports, recorded %zu", c[i].name, k, nrep);
			if (k == (int)nrep)
				CHECK_MSG(memcmp(got, want, nrep * LEDGER_REPORT_SIZE) == 0, "%s: reports differ", c[i].name);
			free(b);
			seen++;
		}
		if (answer) {
			struct ledger_deframer d;
			size_t l = 0;
			uint8_t *b = unhex(answer, &l);
			int rc = 0;

			ledger_deframe_init(&d, LEDGER_CHANNEL);
			for (size_t k = 0; k < nrep; k++) {
				rc = ledger_deframe_add(&d, want + k * LEDGER_REPORT_SIZE, LEDGER_REPORT_SIZE, NULL, 0);
				CHECK_MSG(rc == (k + 1 == nrep ? 1 : 0), "%s: report %zu gave %d", c[i].name, k, rc);
			}
			CHECK_MSG(d.total == l && memcmp(d.data, b, l) == 0, "%s: answer differs", c[i].name);
			free(b);
			seen++;
		}
		free(apdu);
		free(answer);
	}
	CHECK_INT(seen, 4);
	free(text);
}

static void test_deframer_rejects_wrong_channel_tag_and_sequence(void)
{
	uint8_t rep[LEDGER_REPORT_SIZE] = { 0x01, 0x01, 0x05, 0x00, 0x00, 0x00, 0x02, 0x90, 0x00 };
	struct ledger_deframer d;
	char err[200];

	ledger_deframe_init(&d, LEDGER_CHANNEL);
	CHECK_INT(ledger_deframe_add(&d, rep, sizeof(rep), err, sizeof(err)), 1);
	CHECK(d.total == 2 && d.data[0] == 0x90 && d.data[1] == 0x00);

	rep[0] = 0x02;
	ledger_deframe_init(&d, LEDGER_CHANNEL);
	CHECK_INT(ledger_deframe_add(&d, rep, sizeof(rep), err, sizeof(err)), LEDGER_EFRAME);
	CHECK(strstr(err, "channel 0x0201") != NULL);
	rep[0] = 0x01;
	rep[2] = 0x02; /* a ping, not an APDU */
	ledger_deframe_init(&d, LEDGER_CHANNEL);
	CHECK_INT(ledger_deframe_add(&d, rep, sizeof(rep), err, sizeof(err)), LEDGER_EFRAME);
	rep[2] = 0x05;
	rep[4] = 0x01; /* sequence 1 first */
	ledger_deframe_init(&d, LEDGER_CHANNEL);
	CHECK_INT(ledger_deframe_add(&d, rep, sizeof(rep), err, sizeof(err)), LEDGER_EFRAME);
	rep[4] = 0x00;
	rep[5] = 0x7f; /* 32 KiB announced */
	ledger_deframe_init(&d, LEDGER_CHANNEL);
	CHECK_INT(ledger_deframe_add(&d, rep, sizeof(rep), err, sizeof(err)), CD_EPROTO);
	ledger_deframe_init(&d, LEDGER_CHANNEL);
	CHECK_INT(ledger_deframe_add(&d, rep, 6, err, sizeof(err)), CD_EPROTO);
}

/* ---- APDUs and answers ----------------------------------------------------------------------- */

static void check_apdus(const char *name, const struct ledger_apdu *got, size_t n, const struct ledger_replay *r)
{
	CHECK_MSG(n == r->n, "%s: %zu APDUs, recorded %zu", name, n, r->n);
	for (size_t i = 0; i < n && i < r->n; i++) {
		char a[2 * LEDGER_APDU_MAX + 1], b[2 * LEDGER_APDU_MAX + 1];

		hexof(got[i].b, got[i].len, a, sizeof(a));
		hexof(r->steps[i].apdu, r->steps[i].apdu_len, b, sizeof(b));
		CHECK_MSG(strcmp(a, b) == 0, "%s: APDU %zu\n  ours     %s\n  recorded %s", name, i, a, b);
	}
}

static void test_app_configuration(void)
{
	const struct vcase *c;
	struct ledger_replay r;
	struct ledger_apdu a;
	struct ledger_app_config cfg;
	char v[32], want[32];

	load_eth();
	c = find_case(cases_eth, ncases_eth, "getAppConfiguration");
	CHECK(c != NULL && replay_of(c, &r) == CD_OK);
	if (!c)
		return;
	ledger_apdu_app_config(&a);
	check_apdus(c->name, &a, 1, &r);
	CHECK_INT(ledger_parse_app_config(r.steps[0].answer, r.steps[0].answer_len - 2, &cfg, NULL, 0), CD_OK);
	snprintf(v, sizeof(v), "%u.%u.%u", cfg.major, cfg.minor, cfg.patch);
	expect_of(c, "version", want, sizeof(want));
	CHECK_STR(v, want);
	expect_of(c, "arbitraryDataEnabled", want, sizeof(want));
	CHECK_INT(cfg.flags & 1, atoi(want));
	ledger_replay_free(&r);
}

static void test_get_address_with_and_without_chain_id(void)
{
	const char *names[] = { "getAddress", "getAddress with chain ID" };

	load_eth();
	for (size_t i = 0; i < 2; i++) {
		const struct vcase *c = NULL;
		struct ledger_replay r;
		struct ledger_apdu a;
		struct ledger_path p;
		struct ledger_address ad;
		char *path, *chain, got[200], want[200];

		for (size_t k = 0; k < ncases_eth; k++)
			if (strcmp(cases_eth[k].name, names[i]) == 0 ||
					(i == 1 && strncmp(cases_eth[k].name, names[i], strlen(names[i])) == 0))
				c = &cases_eth[k];
		CHECK_MSG(c != NULL, "no case %s", names[i]);
		if (!c || replay_of(c, &r) != CD_OK)
			continue;
		path = field(c, "path");
		chain = field(c, "chain");
		CHECK_INT(ledger_path_parse(&p, path, NULL, 0), CD_OK);
		/* hw-app-eth shows the address when it names a chain */
		ledger_apdu_get_address(&a, &p, chain != NULL, chain != NULL, chain ? strtoull(chain, NULL, 10) : 0);
		check_apdus(c->name, &a, 1, &r);
		CHECK_INT(ledger_parse_address(r.steps[0].answer, r.steps[0].answer_len - 2, &ad, NULL, 0), CD_OK);
		address_format(&ad.address, got);
		expect_of(c, "address", want, sizeof(want));
		CHECK_STR(got, want);
		hexof(ad.pubkey, 65, got, sizeof(got));
		expect_of(c, "publicKey", want, sizeof(want));
		CHECK_STR(got, want);
		free(path);
		free(chain);
		ledger_replay_free(&r);
	}
}

static void test_address_answer_must_match_its_public_key(void)
{
	const struct vcase *c;
	struct ledger_replay r;
	struct ledger_address ad;
	char err[200];

	load_eth();
	c = find_case(cases_eth, ncases_eth, "getAddress");
	if (!c || replay_of(c, &r) != CD_OK) {
		CHECK(0);
		return;
	}
	r.steps[0].answer[10] ^= 1; /* a key that is not the address's */
	CHECK_INT(ledger_parse_address(r.steps[0].answer, r.steps[0].answer_len - 2, &ad, err, sizeof(err)), CD_EPROTO);
	CHECK(strstr(err, "not the address of its public key") != NULL);
	r.steps[0].answer[10] ^= 1;
	CHECK_INT(ledger_parse_address(r.steps[0].answer, 40, &ad, err, sizeof(err)), CD_EPROTO);
	ledger_replay_free(&r);
}

/*
 * The fields of an unsigned payload that decide v: type, chain id. The list
 * header is skipped by hand: one recording (5-byte chain id) wraps a 53-byte
 * list in the long form f8 35, which strict RLP refuses and hw-app-eth takes.
 */
static void tx_shape(const uint8_t *payload, size_t len, struct tx *t)
{
	struct rlp_item it;
	size_t k = 0, off, used = 0;

	memset(t, 0, sizeof(*t));
	t->type = payload[0] < 0xc0 ? (enum tx_type)payload[0] : TX_LEGACY;
	off = t->type != TX_LEGACY ? 1 : 0;
	off += payload[off] >= 0xf8 ? 1 + (size_t)(payload[off] - 0xf7) : 1;
	for (; off < len; off += used, k++) {
		if (rlp_decode_item(&it, &used, payload + off, len - off) != CD_OK)
			return;
		if ((t->type != TX_LEGACY && k == 0) || (t->type == TX_LEGACY && k == 6)) {
			t->has_chain_id = true;
			rlp_item_u64(it, &t->chain_id);
		}
	}
}

/* The full v the signed transaction carries, as hex without leading zero pairs: hw-app-eth's "v". */
static void full_v(const struct tx *t, uint8_t parity, char *out, size_t cap)
{
	unsigned long long v = t->type != TX_LEGACY ? parity :
		t->has_chain_id ? 35 + 2 * t->chain_id + parity : 27u + parity;
	char tmp[40];
	size_t l;

	snprintf(tmp, sizeof(tmp), "%llx", v);
	l = strlen(tmp);
	snprintf(out, cap, "%s%s", l % 2 ? "0" : "", tmp);
}

/* Recordings whose answer is another transaction's signature (see below). */
static bool reused_signature(const char *name)
{
	static const char *const names[] = {
		"signTransactionLargeChainID ", "signTransactionChunkedLimit ", "signTransactionChunkedLimitBigVRS ",
	};

	for (size_t i = 0; i < TEST_COUNT(names); i++)
		if (strncmp(name, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

static void test_sign_transaction_apdus_and_answers(void)
{
	int tried = 0;

	load_eth();
	for (size_t i = 0; i < ncases_eth; i++) {
		const struct vcase *c = &cases_eth[i];
		char *txhex = field(c, "tx"), *path = field(c, "path");
		struct ledger_replay r;
		struct ledger_apdu *v = NULL;
		struct ledger_path p;
		struct ledger_sig sig;
		struct tx t;
		size_t n = 0, len = 0;
		uint8_t *payload, parity = 0;
		char got[80], want[80], err[300];
		const struct ledger_replay_step *last;
		int rc;

		if (!txhex) {
			free(path);
			continue;
		}
		tried++;
		payload = unhex(txhex, &len);
		CHECK_INT(replay_of(c, &r), CD_OK);
		CHECK_INT(ledger_path_parse(&p, path, NULL, 0), CD_OK);
		CHECK_INT(ledger_apdus_sign_tx(&p, payload, len, &v, &n), CD_OK);
		check_apdus(c->name, v, n, &r);
		for (size_t k = 0; k + 1 < r.n; k++)
			CHECK_MSG(r.steps[k].answer_len == 2, "%s: chunk answers are a bare 9000", c->name);
		last = &r.steps[r.n - 1];
		CHECK_INT(ledger_parse_sig(last->answer, last->answer_len - 2, &sig, NULL, 0), CD_OK);
		hexof(sig.r, 32, got, sizeof(got));
		expect_of(c, "r", want, sizeof(want));
		CHECK_MSG(strcmp(got, want) == 0, "%s: r %s, expected %s", c->name, got, want);
		hexof(sig.s, 32, got, sizeof(got));
		expect_of(c, "s", want, sizeof(want));
		CHECK_MSG(strcmp(got, want) == 0, "%s: s %s, expected %s", c->name, got, want);
		tx_shape(payload, len, &t);
		rc = ledger_tx_parity(&t, sig.v, &parity, err, sizeof(err));
		/* hw-app-eth's v: the byte itself while 35 + 2 * chainId + 1 fits one, else recomputed */
		if (t.type == TX_LEGACY && t.has_chain_id && 2 * t.chain_id + 36 > 255)
			full_v(&t, parity, got, sizeof(got));
		else
			snprintf(got, sizeof(got), "%02x", sig.v);
		expect_of(c, "v", want, sizeof(want));
		if (reused_signature(c->name)) {
			/*
			 * These recordings answer with the signature of another transaction
			 * (a pre-EIP-155 v of 0x1b for a chain id); hw-app-eth passes it on (for
			 * chain id 43520 as "parity" 8, v 0x01542b) and no node would accept the
			 * result. chaindeck refuses to assemble it.
			 */
			CHECK_MSG(rc == CD_EPROTO, "%s: accepted v 0x%02x", c->name, sig.v);
			CHECK(strstr(err, "fits no signature for chain id") != NULL);
			if (2 * t.chain_id + 36 <= 255)
				CHECK_MSG(strcmp(got, want) == 0, "%s: v %s, expected %s", c->name, got, want);
		} else {
			CHECK_MSG(rc == CD_OK, "%s: %s", c->name, err);
			CHECK_MSG(strcmp(got, want) == 0, "%s: v %s, expected %s", c->name, got, want);
			full_v(&t, parity, got, sizeof(got));
			CHECK_MSG(strcmp(got, want) == 0 || 2 * t.chain_id + 36 <= 255,
				"%s: full v %s, expected %s", c->name, got, want);
		}
		free(v);
		free(payload);
		free(txhex);
		free(path);
		ledger_replay_free(&r);
	}
	CHECK_INT(tried, 9);
}

static void test_personal_message_and_eip712_hashed(void)
{
	const struct vcase *c;
	struct ledger_replay r;
	struct ledger_apdu *v = NULL, a;
	struct ledger_path p;
	struct ledger_sig sig;
	size_t n = 0, len = 0;
	uint8_t *msg, *dom, *hash;
	char *f, *g, got[80], want[80];

	load_eth();
	c = find_case(cases_eth, ncases_eth, "signPersonalMessage");
	CHECK(c != NULL);
	if (!c || replay_of(c, &r) != CD_OK)
		return;
	f = field(c, "path");
	g = field(c, "msg");
	CHECK_INT(ledger_path_parse(&p, f, NULL, 0), CD_OK);
	msg = unhex(g, &len);
	CHECK_INT(ledger_apdus_sign_message(&p, msg, len, &v, &n), CD_OK);
	check_apdus(c->name, v, n, &r);
	CHECK_INT(ledger_parse_sig(r.steps[0].answer, r.steps[0].answer_len - 2, &sig, NULL, 0), CD_OK);
	hexof(sig.r, 32, got, sizeof(got));
	expect_of(c, "r", want, sizeof(want));
	CHECK_STR(got, want);
	snprintf(got, sizeof(got), "%02x", sig.v);
	expect_of(c, "v", want, sizeof(want));
	CHECK_STR(got, want);
	free(v);
	free(msg);
	free(f);
	free(g);
	ledger_replay_free(&r);

	c = find_case(cases_eth, ncases_eth, "signEIP712HashedMessage");
	CHECK(c != NULL);
	if (!c || replay_of(c, &r) != CD_OK)
		return;
	f = field(c, "domain");
	g = field(c, "hash");
	dom = unhex(f, &len);
	hash = unhex(g, &len);
	free(f);
	free(g);
	f = field(c, "path");
	CHECK_INT(ledger_path_parse(&p, f, NULL, 0), CD_OK);
	ledger_apdu_sign_eip712_hashed(&a, &p, dom, hash);
	check_apdus(c->name, &a, 1, &r);
	CHECK_INT(ledger_parse_sig(r.steps[0].answer, r.steps[0].answer_len - 2, &sig, NULL, 0), CD_OK);
	hexof(sig.s, 32, got, sizeof(got));
	expect_of(c, "s", want, sizeof(want));
	CHECK_STR(got, want);
	snprintf(got, sizeof(got), "%02x", sig.v);
	expect_of(c, "v", want, sizeof(want));
	CHECK_STR(got, want);
	free(dom);
	free(hash);
	free(f);
	ledger_replay_free(&r);
}

/* hw-app-eth's rule for long messages: 150 bytes per APDU, the first one holding path and length too. */
static void test_long_message_chunks(void)
{
	uint8_t msg[400];
	struct ledger_apdu *v = NULL;
	struct ledger_path p;
	size_t n = 0;

	memset(msg, 'a', sizeof(msg));
	CHECK_INT(ledger_path_parse(&p, "44'/60'/0'/0/0", NULL, 0), CD_OK);
	CHECK_INT(ledger_apdus_sign_message(&p, msg, sizeof(msg), &v, &n), CD_OK);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(v[0].b[4], 150);
		CHECK(v[0].b[2] == 0x00 && v[1].b[2] == 0x80 && v[2].b[2] == 0x80);
		/* 4-byte length after the 21 path bytes */
		CHECK(v[0].b[5 + 21] == 0 && v[0].b[5 + 22] == 0 && v[0].b[5 + 23] == 0x01 && v[0].b[5 + 24] == 0x90);
		CHECK_INT(v[1].b[4], 150);
		CHECK_INT(v[2].b[4], 400 - 125 - 150);
	}
	free(v);
}

static void test_paths_and_styles(void)
{
	struct ledger_path p;
	char text[200], err[200];

	CHECK_INT(ledger_path_for(&p, "live", 3, err, sizeof(err)), CD_OK);
	ledger_path_format(text, sizeof(text), &p);
	CHECK_STR(text, "m/44'/60'/3'/0/0");
	CHECK_INT(ledger_path_for(&p, "legacy", 3, err, sizeof(err)), CD_OK);
	ledger_path_format(text, sizeof(text), &p);
	CHECK_STR(text, "m/44'/60'/0'/3");
	CHECK_INT(ledger_path_for(&p, "m/44'/60'/0'/0/{i}", 7, err, sizeof(err)), CD_OK);
	ledger_path_format(text, sizeof(text), &p);
	CHECK_STR(text, "m/44'/60'/0'/0/7");
	CHECK_INT(ledger_path_for(&p, "m/44'/60'/0'/0/0", 7, err, sizeof(err)), CD_EINVAL);
	CHECK_INT(ledger_path_for(&p, "m/{i}/{i}", 7, err, sizeof(err)), CD_EINVAL);
	CHECK_INT(ledger_path_parse(&p, "44'/60'/0'/0'/0", NULL, 0), CD_OK);
	CHECK(p.len == 5 && p.index[3] == 0x80000000u && p.index[4] == 0);
	CHECK_INT(ledger_path_parse(&p, "m/1/2/3/4/5/6/7/8/9/10/11", err, sizeof(err)), CD_EINVAL);
	CHECK(strstr(err, "1 to 10 levels") != NULL);
	CHECK_INT(ledger_path_parse(&p, "m/44'/x", err, sizeof(err)), CD_EINVAL);
	CHECK_INT(ledger_path_parse(&p, "m", err, sizeof(err)), CD_EINVAL);
}

/* ---- status words, through the replay device ----------------------------------------------- */

static void test_every_status_word(void)
{
	static const struct {
		const char *sw;
		int code;
		const char *says;
	} t[] = {
		{ "5515", LEDGER_ELOCKED, "locked" },
		{ "6e00", LEDGER_ENOAPP, "Ethereum app is not open" },
		{ "6d00", LEDGER_ENOAPP, "Ethereum app is not open" },
		{ "6511", LEDGER_ENOAPP, "Ethereum app is not open" },
		{ "6985", LEDGER_EREFUSED, "refused on the Ledger" },
		{ "6a80", LEDGER_EBLIND, "Blind signing" },
		{ "6b0c", LEDGER_ESTATUS, "status 0x6b0c" },
		{ "9000", CD_OK, "" },
	};
	const char *dir = test_tmpdir("ledger");
	char path[512], text[256], err[LEDGER_ERR_MAX];

	snprintf(path, sizeof(path), "%s/sw.apdus", dir);
	for (size_t i = 0; i < TEST_COUNT(t); i++) {
		struct ledger *l = NULL;
		struct ledger_apdu a;
		uint8_t out[64];
		size_t n = 0;
		unsigned sw = 0;
		int rc;

		snprintf(text, sizeof(text), "=> e006000000\n<= %s\n", t[i].sw);
		test_write_file(path, text);
		CHECK_INT(ledger_open(&l, path, 0, err, sizeof(err)), CD_OK);
		if (!l)
			continue;
		ledger_apdu_app_config(&a);
		err[0] = '\0';
		rc = ledger_exchange(l, &a, out, sizeof(out), &n, &sw, err, sizeof(err));
		CHECK_MSG(rc == t[i].code, "status %s gave %d, expected %d", t[i].sw, rc, t[i].code);
		CHECK_MSG(strstr(err, t[i].says) != NULL, "status %s: \"%s\"", t[i].sw, err);
		CHECK_INT(sw, strtoul(t[i].sw, NULL, 16));
		ledger_close(l);
	}
	test_rmtree(dir);
}

static void test_replay_names_the_line_and_both_apdus(void)
{
	const char *dir = test_tmpdir("ledger");
	char path[512], err[LEDGER_ERR_MAX];
	struct ledger *l = NULL;
	struct ledger_apdu a;
	struct ledger_path p;
	struct ledger_app_config cfg;
	struct ledger_address ad;

	snprintf(path, sizeof(path), "%s/r.apdus", dir);
	test_write_file(path, "# a comment\n=> e006000000\n<= 010101069000\n\n"
		"=> e002000015058000002c8000003c800000008000000000000000\n<= 9000\n");
	CHECK_INT(ledger_open(&l, path, 0, err, sizeof(err)), CD_OK);
	if (!l)
		return;
	CHECK_INT(ledger_get_app_config(l, &cfg, err, sizeof(err)), CD_OK);
	CHECK(cfg.major == 1 && cfg.minor == 1 && cfg.patch == 6);
	CHECK_INT(ledger_path_parse(&p, "44'/60'/1'/0/0", NULL, 0), CD_OK);
	CHECK_INT(ledger_get_address(l, &p, false, false, 0, &ad, err, sizeof(err)), LEDGER_EREPLAY);
	CHECK_MSG(strstr(err, "line 5") != NULL, "%s", err);
	CHECK_MSG(strstr(err, "sent  e002000015058000002c8000003c800000010000000000000000") != NULL, "%s", err);
	CHECK_MSG(strstr(err, "recording has  e002000015058000002c8000003c800000008000000000000000") != NULL, "%s", err);
	ledger_apdu_app_config(&a);
	ledger_close(l);

	/* a cancelled handle asks nothing more */
	CHECK_INT(ledger_open(&l, path, 0, err, sizeof(err)), CD_OK);
	ledger_cancel(l);
	CHECK_INT(ledger_get_app_config(l, &cfg, err, sizeof(err)), LEDGER_ECANCEL);
	ledger_close(l);

	/* past the end of the recording */
	test_write_file(path, "=> e006000000\n<= 010101069000\n");
	CHECK_INT(ledger_open(&l, path, 0, err, sizeof(err)), CD_OK);
	CHECK_INT(ledger_get_app_config(l, &cfg, err, sizeof(err)), CD_OK);
	CHECK_INT(ledger_get_app_config(l, &cfg, err, sizeof(err)), LEDGER_EREPLAY);
	CHECK(strstr(err, "no more exchanges") != NULL);
	ledger_close(l);

	/* malformed files */
	test_write_file(path, "=> e00600000\n<= 9000\n");
	CHECK_INT(ledger_open(&l, path, 0, err, sizeof(err)), CD_EINVAL);
	CHECK(strstr(err, "line 1") != NULL);
	test_write_file(path, "=> e006000000\n=> e006000000\n<= 9000\n");
	CHECK_INT(ledger_open(&l, path, 0, err, sizeof(err)), CD_EINVAL);
	test_write_file(path, "<= 9000\n");
	CHECK_INT(ledger_open(&l, path, 0, err, sizeof(err)), CD_EINVAL);
	test_write_file(path, "=> e006000000\n<= 90\n");
	CHECK_INT(ledger_open(&l, path, 0, err, sizeof(err)), CD_EINVAL);
	CHECK(l == NULL);
	snprintf(path, sizeof(path), "%s/none", dir);
	CHECK_INT(ledger_open(&l, path, 0, err, sizeof(err)), CD_ENOTFOUND);
	test_rmtree(dir);
}

/* A recording whose last APDU is never answered: the exchange waits, for the timeout or a cancel. */
static void *cancel_soon(void *arg)
{
	struct timespec t = { 0, 200 * 1000 * 1000 };

	nanosleep(&t, NULL);
	ledger_cancel(arg);
	return NULL;
}

static void test_a_device_that_never_answers_times_out_or_is_cancelled(void)
{
	const char *dir = test_tmpdir("ledger");
	char path[512], err[LEDGER_ERR_MAX];
	struct ledger *l = NULL;
	struct ledger_app_config cfg;
	pthread_t th;

	snprintf(path, sizeof(path), "%s/wait.apdus", dir);
	test_write_file(path, "=> e006000000\n");
	CHECK_INT(ledger_open(&l, path, 300, err, sizeof(err)), CD_OK);
	if (l) {
		CHECK_INT(ledger_get_app_config(l, &cfg, err, sizeof(err)), LEDGER_ETIMEOUT);
		CHECK(strstr(err, "did not answer") != NULL);
		ledger_close(l);
	}
	CHECK_INT(ledger_open(&l, path, 60000, err, sizeof(err)), CD_OK);
	if (l) {
		CHECK_INT(pthread_create(&th, NULL, cancel_soon, l), 0);
		CHECK_INT(ledger_get_app_config(l, &cfg, err, sizeof(err)), LEDGER_ECANCEL);
		pthread_join(th, NULL);
		ledger_close(l);
	}
	test_rmtree(dir);
}

static void test_no_device_is_a_clear_error(void)
{
	struct ledger *l = NULL;
	char err[LEDGER_ERR_MAX] = "";
	int rc = ledger_open(&l, NULL, 0, err, sizeof(err));

	/* no Ledger is attached to a test machine */
	CHECK_INT(rc, LEDGER_ENODEV);
	CHECK(strstr(err, "no Ledger found") != NULL || strstr(err, "cannot open the Ledger") != NULL);
	ledger_close(l);
}

static void test_tx_parity_edges(void)
{
	struct tx t;
	uint8_t par;

	memset(&t, 0, sizeof(t));
	t.type = TX_DYNAMIC_FEE;
	CHECK_INT(ledger_tx_parity(&t, 1, &par, NULL, 0), CD_OK);
	CHECK_INT(par, 1);
	CHECK_INT(ledger_tx_parity(&t, 2, &par, NULL, 0), CD_EPROTO);
	t.type = TX_LEGACY;
	CHECK_INT(ledger_tx_parity(&t, 28, &par, NULL, 0), CD_OK);
	CHECK_INT(par, 1);
	CHECK_INT(ledger_tx_parity(&t, 29, &par, NULL, 0), CD_EPROTO);
	t.has_chain_id = true;
	t.chain_id = 1;
	CHECK_INT(ledger_tx_parity(&t, 38, &par, NULL, 0), CD_OK);
	CHECK_INT(par, 1);
	CHECK_INT(ledger_tx_parity(&t, 27, &par, NULL, 0), CD_EPROTO);
	t.chain_id = 110; /* 35 + 220 = 255: parity 1 wraps to 0x00 */
	CHECK_INT(ledger_tx_parity(&t, 0x00, &par, NULL, 0), CD_OK);
	CHECK_INT(par, 1);
}

static const struct test_case cases[] = {
	{ "HID reports are Ledger's recorded frames", test_framing_matches_recorded_reports },
	{ "wrong channel, tag, sequence and length are refused", test_deframer_rejects_wrong_channel_tag_and_sequence },
	{ "app configuration (recorded)", test_app_configuration },
	{ "get address with and without chain id (recorded)", test_get_address_with_and_without_chain_id },
	{ "an address that is not its key's is refused", test_address_answer_must_match_its_public_key },
	{ "sign transaction: every recorded APDU, r, s and full v", test_sign_transaction_apdus_and_answers },
	{ "personal message and EIP-712 hashed (recorded)", test_personal_message_and_eip712_hashed },
	{ "long messages are cut as hw-app-eth cuts them", test_long_message_chunks },
	{ "paths and path styles", test_paths_and_styles },
	{ "every status word has its code and words", test_every_status_word },
	{ "replay names the line and both APDUs", test_replay_names_the_line_and_both_apdus },
	{ "a device that never answers times out or is cancelled", test_a_device_that_never_answers_times_out_or_is_cancelled },
	{ "no device is a clear error", test_no_device_is_a_clear_error },
	{ "v to parity edges", test_tx_parity_edges },
};

int main(int argc, char **argv)
{
	int rc = test_main(argc, argv, cases, TEST_COUNT(cases));

	free(eth_text);
	return rc;
}
