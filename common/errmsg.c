/*
 * errmsg — set_err, which fills the `char *err, size_t errlen` buffer of
 * every library call that explains its failures. Contract in errmsg.h.
 */
#include "common/errmsg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	errno = saved;
}
