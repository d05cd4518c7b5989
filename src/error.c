/* error.c - first-failure recording, see error.h. */
#include "error.h"

#include <stdio.h>

bool zvm_vfail(struct zvm_error *e, int code, const char *fmt, va_list ap)
{
	if (e->code)
		return false;
	e->code = code;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	return false;
}

bool zvm_fail(struct zvm_error *e, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	zvm_vfail(e, code, fmt, ap);
	va_end(ap);
	return false;
}
