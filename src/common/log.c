#include "log.h"

#include <stdarg.h>
#include <time.h>

FILE *ptv_log_file;

void ptv_log_line(const char *fmt, ...)
{
	struct timespec now;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(ptv_log_file, "%5lld.%06ld ", (long long)now.tv_sec,
		now.tv_nsec / 1000);
	va_start(ap, fmt);
	vfprintf(ptv_log_file, fmt, ap);
	va_end(ap);
	fputc('\n', ptv_log_file);
	fflush(ptv_log_file);
}

void ptv_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ptvisor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
