/* SPDX-License-Identifier: MIT */
/*
 * safeview — what anyone may read of a Safe (formerly Gnosis Safe) 1.4.1
 * multisig without a key: the read-only calls that tell a Safe apart
 * (VERSION(), getOwners(), getThreshold(), nonce()), the decoding of their
 * answers, and the Safe's own events as text. Shared by the explorer (which
 * shows any Safe it meets) and the wallet's Safe commands.
 */
#ifndef CHAINDECK_SAFEVIEW_H
#define CHAINDECK_SAFEVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/address.h"
#include "common/eth.h"

/* A Safe has at most this many owners as far as a display is concerned. */
#define SAFEVIEW_OWNERS_MAX 64

/* The read-only calls, in the order the explorer sends them. */
#define SAFEVIEW_CALLS 4
extern const char *const safeview_call_sigs[SAFEVIEW_CALLS]; /* VERSION(), getOwners(), getThreshold(), nonce() */

/*
 * getOwners() answer (an ABI address[]): fills out[0..max) and *n with the
 * number of owners. CD_OK; ABI_EDECODE when it does not decode or holds
 * more than max owners.
 */
int safeview_decode_owners(const uint8_t *ret, size_t len, struct address *out, size_t max, size_t *n);
/* VERSION() answer (an ABI string) as sanitized text. CD_OK or ABI_EDECODE. */
int safeview_decode_version(const uint8_t *ret, size_t len, char *out, size_t cap);

/*
 * A Safe event (ExecutionSuccess, ExecutionFailure, AddedOwner, RemovedOwner,
 * ChangedThreshold, as Safe 1.4.1 emits them: indexed txHash / owner) as
 * "ExecutionSuccess txHash=0x…, payment=0". true when lg is one of them.
 */
bool safeview_format_log(const struct eth_log *lg, char *out, size_t cap);

#endif
