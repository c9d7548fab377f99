/*
 * ledger — Ledger hardware wallets running the Ethereum app: keys that never
 * leave the device.
 *
 * Three layers, each usable alone:
 *
 *   framing   pure: an APDU cut into the device's 64-byte HID reports and an
 *             answer put back together from them. Every report starts with
 *             channel 0x0101 (2 bytes), tag 0x05 and a sequence index (2
 *             bytes, from 0); the first report then carries the total length
 *             (2 bytes), and the bytes follow, the last report padded with
 *             zeros.
 *
 *   APDUs     pure: the Ethereum app's requests built byte for byte as
 *             Ledger's own JavaScript library (hw-app-eth) sends them, and
 *             the answers parsed: app configuration (INS 0x06), get address
 *             (0x02), sign transaction (0x04, in chunks), sign personal
 *             message (0x08, in chunks), sign EIP-712 in the hashed mode
 *             (0x0C, P2 0x00: domain separator and hashStruct(message)).
 *
 *   device    struct ledger: one open device (hidapi, hidraw backend: vendor
 *             0x2c97, usage page 0xffa0) or a replay of a recorded exchange
 *             (ledger_open with a replay file: see below). An exchange sends
 *             one APDU and waits for the answer, at most the handle's timeout.
 *
 * Status words: 0x9000 is success; the others become the codes below, with a
 * message in err that tells the user what to do (unlock the device, open the
 * Ethereum app, enable blind signing...); a status word this module does not
 * know is LEDGER_ESTATUS with the word in hex.
 *
 * Replay files (CHAINDECK_LEDGER_REPLAY, and the tests): the "=> / <=" text
 * of Ledger's own recordings. A line "=> HEX" is an APDU the host sends, the
 * line "<= HEX" after it the device's answer (data, then the status word).
 * Blank lines and lines starting with '#' are ignored; other lines
 * ("case", "path", "tx", "expect" of the project's vector files) are skipped
 * too. The replay answers each APDU with the next recorded answer after
 * checking that the APDU is byte for byte the recorded one; the first
 * difference stops it with LEDGER_EREPLAY and a message naming the file's
 * line and both hex strings. A last "=>" without an answer is a device that
 * never answers (the user has not decided yet): the exchange waits until the
 * timeout or ledger_cancel.
 *
 * Threads: no global state beyond hidapi's one-time hid_init (done under
 * pthread_once). A handle is used by one thread at a time; different handles
 * are independent. Every device call blocks (up to the timeout, or until the
 * user answers on the device): a UI calls them on a worker thread, and may
 * call ledger_cancel from its own thread meanwhile (the only call that may
 * overlap another on the same handle).
 *
 * Errors: CD_OK or a negative code, and when err is not NULL a one-line
 * message (set_err's contract, common/errmsg.h). LEDGER_ERR_MAX bytes hold
 * any message whole, replay mismatches included.
 */
#ifndef CHAINDECK_LEDGER_H
#define CHAINDECK_LEDGER_H

#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/address.h"
#include "wallet/tx.h"

enum {
	/* and the shared CD_EINVAL (bad argument: path, message size), CD_EPROTO
	 * (an answer that does not have the expected shape), CD_EIO (the USB
	 * transfer failed), CD_ENOTFOUND (no replay file) */
	LEDGER_ENODEV = -1701,   /* no Ledger device attached (or not accessible: udev rule) */
	LEDGER_ELOCKED = -1702,  /* 0x5515: the device is locked */
	LEDGER_ENOAPP = -1703,   /* 0x6e00, 0x6d00, 0x6511: the Ethereum app is not open */
	LEDGER_EREFUSED = -1704, /* 0x6985: the user refused on the device */
	LEDGER_EBLIND = -1705,   /* 0x6a80: blind signing is disabled in the app's settings */
	LEDGER_ESTATUS = -1706,  /* any other status word; the message has it in hex */
	LEDGER_ETIMEOUT = -1707, /* no answer within the timeout */
	LEDGER_EREPLAY = -1708,  /* replay: the APDU is not the recorded one, or the recording ended */
	LEDGER_EFRAME = -1709,   /* a HID report with the wrong channel, tag or sequence */
	LEDGER_ECANCEL = -1710   /* ledger_cancel was called while waiting for the device */
};

