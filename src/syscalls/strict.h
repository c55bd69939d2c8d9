#ifndef PTV_SYSCALLS_STRICT_H
#define PTV_SYSCALLS_STRICT_H

#include <stdbool.h>
#include <stdint.h>

#include "syscalls.h"

/*
 * SECCOMP_MODE_STRICT, emulated (strict.c): the kernel lets no task in
 * filter mode, as every guest is under the supervisor's filter, enter
 * strict mode.
 */

/*
 * The SECCOMP_RET_DATA of the strict filter's SECCOMP_RET_TRACE: a call
 * that strict mode does not allow. Not the supervisor's own data
 * (ptv_trace_data_is_ours()).
 */
#define PTV_TRACE_STRICT 0x7e60u

/*
 * prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) (@via_prctl) or seccomp(
 * SECCOMP_SET_MODE_STRICT, 0, NULL) by @task, which has no filter of its
 * own: the call runs as seccomp(SECCOMP_SET_MODE_FILTER) of a filter that
 * lets the calls of strict mode pass and traps the others. Returns false
 * (nothing done) if the call is not one of those, or it has filters of
 * its own (the kernel's EINVAL is Linux's then). Preconditions: as
 * ptv_syscall_dispatch().
 */
bool ptv_strict_enter(struct ptv_task *task, const struct ptv_syscall *call,
		      bool via_prctl, struct ptv_syscall_outcome *out);

/*
 * At a syscall-exit stop of @t with @result: if it is that call, its
 * registers are put back (the result stays) and true is returned; the
 * thread is in strict mode if it succeeded.
 */
bool ptv_strict_at_exit(struct ptv_task *t, long result);

/*
 * prctl(PR_GET_SECCOMP) for @t: its own mode, not counting the
 * supervisor's filter: 1 in strict mode, 2 with filters of its own, else
 * 0 (or -ESRCH if it is gone).
 */
long ptv_strict_seen_mode(struct ptv_task *t);

/*
 * At @t's seccomp stop with @data: a call strict mode does not allow? Then
 * it is killed (SIGKILL, as Linux's __secure_computing_strict()) and true
 * is returned; the caller resumes it.
 */
bool ptv_strict_kills(struct ptv_task *t, uint32_t data);

#endif
