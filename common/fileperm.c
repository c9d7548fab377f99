/*
 * fileperm — refuse a configuration-like file another user could have written
 * (contract in fileperm.h).
 */
#include "common/fileperm.h"

#include <stdio.h>
#include <unistd.h>

int fileperm_check(const struct stat *st, const char *path, char *err, size_t errlen)
{
	uid_t me = geteuid();

	if (st->st_uid != me && st->st_uid != 0) {
		snprintf(err, errlen,
		         "%s: not loaded: owned by another user (uid %lu, you are %lu) "
		         "(if it is yours: chown %lu '%s')",
		         path, (unsigned long)st->st_uid, (unsigned long)me, (unsigned long)me, path);
		return -1;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen,
		         "%s: not loaded: writable by %s (fix: chmod go-w '%s')",
		         path, (st->st_mode & S_IWOTH) ? "every user" : "its group", path);
		return -1;
	}
	return 0;
}
