/*
 * Host CPU affinity and the supervisor's tick, for co-location
 * (loop/coloc.c, docs/design-notes.md, 24).
 */
#ifndef PTV_PLATFORM_SCHED_H
#define PTV_PLATFORM_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* A CPU mask as the kernel copies it out: 1024 CPUs (glibc's cpu_set_t). */
#define PTV_CPU_WORDS 16
typedef uint64_t ptv_cpumask_t[PTV_CPU_WORDS];

static inline bool ptv_cpu_isset(const ptv_cpumask_t m, int cpu)
{
	return cpu >= 0 && cpu < 64 * PTV_CPU_WORDS &&
	       (m[cpu / 64] >> (cpu % 64)) & 1;
}

/* Host task @tid's affinity (0: the supervisor's). Returns 0 or -errno. */
int ptv_sched_getaffinity(pid_t tid, ptv_cpumask_t mask);
int ptv_sched_setaffinity(pid_t tid, const ptv_cpumask_t mask);

/* The CPU the supervisor runs on, or -1. */
int ptv_sched_current_cpu(void);

/* Lets another task of this CPU run. */
void ptv_sched_yield(void);

/*
 * The tick: while on, a signal interrupts the supervisor's blocking host
 * wait (ptv_host_wait() returns -EINTR) every @period_ms; it is blocked at
 * any other time, so no other call of the supervisor sees it. Returns 0 or
 * -errno.
 */
int ptv_tick_start(unsigned period_ms);
void ptv_tick_stop(void);

/* Around a blocking host wait (platform/host.c): the tick may interrupt it.
   ptv_tick_open() returns false if a tick came already (do not block). */
bool ptv_tick_open(void);
void ptv_tick_close(void);

#endif
