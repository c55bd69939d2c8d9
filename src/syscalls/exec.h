#ifndef PTV_SYSCALLS_EXEC_H
#define PTV_SYSCALLS_EXEC_H

#include <stdbool.h>

#include "syscalls.h"

/*
 * execve/execveat of a task whose tracer lacks CAP_SYS_PTRACE: runs
 * prctl(PR_SET_NO_NEW_PRIVS, 1) first (see exec.c). Preconditions: as
 * ptv_syscall_dispatch().
 */
void ptv_sys_exec(struct ptv_task *task, const struct ptv_syscall *call,
		  struct ptv_syscall_outcome *out);

/*
 * At a syscall-exit stop of @t with @result: if it is the prctl that stood
 * in for an exec, restores the exec (to run again, or to fail) and returns
 * true; the stop is the supervisor's, not its tracer's.
 */
bool ptv_exec_guard_at_exit(struct ptv_task *t, long result);

#endif
