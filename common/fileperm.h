/* SPDX-License-Identifier: MIT */
/*
 * fileperm — whether a file that steers the program may be trusted, as ssh
 * decides for its own configuration: it must belong to the user running
 * chaindeck (or to root) and must not be writable by group or others.
 * Otherwise another user could have written it: the config file names the
 * alert hook, a command chaindeck runs; the address book puts the labels on
 * the recipients of payments.
 */
#ifndef CHAINDECK_FILEPERM_H
#define CHAINDECK_FILEPERM_H

#include <stddef.h>
#include <sys/stat.h>

/*
 * Checks st (an fstat of the opened file, so the file checked is the file
 * read). Returns 0, or -1 with a message in err that names path, says what is
 * wrong and gives the command that fixes it ("chmod go-w PATH").
 */
int fileperm_check(const struct stat *st, const char *path, char *err, size_t errlen);

#endif