enum {
	LEDGER_VENDOR_ID = 0x2c97,
	LEDGER_USAGE_PAGE = 0xffa0,
	LEDGER_CHANNEL = 0x0101,
	LEDGER_TAG_APDU = 0x05,
	LEDGER_REPORT_SIZE = 64,
	LEDGER_APDU_MAX = 5 + 255,       /* CLA INS P1 P2 Lc + data */
	LEDGER_ANSWER_MAX = 512,         /* data + status word; the app's answers are far smaller */
	LEDGER_PATH_MAX = 10,            /* levels the Ethereum app accepts */
	LEDGER_CHUNK = 150,              /* data bytes per signing APDU, as hw-app-eth sends them */
	LEDGER_ERR_MAX = 1400,           /* a replay mismatch shows two APDUs in hex */
	LEDGER_TIMEOUT_MS = 120000       /* default: time for the user to read and confirm */
};

/* Status words. */
enum {
	LEDGER_SW_OK = 0x9000,
	LEDGER_SW_LOCKED = 0x5515,
	LEDGER_SW_REFUSED = 0x6985,
	LEDGER_SW_BLIND = 0x6a80,
	LEDGER_SW_CLA = 0x6e00,
	LEDGER_SW_INS = 0x6d00,
	LEDGER_SW_APP = 0x6511
};

/* ---- framing (pure) ------------------------------------------------------------------------- */

/*
 * The reports of one APDU: writes ceil((len + 2) / 59) reports of
 * LEDGER_REPORT_SIZE bytes into out (cap bytes) and returns their number, or
 * CD_ESPACE / CD_EINVAL (len 0 or above 0xffff).
 */
int ledger_frame_encode(uint16_t channel, const uint8_t *apdu, size_t len, uint8_t *out, size_t cap);

/* Putting an answer back together, one report at a time. */
struct ledger_deframer {
	uint16_t channel;
	uint16_t seq;                 /* the sequence index expected next */
	size_t total;                 /* from the first report */
	size_t have;
	uint8_t data[LEDGER_ANSWER_MAX];
};

void ledger_deframe_init(struct ledger_deframer *d, uint16_t channel);
/*
 * Adds one report (len bytes, at most LEDGER_REPORT_SIZE; at least 7 for the
 * first, 5 for the others). Returns 1 when the answer is complete (d->data,
 * d->total bytes), 0 when more reports are needed, LEDGER_EFRAME for a wrong
 * channel, tag or sequence, CD_EPROTO for a length above LEDGER_ANSWER_MAX
 * or a report too short.
 */
int ledger_deframe_add(struct ledger_deframer *d, const uint8_t *report, size_t len, char *err, size_t errlen);

/* ---- status words (pure) --------------------------------------------------------------------- */

/* The code for a status word (CD_OK for 0x9000), with what to do in err. */
int ledger_status_error(unsigned sw, char *err, size_t errlen);

/* ---- paths ----------------------------------------------------------------------------------- */

struct ledger_path {
	uint32_t index[LEDGER_PATH_MAX];
	size_t len;
};

/*
 * "m/44'/60'/0'/0/0" (the leading "m/" may be left out: "44'/60'/0'/0/0"; ',
 * h or H for hardened), at most LEDGER_PATH_MAX levels. CD_EINVAL otherwise.
 */
int ledger_path_parse(struct ledger_path *out, const char *text, char *err, size_t errlen);
/* "m/44'/60'/0'/0/0" into out (ledger_path_format: CD_ESPACE when it does not fit). */
int ledger_path_format(char *out, size_t cap, const struct ledger_path *p);

