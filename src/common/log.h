/* The supervisor's debug log (--log FILE, -v): one line per host event. */
#ifndef PTV_COMMON_LOG_H
#define PTV_COMMON_LOG_H

#include <stdbool.h>
#include <stdio.h>

extern FILE *ptv_log_file; /* NULL: logging is off */

static inline bool ptv_log_enabled(void)
{
	return ptv_log_file != NULL;
}

/* Writes one log line (a newline is added). Cheap when logging is off. */
#define ptv_log(...)                                                          \
	do {                                                                  \
		if (ptv_log_enabled())                                        \
			ptv_log_line(__VA_ARGS__);                            \
	} while (0)

__attribute__((format(printf, 1, 2))) void ptv_log_line(const char *fmt, ...);

/* Prints "ptvisor: MESSAGE" to stderr: errors meant for the user. */
__attribute__((format(printf, 1, 2))) void ptv_error(const char *fmt, ...);

#endif
