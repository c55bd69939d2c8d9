#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void ptv_check_failed(const char *file, int line, const char *cond,
		      const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ptvisor: internal error at %s:%d: check '%s' failed: ",
		file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