/*
 * The path of account i in a style: "live" m/44'/60'/i'/0/0 (Ledger Live),
 * "legacy" m/44'/60'/0'/i (MEW, older Ledger apps), or a template in which
 * "{i}" stands for the index once ("m/44'/60'/0'/0/{i}"). CD_EINVAL for an
 * unknown style or a template without exactly one "{i}".
 */
int ledger_path_for(struct ledger_path *out, const char *style, uint32_t i, char *err, size_t errlen);

/* ---- APDUs (pure) ---------------------------------------------------------------------------- */

/* One APDU: 5 header bytes and up to 255 data bytes. */
struct ledger_apdu {
	uint8_t b[LEDGER_APDU_MAX];
	size_t len;
};

struct ledger_app_config {
	uint8_t flags;      /* bit 0 arbitrary data (blind signing) enabled, 1 ERC-20 provisioning needed,
	                       2 Stark enabled, 3 Stark v2 supported */
	uint8_t major, minor, patch;
};

struct ledger_address {
	uint8_t pubkey[65];     /* uncompressed, 0x04 || x || y */
	struct address address; /* checked: the address of pubkey, and what the device showed as text */
};

/* A signature as the app returns it: v as one byte, r, s. */
struct ledger_sig {
	uint8_t v;
	uint8_t r[32], s[32];
};

void ledger_apdu_app_config(struct ledger_apdu *a);
int ledger_parse_app_config(const uint8_t *data, size_t len, struct ledger_app_config *out,
	char *err, size_t errlen);

/*
 * Get address: display on the device (P1 1) or not; with has_chain_id the
 * chain id follows the path as 8 bytes (the app then shows that network).
 */
void ledger_apdu_get_address(struct ledger_apdu *a, const struct ledger_path *p, bool display,
	bool has_chain_id, uint64_t chain_id);
/*
 * Parses the answer: public key length and key, address length and its 40
 * hex digits as text. CD_EPROTO when the shape is wrong or when the text is
 * not the address of the public key (a device that shows one address and
 * signs with another's key is caught here).
 */
int ledger_parse_address(const uint8_t *data, size_t len, struct ledger_address *out,
	char *err, size_t errlen);

/*
 * The APDUs that sign an unsigned transaction payload (tx_signing_payload's
 * bytes): the first holds the path and the payload's start (P1 0x00), the
 * next ones the rest (P1 0x80), LEDGER_CHUNK bytes each, except that a
 * legacy EIP-155 payload's last chunk always carries its whole chainId, 0, 0
 * tail (the app must read the chain id in one piece: a chunk that would end
 * at or inside the tail takes the rest of the payload). *out is malloc'd
 * (free it), *n APDUs. CD_EINVAL for an empty payload, CD_ERANGE when the
 * last chunk would not fit in one APDU.
 */
int ledger_apdus_sign_tx(const struct ledger_path *p, const uint8_t *payload, size_t len,
	struct ledger_apdu **out, size_t *n);

/* personal_sign (EIP-191): the path, the message's length (4 bytes) and its bytes, chunked. */
int ledger_apdus_sign_message(const struct ledger_path *p, const uint8_t *msg, size_t len,
	struct ledger_apdu **out, size_t *n);

/* EIP-712, hashed mode: the path, the domain separator and hashStruct(message). */
void ledger_apdu_sign_eip712_hashed(struct ledger_apdu *a, const struct ledger_path *p,
	const uint8_t domain_separator[32], const uint8_t struct_hash[32]);

/* v (1 byte), r, s: exactly 65 bytes. CD_EPROTO otherwise. */
int ledger_parse_sig(const uint8_t *data, size_t len, struct ledger_sig *out, char *err, size_t errlen);

/*
 * The transaction's yParity from the app's one-byte v. Typed transactions:
 * v is the parity. Legacy without chain id: 27 or 28. Legacy EIP-155: the app
 * computes 35 + 2 * chainId + parity from (at most) the first four bytes of
 * the chain id's big-endian encoding and returns its low byte; the parity is
 * recovered from that. CD_EPROTO when the byte fits no parity (a wrong
 * chain id, or an answer from another transaction).
 */
