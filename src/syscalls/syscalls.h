/*
 * One handler per guest-visible syscall that ptvisor emulates. The loop
 * decodes a seccomp stop into a struct ptv_syscall and calls
 * ptv_syscall_dispatch(); the handler says whether the call runs natively
 * (possibly with changed arguments) or returns a value without running.
 */
#ifndef PTV_SYSCALLS_SYSCALLS_H
#define PTV_SYSCALLS_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../kernel/ptrace.h"

struct ptv_syscall {
	ptv_tid_t tid;
	int abi;		/* enum ptv_abi */
	long nr;		/* the number as the ABI has it (x32 bit cleared) */
	uint64_t args[6];
	uint32_t trace_data;	/* SECCOMP_RET_DATA of the trap */
	bool guest_trap;	/* a guest filter's RET_TRACE, not the supervisor's */
};

enum ptv_syscall_action {
	PTV_SYSCALL_RUN,	/* resume: the host kernel runs the call */
	PTV_SYSCALL_RUN_TO_EXIT,/* run it; the supervisor needs its exit stop */
	PTV_SYSCALL_RETURN,	/* skip the call; it returns .result */
	PTV_SYSCALL_HELD,	/* the task is now in a virtual stop: no resume */
	PTV_SYSCALL_DEFER,	/* not yet: the task stays in its stop while the
				   loop collects pending host events, then the
				   call is decided again (a blocking wait) */
	PTV_SYSCALL_DEFER_BRIEF,/* the same, but only for the host events
				   already pending: no spin */
};

struct ptv_syscall_outcome {
	enum ptv_syscall_action action;
	long result;		/* a value or -errno, for PTV_SYSCALL_RETURN */
	bool for_thread_exit;	/* PTV_SYSCALL_DEFER until a reaped traced
				   thread is gone on the host */
};

struct ptv_syscall_env {
	struct ptv_kernel *k;
	bool host_has_x32;
	bool may_defer;		/* PTV_SYSCALL_DEFER is allowed */
	bool may_defer_exit;	/* ... for a traced thread's exit the host is
				   finishing (a wait decided again until it
				   is gone, for a bounded time: loop.c) */
	/*
	 * Handles the host events already pending, but @caller's, before a
	 * decision that needs the model to know what the host did before
	 * @caller's call (loop.c). May be NULL (nothing is taken).
	 */
	void (*take_pending)(struct ptv_syscall_env *env,
			     struct ptv_task *caller);
	/* The same, without waiting for stops in flight. May be NULL. */
	void (*take_ready)(struct ptv_syscall_env *env,
			   struct ptv_task *caller);
	void *loop;
	bool redeciding;	/* a deferred wait decided again by the loop,
				   which gives no take_pending nor take_ready
				   there; PTV_SYSCALL_DEFER_BRIEF is allowed */
};

struct user_regs_struct;

/*
 * @size bytes, 16-aligned, below the stack's red zone of the task whose
 * registers are @regs (wait.c): nothing of the caller's lives there during
 * a syscall (a signal frame is written there only after the syscall's
 * exit stop). The supervisor puts what a call it rewrites points to there.
 */
uint64_t ptv_room_below_red_zone(const struct user_regs_struct *regs,
				 int abi, size_t size);

/* include/linux/errno.h: the kernel's internal restart codes. */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

/* Is @rax the return of a call interrupted to be restarted? */
static inline bool ptv_is_restart_code(long rax)
{
	return rax == -ERESTARTSYS || rax == -ERESTARTNOINTR ||
	       rax == -ERESTARTNOHAND || rax == -ERESTART_RESTARTBLOCK;
}

/*
 * Pid namespaces (syscalls/pidns.c). A guest in one below the supervisor's
 * names tasks by its own pids; these map them. Pids of the supervisor's
 * own namespace are the host's and pass unchanged.
 */
/* Reads @t's pid namespace now, if not yet (while /proc still has it). */
void ptv_pidns_load(struct ptv_task *t);
/* Is @t in a pid namespace below the supervisor's? */
bool ptv_pidns_nested(struct ptv_task *t);
/* ... one whose pids cannot be mapped (too deep, or not readable)? */
bool ptv_pidns_unmapped(struct ptv_task *t);
/*
 * The supervisor's pid @self as @t sees it (the si_pid of a signal it
 * sent): 0 from a namespace below its own.
 */
