/*
 * A typed-data (EIP-712) request signed from the wallet pane: the JSON file
 * is read on a worker thread (a path may name a slow disk or a FIFO: the loop
 * never waits for it), parsed and decoded by wallet/eip712.c, and signed with
 * one of the vault's accounts only when the pane asks, after the user saw the
 * decoded request and its digest: with the account's key, or for a hardware
 * account on its Ledger (EIP-712 hashed mode) on the device worker of
 * wallet_send.c, the screen saying so until the device answers.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/log.h"
#include "common/text.h"
#include "wallet/ledger.h"
#include "wallet/sign.h"
#include "wallet/wallet_internal.h"

struct wallet_typed {
	struct wallet *w;
	enum wallet_typed_state state;
	char message[EIP712_ERR_MAX + 160];
	uint8_t from[20];
	struct eip712 doc;
	char signature[SIGN_HEX_SIZE];
	/* the read in flight */
	pthread_t worker;
	struct typed_read *job;
};

/* What the worker reads; handed back to the loop thread with loop_post. */
struct typed_read {
	struct wallet_typed *t;          /* NULL once the request is freed: the result is dropped */
	char path[4096];
	char *json;
	size_t len;
	char err[300];
};

/* Reads a regular file of at most EIP712_DOC_MAX bytes into j->json; "" or a message in j->err. */
static void read_request(struct typed_read *j)
{
	struct stat st;
	size_t n = 0;
	int fd = open(j->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		snprintf(j->err, sizeof(j->err), "cannot open %.200s: %s", j->path, strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > EIP712_DOC_MAX) {
		snprintf(j->err, sizeof(j->err), "%.200s is not a file of at most %d bytes", j->path, EIP712_DOC_MAX);
		close(fd);
		return;
	}
	j->json = malloc((size_t)st.st_size + 1);
	while (j->json && n < (size_t)st.st_size) {
		ssize_t r = read(fd, j->json + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!j->json || n != (size_t)st.st_size) {
		snprintf(j->err, sizeof(j->err), "cannot read %.200s%s", j->path, j->json ? "" : ": out of memory");
		free(j->json);
		j->json = NULL;
		return;
	}
	j->json[n] = '\0';
	j->len = n;
}

static void read_done(void *ud)
{
	struct typed_read *j = ud;
	struct wallet_typed *t = j->t;
	char err[EIP712_ERR_MAX];

	if (t) {
		pthread_join(t->worker, NULL);
		t->job = NULL;
		if (j->err[0]) {
			t->state = TYPED_ERROR;
			text_sanitize(t->message, sizeof(t->message), j->err, strlen(j->err));
		} else if (eip712_parse(j->json, j->len, &t->doc, err, sizeof(err)) != CD_OK) {
			t->state = TYPED_ERROR;
			snprintf(t->message, sizeof(t->message), "typed data refused: %s", err);
		} else {
			t->state = TYPED_READY;
			t->message[0] = '\0';
		}
		wallet_notify(t->w);
	}
	free(j->json);
	free(j);
}

static void *read_worker(void *arg)
{
	struct typed_read *j = arg;

	read_request(j);
	if (loop_post(j->t->w->loop, read_done, j) != 0)
		abort(); /* out of memory: nothing sane is left to do */
	return NULL;
}

struct wallet_typed *wallet_typed_open(struct wallet *w, size_t account, const char *path)
{
	struct wallet_typed *t = calloc(1, sizeof(*t));
	struct typed_read *j = calloc(1, sizeof(*j));

	if (!t || !j || account >= w->naccounts) {
		free(t);
		free(j);
		return NULL;
	}
	t->w = w;
	t->state = TYPED_READING;
	memcpy(t->from, w->accounts[account].acct.address.b, 20);
	j->t = t;
	snprintf(j->path, sizeof(j->path), "%s", path);
	t->job = j;
	if (pthread_create(&t->worker, NULL, read_worker, j) != 0) {
		free(j);
		free(t);
		return NULL;
	}
	return t;
}

void wallet_typed_free(struct wallet_typed *t)
{
	if (!t)
		return;
	if (t->job) {
		/* The read ends on its own; its result, posted to the loop, is dropped there. */
		pthread_join(t->worker, NULL);
		t->job->t = NULL;
	}
	if (t->state == TYPED_DEVICE)
		wallet_device_stop(t->w); /* the device's answer then never reaches t */
	eip712_free(&t->doc);
	free(t);
}

enum wallet_typed_state wallet_typed_state(const struct wallet_typed *t)
{
	return t->state;
}

const char *wallet_typed_message(const struct wallet_typed *t)
{
	return t->message;
}

const struct eip712 *wallet_typed_doc(const struct wallet_typed *t)
{
	return t->state == TYPED_READY || t->state == TYPED_DEVICE || t->state == TYPED_SIGNED ? &t->doc : NULL;
}

const uint8_t *wallet_typed_from(const struct wallet_typed *t)
{
	return t->from;
}

const char *wallet_typed_signature(const struct wallet_typed *t)
{
	return t->state == TYPED_SIGNED ? t->signature : NULL;
}

/* The Ledger's answer, on the loop thread: kept only when it verifies as the account shown. */
static void device_done(void *ud, int rc, const char *err, const uint8_t sig[65])
{
	struct wallet_typed *t = ud;
	struct address signer, want;
	char a[ADDRESS_TEXT_SIZE], b[ADDRESS_TEXT_SIZE];

	t->state = TYPED_READY;
	if (rc == LEDGER_ECANCEL) {
		snprintf(t->message, sizeof(t->message), "cancelled: not signed");
		return;
	}
	if (rc != CD_OK) {
		char why[EIP712_ERR_MAX];

		text_sanitize(why, sizeof(why), err, strlen(err));
		snprintf(t->message, sizeof(t->message), "%.300s: not signed", why);
		return;
	}
	if (eip712_recover(&t->doc, sig, &signer) != CD_OK) {
		snprintf(t->message, sizeof(t->message), "the Ledger's signature does not verify: not signed");
		return;
	}
	if (memcmp(signer.b, t->from, 20) != 0) {
		memcpy(want.b, t->from, 20);
		address_format(&signer, a);
		address_format(&want, b);
		snprintf(t->message, sizeof(t->message),
		         "the Ledger signed as %s, not as %s (another device or passphrase?): not signed", a, b);
		return;
	}
	sign_sig_format(sig, t->signature);
	t->state = TYPED_SIGNED;
	snprintf(t->message, sizeof(t->message), "signed on the Ledger");
	log_msg(LOG_INFO, "wallet: typed data (%s) signed on the Ledger", t->doc.primary_type);
}

/* The account shown is a hardware one. */
static bool from_ledger(const struct wallet_typed *t)
{
	const struct wallet *w = t->w;

	for (size_t i = 0; i < w->naccounts; i++)
		if (memcmp(w->accounts[i].acct.address.b, t->from, 20) == 0)
			return w->accounts[i].acct.kind == VAULT_HARDWARE;
	return false;
}

bool wallet_typed_cancel(struct wallet_typed *t)
{
	if (t->state != TYPED_DEVICE)
		return false;
	wallet_device_cancel(t->w);
	snprintf(t->message, sizeof(t->message), "cancelling: waiting for the Ledger to let go");
	return true;
}

int wallet_typed_sign(struct wallet_typed *t)
{
	struct wallet *w = t->w;
	uint8_t *key, sig[SIGN_SIG_SIZE];
	char err[200];
	int rc;

	if (t->state != TYPED_READY)
		return -1;
	if (w->state != WALLET_UNLOCKED) {
		snprintf(t->message, sizeof(t->message), "unlock first: u");
		return -1;
	}
	if (from_ledger(t)) {
		/* The hashed mode: the device shows the two hashes; the screen showed what they are of. */
		if (wallet_device_sign_typed(w, t->from, t->doc.domain_separator, t->doc.struct_hash, device_done, t,
		                             err, sizeof(err)) != 0) {
			snprintf(t->message, sizeof(t->message), "not signed: %.180s", err);
			return -1;
		}
		t->state = TYPED_DEVICE;
		snprintf(t->message, sizeof(t->message),
		         "confirm on your Ledger: compare its domain hash and message hash with those above");
		log_msg(LOG_INFO, "wallet: typed data (%s) sent to the Ledger", t->doc.primary_type);
		return 0;
	}
	key = sodium_malloc(32);
	if (!key) {
		snprintf(t->message, sizeof(t->message), "out of memory");
		return -1;
	}
	/* The key of the address shown, found by that address and checked to derive it. */
	rc = wallet_key_of(w, t->from, key, err, sizeof(err));
	if (rc == 0 && eip712_sign(&t->doc, key, sig) != CD_OK) {
		rc = -1;
		snprintf(err, sizeof(err), "cannot sign the typed data");
	}
	sodium_free(key);
	if (rc != 0) {
		snprintf(t->message, sizeof(t->message), "not signed: %.180s", err);
		return -1;
	}
	sign_sig_format(sig, t->signature);
	t->state = TYPED_SIGNED;
	snprintf(t->message, sizeof(t->message), "signed");
	log_msg(LOG_INFO, "wallet: typed data (%s) signed", t->doc.primary_type);
	return 0;
}
