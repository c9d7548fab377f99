/* SPDX-License-Identifier: MIT */
/*
 * errmsg — the one way the library fills a caller's error buffer.
 *
 * Functions that can explain a failure take `char *err, size_t errlen`.
 * The contract for all of them is this function's: err may be NULL (or
 * errlen 0) when the caller wants no message; otherwise err gets one line
 * of English, always NUL-terminated, cut at errlen - 1 bytes when longer
 * (the cut may fall inside a multi-byte character: show it through
 * text_sanitize). The text is built from what the caller formats, so a
 * caller formats only what may be shown: masked URLs, never a key, a
 * password or a token. errno is left as it was, so a caller may report a
 * failure and still hand errno on.
 */
#ifndef CHAINDECK_ERRMSG_H
#define CHAINDECK_ERRMSG_H

#include <stddef.h>

/* printf-style: writes the message into err[errlen] as the contract above says. */
void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