pid_t ptv_pidns_supervisor_seen_by(struct ptv_task *t, pid_t self);
/* Host task @tid as @viewer sees it: its pid there, or 0 if it does not. */
pid_t ptv_pidns_to_guest(struct ptv_kernel *k, struct ptv_task *viewer,
			 pid_t tid);
/* The host tid of the task @viewer names @nr (> 0), or 0: none it sees. */
pid_t ptv_pidns_to_host(struct ptv_kernel *k, struct ptv_task *viewer,
			pid_t nr);

/*
 * User namespaces (syscalls/pidns.c). The uid of a siginfo the supervisor
 * writes is the one its reader sees (kernel/signal.c, kernel/exit.c:
 * from_kuid_munged() into the reader's user namespace). Until a guest
 * makes a user namespace (unshare(CLONE_NEWUSER), clone(CLONE_NEWUSER),
 * setns: ptv_userns_note()), uids pass unchanged at no cost.
 */
void ptv_userns_note(void);
/* @uid (as the supervisor sees it) as task @viewer sees it. */
uid_t ptv_uid_seen_by(pid_t viewer, uid_t uid);
/* Task @tid's real uid as @viewer sees it: 0 and *@uid, or -errno. */
int ptv_real_uid_seen_by(pid_t viewer, pid_t tid, uid_t *uid);

/*
 * Decides what a trapped syscall does. Preconditions: @task is in a host
 * PTRACE_EVENT_SECCOMP stop for @call, on the loop thread.
 */
void ptv_syscall_dispatch(struct ptv_syscall_env *env, struct ptv_task *task,
			  const struct ptv_syscall *call,
			  struct ptv_syscall_outcome *out);


/* ptrace(2) for guests (syscalls/ptrace.c). */
void ptv_sys_ptrace(struct ptv_syscall_env *env, struct ptv_task *caller,
		    const struct ptv_syscall *call,
		    struct ptv_syscall_outcome *out);

/* wait4(2), waitid(2), waitpid for guests (syscalls/wait.c). */
void ptv_sys_wait(struct ptv_syscall_env *env, struct ptv_task *caller,
		  const struct ptv_syscall *call,
		  struct ptv_syscall_outcome *out);

/*
 * The wait vehicle's host stops (DESIGN.md, blocking wait). Each takes a
 * task with ->wait set, in the host stop named, and fixes its registers.
 */
/*
 * At a syscall-exit stop of a task in a vehicle. @woken: this stop ended the
 * supervisor's wake-up interrupt. Returns true if the stop is part of the
 * vehicle's mechanics and must stay hidden from the task's own tracer (the
 * restart it causes is hidden too: task->hide_vehicle).
 */
bool ptv_wait_at_syscall_exit(struct ptv_syscall_env *env, struct ptv_task *t,
			      bool woken);
void ptv_wait_at_wakeup(struct ptv_syscall_env *env, struct ptv_task *t);
/*
 * At the first stop of a task the supervisor woke in a wait it let run
 * natively, with no exit stop: the wait may have reaped a child killed in
 * a signal's place meanwhile, whose report then gets that signal.
 */
void ptv_wait_fix_woken_native(struct ptv_syscall_env *env,
			       struct ptv_task *t);
void ptv_wait_at_signal(struct ptv_syscall_env *env, struct ptv_task *t);
/*
 * A signal-delivery-stop of a task whose wait a wake-up restarted
 * (->wait_woken_restart) before it ran again: the signal interrupts it
 * (-ERESTARTSYS) instead of the restart.
 */
void ptv_wait_woken_at_signal(struct ptv_task *t);
/* The task left its wait for good (death, exec): forget the vehicle. */
void ptv_wait_forget(struct ptv_task *t);
/* True if the task's wait vehicle needs its syscall-exit stop. */
bool ptv_wait_needs_exit_stop(const struct ptv_task *t);

#endif
