/*
 * The virtual /proc view (--proc-view; design notes, 34). With it, the
 * filter traps open, openat and openat2, and a guest that opens
 * /proc/PID/status or /proc/PID/stat of a guest task (PID, self,
 * thread-self, PID/task/TID; an absolute path, or one relative to a
 * descriptor of such a directory) reads what it would natively: the
 * virtual TracerPid, the state letter of its virtual stops ('T' for a
 * group-stop with no tracer, where the host shows 't'), the Seccomp mode
 * and filters of its own, and the CPU affinity the guest set. The open
 * runs on a file the supervisor writes, from the host's file of the
 * moment, and returns a descriptor of it.
 */
#ifndef PTV_SYSCALLS_PROCVIEW_H
#define PTV_SYSCALLS_PROCVIEW_H

#include <stdbool.h>

#include "syscalls.h"

/* Turns the view on (the filter traps the opens); 0 or -errno. */
int ptv_procview_enable(void);
bool ptv_procview_enabled(void);
/* Removes what the view left on the host (ptvisor's end). */
void ptv_procview_cleanup(void);

/*
 * A trapped open, openat or openat2 (@at: not open; @how: openat2) of
 * @task: runs as it is, or, for a file of the view, on the view's file
 * (out->action PTV_SYSCALL_RUN_TO_EXIT).
 * Preconditions: @task is in the call's host seccomp stop.
 */
void ptv_procview_open(struct ptv_syscall_env *env, struct ptv_task *task,
		       const struct ptv_syscall *call, bool at, bool how,
		       struct ptv_syscall_outcome *out);

/*
 * At the exit stop of a call ptv_procview_open() changed: the caller's
 * registers back, with @result, and the view's file removed. False for
 * another call.
 */
bool ptv_procview_at_exit(struct ptv_task *t, long result);

#endif
