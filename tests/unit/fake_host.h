/*
 * Host-interface answers the unit tests' and kernel_fuzz's fake hosts share:
 * a host on which a stopped task stays stopped, no signal is pending and
 * nothing is logged.
 */
#ifndef PTV_TESTS_FAKE_HOST_H
#define PTV_TESTS_FAKE_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/ptrace.h"

static inline bool fake_host_still_stopped(void *ctx, struct ptv_task *t)
{
	(void)ctx; (void)t;
	return true;
}

static inline uint64_t fake_host_pending_ignored(void *ctx, struct ptv_task *t,
						 uint64_t *twice)
{
	(void)ctx; (void)t;
	*twice = 0;
	return 0;
}

static inline void fake_host_log(void *ctx, const char *fmt, ...)
{
	(void)ctx; (void)fmt;
}

#endif