int ledger_tx_parity(const struct tx *t, uint8_t v, uint8_t *parity, char *err, size_t errlen);

/* ---- device ---------------------------------------------------------------------------------- */

struct ledger;

/*
 * Opens the first Ledger device (vendor 0x2c97, usage page 0xffa0) through
 * hidapi, or, when replay_path is not NULL, a replay of that file (parsed
 * whole now: CD_EINVAL with the line for a malformed file). timeout_ms 0
 * means LEDGER_TIMEOUT_MS. LEDGER_ENODEV when no device is there (the message
 * mentions the udev rule, since a device without access looks the same).
 * *out is freed with ledger_close.
 */
int ledger_open(struct ledger **out, const char *replay_path, int timeout_ms, char *err, size_t errlen);
/*
 * Makes the exchange in progress (or the next one) on l return LEDGER_ECANCEL
 * within about a second; any thread may call it. The device may still show the
 * request until the user answers or the app is reopened: the wallet ignores
 * that answer. ledger_close after the worker returned.
 */
void ledger_cancel(struct ledger *l);
/* Closes the device or replay; NULL is fine. */
void ledger_close(struct ledger *l);
/*
 * "Nano X" (the product string hidapi reports) or "replay of FILE": the device
 * note add-ledger records. Owned by the handle.
 */
const char *ledger_description(const struct ledger *l);

/*
 * Sends one APDU and reads the answer: data (without the status word) into
 * out[cap], its length in *outlen, the status word in *sw (may be NULL).
 * Returns ledger_status_error(sw) (CD_OK for 0x9000) or a transport error.
 */
int ledger_exchange(struct ledger *l, const struct ledger_apdu *a, uint8_t *out, size_t cap,
	size_t *outlen, unsigned *sw, char *err, size_t errlen);

/* The operations, each one or more exchanges. */
int ledger_get_app_config(struct ledger *l, struct ledger_app_config *out, char *err, size_t errlen);
int ledger_get_address(struct ledger *l, const struct ledger_path *p, bool display, bool has_chain_id,
	uint64_t chain_id, struct ledger_address *out, char *err, size_t errlen);
/*
 * Signs t on the device (the user confirms there) and encodes the signed
 * raw transaction with wallet/tx's encoder. The device's signature is not
 * checked against an address here: the caller recovers the sender
 * (tx_recover_sender) and compares it with the account it expects.
 */
int ledger_sign_tx(struct ledger *l, const struct ledger_path *p, const struct tx *t,
	struct tx_raw *out, char *err, size_t errlen);
/* personal_sign: sig gets r || s || v with v 27 or 28, as sign_message gives it. */
int ledger_sign_message(struct ledger *l, const struct ledger_path *p, const uint8_t *msg, size_t len,
	uint8_t sig[65], char *err, size_t errlen);
/* EIP-712 hashed mode: sig gets r || s || v with v 27 or 28. */
int ledger_sign_eip712_hashed(struct ledger *l, const struct ledger_path *p,
	const uint8_t domain_separator[32], const uint8_t struct_hash[32], uint8_t sig[65],
	char *err, size_t errlen);

/* ---- replay files (pure) --------------------------------------------------------------------- */

struct ledger_replay_step {
	uint8_t *apdu;      /* owned */
	size_t apdu_len;
	uint8_t *answer;    /* owned: data and status word; NULL (len 0) for a last APDU never answered */
	size_t answer_len;
	unsigned line;      /* the "=>" line, 1-based */
};

struct ledger_replay {
	struct ledger_replay_step *steps;
	size_t n;
};

/*
 * Parses a replay text (text[0..len), need not be NUL-terminated). CD_EINVAL
 * with the line for bad hex, an "=>" without its "<=" (but the last one), an
 * "<=" without an "=>" before it, or an answer shorter than a status word.
 */
int ledger_replay_parse(const char *text, size_t len, struct ledger_replay *out, char *err, size_t errlen);
void ledger_replay_free(struct ledger_replay *r);

#endif
